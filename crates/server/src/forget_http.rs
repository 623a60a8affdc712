//! `POST /rooms/forget`: a site deletes one of its rooms and everything kept of it (the
//! Moodle activity was deleted). The request carries a signed JWT with `aud` = "podium-forget"
//! as `Authorization: Bearer …`, spent once (docs/deployment.md).

use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::clock::now_secs;
use crate::state::AppState;

pub async fn forget(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let Some(token) = token else {
        return (StatusCode::UNAUTHORIZED, "a signed request is required\n").into_response();
    };
    let claims = match state.auth.accept_forget(token.trim(), now_secs()) {
        Ok(claims) => claims,
        Err(code) => {
            tracing::info!(?code, "a request to delete a room was refused");
            return (StatusCode::UNAUTHORIZED, format!("{}\n", code.message())).into_response();
        }
    };
    match state.rooms.forget(&claims.room).await {
        Ok(kept) => {
            tracing::info!(room = %claims.room, site = %claims.iss, kept, "room deleted");
            let body = if kept { "deleted\n" } else { "no such room\n" };
            (StatusCode::OK, body).into_response()
        }
        Err(e) => {
            tracing::error!(room = %claims.room, error = %e, "could not delete the room");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "the room could not be deleted; try again\n",
            )
                .into_response()
        }
    }
}
