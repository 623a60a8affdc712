//! The activity's settings reach the room through the join token: chat, reactions and polls
//! switched off are refused by the server with `feature_disabled`, and everyone's snapshot says
//! which are on so the client can hide their controls.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use podium_protocol::{ClientMsg, ErrorCode, Event, Features, Reaction, Role, StageMode};

fn poll() -> ClientMsg {
    ClientMsg::CreatePoll {
        question: "Ready?".into(),
        options: vec!["Yes".into(), "No".into()],
        multiple: false,
        correct: None,
    }
}

#[tokio::test]
async fn switched_off_features_are_refused_and_shown_off() {
    let server = Server::start_in(StageMode::Open);
    let mut claims = server.claims(Role::Moderator, "Teacher");
    claims.features = Some(Features {
        chat: false,
        reactions: false,
        polls: false,
    });
    let mut teacher = Client::enter(&server, claims).await;
    let mut student = server.enter(Role::Attendee, "Student").await;
    let off = Features {
        chat: false,
        reactions: false,
        polls: false,
    };
    assert_eq!(teacher.snapshot.as_ref().unwrap().features, off);
    // A later token without the claim leaves them as they are.
    assert_eq!(student.snapshot.as_ref().unwrap().features, off);

    student
        .send(ClientMsg::Chat {
            text: "hello".into(),
        })
        .await;
    student.error(ErrorCode::FeatureDisabled).await;
    student
        .send(ClientMsg::React {
            reaction: Reaction::Clap,
        })
        .await;
    student.error(ErrorCode::FeatureDisabled).await;
    teacher.send(poll()).await;
    teacher.error(ErrorCode::FeatureDisabled).await;
    student
        .send(ClientMsg::AnswerPoll {
            poll: 1,
            choices: vec![0],
        })
        .await;
    student.error(ErrorCode::FeatureDisabled).await;

    // Nothing reached anyone, and the rest of the room works.
    student.send(ClientMsg::RaiseHand).await;
    let me = student.id();
    teacher
        .updated("a raised hand", me, |p| p.hand.is_some())
        .await;
    teacher.roundtrip().await;
    let snapshot = teacher.sync().await;
    assert!(snapshot.chat.is_empty());
    assert!(snapshot.polls.is_empty());
}

#[tokio::test]
async fn a_token_with_changed_settings_changes_the_open_room_for_everyone() {
    let server = Server::start();
    let mut claims = server.claims(Role::Moderator, "Teacher");
    claims.features = Some(Features::ALL_ON);
    let mut teacher = Client::enter(&server, claims).await;
    let mut student = server.enter(Role::Attendee, "Student").await;
    student
        .send(ClientMsg::Chat {
            text: "before".into(),
        })
        .await;
    teacher
        .event("the first message", |e| {
            matches!(e, podium_protocol::Event::Chat { .. })
        })
        .await;

    // The teacher turns chat off in Moodle; the next person to open the activity carries it.
    let chat_off = Features {
        chat: false,
        ..Features::ALL_ON
    };
    let mut claims = server.claims(Role::Attendee, "Late student");
    claims.features = Some(chat_off);
    let late = Client::enter(&server, claims).await;
    assert_eq!(late.snapshot.as_ref().unwrap().features, chat_off);
    for c in [&mut teacher, &mut student] {
        c.event("the new settings", |e| {
            matches!(e, podium_protocol::Event::FeaturesChanged { features } if *features == chat_off)
        })
        .await;
    }
    student
        .send(ClientMsg::Chat {
            text: "after".into(),
        })
        .await;
    student.error(ErrorCode::FeatureDisabled).await;
    // What was said before stays.
    assert_eq!(teacher.sync().await.chat.len(), 1);
}

