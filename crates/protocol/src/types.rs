use serde::{Deserialize, Serialize};

/// Milliseconds since the Unix epoch. The room never reads a clock: time comes in with each input.
pub type Millis = u64;

/// A participant's number within one room; the same person keeps it across reconnects.
pub type ParticipantId = u64;
/// A chat message's number within one room.
pub type MessageId = u64;
/// A poll's number within one room.
pub type PollId = u64;

/// What Moodle says a person is in this activity. Carried in the token, never chosen by a client.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Runs the room (`mod/podium:moderate`).
    Moderator,
    /// May join the stage directly in every stage mode (`mod/podium:present`).
    Presenter,
    /// A viewer who reaches the stage as the stage mode allows (`mod/podium:join`).
    Attendee,
}

/// How attendees may reach the stage.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[serde(rename_all = "snake_case")]
pub enum StageMode {
    /// Anyone may join the stage at any time.
    Open,
    /// Attendees ask; a moderator approves or declines.
    #[default]
    Request,
    /// Only a moderator's invitation brings an attendee on stage.
    Invite,
}

/// The fixed set of reactions. A small set keeps bursts readable and the wire closed.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Reaction {
    ThumbsUp,
    Heart,
    Laugh,
    Surprised,
    Clap,
    Celebrate,
}

impl Reaction {
    pub const ALL: [Reaction; 6] = [
        Reaction::ThumbsUp,
        Reaction::Heart,
        Reaction::Laugh,
        Reaction::Surprised,
        Reaction::Clap,
        Reaction::Celebrate,
    ];

    /// The emoji a client shows for this reaction.
    pub fn emoji(self) -> &'static str {
        match self {
            Reaction::ThumbsUp => "👍",
            Reaction::Heart => "❤️",
            Reaction::Laugh => "😂",
            Reaction::Surprised => "😮",
            Reaction::Clap => "👏",
            Reaction::Celebrate => "🎉",
        }
    }
}

/// What a media track carries. A screen share is video, told apart from the camera.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum MediaKind {
    Audio,
    Video,
    Screen,
}
