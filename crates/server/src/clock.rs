//! The server's clock. The room never reads one: the time comes in with each input.

use std::time::{SystemTime, UNIX_EPOCH};

use podium_protocol::Millis;

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> Millis {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

/// Seconds since the Unix epoch, as JWT claims count time.
pub fn now_secs() -> u64 {
    now_ms() / 1000
}
