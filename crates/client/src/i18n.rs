//! Every string a person sees, with its English default, keyed. A host page replaces any of them
//! with a strings map (the Moodle plugin passes its language strings); `{name}`-style placeholders
//! are filled in by [`I18n::tf`]. Error codes are keyed `error.<code>` and close reasons
//! `closing.<reason>`; without an override the server's own (English) message is shown.

use std::collections::HashMap;
use std::sync::Arc;

use podium_protocol::{CloseReason, ErrorCode, Reaction, Role, StageMode};

/// The English defaults. Keys are stable: host pages translate by them.
pub const DEFAULTS: &[(&str, &str)] = &[
    // Entering.
    ("app.name", "Podium"),
    ("app.untitled", "Live session"),
    ("app.no_entry", "This page was opened without an access link. Open the session from your course page."),
    ("app.config_error", "This session could not start: {detail}"),
    ("app.reload", "Reload"),
    ("entry.set_devices", "Set devices"),
    ("entry.intro", "Check your camera, microphone and speakers, then choose how to enter."),
    ("entry.join_as_viewer", "Join as viewer"),
    ("entry.join_as_viewer_hint", "Enter with your camera and microphone off."),
    ("entry.join_stage", "Join stage"),
    ("entry.join_stage_hint", "Enter on stage with your microphone and/or camera on."),
    ("entry.connecting", "Connecting to the session…"),
    ("invite.title", "You have an invitation"),
    ("invite.intro", "Enter the name the others will see."),
    ("invite.name", "Your name"),
    ("invite.join", "Join"),
    // Devices.
    ("devices.camera", "Camera"),
    ("devices.microphone", "Microphone"),
    ("devices.speaker", "Speaker"),
    ("devices.preview", "Camera preview"),
    ("devices.level", "Microphone level"),
    ("devices.check", "Check camera and microphone"),
    ("devices.check_hint", "Your browser will ask for permission. Nothing is shared until you join the stage."),
    ("devices.test_sound", "Play test sound"),
    ("devices.no_sink", "This browser does not let a page choose the speaker; sound plays through your system's default output."),
    ("devices.none_found", "No camera or microphone was found. You can still join as a viewer."),
    ("devices.no_camera", "No camera found"),
    ("devices.no_microphone", "No microphone found"),
    ("devices.default", "Default"),
    ("devices.unnamed", "{kind} {n}"),
    ("devices.denied", "Access to the camera and microphone was refused. To use them, allow them in your browser's site settings, then check again. You can still join as a viewer."),
    ("devices.not_found", "No camera or microphone was found. Connect one and check again, or join as a viewer."),
    ("devices.in_use", "The camera or microphone is being used by another application. Close it and check again, or join as a viewer."),
    ("devices.unsupported", "This browser cannot use a camera or microphone on this page. You can still join as a viewer."),
    ("devices.failed", "The camera or microphone could not be started: {detail}"),
    ("devices.mic_on", "Microphone on"),
    ("devices.camera_on", "Camera on"),
    ("devices.camera_off_preview", "Camera off"),
    // Stage access.
    ("stage.join_stage", "Join stage"),
    ("stage.ask", "Ask to join stage"),
    ("stage.cancel_request", "Cancel request"),
    ("stage.waiting", "Waiting for a moderator…"),
    ("stage.get_ready", "Get ready to join the stage"),
    ("stage.get_ready_intro", "Choose your camera and microphone, then join the stage."),
    ("stage.invited_title", "Join the stage?"),
    ("stage.invited_by", "{name} invites you to join the stage."),
    ("stage.invited", "A moderator invites you to join the stage."),
    ("stage.approved", "Your request was approved. You can join the stage now."),
    ("stage.join_the_stage", "Join the stage"),
    ("stage.decline", "Decline"),
    ("stage.not_now", "Not now"),
    ("stage.empty_title", "The stage is empty"),
    ("stage.empty", "When someone joins the stage, they appear here."),
    ("stage.seats", "{count} of {limit} on stage"),
    ("stage.label", "Stage"),
    ("stage.no_leave_hint", "Only a moderator can remove you from the stage. You can turn your microphone and camera off at any time."),
    // Toolbar.
    ("toolbar.label", "Session controls"),
    ("toolbar.mic", "Microphone"),
    ("toolbar.camera", "Camera"),
    ("toolbar.mic_off", "Turn microphone off"),
    ("toolbar.mic_on", "Turn microphone on"),
    ("toolbar.camera_off", "Turn camera off"),
    ("toolbar.camera_on", "Turn camera on"),
    ("toolbar.raise_hand", "Raise hand"),
    ("toolbar.lower_hand", "Lower hand"),
    ("toolbar.reactions", "Reactions"),
    ("toolbar.requests", "Requests"),
    ("toolbar.requests_count", "{count} waiting"),
    ("toolbar.share_screen", "Share screen"),
    ("toolbar.stop_sharing", "Stop sharing"),
    ("toolbar.devices", "Devices"),
    ("devices.done", "Done"),
    // Live media.
    ("media.sound_blocked", "Your browser is keeping the session's sound off until you allow it."),
    ("media.turn_on_sound", "Turn on sound"),
    ("media.screen_of", "Screen shared by {name}"),
    ("media.screen_failed", "The screen could not be shared."),
    ("media.speaking", "Speaking"),
    // Panels and tabs.
    ("tabs.label", "Panels"),
    ("tabs.stage", "Stage"),
    ("tabs.chat", "Chat"),
    ("tabs.participants", "Participants"),
    ("tabs.polls", "Polls"),
    ("tabs.requests", "Requests"),
    ("tabs.manage", "Manage"),
    // Participants.
    ("people.on_stage", "On stage"),
    ("people.viewers", "Viewers"),
    ("people.none", "Nobody here yet."),
    ("people.find", "Find a person"),
    ("people.more", "{count} more. Find a person to see them."),
    ("people.no_match", "Nobody by that name."),
    ("people.you", "(you)"),
    ("people.hand", "Hand raised, {place} in line"),
    ("people.mic_on", "Microphone on"),
    ("people.mic_off", "Microphone off"),
    ("people.camera_on", "Camera on"),
    ("people.camera_off", "Camera off"),
    ("people.away", "Reconnecting"),
    ("people.phone", "On a phone"),
    ("people.actions", "Actions for {name}"),
    ("people.invite", "Invite to stage"),
    ("people.cancel_invite", "Cancel invitation"),
    ("people.remove_from_stage", "Remove from stage"),
    ("people.mute", "Mute"),
    ("people.lower_hand", "Lower hand"),
    ("people.lower_all_hands", "Lower all hands"),
    ("people.remove", "Remove from session"),
    ("people.remove_confirm", "Remove {name} from the session? They cannot come back unless you let them back in."),
    ("people.hands", "Raised hands"),
    ("role.moderator", "Moderator"),
    ("role.presenter", "Presenter"),
    ("role.attendee", "Attendee"),
    // Chat.
    ("chat.label", "Chat"),
    ("chat.empty", "No messages yet. Say hello!"),
    ("chat.input", "Message"),
    ("chat.placeholder", "Write a message…"),
    ("chat.send", "Send"),
    ("chat.delete", "Delete message"),
    ("chat.delete_from", "Delete message from {name}"),
    ("chat.too_long", "{count} characters over the limit"),
    // Reactions.
    ("reaction.thumbs_up", "Thumbs up"),
    ("reaction.heart", "Heart"),
    ("reaction.laugh", "Laugh"),
    ("reaction.surprised", "Surprised"),
    ("reaction.clap", "Clap"),
    ("reaction.celebrate", "Celebrate"),
    ("reaction.from", "{name} reacted {reaction}"),
    // Polls.
    ("polls.empty", "No polls yet."),
    ("polls.new", "New poll"),
    ("polls.question", "Question"),
    ("polls.option", "Option {n}"),
    ("polls.add_option", "Add option"),
    ("polls.remove_option", "Remove option {n}"),
    ("polls.multiple", "Allow several answers"),
    ("polls.quiz", "Quiz: mark the right answers"),
    ("polls.correct", "Right answer"),
    ("polls.start", "Start poll"),
    ("polls.cancel", "Cancel"),
    ("polls.submit", "Submit answer"),
    ("polls.answered", "Your answer was counted."),
    ("polls.end", "End poll"),
    ("polls.share", "Share results"),
    ("polls.shared", "Results shared"),
    ("polls.open", "Open"),
    ("polls.ended", "Ended"),
    ("polls.quiz_badge", "Quiz"),
    ("polls.answers", "{count} answered"),
    ("polls.votes", "{count} ({percent}%)"),
    ("polls.right", "Right answer"),
    ("polls.your_choice", "Your answer"),
    ("polls.waiting_results", "Results appear here when the moderator shares them."),
    // Moderator panels.
    ("requests.title", "Requests to join the stage"),
    ("requests.empty", "No one is waiting."),
    ("requests.approve", "Approve"),
    ("requests.decline", "Decline"),
    ("requests.approve_name", "Approve {name}"),
    ("requests.decline_name", "Decline {name}"),
    ("requests.since", "asked at {time}"),
    ("manage.stage_mode", "Stage access"),
    ("mode.open", "Open: anyone can join the stage"),
    ("mode.request", "On request: attendees ask, a moderator approves"),
    ("mode.invite", "By invitation only"),
    ("links.title", "Invitation links"),
    ("links.intro", "A link lets someone without a course account join this session as a presenter or moderator."),
    ("links.role", "Joins as"),
    ("links.expires_in", "Valid for"),
    ("links.hour", "1 hour"),
    ("links.day", "1 day"),
    ("links.week", "7 days"),
    ("links.month", "30 days"),
    ("links.create", "Create link"),
    ("links.empty", "No invitation links yet."),
    ("links.copy", "Copy link"),
    ("links.copied", "Link copied."),
    ("links.revoke", "Revoke"),
    ("links.revoked", "Revoked"),
    ("links.expired", "Expired"),
    ("links.expires", "Valid until {time}"),
    ("links.link_for", "Invitation link for a {role}"),
    ("banned.title", "Removed from the session"),
    ("banned.lift", "Let back in"),
    ("banned.lift_name", "Let {name} back in"),
    // Notices.
    ("notice.stage_requested", "{name} asks to join the stage."),
    ("notice.request_approved", "Your request was approved. You can join the stage now."),
    ("notice.request_declined", "Your request to join the stage was declined. You can ask again later."),
    ("notice.request_closed", "The stage settings changed, so your request was closed."),
    ("notice.invited", "{name} invites you to join the stage."),
    ("notice.invitation_cancelled", "The invitation to join the stage was withdrawn."),
    ("notice.invitation_declined", "{name} declined the invitation to join the stage."),
    ("notice.removed_from_stage", "A moderator removed you from the stage."),
    ("notice.muted", "A moderator turned your microphone off."),
    ("notice.hand_lowered", "A moderator lowered your hand."),
    ("notice.on_stage", "You are on stage."),
    ("notice.dismiss", "Dismiss"),
    ("notice.not_connected", "You are not connected right now. Try again in a moment."),
    ("notice.stage_mode", "Stage access changed: {mode}"),
    // Connection.
    ("conn.connecting", "Connecting…"),
    ("conn.connected", "Connected"),
    ("conn.reconnecting", "Reconnecting…"),
    ("conn.offline", "Offline. Trying again…"),
    ("conn.closed", "Disconnected"),
    ("conn.ended_title", "You have left the session"),
    ("error.generic", "Something went wrong. Try again."),
    // Dialogs.
    ("dialog.close", "Close"),
];

