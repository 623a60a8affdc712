//! A WebRTC peer for tests and benchmarks: a real str0m peer connection (ICE, DTLS, SRTP)
//! on its own loopback UDP socket. Signalling is the caller's: [`MediaPeer::offer`] makes the
//! client's offer, [`MediaPeer::handle_signal`] answers what the server sends. It can publish
//! synthetic audio and video (optionally simulcast) and counts what it receives per
//! participant and kind, using the server's `media_tracks`.
//!
//! Every synthetic frame carries the [`crate::clock::micros`] of its sending, so a receiver in
//! the same process can tell how long it took (see [`Latency`]).

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use podium_protocol::{ClientMsg, MediaKind, MediaTrack, ParticipantId, SendTrack, ServerMsg};
use str0m::change::{SdpAnswer, SdpOffer, SdpPendingOffer};
use str0m::format::Codec;
use str0m::media::{Direction, Frequency, MediaTime, Mid, Rid, Simulcast, SimulcastLayer};
use str0m::net::{Protocol, Receive};
use str0m::{Candidate, Event, Input, Output, Rtc};
use tokio::net::UdpSocket;
use tokio::sync::Notify;

use crate::clock;
use crate::hist::Histogram;

/// Frame sizes of the synthetic streams, so a receiver can tell the layers apart.
pub const AUDIO_BYTES: usize = 80;
pub const HIGH_BYTES: usize = 1100;
pub const LOW_BYTES: usize = 300;
pub const SCREEN_BYTES: usize = 700;
const AUDIO_EVERY: Duration = Duration::from_millis(20);
const VIDEO_EVERY: Duration = Duration::from_millis(33);
/// Where a VP8 frame's timestamp goes: after its 10-byte keyframe header.
const VIDEO_STAMP_AT: usize = 10;
/// Where an audio frame's timestamp goes: after its Opus TOC byte.
const AUDIO_STAMP_AT: usize = 1;
/// Where the low layer's RTP clock starts: a browser starts each layer's clock at random, so
/// the layers' times differ by about this much.
const LOW_CLOCK_START: u64 = 1_000_000_000;
/// A video's RTP time moving on by more than this between two frames (10 s) is a leap.
const CLOCK_LEAP: i32 = 900_000;

/// What a peer sends, once connected.
#[derive(Clone, Copy, Debug, Default)]
pub struct Sending {
    pub audio: bool,
    pub video: bool,
    pub screen: bool,
}

/// Received media for one participant and kind.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Received {
    /// Frames delivered by the depacketizer.
    pub frames: u64,
    /// RTP packets those frames were made of.
    pub packets: u64,
    /// Size of the last frame, to tell simulcast layers apart.
    pub last_size: usize,
    /// RTP time of the last frame.
    pub last_time: Option<u64>,
    /// Frames whose RTP time went back from the one before, or leapt ahead of it: a browser
    /// drops the frames of a video whose clock goes back.
    pub clock_jumps: u64,
}

/// Send-to-receive times of whole frames, in microseconds, by kind (screen counts as video).
#[derive(Default)]
pub struct Latency {
    /// One RTP packet a frame: the time of one packet through the path.
    pub audio: Histogram,
    /// Several packets a frame: until the frame's last packet arrived.
    pub video: Histogram,
}

/// How a peer is set up.
#[derive(Clone)]
pub struct PeerOptions {
    /// The loopback address its socket binds (port chosen by the system).
    pub ip: IpAddr,
    /// Size of each camera frame (the high layer when simulcast), 30 a second.
    pub video_bytes: usize,
    /// Where received frames' latencies are recorded, if anywhere.
    pub latency: Option<Arc<Latency>>,
    /// Once connected, count arriving RTP datagrams instead of decrypting and depacketizing
    /// them (STUN, DTLS and RTCP still go to the `Rtc`): a receiver cheap enough that one
    /// machine can hold hundreds next to the server. It records no frames and no latency.
    pub count_only: bool,
}

impl Default for PeerOptions {
    fn default() -> Self {
        PeerOptions {
            ip: IpAddr::V4(Ipv4Addr::LOCALHOST),
            video_bytes: HIGH_BYTES,
            latency: None,
            count_only: false,
        }
    }
}

