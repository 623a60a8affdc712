//! The stage: a tile for each person on it (name, picture or initials, microphone and camera),
//! and reaction bursts floating over it. Live video and sound arrive with the media work.

use leptos::prelude::*;

use crate::app::use_ctx;
use crate::ui::icons::{Icon, Svg};
use crate::ui::reactions::Bursts;
use crate::ui::{hue, initials};

#[component]
pub fn Stage() -> impl IntoView {
    let ctx = use_ctx();
    let tiles = Memo::new(move |_| {
        ctx.room
            .with(|r| r.as_ref().map(|r| r.on_stage()).unwrap_or_default())
    });
    let me = Memo::new(move |_| ctx.room.with(|r| r.as_ref().map(|r| r.you.participant)));
    let seats = Memo::new(move |_| {
        ctx.room
            .with(|r| r.as_ref().map(|r| r.seat_limit).unwrap_or(0))
    });
    let count = move || tiles.with(Vec::len);
    view! {
        <div class="stage">
            <div class="stage-head">
                <span class="seats">{move || {
                    let i = ctx.i18n();
                    i.tf("stage.seats", &[("count", &i.number(count() as u64)), ("limit", &i.number(u64::from(seats.get())))])
                }}</span>
            </div>
            <ul class=move || format!("tiles n{}", count().min(9)) aria-label=ctx.t("people.on_stage")>
                <For each=move || tiles.get()
                    key=|p| (p.id, p.name.clone(), p.mic, p.camera, p.connected, p.picture.clone())
                    let:p>
                    {
                        let mine = me.get_untracked() == Some(p.id);
                        let style = format!("--hue:{}", hue(&p.name));
                        let mic_label = ctx.t(if p.mic { "people.mic_on" } else { "people.mic_off" });
                        let cam_label = ctx.t(if p.camera { "people.camera_on" } else { "people.camera_off" });
                        let mic_title = mic_label.clone();
                        let cam_title = cam_label.clone();
                        view! {
                            <li class="tile" class=("away", !p.connected) class=("cam-on", p.camera) style=style>
                                <div class="avatar big" aria-hidden="true">
                                    {match p.picture.clone() {
                                        Some(src) => view! { <img src=src alt=""/> }.into_any(),
                                        None => initials(&p.name).into_any(),
                                    }}
                                </div>
                                <div class="tile-bar">
                                    <span class="tile-name">{p.name.clone()}{mine.then(|| format!(" {}", ctx.t("people.you")))}</span>
                                    <span class="tile-state" class=("off", !p.mic) title=mic_title>
                                        <Svg icon=if p.mic { Icon::Mic } else { Icon::MicOff }/>
                                        <span class="sr-only">{mic_label}</span>
                                    </span>
                                    <span class="tile-state" class=("off", !p.camera) title=cam_title>
                                        <Svg icon=if p.camera { Icon::Camera } else { Icon::CameraOff }/>
                                        <span class="sr-only">{cam_label}</span>
                                    </span>
                                </div>
                                {(!p.connected).then(|| view! { <span class="tile-away">{ctx.t("people.away")}</span> })}
                            </li>
                        }
                    }
                </For>
            </ul>
            {move || (count() == 0).then(|| view! {
                <div class="stage-empty">
                    <Svg icon=Icon::Stage/>
                    <p class="stage-empty-title">{ctx.t("stage.empty_title")}</p>
                    <p>{ctx.t("stage.empty")}</p>
                </div>
            })}
            <Bursts/>
        </div>
    }
}
