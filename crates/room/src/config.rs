use podium_protocol::{Features, Millis, StageMode};
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
    /// Chat, reactions and polls on or off (the activity's settings).
    #[serde(default)]
    pub features: Features,
    /// Where the server reports this room's attendance. The room's rules never use it; it is
    /// kept here so that it lasts as long as the room.
    #[serde(default)]
    pub callback: Option<String>,
}

impl Default for RoomConfig {
    fn default() -> Self {
        RoomConfig {
            title: None,
            stage_mode: StageMode::Request,
            seat_limit: 25,
            max_participants: 20_000,
            grace: 60_000,
            features: Features::ALL_ON,
            callback: None,
        }
    }
}