#[derive(Clone, Debug, Default)]
pub struct I18n {
    overrides: Arc<HashMap<String, String>>,
    locale: Option<Arc<str>>,
}

impl I18n {
    pub fn new(overrides: HashMap<String, String>, locale: Option<String>) -> Self {
        I18n {
            overrides: Arc::new(overrides),
            locale: locale.map(Arc::from),
        }
    }

    /// The language tag for dates and numbers, if the host gave one.
    pub fn locale(&self) -> Option<&str> {
        self.locale.as_deref()
    }

    /// The string for `key`: the host's override, else the English default, else the key itself.
    pub fn t(&self, key: &str) -> String {
        if let Some(s) = self.overrides.get(key) {
            return s.clone();
        }
        DEFAULTS
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| (*v).to_string())
            .unwrap_or_else(|| key.to_string())
    }

    /// [`I18n::t`] with `{name}` placeholders filled in.
    pub fn tf(&self, key: &str, args: &[(&str, &str)]) -> String {
        fill(&self.t(key), args)
    }

    /// A readable message for a server error: the host's translation of its code, else the
    /// server's message, else the English default for the code.
    pub fn error(&self, code: ErrorCode, message: &str) -> String {
        let key = format!("error.{}", wire_name(&code));
        if let Some(s) = self.overrides.get(&key) {
            return s.clone();
        }
        if !message.trim().is_empty() {
            return message.to_string();
        }
        // The server always sends a message; the code's own English is not worth its bytes here.
        self.t("error.generic")
    }

    pub fn closing(&self, reason: CloseReason, message: &str) -> String {
        let key = format!("closing.{}", wire_name(&reason));
        if let Some(s) = self.overrides.get(&key) {
            return s.clone();
        }
        if !message.trim().is_empty() {
            return message.to_string();
        }
        self.t("conn.closed")
    }

    pub fn role(&self, role: Role) -> String {
        self.t(match role {
            Role::Moderator => "role.moderator",
            Role::Presenter => "role.presenter",
            Role::Attendee => "role.attendee",
        })
    }

    pub fn mode(&self, mode: StageMode) -> String {
        self.t(match mode {
            StageMode::Open => "mode.open",
            StageMode::Request => "mode.request",
            StageMode::Invite => "mode.invite",
        })
    }

    pub fn reaction(&self, reaction: Reaction) -> String {
        self.t(&format!("reaction.{}", wire_name(&reaction)))
    }

    /// A count formatted for the locale.
    pub fn number(&self, n: u64) -> String {
        format_number(n, self.locale())
    }
}

