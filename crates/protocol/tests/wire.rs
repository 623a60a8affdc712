//! The wire names are a contract with other clients: these tests pin them.
use podium_protocol::*;
use serde_json::json;

#[test]
fn hello_with_token_has_the_documented_shape() {
    let msg: ClientMsg = serde_json::from_value(json!({
        "type": "hello", "protocol": 2, "auth": {"type": "token", "token": "abc"}
    }))
    .unwrap();
    assert_eq!(
        msg,
        ClientMsg::Hello {
            protocol: 2,
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
            screen: true,
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

#[test]
fn media_signalling_has_the_documented_shape() {
    let offer: ClientMsg = serde_json::from_value(json!({
        "type": "media_offer", "sdp": "v=0\r\n",
        "tracks": [{"mid": "0", "kind": "audio"}, {"mid": "2", "kind": "screen"}]
    }))
    .unwrap();
    assert_eq!(
        offer,
        ClientMsg::MediaOffer {
            sdp: "v=0\r\n".into(),
            tracks: vec![
                SendTrack {
                    mid: "0".into(),
                    kind: MediaKind::Audio
                },
                SendTrack {
                    mid: "2".into(),
                    kind: MediaKind::Screen
                },
            ],
        }
    );
    // A viewer's offer names no tracks.
    assert_eq!(
        serde_json::to_value(ClientMsg::MediaOffer {
            sdp: "v=0".into(),
            tracks: vec![]
        })
        .unwrap(),
        json!({"type": "media_offer", "sdp": "v=0"})
    );
    assert_eq!(
        serde_json::to_value(ClientMsg::MediaView {
            views: vec![TrackView {
                mid: "2".into(),
                width: 640,
                height: 360
            }]
        })
        .unwrap(),
        json!({"type": "media_view", "views": [{"mid": "2", "width": 640, "height": 360}]})
    );
    for msg in [
        ClientMsg::MediaAnswer { sdp: "v=0".into() },
        ClientMsg::IceCandidate {
            candidate: "candidate:1 1 udp 2122260223 192.0.2.1 50000 typ host".into(),
        },
    ] {
        let value = serde_json::to_value(&msg).unwrap();
        assert_eq!(value["type"], msg.kind());
        assert_eq!(serde_json::from_value::<ClientMsg>(value).unwrap(), msg);
    }
    assert_eq!(
        serde_json::to_value(ServerMsg::MediaTracks {
            tracks: vec![MediaTrack {
                mid: "3".into(),
                participant: 7,
                kind: MediaKind::Video
            }]
        })
        .unwrap(),
        json!({"type": "media_tracks", "tracks": [{"mid": "3", "participant": 7, "kind": "video"}]})
    );
    for msg in [
        ServerMsg::MediaOffer { sdp: "v=0".into() },
        ServerMsg::MediaAnswer { sdp: "v=0".into() },
    ] {
        let value = serde_json::to_value(&msg).unwrap();
        assert_eq!(serde_json::from_value::<ServerMsg>(value).unwrap(), msg);
    }
}

#[test]
fn set_media_without_screen_and_views_without_screen_still_decode() {
    let msg: ClientMsg =
        serde_json::from_value(json!({"type": "set_media", "mic": true, "camera": false})).unwrap();
    assert_eq!(
        msg,
        ClientMsg::SetMedia {
            mic: true,
            camera: false,
            screen: false
        }
    );
    let view: ParticipantView = serde_json::from_value(json!({
        "id": 1, "name": "Ada", "role": "presenter", "on_stage": true, "mic": true,
        "camera": true, "connected": true, "mobile": false
    }))
    .unwrap();
    assert!(!view.screen);
}

#[test]
fn the_welcome_carries_ice_servers_only_when_there_are_some() {
    let server = IceServer {
        urls: vec!["turn:turn.example:3478?transport=udp".into()],
        username: Some("1700086400:7".into()),
        credential: Some("/FO2FamIfRRf/hWRmbL4buwYsx8=".into()),
    };
    let value = serde_json::to_value(&server).unwrap();
    assert_eq!(
        value,
        json!({"urls": ["turn:turn.example:3478?transport=udp"], "username": "1700086400:7", "credential": "/FO2FamIfRRf/hWRmbL4buwYsx8="})
    );
    let stun: IceServer =
        serde_json::from_value(json!({"urls": ["stun:stun.example:3478"]})).unwrap();
    assert_eq!(stun.username, None);
}

proptest::proptest! {
    #[test]
    fn decoding_arbitrary_text_never_panics(text in ".{0,200}") {
        let _ = serde_json::from_str::<ClientMsg>(&text);
    }
}

#[test]
fn every_listed_client_type_is_one_the_decoder_knows() {
    for name in CLIENT_MESSAGE_TYPES {
        // A bare `type` decodes or misses a field; it never is an unknown variant.
        if let Err(e) = serde_json::from_value::<ClientMsg>(json!({ "type": name })) {
            assert!(!e.to_string().contains("unknown variant"), "{name}: {e}");
        }
    }
    let unknown = serde_json::from_value::<ClientMsg>(json!({ "type": "become_moderator" }));
    let error = unknown.unwrap_err().to_string();
    assert!(error.contains("unknown variant"));
    // And the list is complete: the decoder names every type it knows in that error.
    let known: Vec<&str> = error
        .split_once("expected one of ")
        .map(|(_, list)| list.split(", ").map(|n| n.trim_matches('`')).collect())
        .unwrap_or_default();
    let mut listed = CLIENT_MESSAGE_TYPES.to_vec();
    listed.sort_unstable();
    let mut known = known;
    known.sort_unstable();
    assert_eq!(listed, known);
}
