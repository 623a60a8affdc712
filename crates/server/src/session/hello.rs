//! Turning a hello's credentials into an [`Entrant`] for a room.

use podium_protocol::{Auth as HelloAuth, ErrorCode, MAX_IDENTITY_BYTES, MAX_NAME_CHARS};
use podium_room::{Entrant, RoomConfig};

use crate::clock::{now_ms, now_secs};
use crate::state::AppState;

/// Who is entering which room, and how that room starts if this is its first connection.
#[derive(Debug)]
pub struct Admission {
    pub room: String,
    pub entrant: Entrant,
    pub config: RoomConfig,
}

/// Verify the hello's credentials. Every refusal is an [`ErrorCode`] the client shows.
pub fn admit(state: &AppState, auth: HelloAuth, mobile: bool) -> Result<Admission, ErrorCode> {
    // Nothing over-long is decoded, verified or looked up.
    auth.check_limits()?;
    match auth {
        HelloAuth::Token { token } => {
            let claims = state.auth.accept_token(&token, now_secs())?;
            if claims.iss.len() + claims.sub.len() >= MAX_IDENTITY_BYTES {
                return Err(ErrorCode::InvalidToken);
            }
            let config = RoomConfig {
                title: claims.room_title.clone(),
                stage_mode: claims.stage_mode.unwrap_or_default(),
                ..room_config(state)
            };
            Ok(Admission {
                entrant: Entrant {
                    identity: format!("{}:{}", claims.iss, claims.sub),
                    name: display_name(&claims.name),
                    role: claims.role,
                    picture: claims.picture,
                    mobile,
                    via_link: None,
                },
                room: claims.room,
                config,
            })
        }
        HelloAuth::Invite { code, name } => {
            let claims = state.auth.accept_invite(&code, now_secs())?;
            let name = display_name(&name);
            if name.is_empty() {
                return Err(ErrorCode::NameRequired);
            }
            Ok(Admission {
                entrant: Entrant {
                    identity: format!("link:{}:{}", claims.jti, random_id()),
                    name,
                    role: claims.role,
                    picture: None,
                    mobile,
                    via_link: Some(claims.jti),
                },
                room: claims.room,
                config: room_config(state),
            })
        }
        HelloAuth::Resume { credential } => {
            let entry = state.auth.resume().redeem(&credential, now_ms())?;
            Ok(Admission {
                room: entry.room,
                entrant: Entrant {
                    mobile,
                    ..entry.entrant
                },
                config: room_config(state),
            })
        }
    }
}

/// How a room is set up if this connection is the first it ever had (a stored room keeps its own).
fn room_config(state: &AppState) -> RoomConfig {
    RoomConfig {
        grace: u64::try_from(state.config.grace.as_millis()).unwrap_or(u64::MAX),
        seat_limit: state.config.seat_limit,
        max_participants: state.config.max_participants,
        ..RoomConfig::default()
    }
}

/// A display name, trimmed and cut to [`MAX_NAME_CHARS`].
pub fn display_name(name: &str) -> String {
    name.trim()
        .chars()
        .take(MAX_NAME_CHARS)
        .collect::<String>()
        .trim_end()
        .to_string()
}

/// 16 random bytes, base64url: link ids and link holders' identities.
pub fn random_id() -> String {
    use base64::Engine as _;
    let mut bytes = [0u8; 16];
    rand::Rng::fill(&mut rand::rng(), &mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_cut() {
        assert_eq!(display_name("  Ada  "), "Ada");
        assert_eq!(
            display_name(&"x".repeat(100)).chars().count(),
            MAX_NAME_CHARS
        );
        assert_eq!(display_name("   "), "");
    }
}
