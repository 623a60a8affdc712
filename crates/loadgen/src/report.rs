//! The figures as Markdown tables, with the target beside each.

use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::forwarding;
use crate::join;
use crate::lecture;
use crate::sfu;
use crate::signalling;
use crate::soak;

/// Targets (docs/performance.md).
const CHAT_P99_MS: f64 = 200.0;
const KIB_PER_VIEWER: f64 = 20.0 * 1000.0 / 1024.0;
const PACKETS_PER_CORE_SEC: f64 = 150_000.0;
const JOIN_P50_MS: f64 = 200.0;
const BUNDLE_BYTES: u64 = 300 * 1000;

pub struct Report {
    quick: bool,
    pub signalling: Vec<signalling::Outcome>,
    pub sfu: Vec<sfu::Outcome>,
    /// The same forwarding through Janus's video room.
    pub janus: Vec<forwarding::Outcome>,
    pub join: Vec<join::Outcome>,
    /// (file, raw bytes, gzip bytes) of the client's build.
    pub bundle: Vec<(String, u64, u64)>,
    pub soak: Option<soak::Outcome>,
    pub lecture: Option<lecture::Outcome>,
    load_at_start: String,
}

impl Report {
    pub fn new(quick: bool) -> Report {
        Report {
            quick,
            signalling: Vec::new(),
            sfu: Vec::new(),
            janus: Vec::new(),
            join: Vec::new(),
            bundle: Vec::new(),
            soak: None,
            lecture: None,
            load_at_start: std::fs::read_to_string("/proc/loadavg")
                .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
                .unwrap_or_default(),
        }
    }

