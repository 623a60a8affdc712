use serde::{Deserialize, Serialize};

use crate::{
    ErrorCode, Features, MediaKind, MessageId, Millis, ParticipantId, PollId, Reaction, Role,
    StageMode,
};

/// Everything the server sends.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerMsg {
    /// The answer to a good hello: who you are, how to come back, and the whole room as you see it.
    Welcome {
        protocol: u32,
        /// Present it in `auth: {type: "resume"}` to reconnect without the original token.
        resume: String,
        snapshot: Box<Snapshot>,
        /// STUN/TURN servers for the peer connection, with time-limited credentials; empty when
        /// the server has none configured (the SFU's own host candidate is then all there is).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        ice_servers: Vec<IceServer>,
    },
    /// Something changed. `seq` grows with every event of the room; a client ignores events
    /// with a `seq` not above its snapshot's, and asks for `sync` after a reconnect.
    Event {
        seq: u64,
        event: Event,
    },
    /// A fresh snapshot, in answer to `sync`.
    Snapshot {
        snapshot: Box<Snapshot>,
    },
    /// The rest of the participants list of the welcome or snapshot just sent, in pages, so
    /// that no frame grows with the room. They come straight after it, before any event; add
    /// each to the list.
    Participants {
        participants: Vec<ParticipantView>,
    },
    /// The rest of the chat history of the welcome or snapshot just sent, oldest first, in
    /// pages like `participants` (they come straight after it, before any event); add each.
    ChatHistory {
        messages: Vec<ChatMessage>,
    },
    /// A message or command was refused. Nothing changed; the connection stays open.
    Error {
        code: ErrorCode,
        message: String,
        /// The `type` of the client message this answers, when there is one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        command: Option<String>,
    },
    /// The server is about to close this connection, and why.
    Closing {
        reason: CloseReason,
        message: String,
    },
    Pong,
    /// The SFU's answer to the client's `media_offer`.
    MediaAnswer {
        sdp: String,
    },
    /// The SFU renegotiates (tracks to forward appeared or went away); answer with `media_answer`.
    MediaOffer {
        sdp: String,
    },
    /// Which incoming m-line carries whose media: the whole current list, sent after every
    /// negotiation that changed it.
    MediaTracks {
        tracks: Vec<MediaTrack>,
    },
}

/// One `RTCIceServer` entry, as a browser's `RTCPeerConnection` configuration takes it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct IceServer {
    pub urls: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential: Option<String>,
}

/// An incoming m-line (`mid`) and the participant and kind of media it carries.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct MediaTrack {
    pub mid: String,
    pub participant: ParticipantId,
    pub kind: MediaKind,
}

impl ServerMsg {
    pub fn error(code: ErrorCode, command: Option<&str>) -> ServerMsg {
        ServerMsg::Error {
            code,
            message: code.message().to_string(),
            command: command.map(str::to_string),
        }
    }

    pub fn closing(reason: CloseReason) -> ServerMsg {
        ServerMsg::Closing {
            reason,
            message: reason.message().to_string(),
        }
    }
}

/// Why the server closes a connection.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum CloseReason {
    /// The same person opened the room in another window.
    Replaced,
    /// A moderator removed this person from the session.
    Removed,
    /// Too many bad or too many messages.
    Abuse,
    /// The server is restarting; reconnect.
    ServerShutdown,
    /// The hello was refused (see the error sent before).
    Refused,
    /// Too many connections from the same address are open without having entered yet.
    TooManyConnections,
    /// The site deleted this room (its activity was deleted).
    RoomDeleted,
}

impl CloseReason {
    pub fn message(self) -> &'static str {
        match self {
            CloseReason::Replaced => "You opened this session in another window, so this one was closed.",
            CloseReason::Removed => "A moderator removed you from this session.",
            CloseReason::Abuse => "This connection sent too many messages that could not be accepted, so it was closed.",
            CloseReason::ServerShutdown => "The server is restarting. Reconnecting…",
            CloseReason::Refused => "You could not enter this session.",
            CloseReason::TooManyConnections => "Too many connections from your network are waiting to enter. Try again in a moment.",
            CloseReason::RoomDeleted => "This session was deleted.",
        }
    }
}

/// One change to the room, addressed by the server to the people who should see it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// Who entered, dropped, came back or left since the last `people` event: the room gathers
    /// these into one event at most every 100 ms (at once when someone leaves for good), so a
    /// crowd entering at once is a handful of events rather than one per person. Apply `people` first (each replaces the entry with its
    /// `id`, or is added), then remove `left`.
    People {
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        people: Vec<ParticipantView>,
        /// Left for good (or their grace period after a dropped connection ran out).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        left: Vec<ParticipantId>,
    },
    /// Someone's stage seat, hand, microphone or camera changed.
    Updated {
        participant: ParticipantView,
    },
    StageModeChanged {
        mode: StageMode,
    },
    /// The activity's settings turned chat, reactions or polls on or off (someone entered with
    /// a token carrying the new settings): show or hide their controls.
    FeaturesChanged {
        features: Features,
    },
    /// The activity was renamed (someone entered with a token carrying the new name).
    TitleChanged {
        title: Option<String>,
    },
    /// Only to you: what you may do about the stage now.
    You {
        you: YouView,
    },
    /// Only to moderators: the queue of stage requests, oldest first.
    Requests {
        requests: Vec<StageRequest>,
    },
    /// Only to moderators: everyone invited onto the stage (by a moderator, or by the approval
    /// of their request) who has not answered yet.
    Invitations {
        invited: Vec<ParticipantId>,
    },
    /// Something worth a notice for the people it is addressed to.
    Notice {
        notice: Notice,
    },
    Chat {
        message: ChatMessage,
    },
    ChatDeleted {
        message: MessageId,
    },
    /// Reactions sent since the last `reactions` event, oldest first, gathered into one event
    /// at most every 200 ms: a burst from a large audience is a few events, not one per person.
    Reactions {
        reactions: Vec<ReactionFrom>,
    },
    /// A poll was created or changed. Counts are present for moderators, and for everyone once shared.
    Poll {
        poll: PollView,
    },
    /// Only to you: your answer was counted.
    Answered {
        answer: MyAnswer,
    },
    /// Only to moderators: the room's invitation links.
    InviteLinks {
        links: Vec<InviteLinkView>,
    },
    /// Only to moderators: identities removed from the session.
    Banned {
        banned: Vec<BannedView>,
    },
}

