use podium_protocol::{CloseReason, ErrorCode, Event, ParticipantId};

use crate::ConnId;

/// Who an event goes to. Resolve it to connections with [`crate::Room::recipients`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Audience {
    Everyone,
    Moderators,
    /// Everyone but moderators (who get a fuller view of the same thing).
    NotModerators,
    Participant(ParticipantId),
}

/// What the caller must do after an input, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Output {
    /// Send this event, numbered `seq`, to the audience's connections.
    Event {
        seq: u64,
        to: Audience,
        event: Event,
    },
    /// Answer one connection with an error; nothing changed.
    Error {
        conn: ConnId,
        code: ErrorCode,
        command: Option<&'static str>,
    },
    /// The connection entered as `participant`: send it a welcome with
    /// [`crate::Room::snapshot_for`] and a resume credential for `identity`.
    Welcome {
        conn: ConnId,
        participant: ParticipantId,
        identity: String,
    },
    /// Tell the connection why, then close it. It no longer belongs to the room.
    Close { conn: ConnId, reason: CloseReason },
    /// What of this participant's media the SFU may forward changed: forward exactly these kinds
    /// from now on, and stop the others at once. Emitted on every change, all false once they
    /// leave the stage or the room.
    Media {
        participant: ParticipantId,
        audio: bool,
        video: bool,
        screen: bool,
    },
}
