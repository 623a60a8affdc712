//! Finds a room's actor, starting it on first connect, and retires it once it is idle.
//! Connects go through here under one lock, so a room never retires with a connect in flight.
//! A room's state is in the store, so a retired room opens again as it was.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, Weak};
use std::time::Duration;

use podium_protocol::ErrorCode;
use podium_room::{ConnId, Room, RoomConfig};
use tokio::sync::mpsc::{self, error::TrySendError};
use tokio::sync::oneshot;

use crate::auth::{lock, Auth};
use crate::config::TurnConfig;
use crate::media::MediaHandle;
use crate::room_actor::{RoomActor, ToRoom, MAILBOX};
use crate::store::{Store, StoreError};

/// How long an idle room (nobody connected, no place held) lingers before its actor stops.
/// Opening it again replays its stored log, so this only saves that work for a room whose
/// people come back soon.
pub const IDLE_DELAY: Duration = Duration::from_secs(600);

pub struct Rooms {
    auth: Arc<Auth>,
    store: Arc<dyn Store>,
    registry: Mutex<Registry>,
    next_conn: AtomicU64,
    idle_delay: Duration,
    /// How many inputs a room logs before it is saved whole again.
    snapshot_every: u64,
    me: Weak<Rooms>,
    /// The SFU, once the server has started it.
    media: OnceLock<MediaLink>,
}

/// How room actors reach the SFU, and the TURN service their welcomes hand out.
pub struct MediaLink {
    pub handle: MediaHandle,
    pub turn: Option<TurnConfig>,
}

#[derive(Default)]
struct Registry {
    rooms: HashMap<String, Entry>,
    next_generation: u64,
}

struct Entry {
    mailbox: mpsc::Sender<ToRoom>,
    generation: u64,
}

impl Rooms {
    /// `snapshot_every`: how many inputs a room logs before it is saved whole again.
    pub fn new(
        auth: Arc<Auth>,
        store: Arc<dyn Store>,
        idle_delay: Duration,
        snapshot_every: u64,
    ) -> Arc<Rooms> {
        Arc::new_cyclic(|me| Rooms {
            auth,
            store,
            registry: Mutex::new(Registry::default()),
            next_conn: AtomicU64::new(1),
            idle_delay,
            snapshot_every: snapshot_every.max(1),
            me: me.clone(),
            media: OnceLock::new(),
        })
    }

    pub fn next_conn(&self) -> ConnId {
        self.next_conn.fetch_add(1, Ordering::Relaxed)
    }

    /// Connect the rooms to the SFU (once; later calls are ignored).
    pub fn attach_media(&self, link: MediaLink) {
        if self.media.set(link).is_err() {
            tracing::warn!("the media loop was already attached");
        }
    }

    pub fn media(&self) -> Option<&MediaLink> {
        self.media.get()
    }

    pub fn idle_delay(&self) -> Duration {
        self.idle_delay
    }

    pub fn snapshot_every(&self) -> u64 {
        self.snapshot_every
    }

    /// How many rooms have a running actor.
    pub fn open_rooms(&self) -> usize {
        lock(&self.registry).rooms.len()
    }

    /// Each open room's id and mailbox (to tell them all the server is stopping).
    pub fn mailboxes(&self) -> Vec<(String, mpsc::Sender<ToRoom>)> {
        lock(&self.registry)
            .rooms
            .iter()
            .map(|(id, e)| (id.clone(), e.mailbox.clone()))
            .collect()
    }

    /// Deliver a connect to `room`, starting its actor with `config` if it is not running.
    /// Returns the room's mailbox for the connection's later messages.
    pub fn connect(
        &self,
        room: &str,
        config: impl FnOnce() -> RoomConfig,
        msg: ToRoom,
    ) -> Result<mpsc::Sender<ToRoom>, ErrorCode> {
        let mut registry = lock(&self.registry);
        let mut config = Some(config);
        let mut msg = msg;
        for _ in 0..2 {
            let mailbox = match registry.rooms.get(room) {
                Some(entry) => entry.mailbox.clone(),
                None => {
                    let config = config.take().map(|f| f()).unwrap_or_default();
                    self.spawn(&mut registry, room, config)?
                }
            };
            match mailbox.try_send(msg) {
                Ok(()) => return Ok(mailbox),
                Err(TrySendError::Full(_)) => {
                    tracing::warn!(room, "room mailbox full: connect refused");
                    return Err(ErrorCode::Internal);
                }
                Err(TrySendError::Closed(m)) => {
                    // The actor ended without retiring (it should not); start a fresh one.
                    registry.rooms.remove(room);
                    msg = m;
                }
            }
        }
        Err(ErrorCode::Internal)
    }

