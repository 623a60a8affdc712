//! What the forwarding benchmarks share, whichever server forwards ([`crate::sfu`] for ours,
//! [`crate::janus`] for Janus): the publisher's and the subscribers' str0m peers, the wait
//! until everyone receives, and the measured window with its figures.
//!
//! The publisher sends one non-simulcast VP8 stream of about 2.5 Mbit/s (30 frames a second
//! in ~1,200-byte packets) and Opus-sized audio. The first 20 subscribers decrypt and
//! reassemble every frame and time it; the others count the RTP datagrams reaching their
//! socket without decrypting them (ICE, DTLS and RTCP still run), so that hundreds of
//! receivers fit on the machine beside the server.
//!
//! Measured over a fixed window once everyone receives: RTP packets delivered to the
//! subscribers per second and per CPU second of the server process (from `/proc`), and the
//! time from the publisher writing a frame to a subscriber having it whole (audio: one packet
//! a frame; video: until a frame's last packet).

use std::future::Future;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use podium_testkit::media::{Latency, MediaPeer, PeerOptions, Sending};
use tokio::task::JoinSet;

use crate::server;

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
    /// The load average over the last minute when the window closed.
    pub load_avg: f64,
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

/// The publisher's peer on `ip`: sends nothing until told to (`set_sending`).
pub async fn publisher_peer(ip: IpAddr) -> MediaPeer {
    MediaPeer::with_options(PeerOptions {
        ip,
        video_bytes: VIDEO_720P_BYTES,
        ..PeerOptions::default()
    })
    .await
}

/// Wait (at most 15 s) until the publisher's connection is up, then start its audio and video.
pub async fn start_publishing(publisher: &MediaPeer, to: &str) -> Result<(), String> {
    let until = Instant::now() + Duration::from_secs(15);
    while !publisher.connected() {
        if Instant::now() > until {
            return Err(format!("the publisher never connected to {to}"));
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    publisher.set_sending(Sending {
        audio: true,
        video: true,
        screen: false,
    });
    Ok(())
}

/// Subscriber number `n` (from 1) on `ip`: the first few time what they receive into
/// `latency`.
pub async fn subscriber_peer(ip: IpAddr, n: u64, latency: &Arc<Latency>) -> MediaPeer {
    let timed = n <= TIMED_SUBSCRIBERS;
    MediaPeer::with_options(PeerOptions {
        ip,
        latency: timed.then(|| latency.clone()),
        count_only: !timed,
        ..PeerOptions::default()
    })
    .await
}

/// Connect `count` subscribers, [`CONNECTING_AT_ONCE`] at a time: `connect(n)` for n = 1, 2, …,
/// each one handed to `connected` as soon as it is in.
pub async fn connect_subscribers<T, F>(
    count: usize,
    mut connect: impl FnMut(u64) -> F,
    mut connected: impl FnMut(T),
) -> Result<(), String>
where
    F: Future<Output = Result<T, String>> + Send + 'static,
    T: Send + 'static,
{
    let mut n = 1u64;
    while n <= count as u64 {
        let batch = CONNECTING_AT_ONCE.min(count - (n - 1) as usize);
        let mut joining = JoinSet::new();
        for _ in 0..batch {
            joining.spawn(connect(n));
            n += 1;
        }
        while let Some(joined) = joining.join_next().await {
            connected(joined.map_err(|e| e.to_string())??);
        }
    }
    Ok(())
}

/// Wait until every subscriber has received something (or a deadline that grows with their
/// number), then two seconds more for the stream to settle.
pub async fn wait_until_receiving(subscribers: &[Arc<MediaPeer>]) {
    let until = Instant::now()
        + Duration::from_secs(30)
        + Duration::from_millis(60) * subscribers.len() as u32;
    while Instant::now() < until && receiving(subscribers) < subscribers.len() {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
}

fn receiving(subscribers: &[Arc<MediaPeer>]) -> usize {
    subscribers.iter().filter(|s| s.total_packets() > 0).count()
}

/// The server under test as `/proc` sees it.
pub struct Process<'a> {
    pub pid: u32,
    /// Threads whose name starts with this are the media thread(s), when there are.
    pub media_thread: Option<&'a str>,
}

impl Process<'_> {
    fn cpu(&self) -> f64 {
        server::cpu_secs(&format!("/proc/{}/stat", self.pid))
    }

    fn media_cpu(&self) -> f64 {
        self.media_thread
            .map_or(0.0, |name| server::thread_cpu(self.pid, name))
    }
}

/// The measured window: everything in [`Outcome`] for `plan.measure` from now.
pub async fn measure(
    process: &Process<'_>,
    plan: &Plan,
    subscribers: &[Arc<MediaPeer>],
    latency: &Latency,
) -> Outcome {
    let mut out = Outcome {
        subscribers: plan.subscribers,
        receiving: receiving(subscribers),
        ..Outcome::default()
    };
    let before: Vec<u64> = subscribers.iter().map(|s| s.total_packets()).collect();
    let (cpu0, media0, own0, drops0) = (
        process.cpu(),
        process.media_cpu(),
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
    out.server_cpu = (process.cpu() - cpu0) / secs;
    out.media_cpu = (process.media_cpu() - media0) / secs;
    out.loadgen_cpu = (server::own_cpu() - own0) / secs;
    out.dropped_pps = udp_receive_drops().saturating_sub(drops0) as f64 / secs;
    out.rss_kib = server::rss_kib(&format!("/proc/{}/status", process.pid));
    out.load_avg = load_average();
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
    out
}

/// The one-minute load average of the machine.
fn load_average() -> f64 {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().and_then(|v| v.parse().ok()))
        .unwrap_or(0.0)
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
