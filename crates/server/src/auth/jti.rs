//! Spent token ids, kept in the store until their token would have expired anyway, so that a
//! join token cannot be used twice, not even across a server restart.

use std::sync::Arc;

use podium_protocol::ErrorCode;

use super::every::Every;
use crate::store::Store;

/// How often expired ids are swept out, in seconds.
const PRUNE_EVERY_SECS: u64 = 60;

pub struct UsedTokens {
    store: Arc<dyn Store>,
    next_prune: Every,
}

impl UsedTokens {
    pub fn new(store: Arc<dyn Store>) -> UsedTokens {
        UsedTokens {
            store,
            next_prune: Every::new(PRUNE_EVERY_SECS),
        }
    }

    /// Spend `jti` of `iss`, remembered until `forget_after` (seconds). `Ok(false)` when it was
    /// already spent; `Err(Internal)` when the store failed (the token is then not accepted).
    pub fn use_once(
        &self,
        iss: &str,
        jti: &str,
        forget_after: u64,
        now: u64,
    ) -> Result<bool, ErrorCode> {
        self.prune(now);
        self.store
            .use_token_id(iss, jti, forget_after)
            .map_err(|e| {
                tracing::error!(error = %e, "could not record a used token id");
                ErrorCode::Internal
            })
    }

    fn prune(&self, now: u64) {
        if !self.next_prune.due(now) {
            return;
        }
        if let Err(e) = self.store.prune_token_ids(now) {
            tracing::warn!(error = %e, "could not prune expired token ids");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::SqliteStore;

    #[test]
    fn a_jti_is_spent_once_and_forgotten_after_expiry() {
        let u = UsedTokens::new(Arc::new(SqliteStore::open_in_memory().unwrap()));
        assert_eq!(u.use_once("s", "a", 100, 10), Ok(true));
        assert_eq!(u.use_once("s", "a", 100, 20), Ok(false));
        assert_eq!(
            u.use_once("t", "a", 100, 20),
            Ok(true),
            "another issuer's ids are its own"
        );
        assert_eq!(u.use_once("s", "b", 100, 30), Ok(true));
        // A minute later the sweep runs: both ids expired at 100 are forgotten.
        assert_eq!(u.use_once("s", "c", 500, 200), Ok(true));
        assert_eq!(u.use_once("s", "a", 300, 200), Ok(true));
    }
}
