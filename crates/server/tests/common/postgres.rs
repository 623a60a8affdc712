//! A throwaway PostgreSQL server for the storage tests: Debian's `postgresql`, initialised in a
//! temporary directory and listening on a free loopback port, stopped and deleted when dropped.
//! PostgreSQL refuses to run as root, so as root it runs as the `postgres` system user (which
//! then owns the directory). If it cannot be started the test fails and says why: a storage
//! test never passes by skipping its backend.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The superuser `initdb` makes; it logs in without a password from loopback.
pub const USER: &str = "podium";

pub struct Postgres {
    child: Child,
    pub port: u16,
    bin: PathBuf,
    dir: tempfile::TempDir,
}

/// Where Debian puts the server programs (`/usr/lib/postgresql/VERSION/bin`), newest first.
fn bin_dir() -> PathBuf {
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let version = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .collect();
    found.sort();
    match found.pop() {
        Some((_, bin)) => bin,
        None => panic!(
            "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): \
             `cargo xtask test` installs Debian's `postgresql`, or run \
             `apt-get install postgresql`"
        ),
    }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free loopback port")
        .port()
}

fn describe(output: &Output) -> String {
    format!(
        "{}\n{}{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

impl Postgres {
    /// Initialise a cluster and start its server; panics with the reason if it cannot.
    /// fsync is off: these tests kill Podium, not the database server or the machine.
    pub fn start() -> Postgres {
        Postgres::start_with_fsync(false)
    }

    /// A server that flushes every commit to disk, as a production one does (for measuring).
    pub fn start_durable() -> Postgres {
        Postgres::start_with_fsync(true)
    }

    fn start_with_fsync(fsync: bool) -> Postgres {
        let bin = bin_dir();
        let dir = tempfile::Builder::new()
            .prefix("podium-pg-")
            .tempdir()
            .expect("a temporary directory");
        let root = is_root();
        if root {
            let chown = Command::new("chown")
                .args(["postgres:postgres"])
                .arg(dir.path())
                .output()
                .expect("run chown");
            assert!(
                chown.status.success(),
                "PostgreSQL runs as the `postgres` user when tests run as root, but its \
                 directory could not be given to it: {}",
                describe(&chown)
            );
        }
        let data = dir.path().join("data");
        let initdb = run_as(root, &bin.join("initdb"))
            .arg("-D")
            .arg(&data)
            .args(["-U", USER, "-A", "trust", "-E", "UTF8", "--no-sync"])
            .output()
            .expect("run initdb");
        assert!(
            initdb.status.success(),
            "initdb failed: {}",
            describe(&initdb)
        );

        let port = free_port();
        let log = dir.path().join("server.log");
        let log_file = std::fs::File::create(&log).expect("create the server log");
        if root {
            let _ = Command::new("chown")
                .arg("postgres:postgres")
                .arg(&log)
                .status();
        }
        let fsync = format!("fsync={}", if fsync { "on" } else { "off" });
        let child = run_as(root, &bin.join("postgres"))
            .arg("-D")
            .arg(&data)
            .args(["-p", &port.to_string(), "-k"])
            .arg(dir.path())
            .args(["-c", "listen_addresses=127.0.0.1", "-c", &fsync])
            .stdin(Stdio::null())
            .stdout(log_file.try_clone().expect("log file"))
            .stderr(log_file)
            .spawn()
            .expect("start postgres");
        let mut pg = Postgres {
            child,
            port,
            bin,
            dir,
        };
        pg.wait_ready(&log);
        pg
    }

    fn wait_ready(&mut self, log: &Path) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "PostgreSQL exited at start ({status}):\n{}",
                    std::fs::read_to_string(log).unwrap_or_default()
                );
            }
            let ready = Command::new(self.bin.join("pg_isready"))
                .args(["-q", "-h", "127.0.0.1", "-p", &self.port.to_string()])
                .status()
                .is_ok_and(|s| s.success());
            if ready {
                return;
            }
            if Instant::now() > deadline {
                panic!(
                    "PostgreSQL did not accept connections within 30 s:\n{}",
                    std::fs::read_to_string(log).unwrap_or_default()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The URL of database `db` (`postgres` always exists).
    pub fn url(&self, db: &str) -> String {
        format!("postgres://{USER}@127.0.0.1:{}/{db}", self.port)
    }

    /// Run `f` with a client of database `db`, on a thread of its own: the synchronous client
    /// must not run inside an async test's runtime.
    pub fn with_client<T: Send + 'static>(
        &self,
        db: &str,
        f: impl FnOnce(&mut postgres::Client) -> T + Send + 'static,
    ) -> T {
        let url = self.url(db);
        std::thread::spawn(move || {
            let mut client = postgres::Client::connect(&url, postgres::NoTls)
                .unwrap_or_else(|e| panic!("connect to {url}: {e}"));
            f(&mut client)
        })
        .join()
        .expect("the client thread")
    }

    /// A new empty database; returns its URL.
    pub fn create_database(&self, name: &str) -> String {
        let sql = format!("CREATE DATABASE \"{name}\"");
        self.with_client("postgres", move |c| c.batch_execute(&sql))
            .unwrap_or_else(|e| panic!("create database {name}: {e}"));
        self.url(name)
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
}

/// `program`, as the `postgres` user when we are root.
fn run_as(root: bool, program: &Path) -> Command {
    if root {
        // setpriv execs the program itself, so the child's id is the server's own.
        let mut c = Command::new("setpriv");
        c.args([
            "--reuid=postgres",
            "--regid=postgres",
            "--init-groups",
            "--reset-env",
        ])
        .arg(program);
        c
    } else {
        Command::new(program)
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        // A fast shutdown (SIGINT) lets the server's own processes end; then the directory goes.
        let _ = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
