//! Counting: what each suite reported, and the closing `N passed, N failed` line.

/// Passed and failed counts of one suite or check.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub passed: u64,
    pub failed: u64,
}

impl Counts {
    /// A single pass/fail check (fmt, clippy, a build).
    pub fn check(ok: bool) -> Self {
        if ok {
            Counts {
                passed: 1,
                failed: 0,
            }
        } else {
            Counts {
                passed: 0,
                failed: 1,
            }
        }
    }

    /// A suite's parsed counts, corrected by its exit status: a failing run that reported no
    /// failed test (it did not compile, crashed, timed out) counts as one failure.
    pub fn from_run(ok: bool, parsed: Counts) -> Self {
        if !ok && parsed.failed == 0 {
            Counts {
                failed: 1,
                ..parsed
            }
        } else {
            parsed
        }
    }

    fn add(&mut self, other: Counts) {
        self.passed += other.passed;
        self.failed += other.failed;
    }
}

enum Row {
    Ran {
        name: String,
        counts: Counts,
        failures: Vec<String>,
    },
    Skipped {
        name: String,
        why: String,
    },
}

/// Every suite's result, in the order they ran.
#[derive(Default)]
pub struct Summary {
    rows: Vec<Row>,
}

impl Summary {
    pub fn record(&mut self, name: &str, counts: Counts) {
        self.record_suite(name, counts, "");
    }

    /// A suite's counts and, from its output, the names of the tests that failed: they are
    /// repeated in the table, where a shortened log still shows them.
    pub fn record_suite(&mut self, name: &str, counts: Counts, output: &str) {
        let verdict = if counts.failed == 0 { "ok" } else { "FAILED" };
        println!(
            "--- {name}: {verdict} ({} passed, {} failed)\n",
            counts.passed, counts.failed
        );
        self.rows.push(Row::Ran {
            name: name.to_string(),
            counts,
            failures: failed_tests(output),
        });
    }

    pub fn skip(&mut self, name: &str, why: &str) {
        println!("--- {name}: skipped ({why})\n");
        self.rows.push(Row::Skipped {
            name: name.to_string(),
            why: why.to_string(),
        });
    }

    pub fn total(&self) -> Counts {
        let mut total = Counts::default();
        for row in &self.rows {
            if let Row::Ran { counts, .. } = row {
                total.add(*counts);
            }
        }
        total
    }

    /// Prints the table and, as the very last line, `N passed, N failed`.
    pub fn print(&self) {
        println!("==================== summary ====================");
        for row in &self.rows {
            match row {
                Row::Ran {
                    name,
                    counts,
                    failures,
                } => {
                    println!(
                        "{:<8} {name:<44} {:>5} passed {:>4} failed",
                        if counts.failed == 0 { "ok" } else { "FAILED" },
                        counts.passed,
                        counts.failed
                    );
                    for test in failures.iter().take(MAX_NAMED_FAILURES) {
                        println!("         ✘ {test}");
                    }
                }
                Row::Skipped { name, why } => println!("{:<8} {name:<44} ({why})", "skipped"),
            }
        }
        let total = self.total();
        println!("{} passed, {} failed", total.passed, total.failed);
    }
}

/// Failed tests named under a suite's row; more would push the totals out of a short log.
const MAX_NAMED_FAILURES: usize = 10;

/// The failed tests a run's output names: libtest's `test a::b ... FAILED` and the list
/// reporter's `✘  3 specs/x.spec.ts:9:1 › title (30.0s)`, once each, in order.
pub fn failed_tests(output: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for line in output.lines().map(str::trim) {
        let name = if let Some(rest) = line.strip_prefix("test ") {
            rest.strip_suffix(" ... FAILED").map(str::to_string)
        } else if let Some(rest) = line.strip_prefix('✘') {
            let rest = rest.trim_start();
            // The running number, then the title; the duration goes.
            let title = rest
                .split_once(' ')
                .map_or(rest, |(_, title)| title.trim_start());
            Some(match title.rsplit_once(" (") {
                Some((title, time)) if time.ends_with(')') => title.to_string(),
                _ => title.to_string(),
            })
        } else {
            None
        };
        if let Some(name) = name.filter(|n| !names.contains(n)) {
            names.push(name);
        }
    }
    names
}

/// Sums every libtest line `test result: ok. N passed; M failed; …` (cargo test, doc tests,
/// wasm-bindgen-test-runner).
pub fn parse_libtest(output: &str) -> Counts {
    let mut total = Counts::default();
    for line in output.lines() {
        if let Some(rest) = line.trim().strip_prefix("test result:") {
            total.passed += number_before(rest, "passed").unwrap_or(0);
            total.failed += number_before(rest, "failed").unwrap_or(0);
        }
    }
    total
}

/// PHPUnit's closing lines: `OK (N tests, A assertions)` or
/// `Tests: N, Assertions: A, Errors: E, Failures: F, Skipped: S, Incomplete: I.`
pub fn parse_phpunit(output: &str) -> Counts {
    let mut counts = Counts::default();
    for line in output.lines().map(str::trim) {
        if let Some(rest) = line.strip_prefix("OK (") {
            if let Some(n) = number_before(rest, "test") {
                counts = Counts {
                    passed: n,
                    failed: 0,
                };
            }
        } else if let Some(rest) = line.strip_prefix("Tests:") {
            let field = |name: &str| field_after(rest, name).unwrap_or(0);
            let tests = number_at_start(rest).unwrap_or(0);
            let failed = field("Failures:") + field("Errors:");
            let not_run = field("Skipped:") + field("Incomplete:");
            counts = Counts {
                passed: tests.saturating_sub(failed + not_run),
                failed,
            };
        }
    }
    counts
}

