//! Caps on every field a client can send. The server rejects anything past them with an error.

/// Largest WebSocket frame the server reads, in bytes (an SDP offer with three simulcast
/// transceivers fits with room to spare).
pub const MAX_FRAME_BYTES: usize = 64 * 1024;
/// Longest chat message, in characters.
pub const MAX_CHAT_CHARS: usize = 1000;
/// Longest display name kept, in characters; longer names are cut.
pub const MAX_NAME_CHARS: usize = 64;
/// Longest poll question, in characters.
pub const MAX_QUESTION_CHARS: usize = 300;
/// Longest poll option, in characters.
pub const MAX_OPTION_CHARS: usize = 120;
/// Fewest and most options a poll may have.
pub const MIN_POLL_OPTIONS: usize = 2;
pub const MAX_POLL_OPTIONS: usize = 10;
/// Polls a room keeps at most; the oldest ended poll makes way for a new one.
pub const MAX_POLLS: usize = 20;
/// Chat messages a room keeps and a late joiner receives.
pub const CHAT_HISTORY: usize = 500;
/// Invitation links a room keeps at most.
pub const MAX_INVITE_LINKS: usize = 50;
/// Shortest and longest lifetime of an invitation link, in seconds.
pub const MIN_INVITE_LINK_SECS: u64 = 60;
pub const MAX_INVITE_LINK_SECS: u64 = 30 * 24 * 3600;
