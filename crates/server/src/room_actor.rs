//! One task per room. It owns the room's [`Room`], reads the clock, feeds it inputs from the
//! sessions and timer ticks, and publishes what comes out: each event is serialized once and
//! the same bytes are queued to every addressed connection.
//!
//! Durability: when the room opens, it is restored from the store (the room as last saved, then
//! the inputs logged after it) and an [`Input::Restart`] follows (if there was anything), so
//! everyone's place is held for them to come back. Every live input that changed the room is
//! appended to the log *before* its outputs are published: nobody hears of a change that is not
//! on disk. Every so many inputs the room is saved whole and the log before it dropped, so a
//! restart replays a short tail. When the server stops it asks every room to save itself whole
//! ([`ToRoom::ShutDown`]), so the next start opens it without replaying a long log. See
//! `docs/storage.md`.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::Utf8Bytes;
use podium_protocol::{
    ChatMessage, ClientMsg, CloseReason, ErrorCode, Features, InviteClaims, Millis, ParticipantId,
    ParticipantView, Role, ServerMsg, Snapshot, StageMode, INVITE_AUDIENCE, PROTOCOL_VERSION,
};
use podium_room::rules::Forwarding;
use podium_room::{Audience, ConnId, Entrant, Input, NewInviteLink, Output, Room};
use tokio::sync::mpsc;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tokio::time::Instant;

use crate::auth::Auth;
use crate::callbacks::Watch;
use crate::clock::now_ms;
use crate::fanout::Held;
use crate::media::{turn, ToMedia};
use crate::metrics::METRICS;
use crate::rooms::Rooms;
use crate::session::random_id;
use crate::store::{Store, StoreError};

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
        /// The activity's settings in the entrant's token.
        settings: Settings,
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
    /// The server is stopping: save the room whole, keep its attendance reports, stop, and
    /// answer on `done` (see [`crate::shutdown::save_rooms`]).
    ShutDown {
        done: oneshot::Sender<()>,
    },
    /// The site deleted the room: close everyone's connection, delete what the store keeps of
    /// it, stop, and answer whether it was kept (see [`crate::rooms::Rooms::forget`]).
    Forget {
        done: oneshot::Sender<Result<bool, StoreError>>,
    },
}

/// The activity's settings a join token carries, each only if the token has it.
#[derive(Clone, Debug, Default)]
pub struct Settings {
    pub features: Option<Features>,
    /// The stage mode a meeting starts in.
    pub stage_mode: Option<StageMode>,
    /// The activity's name.
    pub title: Option<String>,
}

/// What a room sends a session.
#[derive(Debug)]
pub enum Outbound {
    /// The room admitted the connection as this participant (comes just before the welcome).
    Entered { participant: ParticipantId },
    /// A frame to send as it is.
    Frame(Utf8Bytes),
    /// Frames for everyone, sent one after another and written together (see [`crate::fanout`]).
    Frames(Arc<[Utf8Bytes]>),
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
    store: Arc<dyn Store>,
    /// The number the next logged input takes.
    next_input: u64,
    /// Inputs logged since the room was last saved whole (see `Store::save_room`).
    unsaved: u64,
    /// The latest save, written off the actor, while it may still be under way.
    saving: Option<JoinHandle<()>>,
    /// The store failed: the room in memory may be ahead of the log, so the actor stops.
    failed: bool,
    /// The participant count last added to the metrics.
    counted: usize,
    /// The participants pages last sent, encoded: a crowd entering one after another is sent
    /// the same pages (only the last one changes as people come in), so each is encoded once.
    pages: Vec<(Vec<ParticipantView>, Utf8Bytes)>,
    /// Attendance reports to the Moodle site, when the room has a callback URL.
    attendance: Option<Watch>,
    /// Frames for everyone not yet handed to the connections.
    held: Held,
}

