//! Any input at all, with any values (huge ids, long or odd strings, long lists, unknown
//! participants, commands before a welcome, inputs after a restart), never panics the room,
//! and every snapshot it gives still serializes.
//!
//! The number of cases follows `PROPTEST_CASES` (256 by default); `cargo xtask fuzz` raises it.

mod common;

use common::strategies::mode;
use podium_protocol::{
    Auth, ClientMsg, MediaKind, Reaction, Role, SendTrack, TrackView, MAX_CHAT_CHARS,
};
use podium_room::{Entrant, Input, NewInviteLink, Room, RoomConfig};
use proptest::prelude::*;

fn role() -> impl Strategy<Value = Role> {
    prop_oneof![
        Just(Role::Moderator),
        Just(Role::Presenter),
        Just(Role::Attendee)
    ]
}

/// Strings that matter: empty, blank, odd Unicode, long, or anything.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("   \t\n".to_string()),
        Just("\u{202e}\u{0}<script>alert(1)</script>\u{fffd}".to_string()),
        Just("é".repeat(MAX_CHAT_CHARS + 1)),
        Just("x".repeat(70_000)),
        any::<String>(),
        "[a-c]{1,3}",
    ]
}

/// Ids near what exists and at the ends of the range.
fn id() -> impl Strategy<Value = u64> {
    prop_oneof![0u64..6, Just(u64::MAX), Just(u64::MAX - 1), any::<u64>()]
}

fn small_list() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(0u8..4, 0..6),
        proptest::collection::vec(any::<u8>(), 0..300),
    ]
}

pub fn client_msg() -> impl Strategy<Value = ClientMsg> {
    let reaction = proptest::sample::select(Reaction::ALL.to_vec());
    let kind = prop_oneof![
        Just(MediaKind::Audio),
        Just(MediaKind::Video),
        Just(MediaKind::Screen)
    ];
    let auth = prop_oneof![
        text().prop_map(|token| Auth::Token { token }),
        (text(), text(), proptest::option::of(text()))
            .prop_map(|(code, name, guest)| Auth::Invite { code, name, guest }),
        text().prop_map(|credential| Auth::Resume { credential }),
    ];
    prop_oneof![
        (any::<u32>(), auth, any::<bool>()).prop_map(|(protocol, auth, mobile)| {
            ClientMsg::Hello {
                protocol,
                auth,
                mobile,
            }
        }),
        Just(ClientMsg::Ping),
        Just(ClientMsg::Sync),
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
        (
            text(),
            proptest::collection::vec(
                (text(), kind).prop_map(|(mid, kind)| SendTrack { mid, kind }),
                0..4
            )
        )
            .prop_map(|(sdp, tracks)| ClientMsg::MediaOffer { sdp, tracks }),
        text().prop_map(|sdp| ClientMsg::MediaAnswer { sdp }),
        text().prop_map(|candidate| ClientMsg::IceCandidate { candidate }),
        proptest::collection::vec(
            (text(), any::<u16>(), any::<u16>()).prop_map(|(mid, width, height)| TrackView {
                mid,
                width,
                height
            }),
            0..4
        )
        .prop_map(|views| ClientMsg::MediaView { views }),
        Just(ClientMsg::RaiseHand),
        Just(ClientMsg::LowerHand),
        text().prop_map(|text| ClientMsg::Chat { text }),
        reaction.prop_map(|reaction| ClientMsg::React { reaction }),
        (id(), small_list()).prop_map(|(poll, choices)| ClientMsg::AnswerPoll { poll, choices }),
        id().prop_map(|participant| ClientMsg::ApproveRequest { participant }),
        id().prop_map(|participant| ClientMsg::DeclineRequest { participant }),
        id().prop_map(|participant| ClientMsg::InviteToStage { participant }),
        id().prop_map(|participant| ClientMsg::CancelInvitation { participant }),
        id().prop_map(|participant| ClientMsg::RemoveFromStage { participant }),
        id().prop_map(|participant| ClientMsg::Mute { participant }),
        id().prop_map(|participant| ClientMsg::LowerHandOf { participant }),
        Just(ClientMsg::LowerAllHands),
        id().prop_map(|participant| ClientMsg::RemoveFromSession { participant }),
        text().prop_map(|identity| ClientMsg::LiftRemoval { identity }),
        mode().prop_map(|mode| ClientMsg::SetStageMode { mode }),
        id().prop_map(|message| ClientMsg::DeleteChat { message }),
        (
            text(),
            proptest::collection::vec(text(), 0..14),
            any::<bool>(),
            proptest::option::of(small_list())
        )
            .prop_map(
                |(question, options, multiple, correct)| ClientMsg::CreatePoll {
                    question,
                    options,
                    multiple,
                    correct,
                }
            ),
        id().prop_map(|poll| ClientMsg::EndPoll { poll }),
        id().prop_map(|poll| ClientMsg::SharePollResults { poll }),
        (role(), any::<u64>()).prop_map(|(role, expires_in_secs)| {
            ClientMsg::CreateInviteLink {
                role,
                expires_in_secs,
            }
        }),
        text().prop_map(|id| ClientMsg::RevokeInviteLink { id }),
    ]
}

