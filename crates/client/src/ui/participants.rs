//! **Participants**: **On stage** and **Viewers**, with hand (and its place in line), microphone
//! and camera; moderators get each person's actions.

use leptos::prelude::*;
use podium_protocol::{ClientMsg, ParticipantView, Role};
use wasm_bindgen::JsCast;

use crate::app::use_ctx;
use crate::ui::icons::{Icon, Svg};
use crate::ui::{hue, initials};

/// One row's data; the whole tuple is the key, so a change redraws just that row.
#[derive(Clone, PartialEq, Eq, Hash)]
struct Row {
    p: ParticipantKey,
    place: Option<usize>,
    invited: bool,
    /// The name in lower case, to sort and search by.
    folded: String,
}

/// Lower case by the browser's rules (any script, not just ASCII), without carrying Unicode's
/// case tables in the bundle.
fn fold(s: &str) -> String {
    js_sys::JsString::from(s).to_lower_case().into()
}

#[derive(Clone, PartialEq, Eq, Hash)]
struct ParticipantKey {
    id: u64,
    name: String,
    role: Role,
    on_stage: bool,
    mic: bool,
    camera: bool,
    connected: bool,
    mobile: bool,
    hand: bool,
}

impl From<&ParticipantView> for ParticipantKey {
    fn from(p: &ParticipantView) -> Self {
        ParticipantKey {
            id: p.id,
            name: p.name.clone(),
            role: p.role,
            on_stage: p.on_stage,
            mic: p.mic,
            camera: p.camera,
            connected: p.connected,
            mobile: p.mobile,
            hand: p.hand.is_some(),
        }
    }
}

/// Viewers listed at once. A lecture's thousands would be a list no one scrolls and a page that
/// redraws thousands of rows; past this many, **Find a person** narrows the list.
pub const VIEWERS_SHOWN: usize = 100;

