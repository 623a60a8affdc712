use podium_protocol::{Millis, ParticipantId, Snapshot};

use crate::{Audience, ConnId, Input, Output, RoomConfig};

/// One room's whole state. See the crate docs.
pub struct Room {
    config: RoomConfig,
}

impl Room {
    pub fn new(config: RoomConfig) -> Room {
        Room { config }
    }

    /// Apply one input at time `now` and return what the caller must do, in order.
    pub fn handle(&mut self, _now: Millis, _input: Input) -> Vec<Output> {
        let _ = &self.config;
        Vec::new()
    }

    /// The whole room as this participant sees it.
    pub fn snapshot_for(&self, _participant: ParticipantId) -> Option<Snapshot> {
        None
    }

    /// The connections an audience stands for now.
    pub fn recipients(&self, _to: Audience) -> Vec<ConnId> {
        Vec::new()
    }

    /// When the room next needs an [`Input::Tick`], if ever.
    pub fn poll_timeout(&self) -> Option<Millis> {
        None
    }

    /// No one is connected and no place is being held: the caller may drop the room.
    pub fn is_idle(&self) -> bool {
        true
    }
}
