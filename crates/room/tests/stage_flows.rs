//! The stage flows of "Join the stage in a Kaltura Room", one test each, on fake time.

mod common;

use common::{Classroom, Delivered, Forwarded};
use podium_protocol::{
    ClientMsg, ErrorCode, Event, Features, Notice, Role, StageAccess, StageMode,
};
use podium_room::{Input, RoomConfig};

#[test]
fn open_mode_anyone_joins_the_stage_directly() {
    let mut room = Classroom::new(StageMode::Open);
    let student = room.enter("Sam", Role::Attendee);
    assert_eq!(room.stage_access(student), StageAccess::Direct);
    room.send(student, ClientMsg::JoinStage).unwrap();
    assert!(room.on_stage(student));
    let list = room.list(student);
    assert!(list.iter().any(|p| p.id == student.id && p.on_stage));
}

#[test]
fn presenters_and_moderators_join_directly_in_every_mode() {
    for mode in [StageMode::Open, StageMode::Request, StageMode::Invite] {
        let mut room = Classroom::new(mode);
        let teacher = room.enter("Teacher", Role::Moderator);
        let guest = room.enter("Guest", Role::Presenter);
        room.send(teacher, ClientMsg::JoinStage).unwrap();
        room.send(guest, ClientMsg::JoinStage).unwrap();
        assert!(room.on_stage(teacher) && room.on_stage(guest), "{mode:?}");
    }
}

#[test]
fn attendees_cannot_join_directly_in_request_or_invite_mode() {
    for mode in [StageMode::Request, StageMode::Invite] {
        let mut room = Classroom::new(mode);
        let student = room.enter("Sam", Role::Attendee);
        assert_eq!(
            room.send(student, ClientMsg::JoinStage),
            Err(ErrorCode::StageNotOpen)
        );
        assert!(!room.on_stage(student));
    }
}

#[test]
fn request_mode_ask_approve_then_join() {
    let mut room = Classroom::new(StageMode::Request);
    let teacher = room.enter("Teacher", Role::Moderator);
    let student = room.enter("Sam", Role::Attendee);
    room.take(teacher);
    assert_eq!(room.stage_access(student), StageAccess::Ask);

    room.send(student, ClientMsg::AskToJoinStage).unwrap();
    assert_eq!(room.stage_access(student), StageAccess::Pending);
    let seen = room.take(teacher);
    assert!(seen.contains(&Delivered::Event(Event::Notice {
        notice: Notice::StageRequested {
            participant: student.id,
            name: "Sam".into()
        }
    })));
    assert_eq!(
        room.room.snapshot_for(teacher.id).unwrap().requests.len(),
        1
    );

    room.take(student);
    room.send(
        teacher,
        ClientMsg::ApproveRequest {
            participant: student.id,
        },
    )
    .unwrap();
    assert!(room.notices(student).contains(&Notice::RequestApproved));
    assert_eq!(room.stage_access(student), StageAccess::Invited);
    assert!(room
        .room
        .snapshot_for(teacher.id)
        .unwrap()
        .requests
        .is_empty());

    room.send(student, ClientMsg::JoinStage).unwrap();
    assert!(room.on_stage(student));
}

#[test]
fn request_mode_declined_then_ask_again_later() {
    let mut room = Classroom::new(StageMode::Request);
    let teacher = room.enter("Teacher", Role::Moderator);
    let student = room.enter("Sam", Role::Attendee);
    room.send(student, ClientMsg::AskToJoinStage).unwrap();
    room.take(student);
    room.send(
        teacher,
        ClientMsg::DeclineRequest {
            participant: student.id,
        },
    )
    .unwrap();
    assert!(room.notices(student).contains(&Notice::RequestDeclined));
    assert_eq!(room.stage_access(student), StageAccess::Ask);
    room.send(student, ClientMsg::AskToJoinStage).unwrap();
    assert_eq!(room.stage_access(student), StageAccess::Pending);
}

#[test]
fn request_mode_cancel_while_waiting_updates_every_moderators_queue() {
    let mut room = Classroom::new(StageMode::Request);
    let teacher = room.enter("Teacher", Role::Moderator);
    let assistant = room.enter("Assistant", Role::Moderator);
    let student = room.enter("Sam", Role::Attendee);
    room.send(student, ClientMsg::AskToJoinStage).unwrap();
    room.take(teacher);
    room.take(assistant);
    room.send(student, ClientMsg::CancelRequest).unwrap();
    for moderator in [teacher, assistant] {
        assert!(room
            .take(moderator)
            .contains(&Delivered::Event(Event::Requests { requests: vec![] })));
    }
    assert_eq!(room.stage_access(student), StageAccess::Ask);
    assert_eq!(
        room.send(student, ClientMsg::CancelRequest),
        Err(ErrorCode::NoRequest)
    );
}

