//! Around the stage: chat, reactions, hands, polls and quizzes, the participants list.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use podium_protocol::{
    ClientMsg, ErrorCode, Event, Notice, PollView, Reaction, Role, ServerMsg, StageAccess,
    StageMode, MAX_CHAT_CHARS,
};

fn chat(text: &str) -> ClientMsg {
    ClientMsg::Chat { text: text.into() }
}

#[tokio::test]
async fn chat_reaches_everyone_in_order_and_late_joiners_get_the_history() {
    let server = Server::start();
    let mut mona = server.enter(Role::Moderator, "Mona").await;
    let mut alex = server.enter(Role::Attendee, "Alex").await;
    for text in ["one", "two", "three"] {
        alex.send(chat(text)).await;
    }
    let mut seen = Vec::new();
    let mut last_seq = 0;
    while seen.len() < 3 {
        match mona
            .expect("a chat event", |m| {
                matches!(
                    m,
                    ServerMsg::Event {
                        event: Event::Chat { .. },
                        ..
                    }
                )
            })
            .await
        {
            ServerMsg::Event {
                seq,
                event: Event::Chat { message },
            } => {
                assert!(seq > last_seq, "events come in sequence order");
                last_seq = seq;
                assert_eq!(message.name, "Alex");
                assert_eq!(message.from, alex.id());
                seen.push(message.text);
            }
            _ => unreachable!(),
        }
    }
    assert_eq!(seen, ["one", "two", "three"]);

    let bea = server.enter(Role::Attendee, "Bea").await;
    let history: Vec<_> = bea
        .snapshot
        .as_ref()
        .unwrap()
        .chat
        .iter()
        .map(|m| m.text.clone())
        .collect();
    assert_eq!(history, ["one", "two", "three"]);
}

#[tokio::test]
async fn empty_and_over_long_chat_messages_are_refused() {
    let server = Server::start();
    let mut alex = server.enter(Role::Attendee, "Alex").await;
    alex.send(chat("   ")).await;
    alex.error(ErrorCode::ChatEmpty).await;
    alex.send(chat(&"x".repeat(MAX_CHAT_CHARS + 1))).await;
    alex.error(ErrorCode::ChatTooLong).await;
    assert!(alex.sync().await.chat.is_empty());
}

#[tokio::test]
async fn a_moderator_deletes_a_chat_message_for_everyone() {
    let server = Server::start();
    let mut mona = server.enter(Role::Moderator, "Mona").await;
    let mut alex = server.enter(Role::Attendee, "Alex").await;
    alex.send(chat("something rude")).await;
    let id = match alex
        .event("the message", |e| matches!(e, Event::Chat { .. }))
        .await
    {
        Event::Chat { message } => message.id,
        _ => unreachable!(),
    };
    alex.send(ClientMsg::DeleteChat { message: id }).await;
    alex.error(ErrorCode::NotModerator).await;
    mona.send(ClientMsg::DeleteChat { message: id }).await;
    alex.event(
        "deleted",
        |e| matches!(e, Event::ChatDeleted { message } if *message == id),
    )
    .await;
    mona.event(
        "deleted",
        |e| matches!(e, Event::ChatDeleted { message } if *message == id),
    )
    .await;
    assert!(alex.sync().await.chat.is_empty());
    mona.send(ClientMsg::DeleteChat { message: id }).await;
    mona.error(ErrorCode::UnknownMessage).await;
}

