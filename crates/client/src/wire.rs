//! Decoding JSON in the browser. Every text is read once into a `serde_json::Value` and the
//! server's tagged messages are taken apart by their `type` here, so that serde's generic
//! buffering of internally tagged enums (and a second copy of every decoder for it) stays out of
//! the download. The wire format is the protocol crate's; this only reads it.

mod value;

use podium_protocol::{Event, Notice, ServerMsg};
use serde::de::DeserializeOwned;
use serde_json::Value;
use value::from_value;

/// Reads any JSON text into `T` (through one `Value`, so there is one JSON reader in the build).
/// Values are read by [`value`], whose errors carry no message.
pub fn parse<T: DeserializeOwned>(text: &str) -> Option<T> {
    let value: Value = serde_json::from_str(text).ok()?;
    from_value(&value)
}

/// A required field.
fn req<T: DeserializeOwned>(v: &Value, key: &str) -> Option<T> {
    from_value(v.get(key)?)
}

/// A field that may be left out (`#[serde(default)]` on the wire).
fn opt<T: DeserializeOwned + Default>(v: &Value, key: &str) -> Option<T> {
    match v.get(key) {
        None | Some(Value::Null) => Some(T::default()),
        Some(x) => from_value(x),
    }
}

fn tag(v: &Value, key: &str) -> Option<String> {
    v.get(key)?.as_str().map(str::to_string)
}

/// One server message, or `None` for anything this client does not understand.
pub fn server_msg(text: &str) -> Option<ServerMsg> {
    let v: Value = serde_json::from_str(text).ok()?;
    Some(match tag(&v, "type")?.as_str() {
        "welcome" => ServerMsg::Welcome {
            protocol: req(&v, "protocol")?,
            resume: req(&v, "resume")?,
            snapshot: req(&v, "snapshot")?,
            ice_servers: opt(&v, "ice_servers")?,
        },
        "event" => ServerMsg::Event {
            seq: req(&v, "seq")?,
            event: event(v.get("event")?)?,
        },
        "snapshot" => ServerMsg::Snapshot {
            snapshot: req(&v, "snapshot")?,
        },
        "participants" => ServerMsg::Participants {
            participants: req(&v, "participants")?,
        },
        "chat_history" => ServerMsg::ChatHistory {
            messages: req(&v, "messages")?,
        },
        "error" => ServerMsg::Error {
            code: req(&v, "code")?,
            message: req(&v, "message")?,
            command: opt(&v, "command")?,
        },
        "closing" => ServerMsg::Closing {
            reason: req(&v, "reason")?,
            message: req(&v, "message")?,
        },
        "pong" => ServerMsg::Pong,
        "media_answer" => ServerMsg::MediaAnswer {
            sdp: req(&v, "sdp")?,
        },
        "media_offer" => ServerMsg::MediaOffer {
            sdp: req(&v, "sdp")?,
        },
        "media_tracks" => ServerMsg::MediaTracks {
            tracks: req(&v, "tracks")?,
        },
        _ => return None,
    })
}

fn event(v: &Value) -> Option<Event> {
    Some(match tag(v, "type")?.as_str() {
        "people" => Event::People {
            people: opt(v, "people")?,
            left: opt(v, "left")?,
        },
        "updated" => Event::Updated {
            participant: req(v, "participant")?,
        },
        "stage_mode_changed" => Event::StageModeChanged {
            mode: req(v, "mode")?,
        },
        "features_changed" => Event::FeaturesChanged {
            features: req(v, "features")?,
        },
        "title_changed" => Event::TitleChanged {
            title: opt(v, "title")?,
        },
        "you" => Event::You {
            you: req(v, "you")?,
        },
        "requests" => Event::Requests {
            requests: req(v, "requests")?,
        },
        "invitations" => Event::Invitations {
            invited: req(v, "invited")?,
        },
        "notice" => Event::Notice {
            notice: notice(v.get("notice")?)?,
        },
        "chat" => Event::Chat {
            message: req(v, "message")?,
        },
        "chat_deleted" => Event::ChatDeleted {
            message: req(v, "message")?,
        },
        "reactions" => Event::Reactions {
            reactions: req(v, "reactions")?,
        },
        "poll" => Event::Poll {
            poll: req(v, "poll")?,
        },
        "answered" => Event::Answered {
            answer: req(v, "answer")?,
        },
        "invite_links" => Event::InviteLinks {
            links: req(v, "links")?,
        },
        "banned" => Event::Banned {
            banned: req(v, "banned")?,
        },
        _ => return None,
    })
}