#[test]
fn asking_twice_is_refused() {
    let mut room = Classroom::new(StageMode::Request);
    let student = room.enter("Sam", Role::Attendee);
    room.send(student, ClientMsg::AskToJoinStage).unwrap();
    assert_eq!(
        room.send(student, ClientMsg::AskToJoinStage),
        Err(ErrorCode::AlreadyRequested)
    );
}

#[test]
fn invite_mode_invited_viewer_joins() {
    let mut room = Classroom::new(StageMode::Invite);
    let teacher = room.enter("Teacher", Role::Moderator);
    let student = room.enter("Sam", Role::Attendee);
    assert_eq!(room.stage_access(student), StageAccess::None);
    assert_eq!(
        room.send(student, ClientMsg::AskToJoinStage),
        Err(ErrorCode::AskNotAvailable)
    );
    room.send(
        teacher,
        ClientMsg::InviteToStage {
            participant: student.id,
        },
    )
    .unwrap();
    assert!(room.notices(student).contains(&Notice::Invited {
        by: "Teacher".into()
    }));
    assert_eq!(room.stage_access(student), StageAccess::Invited);
    room.send(student, ClientMsg::JoinStage).unwrap();
    assert!(room.on_stage(student));
}

#[test]
fn invite_mode_declined_invitation_tells_the_moderator() {
    let mut room = Classroom::new(StageMode::Invite);
    let teacher = room.enter("Teacher", Role::Moderator);
    let student = room.enter("Sam", Role::Attendee);
    room.send(
        teacher,
        ClientMsg::InviteToStage {
            participant: student.id,
        },
    )
    .unwrap();
    room.take(teacher);
    room.send(student, ClientMsg::DeclineInvitation).unwrap();
    assert!(room.notices(teacher).contains(&Notice::InvitationDeclined {
        participant: student.id,
        name: "Sam".into()
    }));
    assert_eq!(room.stage_access(student), StageAccess::None);
    assert_eq!(
        room.send(student, ClientMsg::JoinStage),
        Err(ErrorCode::StageNotOpen)
    );
}

#[test]
fn only_moderators_invite_approve_and_remove() {
    let mut room = Classroom::new(StageMode::Request);
    let guest = room.enter("Guest", Role::Presenter);
    let student = room.enter("Sam", Role::Attendee);
    let other = room.enter("Kim", Role::Attendee);
    room.send(other, ClientMsg::AskToJoinStage).unwrap();
    for msg in [
        ClientMsg::InviteToStage {
            participant: student.id,
        },
        ClientMsg::ApproveRequest {
            participant: other.id,
        },
        ClientMsg::RemoveFromStage {
            participant: guest.id,
        },
        ClientMsg::SetStageMode {
            mode: StageMode::Open,
        },
        ClientMsg::LowerAllHands,
    ] {
        assert_eq!(
            room.send(student, msg.clone()),
            Err(ErrorCode::NotModerator)
        );
        assert_eq!(room.send(guest, msg), Err(ErrorCode::NotModerator));
    }
}

#[test]
fn nobody_leaves_the_stage_by_themselves_but_can_turn_media_off() {
    let mut room = Classroom::new(StageMode::Open);
    let student = room.enter("Sam", Role::Attendee);
    room.send(student, ClientMsg::JoinStage).unwrap();
    room.send(
        student,
        ClientMsg::SetMedia {
            mic: true,
            camera: true,
            screen: false,
        },
    )
    .unwrap();
    assert_eq!(
        room.send(student, ClientMsg::LeaveStage),
        Err(ErrorCode::CannotLeaveStage)
    );
    assert!(room.on_stage(student));
    room.send(
        student,
        ClientMsg::SetMedia {
            mic: false,
            camera: false,
            screen: false,
        },
    )
    .unwrap();
    let me = room
        .list(student)
        .into_iter()
        .find(|p| p.id == student.id)
        .unwrap();
    assert!(me.on_stage && !me.mic && !me.camera);
}

#[test]
fn viewers_cannot_turn_their_microphone_on() {
    let mut room = Classroom::new(StageMode::Request);
    let student = room.enter("Sam", Role::Attendee);
    assert_eq!(
        room.send(
            student,
            ClientMsg::SetMedia {
                mic: true,
                camera: false,
                screen: false
            }
        ),
        Err(ErrorCode::NotOnStage)
    );
}

