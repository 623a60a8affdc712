//! Client logic that runs on its own, in a real browser (headless Chromium through chromedriver):
//! `cargo test -p podium-client --target wasm32-unknown-unknown`.
#![allow(clippy::unwrap_used)] // wasm_bindgen_test functions are tests; clippy does not know them.

use std::collections::HashMap;

use podium_client::config::{self, Entry, PageLocation};
use podium_client::i18n::{self, I18n};
use podium_client::net::backoff_ms;
use podium_client::state::{Applied, Effect, RoomState, ShownReaction};
use podium_protocol::{
    ChatMessage, ErrorCode, Event, Notice, ParticipantView, Reaction, ReactionFrom, Role, Snapshot,
    StageAccess, StageMode, YouView,
};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn page(hash: &str) -> PageLocation {
    PageLocation {
        protocol: "https:".into(),
        host: "podium.example".into(),
        hash: hash.into(),
    }
}

fn person(id: u64, name: &str) -> ParticipantView {
    ParticipantView {
        id,
        name: name.into(),
        role: Role::Attendee,
        picture: None,
        on_stage: false,
        hand: None,
        mic: false,
        camera: false,
        connected: true,
        mobile: false,
        screen: false,
    }
}

fn snapshot(seq: u64) -> Snapshot {
    Snapshot {
        seq,
        room_title: Some("Biology".into()),
        stage_mode: StageMode::Request,
        seat_limit: 6,
        features: Default::default(),
        you: YouView {
            participant: 1,
            name: "Sam".into(),
            role: Role::Attendee,
            stage: StageAccess::Ask,
            moderator: false,
        },
        participants: vec![person(1, "Sam"), person(2, "Ada")],
        chat: vec![],
        polls: vec![],
        my_answers: vec![],
        requests: vec![],
        invited: vec![],
        invite_links: vec![],
        banned: vec![],
    }
}

fn chat(id: u64, text: &str) -> ChatMessage {
    ChatMessage {
        id,
        from: 2,
        name: "Ada".into(),
        role: Role::Moderator,
        text: text.into(),
        at: 1_700_000_000_000 + id,
    }
}

// --- configuration ---

#[wasm_bindgen_test]
fn default_ws_url_is_same_origin() {
    let cfg = config::parse(&[], None, &page("#token=abc")).unwrap();
    assert_eq!(cfg.ws_url, "wss://podium.example/ws");
    assert_eq!(cfg.entry, Some(Entry::Token("abc".into())));
    let insecure = PageLocation {
        protocol: "http:".into(),
        host: "127.0.0.1:8080".into(),
        hash: String::new(),
    };
    assert_eq!(
        config::resolve_ws_url(None, &insecure),
        "ws://127.0.0.1:8080/ws"
    );
    assert_eq!(
        config::resolve_ws_url(Some("/podium/ws"), &insecure),
        "ws://127.0.0.1:8080/podium/ws"
    );
    assert_eq!(
        config::resolve_ws_url(Some("https://live.example/ws"), &insecure),
        "wss://live.example/ws"
    );
}

#[wasm_bindgen_test]
fn invitation_fragment_asks_for_a_name() {
    let cfg = config::parse(&[], None, &page("#invite=code%2D1")).unwrap();
    assert_eq!(cfg.entry, Some(Entry::Invite("code-1".into())));
    assert_eq!(config::entry_from_hash("#other=1"), None);
    assert_eq!(config::entry_from_hash(""), None);
}

#[wasm_bindgen_test]
fn data_attributes_win_over_json_and_fragment() {
    let json = r#"{"ws_url": "wss://a.example/ws", "token": "json-token", "strings": {"chat.send": "Senden"}, "locale": "de_DE"}"#;
    let data = vec![
        ("ws-url".to_string(), "wss://b.example/ws".to_string()),
        (
            "strings".to_string(),
            r#"{"tabs.chat": "Unterhaltung"}"#.to_string(),
        ),
        ("mobile".to_string(), "true".to_string()),
    ];
    let cfg = config::parse(&data, Some(json), &page("#token=hash-token")).unwrap();
    assert_eq!(cfg.ws_url, "wss://b.example/ws");
    assert_eq!(cfg.entry, Some(Entry::Token("json-token".into())));
    assert_eq!(
        cfg.strings.get("chat.send").map(String::as_str),
        Some("Senden")
    );
    assert_eq!(
        cfg.strings.get("tabs.chat").map(String::as_str),
        Some("Unterhaltung")
    );
    assert_eq!(cfg.mobile, Some(true));
    assert_eq!(cfg.locale.as_deref(), Some("de-DE"));
}

#[wasm_bindgen_test]
fn bad_json_is_reported_not_ignored() {
    assert!(config::parse(&[], Some("{not json"), &page("")).is_err());
    let cfg = config::parse(&[], None, &page("")).unwrap();
    assert_eq!(cfg.entry, None);
}

