//! Invitation link codes: HS256 JWTs with [`InviteClaims`] and `aud` = "podium-invite".

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use podium_protocol::{ErrorCode, InviteClaims, Role, INVITE_AUDIENCE};

pub fn sign_invite(key: &EncodingKey, claims: &InviteClaims) -> Result<String, ErrorCode> {
    jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, key)
        .map_err(|_| ErrorCode::Internal)
}

/// Check a link's code. `now` is in seconds. The server issued it, so no clock skew is allowed.
pub fn verify_invite(key: &DecodingKey, code: &str, now: u64) -> Result<InviteClaims, ErrorCode> {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.set_audience(&[INVITE_AUDIENCE]);
    validation.set_required_spec_claims(&["exp", "aud"]);
    // The expiry is checked below against the caller's clock.
    validation.validate_exp = false;
    validation.validate_nbf = false;
    let claims = jsonwebtoken::decode::<InviteClaims>(code, key, &validation)
        .map_err(|_| ErrorCode::InvalidInviteLink)?
        .claims;
    if claims.exp <= now {
        return Err(ErrorCode::InviteLinkExpired);
    }
    if claims.aud != INVITE_AUDIENCE
        || claims.jti.is_empty()
        || claims.room.is_empty()
        || claims.role == Role::Attendee
    {
        return Err(ErrorCode::InvalidInviteLink);
    }
    Ok(claims)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_expire() {
        let now = crate::clock::now_secs();
        let enc = EncodingKey::from_secret(b"s");
        let dec = DecodingKey::from_secret(b"s");
        let c = InviteClaims {
            aud: INVITE_AUDIENCE.into(),
            room: "r".into(),
            jti: "l1".into(),
            role: Role::Presenter,
            iat: now,
            exp: now + 60,
        };
        let code = sign_invite(&enc, &c);
        assert_eq!(
            code.clone().and_then(|c| verify_invite(&dec, &c, now)),
            Ok(c.clone())
        );
        assert_eq!(
            code.and_then(|c| verify_invite(&dec, &c, now + 61)),
            Err(ErrorCode::InviteLinkExpired)
        );
        let code = sign_invite(&enc, &InviteClaims { exp: now - 1, ..c });
        assert_eq!(
            code.and_then(|c| verify_invite(&dec, &c, now)),
            Err(ErrorCode::InviteLinkExpired)
        );
    }
}
