//! Restart survival: the real server is killed with SIGKILL mid-session and started again on the
//! same database; everyone who comes back with their resume credential is where they were, and
//! nothing of the room is lost. Each story runs on SQLite and on PostgreSQL, with the room's
//! whole log replayed and with the room saved every few inputs (a saved room and a short tail).
//! A clean stop (SIGTERM) saves every open room whole on the way out, so its log is cut there.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::Duration;

use common::database::Database;
use common::*;
use podium_protocol::{
    Auth, ChatMessage, ClientMsg, CloseReason, ErrorCode, Event, InviteLinkView, ParticipantView,
    PollView, Role, Snapshot, StageAccess, StageMode,
};

/// How long a dropped place is held in these tests.
const GRACE_SECS: &str = "4";

/// Where the server keeps its state, and how often it saves rooms whole.
struct Db {
    database: Database,
    snapshot_every: u64,
}

impl Db {
    /// A log that is never cut in these tests: opening replays all of it.
    const WHOLE_LOG: u64 = 1_000_000;
    /// The room is saved after every input, so whatever the test did before the kill is in
    /// the saved room (not in a tail that replay would rebuild anyway).
    const EVERY_INPUT: u64 = 1;

    fn sqlite(snapshot_every: u64) -> Db {
        Db {
            database: Database::sqlite(),
            snapshot_every,
        }
    }

    fn postgres(snapshot_every: u64) -> Db {
        Db {
            database: Database::postgres(),
            snapshot_every,
        }
    }

    fn start(&self) -> Server {
        let every = self.snapshot_every.to_string();
        let args = ["--grace-secs", GRACE_SECS, "--snapshot-every", &every];
        self.database.start(StageMode::Open, &args)
    }

    /// How many inputs the room's stored log holds, and after which one it was last saved.
    fn stored_log(&self) -> (i64, Option<i64>) {
        let (rows, saved, _) = self.stored_log_ends();
        (rows, saved)
    }

    /// As [`Db::stored_log`], with the number of the last input in the log.
    fn stored_log_ends(&self) -> (i64, Option<i64>, Option<i64>) {
        let rows = self.database.number("SELECT count(*) FROM room_inputs");
        let saved = self.database.number("SELECT max(n) FROM room_snapshots");
        let last = self.database.number("SELECT max(n) FROM room_inputs");
        (rows.expect("a count"), saved, last)
    }

