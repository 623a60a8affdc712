//! The stage: a tile for each person on it (live camera, or picture or initials; name,
//! microphone and camera; a highlight while they speak), a shared screen shown large above the
//! tiles, and reaction bursts floating over it all.

use leptos::prelude::*;

use crate::app::use_ctx;
use crate::rtc::Feed;
use crate::ui::icons::{Icon, Svg};
use crate::ui::reactions::Bursts;
use crate::ui::video::Video;
use crate::ui::{hue, initials};

#[component]
pub fn Stage() -> impl IntoView {
    let ctx = use_ctx();
    let media = ctx.media;
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
    let sharing = move || media.view.with(|v| v.screen().is_some());
    let screen_label = move || {
        let who = media.view.with(|v| v.screen().map(|(who, _)| who))?;
        let name = ctx.room.with(|r| {
            r.as_ref()
                .and_then(|r| r.name_of(who.unwrap_or(r.you.participant)))
        })?;
        Some(ctx.tf("media.screen_of", &[("name", &name)]))
    };
    view! {
        <div class="stage" class=("sharing", sharing)>
            <div class="stage-head">
                <span class="seats">{move || {
                    let i = ctx.i18n();
                    i.tf("stage.seats", &[("count", &i.number(count() as u64)), ("limit", &i.number(u64::from(seats.get())))])
                }}</span>
            </div>
            <figure class="screen" class=("hidden", move || !sharing())>
                <Video feed=Feed::Screen label=""/>
                <figcaption>{screen_label}</figcaption>
            </figure>
            <ul class=move || format!("tiles n{}", count().min(9)) aria-label=ctx.t("people.on_stage")>
                <For each=move || tiles.get()
                    key=|p| (p.id, p.name.clone(), p.mic, p.camera, p.connected, p.picture.clone())
                    let:p>
                    {
                        let id = p.id;
                        let mine = me.get_untracked() == Some(id);
                        let style = format!("--hue:{}", hue(&p.name));
                        let mic_label = ctx.t(if p.mic { "people.mic_on" } else { "people.mic_off" });
                        let cam_label = ctx.t(if p.camera { "people.camera_on" } else { "people.camera_off" });
                        let mic_title = mic_label.clone();
                        let cam_title = cam_label.clone();
                        let video_label = p.name.clone();
                        let camera_on = p.camera;
                        let feed = Feed::Camera { participant: id, mine };
                        let speaking = move || media.view.with(|v| v.speaking == Some(id));
                        view! {
                            <li class="tile" class=("away", !p.connected) class=("cam-on", p.camera)
                                class=("speaking", speaking) style=style data-participant=id.to_string()>
                                <div class="avatar big" aria-hidden="true">
                                    {match p.picture.clone() {
                                        Some(src) => view! { <img src=src alt=""/> }.into_any(),
                                        None => initials(&p.name).into_any(),
                                    }}
                                </div>
                                {camera_on.then(|| view! { <Video feed=feed label=video_label mirror=mine/> })}
                                <div class="tile-bar">
                                    <span class="tile-name">{p.name.clone()}{mine.then(|| format!(" {}", ctx.t("people.you")))}</span>
                                    {move || speaking().then(|| view! { <span class="sr-only">{ctx.t("media.speaking")}</span> })}
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
