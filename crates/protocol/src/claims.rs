use serde::{Deserialize, Serialize};

use crate::{Features, Role, StageMode};

/// The `aud` of a join token.
pub const TOKEN_AUDIENCE: &str = "podium";
/// The `aud` of an invitation link's code.
pub const INVITE_AUDIENCE: &str = "podium-invite";
/// The `aud` of a site's request to delete a room (`POST /rooms/forget`).
pub const FORGET_AUDIENCE: &str = "podium-forget";

/// The claims of a join token (a JWT signed HS256 with the shared secret), as `docs/token.md` gives them.
/// An unknown `role` or `stage_mode` fails to decode, so such a token is refused.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Claims {
    /// The issuing site (a Moodle site's id).
    pub iss: String,
    /// Always [`TOKEN_AUDIENCE`].
    pub aud: String,
    /// The user's id within `iss`.
    pub sub: String,
    /// Display name.
    pub name: String,
    pub role: Role,
    /// Opaque room id.
    pub room: String,
    pub iat: u64,
    pub exp: u64,
    /// Unique token id; each token is accepted once.
    pub jti: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub picture: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub room_title: Option<String>,
    /// The mode a room starts in when it is first opened.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage_mode: Option<StageMode>,
    /// Chat, reactions and polls on or off; a room takes them when it is first opened.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub features: Option<Features>,
    /// Where the server reports attendance (joins, leaves, time on stage, poll answers); see
    /// `docs/attendance.md`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback: Option<String>,
}

/// The claims inside an invitation link's code (HS256, same secret, `aud` = [`INVITE_AUDIENCE`]).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct InviteClaims {
    pub aud: String,
    pub room: String,
    /// The link's id; revocation is by this id.
    pub jti: String,
    pub role: Role,
    pub iat: u64,
    pub exp: u64,
}

/// The claims of a site's request to delete a room and everything kept of it (HS256, same
/// secret, `aud` = [`FORGET_AUDIENCE`]): sent when a Moodle activity is deleted.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct ForgetClaims {
    /// The site asking.
    pub iss: String,
    pub aud: String,
    pub room: String,
    pub iat: u64,
    pub exp: u64,
    /// Unique request id; each is accepted once.
    pub jti: String,
}
