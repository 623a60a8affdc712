//! Removing someone from the session, and lifting the removal.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use podium_protocol::{ClientMsg, CloseReason, ErrorCode, Event, Role, ServerMsg};

#[tokio::test]
async fn a_removed_identity_cannot_reenter_until_a_moderator_lifts_the_removal() {
    let server = Server::start();
    let mut mona = server.enter(Role::Moderator, "Mona").await;
    let claims = server.claims(Role::Attendee, "Troll");
    let mut troll = Client::enter(&server, claims.clone()).await;
    let id = troll.id();

    mona.send(ClientMsg::RemoveFromSession { participant: id })
        .await;
    troll.closing(CloseReason::Removed).await;
    mona.event(
        "Troll left",
        |e| matches!(e, Event::People { left, .. } if left.contains(&id)),
    )
    .await;
    let identity = match mona
        .event(
            "the removed list",
            |e| matches!(e, Event::Banned { banned } if banned.len() == 1),
        )
        .await
    {
        Event::Banned { banned } => {
            assert_eq!(banned[0].name, "Troll");
            banned[0].identity.clone()
        }
        _ => unreachable!(),
    };

    // A fresh token for the same person is refused.
    let mut again = claims.clone();
    again.jti = unique("jti");
    let mut back = Client::open(&server).await;
    back.send(token_hello(mint(&again))).await;
    back.error(ErrorCode::RemovedFromSession).await;
    back.closed().await;
    // So is the resume credential.
    let mut resumed = Client::open(&server).await;
    resumed
        .send(hello(podium_protocol::Auth::Resume {
            credential: troll.resume.clone().unwrap(),
        }))
        .await;
    resumed.error(ErrorCode::RemovedFromSession).await;

    mona.send(ClientMsg::LiftRemoval {
        identity: identity.clone(),
    })
    .await;
    mona.event(
        "the removed list empty",
        |e| matches!(e, Event::Banned { banned } if banned.is_empty()),
    )
    .await;
    mona.send(ClientMsg::LiftRemoval { identity }).await;
    mona.error(ErrorCode::NotRemoved).await;
    let mut third = claims;
    third.jti = unique("jti");
    Client::enter(&server, third).await;
}

#[tokio::test]
async fn only_moderators_remove_and_moderators_cannot_be_removed() {
    let server = Server::start();
    let mut mona = server.enter(Role::Moderator, "Mona").await;
    let max = server.enter(Role::Moderator, "Max").await;
    let mut alex = server.enter(Role::Attendee, "Alex").await;
    alex.send(ClientMsg::RemoveFromSession {
        participant: mona.id(),
    })
    .await;
    alex.error(ErrorCode::NotModerator).await;
    mona.send(ClientMsg::RemoveFromSession {
        participant: max.id(),
    })
    .await;
    mona.error(ErrorCode::CannotRemoveModerator).await;
    mona.send(ClientMsg::RemoveFromSession {
        participant: 987_654,
    })
    .await;
    mona.error(ErrorCode::UnknownParticipant).await;
    mona.quiet(
        "anyone closing",
        std::time::Duration::from_millis(200),
        |m| matches!(m, ServerMsg::Closing { .. }),
    )
    .await;
}
