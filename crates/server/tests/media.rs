//! Live media through the real server: str0m peers (ICE, DTLS, SRTP over loopback UDP)
//! signalling over the WebSocket, a publisher on stage and viewers receiving, and the room's
//! decisions (mute, removal from the stage, viewers never forwarded) taking effect in the SFU.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::Duration;

use common::media::{run_for, settle, MediaPeer, Sending, HIGH_BYTES, LOW_BYTES, SCREEN_BYTES};
use common::*;
use podium_protocol::{
    Auth, ClientMsg, MediaKind, Notice, ParticipantId, Role, StageMode, TrackView, PROTOCOL_VERSION,
};

/// Long enough for ICE, DTLS and a first burst of media on loopback.
const SETTLE: Duration = Duration::from_secs(15);
/// Media already in flight when a directive lands.
const IN_FLIGHT: Duration = Duration::from_millis(400);
/// How long "nothing more arrives" is watched.
const WATCH: Duration = Duration::from_millis(1200);

fn everything() -> Sending {
    Sending {
        audio: true,
        video: true,
        screen: true,
    }
}

/// Go on stage (open mode) with microphone and camera on, as everyone sees it.
async fn on_stage_with_media(who: &mut Client, mic: bool, camera: bool) {
    let id = who.id();
    who.send(ClientMsg::JoinStage).await;
    who.updated("on stage", id, |p| p.on_stage).await;
    if mic || camera {
        who.send(ClientMsg::SetMedia {
            mic,
            camera,
            screen: false,
        })
        .await;
        who.updated("media on", id, |p| p.mic == mic && p.camera == camera)
            .await;
    }
}

fn frames(peer: &MediaPeer, from: ParticipantId, kind: MediaKind) -> u64 {
    peer.received(from, kind).frames
}

#[tokio::test]
async fn viewers_receive_the_stage_until_a_mute_and_a_removal_stop_it() {
    let server = Server::start_in(StageMode::Open);
    let mut mona = server.enter(Role::Moderator, "Mona").await;
    let mut pat = server.enter(Role::Presenter, "Pat").await;
    let mut vera = server.enter(Role::Attendee, "Vera").await;
    let mut walt = server.enter(Role::Attendee, "Walt").await;
    let p = pat.id();
    on_stage_with_media(&mut pat, true, true).await;

    let pat_peer = MediaPeer::new().await;
    let vera_peer = MediaPeer::new().await;
    let walt_peer = MediaPeer::new().await;
    pat.connect_media(&pat_peer, true, false).await;
    vera.connect_media(&vera_peer, false, false).await;
    walt.connect_media(&walt_peer, false, false).await;
    pat_peer.set_sending(everything());

    let mut parties = [
        (&mut pat, &pat_peer),
        (&mut vera, &vera_peer),
        (&mut walt, &walt_peer),
    ];
    settle(
        &mut parties,
        "both viewers receiving Pat's audio and video",
        SETTLE,
        || {
            [&vera_peer, &walt_peer]
                .iter()
                .all(|v| frames(v, p, MediaKind::Audio) > 25 && frames(v, p, MediaKind::Video) > 15)
        },
    )
    .await;
    for viewer in [&vera_peer, &walt_peer] {
        assert_eq!(
            viewer.listed(),
            vec![(p, MediaKind::Audio), (p, MediaKind::Video)],
            "the server names whose tracks it sends"
        );
        assert!(viewer.received(p, MediaKind::Audio).packets > 25);
        assert_eq!(viewer.received(p, MediaKind::Video).last_size, HIGH_BYTES);
    }
    // Pat hears nobody (no one else is on stage) and is not sent their own media back.
    assert_eq!(pat_peer.total_frames(), 0);

    // A moderator mute: audio stops for everyone, video carries on.
    mona.send(ClientMsg::Mute { participant: p }).await;
    run_for(&mut parties, IN_FLIGHT).await;
    let audio = [
        frames(&vera_peer, p, MediaKind::Audio),
        frames(&walt_peer, p, MediaKind::Audio),
    ];
    let video = [
        frames(&vera_peer, p, MediaKind::Video),
        frames(&walt_peer, p, MediaKind::Video),
    ];
    run_for(&mut parties, WATCH).await;
    for (i, viewer) in [&vera_peer, &walt_peer].into_iter().enumerate() {
        assert_eq!(
            frames(viewer, p, MediaKind::Audio),
            audio[i],
            "no audio after the mute"
        );
        assert!(
            frames(viewer, p, MediaKind::Video) > video[i] + 15,
            "video continues after the mute"
        );
    }
    let (pat, _) = &mut parties[0];
    pat.notice("muted", |n| *n == Notice::Muted).await;

    // Removal from the stage: nothing of Pat's is forwarded any more, though Pat still sends.
    mona.send(ClientMsg::RemoveFromStage { participant: p })
        .await;
    run_for(&mut parties, IN_FLIGHT).await;
    let before = [vera_peer.total_frames(), walt_peer.total_frames()];
    run_for(&mut parties, WATCH).await;
    assert_eq!(
        [vera_peer.total_frames(), walt_peer.total_frames()],
        before,
        "nothing after the removal from the stage"
    );
    assert!(pat_peer.frames_sent() > 100, "Pat kept sending");
    settle(&mut parties, "the tracks withdrawn", SETTLE, || {
        vera_peer.listed().is_empty() && walt_peer.listed().is_empty()
    })
    .await;
    let (pat, _) = &mut parties[0];
    pat.notice("removed", |n| *n == Notice::RemovedFromStage)
        .await;
}

