//! Moderators: make, list, copy and revoke invitation links (enter as presenter or moderator).

use leptos::prelude::*;
use podium_protocol::{ClientMsg, Role};

use crate::app::{use_ctx, ToastKind};
use crate::i18n::format_time;
use crate::ui::uid;

#[component]
pub fn InviteLinks() -> impl IntoView {
    let ctx = use_ctx();
    let links = Memo::new(move |_| {
        ctx.room.with(|r| {
            r.as_ref()
                .map(|r| r.invite_links.clone())
                .unwrap_or_default()
        })
    });
    let role = RwSignal::new(Role::Presenter);
    let expiry = RwSignal::new(86_400u64);
    let role_id = uid("link-role");
    let exp_id = uid("link-exp");
    let locale = ctx.i18n.with_value(|i| i.locale().map(str::to_string));
    let base = ctx.join_url.get_value();
    let create = move |ev: web_sys::SubmitEvent| {
        ev.prevent_default();
        ctx.send(ClientMsg::CreateInviteLink {
            role: role.get_untracked(),
            expires_in_secs: expiry.get_untracked(),
        });
    };
    view! {
        <section class="links">
            <h2 class="section-title">{ctx.t("links.title")}</h2>
            <p class="hint">{ctx.t("links.intro")}</p>
            <form class="link-form" on:submit=create>
                <div class="field">
                    <label for=role_id.clone()>{ctx.t("links.role")}</label>
                    <select id=role_id on:change=move |ev| role.set(if event_target_value(&ev) == "moderator" { Role::Moderator } else { Role::Presenter })>
                        <option value="presenter">{ctx.t("role.presenter")}</option>
                        <option value="moderator">{ctx.t("role.moderator")}</option>
                    </select>
                </div>
                <div class="field">
                    <label for=exp_id.clone()>{ctx.t("links.expires_in")}</label>
                    <select id=exp_id on:change=move |ev| expiry.set(event_target_value(&ev).parse().unwrap_or(86_400))>
                        <option value="3600">{ctx.t("links.hour")}</option>
                        <option value="86400" selected=true>{ctx.t("links.day")}</option>
                        <option value="604800">{ctx.t("links.week")}</option>
                        <option value="2592000">{ctx.t("links.month")}</option>
                    </select>
                </div>
                <button class="btn primary" type="submit">{ctx.t("links.create")}</button>
            </form>
            <ul class="link-list">
                <For each=move || { let mut l = links.get(); l.reverse(); l } key=|l| (l.id.clone(), l.revoked) let:link>
                    {
                        let url = format!("{base}#invite={}", link.code);
                        let now = js_sys::Date::now() as u64;
                        let expired = link.expires_at <= now;
                        let role_name = ctx.i18n.with_value(|i| i.role(link.role));
                        let label = ctx.tf("links.link_for", &[("role", &String::from(js_sys::JsString::from(role_name.as_str()).to_locale_lower_case(None)))]);
                        let status = if link.revoked {
                            ctx.t("links.revoked")
                        } else if expired {
                            ctx.t("links.expired")
                        } else {
                            ctx.tf("links.expires", &[("time", &format_time(link.expires_at, locale.as_deref(), true))])
                        };
                        let active = !link.revoked && !expired;
                        let id = link.id.clone();
                        let copy_url = url.clone();
                        let copy = move |_| {
                            if let Some(w) = web_sys::window() {
                                let _ = w.navigator().clipboard().write_text(&copy_url);
                            }
                            ctx.toast(ToastKind::Info, ctx.t("links.copied"));
                        };
                        view! {
                            <li class="link" class=("inactive", !active) data-link=link.id.clone()>
                                <div class="link-head">
                                    <span class="role-badge small">{role_name}</span>
                                    <span class="muted">{status}</span>
                                </div>
                                {active.then(|| view! {
                                    <input class="link-url" type="text" readonly=true value=url.clone() aria-label=label.clone()/>
                                    <div class="link-actions">
                                        <button class="btn small" on:click=copy>{ctx.t("links.copy")}</button>
                                        <button class="btn small danger" on:click=move |_| ctx.send(ClientMsg::RevokeInviteLink { id: id.clone() })>
                                            {ctx.t("links.revoke")}
                                        </button>
                                    </div>
                                })}
                            </li>
                        }
                    }
                </For>
            </ul>
            {move || links.with(Vec::is_empty).then(|| view! { <p class="empty small">{ctx.t("links.empty")}</p> })}
        </section>
    }
}