struct Inner {
    rtc: Rtc,
    pending: Option<SdpPendingOffer>,
    /// Our sending m-lines.
    audio_mid: Option<Mid>,
    video_mid: Option<Mid>,
    screen_mid: Option<Mid>,
    simulcast: bool,
    sending: Sending,
    video_bytes: usize,
    latency: Option<Arc<Latency>>,
    /// The server's incoming m-lines: whose media each carries.
    tracks: HashMap<Mid, (ParticipantId, MediaKind)>,
    received: HashMap<(ParticipantId, MediaKind), Received>,
    /// Frames received on m-lines the server never named.
    unlisted: u64,
    connected: bool,
    count_only: bool,
    /// RTP datagrams counted by a `count_only` peer.
    counted: u64,
    frames_sent: u64,
    /// When the first whole video frame (camera or screen) arrived on a listed track.
    first_video: Option<Instant>,
}

/// One str0m peer connection driven by a background task.
pub struct MediaPeer {
    inner: Arc<Mutex<Inner>>,
    /// Wakes the peer's loop when signalling changed its `Rtc` (it may have packets to send).
    wake: Arc<Notify>,
    task: tokio::task::JoinHandle<()>,
    pub local: SocketAddr,
}

impl Drop for MediaPeer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn provider() -> Arc<str0m::config::CryptoProvider> {
    Arc::new(str0m::crypto::from_feature_flags())
}

