//! One task per WebSocket: the hello, then the participant's messages to the room and the
//! room's frames back.
//!
//! Phases: **hello** (only a hello is accepted; its credentials are verified here), **entering**
//! (the room admits or refuses the connection), **in the room** (messages go to the room actor;
//! `ping` is answered here). No room rule is decided here.

mod frames;
mod hello;

use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket};
use futures_util::SinkExt as _;
use podium_protocol::{ClientMsg, CloseReason, ErrorCode, ServerMsg, PROTOCOL_VERSION};
use podium_room::ConnId;
use tokio::sync::{mpsc, watch};
use tracing::Instrument as _;

use crate::auth::lock;
use crate::limits::{PendingHello, SharedBucket, TooManyWaiting};
use crate::metrics::METRICS;
use crate::rate::{AbuseMeter, TokenBucket};
use crate::room_actor::{encode, Outbound, ToRoom};
use crate::shutdown;
use crate::state::AppState;

pub use frames::{decode, read, Incoming, MAX_WS_MESSAGE_BYTES};
pub use hello::{admit, display_name, random_id, Admission};

/// Frames queued to one connection before it is dropped as stalled.
pub const OUTBOX_FRAMES: usize = 1024;
/// Frames from the room written together before the socket is flushed: one system call for a
/// burst (a welcome and its pages, reactions at once) instead of one a frame.
pub const FRAMES_PER_FLUSH: usize = 64;
/// How long a new socket has to send its hello.
pub const HELLO_TIMEOUT: Duration = Duration::from_secs(30);
/// Frames other than a hello a new socket may send before it is closed.
pub const MAX_FRAMES_BEFORE_HELLO: u32 = 5;
/// How long a closing connection waits for the peer's close frame.
pub const CLOSE_LINGER: Duration = Duration::from_secs(1);
/// How long the room has to admit or refuse a connection.
pub const ENTER_TIMEOUT: Duration = Duration::from_secs(10);

/// Run one socket to its end. `client_ip` is where it came from, for the per-IP hello cap.
pub async fn run(socket: WebSocket, state: Arc<AppState>, client_ip: Option<IpAddr>) {
    let conn = state.rooms.next_conn();
    let span = tracing::info_span!(
        "session",
        conn,
        room = tracing::field::Empty,
        participant = tracing::field::Empty
    );
    // Counted until its hello is accepted: one address cannot hold thousands of sockets open
    // that never enter.
    let pending = state.limits.pending.open(client_ip);
    let mut session = Session {
        conn,
        socket,
        shutdown: state.shutdown.subscribe(),
        _guard: state.shutdown.session(),
        state,
        bucket: TokenBucket::default(),
        abuse: AbuseMeter::default(),
        client_ip,
        budget: None,
    };
    match pending {
        Ok(waiting) => session.run(waiting).instrument(span).await,
        Err(TooManyWaiting) => {
            span.in_scope(|| {
                tracing::info!(
                    "connection refused: too many waiting for a hello from this address"
                );
            });
            session.close(CloseReason::TooManyConnections).await;
        }
    }
}

/// Whether the session carries on after a step.
enum Flow {
    Continue,
    End,
}

struct Session {
    conn: ConnId,
    socket: WebSocket,
    state: Arc<AppState>,
    shutdown: watch::Receiver<bool>,
    _guard: shutdown::SessionGuard,
    bucket: TokenBucket,
    abuse: AbuseMeter,
    client_ip: Option<IpAddr>,
    /// The message budget shared by every connection of this identity, once it is known.
    budget: Option<SharedBucket>,
}

impl Session {
    async fn run(mut self, waiting: Option<PendingHello>) {
        let Some(admission) = self.await_hello().await else {
            return;
        };
        drop(waiting);
        let span = tracing::Span::current();
        span.record("room", admission.room.as_str());
        let (outbox, mut inbox) = mpsc::channel(OUTBOX_FRAMES);
        let entrant = admission.entrant;
        let connect = ToRoom::Connect {
            conn: self.conn,
            entrant,
            outbox,
            settings: admission.settings,
        };
        let config = admission.config;
        let mailbox = match self
            .state
            .rooms
            .connect(&admission.room, || config, connect)
        {
            Ok(mailbox) => mailbox,
            Err(code) => {
                let _ = self.send_msg(&ServerMsg::error(code, Some("hello"))).await;
                self.close(CloseReason::Refused).await;
                return;
            }
        };
        if let Flow::Continue = self.await_entry(&mut inbox).await {
            self.in_room(&mailbox, &mut inbox).await;
        }
        let _ = mailbox.send(ToRoom::Disconnect { conn: self.conn }).await;
        tracing::debug!("session ended");
    }