#[component]
pub fn Participants() -> impl IntoView {
    let ctx = use_ctx();
    let moderator = Memo::new(move |_| {
        ctx.room
            .with(|r| r.as_ref().map(|r| r.you.moderator).unwrap_or(false))
    });
    // Worked out again only when people change, not with every chat message. (`get`, not
    // `track`: tracking alone leaves the version memo stale, and the list missed people.)
    let rows = Memo::new(move |_| {
        let _version = ctx.people.get();
        let invited = ctx.invited.get();
        ctx.room.with_untracked(|r| {
            let Some(r) = r else {
                return (Vec::new(), Vec::new());
            };
            let order = r.hand_order();
            let row = |p: &ParticipantView| Row {
                p: p.into(),
                place: order.iter().find(|(id, _)| *id == p.id).map(|(_, n)| *n),
                invited: invited.contains(&p.id),
                folded: fold(&p.name),
            };
            let (mut stage, mut viewers): (Vec<Row>, Vec<Row>) = r
                .participants
                .iter()
                .map(row)
                .partition(|row| row.p.on_stage);
            // Raised hands first, in the order raised; then by name.
            let sort = |v: &mut Vec<Row>| {
                v.sort_by(|a, b| {
                    (a.place.unwrap_or(usize::MAX), &a.folded)
                        .cmp(&(b.place.unwrap_or(usize::MAX), &b.folded))
                })
            };
            sort(&mut stage);
            sort(&mut viewers);
            (stage, viewers)
        })
    });
    let query = RwSignal::new(String::new());
    let stage = Memo::new(move |_| rows.with(|(s, _)| s.clone()));
    let viewer_count = Memo::new(move |_| rows.with(|(_, v)| v.len()));
    // Whether the room is large enough for a search box: a memo, so arrivals and departures
    // that leave it so do not make the box again.
    let searchable = Memo::new(move |_| viewer_count.get() > VIEWERS_SHOWN);
    // The viewers that match the search, the first VIEWERS_SHOWN of them, and how many more.
    let found = Memo::new(move |_| {
        let q = query.with(|q| fold(q.trim()));
        rows.with(|(_, v)| {
            let mut matching = v.iter().filter(|r| q.is_empty() || r.folded.contains(&q));
            let shown: Vec<Row> = matching.by_ref().take(VIEWERS_SHOWN).cloned().collect();
            (shown, matching.count())
        })
    });
    let viewers = Memo::new(move |_| found.with(|(shown, _)| shown.clone()));
    let more = move || found.with(|(_, more)| *more);
    let any_hand = move || rows.with(|(s, v)| s.iter().chain(v.iter()).any(|r| r.place.is_some()));
    let count_label = move |n: usize| ctx.i18n.with_value(|i| i.number(n as u64));
    view! {
        <div class="panel participants">
            {move || (moderator.get() && any_hand()).then(|| view! {
                <div class="panel-actions">
                    <button class="btn small" on:click=move |_| ctx.send(ClientMsg::LowerAllHands)>{ctx.t("people.lower_all_hands")}</button>
                </div>
            })}
            <section class="people-section" aria-labelledby="podium-people-stage">
                <h2 class="section-title" id="podium-people-stage">
                    {ctx.t("people.on_stage")}
                    <span class="count">{move || count_label(stage.with(Vec::len))}</span>
                </h2>
                <ul class="people">
                    <For each=move || stage.get() key=|r| r.clone() let:row>
                        <PersonRow row=row moderator=moderator/>
                    </For>
                </ul>
                {move || stage.with(Vec::is_empty).then(|| view! { <p class="empty small">{ctx.t("people.none")}</p> })}
            </section>
            <section class="people-section" aria-labelledby="podium-people-viewers">
                <h2 class="section-title" id="podium-people-viewers">
                    {ctx.t("people.viewers")}
                    <span class="count">{move || count_label(viewer_count.get())}</span>
                </h2>
                {move || searchable.get().then(|| view! {
                    <input class="find" type="search" aria-label=ctx.t("people.find")
                        placeholder=ctx.t("people.find")
                        prop:value=move || query.get()
                        on:input=move |ev| query.set(event_target_value(&ev))/>
                })}
                <ul class="people">
                    <For each=move || viewers.get() key=|r| r.clone() let:row>
                        <PersonRow row=row moderator=moderator/>
                    </For>
                </ul>
                {move || (more() > 0).then(|| view! {
                    <p class="empty small more">{ctx.tf("people.more", &[("count", &count_label(more()))])}</p>
                })}
                {move || (viewer_count.get() == 0).then(|| view! { <p class="empty small">{ctx.t("people.none")}</p> })}
                {move || (viewer_count.get() > 0 && viewers.with(Vec::is_empty)).then(|| view! {
                    <p class="empty small">{ctx.t("people.no_match")}</p>
                })}
            </section>
        </div>
    }
}

fn close_menu(ev: &web_sys::MouseEvent) {
    let details = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|e| e.closest("details").ok().flatten());
    if let Some(d) = details {
        let _ = d.remove_attribute("open");
        if let Some(summary) = d
            .query_selector("summary")
            .ok()
            .flatten()
            .and_then(|s| s.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = summary.focus();
        }
    }
}