/// Lock, carrying on if another thread panicked while holding the lock.
fn lock(m: &Mutex<Inner>) -> MutexGuard<'_, Inner> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl MediaPeer {
    /// A peer on a fresh loopback UDP socket, with nothing negotiated yet.
    pub async fn new() -> MediaPeer {
        MediaPeer::with_options(PeerOptions::default()).await
    }

    pub async fn with_options(options: PeerOptions) -> MediaPeer {
        let socket = UdpSocket::bind(SocketAddr::new(options.ip, 0))
            .await
            .expect("bind udp");
        let local = socket.local_addr().expect("local addr");
        let mut rtc = Rtc::builder()
            .set_crypto_provider(provider())
            .build(Instant::now());
        rtc.add_local_candidate(Candidate::host(local, "udp").expect("candidate"));
        let inner = Arc::new(Mutex::new(Inner {
            rtc,
            pending: None,
            audio_mid: None,
            video_mid: None,
            screen_mid: None,
            simulcast: false,
            sending: Sending::default(),
            video_bytes: options.video_bytes,
            latency: options.latency,
            tracks: HashMap::new(),
            received: HashMap::new(),
            unlisted: 0,
            connected: false,
            count_only: options.count_only,
            counted: 0,
            frames_sent: 0,
            first_video: None,
        }));
        let wake = Arc::new(Notify::new());
        let task = tokio::spawn(drive(inner.clone(), wake.clone(), socket, local));
        MediaPeer {
            inner,
            wake,
            task,
            local,
        }
    }

    /// The client's offer: `sendonly` audio and video (and a screen, when `screen`) when
    /// `publish`, `recvonly` audio and video otherwise.
    pub fn offer(&self, publish: bool, simulcast: bool, screen: bool) -> (String, Vec<SendTrack>) {
        let mut inner = lock(&self.inner);
        let dir = if publish {
            Direction::SendOnly
        } else {
            Direction::RecvOnly
        };
        let mut change = inner.rtc.sdp_api();
        let audio = change.add_media(str0m::media::MediaKind::Audio, dir, None, None, None);
        let layers = (publish && simulcast).then(|| {
            let mut s = Simulcast::new();
            s.add_send_layer(SimulcastLayer::new("h"));
            s.add_send_layer(SimulcastLayer::new("l"));
            s
        });
        let video = change.add_media(str0m::media::MediaKind::Video, dir, None, None, layers);
        let screen = (publish && screen)
            .then(|| change.add_media(str0m::media::MediaKind::Video, dir, None, None, None));
        let (offer, pending) = change.apply().expect("an offer");
        inner.pending = Some(pending);
        if publish {
            inner.audio_mid = Some(audio);
            inner.video_mid = Some(video);
            inner.screen_mid = screen;
            inner.simulcast = simulcast;
        }
        let mut tracks = if publish {
            vec![
                SendTrack {
                    mid: audio.to_string(),
                    kind: MediaKind::Audio,
                },
                SendTrack {
                    mid: video.to_string(),
                    kind: MediaKind::Video,
                },
            ]
        } else {
            Vec::new()
        };
        if let Some(mid) = screen {
            tracks.push(SendTrack {
                mid: mid.to_string(),
                kind: MediaKind::Screen,
            });
        }
        (offer.to_sdp_string(), tracks)
    }

    /// The `media_offer` a client sends for [`MediaPeer::offer`].
    pub fn offer_msg(&self, publish: bool, simulcast: bool, screen: bool) -> ClientMsg {
        let (sdp, tracks) = self.offer(publish, simulcast, screen);
        ClientMsg::MediaOffer { sdp, tracks }
    }

    pub fn accept_answer(&self, sdp: &str) {
        let mut inner = lock(&self.inner);
        let pending = inner.pending.take().expect("an offer of ours waiting");
        let answer = SdpAnswer::from_sdp_string(sdp).expect("a readable answer");
        inner
            .rtc
            .sdp_api()
            .accept_answer(pending, answer)
            .expect("answer accepted");
        self.wake.notify_one();
    }

    /// Answer a server offer.
    pub fn accept_offer(&self, sdp: &str) -> String {
        let mut inner = lock(&self.inner);
        let offer = SdpOffer::from_sdp_string(sdp).expect("a readable offer");
        let answer = inner
            .rtc
            .sdp_api()
            .accept_offer(offer)
            .expect("offer accepted");
        self.wake.notify_one();
        answer.to_sdp_string()
    }

    /// Apply the server's media signalling: its answer, a renegotiation offer (whose answer is
    /// returned, to be sent) or a track list. Other messages are not for the peer.
    pub fn handle_signal(&self, msg: &ServerMsg) -> Option<ClientMsg> {
        match msg {
            ServerMsg::MediaAnswer { sdp } => {
                self.accept_answer(sdp);
                None
            }
            ServerMsg::MediaOffer { sdp } => Some(ClientMsg::MediaAnswer {
                sdp: self.accept_offer(sdp),
            }),
            ServerMsg::MediaTracks { tracks } => {
                self.set_tracks(tracks);
                None
            }
            _ => None,
        }
    }

    pub fn set_tracks(&self, tracks: &[MediaTrack]) {
        lock(&self.inner).tracks = tracks
            .iter()
            .map(|t| (Mid::from(t.mid.as_str()), (t.participant, t.kind)))
            .collect();
    }

    pub fn set_sending(&self, sending: Sending) {
        lock(&self.inner).sending = sending;
    }

    pub fn connected(&self) -> bool {
        lock(&self.inner).connected
    }

    pub fn received(&self, from: ParticipantId, kind: MediaKind) -> Received {
        lock(&self.inner)
            .received
            .get(&(from, kind))
            .copied()
            .unwrap_or_default()
    }

    /// Everything received from anyone, in frames.
    pub fn total_frames(&self) -> u64 {
        let inner = lock(&self.inner);
        inner.received.values().map(|r| r.frames).sum::<u64>() + inner.unlisted
    }

    /// RTP packets of every frame received on a listed track (for a `count_only` peer:
    /// every RTP datagram that arrived).
    pub fn total_packets(&self) -> u64 {
        let inner = lock(&self.inner);
        inner.received.values().map(|r| r.packets).sum::<u64>() + inner.counted
    }

    /// The m-line the server says carries this participant's media of this kind.
    pub fn mid_of(&self, from: ParticipantId, kind: MediaKind) -> Option<String> {
        lock(&self.inner)
            .tracks
            .iter()
            .find(|(_, who)| **who == (from, kind))
            .map(|(mid, _)| mid.to_string())
    }

    /// Whose tracks the server says it sends us.
    pub fn listed(&self) -> Vec<(ParticipantId, MediaKind)> {
        let mut v: Vec<_> = lock(&self.inner).tracks.values().copied().collect();
        v.sort();
        v
    }

    pub fn frames_sent(&self) -> u64 {
        lock(&self.inner).frames_sent
    }

    /// When the first whole video frame from anyone arrived, if one has.
    pub fn first_video_at(&self) -> Option<Instant> {
        lock(&self.inner).first_video
    }
}

