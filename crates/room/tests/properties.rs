//! Random command sequences from random roles never break the room's invariants.
#![allow(clippy::expect_used)]

mod common;

use std::collections::HashSet;

use common::strategies::{command, mode};
use common::{Classroom, Forwarded, Person};
use podium_protocol::{ClientMsg, ErrorCode, Role, StageAccess};
use podium_room::{Input, Output, RoomConfig};
use proptest::prelude::*;

const PEOPLE: [(&str, Role); 6] = [
    ("Mia", Role::Moderator),
    ("Pat", Role::Presenter),
    ("Ann", Role::Attendee),
    ("Bob", Role::Attendee),
    ("Cal", Role::Attendee),
    ("Dee", Role::Attendee),
];

#[derive(Clone, Debug)]
enum Step {
    Command(usize, ClientMsg),
    Drop(usize),
    Return(usize),
    Wait(u64),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        8 => (0..PEOPLE.len(), command()).prop_map(|(who, msg)| Step::Command(who, msg)),
        1 => (0..PEOPLE.len()).prop_map(Step::Drop),
        1 => (0..PEOPLE.len()).prop_map(Step::Return),
        1 => (0u64..90_000).prop_map(Step::Wait),
    ]
}

fn is_moderator_command(msg: &ClientMsg) -> bool {
    matches!(
        msg,
        ClientMsg::ApproveRequest { .. }
            | ClientMsg::DeclineRequest { .. }
            | ClientMsg::InviteToStage { .. }
            | ClientMsg::CancelInvitation { .. }
            | ClientMsg::RemoveFromStage { .. }
            | ClientMsg::Mute { .. }
            | ClientMsg::LowerHandOf { .. }
            | ClientMsg::LowerAllHands
            | ClientMsg::RemoveFromSession { .. }
            | ClientMsg::SetStageMode { .. }
            | ClientMsg::CreatePoll { .. }
            | ClientMsg::EndPoll { .. }
            | ClientMsg::SharePollResults { .. }
    )
}

/// Each attendee's stage access as an observing moderator's room shows it.
fn attendee_access(room: &Classroom, people: &[Option<Person>]) -> Vec<Option<StageAccess>> {
    people
        .iter()
        .zip(PEOPLE)
        .map(|(p, (_, role))| {
            let p = (*p)?;
            if role != Role::Attendee {
                return None;
            }
            room.room.snapshot_for(p.id).map(|s| s.you.stage)
        })
        .collect()
}

fn check_invariants(room: &Classroom, observer: Person) {
    let snapshot = room.room.snapshot_for(observer.id).expect("observer stays");
    let hands: Vec<u64> = snapshot
        .participants
        .iter()
        .filter_map(|p| p.hand)
        .collect();
    let unique: HashSet<u64> = hands.iter().copied().collect();
    assert_eq!(hands.len(), unique.len(), "hands are unique");
    let seats = snapshot.participants.iter().filter(|p| p.on_stage).count();
    assert!(seats <= snapshot.seat_limit as usize, "seat limit holds");
    for p in &snapshot.participants {
        assert!(
            p.on_stage || (!p.mic && !p.camera && !p.screen),
            "only people on stage have media on"
        );
        // The SFU, told only by the directives, forwards exactly what the rules allow.
        let told = room.forwarded.get(&p.id).copied().unwrap_or_default();
        assert_eq!(
            told,
            Forwarded {
                audio: p.on_stage && p.mic,
                video: p.on_stage && p.camera,
                screen: p.on_stage && p.screen,
            },
            "the media directives follow the room"
        );
    }
    // Nobody who left is still forwarded.
    for (id, told) in &room.forwarded {
        if !snapshot.participants.iter().any(|p| p.id == *id) {
            assert_eq!(*told, Forwarded::default(), "someone gone is not forwarded");
        }
    }
    for poll in &snapshot.polls {
        let counts = poll.counts.as_ref().expect("moderators see counts");
        let answered = poll.answered.expect("moderators see how many answered");
        let total: u32 = counts.iter().sum();
        if poll.multiple {
            assert!(total >= answered && total <= answered * poll.options.len() as u32);
        } else {
            assert_eq!(total, answered, "each single-choice answer counted once");
        }
    }
    for request in &snapshot.requests {
        let pending = room
            .room
            .snapshot_for(request.participant)
            .map(|s| s.you.stage);
        assert_eq!(
            pending,
            Some(StageAccess::Pending),
            "the queue holds only pending askers"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn random_sessions_keep_the_rules(start in mode(), steps in proptest::collection::vec(step(), 1..80)) {
        let mut room = Classroom::with_config(RoomConfig { stage_mode: start, seat_limit: 3, ..Default::default() });
        let observer = room.enter("Observer", Role::Moderator);
        let mut people: Vec<Option<Person>> = PEOPLE.iter().map(|(name, role)| Some(room.enter(name, *role))).collect();
        let mut connected = vec![true; PEOPLE.len()];
        let mut last_seq = 0;

        for step in steps {
            let before = attendee_access(&room, &people);
            let outputs = match &step {
                Step::Command(who, msg) => match people[*who] {
                    Some(p) if connected[*who] => room.input(Input::Command { conn: p.conn, msg: msg.clone() }),
                    _ => continue,
                },
                Step::Drop(who) => match people[*who] {
                    Some(p) if connected[*who] => {
                        connected[*who] = false;
                        room.input(Input::Disconnect { conn: p.conn })
                    }
                    _ => continue,
                },
                Step::Return(who) => {
                    let (name, role) = PEOPLE[*who];
                    match room.enter_as(Classroom::entrant(&format!("site:{name}"), name, role)) {
                        Ok(p) => {
                            people[*who] = Some(p);
                            connected[*who] = true;
                        }
                        Err(code) => prop_assert_eq!(code, ErrorCode::RemovedFromSession),
                    }
                    Vec::new()
                }
                Step::Wait(ms) => { room.wait(*ms); Vec::new() }
            };
            for output in &outputs {
                if let Output::Event { seq, .. } = output {
                    prop_assert!(*seq > last_seq, "event numbers only grow");
                    last_seq = *seq;
                }
            }
            if let Step::Command(who, msg) = &step {
                let role = PEOPLE[*who].1;
                if is_moderator_command(msg) && role != Role::Moderator {
                    let refused = outputs.iter().all(|o| matches!(o, Output::Error { code: ErrorCode::NotModerator, .. }));
                    prop_assert!(refused && !outputs.is_empty(), "only moderators moderate");
                }
            }
            // An attendee reaches the stage only by joining with direct access (open mode) or an invitation.
            let after = attendee_access(&room, &people);
            for (i, (b, a)) in before.iter().zip(&after).enumerate() {
                if *a == Some(StageAccess::OnStage) && *b != Some(StageAccess::OnStage) {
                    let joined = matches!(&step, Step::Command(who, ClientMsg::JoinStage) if *who == i);
                    prop_assert!(joined, "reached the stage only by join_stage");
                    prop_assert!(matches!(b, Some(StageAccess::Direct) | Some(StageAccess::Invited)));
                }
            }
            // Someone dropped past the grace period, or removed, is gone from the room.
            for p in people.iter_mut() {
                if p.is_some_and(|person| room.room.snapshot_for(person.id).is_none()) {
                    *p = None;
                }
            }
            check_invariants(&room, observer);
        }
    }
}
