//! Who is speaking: the audio levels in the connection's statistics (`audioLevel` of each
//! incoming audio track, and of this person's own microphone), read a few times a second.

use js_sys::Reflect;
use podium_protocol::{MediaKind, ParticipantId};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::RtcPeerConnection;

use super::Remote;

/// Below this level (0 to 1) nobody is speaking.
const THRESHOLD: f64 = 0.03;

fn number(v: &JsValue, key: &str) -> Option<f64> {
    Reflect::get(v, &key.into()).ok()?.as_f64()
}

fn text(v: &JsValue, key: &str) -> Option<String> {
    Reflect::get(v, &key.into()).ok()?.as_string()
}

/// The loudest voice above the threshold: a participant, with `me` for this person's own
/// microphone.
pub async fn loudest(
    pc: &RtcPeerConnection,
    remote: &[Remote],
    me: Option<ParticipantId>,
) -> Option<ParticipantId> {
    let report = JsFuture::from(pc.get_stats()).await.ok()?;
    let report: js_sys::Map = report.unchecked_into();
    let mut best: Option<(f64, ParticipantId)> = None;
    report.for_each(&mut |stat, _| {
        if text(&stat, "kind").as_deref() != Some("audio") {
            return;
        }
        let who = match text(&stat, "type").as_deref() {
            Some("inbound-rtp") => {
                let mid = text(&stat, "mid");
                remote
                    .iter()
                    .find(|r| r.kind == MediaKind::Audio && Some(&r.mid) == mid.as_ref())
                    .map(|r| r.participant)
            }
            Some("media-source") => me,
            _ => None,
        };
        if let (Some(who), Some(level)) = (who, number(&stat, "audioLevel")) {
            if level > THRESHOLD && best.is_none_or(|(l, _)| level > l) {
                best = Some((level, who));
            }
        }
    });
    best.map(|(_, who)| who)
}