#[wasm_bindgen_test]
fn join_page_follows_the_socket_host() {
    assert_eq!(
        config::join_page_url("wss://podium.example/ws"),
        "https://podium.example/join"
    );
    assert_eq!(
        config::join_page_url("ws://127.0.0.1:8080/ws"),
        "http://127.0.0.1:8080/join"
    );
    let a = config::fingerprint(&Entry::Token("one".into()));
    assert_eq!(a, config::fingerprint(&Entry::Token("one".into())));
    assert_ne!(a, config::fingerprint(&Entry::Token("two".into())));
}

// --- strings ---

#[wasm_bindgen_test]
fn every_default_key_is_unique_and_nonempty() {
    let mut seen = std::collections::HashSet::new();
    for (k, v) in i18n::DEFAULTS {
        assert!(seen.insert(*k), "duplicate key {k}");
        assert!(!v.is_empty(), "empty default for {k}");
    }
    let t = I18n::default();
    assert_eq!(t.t("entry.join_as_viewer"), "Join as viewer");
    assert_eq!(t.t("stage.ask"), "Ask to join stage");
    assert_eq!(t.t("stage.cancel_request"), "Cancel request");
    assert_eq!(t.t("stage.join_the_stage"), "Join the stage");
    assert_eq!(t.t("people.on_stage"), "On stage");
    assert_eq!(t.t("people.viewers"), "Viewers");
    assert_eq!(t.t("toolbar.raise_hand"), "Raise hand");
    assert_eq!(t.t("toolbar.lower_hand"), "Lower hand");
}

#[wasm_bindgen_test]
fn host_strings_override_defaults_and_fill_placeholders() {
    let mut over = HashMap::new();
    over.insert(
        "entry.join_as_viewer".to_string(),
        "Als Zuschauer beitreten".to_string(),
    );
    over.insert(
        "notice.stage_requested".to_string(),
        "{name} möchte auf die Bühne.".to_string(),
    );
    over.insert(
        "error.stage_full".to_string(),
        "Die Bühne ist voll.".to_string(),
    );
    let t = I18n::new(over, Some("de".into()));
    assert_eq!(t.t("entry.join_as_viewer"), "Als Zuschauer beitreten");
    assert_eq!(
        t.tf("notice.stage_requested", &[("name", "Sam")]),
        "Sam möchte auf die Bühne."
    );
    assert_eq!(t.t("chat.send"), "Send");
    assert_eq!(t.t("no.such.key"), "no.such.key");
    // Errors: the host's translation of the code, else the server's message, else the default.
    assert_eq!(
        t.error(ErrorCode::StageFull, "The stage is full."),
        "Die Bühne ist voll."
    );
    assert_eq!(
        t.error(ErrorCode::NotModerator, "Only a moderator can do that."),
        "Only a moderator can do that."
    );
    assert_eq!(
        t.error(ErrorCode::RoomFull, ""),
        "Something went wrong. Try again."
    );
    assert_eq!(t.reaction(Reaction::ThumbsUp), "Thumbs up");
    assert_eq!(t.number(1234), "1.234");
}

// --- state ---

#[wasm_bindgen_test]
fn events_apply_in_order_and_stale_ones_are_ignored() {
    let mut s = RoomState::from_snapshot(snapshot(10));
    assert_eq!(
        s.apply(
            10,
            Event::Chat {
                message: chat(1, "old")
            }
        ),
        Applied::Stale
    );
    assert_eq!(
        s.apply(
            3,
            Event::Chat {
                message: chat(1, "older")
            }
        ),
        Applied::Stale
    );
    assert!(s.chat.is_empty());
    assert_eq!(
        s.apply(
            11,
            Event::Chat {
                message: chat(1, "hello")
            }
        ),
        Applied::Quiet
    );
    // Events for others leave gaps in seq: that is normal.
    assert_eq!(
        s.apply(
            15,
            Event::Chat {
                message: chat(2, "world")
            }
        ),
        Applied::Quiet
    );
    assert_eq!(s.seq, 15);
    assert_eq!(
        s.chat.iter().map(|m| m.text.as_str()).collect::<Vec<_>>(),
        ["hello", "world"]
    );
    assert_eq!(
        s.apply(16, Event::ChatDeleted { message: 1 }),
        Applied::Quiet
    );
    assert_eq!(s.chat.len(), 1);
}

#[wasm_bindgen_test]
fn participants_join_update_and_leave() {
    let mut s = RoomState::from_snapshot(snapshot(1));
    s.apply(
        2,
        Event::People {
            people: vec![person(3, "Lee")],
            left: vec![],
        },
    );
    assert_eq!(s.participants.len(), 3);
    let mut lee = person(3, "Lee");
    lee.on_stage = true;
    lee.mic = true;
    s.apply(3, Event::Updated { participant: lee });
    assert_eq!(s.on_stage().len(), 1);
    assert_eq!(s.viewers().len(), 2);
    s.apply(
        4,
        Event::People {
            people: vec![],
            left: vec![3],
        },
    );
    assert_eq!(s.participants.len(), 2);
    assert!(s.on_stage().is_empty());
}

