//! The stage, as seed 002 describes it: open, request and invite-only modes, no leaving by
//! oneself, removal by a moderator, mode switches, the seat limit.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use podium_protocol::{ClientMsg, ErrorCode, Event, Notice, Role, StageAccess, StageMode};

async fn is_on_stage(c: &mut Client, who: u64) -> bool {
    person(&c.sync().await, who).on_stage
}

#[tokio::test]
async fn attendee_joins_as_viewer_and_is_listed_among_viewers() {
    let server = Server::start();
    let mut mona = server.enter(Role::Moderator, "Mona").await;
    let alex = server.enter(Role::Attendee, "Alex").await;
    let snapshot = alex.snapshot.clone().unwrap();
    let me = person(&snapshot, alex.id());
    assert!(!me.on_stage && !me.mic && !me.camera);
    assert_eq!(snapshot.you.stage, StageAccess::Ask);
    assert!(!snapshot.you.moderator);
    mona.event("Alex joined", |e| {
        matches!(e, Event::People { people, .. } if people.iter().any(|p| p.name == "Alex" && !p.on_stage))
    })
    .await;
}

#[tokio::test]
async fn attendee_in_open_mode_joins_stage_directly() {
    let server = Server::start_in(StageMode::Open);
    let mut mona = server.enter(Role::Moderator, "Mona").await;
    let mut alex = server.enter(Role::Attendee, "Alex").await;
    assert_eq!(alex.you().stage, StageAccess::Direct);
    alex.send(ClientMsg::JoinStage).await;
    alex.stage_access(StageAccess::OnStage).await;
    mona.updated("Alex on stage", alex.id(), |p| p.on_stage)
        .await;
}

#[tokio::test]
async fn presenter_and_moderator_join_stage_directly_in_every_mode() {
    for mode in [StageMode::Open, StageMode::Request, StageMode::Invite] {
        let server = Server::start_in(mode);
        let mut mona = server.enter(Role::Moderator, "Mona").await;
        let mut pat = server.enter(Role::Presenter, "Pat").await;
        assert_eq!(mona.you().stage, StageAccess::Direct, "{mode:?}");
        assert_eq!(pat.you().stage, StageAccess::Direct, "{mode:?}");
        pat.send(ClientMsg::JoinStage).await;
        pat.stage_access(StageAccess::OnStage).await;
        mona.send(ClientMsg::JoinStage).await;
        mona.stage_access(StageAccess::OnStage).await;
        let snapshot = mona.sync().await;
        assert!(person(&snapshot, pat.id()).on_stage, "{mode:?}");
        assert!(person(&snapshot, mona.id()).on_stage, "{mode:?}");
    }
}

#[tokio::test]
async fn attendee_cannot_join_stage_directly_in_request_or_invite_mode() {
    for (mode, access) in [
        (StageMode::Request, StageAccess::Ask),
        (StageMode::Invite, StageAccess::None),
    ] {
        let server = Server::start_in(mode);
        let _mona = server.enter(Role::Moderator, "Mona").await;
        let mut alex = server.enter(Role::Attendee, "Alex").await;
        assert_eq!(alex.you().stage, access, "{mode:?}");
        alex.send(ClientMsg::JoinStage).await;
        alex.error(ErrorCode::StageNotOpen).await;
        let id = alex.id();
        assert!(!is_on_stage(&mut alex, id).await, "{mode:?}");
    }
}

#[tokio::test]
async fn asking_is_only_for_request_mode() {
    for mode in [StageMode::Open, StageMode::Invite] {
        let server = Server::start_in(mode);
        let mut alex = server.enter(Role::Attendee, "Alex").await;
        alex.send(ClientMsg::AskToJoinStage).await;
        alex.error(ErrorCode::AskNotAvailable).await;
    }
}

