//! Microseconds on one monotonic clock, shared by everything in this process.

use std::sync::OnceLock;
use std::time::Instant;

static EPOCH: OnceLock<Instant> = OnceLock::new();

/// Microseconds since the first call in this process.
pub fn micros() -> u64 {
    let epoch = *EPOCH.get_or_init(Instant::now);
    u64::try_from(epoch.elapsed().as_micros()).unwrap_or(u64::MAX)
}

/// The time from `sent` (a [`micros`] reading) to now, in microseconds.
pub fn since(sent: u64) -> u64 {
    micros().saturating_sub(sent)
}