fn notice(v: &Value) -> Option<Notice> {
    Some(match tag(v, "kind")?.as_str() {
        "stage_requested" => Notice::StageRequested {
            participant: req(v, "participant")?,
            name: req(v, "name")?,
        },
        "request_approved" => Notice::RequestApproved,
        "request_declined" => Notice::RequestDeclined,
        "request_closed" => Notice::RequestClosed,
        "invited" => Notice::Invited { by: req(v, "by")? },
        "invitation_cancelled" => Notice::InvitationCancelled,
        "invitation_declined" => Notice::InvitationDeclined {
            participant: req(v, "participant")?,
            name: req(v, "name")?,
        },
        "removed_from_stage" => Notice::RemovedFromStage,
        "muted" => Notice::Muted,
        "hand_lowered" => Notice::HandLowered,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use podium_protocol::{ErrorCode, StageMode};
    use wasm_bindgen_test::wasm_bindgen_test;

    /// Every message decodes here exactly as serde's own decoder reads it.
    fn same(msg: ServerMsg) {
        let text = serde_json::to_string(&msg).unwrap();
        assert_eq!(server_msg(&text), Some(msg.clone()), "{text}");
        assert_eq!(serde_json::from_str::<ServerMsg>(&text).ok(), Some(msg));
    }

    #[wasm_bindgen_test]
    fn decodes_like_serde() {
        same(ServerMsg::Pong);
        same(ServerMsg::error(ErrorCode::StageFull, Some("join_stage")));
        same(ServerMsg::error(ErrorCode::InvalidToken, None));
        same(ServerMsg::closing(podium_protocol::CloseReason::Removed));
        same(ServerMsg::Event {
            seq: 7,
            event: Event::StageModeChanged {
                mode: StageMode::Open,
            },
        });
        same(ServerMsg::Event {
            seq: 8,
            event: Event::Notice {
                notice: Notice::InvitationDeclined {
                    participant: 3,
                    name: "Ana".into(),
                },
            },
        });
        same(ServerMsg::Event {
            seq: 9,
            event: Event::Notice {
                notice: Notice::Muted,
            },
        });
        same(ServerMsg::MediaOffer { sdp: "v=0".into() });
    }

    #[wasm_bindgen_test]
    fn unknown_types_are_skipped() {
        assert_eq!(server_msg(r#"{"type":"nope"}"#), None);
        assert_eq!(
            server_msg(r#"{"type":"event","seq":1,"event":{"type":"nope"}}"#),
            None
        );
        assert_eq!(server_msg("not json"), None);
    }

    #[wasm_bindgen_test]
    fn values_of_the_wrong_shape_are_refused() {
        let stage_mode = |mode: &str| {
            server_msg(&format!(
                r#"{{"type":"event","seq":1,"event":{{"type":"stage_mode_changed","mode":{mode}}}}}"#
            ))
        };
        assert!(stage_mode(r#""invite""#).is_some());
        assert_eq!(stage_mode(r#""nope""#), None);
        assert_eq!(stage_mode("1.5"), None);
        assert_eq!(
            server_msg(r#"{"type":"event","seq":1.5,"event":{"type":"you"}}"#),
            None
        );
        assert_eq!(
            server_msg(r#"{"type":"event","seq":-1,"event":{"type":"you"}}"#),
            None
        );
        assert_eq!(parse::<Vec<u8>>("[1, 2, 300]"), None);
        assert_eq!(parse::<Vec<u8>>("[1, 2, 3]"), Some(vec![1, 2, 3]));
        assert_eq!(parse::<Option<String>>("null"), Some(None));
        assert_eq!(parse::<Option<String>>(r#""a""#), Some(Some("a".into())));
        assert_eq!(parse::<(u8, bool)>("[1, true, 2]"), None);
    }
}