#[test]
fn a_moderator_removes_someone_from_the_stage() {
    let mut room = Classroom::new(StageMode::Open);
    let teacher = room.enter("Teacher", Role::Moderator);
    let student = room.enter("Sam", Role::Attendee);
    room.send(student, ClientMsg::JoinStage).unwrap();
    room.send(
        student,
        ClientMsg::SetMedia {
            mic: true,
            camera: true,
            screen: false,
        },
    )
    .unwrap();
    room.take(student);
    room.send(
        teacher,
        ClientMsg::RemoveFromStage {
            participant: student.id,
        },
    )
    .unwrap();
    assert!(room.notices(student).contains(&Notice::RemovedFromStage));
    let me = room
        .list(teacher)
        .into_iter()
        .find(|p| p.id == student.id)
        .unwrap();
    assert!(!me.on_stage && !me.mic && !me.camera);
    // Open mode: they may come back by themselves.
    assert_eq!(room.stage_access(student), StageAccess::Direct);
}

#[test]
fn a_moderator_mutes_someone_on_stage() {
    let mut room = Classroom::new(StageMode::Open);
    let teacher = room.enter("Teacher", Role::Moderator);
    let student = room.enter("Sam", Role::Attendee);
    room.send(student, ClientMsg::JoinStage).unwrap();
    room.send(
        student,
        ClientMsg::SetMedia {
            mic: true,
            camera: true,
            screen: false,
        },
    )
    .unwrap();
    room.take(student);
    room.send(
        teacher,
        ClientMsg::Mute {
            participant: student.id,
        },
    )
    .unwrap();
    assert!(room.notices(student).contains(&Notice::Muted));
    let me = room
        .list(teacher)
        .into_iter()
        .find(|p| p.id == student.id)
        .unwrap();
    assert!(!me.mic && me.camera && me.on_stage);
}

#[test]
fn the_stage_has_a_seat_limit() {
    let mut room = Classroom::with_config(podium_room::RoomConfig {
        stage_mode: StageMode::Open,
        seat_limit: 2,
        ..Default::default()
    });
    let a = room.enter("A", Role::Attendee);
    let b = room.enter("B", Role::Attendee);
    let c = room.enter("C", Role::Attendee);
    room.send(a, ClientMsg::JoinStage).unwrap();
    room.send(b, ClientMsg::JoinStage).unwrap();
    assert_eq!(
        room.send(c, ClientMsg::JoinStage),
        Err(ErrorCode::StageFull)
    );
    assert!(!room.on_stage(c));
}

#[test]
fn the_default_seat_limit_is_25() {
    assert_eq!(podium_room::RoomConfig::default().seat_limit, 25);
}

#[test]
fn switching_to_open_lets_waiting_askers_join_directly() {
    let mut room = Classroom::new(StageMode::Request);
    let teacher = room.enter("Teacher", Role::Moderator);
    let student = room.enter("Sam", Role::Attendee);
    room.send(student, ClientMsg::AskToJoinStage).unwrap();
    room.send(
        teacher,
        ClientMsg::SetStageMode {
            mode: StageMode::Open,
        },
    )
    .unwrap();
    assert_eq!(room.stage_access(student), StageAccess::Direct);
    assert!(room
        .room
        .snapshot_for(teacher.id)
        .unwrap()
        .requests
        .is_empty());
}

#[test]
fn switching_to_invite_closes_waiting_requests_and_keeps_the_stage() {
    let mut room = Classroom::new(StageMode::Open);
    let teacher = room.enter("Teacher", Role::Moderator);
    let speaker = room.enter("Speaker", Role::Attendee);
    let asker = room.enter("Asker", Role::Attendee);
    let invitee = room.enter("Invitee", Role::Attendee);
    room.send(speaker, ClientMsg::JoinStage).unwrap();
    room.send(
        teacher,
        ClientMsg::SetStageMode {
            mode: StageMode::Request,
        },
    )
    .unwrap();
    room.send(asker, ClientMsg::AskToJoinStage).unwrap();
    room.send(
        teacher,
        ClientMsg::InviteToStage {
            participant: invitee.id,
        },
    )
    .unwrap();
    room.take(asker);
    room.send(
        teacher,
        ClientMsg::SetStageMode {
            mode: StageMode::Invite,
        },
    )
    .unwrap();
    assert!(room.notices(asker).contains(&Notice::RequestClosed));
    assert_eq!(room.stage_access(asker), StageAccess::None);
    assert!(room.on_stage(speaker));
    assert_eq!(room.stage_access(invitee), StageAccess::Invited);
    assert_eq!(room.room.stage_mode(), StageMode::Invite);
}

