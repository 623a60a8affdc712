//! Entering and leaving: second windows, dropped connections, removals and invitation links.

mod common;

use common::{Classroom, Delivered};
use podium_protocol::{ClientMsg, CloseReason, ErrorCode, Event, Role, StageAccess, StageMode};
use podium_room::{Entrant, Input, NewInviteLink, Output};

#[test]
fn a_second_window_replaces_the_first_and_keeps_the_place() {
    let mut room = Classroom::new(StageMode::Open);
    let first = room.enter("Sam", Role::Attendee);
    room.send(first, ClientMsg::JoinStage).unwrap();
    let second = room.enter("Sam", Role::Attendee);
    assert_eq!(second.id, first.id);
    assert!(room
        .take(first)
        .contains(&Delivered::Closed(CloseReason::Replaced)));
    assert!(room.on_stage(second));
    // The old socket closing afterwards changes nothing.
    room.drop_connection(first);
    assert!(room.list(second).iter().all(|p| p.connected));
}

#[test]
fn a_dropped_person_keeps_seat_and_hand_through_the_grace_period() {
    let mut room = Classroom::new(StageMode::Open);
    let teacher = room.enter("Teacher", Role::Moderator);
    let student = room.enter("Sam", Role::Attendee);
    room.send(student, ClientMsg::JoinStage).unwrap();
    room.send(student, ClientMsg::RaiseHand).unwrap();
    room.drop_connection(student);
    let held = room
        .list(teacher)
        .into_iter()
        .find(|p| p.id == student.id)
        .unwrap();
    assert!(!held.connected && held.on_stage && held.hand.is_some());
    assert!(room.room.poll_timeout().is_some());
    room.wait(30_000);
    let back = room.enter("Sam", Role::Attendee);
    assert_eq!(back.id, student.id);
    let me = room
        .list(teacher)
        .into_iter()
        .find(|p| p.id == student.id)
        .unwrap();
    assert!(me.connected && me.on_stage && me.hand == held.hand);
}

#[test]
fn after_the_grace_period_the_place_is_given_up_and_everyone_sees_it() {
    let mut room = Classroom::new(StageMode::Request);
    let teacher = room.enter("Teacher", Role::Moderator);
    let student = room.enter("Sam", Role::Attendee);
    room.send(student, ClientMsg::AskToJoinStage).unwrap();
    room.drop_connection(student);
    room.take(teacher);
    room.wait(60_001);
    let seen = room.take(teacher);
    assert!(seen.contains(&Delivered::Event(Event::People {
        people: vec![],
        left: vec![student.id],
    })));
    assert!(seen.contains(&Delivered::Event(Event::Requests { requests: vec![] })));
    assert_eq!(room.list(teacher).len(), 1);
    assert_eq!(room.room.poll_timeout(), None);
    let back = room.enter("Sam", Role::Attendee);
    assert_eq!(room.stage_access(back), StageAccess::Ask);
}

#[test]
fn a_removed_person_cannot_come_back_until_a_moderator_lifts_it() {
    let mut room = Classroom::new(StageMode::Request);
    let teacher = room.enter("Teacher", Role::Moderator);
    let student = room.enter("Sam", Role::Attendee);
    room.send(
        teacher,
        ClientMsg::RemoveFromSession {
            participant: student.id,
        },
    )
    .unwrap();
    assert!(room
        .take(student)
        .contains(&Delivered::Closed(CloseReason::Removed)));
    assert!(room.list(teacher).iter().all(|p| p.id != student.id));
    let again = Classroom::entrant("site:Sam", "Sam", Role::Attendee);
    assert_eq!(
        room.enter_as(again.clone()),
        Err(ErrorCode::RemovedFromSession)
    );
    let banned = room.room.snapshot_for(teacher.id).unwrap().banned;
    assert_eq!(banned[0].name, "Sam");
    room.send(
        teacher,
        ClientMsg::LiftRemoval {
            identity: banned[0].identity.clone(),
        },
    )
    .unwrap();
    assert!(room.enter_as(again).is_ok());
}

#[test]
fn moderators_cannot_be_removed_from_the_session() {
    let mut room = Classroom::new(StageMode::Request);
    let teacher = room.enter("Teacher", Role::Moderator);
    let other = room.enter("Other", Role::Moderator);
    assert_eq!(
        room.send(
            teacher,
            ClientMsg::RemoveFromSession {
                participant: other.id
            }
        ),
        Err(ErrorCode::CannotRemoveModerator)
    );
}

