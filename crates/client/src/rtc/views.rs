//! How large each incoming video is shown, for the server to forward the simulcast layer that
//! fills it: read off the page now and then (a camera on its person's tile, a screen in the
//! screen view), sent when it changed.

use podium_protocol::{MediaKind, TrackView};
use wasm_bindgen::JsCast;
use web_sys::{Document, HtmlElement};

use super::Remote;

/// Sizes are rounded up to this many device pixels, so a tile that moves by a pixel or two
/// does not send anything.
const STEP: f64 = 32.0;

/// Every incoming video with the size it is shown at now (`0×0`: not on screen).
pub fn measure(remote: &[Remote]) -> Vec<TrackView> {
    let window = web_sys::window();
    let scale = window.as_ref().map_or(1.0, |w| w.device_pixel_ratio());
    let document = window.and_then(|w| w.document());
    let size = |css: i32| ((f64::from(css) * scale / STEP).ceil() * STEP) as u16;
    remote
        .iter()
        .filter(|r| r.kind != MediaKind::Audio)
        .map(|r| {
            let (width, height) = document
                .as_ref()
                .and_then(|d| shown_at(d, r))
                .map_or((0, 0), |(w, h)| (size(w), size(h)));
            TrackView {
                mid: r.mid.clone(),
                width,
                height,
            }
        })
        .collect()
}

/// The CSS size of the element showing `r`, if one is laid out.
fn shown_at(document: &Document, r: &Remote) -> Option<(i32, i32)> {
    let selector = match r.kind {
        MediaKind::Screen => ".screen:not(.hidden) video".to_string(),
        _ => format!(".tile[data-participant=\"{}\"] video", r.participant),
    };
    let el: HtmlElement = document.query_selector(&selector).ok()??.dyn_into().ok()?;
    Some((el.client_width(), el.client_height()))
}
