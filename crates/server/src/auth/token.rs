//! Join tokens: HS256 JWTs with [`Claims`].

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use podium_protocol::{Claims, ErrorCode, MAX_CALLBACK_URL_BYTES, TOKEN_AUDIENCE};

/// Clock skew tolerated on `exp`, `nbf` and `iat`, in seconds.
pub const LEEWAY_SECS: u64 = 30;
/// Longest room id.
pub const MAX_ROOM_CHARS: usize = 128;

/// Sign a join token (for `podium-server token`, the demo and tests).
pub fn mint_token(secret: &[u8], claims: &Claims) -> Result<String, jsonwebtoken::errors::Error> {
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(secret),
    )
}

/// Check a join token's signature, algorithm, audience and times. `now` is in seconds.
/// The `jti` is not spent here; see [`crate::auth::Auth::accept_token`].
pub fn verify_token(
    key: &DecodingKey,
    token: &str,
    now: u64,
    max_lifetime: u64,
) -> Result<Claims, ErrorCode> {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.set_audience(&[TOKEN_AUDIENCE]);
    validation.set_required_spec_claims(&["exp", "aud", "sub", "iss"]);
    // Times are checked below against the caller's clock, so that they can be tested.
    validation.validate_exp = false;
    validation.validate_nbf = false;
    let claims = jsonwebtoken::decode::<Claims>(token, key, &validation)
        .map_err(|_| ErrorCode::InvalidToken)?
        .claims;
    check_times(claims.iat, claims.nbf, claims.exp, now, max_lifetime)?;
    if claims.aud != TOKEN_AUDIENCE
        || claims.jti.is_empty()
        || claims.iss.is_empty()
        || claims.sub.is_empty()
        || claims.room.is_empty()
        || claims.room.chars().count() > MAX_ROOM_CHARS
        || !claims.callback.as_deref().is_none_or(is_callback_url)
    {
        return Err(ErrorCode::InvalidToken);
    }
    Ok(claims)
}

/// A signed request's times against the caller's clock (seconds), with [`LEEWAY_SECS`] of skew
/// either way: expired, not valid yet, or valid for longer than `max_lifetime`.
pub(super) fn check_times(
    iat: u64,
    nbf: Option<u64>,
    exp: u64,
    now: u64,
    max_lifetime: u64,
) -> Result<(), ErrorCode> {
    if exp.saturating_add(LEEWAY_SECS) < now {
        return Err(ErrorCode::TokenExpired);
    }
    if nbf.unwrap_or(iat).max(iat) > now.saturating_add(LEEWAY_SECS) {
        return Err(ErrorCode::TokenNotYetValid);
    }
    if exp.saturating_sub(iat) > max_lifetime {
        return Err(ErrorCode::TokenLifetimeTooLong);
    }
    Ok(())
}

/// An attendance callback must be an absolute `http` or `https` URL of a sane length.
fn is_callback_url(url: &str) -> bool {
    url.len() <= MAX_CALLBACK_URL_BYTES
        && (url.starts_with("https://") || url.starts_with("http://"))
        && !url.chars().any(|c| c.is_whitespace() || c.is_control())
}

#[cfg(test)]
mod tests {
    use super::*;
    use podium_protocol::Role;

    const SECRET: &[u8] = b"test-secret";

    fn claims(now: u64) -> Claims {
        Claims {
            iss: "site".into(),
            aud: TOKEN_AUDIENCE.into(),
            sub: "7".into(),
            name: "Ada".into(),
            role: Role::Moderator,
            room: "r".into(),
            iat: now,
            exp: now + 300,
            jti: "j1".into(),
            nbf: None,
            picture: None,
            locale: None,
            room_title: None,
            stage_mode: None,
            features: None,
            callback: None,
        }
    }

    fn check(c: &Claims, now: u64) -> Result<Claims, ErrorCode> {
        let t = mint_token(SECRET, c).map_err(|_| ErrorCode::Internal)?;
        verify_token(&DecodingKey::from_secret(SECRET), &t, now, 600)
    }

    #[test]
    fn a_good_token_verifies() {
        let now = crate::clock::now_secs();
        assert_eq!(check(&claims(now), now), Ok(claims(now)));
    }

    #[test]
    fn refusals_map_to_their_codes() {
        let now = crate::clock::now_secs();
        let mut c = claims(now);
        c.exp = now - 100;
        c.iat = now - 200;
        assert_eq!(check(&c, now), Err(ErrorCode::TokenExpired));
        let mut c = claims(now);
        c.nbf = Some(now + 200);
        assert_eq!(check(&c, now), Err(ErrorCode::TokenNotYetValid));
        let mut c = claims(now);
        c.exp = now + 3600;
        assert_eq!(check(&c, now), Err(ErrorCode::TokenLifetimeTooLong));
        let mut c = claims(now);
        c.aud = "other".into();
        assert_eq!(check(&c, now), Err(ErrorCode::InvalidToken));
        let mut c = claims(now);
        c.callback = Some("file:///etc/passwd".into());
        assert_eq!(check(&c, now), Err(ErrorCode::InvalidToken));
        c.callback = Some("https://moodle.example/mod/podium/callback.php".into());
        assert!(check(&c, now).is_ok());
        let t = mint_token(b"other", &claims(now)).map_err(|_| ErrorCode::Internal);
        assert_eq!(
            t.and_then(|t| verify_token(&DecodingKey::from_secret(SECRET), &t, now, 600)),
            Err(ErrorCode::InvalidToken)
        );
    }
}