    /// Wait for a good hello. `None` when the socket closed or was refused.
    async fn await_hello(&mut self) -> Option<Admission> {
        let deadline = tokio::time::Instant::now() + HELLO_TIMEOUT;
        let mut strays = 0u32;
        loop {
            let incoming = tokio::select! {
                frame = self.socket.recv() => frames::read(frame, &mut self.bucket),
                () = tokio::time::sleep_until(deadline) => {
                    self.close(CloseReason::Refused).await;
                    return None;
                }
                () = shutdown::wait(&mut self.shutdown) => {
                    self.close(CloseReason::ServerShutdown).await;
                    return None;
                }
            };
            let refusal = match incoming {
                Incoming::Closed => return None,
                Incoming::Ignore => continue,
                Incoming::Refused(code) => (code, None),
                Incoming::Invalid {
                    code,
                    command: "hello",
                } => {
                    self.refuse_hello_counted(code).await;
                    return None;
                }
                Incoming::Invalid { command, .. } => (ErrorCode::HelloRequired, Some(command)),
                Incoming::Msg(ClientMsg::Hello {
                    protocol,
                    auth,
                    mobile,
                }) => {
                    METRICS.message_in();
                    if !self.state.limits.hello_from(self.client_ip, Instant::now()) {
                        tracing::info!("hello refused: too many from this address");
                        self.refuse_hello(ErrorCode::RateLimited).await;
                        return None;
                    }
                    if protocol != PROTOCOL_VERSION {
                        self.refuse_hello(ErrorCode::UnsupportedProtocol).await;
                        return None;
                    }
                    return match self.admit(auth, mobile) {
                        Ok(admission) => Some(admission),
                        Err(code) => {
                            tracing::info!(?code, "hello refused");
                            self.refuse_hello(code).await;
                            None
                        }
                    };
                }
                Incoming::Msg(other) => {
                    METRICS.message_in();
                    (ErrorCode::HelloRequired, Some(other.kind()))
                }
            };
            strays += 1;
            if self
                .send_msg(&ServerMsg::error(refusal.0, refusal.1))
                .await
                .is_err()
            {
                return None;
            }
            if strays >= MAX_FRAMES_BEFORE_HELLO {
                self.close(CloseReason::Abuse).await;
                return None;
            }
        }
    }

    /// Verify the credentials and the entry budget, then share the identity's message budget.
    fn admit(&mut self, auth: podium_protocol::Auth, mobile: bool) -> Result<Admission, ErrorCode> {
        let admission = admit(&self.state, auth, mobile)?;
        let identity = &admission.entrant.identity;
        self.budget = self.state.limits.messages_of(identity, Instant::now());
        Ok(admission)
    }

    /// A hello refused before its credentials were looked at: it still counts against the
    /// address's hello budget.
    async fn refuse_hello_counted(&mut self, code: ErrorCode) {
        let _ = self.state.limits.hello_from(self.client_ip, Instant::now());
        self.refuse_hello(code).await;
    }

    async fn refuse_hello(&mut self, code: ErrorCode) {
        if self
            .send_msg(&ServerMsg::error(code, Some("hello")))
            .await
            .is_ok()
        {
            self.close(CloseReason::Refused).await;
        }
    }

