//! Resume credentials: 32 random bytes, base64url, handed out with every welcome so that a
//! dropped connection (or a restarted server) takes the person back without the original
//! (single-use) token. Only a SHA-256 of each credential is stored, with the entrant it stands
//! for; the credential itself is never stored or logged.

use std::sync::Arc;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use podium_protocol::{ErrorCode, Millis};
use podium_room::Entrant;
use sha2::{Digest, Sha256};

use super::every::Every;
use crate::store::{ResumeEntry, Store, StoreError};

/// How long a resume credential stays good.
pub const RESUME_TTL_MS: Millis = 12 * 3600 * 1000;
/// How often expired credentials are swept out.
const PRUNE_EVERY_MS: Millis = 60_000;

pub struct ResumeStore {
    store: Arc<dyn Store>,
    next_prune: Every,
}

fn hash(credential: &[u8]) -> [u8; 32] {
    Sha256::digest(credential).into()
}

impl ResumeStore {
    pub fn new(store: Arc<dyn Store>) -> ResumeStore {
        ResumeStore {
            store,
            next_prune: Every::new(PRUNE_EVERY_MS),
        }
    }

    /// Make and store a new credential for this entrant in this room.
    pub fn issue(&self, room: &str, entrant: &Entrant, now: Millis) -> Result<String, StoreError> {
        self.prune(now);
        let mut bytes = [0u8; 32];
        rand::Rng::fill(&mut rand::rng(), &mut bytes);
        let credential = URL_SAFE_NO_PAD.encode(bytes);
        self.store.put_resume(
            &hash(credential.as_bytes()),
            &ResumeEntry {
                room: room.to_string(),
                entrant: entrant.clone(),
                expires_at: now.saturating_add(RESUME_TTL_MS),
            },
        )?;
        Ok(credential)
    }

    /// What a credential stands for, if it is known and unexpired.
    pub fn redeem(&self, credential: &str, now: Millis) -> Result<ResumeEntry, ErrorCode> {
        match self.store.resume(&hash(credential.as_bytes()), now) {
            Ok(Some(entry)) => Ok(entry),
            Ok(None) => Err(ErrorCode::ResumeInvalid),
            Err(e) => {
                tracing::error!(error = %e, "could not look up a resume credential");
                Err(ErrorCode::Internal)
            }
        }
    }

    fn prune(&self, now: Millis) {
        if !self.next_prune.due(now) {
            return;
        }
        if let Err(e) = self.store.prune_resume(now) {
            tracing::warn!(error = %e, "could not prune expired resume credentials");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::SqliteStore;
    use podium_protocol::Role;

    fn entrant() -> Entrant {
        Entrant {
            identity: "s:1".into(),
            name: "Ada".into(),
            role: Role::Attendee,
            picture: None,
            mobile: false,
            via_link: None,
        }
    }

    #[test]
    fn credentials_redeem_until_they_expire_and_only_their_hash_is_kept() {
        let store = Arc::new(SqliteStore::open_in_memory().unwrap());
        let resume = ResumeStore::new(store.clone());
        let c = resume.issue("r", &entrant(), 1000).unwrap();
        assert_eq!(c.len(), 43);
        let e = resume.redeem(&c, 2000);
        assert_eq!(e.map(|e| e.entrant), Ok(entrant()));
        assert_eq!(
            resume.redeem(&c, 1000 + RESUME_TTL_MS),
            Err(ErrorCode::ResumeInvalid)
        );
        assert_eq!(
            resume.redeem("nonsense", 2000),
            Err(ErrorCode::ResumeInvalid)
        );
        assert!(store.resume(&hash(c.as_bytes()), 2000).unwrap().is_some());
    }
}
