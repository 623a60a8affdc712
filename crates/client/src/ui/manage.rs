//! Moderators: stage access, invitation links, and people removed from the session.

use leptos::prelude::*;
use podium_protocol::{ClientMsg, StageMode};

use crate::app::use_ctx;
use crate::i18n::wire_name;
use crate::ui::invite_links::InviteLinks;
use crate::ui::uid;

#[component]
pub fn Manage() -> impl IntoView {
    let ctx = use_ctx();
    let mode = Memo::new(move |_| {
        ctx.room
            .with(|r| r.as_ref().map(|r| r.stage_mode).unwrap_or_default())
    });
    let banned = Memo::new(move |_| {
        ctx.room
            .with(|r| r.as_ref().map(|r| r.banned.clone()).unwrap_or_default())
    });
    let group = uid("mode");
    view! {
        <div class="panel manage">
            <fieldset class="modes">
                <legend class="section-title">{ctx.t("manage.stage_mode")}</legend>
                {[StageMode::Open, StageMode::Request, StageMode::Invite].into_iter().map(|m| {
                    let group = group.clone();
                    view! {
                        <label class="radio">
                            <input type="radio" name=group value=wire_name(&m) prop:checked=move || mode.get() == m
                                on:change=move |_| ctx.send(ClientMsg::SetStageMode { mode: m })/>
                            <span>{ctx.i18n.with_value(|i| i.mode(m))}</span>
                        </label>
                    }
                }).collect_view()}
            </fieldset>
            <InviteLinks/>
            {move || (!banned.with(Vec::is_empty)).then(|| view! {
                <section class="banned">
                    <h2 class="section-title">{ctx.t("banned.title")}</h2>
                    <ul class="people">
                        {banned.get().into_iter().map(|b| {
                            let identity = b.identity.clone();
                            view! {
                                <li class="person">
                                    <span class="person-main"><span class="person-name">{b.name.clone()}</span></span>
                                    <button class="btn small" aria-label=ctx.tf("banned.lift_name", &[("name", &b.name)])
                                        on:click=move |_| ctx.send(ClientMsg::LiftRemoval { identity: identity.clone() })>
                                        {ctx.t("banned.lift")}
                                    </button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </section>
            })}
        </div>
    }
}
