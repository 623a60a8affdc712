//! Reactions: a picker on the toolbar, and short bursts over the stage that everyone sees.

use leptos::html::Div;
use leptos::prelude::*;
use podium_protocol::{ClientMsg, Reaction};
use wasm_bindgen::JsCast;

use crate::app::use_ctx;
use crate::ui::icons::{Icon, Svg};
use crate::ui::uid;

#[component]
pub fn ReactionPicker() -> impl IntoView {
    let ctx = use_ctx();
    let open = RwSignal::new(false);
    let menu_id = uid("reactions");
    let menu: NodeRef<Div> = NodeRef::new();
    let trigger_id = uid("reactions-btn");
    let tid = trigger_id.clone();
    let close = move || {
        open.set(false);
        if let Some(el) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(&tid))
        {
            if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
        }
    };
    let close2 = close.clone();
    Effect::new(move |_| {
        if open.get() {
            if let Some(el) = menu.get() {
                request_animation_frame(move || {
                    if let Some(b) = el
                        .query_selector("button")
                        .ok()
                        .flatten()
                        .and_then(|b| b.dyn_into::<web_sys::HtmlElement>().ok())
                    {
                        let _ = b.focus();
                    }
                });
            }
        }
    });
    let on_key = move |ev: web_sys::KeyboardEvent| {
        if ev.key() == "Escape" {
            ev.prevent_default();
            close2();
        }
    };
    view! {
        <div class="popover-wrap">
            <button class="tb-btn" id=trigger_id aria-expanded=move || open.get().to_string() aria-controls=menu_id.clone()
                on:click=move |_| open.update(|o| *o = !*o)>
                <Svg icon=Icon::Smile/><span>{ctx.t("toolbar.reactions")}</span>
            </button>
            <div class="popover reactions" id=menu_id role="group" aria-label=ctx.t("toolbar.reactions")
                class=("hidden", move || !open.get()) node_ref=menu on:keydown=on_key>
                {Reaction::ALL.into_iter().map(|r| {
                    let name = ctx.i18n.with_value(|i| i.reaction(r));
                    let close = close.clone();
                    view! {
                        <button class="emoji-btn" aria-label=name.clone() title=name
                            on:click=move |_| { ctx.send(ClientMsg::React { reaction: r }); close(); }>
                            {r.emoji()}
                        </button>
                    }
                }).collect_view()}
            </div>
        </div>
    }
}

/// Reactions rising over the stage for a few seconds.
#[component]
pub fn Bursts() -> impl IntoView {
    let ctx = use_ctx();
    view! {
        <div class="bursts" aria-hidden="true">
            // Keyed by id: a burst already rising is not restarted when another arrives.
            <For each=move || ctx.bursts.get() key=|b| b.id let:b>
                <div class="burst" style=format!("left:{}%", b.left)>
                    <span class="burst-emoji">{b.emoji}</span>
                    <span class="burst-name">{b.label.clone()}</span>
                </div>
            </For>
        </div>
    }
}
