//! Entering a room: the hello, the token checks of docs/token.md, resume, second windows.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use common::*;
use podium_protocol::{
    Auth, ClientMsg, CloseReason, ErrorCode, Role, ServerMsg, StageAccess, StageMode,
    PROTOCOL_VERSION,
};

/// Say hello with this token and expect the refusal `code`, then `closing` and a closed socket.
async fn refused(server: &Server, token: String, code: ErrorCode) {
    let mut c = Client::open(server).await;
    c.send(token_hello(token)).await;
    let msg = c.error(code).await;
    assert!(
        matches!(&msg, ServerMsg::Error { command: Some(cmd), .. } if cmd == "hello"),
        "{msg:?}"
    );
    c.closing(CloseReason::Refused).await;
}

#[tokio::test]
async fn a_token_signed_with_another_secret_is_refused() {
    let server = Server::start();
    let claims = server.claims(Role::Moderator, "Mallory");
    refused(
        &server,
        mint_with("not-the-secret", &claims),
        ErrorCode::InvalidToken,
    )
    .await;
}

#[tokio::test]
async fn an_unsigned_token_with_alg_none_is_refused() {
    let server = Server::start();
    let claims = server.claims(Role::Moderator, "Mallory");
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims).unwrap());
    refused(
        &server,
        format!("{header}.{payload}."),
        ErrorCode::InvalidToken,
    )
    .await;
}

#[tokio::test]
async fn a_token_with_another_hmac_alg_is_refused() {
    let server = Server::start();
    let claims = server.claims(Role::Moderator, "Mallory");
    let token = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS512),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(SECRET.as_bytes()),
    )
    .unwrap();
    refused(&server, token, ErrorCode::InvalidToken).await;
}

#[tokio::test]
async fn something_that_is_not_a_jwt_is_refused() {
    let server = Server::start();
    refused(&server, "not-a-token".into(), ErrorCode::InvalidToken).await;
}

#[tokio::test]
async fn an_expired_token_is_refused() {
    let server = Server::start();
    let mut claims = server.claims(Role::Attendee, "Late Larry");
    claims.iat = now() - 400;
    claims.exp = now() - 100;
    refused(&server, mint(&claims), ErrorCode::TokenExpired).await;
}

#[tokio::test]
async fn a_token_expired_within_the_leeway_is_accepted_as_far_as_the_token_goes() {
    let server = Server::start();
    let mut claims = server.claims(Role::Attendee, "Almost Al");
    claims.iat = now() - 200;
    claims.exp = now() - 10;
    let mut c = Client::open(&server).await;
    c.send(token_hello(mint(&claims))).await;
    c.quiet(
        "a token refusal",
        std::time::Duration::from_millis(300),
        |m| {
            matches!(
                m,
                ServerMsg::Error {
                    code: ErrorCode::TokenExpired,
                    ..
                }
            )
        },
    )
    .await;
}

#[tokio::test]
async fn a_token_not_valid_yet_is_refused() {
    let server = Server::start();
    let mut claims = server.claims(Role::Attendee, "Early Emma");
    claims.nbf = Some(now() + 200);
    refused(&server, mint(&claims), ErrorCode::TokenNotYetValid).await;
}

#[tokio::test]
async fn a_token_lasting_longer_than_the_maximum_is_refused() {
    let server = Server::start();
    let mut claims = server.claims(Role::Attendee, "Forever Fred");
    claims.exp = claims.iat + 3600;
    refused(&server, mint(&claims), ErrorCode::TokenLifetimeTooLong).await;
}

#[tokio::test]
async fn the_maximum_token_lifetime_is_configurable() {
    let server = Server::start_with(StageMode::Request, "serve", &["--max-token-lifetime", "60"]);
    let mut claims = server.claims(Role::Attendee, "Fred");
    claims.exp = claims.iat + 120;
    refused(&server, mint(&claims), ErrorCode::TokenLifetimeTooLong).await;
}

#[tokio::test]
async fn a_token_for_another_audience_is_refused() {
    let server = Server::start();
    let mut claims = server.claims(Role::Attendee, "Alex");
    claims.aud = "someone-else".into();
    refused(&server, mint(&claims), ErrorCode::InvalidToken).await;
}

#[tokio::test]
async fn a_token_with_an_unknown_role_is_refused() {
    let server = Server::start();
    let claims = server.claims(Role::Attendee, "Alex");
    let mut value = serde_json::to_value(&claims).unwrap();
    value["role"] = "admin".into();
    let token = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &value,
        &jsonwebtoken::EncodingKey::from_secret(SECRET.as_bytes()),
    )
    .unwrap();
    refused(&server, token, ErrorCode::InvalidToken).await;
}