#[tokio::test]
async fn reactions_from_the_fixed_set_reach_everyone() {
    let server = Server::start();
    let mut mona = server.enter(Role::Moderator, "Mona").await;
    let mut alex = server.enter(Role::Attendee, "Alex").await;
    let id = alex.id();
    alex.send(ClientMsg::React {
        reaction: Reaction::Clap,
    })
    .await;
    for c in [&mut mona, &mut alex] {
        c.event(
            "a clap",
            |e| matches!(e, Event::Reactions { reactions } if reactions.iter().any(|r| r.from == id && r.reaction == Reaction::Clap)),
        )
        .await;
    }
    alex.send_text(r#"{"type":"react","reaction":"middle_finger"}"#)
        .await;
    alex.error(ErrorCode::Malformed).await;
}

#[tokio::test]
async fn hands_are_raised_in_order_and_lowered_one_at_a_time_or_all_at_once() {
    let server = Server::start();
    let mut mona = server.enter(Role::Moderator, "Mona").await;
    let mut alex = server.enter(Role::Attendee, "Alex").await;
    let mut bea = server.enter(Role::Attendee, "Bea").await;
    let mut cy = server.enter(Role::Attendee, "Cy").await;
    let (a, b, c) = (alex.id(), bea.id(), cy.id());
    alex.send(ClientMsg::RaiseHand).await;
    mona.updated("Alex's hand", a, |p| p.hand.is_some()).await;
    bea.send(ClientMsg::RaiseHand).await;
    mona.updated("Bea's hand", b, |p| p.hand.is_some()).await;
    cy.send(ClientMsg::RaiseHand).await;
    mona.updated("Cy's hand", c, |p| p.hand.is_some()).await;
    let snapshot = mona.sync().await;
    let (ha, hb, hc) = (
        person(&snapshot, a).hand.unwrap(),
        person(&snapshot, b).hand.unwrap(),
        person(&snapshot, c).hand.unwrap(),
    );
    assert!(ha < hb && hb < hc, "ordered by when raised");

    // Raising again keeps one's place.
    alex.send(ClientMsg::RaiseHand).await;
    alex.roundtrip().await;
    assert_eq!(person(&mona.sync().await, a).hand, Some(ha));

    bea.send(ClientMsg::LowerHand).await;
    mona.updated("Bea lowered her own hand", b, |p| p.hand.is_none())
        .await;

    alex.send(ClientMsg::LowerHandOf { participant: c }).await;
    alex.error(ErrorCode::NotModerator).await;
    mona.send(ClientMsg::LowerHandOf { participant: a }).await;
    alex.notice("hand lowered", |n| matches!(n, Notice::HandLowered))
        .await;
    mona.updated("Alex's hand down", a, |p| p.hand.is_none())
        .await;

    bea.send(ClientMsg::RaiseHand).await;
    mona.updated("Bea's hand again", b, |p| p.hand.is_some())
        .await;
    mona.send(ClientMsg::LowerAllHands).await;
    mona.updated("Bea's hand down", b, |p| p.hand.is_none())
        .await;
    mona.updated("Cy's hand down", c, |p| p.hand.is_none())
        .await;
    let snapshot = mona.sync().await;
    assert!(snapshot.participants.iter().all(|p| p.hand.is_none()));
}

fn poll_event<'a>(e: &'a Event, question: &str) -> Option<&'a PollView> {
    match e {
        Event::Poll { poll } if poll.question == question => Some(poll),
        _ => None,
    }
}

#[tokio::test]
async fn a_poll_is_answered_once_by_stage_and_viewers_with_live_counts_for_moderators() {
    let server = Server::start_in(StageMode::Open);
    let mut mona = server.enter(Role::Moderator, "Mona").await;
    let mut alex = server.enter(Role::Attendee, "Alex").await;
    let mut pat = server.enter(Role::Presenter, "Pat").await;
    pat.send(ClientMsg::JoinStage).await;
    pat.stage_access(StageAccess::OnStage).await;

    alex.send(ClientMsg::CreatePoll {
        question: "Lunch?".into(),
        options: vec!["Pizza".into(), "Salad".into()],
        multiple: false,
        correct: None,
    })
    .await;
    alex.error(ErrorCode::NotModerator).await;

    mona.send(ClientMsg::CreatePoll {
        question: "Lunch?".into(),
        options: vec!["Pizza".into(), "Salad".into(), "Soup".into()],
        multiple: false,
        correct: None,
    })
    .await;
    let poll = match alex
        .event("the poll", |e| poll_event(e, "Lunch?").is_some())
        .await
    {
        Event::Poll { poll } => poll,
        _ => unreachable!(),
    };
    assert!(poll.open && !poll.quiz);
    assert_eq!(
        poll.counts, None,
        "viewers do not see counts before they are shared"
    );

    alex.send(ClientMsg::AnswerPoll {
        poll: poll.id,
        choices: vec![0],
    })
    .await;
    alex.event(
        "my answer",
        |e| matches!(e, Event::Answered { answer } if answer.poll == poll.id),
    )
    .await;
    alex.send(ClientMsg::AnswerPoll {
        poll: poll.id,
        choices: vec![1],
    })
    .await;
    alex.error(ErrorCode::AlreadyAnswered).await;
    pat.send(ClientMsg::AnswerPoll {
        poll: poll.id,
        choices: vec![0, 1],
    })
    .await;
    pat.error(ErrorCode::InvalidAnswer).await;
    pat.send(ClientMsg::AnswerPoll {
        poll: poll.id,
        choices: vec![7],
    })
    .await;
    pat.error(ErrorCode::InvalidAnswer).await;
    pat.send(ClientMsg::AnswerPoll {
        poll: poll.id,
        choices: vec![0],
    })
    .await;
    pat.event("my answer", |e| matches!(e, Event::Answered { .. }))
        .await;

    mona.event("live counts", |e| {
        poll_event(e, "Lunch?")
            .is_some_and(|p| p.counts.as_deref() == Some(&[2, 0, 0][..]) && p.answered == Some(2))
    })
    .await;
    let mine = alex.sync().await.my_answers;
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].choices, vec![0]);

    mona.send(ClientMsg::EndPoll { poll: poll.id }).await;
    alex.event("poll ended", |e| {
        poll_event(e, "Lunch?").is_some_and(|p| !p.open)
    })
    .await;
    let mut late = server.enter(Role::Attendee, "Late").await;
    late.send(ClientMsg::AnswerPoll {
        poll: poll.id,
        choices: vec![2],
    })
    .await;
    late.error(ErrorCode::PollClosed).await;
}

