//! **Set devices**: camera with a live preview, microphone with a level meter, speaker with a test
//! sound. Used on entering and in *Get ready to join the stage*. Nobody is asked for permission
//! just to watch: the preview starts on request, or by itself where permission was already given.

use std::time::Duration;

use leptos::html::Video;
use leptos::prelude::*;
use leptos::task::spawn_local;
use podium_protocol::{ClientMsg, StageAccess};
use web_sys::{MediaDeviceKind, MediaStream};

use crate::app::use_ctx;
use crate::media::{self, DeviceLists, MediaError, Meter, Prefs};
use crate::ui::uid;

#[component]
pub fn DevicesPanel(
    /// Start the preview straight away (the person is about to go on stage).
    auto_start: bool,
    /// Microphone and camera on when joining the stage.
    choice: RwSignal<(bool, bool)>,
    #[prop(optional)] show_choice: bool,
) -> impl IntoView {
    let ctx = use_ctx();
    let prefs = Prefs::load();
    let lists = RwSignal::new(DeviceLists::default());
    let camera = RwSignal::new(prefs.camera);
    let mic = RwSignal::new(prefs.microphone);
    let speaker = RwSignal::new(prefs.speaker);
    let error = RwSignal::new(None::<MediaError>);
    let started = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let level = RwSignal::new(0.0f64);
    let has_video = RwSignal::new(false);
    let alive = StoredValue::new(true);
    let stream: StoredValue<Option<MediaStream>, LocalStorage> = StoredValue::new_local(None);
    let meter: StoredValue<Option<Meter>, LocalStorage> = StoredValue::new_local(None);
    let video: NodeRef<Video> = NodeRef::new();
    let sink_ok = media::sink_supported();

    // Remembered for next time, and followed at once by what is sent and played.
    let save = move || {
        let prefs = Prefs {
            camera: camera.get_untracked(),
            microphone: mic.get_untracked(),
            speaker: speaker.get_untracked(),
        };
        prefs.save();
        ctx.devices.set(prefs);
    };
    let stop_all = move || {
        stream.update_value(|s| {
            if let Some(s) = s.take() {
                media::stop(&s);
            }
        });
        meter.update_value(|m| {
            if let Some(m) = m.take() {
                m.close();
            }
        });
        level.set(0.0);
        has_video.set(false);
    };

    let refresh_lists = move || {
        spawn_local(async move {
            if let Ok(l) = media::enumerate().await {
                if alive.try_get_value().unwrap_or(false) {
                    lists.set(l);
                }
            }
        });
    };

    let start = move || {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        spawn_local(async move {
            let l = lists.get_untracked();
            let cam_id = camera.get_untracked();
            let mic_id = mic.get_untracked();
            let want_video = !l.cameras.is_empty() || !l.labelled;
            let want_audio = !l.microphones.is_empty() || !l.labelled;
            let mut result = Err(MediaError::NotFound);
            // Both; then whichever works on its own (a camera in use should not cost the microphone).
            for (v, a) in [
                (want_video, want_audio),
                (false, want_audio),
                (want_video, false),
            ] {
                if !v && !a {
                    continue;
                }
                result = media::open(Some(&cam_id), Some(&mic_id), v, a).await;
                if matches!(
                    result,
                    Ok(_) | Err(MediaError::Denied) | Err(MediaError::Unsupported)
                ) {
                    break;
                }
            }
            if !alive.try_get_value().unwrap_or(false) {
                if let Ok(s) = &result {
                    media::stop(s);
                }
                return;
            }
            busy.set(false);
            match result {
                Ok(s) => {
                    stop_all();
                    error.set(None);
                    started.set(true);
                    if let Some(id) = media::track_device(&s, true) {
                        camera.set(id);
                    }
                    if let Some(id) = media::track_device(&s, false) {
                        mic.set(id);
                    }
                    has_video.set(s.get_video_tracks().length() > 0);
                    if let Some(v) = video.get_untracked() {
                        v.set_src_object(Some(&s));
                        let _ = v.play();
                    }
                    meter.set_value(Meter::new(&s));
                    stream.set_value(Some(s));
                    refresh_lists();
                }
                Err(e) => {
                    started.set(false);
                    error.set(Some(e));
                }
            }
        });
    };

    // The meter, ten times a second while the preview runs.
    if let Ok(handle) = set_interval_with_handle(
        move || {
            let mut value = None;
            meter.update_value(|m| value = m.as_mut().map(Meter::level));
            if let Some(v) = value {
                level.set(v);
            }
        },
        Duration::from_millis(100),
    ) {
        on_cleanup(move || handle.clear());
    }
    on_cleanup(move || {
        alive.set_value(false);
        stop_all();
    });

    spawn_local(async move {
        match media::enumerate().await {
            Ok(l) => {
                if !alive.try_get_value().unwrap_or(false) {
                    return;
                }
                let labelled = l.labelled;
                let nothing = l.cameras.is_empty() && l.microphones.is_empty();
                lists.set(l);
                if nothing {
                    error.set(Some(MediaError::NotFound));
                } else if auto_start || labelled {
                    start();
                }
            }
            Err(e) => error.set(Some(e)),
        }
    });

    let restart = move || {
        save();
        if started.get_untracked() {
            start();
        }
    };

    let cam_id = uid("camera");
    let mic_id = uid("mic");
    let spk_id = uid("speaker");
    let test_sound = move |_| {
        let sink = speaker.get_untracked();
        spawn_local(async move {
            let _ = media::play_test_sound(Some(sink)).await;
        });
    };

    // One picker for each kind of device (a single piece of code for the three).
    let select = move |id: String, kind: MediaDeviceKind| {
        let (value, label_key, empty_key) = match kind {
            MediaDeviceKind::Videoinput => (camera, "devices.camera", "devices.no_camera"),
            MediaDeviceKind::Audioinput => (mic, "devices.microphone", "devices.no_microphone"),
            _ => (speaker, "devices.speaker", "devices.default"),
        };
        let devices = move || {
            lists.with(|l| match kind {
                MediaDeviceKind::Videoinput => l.cameras.clone(),
                MediaDeviceKind::Audioinput => l.microphones.clone(),
                _ => l.speakers.clone(),
            })
        };
        let kind_label = ctx.t(label_key);
        let options = move || {
            let list = devices();
            if list.is_empty() {
                return view! { <option value="">{ctx.t(empty_key)}</option> }.into_any();
            }
            let selected = value.get_untracked();
            list.into_iter()
                .enumerate()
                .map(|(i, d)| {
                    let label = if d.label.is_empty() {
                        ctx.tf(
                            "devices.unnamed",
                            &[("kind", &kind_label), ("n", &(i + 1).to_string())],
                        )
                    } else {
                        d.label
                    };
                    let is_selected = d.id == selected;
                    view! { <option value=d.id selected=is_selected>{label}</option> }
                })
                .collect_view()
                .into_any()
        };
        let speakers = kind == MediaDeviceKind::Audiooutput;
        view! {
            <label for=id.clone()>{ctx.t(label_key)}</label>
            <select id=id on:change=move |ev| {
                value.set(event_target_value(&ev));
                if speakers { save() } else { restart() }
            } disabled=move || !speakers && devices().is_empty()>
                {options}
            </select>
        }
    };

    view! {
        <div class="devices">
            <div class="preview-wrap">
                <video class="preview" node_ref=video autoplay=true playsinline=true muted=true
                    aria-label=ctx.t("devices.preview") class=("hidden", move || !has_video.get())></video>
                {move || (!has_video.get()).then(|| view! {
                    <div class="preview-off" aria-hidden="true">{ctx.t("devices.camera_off_preview")}</div>
                })}
            </div>
            <div class="device-fields">
                {move || error.get().map(|e| {
                    let text = match &e {
                        MediaError::Other(detail) => ctx.tf("devices.failed", &[("detail", detail)]),
                        other => ctx.t(other.key()),
                    };
                    view! { <p class="device-error" role="alert">{text}</p> }
                })}
                {move || (!started.get() && !error.with(|e| matches!(e, Some(MediaError::NotFound) | Some(MediaError::Unsupported)))).then(|| view! {
                    <div class="check-devices">
                        <button class="btn" disabled=move || busy.get() on:click=move |_| start()>{ctx.t("devices.check")}</button>
                        <p class="hint">{ctx.t("devices.check_hint")}</p>
                    </div>
                })}
                <div class="field">
                    {select(cam_id, MediaDeviceKind::Videoinput)}
                </div>
                <div class="field">
                    {select(mic_id, MediaDeviceKind::Audioinput)}
                    <div class="meter" role="meter" aria-label=ctx.t("devices.level") aria-valuemin="0" aria-valuemax="100"
                        aria-valuenow=move || ((level.get() * 100.0) as u32).to_string()>
                        <span style:width=move || format!("{}%", (level.get() * 100.0) as u32)></span>
                    </div>
                </div>
                <div class="field">
                    {if sink_ok {
                        select(spk_id.clone(), MediaDeviceKind::Audiooutput).into_any()
                    } else {
                        view! {
                            <span class="label">{ctx.t("devices.speaker")}</span>
                            <p class="hint">{ctx.t("devices.no_sink")}</p>
                        }.into_any()
                    }}
                    <button class="btn small" on:click=test_sound>{ctx.t("devices.test_sound")}</button>
                </div>
                {show_choice.then(|| view! {
                    <div class="choice">
                        <label class="check">
                            <input type="checkbox" prop:checked=move || choice.get().0
                                on:change=move |ev| choice.update(|c| c.0 = event_target_checked(&ev))/>
                            {ctx.t("devices.mic_on")}
                        </label>
                        <label class="check">
                            <input type="checkbox" prop:checked=move || choice.get().1
                                on:change=move |ev| choice.update(|c| c.1 = event_target_checked(&ev))/>
                            {ctx.t("devices.camera_on")}
                        </label>
                    </div>
                })}
            </div>
        </div>
    }
}

