//! The soak: N connections in one room for a few minutes, with people leaving and new people
//! coming all the time and a little chat, while the server's resident memory is sampled. What
//! it shows is whether memory stays flat once the room has reached its steady size (a held
//! place is given up 60 s after its connection dropped, so the room's count levels off after a
//! minute).

use std::net::SocketAddr;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use podium_protocol::{ClientMsg, Role, StageMode};
use rand::Rng;
use tokio::sync::Semaphore;
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::Message;

use crate::server::{self, Server};
use crate::ws;

#[derive(Clone, Debug)]
pub struct Plan {
    pub connections: usize,
    pub duration: Duration,
    /// Connections dropped and replaced by newcomers every second.
    pub churn_per_sec: usize,
    pub chats_per_sec: u32,
    pub sample_every: Duration,
}

#[derive(Clone, Debug, Default)]
pub struct Outcome {
    pub connections: usize,
    pub duration_secs: f64,
    /// (seconds since the start, open connections, server RSS in KiB)
    pub samples: Vec<(f64, usize, u64)>,
    pub entered: u64,
    pub failed: u64,
    pub chats: u64,
    pub frames: u64,
    pub server_cpu_secs: f64,
}

impl Outcome {
    /// Resident memory growth per minute over the last third of the run, in KiB. The first
    /// two thirds cover the room growing to its steady size and the first connections being
    /// replaced: with 20 a second of 2,000, a connection lives ~100 s on average, and memory
    /// levels off only once most of the first ones are gone (after ~4 minutes).
    pub fn growth_kib_per_min(&self) -> f64 {
        let from = self.duration_secs * 2.0 / 3.0;
        let late: Vec<_> = self.samples.iter().filter(|s| s.0 >= from).collect();
        match (late.first(), late.last()) {
            (Some(a), Some(b)) if b.0 > a.0 => (b.2 as f64 - a.2 as f64) / ((b.0 - a.0) / 60.0),
            _ => 0.0,
        }
    }
}

#[derive(Default)]
struct Counters {
    entered: AtomicU64,
    failed: AtomicU64,
    frames: AtomicU64,
}

pub async fn run(binary: &Path, plan: &Plan) -> Result<Outcome, String> {
    let server = Server::start(binary)?;
    let url = server.ws_url();
    let counters = Arc::new(Counters::default());
    let gate = Arc::new(Semaphore::new(ws::JOINING_AT_ONCE));
    let t0 = Instant::now();
    let cpu0 = server.cpu();
    let mut next_person = 1u64;
    let mut open: Vec<JoinHandle<()>> = Vec::with_capacity(plan.connections);
    let mut chat_tx = Vec::with_capacity(plan.connections);
    let spawn = |n: u64, chat: tokio::sync::mpsc::UnboundedReceiver<String>| {
        let token = server::token(Role::Attendee, &format!("Soak {n}"), n, StageMode::Request);
        tokio::spawn(viewer(
            n,
            server.addr,
            url.clone(),
            token,
            gate.clone(),
            chat,
            counters.clone(),
        ))
    };
    for _ in 0..plan.connections {
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        open.push(spawn(next_person, rx));
        chat_tx.push(tx);
        next_person += 1;
    }
    let mut out = Outcome {
        connections: plan.connections,
        ..Outcome::default()
    };
    let mut rng = rand::rng();
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    let mut next_sample = Duration::ZERO;
    let mut chats = 0u64;
    while t0.elapsed() < plan.duration {
        tick.tick().await;
        if t0.elapsed() >= next_sample {
            let live = open.iter().filter(|h| !h.is_finished()).count();
            out.samples
                .push((t0.elapsed().as_secs_f64(), live, server.rss_kib()));
            next_sample += plan.sample_every;
        }
        // Some leave (their socket just drops) and newcomers take their places.
        for _ in 0..plan.churn_per_sec {
            let i = rng.random_range(0..open.len());
            open[i].abort();
            let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
            open[i] = spawn(next_person, rx);
            chat_tx[i] = tx;
            next_person += 1;
        }
        for _ in 0..plan.chats_per_sec {
            let i = rng.random_range(0..chat_tx.len());
            let text = ws::encode(&ClientMsg::Chat {
                text: format!("soak {chats}"),
            });
            if chat_tx[i].send(text).is_ok() {
                chats += 1;
            }
        }
    }
    let live = open.iter().filter(|h| !h.is_finished()).count();
    out.samples
        .push((t0.elapsed().as_secs_f64(), live, server.rss_kib()));
    out.duration_secs = t0.elapsed().as_secs_f64();
    out.server_cpu_secs = server.cpu() - cpu0;
    out.entered = counters.entered.load(Ordering::Relaxed);
    out.failed = counters.failed.load(Ordering::Relaxed);
    out.frames = counters.frames.load(Ordering::Relaxed);
    out.chats = chats;
    drop(server);
    for h in open {
        h.abort();
    }
    Ok(out)
}

async fn viewer(
    n: u64,
    addr: SocketAddr,
    url: String,
    token: String,
    gate: Arc<Semaphore>,
    mut chat: tokio::sync::mpsc::UnboundedReceiver<String>,
    counters: Arc<Counters>,
) {
    let entered = ws::enter_gated(&gate, addr, &url, n, token).await;
    let mut socket = match entered {
        Ok(s) => {
            counters.entered.fetch_add(1, Ordering::Relaxed);
            s
        }
        Err(_) => {
            counters.failed.fetch_add(1, Ordering::Relaxed);
            return;
        }
    };
    loop {
        tokio::select! {
            frame = socket.next() => match frame {
                Some(Ok(_)) => {
                    counters.frames.fetch_add(1, Ordering::Relaxed);
                }
                Some(Err(_)) | None => return,
            },
            text = chat.recv() => match text {
                Some(text) => {
                    if socket.send(Message::Text(text.into())).await.is_err() {
                        return;
                    }
                }
                None => return,
            },
        }
    }
}