#[tokio::test]
async fn media_from_anyone_not_allowed_to_publish_is_dropped() {
    let server = Server::start_in(StageMode::Open);
    let mut pat = server.enter(Role::Presenter, "Pat").await;
    let mut vera = server.enter(Role::Attendee, "Vera").await;
    let mut sam = server.enter(Role::Attendee, "Sam").await;
    let mut walt = server.enter(Role::Attendee, "Walt").await;
    let (p, v, s) = (pat.id(), vera.id(), sam.id());
    on_stage_with_media(&mut pat, true, true).await;
    // Sam is on stage with microphone and camera off; Vera is a viewer.
    on_stage_with_media(&mut sam, false, false).await;

    let pat_peer = MediaPeer::new().await;
    let vera_peer = MediaPeer::new().await;
    let sam_peer = MediaPeer::new().await;
    let walt_peer = MediaPeer::new().await;
    // Vera and Sam offer to send anyway, and do.
    pat.connect_media(&pat_peer, true, false).await;
    vera.connect_media(&vera_peer, true, false).await;
    sam.connect_media(&sam_peer, true, false).await;
    walt.connect_media(&walt_peer, false, false).await;
    for peer in [&pat_peer, &vera_peer, &sam_peer] {
        peer.set_sending(everything());
    }
    let mut parties = [
        (&mut pat, &pat_peer),
        (&mut vera, &vera_peer),
        (&mut sam, &sam_peer),
        (&mut walt, &walt_peer),
    ];
    settle(&mut parties, "Walt receiving Pat", SETTLE, || {
        frames(&walt_peer, p, MediaKind::Audio) > 25 && frames(&walt_peer, p, MediaKind::Video) > 15
    })
    .await;
    run_for(&mut parties, WATCH).await;
    assert!(vera_peer.frames_sent() > 50 && sam_peer.frames_sent() > 50);
    for viewer in [&walt_peer, &vera_peer, &sam_peer] {
        assert_eq!(
            viewer.listed(),
            vec![(p, MediaKind::Audio), (p, MediaKind::Video)],
            "only Pat's tracks are offered"
        );
        for who in [v, s] {
            for kind in [MediaKind::Audio, MediaKind::Video] {
                assert_eq!(viewer.received(who, kind).frames, 0);
            }
        }
    }
    // Pat receives nothing: the only other senders are not allowed to publish.
    assert_eq!(pat_peer.total_frames(), 0);
}

