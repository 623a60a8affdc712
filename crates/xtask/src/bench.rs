//! `cargo xtask bench`: build the server and `podium-loadgen` in release mode and run the
//! benchmarks against the real binary on loopback. The figures are printed as Markdown tables
//! (the ones in docs/performance.md) and written to `target/bench/results.md`.
//!
//! `--quick` is a smoke run of a few seconds (50 viewers, 10 subscribers, 13 joins); any other
//! argument goes to `podium-loadgen` as it is (e.g. `--viewers 1000 --only signalling`, or
//! `--only sfu,janus`).
//!
//! The SFU's figures are measured again through Janus (the Debian package `janus`, installed
//! here when missing) for comparison; without it that part is skipped.
//!
//! Then `tests/e2e/bench/first-screen.mjs` times the Set devices window in Debian's Chromium
//! (`--only first-screen`; skipped without Chromium, node or a client build).

use std::io::Write;
use std::path::Path;
use std::process::Stdio;

use crate::install::{ensure_chromium, ensure_janus, ensure_node, ensure_npm};
use crate::parts::{Parts, SERVER_PACKAGE};
use crate::run::{cmd, describe, run};
use crate::Result;

const LOADGEN_PACKAGE: &str = "podium-loadgen";
/// The `--only` part measured in a browser here rather than by the load generator.
const FIRST_SCREEN: &str = "first-screen";

pub fn bench(root: &Path, args: &[String]) -> Result {
    let parts = Parts::new(root);
    let only = args
        .iter()
        .position(|a| a == "--only")
        .and_then(|i| args.get(i + 1));
    if only.is_none_or(|o| o.split(',').any(|part| part == "janus")) {
        if let Err(e) = ensure_janus() {
            println!("note: no Janus ({e}): its comparison is skipped");
        }
    }
    run(&mut cmd(
        "cargo",
        &[
            "build",
            "--release",
            "--package",
            SERVER_PACKAGE,
            "--package",
            LOADGEN_PACKAGE,
        ],
    ))?;
    let release = parts.target_dir().join("release");
    let server = release.join("podium-server");
    let out = parts.target_dir().join("bench/results.md");
    let mut c = cmd(&release.join("podium-loadgen").to_string_lossy(), &[]);
    c.arg("--server").arg(&server).arg("--out").arg(&out);
    let dist = parts.dist();
    if dist.is_dir() {
        c.arg("--dist").arg(&dist);
    } else {
        println!(
            "note: no client build in {}: no bundle sizes",
            dist.display()
        );
    }
    // The load generator knows nothing of `first-screen`: it gets `--only` without it, and does
    // not run when that was all.
    let first_screen = only.is_none_or(|o| o.split(',').any(|part| part == FIRST_SCREEN));
    let mut loadgen_runs = true;
    let mut after_only = false;
    for a in args {
        if after_only {
            let rest: Vec<&str> = a.split(',').filter(|p| *p != FIRST_SCREEN).collect();
            loadgen_runs = !rest.is_empty();
            c.arg(rest.join(","));
        } else {
            c.arg(a);
        }
        after_only = a == "--only";
    }
    if loadgen_runs {
        run(&mut c)?;
    }
    if first_screen {
        first_screen_bench(&parts, &server, &out, loadgen_runs)?;
    }
    Ok(())
}

/// Runs the browser bench and adds its table to `out` (after the load generator's, or alone).
fn first_screen_bench(parts: &Parts, server: &Path, out: &Path, append: bool) -> Result {
    let dist = parts.dist();
    let Some(e2e) = parts.e2e_dir().filter(|_| dist.is_dir()) else {
        println!("note: no client build or no tests/e2e: no Set devices timing");
        return Ok(());
    };
    if let Err(e) = ensure_chromium()
        .and_then(|()| ensure_node())
        .and_then(|()| ensure_npm(&e2e))
    {
        println!("note: no Chromium or node packages ({e}): no Set devices timing");
        return Ok(());
    }
    let script = e2e.join("bench/first-screen.mjs");
    let mut c = cmd("node", &[]);
    c.arg(&script).arg(server).arg(&dist).stdout(Stdio::piped());
    println!("$ {}", describe(&c));
    let output = c
        .output()
        .map_err(|e| format!("cannot start `{}`: {e}", describe(&c)))?;
    let table = String::from_utf8_lossy(&output.stdout);
    print!("{table}");
    if !output.status.success() {
        return Err(format!("`{}` failed ({})", describe(&c), output.status));
    }
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .write(true)
        .append(append)
        .truncate(!append)
        .open(out)
        .map_err(|e| format!("{}: {e}", out.display()))?;
    file.write_all(table.as_bytes())
        .map_err(|e| format!("write {}: {e}", out.display()))?;
    println!("(added to {})", out.display());
    Ok(())
}