#[test]
fn everyone_hears_of_a_stage_mode_switch_and_their_new_button() {
    let mut room = Classroom::new(StageMode::Invite);
    let teacher = room.enter("Teacher", Role::Moderator);
    let student = room.enter("Sam", Role::Attendee);
    room.take(student);
    room.send(
        teacher,
        ClientMsg::SetStageMode {
            mode: StageMode::Request,
        },
    )
    .unwrap();
    let seen = room.take(student);
    assert!(seen.contains(&Delivered::Event(Event::StageModeChanged {
        mode: StageMode::Request
    })));
    assert!(seen.iter().any(
        |d| matches!(d, Delivered::Event(Event::You { you }) if you.stage == StageAccess::Ask)
    ));
}

fn media(mic: bool, camera: bool, screen: bool) -> ClientMsg {
    ClientMsg::SetMedia {
        mic,
        camera,
        screen,
    }
}

fn forwarded(audio: bool, video: bool, screen: bool) -> Forwarded {
    Forwarded {
        audio,
        video,
        screen,
    }
}

#[test]
fn the_sfu_forwards_what_someone_on_stage_has_on() {
    let mut room = Classroom::new(StageMode::Open);
    let student = room.enter("Sam", Role::Attendee);
    room.send(student, ClientMsg::JoinStage).unwrap();
    // On stage with everything off: nothing to forward, nothing said.
    assert_eq!(room.take_directives(), vec![]);
    room.send(student, media(true, true, false)).unwrap();
    assert_eq!(
        room.take_directives(),
        vec![(student.id, forwarded(true, true, false))]
    );
    room.send(student, media(true, true, true)).unwrap();
    assert_eq!(
        room.take_directives(),
        vec![(student.id, forwarded(true, true, true))]
    );
    // The same state again says nothing.
    room.send(student, media(true, true, true)).unwrap();
    assert_eq!(room.take_directives(), vec![]);
    room.send(student, media(false, true, false)).unwrap();
    assert_eq!(room.forwarded(student), forwarded(false, true, false));
}

#[test]
fn a_moderator_mute_stops_audio_forwarding_only() {
    let mut room = Classroom::new(StageMode::Open);
    let teacher = room.enter("Teacher", Role::Moderator);
    let student = room.enter("Sam", Role::Attendee);
    room.send(student, ClientMsg::JoinStage).unwrap();
    room.send(student, media(true, true, true)).unwrap();
    room.take_directives();
    room.send(
        teacher,
        ClientMsg::Mute {
            participant: student.id,
        },
    )
    .unwrap();
    assert_eq!(
        room.take_directives(),
        vec![(student.id, forwarded(false, true, true))]
    );
}

#[test]
fn removal_from_the_stage_stops_everything() {
    let mut room = Classroom::new(StageMode::Open);
    let teacher = room.enter("Teacher", Role::Moderator);
    let student = room.enter("Sam", Role::Attendee);
    room.send(student, ClientMsg::JoinStage).unwrap();
    room.send(student, media(true, true, true)).unwrap();
    room.take_directives();
    room.send(
        teacher,
        ClientMsg::RemoveFromStage {
            participant: student.id,
        },
    )
    .unwrap();
    assert_eq!(
        room.take_directives(),
        vec![(student.id, forwarded(false, false, false))]
    );
    // Back on stage, nothing is forwarded until they turn something on again.
    room.send(student, ClientMsg::JoinStage).unwrap();
    assert_eq!(room.take_directives(), vec![]);
}

#[test]
fn a_viewer_is_never_forwarded() {
    let mut room = Classroom::new(StageMode::Request);
    let student = room.enter("Sam", Role::Attendee);
    for (mic, camera, screen) in [
        (true, false, false),
        (false, true, false),
        (false, false, true),
    ] {
        assert_eq!(
            room.send(student, media(mic, camera, screen)),
            Err(ErrorCode::NotOnStage)
        );
    }
    assert_eq!(room.send(student, media(false, false, false)), Ok(()));
    assert_eq!(room.take_directives(), vec![]);
    assert_eq!(room.forwarded(student), Forwarded::default());
}

