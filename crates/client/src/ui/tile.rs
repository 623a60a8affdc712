//! One person's tile on the stage: live camera (or picture, or initials), name, microphone and
//! camera, and a highlight while they speak. Only turning the camera on or off makes a new
//! tile; everything else changes in place, so the live video never restarts.

use leptos::prelude::*;
use podium_protocol::{ParticipantId, ParticipantView};

use crate::app::use_ctx;
use crate::rtc::Feed;
use crate::ui::icons::{Icon, Svg};
use crate::ui::video::Video;
use crate::ui::{hue, initials};

#[component]
pub fn Tile(id: ParticipantId, mine: bool, camera_on: bool) -> impl IntoView {
    let ctx = use_ctx();
    let person = Memo::new(move |_| {
        ctx.room
            .with(|r| r.as_ref().and_then(|r| r.participant(id).cloned()))
    });
    let read = move |f: fn(&ParticipantView) -> bool| person.with(|p| p.as_ref().is_some_and(f));
    let name = move || person.with(|p| p.as_ref().map(|p| p.name.clone()).unwrap_or_default());
    let mic = move || read(|p| p.mic);
    let away = move || !read(|p| p.connected);
    let mic_label = move || {
        ctx.t(if mic() {
            "people.mic_on"
        } else {
            "people.mic_off"
        })
    };
    let cam_label = ctx.t(if camera_on {
        "people.camera_on"
    } else {
        "people.camera_off"
    });
    let cam_title = cam_label.clone();
    let speaking = move || ctx.media.view.with(|v| v.speaking == Some(id));
    let feed = Feed::Camera {
        participant: id,
        mine,
    };
    view! {
        <li class="tile" class=("away", away) class=("cam-on", camera_on)
            class=("speaking", speaking) style=move || format!("--hue:{}", hue(&name()))
            data-participant=id.to_string()>
            <div class="avatar big" aria-hidden="true">
                {move || match person.with(|p| p.as_ref().and_then(|p| p.picture.clone())) {
                    Some(src) => view! { <img src=src alt=""/> }.into_any(),
                    None => initials(&name()).into_any(),
                }}
            </div>
            {camera_on.then(|| view! { <Video feed=feed label=name() mirror=mine/> })}
            <div class="tile-bar">
                <span class="tile-name">{name}{mine.then(|| format!(" {}", ctx.t("people.you")))}</span>
                {move || speaking().then(|| view! { <span class="sr-only">{ctx.t("media.speaking")}</span> })}
                <span class="tile-state" class=("off", move || !mic()) title=mic_label>
                    {move || view! { <Svg icon=if mic() { Icon::Mic } else { Icon::MicOff }/> }}
                    <span class="sr-only">{mic_label}</span>
                </span>
                <span class="tile-state" class=("off", !camera_on) title=cam_title>
                    <Svg icon=if camera_on { Icon::Camera } else { Icon::CameraOff }/>
                    <span class="sr-only">{cam_label}</span>
                </span>
            </div>
            {move || away().then(|| view! { <span class="tile-away">{ctx.t("people.away")}</span> })}
        </li>
    }
}