#[tokio::test]
async fn request_mode_ask_approve_accept_puts_attendee_on_stage() {
    let server = Server::start();
    let mut mona = server.enter(Role::Moderator, "Mona").await;
    let mut alex = server.enter(Role::Attendee, "Alex").await;
    let id = alex.id();

    alex.send(ClientMsg::AskToJoinStage).await;
    alex.stage_access(StageAccess::Pending).await;
    mona.notice("Alex asks", |n| {
        matches!(n, Notice::StageRequested { participant, name } if *participant == id && name == "Alex")
    })
    .await;
    mona.event("the queue with Alex", |e| {
        matches!(e, Event::Requests { requests } if requests.len() == 1 && requests[0].participant == id)
    })
    .await;
    alex.send(ClientMsg::AskToJoinStage).await;
    alex.error(ErrorCode::AlreadyRequested).await;

    mona.send(ClientMsg::ApproveRequest { participant: id })
        .await;
    alex.notice("approved", |n| matches!(n, Notice::RequestApproved))
        .await;
    alex.stage_access(StageAccess::Invited).await;
    mona.event(
        "the queue empty",
        |e| matches!(e, Event::Requests { requests } if requests.is_empty()),
    )
    .await;
    assert!(
        !is_on_stage(&mut mona, id).await,
        "approval is an invitation, not a seat"
    );

    alex.send(ClientMsg::JoinStage).await;
    alex.stage_access(StageAccess::OnStage).await;
    mona.updated("Alex on stage", id, |p| p.on_stage).await;
}

#[tokio::test]
async fn request_mode_decline_notifies_attendee_who_may_ask_again() {
    let server = Server::start();
    let mut mona = server.enter(Role::Moderator, "Mona").await;
    let mut alex = server.enter(Role::Attendee, "Alex").await;
    let id = alex.id();
    alex.send(ClientMsg::AskToJoinStage).await;
    alex.stage_access(StageAccess::Pending).await;
    mona.notice("Alex asks", |n| matches!(n, Notice::StageRequested { .. }))
        .await;

    mona.send(ClientMsg::DeclineRequest { participant: id })
        .await;
    alex.notice("declined", |n| matches!(n, Notice::RequestDeclined))
        .await;
    alex.stage_access(StageAccess::Ask).await;
    mona.event(
        "the queue empty",
        |e| matches!(e, Event::Requests { requests } if requests.is_empty()),
    )
    .await;

    alex.send(ClientMsg::AskToJoinStage).await;
    alex.stage_access(StageAccess::Pending).await;
    mona.event("Alex queued again", |e| {
        matches!(e, Event::Requests { requests } if requests.len() == 1 && requests[0].participant == id)
    })
    .await;
}

#[tokio::test]
async fn request_mode_cancel_while_waiting_withdraws_the_request() {
    let server = Server::start();
    let mut mona = server.enter(Role::Moderator, "Mona").await;
    let mut alex = server.enter(Role::Attendee, "Alex").await;
    let id = alex.id();
    alex.send(ClientMsg::CancelRequest).await;
    alex.error(ErrorCode::NoRequest).await;
    alex.send(ClientMsg::AskToJoinStage).await;
    alex.stage_access(StageAccess::Pending).await;
    mona.event(
        "Alex queued",
        |e| matches!(e, Event::Requests { requests } if requests.len() == 1),
    )
    .await;

    alex.send(ClientMsg::CancelRequest).await;
    alex.stage_access(StageAccess::Ask).await;
    mona.event(
        "the queue empty",
        |e| matches!(e, Event::Requests { requests } if requests.is_empty()),
    )
    .await;
    mona.send(ClientMsg::ApproveRequest { participant: id })
        .await;
    mona.error(ErrorCode::NoRequest).await;
}

#[tokio::test]
async fn the_request_queue_updates_for_every_moderator_in_order() {
    let server = Server::start();
    let mut mona = server.enter(Role::Moderator, "Mona").await;
    let mut max = server.enter(Role::Moderator, "Max").await;
    let mut alex = server.enter(Role::Attendee, "Alex").await;
    let mut bea = server.enter(Role::Attendee, "Bea").await;
    alex.send(ClientMsg::AskToJoinStage).await;
    alex.stage_access(StageAccess::Pending).await;
    bea.send(ClientMsg::AskToJoinStage).await;
    bea.stage_access(StageAccess::Pending).await;
    let order = vec![alex.id(), bea.id()];
    for m in [&mut mona, &mut max] {
        m.event("both queued, oldest first", |e| {
            matches!(e, Event::Requests { requests }
                if requests.iter().map(|r| r.participant).collect::<Vec<_>>() == order)
        })
        .await;
    }
    let snapshot = max.sync().await;
    assert_eq!(
        snapshot
            .requests
            .iter()
            .map(|r| r.participant)
            .collect::<Vec<_>>(),
        order
    );
    // An attendee does not see the queue.
    assert!(bea.sync().await.requests.is_empty());

    mona.send(ClientMsg::ApproveRequest {
        participant: alex.id(),
    })
    .await;
    let bea_id = bea.id();
    for m in [&mut mona, &mut max] {
        m.event("only Bea left", |e| {
            matches!(e, Event::Requests { requests } if requests.len() == 1 && requests[0].participant == bea_id)
        })
        .await;
    }
}

