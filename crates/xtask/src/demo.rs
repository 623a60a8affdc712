//! `cargo xtask demo`: build the client (Trunk, release) and the server (release), then run
//! `podium-server demo`.

use std::path::{Path, PathBuf};

use crate::install::{ensure_trunk_tools, path_with_first};
use crate::parts::{Parts, SERVER_PACKAGE};
use crate::run::{cmd, run};
use crate::Result;

const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

pub fn demo(root: &Path, args: &[String]) -> Result {
    let listen = match args {
        [] => DEFAULT_LISTEN.to_string(),
        [flag, addr] if flag == "--listen" => addr.clone(),
        _ => return Err("usage: cargo xtask demo [--listen ADDR]".to_string()),
    };
    let parts = Parts::new(root);

    let static_dir = if parts.trunk_app() {
        Some(build_client(root, &parts)?)
    } else {
        println!("note: the client is not built (no crates/client or Trunk.toml yet)");
        None
    };

    run(&mut cmd(
        "cargo",
        &["build", "--release", "--package", SERVER_PACKAGE],
    ))?;
    let server = parts.target_dir().join("release/podium-server");

    let mut c = cmd(&server.to_string_lossy(), &["demo", "--listen", &listen]);
    if let Some(dir) = &static_dir {
        c.arg("--static-dir").arg(dir);
    }
    // The server may read a line from the terminal one day; give it the real stdin.
    c.stdin(std::process::Stdio::inherit());
    println!();
    println!("Podium demo: open http://{listen}/ in a browser (Ctrl-C stops it).");
    if std::env::var_os("PODIUM_SECRET").is_some() {
        println!("Using PODIUM_SECRET from the environment.");
    }
    println!();
    run(&mut c)
}

/// Installs Trunk's tools and builds the client in release mode; returns the output directory.
pub fn build_client(root: &Path, parts: &Parts) -> Result<PathBuf> {
    let wasm_opt_dir = ensure_trunk_tools(root)?;
    let mut c = cmd("trunk", &["build", "--release"]);
    c.current_dir(root)
        .env("TRUNK_OFFLINE", "true")
        .env("PATH", path_with_first(&wasm_opt_dir));
    run(&mut c)?;
    let dist = parts.dist();
    gzip_beside(&dist)?;
    Ok(dist)
}

/// Writes `file.gz` beside every wasm, JS and CSS file of the build, at gzip's strongest
/// level, for the server to send to browsers that take gzip (it would compress them on every
/// request otherwise, at a lower level).
fn gzip_beside(dist: &Path) -> Result<()> {
    let files: Vec<PathBuf> = std::fs::read_dir(dist)
        .map_err(|e| format!("{}: {e}", dist.display()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.extension()
                .is_some_and(|x| x == "wasm" || x == "js" || x == "css")
        })
        .collect();
    if files.is_empty() {
        return Ok(());
    }
    run(cmd("gzip", &["-9", "-k", "-f", "-n"]).args(&files))
}
