//! Chat, reactions, hands and polls: what every viewer can do in every stage mode.

mod common;

use common::{Classroom, Delivered};
use podium_protocol::{
    ClientMsg, ErrorCode, Event, Notice, Reaction, ReactionFrom, Role, StageMode, MAX_CHAT_CHARS,
};

fn chat(text: &str) -> ClientMsg {
    ClientMsg::Chat { text: text.into() }
}

#[test]
fn chat_arrives_in_order_and_late_joiners_see_the_history() {
    let mut room = Classroom::new(StageMode::Request);
    let teacher = room.enter("Teacher", Role::Moderator);
    let student = room.enter("Sam", Role::Attendee);
    room.send(teacher, chat("Welcome!")).unwrap();
    room.send(student, chat("  Hello  ")).unwrap();
    let texts: Vec<String> = room
        .take(teacher)
        .into_iter()
        .filter_map(|d| match d {
            Delivered::Event(Event::Chat { message }) => Some(message.text),
            _ => None,
        })
        .collect();
    assert_eq!(texts, ["Welcome!", "Hello"]);
    let late = room.enter("Late", Role::Attendee);
    let history = room.room.snapshot_for(late.id).unwrap().chat;
    assert_eq!(
        history.iter().map(|m| m.text.as_str()).collect::<Vec<_>>(),
        ["Welcome!", "Hello"]
    );
    assert_eq!(history[1].name, "Sam");
}

#[test]
fn empty_and_overlong_chat_is_refused() {
    let mut room = Classroom::new(StageMode::Request);
    let student = room.enter("Sam", Role::Attendee);
    assert_eq!(room.send(student, chat("   ")), Err(ErrorCode::ChatEmpty));
    let long = "x".repeat(MAX_CHAT_CHARS + 1);
    assert_eq!(room.send(student, chat(&long)), Err(ErrorCode::ChatTooLong));
    assert!(room.room.snapshot_for(student.id).unwrap().chat.is_empty());
}

#[test]
fn a_moderator_deletes_a_message_for_everyone() {
    let mut room = Classroom::new(StageMode::Request);
    let teacher = room.enter("Teacher", Role::Moderator);
    let student = room.enter("Sam", Role::Attendee);
    room.send(student, chat("spam")).unwrap();
    let id = room.room.snapshot_for(student.id).unwrap().chat[0].id;
    assert_eq!(
        room.send(student, ClientMsg::DeleteChat { message: id }),
        Err(ErrorCode::NotModerator)
    );
    room.take(student);
    room.send(teacher, ClientMsg::DeleteChat { message: id })
        .unwrap();
    assert!(room
        .take(student)
        .contains(&Delivered::Event(Event::ChatDeleted { message: id })));
    assert!(room.room.snapshot_for(student.id).unwrap().chat.is_empty());
    assert_eq!(
        room.send(teacher, ClientMsg::DeleteChat { message: id }),
        Err(ErrorCode::UnknownMessage)
    );
}

#[test]
fn reactions_reach_everyone_but_not_in_a_flood() {
    let mut room = Classroom::new(StageMode::Request);
    let teacher = room.enter("Teacher", Role::Moderator);
    let student = room.enter("Sam", Role::Attendee);
    room.take(teacher);
    room.send(
        student,
        ClientMsg::React {
            reaction: Reaction::Clap,
        },
    )
    .unwrap();
    assert!(room.take(teacher).is_empty(), "gathered for a moment first");
    room.wait(200);
    assert!(room
        .take(teacher)
        .contains(&Delivered::Event(Event::Reactions {
            reactions: vec![ReactionFrom {
                from: student.id,
                reaction: Reaction::Clap
            }]
        })));
    assert_eq!(
        room.send(
            student,
            ClientMsg::React {
                reaction: Reaction::Heart
            }
        ),
        Err(ErrorCode::RateLimited)
    );
    room.wait(300);
    room.send(
        student,
        ClientMsg::React {
            reaction: Reaction::Heart,
        },
    )
    .unwrap();
}

