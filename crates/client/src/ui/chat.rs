//! **Chat**: the room's messages in order, history on entry; moderators may delete a message.

use leptos::html::Div;
use leptos::prelude::*;
use podium_protocol::{ClientMsg, Role, MAX_CHAT_CHARS};

use crate::app::use_ctx;
use crate::i18n::format_time;
use crate::ui::icons::{Icon, Svg};
use crate::ui::uid;

#[component]
pub fn Chat() -> impl IntoView {
    let ctx = use_ctx();
    let messages = Memo::new(move |_| {
        ctx.room
            .with(|r| r.as_ref().map(|r| r.chat.clone()).unwrap_or_default())
    });
    let moderator = Memo::new(move |_| {
        ctx.room
            .with(|r| r.as_ref().map(|r| r.you.moderator).unwrap_or(false))
    });
    let me = ctx
        .room
        .with_untracked(|r| r.as_ref().map(|r| r.you.participant));
    let text = RwSignal::new(String::new());
    let list: NodeRef<Div> = NodeRef::new();
    let input_id = uid("chat-input");
    let locale = ctx.i18n.with_value(|i| i.locale().map(str::to_string));

    // Keep the newest message in view.
    Effect::new(move |_| {
        let _ = messages.with(Vec::len);
        if let Some(el) = list.get() {
            request_animation_frame(move || el.set_scroll_top(el.scroll_height()));
        }
    });

    let over = move || text.with(|t| t.chars().count().saturating_sub(MAX_CHAT_CHARS));
    let send = move || {
        let t = text.get_untracked();
        if t.trim().is_empty() || over() > 0 {
            return;
        }
        if ctx.net.send(ClientMsg::Chat {
            text: t.trim().to_string(),
        }) {
            text.set(String::new());
        } else {
            ctx.send(ClientMsg::Ping);
        }
    };
    let on_submit = move |ev: web_sys::SubmitEvent| {
        ev.prevent_default();
        send();
    };
    let on_key = move |ev: web_sys::KeyboardEvent| {
        if ev.key() == "Enter" && !ev.shift_key() && !ev.is_composing() {
            ev.prevent_default();
            send();
        }
    };

    view! {
        <div class="panel chat">
            <div class="chat-list" role="log" aria-label=ctx.t("chat.label") node_ref=list tabindex="0"
                class=("hidden", move || messages.with(Vec::is_empty))>
                <ol class="chat-items">
                <For each=move || messages.get() key=|m| m.id let:m>
                    {
                        let id = m.id;
                        let time = format_time(m.at, locale.as_deref(), false);
                        let mine = Some(m.from) == me;
                        let from = m.name.clone();
                        view! {
                            <li class="msg" class=("mine", mine) data-message=id.to_string()>
                                <div class="msg-head">
                                    <span class="msg-name">{m.name.clone()}</span>
                                    {(m.role != Role::Attendee).then(|| view! { <span class="role-badge small">{ctx.i18n.with_value(|i| i.role(m.role))}</span> })}
                                    <time class="msg-time">{time}</time>
                                    {move || moderator.get().then(|| {
                                        let label = ctx.tf("chat.delete_from", &[("name", &from)]);
                                        view! {
                                            <button class="icon-btn small msg-delete" aria-label=label.clone() title=label
                                                on:click=move |_| ctx.send(ClientMsg::DeleteChat { message: id })>
                                                <Svg icon=Icon::Trash/>
                                            </button>
                                        }
                                    })}
                                </div>
                                <p class="msg-text">{m.text.clone()}</p>
                            </li>
                        }
                    }
                </For>
                </ol>
            </div>
            {move || messages.with(Vec::is_empty).then(|| view! { <p class="empty">{ctx.t("chat.empty")}</p> })}
            <form class="chat-form" on:submit=on_submit>
                <label class="sr-only" for=input_id.clone()>{ctx.t("chat.input")}</label>
                <textarea id=input_id rows="2" placeholder=ctx.t("chat.placeholder")
                    prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev)) on:keydown=on_key></textarea>
                <button class="btn primary" type="submit" disabled=move || { text.with(|t| t.trim().is_empty()) || over() > 0 }>
                    {ctx.t("chat.send")}
                </button>
                {move || (over() > 0).then(|| view! {
                    <p class="field-error" role="status">{ctx.tf("chat.too_long", &[("count", &over().to_string())])}</p>
                })}
            </form>
        </div>
    }
}
