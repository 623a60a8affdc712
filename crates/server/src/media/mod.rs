//! The SFU: live media of the people on stage, forwarded to everyone else in their room.
//!
//! Built on `str0m` in its sans-IO style. One UDP socket carries every peer's traffic; a
//! datagram goes to the peer its source address belongs to (found once with `Rtc::accepts`),
//! and only the peers that got input, or whose timeout is due, are polled. The media loop runs
//! on its own thread and talks to the rest of the server only through channels: room actors
//! send it [`ToMedia`] (signalling from sessions, and the room's forwarding directives), and it
//! answers a session by queueing frames on that session's outbound queue without ever waiting
//! on it.
//!
//! Who is forwarded is the room's decision ([`podium_room::Output::Media`]); this module only
//! obeys it: media from a participant is forwarded for the kinds the room allows and dropped
//! otherwise, from the very next packet.
//!
//! - [`run`]: the thread, the socket and the loop.
//! - [`sfu`]: every peer and room, routing between them.
//! - [`layers`]: which simulcast layer each subscriber gets.
//! - [`peer`]: one peer connection, its incoming and outgoing tracks and its negotiation.
//! - [`turn`]: TURN credentials for the welcome.
//! - [`udp`]: the socket, read and written in batches.

mod layers;
mod peer;
mod run;
mod sfu;
mod timeline;
pub mod turn;
mod udp;

use std::net::{IpAddr, SocketAddr, UdpSocket};
use std::sync::Arc;

use podium_protocol::{ParticipantId, SendTrack, TrackView};
use podium_room::rules::Forwarding;
use podium_room::ConnId;
use tokio::sync::mpsc;

use crate::config::MediaConfig;
use crate::room_actor::Outbound;

/// A room's name as the media loop keys it.
pub type RoomKey = Arc<str>;

/// What the rest of the server asks of the media loop.
#[derive(Debug)]
pub enum ToMedia {
    /// A client's SDP offer: creates its peer connection, or renegotiates it.
    Offer {
        conn: ConnId,
        room: RoomKey,
        participant: ParticipantId,
        /// A phone or tablet: gets the low simulcast layer.
        mobile: bool,
        /// Where this connection's frames go.
        outbox: mpsc::Sender<Outbound>,
        sdp: String,
        tracks: Vec<SendTrack>,
    },
    /// The client's answer to the server's last offer.
    Answer { conn: ConnId, sdp: String },
    /// A trickled ICE candidate from the client.
    Candidate { conn: ConnId, candidate: String },
    /// How large the client shows each video it receives.
    View { conn: ConnId, views: Vec<TrackView> },
    /// The room's directive: forward exactly these kinds of this participant's media.
    Forward {
        room: RoomKey,
        participant: ParticipantId,
        forwarding: Forwarding,
    },
    /// The connection is gone (closed, replaced or dropped): close its peer.
    Close { conn: ConnId },
}

/// The way into the media loop. Sending never blocks; if the loop is gone, nothing happens.
#[derive(Clone, Debug)]
pub struct MediaHandle {
    tx: mpsc::UnboundedSender<ToMedia>,
    /// The address in the SFU's host candidate.
    candidate: Option<SocketAddr>,
}

impl MediaHandle {
    /// A handle whose messages go nowhere: a server without media (some unit tests).
    pub fn disabled() -> MediaHandle {
        let (tx, _) = mpsc::unbounded_channel();
        MediaHandle {
            tx,
            candidate: None,
        }
    }

    pub fn send(&self, msg: ToMedia) {
        if self.tx.send(msg).is_err() {
            tracing::debug!("media loop not running: message dropped");
        }
    }

    /// Whether the media loop is still there to take messages.
    pub fn is_running(&self) -> bool {
        !self.tx.is_closed()
    }

    /// The host candidate's address, when the media loop runs.
    pub fn candidate(&self) -> Option<SocketAddr> {
        self.candidate
    }
}

/// Bind the SFU's UDP socket and start the media loop on its own thread.
pub fn start(config: &MediaConfig) -> std::io::Result<MediaHandle> {
    let socket = UdpSocket::bind(config.udp)?;
    socket.set_nonblocking(true)?;
    let local = socket.local_addr()?;
    let ip = announce_ip(config.announce, local.ip());
    let candidate = SocketAddr::new(ip, local.port());
    let (tx, rx) = mpsc::unbounded_channel();
    // Counts as alive from the start; the loop keeps it fresh.
    crate::metrics::METRICS.media_beat();
    std::thread::Builder::new()
        .name("podium-media".into())
        .spawn(move || run::run(socket, candidate, rx))?;
    tracing::info!(udp = %local, candidate = %candidate, "media loop started");
    Ok(MediaHandle {
        tx,
        candidate: Some(candidate),
    })
}

/// The IP for the host candidate: the configured one, the bound one, or for a wildcard bind
/// the address the machine would send from (found without sending anything).
fn announce_ip(configured: Option<IpAddr>, bound: IpAddr) -> IpAddr {
    if let Some(ip) = configured {
        return ip;
    }
    if !bound.is_unspecified() {
        return bound;
    }
    let probe = || -> std::io::Result<IpAddr> {
        let s = UdpSocket::bind("0.0.0.0:0")?;
        // A documentation address (TEST-NET-1): connecting a UDP socket sends nothing.
        s.connect("192.0.2.1:9")?;
        Ok(s.local_addr()?.ip())
    };
    match probe() {
        Ok(ip) if !ip.is_unspecified() => ip,
        _ => {
            tracing::warn!(
                "could not find this machine's IP: announcing 127.0.0.1; set --media-announce"
            );
            IpAddr::from([127, 0, 0, 1])
        }
    }
}
