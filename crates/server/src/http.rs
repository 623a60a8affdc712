//! Routes: `GET /ws` (the WebSocket), `GET /healthz` (the process answers), `GET /readyz` (the
//! store and the media loop answer too), `GET /metrics` (Prometheus text), `GET /join` (the
//! client's page), `POST /rooms/forget` (a site deletes a room, see [`forget_http`]),
//! `GET /client/podium.js` (the client's stable entry, see [`client_entry`]), the built
//! client's static files, and in `demo` mode the demo's front page.
//! Every response carries the security headers.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{ConnectInfo, State, WebSocketUpgrade};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::client_entry;
use crate::config::Config;
use crate::demo;
use crate::forget_http;
use crate::limits::client_ip;
use crate::metrics::{self, METRICS};
use crate::session::{self, MAX_WS_MESSAGE_BYTES};
use crate::state::AppState;

pub fn router(state: Arc<AppState>) -> Router {
    let csp = content_security_policy(&state.config);
    let mut app = Router::new()
        .route("/ws", get(ws))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .route("/join", get(join))
        .route("/rooms/forget", post(forget_http::forget));
    if state.config.demo.is_some() {
        app = app.merge(demo::routes());
    }
    // The client's files, with CORS for the allowed origins (pages that mount the client),
    // gzip'd for browsers that take it: from a `.gz` file beside the file when the build made
    // one (`cargo xtask` does, at the strongest level), else on the fly.
    let mut client = Router::new().route(client_entry::ENTRY_PATH, get(client_entry::entry));
    if let Some(dir) = &state.config.static_dir {
        client = client.fallback_service(ServeDir::new(dir).precompressed_gzip());
    }
    app = app.merge(client.layer(CompressionLayer::new()).layer(
        axum::middleware::from_fn_with_state(state.clone(), client_entry::cors),
    ));
    app.layer(SetResponseHeaderLayer::overriding(
        header::CONTENT_SECURITY_POLICY,
        csp,
    ))
    .layer(SetResponseHeaderLayer::overriding(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    ))
    .layer(SetResponseHeaderLayer::overriding(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    ))
    .with_state(state)
}

async fn ws(
    ws: WebSocketUpgrade,
    headers: HeaderMap,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    State(state): State<Arc<AppState>>,
) -> Response {
    let ip = client_ip(
        peer.map(|Extension(ConnectInfo(addr))| addr.ip()),
        headers.get("x-forwarded-for").and_then(|v| v.to_str().ok()),
        &state.config.trusted_proxies,
    );
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    if !origin_allowed(origin, host, &state.origins) {
        tracing::info!(
            origin = origin.unwrap_or(""),
            "WebSocket from a foreign origin refused"
        );
        return (StatusCode::FORBIDDEN, "This origin may not connect.").into_response();
    }
    ws.max_message_size(MAX_WS_MESSAGE_BYTES)
        .max_frame_size(MAX_WS_MESSAGE_BYTES)
        // tungstenite zero-fills its whole read buffer on the first read (128 KiB by default),
        // which made it most of an idle viewer's memory; clients' messages are small, and a
        // larger one still gets the room it needs (docs/performance.md).
        .read_buffer_size(WS_READ_BUFFER_BYTES)
        // Frames are gathered up to this before a write (one system call for a burst); the
        // buffer keeps the size it grows to, so it stays small.
        .write_buffer_size(WS_WRITE_BUFFER_BYTES)
        .on_upgrade(move |socket| session::run(socket, state, ip))
}

/// The WebSocket read buffer of each connection.
const WS_READ_BUFFER_BYTES: usize = 2 * 1024;
/// How much of each connection's outgoing frames is gathered before it is written.
const WS_WRITE_BUFFER_BYTES: usize = 2 * 1024;

/// How long the media loop may be silent before the server is not ready (it goes round at
/// least ten times a second).
const MEDIA_SILENCE: Duration = Duration::from_secs(2);

/// Ready to take people: not shutting down, the store answers and the media loop is alive.
async fn readyz(State(state): State<Arc<AppState>>) -> Response {
    let shutting_down = *state.shutdown.subscribe().borrow();
    let store = state.store.ping();
    if let Err(e) = &store {
        tracing::warn!(error = %e, "readiness: the store does not answer");
    }
    let media = state.rooms.media().is_some_and(|m| m.handle.is_running())
        && METRICS
            .media_silent_for()
            .is_some_and(|d| d < MEDIA_SILENCE);
    let ok = |b: bool| if b { "ok" } else { "failing" };
    let body = format!(
        "store: {}\nmedia: {}\nshutting down: {}\n",
        ok(store.is_ok()),
        ok(media),
        if shutting_down { "yes" } else { "no" }
    );
    let status = if store.is_ok() && media && !shutting_down {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, [(header::CACHE_CONTROL, "no-store")], body).into_response()
}

