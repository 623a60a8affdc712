//! The bottom toolbar. Which stage control it shows comes only from `you.stage`:
//! `direct` → **Join stage**, `ask` → **Ask to join stage**, `pending` → **Cancel request**,
//! `invited` → the pop-up, `on_stage` → microphone and camera toggles (and no way to leave),
//! `none` → nothing.

use leptos::prelude::*;
use leptos::task::spawn_local;
use podium_protocol::{ClientMsg, StageAccess};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use crate::app::{use_ctx, Ctx, Tab, ToastKind};
use crate::media::MediaError;
use crate::rtc;
use crate::ui::dialogs::DevicesDialog;
use crate::ui::icons::{Icon, Svg};
use crate::ui::reactions::ReactionPicker;

/// Whether this browser can share a screen at all (not on phones, nor on insecure pages).
fn can_share_screen() -> bool {
    let Some(w) = web_sys::window() else {
        return false;
    };
    js_sys::Reflect::get(&w.navigator(), &"mediaDevices".into())
        .and_then(|md| js_sys::Reflect::has(&md, &"getDisplayMedia".into()))
        .unwrap_or(false)
}

/// Asks for a screen to share, sends it, and tells the room. When the person stops sharing from
/// the browser's own bar, the room is told too.
fn share_screen(ctx: Ctx, mic: bool, camera: bool) {
    spawn_local(async move {
        match rtc::pick_screen().await {
            Ok(stream) => {
                if let Ok(track) = stream
                    .get_video_tracks()
                    .get(0)
                    .dyn_into::<web_sys::MediaStreamTrack>()
                {
                    let ended = Closure::<dyn FnMut()>::new(move || {
                        let me = ctx.room.with_untracked(|r| {
                            r.as_ref()
                                .and_then(|r| r.me().map(|p| (p.mic, p.camera, p.screen)))
                        });
                        if let Some((mic, camera, true)) = me {
                            ctx.send(ClientMsg::SetMedia {
                                mic,
                                camera,
                                screen: false,
                            });
                        }
                    });
                    track.set_onended(Some(ended.into_js_value().unchecked_ref()));
                }
                ctx.media.share_screen(Some(stream));
                ctx.send(ClientMsg::SetMedia {
                    mic,
                    camera,
                    screen: true,
                });
            }
            // Closing the browser's picker is not a failure worth a message.
            Err(e) => match MediaError::from_js(e) {
                MediaError::Denied => {}
                _ => ctx.toast(ToastKind::Error, ctx.t("media.screen_failed")),
            },
        }
    });
}