#[tokio::test]
async fn each_switch_is_independent() {
    let server = Server::start();
    let mut claims = server.claims(Role::Moderator, "Teacher");
    claims.features = Some(Features {
        chat: true,
        reactions: false,
        polls: true,
    });
    let mut teacher = Client::enter(&server, claims).await;
    teacher
        .send(ClientMsg::Chat {
            text: "Welcome".into(),
        })
        .await;
    teacher
        .event("the chat message", |e| {
            matches!(e, podium_protocol::Event::Chat { .. })
        })
        .await;
    teacher.send(poll()).await;
    teacher
        .event("the poll", |e| {
            matches!(e, podium_protocol::Event::Poll { .. })
        })
        .await;
    teacher
        .send(ClientMsg::React {
            reaction: Reaction::Heart,
        })
        .await;
    teacher.error(ErrorCode::FeatureDisabled).await;
}

#[tokio::test]
async fn a_token_without_features_opens_a_room_with_everything_on() {
    let server = Server::start();
    let teacher = server.enter(Role::Moderator, "Teacher").await;
    assert_eq!(
        teacher.snapshot.as_ref().unwrap().features,
        Features::ALL_ON
    );
}

#[test]
fn the_token_subcommand_carries_the_switches_and_the_callback_as_the_plugin_does() {
    let token = token_command(&[
        "--room",
        "site:42",
        "--role",
        "attendee",
        "--name",
        "Grace",
        "--features",
        "chat,polls",
        "--callback",
        "https://moodle.example.edu/mod/podium/callback.php",
    ]);
    use base64::Engine as _;
    let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(token.split('.').nth(1).unwrap())
        .unwrap();
    let payload = String::from_utf8(payload).unwrap();
    // The same JSON as the plugin's `features` claim: every switch named, in this order.
    assert!(
        payload.contains(r#""features":{"chat":true,"reactions":false,"polls":true}"#),
        "{payload}"
    );
    assert!(payload.contains(r#""callback":"https://moodle.example.edu/mod/podium/callback.php""#));
    let key = jsonwebtoken::DecodingKey::from_secret(SECRET.as_bytes());
    let claims = podium_server::auth::verify_token(&key, &token, now(), 600).unwrap();
    assert_eq!(
        claims.features,
        Some(Features {
            chat: true,
            reactions: false,
            polls: true
        })
    );
}

#[tokio::test]
async fn a_meeting_starts_in_the_activitys_stage_mode_whatever_the_last_one_ended_in() {
    // Places are held for a second after a drop, so the room empties quickly.
    let server = Server::start_with(StageMode::Request, "serve", &["--grace-secs", "1"]);
    let mut teacher = server.enter(Role::Moderator, "Teacher").await;
    teacher
        .send(ClientMsg::SetStageMode {
            mode: StageMode::Open,
        })
        .await;
    teacher
        .event("mode open", |e| {
            matches!(
                e,
                Event::StageModeChanged {
                    mode: StageMode::Open
                }
            )
        })
        .await;
    // A student's token says request mode, as the activity does: the moderator's choice holds.
    let student = server.enter(Role::Attendee, "Student").await;
    assert_eq!(
        student.snapshot.as_ref().unwrap().stage_mode,
        StageMode::Open
    );
    student.leave().await;
    teacher.leave().await;

    // Everyone gone and their places given up: next week's class.
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    let next = server.enter(Role::Attendee, "Student").await;
    assert_eq!(
        next.snapshot.as_ref().unwrap().stage_mode,
        StageMode::Request
    );
}

#[tokio::test]
async fn a_renamed_activity_is_shown_to_everyone_in_the_room() {
    let server = Server::start();
    let mut teacher = server.enter(Role::Moderator, "Teacher").await;
    assert_eq!(
        teacher.snapshot.as_ref().unwrap().room_title.as_deref(),
        Some("Biology 101")
    );
    let mut claims = server.claims(Role::Attendee, "Student");
    claims.room_title = Some("Biology 101: cells".into());
    let student = Client::enter(&server, claims).await;
    assert_eq!(
        student.snapshot.as_ref().unwrap().room_title.as_deref(),
        Some("Biology 101: cells")
    );
    teacher
        .event(
            "the new name",
            |e| matches!(e, Event::TitleChanged { title: Some(t) } if t == "Biology 101: cells"),
        )
        .await;
}