#[test]
fn hands_are_ordered_by_when_they_were_raised() {
    let mut room = Classroom::new(StageMode::Invite);
    let teacher = room.enter("Teacher", Role::Moderator);
    let first = room.enter("First", Role::Attendee);
    let second = room.enter("Second", Role::Attendee);
    room.send(second, ClientMsg::RaiseHand).unwrap();
    room.send(first, ClientMsg::RaiseHand).unwrap();
    room.send(second, ClientMsg::RaiseHand).unwrap(); // raising again keeps the place
    let hand = |room: &Classroom, who: common::Person| {
        room.list(teacher)
            .into_iter()
            .find(|p| p.id == who.id)
            .unwrap()
            .hand
    };
    assert!(hand(&room, second).unwrap() < hand(&room, first).unwrap());
    room.send(second, ClientMsg::LowerHand).unwrap();
    room.send(second, ClientMsg::RaiseHand).unwrap();
    assert!(hand(&room, first).unwrap() < hand(&room, second).unwrap());
}

#[test]
fn moderators_lower_one_hand_or_all_hands() {
    let mut room = Classroom::new(StageMode::Request);
    let teacher = room.enter("Teacher", Role::Moderator);
    let a = room.enter("A", Role::Attendee);
    let b = room.enter("B", Role::Attendee);
    room.send(a, ClientMsg::RaiseHand).unwrap();
    room.send(b, ClientMsg::RaiseHand).unwrap();
    assert_eq!(
        room.send(a, ClientMsg::LowerHandOf { participant: b.id }),
        Err(ErrorCode::NotModerator)
    );
    room.take(a);
    room.send(teacher, ClientMsg::LowerHandOf { participant: a.id })
        .unwrap();
    assert!(room.notices(a).contains(&Notice::HandLowered));
    room.send(a, ClientMsg::RaiseHand).unwrap();
    room.send(teacher, ClientMsg::LowerAllHands).unwrap();
    assert!(room.list(teacher).iter().all(|p| p.hand.is_none()));
}

fn poll(question: &str, options: &[&str], multiple: bool, correct: Option<Vec<u8>>) -> ClientMsg {
    ClientMsg::CreatePoll {
        question: question.into(),
        options: options.iter().map(|s| s.to_string()).collect(),
        multiple,
        correct,
    }
}

#[test]
fn a_poll_round_trip_with_live_counts_for_moderators() {
    let mut room = Classroom::new(StageMode::Open);
    let teacher = room.enter("Teacher", Role::Moderator);
    let speaker = room.enter("Speaker", Role::Attendee);
    let viewer = room.enter("Viewer", Role::Attendee);
    room.send(speaker, ClientMsg::JoinStage).unwrap();
    assert_eq!(
        room.send(viewer, poll("Q?", &["a", "b"], false, None)),
        Err(ErrorCode::NotModerator)
    );
    room.send(teacher, poll("Ready?", &["Yes", "No"], false, None))
        .unwrap();
    let id = room.room.snapshot_for(viewer.id).unwrap().polls[0].id;
    assert_eq!(
        room.room.snapshot_for(viewer.id).unwrap().polls[0].counts,
        None
    );

    room.take(teacher);
    room.send(
        viewer,
        ClientMsg::AnswerPoll {
            poll: id,
            choices: vec![0],
        },
    )
    .unwrap();
    room.wait(100);
    room.send(
        speaker,
        ClientMsg::AnswerPoll {
            poll: id,
            choices: vec![1],
        },
    )
    .unwrap();
    room.wait(100);
    assert_eq!(
        room.send(
            viewer,
            ClientMsg::AnswerPoll {
                poll: id,
                choices: vec![1]
            }
        ),
        Err(ErrorCode::AlreadyAnswered)
    );
    let live: Vec<Vec<u32>> = room
        .take(teacher)
        .into_iter()
        .filter_map(|d| match d {
            Delivered::Event(Event::Poll { poll }) => poll.counts,
            _ => None,
        })
        .collect();
    assert_eq!(live, [vec![1, 0], vec![1, 1]]);
    let mine = room.room.snapshot_for(viewer.id).unwrap().my_answers;
    assert_eq!(mine[0].choices, vec![0]);

    room.send(teacher, ClientMsg::EndPoll { poll: id }).unwrap();
    assert_eq!(
        room.send(
            teacher,
            ClientMsg::AnswerPoll {
                poll: id,
                choices: vec![0]
            }
        ),
        Err(ErrorCode::PollClosed)
    );
    room.send(teacher, ClientMsg::SharePollResults { poll: id })
        .unwrap();
    let shared = &room.room.snapshot_for(viewer.id).unwrap().polls[0];
    assert_eq!(shared.counts, Some(vec![1, 1]));
    assert_eq!(shared.answered, Some(2));
}