#[tokio::test]
async fn only_moderators_handle_requests() {
    let server = Server::start();
    let mut alex = server.enter(Role::Attendee, "Alex").await;
    let mut pat = server.enter(Role::Presenter, "Pat").await;
    alex.send(ClientMsg::AskToJoinStage).await;
    alex.stage_access(StageAccess::Pending).await;
    pat.send(ClientMsg::ApproveRequest {
        participant: alex.id(),
    })
    .await;
    pat.error(ErrorCode::NotModerator).await;
    alex.send(ClientMsg::ApproveRequest {
        participant: alex.id(),
    })
    .await;
    alex.error(ErrorCode::NotModerator).await;
}

#[tokio::test]
async fn invite_mode_moderator_invites_a_viewer_who_joins() {
    let server = Server::start_in(StageMode::Invite);
    let mut mona = server.enter(Role::Moderator, "Mona").await;
    let mut alex = server.enter(Role::Attendee, "Alex").await;
    let id = alex.id();
    assert_eq!(alex.you().stage, StageAccess::None);
    mona.send(ClientMsg::InviteToStage { participant: id })
        .await;
    alex.notice(
        "the invitation",
        |n| matches!(n, Notice::Invited { by } if by == "Mona"),
    )
    .await;
    alex.stage_access(StageAccess::Invited).await;
    alex.send(ClientMsg::JoinStage).await;
    alex.stage_access(StageAccess::OnStage).await;
    mona.updated("Alex on stage", id, |p| p.on_stage).await;
}

#[tokio::test]
async fn invite_mode_viewer_declines_and_the_moderator_learns_of_it() {
    let server = Server::start_in(StageMode::Invite);
    let mut mona = server.enter(Role::Moderator, "Mona").await;
    let mut alex = server.enter(Role::Attendee, "Alex").await;
    let id = alex.id();
    alex.send(ClientMsg::DeclineInvitation).await;
    alex.error(ErrorCode::NotInvited).await;
    mona.send(ClientMsg::InviteToStage { participant: id })
        .await;
    alex.stage_access(StageAccess::Invited).await;
    alex.send(ClientMsg::DeclineInvitation).await;
    alex.stage_access(StageAccess::None).await;
    mona.notice("Alex declined", |n| {
        matches!(n, Notice::InvitationDeclined { participant, name } if *participant == id && name == "Alex")
    })
    .await;
    alex.send(ClientMsg::JoinStage).await;
    alex.error(ErrorCode::StageNotOpen).await;
}

#[tokio::test]
async fn a_moderator_may_withdraw_an_invitation() {
    let server = Server::start_in(StageMode::Invite);
    let mut mona = server.enter(Role::Moderator, "Mona").await;
    let mut alex = server.enter(Role::Attendee, "Alex").await;
    let id = alex.id();
    mona.send(ClientMsg::InviteToStage { participant: id })
        .await;
    alex.stage_access(StageAccess::Invited).await;
    mona.send(ClientMsg::CancelInvitation { participant: id })
        .await;
    alex.notice("withdrawn", |n| matches!(n, Notice::InvitationCancelled))
        .await;
    alex.stage_access(StageAccess::None).await;
}

