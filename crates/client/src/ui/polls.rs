//! **Polls** and quizzes: answer once, see results when shared; moderators create, watch live
//! counts, end and share.

use leptos::prelude::*;
use podium_protocol::{
    ClientMsg, PollView, MAX_OPTION_CHARS, MAX_POLL_OPTIONS, MAX_QUESTION_CHARS, MIN_POLL_OPTIONS,
};

use crate::app::use_ctx;
use crate::ui::uid;

#[component]
pub fn Polls() -> impl IntoView {
    let ctx = use_ctx();
    let moderator = Memo::new(move |_| {
        ctx.room
            .with(|r| r.as_ref().map(|r| r.you.moderator).unwrap_or(false))
    });
    // Newest first; the key carries everything that changes, so a change redraws that card.
    let polls = Memo::new(move |_| {
        ctx.room.with(|r| {
            let Some(r) = r else { return Vec::new() };
            let mut v: Vec<(PollView, Option<Vec<u8>>)> = r
                .polls
                .iter()
                .map(|p| (p.clone(), r.my_answer(p.id).map(|a| a.choices.clone())))
                .collect();
            v.reverse();
            v
        })
    });
    let creating = RwSignal::new(false);
    view! {
        <div class="panel polls">
            {move || moderator.get().then(|| view! {
                {move || if creating.get() {
                    view! { <PollForm on_done=move || creating.set(false)/> }.into_any()
                } else {
                    view! {
                        <div class="panel-actions">
                            <button class="btn primary" on:click=move |_| creating.set(true)>{ctx.t("polls.new")}</button>
                        </div>
                    }.into_any()
                }}
            })}
            <ul class="poll-list">
                <For each=move || polls.get() key=|(p, mine)| (p.id, p.open, p.shared, p.counts.clone(), p.answered, mine.clone()) let:item>
                    <PollCard poll=item.0 mine=item.1 moderator=moderator.get_untracked()/>
                </For>
            </ul>
            {move || polls.with(Vec::is_empty).then(|| view! { <p class="empty">{ctx.t("polls.empty")}</p> })}
        </div>
    }
}

#[component]
fn PollCard(poll: PollView, mine: Option<Vec<u8>>, moderator: bool) -> impl IntoView {
    let ctx = use_ctx();
    let id = poll.id;
    let heading = uid("poll");
    let heading_ref = heading.clone();
    let selected = RwSignal::new(Vec::<u8>::new());
    let group = uid("poll-opt");
    let multiple = poll.multiple;
    let can_answer = poll.open && mine.is_none() && !moderator;
    let answered = poll.answered.unwrap_or(0);
    let i18n = ctx.i18n();
    let submit = move |ev: web_sys::SubmitEvent| {
        ev.prevent_default();
        let mut choices = selected.get_untracked();
        choices.sort_unstable();
        if !choices.is_empty() {
            ctx.send(ClientMsg::AnswerPoll { poll: id, choices });
        }
    };
    let options = poll.options.iter().enumerate().map(|(i, text)| {
        let i = i as u8;
        let count = poll.counts.as_ref().and_then(|c| c.get(i as usize).copied());
        let right = poll.correct.as_ref().map(|c| c.contains(&i)).unwrap_or(false);
        let chosen = mine.as_ref().map(|m| m.contains(&i)).unwrap_or(false);
        let percent = count.map(|c| (c * 100 + answered / 2).checked_div(answered).unwrap_or(0));
        let input = can_answer.then(|| {
            let group = group.clone();
            view! {
                <input type=if multiple { "checkbox" } else { "radio" } name=group value=i.to_string()
                    prop:checked=move || selected.with(|s| s.contains(&i))
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        selected.update(|s| {
                            if !multiple { s.clear(); }
                            s.retain(|x| *x != i);
                            if on { s.push(i); }
                        });
                    }/>
            }
        });
        view! {
            <li class="poll-option" class=("right", right) class=("chosen", chosen)>
                <label class="poll-option-label">
                    {input}
                    <span class="poll-option-text">{text.clone()}</span>
                    {right.then(|| view! { <span class="tag ok">{ctx.t("polls.right")}</span> })}
                    {chosen.then(|| view! { <span class="tag">{ctx.t("polls.your_choice")}</span> })}
                    {count.map(|c| view! {
                        <span class="poll-count">{i18n.tf("polls.votes", &[("count", &i18n.number(u64::from(c))), ("percent", &percent.unwrap_or(0).to_string())])}</span>
                    })}
                </label>
                {percent.map(|p| view! { <span class="bar" aria-hidden="true"><span style:width=format!("{p}%")></span></span> })}
            </li>
        }
    }).collect_view();
    view! {
        <li class="poll" class=("closed", !poll.open)>
            <form on:submit=submit aria-labelledby=heading_ref>
                <div class="poll-head">
                    {poll.quiz.then(|| view! { <span class="tag quiz">{ctx.t("polls.quiz_badge")}</span> })}
                    <span class="tag" class=("ok", poll.open)>{ctx.t(if poll.open { "polls.open" } else { "polls.ended" })}</span>
                    {poll.shared.then(|| view! { <span class="tag">{ctx.t("polls.shared")}</span> })}
                </div>
                <h3 class="poll-question" id=heading>{poll.question.clone()}</h3>
                <ul class="poll-options">{options}</ul>
                {poll.answered.map(|n| view! { <p class="muted">{i18n.tf("polls.answers", &[("count", &i18n.number(u64::from(n)))])}</p> })}
                {mine.is_some().then(|| view! { <p class="ok-text">{ctx.t("polls.answered")}</p> })}
                {(poll.counts.is_none() && mine.is_some()).then(|| view! { <p class="muted">{ctx.t("polls.waiting_results")}</p> })}
                <div class="poll-actions">
                    {can_answer.then(|| view! {
                        <button class="btn primary" type="submit" disabled=move || selected.with(Vec::is_empty)>{ctx.t("polls.submit")}</button>
                    })}
                    {(moderator && poll.open).then(|| view! {
                        <button class="btn" type="button" on:click=move |_| ctx.send(ClientMsg::EndPoll { poll: id })>{ctx.t("polls.end")}</button>
                    })}
                    {(moderator && !poll.shared).then(|| view! {
                        <button class="btn" type="button" on:click=move |_| ctx.send(ClientMsg::SharePollResults { poll: id })>{ctx.t("polls.share")}</button>
                    })}
                </div>
            </form>
        </li>
    }
}

