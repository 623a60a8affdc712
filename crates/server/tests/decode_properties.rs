//! Whatever arrives on a socket, the server's decode path (size cap, JSON, field caps) answers
//! it without panicking, and whatever it lets through, the room takes without panicking and the
//! store can keep and give back unchanged (so a replay after a restart sees the same input).
//!
//! The number of cases follows `PROPTEST_CASES` (256 by default); `cargo xtask fuzz` raises it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Instant;

use axum::extract::ws::Message;
use podium_protocol::{ClientMsg, Role, CLIENT_MESSAGE_TYPES, MAX_FRAME_BYTES};
use podium_room::{Entrant, Input, Room, RoomConfig};
use podium_server::rate::TokenBucket;
use podium_server::session::{decode, Incoming};
use proptest::prelude::*;
use serde_json::{json, Map, Value};

/// Every type a client may send, and two it may not.
fn kinds() -> Vec<&'static str> {
    let mut kinds = CLIENT_MESSAGE_TYPES.to_vec();
    kinds.extend(["become_moderator", ""]);
    kinds
}

const FIELDS: [&str; 24] = [
    "text",
    "sdp",
    "candidate",
    "participant",
    "poll",
    "choices",
    "question",
    "options",
    "identity",
    "id",
    "role",
    "mode",
    "reaction",
    "mic",
    "camera",
    "screen",
    "multiple",
    "correct",
    "expires_in_secs",
    "auth",
    "protocol",
    "tracks",
    "message",
    "mobile",
];

/// Values of the kinds the fields take, at their edges, and anything else.
fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        Just(json!(u64::MAX)),
        Just(json!(1e300)),
        Just(json!(-0.5)),
        any::<String>().prop_map(Value::from),
        "[a-z_]{0,12}".prop_map(Value::from),
        proptest::sample::select(vec![
            "moderator",
            "presenter",
            "attendee",
            "open",
            "request",
            "invite",
            "heart",
            "thumbs_up",
            "video",
            "audio",
            "screen",
            "token",
            "resume",
        ])
        .prop_map(Value::from),
        (0usize..70_000).prop_map(|n| Value::from("x".repeat(n))),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(4, 48, 8, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..12).prop_map(Value::from),
            proptest::collection::vec(0u8..12, 0..40).prop_map(|v| json!(v)),
            proptest::collection::btree_map("[a-z_]{1,10}", inner, 0..5)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
            leaf().prop_map(|token| json!({"type": "token", "token": token})),
            (leaf(), leaf())
                .prop_map(|(code, name)| json!({"type": "invite", "code": code, "name": name})),
        ]
    })
}

/// Something shaped like a client message: a known (or unknown) type with likely fields.
fn message() -> impl Strategy<Value = Value> {
    (
        proptest::sample::select(kinds()),
        proptest::collection::btree_map(proptest::sample::select(FIELDS.to_vec()), value(), 0..5),
    )
        .prop_map(|(kind, fields)| {
            let mut map: Map<String, Value> = fields
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect();
            map.insert("type".into(), Value::from(kind));
            Value::Object(map)
        })
}

/// A frame as a socket might carry it: a message, a message cut or spliced, or any bytes.
fn frame() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => message().prop_map(|m| m.to_string()),
        1 => (message(), any::<prop::sample::Index>()).prop_map(|(m, at)| {
            let s = m.to_string();
            let cut = at.index(s.len() + 1);
            s.get(..cut).unwrap_or(&s).to_string()
        }),
        1 => proptest::collection::vec(any::<u8>(), 0..512)
            .prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
        1 => (message(), any::<String>()).prop_map(|(m, junk)| format!("{m}{junk}")),
    ]
}

fn moderator() -> Entrant {
    Entrant {
        identity: "site:1".into(),
        name: "Mona".into(),
        role: Role::Moderator,
        picture: None,
        mobile: false,
        via_link: None,
    }
}

fn cases() -> ProptestConfig {
    ProptestConfig {
        max_shrink_iters: 2_000,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(cases())]

    #[test]
    fn any_frame_is_decoded_or_refused_and_what_passes_is_safe(frames in proptest::collection::vec(frame(), 1..24)) {
        let mut room = Room::new(RoomConfig::default());
        room.handle(1_000, Input::Connect { conn: 1, entrant: moderator() });
        let mut bucket = TokenBucket::new(1e9, 1e9, Instant::now());
        for (i, text) in frames.into_iter().enumerate() {
            // Through the socket reader, as text and as a binary frame.
            let binary = podium_server::session::read(
                Some(Ok(Message::Binary(text.clone().into_bytes().into()))),
                &mut bucket,
            );
            prop_assert!(matches!(binary, Incoming::Refused(_)));
            let read = podium_server::session::read(Some(Ok(Message::Text(text.clone().into()))), &mut bucket);
            let direct = decode(&text);
            prop_assert_eq!(format!("{read:?}"), format!("{direct:?}"));
            match direct {
                Incoming::Msg(msg) => {
                    prop_assert!(text.len() <= MAX_FRAME_BYTES);
                    prop_assert_eq!(msg.check_limits(), Ok(()));
                    let input = Input::Command { conn: 1, msg };
                    // The store keeps inputs as JSON: it must give back exactly what it was given.
                    let stored = serde_json::to_string(&input).unwrap();
                    let back: Input = serde_json::from_str(&stored).unwrap();
                    prop_assert_eq!(&back, &input);
                    let _ = room.handle(1_000 + i as u64, input);
                }
                Incoming::Invalid { code, command } => {
                    let msg: ClientMsg = serde_json::from_str(&text).unwrap();
                    prop_assert_eq!(msg.check_limits(), Err(code));
                    prop_assert_eq!(msg.kind(), command);
                }
                Incoming::Refused(_) => {}
                other => prop_assert!(false, "unexpected {:?}", other),
            }
        }
        prop_assert!(room.snapshot_for(1).is_some());
    }
}
