//! One task per room. It owns the room's [`Room`], reads the clock, feeds it inputs from the
//! sessions and timer ticks, and publishes what comes out: each event is serialized once and
//! the same bytes are queued to every addressed connection.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::Utf8Bytes;
use podium_protocol::{
    ClientMsg, CloseReason, ErrorCode, InviteClaims, Millis, ParticipantId, Role, ServerMsg,
    INVITE_AUDIENCE, PROTOCOL_VERSION,
};
use podium_room::{ConnId, Entrant, Input, NewInviteLink, Output, Room};
use tokio::sync::mpsc::{self, error::TrySendError};
use tokio::time::Instant;

use crate::auth::Auth;
use crate::clock::now_ms;
use crate::rooms::Rooms;
use crate::session::random_id;

/// Messages a room's mailbox holds before senders wait.
pub const MAILBOX: usize = 4096;

/// What a session asks of its room.
#[derive(Debug)]
pub enum ToRoom {
    /// Verified credentials ask to enter; `outbox` is where this connection's frames go.
    Connect {
        conn: ConnId,
        entrant: Entrant,
        outbox: mpsc::Sender<Outbound>,
    },
    Command {
        conn: ConnId,
        msg: ClientMsg,
    },
    /// `create_invite_link`: the actor signs the code with the same clock reading it gives the
    /// room, so the room sees exactly the lifetime that was asked for.
    CreateInviteLink {
        conn: ConnId,
        role: Role,
        expires_in_secs: u64,
    },
    /// Answer with a fresh snapshot.
    Sync {
        conn: ConnId,
    },
    /// The socket closed.
    Disconnect {
        conn: ConnId,
    },
}

/// What a room sends a session.
#[derive(Debug)]
pub enum Outbound {
    /// The room admitted the connection as this participant (comes just before the welcome).
    Entered { participant: ParticipantId },
    /// A frame to send as it is.
    Frame(Utf8Bytes),
    /// An `error` frame: sent as it is and counted against the connection's abuse budget.
    Refusal(Utf8Bytes),
    /// Send this `closing` frame, then close the socket.
    Close {
        reason: CloseReason,
        frame: Utf8Bytes,
    },
}

struct Conn {
    outbox: mpsc::Sender<Outbound>,
    entrant: Entrant,
    participant: Option<ParticipantId>,
}

/// The room's task state.
pub struct RoomActor {
    id: String,
    generation: u64,
    room: Room,
    conns: HashMap<ConnId, Conn>,
    auth: Arc<Auth>,
    rooms: Arc<Rooms>,
    /// Connections whose outbox overflowed: they are dropped and the room told.
    dropped: VecDeque<ConnId>,
}

/// Serialize a server message; `None` only if serde fails, which it does not for these types.
pub fn encode(msg: &ServerMsg) -> Option<Utf8Bytes> {
    match serde_json::to_string(msg) {
        Ok(s) => Some(Utf8Bytes::from(s)),
        Err(e) => {
            tracing::error!(error = %e, "could not serialize a server message");
            None
        }
    }
}

impl RoomActor {
    pub fn new(
        id: String,
        generation: u64,
        room: Room,
        auth: Arc<Auth>,
        rooms: Arc<Rooms>,
    ) -> RoomActor {
        RoomActor {
            id,
            generation,
            room,
            conns: HashMap::new(),
            auth,
            rooms,
            dropped: VecDeque::new(),
        }
    }

    /// Run until the room is idle and retired (or every sender is gone).
    pub async fn run(mut self, mut rx: mpsc::Receiver<ToRoom>) {
        tracing::info!(room = %self.id, "room opened");
        let mut idle_since: Option<Instant> = None;
        loop {
            let tick_at = self.room.poll_timeout().map(|at| {
                let wait = at.saturating_sub(now_ms()).max(1);
                Instant::now() + Duration::from_millis(wait)
            });
            if self.conns.is_empty() && self.room.is_idle() {
                idle_since.get_or_insert_with(Instant::now);
            } else {
                idle_since = None;
            }
            let retire_at = idle_since.map(|t| t + self.rooms.idle_delay());
            tokio::select! {
                msg = rx.recv() => match msg {
                    Some(msg) => self.on_message(msg),
                    None => break,
                },
                () = sleep_until(tick_at), if tick_at.is_some() => self.apply(Input::Tick),
                () = sleep_until(retire_at), if retire_at.is_some() => {
                    if self.rooms.retire(&self.id, self.generation, &mut rx) {
                        break;
                    }
                }
            }
        }
        tracing::info!(room = %self.id, "room closed");
    }

    fn on_message(&mut self, msg: ToRoom) {
        match msg {
            ToRoom::Connect {
                conn,
                entrant,
                outbox,
            } => {
                self.conns.insert(
                    conn,
                    Conn {
                        outbox,
                        entrant: entrant.clone(),
                        participant: None,
                    },
                );
                self.apply(Input::Connect { conn, entrant });
                // The room neither admitted nor closed it: do not leave the session waiting.
                if self
                    .conns
                    .get(&conn)
                    .is_some_and(|c| c.participant.is_none())
                {
                    self.close(conn, CloseReason::Refused);
                }
            }
            ToRoom::Command { conn, msg } => {
                if self.entered(conn) {
                    self.apply(Input::Command { conn, msg });
                }
            }
            ToRoom::CreateInviteLink {
                conn,
                role,
                expires_in_secs,
            } => {
                if self.entered(conn) {
                    self.create_invite_link(conn, role, expires_in_secs);
                }
            }
            ToRoom::Sync { conn } => self.sync(conn),
            ToRoom::Disconnect { conn } => {
                if self.conns.remove(&conn).is_some() {
                    tracing::debug!(room = %self.id, conn, "disconnected");
                    self.apply(Input::Disconnect { conn });
                }
            }
        }
    }

