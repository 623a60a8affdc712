//! A gate that opens at most once per interval, shared by callers on any thread: used to prune
//! expired records now and then rather than on every request.

use std::sync::atomic::{AtomicU64, Ordering};

pub(crate) struct Every {
    interval: u64,
    next: AtomicU64,
}

impl Every {
    pub(crate) const fn new(interval: u64) -> Every {
        Every {
            interval,
            next: AtomicU64::new(0),
        }
    }

    /// True for exactly one caller once `now` reaches the next due time (in the interval's unit).
    pub(crate) fn due(&self, now: u64) -> bool {
        let due = self.next.load(Ordering::Relaxed);
        now >= due
            && self
                .next
                .compare_exchange(
                    due,
                    now.saturating_add(self.interval),
                    Ordering::Relaxed,
                    Ordering::Relaxed,
                )
                .is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_once_per_interval() {
        let gate = Every::new(60);
        assert!(gate.due(100));
        assert!(!gate.due(100));
        assert!(!gate.due(159));
        assert!(gate.due(160));
    }
}