/// Happenings a client shows as a notice and announces to screen readers.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Notice {
    /// To moderators: someone asks to join the stage.
    StageRequested {
        participant: ParticipantId,
        name: String,
    },
    /// To the asker: the request was approved; an invitation follows.
    RequestApproved,
    /// To the asker: the request was declined; they may ask again later.
    RequestDeclined,
    /// To the asker: the stage mode changed and the request was closed.
    RequestClosed,
    /// To the invitee: a moderator invites you to the stage.
    Invited { by: String },
    /// To the invitee: the invitation was withdrawn.
    InvitationCancelled,
    /// To moderators: someone turned down an invitation.
    InvitationDeclined {
        participant: ParticipantId,
        name: String,
    },
    /// To the person: a moderator removed you from the stage.
    RemovedFromStage,
    /// To the person: a moderator turned your microphone off.
    Muted,
    /// To the person: a moderator lowered your hand.
    HandLowered,
}

/// One person as everyone sees them in the participants list and on stage.
///
/// Lists of these go to everyone in the room, so fields at their usual value are left out on
/// the wire (`false`; `connected` is `true` when left out): a viewer is
/// `{"id":7,"name":"Ada","role":"attendee"}`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct ParticipantView {
    pub id: ParticipantId,
    pub name: String,
    pub role: Role,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub picture: Option<String>,
    /// In the **On stage** section; otherwise among the **Viewers**.
    #[serde(default, skip_serializing_if = "is_false")]
    pub on_stage: bool,
    /// When raised: the order key. Lower keys were raised first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hand: Option<u64>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub mic: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub camera: bool,
    /// Sharing their screen.
    #[serde(default, skip_serializing_if = "is_false")]
    pub screen: bool,
    /// False while this person's connection is down and their place is being held.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub connected: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub mobile: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

fn is_true(b: &bool) -> bool {
    *b
}

fn yes() -> bool {
    true
}

/// One reaction and who sent it.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReactionFrom {
    pub from: ParticipantId,
    pub reaction: Reaction,
}

/// Where you stand with the stage: the one thing a client reads to decide which button to show.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum StageAccess {
    /// On stage.
    OnStage,
    /// May go on stage now: show **Join stage**.
    Direct,
    /// Request mode: show **Ask to join stage**.
    Ask,
    /// A request is waiting: show **Cancel request**.
    Pending,
    /// A moderator invites you: show **Join the stage** and **Decline**.
    Invited,
    /// No way onto the stage now: no stage button.
    None,
}

/// What you yourself may do.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct YouView {
    pub participant: ParticipantId,
    pub name: String,
    pub role: Role,
    pub stage: StageAccess,
    /// Moderator controls are shown.
    pub moderator: bool,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct StageRequest {
    pub participant: ParticipantId,
    pub name: String,
    pub at: Millis,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct ChatMessage {
    pub id: MessageId,
    pub from: ParticipantId,
    pub name: String,
    pub role: Role,
    pub text: String,
    pub at: Millis,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct PollView {
    pub id: PollId,
    pub question: String,
    pub options: Vec<String>,
    pub multiple: bool,
    /// A quiz has right answers.
    pub quiz: bool,
    pub open: bool,
    pub shared: bool,
    /// Answers per option, and how many people answered, where you may see them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counts: Option<Vec<u32>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answered: Option<u32>,
    /// The right options of a quiz, where you may see them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correct: Option<Vec<u8>>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct MyAnswer {
    pub poll: PollId,
    pub choices: Vec<u8>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct InviteLinkView {
    pub id: String,
    pub role: Role,
    /// Put after `/join#invite=` to make the link.
    pub code: String,
    pub created_at: Millis,
    pub expires_at: Millis,
    pub revoked: bool,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct BannedView {
    pub identity: String,
    pub name: String,
}

/// The whole room as one participant sees it: sent on welcome and on `sync`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Snapshot {
    /// The `seq` of the last event this snapshot includes.
    pub seq: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub room_title: Option<String>,
    pub stage_mode: StageMode,
    pub seat_limit: u32,
    /// Chat, reactions and polls on or off for this room (all on when absent).
    #[serde(default)]
    pub features: Features,
    pub you: YouView,
    pub participants: Vec<ParticipantView>,
    pub chat: Vec<ChatMessage>,
    pub polls: Vec<PollView>,
    pub my_answers: Vec<MyAnswer>,
    /// Moderators only; empty for others.
    pub requests: Vec<StageRequest>,
    /// Moderators only; empty for others.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub invited: Vec<ParticipantId>,
    /// Moderators only; empty for others.
    pub invite_links: Vec<InviteLinkView>,
    /// Moderators only; empty for others.
    pub banned: Vec<BannedView>,
}
