//! Durable state behind one narrow interface, with two backends: SQLite (one file, the
//! default) and PostgreSQL (a database server, which several server nodes can share). Neither
//! the room rules nor the rest of the server know which one they talk to.
//!
//! What is kept (see `docs/storage.md`):
//! - **rooms**: each room's [`RoomConfig`], fixed when the room is first opened;
//! - **the input log**: every [`Input`] that changed a room, numbered and timed, in order. The
//!   room is deterministic, so replaying its log rebuilds it exactly (chat, polls and answers,
//!   stage mode, seats, hands, invitation links, removals);
//! - **a saved room** now and then ([`SavedRoom`], after every so many inputs): it stands for
//!   the log up to it, which is dropped, so a room opens from it and a short tail of inputs;
//! - **used token ids** (`iss`, `jti`) until their token would have expired anyway;
//! - **resume credentials**, by the SHA-256 of the credential only;
//! - **attendance reports** not yet delivered to the Moodle site, so a restart sends them still.
//!
//! The trait speaks in the server's own types; a backend turns them into rows. Rooms, inputs and
//! saved rooms are stored as JSON text (see [`encode`] and [`decode`]), so every backend reads
//! every other's.

mod postgresql;
mod sqlite;

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use podium_protocol::Millis;
use podium_room::{Entrant, Input, Room, RoomConfig, SavedRoom};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::callbacks::Report;

pub use postgresql::PostgresStore;
pub use sqlite::SqliteStore;

/// The file name used when `--data` names a directory.
pub const DEFAULT_FILE: &str = "podium.db";

/// How many logged inputs a room gathers before it is saved whole and its log cut (the
/// default of `--snapshot-every`).
pub const DEFAULT_SNAPSHOT_EVERY: u64 = 1000;

/// A failed store operation: what was attempted and why it failed. Carries no backend types.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreError(String);

impl StoreError {
    pub fn new(what: impl fmt::Display) -> StoreError {
        StoreError(what.to_string())
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StoreError {}

/// One input of a room's log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedInput {
    /// Its place in the room's log: 1, 2, 3 … with no gaps.
    pub n: u64,
    /// The time the room was given with it.
    pub at: Millis,
    pub input: Input,
}

/// A room saved whole after input `n` of its log; the inputs up to `n` are gone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedAt {
    pub n: u64,
    pub room: SavedRoom,
}

/// A room as it is stored: what a fresh [`Room`] needs to become the room again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRoom {
    pub config: RoomConfig,
    /// The room as last saved, if it ever was.
    pub saved: Option<SavedAt>,
    /// The logged inputs after the saved room (or all of them), in order.
    pub inputs: Vec<LoggedInput>,
}

impl StoredRoom {
    /// The number the next appended input takes.
    pub fn next_n(&self) -> u64 {
        let after = self.saved.as_ref().map_or(0, |s| s.n);
        self.inputs.last().map_or(after, |i| i.n).saturating_add(1)
    }

    /// The room again: the saved room (or a new one) with the inputs after it replayed at their
    /// recorded times. What the room says while it replays was said before; only the state
    /// matters.
    pub fn rebuild(self) -> Room {
        let mut room = match self.saved {
            Some(saved) => Room::restore(saved.room),
            None => Room::new(self.config),
        };
        for logged in self.inputs {
            let _ = room.handle(logged.at, logged.input);
        }
        room
    }
}
/// What a resume credential stands for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResumeEntry {
    pub room: String,
    pub entrant: Entrant,
    pub expires_at: Millis,
}

/// An attendance report kept until it is delivered: the room it is about and the callback URL
/// it goes to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeptReport {
    pub room: String,
    pub url: String,
    pub report: Report,
}

/// Everything the server keeps across a restart.
///
/// Calls are short and synchronous (a local SQLite file answers in microseconds, PostgreSQL on
/// a nearby machine in a network round trip); callers on the async runtime call them directly.
/// Every failure is a [`StoreError`], never a panic.
pub trait Store: Send + Sync {
    /// Open a room: create it with `config` if it is new, and return its stored config (which
    /// wins over `config` for a room that exists), the room as last saved if it was, and the
    /// inputs logged after that, in order.
    fn open_room(&self, room: &str, config: &RoomConfig) -> Result<StoredRoom, StoreError>;

    /// Append input number `n` of `room`'s log, given to the room at `at`. Fails (and changes
    /// nothing) when `n` is already taken or already covered by a saved room, so two writers
    /// can never interleave one log.
    fn append_input(&self, room: &str, n: u64, at: Millis, input: &Input)
        -> Result<(), StoreError>;

