//! A WebRTC client for tests and benchmarks: a real str0m peer connection (ICE, DTLS, SRTP)
//! on its own loopback UDP socket, signalling through a [`Client`]'s WebSocket. It can publish
//! synthetic audio and video (optionally simulcast) and counts what it receives per
//! participant and kind, using the server's `media_tracks`.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use podium_protocol::{ClientMsg, MediaKind, MediaTrack, ParticipantId, SendTrack, ServerMsg};
use str0m::change::{SdpAnswer, SdpOffer, SdpPendingOffer};
use str0m::format::Codec;
use str0m::media::{Direction, Frequency, MediaTime, Mid, Rid, Simulcast, SimulcastLayer};
use str0m::net::{Protocol, Receive};
use str0m::{Candidate, Event, Input, Output, Rtc};
use tokio::net::UdpSocket;

use super::Client;

/// Frame sizes of the synthetic streams, so a receiver can tell the layers apart.
pub const AUDIO_BYTES: usize = 80;
pub const HIGH_BYTES: usize = 1100;
pub const LOW_BYTES: usize = 300;
pub const SCREEN_BYTES: usize = 700;
const AUDIO_EVERY: Duration = Duration::from_millis(20);
const VIDEO_EVERY: Duration = Duration::from_millis(33);

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
    /// The server's incoming m-lines: whose media each carries.
    tracks: HashMap<Mid, (ParticipantId, MediaKind)>,
    received: HashMap<(ParticipantId, MediaKind), Received>,
    /// Frames received on m-lines the server never named.
    unlisted: u64,
    connected: bool,
    frames_sent: u64,
}

/// One str0m peer connection driven by a background task.
pub struct MediaPeer {
    inner: Arc<Mutex<Inner>>,
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

impl MediaPeer {
    /// A peer on a fresh loopback UDP socket, with nothing negotiated yet.
    pub async fn new() -> MediaPeer {
        let socket = UdpSocket::bind("127.0.0.1:0").await.expect("bind udp");
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
            tracks: HashMap::new(),
            received: HashMap::new(),
            unlisted: 0,
            connected: false,
            frames_sent: 0,
        }));
        let task = tokio::spawn(drive(inner.clone(), socket, local));
        MediaPeer { inner, task, local }
    }

    /// The client's offer: `sendonly` audio and video (and a screen, when `screen`) when
    /// `publish`, `recvonly` audio and video otherwise.
    pub fn offer(&self, publish: bool, simulcast: bool, screen: bool) -> (String, Vec<SendTrack>) {
        let mut inner = self.inner.lock().unwrap();
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

    pub fn accept_answer(&self, sdp: &str) {
        let mut inner = self.inner.lock().unwrap();
        let pending = inner.pending.take().expect("an offer of ours waiting");
        let answer = SdpAnswer::from_sdp_string(sdp).expect("a readable answer");
        inner
            .rtc
            .sdp_api()
            .accept_answer(pending, answer)
            .expect("answer accepted");
    }

    /// Answer a server offer.
    pub fn accept_offer(&self, sdp: &str) -> String {
        let mut inner = self.inner.lock().unwrap();
        let offer = SdpOffer::from_sdp_string(sdp).expect("a readable offer");
        let answer = inner
            .rtc
            .sdp_api()
            .accept_offer(offer)
            .expect("offer accepted");
        answer.to_sdp_string()
    }

    pub fn set_tracks(&self, tracks: &[MediaTrack]) {
        let mut inner = self.inner.lock().unwrap();
        inner.tracks = tracks
            .iter()
            .map(|t| (Mid::from(t.mid.as_str()), (t.participant, t.kind)))
            .collect();
    }

    pub fn set_sending(&self, sending: Sending) {
        self.inner.lock().unwrap().sending = sending;
    }

    pub fn connected(&self) -> bool {
        self.inner.lock().unwrap().connected
    }

    pub fn received(&self, from: ParticipantId, kind: MediaKind) -> Received {
        let inner = self.inner.lock().unwrap();
        inner
            .received
            .get(&(from, kind))
            .copied()
            .unwrap_or_default()
    }

    /// Everything received from anyone, in frames.
    pub fn total_frames(&self) -> u64 {
        let inner = self.inner.lock().unwrap();
        inner.received.values().map(|r| r.frames).sum::<u64>() + inner.unlisted
    }

    /// Whose tracks the server says it sends us.
    pub fn listed(&self) -> Vec<(ParticipantId, MediaKind)> {
        let mut v: Vec<_> = self
            .inner
            .lock()
            .unwrap()
            .tracks
            .values()
            .copied()
            .collect();
        v.sort();
        v
    }

    pub fn frames_sent(&self) -> u64 {
        self.inner.lock().unwrap().frames_sent
    }
}

