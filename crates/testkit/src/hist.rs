//! A latency histogram in microseconds that many tasks record into at once without a lock.
//!
//! Log-linear buckets: exact below 1,024 µs, then 512 buckets per power of two (at most
//! 0.2 % off), up to about 36 minutes; larger values count in the last bucket.

use std::sync::atomic::{AtomicU64, Ordering};

/// Sub-buckets per power of two, as a power of two.
const SUB_BITS: u32 = 9;
const SUB: usize = 1 << SUB_BITS;
const LINEAR: usize = 2 * SUB;
/// Powers of two above the linear range.
const OCTAVES: usize = 32;
const BUCKETS: usize = LINEAR + OCTAVES * SUB;

pub struct Histogram {
    buckets: Box<[AtomicU64]>,
    max: AtomicU64,
}

impl Default for Histogram {
    fn default() -> Self {
        Histogram::new()
    }
}

impl Histogram {
    pub fn new() -> Histogram {
        Histogram {
            buckets: (0..BUCKETS).map(|_| AtomicU64::new(0)).collect(),
            max: AtomicU64::new(0),
        }
    }

    pub fn record(&self, micros: u64) {
        self.buckets[index(micros)].fetch_add(1, Ordering::Relaxed);
        self.max.fetch_max(micros, Ordering::Relaxed);
    }

    pub fn count(&self) -> u64 {
        self.buckets.iter().map(|b| b.load(Ordering::Relaxed)).sum()
    }

    pub fn max(&self) -> u64 {
        self.max.load(Ordering::Relaxed)
    }

    /// The value at quantile `q` (0.0 to 1.0), in microseconds; 0 when empty.
    pub fn quantile(&self, q: f64) -> u64 {
        let total = self.count();
        if total == 0 {
            return 0;
        }
        let rank = ((q.clamp(0.0, 1.0) * total as f64).ceil() as u64).max(1);
        let mut seen = 0;
        for (i, b) in self.buckets.iter().enumerate() {
            seen += b.load(Ordering::Relaxed);
            if seen >= rank {
                return value(i).min(self.max());
            }
        }
        self.max()
    }

    /// Forget everything recorded.
    pub fn clear(&self) {
        for b in self.buckets.iter() {
            b.store(0, Ordering::Relaxed);
        }
        self.max.store(0, Ordering::Relaxed);
    }
}

fn index(v: u64) -> usize {
    if v < LINEAR as u64 {
        return v as usize;
    }
    // The highest set bit is at SUB_BITS + 1 or above; keep SUB_BITS + 1 bits of precision.
    let shift = 63 - v.leading_zeros() - SUB_BITS;
    let mantissa = (v >> shift) as usize; // in SUB..2*SUB
    let i = LINEAR + (shift as usize - 1) * SUB + (mantissa - SUB);
    i.min(BUCKETS - 1)
}

/// The middle of bucket `i`.
fn value(i: usize) -> u64 {
    if i < LINEAR {
        return i as u64;
    }
    let j = i - LINEAR;
    let shift = (j / SUB + 1) as u32;
    let mantissa = (j % SUB + SUB) as u64;
    (mantissa << shift) + (1u64 << shift) / 2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_contiguous_and_close() {
        let mut last = 0;
        for v in [
            0u64, 1, 1023, 1024, 1025, 2047, 2048, 10_000, 123_456, 9_999_999,
        ] {
            let i = index(v);
            assert!(i >= last);
            last = i;
            let back = value(i);
            let err = back.abs_diff(v) as f64 / (v.max(1)) as f64;
            assert!(err <= 0.002, "{v} -> {back}");
        }
    }

    #[test]
    fn quantiles() {
        let h = Histogram::new();
        for v in 1..=1000 {
            h.record(v);
        }
        assert_eq!(h.count(), 1000);
        assert_eq!(h.quantile(0.5), 500);
        assert_eq!(h.quantile(0.99), 990);
        assert_eq!(h.quantile(1.0), 1000);
        h.clear();
        assert_eq!(h.quantile(0.5), 0);
    }
}