#[tokio::test]
async fn a_quiz_marks_the_right_answer_and_shared_results_show_everyone_the_counts() {
    let server = Server::start();
    let mut mona = server.enter(Role::Moderator, "Mona").await;
    let mut alex = server.enter(Role::Attendee, "Alex").await;
    mona.send(ClientMsg::CreatePoll {
        question: "Which are mammals?".into(),
        options: vec!["Whale".into(), "Shark".into(), "Bat".into()],
        multiple: true,
        correct: Some(vec![0, 2]),
    })
    .await;
    let poll = match alex
        .event("the quiz", |e| {
            poll_event(e, "Which are mammals?").is_some()
        })
        .await
    {
        Event::Poll { poll } => poll,
        _ => unreachable!(),
    };
    assert!(poll.quiz && poll.multiple);
    assert_eq!(
        poll.correct, None,
        "the right answers stay hidden while it runs"
    );
    alex.send(ClientMsg::AnswerPoll {
        poll: poll.id,
        choices: vec![0, 2],
    })
    .await;
    alex.event("my answer", |e| matches!(e, Event::Answered { .. }))
        .await;
    mona.send(ClientMsg::EndPoll { poll: poll.id }).await;
    mona.send(ClientMsg::SharePollResults { poll: poll.id })
        .await;
    alex.event("shared results", |e| {
        poll_event(e, "Which are mammals?").is_some_and(|p| {
            p.shared
                && p.counts.as_deref() == Some(&[1, 0, 1][..])
                && p.correct.as_deref() == Some(&[0, 2][..])
        })
    })
    .await;
}

#[tokio::test]
async fn an_invalid_poll_is_refused() {
    let server = Server::start();
    let mut mona = server.enter(Role::Moderator, "Mona").await;
    for (options, correct) in [
        (vec!["Only one".to_string()], None),
        (vec!["Same".to_string(), "Same".to_string()], None),
        ((0..11).map(|i| i.to_string()).collect(), None),
        (vec!["a".to_string(), "b".to_string()], Some(vec![5])),
    ] {
        mona.send(ClientMsg::CreatePoll {
            question: "Q?".into(),
            options,
            multiple: false,
            correct,
        })
        .await;
        mona.error(ErrorCode::InvalidPoll).await;
    }
    mona.send(ClientMsg::AnswerPoll {
        poll: 999,
        choices: vec![0],
    })
    .await;
    mona.error(ErrorCode::UnknownPoll).await;
}

#[tokio::test]
async fn the_participants_list_shows_stage_hand_mic_and_camera() {
    let server = Server::start_in(StageMode::Open);
    let _mona = server.enter(Role::Moderator, "Mona").await;
    let mut pat = server.enter(Role::Presenter, "Pat").await;
    let mut alex = server.enter(Role::Attendee, "Alex").await;
    pat.send(ClientMsg::JoinStage).await;
    pat.stage_access(StageAccess::OnStage).await;
    pat.send(ClientMsg::SetMedia {
        mic: true,
        camera: false,
        screen: false,
    })
    .await;
    alex.send(ClientMsg::RaiseHand).await;
    pat.roundtrip().await;
    alex.roundtrip().await;
    let late = server.enter(Role::Attendee, "Late").await;
    let snapshot = late.snapshot.clone().unwrap();
    let on_stage: Vec<_> = snapshot
        .participants
        .iter()
        .filter(|p| p.on_stage)
        .map(|p| p.name.as_str())
        .collect();
    let viewers: Vec<_> = snapshot
        .participants
        .iter()
        .filter(|p| !p.on_stage)
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(on_stage, ["Pat"]);
    for name in ["Mona", "Alex", "Late"] {
        assert!(viewers.contains(&name), "{name} among {viewers:?}");
    }
    let p = person(&snapshot, pat.id());
    assert!(p.mic && !p.camera && p.hand.is_none() && p.role == Role::Presenter);
    let a = person(&snapshot, alex.id());
    assert!(a.hand.is_some() && !a.mic && !a.camera && a.connected);
}