#[tokio::test]
async fn simulcast_gives_desktops_the_high_layer_and_phones_the_low_one() {
    let server = Server::start_in(StageMode::Open);
    let mut pat = server.enter(Role::Presenter, "Pat").await;
    let mut vera = server.enter(Role::Attendee, "Vera").await;
    let mut phone = Client::open(&server).await;
    phone
        .send(ClientMsg::Hello {
            protocol: PROTOCOL_VERSION,
            auth: Auth::Token {
                token: mint(&server.claims(Role::Attendee, "Mo")),
            },
            mobile: true,
        })
        .await;
    phone.welcomed().await;
    let p = pat.id();
    on_stage_with_media(&mut pat, true, true).await;

    let pat_peer = MediaPeer::new().await;
    let vera_peer = MediaPeer::new().await;
    let phone_peer = MediaPeer::new().await;
    pat.connect_media(&pat_peer, true, true).await;
    vera.connect_media(&vera_peer, false, false).await;
    phone.connect_media(&phone_peer, false, false).await;
    pat_peer.set_sending(everything());
    let mut parties = [
        (&mut pat, &pat_peer),
        (&mut vera, &vera_peer),
        (&mut phone, &phone_peer),
    ];
    settle(&mut parties, "both receiving video", SETTLE, || {
        frames(&vera_peer, p, MediaKind::Video) > 15
            && frames(&phone_peer, p, MediaKind::Video) > 15
    })
    .await;
    assert_eq!(
        vera_peer.received(p, MediaKind::Video).last_size,
        HIGH_BYTES
    );
    assert_eq!(
        phone_peer.received(p, MediaKind::Video).last_size,
        LOW_BYTES
    );
    // One layer each: as many frames as Pat sends of one layer, not of both.
    let sent_per_layer = pat_peer.frames_sent() / 2;
    assert!(frames(&vera_peer, p, MediaKind::Video) <= sent_per_layer);
}

#[tokio::test]
async fn a_video_shown_small_gets_the_low_layer_and_the_high_one_once_shown_large() {
    let server = Server::start_in(StageMode::Open);
    let mut pat = server.enter(Role::Presenter, "Pat").await;
    let mut vera = server.enter(Role::Attendee, "Vera").await;
    let p = pat.id();
    on_stage_with_media(&mut pat, true, true).await;
    let pat_peer = MediaPeer::new().await;
    let vera_peer = MediaPeer::new().await;
    pat.connect_media(&pat_peer, true, true).await;
    vera.connect_media(&vera_peer, false, false).await;
    pat_peer.set_sending(everything());
    let mut parties = [(&mut pat, &pat_peer), (&mut vera, &vera_peer)];
    settle(&mut parties, "high layer arriving", SETTLE, || {
        vera_peer.received(p, MediaKind::Video).last_size == HIGH_BYTES
    })
    .await;

    let mid = vera_peer
        .mid_of(p, MediaKind::Video)
        .expect("Pat's video listed");
    let view = |width, height| ClientMsg::MediaView {
        views: vec![TrackView {
            mid: mid.clone(),
            width,
            height,
        }],
    };
    // A thumbnail: the low layer fills it.
    parties[1].0.send(view(320, 180)).await;
    settle(&mut parties, "low layer for a thumbnail", SETTLE, || {
        vera_peer.received(p, MediaKind::Video).last_size == LOW_BYTES
    })
    .await;
    run_for(&mut parties, IN_FLIGHT).await;
    let before = frames(&vera_peer, p, MediaKind::Video);
    run_for(&mut parties, WATCH).await;
    assert!(
        frames(&vera_peer, p, MediaKind::Video) > before,
        "video goes on"
    );
    assert_eq!(vera_peer.received(p, MediaKind::Video).last_size, LOW_BYTES);

    // Full screen: back to the high layer.
    parties[1].0.send(view(1920, 1080)).await;
    settle(&mut parties, "high layer for full screen", SETTLE, || {
        vera_peer.received(p, MediaKind::Video).last_size == HIGH_BYTES
    })
    .await;
    // The layers' clocks start far apart, as a browser's do; Vera's video kept one clock
    // through both switches (a browser drops the frames of a clock that goes back).
    assert_eq!(vera_peer.received(p, MediaKind::Video).clock_jumps, 0);
}