#[derive(Clone, Copy)]
struct OptionField {
    key: u64,
    text: RwSignal<String>,
    right: RwSignal<bool>,
}

#[component]
fn PollForm(#[prop(into)] on_done: Callback<()>) -> impl IntoView {
    let ctx = use_ctx();
    let next = StoredValue::new(0u64);
    let new_field = move || {
        next.update_value(|n| *n += 1);
        OptionField {
            key: next.get_value(),
            text: RwSignal::new(String::new()),
            right: RwSignal::new(false),
        }
    };
    let question = RwSignal::new(String::new());
    let fields = RwSignal::new(vec![new_field(), new_field()]);
    let multiple = RwSignal::new(false);
    let quiz = RwSignal::new(false);
    let q_id = uid("question");
    let valid = move || {
        let q = !question.with(|q| q.trim().is_empty());
        let n = fields.with(|f| {
            f.iter()
                .filter(|o| !o.text.with(|t| t.trim().is_empty()))
                .count()
        });
        let right = !quiz.get()
            || fields.with(|f| {
                f.iter()
                    .any(|o| o.right.get() && !o.text.with(|t| t.trim().is_empty()))
            });
        q && n >= MIN_POLL_OPTIONS && right
    };
    let submit = move |ev: web_sys::SubmitEvent| {
        ev.prevent_default();
        let opts: Vec<(String, bool)> = fields.with_untracked(|f| {
            f.iter()
                .map(|o| {
                    (
                        o.text.get_untracked().trim().to_string(),
                        o.right.get_untracked(),
                    )
                })
                .filter(|(t, _)| !t.is_empty())
                .collect()
        });
        let correct = quiz.get_untracked().then(|| {
            opts.iter()
                .enumerate()
                .filter(|(_, (_, r))| *r)
                .map(|(i, _)| i as u8)
                .collect::<Vec<u8>>()
        });
        ctx.send(ClientMsg::CreatePoll {
            question: question.get_untracked().trim().to_string(),
            options: opts.into_iter().map(|(t, _)| t).collect(),
            multiple: multiple.get_untracked(),
            correct,
        });
        on_done.run(());
    };
    view! {
        <form class="poll-form" on:submit=submit>
            <h2 class="section-title">{ctx.t("polls.new")}</h2>
            <div class="field">
                <label for=q_id.clone()>{ctx.t("polls.question")}</label>
                <input id=q_id type="text" maxlength=MAX_QUESTION_CHARS.to_string() data-autofocus=""
                    prop:value=move || question.get() on:input=move |ev| question.set(event_target_value(&ev))/>
            </div>
            <ol class="option-fields">
                // Form fields, not data: redrawn when one is added or removed (their text lives in signals).
                {move || fields.get().into_iter().map(|f| {
                        let n = move || fields.with(|all| all.iter().position(|x| x.key == f.key).map(|i| i + 1).unwrap_or(0));
                        let label = move || ctx.tf("polls.option", &[("n", &n().to_string())]);
                        view! {
                            <li class="option-field">
                                <input type="text" maxlength=MAX_OPTION_CHARS.to_string() aria-label=label placeholder=label
                                    prop:value=move || f.text.get() on:input=move |ev| f.text.set(event_target_value(&ev))/>
                                {move || quiz.get().then(|| view! {
                                    <label class="check small">
                                        <input type="checkbox" prop:checked=move || f.right.get() on:change=move |ev| f.right.set(event_target_checked(&ev))/>
                                        {ctx.t("polls.correct")}
                                    </label>
                                })}
                                <button type="button" class="icon-btn small" aria-label=move || ctx.tf("polls.remove_option", &[("n", &n().to_string())])
                                    disabled=move || fields.with(|v| v.len() <= MIN_POLL_OPTIONS)
                                    on:click=move |_| fields.update(|v| v.retain(|x| x.key != f.key))>
                                    "×"
                                </button>
                            </li>
                        }
                }).collect_view()}
            </ol>
            <button type="button" class="btn small" disabled=move || fields.with(|v| v.len() >= MAX_POLL_OPTIONS)
                on:click=move |_| fields.update(|v| v.push(new_field()))>{ctx.t("polls.add_option")}</button>
            <label class="check">
                <input type="checkbox" prop:checked=move || multiple.get() on:change=move |ev| multiple.set(event_target_checked(&ev))/>
                {ctx.t("polls.multiple")}
            </label>
            <label class="check">
                <input type="checkbox" prop:checked=move || quiz.get() on:change=move |ev| quiz.set(event_target_checked(&ev))/>
                {ctx.t("polls.quiz")}
            </label>
            <div class="poll-actions">
                <button type="button" class="btn" on:click=move |_| on_done.run(())>{ctx.t("polls.cancel")}</button>
                <button type="submit" class="btn primary" disabled=move || !valid()>{ctx.t("polls.start")}</button>
            </div>
        </form>
    }
}
