//! The PostgreSQL store: the same tables as SQLite, on a database server that several Podium
//! nodes can share.
//!
//! Calls run on threads of their own, each with one connection (see [`workers`]).
//!
//! Durability: every write is its own transaction, committed before the call returns, so it
//! survives this process being killed. The sessions ask for `synchronous_commit = off`, the
//! guarantee SQLite's `synchronous = NORMAL` gives: the database server flushes its log to disk
//! a fraction of a second later, so a crash *of the database server* or a power loss may lose
//! the last commits, never half of one. Waiting for that flush on every input would cost a disk
//! sync each (milliseconds). A URL whose `options` set `synchronous_commit` keeps its own value.

mod schema;
mod workers;

use std::str::FromStr;

use ::postgres::{Config, Transaction};
use podium_protocol::Millis;
use podium_room::{Input, RoomConfig, SavedRoom};

use self::schema::migrate;
use self::workers::{describe, err, Workers, CONNECT_TIMEOUT};
use super::{
    decode, encode, int, uint, KeptReport, LoggedInput, ResumeEntry, SavedAt, Store, StoreError,
    StoredRoom, ROOM_TABLES,
};
use crate::callbacks::Report;

pub struct PostgresStore {
    workers: Workers,
    /// Where it is, for logs: the URL without its password.
    location: String,
}

/// PostgreSQL integers are signed; every number stored here (times, log positions) fits.
impl PostgresStore {
    /// Connect to the database at `url` (`postgres://user:password@host:port/database`, or the
    /// `key=value` form), bring its schema up to date, and start the connection threads.
    pub fn open(url: &str) -> Result<PostgresStore, StoreError> {
        let mut config = Config::from_str(url)
            .map_err(|e| StoreError::new(format!("the PostgreSQL URL is not valid: {e}")))?;
        config.connect_timeout(CONNECT_TIMEOUT);
        config.application_name("podium-server");
        let location = describe(&config);
        let store = PostgresStore {
            workers: Workers::start(&config)?,
            location,
        };
        // Connecting (on a worker: the client must stay off any async runtime) fails early and
        // says where it tried.
        store
            .workers
            .call("migrate", |w| migrate(w.client()?))
            .map_err(|e| StoreError::new(format!("{}: {e}", store.location)))?;
        Ok(store)
    }

    pub fn location(&self) -> &str {
        &self.location
    }

    /// The schema version (`podium_schema.version`).
    pub fn schema_version(&self) -> Result<u32, StoreError> {
        self.workers.call("schema version", |w| {
            let row = w
                .client()?
                .query_one("SELECT version FROM podium_schema", &[])
                .map_err(err("schema version"))?;
            let version: i32 = row.try_get(0).map_err(err("schema version"))?;
            Ok(u32::try_from(version).unwrap_or(0))
        })
    }
}

/// The room as last saved, if it was.
fn read_saved(tx: &mut Transaction<'_>, room: &str) -> Result<Option<SavedAt>, StoreError> {
    let row = tx
        .query_opt(
            "SELECT n, state FROM room_snapshots WHERE room = $1",
            &[&room],
        )
        .map_err(err("read saved room"))?;
    row.map(|row| {
        let n: i64 = row.try_get(0).map_err(err("read saved room"))?;
        let text: &str = row.try_get(1).map_err(err("read saved room"))?;
        SavedAt::from_row(room, n, text)
    })
    .transpose()
}

impl Store for PostgresStore {
    fn ping(&self) -> Result<(), StoreError> {
        self.workers.call("ping", |w| {
            w.client()?.batch_execute("SELECT 1").map_err(err("ping"))
        })
    }