#[tokio::test]
async fn a_screen_share_is_forwarded_only_while_shared_from_the_stage() {
    let server = Server::start_in(StageMode::Open);
    let mut pat = server.enter(Role::Presenter, "Pat").await;
    let mut vera = server.enter(Role::Attendee, "Vera").await;
    let p = pat.id();
    on_stage_with_media(&mut pat, true, true).await;
    let pat_peer = MediaPeer::new().await;
    let vera_peer = MediaPeer::new().await;
    pat.connect_media_with(&pat_peer, true, false, true).await;
    vera.connect_media(&vera_peer, false, false).await;
    // The screen transceiver sends from the start; the room has not allowed it yet.
    pat_peer.set_sending(everything());
    let mut parties = [(&mut pat, &pat_peer), (&mut vera, &vera_peer)];
    settle(&mut parties, "Vera receiving Pat's camera", SETTLE, || {
        frames(&vera_peer, p, MediaKind::Video) > 15
    })
    .await;
    run_for(&mut parties, WATCH).await;
    assert_eq!(frames(&vera_peer, p, MediaKind::Screen), 0);
    assert!(!vera_peer.listed().contains(&(p, MediaKind::Screen)));

    let (pat, _) = &mut parties[0];
    pat.send(ClientMsg::SetMedia {
        mic: true,
        camera: true,
        screen: true,
    })
    .await;
    settle(&mut parties, "Vera receiving Pat's screen", SETTLE, || {
        frames(&vera_peer, p, MediaKind::Screen) > 15
    })
    .await;
    assert_eq!(
        vera_peer.received(p, MediaKind::Screen).last_size,
        SCREEN_BYTES
    );
    assert_eq!(
        vera_peer.received(p, MediaKind::Video).last_size,
        HIGH_BYTES
    );
    assert_eq!(
        vera_peer.listed(),
        vec![
            (p, MediaKind::Audio),
            (p, MediaKind::Video),
            (p, MediaKind::Screen)
        ]
    );
}

#[tokio::test]
async fn the_welcome_carries_time_limited_turn_credentials() {
    let server = Server::start_with(
        StageMode::Open,
        "serve",
        &[
            "--turn-url",
            "turn:127.0.0.1:3478?transport=udp,turn:127.0.0.1:3478?transport=tcp",
            "--turn-secret",
            "turn-test-secret",
            "--turn-ttl",
            "3600",
        ],
    );
    let mona = server.enter(Role::Moderator, "Mona").await;
    assert_eq!(mona.ice_servers.len(), 1);
    let ice = &mona.ice_servers[0];
    assert_eq!(
        ice.urls,
        vec![
            "turn:127.0.0.1:3478?transport=udp",
            "turn:127.0.0.1:3478?transport=tcp"
        ]
    );
    let username = ice.username.clone().unwrap();
    let (expiry, user) = username.split_once(':').unwrap();
    let expiry: u64 = expiry.parse().unwrap();
    assert!(expiry > now() + 3500 && expiry <= now() + 3601);
    assert_eq!(user, mona.id().to_string());
    assert_eq!(
        ice.credential.as_deref(),
        podium_server::media::turn::credential(b"turn-test-secret", &username).as_deref()
    );

    // Without TURN configured, there is nothing to hand out.
    let plain = Server::start();
    assert!(plain
        .enter(Role::Moderator, "Max")
        .await
        .ice_servers
        .is_empty());
}

#[tokio::test]
async fn an_unreadable_offer_is_refused_and_the_connection_stays() {
    let server = Server::start_in(StageMode::Open);
    let mut vera = server.enter(Role::Attendee, "Vera").await;
    vera.send(ClientMsg::MediaOffer {
        sdp: "v=0 nonsense".into(),
        tracks: Vec::new(),
    })
    .await;
    vera.error(podium_protocol::ErrorCode::MediaRefused).await;
    // An answer with no offer waiting, and a stray candidate, are ignored.
    vera.send(ClientMsg::MediaAnswer { sdp: "v=0".into() })
        .await;
    vera.send(ClientMsg::IceCandidate {
        candidate: "candidate:1 1 udp 1 127.0.0.1 9 typ host".into(),
    })
    .await;
    vera.roundtrip().await;
}
