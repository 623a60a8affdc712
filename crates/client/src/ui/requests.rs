//! Moderators: the queue of requests to join the stage, oldest first, with approve and decline.

use leptos::prelude::*;
use podium_protocol::ClientMsg;

use crate::app::use_ctx;
use crate::i18n::format_time;

#[component]
pub fn Requests() -> impl IntoView {
    let ctx = use_ctx();
    let requests = Memo::new(move |_| {
        ctx.room
            .with(|r| r.as_ref().map(|r| r.requests.clone()).unwrap_or_default())
    });
    let locale = ctx.i18n.with_value(|i| i.locale().map(str::to_string));
    view! {
        <div class="panel requests">
            <h2 class="section-title">{ctx.t("requests.title")}</h2>
            <ul class="request-list">
                <For each=move || requests.get() key=|r| (r.participant, r.at) let:req>
                    {
                        let id = req.participant;
                        let time = format_time(req.at, locale.as_deref(), false);
                        view! {
                            <li class="request">
                                <span class="person-main">
                                    <span class="person-name">{req.name.clone()}</span>
                                    <span class="muted">{ctx.tf("requests.since", &[("time", &time)])}</span>
                                </span>
                                <button class="btn small" aria-label=ctx.tf("requests.decline_name", &[("name", &req.name)])
                                    on:click=move |_| ctx.send(ClientMsg::DeclineRequest { participant: id })>
                                    {ctx.t("requests.decline")}
                                </button>
                                <button class="btn small primary" aria-label=ctx.tf("requests.approve_name", &[("name", &req.name)])
                                    on:click=move |_| ctx.send(ClientMsg::ApproveRequest { participant: id })>
                                    {ctx.t("requests.approve")}
                                </button>
                            </li>
                        }
                    }
                </For>
            </ul>
            {move || requests.with(Vec::is_empty).then(|| view! { <p class="empty">{ctx.t("requests.empty")}</p> })}
        </div>
    }
}