    fn open_room(&self, room: &str, config: &RoomConfig) -> Result<StoredRoom, StoreError> {
        let config_text = encode(config)?;
        let room = room.to_string();
        self.workers.call("open room", move |w| {
            let mut tx = w.client()?.transaction().map_err(err("open room"))?;
            tx.execute(
                "INSERT INTO rooms (id, config, created_at) VALUES ($1, $2, $3)
                 ON CONFLICT (id) DO NOTHING",
                &[&room, &config_text, &int(crate::clock::now_ms())],
            )
            .map_err(err("create room"))?;
            let stored: String = tx
                .query_one("SELECT config FROM rooms WHERE id = $1", &[&room])
                .and_then(|row| row.try_get(0))
                .map_err(err("read room"))?;
            let config = decode("room config", &stored)?;
            let saved = read_saved(&mut tx, &room)?;
            let after = int(saved.as_ref().map_or(0, |s| s.n));
            let rows = tx
                .query(
                    "SELECT n, at_ms, input FROM room_inputs WHERE room = $1 AND n > $2
                     ORDER BY n",
                    &[&room, &after],
                )
                .map_err(err("read log"))?;
            let mut inputs = Vec::with_capacity(rows.len());
            for row in rows {
                let read = |i| row.try_get::<_, i64>(i).map_err(err("read log"));
                let (n, at) = (read(0)?, read(1)?);
                let text: &str = row.try_get(2).map_err(err("read log"))?;
                inputs.push(LoggedInput::from_row(&room, n, at, text)?);
            }
            tx.commit().map_err(err("open room"))?;
            Ok(StoredRoom {
                config,
                saved,
                inputs,
            })
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
        let room = room.to_string();
        self.workers.call("append input", move |w| {
            let stmt = w.statement(
                "INSERT INTO room_inputs (room, n, at_ms, input)
                 SELECT $1, $2, $3, $4 WHERE NOT EXISTS
                    (SELECT 1 FROM room_snapshots WHERE room = $1 AND n >= $2)",
            )?;
            let appended = w
                .client()?
                .execute(&stmt, &[&room, &int(n), &int(at), &text])
                .map_err(err("append input"))?;
            if appended != 1 {
                return Err(StoreError::new(format!(
                    "append input {n} of room {room}: the room was saved past it"
                )));
            }
            Ok(())
        })
    }

    fn save_room(&self, room: &str, n: u64, saved: &SavedRoom) -> Result<(), StoreError> {
        let text = encode(saved)?;
        let room = room.to_string();
        self.workers.call("save room", move |w| {
            let mut tx = w.client()?.transaction().map_err(err("save room"))?;
            let kept = tx
                .execute(
                    "INSERT INTO room_snapshots (room, n, saved_at, state) VALUES ($1, $2, $3, $4)
                     ON CONFLICT (room) DO UPDATE SET
                        n = excluded.n, saved_at = excluded.saved_at, state = excluded.state
                     WHERE excluded.n > room_snapshots.n",
                    &[&room, &int(n), &int(crate::clock::now_ms()), &text],
                )
                .map_err(err("save room"))?;
            if kept == 1 {
                tx.execute(
                    "DELETE FROM room_inputs WHERE room = $1 AND n <= $2",
                    &[&room, &int(n)],
                )
                .map_err(err("cut the log"))?;
            }
            tx.commit().map_err(err("save room"))
        })
    }

    fn forget_room(&self, room: &str) -> Result<bool, StoreError> {
        let room = room.to_string();
        self.workers.call("forget room", move |w| {
            let mut tx = w.client()?.transaction().map_err(err("forget room"))?;
            for table in ROOM_TABLES {
                tx.execute(&format!("DELETE FROM {table} WHERE room = $1"), &[&room])
                    .map_err(err("forget room"))?;
            }
            let kept = tx
                .execute("DELETE FROM rooms WHERE id = $1", &[&room])
                .map_err(err("forget room"))?;
            tx.commit().map_err(err("forget room"))?;
            Ok(kept == 1)
        })
    }

    fn use_token_id(&self, iss: &str, jti: &str, expires: u64) -> Result<bool, StoreError> {
        let (iss, jti) = (iss.to_string(), jti.to_string());
        self.workers.call("spend token id", move |w| {
            let stmt = w.statement(
                "INSERT INTO used_tokens (iss, jti, expires) VALUES ($1, $2, $3)
                 ON CONFLICT (iss, jti) DO NOTHING",
            )?;
            let inserted = w
                .client()?
                .execute(&stmt, &[&iss, &jti, &int(expires)])
                .map_err(err("spend token id"))?;
            Ok(inserted == 1)
        })
    }

    fn prune_token_ids(&self, now: u64) -> Result<usize, StoreError> {
        self.workers.call("prune token ids", move |w| {
            let pruned = w
                .client()?
                .execute("DELETE FROM used_tokens WHERE expires < $1", &[&int(now)])
                .map_err(err("prune token ids"))?;
            Ok(usize::try_from(pruned).unwrap_or(usize::MAX))
        })
    }

    fn put_resume(&self, hash: &[u8; 32], entry: &ResumeEntry) -> Result<(), StoreError> {
        let entrant = encode(&entry.entrant)?;
        let (hash, room, expires_at) = (hash.to_vec(), entry.room.clone(), entry.expires_at);
        self.workers.call("keep resume credential", move |w| {
            let stmt = w.statement(
                "INSERT INTO resume_credentials (hash, room, entrant, expires_at)
                 VALUES ($1, $2, $3, $4)
                 ON CONFLICT (hash) DO UPDATE SET
                    room = excluded.room, entrant = excluded.entrant,
                    expires_at = excluded.expires_at",
            )?;
            w.client()?
                .execute(&stmt, &[&hash, &room, &entrant, &int(expires_at)])
                .map_err(err("keep resume credential"))?;
            Ok(())
        })
    }

    fn resume(&self, hash: &[u8; 32], now: Millis) -> Result<Option<ResumeEntry>, StoreError> {
        let hash = hash.to_vec();
        let row = self.workers.call("look up resume credential", move |w| {
            let stmt = w.statement(
                "SELECT room, entrant, expires_at FROM resume_credentials
                 WHERE hash = $1 AND expires_at > $2",
            )?;
            let row = w
                .client()?
                .query_opt(&stmt, &[&hash, &int(now)])
                .map_err(err("look up resume credential"))?;
            let Some(r) = row else {
                return Ok(None);
            };
            let read = |e| StoreError::new(format!("look up resume credential: {e}"));
            Ok(Some((
                r.try_get::<_, String>(0).map_err(read)?,
                r.try_get::<_, String>(1).map_err(read)?,
                r.try_get::<_, i64>(2).map_err(read)?,
            )))
        })?;
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
        self.workers.call("prune resume credentials", move |w| {
            let pruned = w
                .client()?
                .execute(
                    "DELETE FROM resume_credentials WHERE expires_at <= $1",
                    &[&int(now)],
                )
                .map_err(err("prune resume credentials"))?;
            Ok(usize::try_from(pruned).unwrap_or(usize::MAX))
        })
    }

    fn keep_reports(&self, room: &str, url: &str, reports: &[Report]) -> Result<(), StoreError> {
        let rows = reports
            .iter()
            .map(|r| Ok((r.id.clone(), encode(r)?)))
            .collect::<Result<Vec<_>, StoreError>>()?;
        let (room, url) = (room.to_string(), url.to_string());
        self.workers.call("keep reports", move |w| {
            let stmt = w.statement(
                "INSERT INTO attendance_reports (id, room, url, report, kept_at)
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING",
            )?;
            let mut tx = w.client()?.transaction().map_err(err("keep reports"))?;
            let now = int(crate::clock::now_ms());
            for (id, text) in &rows {
                tx.execute(&stmt, &[id, &room, &url, text, &now])
                    .map_err(err("keep reports"))?;
            }
            tx.commit().map_err(err("keep reports"))
        })
    }

    fn forget_reports(&self, ids: &[String]) -> Result<(), StoreError> {
        let ids = ids.to_vec();
        self.workers.call("forget reports", move |w| {
            w.client()?
                .execute("DELETE FROM attendance_reports WHERE id = ANY($1)", &[&ids])
                .map_err(err("forget reports"))?;
            Ok(())
        })
    }

    fn kept_reports(&self) -> Result<Vec<KeptReport>, StoreError> {
        let rows = self.workers.call("read kept reports", |w| {
            let rows = w
                .client()?
                .query(
                    "SELECT room, url, report FROM attendance_reports ORDER BY seq",
                    &[],
                )
                .map_err(err("read kept reports"))?;
            rows.iter()
                .map(|row| {
                    let get = |i| {
                        row.try_get::<_, String>(i)
                            .map_err(err("read kept reports"))
                    };
                    Ok((get(0)?, get(1)?, get(2)?))
                })
                .collect::<Result<Vec<_>, StoreError>>()
        })?;
        rows.into_iter()
            .map(|(room, url, text)| {
                let report = decode("attendance report", &text)?;
                Ok(KeptReport { room, url, report })
            })
            .collect()
    }
}