    pub fn machine_line(&self) -> String {
        let cores = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(0);
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let model = cpuinfo
            .lines()
            .find_map(|l| l.strip_prefix("model name"))
            .map(|l| l.trim_start_matches([' ', '\t', ':']).trim().to_string())
            .unwrap_or_else(|| "unknown CPU".into());
        let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
        let mem_gib = meminfo
            .lines()
            .find_map(|l| l.strip_prefix("MemTotal:"))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse::<f64>().ok())
            .map(|kib| kib / 1024.0 / 1024.0)
            .unwrap_or(0.0);
        let date = Command::new("date")
            .args(["-u", "+%Y-%m-%d"])
            .stderr(Stdio::null())
            .output()
            .ok()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .unwrap_or_default();
        format!(
            "{date}: {cores} cores ({model}), {mem_gib:.1} GiB memory, Linux load average at start {}",
            self.load_at_start
        )
    }

    pub fn markdown(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "Measured {}.", self.machine_line());
        if self.quick {
            let _ = writeln!(
                s,
                "\n**Quick smoke run: small sizes, short windows; not the figures of record.**"
            );
        }
        if !self.signalling.is_empty() {
            self.signalling_tables(&mut s);
        }
        if !self.sfu.is_empty() {
            self.sfu_table(&mut s);
        }
        if !self.janus.is_empty() {
            self.janus_table(&mut s);
        }
        if !self.join.is_empty() {
            self.join_table(&mut s);
        }
        if !self.bundle.is_empty() {
            self.bundle_table(&mut s);
        }
        if let Some(soak) = &self.soak {
            soak_table(soak, &mut s);
        }
        if let Some(lecture) = &self.lecture {
            lecture_table(lecture, &mut s);
        }
        s
    }

    fn signalling_tables(&self, s: &mut String) {
        let cols: String = self
            .signalling
            .iter()
            .map(|o| format!(" {} viewers |", o.viewers))
            .collect();
        let rule: String = self.signalling.iter().map(|_| "---:|").collect();
        let _ = writeln!(s, "\n### Signalling: one room, one moderator, N viewers\n");
        let _ = writeln!(s, "| | target |{cols}\n|---|---|{rule}");
        let row = |s: &mut String,
                   name: &str,
                   target: &str,
                   f: &dyn Fn(&signalling::Outcome) -> String| {
            let cells: String = self
                .signalling
                .iter()
                .map(|o| format!(" {} |", f(o)))
                .collect();
            let _ = writeln!(s, "| {name} | {target} |{cells}");
        };
        row(s, "viewers held", "10,000", &|o| {
            if o.lost + o.dropped == 0 && o.joined == o.viewers {
                format!("{} ✓", o.joined)
            } else {
                format!("{} in, {} lost", o.joined, o.lost.max(o.dropped))
            }
        });
        row(s, "all entered after", "", &|o| {
            format!("{:.1} s", o.join_secs)
        });
        row(s, "every `people` event delivered after", "", &|o| {
            format!("{:.1} s", o.settle_secs)
        });
        row(s, "server CPU while entering", "", &|o| {
            format!("{:.1} s", o.join_cpu_secs)
        });
        row(s, "resident per idle viewer", "≤ 20 KB", &|o| {
            mark(
                format!("{:.1} KiB", o.kib_per_viewer()),
                o.kib_per_viewer() <= KIB_PER_VIEWER,
            )
        });
        row(s, "server resident, idle", "", &|o| {
            format!("{:.0} MiB", o.rss_idle_kib as f64 / 1024.0)
        });
        row(s, "server CPU, idle", "", &|o| {
            format!("{:.1} %", o.idle_cpu * 100.0)
        });
        row(s, "server CPU, under load (of one core)", "", &|o| {
            format!("{:.0} %", o.load_cpu * 100.0)
        });
        row(s, "server resident, under load", "", &|o| {
            format!("{:.0} MiB", o.rss_load_kib as f64 / 1024.0)
        });
        row(s, "chat delivery p50", "", &|o| {
            format!("{:.1} ms", o.chat_p50_ms)
        });
        row(s, "chat delivery p99", "≤ 200 ms", &|o| {
            mark(
                format!("{:.1} ms", o.chat_p99_ms),
                o.chat_p99_ms <= CHAT_P99_MS && o.chat_delivered > 0,
            )
        });
        row(s, "chat delivery max", "", &|o| {
            format!("{:.0} ms", o.chat_max_ms)
        });
        row(s, "chats delivered / expected", "all", &|o| {
            format!("{} / {}", o.chat_delivered, o.chat_expected)
        });
        row(
            s,
            "poll: answers → moderator sees final count",
            "",
            &|o| match o.poll_settle_ms {
                Some(ms) => format!("{ms:.0} ms ({} answers)", o.poll_answers),
                None => format!("not settled ({} of {} seen)", o.poll_seen, o.poll_answers),
            },
        );
        row(s, "traffic (chats, hands, reactions)", "", &|o| {
            format!(
                "{} / {} / {} in {:.0} s",
                o.chats_sent, o.hands, o.reactions, o.load_secs
            )
        });
        row(
            s,
            "load generator CPU, under load (of one core)",
            "",
            &|o| format!("{:.0} %", o.loadgen_cpu * 100.0),
        );
    }

    fn sfu_table(&self, s: &mut String) {
        let cols: String = self
            .sfu
            .iter()
            .map(|o| format!(" {} subscribers |", o.subscribers))
            .collect();
        let rule: String = self.sfu.iter().map(|_| "---:|").collect();
        let _ = writeln!(
            s,
            "\n### SFU: one publisher (~2.5 Mbit/s video in ~1,200-byte packets + audio), N subscribers\n"
        );
        let _ = writeln!(s, "| | target |{cols}\n|---|---|{rule}");
        for figure in FORWARDING {
            let cells: String = self
                .sfu
                .iter()
                .map(|o| {
                    let cell = (figure.cell)(o);
                    let cell = match figure.meets {
                        Some(meets) => mark(cell, meets(o)),
                        None => cell,
                    };
                    format!(" {cell} |")
                })
                .collect();
            let _ = writeln!(s, "| {} | {} |{cells}", figure.label, figure.target);
        }
    }

    /// Ours beside Janus, for each number of subscribers Janus was measured with.
    fn janus_table(&self, s: &mut String) {
        let pairs: Vec<(Option<&forwarding::Outcome>, &forwarding::Outcome)> = self
            .janus
            .iter()
            .map(|j| (self.sfu.iter().find(|o| o.subscribers == j.subscribers), j))
            .collect();
        let cols: String = pairs
            .iter()
            .map(|(_, j)| format!(" {n}: Podium | {n}: Janus |", n = j.subscribers))
            .collect();
        let rule: String = pairs.iter().map(|_| "---:|---:|").collect();
        let _ = writeln!(
            s,
            "\n### Janus comparison: the same publisher and N subscribers through Janus's video room\n"
        );
        let _ = writeln!(s, "| |{cols}\n|---|{rule}");
        for figure in FORWARDING.iter().filter(|f| f.janus) {
            let cells: String = pairs
                .iter()
                .map(|(ours, j)| {
                    let ours = ours.map_or_else(|| "–".to_string(), figure.cell);
                    format!(" {ours} | {} |", (figure.cell)(j))
                })
                .collect();
            let _ = writeln!(s, "| {} |{cells}", figure.label);
        }
    }

    fn join_table(&self, s: &mut String) {
        let cols: String = self
            .join
            .iter()
            .map(|o| format!(" {} entering at once |", o.receivers))
            .collect();
        let rule: String = self.join.iter().map(|_| "---:|").collect();
        let _ = writeln!(
            s,
            "\n### Join → first remote frame (loopback, one presenter publishing)\n"
        );
        let _ = writeln!(s, "| | target |{cols}\n|---|---|{rule}");
        let row =
            |s: &mut String, name: &str, target: &str, f: &dyn Fn(&join::Outcome) -> String| {
                let cells: String = self.join.iter().map(|o| format!(" {} |", f(o))).collect();
                let _ = writeln!(s, "| {name} | {target} |{cells}");
            };
        row(s, "joins measured (no frame in 10 s)", "≥ 20", &|o| {
            format!("{} ({})", o.joins, o.failed)
        });
        row(
            s,
            "`hello` → first whole video frame p50",
            "≤ 200 ms",
            &|o| {
                mark(
                    format!("{:.1} ms", o.p50_ms),
                    o.joins > 0 && o.p50_ms <= JOIN_P50_MS,
                )
            },
        );
        row(s, "p95", "", &|o| format!("{:.1} ms", o.p95_ms));
        row(s, "slowest", "", &|o| format!("{:.1} ms", o.max_ms));
    }

    fn bundle_table(&self, s: &mut String) {
        let _ = writeln!(s, "\n### Client bundle (release build)\n");
        let _ = writeln!(s, "| file | bytes | gzip -9 |\n|---|---:|---:|");
        let (mut raw, mut gz) = (0, 0);
        for (name, r, g) in &self.bundle {
            let _ = writeln!(s, "| {name} | {r} | {g} |");
            raw += r;
            gz += g;
        }
        let _ = writeln!(
            s,
            "| **total** (target ≤ 300 KB gzip) | {raw} | {} |",
            mark(gz.to_string(), gz <= BUNDLE_BYTES)
        );
    }
}

