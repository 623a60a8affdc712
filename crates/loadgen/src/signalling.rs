//! The signalling load: one moderator and N viewers in one room, each a real WebSocket with
//! its own token, then a lecture's traffic: chat at a steady rate from random viewers, hands
//! going up and down, reaction bursts and a poll that everyone answers at once.
//!
//! What is measured (see docs/performance.md):
//! - chat delivery latency: each chat text carries its send time ([`clock::micros`]); every
//!   viewer that receives it records the difference;
//! - poll settling: from the first answer sent to the moderator seeing the final count;
//! - the server's CPU (utime + stime) and resident memory, idle and under load.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, LazyLock};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use memchr::memmem;
use podium_protocol::{ClientMsg, Event, Reaction, Role, ServerMsg, StageMode};
use podium_testkit::clock;
use podium_testkit::hist::Histogram;
use rand::Rng;
use tokio::sync::{mpsc, oneshot, Semaphore};
use tokio::task::JoinSet;
use tokio_tungstenite::tungstenite::Message;

use crate::server::{self, Server};
use crate::ws;

/// What one run does.
#[derive(Clone, Debug)]
pub struct Plan {
    pub viewers: usize,
    /// How long the traffic runs.
    pub load: Duration,
    /// Chat messages a second, each from a random viewer.
    pub chats_per_sec: u32,
    /// The longest the viewers may take to enter.
    pub join_cap: Duration,
}

/// Marks a chat text as the benchmark's; the send time in µs follows.
const CHAT_MARK: &str = "bench ";

#[derive(Clone, Debug, Default)]
pub struct Outcome {
    pub viewers: usize,
    pub joined: usize,
    pub join_secs: f64,
    pub join_cpu_secs: f64,
    /// Until the last `joined` event reached the last viewer.
    pub settle_secs: f64,
    pub rss_empty_kib: u64,
    pub rss_idle_kib: u64,
    pub idle_cpu: f64,
    pub load_secs: f64,
    pub load_cpu: f64,
    pub rss_load_kib: u64,
    pub chats_sent: u64,
    pub chat_expected: u64,
    pub chat_delivered: u64,
    pub chat_p50_ms: f64,
    pub chat_p99_ms: f64,
    pub chat_max_ms: f64,
    pub reactions: u64,
    pub hands: u64,
    pub poll_answers: u64,
    pub poll_seen: u64,
    pub poll_settle_ms: Option<f64>,
    /// Viewers whose socket the server closed.
    pub lost: u64,
    /// Connections the server dropped because their outbound queue overflowed.
    pub dropped: u64,
    /// The load generator's own CPU during the lecture, as a share of one core.
    pub loadgen_cpu: f64,
}

impl Outcome {
    /// Resident memory per idle viewer, in KiB.
    pub fn kib_per_viewer(&self) -> f64 {
        if self.joined == 0 {
            return 0.0;
        }
        self.rss_idle_kib.saturating_sub(self.rss_empty_kib) as f64 / self.joined as f64
    }
}

#[derive(Default)]
struct Shared {
    latency: Histogram,
    /// Text frames received by all viewers.
    frames: AtomicU64,
    chats: AtomicU64,
    first_answer: AtomicU64,
    answers: AtomicU64,
    /// The count the moderator last saw, and when it reached `target`.
    seen: AtomicU64,
    target: AtomicU64,
    settled_at: AtomicU64,
    lost: AtomicU64,
    stopping: AtomicBool,
}

enum Cmd {
    Send(String),
}

pub async fn run(binary: &Path, plan: &Plan) -> Result<Outcome, String> {
    let server = Server::start(binary)?;
    let mut out = Outcome {
        viewers: plan.viewers,
        ..Outcome::default()
    };
    let audience = Audience::fill(&server, plan, &mut out).await?;
    audience
        .lecture(&server, plan.load, plan.chats_per_sec, true, &mut out)
        .await;
    out.dropped = server.dropped.load(Ordering::Relaxed);
    audience.close().await;
    drop(server);
    Ok(out)
}

/// The room full of viewers, entered and idle, ready for a lecture.
pub struct Audience {
    senders: Vec<mpsc::UnboundedSender<Cmd>>,
    /// The viewers that entered, as indexes into `senders`.
    alive: Vec<usize>,
    mod_tx: mpsc::UnboundedSender<Cmd>,
    shared: Arc<Shared>,
    tasks: JoinSet<()>,
}

