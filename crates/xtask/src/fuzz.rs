//! `cargo xtask fuzz`: the property tests over the decoder and the room, run far longer than in
//! the normal suite, bounded in time.
//!
//! Each round runs every target once with `PROPTEST_CASES` cases and a fresh
//! `PROPTEST_RNG_SEED`, so rounds explore different inputs; rounds go on until the time is up
//! (a round that has started is finished). A failure stops the run and prints the seed that
//! replays it: `cargo xtask fuzz --seed N --rounds 1`.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::run::{cmd, run};
use crate::Result;

/// The property tests that read `PROPTEST_CASES`: (package, test target).
const TARGETS: [(&str, &str); 2] = [
    ("podium-server", "decode_properties"),
    ("podium-room", "arbitrary_input"),
];

pub const USAGE: &str = "\
  fuzz [--minutes M] [--cases N] [--seed S] [--rounds R]
                         run the decoder and room property tests with many more cases, in
                         rounds of N cases (default 20000) for about M minutes (default 5)";

struct Options {
    budget: Duration,
    cases: u64,
    seed: u64,
    rounds: Option<u64>,
}

fn parse(args: &[String]) -> Result<Options> {
    let mut options = Options {
        budget: Duration::from_secs(5 * 60),
        cases: 20_000,
        seed: SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(1),
        rounds: None,
    };
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let value = it
            .next()
            .ok_or_else(|| format!("{flag} needs a value"))?
            .parse::<u64>()
            .map_err(|_| format!("{flag} needs a whole number"))?;
        match flag.as_str() {
            "--minutes" => options.budget = Duration::from_secs(value.saturating_mul(60)),
            "--cases" => options.cases = value.max(1),
            "--seed" => options.seed = value,
            "--rounds" => options.rounds = Some(value.max(1)),
            _ => return Err(format!("unknown flag {flag}\n{USAGE}")),
        }
    }
    Ok(options)
}

pub fn fuzz(args: &[String]) -> Result {
    let options = parse(args)?;
    // Built once, in release: many more cases in the same time.
    for (package, target) in TARGETS {
        run(&mut cmd(
            "cargo",
            &[
                "test",
                "--release",
                "-p",
                package,
                "--test",
                target,
                "--no-run",
            ],
        ))?;
    }
    let started = Instant::now();
    let mut round = 0u64;
    loop {
        let seed = options.seed.wrapping_add(round);
        for (package, target) in TARGETS {
            let mut c = cmd(
                "cargo",
                &[
                    "test",
                    "--release",
                    "-p",
                    package,
                    "--test",
                    target,
                    "--",
                    "--nocapture",
                ],
            );
            c.env("PROPTEST_CASES", options.cases.to_string())
                .env("PROPTEST_RNG_SEED", seed.to_string());
            run(&mut c).map_err(|e| {
                format!(
                    "{e}\nreplay with: cargo xtask fuzz --seed {seed} --rounds 1 --cases {}",
                    options.cases
                )
            })?;
        }
        round += 1;
        let done = match options.rounds {
            Some(rounds) => round >= rounds,
            None => started.elapsed() >= options.budget,
        };
        if done {
            break;
        }
    }
    println!(
        "fuzz: {round} round(s) of {} cases per target ({} targets), seeds {}..{}, in {:.0?}: no failure",
        options.cases,
        TARGETS.len(),
        options.seed,
        options.seed.wrapping_add(round),
        started.elapsed()
    );
    Ok(())
}
