//! Running child processes: echo the command, never give it stdin, report failures in words.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;

use crate::Result;

/// `Command::new(program).args(args)`, with stdin closed so nothing can ever prompt.
pub fn cmd(program: &str, args: &[&str]) -> Command {
    let mut c = Command::new(program);
    c.args(args).stdin(Stdio::null());
    c
}

/// How a command is shown in the log: `$ program arg arg`.
pub fn describe(c: &Command) -> String {
    let mut s = c.get_program().to_string_lossy().into_owned();
    for a in c.get_args() {
        s.push(' ');
        s.push_str(&a.to_string_lossy());
    }
    if let Some(dir) = c.get_current_dir() {
        s.push_str(&format!("   (in {})", dir.display()));
    }
    s
}

/// Runs a command with the terminal as its output; an error unless it exits with success.
pub fn run(c: &mut Command) -> Result {
    println!("$ {}", describe(c));
    let status = c
        .status()
        .map_err(|e| format!("cannot start `{}`: {e}", describe(c)))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{}` failed ({status})", describe(c)))
    }
}

/// Runs a command, passing its output through to the terminal as it comes and also keeping it
/// (stdout and stderr interleaved by line) for parsing. Returns whether it succeeded.
pub fn run_tee(c: &mut Command) -> (bool, String) {
    println!("$ {}", describe(c));
    let mut child = match c.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn() {
        Ok(child) => child,
        Err(e) => {
            let msg = format!("cannot start `{}`: {e}\n", describe(c));
            eprint!("{msg}");
            return (false, msg);
        }
    };
    let log = Arc::new(Mutex::new(String::new()));
    let mut readers = Vec::new();
    if let Some(out) = child.stdout.take() {
        readers.push(tee(out, Arc::clone(&log), false));
    }
    if let Some(err) = child.stderr.take() {
        readers.push(tee(err, Arc::clone(&log), true));
    }
    for r in readers {
        let _ = r.join();
    }
    let ok = child.wait().map(|s| s.success()).unwrap_or(false);
    let text = log.lock().map(|s| s.clone()).unwrap_or_default();
    (ok, text)
}

fn tee(
    stream: impl Read + Send + 'static,
    log: Arc<Mutex<String>>,
    to_stderr: bool,
) -> thread::JoinHandle<()> {
    thread::spawn(move || {
        let mut reader = BufReader::new(stream);
        let mut buf = Vec::new();
        while matches!(reader.read_until(b'\n', &mut buf), Ok(n) if n > 0) {
            let line = String::from_utf8_lossy(&buf);
            if to_stderr {
                let _ = std::io::stderr().write_all(line.as_bytes());
            } else {
                let _ = std::io::stdout().write_all(line.as_bytes());
            }
            if let Ok(mut l) = log.lock() {
                l.push_str(&line);
            }
            buf.clear();
        }
    })
}

/// True when the command runs and exits with success; its output is discarded.
pub fn succeeds(c: &mut Command) -> bool {
    c.stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

/// The command's stdout when it runs and succeeds.
pub fn stdout_of(c: &mut Command) -> Option<String> {
    let out = c.stderr(Stdio::null()).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}
