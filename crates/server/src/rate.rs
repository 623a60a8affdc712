//! Per-connection limits: a token bucket for the message rate and a window of refusals that,
//! when it fills up, marks the connection as abusive.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// Messages a connection may send per second, sustained.
pub const RATE_PER_SEC: f64 = 10.0;
/// Messages a connection may send at once after a quiet spell.
pub const RATE_BURST: f64 = 30.0;
/// Refusals within [`ABUSE_WINDOW`] after which the connection is closed.
pub const ABUSE_REFUSALS: usize = 50;
pub const ABUSE_WINDOW: Duration = Duration::from_secs(60);

/// A token bucket: `burst` tokens, refilled at `per_sec`.
#[derive(Debug)]
pub struct TokenBucket {
    per_sec: f64,
    burst: f64,
    tokens: f64,
    last: Instant,
}

impl TokenBucket {
    pub fn new(per_sec: f64, burst: f64, now: Instant) -> TokenBucket {
        TokenBucket {
            per_sec,
            burst,
            tokens: burst,
            last: now,
        }
    }

    /// Take one token if there is one.
    pub fn allow(&mut self, now: Instant) -> bool {
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.last = now;
        self.tokens = (self.tokens + elapsed * self.per_sec).min(self.burst);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }

    /// Put back a token taken for something that did not happen after all.
    pub fn give_back(&mut self) {
        self.tokens = (self.tokens + 1.0).min(self.burst);
    }

    /// Whether the bucket would be full at `now` (nobody has used it for a while).
    pub fn is_full(&self, now: Instant) -> bool {
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.tokens + elapsed * self.per_sec >= self.burst
    }
}

impl Default for TokenBucket {
    fn default() -> Self {
        TokenBucket::new(RATE_PER_SEC, RATE_BURST, Instant::now())
    }
}

/// Counts refusals over a sliding window.
#[derive(Debug)]
pub struct AbuseMeter {
    limit: usize,
    window: Duration,
    refusals: VecDeque<Instant>,
}

impl AbuseMeter {
    pub fn new(limit: usize, window: Duration) -> AbuseMeter {
        AbuseMeter {
            limit,
            window,
            refusals: VecDeque::new(),
        }
    }

    /// Record one refusal; true when the connection has now had too many.
    pub fn refuse(&mut self, now: Instant) -> bool {
        while let Some(first) = self.refusals.front() {
            if now.saturating_duration_since(*first) > self.window {
                self.refusals.pop_front();
            } else {
                break;
            }
        }
        self.refusals.push_back(now);
        self.refusals.len() >= self.limit
    }
}

impl Default for AbuseMeter {
    fn default() -> Self {
        AbuseMeter::new(ABUSE_REFUSALS, ABUSE_WINDOW)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_allows_a_burst_then_the_sustained_rate() {
        let t0 = Instant::now();
        let mut b = TokenBucket::new(10.0, 30.0, t0);
        assert_eq!((0..40).filter(|_| b.allow(t0)).count(), 30);
        assert!(b.allow(t0 + Duration::from_millis(100)));
        assert!(!b.allow(t0 + Duration::from_millis(100)));
    }

    #[test]
    fn abuse_counts_only_within_the_window() {
        let t0 = Instant::now();
        let mut m = AbuseMeter::new(3, Duration::from_secs(60));
        assert!(!m.refuse(t0));
        assert!(!m.refuse(t0));
        assert!(
            !m.refuse(t0 + Duration::from_secs(120)),
            "the first two fell out of the window"
        );
        assert!(!m.refuse(t0 + Duration::from_secs(121)));
        assert!(m.refuse(t0 + Duration::from_secs(122)));
    }
}
