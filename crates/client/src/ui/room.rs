//! The room: header, the dark stage, the light side panel with tabs, the bottom toolbar, and the
//! stage pop-ups. On a phone: one portrait column with the stage as the first tab.

use leptos::prelude::*;
use podium_protocol::StageAccess;

use crate::app::{use_ctx, Tab};
use crate::ui::chat::Chat;
use crate::ui::dialogs::{GetReadyDialog, InvitationDialog};
use crate::ui::header::Header;
use crate::ui::manage::Manage;
use crate::ui::participants::Participants;
use crate::ui::polls::Polls;
use crate::ui::requests::Requests;
use crate::ui::sound::SoundPrompt;
use crate::ui::stage::Stage;
use crate::ui::toolbar::Toolbar;

#[component]
pub fn RoomView() -> impl IntoView {
    let ctx = use_ctx();
    let mobile = ctx.mobile;
    let stage = Memo::new(move |_| ctx.room.with(|r| r.as_ref().map(|r| r.you.stage)));
    let tab = ctx.tab;
    let hide_stage = move || mobile && tab.get() != Tab::Stage;
    let hide_side = move || mobile && tab.get() == Tab::Stage;
    view! {
        <div class="room">
            <Header/>
            <main class="room-body">
                {mobile.then(|| view! { <TabList/> })}
                <section class="stage-area" class=("hidden", hide_stage) aria-label=ctx.t("stage.label")>
                    <Stage/>
                    <SoundPrompt/>
                </section>
                <aside class="side" class=("hidden", hide_side)>
                    {(!mobile).then(|| view! { <TabList/> })}
                    <div class="tab-panel" role="tabpanel" id="podium-tabpanel" aria-labelledby=move || tab.get().dom_id()>
                        {move || match tab.get() {
                            Tab::Chat => view! { <Chat/> }.into_any(),
                            Tab::People => view! { <Participants/> }.into_any(),
                            Tab::Polls => view! { <Polls/> }.into_any(),
                            Tab::Requests => view! { <Requests/> }.into_any(),
                            Tab::Manage => view! { <Manage/> }.into_any(),
                            Tab::Stage => ().into_any(),
                        }}
                    </div>
                </aside>
            </main>
            <Toolbar/>
            {move || (stage.get() == Some(StageAccess::Invited) && !ctx.get_ready.get()).then(|| view! { <InvitationDialog/> })}
            {move || ctx.get_ready.get().then(|| view! { <GetReadyDialog/> })}
        </div>
    }
}

#[component]
fn TabList() -> impl IntoView {
    let ctx = use_ctx();
    let moderator = Memo::new(move |_| {
        ctx.room
            .with(|r| r.as_ref().map(|r| r.you.moderator).unwrap_or(false))
    });
    let people = Memo::new(move |_| {
        ctx.room
            .with(|r| r.as_ref().map(|r| r.participants.len()).unwrap_or(0))
    });
    let requests = Memo::new(move |_| {
        ctx.room
            .with(|r| r.as_ref().map(|r| r.requests.len()).unwrap_or(0))
    });
    let features = Memo::new(move |_| {
        ctx.room
            .with(|r| r.as_ref().map(|r| r.features).unwrap_or_default())
    });
    let tabs = move || {
        let features = features.get();
        let mut v = Vec::new();
        if ctx.mobile {
            v.push(Tab::Stage);
        }
        if features.chat {
            v.push(Tab::Chat);
        }
        v.push(Tab::People);
        if features.polls {
            v.push(Tab::Polls);
        }
        if moderator.get() {
            v.extend([Tab::Requests, Tab::Manage]);
        }
        v
    };
    let label = move |t: Tab| {
        ctx.t(match t {
            Tab::Stage => "tabs.stage",
            Tab::Chat => "tabs.chat",
            Tab::People => "tabs.participants",
            Tab::Polls => "tabs.polls",
            Tab::Requests => "tabs.requests",
            Tab::Manage => "tabs.manage",
        })
    };
    // Arrow keys move between tabs, as a tablist should.
    let on_key = move |ev: web_sys::KeyboardEvent| {
        let list = tabs();
        let Some(i) = list.iter().position(|t| *t == ctx.tab.get_untracked()) else {
            return;
        };
        let next = match ev.key().as_str() {
            "ArrowRight" => (i + 1) % list.len(),
            "ArrowLeft" => (i + list.len() - 1) % list.len(),
            "Home" => 0,
            "End" => list.len() - 1,
            _ => return,
        };
        ev.prevent_default();
        ctx.tab.set(list[next]);
        let id = list[next].dom_id();
        if let Some(el) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(id))
        {
            use wasm_bindgen::JsCast;
            if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
        }
    };
    // The tab of a feature the room has off is not offered: leave it if it was open.
    Effect::new(move |_| {
        let list = tabs();
        if !list.contains(&ctx.tab.get()) {
            if let Some(first) = list.first() {
                ctx.tab.set(*first);
            }
        }
    });
    view! {
        <div class="tabs" role="tablist" aria-label=ctx.t("tabs.label") on:keydown=on_key>
            {move || tabs().into_iter().map(|t| {
                let selected = move || ctx.tab.get() == t;
                let count = move || match t {
                    Tab::People => Some(people.get()),
                    Tab::Requests => Some(requests.get()).filter(|n| *n > 0),
                    _ => None,
                };
                view! {
                    <button class="tab" role="tab" id=t.dom_id() aria-controls="podium-tabpanel"
                        aria-selected=move || selected().to_string()
                        tabindex=move || if selected() { "0" } else { "-1" }
                        on:click=move |_| ctx.tab.set(t)>
                        <span>{label(t)}</span>
                        {move || count().map(|n| view! {
                            <span class="badge" class=("alert", t == Tab::Requests)>{ctx.i18n.with_value(|i| i.number(n as u64))}</span>
                        })}
                    </button>
                }
            }).collect_view()}
        </div>
    }
}
