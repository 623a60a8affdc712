//! The SFU's forwarding: one presenter on stage publishing a 720p-like stream (about
//! 2.5 Mbit/s of video in ~1,200-byte packets, plus audio) and N viewers receiving it, each a
//! real str0m peer connection (ICE, DTLS, SRTP) from [`podium_testkit::media`].
//!
//! The first 20 subscribers decrypt and reassemble every frame and time it; the others count
//! the RTP datagrams reaching their socket without decrypting them (ICE, DTLS and RTCP still
//! run), so that hundreds of receivers fit on the machine beside the server.
//!
//! Measured over a fixed window once everyone receives: RTP packets delivered to the
//! subscribers per second and per CPU second of the server process (and of its media thread
//! alone), and the time from the publisher writing a frame to a subscriber having it whole
//! (audio: one packet a frame; video: until a frame's last packet).

use std::net::{IpAddr, Ipv4Addr};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::SinkExt;
use podium_protocol::{ClientMsg, Event, Role, ServerMsg, StageMode};
use podium_testkit::media::{Latency, MediaPeer, PeerOptions, Sending};
use tokio::task::JoinSet;
use tokio_tungstenite::tungstenite::Message;

use crate::server::{self, Server};
use crate::ws;

/// The media thread's name in the server.
const MEDIA_THREAD: &str = "podium-media";
/// 2.5 Mbit/s at 30 frames a second.
pub const VIDEO_720P_BYTES: usize = 10_400;
/// Subscribers connecting at once.
const CONNECTING_AT_ONCE: usize = 25;
/// Subscribers that decrypt and reassemble every frame, and time it; the others only count
/// the RTP datagrams that reach them, so the load generator keeps up with hundreds.
const TIMED_SUBSCRIBERS: u64 = 20;

#[derive(Clone, Debug)]
pub struct Plan {
    pub subscribers: usize,
    pub measure: Duration,
}

#[derive(Clone, Debug, Default)]
pub struct Outcome {
    pub subscribers: usize,
    /// Subscribers that received media before the window opened.
    pub receiving: usize,
    pub window_secs: f64,
    /// RTP packets delivered to all subscribers, per second.
    pub rx_pps: f64,
    /// The slowest and the fastest subscriber, packets per second.
    pub min_sub_pps: f64,
    pub max_sub_pps: f64,
    /// Datagrams the kernel dropped on this machine for full receive buffers, per second.
    pub dropped_pps: f64,
    pub server_cpu: f64,
    pub media_cpu: f64,
    pub audio_p50_ms: f64,
    pub audio_p99_ms: f64,
    pub video_p50_ms: f64,
    pub video_p99_ms: f64,
    pub loadgen_cpu: f64,
    pub rss_kib: u64,
}

impl Outcome {
    /// Packets delivered per CPU second of the whole server process.
    pub fn per_core_sec(&self) -> f64 {
        if self.server_cpu <= 0.0 {
            return 0.0;
        }
        self.rx_pps / self.server_cpu
    }

    /// Packets delivered per CPU second of the media thread.
    pub fn per_media_core_sec(&self) -> f64 {
        if self.media_cpu <= 0.0 {
            return 0.0;
        }
        self.rx_pps / self.media_cpu
    }
}