#[test]
fn a_room_has_a_participant_limit() {
    let mut room = Classroom::with_config(podium_room::RoomConfig {
        max_participants: 2,
        ..Default::default()
    });
    room.enter("A", Role::Attendee);
    room.enter("B", Role::Attendee);
    let third = Classroom::entrant("site:C", "C", Role::Attendee);
    assert_eq!(room.enter_as(third), Err(ErrorCode::RoomFull));
}

fn link(room: &Classroom, id: &str, role: Role, secs: u64) -> Input {
    let _ = room;
    Input::CreateInviteLink {
        conn: 1,
        link: NewInviteLink {
            id: id.into(),
            role,
            code: format!("code-{id}"),
            expires_at: room.now + 10 + secs * 1000,
        },
    }
}

fn via(id: &str, name: &str) -> Entrant {
    Entrant {
        via_link: Some(id.into()),
        ..Classroom::entrant(&format!("link:{id}:{name}"), name, Role::Presenter)
    }
}

#[test]
fn invitation_links_enter_until_revoked_or_expired() {
    let mut room = Classroom::new(StageMode::Invite);
    let teacher = room.enter("Teacher", Role::Moderator);
    assert_eq!(teacher.conn, 1);
    let input = link(&room, "L1", Role::Presenter, 600);
    room.input(input);
    let links = room.room.snapshot_for(teacher.id).unwrap().invite_links;
    assert_eq!(
        (links[0].id.as_str(), links[0].code.as_str()),
        ("L1", "code-L1")
    );

    let guest = room.enter_as(via("L1", "Guest")).unwrap();
    assert_eq!(room.stage_access(guest), StageAccess::Direct);

    room.send(teacher, ClientMsg::RevokeInviteLink { id: "L1".into() })
        .unwrap();
    assert_eq!(
        room.enter_as(via("L1", "Late")),
        Err(ErrorCode::InviteLinkRevoked)
    );
    assert_eq!(
        room.enter_as(via("nope", "X")),
        Err(ErrorCode::InvalidInviteLink)
    );

    let input = link(&room, "L2", Role::Moderator, 60);
    room.input(input);
    room.wait(61_000);
    assert_eq!(
        room.enter_as(via("L2", "Slow")),
        Err(ErrorCode::InviteLinkExpired)
    );
}

#[test]
fn invitation_links_are_for_presenters_and_moderators_made_by_moderators() {
    let mut room = Classroom::new(StageMode::Invite);
    let teacher = room.enter("Teacher", Role::Moderator);
    let student = room.enter("Sam", Role::Attendee);
    let input = link(&room, "A", Role::Attendee, 600);
    let out = room.input(input);
    assert!(matches!(
        out[0],
        podium_room::Output::Error {
            code: ErrorCode::InvalidInviteRole,
            ..
        }
    ));
    let input = link(&room, "B", Role::Presenter, 10);
    let out = room.input(input);
    assert!(matches!(
        out[0],
        podium_room::Output::Error {
            code: ErrorCode::InvalidInviteExpiry,
            ..
        }
    ));
    let out = room.input(Input::CreateInviteLink {
        conn: student.conn,
        link: NewInviteLink {
            id: "C".into(),
            role: Role::Presenter,
            code: "c".into(),
            expires_at: room.now + 600_000,
        },
    });
    assert!(matches!(
        out[0],
        podium_room::Output::Error {
            code: ErrorCode::NotModerator,
            ..
        }
    ));
    assert!(room
        .room
        .snapshot_for(teacher.id)
        .unwrap()
        .invite_links
        .is_empty());
}

#[test]
fn commands_before_a_welcome_are_refused() {
    let mut room = Classroom::new(StageMode::Open);
    let out = room.input(Input::Command {
        conn: 77,
        msg: ClientMsg::JoinStage,
    });
    assert!(matches!(
        out[0],
        podium_room::Output::Error {
            code: ErrorCode::HelloRequired,
            ..
        }
    ));
}

#[test]
fn a_welcome_comes_before_any_event_to_the_new_connection() {
    let mut room = Classroom::new(StageMode::Open);
    room.enter("Teacher", Role::Moderator);
    let student = room.enter("Sam", Role::Attendee);
    let inbox = room.take(student);
    assert_eq!(inbox[0], Delivered::Welcome(student.id));
}

#[test]
fn the_people_event_about_oneself_is_already_in_the_snapshot() {
    let mut room = Classroom::new(StageMode::Open);
    let sam = room.enter("Sam", Role::Attendee);
    let entered_at = room.room.snapshot_for(sam.id).unwrap();
    assert!(entered_at.participants.iter().any(|p| p.id == sam.id));
    room.now += 100;
    let people_seq = room.input(Input::Tick).into_iter().find_map(|o| match o {
        Output::Event {
            seq,
            event: Event::People { people, .. },
            ..
        } if people.iter().any(|p| p.id == sam.id) => Some(seq),
        _ => None,
    });
    // Told after the welcome, and harmless to apply again: it says what the snapshot said.
    assert!(people_seq.is_some_and(|seq| seq > entered_at.seq));
}