/// The peer's loop: socket in, `Rtc` out, synthetic media on a timer.
async fn drive(inner: Arc<Mutex<Inner>>, socket: UdpSocket, local: SocketAddr) {
    let mut buf = vec![0u8; 2048];
    let start = Instant::now();
    let mut next_audio = start;
    let mut next_video = start;
    loop {
        let now = Instant::now();
        let timeout = {
            let mut guard = inner.lock().unwrap();
            let inner = &mut *guard;
            if inner.connected {
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
            } else {
                next_audio = now;
                next_video = now;
            }
            let mut timeout = next_audio.min(next_video);
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
            timeout
        };
        let wait = tokio::time::sleep_until(timeout.max(Instant::now()).into());
        let input = tokio::select! {
            r = socket.recv_from(&mut buf) => match r {
                Ok((n, from)) => Some((n, from)),
                Err(_) => None,
            },
            () = wait => None,
        };
        let mut inner = inner.lock().unwrap();
        let now = Instant::now();
        let result = match input {
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
                }
                None => inner.unlisted += 1,
            }
        }
        _ => {}
    }
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
    if writer
        .write(pt, now, time, vec![0xF8u8; AUDIO_BYTES])
        .is_ok()
    {
        inner.frames_sent += 1;
    }
}

/// A VP8 keyframe of `size` bytes: a keyframe header (so layer switches can happen on any
/// frame), then filler.
fn vp8_frame(size: usize) -> Vec<u8> {
    let mut frame = vec![0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0xe0, 0x01];
    frame.resize(size, 0x55);
    frame
}

fn write_video(inner: &mut Inner, now: Instant, start: Instant) {
    let Some(mid) = inner.video_mid else {
        return;
    };
    let ticks = (now - start).as_micros() as u64 * 90 / 1000;
    let time = MediaTime::new(ticks, Frequency::NINETY_KHZ);
    let layers: Vec<(Option<Rid>, usize)> = if inner.simulcast {
        vec![
            (Some(Rid::from("h")), HIGH_BYTES),
            (Some(Rid::from("l")), LOW_BYTES),
        ]
    } else {
        vec![(None, HIGH_BYTES)]
    };
    for (rid, size) in layers {
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

impl Client {
    /// Offer this peer connection to the server and apply its answer.
    pub async fn connect_media(&mut self, peer: &MediaPeer, publish: bool, simulcast: bool) {
        self.connect_media_with(peer, publish, simulcast, false)
            .await;
    }

    /// As [`Client::connect_media`], with a screen-share transceiver when `screen`.
    pub async fn connect_media_with(
        &mut self,
        peer: &MediaPeer,
        publish: bool,
        simulcast: bool,
        screen: bool,
    ) {
        let (sdp, tracks) = peer.offer(publish, simulcast, screen);
        self.send(ClientMsg::MediaOffer { sdp, tracks }).await;
        let answer = match self
            .expect("media_answer", |m| {
                matches!(m, ServerMsg::MediaAnswer { .. })
            })
            .await
        {
            ServerMsg::MediaAnswer { sdp } => sdp,
            _ => unreachable!(),
        };
        peer.accept_answer(&answer);
    }

    /// Handle the server's media signalling that has arrived (offers, track lists), reading
    /// the socket for up to `within`.
    pub async fn pump_media(&mut self, peer: &MediaPeer, within: Duration) {
        let until = tokio::time::Instant::now() + within;
        loop {
            while let Some(i) = self.pending.iter().position(|m| {
                matches!(
                    m,
                    ServerMsg::MediaOffer { .. } | ServerMsg::MediaTracks { .. }
                )
            }) {
                match self.pending.remove(i).unwrap() {
                    ServerMsg::MediaTracks { tracks } => peer.set_tracks(&tracks),
                    ServerMsg::MediaOffer { sdp } => {
                        let answer = peer.accept_offer(&sdp);
                        self.send(ClientMsg::MediaAnswer { sdp: answer }).await;
                    }
                    _ => unreachable!(),
                }
            }
            match self.next_msg(until).await {
                Some(msg) => self.pending.push_back(msg),
                None => return,
            }
        }
    }

    /// Keep the media signalling going until `done` holds, or fail after `within`.
    pub async fn media_until(
        &mut self,
        peer: &MediaPeer,
        what: &str,
        within: Duration,
        mut done: impl FnMut(&MediaPeer) -> bool,
    ) {
        let deadline = Instant::now() + within;
        while Instant::now() < deadline {
            if done(peer) {
                return;
            }
            self.pump_media(peer, Duration::from_millis(50)).await;
        }
        assert!(done(peer), "timed out waiting for {what}");
    }
}

/// Pump several clients' media signalling in turn until `done` holds, or fail after `within`.
pub async fn settle(
    parties: &mut [(&mut Client, &MediaPeer)],
    what: &str,
    within: Duration,
    mut done: impl FnMut() -> bool,
) {
    let deadline = Instant::now() + within;
    while Instant::now() < deadline {
        if done() {
            return;
        }
        for (client, peer) in parties.iter_mut() {
            client.pump_media(peer, Duration::from_millis(10)).await;
        }
    }
    assert!(done(), "timed out waiting for {what}");
}

/// Pump everyone's signalling for `time`, whatever happens.
pub async fn run_for(parties: &mut [(&mut Client, &MediaPeer)], time: Duration) {
    let deadline = Instant::now() + time;
    while Instant::now() < deadline {
        for (client, peer) in parties.iter_mut() {
            client.pump_media(peer, Duration::from_millis(10)).await;
        }
    }
}
