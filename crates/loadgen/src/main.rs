//! `podium-loadgen`: the benchmarks behind `cargo xtask bench`, run against the real server
//! binary on loopback, each run with a fresh database. Prints the figures as Markdown tables
//! (ready for docs/performance.md) and writes them to `--out`.
//!
//! ```text
//! podium-loadgen --server target/release/podium-server [--quick]
//!     [--viewers 1000,5000,10000] [--subscribers 10,100,500] [--load-secs 30]
//!     [--only signalling|sfu] [--dist dist] [--out target/bench/results.md]
//! ```

mod report;
mod server;
mod sfu;
mod signalling;
mod ws;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

const USAGE: &str = "usage: podium-loadgen --server PATH [--quick] [--viewers N,N,..] \
[--subscribers N,N,..] [--load-secs S] [--only signalling|sfu] [--dist DIR] [--out FILE]";

struct Args {
    server: PathBuf,
    viewers: Vec<usize>,
    subscribers: Vec<usize>,
    load: Duration,
    measure: Duration,
    signalling: bool,
    sfu: bool,
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
            "--load-secs" => {
                let secs = value()?.parse().map_err(|_| "--load-secs: a number")?;
                args.load = Duration::from_secs(secs);
            }
            "--only" => match value()?.as_str() {
                "signalling" => args.sfu = false,
                "sfu" => args.signalling = false,
                other => return Err(format!("--only: signalling or sfu, not {other}")),
            },
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
    if let Some(dist) = &args.dist {
        report.bundle = report::bundle(dist);
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