/// The first window: **Set devices**, then **Join as viewer** or **Join stage**.
#[component]
pub fn EntryScreen() -> impl IntoView {
    let ctx = use_ctx();
    let choice = RwSignal::new((true, true));
    let direct = Memo::new(move |_| {
        ctx.room.with(|r| {
            r.as_ref()
                .map(|r| r.you.stage == StageAccess::Direct)
                .unwrap_or(false)
        })
    });
    let title = ctx
        .room
        .with_untracked(|r| r.as_ref().and_then(|r| r.room_title.clone()));
    let join_viewer = move |_| ctx.entered.set(true);
    let join_stage = move |_| {
        let (mic, camera) = choice.get_untracked();
        ctx.want_media.set(Some((mic, camera)));
        ctx.send(ClientMsg::JoinStage);
    };
    let heading = uid("entry");
    let heading_ref = heading.clone();
    view! {
        <main class="entry" aria-labelledby=heading_ref>
            <div class="entry-card">
                {title.map(|t| view! { <p class="entry-room">{t}</p> })}
                <h1 id=heading>{ctx.t("entry.set_devices")}</h1>
                <p class="entry-intro">{ctx.t("entry.intro")}</p>
                <DevicesPanel auto_start=false choice=choice show_choice=true/>
                <div class="entry-actions">
                    <div class="entry-choice">
                        <button class="btn large" class=("primary", move || !direct.get()) on:click=join_viewer>
                            {ctx.t("entry.join_as_viewer")}
                        </button>
                        <p class="hint">{ctx.t("entry.join_as_viewer_hint")}</p>
                    </div>
                    {move || direct.get().then(|| view! {
                        <div class="entry-choice">
                            <button class="btn large primary" on:click=join_stage>{ctx.t("entry.join_stage")}</button>
                            <p class="hint">{ctx.t("entry.join_stage_hint")}</p>
                        </div>
                    })}
                </div>
            </div>
        </main>
    }
}
