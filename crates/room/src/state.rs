//! The records a room keeps, and how each is shown on the wire.

use podium_protocol::{InviteLinkView, Millis, ParticipantId, ParticipantView, Role, StageAccess};

use crate::rules::{self, Forwarding, StageState};
use crate::ConnId;

/// One person in the room, connected or with their place held after a drop.
#[derive(Clone, Debug)]
pub(crate) struct Participant {
    pub id: ParticipantId,
    pub identity: String,
    pub name: String,
    pub role: Role,
    pub picture: Option<String>,
    pub mobile: bool,
    /// The live connection, or `None` while the place is held.
    pub conn: Option<ConnId>,
    /// When the connection dropped; the place is given up `grace` after it.
    pub dropped_at: Option<Millis>,
    pub stage: StageState,
    /// Order key of a raised hand.
    pub hand: Option<u64>,
    pub mic: bool,
    pub camera: bool,
    pub screen: bool,
    /// What the SFU was last told it may forward of this person's media.
    pub forwarded: Forwarding,
    /// The stage access this person was last told, so only changes are sent.
    pub told: Option<StageAccess>,
}

impl Participant {
    /// What the rules let the SFU forward of this person's media now.
    pub fn forwarding(&self) -> Forwarding {
        rules::forwarding(self.stage.on_stage, self.mic, self.camera, self.screen)
    }

    pub fn view(&self) -> ParticipantView {
        ParticipantView {
            id: self.id,
            name: self.name.clone(),
            role: self.role,
            picture: self.picture.clone(),
            on_stage: self.stage.on_stage,
            hand: self.hand,
            mic: self.mic,
            camera: self.camera,
            screen: self.screen,
            connected: self.conn.is_some(),
            mobile: self.mobile,
        }
    }
}

#[derive(Clone, Debug)]
pub(crate) struct InviteLink {
    pub id: String,
    pub role: Role,
    pub code: String,
    pub created_at: Millis,
    pub expires_at: Millis,
    pub revoked: bool,
}

impl InviteLink {
    pub fn view(&self) -> InviteLinkView {
        InviteLinkView {
            id: self.id.clone(),
            role: self.role,
            code: self.code.clone(),
            created_at: self.created_at,
            expires_at: self.expires_at,
            revoked: self.revoked,
        }
    }
}

/// Cuts a string to at most `max` characters.
pub(crate) fn truncate_chars(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}
