//! Who may enter: join tokens, invitation codes and resume credentials.
//!
//! Tokens are HS256 JWTs checked with the `jsonwebtoken` crate as `docs/token.md` says; each
//! failure maps to the [`ErrorCode`] a client shows. Nothing here logs a token or credential.

mod every;
mod forget;
mod invite;
mod jti;
mod resume;
mod token;

use std::sync::{Arc, Mutex, MutexGuard};

use jsonwebtoken::{DecodingKey, EncodingKey};
use podium_protocol::{Claims, ErrorCode, ForgetClaims, InviteClaims};

use crate::config::Secret;
use crate::store::Store;

pub use crate::store::ResumeEntry;
pub use forget::{verify_forget, MAX_FORGET_LIFETIME_SECS};
pub use invite::{sign_invite, verify_invite};
pub use jti::UsedTokens;
pub use resume::{ResumeStore, RESUME_TTL_MS};
pub use token::{mint_token, verify_token, LEEWAY_SECS, MAX_ROOM_CHARS};

/// The server's keys and the (stored) memory of what was already used.
pub struct Auth {
    encoding: EncodingKey,
    decoding: DecodingKey,
    max_lifetime: u64,
    used: UsedTokens,
    resume: ResumeStore,
}

impl Auth {
    /// Spent token ids and resume credentials are kept in `store`.
    pub fn new(secret: &Secret, max_lifetime: u64, store: Arc<dyn Store>) -> Auth {
        Auth {
            encoding: EncodingKey::from_secret(secret.bytes()),
            decoding: DecodingKey::from_secret(secret.bytes()),
            max_lifetime,
            used: UsedTokens::new(store.clone()),
            resume: ResumeStore::new(store),
        }
    }

    /// Verify a join token and spend its `jti`. `now` is in seconds.
    pub fn accept_token(&self, token: &str, now: u64) -> Result<Claims, ErrorCode> {
        let claims = self.check_token(token, now)?;
        self.spend_token(&claims, now)?;
        Ok(claims)
    }

    /// Verify a join token without spending it: a hello refused for what comes after (entering
    /// too often) leaves the token good for another try.
    pub fn check_token(&self, token: &str, now: u64) -> Result<Claims, ErrorCode> {
        verify_token(&self.decoding, token, now, self.max_lifetime)
    }

    /// Spend a verified token's `jti`; `token_reused` if it was spent already.
    pub fn spend_token(&self, claims: &Claims, now: u64) -> Result<(), ErrorCode> {
        self.spend(&claims.iss, &claims.jti, claims.exp, now)
    }

    /// Spend the id `jti` of a request `iss` signed, kept until it could no longer be accepted.
    fn spend(&self, iss: &str, jti: &str, exp: u64, now: u64) -> Result<(), ErrorCode> {
        let expires = exp.saturating_add(LEEWAY_SECS);
        if !self.used.use_once(iss, jti, expires, now)? {
            return Err(ErrorCode::TokenReused);
        }
        Ok(())
    }

    /// Verify a site's request to delete a room and spend its `jti`. `now` is in seconds.
    pub fn accept_forget(&self, token: &str, now: u64) -> Result<ForgetClaims, ErrorCode> {
        let claims = verify_forget(&self.decoding, token, now)?;
        self.spend(&claims.iss, &claims.jti, claims.exp, now)?;
        Ok(claims)
    }

    /// Verify an invitation link's code (signature, audience, expiry). Revocation is the room's.
    pub fn accept_invite(&self, code: &str, now: u64) -> Result<InviteClaims, ErrorCode> {
        verify_invite(&self.decoding, code, now)
    }

    /// Sign an invitation link's code.
    pub fn sign_invite(&self, claims: &InviteClaims) -> Result<String, ErrorCode> {
        sign_invite(&self.encoding, claims)
    }

    /// Sign an attendance callback: base64url HMAC-SHA256 of `message` under the shared secret.
    pub fn sign_callback(&self, message: &[u8]) -> Result<String, ErrorCode> {
        jsonwebtoken::crypto::sign(message, &self.encoding, jsonwebtoken::Algorithm::HS256)
            .map_err(|_| ErrorCode::Internal)
    }

    pub fn resume(&self) -> &ResumeStore {
        &self.resume
    }
}

/// Lock a mutex, carrying on with the data if another thread panicked while holding it.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
