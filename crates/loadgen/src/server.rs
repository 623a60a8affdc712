//! The server under test: the release binary with a fresh database in a temporary directory,
//! and what `/proc` says about it.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use podium_protocol::{Claims, Role, StageMode, TOKEN_AUDIENCE};

/// The HS256 secret the server is started with; tokens are signed with it in-process.
pub const SECRET: &str = "podium-bench-secret";
pub const ROOM: &str = "bench:lecture";

/// A running `podium-server serve`, killed when dropped.
pub struct Server {
    child: Child,
    pub addr: SocketAddr,
    /// Warnings the server logged that a connection's outbound queue overflowed.
    pub dropped: Arc<AtomicU64>,
    _data: tempfile::TempDir,
}

impl Server {
    pub fn start(binary: &Path) -> Result<Server, String> {
        let data = tempfile::tempdir().map_err(|e| format!("temp dir: {e}"))?;
        let db = data.path().join("podium.db");
        let mut child = Command::new(binary)
            .arg("serve")
            .args(["--listen", "127.0.0.1:0", "--secret", SECRET])
            .args(["--media-udp", "127.0.0.1:0"])
            .arg("--data")
            .arg(&db)
            .env("RUST_LOG", "warn")
            .env_remove("PODIUM_STATIC_DIR")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let first = lines
            .next()
            .and_then(Result::ok)
            .ok_or("the server printed nothing")?;
        let addr = first
            .strip_prefix("listening on ")
            .and_then(|a| a.parse().ok())
            .ok_or_else(|| format!("unexpected first line: {first}"))?;
        // Keep reading so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        let dropped = Arc::new(AtomicU64::new(0));
        if let Some(stderr) = child.stderr.take() {
            let d = dropped.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                    if line.contains("outbound queue full") {
                        d.fetch_add(1, Ordering::Relaxed);
                    }
                }
            });
        }
        Ok(Server {
            child,
            addr,
            dropped,
            _data: data,
        })
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn ws_url(&self) -> String {
        format!("ws://{}/ws", self.addr)
    }

    /// CPU seconds (user + system) the server has used so far.
    pub fn cpu(&self) -> f64 {
        cpu_secs(&format!("/proc/{}/stat", self.pid()))
    }

    /// Resident memory, in KiB.
    pub fn rss_kib(&self) -> u64 {
        rss_kib(&format!("/proc/{}/status", self.pid()))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// CPU seconds of process `pid`'s threads whose name starts with `name`.
pub fn thread_cpu(pid: u32, name: &str) -> f64 {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return 0.0;
    };
    tasks
        .flatten()
        .filter(|t| {
            std::fs::read_to_string(t.path().join("comm")).is_ok_and(|c| c.trim().starts_with(name))
        })
        .map(|t| cpu_secs(&t.path().join("stat").to_string_lossy()))
        .sum()
}

/// utime + stime of a `/proc/…/stat` file, in seconds.
pub fn cpu_secs(stat_path: &str) -> f64 {
    let Ok(stat) = std::fs::read_to_string(stat_path) else {
        return 0.0;
    };
    // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
    let Some(after) = stat.rfind(')').map(|i| &stat[i + 1..]) else {
        return 0.0;
    };
    let fields: Vec<&str> = after.split_whitespace().collect();
    // Fields 14 and 15 of the file are the 12th and 13th after the name.
    let ticks: u64 = [11, 12]
        .iter()
        .filter_map(|&i| fields.get(i).and_then(|f| f.parse::<u64>().ok()))
        .sum();
    ticks as f64 / clock_ticks()
}

fn clock_ticks() -> f64 {
    // SAFETY: sysconf reads a constant of the running system; no memory is touched.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    if hz > 0 {
        hz as f64
    } else {
        100.0
    }
}

/// VmRSS of a `/proc/…/status` file, in KiB.
pub fn rss_kib(status_path: &str) -> u64 {
    std::fs::read_to_string(status_path)
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.split_whitespace().next())
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// CPU seconds this process has used.
pub fn own_cpu() -> f64 {
    cpu_secs("/proc/self/stat")
}

/// Let this process (and the server it starts) hold as many sockets as the system allows.
pub fn raise_fd_limit() -> u64 {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit/setrlimit only read and write the struct passed in.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) != 0 {
            return 0;
        }
        lim.rlim_cur = lim.rlim_max;
        if libc::setrlimit(libc::RLIMIT_NOFILE, &lim) != 0 {
            return 0;
        }
    }
    lim.rlim_cur
}

/// A signed join token for a new person in the bench room; `n` makes the identity and the
/// token id unique.
pub fn token(role: Role, name: &str, n: u64, mode: StageMode) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let claims = Claims {
        iss: "bench".into(),
        aud: TOKEN_AUDIENCE.into(),
        sub: format!("user-{n}"),
        name: name.into(),
        role,
        room: ROOM.into(),
        iat: now,
        exp: now + 600,
        jti: format!("jti-{}-{n}", std::process::id()),
        nbf: None,
        picture: None,
        locale: None,
        room_title: Some("Bench lecture".into()),
        stage_mode: Some(mode),
        features: None,
        callback: None,
    };
    jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(SECRET.as_bytes()),
    )
    .unwrap_or_default()
}