#[test]
fn a_quiz_reveals_its_right_answer_only_when_shared() {
    let mut room = Classroom::new(StageMode::Request);
    let teacher = room.enter("Teacher", Role::Moderator);
    let student = room.enter("Sam", Role::Attendee);
    room.send(
        teacher,
        poll("2+2?", &["3", "4", "5"], false, Some(vec![1])),
    )
    .unwrap();
    let view = room.room.snapshot_for(student.id).unwrap().polls[0].clone();
    assert!(view.quiz && view.correct.is_none());
    assert_eq!(
        room.room.snapshot_for(teacher.id).unwrap().polls[0].correct,
        Some(vec![1])
    );
    room.send(teacher, ClientMsg::SharePollResults { poll: view.id })
        .unwrap();
    assert_eq!(
        room.room.snapshot_for(student.id).unwrap().polls[0].correct,
        Some(vec![1])
    );
}

#[test]
fn a_multiple_choice_answer_counts_each_choice_once() {
    let mut room = Classroom::new(StageMode::Request);
    let teacher = room.enter("Teacher", Role::Moderator);
    let student = room.enter("Sam", Role::Attendee);
    room.send(teacher, poll("Pick", &["a", "b", "c"], true, None))
        .unwrap();
    let id = room.room.snapshot_for(student.id).unwrap().polls[0].id;
    assert_eq!(
        room.send(
            student,
            ClientMsg::AnswerPoll {
                poll: id,
                choices: vec![0, 0]
            }
        ),
        Err(ErrorCode::InvalidAnswer)
    );
    room.send(
        student,
        ClientMsg::AnswerPoll {
            poll: id,
            choices: vec![2, 0],
        },
    )
    .unwrap();
    assert_eq!(
        room.room.snapshot_for(teacher.id).unwrap().polls[0].counts,
        Some(vec![1, 0, 1])
    );
}

#[test]
fn invalid_polls_are_refused() {
    let mut room = Classroom::new(StageMode::Request);
    let teacher = room.enter("Teacher", Role::Moderator);
    assert_eq!(
        room.send(teacher, poll("Q", &["only"], false, None)),
        Err(ErrorCode::InvalidPoll)
    );
    assert_eq!(
        room.send(teacher, poll("", &["a", "b"], false, None)),
        Err(ErrorCode::InvalidPoll)
    );
    assert_eq!(
        room.send(teacher, ClientMsg::EndPoll { poll: 99 }),
        Err(ErrorCode::UnknownPoll)
    );
}

#[test]
fn a_class_answering_at_once_reaches_moderators_as_one_update() {
    let mut room = Classroom::new(StageMode::Request);
    let teacher = room.enter("Teacher", Role::Moderator);
    let students: Vec<_> = (0..30)
        .map(|i| room.enter(&format!("S{i}"), Role::Attendee))
        .collect();
    room.send(teacher, poll("Ready?", &["Yes", "No"], false, None))
        .unwrap();
    let id = room.room.snapshot_for(teacher.id).unwrap().polls[0].id;
    room.take(teacher);
    for student in &students {
        let msg = ClientMsg::AnswerPoll {
            poll: id,
            choices: vec![0],
        };
        room.send(*student, msg).unwrap();
    }
    let counts = |room: &mut Classroom| -> Vec<Vec<u32>> {
        room.take(teacher)
            .into_iter()
            .filter_map(|d| match d {
                Delivered::Event(Event::Poll { poll }) => poll.counts,
                _ => None,
            })
            .collect()
    };
    assert!(counts(&mut room).is_empty(), "nothing before the interval");
    assert!(
        room.room.poll_timeout().is_some(),
        "the room asks to be woken"
    );
    room.wait(100);
    assert_eq!(counts(&mut room), [vec![30, 0]]);
    assert_eq!(room.room.poll_timeout(), None);
}
