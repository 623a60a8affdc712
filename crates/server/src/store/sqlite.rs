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
use podium_room::{Input, RoomConfig, SavedRoom};
use rusqlite::{params, Connection, OptionalExtension, Transaction};

use super::{
    decode, encode, int, uint, KeptReport, LoggedInput, ResumeEntry, SavedAt, Store, StoreError,
    StoredRoom, ROOM_TABLES,
};
use crate::auth::lock;
use crate::callbacks::Report;

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
    // 2: each room saved whole after input `n`, standing for its log up to `n`.
    "CREATE TABLE room_snapshots (
        room TEXT PRIMARY KEY REFERENCES rooms(id),
        n INTEGER NOT NULL,
        saved_at INTEGER NOT NULL,
        state TEXT NOT NULL
    );",
    // 3: attendance reports not yet delivered, in the order they were made.
    "CREATE TABLE attendance_reports (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        room TEXT NOT NULL,
        url TEXT NOT NULL,
        report TEXT NOT NULL,
        kept_at INTEGER NOT NULL
    );",
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

/// The room as last saved, if it was.
fn read_saved(tx: &Transaction<'_>, room: &str) -> Result<Option<SavedAt>, StoreError> {
    let row = tx
        .query_row(
            "SELECT n, state FROM room_snapshots WHERE room = ?1",
            [room],
            |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)),
        )
        .optional()
        .map_err(err("read saved room"))?;
    row.map(|(n, text)| SavedAt::from_row(room, n, &text))
        .transpose()
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
        let saved = read_saved(&tx, room)?;
        let after = int(saved.as_ref().map_or(0, |s| s.n));
        let mut inputs = Vec::new();
        {
            let mut stmt = tx
                .prepare(
                    "SELECT n, at_ms, input FROM room_inputs WHERE room = ?1 AND n > ?2
                     ORDER BY n",
                )
                .map_err(err("read log"))?;
            let rows = stmt
                .query_map(params![room, after], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, i64>(1)?,
                        r.get::<_, String>(2)?,
                    ))
                })
                .map_err(err("read log"))?;
            for row in rows {
                let (n, at, text) = row.map_err(err("read log"))?;
                inputs.push(LoggedInput::from_row(room, n, at, &text)?);
            }
        }
        tx.commit().map_err(err("open room"))?;
        Ok(StoredRoom {
            config,
            saved,
            inputs,
        })
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
                "INSERT INTO room_inputs (room, n, at_ms, input)
                 SELECT ?1, ?2, ?3, ?4 WHERE NOT EXISTS
                    (SELECT 1 FROM room_snapshots WHERE room = ?1 AND n >= ?2)",
            )
            .map_err(err("append input"))?;
        let appended = stmt
            .execute(params![room, int(n), int(at), text])
            .map_err(err("append input"))?;
        if appended != 1 {
            return Err(StoreError::new(format!(
                "append input {n} of room {room}: the room was saved past it"
            )));
        }
        Ok(())
    }

    fn save_room(&self, room: &str, n: u64, saved: &SavedRoom) -> Result<(), StoreError> {
        let text = encode(saved)?;
        let mut conn = lock(&self.conn);
        let tx = conn.transaction().map_err(err("save room"))?;
        let kept = tx
            .execute(
                "INSERT INTO room_snapshots (room, n, saved_at, state) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (room) DO UPDATE SET
                    n = excluded.n, saved_at = excluded.saved_at, state = excluded.state
                 WHERE excluded.n > room_snapshots.n",
                params![room, int(n), int(crate::clock::now_ms()), text],
            )
            .map_err(err("save room"))?;
        if kept == 1 {
            tx.execute(
                "DELETE FROM room_inputs WHERE room = ?1 AND n <= ?2",
                params![room, int(n)],
            )
            .map_err(err("cut the log"))?;
        }
        tx.commit().map_err(err("save room"))
    }

    fn forget_room(&self, room: &str) -> Result<bool, StoreError> {
        let mut conn = lock(&self.conn);
        let tx = conn.transaction().map_err(err("forget room"))?;
        for table in ROOM_TABLES {
            tx.execute(
                &format!("DELETE FROM {table} WHERE room = ?1"),
                params![room],
            )
            .map_err(err("forget room"))?;
        }
        let kept = tx
            .execute("DELETE FROM rooms WHERE id = ?1", params![room])
            .map_err(err("forget room"))?;
        tx.commit().map_err(err("forget room"))?;
        Ok(kept == 1)
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

    fn keep_reports(&self, room: &str, url: &str, reports: &[Report]) -> Result<(), StoreError> {
        let texts = reports
            .iter()
            .map(|r| Ok((r.id.as_str(), encode(r)?)))
            .collect::<Result<Vec<_>, StoreError>>()?;
        let mut conn = lock(&self.conn);
        let tx = conn.transaction().map_err(err("keep reports"))?;
        {
            let mut stmt = tx
                .prepare_cached(
                    "INSERT INTO attendance_reports (id, room, url, report, kept_at)
                     VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (id) DO NOTHING",
                )
                .map_err(err("keep reports"))?;
            let now = int(crate::clock::now_ms());
            for (id, text) in texts {
                stmt.execute(params![id, room, url, text, now])
                    .map_err(err("keep reports"))?;
            }
        }
        tx.commit().map_err(err("keep reports"))
    }

    fn forget_reports(&self, ids: &[String]) -> Result<(), StoreError> {
        let mut conn = lock(&self.conn);
        let tx = conn.transaction().map_err(err("forget reports"))?;
        {
            let mut stmt = tx
                .prepare_cached("DELETE FROM attendance_reports WHERE id = ?1")
                .map_err(err("forget reports"))?;
            for id in ids {
                stmt.execute([id]).map_err(err("forget reports"))?;
            }
        }
        tx.commit().map_err(err("forget reports"))
    }

    fn kept_reports(&self) -> Result<Vec<KeptReport>, StoreError> {
        let conn = lock(&self.conn);
        let mut stmt = conn
            .prepare("SELECT room, url, report FROM attendance_reports ORDER BY seq")
            .map_err(err("read kept reports"))?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })
            .map_err(err("read kept reports"))?;
        let mut kept = Vec::new();
        for row in rows {
            let (room, url, text) = row.map_err(err("read kept reports"))?;
            let report = decode("attendance report", &text)?;
            kept.push(KeptReport { room, url, report });
        }
        Ok(kept)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use podium_protocol::{ClientMsg, StageMode};

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
    fn a_database_from_before_saved_rooms_is_migrated_and_keeps_its_log() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v1.db");
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(MIGRATIONS[0]).unwrap();
            conn.pragma_update(None, "user_version", 1).unwrap();
            conn.execute(
                "INSERT INTO rooms (id, config, created_at) VALUES ('r', ?1, 0)",
                [encode(&RoomConfig::default()).unwrap()],
            )
            .unwrap();
            conn.execute(
                "INSERT INTO room_inputs (room, n, at_ms, input) VALUES ('r', 1, 5, ?1)",
                [encode(&chat(1, "kept")).unwrap()],
            )
            .unwrap();
        }
        let store = SqliteStore::open(&path).unwrap();
        assert_eq!(store.schema_version().unwrap() as usize, MIGRATIONS.len());
        let room = store.open_room("r", &RoomConfig::default()).unwrap();
        assert_eq!(room.saved, None);
        assert_eq!(room.inputs.len(), 1);
        assert_eq!(room.inputs[0].input, chat(1, "kept"));
    }
}