impl Audience {
    /// The moderator opens the room, then `plan.viewers` enter it; the server is measured
    /// empty, while they enter and once they are idle.
    pub async fn fill(server: &Server, plan: &Plan, out: &mut Outcome) -> Result<Audience, String> {
        let url = server.ws_url();
        let shared = Arc::new(Shared {
            first_answer: AtomicU64::new(u64::MAX),
            ..Shared::default()
        });
        let mut tasks = JoinSet::new();

        // The moderator opens the room.
        let (mod_tx, mod_rx) = mpsc::unbounded_channel();
        let mut mod_ws = ws::open(server.addr, ws::source_ip(0), &url).await?;
        let token = server::token(Role::Moderator, "Moderator", 0, StageMode::Request);
        ws::enter(&mut mod_ws, token, ws::WELCOME_WAIT).await?;
        tasks.spawn(moderator(mod_ws, mod_rx, shared.clone()));
        tokio::time::sleep(Duration::from_millis(300)).await;
        out.rss_empty_kib = server.rss_kib();

        // The viewers enter, ws::JOINING_AT_ONCE at a time.
        let cpu0 = server.cpu();
        let t0 = Instant::now();
        let gate = Arc::new(Semaphore::new(ws::JOINING_AT_ONCE));
        let mut senders = Vec::with_capacity(plan.viewers);
        let mut ready = Vec::with_capacity(plan.viewers);
        for n in 1..=plan.viewers as u64 {
            let (tx, rx) = mpsc::unbounded_channel();
            let (ready_tx, ready_rx) = oneshot::channel();
            let token = server::token(
                Role::Attendee,
                &format!("Viewer {n}"),
                n,
                StageMode::Request,
            );
            tasks.spawn(viewer(
                n,
                server.addr,
                url.clone(),
                token,
                gate.clone(),
                rx,
                ready_tx,
                shared.clone(),
            ));
            senders.push(tx);
            ready.push(ready_rx);
        }
        let mut audience = Audience {
            senders,
            alive: Vec::with_capacity(plan.viewers),
            mod_tx,
            shared,
            tasks,
        };
        if let Err(e) = audience.await_entries(ready, plan.join_cap).await {
            audience.close().await;
            return Err(e);
        }
        out.joined = audience.alive.len();
        out.join_secs = t0.elapsed().as_secs_f64();
        out.join_cpu_secs = server.cpu() - cpu0;
        println!(
            "  {} viewers in after {:.1} s (server CPU {:.1} s)",
            out.joined, out.join_secs, out.join_cpu_secs
        );

        // Idle: every `joined` event delivered, then nothing to do.
        let quiet_cap = Instant::now() + Duration::from_secs(180);
        let frames = &audience.shared.frames;
        let mut last = frames.load(Ordering::Relaxed);
        loop {
            tokio::time::sleep(Duration::from_millis(1000)).await;
            let now = frames.load(Ordering::Relaxed);
            if now == last || Instant::now() > quiet_cap {
                break;
            }
            last = now;
        }
        out.settle_secs = t0.elapsed().as_secs_f64();
        let idle_cpu0 = server.cpu();
        let idle_t0 = Instant::now();
        tokio::time::sleep(Duration::from_secs(3)).await;
        out.idle_cpu = (server.cpu() - idle_cpu0) / idle_t0.elapsed().as_secs_f64();
        out.rss_idle_kib = server.rss_kib();
        println!(
            "  idle after {:.1} s: {} KiB resident ({:.1} KiB a viewer), {:.1} % CPU",
            out.settle_secs,
            out.rss_idle_kib,
            out.kib_per_viewer(),
            out.idle_cpu * 100.0
        );
        if audience.alive.is_empty() {
            audience.close().await;
            return Err("no viewer entered".into());
        }
        Ok(audience)
    }

