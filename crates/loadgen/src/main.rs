//! `podium-loadgen`: the benchmarks behind `cargo xtask bench`, run against the real server
//! binary on loopback, each run with a fresh database. Prints the figures as Markdown tables
//! (ready for docs/performance.md) and writes them to `--out`. The SFU's forwarding is measured
//! again through Janus (its video room), when the Debian package `janus` is installed.
//!
//! ```text
//! podium-loadgen --server target/release/podium-server [--quick]
//!     [--viewers 1000,5000,10000] [--subscribers 10,100,500] [--load-secs 30]
//!     [--media-steps 25,50,100,200,300]
//!     [--only signalling|sfu|janus|join|soak|lecture[,…]] [--soak-secs 360] [--soak-connections 2000]
//!     [--dist dist] [--out target/bench/results.md]
//! ```

mod forwarding;
mod janus;
mod join;
mod lecture;
mod report;
mod server;
mod sfu;
mod signalling;
mod soak;
mod ws;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

const USAGE: &str = "usage: podium-loadgen --server PATH [--quick] [--viewers N,N,..] \
[--subscribers N,N,..] [--load-secs S] [--media-steps N,N,..] \
[--only signalling|sfu|janus|join|soak|lecture[,..]] [--soak-secs S] \
[--soak-connections N] [--dist DIR] [--out FILE]";

struct Args {
    server: PathBuf,
    viewers: Vec<usize>,
    subscribers: Vec<usize>,
    load: Duration,
    measure: Duration,
    signalling: bool,
    sfu: bool,
    janus: bool,
    join: bool,
    soak: bool,
    lecture: bool,
    /// Media viewers in the lecture part's room at each step.
    media_steps: Vec<usize>,
    soak_for: Duration,
    soak_connections: usize,
    dist: Option<PathBuf>,
    out: Option<PathBuf>,
    quick: bool,
}

fn parse_list(s: &str) -> Result<Vec<usize>, String> {
    s.split(',')
        .map(|n| n.trim().parse().map_err(|_| format!("not a number: {n}")))
        .collect()
}