    fn spawn(
        &self,
        registry: &mut Registry,
        room: &str,
        config: RoomConfig,
    ) -> Result<mpsc::Sender<ToRoom>, ErrorCode> {
        let me = self.me.upgrade().ok_or(ErrorCode::Internal)?;
        let (tx, rx) = mpsc::channel(MAILBOX);
        registry.next_generation += 1;
        let generation = registry.next_generation;
        registry.rooms.insert(
            room.to_string(),
            Entry {
                mailbox: tx.clone(),
                generation,
            },
        );
        let actor = RoomActor::new(
            room.to_string(),
            generation,
            Room::new(config),
            self.auth.clone(),
            me,
            self.store.clone(),
        );
        tokio::spawn(actor.run(rx));
        Ok(tx)
    }

    /// Called by an idle actor: forget the room unless something is waiting in its mailbox.
    /// True when the actor should stop.
    pub fn retire(&self, room: &str, generation: u64, rx: &mut mpsc::Receiver<ToRoom>) -> bool {
        let mut registry = lock(&self.registry);
        if !rx.is_empty() {
            return false;
        }
        if registry
            .rooms
            .get(room)
            .is_some_and(|e| e.generation == generation)
        {
            registry.rooms.remove(room);
        }
        rx.close();
        true
    }

    /// Delete `room` and everything kept of it, as its site asked: a running room closes
    /// everyone's connection (`room_deleted`) and deletes it itself; otherwise it is deleted here,
    /// under the registry's lock so that no connect opens it meanwhile. Returns whether the
    /// store kept the room.
    pub async fn forget(&self, room: &str) -> Result<bool, StoreError> {
        let mailbox = {
            let mut registry = lock(&self.registry);
            match registry.rooms.get(room) {
                Some(entry) if !entry.mailbox.is_closed() => entry.mailbox.clone(),
                _ => {
                    registry.rooms.remove(room);
                    return self.store.forget_room(room);
                }
            }
        };
        let (done, answer) = oneshot::channel();
        if mailbox.send(ToRoom::Forget { done }).await.is_err() {
            return Err(StoreError::new(
                "the room closed while it was being deleted",
            ));
        }
        answer
            .await
            .unwrap_or_else(|_| Err(StoreError::new("the room stopped before it was deleted")))
    }

    /// Called by an actor that cannot go on (its store failed): forget the room whatever is
    /// waiting, and close the mailbox. The caller answers what is left in it; the next connect
    /// opens the room afresh from the store.
    pub fn abandon(&self, room: &str, generation: u64, rx: &mut mpsc::Receiver<ToRoom>) {
        let mut registry = lock(&self.registry);
        if registry
            .rooms
            .get(room)
            .is_some_and(|e| e.generation == generation)
        {
            registry.rooms.remove(room);
        }
        rx.close();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Secret;
    use crate::room_actor::{Outbound, Settings};
    use crate::store::SqliteStore;
    use podium_protocol::Role;
    use podium_room::Entrant;

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

    #[tokio::test]
    async fn a_room_retires_once_idle_and_a_later_connect_opens_it_again() {
        let store: Arc<dyn Store> = Arc::new(SqliteStore::open_in_memory().unwrap());
        let auth = Arc::new(Auth::new(&Secret::new("s"), 600, store.clone()));
        let rooms = Rooms::new(
            auth,
            store,
            Duration::from_millis(50),
            crate::store::DEFAULT_SNAPSHOT_EVERY,
        );
        let config = || RoomConfig {
            grace: 0,
            ..RoomConfig::default()
        };
        let (outbox, mut inbox) = mpsc::channel(16);
        let conn = rooms.next_conn();
        let mailbox = rooms
            .connect(
                "r",
                config,
                ToRoom::Connect {
                    conn,
                    entrant: entrant(),
                    outbox,
                    settings: Settings::default(),
                },
            )
            .unwrap();
        assert!(matches!(inbox.recv().await, Some(Outbound::Entered { .. })));
        assert!(matches!(inbox.recv().await, Some(Outbound::Frame(_))));
        assert_eq!(rooms.open_rooms(), 1);

        mailbox.send(ToRoom::Disconnect { conn }).await.unwrap();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        while rooms.open_rooms() > 0 && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert_eq!(rooms.open_rooms(), 0, "the idle room retired");
        assert!(mailbox.is_closed());

        let (outbox, mut inbox) = mpsc::channel(16);
        let conn = rooms.next_conn();
        rooms
            .connect(
                "r",
                config,
                ToRoom::Connect {
                    conn,
                    entrant: entrant(),
                    outbox,
                    settings: Settings::default(),
                },
            )
            .unwrap();
        assert!(matches!(inbox.recv().await, Some(Outbound::Entered { .. })));
        assert_eq!(rooms.open_rooms(), 1);
    }
}
