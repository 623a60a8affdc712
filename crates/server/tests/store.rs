//! The storage contract, checked the same way against both backends: SQLite in a temporary
//! file, and PostgreSQL started for the test on loopback (each check on a database of its own).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::Arc;

use common::postgres::Postgres;
use common::{chat, entrant};
use podium_protocol::{ClientMsg, Role, StageMode};
use podium_room::{Input, Room, RoomConfig};
use podium_server::callbacks::{Report, What};
use podium_server::store::{PostgresStore, ResumeEntry, SqliteStore, Store};

/// Opens (or opens again) one fresh location of a backend.
type Opener = Box<dyn Fn() -> Arc<dyn Store>>;

/// One check of the contract, given a fresh location.
type Check = fn(&Opener);

/// Every check, by name. Each gets a location no other check uses.
const CHECKS: &[(&str, Check)] = &[
    (
        "config_is_fixed_by_the_first_opener",
        config_is_fixed_by_the_first_opener,
    ),
    (
        "inputs_load_in_order_per_room",
        inputs_load_in_order_per_room,
    ),
    (
        "a_saved_room_replaces_the_log_before_it",
        a_saved_room_replaces_the_log_before_it,
    ),
    (
        "a_token_id_is_spent_once_until_pruned",
        a_token_id_is_spent_once_until_pruned,
    ),
    (
        "resume_credentials_last_until_they_expire",
        resume_credentials_last_until_they_expire,
    ),
    (
        "reports_are_kept_once_in_order_until_forgotten",
        reports_are_kept_once_in_order_until_forgotten,
    ),
    ("everything_outlives_a_reopen", everything_outlives_a_reopen),
    (
        "a_forgotten_room_leaves_nothing_and_others_untouched",
        a_forgotten_room_leaves_nothing_and_others_untouched,
    ),
];

fn run_checks(fresh: impl Fn(&str) -> Opener) {
    for (name, check) in CHECKS {
        println!("check {name}");
        check(&fresh(name));
    }
}

#[test]
fn sqlite_keeps_the_storage_contract() {
    run_checks(|name| {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(format!("{name}.db"));
        Box::new(move || {
            let _keep = &dir;
            Arc::new(SqliteStore::open(&path).unwrap())
        })
    });
}

#[test]
fn postgresql_keeps_the_storage_contract() {
    let pg = Postgres::start();
    run_checks(|name| {
        let url = pg.create_database(name);
        Box::new(move || Arc::new(PostgresStore::open(&url).unwrap()))
    });
}

#[test]
fn postgresql_refuses_a_newer_schema_and_a_bad_url() {
    let pg = Postgres::start();
    let url = pg.create_database("newer");
    let store = PostgresStore::open(&url).unwrap();
    assert_eq!(store.schema_version().unwrap(), 3);
    assert!(
        !store.location().contains("password"),
        "{}",
        store.location()
    );
    drop(store);
    // Opening again runs nothing twice.
    assert_eq!(
        PostgresStore::open(&url).unwrap().schema_version().unwrap(),
        3
    );
    pg.with_client("newer", |c| {
        c.batch_execute("UPDATE podium_schema SET version = 99")
            .unwrap()
    });
    let refused = PostgresStore::open(&url).err().unwrap();
    assert!(refused.to_string().contains("newer"), "{refused}");

    let bad = PostgresStore::open("postgres://nobody@127.0.0.1:1/none").err();
    let bad = bad.expect("nothing listens on port 1").to_string();
    assert!(bad.contains("127.0.0.1:1"), "says where it tried: {bad}");
    assert!(PostgresStore::open("not a url at all=").is_err());
    let tls = PostgresStore::open(&format!("{url}?sslmode=require")).err();
    assert!(tls.is_some(), "no TLS to the database: said, not ignored");
}