#[component]
fn PersonRow(row: Row, moderator: Memo<bool>) -> impl IntoView {
    let ctx = use_ctx();
    let p = row.p.clone();
    let id = p.id;
    let mine = ctx
        .room
        .with_untracked(|r| r.as_ref().map(|r| r.you.participant == id).unwrap_or(false));
    let you_moderator = moderator.get_untracked();
    let style = format!("--hue:{}", hue(&p.name));
    let hand_label = row.place.map(|n| {
        ctx.tf(
            "people.hand",
            &[("place", &ctx.i18n.with_value(|i| i.number(n as u64)))],
        )
    });
    let mic_label = ctx.t(if p.mic {
        "people.mic_on"
    } else {
        "people.mic_off"
    });
    let cam_label = ctx.t(if p.camera {
        "people.camera_on"
    } else {
        "people.camera_off"
    });
    let act = move |ev: web_sys::MouseEvent, msg: ClientMsg| {
        close_menu(&ev);
        ctx.send(msg);
    };
    let name = p.name.clone();
    let menu = (you_moderator && !mine).then(|| {
        let name2 = name.clone();
        let remove = move |ev: web_sys::MouseEvent| {
            close_menu(&ev);
            let question = ctx.tf("people.remove_confirm", &[("name", &name2)]);
            let ok = web_sys::window().and_then(|w| w.confirm_with_message(&question).ok()).unwrap_or(false);
            if ok {
                ctx.send(ClientMsg::RemoveFromSession { participant: id });
            }
        };
        let viewer_invite = (!p.on_stage).then(|| {
            if row.invited {
                view! {
                    <button role="menuitem" on:click=move |ev| {
                        act(ev, ClientMsg::CancelInvitation { participant: id });
                    }>{ctx.t("people.cancel_invite")}</button>
                }
                .into_any()
            } else {
                view! {
                    <button role="menuitem" on:click=move |ev| {
                        act(ev, ClientMsg::InviteToStage { participant: id });
                    }>{ctx.t("people.invite")}</button>
                }
                .into_any()
            }
        });
        view! {
            <details class="menu">
                <summary class="icon-btn" aria-label=ctx.tf("people.actions", &[("name", &name)]) title=ctx.tf("people.actions", &[("name", &name)])>
                    <Svg icon=Icon::More/>
                </summary>
                <div class="menu-items" role="menu">
                    {viewer_invite}
                    {p.on_stage.then(|| view! {
                        <button role="menuitem" on:click=move |ev| act(ev, ClientMsg::RemoveFromStage { participant: id })>
                            {ctx.t("people.remove_from_stage")}
                        </button>
                    })}
                    {(p.on_stage && p.mic).then(|| view! {
                        <button role="menuitem" on:click=move |ev| act(ev, ClientMsg::Mute { participant: id })>{ctx.t("people.mute")}</button>
                    })}
                    {p.hand.then(|| view! {
                        <button role="menuitem" on:click=move |ev| act(ev, ClientMsg::LowerHandOf { participant: id })>{ctx.t("people.lower_hand")}</button>
                    })}
                    {(p.role != Role::Moderator).then(|| view! {
                        <button role="menuitem" class="danger" on:click=remove>{ctx.t("people.remove")}</button>
                    })}
                </div>
            </details>
        }
    });
    view! {
        <li class="person" class=("away", !p.connected) data-participant=id.to_string()>
            <span class="avatar" style=style aria-hidden="true">{initials(&p.name)}</span>
            <span class="person-main">
                <span class="person-name">{p.name.clone()}{mine.then(|| format!(" {}", ctx.t("people.you")))}</span>
                <span class="person-meta">
                    {(p.role != Role::Attendee).then(|| view! { <span class="role-badge small">{ctx.i18n.with_value(|i| i.role(p.role))}</span> })}
                    {(!p.connected).then(|| view! { <span class="muted">{ctx.t("people.away")}</span> })}
                    {p.mobile.then(|| view! { <span class="muted">{ctx.t("people.phone")}</span> })}
                </span>
            </span>
            {hand_label.map(|label| { let title = label.clone(); view! {
                <span class="hand" title=title>
                    <Svg icon=Icon::Hand/>
                    <span aria-hidden="true">{row.place.unwrap_or(0)}</span>
                    <span class="sr-only">{label}</span>
                </span>
            }})}
            {p.on_stage.then(|| view! {
                <span class="state" class=("off", !p.mic) title=mic_label.clone()>
                    <Svg icon=if p.mic { Icon::Mic } else { Icon::MicOff }/><span class="sr-only">{mic_label.clone()}</span>
                </span>
                <span class="state" class=("off", !p.camera) title=cam_label.clone()>
                    <Svg icon=if p.camera { Icon::Camera } else { Icon::CameraOff }/><span class="sr-only">{cam_label.clone()}</span>
                </span>
            })}
            {menu}
        </li>
    }
}