    /// Wait for every viewer's entry (or `cap`, or memory running low); the ones that entered
    /// go to `alive`.
    async fn await_entries(
        &mut self,
        ready: Vec<oneshot::Receiver<Result<(), String>>>,
        cap: Duration,
    ) -> Result<(), String> {
        let deadline = tokio::time::Instant::now() + cap;
        let mut failures: Vec<String> = Vec::new();
        for (i, mut r) in ready.into_iter().enumerate() {
            let result = loop {
                let step = (tokio::time::Instant::now() + Duration::from_secs(1)).min(deadline);
                match tokio::time::timeout_at(step, &mut r).await {
                    Ok(Ok(result)) => break result,
                    Ok(Err(_)) => break Err("viewer task ended".into()),
                    Err(_) => {
                        let why = if tokio::time::Instant::now() >= deadline {
                            "join cap reached"
                        } else if memory_low() {
                            "memory running low: stopped entering"
                        } else {
                            continue;
                        };
                        println!("  {why}");
                        return Err(format!("{why} after {} viewers", self.alive.len()));
                    }
                }
            };
            match result {
                Ok(()) => self.alive.push(i),
                Err(e) => failures.push(e),
            }
        }
        if let Some(e) = failures.first() {
            eprintln!(
                "  {} of {} viewers did not enter (first: {e})",
                failures.len(),
                self.senders.len()
            );
        }
        Ok(())
    }

    /// A lecture of `load`: `chats_per_sec` chat messages from random viewers, a hand a second
    /// (lowered 3 s later), a reaction burst from 1 % of the room every 5 s and, with `poll`, a
    /// poll a third of the way in that everyone answers. Then the last chats and answers are
    /// waited for and the figures written to `out`.
    pub async fn lecture(
        &self,
        server: &Server,
        load: Duration,
        chats_per_sec: u32,
        poll: bool,
        out: &mut Outcome,
    ) {
        let shared = &self.shared;
        let alive = &self.alive;
        let senders = &self.senders;
        shared.chats.store(0, Ordering::Relaxed);
        shared.latency.clear();
        out.chats_sent = 0;
        let load_cpu0 = server.cpu();
        let own_load_cpu0 = server::own_cpu();
        let load_t0 = Instant::now();
        let mut rng = rand::rng();
        let tick = Duration::from_millis(50);
        let ticks_per_sec = 20u64;
        let chat_every = (ticks_per_sec / u64::from(chats_per_sec.clamp(1, 20))).max(1);
        let per_chat_tick = (u64::from(chats_per_sec) / ticks_per_sec).max(1);
        let total_ticks = load.as_millis() as u64 / 50;
        let poll_tick = if poll { total_ticks / 3 } else { u64::MAX };
        let burst = (alive.len() / 100).max(1);
        let mut lower: Vec<(u64, usize)> = Vec::new();
        let mut interval = tokio::time::interval(tick);
        let pick = |rng: &mut rand::rngs::ThreadRng| alive[rng.random_range(0..alive.len())];
        for t in 0..total_ticks {
            interval.tick().await;
            if t % chat_every == 0 {
                for _ in 0..per_chat_tick {
                    let text = format!("{CHAT_MARK}{}", clock::micros());
                    send(senders, pick(&mut rng), &ClientMsg::Chat { text });
                    out.chats_sent += 1;
                }
            }
            if t % ticks_per_sec == 0 {
                let who = pick(&mut rng);
                send(senders, who, &ClientMsg::RaiseHand);
                out.hands += 1;
                lower.push((t + 3 * ticks_per_sec, who));
            }
            for &(_, who) in lower.iter().filter(|(at, _)| *at == t) {
                send(senders, who, &ClientMsg::LowerHand);
            }
            lower.retain(|(at, _)| *at > t);
            if t % (5 * ticks_per_sec) == 2 * ticks_per_sec {
                for i in 0..burst {
                    let reaction = Reaction::ALL[i % Reaction::ALL.len()];
                    send(senders, pick(&mut rng), &ClientMsg::React { reaction });
                    out.reactions += 1;
                }
            }
            if t == poll_tick {
                shared.target.store(alive.len() as u64, Ordering::Relaxed);
                let poll = ClientMsg::CreatePoll {
                    question: "Which of these is a prime number?".into(),
                    options: vec!["21".into(), "27".into(), "29".into(), "33".into()],
                    multiple: false,
                    correct: None,
                };
                let _ = self.mod_tx.send(Cmd::Send(ws::encode(&poll)));
            }
            if t % ticks_per_sec == 0 {
                out.rss_load_kib = out.rss_load_kib.max(server.rss_kib());
            }
        }
        out.load_secs = load_t0.elapsed().as_secs_f64();
        out.load_cpu = (server.cpu() - load_cpu0) / out.load_secs;
        out.loadgen_cpu = (server::own_cpu() - own_load_cpu0) / out.load_secs;
        out.rss_load_kib = out.rss_load_kib.max(server.rss_kib());

        // Let the last chats and poll answers arrive.
        let alive_now =
            alive.len() as u64 - shared.lost.load(Ordering::Relaxed).min(alive.len() as u64);
        out.chat_expected = out.chats_sent * alive_now;
        let drain = Instant::now() + Duration::from_secs(10);
        while Instant::now() < drain
            && (shared.chats.load(Ordering::Relaxed) < out.chat_expected
                || (poll && shared.settled_at.load(Ordering::Relaxed) == 0))
        {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        out.chat_delivered = shared.chats.load(Ordering::Relaxed);
        out.chat_p50_ms = shared.latency.quantile(0.50) as f64 / 1000.0;
        out.chat_p99_ms = shared.latency.quantile(0.99) as f64 / 1000.0;
        out.chat_max_ms = shared.latency.max() as f64 / 1000.0;
        out.poll_answers = shared.answers.load(Ordering::Relaxed);
        out.poll_seen = shared.seen.load(Ordering::Relaxed);
        let (first, settled) = (
            shared.first_answer.load(Ordering::Relaxed),
            shared.settled_at.load(Ordering::Relaxed),
        );
        out.poll_settle_ms = (settled != 0 && first != u64::MAX)
            .then(|| settled.saturating_sub(first) as f64 / 1000.0);
        out.lost = shared.lost.load(Ordering::Relaxed);
    }

    /// Close every viewer's socket.
    pub async fn close(mut self) {
        self.shared.stopping.store(true, Ordering::Relaxed);
        drop(self.senders);
        drop(self.mod_tx);
        self.tasks.abort_all();
        while self.tasks.join_next().await.is_some() {}
    }
}

/// Less than 3 GiB of memory left for anyone on this machine.
fn memory_low() -> bool {
    std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .find_map(|l| l.strip_prefix("MemAvailable:"))
                .and_then(|v| v.split_whitespace().next())
                .and_then(|v| v.parse::<u64>().ok())
        })
        .is_some_and(|kib| kib < 3 * 1024 * 1024)
}