/// The peer's loop: socket in, `Rtc` out, synthetic media on a timer.
async fn drive(inner: Arc<Mutex<Inner>>, wake: Arc<Notify>, socket: UdpSocket, local: SocketAddr) {
    let mut buf = vec![0u8; 2048];
    let start = Instant::now();
    let mut next_audio = start;
    let mut next_video = start;
    // Media starts the moment the connection is up; until then only the `Rtc`'s own timeout
    // (and signalling, through `wake`) wakes the loop.
    let mut started = false;
    loop {
        let now = Instant::now();
        let timeout = {
            let mut guard = lock(&inner);
            let inner = &mut *guard;
            if inner.connected {
                if !started {
                    started = true;
                    next_audio = now;
                    next_video = now;
                }
                if now >= next_audio {
                    next_audio += AUDIO_EVERY;
                    if inner.sending.audio {
                        write_audio(inner, now, start);
                    }
                }
                if now >= next_video {
                    next_video += VIDEO_EVERY;
                    if inner.sending.video {
                        write_video(inner, now, start);
                    }
                    if inner.sending.screen {
                        write_screen(inner, now, start);
                    }
                }
            }
            let mut timeout = if started {
                next_audio.min(next_video)
            } else {
                now + Duration::from_secs(1)
            };
            loop {
                match inner.rtc.poll_output() {
                    Ok(Output::Timeout(t)) => {
                        timeout = timeout.min(t);
                        break;
                    }
                    Ok(Output::Transmit(t)) => {
                        let _ = socket.try_send_to(&t.contents, t.destination);
                    }
                    Ok(Output::Event(e)) => on_event(inner, e),
                    Err(_) => return,
                }
            }
            if inner.connected && !started {
                // Just connected: start sending now.
                timeout = now;
            }
            timeout
        };
        let wait = tokio::time::sleep_until(timeout.max(Instant::now()).into());
        let input = tokio::select! {
            r = socket.recv_from(&mut buf) => match r {
                Ok((n, from)) => Some((n, from)),
                Err(_) => None,
            },
            () = wait => None,
            () = wake.notified() => None,
        };
        let mut inner = lock(&inner);
        let now = Instant::now();
        let result = match input {
            // RTP (RFC 7983: first byte 128–191, and not an RTCP packet type).
            Some((n, _))
                if inner.count_only
                    && inner.connected
                    && n > 1
                    && (128..192).contains(&buf[0])
                    && !(192..224).contains(&buf[1]) =>
            {
                inner.counted += 1;
                Ok(())
            }
            Some((n, from)) => match buf[..n].try_into() {
                Ok(contents) => inner.rtc.handle_input(Input::Receive(
                    now,
                    Receive {
                        proto: Protocol::Udp,
                        source: from,
                        destination: local,
                        contents,
                    },
                )),
                Err(_) => Ok(()),
            },
            None => inner.rtc.handle_input(Input::Timeout(now)),
        };
        if result.is_err() {
            return;
        }
    }
}

fn on_event(inner: &mut Inner, event: Event) {
    match event {
        Event::Connected => inner.connected = true,
        Event::MediaData(data) => {
            let packets = (**data.seq_range.end()).saturating_sub(**data.seq_range.start()) + 1;
            match inner.tracks.get(&data.mid) {
                Some(&key) => {
                    let r = inner.received.entry(key).or_default();
                    r.frames += 1;
                    r.packets += packets;
                    r.last_size = data.data.len();
                    let time = data.time.numer();
                    if let Some(last) = r.last_time.replace(time) {
                        // On the wire the time is 32 bits that wrap.
                        let step = (time as u32).wrapping_sub(last as u32) as i32;
                        if !(0..=CLOCK_LEAP).contains(&step) {
                            r.clock_jumps += 1;
                        }
                    }
                    if key.1 != MediaKind::Audio && inner.first_video.is_none() {
                        inner.first_video = Some(Instant::now());
                    }
                    if let Some(latency) = &inner.latency {
                        let (at, hist) = match key.1 {
                            MediaKind::Audio => (AUDIO_STAMP_AT, &latency.audio),
                            MediaKind::Video | MediaKind::Screen => {
                                (VIDEO_STAMP_AT, &latency.video)
                            }
                        };
                        if let Some(sent) = read_stamp(&data.data, at) {
                            hist.record(clock::since(sent));
                        }
                    }
                }
                None => inner.unlisted += 1,
            }
        }
        _ => {}
    }
}

