//! `POST /rooms/forget`: a site deletes one of its rooms (its activity was deleted). Everyone in
//! it is told and closed, and the room opens afresh, with nothing of the old one.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use podium_protocol::{ClientMsg, CloseReason, Event, ForgetClaims, Role, FORGET_AUDIENCE};

fn forget_claims(room: &str) -> ForgetClaims {
    let now = now();
    ForgetClaims {
        iss: "test-site".into(),
        aud: FORGET_AUDIENCE.into(),
        room: room.into(),
        iat: now,
        exp: now + 60,
        jti: unique("forget"),
    }
}

fn sign(claims: &ForgetClaims) -> String {
    let key = jsonwebtoken::EncodingKey::from_secret(SECRET.as_bytes());
    jsonwebtoken::encode(&jsonwebtoken::Header::default(), claims, &key).unwrap()
}

/// `POST /rooms/forget` with this bearer token (none if empty): the status and the body.
async fn post_forget(server: &Server, bearer: &str) -> (u16, String) {
    let auth = if bearer.is_empty() {
        String::new()
    } else {
        format!("Authorization: Bearer {bearer}\r\n")
    };
    let (status, _, body) = http_request(server, "POST", "/rooms/forget", &auth).await;
    (status, body)
}

#[tokio::test]
async fn a_deleted_room_closes_everyone_and_opens_afresh() {
    let server = Server::start();
    let mut teacher = server.enter(Role::Moderator, "Teacher").await;
    let mut student = server.enter(Role::Attendee, "Student").await;
    teacher
        .send(ClientMsg::Chat {
            text: "Homework: chapter 3".into(),
        })
        .await;
    student
        .event("the chat", |e| matches!(e, Event::Chat { .. }))
        .await;

    let request = sign(&forget_claims(ROOM));
    let (status, body) = post_forget(&server, &request).await;
    assert_eq!((status, body.as_str()), (200, "deleted\n"));
    teacher.closing(CloseReason::RoomDeleted).await;
    student.closing(CloseReason::RoomDeleted).await;

    // A request is spent once.
    assert_eq!(post_forget(&server, &request).await.0, 401);
    // The next person opens the room afresh.
    let late = server.enter(Role::Attendee, "Late").await;
    assert!(late.snapshot.as_ref().unwrap().chat.is_empty());
    // A room nobody has open is deleted all the same.
    let never = sign(&forget_claims("course-1:activity-9"));
    assert_eq!(
        post_forget(&server, &never).await,
        (200, "no such room\n".to_string())
    );
}

#[tokio::test]
async fn only_a_signed_request_for_deleting_is_accepted() {
    let server = Server::start();
    let mut teacher = server.enter(Role::Moderator, "Teacher").await;
    assert_eq!(post_forget(&server, "").await.0, 401);
    // A join token for the room is not a request to delete it.
    let join = mint(&server.claims(Role::Moderator, "Teacher"));
    assert_eq!(post_forget(&server, &join).await.0, 401);
    let mut other_secret = forget_claims(ROOM);
    other_secret.jti = unique("forget");
    let forged = jsonwebtoken::encode(
        &jsonwebtoken::Header::default(),
        &other_secret,
        &jsonwebtoken::EncodingKey::from_secret(b"not the secret"),
    )
    .unwrap();
    assert_eq!(post_forget(&server, &forged).await.0, 401);
    let mut long = forget_claims(ROOM);
    long.exp = long.iat + 3600;
    assert_eq!(post_forget(&server, &sign(&long)).await.0, 401);
    // The room carries on.
    teacher
        .send(ClientMsg::Chat {
            text: "still here".into(),
        })
        .await;
    teacher
        .event("the chat", |e| matches!(e, Event::Chat { .. }))
        .await;
}
