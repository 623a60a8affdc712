//! The PostgreSQL schema and its migrations.

use ::postgres::Client;

use super::workers::err;
use crate::store::StoreError;

/// The schema, one migration a step; `podium_schema.version` counts the steps applied. Append
/// new steps; never edit one that has shipped. The same steps as SQLite's, in PostgreSQL types.
const MIGRATIONS: &[&str] = &[
    // 1: rooms, their input logs, spent token ids, resume credentials.
    "CREATE TABLE rooms (
        id TEXT PRIMARY KEY,
        config TEXT NOT NULL,
        created_at BIGINT NOT NULL
    );
    CREATE TABLE room_inputs (
        room TEXT NOT NULL REFERENCES rooms(id),
        n BIGINT NOT NULL,
        at_ms BIGINT NOT NULL,
        input TEXT NOT NULL,
        PRIMARY KEY (room, n)
    );
    CREATE TABLE used_tokens (
        iss TEXT NOT NULL,
        jti TEXT NOT NULL,
        expires BIGINT NOT NULL,
        PRIMARY KEY (iss, jti)
    );
    CREATE INDEX used_tokens_expires ON used_tokens (expires);
    CREATE TABLE resume_credentials (
        hash BYTEA PRIMARY KEY,
        room TEXT NOT NULL,
        entrant TEXT NOT NULL,
        expires_at BIGINT NOT NULL
    );
    CREATE INDEX resume_credentials_expires ON resume_credentials (expires_at);",
    // 2: each room saved whole after input `n`, standing for its log up to `n`.
    "CREATE TABLE room_snapshots (
        room TEXT PRIMARY KEY REFERENCES rooms(id),
        n BIGINT NOT NULL,
        saved_at BIGINT NOT NULL,
        state TEXT NOT NULL
    );",
    // 3: attendance reports not yet delivered, in the order they were made.
    "CREATE TABLE attendance_reports (
        seq BIGSERIAL PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        room TEXT NOT NULL,
        url TEXT NOT NULL,
        report TEXT NOT NULL,
        kept_at BIGINT NOT NULL
    );",
];

/// Serializes migrations between nodes starting at once (`pg_advisory_xact_lock`).
const MIGRATION_LOCK: i64 = 0x706f_6469_756d; // "podium"

/// Apply the migrations not applied yet, each in its own transaction with its version bump,
/// under an advisory lock so that nodes starting together take turns.
pub(super) fn migrate(client: &mut Client) -> Result<(), StoreError> {
    loop {
        let mut tx = client.transaction().map_err(err("migrate"))?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
            .map_err(err("migrate"))?;
        tx.batch_execute("CREATE TABLE IF NOT EXISTS podium_schema (version INTEGER NOT NULL)")
            .map_err(err("migrate"))?;
        let have: i32 = match tx
            .query_opt("SELECT version FROM podium_schema", &[])
            .map_err(err("migrate"))?
        {
            Some(row) => row.try_get(0).map_err(err("migrate"))?,
            None => 0,
        };
        let have = usize::try_from(have).unwrap_or(0);
        if have > MIGRATIONS.len() {
            return Err(StoreError::new(format!(
                "the database has schema version {have}, newer than this server knows ({}): \
                 run a newer Podium server",
                MIGRATIONS.len()
            )));
        }
        let Some(sql) = MIGRATIONS.get(have) else {
            return tx.commit().map_err(err("migrate"));
        };
        let version = i32::try_from(have + 1).unwrap_or(i32::MAX);
        tx.batch_execute(sql)
            .map_err(|e| StoreError::new(format!("migration {version}: {e}")))?;
        tx.execute("DELETE FROM podium_schema", &[])
            .map_err(err("migrate"))?;
        tx.execute(
            "INSERT INTO podium_schema (version) VALUES ($1)",
            &[&version],
        )
        .map_err(err("migrate"))?;
        tx.commit().map_err(err("migrate"))?;
        tracing::info!(version, "storage schema migrated");
    }
}
