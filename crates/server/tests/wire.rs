//! Bad input never takes the room down: malformed, oversized and flooding frames.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::Duration;

use common::*;
use podium_protocol::{ClientMsg, CloseReason, ErrorCode, Role, ServerMsg, MAX_FRAME_BYTES};

#[tokio::test]
async fn malformed_frames_get_an_error_and_the_connection_stays_open() {
    let server = Server::start();
    let mut mona = server.enter(Role::Moderator, "Mona").await;
    mona.send_text("this is not json").await;
    mona.error(ErrorCode::Malformed).await;
    mona.send_text(r#"{"type":"become_moderator"}"#).await;
    mona.error(ErrorCode::Malformed).await;
    mona.send_text(r#"{"type":"react","reaction":"poop"}"#)
        .await;
    mona.error(ErrorCode::Malformed).await;
    mona.send_text(r#"{"type":"chat"}"#).await;
    mona.error(ErrorCode::Malformed).await;
    mona.roundtrip().await;
}

#[tokio::test]
async fn an_oversized_frame_is_refused_and_the_connection_stays_open() {
    let server = Server::start();
    let mut mona = server.enter(Role::Moderator, "Mona").await;
    let big = format!(
        r#"{{"type":"chat","text":"{}"}}"#,
        "x".repeat(MAX_FRAME_BYTES)
    );
    mona.send_text(big).await;
    mona.error(ErrorCode::FrameTooLarge).await;
    mona.roundtrip().await;
}

#[tokio::test]
async fn a_frame_past_the_transport_limit_closes_that_connection_only() {
    let server = Server::start();
    let mut mona = server.enter(Role::Moderator, "Mona").await;
    let mut alex = server.enter(Role::Attendee, "Alex").await;
    let huge = "x".repeat(8 * MAX_FRAME_BYTES);
    alex.try_send_text(huge).await;
    alex.closed().await;
    mona.roundtrip().await;
}

#[tokio::test]
async fn a_flood_is_rate_limited_and_the_connection_recovers() {
    let server = Server::start();
    let mut mona = server.enter(Role::Moderator, "Mona").await;
    for _ in 0..40 {
        mona.send(ClientMsg::Ping).await;
    }
    mona.error(ErrorCode::RateLimited).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    mona.forget();
    mona.roundtrip().await;
}

#[tokio::test]
async fn sustained_abuse_closes_that_connection_and_the_room_carries_on() {
    let server = Server::start();
    let mut mona = server.enter(Role::Moderator, "Mona").await;
    let mut alex = server.enter(Role::Attendee, "Alex").await;
    for _ in 0..200 {
        if !alex.try_send_text("{").await {
            break;
        }
    }
    alex.closing(CloseReason::Abuse).await;
    mona.roundtrip().await;
    mona.send(ClientMsg::Chat {
        text: "still here".into(),
    })
    .await;
    mona.expect("the chat message", |m| {
        matches!(m, ServerMsg::Event { event: podium_protocol::Event::Chat { message }, .. } if message.text == "still here")
    })
    .await;
}

#[tokio::test]
async fn a_forbidden_command_gets_an_error_naming_it_and_the_connection_stays_open() {
    let server = Server::start();
    let mut alex = server.enter(Role::Attendee, "Alex").await;
    alex.send(ClientMsg::LowerAllHands).await;
    let msg = alex.error(ErrorCode::NotModerator).await;
    assert!(matches!(&msg, ServerMsg::Error { command: Some(c), .. } if c == "lower_all_hands"));
    alex.roundtrip().await;
}
