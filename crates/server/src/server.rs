//! Binding, serving and shutting down.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::Notify;

use crate::config::Config;
use crate::http;
use crate::rooms::MediaLink;
use crate::shutdown;
use crate::state::AppState;

/// How long sessions get to say goodbye on shutdown.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(3);

/// A bound server, not yet serving.
pub struct Server {
    listener: TcpListener,
    state: Arc<AppState>,
}

impl Server {
    pub async fn bind(config: Config) -> std::io::Result<Server> {
        let state = AppState::new(config).map_err(std::io::Error::other)?;
        let listener = TcpListener::bind(state.config.listen).await?;
        let handle = crate::media::start(&state.config.media)?;
        state.rooms.attach_media(MediaLink {
            handle,
            turn: state.config.turn.clone(),
        });
        Ok(Server { listener, state })
    }

    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    pub fn state(&self) -> Arc<AppState> {
        self.state.clone()
    }

    /// Serve until `stop` resolves; then every session is told `server_shutdown`.
    pub async fn serve(
        self,
        stop: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let state = self.state.clone();
        let app = http::router(self.state);
        let stopped = Arc::new(Notify::new());
        let notify = stopped.clone();
        let graceful = async move {
            stop.await;
            tracing::info!(sessions = state.shutdown.live_sessions(), "shutting down");
            state.shutdown.trigger(SHUTDOWN_GRACE).await;
            notify.notify_one();
        };
        // The peer's address reaches the handlers, for the per-IP hello cap.
        let app = app.into_make_service_with_connect_info::<SocketAddr>();
        let serve = axum::serve(self.listener, app).with_graceful_shutdown(graceful);
        tokio::select! {
            result = serve => result,
            () = async {
                stopped.notified().await;
                tokio::time::sleep(SHUTDOWN_GRACE).await;
            } => Ok(()),
        }
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