#[tokio::test]
async fn nobody_leaves_the_stage_by_themselves() {
    let server = Server::start_in(StageMode::Open);
    let mut alex = server.enter(Role::Attendee, "Alex").await;
    let mut pat = server.enter(Role::Presenter, "Pat").await;
    for c in [&mut alex, &mut pat] {
        c.send(ClientMsg::JoinStage).await;
        c.stage_access(StageAccess::OnStage).await;
        c.send(ClientMsg::LeaveStage).await;
        c.error(ErrorCode::CannotLeaveStage).await;
        let id = c.id();
        assert!(is_on_stage(c, id).await);
    }
    // Turning the microphone and camera off is always possible.
    alex.send(ClientMsg::SetMedia {
        mic: false,
        camera: false,
        screen: false,
    })
    .await;
    alex.roundtrip().await;
}

#[tokio::test]
async fn a_moderator_removes_someone_from_the_stage() {
    let server = Server::start_in(StageMode::Open);
    let mut mona = server.enter(Role::Moderator, "Mona").await;
    let mut alex = server.enter(Role::Attendee, "Alex").await;
    let id = alex.id();
    alex.send(ClientMsg::JoinStage).await;
    alex.stage_access(StageAccess::OnStage).await;
    alex.send(ClientMsg::SetMedia {
        mic: true,
        camera: true,
        screen: false,
    })
    .await;
    mona.updated("Alex live", id, |p| p.mic && p.camera).await;

    mona.send(ClientMsg::RemoveFromStage { participant: id })
        .await;
    alex.notice("removed from stage", |n| {
        matches!(n, Notice::RemovedFromStage)
    })
    .await;
    mona.updated("Alex among viewers", id, |p| {
        !p.on_stage && !p.mic && !p.camera
    })
    .await;
    // Open mode: they may join again.
    alex.stage_access(StageAccess::Direct).await;
}

#[tokio::test]
async fn own_microphone_and_camera_need_a_stage_seat_and_everyone_sees_them() {
    let server = Server::start_in(StageMode::Open);
    let mut mona = server.enter(Role::Moderator, "Mona").await;
    let mut alex = server.enter(Role::Attendee, "Alex").await;
    let id = alex.id();
    alex.send(ClientMsg::SetMedia {
        mic: true,
        camera: false,
        screen: false,
    })
    .await;
    alex.error(ErrorCode::NotOnStage).await;
    alex.send(ClientMsg::JoinStage).await;
    alex.stage_access(StageAccess::OnStage).await;
    alex.send(ClientMsg::SetMedia {
        mic: true,
        camera: false,
        screen: false,
    })
    .await;
    mona.updated("mic on", id, |p| p.mic && !p.camera).await;
    alex.send(ClientMsg::SetMedia {
        mic: true,
        camera: true,
        screen: false,
    })
    .await;
    mona.updated("camera on", id, |p| p.mic && p.camera).await;
    alex.send(ClientMsg::SetMedia {
        mic: false,
        camera: true,
        screen: false,
    })
    .await;
    mona.updated("mic off", id, |p| !p.mic && p.camera).await;
}

#[tokio::test]
async fn a_moderator_mutes_a_participant() {
    let server = Server::start_in(StageMode::Open);
    let mut mona = server.enter(Role::Moderator, "Mona").await;
    let mut alex = server.enter(Role::Attendee, "Alex").await;
    let mut bea = server.enter(Role::Attendee, "Bea").await;
    let id = alex.id();
    alex.send(ClientMsg::JoinStage).await;
    alex.stage_access(StageAccess::OnStage).await;
    alex.send(ClientMsg::SetMedia {
        mic: true,
        camera: true,
        screen: false,
    })
    .await;
    mona.updated("mic on", id, |p| p.mic).await;

    bea.send(ClientMsg::Mute { participant: id }).await;
    bea.error(ErrorCode::NotModerator).await;
    mona.send(ClientMsg::Mute { participant: id }).await;
    alex.notice("muted", |n| matches!(n, Notice::Muted)).await;
    mona.updated("muted, camera still on", id, |p| !p.mic && p.camera)
        .await;
}

