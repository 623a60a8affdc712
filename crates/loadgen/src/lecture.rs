//! The whole lecture in one room: the signalling audience of [`crate::signalling`] (N viewers
//! chatting, raising hands and reacting), a presenter on stage publishing a 720p-like camera in
//! three simulcast layers, and media viewers added in steps, each a real peer connection. At
//! every step the media viewers' reception and the chat's delivery are measured over the same
//! window, so the table shows which gives way first as the box fills.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use podium_testkit::media::{Latency, MediaPeer};
use tokio::task::JoinSet;

use crate::forwarding::{self, Process};
use crate::server::Server;
use crate::sfu;
use crate::signalling::{self, Audience};

/// People numbered from here are the presenter and the media viewers: above any audience.
const MEDIA_PEOPLE: u64 = 1_000_000;
/// Chat messages a second during each window, as in the signalling part.
const CHATS_PER_SEC: u32 = 20;

#[derive(Clone, Debug)]
pub struct Plan {
    pub viewers: usize,
    /// Media viewers in the room at each step, rising.
    pub steps: Vec<usize>,
    pub measure: Duration,
    pub join_cap: Duration,
}

#[derive(Clone, Debug, Default)]
pub struct Step {
    pub media: forwarding::Outcome,
    /// The chat and CPU figures of the same window.
    pub chat: signalling::Outcome,
}

#[derive(Clone, Debug, Default)]
pub struct Outcome {
    pub viewers: usize,
    pub joined: usize,
    pub steps: Vec<Step>,
    /// Why the steps stopped early, if they did.
    pub stopped: Option<String>,
}

impl Step {
    /// Packets a second that the slowest media viewer got, against what the fastest got in the
    /// first step (the stream's whole rate, when the box still had room).
    pub fn slowest_share(&self, full_pps: f64) -> f64 {
        if full_pps <= 0.0 {
            return 0.0;
        }
        self.media.min_sub_pps / full_pps
    }
}

pub async fn run(binary: &Path, plan: &Plan) -> Result<Outcome, String> {
    let server = Server::start(binary)?;
    let mut out = Outcome {
        viewers: plan.viewers,
        ..Outcome::default()
    };
    let signalling_plan = signalling::Plan {
        viewers: plan.viewers,
        load: plan.measure,
        chats_per_sec: CHATS_PER_SEC,
        join_cap: plan.join_cap,
    };
    let mut entered = signalling::Outcome::default();
    let audience = Audience::fill(&server, &signalling_plan, &mut entered).await?;
    out.joined = entered.joined;
    let mut tasks = JoinSet::new();
    let measured = steps(&server, plan, &audience, &mut tasks, &mut out).await;
    if let Err(e) = measured {
        println!("  stopped: {e}");
        out.stopped = Some(e);
    }
    audience.close().await;
    tasks.abort_all();
    while tasks.join_next().await.is_some() {}
    drop(server);
    Ok(out)
}

/// The presenter goes on stage, then media viewers join step by step; each step is one
/// measured window of lecture and media together.
async fn steps(
    server: &Server,
    plan: &Plan,
    audience: &Audience,
    tasks: &mut JoinSet<()>,
    out: &mut Outcome,
) -> Result<(), String> {
    let _presenter = sfu::presenter(server, tasks, MEDIA_PEOPLE, true).await?;
    let latency = Arc::new(Latency::default());
    let mut subscribers: Vec<Arc<MediaPeer>> = Vec::new();
    let process = Process {
        pid: server.pid(),
        media_thread: Some(sfu::MEDIA_THREAD),
    };
    for &step in &plan.steps {
        let before = subscribers.len();
        if step <= before {
            continue;
        }
        println!("  {step} media viewers");
        let join = |i: u64| {
            let n = before as u64 + i;
            sfu::subscriber(
                server.addr,
                server.ws_url(),
                MEDIA_PEOPLE + n,
                n,
                latency.clone(),
            )
        };
        forwarding::connect_subscribers(step - before, join, |(ws, peer)| {
            tasks.spawn(sfu::pump(ws, peer.clone()));
            subscribers.push(peer);
        })
        .await?;
        forwarding::wait_until_receiving(&subscribers).await;
        let media_plan = forwarding::Plan {
            subscribers: subscribers.len(),
            measure: plan.measure,
        };
        let mut chat = signalling::Outcome {
            viewers: plan.viewers,
            joined: out.joined,
            ..signalling::Outcome::default()
        };
        let (media, ()) = tokio::join!(
            forwarding::measure(&process, &media_plan, &subscribers, &latency),
            audience.lecture(server, plan.measure, CHATS_PER_SEC, false, &mut chat),
        );
        println!(
            "    receiving {}/{}, slowest {:.0} pkt/s, video p99 {:.1} ms; chat p99 {:.1} ms; server CPU {:.0} %",
            media.receiving,
            media.subscribers,
            media.min_sub_pps,
            media.video_p99_ms,
            chat.chat_p99_ms,
            media.server_cpu * 100.0
        );
        let nobody = media.receiving == 0;
        out.steps.push(Step { media, chat });
        if nobody {
            return Err(format!("no media viewer received anything at {step}"));
        }
    }
    Ok(())
}