    /// When rooms are saved after every input: wait until the last save is written (saves run
    /// off the room's task), so that the kill finds everything in the saved room.
    async fn wait_until_saved(&self) {
        if self.snapshot_every == Db::WHOLE_LOG {
            return;
        }
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        while self.stored_log().0 > 0 {
            assert!(
                std::time::Instant::now() < deadline,
                "the room was not saved up to its last input: {:?}",
                self.stored_log()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// The stored log is as long as this test's saving allows.
    fn assert_log_bounded(&self) {
        let (rows, saved) = self.stored_log();
        if self.snapshot_every == Db::WHOLE_LOG {
            assert!(saved.is_none() && rows > 20, "the whole log: {rows} inputs");
        } else {
            let saved = saved.expect("the room was saved");
            assert!(saved > 20, "saved after input {saved}");
            let every = i64::try_from(self.snapshot_every).unwrap();
            // A save is written off the room's task: the last may have been under way.
            assert!(rows <= every + 2, "{rows} inputs after the saved room");
        }
    }
}

/// A participant's id, name, role, seat, hand, microphone and camera.
type Place = (u64, String, Role, bool, Option<u64>, bool, bool);

/// Everything about a participant but whether they are connected right now.
fn place(p: &ParticipantView) -> Place {
    (
        p.id,
        p.name.clone(),
        p.role,
        p.on_stage,
        p.hand,
        p.mic,
        p.camera,
    )
}

fn places(s: &Snapshot) -> Vec<Place> {
    s.participants.iter().map(place).collect()
}

async fn chat_sent(from: &mut Client, to: &mut Client, text: &str) -> ChatMessage {
    from.send(ClientMsg::Chat { text: text.into() }).await;
    match to
        .event(
            &format!("chat {text:?}"),
            |e| matches!(e, Event::Chat { message } if message.text == text),
        )
        .await
    {
        Event::Chat { message } => message,
        _ => unreachable!(),
    }
}

async fn make_link(mona: &mut Client, role: Role, secs: u64) -> InviteLinkView {
    let known: Vec<String> = mona
        .sync()
        .await
        .invite_links
        .into_iter()
        .map(|l| l.id)
        .collect();
    mona.send(ClientMsg::CreateInviteLink {
        role,
        expires_in_secs: secs,
    })
    .await;
    match mona
        .event("the new link", |e| {
            matches!(e, Event::InviteLinks { links } if links.iter().any(|l| !known.contains(&l.id)))
        })
        .await
    {
        Event::InviteLinks { links } => links
            .into_iter()
            .find(|l| !known.contains(&l.id))
            .unwrap(),
        _ => unreachable!(),
    }
}

async fn use_link(server: &Server, code: &str, name: &str) -> Client {
    let mut c = Client::open(server).await;
    c.send(hello(Auth::Invite {
        code: code.into(),
        name: name.into(),
        guest: None,
    }))
    .await;
    c
}

fn the_poll<'a>(s: &'a Snapshot, question: &str) -> &'a PollView {
    s.polls
        .iter()
        .find(|p| p.question == question)
        .unwrap_or_else(|| panic!("no poll {question:?} in {:#?}", s.polls))
}

#[tokio::test]
async fn after_a_kill_9_everyone_resumes_where_they_were_and_nothing_is_lost() {
    a_class_survives_a_kill_9(Db::sqlite(Db::WHOLE_LOG)).await;
}

#[tokio::test]
async fn after_a_kill_9_a_saved_room_and_a_short_log_restore_everything() {
    a_class_survives_a_kill_9(Db::sqlite(Db::EVERY_INPUT)).await;
}

#[tokio::test]
async fn after_a_kill_9_everyone_resumes_with_postgresql() {
    a_class_survives_a_kill_9(Db::postgres(Db::WHOLE_LOG)).await;
}

#[tokio::test]
async fn after_a_kill_9_a_saved_room_restores_everything_with_postgresql() {
    a_class_survives_a_kill_9(Db::postgres(Db::EVERY_INPUT)).await;
}

async fn a_class_survives_a_kill_9(db: Db) {
    let mut server = db.start();

    // A class in full swing.
    let mut mona = server.enter(Role::Moderator, "Mona").await;
    let mut alex = server.enter(Role::Attendee, "Alex").await;
    let bea_claims = server.claims(Role::Attendee, "Bea");
    let bea_token = mint(&bea_claims);
    let mut bea = Client::open(&server).await;
    bea.send(token_hello(bea_token.clone())).await;
    bea.welcomed().await;
    let mut cy = server.enter(Role::Attendee, "Cy").await;
    let mut dan = server.enter(Role::Attendee, "Dan").await;

    alex.send(ClientMsg::JoinStage).await;
    alex.stage_access(StageAccess::OnStage).await;
    cy.send(ClientMsg::JoinStage).await;
    cy.stage_access(StageAccess::OnStage).await;

    chat_sent(&mut mona, &mut bea, "Welcome to Biology").await;
    chat_sent(&mut alex, &mut bea, "Hello!").await;
    let oops = chat_sent(&mut mona, &mut bea, "oops, wrong room").await;
    mona.send(ClientMsg::DeleteChat { message: oops.id }).await;
    bea.event(
        "the deletion",
        |e| matches!(e, Event::ChatDeleted { message } if *message == oops.id),
    )
    .await;
    chat_sent(&mut bea, &mut mona, "Is this recorded?").await;

    bea.send(ClientMsg::RaiseHand).await;
    mona.updated("Bea's hand", bea.id(), |p| p.hand.is_some())
        .await;
    alex.send(ClientMsg::RaiseHand).await;
    mona.updated("Alex's hand", alex.id(), |p| p.hand.is_some())
        .await;

    mona.send(ClientMsg::CreatePoll {
        question: "Lunch?".into(),
        options: vec!["Pizza".into(), "Salad".into(), "Soup".into()],
        multiple: false,
        correct: None,
    })
    .await;
    let poll = match bea
        .event("the poll", |e| matches!(e, Event::Poll { .. }))
        .await
    {
        Event::Poll { poll } => poll,
        _ => unreachable!(),
    };
    alex.send(ClientMsg::AnswerPoll {
        poll: poll.id,
        choices: vec![0],
    })
    .await;
    alex.event("my answer", |e| matches!(e, Event::Answered { .. }))
        .await;
    bea.send(ClientMsg::AnswerPoll {
        poll: poll.id,
        choices: vec![2],
    })
    .await;
    bea.event("my answer", |e| matches!(e, Event::Answered { .. }))
        .await;

    mona.send(ClientMsg::SetStageMode {
        mode: StageMode::Invite,
    })
    .await;
    bea.event("invite-only", |e| {
        matches!(
            e,
            Event::StageModeChanged {
                mode: StageMode::Invite
            }
        )
    })
    .await;
    mona.send(ClientMsg::InviteToStage {
        participant: bea.id(),
    })
    .await;
    bea.stage_access(StageAccess::Invited).await;

    let kept = make_link(&mut mona, Role::Presenter, 3600).await;
    let revoked = make_link(&mut mona, Role::Moderator, 600).await;
    mona.send(ClientMsg::RevokeInviteLink {
        id: revoked.id.clone(),
    })
    .await;
    mona.event("the link revoked", |e| {
        matches!(e, Event::InviteLinks { links } if links.iter().any(|l| l.id == revoked.id && l.revoked))
    })
    .await;

    mona.send(ClientMsg::RemoveFromSession {
        participant: dan.id(),
    })
    .await;
    dan.closing(CloseReason::Removed).await;

    let before_mona = mona.sync().await;
    let before_alex = alex.sync().await;
    let before_bea = bea.sync().await;
    let before_cy = cy.sync().await;
    assert_eq!(before_mona.stage_mode, StageMode::Invite);
    assert_eq!(before_mona.invite_links.len(), 2);
    assert_eq!(before_mona.banned.len(), 1);

    // The last thing before the crash: a chat message someone has seen must survive it.
    let last = chat_sent(&mut alex, &mut bea, "last words").await;
    db.wait_until_saved().await;
    server.kill();
    db.assert_log_bounded();

    // The same database, a new process (and port).
    let server = db.start();
    let mut again = Client::open(&server).await;
    again.send(token_hello(bea_token)).await;
    again.error(ErrorCode::TokenReused).await;

    let mut mona = Client::resume(&server, mona.resume.as_deref().unwrap()).await;
    let mut alex = Client::resume(&server, alex.resume.as_deref().unwrap()).await;
    let mut bea = Client::resume(&server, bea.resume.as_deref().unwrap()).await;
    let cy_resume = cy.resume.clone().unwrap();

    let m = mona.sync().await;
    assert_eq!(m.you, before_mona.you, "Mona is who she was");
    assert_eq!(m.stage_mode, StageMode::Invite, "the stage mode");
    assert_eq!(
        places(&m),
        places(&before_mona),
        "seats, hands and their order"
    );
    let mut chat = before_mona.chat.clone();
    chat.push(last.clone());
    assert_eq!(
        m.chat, chat,
        "the chat, with its deletion and the last message"
    );
    assert!(m.chat.iter().all(|c| c.id != oops.id));
    assert_eq!(m.polls, before_mona.polls, "the poll with its counts");
    let lunch = the_poll(&m, "Lunch?");
    assert_eq!(lunch.counts.as_deref(), Some(&[1, 0, 1][..]));
    assert_eq!(lunch.answered, Some(2));
    assert!(lunch.open);
    assert_eq!(
        m.invite_links, before_mona.invite_links,
        "the invitation links"
    );
    assert_eq!(m.banned, before_mona.banned, "the removal");
    let cy_there = person(&m, before_cy.you.participant);
    assert!(
        cy_there.on_stage && !cy_there.connected,
        "Cy's seat is held"
    );

    let a = alex.sync().await;
    assert_eq!(a.you, before_alex.you);
    assert_eq!(a.you.stage, StageAccess::OnStage, "Alex is on stage");
    assert_eq!(a.my_answers, before_alex.my_answers);
    assert_eq!(a.my_answers[0].choices, vec![0]);
    assert!(person(&a, a.you.participant).hand.is_some());

    let b = bea.sync().await;
    assert_eq!(b.you, before_bea.you);
    assert_eq!(b.you.stage, StageAccess::Invited, "Bea's invitation waits");
    assert_eq!(b.my_answers[0].choices, vec![2]);
    let (bh, ah) = (
        person(&b, b.you.participant).hand.unwrap(),
        person(&b, a.you.participant).hand.unwrap(),
    );
    assert!(bh < ah, "Bea raised her hand before Alex");
    assert_eq!(
        the_poll(&b, "Lunch?").counts,
        None,
        "viewers still see no counts"
    );

    // Bea can take the stage she was invited to, and new messages carry on the numbering.
    bea.send(ClientMsg::JoinStage).await;
    bea.stage_access(StageAccess::OnStage).await;
    let after = chat_sent(&mut mona, &mut alex, "after the restart").await;
    assert!(after.id > last.id);

    // The invitation link still admits; the revoked one is still refused; the removal holds.
    let mut guest = use_link(&server, &kept.code, "Guest").await;
    assert_eq!(guest.welcomed().await.you.role, Role::Presenter);
    let mut refused = use_link(&server, &revoked.code, "Nope").await;
    refused.error(ErrorCode::InviteLinkRevoked).await;
    let mut dan_again = Client::open(&server).await;
    dan_again
        .send(hello(Auth::Resume {
            credential: dan.resume.clone().unwrap(),
        }))
        .await;
    dan_again.error(ErrorCode::RemovedFromSession).await;

    // Cy did not come back within the grace period: the seat is given up and everyone sees it.
    let cy_id = before_cy.you.participant;
    mona.event(
        "Cy left",
        |e| matches!(e, Event::People { left, .. } if left.contains(&cy_id)),
    )
    .await;
    let mut cy = Client::resume(&server, &cy_resume).await;
    let c = cy.sync().await;
    assert_ne!(c.you.participant, cy_id, "Cy enters afresh");
    assert_eq!(c.you.role, Role::Attendee);
    assert_ne!(c.you.stage, StageAccess::OnStage, "as a viewer");
    assert!(!person(&c, c.you.participant).on_stage);
    cy.roundtrip().await;

    // A second crash replays a log that already holds a restart.
    let mona_resume = mona.resume.clone().unwrap();
    let before = mona.sync().await;
    drop(server);
    db.assert_log_bounded();
    let server = db.start();
    let mut mona = Client::resume(&server, &mona_resume).await;
    let m = mona.sync().await;
    assert_eq!(m.you, before.you);
    assert_eq!(m.chat, before.chat);
    assert_eq!(
        m.chat.last().map(|c| c.text.as_str()),
        Some("after the restart")
    );
    assert_eq!(m.polls, before.polls);
    assert_eq!(places(&m), places(&before));
    assert_eq!(m.invite_links, before.invite_links);
}

#[tokio::test]
async fn the_database_outlives_a_clean_shutdown_too() {
    let db = Db::sqlite(Db::WHOLE_LOG);
    outlives_a_clean_shutdown(&db).await;
    let Database::Sqlite(dir) = &db.database else {
        unreachable!()
    };
    assert!(
        dir.path().join("podium.db").exists(),
        "a directory holds podium.db"
    );
}

#[tokio::test]
async fn the_postgresql_database_outlives_a_clean_shutdown_too() {
    outlives_a_clean_shutdown(&Db::postgres(Db::WHOLE_LOG)).await;
}

/// With rooms never saved while running, only the stop can have saved the room: the log is
/// then cut up to its last input, and the next start opens the room from the save.
async fn outlives_a_clean_shutdown(db: &Db) {
    let mut server = db.start();
    let mut mona = server.enter(Role::Moderator, "Mona").await;
    let mut alex = server.enter(Role::Attendee, "Alex").await;
    chat_sent(&mut mona, &mut alex, "see you next week").await;
    let (_, saved, last) = db.stored_log_ends();
    assert_eq!(saved, None, "not saved while running");
    let last = last.expect("a logged input");
    let alex_id = alex.id();
    server.terminate();
    assert!(server.wait_exit(Duration::from_secs(10)).is_some());

    // Saved whole at the stop, after the disconnects the stop made: nothing left to replay.
    let (rows, saved) = db.stored_log();
    assert_eq!(rows, 0, "the log is cut at the save");
    assert!(
        saved.is_some_and(|n| n >= last + 2),
        "saved after input {saved:?}, past the two disconnects after input {last}"
    );

    let mut server = db.start();
    let mut alex = Client::resume(&server, alex.resume.as_deref().unwrap()).await;
    let s = alex.sync().await;
    assert_eq!(s.chat.len(), 1);
    assert_eq!(s.chat[0].text, "see you next week");
    assert_eq!(s.you.participant, alex_id, "Alex is who he was");

    // The reopened room logged its restart after the save; a second stop saves past it too.
    alex.leave().await;
    server.terminate();
    assert!(server.wait_exit(Duration::from_secs(10)).is_some());
    let (rows, again) = db.stored_log();
    assert_eq!(rows, 0, "the log is cut at the second save");
    assert!(again > saved, "saved again: {again:?} after {saved:?}");
}
