//! Join → first remote frame: how long a person entering the room waits to see the stage.
//!
//! A presenter on stage publishes as in [`crate::sfu`]. Then, round after round, a group of
//! viewers (1, or 8 at once) enter: each opens its WebSocket, sends `hello` (the clock starts),
//! gets the welcome, offers a receive-only peer connection, answers the server's offer of the
//! stage's tracks, and stops the clock when the first whole video frame has arrived (every
//! synthetic frame is a keyframe, so the first complete frame is a decodable one). The
//! viewers then leave before the next round.
//!
//! The time covers signalling, ICE, DTLS, the renegotiation that adds the stage's tracks and
//! the wait for the publisher's next frame (one every 33 ms); not a browser's decoder.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use podium_protocol::{Role, StageMode};
use podium_testkit::hist::Histogram;
use podium_testkit::media::{MediaPeer, PeerOptions};
use tokio::task::JoinSet;

use crate::server::{self, Server};
use crate::sfu;
use crate::ws;

/// The longest a viewer is given to see the first frame.
const FIRST_FRAME_WITHIN: Duration = Duration::from_secs(10);
/// Between rounds: the last group's peers are closed and forgotten.
const BETWEEN_ROUNDS: Duration = Duration::from_millis(300);

#[derive(Clone, Debug)]
pub struct Plan {
    /// Viewers entering at once.
    pub receivers: usize,
    pub rounds: usize,
}

#[derive(Clone, Debug, Default)]
pub struct Outcome {
    pub receivers: usize,
    /// Viewers that saw a frame, and those that did not in time.
    pub joins: usize,
    pub failed: usize,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub max_ms: f64,
}

/// Every plan against one server and one presenter.
pub async fn run(binary: &Path, plans: &[Plan]) -> Result<Vec<Outcome>, String> {
    let server = Server::start(binary)?;
    let mut tasks = JoinSet::new();
    let publisher = sfu::presenter(&server, &mut tasks, 0, false).await?;
    // Let the publisher's stream reach its steady rate.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mut n = 1u64;
    let mut outcomes = Vec::new();
    for plan in plans {
        let times = Histogram::default();
        let mut out = Outcome {
            receivers: plan.receivers,
            ..Outcome::default()
        };
        for _ in 0..plan.rounds {
            let mut group = JoinSet::new();
            for _ in 0..plan.receivers {
                group.spawn(viewer(server.addr, server.ws_url(), n));
                n += 1;
            }
            while let Some(joined) = group.join_next().await {
                match joined.map_err(|e| e.to_string())? {
                    Ok(took) => {
                        times.record(took.as_micros() as u64);
                        out.joins += 1;
                    }
                    Err(e) => {
                        println!("  a viewer saw no frame: {e}");
                        out.failed += 1;
                    }
                }
            }
            tokio::time::sleep(BETWEEN_ROUNDS).await;
        }
        let ms = |us: u64| us as f64 / 1000.0;
        out.p50_ms = ms(times.quantile(0.5));
        out.p95_ms = ms(times.quantile(0.95));
        out.max_ms = ms(times.max());
        outcomes.push(out);
    }
    if publisher.frames_sent() == 0 {
        return Err("the publisher sent nothing".into());
    }
    drop(server);
    tasks.abort_all();
    while tasks.join_next().await.is_some() {}
    Ok(outcomes)
}

/// One viewer: from `hello` to its first whole video frame. Leaves when it returns.
async fn viewer(addr: std::net::SocketAddr, url: String, n: u64) -> Result<Duration, String> {
    let mut socket = ws::open(addr, ws::source_ip(n), &url).await?;
    let token = server::token(Role::Attendee, &format!("Viewer {n}"), n, StageMode::Open);
    let peer = Arc::new(MediaPeer::with_options(PeerOptions::default()).await);
    let start = Instant::now();
    ws::enter(&mut socket, token, FIRST_FRAME_WITHIN).await?;
    ws::send(&mut socket, &peer.offer_msg(false, false, false)).await?;
    let signalling = tokio::spawn(sfu::pump(socket, peer.clone()));
    let until = start + FIRST_FRAME_WITHIN;
    let first = loop {
        if let Some(at) = peer.first_video_at() {
            break Ok(at.saturating_duration_since(start));
        }
        if Instant::now() > until {
            break Err(format!(
                "viewer {n}: no frame within {FIRST_FRAME_WITHIN:?}"
            ));
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    };
    signalling.abort();
    first
}
