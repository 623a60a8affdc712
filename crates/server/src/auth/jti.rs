//! The set of spent token ids, each kept until its token would have expired anyway.
//! Kept in memory; a durable store can take its place behind the same two methods.

use std::collections::HashMap;

#[derive(Debug, Default)]
pub struct UsedTokens {
    /// `iss` and `jti` → when the entry may be forgotten (seconds).
    seen: HashMap<(String, String), u64>,
    next_prune: u64,
}

impl UsedTokens {
    /// Spend `jti` of `iss`. False when it was already spent.
    pub fn use_once(&mut self, iss: &str, jti: &str, forget_after: u64, now: u64) -> bool {
        self.prune(now);
        let key = (iss.to_string(), jti.to_string());
        if self.seen.get(&key).is_some_and(|&until| until >= now) {
            return false;
        }
        self.seen.insert(key, forget_after);
        true
    }

    fn prune(&mut self, now: u64) {
        if now < self.next_prune {
            return;
        }
        self.seen.retain(|_, &mut until| until >= now);
        self.next_prune = now.saturating_add(60);
    }

    pub fn len(&self) -> usize {
        self.seen.len()
    }

    pub fn is_empty(&self) -> bool {
        self.seen.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_jti_is_spent_once_and_forgotten_after_expiry() {
        let mut u = UsedTokens::default();
        assert!(u.use_once("s", "a", 100, 10));
        assert!(!u.use_once("s", "a", 100, 20));
        assert!(
            u.use_once("t", "a", 100, 20),
            "another issuer's ids are its own"
        );
        assert!(u.use_once("s", "b", 100, 30));
        assert!(u.use_once("s", "c", 500, 200));
        assert_eq!(u.len(), 1, "expired entries are pruned");
    }
}
