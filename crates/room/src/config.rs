use podium_protocol::{Millis, StageMode};
use serde::{Deserialize, Serialize};

/// How a room is set up when it is first opened.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct RoomConfig {
    pub title: Option<String>,
    /// The stage mode the room starts in; moderators may change it live.
    pub stage_mode: StageMode,
    /// Most people on stage at once.
    pub seat_limit: u32,
    /// Most participants in the room at once.
    pub max_participants: u32,
    /// How long a dropped participant's place (stage seat, hand, request) is held.
    pub grace: Millis,
}

impl Default for RoomConfig {
    fn default() -> Self {
        RoomConfig {
            title: None,
            stage_mode: StageMode::Request,
            seat_limit: 25,
            max_participants: 20_000,
            grace: 60_000,
        }
    }
}
