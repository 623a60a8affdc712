//! `demo` mode: a front page with dev-only links into the demo room. Each link mints a fresh
//! (single-use) token and redirects to `/join#token=…`, so the token stays in the browser.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use podium_protocol::{Claims, Role, StageMode, TOKEN_AUDIENCE};
use serde::Deserialize;

use crate::auth::mint_token;
use crate::cli::parse_role;
use crate::clock::now_secs;
use crate::config::DemoConfig;
use crate::session::{display_name, random_id};
use crate::state::AppState;

/// Lifetime of a demo token: long enough to load the page.
pub const DEMO_TOKEN_TTL: u64 = 120;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/", get(front_page))
        .route("/demo/enter", get(enter))
}

async fn front_page(State(state): State<Arc<AppState>>) -> Response {
    let title = state
        .config
        .demo
        .as_ref()
        .map(|d| d.title.clone())
        .unwrap_or_default();
    let page = FRONT_PAGE.replace("{title}", &escape(&title));
    ([(header::CACHE_CONTROL, "no-store")], Html(page)).into_response()
}

#[derive(Deserialize)]
struct EnterQuery {
    role: String,
    name: Option<String>,
}

async fn enter(State(state): State<Arc<AppState>>, Query(q): Query<EnterQuery>) -> Response {
    let Some(demo) = &state.config.demo else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let Ok(role) = parse_role(&q.role) else {
        return (
            StatusCode::BAD_REQUEST,
            "role: moderator, presenter or attendee",
        )
            .into_response();
    };
    let name = q
        .name
        .as_deref()
        .map(display_name)
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| default_name(role).to_string());
    let claims = demo_claims(demo, role, &name, now_secs());
    match mint_token(state.config.secret.bytes(), &claims) {
        Ok(token) => (
            [(header::CACHE_CONTROL, "no-store")],
            Redirect::to(&format!("/join#token={token}")),
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "could not sign a demo token");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// A fresh demo token's claims: a new person each time.
pub fn demo_claims(demo: &DemoConfig, role: Role, name: &str, now: u64) -> Claims {
    Claims {
        iss: "demo".to_string(),
        aud: TOKEN_AUDIENCE.to_string(),
        sub: random_id(),
        name: name.to_string(),
        role,
        room: demo.room.clone(),
        iat: now,
        exp: now + DEMO_TOKEN_TTL,
        jti: random_id(),
        nbf: None,
        picture: None,
        locale: None,
        room_title: Some(demo.title.clone()),
        stage_mode: Some(StageMode::Request),
        features: None,
        callback: None,
    }
}

fn default_name(role: Role) -> &'static str {
    match role {
        Role::Moderator => "Demo moderator",
        Role::Presenter => "Demo presenter",
        Role::Attendee => "Demo attendee",
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

const FRONT_PAGE: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;line-height:1.5}
.dev{background:#fff3cd;border:1px solid #e0c060;padding:.5rem 1rem;border-radius:.25rem}
li{margin:.5rem 0}</style></head>
<body><main>
<h1>{title}</h1>
<p class="dev"><strong>Development only.</strong> These links mint test tokens for anyone who opens
them. A real deployment enters rooms from Moodle with signed tokens.</p>
<h2>Enter the demo room</h2>
<ul>
<li><a href="/demo/enter?role=moderator">As a moderator</a> (runs the room)</li>
<li><a href="/demo/enter?role=presenter">As a presenter</a> (may join the stage directly)</li>
<li><a href="/demo/enter?role=attendee">As an attendee</a> (a viewer; asks to join the stage)</li>
</ul>
<form action="/demo/enter" method="get">
<label>Name <input name="name" maxlength="64" required></label>
<label>Role <select name="role"><option value="attendee">attendee</option>
<option value="presenter">presenter</option><option value="moderator">moderator</option></select></label>
<button type="submit">Enter</button>
</form>
<p>Each link enters as a new person. Open several windows to see the room from each side.</p>
</main></body></html>
"#;