/// Every counter in the Prometheus text format.
async fn metrics(State(state): State<Arc<AppState>>) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                "text/plain; version=0.0.4; charset=utf-8",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        metrics::render(&state),
    )
        .into_response()
}

/// The client's page: `index.html` of the built client, or a note that it is not built.
async fn join(State(state): State<Arc<AppState>>) -> Response {
    let index = match &state.config.static_dir {
        Some(dir) => tokio::fs::read_to_string(dir.join("index.html")).await.ok(),
        None => None,
    };
    let page = index.unwrap_or_else(|| NOT_BUILT.to_string());
    ([(header::CACHE_CONTROL, "no-store")], Html(page)).into_response()
}

const NOT_BUILT: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Podium</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><main><h1>Podium</h1>
<p>The Podium web client is not built on this server, so this page cannot open the room.
Build the client and start the server with <code>--static-dir</code> pointing at it.</p>
</main></body></html>
"#;

/// The origins that may connect besides the server's own: the configured list and the public URL.
pub fn allowed_origins(config: &Config) -> Vec<String> {
    let mut list = config.allowed_origins.clone();
    if let Some(url) = &config.public_url {
        if let Some(origin) = origin_of(url) {
            list.push(origin);
        }
    }
    list
}

/// `scheme://host[:port]` of a URL.
fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let host = rest.split(['/', '?', '#']).next()?;
    (!host.is_empty()).then(|| format!("{scheme}://{host}"))
}

/// May a WebSocket with this `Origin` connect? No origin (not a browser) may; the server's own
/// host may; so may any origin on the list (`*` allows all).
pub fn origin_allowed(origin: Option<&str>, host: Option<&str>, allowed: &[String]) -> bool {
    let Some(origin) = origin else {
        return true;
    };
    let origin = origin.trim_end_matches('/');
    if origin_listed(origin, allowed) {
        return true;
    }
    let origin_host = origin.split_once("://").map(|(_, h)| h);
    matches!((origin_host, host), (Some(o), Some(h)) if o.eq_ignore_ascii_case(h))
}

/// Is `origin` (without a trailing `/`) on the list? `*` lists every origin.
pub fn origin_listed(origin: &str, allowed: &[String]) -> bool {
    allowed
        .iter()
        .any(|a| a == "*" || a.eq_ignore_ascii_case(origin))
}

/// `frame-ancestors` lists who may embed the pages in an `<iframe>`.
fn content_security_policy(config: &Config) -> HeaderValue {
    let mut ancestors = vec!["'self'".to_string()];
    ancestors.extend(
        allowed_origins(config)
            .into_iter()
            .filter(|o| o == "*" || o.contains("://"))
            .filter(|o| {
                o.chars()
                    .all(|c| c.is_ascii_graphic() && c != ';' && c != ',')
            }),
    );
    HeaderValue::from_str(&format!("frame-ancestors {}", ancestors.join(" ")))
        .unwrap_or_else(|_| HeaderValue::from_static("frame-ancestors 'self'"))
}

/// Whether `dir` holds a built client.
pub fn has_client(dir: &Path) -> bool {
    dir.join("index.html").is_file()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Secret;

    #[test]
    fn origins_are_checked_against_host_and_list() {
        let list = vec!["https://moodle.example".to_string()];
        assert!(origin_allowed(None, Some("podium.example"), &list));
        assert!(origin_allowed(
            Some("https://podium.example"),
            Some("podium.example"),
            &list
        ));
        assert!(origin_allowed(
            Some("https://moodle.example"),
            Some("podium.example"),
            &list
        ));
        assert!(!origin_allowed(
            Some("https://evil.example"),
            Some("podium.example"),
            &list
        ));
        assert!(!origin_allowed(Some("null"), Some("podium.example"), &list));
        assert!(origin_allowed(
            Some("https://any.example"),
            None,
            &["*".to_string()]
        ));
    }

    #[test]
    fn csp_names_the_allowed_origins() {
        let mut config = Config::new(Secret::new("s"));
        config.allowed_origins = vec!["https://moodle.example".into()];
        config.public_url = Some("https://podium.example/base".into());
        assert_eq!(
            content_security_policy(&config),
            "frame-ancestors 'self' https://moodle.example https://podium.example"
        );
    }
}