fn send(senders: &[mpsc::UnboundedSender<Cmd>], who: usize, msg: &ClientMsg) {
    if let Some(tx) = senders.get(who) {
        let _ = tx.send(Cmd::Send(ws::encode(msg)));
    }
}

#[allow(clippy::too_many_arguments)]
async fn viewer(
    n: u64,
    addr: SocketAddr,
    url: String,
    token: String,
    gate: Arc<Semaphore>,
    mut cmds: mpsc::UnboundedReceiver<Cmd>,
    ready: oneshot::Sender<Result<(), String>>,
    shared: Arc<Shared>,
) {
    let entered = ws::enter_gated(&gate, addr, &url, n, token).await;
    let mut socket = match entered {
        Ok(s) => {
            let _ = ready.send(Ok(()));
            s
        }
        Err(e) => {
            let _ = ready.send(Err(e));
            return;
        }
    };
    let mut answered = HashSet::new();
    loop {
        tokio::select! {
            frame = socket.next() => match frame {
                Some(Ok(Message::Text(text))) => {
                    shared.frames.fetch_add(1, Ordering::Relaxed);
                    if let Some(reply) = on_text(n, text.as_str(), &shared, &mut answered) {
                        if socket.send(Message::Text(reply.into())).await.is_err() {
                            break;
                        }
                    }
                }
                Some(Ok(_)) => {}
                Some(Err(_)) | None => break,
            },
            cmd = cmds.recv() => match cmd {
                Some(Cmd::Send(text)) => {
                    if socket.send(Message::Text(text.into())).await.is_err() {
                        break;
                    }
                }
                None => return,
            },
        }
    }
    if !shared.stopping.load(Ordering::Relaxed) {
        shared.lost.fetch_add(1, Ordering::Relaxed);
    }
}

