//! Notices: toasts, the live regions screen readers hear, and the whole-page states
//! (connecting, session ended).

use leptos::prelude::*;

use crate::app::{use_ctx, ToastKind};
use crate::ui::icons::{Icon, Svg};

#[component]
pub fn Notices() -> impl IntoView {
    let ctx = use_ctx();
    view! {
        <div class="sr-only" role="status" aria-live="polite" aria-atomic="true">{move || ctx.polite.get()}</div>
        <div class="sr-only" role="alert" aria-live="assertive" aria-atomic="true">{move || ctx.assertive.get()}</div>
        <div class="toasts">
            // A handful of short-lived notices: redrawn whole, no keyed list needed.
            {move || ctx.toasts.get().into_iter().map(|toast| view! {
                <div class="toast" class=("error", toast.kind == ToastKind::Error)>
                    <span class="toast-text">{toast.text.clone()}</span>
                    <button class="icon-btn small" aria-label=ctx.t("notice.dismiss") title=ctx.t("notice.dismiss")
                        on:click=move |_| ctx.dismiss(toast.id)>
                        <Svg icon=Icon::Close/>
                    </button>
                </div>
            }).collect_view()}
        </div>
    }
}

#[component]
pub fn Connecting() -> impl IntoView {
    let ctx = use_ctx();
    view! {
        <main class="center-card" aria-busy="true">
            <div class="spinner" aria-hidden="true"></div>
            <p>{ctx.t("entry.connecting")}</p>
        </main>
    }
}

#[component]
pub fn Ended(message: String) -> impl IntoView {
    let ctx = use_ctx();
    let reload = move |_| {
        if let Some(w) = web_sys::window() {
            let _ = w.location().reload();
        }
    };
    view! {
        <main class="center-card ended">
            <h1>{ctx.t("conn.ended_title")}</h1>
            <p role="alert">{message}</p>
            <button class="btn" on:click=reload>{ctx.t("app.reload")}</button>
        </main>
    }
}