    /// Wait until the room admits (its welcome follows) or refuses the connection.
    async fn await_entry(&mut self, inbox: &mut mpsc::Receiver<Outbound>) -> Flow {
        let deadline = tokio::time::Instant::now() + ENTER_TIMEOUT;
        loop {
            tokio::select! {
                out = inbox.recv() => match out {
                    Some(Outbound::Entered { participant }) => {
                        tracing::Span::current().record("participant", participant);
                        return Flow::Continue;
                    }
                    Some(out) => {
                        if let Flow::End = self.deliver(out).await {
                            return Flow::End;
                        }
                        if self.socket.flush().await.is_err() {
                            return Flow::End;
                        }
                    }
                    None => {
                        self.close_socket(CloseReason::Refused).await;
                        return Flow::End;
                    }
                },
                () = tokio::time::sleep_until(deadline) => {
                    tracing::warn!("the room did not answer a connect in time");
                    let _ = self.send_msg(&ServerMsg::error(ErrorCode::Internal, Some("hello"))).await;
                    self.close(CloseReason::Refused).await;
                    return Flow::End;
                }
                () = shutdown::wait(&mut self.shutdown) => {
                    self.close(CloseReason::ServerShutdown).await;
                    return Flow::End;
                }
            }
        }
    }

    /// The participant's life in the room.
    async fn in_room(
        &mut self,
        mailbox: &mpsc::Sender<ToRoom>,
        inbox: &mut mpsc::Receiver<Outbound>,
    ) {
        // One wait for the whole stay: a fresh one each time round would register with (and
        // leave) the signal that every connection shares, for every frame.
        let mut shutdown = self.shutdown.clone();
        let stopping = shutdown::wait(&mut shutdown);
        tokio::pin!(stopping);
        loop {
            let flow = tokio::select! {
                out = inbox.recv() => match out {
                    Some(out) => self.deliver_queued(out, inbox).await,
                    None => {
                        // The room let go of this connection (its queue overflowed).
                        self.close_socket(CloseReason::Abuse).await;
                        Flow::End
                    }
                },
                frame = self.socket.recv() => {
                    let incoming = frames::read(frame, &mut self.bucket);
                    self.on_incoming(incoming, mailbox).await
                }
                () = &mut stopping => {
                    self.close(CloseReason::ServerShutdown).await;
                    Flow::End
                }
            };
            if let Flow::End = flow {
                return;
            }
        }
    }

    async fn on_incoming(&mut self, incoming: Incoming, mailbox: &mpsc::Sender<ToRoom>) -> Flow {
        let msg = match incoming {
            Incoming::Closed => return Flow::End,
            Incoming::Ignore => return Flow::Continue,
            Incoming::Refused(code) => return self.refuse(code, None).await,
            Incoming::Invalid { code, command } => return self.refuse(code, Some(command)).await,
            Incoming::Msg(msg) => msg,
        };
        METRICS.message_in();
        // However many sockets this identity has open, they share one budget.
        if let Some(budget) = &self.budget {
            if !lock(budget).allow(Instant::now()) {
                return self.refuse(ErrorCode::RateLimited, Some(msg.kind())).await;
            }
        }
        let to_room = match msg {
            ClientMsg::Hello { .. } => {
                return self.refuse(ErrorCode::AlreadyWelcomed, Some("hello")).await
            }
            ClientMsg::Ping => {
                return match self.send_msg(&ServerMsg::Pong).await {
                    Ok(()) => Flow::Continue,
                    Err(()) => Flow::End,
                }
            }
            ClientMsg::Sync => ToRoom::Sync { conn: self.conn },
            ClientMsg::CreateInviteLink {
                role,
                expires_in_secs,
            } => ToRoom::CreateInviteLink {
                conn: self.conn,
                role,
                expires_in_secs,
            },
            msg => ToRoom::Command {
                conn: self.conn,
                msg,
            },
        };
        match mailbox.send(to_room).await {
            Ok(()) => Flow::Continue,
            Err(_) => {
                tracing::warn!("room actor gone");
                self.close(CloseReason::ServerShutdown).await;
                Flow::End
            }
        }
    }

    /// Pass on `first` and whatever else the room has queued already, then flush once.
    async fn deliver_queued(
        &mut self,
        first: Outbound,
        inbox: &mut mpsc::Receiver<Outbound>,
    ) -> Flow {
        let mut next = Some(first);
        let mut fed = 0;
        while let Some(out) = next.take() {
            if let Flow::End = self.deliver(out).await {
                return Flow::End;
            }
            fed += 1;
            if fed < FRAMES_PER_FLUSH {
                next = inbox.try_recv().ok();
            }
        }
        match self.socket.flush().await {
            Ok(()) => Flow::Continue,
            Err(_) => Flow::End,
        }
    }

