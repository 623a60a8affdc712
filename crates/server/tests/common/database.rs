//! Where a server started by a test keeps its state, so that a server started again on the same
//! database (after a kill, say) finds what the first one kept, and the test can look too.

use std::sync::Arc;

use podium_protocol::StageMode;
use podium_server::store::{PostgresStore, SqliteStore, Store};

use super::postgres::Postgres;
use super::Server;

pub enum Database {
    /// `podium.db` in this directory (given as a directory, so the default name is used).
    Sqlite(tempfile::TempDir),
    /// The `postgres` database of a server of the test's own.
    Postgres(Postgres),
}

impl Database {
    pub fn sqlite() -> Database {
        Database::Sqlite(tempfile::tempdir().unwrap())
    }

    pub fn postgres() -> Database {
        Database::Postgres(Postgres::start())
    }

    /// `serve` on this database, with `args` besides; the room starts in `mode`.
    pub fn start(&self, mode: StageMode, args: &[&str]) -> Server {
        let url;
        let place = match self {
            Database::Sqlite(dir) => ["--data", dir.path().to_str().unwrap()],
            Database::Postgres(pg) => {
                url = pg.url("postgres");
                ["--database", url.as_str()]
            }
        };
        let args: Vec<&str> = args.iter().copied().chain(place).collect();
        Server::start_with(mode, "serve", &args)
    }

    /// The store, opened beside the server (both backends take a second opener).
    pub fn store(&self) -> Arc<dyn Store> {
        match self {
            Database::Sqlite(dir) => Arc::new(SqliteStore::open(dir.path()).unwrap()),
            Database::Postgres(pg) => Arc::new(PostgresStore::open(&pg.url("postgres")).unwrap()),
        }
    }

    /// The one number `sql` answers (a count, a maximum), for what the store does not tell:
    /// how its rows lie.
    pub fn number(&self, sql: &'static str) -> Option<i64> {
        match self {
            Database::Sqlite(dir) => {
                let db = rusqlite::Connection::open(dir.path().join("podium.db")).unwrap();
                db.query_row(sql, [], |r| r.get(0)).unwrap()
            }
            Database::Postgres(pg) => {
                pg.with_client("postgres", move |c| c.query_one(sql, &[]).unwrap().get(0))
            }
        }
    }
}
