//! The dictionary shared by the Podium client and server.
//!
//! Every frame on the WebSocket is one JSON text message: the client sends [`ClientMsg`],
//! the server answers with [`ServerMsg`]. Both are tagged by a `type` field with snake_case
//! names; those names are the stable wire format described in `docs/protocol.md`.
//! This crate has no IO and builds for `wasm32-unknown-unknown` as well as natively.

mod checks;
mod claims;
mod client;
mod error;
mod features;
mod limits;
mod server;
mod types;

pub use claims::{
    Claims, ForgetClaims, InviteClaims, FORGET_AUDIENCE, INVITE_AUDIENCE, TOKEN_AUDIENCE,
};
pub use client::{Auth, ClientMsg, SendTrack, TrackView, CLIENT_MESSAGE_TYPES};
pub use error::ErrorCode;
pub use features::Features;
pub use limits::*;
pub use server::{
    BannedView, ChatMessage, CloseReason, Event, IceServer, InviteLinkView, MediaTrack, MyAnswer,
    Notice, ParticipantView, PollView, ReactionFrom, ServerMsg, Snapshot, StageAccess,
    StageRequest, YouView,
};
pub use types::{MediaKind, MessageId, Millis, ParticipantId, PollId, Reaction, Role, StageMode};

/// The protocol version a client names in its hello. The server refuses any other.
pub const PROTOCOL_VERSION: u32 = 2;