fn config_is_fixed_by_the_first_opener(open: &Opener) {
    let store = open();
    let config = RoomConfig {
        title: Some("Biology".into()),
        stage_mode: StageMode::Open,
        ..RoomConfig::default()
    };
    let room = store.open_room("r", &config).unwrap();
    assert_eq!(room.config, config);
    assert!(room.inputs.is_empty() && room.saved.is_none());
    assert_eq!(room.next_n(), 1);
    store.append_input("r", 1, 10, &Input::Tick).unwrap();
    let room = store.open_room("r", &RoomConfig::default()).unwrap();
    assert_eq!(room.config, config, "the stored config wins");
    assert_eq!(room.inputs.len(), 1);
    assert_eq!(room.next_n(), 2);
}

fn inputs_load_in_order_per_room(open: &Opener) {
    let store = open();
    store.open_room("a", &RoomConfig::default()).unwrap();
    store.open_room("b", &RoomConfig::default()).unwrap();
    let connect = Input::Connect {
        conn: 1,
        entrant: entrant("s:1", Role::Attendee),
    };
    store.append_input("a", 1, 100, &connect).unwrap();
    store
        .append_input("b", 1, 150, &chat(9, "other room"))
        .unwrap();
    for n in 2..=12 {
        store
            .append_input("a", n, 100 + n, &chat(1, &format!("m{n}")))
            .unwrap();
    }
    assert!(
        store.append_input("a", 5, 999, &Input::Tick).is_err(),
        "a taken number is refused"
    );
    let a = store.open_room("a", &RoomConfig::default()).unwrap();
    assert_eq!(a.inputs.len(), 12);
    assert_eq!(a.inputs[0].input, connect);
    for (i, logged) in a.inputs.iter().enumerate() {
        assert_eq!(logged.n, i as u64 + 1);
    }
    assert_eq!(a.inputs[11].at, 112);
    assert_eq!(a.inputs[11].input, chat(1, "m12"));
    let b = store.open_room("b", &RoomConfig::default()).unwrap();
    assert_eq!(b.inputs.len(), 1);
    assert!(
        store.append_input("nowhere", 1, 0, &Input::Tick).is_err(),
        "a log belongs to a room that was opened"
    );
}

/// A lively room's inputs: a moderator, two attendees, chat, a deletion, a poll and answers.
fn class() -> Vec<Input> {
    let mut inputs = vec![
        Input::Connect {
            conn: 1,
            entrant: entrant("s:mona", Role::Moderator),
        },
        Input::Connect {
            conn: 2,
            entrant: entrant("s:alex", Role::Attendee),
        },
        Input::Connect {
            conn: 3,
            entrant: entrant("s:bea", Role::Attendee),
        },
        chat(1, "welcome"),
        chat(2, "hello"),
        Input::Command {
            conn: 1,
            msg: ClientMsg::DeleteChat { message: 2 },
        },
        Input::Command {
            conn: 1,
            msg: ClientMsg::CreatePoll {
                question: "Lunch?".into(),
                options: vec!["Pizza".into(), "Soup".into()],
                multiple: false,
                correct: None,
            },
        },
        Input::Command {
            conn: 2,
            msg: ClientMsg::AnswerPoll {
                poll: 1,
                choices: vec![1],
            },
        },
        Input::Command {
            conn: 1,
            msg: ClientMsg::SetStageMode {
                mode: StageMode::Invite,
            },
        },
        Input::Disconnect { conn: 3 },
    ];
    inputs.extend((0..5).map(|i| chat(2, &format!("more {i}"))));
    inputs
}

