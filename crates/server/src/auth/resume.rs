//! Resume credentials: 32 random bytes, base64url, handed out with every welcome so that a
//! dropped connection comes back without the original (single-use) token. Only a SHA-256 of
//! each credential is kept, in memory, with the entrant it stands for.

use std::collections::HashMap;
use std::sync::Mutex;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use podium_protocol::{ErrorCode, Millis};
use podium_room::Entrant;
use sha2::{Digest, Sha256};

use super::lock;

/// How long a resume credential stays good.
pub const RESUME_TTL_MS: Millis = 12 * 3600 * 1000;

/// What a credential stands for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResumeEntry {
    pub room: String,
    pub entrant: Entrant,
    pub expires_at: Millis,
}

#[derive(Debug, Default)]
pub struct ResumeStore {
    entries: Mutex<Entries>,
}

#[derive(Debug, Default)]
struct Entries {
    by_hash: HashMap<[u8; 32], ResumeEntry>,
    next_prune: Millis,
}

fn hash(credential: &[u8]) -> [u8; 32] {
    Sha256::digest(credential).into()
}

impl ResumeStore {
    /// Make a new credential for this entrant in this room.
    pub fn issue(&self, room: &str, entrant: &Entrant, now: Millis) -> String {
        let mut bytes = [0u8; 32];
        rand::Rng::fill(&mut rand::rng(), &mut bytes);
        let credential = URL_SAFE_NO_PAD.encode(bytes);
        let mut entries = lock(&self.entries);
        entries.prune(now);
        entries.by_hash.insert(
            hash(credential.as_bytes()),
            ResumeEntry {
                room: room.to_string(),
                entrant: entrant.clone(),
                expires_at: now.saturating_add(RESUME_TTL_MS),
            },
        );
        credential
    }

    /// What a credential stands for, if it is known and unexpired.
    pub fn redeem(&self, credential: &str, now: Millis) -> Result<ResumeEntry, ErrorCode> {
        let entries = lock(&self.entries);
        match entries.by_hash.get(&hash(credential.as_bytes())) {
            Some(e) if e.expires_at > now => Ok(e.clone()),
            _ => Err(ErrorCode::ResumeInvalid),
        }
    }

    pub fn len(&self) -> usize {
        lock(&self.entries).by_hash.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Entries {
    fn prune(&mut self, now: Millis) {
        if now < self.next_prune {
            return;
        }
        self.by_hash.retain(|_, e| e.expires_at > now);
        self.next_prune = now.saturating_add(60_000);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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
    fn credentials_redeem_until_they_expire() {
        let store = ResumeStore::default();
        let c = store.issue("r", &entrant(), 1000);
        assert_eq!(c.len(), 43);
        let e = store.redeem(&c, 2000);
        assert_eq!(e.map(|e| e.entrant), Ok(entrant()));
        assert_eq!(
            store.redeem(&c, 1000 + RESUME_TTL_MS),
            Err(ErrorCode::ResumeInvalid)
        );
        assert_eq!(
            store.redeem("nonsense", 2000),
            Err(ErrorCode::ResumeInvalid)
        );
    }
}
