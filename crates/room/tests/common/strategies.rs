//! Random commands for the property tests: everything a client may ask of the room, aimed at
//! the few participants, polls, messages and links a small random session has.

use podium_protocol::{ClientMsg, Reaction, StageMode};
use proptest::prelude::*;

pub fn mode() -> impl Strategy<Value = StageMode> {
    prop_oneof![
        Just(StageMode::Open),
        Just(StageMode::Request),
        Just(StageMode::Invite)
    ]
}

/// Any room command, from any role; the room decides what is allowed.
pub fn command() -> impl Strategy<Value = ClientMsg> {
    let target = 1u64..8;
    let poll = 1u64..4;
    prop_oneof![
        Just(ClientMsg::JoinStage),
        Just(ClientMsg::AskToJoinStage),
        Just(ClientMsg::CancelRequest),
        Just(ClientMsg::DeclineInvitation),
        Just(ClientMsg::LeaveStage),
        (any::<bool>(), any::<bool>(), any::<bool>()).prop_map(|(mic, camera, screen)| {
            ClientMsg::SetMedia {
                mic,
                camera,
                screen,
            }
        }),
        Just(ClientMsg::RaiseHand),
        Just(ClientMsg::LowerHand),
        "[a-z ]{0,12}".prop_map(|text| ClientMsg::Chat { text }),
        (1u64..6).prop_map(|message| ClientMsg::DeleteChat { message }),
        prop_oneof![Just(Reaction::Heart), Just(Reaction::Clap)]
            .prop_map(|reaction| ClientMsg::React { reaction }),
        (poll.clone(), proptest::collection::vec(0u8..4, 0..4))
            .prop_map(|(poll, choices)| ClientMsg::AnswerPoll { poll, choices }),
        target
            .clone()
            .prop_map(|participant| ClientMsg::ApproveRequest { participant }),
        target
            .clone()
            .prop_map(|participant| ClientMsg::DeclineRequest { participant }),
        target
            .clone()
            .prop_map(|participant| ClientMsg::InviteToStage { participant }),
        target
            .clone()
            .prop_map(|participant| ClientMsg::CancelInvitation { participant }),
        target
            .clone()
            .prop_map(|participant| ClientMsg::RemoveFromStage { participant }),
        target
            .clone()
            .prop_map(|participant| ClientMsg::Mute { participant }),
        target
            .clone()
            .prop_map(|participant| ClientMsg::LowerHandOf { participant }),
        target.prop_map(|participant| ClientMsg::RemoveFromSession { participant }),
        Just(ClientMsg::LowerAllHands),
        (0u8..6).prop_map(|who| ClientMsg::LiftRemoval {
            identity: format!("site:{who}")
        }),
        mode().prop_map(|mode| ClientMsg::SetStageMode { mode }),
        (
            any::<bool>(),
            proptest::option::of(proptest::collection::vec(0u8..3, 1..3))
        )
            .prop_map(|(multiple, correct)| ClientMsg::CreatePoll {
                question: "Q?".into(),
                options: vec!["a".into(), "b".into(), "c".into()],
                multiple,
                correct,
            }),
        poll.clone().prop_map(|poll| ClientMsg::EndPoll { poll }),
        poll.prop_map(|poll| ClientMsg::SharePollResults { poll }),
        (1u64..3).prop_map(|n| ClientMsg::RevokeInviteLink {
            id: format!("link-{n}")
        }),
    ]
}