    /// Keep `saved`, the room as it stood after input `n` of its log, in place of that input
    /// and every one before it (which are deleted), in one transaction. A saved room older
    /// than the one kept is ignored.
    fn save_room(&self, room: &str, n: u64, saved: &SavedRoom) -> Result<(), StoreError>;

    /// Spend the token id `jti` of issuer `iss`, remembered until `expires` (Unix seconds).
    /// True when it was new; false when it had been spent already.
    fn use_token_id(&self, iss: &str, jti: &str, expires: u64) -> Result<bool, StoreError>;

    /// Forget spent token ids whose token expired before `now` (Unix seconds). Returns how many.
    fn prune_token_ids(&self, now: u64) -> Result<usize, StoreError>;

    /// Keep (or replace) the resume credential whose SHA-256 is `hash`.
    fn put_resume(&self, hash: &[u8; 32], entry: &ResumeEntry) -> Result<(), StoreError>;

    /// What the credential whose SHA-256 is `hash` stands for, if it is known and unexpired at
    /// `now` (Unix milliseconds).
    fn resume(&self, hash: &[u8; 32], now: Millis) -> Result<Option<ResumeEntry>, StoreError>;

    /// Forget resume credentials expired at `now` (Unix milliseconds). Returns how many.
    fn prune_resume(&self, now: Millis) -> Result<usize, StoreError>;

    /// Keep `room`'s attendance `reports`, bound for `url`, until they are forgotten (in one
    /// transaction). A report whose id is kept already is left as it is.
    fn keep_reports(&self, room: &str, url: &str, reports: &[Report]) -> Result<(), StoreError>;

    /// Forget the kept reports with these ids: they were delivered, or refused for good.
    fn forget_reports(&self, ids: &[String]) -> Result<(), StoreError>;

    /// Every kept report, in the order they were kept.
    fn kept_reports(&self) -> Result<Vec<KeptReport>, StoreError>;

    /// Delete everything kept of `room` (its config, log, save, resume credentials and
    /// undelivered attendance reports) in one transaction. Returns whether the room was kept.
    fn forget_room(&self, room: &str) -> Result<bool, StoreError>;

    /// Whether the store answers a trivial query (for `/readyz`).
    fn ping(&self) -> Result<(), StoreError> {
        Ok(())
    }
}

/// Where durable state is kept, as configured. (No `Debug`: the URL may hold a password.)
#[derive(Clone, Copy)]
pub enum Backend<'a> {
    /// A SQLite file (`:memory:` for nothing kept; a directory for `podium.db` inside it).
    Sqlite(&'a Path),
    /// A PostgreSQL connection URL (`postgres://user:password@host:port/database`).
    Postgres(&'a str),
}

/// Open the configured store, bring its schema up to date, and say where it is.
pub fn open(backend: Backend<'_>) -> Result<Arc<dyn Store>, StoreError> {
    let store: Arc<dyn Store> = match backend {
        Backend::Sqlite(path) => {
            let store = SqliteStore::open(path)?;
            tracing::info!(database = store.location(), "storage open (SQLite)");
            Arc::new(store)
        }
        Backend::Postgres(url) => {
            let store = PostgresStore::open(url)?;
            tracing::info!(database = store.location(), "storage open (PostgreSQL)");
            Arc::new(store)
        }
    };
    Ok(store)
}

/// The stored text of a config, an input, an entrant or a saved room.
pub fn encode<T: Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::new(format!("encode: {e}")))
}

/// Read back what [`encode`] wrote. `what` names it in the error.
pub fn decode<T: DeserializeOwned>(what: &str, text: &str) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::new(format!("decode {what}: {e}")))
}

/// The tables holding a room's rows (by their `room` column), deleted before its `rooms` row.
pub const ROOM_TABLES: [&str; 4] = [
    "room_inputs",
    "room_snapshots",
    "resume_credentials",
    "attendance_reports",
];

