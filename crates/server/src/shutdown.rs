//! Graceful shutdown: every session watches one signal and, when it fires, tells its client
//! `closing` with reason `server_shutdown`; then every open room is saved whole (and its
//! attendance reports kept) before the process exits, so the next start opens each room from
//! its saved copy instead of replaying a long log.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, oneshot, watch};

use crate::room_actor::ToRoom;
use crate::rooms::Rooms;

/// The shutdown signal and a count of live sessions, so the server can wait for them to say goodbye.
#[derive(Clone, Debug)]
pub struct Shutdown {
    tx: Arc<watch::Sender<bool>>,
    live: Arc<AtomicUsize>,
}

/// Held by a live session; dropping it counts the session out.
#[derive(Debug)]
pub struct SessionGuard {
    live: Arc<AtomicUsize>,
}

impl Drop for SessionGuard {
    fn drop(&mut self) {
        self.live.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Shutdown {
    pub fn new() -> Shutdown {
        let (tx, _rx) = watch::channel(false);
        Shutdown {
            tx: Arc::new(tx),
            live: Arc::new(AtomicUsize::new(0)),
        }
    }

    pub fn subscribe(&self) -> watch::Receiver<bool> {
        self.tx.subscribe()
    }

    pub fn session(&self) -> SessionGuard {
        self.live.fetch_add(1, Ordering::SeqCst);
        SessionGuard {
            live: self.live.clone(),
        }
    }

    pub fn live_sessions(&self) -> usize {
        self.live.load(Ordering::SeqCst)
    }

    /// Fire the signal, then wait (at most `grace`) until every session has closed.
    pub async fn trigger(&self, grace: Duration) {
        self.tx.send_replace(true);
        let deadline = tokio::time::Instant::now() + grace;
        while self.live_sessions() > 0 && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Default for Shutdown {
    fn default() -> Self {
        Shutdown::new()
    }
}

/// Ask every open room to save itself whole and stop, and wait (at most `within`) until each
/// has. Comes after the sessions closed, so their disconnects are in the rooms before the save.
pub async fn save_rooms(rooms: &Rooms, within: Duration) {
    let deadline = tokio::time::Instant::now() + within;
    let mut saving = Vec::new();
    let mut busy = Vec::new();
    // Every room is asked at once; only a room whose mailbox is full is waited on, after the
    // others were asked, so one busy room cannot use up everyone's time.
    for (room, mailbox) in rooms.mailboxes() {
        let (done, saved) = oneshot::channel();
        match mailbox.try_send(ToRoom::ShutDown { done }) {
            Ok(()) => saving.push((room, saved)),
            Err(mpsc::error::TrySendError::Full(message)) => {
                busy.push((room, mailbox, message, saved))
            }
            // The room had stopped already: nothing to save.
            Err(mpsc::error::TrySendError::Closed(_)) => {}
        }
    }
    for (room, mailbox, message, saved) in busy {
        match tokio::time::timeout_at(deadline, mailbox.send(message)).await {
            Ok(Ok(())) => saving.push((room, saved)),
            Ok(Err(_)) => {}
            Err(_) => tracing::warn!(room, "the room was too busy to be saved before exiting"),
        }
    }
    let count = saving.len();
    for (room, saved) in saving {
        if tokio::time::timeout_at(deadline, saved).await.is_err() {
            tracing::warn!(room, "the room was not saved before exiting");
        }
    }
    tracing::info!(rooms = count, "rooms saved");
}

/// Resolves on ctrl-c or SIGTERM.
pub async fn signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
}

/// Wait until the watched signal fires.
pub async fn wait(rx: &mut watch::Receiver<bool>) {
    if *rx.borrow() {
        return;
    }
    while rx.changed().await.is_ok() {
        if *rx.borrow() {
            return;
        }
    }
    std::future::pending::<()>().await
}