#[component]
pub fn Toolbar() -> impl IntoView {
    let ctx = use_ctx();
    let stage = Memo::new(move |_| {
        ctx.room
            .with(|r| r.as_ref().map(|r| r.you.stage).unwrap_or(StageAccess::None))
    });
    let me = Memo::new(move |_| {
        ctx.room.with(|r| {
            r.as_ref().and_then(|r| {
                r.me()
                    .map(|p| (p.mic, p.camera, p.hand.is_some(), p.screen))
            })
        })
    });
    let moderator = Memo::new(move |_| {
        ctx.room
            .with(|r| r.as_ref().map(|r| r.you.moderator).unwrap_or(false))
    });
    let requests = Memo::new(move |_| {
        ctx.room
            .with(|r| r.as_ref().map(|r| r.requests.len()).unwrap_or(0))
    });
    let mic = move || me.get().map(|m| m.0).unwrap_or(false);
    let camera = move || me.get().map(|m| m.1).unwrap_or(false);
    let hand = move || me.get().map(|m| m.2).unwrap_or(false);
    let screen = move || me.get().map(|m| m.3).unwrap_or(false);
    let screen_ok = !ctx.mobile && can_share_screen();
    let devices_open = RwSignal::new(false);
    let close_devices = Callback::new(move |_| devices_open.set(false));

    let stage_control = move || {
        match stage.get() {
        StageAccess::Direct => view! {
            <button class="tb-btn primary" on:click=move |_| ctx.get_ready.set(true)>
                <Svg icon=Icon::Stage/><span>{ctx.t("stage.join_stage")}</span>
            </button>
        }
        .into_any(),
        StageAccess::Ask => view! {
            <button class="tb-btn primary" on:click=move |_| ctx.send(ClientMsg::AskToJoinStage)>
                <Svg icon=Icon::Stage/><span>{ctx.t("stage.ask")}</span>
            </button>
        }
        .into_any(),
        StageAccess::Pending => view! {
            <span class="tb-waiting">{ctx.t("stage.waiting")}</span>
            <button class="tb-btn" on:click=move |_| ctx.send(ClientMsg::CancelRequest)>
                <Svg icon=Icon::Close/><span>{ctx.t("stage.cancel_request")}</span>
            </button>
        }
        .into_any(),
        StageAccess::OnStage => view! {
            <button class="tb-btn" class=("off", move || !mic()) aria-pressed=move || mic().to_string()
                title=move || ctx.t(if mic() { "toolbar.mic_off" } else { "toolbar.mic_on" })
                on:click=move |_| ctx.send(ClientMsg::SetMedia { mic: !mic(), camera: camera(), screen: screen() })>
                {move || view! { <Svg icon=if mic() { Icon::Mic } else { Icon::MicOff }/> }}
                <span>{ctx.t("toolbar.mic")}</span>
            </button>
            <button class="tb-btn" class=("off", move || !camera()) aria-pressed=move || camera().to_string()
                title=move || ctx.t(if camera() { "toolbar.camera_off" } else { "toolbar.camera_on" })
                on:click=move |_| ctx.send(ClientMsg::SetMedia { mic: mic(), camera: !camera(), screen: screen() })>
                {move || view! { <Svg icon=if camera() { Icon::Camera } else { Icon::CameraOff }/> }}
                <span>{ctx.t("toolbar.camera")}</span>
            </button>
            {screen_ok.then(|| view! {
                <button class="tb-btn" class=("active", screen) aria-pressed=move || screen().to_string()
                    on:click=move |_| if screen() {
                        ctx.send(ClientMsg::SetMedia { mic: mic(), camera: camera(), screen: false });
                    } else {
                        share_screen(ctx, mic(), camera());
                    }>
                    <Svg icon=Icon::Share/>
                    <span>{move || ctx.t(if screen() { "toolbar.stop_sharing" } else { "toolbar.share_screen" })}</span>
                </button>
            })}
            <button class="tb-btn" on:click=move |_| devices_open.set(true)>
                <Svg icon=Icon::Settings/><span>{ctx.t("toolbar.devices")}</span>
            </button>
        }
        .into_any(),
        StageAccess::Invited | StageAccess::None => ().into_any(),
    }
    };

    let reactions = Memo::new(move |_| {
        ctx.room
            .with(|r| r.as_ref().is_none_or(|r| r.features.reactions))
    });

    view! {
        <nav class="toolbar" aria-label=ctx.t("toolbar.label")>
            <div class="tb-group">{stage_control}</div>
            <div class="tb-group">
                <button class="tb-btn" class=("active", hand) aria-pressed=move || hand().to_string()
                    on:click=move |_| ctx.send(if hand() { ClientMsg::LowerHand } else { ClientMsg::RaiseHand })>
                    <Svg icon=Icon::Hand/>
                    <span>{move || ctx.t(if hand() { "toolbar.lower_hand" } else { "toolbar.raise_hand" })}</span>
                </button>
                {move || reactions.get().then(|| view! { <ReactionPicker/> })}
            </div>
            {move || moderator.get().then(|| view! {
                <div class="tb-group">
                    <button class="tb-btn" class=("attention", move || requests.get() > 0)
                        on:click=move |_| ctx.tab.set(Tab::Requests)>
                        <Svg icon=Icon::Queue/>
                        <span>{ctx.t("toolbar.requests")}</span>
                        {move || (requests.get() > 0).then(|| view! {
                            <span class="badge alert" aria-label=move || ctx.tf("toolbar.requests_count", &[("count", &requests.get().to_string())])>
                                {move || ctx.i18n.with_value(|i| i.number(requests.get() as u64))}
                            </span>
                        })}
                    </button>
                </div>
            })}
            {move || devices_open.get().then(|| view! { <DevicesDialog on_close=close_devices/> })}
        </nav>
    }
}