/// Playwright's list/line reporter summary: `N passed (12s)`, `N failed`, `N flaky`,
/// `N interrupted`, `N did not run` (flaky ones passed on retry; the last two count as failed).
pub fn parse_playwright(output: &str) -> Counts {
    let mut counts = Counts::default();
    for line in output.lines().map(str::trim) {
        let Some((n, rest)) = line.split_once(' ') else {
            continue;
        };
        let Ok(n) = n.parse::<u64>() else { continue };
        if rest.starts_with("passed") || rest.starts_with("flaky") {
            counts.passed += n;
        } else if rest.starts_with("failed")
            || rest.starts_with("interrupted")
            || rest.starts_with("did not run")
        {
            counts.failed += n;
        }
    }
    counts
}

/// In `"… 12 passed; 0 failed …"`, the number just before `word`.
fn number_before(text: &str, word: &str) -> Option<u64> {
    let words: Vec<&str> = text.split_whitespace().collect();
    words
        .windows(2)
        .find(|w| {
            w[1].trim_end_matches([';', ',', '.', ')'])
                .starts_with(word)
        })
        .and_then(|w| w[0].parse().ok())
}

/// In `" 5, Assertions: 9, Failures: 1."`, the number after `name`.
fn field_after(text: &str, name: &str) -> Option<u64> {
    let at = text.find(name)? + name.len();
    number_at_start(&text[at..])
}

fn number_at_start(text: &str) -> Option<u64> {
    let digits: String = text
        .trim_start()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(passed: u64, failed: u64) -> Counts {
        Counts { passed, failed }
    }

    #[test]
    fn libtest_lines_are_summed() {
        let out = "\
running 3 tests
test a ... ok
test result: ok. 3 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.01s

test result: FAILED. 10 passed; 2 failed; 1 ignored; 0 measured; 0 filtered out; finished in 1.00s
   Doc-tests podium_protocol
test result: ok. 0 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s
";
        assert_eq!(parse_libtest(out), c(13, 2));
        assert_eq!(parse_libtest("error[E0425]: cannot find value"), c(0, 0));
    }

    #[test]
    fn phpunit_ok_and_failures() {
        assert_eq!(parse_phpunit("\nOK (12 tests, 40 assertions)\n"), c(12, 0));
        assert_eq!(parse_phpunit("OK (1 test, 1 assertion)"), c(1, 0));
        assert_eq!(
            parse_phpunit("FAILURES!\nTests: 9, Assertions: 20, Failures: 2, Errors: 1.\n"),
            c(6, 3)
        );
        assert_eq!(
            parse_phpunit("OK, but incomplete, skipped, or risky tests!\nTests: 5, Assertions: 5, Skipped: 1.\n"),
            c(4, 0)
        );
        assert_eq!(parse_phpunit("No tests executed!"), c(0, 0));
    }

    #[test]
    fn playwright_summary() {
        let out = "\
Running 14 tests using 2 workers
  ✓  1 [chromium] › open.spec.ts:3:1 › open-mode join (2.1s)
  ✘  2 [chromium] › request.spec.ts:9:1 › request then approve (30.0s)
  1) [chromium] › request.spec.ts:9:1 › request then approve
  2 failed
    [chromium] › request.spec.ts:9:1 › request then approve
  1 flaky
  1 did not run
  10 passed (1.2m)
";
        assert_eq!(parse_playwright(out), c(11, 3));
    }

    #[test]
    fn failed_tests_are_named_once() {
        let out = "\
test room::a ... ok
test room::b ... FAILED
failures:
    room::b
  ✓  1 specs/room.spec.ts:4:1 › chat history (2.1s)
  ✘  2 specs/room.spec.ts:117:1 › in a crowd (30.0s)
  ✘  3 specs/room.spec.ts:117:1 › in a crowd (retry #1) (29.0s)
  1) specs/room.spec.ts:117:1 › in a crowd
";
        assert_eq!(
            failed_tests(out),
            [
                "room::b",
                "specs/room.spec.ts:117:1 › in a crowd",
                "specs/room.spec.ts:117:1 › in a crowd (retry #1)"
            ]
        );
        assert!(failed_tests("test a ... ok\n  ✓  1 x (1s)\n").is_empty());
    }

    #[test]
    fn a_failing_run_without_counts_is_one_failure() {
        assert_eq!(Counts::from_run(false, c(4, 0)), c(4, 1));
        assert_eq!(Counts::from_run(false, c(4, 2)), c(4, 2));
        assert_eq!(Counts::from_run(true, c(4, 0)), c(4, 0));
    }

    #[test]
    fn total_ignores_skipped_suites() {
        let mut s = Summary::default();
        s.record("fmt", Counts::check(true));
        s.record("tests", c(7, 1));
        s.skip("php", "no moodle-plugin files");
        assert_eq!(s.total(), c(8, 1));
    }
}
