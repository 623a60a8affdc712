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

use std::path::Path;

use crate::install::ensure_janus;
use crate::parts::{Parts, SERVER_PACKAGE};
use crate::run::{cmd, run};
use crate::Result;

const LOADGEN_PACKAGE: &str = "podium-loadgen";

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
    c.args(args);
    run(&mut c)
}