pub async fn run(binary: &Path, plan: &Plan) -> Result<Outcome, String> {
    let server = Server::start(binary)?;
    let url = server.ws_url();
    let latency = Arc::new(Latency::default());
    let mut tasks = JoinSet::new();
    let _publisher = presenter(&server, &mut tasks).await?;

    // The subscribers.
    let mut subscribers = Vec::with_capacity(plan.subscribers);
    let mut n = 1u64;
    while subscribers.len() < plan.subscribers {
        let batch = CONNECTING_AT_ONCE.min(plan.subscribers - subscribers.len());
        let mut joining = JoinSet::new();
        for _ in 0..batch {
            let (url, addr, latency) = (url.clone(), server.addr, latency.clone());
            let i = n;
            n += 1;
            joining.spawn(async move {
                let mut ws = ws::open(addr, ws::source_ip(i), &url).await?;
                let token =
                    server::token(Role::Attendee, &format!("Viewer {i}"), i, StageMode::Open);
                ws::enter(&mut ws, token, Duration::from_secs(30)).await?;
                let timed = i <= TIMED_SUBSCRIBERS;
                let peer = MediaPeer::with_options(PeerOptions {
                    ip: IpAddr::V4(Ipv4Addr::LOCALHOST),
                    latency: timed.then_some(latency),
                    count_only: !timed,
                    ..PeerOptions::default()
                })
                .await;
                ws::send(&mut ws, &peer.offer_msg(false, false, false)).await?;
                Ok::<_, String>((ws, Arc::new(peer)))
            });
        }
        while let Some(joined) = joining.join_next().await {
            let (ws, peer) = joined.map_err(|e| e.to_string())??;
            tasks.spawn(pump(ws, peer.clone()));
            subscribers.push(peer);
        }
    }
    let until = Instant::now() + Duration::from_secs(30) + Duration::from_millis(60) * n as u32;
    loop {
        let receiving = subscribers.iter().filter(|s| s.total_packets() > 0).count();
        if receiving == subscribers.len() || Instant::now() > until {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    tokio::time::sleep(Duration::from_secs(2)).await;

    // The window.
    let mut out = Outcome {
        subscribers: plan.subscribers,
        receiving: subscribers.iter().filter(|s| s.total_packets() > 0).count(),
        ..Outcome::default()
    };
    let before: Vec<u64> = subscribers.iter().map(|s| s.total_packets()).collect();
    let (cpu0, media0, own0, drops0) = (
        server.cpu(),
        server.thread_cpu(MEDIA_THREAD),
        server::own_cpu(),
        udp_receive_drops(),
    );
    latency.audio.clear();
    latency.video.clear();
    let t0 = Instant::now();
    tokio::time::sleep(plan.measure).await;
    let secs = t0.elapsed().as_secs_f64();
    let after: Vec<u64> = subscribers.iter().map(|s| s.total_packets()).collect();
    out.window_secs = secs;
    out.server_cpu = (server.cpu() - cpu0) / secs;
    out.media_cpu = (server.thread_cpu(MEDIA_THREAD) - media0) / secs;
    out.loadgen_cpu = (server::own_cpu() - own0) / secs;
    out.dropped_pps = udp_receive_drops().saturating_sub(drops0) as f64 / secs;
    out.rss_kib = server.rss_kib();
    let per_sub: Vec<f64> = before
        .iter()
        .zip(&after)
        .map(|(b, a)| a.saturating_sub(*b) as f64 / secs)
        .collect();
    out.rx_pps = per_sub.iter().sum();
    out.min_sub_pps = per_sub.iter().copied().fold(f64::INFINITY, f64::min);
    out.max_sub_pps = per_sub.iter().copied().fold(0.0, f64::max);
    let ms = |us: u64| us as f64 / 1000.0;
    out.audio_p50_ms = ms(latency.audio.quantile(0.5));
    out.audio_p99_ms = ms(latency.audio.quantile(0.99));
    out.video_p50_ms = ms(latency.video.quantile(0.5));
    out.video_p99_ms = ms(latency.video.quantile(0.99));

    drop(server);
    tasks.abort_all();
    while tasks.join_next().await.is_some() {}
    drop(subscribers);
    Ok(out)
}

/// The presenter: on stage with microphone and camera, publishing about 2.5 Mbit/s of video
/// and audio; its signalling is carried by a task in `tasks`.
pub async fn presenter(server: &Server, tasks: &mut JoinSet<()>) -> Result<Arc<MediaPeer>, String> {
    let mut pws = ws::open(server.addr, ws::source_ip(0), &server.ws_url()).await?;
    let token = server::token(Role::Presenter, "Presenter", 0, StageMode::Open);
    let welcome = ws::enter(&mut pws, token, Duration::from_secs(10)).await?;
    let me = ws::welcome_participant(&welcome).ok_or("no participant in the welcome")?;
    ws::send(&mut pws, &ClientMsg::JoinStage).await?;
    wait_for(&mut pws, |p| p.on_stage, me).await?;
    let media_on = ClientMsg::SetMedia {
        mic: true,
        camera: true,
        screen: false,
    };
    ws::send(&mut pws, &media_on).await?;
    wait_for(&mut pws, |p| p.mic && p.camera, me).await?;
    let publisher = Arc::new(
        MediaPeer::with_options(PeerOptions {
            video_bytes: VIDEO_720P_BYTES,
            ..PeerOptions::default()
        })
        .await,
    );
    ws::send(&mut pws, &publisher.offer_msg(true, false, false)).await?;
    tasks.spawn(pump(pws, publisher.clone()));
    let until = Instant::now() + Duration::from_secs(15);
    while !publisher.connected() {
        if Instant::now() > until {
            return Err("the publisher never connected".into());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    publisher.set_sending(Sending {
        audio: true,
        video: true,
        screen: false,
    });
    Ok(publisher)
}

/// Read the presenter's socket until an `updated` about `me` satisfies `f`.
async fn wait_for(
    ws: &mut ws::Socket,
    f: impl Fn(&podium_protocol::ParticipantView) -> bool,
    me: u64,
) -> Result<(), String> {
    let wait = async {
        while let Some(msg) = ws::recv(ws).await {
            if let ServerMsg::Event {
                event: Event::Updated { participant },
                ..
            } = msg
            {
                if participant.id == me && f(&participant) {
                    return Ok(());
                }
            }
        }
        Err("the presenter's socket closed".to_string())
    };
    tokio::time::timeout(Duration::from_secs(10), wait)
        .await
        .map_err(|_| "the stage did not answer in time".to_string())?
}

/// Carry the server's media signalling to the peer, and the peer's answers back.
pub async fn pump(mut socket: ws::Socket, peer: Arc<MediaPeer>) {
    while let Some(msg) = ws::recv(&mut socket).await {
        if let Some(reply) = peer.handle_signal(&msg) {
            let text = ws::encode(&reply);
            if socket.send(Message::Text(text.into())).await.is_err() {
                return;
            }
        }
    }
}

/// UDP datagrams dropped on this machine because a receive buffer was full (`RcvbufErrors`
/// in /proc/net/snmp).
fn udp_receive_drops() -> u64 {
    let Ok(snmp) = std::fs::read_to_string("/proc/net/snmp") else {
        return 0;
    };
    let udp: Vec<&str> = snmp.lines().filter(|l| l.starts_with("Udp:")).collect();
    let [names, values] = udp.as_slice() else {
        return 0;
    };
    names
        .split_whitespace()
        .zip(values.split_whitespace())
        .find(|(n, _)| *n == "RcvbufErrors")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0)
}