#[tokio::test]
async fn a_token_missing_a_required_claim_is_refused() {
    let server = Server::start();
    let claims = server.claims(Role::Attendee, "Alex");
    let mut value = serde_json::to_value(&claims).unwrap();
    value.as_object_mut().unwrap().remove("jti");
    let token = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &value,
        &jsonwebtoken::EncodingKey::from_secret(SECRET.as_bytes()),
    )
    .unwrap();
    refused(&server, token, ErrorCode::InvalidToken).await;
}

#[tokio::test]
async fn a_token_is_accepted_only_once() {
    let server = Server::start();
    let token = mint(&server.claims(Role::Attendee, "Alex"));
    let mut first = Client::open(&server).await;
    first.send(token_hello(token.clone())).await;
    // Whatever the room makes of the first hello, the token is spent.
    first
        .quiet(
            "a token refusal",
            std::time::Duration::from_millis(300),
            |m| {
                matches!(
                    m,
                    ServerMsg::Error {
                        code: ErrorCode::TokenReused,
                        ..
                    }
                )
            },
        )
        .await;
    refused(&server, token, ErrorCode::TokenReused).await;
}

#[tokio::test]
async fn the_first_message_must_be_a_hello() {
    let server = Server::start();
    let mut c = Client::open(&server).await;
    c.send(ClientMsg::RaiseHand).await;
    let msg = c.error(ErrorCode::HelloRequired).await;
    assert!(matches!(&msg, ServerMsg::Error { command: Some(cmd), .. } if cmd == "raise_hand"));
    c.send(ClientMsg::Ping).await;
    c.error(ErrorCode::HelloRequired).await;
    // The socket is still open and a hello is still accepted.
    let claims = server.claims(Role::Moderator, "Mona");
    c.send(token_hello(mint(&claims))).await;
    c.welcomed().await;
}

