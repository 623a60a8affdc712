//! The connection threads. The `postgres` client is synchronous and runs its own small
//! runtime, which must not run on the server's async threads; so a few threads each own one
//! connection and take jobs from a queue. A call sends its job and waits for the answer, as a
//! SQLite call waits for its file. A connection that broke is opened again for the next job.

use std::collections::HashMap;
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ::postgres::config::Host;
use ::postgres::{Client, Config, NoTls, Statement};

use crate::auth::lock;
use crate::store::StoreError;

/// Connections, each on its own thread.
const WORKERS: usize = 4;

/// How long a call waits for its answer before it fails (the database is gone or stuck).
const CALL_TIMEOUT: Duration = Duration::from_secs(10);

/// How long opening a connection may take.
pub(super) const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// The longest a single statement may run on the database server.
const STATEMENT_TIMEOUT: &str = "SET statement_timeout = '5s'";

/// Commit without waiting for the disk flush (see the durability notes in `postgresql`).
const ASYNC_COMMIT: &str = "SET synchronous_commit = off";

type Job = Box<dyn FnOnce(&mut Worker) + Send>;

/// The queue the connection threads take their jobs from.
pub(super) struct Workers {
    jobs: Sender<Job>,
}

/// One connection and the statements prepared on it.
pub(super) struct Worker {
    config: Config,
    client: Option<Client>,
    statements: HashMap<&'static str, Statement>,
}

pub(super) fn err(what: &str) -> impl Fn(::postgres::Error) -> StoreError + '_ {
    move |e| StoreError::new(format!("{what}: {e}"))
}

impl Worker {
    fn connect(config: &Config) -> Result<Client, StoreError> {
        let mut client = config
            .connect(NoTls)
            .map_err(|e| StoreError::new(format!("connect to PostgreSQL: {e}")))?;
        client
            .batch_execute(STATEMENT_TIMEOUT)
            .map_err(err("statement_timeout"))?;
        let chosen = config
            .get_options()
            .is_some_and(|o| o.contains("synchronous_commit"));
        if !chosen {
            client
                .batch_execute(ASYNC_COMMIT)
                .map_err(err("synchronous_commit"))?;
        }
        Ok(client)
    }

    /// The open connection, opening it again if it broke.
    pub(super) fn client(&mut self) -> Result<&mut Client, StoreError> {
        if self.client.as_ref().is_none_or(Client::is_closed) {
            self.statements.clear();
            self.client = Some(Worker::connect(&self.config)?);
        }
        self.client
            .as_mut()
            .ok_or_else(|| StoreError::new("no PostgreSQL connection"))
    }

    /// `sql` prepared once per connection.
    pub(super) fn statement(&mut self, sql: &'static str) -> Result<Statement, StoreError> {
        if let Some(s) = self.statements.get(sql) {
            return Ok(s.clone());
        }
        let statement = self.client()?.prepare(sql).map_err(err("prepare"))?;
        self.statements.insert(sql, statement.clone());
        Ok(statement)
    }

    fn run(rx: Arc<Mutex<Receiver<Job>>>, mut worker: Worker) {
        loop {
            // The lock is held only while waiting, so idle workers queue up for the next job.
            let job = lock(&rx).recv();
            match job {
                Ok(job) => job(&mut worker),
                Err(_) => return, // the store was dropped
            }
        }
    }
}

impl Workers {
    /// Start the connection threads; each connects when it is first given a job.
    pub(super) fn start(config: &Config) -> Result<Workers, StoreError> {
        let (tx, rx) = mpsc::channel::<Job>();
        let rx = Arc::new(Mutex::new(rx));
        for i in 0..WORKERS {
            let worker = Worker {
                config: config.clone(),
                client: None,
                statements: HashMap::new(),
            };
            let rx = rx.clone();
            std::thread::Builder::new()
                .name(format!("postgres-{i}"))
                .spawn(move || Worker::run(rx, worker))
                .map_err(|e| StoreError::new(format!("start a PostgreSQL thread: {e}")))?;
        }
        Ok(Workers { jobs: tx })
    }

    /// Run `job` on a connection thread and wait for its answer.
    pub(super) fn call<T: Send + 'static>(
        &self,
        what: &'static str,
        job: impl FnOnce(&mut Worker) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let (answer, answered) = mpsc::sync_channel(1);
        let job: Job = Box::new(move |worker| {
            let _ = answer.send(job(worker));
        });
        self.jobs
            .send(job)
            .map_err(|_| StoreError::new(format!("{what}: the PostgreSQL threads are gone")))?;
        answered.recv_timeout(CALL_TIMEOUT).map_err(|_| {
            StoreError::new(format!(
                "{what}: no answer from PostgreSQL within {} s",
                CALL_TIMEOUT.as_secs()
            ))
        })?
    }
}

/// `postgres://user@host:port/db` from a parsed URL: everything but the password.
pub(super) fn describe(config: &Config) -> String {
    let host = match config.get_hosts().first() {
        Some(Host::Tcp(h)) => h.clone(),
        Some(Host::Unix(p)) => p.display().to_string(),
        None => "localhost".to_string(),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    format!(
        "postgres://{}@{host}:{port}/{}",
        config.get_user().unwrap_or(""),
        config.get_dbname().unwrap_or("")
    )
}