fn soak_table(soak: &soak::Outcome, s: &mut String) {
    let _ = writeln!(
        s,
        "\n### Soak: {} connections in one room for {:.0} s, people leaving and arriving\n",
        soak.connections, soak.duration_secs
    );
    let _ = writeln!(
        s,
        "| after | connections | server resident |\n|---:|---:|---:|"
    );
    for (t, open, rss) in &soak.samples {
        let _ = writeln!(s, "| {t:.0} s | {open} | {:.1} MiB |", *rss as f64 / 1024.0);
    }
    let _ = writeln!(
        s,
        "\nEntered {} times ({} failed), {} chats sent, {} frames received; server CPU {:.1} s. \
         Resident memory over the last third: {:+.0} KiB a minute.",
        soak.entered,
        soak.failed,
        soak.chats,
        soak.frames,
        soak.server_cpu_secs,
        soak.growth_kib_per_min()
    );
}

fn lecture_table(o: &lecture::Outcome, s: &mut String) {
    let _ = writeln!(
        s,
        "\n### Lecture: {} viewers chatting (of {}) with a simulcast presenter and media viewers, one room\n",
        o.joined, o.viewers
    );
    let _ = writeln!(
        s,
        "| media viewers | receiving | slowest (share of the first step's fastest) | video p50 / p99 | \
         chat p50 | chat p99 (target ≤ 200 ms) | server CPU | of which media thread |\n\
         |---:|---:|---:|---:|---:|---:|---:|---:|"
    );
    let full = o.steps.first().map_or(0.0, |st| st.media.max_sub_pps);
    for st in &o.steps {
        let (m, c) = (&st.media, &st.chat);
        let _ = writeln!(
            s,
            "| {} | {} | {:.0} pkt/s ({:.0} %) | {:.1} / {:.1} ms | {:.1} ms | {} | {:.0} % | {:.0} % |",
            m.subscribers,
            m.receiving,
            m.min_sub_pps,
            st.slowest_share(full) * 100.0,
            m.video_p50_ms,
            m.video_p99_ms,
            c.chat_p50_ms,
            mark(format!("{:.0} ms", c.chat_p99_ms), c.chat_p99_ms <= CHAT_P99_MS),
            m.server_cpu * 100.0,
            m.media_cpu * 100.0
        );
    }
    if let Some(why) = &o.stopped {
        let _ = writeln!(s, "\nStopped: {why}.");
    }
}

