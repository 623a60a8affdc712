//! Counters for `/metrics`, in the Prometheus text format (version 0.0.4), kept in one static
//! of atomics so that any part of the server can count without being handed anything.
//!
//! Gauges that the server already knows (rooms open, live connections) are read when scraped.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::Duration;

use podium_protocol::{CloseReason, ErrorCode};

use crate::state::AppState;

/// Upper bounds of the store-append latency histogram, in microseconds.
const APPEND_BUCKETS_US: [u64; 12] = [
    50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000, 1_000_000,
];
const CLOSE_REASONS: [CloseReason; 6] = [
    CloseReason::Replaced,
    CloseReason::Removed,
    CloseReason::Abuse,
    CloseReason::ServerShutdown,
    CloseReason::Refused,
    CloseReason::TooManyConnections,
];

pub struct Metrics {
    participants: AtomicI64,
    messages_in: AtomicU64,
    messages_out: AtomicU64,
    events: AtomicU64,
    errors: [AtomicU64; ErrorCode::ALL.len()],
    closes: [AtomicU64; CLOSE_REASONS.len()],
    media_forwarded: AtomicU64,
    append_buckets: [AtomicU64; APPEND_BUCKETS_US.len()],
    append_count: AtomicU64,
    append_sum_us: AtomicU64,
    /// When the media loop last went round, in ms since the process's first reading.
    media_beat_ms: AtomicU64,
}

/// The server's counters.
pub static METRICS: Metrics = Metrics::new();

impl Metrics {
    const fn new() -> Metrics {
        Metrics {
            participants: AtomicI64::new(0),
            messages_in: AtomicU64::new(0),
            messages_out: AtomicU64::new(0),
            events: AtomicU64::new(0),
            errors: [const { AtomicU64::new(0) }; ErrorCode::ALL.len()],
            closes: [const { AtomicU64::new(0) }; CLOSE_REASONS.len()],
            media_forwarded: AtomicU64::new(0),
            append_buckets: [const { AtomicU64::new(0) }; APPEND_BUCKETS_US.len()],
            append_count: AtomicU64::new(0),
            append_sum_us: AtomicU64::new(0),
            media_beat_ms: AtomicU64::new(0),
        }
    }

    /// A room's participant count moved by `delta`.
    pub fn participants(&self, delta: i64) {
        self.participants.fetch_add(delta, Ordering::Relaxed);
    }

    pub fn message_in(&self) {
        self.messages_in.fetch_add(1, Ordering::Relaxed);
    }

    pub fn message_out(&self) {
        self.messages_out.fetch_add(1, Ordering::Relaxed);
    }

    pub fn event(&self) {
        self.events.fetch_add(1, Ordering::Relaxed);
    }