    fn entered(&self, conn: ConnId) -> bool {
        self.conns
            .get(&conn)
            .is_some_and(|c| c.participant.is_some())
    }

    /// Make a link id, sign its code and hand both to the room, which decides whether it may be made.
    fn create_invite_link(&mut self, conn: ConnId, role: Role, expires_in_secs: u64) {
        let now = now_ms();
        let expires_at = now.saturating_add(expires_in_secs.saturating_mul(1000));
        let claims = InviteClaims {
            aud: INVITE_AUDIENCE.to_string(),
            room: self.id.clone(),
            jti: random_id(),
            role,
            iat: now / 1000,
            // Whole seconds, rounded up: the room's own expiry (in ms) is never later than the code's.
            exp: expires_at.div_ceil(1000),
        };
        match self.auth.sign_invite(&claims) {
            Ok(code) => {
                let link = NewInviteLink {
                    id: claims.jti,
                    role,
                    code,
                    expires_at,
                };
                self.apply_at(now, Input::CreateInviteLink { conn, link });
            }
            Err(code) => {
                if let Some(bytes) = encode(&ServerMsg::error(code, Some("create_invite_link"))) {
                    self.queue(conn, Outbound::Refusal(bytes));
                }
            }
        }
    }

    /// Feed one input to the room at the current time and publish its outputs.
    fn apply(&mut self, input: Input) {
        self.apply_at(now_ms(), input);
    }

    /// Feed one input to the room at `now` and publish its outputs, then tell the room about any
    /// connection that had to be dropped on the way.
    fn apply_at(&mut self, now: Millis, input: Input) {
        let mut next = Some(input);
        let mut now = now;
        while let Some(input) = next.take() {
            let outputs = self.room.handle(now, input);
            now = now_ms();
            for output in outputs {
                self.publish(output);
            }
            if let Some(conn) = self.dropped.pop_front() {
                tracing::warn!(room = %self.id, conn, "outbound queue full: connection dropped");
                next = Some(Input::Disconnect { conn });
            }
        }
    }

    fn publish(&mut self, output: Output) {
        match output {
            Output::Event { seq, to, event } => {
                let Some(bytes) = encode(&ServerMsg::Event { seq, event }) else {
                    return;
                };
                for conn in self.room.recipients(to) {
                    // A connection gets events once its welcome went out; the snapshot covers the rest.
                    if self.entered(conn) {
                        self.queue(conn, Outbound::Frame(bytes.clone()));
                    }
                }
            }
            Output::Error {
                conn,
                code,
                command,
            } => {
                if let Some(bytes) = encode(&ServerMsg::error(code, command)) {
                    self.queue(conn, Outbound::Refusal(bytes));
                }
            }
            Output::Welcome {
                conn,
                participant,
                identity,
            } => self.welcome(conn, participant, identity),
            Output::Close { conn, reason } => self.close(conn, reason),
        }
    }

    fn welcome(&mut self, conn: ConnId, participant: ParticipantId, identity: String) {
        let Some(snapshot) = self.room.snapshot_for(participant) else {
            tracing::error!(room = %self.id, conn, participant, "no snapshot for a welcomed participant");
            self.refuse(conn, ErrorCode::Internal);
            self.close(conn, CloseReason::Refused);
            return;
        };
        let Some(c) = self.conns.get_mut(&conn) else {
            return;
        };
        c.participant = Some(participant);
        c.entrant.identity = identity;
        let resume = self.auth.resume().issue(&self.id, &c.entrant, now_ms());
        tracing::info!(room = %self.id, conn, participant, role = ?c.entrant.role, "entered");
        let welcome = ServerMsg::Welcome {
            protocol: PROTOCOL_VERSION,
            resume,
            snapshot: Box::new(snapshot),
        };
        self.queue(conn, Outbound::Entered { participant });
        if let Some(bytes) = encode(&welcome) {
            self.queue(conn, Outbound::Frame(bytes));
        }
    }

    fn sync(&mut self, conn: ConnId) {
        let Some(participant) = self.conns.get(&conn).and_then(|c| c.participant) else {
            return;
        };
        match self.room.snapshot_for(participant) {
            Some(snapshot) => {
                if let Some(bytes) = encode(&ServerMsg::Snapshot {
                    snapshot: Box::new(snapshot),
                }) {
                    self.queue(conn, Outbound::Frame(bytes));
                }
            }
            None => self.refuse(conn, ErrorCode::Internal),
        }
    }

    fn refuse(&mut self, conn: ConnId, code: ErrorCode) {
        if let Some(bytes) = encode(&ServerMsg::error(code, None)) {
            self.queue(conn, Outbound::Refusal(bytes));
        }
    }

    /// Tell the connection why, and let it go: it no longer belongs to the room.
    fn close(&mut self, conn: ConnId, reason: CloseReason) {
        if let Some(c) = self.conns.remove(&conn) {
            tracing::info!(room = %self.id, conn, participant = ?c.participant, ?reason, "closing connection");
            if let Some(frame) = encode(&ServerMsg::closing(reason)) {
                // If the queue is full the session is dropped anyway when the sender goes.
                let _ = c.outbox.try_send(Outbound::Close { reason, frame });
            }
        }
    }

    fn queue(&mut self, conn: ConnId, item: Outbound) {
        let Some(c) = self.conns.get(&conn) else {
            return;
        };
        match c.outbox.try_send(item) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) | Err(TrySendError::Closed(_)) => {
                // Dropping the sender ends the session; the room hears of it as a disconnect.
                self.conns.remove(&conn);
                self.dropped.push_back(conn);
            }
        }
    }
}

async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}
