//! Measurements for docs/storage.md (run with `--ignored --nocapture`, in release): appends,
//! saving rooms, and opening rooms from their whole log or from a saved room and a tail, for
//! both backends. Figures, not checks: nothing here is timed against a limit.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::postgres::Postgres;
use common::{chat, entrant};
use podium_protocol::{ClientMsg, Role};
use podium_room::{Input, Room, RoomConfig};
use podium_server::store::{PostgresStore, SqliteStore, Store};

/// Figures for docs/storage.md, for both backends: appends, saving a big room, and opening a
/// room from a saved room and a tail against opening it from its whole log.
#[test]
#[ignore = "a measurement, not a check: run with --ignored --nocapture, in release"]
fn measure_both_backends() {
    let dir = tempfile::tempdir().unwrap();
    let sqlite: Arc<dyn Store> = Arc::new(SqliteStore::open(&dir.path().join("m.db")).unwrap());
    println!("SQLite (file, WAL):");
    measure_store(&sqlite);
    let pg = Postgres::start_durable();
    let url = pg.create_database("m");
    let postgres: Arc<dyn Store> = Arc::new(PostgresStore::open(&url).unwrap());
    println!("PostgreSQL (loopback TCP, fsync on, synchronous_commit off):");
    measure_store(&postgres);
    drop(postgres);
    let url = pg.create_database("s");
    let flushed = format!("{url}?options=-c%20synchronous_commit%3Don");
    let postgres: Arc<dyn Store> = Arc::new(PostgresStore::open(&flushed).unwrap());
    println!("PostgreSQL (loopback TCP, fsync on, synchronous_commit on):");
    measure_store(&postgres);
}

fn measure_store(store: &Arc<dyn Store>) {
    let pct = |v: &mut Vec<Duration>, p: usize| {
        v.sort();
        v[(v.len() * p / 100).min(v.len() - 1)].as_micros()
    };
    let config = RoomConfig::default();
    store.open_room("append", &config).unwrap();
    let mut took = Vec::new();
    for n in 1..=5_000u64 {
        let input = chat(
            1,
            &format!("message number {n}, of ordinary length for a chat"),
        );
        let t = Instant::now();
        store.append_input("append", n, n, &input).unwrap();
        took.push(t.elapsed());
    }
    println!(
        "  append: median {} us, p99 {} us",
        pct(&mut took, 50),
        pct(&mut took, 99)
    );

    for (people, chats) in [(200u64, 20_000u64), (1_000, 1_000), (10_000, 1_000)] {
        let room_id = format!("big-{people}");
        store.open_room(&room_id, &config).unwrap();
        let mut room = Room::new(config.clone());
        let mut n = 0u64;
        for p in 1..=people {
            let identity = format!("s:{p}");
            let input = Input::Connect {
                conn: p,
                entrant: entrant(&identity, Role::Attendee),
            };
            log(store, &room_id, &mut room, &mut n, input);
        }
        for i in 0..chats {
            let input = chat(1 + i % people, &format!("chat line {i}"));
            log(store, &room_id, &mut room, &mut n, input);
        }
        let whole = n;
        let t = Instant::now();
        let stored = store.open_room(&room_id, &config).unwrap();
        let replayed = stored.rebuild();
        let open_whole = t.elapsed();
        assert_eq!(replayed.save(), room.save());

        let t = Instant::now();
        let saved = room.save();
        let copy = t.elapsed();
        let text_len = serde_json::to_string(&saved).unwrap().len();
        store.save_room(&room_id, whole, &saved).unwrap();
        let save = t.elapsed();
        for i in 0..999 {
            let input = chat(1 + i % people, &format!("after {i}"));
            log(store, &room_id, &mut room, &mut n, input);
        }
        let t = Instant::now();
        let stored = store.open_room(&room_id, &config).unwrap();
        let tail = stored.inputs.len();
        let rebuilt = stored.rebuild();
        let open_saved = t.elapsed();
        assert_eq!(rebuilt.save(), room.save());
        println!(
            "  {people} people: save {} ms (copy {} ms, {} KB of JSON); open from {whole} inputs {} ms, \
             from the saved room + {tail} inputs {} ms",
            save.as_millis(),
            copy.as_millis(),
            text_len / 1000,
            open_whole.as_millis(),
            open_saved.as_millis()
        );
    }
}

/// Give the room its next input and log it, as the server does.
fn log(store: &Arc<dyn Store>, room_id: &str, room: &mut Room, n: &mut u64, input: Input) {
    *n += 1;
    let _ = room.handle(*n, input.clone());
    store.append_input(room_id, *n, *n, &input).unwrap();
}

/// Figures for docs/storage.md: append, load and replay times for a long SQLite log.
#[test]
#[ignore = "a measurement, not a check: run with --ignored --nocapture, in release"]
fn measure_a_long_sqlite_log() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("m.db")).unwrap();
    let config = RoomConfig::default();
    store.open_room("r", &config).unwrap();
    let people = 200u64;
    let mut inputs = Vec::new();
    for p in 1..=people {
        inputs.push(Input::Connect {
            conn: p,
            entrant: entrant(&format!("s:{p}"), Role::Attendee),
        });
    }
    for i in 0..(100_000 - people) {
        let conn = 1 + i % people;
        inputs.push(match i % 10 {
            0 => Input::Command {
                conn,
                msg: ClientMsg::RaiseHand,
            },
            1 => Input::Command {
                conn,
                msg: ClientMsg::LowerHand,
            },
            _ => chat(
                conn,
                &format!("message number {i}, of ordinary length for a chat"),
            ),
        });
    }
    let mut room = Room::new(config.clone());
    let mut append = Vec::with_capacity(inputs.len());
    for (n, input) in inputs.iter().enumerate() {
        let at = 1_000 + n as u64;
        room.handle(at, input.clone());
        let t = Instant::now();
        store.append_input("r", n as u64 + 1, at, input).unwrap();
        append.push(t.elapsed());
    }
    append.sort();
    let pct = |p: usize| append[append.len() * p / 100].as_micros();
    println!(
        "append: {} inputs, median {} us, p99 {} us, max {} us",
        append.len(),
        pct(50),
        pct(99),
        append[append.len() - 1].as_micros()
    );
    for n in [1_000usize, 10_000, 100_000] {
        let prefix = SqliteStore::open(&dir.path().join(format!("p{n}.db"))).unwrap();
        prefix.open_room("r", &config).unwrap();
        for (i, input) in inputs.iter().take(n).enumerate() {
            prefix
                .append_input("r", i as u64 + 1, 1_000 + i as u64, input)
                .unwrap();
        }
        let t = Instant::now();
        let stored = prefix.open_room("r", &config).unwrap();
        let load = t.elapsed();
        let t = Instant::now();
        let _room = stored.rebuild();
        let replay = t.elapsed();
        println!(
            "{n} inputs: load {} ms, replay {} ms",
            load.as_millis(),
            replay.as_millis()
        );
    }
}
