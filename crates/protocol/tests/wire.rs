//! The wire names are a contract with other clients: these tests pin them.
use podium_protocol::*;
use serde_json::json;

#[test]
fn hello_with_token_has_the_documented_shape() {
    let msg: ClientMsg = serde_json::from_value(json!({
        "type": "hello", "protocol": 1, "auth": {"type": "token", "token": "abc"}
    }))
    .unwrap();
    assert_eq!(
        msg,
        ClientMsg::Hello {
            protocol: 1,
            auth: Auth::Token {
                token: "abc".into()
            },
            mobile: false
        }
    );
}

#[test]
fn commands_round_trip_with_their_kind_as_type() {
    let msgs = vec![
        ClientMsg::AskToJoinStage,
        ClientMsg::SetMedia {
            mic: true,
            camera: false,
        },
        ClientMsg::React {
            reaction: Reaction::ThumbsUp,
        },
        ClientMsg::CreatePoll {
            question: "Q".into(),
            options: vec!["a".into(), "b".into()],
            multiple: false,
            correct: Some(vec![1]),
        },
        ClientMsg::SetStageMode {
            mode: StageMode::Invite,
        },
        ClientMsg::CreateInviteLink {
            role: Role::Presenter,
            expires_in_secs: 600,
        },
    ];
    for msg in msgs {
        let value = serde_json::to_value(&msg).unwrap();
        assert_eq!(value["type"], msg.kind());
        let back: ClientMsg = serde_json::from_value(value).unwrap();
        assert_eq!(back, msg);
    }
}

#[test]
fn unknown_role_or_type_does_not_decode() {
    assert!(serde_json::from_value::<ClientMsg>(json!({"type": "become_moderator"})).is_err());
    assert!(serde_json::from_value::<Role>(json!("admin")).is_err());
}

#[test]
fn errors_carry_their_code_and_message() {
    let value =
        serde_json::to_value(ServerMsg::error(ErrorCode::StageFull, Some("join_stage"))).unwrap();
    assert_eq!(
        value,
        json!({"type": "error", "code": "stage_full", "message": "The stage is full.", "command": "join_stage"})
    );
}

#[test]
fn every_error_code_has_a_distinct_message() {
    let mut seen = std::collections::HashSet::new();
    for code in ErrorCode::ALL {
        assert!(!code.message().is_empty());
        assert!(seen.insert(code.message()), "{code:?} repeats a message");
    }
}

#[test]
fn events_nest_inside_an_event_frame() {
    let msg = ServerMsg::Event {
        seq: 7,
        event: Event::StageModeChanged {
            mode: StageMode::Open,
        },
    };
    assert_eq!(
        serde_json::to_value(msg).unwrap(),
        json!({"type": "event", "seq": 7, "event": {"type": "stage_mode_changed", "mode": "open"}})
    );
}

#[test]
fn claims_without_optional_fields_decode() {
    let claims: Claims = serde_json::from_value(json!({
        "iss": "site", "aud": "podium", "sub": "42", "name": "Ada", "role": "attendee",
        "room": "r1", "iat": 1, "exp": 2, "jti": "j"
    }))
    .unwrap();
    assert_eq!(claims.role, Role::Attendee);
    assert_eq!(claims.stage_mode, None);
}

proptest::proptest! {
    #[test]
    fn decoding_arbitrary_text_never_panics(text in ".{0,200}") {
        let _ = serde_json::from_str::<ClientMsg>(&text);
    }
}
