//! The SQLite store: one file (WAL mode), one connection behind a mutex.
//!
//! Durability: `journal_mode=WAL` with `synchronous=NORMAL`. Every write is its own transaction
//! and is in the WAL before the call returns, so it survives the process being killed (`kill -9`,
//! a crash, an out-of-memory kill). After a power loss or an operating-system crash the last
//! transactions before it may be lost, never half-applied: the database stays consistent.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use podium_protocol::Millis;
use podium_room::{Input, RoomConfig};
use rusqlite::{params, Connection, OptionalExtension};

use super::{decode, encode, LoggedInput, ResumeEntry, Store, StoreError, StoredRoom};
use crate::auth::lock;

/// The schema, one migration a step. `PRAGMA user_version` counts the steps applied. Append new
/// steps; never edit one that has shipped.
const MIGRATIONS: &[&str] = &[
    // 1: rooms, their input logs, spent token ids, resume credentials.
    "CREATE TABLE rooms (
        id TEXT PRIMARY KEY,
        config TEXT NOT NULL,
        created_at INTEGER NOT NULL
    );
    CREATE TABLE room_inputs (
        room TEXT NOT NULL REFERENCES rooms(id),
        n INTEGER NOT NULL,
        at_ms INTEGER NOT NULL,
        input TEXT NOT NULL,
        PRIMARY KEY (room, n)
    );
    CREATE TABLE used_tokens (
        iss TEXT NOT NULL,
        jti TEXT NOT NULL,
        expires INTEGER NOT NULL,
        PRIMARY KEY (iss, jti)
    );
    CREATE INDEX used_tokens_expires ON used_tokens (expires);
    CREATE TABLE resume_credentials (
        hash BLOB PRIMARY KEY,
        room TEXT NOT NULL,
        entrant TEXT NOT NULL,
        expires_at INTEGER NOT NULL
    );
    CREATE INDEX resume_credentials_expires ON resume_credentials (expires_at);",
];

/// How long a write waits for another process holding the file's lock (there should be none).
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

pub struct SqliteStore {
    conn: Mutex<Connection>,
    /// Where it is, for logs.
    location: String,
}

fn err(what: &str) -> impl Fn(rusqlite::Error) -> StoreError + '_ {
    move |e| StoreError::new(format!("{what}: {e}"))
}