fn entrant() -> impl Strategy<Value = Entrant> {
    (
        prop_oneof![
            Just("s:1".to_string()),
            Just("s:2".to_string()),
            "s:[0-9]{1,2}",
            text()
        ],
        text(),
        role(),
        proptest::option::of(text()),
        any::<bool>(),
        proptest::option::of(prop_oneof![Just("l1".to_string()), text()]),
    )
        .prop_map(
            |(identity, name, role, picture, mobile, via_link)| Entrant {
                identity,
                name,
                role,
                picture,
                mobile,
                via_link,
            },
        )
}

fn input() -> impl Strategy<Value = Input> {
    let conn = prop_oneof![0u64..6, any::<u64>()];
    prop_oneof![
        4 => (conn.clone(), client_msg()).prop_map(|(conn, msg)| Input::Command { conn, msg }),
        1 => (conn.clone(), entrant()).prop_map(|(conn, entrant)| Input::Connect { conn, entrant }),
        1 => conn.clone().prop_map(|conn| Input::Disconnect { conn }),
        1 => (conn, prop_oneof![Just("l1".to_string()), text()], role(), text(), any::<u64>())
            .prop_map(|(conn, id, role, code, expires_at)| Input::CreateInviteLink {
                conn,
                link: NewInviteLink { id, role, code, expires_at },
            }),
        1 => Just(Input::Tick),
        1 => Just(Input::Restart),
    ]
}

fn cases() -> ProptestConfig {
    // `ProptestConfig::default()` reads `PROPTEST_CASES`.
    ProptestConfig {
        max_shrink_iters: 2_000,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(cases())]

    #[test]
    fn any_inputs_with_any_values_never_panic(
        mode in mode(),
        seat_limit in prop_oneof![Just(0u32), Just(1u32), Just(25u32), any::<u32>()],
        max_participants in prop_oneof![Just(0u32), Just(2u32), Just(20_000u32)],
        grace in prop_oneof![Just(0u64), Just(60_000u64), Just(u64::MAX)],
        start in prop_oneof![Just(0u64), Just(1_767_225_600_000u64), Just(u64::MAX - 10)],
        steps in proptest::collection::vec((input(), prop_oneof![Just(0u64), 0u64..120_000, any::<u64>()]), 1..60),
        (chat, reactions, polls) in (any::<bool>(), any::<bool>(), any::<bool>()),
    ) {
        let mut room = Room::new(RoomConfig {
            title: None,
            stage_mode: mode,
            seat_limit,
            max_participants,
            grace,
            features: podium_protocol::Features { chat, reactions, polls },
            callback: None,
        });
        // A few people in first, so that commands land on real participants.
        let mut now = start;
        for (conn, (identity, role)) in [("s:1", Role::Moderator), ("s:2", Role::Attendee), ("s:3", Role::Presenter)]
            .into_iter()
            .enumerate()
        {
            room.handle(now, Input::Connect {
                conn: conn as u64,
                entrant: Entrant {
                    identity: identity.into(),
                    name: identity.into(),
                    role,
                    picture: None,
                    mobile: false,
                    via_link: None,
                },
            });
        }
        for (input, wait) in steps {
            now = now.saturating_add(wait);
            let outputs = room.handle(now, input);
            // What goes on the wire always serializes.
            for output in &outputs {
                if let podium_room::Output::Event { event, .. } = output {
                    prop_assert!(serde_json::to_string(event).is_ok());
                }
            }
            let _ = room.poll_timeout();
        }
        for id in 0..8 {
            if let Some(snapshot) = room.snapshot_for(id) {
                prop_assert!(serde_json::to_string(&snapshot).is_ok());
            }
        }
    }
}
