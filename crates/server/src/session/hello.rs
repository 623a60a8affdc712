//! Turning a hello's credentials into an [`Entrant`] for a room.

use std::time::Instant;

use podium_protocol::{Auth as HelloAuth, ErrorCode, MAX_IDENTITY_BYTES, MAX_NAME_CHARS};
use podium_room::{Entrant, RoomConfig};

use crate::clock::{now_ms, now_secs};
use crate::room_actor::Settings;
use crate::state::AppState;

/// Who is entering which room, and how that room starts if this is its first connection.
#[derive(Debug)]
pub struct Admission {
    pub room: String,
    pub entrant: Entrant,
    pub config: RoomConfig,
    /// The activity's settings from a join token (they update a room already open).
    pub settings: Settings,
}

/// Verify the hello's credentials, then hold the identity to its entry budget. Every refusal
/// is an [`ErrorCode`] the client shows.
pub fn admit(state: &AppState, auth: HelloAuth, mobile: bool) -> Result<Admission, ErrorCode> {
    // Nothing over-long is decoded, verified or looked up.
    auth.check_limits()?;
    let may_enter = |identity: &str| {
        if state.limits.entry_of(identity, Instant::now()) {
            Ok(())
        } else {
            Err(ErrorCode::RateLimited)
        }
    };
    match auth {
        HelloAuth::Token { token } => {
            let claims = state.auth.check_token(&token, now_secs())?;
            // The identity is `iss:sub`: an issuer with a `:` would make two people one (and
            // the user id read back for attendance wrong).
            if claims.iss.len() + claims.sub.len() >= MAX_IDENTITY_BYTES || claims.iss.contains(':')
            {
                return Err(ErrorCode::InvalidToken);
            }
            let identity = format!("{}:{}", claims.iss, claims.sub);
            // Turned away for entering too often, the token is not spent: it may try again.
            may_enter(&identity)?;
            if let Err(e) = state.auth.spend_token(&claims, now_secs()) {
                state.limits.entry_refused(&identity, Instant::now());
                return Err(e);
            }
            let config = RoomConfig {
                title: claims.room_title.clone(),
                stage_mode: claims.stage_mode.unwrap_or_default(),
                features: claims.features.unwrap_or_default(),
                callback: claims.callback.clone(),
                ..room_config(state)
            };
            Ok(Admission {
                entrant: Entrant {
                    identity,
                    name: display_name(&claims.name),
                    role: claims.role,
                    picture: claims.picture,
                    mobile,
                    via_link: None,
                },
                room: claims.room,
                config,
                settings: Settings {
                    features: claims.features,
                    stage_mode: claims.stage_mode,
                    title: claims.room_title.clone(),
                },
            })
        }
        HelloAuth::Invite { code, name, guest } => {
            let claims = state.auth.accept_invite(&code, now_secs())?;
            let name = display_name(&name);
            if name.is_empty() {
                return Err(ErrorCode::NameRequired);
            }
            let guest = guest.as_deref().map_or_else(random_id, guest_id);
            let identity = format!("link:{}:{guest}", claims.jti);
            may_enter(&identity)?;
            Ok(Admission {
                entrant: Entrant {
                    identity,
                    name,
                    role: claims.role,
                    picture: None,
                    mobile,
                    via_link: Some(claims.jti),
                },
                room: claims.room,
                config: room_config(state),
                settings: Settings::default(),
            })
        }
        HelloAuth::Resume { credential } => {
            let entry = state.auth.resume().redeem(&credential, now_ms())?;
            may_enter(&entry.entrant.identity)?;
            Ok(Admission {
                room: entry.room,
                entrant: Entrant {
                    mobile,
                    ..entry.entrant
                },
                config: room_config(state),
                settings: Settings::default(),
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

/// A guest's part of their identity, from the key their browser keeps: hashed, so that an
/// identity a moderator sees (in the removed list) does not give the key away.
fn guest_id(key: &str) -> String {
    use sha2::Digest as _;
    id_text(&sha2::Sha256::digest(key.as_bytes())[..16])
}

/// 16 random bytes, base64url: link ids and link holders' identities.
pub fn random_id() -> String {
    let mut bytes = [0u8; 16];
    rand::Rng::fill(&mut rand::rng(), &mut bytes);
    id_text(&bytes)
}

fn id_text(bytes: &[u8]) -> String {
    use base64::Engine as _;
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
