use podium_protocol::{ClientMsg, Features, Millis, Role, StageMode};
use serde::{Deserialize, Serialize};

use crate::Output;

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
    /// The activity's settings, as the newest join token carries them: chat, reactions and
    /// polls on or off from now on, its name, and the stage mode a meeting starts in (taken up
    /// when the room is empty, so a moderator's change holds for the rest of their meeting).
    Configure {
        features: Features,
        #[serde(default)]
        stage_mode: Option<StageMode>,
        #[serde(default)]
        title: Option<String>,
    },
}

impl Input {
    /// Whether the room changed when it was given this input and answered `outputs`: what a
    /// store must log so that replaying the log rebuilds the same room.
    ///
    /// Every change the room makes is told to someone, so an input the room answered with
    /// nothing, or only with errors (a refused command), or a refused entry (no welcome), or a
    /// tick with nothing due, changed nothing and replays as nothing. Two inputs are told later
    /// rather than at once, and are kept by other signs: a dropped connection (everyone hears of
    /// it with the next `people` event; always kept, and one that changed nothing replays as
    /// nothing) and an accepted reaction (the next `reactions` event; kept unless refused).
    /// (The `replay` tests check this over random sessions.)
    pub fn changes_room(&self, outputs: &[Output]) -> bool {
        match self {
            Input::Restart | Input::Disconnect { .. } => true,
            // An accepted reaction is told with the next `reactions` event; a refused one is
            // answered with an error.
            Input::Command {
                msg: ClientMsg::React { .. },
                ..
            } => !outputs.iter().any(|o| matches!(o, Output::Error { .. })),
            Input::Connect { .. } => outputs.iter().any(|o| matches!(o, Output::Welcome { .. })),
            _ => outputs.iter().any(|o| !matches!(o, Output::Error { .. })),
        }
    }
}
