//! An invitation link asks for a display name before entering.

use leptos::prelude::*;
use podium_protocol::MAX_NAME_CHARS;

use crate::i18n::I18n;
use crate::ui::uid;

#[component]
pub fn NamePrompt(i18n: I18n, #[prop(into)] on_name: Callback<String>) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let id = uid("name");
    let submit = move |ev: web_sys::SubmitEvent| {
        ev.prevent_default();
        let n = name.get_untracked().trim().to_string();
        if !n.is_empty() {
            on_name.run(n);
        }
    };
    view! {
        <div class="podium-app">
            <main class="entry">
                <form class="entry-card narrow" on:submit=submit>
                    <h1>{i18n.t("invite.title")}</h1>
                    <p class="entry-intro">{i18n.t("invite.intro")}</p>
                    <div class="field">
                        <label for=id.clone()>{i18n.t("invite.name")}</label>
                        <input id=id type="text" autocomplete="name" required=true maxlength=MAX_NAME_CHARS.to_string()
                            prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
                    </div>
                    <div class="entry-actions">
                        <button class="btn large primary" type="submit" disabled=move || name.with(|n| n.trim().is_empty())>
                            {i18n.t("invite.join")}
                        </button>
                    </div>
                </form>
            </main>
        </div>
    }
}
