//! `cargo xtask` — the project's two commands (and a third on the way).
//!
//! - `cargo xtask demo`  installs what is missing, builds the client and the server in release
//!   mode and starts a demo room on <http://127.0.0.1:8080/>.
//! - `cargo xtask test`  installs what is missing and runs every check and test suite, then prints
//!   `N passed, N failed` as the very last line.
//! - `cargo xtask bench` builds the server and the load generator in release mode and measures
//!   signalling load and SFU forwarding on loopback (`--quick` for a smoke run; see `bench`).
//! - `cargo xtask fuzz`  runs the decoder and room property tests with many more cases, bounded
//!   in time (see `fuzz`).
//!
//! Everything is std-only. Installation is idempotent: each `ensure_*` function in `install`
//! checks first and only installs what is absent, never prompting.

mod bench;
mod demo;
mod fuzz;
mod install;
mod parts;
mod run;
mod summary;
mod test;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The error type of every fallible step: a message for the person at the terminal.
pub type Result<T = ()> = std::result::Result<T, String>;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  demo [--listen ADDR]   build the client and server (release) and run a demo room
                         (default 127.0.0.1:8080; uses PODIUM_SECRET when set)
  test                   run every check and suite; the last line is `N passed, N failed`
  bench [--quick] [ARGS] run the benchmarks (docs/performance.md); ARGS go to podium-loadgen
  fuzz [--minutes M]     the decoder and room property tests with many more cases
                         (--cases N a round, --seed S, --rounds R)
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = repo_root();
    if let Err(e) = std::env::set_current_dir(&root) {
        eprintln!("xtask: cannot enter {}: {e}", root.display());
        return ExitCode::FAILURE;
    }
    install::prepare_path();

    let outcome = match args.first().map(String::as_str) {
        Some("demo") => demo::demo(&root, &args[1..]),
        Some("test") => {
            // Nothing may be printed after the summary's last line.
            return if test::test(&root) {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            };
        }
        Some("bench") => bench::bench(&root, &args[1..]),
        Some("fuzz") => fuzz::fuzz(&args[1..]),
        Some("-h" | "--help" | "help") => {
            print!("{USAGE}");
            Ok(())
        }
        _ => {
            eprint!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root: two levels above this crate's manifest.
fn repo_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest
        .ancestors()
        .nth(2)
        .unwrap_or(manifest)
        .to_path_buf()
}