#[tokio::test]
async fn switching_to_open_lets_pending_askers_join_directly() {
    let server = Server::start();
    let mut mona = server.enter(Role::Moderator, "Mona").await;
    let mut alex = server.enter(Role::Attendee, "Alex").await;
    alex.send(ClientMsg::AskToJoinStage).await;
    alex.stage_access(StageAccess::Pending).await;

    mona.send(ClientMsg::SetStageMode {
        mode: StageMode::Open,
    })
    .await;
    alex.event("mode open", |e| {
        matches!(
            e,
            Event::StageModeChanged {
                mode: StageMode::Open
            }
        )
    })
    .await;
    alex.stage_access(StageAccess::Direct).await;
    mona.event(
        "the queue cleared",
        |e| matches!(e, Event::Requests { requests } if requests.is_empty()),
    )
    .await;
    alex.send(ClientMsg::JoinStage).await;
    alex.stage_access(StageAccess::OnStage).await;
}

#[tokio::test]
async fn switching_to_invite_closes_pending_requests_and_keeps_people_on_stage() {
    let server = Server::start_in(StageMode::Open);
    let mut mona = server.enter(Role::Moderator, "Mona").await;
    let mut alex = server.enter(Role::Attendee, "Alex").await;
    let mut bea = server.enter(Role::Attendee, "Bea").await;
    alex.send(ClientMsg::JoinStage).await;
    alex.stage_access(StageAccess::OnStage).await;
    mona.send(ClientMsg::SetStageMode {
        mode: StageMode::Request,
    })
    .await;
    bea.stage_access(StageAccess::Ask).await;
    bea.send(ClientMsg::AskToJoinStage).await;
    bea.stage_access(StageAccess::Pending).await;

    mona.send(ClientMsg::SetStageMode {
        mode: StageMode::Invite,
    })
    .await;
    bea.notice("request closed", |n| matches!(n, Notice::RequestClosed))
        .await;
    bea.stage_access(StageAccess::None).await;
    mona.event(
        "the queue cleared",
        |e| matches!(e, Event::Requests { requests } if requests.is_empty()),
    )
    .await;
    let snapshot = mona.sync().await;
    assert_eq!(snapshot.stage_mode, StageMode::Invite);
    assert!(
        person(&snapshot, alex.id()).on_stage,
        "on-stage people stay"
    );
    assert!(snapshot.requests.is_empty());
}

#[tokio::test]
async fn an_invitation_stays_valid_across_a_mode_switch() {
    let server = Server::start_in(StageMode::Invite);
    let mut mona = server.enter(Role::Moderator, "Mona").await;
    let mut alex = server.enter(Role::Attendee, "Alex").await;
    mona.send(ClientMsg::InviteToStage {
        participant: alex.id(),
    })
    .await;
    alex.stage_access(StageAccess::Invited).await;
    mona.send(ClientMsg::SetStageMode {
        mode: StageMode::Request,
    })
    .await;
    alex.event("mode request", |e| {
        matches!(
            e,
            Event::StageModeChanged {
                mode: StageMode::Request
            }
        )
    })
    .await;
    assert_eq!(alex.sync().await.you.stage, StageAccess::Invited);
    alex.send(ClientMsg::JoinStage).await;
    alex.stage_access(StageAccess::OnStage).await;
}

#[tokio::test]
async fn only_a_moderator_switches_the_stage_mode() {
    let server = Server::start();
    let mut pat = server.enter(Role::Presenter, "Pat").await;
    pat.send(ClientMsg::SetStageMode {
        mode: StageMode::Open,
    })
    .await;
    pat.error(ErrorCode::NotModerator).await;
    assert_eq!(pat.sync().await.stage_mode, StageMode::Request);
}

#[tokio::test]
async fn the_stage_holds_25_and_refuses_the_next_with_a_clear_error() {
    let server = Server::start_in(StageMode::Open);
    let mut people = Vec::new();
    for i in 0..25 {
        let mut c = server.enter(Role::Attendee, &format!("Person {i}")).await;
        c.send(ClientMsg::JoinStage).await;
        c.stage_access(StageAccess::OnStage).await;
        people.push(c);
    }
    let mut late = server.enter(Role::Attendee, "Late").await;
    late.send(ClientMsg::JoinStage).await;
    let msg = late.error(ErrorCode::StageFull).await;
    assert!(
        matches!(msg, podium_protocol::ServerMsg::Error { message, .. } if message == "The stage is full.")
    );
    let snapshot = late.sync().await;
    assert_eq!(
        snapshot.participants.iter().filter(|p| p.on_stage).count(),
        25
    );
}
