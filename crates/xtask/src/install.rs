//! Installing what is missing, idempotently: every `ensure_*` checks first and prints
//! `[present]` when there is nothing to do, `[install]` when it installs. Nothing prompts,
//! nothing downloads a prebuilt binary from outside the package registries (crates.io, npm,
//! the Debian archive).

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use crate::run::{cmd, run, stdout_of, succeeds};
use crate::Result;

/// Trunk builds the client; pinned so every machine builds the same bundle.
pub const TRUNK_VERSION: &str = "0.21.14";
/// wasm-bindgen-cli must match the `wasm-bindgen` crate in Cargo.lock; this is the fallback.
pub const WASM_BINDGEN_FALLBACK_VERSION: &str = "0.2.130";
/// Where xtask keeps its own node tools (wasm-opt from the npm package `binaryen`).
pub const TOOLS_DIR: &str = "crates/xtask/tools";

/// Puts cargo's bin directory (where `cargo install` puts tools) at the front of PATH, so tools
/// installed during this run are found by this run and its children.
pub fn prepare_path() {
    let bin = cargo_bin_dir();
    let current = std::env::var_os("PATH").unwrap_or_default();
    if !std::env::split_paths(&current).any(|p| p == bin) {
        std::env::set_var("PATH", path_with_first(&bin));
    }
}

/// PATH with `dir` in front.
pub fn path_with_first(dir: &Path) -> OsString {
    let current = std::env::var_os("PATH").unwrap_or_default();
    let mut dirs = vec![dir.to_path_buf()];
    dirs.extend(std::env::split_paths(&current));
    std::env::join_paths(dirs).unwrap_or(current)
}

fn cargo_bin_dir() -> PathBuf {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .unwrap_or_else(|| PathBuf::from(".cargo"));
    home.join("bin")
}

/// The rustup target the client and the protocol crate are built for.
pub fn ensure_wasm_target() -> Result {
    let installed =
        stdout_of(&mut cmd("rustup", &["target", "list", "--installed"])).unwrap_or_default();
    if installed
        .lines()
        .any(|l| l.trim() == "wasm32-unknown-unknown")
    {
        println!("[present] rust target wasm32-unknown-unknown");
        return Ok(());
    }
    println!("[install] rust target wasm32-unknown-unknown");
    run(&mut cmd(
        "rustup",
        &["target", "add", "wasm32-unknown-unknown"],
    ))
}

static APT_UPDATED: AtomicBool = AtomicBool::new(false);

/// Debian packages: each checked with `dpkg -s`; only the missing ones are installed, after one
/// `apt-get update` per run. Suites that need services (postgresql, coturn) add theirs here.
pub fn ensure_apt(packages: &[&str]) -> Result {
    let missing: Vec<&str> = packages
        .iter()
        .copied()
        .filter(|p| !dpkg_installed(p))
        .collect();
    for p in packages.iter().filter(|p| !missing.contains(p)) {
        println!("[present] apt {p}");
    }
    if missing.is_empty() {
        return Ok(());
    }
    println!("[install] apt {}", missing.join(" "));
    let sudo = privilege_prefix(&missing)?;
    if !APT_UPDATED.swap(true, Ordering::SeqCst) {
        run(&mut apt(sudo, &["update"]))?;
    }
    let mut args = vec!["install", "-y", "--no-install-recommends"];
    args.extend(&missing);
    run(&mut apt(sudo, &args))
}

fn dpkg_installed(package: &str) -> bool {
    stdout_of(&mut cmd("dpkg", &["-s", package])).is_some_and(|s| {
        s.lines()
            .any(|l| l.trim() == "Status: install ok installed")
    })
}

/// `None` when we are root, `Some("sudo")` when a non-interactive sudo works, else an error
/// that says what to install by hand.
fn privilege_prefix(missing: &[&str]) -> Result<Option<&'static str>> {
    let uid = stdout_of(&mut cmd("id", &["-u"])).unwrap_or_default();
    if uid.trim() == "0" {
        return Ok(None);
    }
    if succeeds(&mut cmd("sudo", &["-n", "true"])) {
        return Ok(Some("sudo"));
    }
    Err(format!(
        "these Debian packages are missing and I am not root: sudo apt-get install {}",
        missing.join(" ")
    ))
}

fn apt(sudo: Option<&str>, args: &[&str]) -> std::process::Command {
    let mut c = match sudo {
        // sudo resets the environment, so the variable goes through `env`.
        Some(s) => cmd(
            s,
            &["-n", "env", "DEBIAN_FRONTEND=noninteractive", "apt-get"],
        ),
        None => cmd("apt-get", &[]),
    };
    c.args(args).env("DEBIAN_FRONTEND", "noninteractive");
    c
}

