//! Binding, serving and shutting down.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::serve::ListenerExt as _;
use tokio::net::TcpListener;
use tokio::sync::Notify;

use crate::config::Config;
use crate::http;
use crate::rooms::MediaLink;
use crate::shutdown;
use crate::state::AppState;

/// How long sessions get to say goodbye on shutdown.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(3);
/// How long the open rooms get to be saved on shutdown, after the sessions closed.
pub const SAVE_GRACE: Duration = Duration::from_secs(5);

/// A bound server, not yet serving.
pub struct Server {
    listener: TcpListener,
    state: Arc<AppState>,
}

impl Server {
    pub async fn bind(config: Config) -> std::io::Result<Server> {
        raise_open_file_limit();
        let state = AppState::new(config).map_err(std::io::Error::other)?;
        let listener = TcpListener::bind(state.config.listen).await?;
        let handle = crate::media::start(&state.config.media)?;
        state.rooms.attach_media(MediaLink {
            handle,
            turn: state.config.turn.clone(),
        });
        // Attendance reports the last run could not deliver.
        crate::callbacks_send::resend_kept(&state.store, &state.auth);
        Ok(Server { listener, state })
    }

    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    pub fn state(&self) -> Arc<AppState> {
        self.state.clone()
    }

    /// Serve until `stop` resolves; then every session is told `server_shutdown` and every open
    /// room is saved whole.
    pub async fn serve(
        self,
        stop: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let state = self.state.clone();
        give_back_freed_memory();
        let app = http::router(self.state);
        let stopped = Arc::new(Notify::new());
        let notify = stopped.clone();
        let graceful = async move {
            stop.await;
            tracing::info!(sessions = state.shutdown.live_sessions(), "shutting down");
            state.shutdown.trigger(SHUTDOWN_GRACE).await;
            shutdown::save_rooms(&state.rooms, SAVE_GRACE).await;
            notify.notify_one();
        };
        // The peer's address reaches the handlers, for the per-IP hello cap.
        let app = app.into_make_service_with_connect_info::<SocketAddr>();
        // Signalling frames are small and latency matters more than packing them: no Nagle
        // delay. Frames queued together are still written together (see `session`).
        let listener = self.listener.tap_io(|tcp| {
            if let Err(e) = tcp.set_nodelay(true) {
                tracing::debug!(error = %e, "could not set TCP_NODELAY");
            }
        });
        let serve = axum::serve(listener, app).with_graceful_shutdown(graceful);
        tokio::select! {
            result = serve => result,
            () = async {
                stopped.notified().await;
                tokio::time::sleep(SHUTDOWN_GRACE).await;
            } => Ok(()),
        }
    }
}

/// How often memory freed inside the allocator's heap is handed back to the system.
const TRIM_EVERY: Duration = Duration::from_secs(15);

/// glibc's allocator keeps what a burst freed (a crowd entering and the welcome pages it was
/// sent, a room saved whole) inside its heap, where it still counts as resident and, scattered
/// among long-lived allocations, is seldom reused whole. Now and then, hand the free pages back
/// (`malloc_trim`), so resident memory follows what is in use (docs/performance.md).
fn give_back_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    tokio::spawn(async {
        let mut every = tokio::time::interval(TRIM_EVERY);
        loop {
            every.tick().await;
            // SAFETY: malloc_trim only walks the allocator's own free lists.
            let _ = tokio::task::spawn_blocking(|| unsafe { libc::malloc_trim(0) }).await;
        }
    });
}

/// Every connection holds a file descriptor, and the usual soft limit (1,024) is far below a
/// large lecture: raise it to the hard limit the system allows (see docs/deployment.md).
fn raise_open_file_limit() {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit and setrlimit only read and write the struct passed to them.
    let raised = unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) != 0 {
            return;
        }
        let soft = limit.rlim_cur;
        limit.rlim_cur = limit.rlim_max;
        soft < limit.rlim_max && libc::setrlimit(libc::RLIMIT_NOFILE, &limit) == 0
    };
    if raised {
        tracing::debug!(open_files = limit.rlim_cur, "raised the open-file limit");
    }
    if limit.rlim_cur < 4096 {
        tracing::warn!(
            open_files = limit.rlim_cur,
            "the open-file limit caps connections well below a large room; raise it (docs/deployment.md)"
        );
    }
}

/// Bind, print `listening on ADDR` on stdout, and serve until ctrl-c or SIGTERM.
pub async fn run(config: Config) -> std::io::Result<()> {
    match &config.static_dir {
        Some(dir) if http::has_client(dir) => {
            tracing::info!(dir = %dir.display(), "serving the client")
        }
        Some(dir) => tracing::warn!(dir = %dir.display(), "no index.html in the static directory"),
        None => tracing::warn!("no static directory: /join shows a placeholder"),
    }
    let demo = config.demo.is_some();
    let public_url = config.public_url.clone();
    let server = Server::bind(config).await?;
    let addr = server.local_addr()?;
    println!("listening on {addr}");
    if demo {
        let base = public_url.unwrap_or_else(|| format!("http://{addr}"));
        println!("demo room: open {base}/ (dev-only entry links)");
    }
    server.serve(shutdown::signal()).await
}