#[tokio::test]
async fn a_socket_that_keeps_sending_other_things_before_hello_is_closed() {
    let server = Server::start();
    let mut c = Client::open(&server).await;
    for _ in 0..5 {
        c.send_text(r#"{"type":"chat","text":"hi"}"#).await;
    }
    for _ in 0..5 {
        c.error(ErrorCode::HelloRequired).await;
    }
    c.closing(CloseReason::Abuse).await;
}

#[tokio::test]
async fn malformed_json_before_hello_is_malformed() {
    let server = Server::start();
    let mut c = Client::open(&server).await;
    c.send_text("{not json").await;
    c.error(ErrorCode::Malformed).await;
    c.send_text(r#"{"type":"hello","protocol":2}"#).await;
    c.error(ErrorCode::Malformed).await;
}

#[tokio::test]
async fn an_old_protocol_version_is_told_to_reload() {
    let server = Server::start();
    let mut c = Client::open(&server).await;
    let token = mint(&server.claims(Role::Attendee, "Alex"));
    c.send(ClientMsg::Hello {
        protocol: 0,
        auth: Auth::Token { token },
        mobile: false,
    })
    .await;
    c.error(ErrorCode::UnsupportedProtocol).await;
    c.closing(CloseReason::Refused).await;
}

#[tokio::test]
async fn an_unknown_resume_credential_is_refused() {
    let server = Server::start();
    let mut c = Client::open(&server).await;
    c.send(hello(Auth::Resume {
        credential: "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA".into(),
    }))
    .await;
    c.error(ErrorCode::ResumeInvalid).await;
    c.closing(CloseReason::Refused).await;
}

#[tokio::test]
async fn a_good_token_is_welcomed_with_the_room_as_this_person_sees_it() {
    let server = Server::start();
    let mona = server.enter(Role::Moderator, "Mona").await;
    let snapshot = mona.snapshot.clone().unwrap();
    assert_eq!(snapshot.you.name, "Mona");
    assert_eq!(snapshot.you.role, Role::Moderator);
    assert!(snapshot.you.moderator);
    assert_eq!(snapshot.room_title.as_deref(), Some("Biology 101"));
    assert_eq!(snapshot.stage_mode, StageMode::Request);
    assert_eq!(snapshot.seat_limit, 25);
    let me = person(&snapshot, mona.id());
    assert!(me.connected && !me.on_stage && !me.mic && !me.camera);
}

#[tokio::test]
async fn a_second_hello_on_the_same_socket_is_refused() {
    let server = Server::start();
    let mut mona = server.enter(Role::Moderator, "Mona").await;
    let token = mint(&server.claims(Role::Moderator, "Mona again"));
    mona.send(token_hello(token)).await;
    mona.error(ErrorCode::AlreadyWelcomed).await;
    mona.roundtrip().await;
}

#[tokio::test]
async fn ping_is_answered_with_pong() {
    let server = Server::start();
    let mut mona = server.enter(Role::Moderator, "Mona").await;
    mona.roundtrip().await;
}

#[tokio::test]
async fn sync_returns_a_fresh_snapshot() {
    let server = Server::start();
    let mut mona = server.enter(Role::Moderator, "Mona").await;
    let alex = server.enter(Role::Attendee, "Alex").await;
    let snapshot = mona.sync().await;
    assert!(snapshot.seq >= mona.snapshot.as_ref().unwrap().seq);
    assert_eq!(person(&snapshot, alex.id()).name, "Alex");
}

#[tokio::test]
async fn the_same_person_in_a_second_window_replaces_the_first() {
    let server = Server::start();
    let claims = server.claims(Role::Attendee, "Alex");
    let mut first = Client::enter(&server, claims.clone()).await;
    let mut again = claims.clone();
    again.jti = unique("jti");
    let second = Client::enter(&server, again).await;
    first.closing(CloseReason::Replaced).await;
    assert_eq!(
        second.id(),
        first.id(),
        "the same participant, now in the new window"
    );
}

#[tokio::test]
async fn a_resume_credential_brings_a_dropped_participant_back_to_their_place() {
    let server = Server::start_in(StageMode::Open);
    let mut mona = server.enter(Role::Moderator, "Mona").await;
    let mut alex = server.enter(Role::Attendee, "Alex").await;
    let id = alex.id();
    alex.send(ClientMsg::JoinStage).await;
    alex.stage_access(StageAccess::OnStage).await;
    alex.send(ClientMsg::RaiseHand).await;
    mona.updated("Alex's hand up", id, |p| p.hand.is_some())
        .await;
    let credential = alex.resume.clone().unwrap();
    alex.leave().await;
    mona.updated("Alex's connection down", id, |p| !p.connected)
        .await;

    let back = Client::resume(&server, &credential).await;
    assert_eq!(back.id(), id);
    let snapshot = back.snapshot.clone().unwrap();
    let me = person(&snapshot, id);
    assert!(me.on_stage, "the stage seat was held");
    assert!(me.hand.is_some(), "the hand is still raised");
    assert_eq!(snapshot.you.role, Role::Attendee);
    assert_eq!(snapshot.you.stage, StageAccess::OnStage);
    assert_ne!(
        back.resume,
        Some(credential),
        "each welcome hands out a new credential"
    );
    mona.updated("Alex connected again", id, |p| p.connected)
        .await;
}

#[tokio::test]
async fn a_phone_enters_as_a_viewer() {
    let server = Server::start_in(StageMode::Open);
    let mut c = Client::open(&server).await;
    let token = mint(&server.claims(Role::Attendee, "Phoebe"));
    c.send(ClientMsg::Hello {
        protocol: PROTOCOL_VERSION,
        auth: Auth::Token { token },
        mobile: true,
    })
    .await;
    let snapshot = c.welcomed().await;
    let me = person(&snapshot, snapshot.you.participant);
    assert!(me.mobile && !me.on_stage);
}

#[tokio::test]
async fn a_late_joiner_gets_a_large_room_in_pages_of_bounded_size() {
    let server = Server::start();
    let mut crowd = Vec::new();
    for i in 0..40 {
        crowd.push(server.enter(Role::Attendee, &format!("Viewer {i}")).await);
    }
    let first = &mut crowd[0];
    for i in 0..25 {
        first
            .send(ClientMsg::Chat {
                text: format!("{i:02} {}", "x".repeat(200)),
            })
            .await;
    }
    first
        .event("the last chat", |e| {
            matches!(e, podium_protocol::Event::Chat { message } if message.text.starts_with("24 "))
        })
        .await;

    let mut late = server.enter(Role::Attendee, "Late").await;
    let snapshot = late.snapshot.clone().unwrap();
    assert!(snapshot.participants.len() <= 32);
    assert!(!snapshot.chat.is_empty() && snapshot.chat.len() < 25);
    let mut people = snapshot.participants.len();
    let mut chat: Vec<_> = snapshot.chat.iter().map(|m| m.id).collect();
    let frame_bytes = |m: &ServerMsg| serde_json::to_string(m).unwrap().len();
    while people < 41 {
        let page = late
            .expect("a participants page", |m| {
                matches!(m, ServerMsg::Participants { .. })
            })
            .await;
        assert!(frame_bytes(&page) < 4096);
        if let ServerMsg::Participants { participants } = page {
            people += participants.len();
        }
    }
    assert_eq!(people, 41, "everyone, once");
    while chat.len() < 25 {
        let page = late
            .expect("a chat history page", |m| {
                matches!(m, ServerMsg::ChatHistory { .. })
            })
            .await;
        assert!(frame_bytes(&page) < 4096);
        if let ServerMsg::ChatHistory { messages } = page {
            chat.extend(messages.iter().map(|m| m.id));
        }
    }
    let mut in_order = chat.clone();
    in_order.sort_unstable();
    assert_eq!(chat, in_order, "oldest first");
    assert_eq!(chat.len(), 25);
}