/// SQLite integers are signed; every number stored here (times, log positions) fits.
fn int(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

fn uint(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

impl SqliteStore {
    /// Open (creating if need be) the database at `path` and bring its schema up to date.
    /// `:memory:` is a private in-memory database; a directory means `podium.db` inside it.
    pub fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        if path.as_os_str() == ":memory:" {
            return SqliteStore::open_in_memory();
        }
        let file: PathBuf = if path.is_dir() {
            path.join(super::DEFAULT_FILE)
        } else {
            path.to_path_buf()
        };
        let conn = Connection::open(&file)
            .map_err(|e| StoreError::new(format!("open {}: {e}", file.display())))?;
        SqliteStore::init(conn, file.display().to_string())
    }

    /// A private in-memory database (for tests and embedding): gone with the process.
    pub fn open_in_memory() -> Result<SqliteStore, StoreError> {
        let conn = Connection::open_in_memory().map_err(err("open in memory"))?;
        SqliteStore::init(conn, ":memory:".to_string())
    }

    fn init(mut conn: Connection, location: String) -> Result<SqliteStore, StoreError> {
        conn.busy_timeout(BUSY_TIMEOUT)
            .map_err(err("busy_timeout"))?;
        // An in-memory database answers "memory" and stays so; a file switches to WAL for good.
        let _mode: String = conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
            .map_err(err("journal_mode"))?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(err("synchronous"))?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(err("foreign_keys"))?;
        migrate(&mut conn)?;
        Ok(SqliteStore {
            conn: Mutex::new(conn),
            location,
        })
    }

    pub fn location(&self) -> &str {
        &self.location
    }

    /// The schema version (`PRAGMA user_version`).
    pub fn schema_version(&self) -> Result<u32, StoreError> {
        user_version(&lock(&self.conn))
    }
}

fn user_version(conn: &Connection) -> Result<u32, StoreError> {
    conn.pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(err("user_version"))
}

/// Apply the migrations not applied yet, each in its own transaction with its version bump.
fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let have = user_version(conn)? as usize;
    if have > MIGRATIONS.len() {
        return Err(StoreError::new(format!(
            "the database has schema version {have}, newer than this server knows ({}): \
             run a newer Podium server",
            MIGRATIONS.len()
        )));
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(have) {
        let version = i + 1;
        let tx = conn.transaction().map_err(err("migrate"))?;
        tx.execute_batch(sql)
            .map_err(|e| StoreError::new(format!("migration {version}: {e}")))?;
        tx.pragma_update(None, "user_version", int(version as u64))
            .map_err(err("migrate"))?;
        tx.commit().map_err(err("migrate"))?;
        tracing::info!(version, "storage schema migrated");
    }
    Ok(())
}

impl Store for SqliteStore {
    fn ping(&self) -> Result<(), StoreError> {
        let conn = lock(&self.conn);
        conn.query_row("SELECT count(*) FROM sqlite_master", [], |row| {
            row.get::<_, i64>(0)
        })
        .map_err(err("ping"))?;
        Ok(())
    }

    fn open_room(&self, room: &str, config: &RoomConfig) -> Result<StoredRoom, StoreError> {
        let config_text = encode(config)?;
        let mut conn = lock(&self.conn);
        let tx = conn.transaction().map_err(err("open room"))?;
        tx.execute(
            "INSERT INTO rooms (id, config, created_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (id) DO NOTHING",
            params![room, config_text, int(crate::clock::now_ms())],
        )
        .map_err(err("create room"))?;
        let stored: String = tx
            .query_row("SELECT config FROM rooms WHERE id = ?1", [room], |r| {
                r.get(0)
            })
            .map_err(err("read room"))?;
        let config = decode("room config", &stored)?;
        let mut inputs = Vec::new();
        {
            let mut stmt = tx
                .prepare("SELECT n, at_ms, input FROM room_inputs WHERE room = ?1 ORDER BY n")
                .map_err(err("read log"))?;
            let rows = stmt
                .query_map([room], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, i64>(1)?,
                        r.get::<_, String>(2)?,
                    ))
                })
                .map_err(err("read log"))?;
            for row in rows {
                let (n, at, text) = row.map_err(err("read log"))?;
                let input: Input = decode(&format!("input {n} of room {room}"), &text)?;
                inputs.push(LoggedInput {
                    n: uint(n),
                    at: uint(at),
                    input,
                });
            }
        }
        tx.commit().map_err(err("open room"))?;
        Ok(StoredRoom { config, inputs })
    }

    fn append_input(
        &self,
        room: &str,
        n: u64,
        at: Millis,
        input: &Input,
    ) -> Result<(), StoreError> {
        let text = encode(input)?;
        let conn = lock(&self.conn);
        let mut stmt = conn
            .prepare_cached(
                "INSERT INTO room_inputs (room, n, at_ms, input) VALUES (?1, ?2, ?3, ?4)",
            )
            .map_err(err("append input"))?;
        stmt.execute(params![room, int(n), int(at), text])
            .map_err(err("append input"))?;
        Ok(())
    }

    fn use_token_id(&self, iss: &str, jti: &str, expires: u64) -> Result<bool, StoreError> {
        let conn = lock(&self.conn);
        let mut stmt = conn
            .prepare_cached(
                "INSERT INTO used_tokens (iss, jti, expires) VALUES (?1, ?2, ?3)
                 ON CONFLICT (iss, jti) DO NOTHING",
            )
            .map_err(err("spend token id"))?;
        let inserted = stmt
            .execute(params![iss, jti, int(expires)])
            .map_err(err("spend token id"))?;
        Ok(inserted == 1)
    }

    fn prune_token_ids(&self, now: u64) -> Result<usize, StoreError> {
        let conn = lock(&self.conn);
        conn.execute("DELETE FROM used_tokens WHERE expires < ?1", [int(now)])
            .map_err(err("prune token ids"))
    }

    fn put_resume(&self, hash: &[u8; 32], entry: &ResumeEntry) -> Result<(), StoreError> {
        let entrant = encode(&entry.entrant)?;
        let conn = lock(&self.conn);
        let mut stmt = conn
            .prepare_cached(
                "INSERT INTO resume_credentials (hash, room, entrant, expires_at)
                 VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (hash) DO UPDATE SET
                    room = excluded.room, entrant = excluded.entrant,
                    expires_at = excluded.expires_at",
            )
            .map_err(err("keep resume credential"))?;
        stmt.execute(params![
            hash.as_slice(),
            entry.room,
            entrant,
            int(entry.expires_at)
        ])
        .map_err(err("keep resume credential"))?;
        Ok(())
    }

    fn resume(&self, hash: &[u8; 32], now: Millis) -> Result<Option<ResumeEntry>, StoreError> {
        let row = {
            let conn = lock(&self.conn);
            let mut stmt = conn
                .prepare_cached(
                    "SELECT room, entrant, expires_at FROM resume_credentials
                     WHERE hash = ?1 AND expires_at > ?2",
                )
                .map_err(err("look up resume credential"))?;
            stmt.query_row(params![hash.as_slice(), int(now)], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                ))
            })
            .optional()
            .map_err(err("look up resume credential"))?
        };
        let Some((room, entrant, expires_at)) = row else {
            return Ok(None);
        };
        Ok(Some(ResumeEntry {
            room,
            entrant: decode("resume entrant", &entrant)?,
            expires_at: uint(expires_at),
        }))
    }

    fn prune_resume(&self, now: Millis) -> Result<usize, StoreError> {
        let conn = lock(&self.conn);
        conn.execute(
            "DELETE FROM resume_credentials WHERE expires_at <= ?1",
            [int(now)],
        )
        .map_err(err("prune resume credentials"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use podium_protocol::{ClientMsg, Role, StageMode};
    use podium_room::Entrant;

    fn entrant(identity: &str) -> Entrant {
        Entrant {
            identity: identity.into(),
            name: "Ada".into(),
            role: Role::Attendee,
            picture: None,
            mobile: false,
            via_link: None,
        }
    }

    fn chat(conn: u64, text: &str) -> Input {
        Input::Command {
            conn,
            msg: ClientMsg::Chat { text: text.into() },
        }
    }

    #[test]
    fn migrations_run_from_empty_and_a_reopen_keeps_everything() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.db");
        let config = RoomConfig {
            title: Some("Biology".into()),
            stage_mode: StageMode::Open,
            ..RoomConfig::default()
        };
        {
            let store = SqliteStore::open(&path).unwrap();
            assert_eq!(store.schema_version().unwrap() as usize, MIGRATIONS.len());
            let room = store.open_room("r", &config).unwrap();
            assert_eq!(room.config, config);
            assert!(room.inputs.is_empty());
            assert_eq!(room.next_n(), 1);
            store.append_input("r", 1, 10, &Input::Tick).unwrap();
        }
        let store = SqliteStore::open(&path).unwrap();
        assert_eq!(store.schema_version().unwrap() as usize, MIGRATIONS.len());
        // The stored config wins over the one a later opener brings.
        let room = store.open_room("r", &RoomConfig::default()).unwrap();
        assert_eq!(room.config, config);
        assert_eq!(room.inputs.len(), 1);
        assert_eq!(room.next_n(), 2);
        let mode: String = lock(&store.conn)
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
    }

    #[test]
    fn a_directory_holds_the_default_file_and_a_newer_schema_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(dir.path()).unwrap();
        assert!(store.location().ends_with(super::super::DEFAULT_FILE));
        drop(store);
        let path = dir.path().join(super::super::DEFAULT_FILE);
        Connection::open(&path)
            .unwrap()
            .pragma_update(None, "user_version", 99)
            .unwrap();
        let refused = SqliteStore::open(&path).err().unwrap();
        assert!(refused.to_string().contains("newer"), "{refused}");
    }

    #[test]
    fn inputs_load_in_order_per_room_and_a_taken_number_is_refused() {
        let store = SqliteStore::open_in_memory().unwrap();
        store.open_room("a", &RoomConfig::default()).unwrap();
        store.open_room("b", &RoomConfig::default()).unwrap();
        let connect = Input::Connect {
            conn: 1,
            entrant: entrant("s:1"),
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
        assert!(store.append_input("a", 5, 999, &Input::Tick).is_err());
        let a = store.open_room("a", &RoomConfig::default()).unwrap();
        assert_eq!(a.inputs.len(), 12);
        assert_eq!(a.inputs[0].input, connect);
        for (i, logged) in a.inputs.iter().enumerate() {
            assert_eq!(logged.n, i as u64 + 1);
        }
        assert_eq!(a.inputs[11].at, 112);
        assert_eq!(a.inputs[11].input, chat(1, "m12"));
        assert_eq!(
            store
                .open_room("b", &RoomConfig::default())
                .unwrap()
                .inputs
                .len(),
            1
        );
        assert!(
            store.append_input("nowhere", 1, 0, &Input::Tick).is_err(),
            "a log belongs to a room that was opened"
        );
    }

    #[test]
    fn a_token_id_is_spent_once_until_pruned() {
        let store = SqliteStore::open_in_memory().unwrap();
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

    #[test]
    fn resume_credentials_are_found_until_they_expire() {
        let store = SqliteStore::open_in_memory().unwrap();
        let hash = [7u8; 32];
        let entry = ResumeEntry {
            room: "r".into(),
            entrant: entrant("s:1"),
            expires_at: 1000,
        };
        store.put_resume(&hash, &entry).unwrap();
        assert_eq!(store.resume(&hash, 999).unwrap(), Some(entry.clone()));
        assert_eq!(store.resume(&hash, 1000).unwrap(), None, "expired");
        assert_eq!(store.resume(&[8u8; 32], 10).unwrap(), None, "unknown");
        let later = ResumeEntry {
            expires_at: 5000,
            ..entry
        };
        store.put_resume(&hash, &later).unwrap();
        assert_eq!(store.resume(&hash, 1000).unwrap(), Some(later));
        store
            .put_resume(
                &[9u8; 32],
                &ResumeEntry {
                    expires_at: 10,
                    ..entry_for("x")
                },
            )
            .unwrap();
        assert_eq!(store.prune_resume(4000).unwrap(), 1);
        assert!(store.resume(&hash, 4000).unwrap().is_some());
        assert_eq!(store.prune_resume(5000).unwrap(), 1);
        assert_eq!(store.resume(&hash, 10).unwrap(), None);
    }

    /// Figures for docs/storage.md: append, load and replay times for a busy room's log.
    #[test]
    #[ignore = "a measurement, not a check: run with --ignored --nocapture, in release"]
    fn measure() {
        use podium_room::Room;
        use std::time::Instant;
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("m.db")).unwrap();
        let config = RoomConfig::default();
        store.open_room("r", &config).unwrap();
        let people = 200u64;
        let mut inputs = Vec::new();
        for p in 1..=people {
            inputs.push(Input::Connect {
                conn: p,
                entrant: entrant(&format!("s:{p}")),
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
            let mut room = Room::new(stored.config);
            for logged in stored.inputs {
                room.handle(logged.at, logged.input);
            }
            let replay = t.elapsed();
            println!(
                "{n} inputs: load {} ms, replay {} ms",
                load.as_millis(),
                replay.as_millis()
            );
        }
    }

    fn entry_for(identity: &str) -> ResumeEntry {
        ResumeEntry {
            room: "r".into(),
            entrant: entrant(identity),
            expires_at: 0,
        }
    }
}