/// Serialize a server message; `None` only if serde fails, which it does not for these types.
pub fn encode(msg: &ServerMsg) -> Option<Utf8Bytes> {
    // Every error a client hears is made here, so this is where errors are counted.
    if let ServerMsg::Error { code, .. } = msg {
        METRICS.error(*code);
    }
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
        store: Arc<dyn Store>,
    ) -> RoomActor {
        RoomActor {
            id,
            generation,
            room,
            conns: HashMap::new(),
            auth,
            rooms,
            dropped: VecDeque::new(),
            store,
            next_input: 1,
            unsaved: 0,
            saving: None,
            failed: false,
            counted: 0,
            pages: Vec::new(),
            attendance: None,
            held: Held::default(),
        }
    }

    /// Rebuild the room from the store: its stored config (created from the one it was
    /// started with if the room is new), the room as last saved and every input logged after
    /// it at its recorded time, then a restart, logged too, since every connection the log
    /// knew is gone.
    fn restore(&mut self) -> Result<(), StoreError> {
        let started = std::time::Instant::now();
        let stored = self.store.open_room(&self.id, self.room.config())?;
        self.next_input = stored.next_n();
        let replayed = stored.inputs.len();
        let had_state = replayed > 0 || stored.saved.is_some();
        self.unsaved = u64::try_from(replayed).unwrap_or(u64::MAX);
        self.room = stored.rebuild();
        if had_state {
            let now = now_ms();
            let _ = self.room.handle(now, Input::Restart);
            self.store
                .append_input(&self.id, self.next_input, now, &Input::Restart)?;
            self.next_input += 1;
            self.logged();
        }
        tracing::info!(
            room = %self.id,
            replayed,
            held = self.room.participant_count(),
            elapsed_us = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX),
            "room restored from the store"
        );
        Ok(())
    }

    /// One more input is in the log: save the room whole when enough have gathered. A save
    /// copies and writes the whole room, so a large room waits for as many inputs as it has
    /// participants: a class of 10,000 answering a poll is not saved ten times over (3 MB each),
    /// and replaying its log stays short beside restoring its participants.
    fn logged(&mut self) {
        self.unsaved += 1;
        let every = self
            .rooms
            .snapshot_every()
            .max(u64::try_from(self.room.participant_count()).unwrap_or(u64::MAX));
        if self.unsaved >= every {
            self.save_room();
        }
    }

    /// Save the room whole in place of its log so far, so that opening it again replays a short
    /// tail. The copy is taken here, between two inputs; encoding and writing it (tens of
    /// milliseconds for a room of thousands) happen off the actor, which carries on meanwhile:
    /// the store keeps the newest save and never deletes inputs after it. A failure loses
    /// nothing (the log is still whole) and is tried again later.
    fn save_room(&mut self) {
        if self.unsaved == 0 || self.failed {
            return;
        }
        self.unsaved = 0;
        let last = self.next_input.saturating_sub(1);
        let saved = self.room.save();
        let (store, id) = (self.store.clone(), self.id.clone());
        self.saving = Some(tokio::task::spawn_blocking(move || {
            let started = std::time::Instant::now();
            let result = store.save_room(&id, last, &saved);
            let elapsed_us = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
            match result {
                Ok(()) => tracing::debug!(room = %id, upto = last, elapsed_us, "room saved"),
                Err(e) => tracing::warn!(room = %id, error = %e, "could not save the room"),
            }
        }));
    }

    /// The server is stopping: save the room whole now (unless the last save covers it) and
    /// wait until it is written.
    async fn save_before_stopping(&mut self) {
        self.save_room();
        if let Some(saving) = self.saving.take() {
            let _ = saving.await;
        }
    }

    /// The store failed while the room was open: the room in memory may hold a change the log
    /// lacks, and every later input would replay differently. So the sender hears `internal`,
    /// everyone is told to reconnect, and the actor stops; the next connect reopens the room
    /// from what is on disk.
    fn store_failed(&mut self, sender: Option<ConnId>, error: &StoreError) {
        tracing::error!(room = %self.id, error = %error, "storage failed: closing the room to reopen it from disk");
        if let Some(conn) = sender {
            self.refuse(conn, ErrorCode::Internal);
        }
        self.close_everyone(CloseReason::ServerShutdown);
    }

    /// Close every connection for `reason` and stop taking inputs: the actor is ending.
    fn close_everyone(&mut self, reason: CloseReason) {
        let conns: Vec<ConnId> = self.conns.keys().copied().collect();
        for conn in conns {
            self.close(conn, reason);
        }
        self.dropped.clear();
        self.failed = true;
    }

    /// The site deleted the room: everyone is told and closed, nothing is saved or reported, and
    /// the store forgets the room before the actor leaves the registry (so no new actor opens
    /// it from the store meanwhile).
    fn forget(
        &mut self,
        done: oneshot::Sender<Result<bool, StoreError>>,
        rx: &mut mpsc::Receiver<ToRoom>,
    ) {
        self.close_everyone(CloseReason::RoomDeleted);
        self.attendance = None;
        self.count_participants();
        let forgotten = self.store.forget_room(&self.id);
        tracing::info!(room = %self.id, ok = forgotten.is_ok(), "room deleted by its site");
        self.abandon(rx);
        let _ = done.send(forgotten);
    }

    /// Leave the registry and answer whatever is still in the mailbox: connects are told to
    /// come back (`internal`, then `server_shutdown`), everything else is dropped.
    fn abandon(&mut self, rx: &mut mpsc::Receiver<ToRoom>) {
        self.rooms.abandon(&self.id, self.generation, rx);
        while let Ok(msg) = rx.try_recv() {
            if let ToRoom::Connect { outbox, .. } = msg {
                if let Some(bytes) = encode(&ServerMsg::error(ErrorCode::Internal, Some("hello"))) {
                    let _ = outbox.try_send(Outbound::Refusal(bytes));
                }
                if let Some(frame) = encode(&ServerMsg::closing(CloseReason::ServerShutdown)) {
                    let _ = outbox.try_send(Outbound::Close {
                        reason: CloseReason::ServerShutdown,
                        frame,
                    });
                }
            }
        }
    }

    /// Run until the room is idle and retired (or every sender is gone).
    pub async fn run(mut self, mut rx: mpsc::Receiver<ToRoom>) {
        tracing::info!(room = %self.id, "room opened");
        if let Err(e) = self.restore() {
            tracing::error!(room = %self.id, error = %e, "could not open the room from the store");
            self.abandon(&mut rx);
            return;
        }
        // The SFU starts afresh with this actor: tell it who the restored room forwards.
        for directive in self.room.media_directives() {
            self.publish(directive);
        }
        self.count_participants();
        self.attendance = Watch::start(
            &self.id,
            self.room.config(),
            self.auth.clone(),
            self.store.clone(),
        );
        let mut idle_since: Option<Instant> = None;
        let mut stopping = None;
        loop {
            if self.failed {
                self.abandon(&mut rx);
                break;
            }
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
                    Some(ToRoom::ShutDown { done }) => {
                        stopping = Some(done);
                        break;
                    }
                    Some(ToRoom::Forget { done }) => {
                        self.forget(done, &mut rx);
                        return;
                    }
                    Some(msg) => self.on_message(msg),
                    None => break,
                },
                () = sleep_until(tick_at), if tick_at.is_some() => self.apply(Input::Tick),
                () = sleep_until(retire_at), if retire_at.is_some() => {
                    self.save_room();
                    if self.rooms.retire(&self.id, self.generation, &mut rx) {
                        break;
                    }
                }
            }
        }
        if stopping.is_some() {
            self.save_before_stopping().await;
        }
        self.failed = true;
        self.count_participants();
        if let Some(mut watch) = self.attendance.take() {
            if stopping.is_some() {
                watch.finish(now_ms()).await;
            } else {
                watch.close(now_ms());
            }
        }
        tracing::info!(room = %self.id, "room closed");
        if let Some(done) = stopping {
            let _ = done.send(());
        }
    }

    fn on_message(&mut self, msg: ToRoom) {
        match msg {
            ToRoom::Connect {
                conn,
                entrant,
                outbox,
                settings,
            } => {
                self.conns.insert(
                    conn,
                    Conn {
                        outbox,
                        entrant: entrant.clone(),
                        participant: None,
                    },
                );
                // The newest token speaks for the activity's settings (it was signed by the
                // site just now), so the entrant's welcome already shows them. The room ignores
                // settings that did not change (and nothing is logged).
                if settings.features.is_some()
                    || settings.stage_mode.is_some()
                    || settings.title.is_some()
                {
                    let features = settings.features.unwrap_or(self.room.config().features);
                    self.apply(Input::Configure {
                        features,
                        stage_mode: settings.stage_mode,
                        title: settings.title,
                    });
                }
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
                    match msg {
                        ClientMsg::MediaOffer { .. }
                        | ClientMsg::MediaAnswer { .. }
                        | ClientMsg::IceCandidate { .. }
                        | ClientMsg::MediaView { .. } => self.signal_media(conn, msg),
                        msg => self.apply(Input::Command { conn, msg }),
                    }
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
                self.to_media(ToMedia::Close { conn });
                if self.conns.remove(&conn).is_some() {
                    tracing::debug!(room = %self.id, conn, "disconnected");
                    self.apply(Input::Disconnect { conn });
                }
            }
            // `run` takes these before they get here.
            ToRoom::ShutDown { done } => {
                let _ = done.send(());
            }
            ToRoom::Forget { done } => {
                let _ = done.send(Err(StoreError::new("the room is not running")));
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
            if self.failed {
                return;
            }
            let logged = input.clone();
            let outputs = self.room.handle(now, input);
            if logged.changes_room(&outputs) {
                // On disk before anyone hears of it.
                let started = std::time::Instant::now();
                let appended = self
                    .store
                    .append_input(&self.id, self.next_input, now, &logged);
                METRICS.store_append(started.elapsed());
                if let Err(e) = appended {
                    self.store_failed(sender(&logged), &e);
                    return;
                }
                self.next_input += 1;
                self.logged();
            }
            if let Some(watch) = &mut self.attendance {
                watch.observe(now, &logged, &outputs, &self.room);
            }
            now = now_ms();
            for output in outputs {
                self.publish(output);
            }
            self.release();
            if let Some(conn) = self.dropped.pop_front() {
                tracing::warn!(room = %self.id, conn, "outbound queue full: connection dropped");
                next = Some(Input::Disconnect { conn });
            }
        }
        self.count_participants();
    }

    /// Bring the participants gauge in line with this room.
    fn count_participants(&mut self) {
        let now = if self.failed {
            0
        } else {
            self.room.participant_count()
        };
        if now != self.counted {
            let delta = i64::try_from(now).unwrap_or(i64::MAX)
                - i64::try_from(self.counted).unwrap_or(i64::MAX);
            METRICS.participants(delta);
            self.counted = now;
        }
    }

    fn publish(&mut self, output: Output) {
        match output {
            Output::Event { seq, to, event } => {
                METRICS.event();
                let Some(bytes) = encode(&ServerMsg::Event { seq, event }) else {
                    return;
                };
                if to == Audience::Everyone {
                    if self.held.hold(bytes) {
                        self.release();
                    }
                    return;
                }
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
            Output::Media {
                participant,
                audio,
                video,
                screen,
            } => self.to_media(ToMedia::Forward {
                room: Arc::from(self.id.as_str()),
                participant,
                forwarding: Forwarding {
                    audio,
                    video,
                    screen,
                },
            }),
        }
    }

    fn welcome(&mut self, conn: ConnId, participant: ParticipantId, identity: String) {
        // What is held was made before this snapshot, which covers it.
        self.release();
        let Some(mut snapshot) = self.room.snapshot_for(participant) else {
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
        let rest = split_snapshot(&mut snapshot);
        tracing::info!(room = %self.id, conn, participant, role = ?c.entrant.role, "entered");
        let issued = self.auth.resume().issue(&self.id, &c.entrant, now_ms());
        let welcome = ServerMsg::Welcome {
            protocol: PROTOCOL_VERSION,
            resume: issued.clone().unwrap_or_default(),
            snapshot: Box::new(snapshot),
            ice_servers: turn::ice_servers(
                self.rooms.media().and_then(|m| m.turn.as_ref()),
                &participant.to_string(),
                now_ms() / 1000,
            ),
        };
        self.queue(conn, Outbound::Entered { participant });
        self.queue_paged(conn, welcome, rest);
        if let Err(e) = issued {
            // The person is in; only coming back without a new token will not work.
            tracing::error!(room = %self.id, conn, error = %e, "could not store a resume credential");
            self.refuse(conn, ErrorCode::Internal);
        }
    }

    /// Pass a participant's media signalling to the SFU, with who they are and where its
    /// answers go. No room rule is involved: what is forwarded follows `Output::Media`.
    fn signal_media(&mut self, conn: ConnId, msg: ClientMsg) {
        let Some(c) = self.conns.get(&conn) else {
            return;
        };
        let Some(participant) = c.participant else {
            return;
        };
        let to_media = match msg {
            ClientMsg::MediaOffer { sdp, tracks } => ToMedia::Offer {
                conn,
                room: Arc::from(self.id.as_str()),
                participant,
                mobile: c.entrant.mobile,
                outbox: c.outbox.clone(),
                sdp,
                tracks,
            },
            ClientMsg::MediaAnswer { sdp } => ToMedia::Answer { conn, sdp },
            ClientMsg::IceCandidate { candidate } => ToMedia::Candidate { conn, candidate },
            ClientMsg::MediaView { views } => ToMedia::View { conn, views },
            _ => return,
        };
        if self.rooms.media().is_none() {
            self.refuse_media(conn, msg_kind(&to_media));
            return;
        }
        self.to_media(to_media);
    }

    fn refuse_media(&mut self, conn: ConnId, command: &str) {
        if let Some(bytes) = encode(&ServerMsg::error(ErrorCode::MediaRefused, Some(command))) {
            self.queue(conn, Outbound::Refusal(bytes));
        }
    }

    fn to_media(&self, msg: ToMedia) {
        if let Some(media) = self.rooms.media() {
            media.handle.send(msg);
        }
    }

    fn sync(&mut self, conn: ConnId) {
        let Some(participant) = self.conns.get(&conn).and_then(|c| c.participant) else {
            return;
        };
        match self.room.snapshot_for(participant) {
            Some(mut snapshot) => {
                let rest = split_snapshot(&mut snapshot);
                let msg = ServerMsg::Snapshot {
                    snapshot: Box::new(snapshot),
                };
                self.queue_paged(conn, msg, rest);
            }
            None => self.refuse(conn, ErrorCode::Internal),
        }
    }

    /// The `i`th participants page with these people, encoded once for as long as it stays the same.
    fn page(&mut self, i: usize, page: &[ParticipantView]) -> Option<Utf8Bytes> {
        if let Some((views, bytes)) = self.pages.get(i) {
            if views.as_slice() == page {
                return Some(bytes.clone());
            }
        }
        let bytes = encode(&ServerMsg::Participants {
            participants: page.to_vec(),
        })?;
        self.pages.truncate(i);
        if self.pages.len() == i {
            self.pages.push((page.to_vec(), bytes.clone()));
        }
        Some(bytes)
    }

    /// Queue a welcome or snapshot, then the rest of its participants list and chat history
    /// in pages.
    fn queue_paged(&mut self, conn: ConnId, msg: ServerMsg, rest: Rest) {
        if let Some(bytes) = encode(&msg) {
            self.queue(conn, Outbound::Frame(bytes));
        }
        for (i, page) in rest.participants.chunks(PARTICIPANTS_PAGE).enumerate() {
            if let Some(bytes) = self.page(i, page) {
                self.queue(conn, Outbound::Frame(bytes));
            }
        }
        for messages in chat_pages(rest.chat) {
            if let Some(bytes) = encode(&ServerMsg::ChatHistory { messages }) {
                self.queue(conn, Outbound::Frame(bytes));
            }
        }
    }

    fn refuse(&mut self, conn: ConnId, code: ErrorCode) {
        if let Some(bytes) = encode(&ServerMsg::error(code, None)) {
            self.queue(conn, Outbound::Refusal(bytes));
        }
    }

    /// Tell the connection why, and let it go: it no longer belongs to the room.
    fn close(&mut self, conn: ConnId, reason: CloseReason) {
        self.release();
        self.to_media(ToMedia::Close { conn });
        if let Some(c) = self.conns.remove(&conn) {
            tracing::info!(room = %self.id, conn, participant = ?c.participant, ?reason, "closing connection");
            if let Some(frame) = encode(&ServerMsg::closing(reason)) {
                // If the queue is full the session is dropped anyway when the sender goes.
                let _ = c.outbox.try_send(Outbound::Close { reason, frame });
            }
        }
    }

    /// Queue a frame to one connection, after whatever is held for everyone (which it may
    /// follow).
    fn queue(&mut self, conn: ConnId, item: Outbound) {
        self.release();
        let Some(c) = self.conns.get(&conn) else {
            return;
        };
        if c.outbox.try_send(item).is_err() {
            self.overflowed(conn);
        }
    }

    /// The connection's queue is full (or its session gone): dropping the sender ends the
    /// session, and the room hears of it as a disconnect.
    fn overflowed(&mut self, conn: ConnId) {
        self.conns.remove(&conn);
        self.to_media(ToMedia::Close { conn });
        self.dropped.push_back(conn);
    }

    /// Hand everything held for everyone to every connection that has been welcomed.
    fn release(&mut self) {
        let Some(frames) = self.held.take() else {
            return;
        };
        let mut overflowed = Vec::new();
        for (&conn, c) in &self.conns {
            // A connection gets events once its welcome went out; the snapshot covers the rest.
            if c.participant.is_some()
                && c.outbox.try_send(Outbound::Frames(frames.clone())).is_err()
            {
                overflowed.push(conn);
            }
        }
        for conn in overflowed {
            self.overflowed(conn);
        }
    }
}

/// Participants a welcome or snapshot carries; the rest follow in `participants` messages of
/// this many. A connection's WebSocket keeps a write buffer as large as the largest frame it
/// ever sent, so no frame may grow with the room or its chat (docs/performance.md).
pub const PARTICIPANTS_PAGE: usize = 32;
/// Chat text a welcome, a snapshot or one `chat_history` page carries, in bytes (a page has at
/// least one message).
pub const CHAT_PAGE_BYTES: usize = 2048;

/// What of a snapshot follows it in pages.
struct Rest {
    participants: Vec<ParticipantView>,
    chat: Vec<ChatMessage>,
}

/// Cut a snapshot's participants list and chat history to their first pages; return the rest.
fn split_snapshot(snapshot: &mut Snapshot) -> Rest {
    let participants = if snapshot.participants.len() > PARTICIPANTS_PAGE {
        snapshot.participants.split_off(PARTICIPANTS_PAGE)
    } else {
        Vec::new()
    };
    let first = first_page_len(&snapshot.chat);
    let chat = snapshot.chat.split_off(first);
    Rest { participants, chat }
}

/// How many messages from the start of `chat` make one page.
fn first_page_len(chat: &[ChatMessage]) -> usize {
    let mut bytes = 0;
    chat.iter()
        .position(|m| {
            bytes += m.text.len() + m.name.len();
            bytes > CHAT_PAGE_BYTES
        })
        .map_or(chat.len(), |i| i.max(1))
}

/// The chat history cut into pages of about [`CHAT_PAGE_BYTES`], oldest first.
fn chat_pages(mut chat: Vec<ChatMessage>) -> Vec<Vec<ChatMessage>> {
    let mut pages = Vec::new();
    while !chat.is_empty() {
        let rest = chat.split_off(first_page_len(&chat));
        pages.push(std::mem::replace(&mut chat, rest));
    }
    pages
}

/// The connection an input came from, if any: it hears about a failure to store it.
fn sender(input: &Input) -> Option<ConnId> {
    match input {
        Input::Connect { conn, .. }
        | Input::Command { conn, .. }
        | Input::CreateInviteLink { conn, .. } => Some(*conn),
        Input::Disconnect { .. } | Input::Tick | Input::Restart | Input::Configure { .. } => None,
    }
}

/// The wire name of the client message a media request came from.
fn msg_kind(msg: &ToMedia) -> &'static str {
    match msg {
        ToMedia::Offer { .. } => "media_offer",
        ToMedia::Answer { .. } => "media_answer",
        ToMedia::Candidate { .. } => "ice_candidate",
        ToMedia::View { .. } => "media_view",
        ToMedia::Forward { .. } | ToMedia::Close { .. } => "",
    }
}

async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}