#[test]
fn leaving_the_room_stops_forwarding_but_a_dropped_connection_keeps_it() {
    let mut room = Classroom::new(StageMode::Open);
    let teacher = room.enter("Teacher", Role::Moderator);
    let presenter = room.enter("Pat", Role::Presenter);
    let student = room.enter("Sam", Role::Attendee);
    for who in [presenter, student] {
        room.send(who, ClientMsg::JoinStage).unwrap();
        room.send(who, media(true, true, false)).unwrap();
    }
    room.take_directives();
    // A dropped connection holds the place, and with it what may be forwarded.
    room.drop_connection(presenter);
    assert_eq!(room.take_directives(), vec![]);
    // Once the grace period runs out, nothing is forwarded.
    room.wait(RoomConfig::default().grace + 1);
    assert_eq!(
        room.take_directives(),
        vec![(presenter.id, forwarded(false, false, false))]
    );
    // Removal from the session too.
    room.send(
        teacher,
        ClientMsg::RemoveFromSession {
            participant: student.id,
        },
    )
    .unwrap();
    assert_eq!(
        room.take_directives(),
        vec![(student.id, forwarded(false, false, false))]
    );
    assert!(room.room.media_directives().is_empty());
}

#[test]
fn a_meeting_starts_in_the_activitys_stage_mode_and_a_moderators_change_lasts_the_meeting() {
    let mut class = Classroom::new(StageMode::Request);
    let teacher = class.enter("Ada", Role::Moderator);
    class
        .send(
            teacher,
            ClientMsg::SetStageMode {
                mode: StageMode::Open,
            },
        )
        .unwrap();
    // Every entrant's token carries the activity's settings: they do not undo the change.
    let settings = Input::Configure {
        features: Features::ALL_ON,
        stage_mode: Some(StageMode::Request),
        title: None,
    };
    class.input(settings.clone());
    let student = class.enter("Ben", Role::Attendee);
    assert_eq!(class.stage_access(student), StageAccess::Direct);
    // Nor does a restart or a dropped connection: their places are held, the meeting goes on.
    class.drop_connection(student);
    class.drop_connection(teacher);
    class.input(settings.clone());
    assert_eq!(class.room.stage_mode(), StageMode::Open);
    // Once everyone has gone, the next meeting starts as the activity says (and is logged).
    class.wait(60_001);
    assert!(class.room.is_idle());
    let outputs = class.input(settings.clone());
    assert!(settings.changes_room(&outputs));
    assert_eq!(class.room.stage_mode(), StageMode::Request);
    let student = class.enter("Ben", Role::Attendee);
    assert_eq!(class.stage_access(student), StageAccess::Ask);
}

/// The last list of invited people this person was sent.
fn invited_seen(
    room: &mut Classroom,
    who: common::Person,
) -> Option<Vec<podium_protocol::ParticipantId>> {
    room.take(who).into_iter().rev().find_map(|d| match d {
        Delivered::Event(Event::Invitations { invited }) => Some(invited),
        _ => None,
    })
}

#[test]
fn every_moderator_sees_who_is_invited_until_they_answer() {
    let mut room = Classroom::new(StageMode::Request);
    let ada = room.enter("Ada", Role::Moderator);
    let bob = room.enter("Bob", Role::Moderator);
    let sam = room.enter("Sam", Role::Attendee);
    let kim = room.enter("Kim", Role::Attendee);
    let invite = |who: common::Person| ClientMsg::InviteToStage {
        participant: who.id,
    };
    room.send(ada, invite(sam)).unwrap();
    // An approved request is an invitation too.
    room.send(kim, ClientMsg::AskToJoinStage).unwrap();
    room.send(
        ada,
        ClientMsg::ApproveRequest {
            participant: kim.id,
        },
    )
    .unwrap();
    assert_eq!(invited_seen(&mut room, bob), Some(vec![sam.id, kim.id]));
    assert_eq!(invited_seen(&mut room, sam), None, "only moderators see it");
    // A moderator who comes later, or reloads, sees it in the snapshot.
    let cy = room.enter("Cy", Role::Moderator);
    assert_eq!(
        room.room.snapshot_for(cy.id).unwrap().invited,
        vec![sam.id, kim.id]
    );
    assert!(room.room.snapshot_for(sam.id).unwrap().invited.is_empty());
    // Any moderator may withdraw it; answering takes the person off the list.
    room.send(
        bob,
        ClientMsg::CancelInvitation {
            participant: sam.id,
        },
    )
    .unwrap();
    assert_eq!(invited_seen(&mut room, ada), Some(vec![kim.id]));
    room.send(kim, ClientMsg::JoinStage).unwrap();
    assert_eq!(invited_seen(&mut room, cy), Some(vec![]));
}
