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

// Caps on the size of what a client sends, checked before a message is acted on (see
// `ClientMsg::check_limits`). Counted in bytes of UTF-8 unless said otherwise.

/// Longest join token read at all; a longer one is `invalid_token` before it is decoded.
pub const MAX_TOKEN_BYTES: usize = 8 * 1024;
/// Longest invitation code read at all (`invalid_invite_link` beyond).
pub const MAX_INVITE_CODE_BYTES: usize = 2 * 1024;
/// Longest resume credential read at all (`resume_invalid` beyond; real ones are 43 bytes).
pub const MAX_RESUME_BYTES: usize = 128;
/// Longest display name a person may type with an invitation link (`field_too_long` beyond);
/// what is kept is then cut to [`MAX_NAME_CHARS`].
pub const MAX_NAME_INPUT_BYTES: usize = 1024;
/// Longest guest key sent with an invitation link (`field_too_long` beyond; the client's are
/// 36-byte UUIDs).
pub const MAX_GUEST_KEY_BYTES: usize = 128;
/// Longest identity (a token's `iss` and `sub`, or one named in `lift_removal`).
pub const MAX_IDENTITY_BYTES: usize = 512;
/// Longest invitation link id in `revoke_invite_link`.
pub const MAX_LINK_ID_BYTES: usize = 64;
/// Longest SDP offer or answer.
pub const MAX_SDP_BYTES: usize = 32 * 1024;
/// Longest trickled ICE candidate line.
pub const MAX_CANDIDATE_BYTES: usize = 1024;
/// Most sending tracks a media offer may describe, and the longest `mid` among them.
pub const MAX_SEND_TRACKS: usize = 8;
pub const MAX_MID_BYTES: usize = 32;
/// Most received videos a `media_view` may describe.
pub const MAX_TRACK_VIEWS: usize = 64;
/// Longest chat text read, before it is trimmed and counted in characters
/// ([`MAX_CHAT_CHARS`]); `chat_too_long` beyond.
pub const MAX_CHAT_BYTES: usize = 8 * MAX_CHAT_CHARS;
/// Longest poll question and option read, before trimming (`invalid_poll` beyond).
pub const MAX_QUESTION_BYTES: usize = 8 * MAX_QUESTION_CHARS;
pub const MAX_OPTION_BYTES: usize = 8 * MAX_OPTION_CHARS;
/// Longest attendance callback URL a join token may carry.
pub const MAX_CALLBACK_URL_BYTES: usize = 2048;