/// Databases' integers are signed; every number stored here (times, log positions) fits.
pub fn int(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

pub fn uint(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

impl LoggedInput {
    /// One row of a room's log (`n`, `at_ms`, `input`), as every backend stores it.
    pub fn from_row(room: &str, n: i64, at: i64, text: &str) -> Result<LoggedInput, StoreError> {
        Ok(LoggedInput {
            n: uint(n),
            at: uint(at),
            input: decode(&format!("input {n} of room {room}"), text)?,
        })
    }
}

impl SavedAt {
    /// A room's saved row (`n`, `state`), as every backend stores it.
    pub fn from_row(room: &str, n: i64, text: &str) -> Result<SavedAt, StoreError> {
        Ok(SavedAt {
            n: uint(n),
            room: decode(&format!("saved room {room}"), text)?,
        })
    }
}

#[cfg(test)]
mod failure_tests {
    //! A store that fails on demand, around the real SQLite one: what a room does when a
    //! write fails (disk full, I/O error).
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    use std::time::Duration;

    use podium_protocol::{ClientMsg, CloseReason, ErrorCode, Role, ServerMsg};
    use podium_room::Entrant;
    use tokio::sync::mpsc;

    use super::*;
    use crate::auth::Auth;
    use crate::config::Secret;
    use crate::room_actor::{Outbound, ToRoom};
    use crate::rooms::Rooms;

    struct Flaky {
        inner: SqliteStore,
        fail: AtomicBool,
    }

    impl Flaky {
        fn check(&self) -> Result<(), StoreError> {
            if self.fail.load(Ordering::SeqCst) {
                return Err(StoreError::new("disk full"));
            }
            Ok(())
        }
    }

    impl Store for Flaky {
        fn open_room(&self, room: &str, config: &RoomConfig) -> Result<StoredRoom, StoreError> {
            self.check()?;
            self.inner.open_room(room, config)
        }
        fn append_input(
            &self,
            room: &str,
            n: u64,
            at: Millis,
            input: &Input,
        ) -> Result<(), StoreError> {
            self.check()?;
            self.inner.append_input(room, n, at, input)
        }
        fn save_room(&self, room: &str, n: u64, saved: &SavedRoom) -> Result<(), StoreError> {
            self.check()?;
            self.inner.save_room(room, n, saved)
        }
        fn use_token_id(&self, iss: &str, jti: &str, expires: u64) -> Result<bool, StoreError> {
            self.inner.use_token_id(iss, jti, expires)
        }
        fn prune_token_ids(&self, now: u64) -> Result<usize, StoreError> {
            self.inner.prune_token_ids(now)
        }
        fn put_resume(&self, hash: &[u8; 32], entry: &ResumeEntry) -> Result<(), StoreError> {
            self.inner.put_resume(hash, entry)
        }
        fn resume(&self, hash: &[u8; 32], now: Millis) -> Result<Option<ResumeEntry>, StoreError> {
            self.inner.resume(hash, now)
        }
        fn prune_resume(&self, now: Millis) -> Result<usize, StoreError> {
            self.inner.prune_resume(now)
        }
        fn keep_reports(
            &self,
            room: &str,
            url: &str,
            reports: &[crate::callbacks::Report],
        ) -> Result<(), StoreError> {
            self.inner.keep_reports(room, url, reports)
        }
        fn forget_reports(&self, ids: &[String]) -> Result<(), StoreError> {
            self.inner.forget_reports(ids)
        }
        fn kept_reports(&self) -> Result<Vec<KeptReport>, StoreError> {
            self.inner.kept_reports()
        }
        fn forget_room(&self, room: &str) -> Result<bool, StoreError> {
            self.inner.forget_room(room)
        }
    }

    fn entrant() -> Entrant {
        Entrant {
            identity: "site:1".into(),
            name: "Ada".into(),
            role: Role::Moderator,
            picture: None,
            mobile: false,
            via_link: None,
        }
    }

    /// A connection's queue as the session reads it: a batch is its frames one by one.
    struct Inbox {
        rx: mpsc::Receiver<Outbound>,
        batch: std::collections::VecDeque<axum::extract::ws::Utf8Bytes>,
    }

    async fn next_msg(inbox: &mut Inbox) -> Option<ServerMsg> {
        loop {
            if let Some(b) = inbox.batch.pop_front() {
                return serde_json::from_str(b.as_str()).ok();
            }
            let out = tokio::time::timeout(Duration::from_secs(5), inbox.rx.recv())
                .await
                .ok()??;
            match out {
                Outbound::Entered { .. } => continue,
                Outbound::Frames(frames) => inbox.batch.extend(frames.iter().cloned()),
                Outbound::Frame(b) | Outbound::Refusal(b) | Outbound::Close { frame: b, .. } => {
                    return serde_json::from_str(b.as_str()).ok()
                }
            }
        }
    }

    fn connect(rooms: &Rooms) -> (mpsc::Sender<ToRoom>, Inbox, u64) {
        connect_as(rooms, entrant())
    }

    fn connect_as(rooms: &Rooms, entrant: Entrant) -> (mpsc::Sender<ToRoom>, Inbox, u64) {
        let (outbox, rx) = mpsc::channel(64);
        let conn = rooms.next_conn();
        let mailbox = rooms
            .connect(
                "r",
                RoomConfig::default,
                ToRoom::Connect {
                    conn,
                    entrant,
                    outbox,
                    settings: Default::default(),
                },
            )
            .unwrap();
        let inbox = Inbox {
            rx,
            batch: Default::default(),
        };
        (mailbox, inbox, conn)
    }

    #[tokio::test]
    async fn a_failed_write_is_answered_and_the_room_reopens_from_disk() {
        let store = Arc::new(Flaky {
            inner: SqliteStore::open_in_memory().unwrap(),
            fail: AtomicBool::new(false),
        });
        let auth = Arc::new(Auth::new(&Secret::new("s"), 600, store.clone()));
        let rooms = Rooms::new(
            auth,
            store.clone(),
            Duration::from_secs(60),
            DEFAULT_SNAPSHOT_EVERY,
        );
        let (mailbox, mut inbox, conn) = connect(&rooms);
        assert!(matches!(
            next_msg(&mut inbox).await,
            Some(ServerMsg::Welcome { .. })
        ));
        let chat = |text: &str| ToRoom::Command {
            conn,
            msg: ClientMsg::Chat { text: text.into() },
        };
        mailbox.send(chat("kept")).await.unwrap();
        // Told only once it is stored.
        loop {
            match next_msg(&mut inbox).await {
                Some(ServerMsg::Event {
                    event: podium_protocol::Event::Chat { .. },
                    ..
                }) => break,
                Some(_) => continue,
                None => panic!("no chat event"),
            }
        }

        store.fail.store(true, Ordering::SeqCst);
        mailbox.send(chat("lost")).await.unwrap();
        assert!(matches!(
            next_msg(&mut inbox).await,
            Some(ServerMsg::Error {
                code: ErrorCode::Internal,
                ..
            })
        ));
        assert!(matches!(
            next_msg(&mut inbox).await,
            Some(ServerMsg::Closing {
                reason: CloseReason::ServerShutdown,
                ..
            })
        ));
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        while rooms.open_rooms() > 0 && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert_eq!(rooms.open_rooms(), 0, "the room stopped");

        // While the store cannot be read, entering is refused with a reason to retry.
        let (_mailbox, mut inbox, _) = connect(&rooms);
        assert!(matches!(
            next_msg(&mut inbox).await,
            Some(ServerMsg::Error {
                code: ErrorCode::Internal,
                ..
            })
        ));
        assert!(matches!(
            next_msg(&mut inbox).await,
            Some(ServerMsg::Closing {
                reason: CloseReason::ServerShutdown,
                ..
            })
        ));

        // Once it works again the room opens as it is on disk: what was told, not what failed.
        store.fail.store(false, Ordering::SeqCst);
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        while rooms.open_rooms() > 0 && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        let (_mailbox, mut inbox, _) = connect(&rooms);
        match next_msg(&mut inbox).await {
            Some(ServerMsg::Welcome { snapshot, .. }) => {
                let texts: Vec<&str> = snapshot.chat.iter().map(|c| c.text.as_str()).collect();
                assert_eq!(texts, vec!["kept"]);
                assert_eq!(snapshot.you.participant, 1, "the same place");
            }
            other => panic!("expected a welcome, got {other:?}"),
        }
    }

    /// The inputs after the room's last save, once the store shows exactly `logged` of them
    /// (saves are written off the room's task).
    async fn wait_for_log(store: &SqliteStore, logged: usize) -> StoredRoom {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        loop {
            let stored = store.open_room("r", &RoomConfig::default()).unwrap();
            if stored.inputs.len() == logged || tokio::time::Instant::now() > deadline {
                return stored;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    #[tokio::test]
    async fn a_room_larger_than_the_save_interval_is_saved_once_per_participant() {
        let store = Arc::new(SqliteStore::open_in_memory().unwrap());
        let auth = Arc::new(Auth::new(&Secret::new("s"), 600, store.clone()));
        let rooms = Rooms::new(auth, store.clone(), Duration::from_secs(60), 2);
        let mut people = Vec::new();
        for i in 1..=4 {
            let who = Entrant {
                identity: format!("site:{i}"),
                ..entrant()
            };
            let (mailbox, mut inbox, conn) = connect_as(&rooms, who);
            assert!(matches!(
                next_msg(&mut inbox).await,
                Some(ServerMsg::Welcome { .. })
            ));
            people.push((mailbox, inbox, conn));
        }
        // Saved after the second entry (two inputs, two people); the next two entries wait for
        // a log as long as the room (four).
        let stored = wait_for_log(&store, 2).await;
        assert_eq!(stored.saved.as_ref().map(|s| s.n), Some(2));
        assert_eq!(stored.inputs.len(), 2, "inputs 3 and 4 wait in the log");

        let (mailbox, _, conn) = &people[0];
        for text in ["one", "two"] {
            let msg = ClientMsg::Chat { text: text.into() };
            mailbox
                .send(ToRoom::Command { conn: *conn, msg })
                .await
                .unwrap();
        }
        let stored = wait_for_log(&store, 0).await;
        assert_eq!(stored.saved.as_ref().map(|s| s.n), Some(6));
        assert!(stored.inputs.is_empty());
    }
}
