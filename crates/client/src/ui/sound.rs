//! **Turn on sound**: shown when the browser will not start the stage's sound without a click
//! (its autoplay rules, iOS Safari's among them).

use leptos::prelude::*;

use crate::app::use_ctx;

#[component]
pub fn SoundPrompt() -> impl IntoView {
    let ctx = use_ctx();
    move || {
        ctx.media.view.with(|v| v.sound_blocked).then(|| {
            view! {
                <div class="sound-prompt" role="alert">
                    <p>{ctx.t("media.sound_blocked")}</p>
                    <button class="btn primary" on:click=move |_| ctx.media.resume_sound()>
                        {ctx.t("media.turn_on_sound")}
                    </button>
                </div>
            }
        })
    }
}