fn stamp(frame: &mut [u8], at: usize) {
    if let Some(slot) = frame.get_mut(at..at + 8) {
        slot.copy_from_slice(&clock::micros().to_le_bytes());
    }
}

fn read_stamp(frame: &[u8], at: usize) -> Option<u64> {
    let bytes: [u8; 8] = frame.get(at..at + 8)?.try_into().ok()?;
    Some(u64::from_le_bytes(bytes))
}

fn write_audio(inner: &mut Inner, now: Instant, start: Instant) {
    let Some(mid) = inner.audio_mid else {
        return;
    };
    let Some(writer) = inner.rtc.writer(mid) else {
        return;
    };
    let Some(pt) = writer
        .payload_params()
        .find(|p| p.spec().codec == Codec::Opus)
        .map(|p| p.pt())
    else {
        return;
    };
    let ticks = (now - start).as_micros() as u64 * 48 / 1000;
    let time = MediaTime::new(ticks, Frequency::FORTY_EIGHT_KHZ);
    let mut frame = vec![0xF8u8; AUDIO_BYTES];
    stamp(&mut frame, AUDIO_STAMP_AT);
    if writer.write(pt, now, time, frame).is_ok() {
        inner.frames_sent += 1;
    }
}

/// A VP8 keyframe of `size` bytes: a keyframe header (so layer switches can happen on any
/// frame), the time it was made, then filler.
fn vp8_frame(size: usize) -> Vec<u8> {
    let mut frame = vec![0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0xe0, 0x01];
    frame.resize(size, 0x55);
    stamp(&mut frame, VIDEO_STAMP_AT);
    frame
}

fn write_video(inner: &mut Inner, now: Instant, start: Instant) {
    let Some(mid) = inner.video_mid else {
        return;
    };
    let ticks = (now - start).as_micros() as u64 * 90 / 1000;
    let layers: Vec<(Option<Rid>, usize, u64)> = if inner.simulcast {
        vec![
            (Some(Rid::from("h")), inner.video_bytes, 0),
            (Some(Rid::from("l")), LOW_BYTES, LOW_CLOCK_START),
        ]
    } else {
        vec![(None, inner.video_bytes, 0)]
    };
    for (rid, size, clock_start) in layers {
        let time = MediaTime::new(clock_start + ticks, Frequency::NINETY_KHZ);
        let Some(writer) = inner.rtc.writer(mid) else {
            return;
        };
        let Some(pt) = writer
            .payload_params()
            .find(|p| p.spec().codec == Codec::Vp8)
            .map(|p| p.pt())
        else {
            return;
        };
        let writer = match rid {
            Some(rid) => writer.rid(rid),
            None => writer,
        };
        if writer.write(pt, now, time, vp8_frame(size)).is_ok() {
            inner.frames_sent += 1;
        }
    }
}

fn write_screen(inner: &mut Inner, now: Instant, start: Instant) {
    let Some(mid) = inner.screen_mid else {
        return;
    };
    let ticks = (now - start).as_micros() as u64 * 90 / 1000;
    let time = MediaTime::new(ticks, Frequency::NINETY_KHZ);
    let Some(writer) = inner.rtc.writer(mid) else {
        return;
    };
    let Some(pt) = writer
        .payload_params()
        .find(|p| p.spec().codec == Codec::Vp8)
        .map(|p| p.pt())
    else {
        return;
    };
    if writer.write(pt, now, time, vp8_frame(SCREEN_BYTES)).is_ok() {
        inner.frames_sent += 1;
    }
}
