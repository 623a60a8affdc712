//! `cargo xtask test`: every check and suite, in order, carrying on after a failure so the
//! summary is complete. The last line printed is `N passed, N failed`.
//!
//! Suites that depend on later parts of the project run only when their files exist, and print
//! why when they are skipped:
//! - client wasm tests: a `wasm_bindgen_test` in `crates/client/{src,tests}`
//! - client bundle: `crates/client` and `Trunk.toml`
//! - PHP: `.php` files under `moodle-plugin/`; PHPUnit when `moodle-plugin/podium/phpunit.xml`
//!   (or `.dist`, or either in `moodle-plugin/podium/tests/`) exists, run from that directory
//! - end-to-end: `tests/e2e/package.json` and `tests/e2e/playwright.config.*`

use std::path::Path;

use crate::demo::build_client;
use crate::install::{
    ensure_chromium, ensure_coturn, ensure_npm, ensure_php, ensure_postgresql, ensure_wasm_bindgen,
    ensure_wasm_target,
};
use crate::parts::{files_with_ext, Parts, CLIENT_PACKAGE, SERVER_PACKAGE};
use crate::run::{cmd, run, run_tee, stdout_of};
use crate::summary::{parse_libtest, parse_phpunit, parse_playwright, Counts, Summary};

/// The browser downloads wasm + JS + CSS; gzip'd, they stay within this many bytes.
const BUNDLE_BUDGET_BYTES: u64 = 300 * 1000;
const BUNDLE: &str = "client bundle <= 300 KB gzip";
const WASM: &str = "wasm32-unknown-unknown";

/// Runs everything; returns whether all of it passed.
pub fn test(root: &Path) -> bool {
    let parts = Parts::new(root);
    let mut s = Summary::default();
    let wasm_target = ensure_wasm_target();

    fmt(&mut s);
    clippy(&parts, &wasm_target, &mut s);
    rust_tests(&parts, &mut s);
    protocol_for_wasm(&wasm_target, &mut s);
    client_wasm_tests(root, &parts, &mut s);
    client_bundle(root, &parts, &mut s);
    php(&parts, &mut s);
    e2e(&parts, &mut s);

    s.print();
    s.total().failed == 0
}

/// The client is a wasm app: checked and tested for wasm32 below, never built natively.
fn native_workspace(parts: &Parts) -> Vec<&'static str> {
    let mut args = vec!["--workspace"];
    if parts.client() {
        args.extend(["--exclude", CLIENT_PACKAGE]);
    }
    args
}

fn check(s: &mut Summary, name: &str, args: &[&str]) {
    let ok = run(&mut cmd("cargo", args)).is_ok();
    s.record(name, Counts::check(ok));
}

fn fmt(s: &mut Summary) {
    check(s, "cargo fmt --check", &["fmt", "--all", "--", "--check"]);
}

fn clippy(parts: &Parts, wasm_target: &crate::Result, s: &mut Summary) {
    let mut args = vec!["clippy"];
    args.extend(native_workspace(parts));
    args.extend(["--all-targets", "--", "-D", "warnings"]);
    check(s, "cargo clippy (native)", &args);

    if parts.client() {
        let name = "cargo clippy (client, wasm32)";
        match wasm_target {
            Ok(()) => check(
                s,
                name,
                &[
                    "clippy",
                    "--package",
                    CLIENT_PACKAGE,
                    "--target",
                    WASM,
                    "--all-targets",
                    "--",
                    "-D",
                    "warnings",
                ],
            ),
            Err(e) => fail(s, name, e),
        }
    } else {
        s.skip("cargo clippy (client, wasm32)", "no crates/client yet");
    }
}

fn rust_tests(parts: &Parts, s: &mut Summary) {
    // The storage tests run against PostgreSQL too, and fail without it.
    if let Err(e) = ensure_postgresql() {
        fail(s, "PostgreSQL for the storage tests", &e);
    }
    // --no-fail-fast: one failing test binary must not hide the counts of the others.
    let mut c = cmd("cargo", &["test", "--no-fail-fast"]);
    c.args(native_workspace(parts));
    let (ok, out) = run_tee(&mut c);
    s.record_suite(
        "cargo test",
        Counts::from_run(ok, parse_libtest(&out)),
        &out,
    );
}

fn protocol_for_wasm(wasm_target: &crate::Result, s: &mut Summary) {
    let name = "podium-protocol builds for wasm32";
    match wasm_target {
        Ok(()) => check(
            s,
            name,
            &["check", "--package", "podium-protocol", "--target", WASM],
        ),
        Err(e) => fail(s, name, e),
    }
}

fn client_wasm_tests(root: &Path, parts: &Parts, s: &mut Summary) {
    let name = "client wasm-bindgen tests (Chromium)";
    if !parts.client_wasm_tests() {
        return s.skip(name, "no wasm_bindgen_test in crates/client yet");
    }
    if let Err(e) = ensure_chromium().and_then(|()| ensure_wasm_bindgen(root)) {
        return fail(s, name, &e);
    }
    let chromedriver = stdout_of(&mut cmd("sh", &["-c", "command -v chromedriver"]))
        .map(|p| p.trim().to_string())
        .unwrap_or_else(|| "/usr/bin/chromedriver".to_string());
    let mut c = cmd(
        "cargo",
        &[
            "test",
            "--no-fail-fast",
            "--package",
            CLIENT_PACKAGE,
            "--target",
            WASM,
        ],
    );
    c.env(
        "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
        "wasm-bindgen-test-runner",
    )
    .env("CHROMEDRIVER", chromedriver);
    let (ok, out) = run_tee(&mut c);
    s.record_suite(name, Counts::from_run(ok, parse_libtest(&out)), &out);
}

