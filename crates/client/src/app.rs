//! The root: reads the configuration from the mount element, opens the connection, keeps the
//! room state, and provides everything to the components through one context.

use std::rc::Rc;
use std::time::Duration;

use leptos::prelude::*;
use podium_protocol::{
    Auth, ClientMsg, CloseReason, ErrorCode, Notice, ParticipantId, ServerMsg, StageAccess,
};
use wasm_bindgen::JsCast;

use crate::config::{self, Config, Entry, PageLocation};
use crate::i18n::I18n;
use crate::media::Prefs;
use crate::net::{self, Conn, Net};
use crate::rtc::{Media, Want};
use crate::state::{Applied, Effect as RoomEffect, RoomState, ShownReaction};
use crate::ui;

/// Most reaction bursts floating up the stage at once.
const MAX_BURSTS: usize = 30;

/// Side-panel tabs (on a phone, the stage is a tab too).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tab {
    Stage,
    Chat,
    People,
    Polls,
    Requests,
    Manage,
}

impl Tab {
    /// The tab button's element id.
    pub fn dom_id(self) -> &'static str {
        match self {
            Tab::Stage => "podium-tab-stage",
            Tab::Chat => "podium-tab-chat",
            Tab::People => "podium-tab-people",
            Tab::Polls => "podium-tab-polls",
            Tab::Requests => "podium-tab-requests",
            Tab::Manage => "podium-tab-manage",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ToastKind {
    Info,
    Error,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Toast {
    pub id: u64,
    pub kind: ToastKind,
    pub text: String,
}

/// A reaction floating over the stage.
#[derive(Clone, Debug, PartialEq)]
pub struct Burst {
    pub id: u64,
    pub emoji: &'static str,
    pub label: String,
    /// Horizontal position, percent of the stage width.
    pub left: u32,
}

/// Everything the components share. `Copy`: every field is a reactive handle.
#[derive(Clone, Copy)]
pub struct Ctx {
    pub room: RwSignal<Option<RoomState>>,
    /// The room's `people_version`: what shows people tracks this, so that it is not worked
    /// out again over thousands of participants for every chat message.
    pub people: Memo<Option<u64>>,
    pub net: Net,
    /// Live media: the peer connection, what is sent and what arrives.
    pub media: Media,
    /// The camera, microphone and speaker chosen in Set devices.
    pub devices: RwSignal<Prefs>,
    pub i18n: StoredValue<I18n>,
    /// Past the **Set devices** window.
    pub entered: RwSignal<bool>,
    /// The *Get ready to join the stage* window is open.
    pub get_ready: RwSignal<bool>,
    pub tab: RwSignal<Tab>,
    pub toasts: RwSignal<Vec<Toast>>,
    pub polite: RwSignal<String>,
    pub assertive: RwSignal<String>,
    pub bursts: RwSignal<Vec<Burst>>,
    /// Why the session ended for this person, when it did.
    pub fatal: RwSignal<Option<String>>,
    /// Microphone and camera to turn on once on stage.
    pub want_media: RwSignal<Option<(bool, bool)>>,
    /// People invited onto the stage who have not answered yet, as the room tells moderators
    /// (to offer **Cancel invitation**).
    pub invited: Memo<Vec<ParticipantId>>,
    pub mobile: bool,
    /// The page invitation links point to.
    pub join_url: StoredValue<String>,
    next_id: StoredValue<u64>,
}

pub fn use_ctx() -> Ctx {
    expect_context::<Ctx>()
}

impl Ctx {
    pub fn t(&self, key: &str) -> String {
        self.i18n.with_value(|i| i.t(key))
    }

    pub fn tf(&self, key: &str, args: &[(&str, &str)]) -> String {
        self.i18n.with_value(|i| i.tf(key, args))
    }

    pub fn i18n(&self) -> I18n {
        self.i18n.get_value()
    }

    fn next(&self) -> u64 {
        self.next_id.update_value(|n| *n += 1);
        self.next_id.get_value()
    }

    /// Sends an intent; tells the person when there is no connection to send it on.
    pub fn send(&self, msg: ClientMsg) {
        if !self.net.send(msg) {
            self.toast(ToastKind::Error, self.t("notice.not_connected"));
        }
    }

    /// Says something to screen readers.
    pub fn announce(&self, text: String, urgent: bool) {
        let region = if urgent { self.assertive } else { self.polite };
        // Clear first so the same words are announced again.
        region.set(String::new());
        set_timeout(move || region.set(text), Duration::from_millis(60));
    }

    /// Shows a notice for a few seconds and announces it.
    pub fn toast(&self, kind: ToastKind, text: String) {
        let id = self.next();
        self.announce(text.clone(), kind == ToastKind::Error);
        self.toasts.update(|t| {
            t.push(Toast { id, kind, text });
            if t.len() > 4 {
                t.remove(0);
            }
        });
        let toasts = self.toasts;
        let ms = if kind == ToastKind::Error { 9000 } else { 6000 };
        set_timeout(
            move || toasts.update(|t| t.retain(|x| x.id != id)),
            Duration::from_millis(ms),
        );
    }

    pub fn dismiss(&self, id: u64) {
        self.toasts.update(|t| t.retain(|x| x.id != id));
    }

    /// Float the reactions up the stage: one update and one timer for the whole batch, and
    /// only as many as are ever shown at once (a burst from a big room is mostly unseen).
    fn bursts_of(&self, shown: Vec<ShownReaction>) {
        let skip = shown.len().saturating_sub(MAX_BURSTS);
        let batch: Vec<Burst> = shown
            .into_iter()
            .skip(skip)
            .map(|r| Burst {
                id: self.next(),
                emoji: r.reaction.emoji(),
                label: r.name,
                left: 10 + (js_sys::Math::random() * 80.0) as u32,
            })
            .collect();
        let (Some(first), Some(last)) = (batch.first(), batch.last()) else {
            return;
        };
        // Numbered one after another: the batch is one range of ids.
        let ids = first.id..=last.id;
        self.bursts.update(|b| {
            b.extend(batch);
            let over = b.len().saturating_sub(MAX_BURSTS);
            b.drain(..over);
        });
        let bursts = self.bursts;
        set_timeout(
            move || bursts.update(|b| b.retain(|x| !ids.contains(&x.id))),
            Duration::from_millis(3200),
        );
    }

    /// Handles one message from the server.
    fn on_server(&self, msg: ServerMsg) {
        match msg {
            ServerMsg::Welcome {
                snapshot,
                ice_servers,
                ..
            } => {
                let me = snapshot.you.participant;
                self.room.update(|r| match r {
                    Some(r) => r.replace(*snapshot),
                    None => *r = Some(RoomState::from_snapshot(*snapshot)),
                });
                let on_stage = self
                    .room
                    .with_untracked(|r| r.as_ref().map(|r| r.you.stage == StageAccess::OnStage));
                if self.mobile || on_stage == Some(true) {
                    self.entered.set(true);
                }
                // Every welcome (a reconnect too) sets the media up afresh.
                self.media.start(ice_servers, me, on_stage == Some(true));
            }
            ServerMsg::Snapshot { snapshot } => self.room.update(|r| match r {
                Some(r) => r.replace(*snapshot),
                None => *r = Some(RoomState::from_snapshot(*snapshot)),
            }),
            ServerMsg::Event { seq, event } => {
                let mut applied = Applied::Stale;
                self.room.update(|r| {
                    if let Some(r) = r {
                        applied = r.apply(seq, event);
                    }
                });
                if let Applied::Effect(effect) = applied {
                    self.on_effect(effect);
                }
            }
            ServerMsg::Error {
                code,
                message,
                command,
            } => {
                if code == ErrorCode::MediaRefused {
                    self.media.refused();
                }
                let text = self.i18n.with_value(|i| i.error(code, &message));
                if command.is_none() && self.room.with_untracked(|r| r.is_none()) {
                    self.fatal.set(Some(text));
                } else {
                    self.toast(ToastKind::Error, text);
                }
            }
            ServerMsg::Closing { reason, message } => {
                let text = self.i18n.with_value(|i| i.closing(reason, &message));
                if reason == CloseReason::ServerShutdown {
                    self.toast(ToastKind::Info, text);
                } else {
                    self.media.stop();
                    self.announce(text.clone(), true);
                    self.fatal.set(Some(text));
                }
            }
            ServerMsg::MediaAnswer { sdp } => self.media.server_answer(sdp),
            ServerMsg::MediaOffer { sdp } => self.media.server_offer(sdp),
            ServerMsg::MediaTracks { tracks } => self.media.tracks(tracks),
            ServerMsg::Participants { participants } => self.room.update(|r| {
                if let Some(r) = r {
                    for p in participants {
                        r.upsert(p);
                    }
                }
            }),
            ServerMsg::ChatHistory { messages } => self.room.update(|r| {
                if let Some(r) = r {
                    for m in messages {
                        r.add_chat(m);
                    }
                }
            }),
            ServerMsg::Pong => {}
        }
    }

    fn on_effect(&self, effect: RoomEffect) {
        match effect {
            RoomEffect::Reactions(shown) => self.bursts_of(shown),
            RoomEffect::StageModeChanged(mode) => {
                let text = self.tf(
                    "notice.stage_mode",
                    &[("mode", &self.i18n.with_value(|i| i.mode(mode)))],
                );
                self.announce(text, false);
            }
            RoomEffect::Notice(notice) => {
                let (text, urgent) = match notice {
                    Notice::StageRequested { name, .. } => {
                        (self.tf("notice.stage_requested", &[("name", &name)]), false)
                    }
                    Notice::RequestApproved => (self.t("notice.request_approved"), true),
                    Notice::RequestDeclined => (self.t("notice.request_declined"), true),
                    Notice::RequestClosed => (self.t("notice.request_closed"), false),
                    Notice::Invited { by } => {
                        // The pop-up shows it; the live region says it.
                        self.announce(self.tf("notice.invited", &[("name", &by)]), true);
                        return;
                    }
                    Notice::InvitationCancelled => {
                        self.get_ready.set(false);
                        (self.t("notice.invitation_cancelled"), false)
                    }
                    Notice::InvitationDeclined { name, .. } => (
                        self.tf("notice.invitation_declined", &[("name", &name)]),
                        false,
                    ),
                    Notice::RemovedFromStage => (self.t("notice.removed_from_stage"), true),
                    Notice::Muted => (self.t("notice.muted"), true),
                    Notice::HandLowered => (self.t("notice.hand_lowered"), false),
                };
                self.toast(
                    if urgent {
                        ToastKind::Error
                    } else {
                        ToastKind::Info
                    },
                    text.clone(),
                );
            }
        }
    }
}

fn page_location() -> PageLocation {
    let loc = web_sys::window().map(|w| w.location());
    let get = |f: fn(&web_sys::Location) -> Result<String, wasm_bindgen::JsValue>| {
        loc.as_ref().and_then(|l| f(l).ok()).unwrap_or_default()
    };
    PageLocation {
        protocol: get(web_sys::Location::protocol),
        host: get(web_sys::Location::host),
        hash: get(web_sys::Location::hash),
    }
}

/// Reads `data-*` attributes and the JSON script of the mount element.
pub fn read_config(el: &web_sys::HtmlElement) -> Result<Config, String> {
    let mut data = Vec::new();
    let names = el.get_attribute_names();
    for name in names.iter() {
        let Some(name) = name.as_string() else {
            continue;
        };
        if let Some(key) = name.strip_prefix("data-") {
            if let Some(value) = el.get_attribute(&name) {
                data.push((key.to_string(), value));
            }
        }
    }
    let json = el
        .query_selector("script[type='application/json']")
        .ok()
        .flatten()
        .and_then(|s| s.text_content());
    let page = page_location();
    let cfg = config::parse(&data, json.as_deref(), &page)?;
    if cfg.entry.is_some() && config::entry_from_hash(&page.hash).is_some() {
        net::forget_fragment();
    }
    Ok(cfg)
}

/// Mounts the app into `el`.
pub fn mount(el: web_sys::HtmlElement) {
    // Leave nothing the host put inside (its JSON script) visible twice.
    let cfg = read_config(&el);
    el.class_list().add_1("podium-root").ok();
    let handle = leptos::mount::mount_to(el, move || view! { <Root cfg=cfg/> });
    handle.forget();
}

#[component]
fn Root(cfg: Result<Config, String>) -> impl IntoView {
    let cfg = match cfg {
        Ok(cfg) => cfg,
        Err(detail) => {
            let i18n = I18n::default();
            return view! {
                <div class="podium-app">
                    <main class="center-card">
                        <h1>{i18n.t("app.name")}</h1>
                        <p role="alert">{i18n.tf("app.config_error", &[("detail", &detail)])}</p>
                    </main>
                </div>
            }
            .into_any();
        }
    };
    let i18n = I18n::new(cfg.strings.clone(), cfg.locale.clone());
    let mobile = cfg.mobile.unwrap_or_else(net::detect_mobile);
    match cfg.entry.clone() {
        None => view! {
            <div class="podium-app">
                <main class="center-card">
                    <h1>{i18n.t("app.name")}</h1>
                    <p role="alert">{i18n.t("app.no_entry")}</p>
                </main>
            </div>
        }
        .into_any(),
        Some(Entry::Token(token)) => {
            let fp = config::fingerprint(&Entry::Token(token.clone()));
            view! { <Session cfg=cfg i18n=i18n mobile=mobile auth=Auth::Token { token } fp=fp/> }
                .into_any()
        }
        Some(Entry::Invite(code)) => {
            let fp = config::fingerprint(&Entry::Invite(code.clone()));
            let name = RwSignal::new(None::<String>);
            let i18n2 = i18n.clone();
            view! {
                {move || match name.get() {
                    None => view! { <ui::name_prompt::NamePrompt i18n=i18n2.clone() on_name=move |n| name.set(Some(n))/> }.into_any(),
                    Some(n) => view! {
                        <Session cfg=cfg.clone() i18n=i18n2.clone() mobile=mobile
                            auth=Auth::Invite { code: code.clone(), name: n, guest: net::guest_key() } fp=fp.clone()/>
                    }.into_any(),
                }}
            }
            .into_any()
        }
    }
}

#[component]
fn Session(cfg: Config, i18n: I18n, mobile: bool, auth: Auth, fp: String) -> impl IntoView {
    let room = RwSignal::new(None::<RoomState>);
    let ctx_slot: StoredValue<Option<Ctx>> = StoredValue::new(None);
    let on_msg: Rc<dyn Fn(ServerMsg)> = Rc::new(move |msg| {
        if let Some(ctx) = ctx_slot.get_value() {
            ctx.on_server(msg);
        }
    });
    let net = net::start(cfg.ws_url.clone(), auth, fp, mobile, on_msg);
    let people = Memo::new(move |_| room.with(|r| r.as_ref().map(|r| r.people_version)));
    let ctx = Ctx {
        room,
        people,
        net,
        media: Media::new(net, cfg.relay_only),
        devices: RwSignal::new(Prefs::load()),
        i18n: StoredValue::new(i18n),
        entered: RwSignal::new(mobile),
        get_ready: RwSignal::new(false),
        tab: RwSignal::new(if mobile { Tab::Stage } else { Tab::Chat }),
        toasts: RwSignal::new(Vec::new()),
        polite: RwSignal::new(String::new()),
        assertive: RwSignal::new(String::new()),
        bursts: RwSignal::new(Vec::new()),
        fatal: RwSignal::new(None),
        want_media: RwSignal::new(None),
        invited: Memo::new(move |_| {
            room.with(|r| r.as_ref().map(|r| r.invited.clone()).unwrap_or_default())
        }),
        mobile,
        join_url: StoredValue::new(config::join_page_url(&cfg.ws_url)),
        next_id: StoredValue::new(0),
    };
    ctx_slot.set_value(Some(ctx));
    provide_context(ctx);

    // Going on stage: turn on what was chosen in the devices window, and say so.
    let stage = Memo::new(move |_| room.with(|r| r.as_ref().map(|r| r.you.stage)));
    Effect::new(move |prev: Option<Option<StageAccess>>| {
        let now = stage.get();
        if now == Some(StageAccess::OnStage) && prev.flatten() != Some(StageAccess::OnStage) {
            ctx.get_ready.set(false);
            ctx.entered.set(true);
            if let Some((mic, camera)) = ctx.want_media.get_untracked() {
                ctx.want_media.set(None);
                if mic || camera {
                    ctx.send(ClientMsg::SetMedia {
                        mic,
                        camera,
                        screen: false,
                    });
                }
            }
            if prev.flatten().is_some() {
                ctx.announce(ctx.t("notice.on_stage"), false);
            }
        }
        if now != Some(StageAccess::Invited) && now != Some(StageAccess::Direct) {
            ctx.get_ready.set(false);
        }
        now
    });
    // What is sent follows the room: on stage with the microphone, camera and screen the room
    // says are on, from the devices chosen. A moderator's mute or a removal stops it the same
    // way. The sound plays through the chosen speaker.
    Effect::new(move |sent: Option<Want>| {
        let (on_stage, mic, camera, screen) = room.with(|r| {
            r.as_ref()
                .map(|r| {
                    let me = r.me();
                    (
                        r.you.stage == StageAccess::OnStage,
                        me.is_some_and(|p| p.mic),
                        me.is_some_and(|p| p.camera),
                        me.is_some_and(|p| p.screen),
                    )
                })
                .unwrap_or_default()
        });
        let want = ctx.devices.with(|d| Want {
            on_stage,
            mic,
            camera,
            screen,
            mic_device: d.microphone.clone(),
            camera_device: d.camera.clone(),
            speaker: d.speaker.clone(),
        });
        if sent.as_ref() != Some(&want) {
            ctx.media.publish(want.clone());
        }
        want
    });
    ctx.media.on_problem(Rc::new(move |e| {
        let text = match &e {
            crate::media::MediaError::Other(detail) => {
                ctx.tf("devices.failed", &[("detail", detail)])
            }
            other => ctx.t(other.key()),
        };
        ctx.toast(ToastKind::Error, text);
    }));
    let conn = ctx.net.conn;
    #[derive(Clone, PartialEq)]
    enum Screen {
        Ended(String),
        Connecting,
        Entry,
        Room,
    }
    let screen = Memo::new(move |_| {
        let has_room = room.with(|r| r.is_some());
        if let Some(reason) = ctx
            .fatal
            .get()
            .filter(|_| conn.get() == Conn::Closed || !has_room)
        {
            return Screen::Ended(reason);
        }
        if !has_room {
            Screen::Connecting
        } else if !ctx.entered.get() {
            Screen::Entry
        } else {
            Screen::Room
        }
    });
    view! {
        <div class="podium-app" class=("is-mobile", mobile)>
            {move || match screen.get() {
                Screen::Ended(reason) => view! { <ui::notices::Ended message=reason/> }.into_any(),
                Screen::Connecting => view! { <ui::notices::Connecting/> }.into_any(),
                Screen::Entry => view! { <ui::set_devices::EntryScreen/> }.into_any(),
                Screen::Room => view! { <ui::room::RoomView/> }.into_any(),
            }}
            <ui::notices::Notices/>
        </div>
    }
}

/// The element a host page gives by id (`podium`) when it does not call `mount` itself.
pub fn auto_mount() {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(el) = doc.get_element_by_id("podium") else {
        return;
    };
    if el.get_attribute("data-manual").is_some() {
        return;
    }
    if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
        mount(el);
    }
}
