//! A live video: a camera or the shared screen, from the connection or from this browser's own
//! devices. Muted (the sound plays apart from it), so browsers let it start at once. The
//! element stays; only a different stream is put in it, so a tile never flickers when
//! something else on the stage changes.

use leptos::html;
use leptos::prelude::*;
use web_sys::MediaStream;

use crate::app::use_ctx;
use crate::rtc::Feed;

#[component]
pub fn Video(
    feed: Feed,
    #[prop(into)] label: String,
    /// This person's own camera, shown as in a mirror.
    #[prop(optional)]
    mirror: bool,
) -> impl IntoView {
    let view = use_ctx().media.view;
    let el: NodeRef<html::Video> = NodeRef::new();
    Effect::new(move |shown: Option<Option<String>>| {
        let video = el.get()?;
        let next = view.with(|v| v.stream(feed));
        let id = next.as_ref().map(MediaStream::id);
        if shown.flatten() != id {
            video.set_src_object(next.as_ref());
            video.set_hidden(id.is_none());
        }
        id
    });
    view! {
        <video class="video" class=("mirror", mirror) hidden=true
            node_ref=el autoplay=true playsinline=true muted=true prop:muted=true aria-label=label></video>
    }
}
