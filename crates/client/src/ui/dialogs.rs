//! Modal windows: a focus-trapping dialog, the invitation pop-up and *Get ready to join the stage*.

use leptos::html::Div;
use leptos::prelude::*;
use podium_protocol::{ClientMsg, StageAccess};
use wasm_bindgen::JsCast;

use crate::app::use_ctx;
use crate::ui::set_devices::DevicesPanel;
use crate::ui::uid;

const FOCUSABLE: &str =
    "button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex='-1'])";

fn focusables(root: &web_sys::Element) -> Vec<web_sys::HtmlElement> {
    let mut out = Vec::new();
    if let Ok(list) = root.query_selector_all(FOCUSABLE) {
        for i in 0..list.length() {
            if let Some(el) = list
                .item(i)
                .and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
            {
                out.push(el);
            }
        }
    }
    out
}

fn active_element() -> Option<web_sys::Element> {
    web_sys::window()?.document()?.active_element()
}

/// A modal dialog: focus moves in when it opens, Tab stays inside, Escape closes it (when it can
/// be closed), and focus returns where it was when it closes.
#[component]
pub fn Modal(
    title: String,
    #[prop(optional)] on_close: Option<Callback<()>>,
    #[prop(optional)] alert: bool,
    #[prop(optional, into)] class: String,
    children: Children,
) -> impl IntoView {
    let title_id = uid("dialog-title");
    let return_mark = uid("return");
    if let Some(prev) = active_element() {
        let _ = prev.set_attribute("data-podium-return", &return_mark);
    }
    let title_ref = title_id.clone();
    let panel: NodeRef<Div> = NodeRef::new();
    Effect::new(move |_| {
        if let Some(el) = panel.get() {
            request_animation_frame(move || {
                let autofocus = el.query_selector("[data-autofocus]").ok().flatten();
                match autofocus.and_then(|a| a.dyn_into::<web_sys::HtmlElement>().ok()) {
                    Some(a) => {
                        let _ = a.focus();
                    }
                    None => match focusables(&el).into_iter().next() {
                        Some(first) => {
                            let _ = first.focus();
                        }
                        None => {
                            let _ = el.focus();
                        }
                    },
                }
            });
        }
    });
    let mark = return_mark.clone();
    on_cleanup(move || {
        let selector = format!("[data-podium-return='{mark}']");
        let doc = web_sys::window().and_then(|w| w.document());
        if let Some(prev) = doc.and_then(|d| d.query_selector(&selector).ok().flatten()) {
            let _ = prev.remove_attribute("data-podium-return");
            if let Ok(prev) = prev.dyn_into::<web_sys::HtmlElement>() {
                let _ = prev.focus();
            }
        }
    });
    let on_key = move |ev: web_sys::KeyboardEvent| {
        let key = ev.key();
        if key == "Escape" {
            if let Some(close) = on_close {
                ev.prevent_default();
                close.run(());
            }
        } else if key == "Tab" {
            let Some(el) = panel.get() else { return };
            let items = focusables(&el);
            let (Some(first), Some(last)) = (items.first(), items.last()) else {
                ev.prevent_default();
                return;
            };
            let active = active_element();
            let at = |x: &web_sys::HtmlElement| {
                active
                    .as_ref()
                    .map(|a| a == x.unchecked_ref::<web_sys::Element>())
                    .unwrap_or(false)
            };
            let inside = active
                .as_ref()
                .map(|a| el.contains(Some(a)))
                .unwrap_or(false);
            if ev.shift_key() && (at(first) || !inside) {
                ev.prevent_default();
                let _ = last.focus();
            } else if !ev.shift_key() && (at(last) || !inside) {
                ev.prevent_default();
                let _ = first.focus();
            }
        }
    };
    view! {
        <div class="modal-backdrop">
            <div
                class=format!("modal {class}")
                role=if alert { "alertdialog" } else { "dialog" }
                aria-modal="true"
                aria-labelledby=title_ref
                tabindex="-1"
                node_ref=panel
                on:keydown=on_key
            >
                <h2 id=title_id class="modal-title">{title}</h2>
                {children()}
            </div>
        </div>
    }
}

/// The pop-up for an invitation to the stage (a moderator's, or an approved request).
#[component]
pub fn InvitationDialog() -> impl IntoView {
    let ctx = use_ctx();
    let text = ctx.room.with_untracked(|r| match r {
        Some(r) if r.approved => ctx.t("stage.approved"),
        Some(r) => match &r.invited_by {
            Some(by) => ctx.tf("stage.invited_by", &[("name", by)]),
            None => ctx.t("stage.invited"),
        },
        None => ctx.t("stage.invited"),
    });
    view! {
        <Modal title=ctx.t("stage.invited_title") alert=true class="invite-dialog">
            <p class="modal-text">{text}</p>
            <div class="modal-actions">
                <button class="btn" on:click=move |_| ctx.send(ClientMsg::DeclineInvitation)>{ctx.t("stage.decline")}</button>
                <button class="btn primary" data-autofocus="" on:click=move |_| ctx.get_ready.set(true)>
                    {ctx.t("stage.join_the_stage")}
                </button>
            </div>
        </Modal>
    }
}

/// *Get ready to join the stage*: the devices, then **Join stage**.
#[component]
pub fn GetReadyDialog() -> impl IntoView {
    let ctx = use_ctx();
    let choice = RwSignal::new((true, true));
    let close = Callback::new(move |_| ctx.get_ready.set(false));
    let join = move |_| {
        let (mic, camera) = choice.get_untracked();
        ctx.want_media.set(Some((mic, camera)));
        let direct = ctx.room.with_untracked(|r| {
            r.as_ref()
                .map(|r| matches!(r.you.stage, StageAccess::Direct | StageAccess::Invited))
                .unwrap_or(false)
        });
        if direct {
            ctx.send(ClientMsg::JoinStage);
        }
    };
    view! {
        <Modal title=ctx.t("stage.get_ready") on_close=close class="get-ready">
            <p class="modal-text">{ctx.t("stage.get_ready_intro")}</p>
            <DevicesPanel auto_start=true choice=choice show_choice=true/>
            <div class="modal-actions">
                <button class="btn" on:click=move |_| close.run(())>{ctx.t("polls.cancel")}</button>
                <button class="btn primary" on:click=join>{ctx.t("stage.join_stage")}</button>
            </div>
        </Modal>
    }
}

/// The devices, changed while on stage: a new camera or microphone replaces the one being sent
/// without leaving the stage.
#[component]
pub fn DevicesDialog(on_close: Callback<()>) -> impl IntoView {
    let ctx = use_ctx();
    let choice = RwSignal::new((true, true));
    view! {
        <Modal title=ctx.t("toolbar.devices") on_close=on_close class="devices-dialog">
            <DevicesPanel auto_start=true choice=choice/>
            <div class="modal-actions">
                <button class="btn primary" on:click=move |_| on_close.run(())>{ctx.t("devices.done")}</button>
            </div>
        </Modal>
    }
}