#[wasm_bindgen_test]
fn the_people_version_moves_with_people_and_not_with_chat() {
    let mut s = RoomState::from_snapshot(snapshot(1));
    let v0 = s.people_version;
    s.apply(
        2,
        Event::Chat {
            message: chat(1, "hello"),
        },
    );
    assert_eq!(
        s.people_version, v0,
        "a chat message leaves the people views alone"
    );
    s.apply(
        3,
        Event::People {
            people: vec![person(3, "Lee")],
            left: vec![],
        },
    );
    let v1 = s.people_version;
    assert!(v1 > v0);
    s.apply(
        4,
        Event::Updated {
            participant: person(3, "Lee Ann"),
        },
    );
    let v2 = s.people_version;
    assert!(v2 > v1);
    s.apply(
        5,
        Event::People {
            people: vec![],
            left: vec![3],
        },
    );
    let v3 = s.people_version;
    assert!(v3 > v2);
    // A fresh snapshot may hold anyone: it counts as a change even if nothing else moved.
    s.replace(snapshot(6));
    assert!(s.people_version > v3);
}

#[wasm_bindgen_test]
fn hands_are_ordered_by_when_raised() {
    let mut s = RoomState::from_snapshot(snapshot(1));
    let mut ada = person(2, "Ada");
    ada.hand = Some(5);
    let mut sam = person(1, "Sam");
    sam.hand = Some(9);
    s.apply(2, Event::Updated { participant: sam });
    s.apply(3, Event::Updated { participant: ada });
    assert_eq!(s.hand_order(), vec![(2, 1), (1, 2)]);
    assert_eq!(s.hand_place(1), Some(2));
}

#[wasm_bindgen_test]
fn invitation_notices_and_stage_access() {
    let mut s = RoomState::from_snapshot(snapshot(1));
    let applied = s.apply(
        2,
        Event::Notice {
            notice: Notice::Invited { by: "Ada".into() },
        },
    );
    assert_eq!(
        applied,
        Applied::Effect(Effect::Notice(Notice::Invited { by: "Ada".into() }))
    );
    let mut you = s.you.clone();
    you.stage = StageAccess::Invited;
    s.apply(3, Event::You { you: you.clone() });
    assert_eq!(s.invited_by.as_deref(), Some("Ada"));
    // A fresh snapshot keeps who invited while the invitation stands.
    let mut snap = snapshot(4);
    snap.you = you.clone();
    s.replace(snap);
    assert_eq!(s.invited_by.as_deref(), Some("Ada"));
    you.stage = StageAccess::OnStage;
    s.apply(5, Event::You { you });
    assert_eq!(s.invited_by, None);
    assert_eq!(s.you.stage, StageAccess::OnStage);
}

#[wasm_bindgen_test]
fn reactions_and_mode_changes_are_effects() {
    let mut s = RoomState::from_snapshot(snapshot(1));
    assert_eq!(
        s.apply(
            2,
            Event::Reactions {
                reactions: vec![ReactionFrom {
                    from: 2,
                    reaction: Reaction::Heart
                }]
            }
        ),
        Applied::Effect(Effect::Reactions(vec![ShownReaction {
            from: 2,
            name: "Ada".into(),
            reaction: Reaction::Heart
        }]))
    );
    assert_eq!(
        s.apply(
            3,
            Event::StageModeChanged {
                mode: StageMode::Open
            }
        ),
        Applied::Effect(Effect::StageModeChanged(StageMode::Open))
    );
    assert_eq!(
        s.apply(
            4,
            Event::StageModeChanged {
                mode: StageMode::Open
            }
        ),
        Applied::Quiet
    );
}

// --- connection ---

#[wasm_bindgen_test]
fn backoff_grows_with_jitter_and_a_ceiling() {
    assert!((250..=750).contains(&backoff_ms(0, 0.5)));
    assert!(backoff_ms(1, 0.0) < backoff_ms(3, 0.0));
    for attempt in 0..20 {
        for r in [0.0, 0.5, 1.0] {
            assert!(backoff_ms(attempt, r) <= 45_000);
        }
    }
    assert_ne!(backoff_ms(4, 0.0), backoff_ms(4, 1.0));
}

#[wasm_bindgen_test]
fn the_invited_list_follows_the_room_as_sent() {
    let mut s = RoomState::from_snapshot(snapshot(1));
    let sent = podium_protocol::ServerMsg::Event {
        seq: 2,
        event: Event::Invitations {
            invited: vec![3, 5],
        },
    };
    let text = serde_json::to_string(&sent).unwrap();
    assert_eq!(podium_client::wire::server_msg(&text), Some(sent));
    s.apply(
        2,
        Event::Invitations {
            invited: vec![3, 5],
        },
    );
    assert_eq!(s.invited, vec![3, 5]);
    s.apply(3, Event::Invitations { invited: vec![5] });
    assert_eq!(s.invited, vec![5]);
}
