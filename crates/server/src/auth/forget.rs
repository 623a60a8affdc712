//! A site's request to delete a room: an HS256 JWT with [`ForgetClaims`] and
//! `aud` = "podium-forget", so that no join token or link code can stand for one.

use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use podium_protocol::{ErrorCode, ForgetClaims, FORGET_AUDIENCE};

use super::token::{check_times, MAX_ROOM_CHARS};

/// Longest a request may be valid for: it is made to be sent at once.
pub const MAX_FORGET_LIFETIME_SECS: u64 = 300;

/// Check a request's signature, audience and times. `now` is in seconds; its `jti` is not
/// spent here.
pub fn verify_forget(key: &DecodingKey, token: &str, now: u64) -> Result<ForgetClaims, ErrorCode> {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.set_audience(&[FORGET_AUDIENCE]);
    validation.set_required_spec_claims(&["exp", "aud", "iss"]);
    validation.validate_exp = false;
    validation.validate_nbf = false;
    let claims = jsonwebtoken::decode::<ForgetClaims>(token, key, &validation)
        .map_err(|_| ErrorCode::InvalidToken)?
        .claims;
    check_times(claims.iat, None, claims.exp, now, MAX_FORGET_LIFETIME_SECS)?;
    if claims.aud != FORGET_AUDIENCE
        || claims.jti.is_empty()
        || claims.iss.is_empty()
        || claims.room.is_empty()
        || claims.room.chars().count() > MAX_ROOM_CHARS
    {
        return Err(ErrorCode::InvalidToken);
    }
    Ok(claims)
}