fn client_bundle(root: &Path, parts: &Parts, s: &mut Summary) {
    if !parts.trunk_app() {
        s.skip("client release build (Trunk)", "no Trunk.toml yet");
        return s.skip(BUNDLE, "no Trunk.toml yet");
    }
    let dist = match build_client(root, parts) {
        Ok(dist) => {
            s.record("client release build (Trunk)", Counts::check(true));
            dist
        }
        Err(e) => {
            fail(s, "client release build (Trunk)", &e);
            return s.skip(BUNDLE, "no build");
        }
    };

    let mut total = 0;
    for ext in ["wasm", "js", "css"] {
        for file in files_with_ext(&dist, ext) {
            let size = gzip_size(&file);
            println!("  {:>9} bytes gzip  {}", size, file.display());
            total += size;
        }
    }
    let verdict = if total <= BUNDLE_BUDGET_BYTES {
        "within"
    } else {
        "OVER"
    };
    println!(
        "client bundle: {:.1} KB gzip (wasm + js + css), {verdict} the {} KB budget",
        total as f64 / 1000.0,
        BUNDLE_BUDGET_BYTES / 1000
    );
    s.record(
        BUNDLE,
        Counts::check(total > 0 && total <= BUNDLE_BUDGET_BYTES),
    );
}

/// Size of the file gzip'd at gzip's default level (what a server sends).
fn gzip_size(file: &Path) -> u64 {
    let out = cmd("gzip", &["-c"]).arg(file).output();
    out.map(|o| o.stdout.len() as u64).unwrap_or(0)
}

fn php(parts: &Parts, s: &mut Summary) {
    let files = parts.php_files();
    if files.is_empty() {
        s.skip("php -l (moodle-plugin)", "no PHP files yet");
        return s.skip("phpunit (moodle-plugin)", "no PHP files yet");
    }
    if let Err(e) = ensure_php() {
        fail(s, "php -l (moodle-plugin)", &e);
        return fail(s, "phpunit (moodle-plugin)", &e);
    }

    println!(
        "$ php -l <each of {} files under moodle-plugin/>",
        files.len()
    );
    let bad: Vec<_> = files.iter().filter(|f| !php_lint(f)).collect();
    for f in &bad {
        println!("  syntax error: {}", f.display());
    }
    s.record(
        &format!("php -l ({} files)", files.len()),
        Counts::check(bad.is_empty()),
    );

    let Some(dir) = parts.phpunit_dir() else {
        return s.skip(
            "phpunit (moodle-plugin)",
            "no phpunit.xml in moodle-plugin/podium",
        );
    };
    let mut c = cmd("phpunit", &["--colors=never"]);
    c.current_dir(dir);
    let (ok, out) = run_tee(&mut c);
    s.record(
        "phpunit (moodle-plugin)",
        Counts::from_run(ok, parse_phpunit(&out)),
    );
}

/// `php -l` on one file, printing only what goes wrong.
fn php_lint(file: &Path) -> bool {
    match cmd("php", &["-l"]).arg(file).output() {
        Ok(o) if o.status.success() => true,
        Ok(o) => {
            print!("{}", String::from_utf8_lossy(&o.stdout));
            eprint!("{}", String::from_utf8_lossy(&o.stderr));
            false
        }
        Err(e) => {
            println!("cannot run php: {e}");
            false
        }
    }
}

fn e2e(parts: &Parts, s: &mut Summary) {
    let name = "end-to-end (Playwright, Chromium)";
    let Some(dir) = parts.e2e_dir() else {
        return s.skip(name, "no tests/e2e/playwright.config.* yet");
    };
    if let Err(e) = ensure_chromium()
        .and_then(|()| ensure_coturn())
        .and_then(|()| ensure_npm(&dir))
    {
        return fail(s, name, &e);
    }
    // The server binary the tests start (the client was built by the bundle step above).
    if let Err(e) = run(&mut cmd("cargo", &["build", "--package", SERVER_PACKAGE])) {
        return fail(s, name, &e);
    }
    // The media spec runs last and alone: live video in four browsers needs both cores.
    for (part, name) in [
        ("rest", name),
        ("media", "end-to-end media (Playwright, Chromium)"),
    ] {
        let mut c = cmd("npx", &["playwright", "test", "--reporter=list"]);
        c.current_dir(&dir)
            .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
            .env("PODIUM_E2E_PART", part)
            .env(
                "PODIUM_SERVER_BIN",
                parts.target_dir().join("debug/podium-server"),
            )
            .env("PODIUM_STATIC_DIR", parts.dist());
        let (ok, out) = run_tee(&mut c);
        s.record_suite(name, Counts::from_run(ok, parse_playwright(&out)), &out);
    }
}

/// A suite that could not even start (its tools failed to install) counts as one failure.
fn fail(s: &mut Summary, name: &str, why: &str) {
    println!("{name}: {why}");
    s.record(name, Counts::check(false));
}