fn a_saved_room_replaces_the_log_before_it(open: &Opener) {
    let store = open();
    let config = RoomConfig::default();
    store.open_room("r", &config).unwrap();
    let inputs = class();
    let mut live = Room::new(config.clone());
    let mut saved_at_6 = None;
    for (i, input) in inputs.iter().enumerate() {
        let n = i as u64 + 1;
        let _ = live.handle(1_000 + n, input.clone());
        store.append_input("r", n, 1_000 + n, input).unwrap();
        if n == 6 {
            saved_at_6 = Some(live.save());
        }
    }
    let last = inputs.len() as u64;
    store.save_room("r", 6, &saved_at_6.unwrap()).unwrap();

    let stored = store.open_room("r", &config).unwrap();
    assert_eq!(stored.saved.as_ref().map(|s| s.n), Some(6));
    let tail: Vec<u64> = stored.inputs.iter().map(|i| i.n).collect();
    assert_eq!(
        tail,
        (7..=last).collect::<Vec<_>>(),
        "only the tail is left"
    );
    assert_eq!(stored.next_n(), last + 1);
    assert_eq!(stored.rebuild().save(), live.save(), "the same room");

    assert!(
        store.append_input("r", 3, 0, &Input::Tick).is_err(),
        "a number the saved room covers is refused, though its row is gone"
    );
    // An older save changes nothing.
    store
        .save_room("r", 2, &Room::new(config.clone()).save())
        .unwrap();
    let stored = store.open_room("r", &config).unwrap();
    assert_eq!(stored.saved.as_ref().map(|s| s.n), Some(6));
    assert_eq!(stored.inputs.len() as u64, last - 6);

    // Saved at the end: nothing left to replay, and the numbering carries on.
    store.save_room("r", last, &live.save()).unwrap();
    let stored = store.open_room("r", &config).unwrap();
    assert!(stored.inputs.is_empty());
    assert_eq!(stored.next_n(), last + 1);
    let rebuilt = stored.rebuild();
    assert_eq!(rebuilt.save(), live.save());
    store
        .append_input("r", last + 1, 5_000, &Input::Restart)
        .unwrap();
}

fn a_token_id_is_spent_once_until_pruned(open: &Opener) {
    let store = open();
    assert!(store.use_token_id("s", "a", 100).unwrap());
    assert!(!store.use_token_id("s", "a", 100).unwrap());
    assert!(
        store.use_token_id("t", "a", 100).unwrap(),
        "another issuer's"
    );
    assert!(store.use_token_id("s", "b", 500).unwrap());
    assert_eq!(
        store.prune_token_ids(100).unwrap(),
        0,
        "kept through its expiry"
    );
    assert_eq!(store.prune_token_ids(101).unwrap(), 2);
    assert!(!store.use_token_id("s", "b", 500).unwrap());
    assert!(
        store.use_token_id("s", "a", 100).unwrap(),
        "forgotten once pruned"
    );
}

fn resume_credentials_last_until_they_expire(open: &Opener) {
    let store = open();
    let hash = [7u8; 32];
    let entry = ResumeEntry {
        room: "r".into(),
        entrant: entrant("s:1", Role::Presenter),
        expires_at: 1000,
    };
    store.put_resume(&hash, &entry).unwrap();
    assert_eq!(store.resume(&hash, 999).unwrap(), Some(entry.clone()));
    assert_eq!(store.resume(&hash, 1000).unwrap(), None, "expired");
    assert_eq!(store.resume(&[8u8; 32], 10).unwrap(), None, "unknown");
    let later = ResumeEntry {
        expires_at: 5000,
        ..entry.clone()
    };
    store.put_resume(&hash, &later).unwrap();
    assert_eq!(store.resume(&hash, 1000).unwrap(), Some(later));
    store
        .put_resume(
            &[9u8; 32],
            &ResumeEntry {
                expires_at: 10,
                ..entry
            },
        )
        .unwrap();
    assert_eq!(store.prune_resume(4000).unwrap(), 1);
    assert!(store.resume(&hash, 4000).unwrap().is_some());
    assert_eq!(store.prune_resume(5000).unwrap(), 1);
    assert_eq!(store.resume(&hash, 10).unwrap(), None);
}

fn reports_are_kept_once_in_order_until_forgotten(open: &Opener) {
    let store = open();
    let report = |n: u32, what: What| Report {
        id: format!("p-{n}"),
        user: "7".into(),
        at: 1_767_225_600,
        what,
    };
    let batch = vec![
        report(1, What::Join),
        report(
            2,
            What::PollAnswer {
                poll: 1,
                choices: vec![0, 2],
            },
        ),
    ];
    store.keep_reports("r", "https://site/cb", &batch).unwrap();
    // Kept again (a retry after a lost answer): still once.
    store.keep_reports("r", "https://site/cb", &batch).unwrap();
    let leave = report(
        3,
        What::Leave {
            seconds: 300,
            stage_seconds: 60,
        },
    );
    store
        .keep_reports("s", "https://other/cb", std::slice::from_ref(&leave))
        .unwrap();
    let kept = store.kept_reports().unwrap();
    let reports: Vec<&Report> = kept.iter().map(|k| &k.report).collect();
    assert_eq!(reports, vec![&batch[0], &batch[1], &leave]);
    assert_eq!(
        (kept[2].room.as_str(), kept[2].url.as_str()),
        ("s", "https://other/cb")
    );

    store
        .forget_reports(&["p-1".to_string(), "p-3".to_string()])
        .unwrap();
    let kept = store.kept_reports().unwrap();
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].report, batch[1]);
}