/// A row of the forwarding tables (ours, and ours beside Janus).
struct Figure {
    label: &'static str,
    /// Shown in our table only.
    target: &'static str,
    cell: fn(&forwarding::Outcome) -> String,
    /// Whether the cell meets the target (marked in our table only).
    meets: Option<fn(&forwarding::Outcome) -> bool>,
    /// Whether Janus has the figure: it has no media thread of its own to measure.
    janus: bool,
}

const FORWARDING: &[Figure] = &[
    Figure {
        label: "subscribers receiving",
        target: "all",
        cell: |o| format!("{} / {}", o.receiving, o.subscribers),
        meets: None,
        janus: true,
    },
    Figure {
        label: "packets delivered / s",
        target: "",
        cell: |o| format!("{:.0}", o.rx_pps),
        meets: None,
        janus: true,
    },
    Figure {
        label: "per subscriber / s (slowest – fastest)",
        target: "",
        cell: |o| format!("{:.0} – {:.0}", o.min_sub_pps, o.max_sub_pps),
        meets: None,
        janus: true,
    },
    Figure {
        label: "dropped in receive buffers / s",
        target: "0",
        cell: |o| format!("{:.0}", o.dropped_pps),
        meets: None,
        janus: true,
    },
    Figure {
        label: "server CPU (of one core)",
        target: "",
        cell: |o| format!("{:.0} %", o.server_cpu * 100.0),
        meets: None,
        janus: true,
    },
    Figure {
        label: "… of which the media thread",
        target: "",
        cell: |o| format!("{:.0} %", o.media_cpu * 100.0),
        meets: None,
        janus: false,
    },
    Figure {
        label: "packets per server core-second",
        target: "≥ 150,000",
        cell: |o| format!("{:.0}", o.per_core_sec()),
        meets: Some(|o| o.per_core_sec() >= PACKETS_PER_CORE_SEC),
        janus: true,
    },
    Figure {
        label: "packets per media-thread core-second",
        target: "",
        cell: |o| format!("{:.0}", o.per_media_core_sec()),
        meets: None,
        janus: false,
    },
    Figure {
        label: "audio packet, publisher → subscriber p50 / p99",
        target: "",
        cell: |o| format!("{:.2} / {:.2} ms", o.audio_p50_ms, o.audio_p99_ms),
        meets: None,
        janus: true,
    },
    Figure {
        label: "video frame (~9 packets) p50 / p99",
        target: "",
        cell: |o| format!("{:.2} / {:.2} ms", o.video_p50_ms, o.video_p99_ms),
        meets: None,
        janus: true,
    },
    Figure {
        label: "server resident",
        target: "",
        cell: |o| format!("{:.0} MiB", o.rss_kib as f64 / 1024.0),
        meets: None,
        janus: true,
    },
    Figure {
        label: "load generator CPU (of one core)",
        target: "",
        cell: |o| format!("{:.0} %", o.loadgen_cpu * 100.0),
        meets: None,
        janus: true,
    },
    Figure {
        label: "load average (1 min) at the window's end",
        target: "",
        cell: |o| format!("{:.1}", o.load_avg),
        meets: None,
        janus: true,
    },
];

fn mark(value: String, ok: bool) -> String {
    if ok {
        format!("{value} ✓")
    } else {
        format!("{value} ✗")
    }
}

/// The wasm, JS and CSS files of a client build, with their sizes raw and gzip'd.
pub fn bundle(dist: &Path) -> Vec<(String, u64, u64)> {
    let Ok(entries) = std::fs::read_dir(dist) else {
        return Vec::new();
    };
    let mut files: Vec<_> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.extension()
                .is_some_and(|e| e == "wasm" || e == "js" || e == "css")
        })
        .collect();
    files.sort();
    files
        .into_iter()
        .filter_map(|p| {
            let raw = std::fs::metadata(&p).ok()?.len();
            let gz = Command::new("gzip")
                .args(["-9", "-c"])
                .arg(&p)
                .stderr(Stdio::null())
                .output()
                .ok()
                .filter(|o| o.status.success())
                .map(|o| o.stdout.len() as u64)?;
            let name = p.file_name()?.to_string_lossy().into_owned();
            Some((name, raw, gz))
        })
        .collect()
}
