//! The top bar: the session's name, the connection state, who you are.

use leptos::prelude::*;

use crate::app::use_ctx;
use crate::net::Conn;

#[component]
pub fn Header() -> impl IntoView {
    let ctx = use_ctx();
    let title = Memo::new(move |_| {
        ctx.room
            .with(|r| r.as_ref().and_then(|r| r.room_title.clone()))
    });
    let you = Memo::new(move |_| {
        ctx.room
            .with(|r| r.as_ref().map(|r| (r.you.name.clone(), r.you.role)))
    });
    let conn = ctx.net.conn;
    let status = move || {
        let (class, key) = match conn.get() {
            Conn::Connecting => ("pending", "conn.connecting"),
            Conn::Connected => ("ok", "conn.connected"),
            Conn::Reconnecting => ("pending", "conn.reconnecting"),
            Conn::Offline => ("bad", "conn.offline"),
            Conn::Closed => ("bad", "conn.closed"),
        };
        (class, ctx.t(key))
    };
    view! {
        <header class="topbar">
            <div class="brand" aria-hidden="true">{ctx.t("app.name")}</div>
            <h1 class="room-title">{move || title.get().unwrap_or_else(|| ctx.t("app.untitled"))}</h1>
            <div class="conn" role="status" aria-live="polite">
                <span class=move || format!("dot {}", status().0) aria-hidden="true"></span>
                <span class="conn-text">{move || status().1}</span>
            </div>
            {move || you.get().map(|(name, role)| view! {
                <div class="me">
                    <span class="me-name">{name}</span>
                    <span class="role-badge">{ctx.i18n.with_value(|i| i.role(role))}</span>
                </div>
            })}
        </header>
    }
}