fn everything_outlives_a_reopen(open: &Opener) {
    let config = RoomConfig {
        title: Some("Kept".into()),
        ..RoomConfig::default()
    };
    let mut live = Room::new(config.clone());
    {
        let store = open();
        store.ping().unwrap();
        store.open_room("r", &config).unwrap();
        for (i, input) in class().into_iter().enumerate() {
            let n = i as u64 + 1;
            let _ = live.handle(n, input.clone());
            store.append_input("r", n, n, &input).unwrap();
            if n == 4 {
                store.save_room("r", n, &live.save()).unwrap();
            }
        }
        assert!(store.use_token_id("s", "j", u64::MAX / 2).unwrap());
        store
            .put_resume(
                &[1u8; 32],
                &ResumeEntry {
                    room: "r".into(),
                    entrant: entrant("s:alex", Role::Attendee),
                    expires_at: u64::MAX / 2,
                },
            )
            .unwrap();
    }
    let store = open();
    let stored = store.open_room("r", &RoomConfig::default()).unwrap();
    assert_eq!(stored.config, config);
    assert_eq!(stored.saved.as_ref().map(|s| s.n), Some(4));
    assert_eq!(stored.rebuild().save(), live.save());
    assert!(!store.use_token_id("s", "j", u64::MAX / 2).unwrap());
    assert_eq!(
        store
            .resume(&[1u8; 32], 0)
            .unwrap()
            .map(|e| e.entrant.identity),
        Some("s:alex".to_string())
    );
}

fn a_forgotten_room_leaves_nothing_and_others_untouched(open: &Opener) {
    let store = open();
    let biology = RoomConfig {
        title: Some("Biology".into()),
        ..RoomConfig::default()
    };
    for room in ["gone", "kept"] {
        store.open_room(room, &biology).unwrap();
        store.append_input(room, 1, 10, &chat(1, "hello")).unwrap();
        let resume = ResumeEntry {
            room: room.into(),
            entrant: entrant("s:1", Role::Attendee),
            expires_at: 10_000,
        };
        let hash = if room == "gone" { [1u8; 32] } else { [2u8; 32] };
        store.put_resume(&hash, &resume).unwrap();
        let report = Report {
            id: format!("{room}-1"),
            user: "7".into(),
            at: 1_767_225_600,
            what: What::Join,
        };
        store
            .keep_reports(room, "https://site/cb", &[report])
            .unwrap();
    }
    let saved = Room::new(biology.clone()).save();
    store.save_room("gone", 1, &saved).unwrap();

    assert!(store.forget_room("gone").unwrap());
    assert!(
        !store.forget_room("gone").unwrap(),
        "once gone, nothing is kept"
    );
    assert!(!store.forget_room("never").unwrap());
    let reopened = store.open_room("gone", &RoomConfig::default()).unwrap();
    assert_eq!(reopened.config, RoomConfig::default(), "opened afresh");
    assert!(reopened.inputs.is_empty() && reopened.saved.is_none());
    assert_eq!(store.resume(&[1u8; 32], 0).unwrap(), None);
    let reports: Vec<String> = store
        .kept_reports()
        .unwrap()
        .into_iter()
        .map(|k| k.report.id)
        .collect();
    assert_eq!(reports, ["kept-1"]);
    let kept = store.open_room("kept", &RoomConfig::default()).unwrap();
    assert_eq!(kept.config, biology);
    assert_eq!(kept.inputs.len(), 1);
    assert!(store.resume(&[2u8; 32], 0).unwrap().is_some());
}
