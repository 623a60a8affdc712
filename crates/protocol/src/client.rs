use serde::{Deserialize, Serialize};

use crate::{MediaKind, MessageId, ParticipantId, PollId, Reaction, Role, StageMode};

/// How a client proves who it is in its hello.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Auth {
    /// A join token signed by the Moodle site (or `podium-server token`).
    Token { token: String },
    /// The code of an invitation link, with the display name its holder typed, and a random
    /// key the browser keeps for its guests: the same key through the same link is the same
    /// person, so a removal holds when they open the link again.
    Invite {
        code: String,
        name: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        guest: Option<String>,
    },
    /// The resume credential from an earlier welcome, to come back after a dropped connection.
    Resume { credential: String },
}

/// One of the client's sending m-lines, named by its `mid`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct SendTrack {
    pub mid: String,
    pub kind: MediaKind,
}

/// How large one received video is shown, in device pixels: `0×0` when it is not on screen.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct TrackView {
    pub mid: String,
    pub width: u16,
    pub height: u16,
}

/// Everything a client may send. The first message on a socket must be [`ClientMsg::Hello`];
/// every later one is an intent the server may refuse with an error.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientMsg {
    Hello {
        protocol: u32,
        auth: Auth,
        /// A phone or tablet: enters as a viewer.
        #[serde(default)]
        mobile: bool,
    },
    /// Keeps the connection alive; answered with `pong`.
    Ping,
    /// Ask for a fresh snapshot (after a gap).
    Sync,

    // Stage, as the stage mode allows.
    /// Go on stage: directly where allowed, or accepting an invitation.
    JoinStage,
    /// Request mode: ask a moderator to let you on stage.
    AskToJoinStage,
    /// Withdraw a pending request.
    CancelRequest,
    /// Turn down an invitation to the stage.
    DeclineInvitation,
    /// Always refused: only a moderator removes someone from the stage.
    LeaveStage,
    /// Your own microphone, camera and screen-share state (turning any on needs a stage seat).
    SetMedia {
        mic: bool,
        camera: bool,
        #[serde(default)]
        screen: bool,
    },

    // Media signalling for the one peer connection of this client (see docs/protocol.md).
    /// An SDP offer from the client: `sendonly` audio, video and screen transceivers when on
    /// stage, `recvonly` ones otherwise. Answered with `media_answer`.
    MediaOffer {
        sdp: String,
        /// What the client's sending m-lines carry; an unlisted video m-line is the camera.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        tracks: Vec<SendTrack>,
    },
    /// The answer to a server's `media_offer`.
    MediaAnswer {
        sdp: String,
    },
    /// A trickled ICE candidate (`candidate:…` line as the browser gives it).
    IceCandidate {
        candidate: String,
    },
    /// The size each received video is shown at, so the SFU forwards the simulcast layer that
    /// fits it (within the bandwidth the connection has). Sent when a tile changes size.
    MediaView {
        views: Vec<TrackView>,
    },

    // Around the stage, for everyone.
    RaiseHand,
    LowerHand,
    Chat {
        text: String,
    },
    React {
        reaction: Reaction,
    },
    AnswerPoll {
        poll: PollId,
        choices: Vec<u8>,
    },

    // Moderators.
    ApproveRequest {
        participant: ParticipantId,
    },
    DeclineRequest {
        participant: ParticipantId,
    },
    InviteToStage {
        participant: ParticipantId,
    },
    CancelInvitation {
        participant: ParticipantId,
    },
    RemoveFromStage {
        participant: ParticipantId,
    },
    Mute {
        participant: ParticipantId,
    },
    LowerHandOf {
        participant: ParticipantId,
    },
    LowerAllHands,
    /// Remove from the session; that identity cannot come back until the removal is lifted.
    RemoveFromSession {
        participant: ParticipantId,
    },
    /// Let a removed identity (the `identity` of a [`crate::BannedView`]) back in.
    LiftRemoval {
        identity: String,
    },
    SetStageMode {
        mode: StageMode,
    },
    DeleteChat {
        message: MessageId,
    },
    CreatePoll {
        question: String,
        options: Vec<String>,
        #[serde(default)]
        multiple: bool,
        /// The right options: makes the poll a quiz.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        correct: Option<Vec<u8>>,
    },
    EndPoll {
        poll: PollId,
    },
    SharePollResults {
        poll: PollId,
    },
    /// Make an invitation link that enters its holder with `role` (presenter or moderator).
    CreateInviteLink {
        role: Role,
        expires_in_secs: u64,
    },
    RevokeInviteLink {
        id: String,
    },
}