#[test]
fn a_crowd_entering_at_once_is_told_in_a_few_people_events() {
    let mut room = Classroom::new(StageMode::Request);
    let teacher = room.enter("Teacher", Role::Moderator);
    room.wait(100);
    room.take(teacher);
    let crowd: Vec<_> = (0..50)
        .map(|i| room.enter(&format!("Viewer {i}"), Role::Attendee))
        .collect();
    assert!(
        room.take(teacher).is_empty(),
        "nothing before the interval is up"
    );
    room.wait(100);
    // Gathered, and cut into events of at most 32 people so that no frame grows with a crowd.
    let sizes: Vec<usize> = room
        .take(teacher)
        .into_iter()
        .map(|d| match d {
            Delivered::Event(Event::People { people, left }) if left.is_empty() => people.len(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(sizes, vec![32, crowd.len() - 32]);
    // Dropping and leaving for good are gathered the same way.
    for &viewer in &crowd[..10] {
        room.drop_connection(viewer);
    }
    room.wait(100);
    let seen = room.take(teacher);
    assert_eq!(seen.len(), 1, "{seen:?}");
    room.wait(60_000);
    let seen = room.take(teacher);
    let left: Vec<_> = seen
        .iter()
        .filter_map(|d| match d {
            Delivered::Event(Event::People { left, .. }) => Some(left.len()),
            _ => None,
        })
        .collect();
    assert_eq!(left, vec![10], "{seen:?}");
    assert_eq!(room.list(teacher).len(), 41);
}

#[test]
fn replaying_the_inputs_then_a_restart_holds_everyones_place() {
    let mut live = Classroom::new(StageMode::Request);
    let mut log = Vec::new();
    let mut record = |room: &mut Classroom, input: Input| {
        log.push((room.now + 10, input.clone()));
        room.input(input);
    };
    record(
        &mut live,
        Input::Connect {
            conn: 1,
            entrant: Classroom::entrant("s:t", "Teacher", Role::Moderator),
        },
    );
    record(
        &mut live,
        Input::Connect {
            conn: 2,
            entrant: Classroom::entrant("s:s", "Sam", Role::Attendee),
        },
    );
    record(
        &mut live,
        Input::Command {
            conn: 2,
            msg: ClientMsg::AskToJoinStage,
        },
    );
    record(
        &mut live,
        Input::Command {
            conn: 2,
            msg: ClientMsg::Chat { text: "hi".into() },
        },
    );
    record(
        &mut live,
        Input::Command {
            conn: 1,
            msg: ClientMsg::SetStageMode {
                mode: StageMode::Invite,
            },
        },
    );
    record(
        &mut live,
        Input::Command {
            conn: 1,
            msg: ClientMsg::InviteToStage { participant: 2 },
        },
    );

    let mut restored = podium_room::Room::new(podium_room::RoomConfig {
        stage_mode: StageMode::Request,
        ..Default::default()
    });
    for (at, input) in log.clone() {
        restored.handle(at, input);
    }
    let before = live.room.snapshot_for(1).unwrap();
    let after = restored.snapshot_for(1).unwrap();
    assert_eq!(before, after, "the same inputs give the same room");

    let restart_at = live.now + 1000;
    restored.handle(restart_at, Input::Restart);
    let held = restored.snapshot_for(2).unwrap();
    assert!(held.participants.iter().all(|p| !p.connected));
    assert_eq!(held.you.stage, StageAccess::Invited);
    assert_eq!(held.chat[0].text, "hi");
    assert_eq!(held.stage_mode, StageMode::Invite);
    // A new process numbers its connections afresh; conn 1 is someone new now.
    let out = restored.handle(
        restart_at + 5,
        Input::Connect {
            conn: 1,
            entrant: Classroom::entrant("s:s", "Sam", Role::Attendee),
        },
    );
    assert!(out
        .iter()
        .any(|o| matches!(o, podium_room::Output::Welcome { participant: 2, .. })));
    assert_eq!(
        restored.snapshot_for(2).unwrap().you.stage,
        StageAccess::Invited
    );
    assert!(restored
        .snapshot_for(1)
        .unwrap()
        .participants
        .iter()
        .any(|p| p.id == 1 && !p.connected));
}