/// Where a benchmark chat's send time starts in a frame. Every viewer looks at every frame, so
/// the needle's search tables are made once (and searched with SIMD) rather than per frame: the
/// load generator shares the machine with the server it measures.
static CHAT_TEXT: LazyLock<memmem::Finder<'static>> =
    LazyLock::new(|| memmem::Finder::new(CHAT_NEEDLE.as_bytes()));
/// [`CHAT_MARK`] at the start of a chat's text.
const CHAT_NEEDLE: &str = r#""text":"bench "#;
static POLL_EVENT: LazyLock<memmem::Finder<'static>> =
    LazyLock::new(|| memmem::Finder::new(r#""type":"poll""#));

/// What a viewer does with a frame: time a chat, answer a new poll.
fn on_text(n: u64, text: &str, shared: &Shared, answered: &mut HashSet<u64>) -> Option<String> {
    if let Some(i) = CHAT_TEXT.find(text.as_bytes()) {
        let digits = &text.as_bytes()[i + CHAT_NEEDLE.len()..];
        let len = digits.iter().take_while(|b| b.is_ascii_digit()).count();
        if let Some(sent) = std::str::from_utf8(&digits[..len])
            .ok()
            .and_then(|d| d.parse::<u64>().ok())
        {
            shared.latency.record(clock::since(sent));
            shared.chats.fetch_add(1, Ordering::Relaxed);
        }
        return None;
    }
    POLL_EVENT.find(text.as_bytes())?;
    let Ok(ServerMsg::Event {
        event: Event::Poll { poll },
        ..
    }) = serde_json::from_str::<ServerMsg>(text)
    else {
        return None;
    };
    if !poll.open || !answered.insert(poll.id) {
        return None;
    }
    let choice = (n % poll.options.len().max(1) as u64) as u8;
    shared
        .first_answer
        .fetch_min(clock::micros(), Ordering::Relaxed);
    shared.answers.fetch_add(1, Ordering::Relaxed);
    Some(ws::encode(&ClientMsg::AnswerPoll {
        poll: poll.id,
        choices: vec![choice],
    }))
}

async fn moderator(
    mut socket: ws::Socket,
    mut cmds: mpsc::UnboundedReceiver<Cmd>,
    shared: Arc<Shared>,
) {
    loop {
        tokio::select! {
            frame = socket.next() => match frame {
                Some(Ok(Message::Text(text))) => {
                    if POLL_EVENT.find(text.as_bytes()).is_none() {
                        continue;
                    }
                    if let Ok(ServerMsg::Event { event: Event::Poll { poll }, .. }) =
                        serde_json::from_str::<ServerMsg>(text.as_str())
                    {
                        let seen = u64::from(poll.answered.unwrap_or(0));
                        shared.seen.store(seen, Ordering::Relaxed);
                        let target = shared.target.load(Ordering::Relaxed);
                        if target > 0 && seen >= target && shared.settled_at.load(Ordering::Relaxed) == 0 {
                            shared.settled_at.store(clock::micros(), Ordering::Relaxed);
                        }
                    }
                }
                Some(Ok(_)) => {}
                Some(Err(_)) | None => {
                    if !shared.stopping.load(Ordering::Relaxed) {
                        eprintln!("  the moderator's connection closed");
                    }
                    return;
                }
            },
            cmd = cmds.recv() => match cmd {
                Some(Cmd::Send(text)) => {
                    if socket.send(Message::Text(text.into())).await.is_err() {
                        return;
                    }
                }
                None => return,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bench_chat_is_timed_and_other_frames_are_not() {
        let shared = Shared::default();
        let mut answered = HashSet::new();
        let sent = clock::micros();
        let chat = format!(
            r#"{{"type":"event","event":{{"type":"chat","message":{{"id":7,"text":"{CHAT_MARK}{sent}"}}}}}}"#
        );
        assert!(on_text(1, &chat, &shared, &mut answered).is_none());
        let people = r#"{"type":"event","event":{"type":"people","joined":[{"name":"bench 5"}]}}"#;
        assert!(on_text(1, people, &shared, &mut answered).is_none());
        assert_eq!(shared.chats.load(Ordering::Relaxed), 1);
    }
}
