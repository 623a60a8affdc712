use podium_protocol::{ClientMsg, Millis, Role};
use serde::{Deserialize, Serialize};

/// The caller's number for one socket. A participant keeps their place across connections.
pub type ConnId = u64;

/// Someone whose credentials the caller has verified, asking to enter.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Entrant {
    /// Who this is across connections: `iss` and `sub` of the token, or the invitation link's holder.
    pub identity: String,
    pub name: String,
    pub role: Role,
    pub picture: Option<String>,
    /// A phone or tablet: enters as a viewer.
    pub mobile: bool,
    /// The id of the invitation link this person entered by; it must not be revoked or expired.
    pub via_link: Option<String>,
}

/// An invitation link the caller has signed; the room decides whether it may be made.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct NewInviteLink {
    pub id: String,
    pub role: Role,
    pub code: String,
    pub expires_at: Millis,
}

/// One thing that happens to the room.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Input {
    /// A connection with verified credentials asks to enter.
    Connect { conn: ConnId, entrant: Entrant },
    /// A connection closed (dropped or left). The place is held for the grace period.
    Disconnect { conn: ConnId },
    /// A participant's message after their hello.
    Command { conn: ConnId, msg: ClientMsg },
    /// `create_invite_link`, with the id and signed code the caller made for it.
    CreateInviteLink { conn: ConnId, link: NewInviteLink },
    /// Time passed: expire what is due (see [`crate::Room::poll_timeout`]).
    Tick,
    /// The server restarted with this room's state replayed from its store: every connection
    /// it knew is gone, so everyone's place is held for the grace period until they come back.
    Restart,
}