    pub fn error(&self, code: ErrorCode) {
        if let Some(i) = ErrorCode::ALL.iter().position(|c| *c == code) {
            if let Some(c) = self.errors.get(i) {
                c.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    pub fn closed(&self, reason: CloseReason) {
        if let Some(i) = CLOSE_REASONS.iter().position(|r| *r == reason) {
            if let Some(c) = self.closes.get(i) {
                c.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    pub fn media_forwarded(&self) {
        self.media_forwarded.fetch_add(1, Ordering::Relaxed);
    }

    /// One store append took `took`.
    pub fn store_append(&self, took: Duration) {
        let us = u64::try_from(took.as_micros()).unwrap_or(u64::MAX);
        for (bound, count) in APPEND_BUCKETS_US.iter().zip(&self.append_buckets) {
            if us <= *bound {
                count.fetch_add(1, Ordering::Relaxed);
            }
        }
        self.append_count.fetch_add(1, Ordering::Relaxed);
        self.append_sum_us.fetch_add(us, Ordering::Relaxed);
    }

    /// The media loop is alive.
    pub fn media_beat(&self) {
        self.media_beat_ms.store(uptime_ms(), Ordering::Relaxed);
    }

    /// How long ago the media loop last went round (`None`: never).
    pub fn media_silent_for(&self) -> Option<Duration> {
        match self.media_beat_ms.load(Ordering::Relaxed) {
            0 => None,
            at => Some(Duration::from_millis(uptime_ms().saturating_sub(at))),
        }
    }
}

/// Milliseconds since the first call (at least 1, so that 0 can mean "never").
fn uptime_ms() -> u64 {
    use std::sync::OnceLock;
    static START: OnceLock<std::time::Instant> = OnceLock::new();
    let start = START.get_or_init(std::time::Instant::now);
    u64::try_from(start.elapsed().as_millis())
        .unwrap_or(u64::MAX)
        .saturating_add(1)
}

/// The wire name of an error code or close reason (its serde name).
fn wire_name<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn family(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} {kind}");
}

/// Every metric, as Prometheus text.
pub fn render(state: &AppState) -> String {
    let m = &METRICS;
    let load = |a: &AtomicU64| a.load(Ordering::Relaxed);
    let mut out = String::with_capacity(8 * 1024);

    family(
        &mut out,
        "podium_rooms_open",
        "gauge",
        "Rooms with a running actor.",
    );
    let _ = writeln!(out, "podium_rooms_open {}", state.rooms.open_rooms());
    family(
        &mut out,
        "podium_participants",
        "gauge",
        "Participants in open rooms, connected or with their place held.",
    );
    let _ = writeln!(
        out,
        "podium_participants {}",
        m.participants.load(Ordering::Relaxed).max(0)
    );
    family(
        &mut out,
        "podium_connections",
        "gauge",
        "Open WebSocket connections.",
    );
    let _ = writeln!(out, "podium_connections {}", state.shutdown.live_sessions());
    family(
        &mut out,
        "podium_messages_in_total",
        "counter",
        "Client messages received and decoded.",
    );
    let _ = writeln!(out, "podium_messages_in_total {}", load(&m.messages_in));
    family(
        &mut out,
        "podium_messages_out_total",
        "counter",
        "Frames sent to clients.",
    );
    let _ = writeln!(out, "podium_messages_out_total {}", load(&m.messages_out));
    family(
        &mut out,
        "podium_events_published_total",
        "counter",
        "Room events published (each once, whatever its audience).",
    );
    let _ = writeln!(out, "podium_events_published_total {}", load(&m.events));
    family(
        &mut out,
        "podium_errors_total",
        "counter",
        "Error messages sent to clients, by code.",
    );
    for (code, count) in ErrorCode::ALL.iter().zip(&m.errors) {
        let _ = writeln!(
            out,
            "podium_errors_total{{code=\"{}\"}} {}",
            wire_name(code),
            load(count)
        );
    }
    family(
        &mut out,
        "podium_connections_closed_total",
        "counter",
        "Connections the server closed on purpose, by reason.",
    );
    for (reason, count) in CLOSE_REASONS.iter().zip(&m.closes) {
        let _ = writeln!(
            out,
            "podium_connections_closed_total{{reason=\"{}\"}} {}",
            wire_name(reason),
            load(count)
        );
    }
    family(
        &mut out,
        "podium_media_forwarded_total",
        "counter",
        "Media frames the SFU forwarded, one per subscriber.",
    );
    let _ = writeln!(
        out,
        "podium_media_forwarded_total {}",
        load(&m.media_forwarded)
    );
    family(
        &mut out,
        "podium_store_append_seconds",
        "histogram",
        "Time to append one input to a room's stored log.",
    );
    for (bound, count) in APPEND_BUCKETS_US.iter().zip(&m.append_buckets) {
        let _ = writeln!(
            out,
            "podium_store_append_seconds_bucket{{le=\"{}\"}} {}",
            *bound as f64 / 1e6,
            load(count)
        );
    }
    let count = load(&m.append_count);
    let _ = writeln!(
        out,
        "podium_store_append_seconds_bucket{{le=\"+Inf\"}} {count}"
    );
    let _ = writeln!(
        out,
        "podium_store_append_seconds_sum {}",
        load(&m.append_sum_us) as f64 / 1e6
    );
    let _ = writeln!(out, "podium_store_append_seconds_count {count}");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_histogram_is_cumulative() {
        let m = Metrics::new();
        m.store_append(Duration::from_micros(80));
        m.store_append(Duration::from_millis(3));
        let counts: Vec<u64> = m
            .append_buckets
            .iter()
            .map(|c| c.load(Ordering::Relaxed))
            .collect();
        assert_eq!(counts[0], 0);
        assert_eq!(counts[1], 1);
        assert_eq!(counts[6], 2);
        assert_eq!(m.append_count.load(Ordering::Relaxed), 2);
        assert_eq!(m.append_sum_us.load(Ordering::Relaxed), 3080);
    }

    #[test]
    fn errors_and_closes_are_counted_by_name() {
        let m = Metrics::new();
        m.error(ErrorCode::RateLimited);
        m.closed(CloseReason::Abuse);
        assert_eq!(wire_name(&ErrorCode::RateLimited), "rate_limited");
        assert_eq!(wire_name(&CloseReason::ServerShutdown), "server_shutdown");
        let i = ErrorCode::ALL
            .iter()
            .position(|c| *c == ErrorCode::RateLimited)
            .unwrap();
        assert_eq!(m.errors[i].load(Ordering::Relaxed), 1);
    }
}
