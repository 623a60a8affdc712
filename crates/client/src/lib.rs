//! Podium's room in the browser: a Leptos app that mounts into any element a host page gives it,
//! renders the server's room state and sends intents. It never decides a room rule itself.

pub mod app;
pub mod config;
pub mod i18n;
pub mod media;
pub mod net;
pub mod rtc;
pub mod state;
pub mod ui;
pub mod wire;

use wasm_bindgen::prelude::*;

/// Mounts Podium into `element`. Its configuration comes from the element's `data-*` attributes
/// (`data-ws-url`, `data-token`, `data-invite`, `data-strings`, `data-mobile`, `data-locale`) or a
/// `<script type="application/json">` inside it.
#[wasm_bindgen]
pub fn mount(element: web_sys::HtmlElement) {
    app::mount(element);
}

/// Runs when the module loads: mounts into `#podium` if the page has one.
#[wasm_bindgen(start)]
pub fn start() {
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    app::auto_mount();
}