/// Every `type` a client may send: the names [`ClientMsg::kind`] gives.
pub const CLIENT_MESSAGE_TYPES: [&str; 35] = [
    "hello",
    "ping",
    "sync",
    "join_stage",
    "ask_to_join_stage",
    "cancel_request",
    "decline_invitation",
    "leave_stage",
    "set_media",
    "media_offer",
    "media_answer",
    "ice_candidate",
    "media_view",
    "raise_hand",
    "lower_hand",
    "chat",
    "react",
    "answer_poll",
    "approve_request",
    "decline_request",
    "invite_to_stage",
    "cancel_invitation",
    "remove_from_stage",
    "mute",
    "lower_hand_of",
    "lower_all_hands",
    "remove_from_session",
    "lift_removal",
    "set_stage_mode",
    "delete_chat",
    "create_poll",
    "end_poll",
    "share_poll_results",
    "create_invite_link",
    "revoke_invite_link",
];

impl ClientMsg {
    /// The wire name of this message's type, used to say which command an error answers.
    pub fn kind(&self) -> &'static str {
        match self {
            ClientMsg::Hello { .. } => "hello",
            ClientMsg::Ping => "ping",
            ClientMsg::Sync => "sync",
            ClientMsg::JoinStage => "join_stage",
            ClientMsg::AskToJoinStage => "ask_to_join_stage",
            ClientMsg::CancelRequest => "cancel_request",
            ClientMsg::DeclineInvitation => "decline_invitation",
            ClientMsg::LeaveStage => "leave_stage",
            ClientMsg::SetMedia { .. } => "set_media",
            ClientMsg::MediaOffer { .. } => "media_offer",
            ClientMsg::MediaAnswer { .. } => "media_answer",
            ClientMsg::IceCandidate { .. } => "ice_candidate",
            ClientMsg::MediaView { .. } => "media_view",
            ClientMsg::RaiseHand => "raise_hand",
            ClientMsg::LowerHand => "lower_hand",
            ClientMsg::Chat { .. } => "chat",
            ClientMsg::React { .. } => "react",
            ClientMsg::AnswerPoll { .. } => "answer_poll",
            ClientMsg::ApproveRequest { .. } => "approve_request",
            ClientMsg::DeclineRequest { .. } => "decline_request",
            ClientMsg::InviteToStage { .. } => "invite_to_stage",
            ClientMsg::CancelInvitation { .. } => "cancel_invitation",
            ClientMsg::RemoveFromStage { .. } => "remove_from_stage",
            ClientMsg::Mute { .. } => "mute",
            ClientMsg::LowerHandOf { .. } => "lower_hand_of",
            ClientMsg::LowerAllHands => "lower_all_hands",
            ClientMsg::RemoveFromSession { .. } => "remove_from_session",
            ClientMsg::LiftRemoval { .. } => "lift_removal",
            ClientMsg::SetStageMode { .. } => "set_stage_mode",
            ClientMsg::DeleteChat { .. } => "delete_chat",
            ClientMsg::CreatePoll { .. } => "create_poll",
            ClientMsg::EndPoll { .. } => "end_poll",
            ClientMsg::SharePollResults { .. } => "share_poll_results",
            ClientMsg::CreateInviteLink { .. } => "create_invite_link",
            ClientMsg::RevokeInviteLink { .. } => "revoke_invite_link",
        }
    }
}