    /// Pass on a frame from the room. Events wait in the socket's write buffer for the
    /// caller's flush; refusals and the closing frame go out at once.
    async fn deliver(&mut self, out: Outbound) -> Flow {
        match out {
            Outbound::Entered { .. } => Flow::Continue,
            Outbound::Frame(bytes) => match self.feed_text(bytes).await {
                Ok(()) => Flow::Continue,
                Err(()) => Flow::End,
            },
            Outbound::Frames(frames) => {
                for bytes in frames.iter() {
                    if self.feed_text(bytes.clone()).await.is_err() {
                        return Flow::End;
                    }
                }
                Flow::Continue
            }
            Outbound::Refusal(bytes) => {
                if self.send_text(bytes).await.is_err() {
                    return Flow::End;
                }
                self.count_refusal().await
            }
            Outbound::Close { reason, frame } => {
                if self.send_text(frame).await.is_ok() {
                    self.close_socket(reason).await;
                }
                Flow::End
            }
        }
    }

    /// Answer with an error; close the connection if it has had too many.
    async fn refuse(&mut self, code: ErrorCode, command: Option<&str>) -> Flow {
        if self
            .send_msg(&ServerMsg::error(code, command))
            .await
            .is_err()
        {
            return Flow::End;
        }
        self.count_refusal().await
    }

    async fn count_refusal(&mut self) -> Flow {
        if self.abuse.refuse(Instant::now()) {
            tracing::warn!("too many refused messages: closing");
            self.close(CloseReason::Abuse).await;
            return Flow::End;
        }
        Flow::Continue
    }

    async fn send_msg(&mut self, msg: &ServerMsg) -> Result<(), ()> {
        match encode(msg) {
            Some(bytes) => self.send_text(bytes).await,
            None => Ok(()),
        }
    }

    /// Queue a frame in the socket's write buffer; it goes out when the buffer fills or on
    /// the next flush.
    async fn feed_text(&mut self, bytes: Utf8Bytes) -> Result<(), ()> {
        self.socket
            .feed(Message::Text(bytes))
            .await
            .map_err(|_| ())?;
        METRICS.message_out();
        Ok(())
    }

    async fn send_text(&mut self, bytes: Utf8Bytes) -> Result<(), ()> {
        self.feed_text(bytes).await?;
        self.socket.flush().await.map_err(|_| ())
    }

    /// Send `closing` with the reason, then close the socket.
    async fn close(&mut self, reason: CloseReason) {
        if self.send_msg(&ServerMsg::closing(reason)).await.is_ok() {
            self.close_socket(reason).await;
        }
    }

    async fn close_socket(&mut self, reason: CloseReason) {
        METRICS.closed(reason);
        let code = match reason {
            CloseReason::ServerShutdown => 1001,
            CloseReason::Abuse => 1008,
            // "Try again later".
            CloseReason::TooManyConnections => 1013,
            _ => 1000,
        };
        let frame = CloseFrame {
            code,
            reason: Utf8Bytes::from(close_reason_name(reason)),
        };
        if self.socket.send(Message::Close(Some(frame))).await.is_err() {
            return;
        }
        // Wait a moment for the peer's close, reading what it still sends: a socket closed with
        // unread data is reset, and the reset can destroy the `closing` just sent before the
        // peer reads it.
        let _ = tokio::time::timeout(CLOSE_LINGER, async {
            while let Some(Ok(msg)) = self.socket.recv().await {
                if let Message::Close(_) = msg {
                    break;
                }
            }
        })
        .await;
    }
}

/// The wire name of a close reason, also used as the WebSocket close frame's reason.
pub fn close_reason_name(reason: CloseReason) -> &'static str {
    match reason {
        CloseReason::Replaced => "replaced",
        CloseReason::Removed => "removed",
        CloseReason::Abuse => "abuse",
        CloseReason::ServerShutdown => "server_shutdown",
        CloseReason::Refused => "refused",
        CloseReason::TooManyConnections => "too_many_connections",
        CloseReason::RoomDeleted => "room_deleted",
    }
}