/// A tool from crates.io, installed into cargo's bin directory unless `bin --version` already
/// reports `version`.
pub fn ensure_cargo_tool(bin: &str, krate: &str, version: &str, locked: bool) -> Result {
    let reported = stdout_of(&mut cmd(bin, &["--version"])).unwrap_or_default();
    if reported.split_whitespace().any(|w| w == version) {
        println!("[present] {bin} {version}");
        return Ok(());
    }
    println!("[install] {krate} {version} (cargo install, a few minutes)");
    let mut args = vec!["install", krate, "--version", version];
    if locked {
        args.push("--locked");
    }
    run(&mut cmd("cargo", &args))
}

/// The `wasm-bindgen` version in Cargo.lock (the CLI must match it exactly).
pub fn wasm_bindgen_version(root: &Path) -> String {
    let lock = std::fs::read_to_string(root.join("Cargo.lock")).unwrap_or_default();
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "name = \"wasm-bindgen\"" {
            if let Some(v) = lines
                .next()
                .and_then(|l| l.trim().strip_prefix("version = "))
            {
                return v.trim_matches('"').to_string();
            }
        }
    }
    WASM_BINDGEN_FALLBACK_VERSION.to_string()
}

/// `wasm-bindgen` and `wasm-bindgen-test-runner`, matching Cargo.lock.
pub fn ensure_wasm_bindgen(root: &Path) -> Result {
    let version = wasm_bindgen_version(root);
    ensure_cargo_tool("wasm-bindgen", "wasm-bindgen-cli", &version, false)
}

/// Node and npm (the fresh machine has them; Debian's are the fallback).
pub fn ensure_node() -> Result {
    if succeeds(&mut cmd("npm", &["--version"])) && succeeds(&mut cmd("node", &["--version"])) {
        return Ok(());
    }
    ensure_apt(&["nodejs", "npm"])
}

/// The node packages of `dir` (a package.json, usually with a package-lock.json). Skipped when
/// `node_modules` is newer than both.
pub fn ensure_npm(dir: &Path) -> Result {
    let marker = dir.join("node_modules/.package-lock.json");
    let lock = dir.join("package-lock.json");
    let manifest = dir.join("package.json");
    let fresh = modified(&marker).is_some_and(|m| {
        [&lock, &manifest]
            .iter()
            .all(|f| modified(f).is_none_or(|t| t <= m))
    });
    if fresh {
        println!("[present] node packages in {}", dir.display());
        return Ok(());
    }
    ensure_node()?;
    println!("[install] node packages in {}", dir.display());
    let mut c = cmd("npm", &[if lock.exists() { "ci" } else { "install" }]);
    c.current_dir(dir)
        .env("npm_config_fund", "false")
        .env("npm_config_audit", "false")
        .env("npm_config_update_notifier", "false")
        // Browsers come from Debian, never from a download.
        .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
    run(&mut c)
}

fn modified(path: &Path) -> Option<std::time::SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// Everything Trunk needs to build the client offline. Returns the directory holding `wasm-opt`
/// (npm's binaryen; Debian's is broken), to put first on PATH when running Trunk.
pub fn ensure_trunk_tools(root: &Path) -> Result<PathBuf> {
    ensure_wasm_target()?;
    ensure_cargo_tool("trunk", "trunk", TRUNK_VERSION, true)?;
    ensure_wasm_bindgen(root)?;
    let tools = root.join(TOOLS_DIR);
    ensure_npm(&tools)?;
    Ok(tools.join("node_modules/.bin"))
}

/// Chromium and its WebDriver, from Debian.
pub fn ensure_chromium() -> Result {
    ensure_apt(&["chromium", "chromium-driver"])
}

/// coturn, the TURN server the end-to-end tests relay media through (started by the tests on
/// loopback, never as a system service).
pub fn ensure_coturn() -> Result {
    ensure_apt(&["coturn"])
}

/// Janus, from Debian: the bench measures its video room beside our SFU (started by the bench
/// with its own configuration, never as a system service).
pub fn ensure_janus() -> Result {
    ensure_apt(&["janus"])
}

/// PHP's command line and PHPUnit, from Debian.
pub fn ensure_php() -> Result {
    ensure_apt(&["php-cli", "phpunit"])
}

/// PostgreSQL, from Debian: the storage tests start their own server from its programs
/// (`/usr/lib/postgresql/*/bin`) on loopback, so the cluster the package sets up is not used.
pub fn ensure_postgresql() -> Result {
    ensure_apt(&["postgresql"])
}