fn parse_args() -> Result<Args, String> {
    let raw: Vec<String> = std::env::args().skip(1).collect();
    let quick = raw.iter().any(|a| a == "--quick");
    let mut args = Args {
        server: PathBuf::new(),
        viewers: if quick {
            vec![50]
        } else {
            vec![1000, 5000, 10_000]
        },
        subscribers: if quick { vec![10] } else { vec![10, 100, 500] },
        load: Duration::from_secs(if quick { 5 } else { 30 }),
        measure: Duration::from_secs(if quick { 3 } else { 15 }),
        signalling: true,
        sfu: true,
        janus: true,
        join: true,
        soak: true,
        lecture: true,
        media_steps: if quick {
            vec![5]
        } else {
            vec![25, 50, 100, 200, 300]
        },
        soak_for: Duration::from_secs(if quick { 20 } else { 360 }),
        soak_connections: if quick { 200 } else { 2000 },
        dist: None,
        out: None,
        quick,
    };
    let mut it = raw.iter();
    while let Some(flag) = it.next() {
        let mut value = || it.next().cloned().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--quick" => {}
            "--server" => args.server = PathBuf::from(value()?),
            "--viewers" => args.viewers = parse_list(&value()?)?,
            "--subscribers" => args.subscribers = parse_list(&value()?)?,
            "--media-steps" => args.media_steps = parse_list(&value()?)?,
            "--load-secs" => {
                let secs = value()?.parse().map_err(|_| "--load-secs: a number")?;
                args.load = Duration::from_secs(secs);
            }
            "--only" => {
                // One part, or several separated by commas (`--only sfu,janus`).
                let only = value()?;
                let parts: Vec<&str> = only.split(',').collect();
                args.signalling = parts.contains(&"signalling");
                args.sfu = parts.contains(&"sfu");
                args.janus = parts.contains(&"janus");
                args.join = parts.contains(&"join");
                args.soak = parts.contains(&"soak");
                args.lecture = parts.contains(&"lecture");
                let known = ["signalling", "sfu", "janus", "join", "soak", "lecture"];
                if let Some(unknown) = parts.iter().find(|p| !known.contains(p)) {
                    return Err(format!(
                        "--only: signalling, sfu, janus, join, soak or lecture, not {unknown}"
                    ));
                }
            }
            "--soak-secs" => {
                let secs = value()?.parse().map_err(|_| "--soak-secs: a number")?;
                args.soak_for = Duration::from_secs(secs);
            }
            "--soak-connections" => {
                args.soak_connections = value()?
                    .parse()
                    .map_err(|_| "--soak-connections: a number")?;
            }
            "--dist" => args.dist = Some(PathBuf::from(value()?)),
            "--out" => args.out = Some(PathBuf::from(value()?)),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if args.server.as_os_str().is_empty() {
        return Err("--server is required".into());
    }
    Ok(args)
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("podium-loadgen: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("podium-loadgen: no runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(bench(&args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("podium-loadgen: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn bench(args: &Args) -> Result<(), String> {
    let fds = server::raise_fd_limit();
    let mut report = report::Report::new(args.quick);
    println!("{}", report.machine_line());
    let most = args.viewers.iter().max().copied().unwrap_or(0) as u64;
    if args.signalling && fds < most + 100 {
        println!("note: the open-file limit is {fds}; connections beyond it will fail");
    }
    if args.signalling {
        for &viewers in &args.viewers {
            println!("signalling: {viewers} viewers");
            let plan = signalling::Plan {
                viewers,
                load: args.load,
                chats_per_sec: 20,
                join_cap: Duration::from_secs(if args.quick { 30 } else { 240 }),
            };
            match signalling::run(&args.server, &plan).await {
                Ok(outcome) => report.signalling.push(outcome),
                Err(e) => println!("  failed: {e}"),
            }
            // Let the sockets of this run close before the next one opens thousands more.
            tokio::time::sleep(Duration::from_secs(2)).await;
        }
    }
    if args.sfu {
        for &subscribers in &args.subscribers {
            println!("sfu: 1 publisher, {subscribers} subscribers");
            let plan = sfu::Plan {
                subscribers,
                measure: args.measure,
            };
            match sfu::run(&args.server, &plan).await {
                Ok(outcome) => report.sfu.push(outcome),
                Err(e) => println!("  failed: {e}"),
            }
        }
    }
    if args.janus {
        janus_comparison(args, &mut report).await;
    }
    if args.join {
        // At least 20 joins each: one viewer at a time, and groups of 8 entering at once.
        let (single, groups) = if args.quick { (5, 1) } else { (30, 5) };
        let plans = [
            join::Plan {
                receivers: 1,
                rounds: single,
            },
            join::Plan {
                receivers: 8,
                rounds: groups,
            },
        ];
        println!("join → first frame: 1 viewer × {single}, 8 viewers × {groups}");
        match join::run(&args.server, &plans).await {
            Ok(outcomes) => report.join = outcomes,
            Err(e) => println!("  failed: {e}"),
        }
    }
    if args.lecture {
        let viewers = args.viewers.iter().max().copied().unwrap_or(0);
        println!(
            "lecture: {viewers} viewers, a simulcast presenter, media viewers {:?}",
            args.media_steps
        );
        let plan = lecture::Plan {
            viewers,
            steps: args.media_steps.clone(),
            measure: args.measure,
            join_cap: Duration::from_secs(if args.quick { 30 } else { 240 }),
        };
        match lecture::run(&args.server, &plan).await {
            Ok(outcome) => report.lecture = Some(outcome),
            Err(e) => println!("  failed: {e}"),
        }
    }
    if let Some(dist) = &args.dist {
        report.bundle = report::bundle(dist);
    }
    if args.soak {
        println!(
            "soak: {} connections for {} s",
            args.soak_connections,
            args.soak_for.as_secs()
        );
        let plan = soak::Plan {
            connections: args.soak_connections,
            duration: args.soak_for,
            churn_per_sec: (args.soak_connections / 100).max(1),
            chats_per_sec: 2,
            sample_every: Duration::from_secs(if args.quick { 5 } else { 15 }),
        };
        match soak::run(&args.server, &plan).await {
            Ok(outcome) => report.soak = Some(outcome),
            Err(e) => println!("  failed: {e}"),
        }
    }
    let text = report.markdown();
    println!("\n{text}");
    if let Some(out) = &args.out {
        if let Some(dir) = out.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        std::fs::write(out, &text).map_err(|e| format!("write {}: {e}", out.display()))?;
        println!("(written to {})", out.display());
    }
    Ok(())
}

/// The SFU benchmark again, through Janus's video room.
async fn janus_comparison(args: &Args, report: &mut report::Report) {
    let Some(modules) = janus::modules_dir() else {
        println!("janus: not installed (Debian package `janus`), skipped");
        return;
    };
    for &subscribers in &args.subscribers {
        println!("janus: 1 publisher, {subscribers} subscribers");
        let plan = forwarding::Plan {
            subscribers,
            measure: args.measure,
        };
        match janus::run(&modules, &plan).await {
            Ok(outcome) => report.janus.push(outcome),
            Err(e) => println!("  failed: {e}"),
        }
    }
}
