use serde::{Deserialize, Serialize};

/// Which activities around the stage a room offers. The Moodle activity turns them on or off
/// (the `features` claim of the join token); each is on unless it is turned off.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[serde(default)]
pub struct Features {
    /// Room chat.
    pub chat: bool,
    /// Emoji reactions.
    pub reactions: bool,
    /// Polls and quizzes.
    pub polls: bool,
}

impl Features {
    /// Every feature on.
    pub const ALL_ON: Features = Features {
        chat: true,
        reactions: true,
        polls: true,
    };
}

impl Default for Features {
    fn default() -> Self {
        Features::ALL_ON
    }
}
