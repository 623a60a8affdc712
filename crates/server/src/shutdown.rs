//! Graceful shutdown: every session watches one signal and, when it fires, tells its client
//! `closing` with reason `server_shutdown` before the process exits.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

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
