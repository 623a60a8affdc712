//! The SFU's forwarding: one presenter on stage publishing a 720p-like stream (about
//! 2.5 Mbit/s of video in ~1,200-byte packets, plus audio, no simulcast) and N viewers
//! receiving it, each a real str0m peer connection (ICE, DTLS, SRTP) from
//! [`podium_testkit::media`]. The peers, the window and the figures are
//! [`crate::forwarding`]'s, shared with the Janus comparison ([`crate::janus`]); this file is
//! Podium's signalling around them.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use futures_util::SinkExt;
use podium_protocol::{ClientMsg, Event, Role, ServerMsg, StageMode};
use podium_testkit::media::{Latency, MediaPeer};
use tokio::task::JoinSet;
use tokio_tungstenite::tungstenite::Message;

use crate::forwarding::{self, Process};
pub use crate::forwarding::{Outcome, Plan};
use crate::server::{self, Server};
use crate::ws;

/// The media thread's name in the server.
pub const MEDIA_THREAD: &str = "podium-media";
const LOOPBACK: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

pub async fn run(binary: &Path, plan: &Plan) -> Result<Outcome, String> {
    let server = Server::start(binary)?;
    let url = server.ws_url();
    let latency = Arc::new(Latency::default());
    let mut tasks = JoinSet::new();
    let _publisher = presenter(&server, &mut tasks, 0, false).await?;

    // The subscribers.
    let mut subscribers = Vec::with_capacity(plan.subscribers);
    let join = |i: u64| subscriber(server.addr, url.clone(), i, i, latency.clone());
    forwarding::connect_subscribers(plan.subscribers, join, |(ws, peer)| {
        tasks.spawn(pump(ws, peer.clone()));
        subscribers.push(peer);
    })
    .await?;
    forwarding::wait_until_receiving(&subscribers).await;
    let process = Process {
        pid: server.pid(),
        media_thread: Some(MEDIA_THREAD),
    };
    let out = forwarding::measure(&process, plan, &subscribers, &latency).await;

    drop(server);
    tasks.abort_all();
    while tasks.join_next().await.is_some() {}
    drop(subscribers);
    Ok(out)
}

/// Subscriber number `n` (from 1), person `who` of the room: enters as a viewer and offers to
/// receive the stage.
pub async fn subscriber(
    addr: SocketAddr,
    url: String,
    who: u64,
    n: u64,
    latency: Arc<Latency>,
) -> Result<(ws::Socket, Arc<MediaPeer>), String> {
    let mut ws = ws::open(addr, ws::source_ip(who), &url).await?;
    let token = server::token(
        Role::Attendee,
        &format!("Viewer {who}"),
        who,
        StageMode::Open,
    );
    ws::enter(&mut ws, token, Duration::from_secs(30)).await?;
    let peer = forwarding::subscriber_peer(LOOPBACK, n, &latency).await;
    ws::send(&mut ws, &peer.offer_msg(false, false, false)).await?;
    Ok((ws, Arc::new(peer)))
}

/// The presenter (person `n`): on stage with microphone and camera, publishing about
/// 2.5 Mbit/s of video (in three layers with `simulcast`) and audio; its signalling is carried
/// by a task in `tasks`.
pub async fn presenter(
    server: &Server,
    tasks: &mut JoinSet<()>,
    n: u64,
    simulcast: bool,
) -> Result<Arc<MediaPeer>, String> {
    let mut pws = ws::open(server.addr, ws::source_ip(n), &server.ws_url()).await?;
    let token = server::token(Role::Presenter, "Presenter", n, StageMode::Open);
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
    let publisher = Arc::new(forwarding::publisher_peer(LOOPBACK).await);
    ws::send(&mut pws, &publisher.offer_msg(true, simulcast, false)).await?;
    tasks.spawn(pump(pws, publisher.clone()));
    forwarding::start_publishing(&publisher, "the server").await?;
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