/// Fills `{name}` placeholders.
pub fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut out = template.to_string();
    for (name, value) in args {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

/// The snake_case wire name of a unit enum value.
pub fn wire_name<T: serde::Serialize>(value: &T) -> String {
    // A unit variant serializes as a JSON string: drop the quotes.
    serde_json::to_string(value)
        .map(|s| s.trim_matches('"').to_string())
        .unwrap_or_default()
}

#[cfg(target_arch = "wasm32")]
fn format_number(n: u64, locale: Option<&str>) -> String {
    let locales = js_sys::Array::new();
    if let Some(l) = locale {
        locales.push(&wasm_bindgen::JsValue::from_str(l));
    }
    let format = js_sys::Intl::NumberFormat::new(&locales, &js_sys::Object::new());
    let f = format.format();
    f.call1(
        &wasm_bindgen::JsValue::NULL,
        &wasm_bindgen::JsValue::from_f64(n as f64),
    )
    .ok()
    .and_then(|v| v.as_string())
    .unwrap_or_else(|| n.to_string())
}

#[cfg(not(target_arch = "wasm32"))]
fn format_number(n: u64, _locale: Option<&str>) -> String {
    n.to_string()
}

/// A time of day (`14:05`) formatted for the locale, from milliseconds since the epoch.
#[cfg(target_arch = "wasm32")]
pub fn format_time(ms: u64, locale: Option<&str>, with_date: bool) -> String {
    use wasm_bindgen::JsValue;
    let locales = js_sys::Array::new();
    if let Some(l) = locale {
        locales.push(&JsValue::from_str(l));
    }
    let options = js_sys::Object::new();
    let set = |k: &str, v: &str| {
        let _ = js_sys::Reflect::set(&options, &JsValue::from_str(k), &JsValue::from_str(v));
    };
    if with_date {
        set("dateStyle", "medium");
        set("timeStyle", "short");
    } else {
        set("hour", "2-digit");
        set("minute", "2-digit");
    }
    let format = js_sys::Intl::DateTimeFormat::new(&locales, &options);
    let date = js_sys::Date::new(&JsValue::from_f64(ms as f64));
    format
        .format()
        .call1(&JsValue::NULL, &date)
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default()
}

#[cfg(not(target_arch = "wasm32"))]
pub fn format_time(ms: u64, _locale: Option<&str>, _with_date: bool) -> String {
    ms.to_string()
}
