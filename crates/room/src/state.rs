//! The records a room keeps, how each is shown on the wire, and the room saved whole.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

use podium_protocol::{
    ChatMessage, InviteLinkView, Millis, ParticipantId, ParticipantView, Role, StageAccess,
    StageMode,
};
use serde::{Deserialize, Serialize};

use crate::people::PeopleChanges;
use crate::polls::Poll;
use crate::reactions::PendingReactions;
use crate::rules::{self, Forwarding, StageState};
use crate::{ConnId, Room, RoomConfig};

/// One person in the room, connected or with their place held after a drop.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub(crate) struct Participant {
    pub id: ParticipantId,
    pub identity: String,
    pub name: String,
    pub role: Role,
    pub picture: Option<String>,
    pub mobile: bool,
    /// The live connection, or `None` while the place is held.
    pub conn: Option<ConnId>,
    /// When the connection dropped; the place is given up `grace` after it.
    pub dropped_at: Option<Millis>,
    pub stage: StageState,
    /// Order key of a raised hand.
    pub hand: Option<u64>,
    pub mic: bool,
    pub camera: bool,
    pub screen: bool,
    /// What the SFU was last told it may forward of this person's media.
    pub forwarded: Forwarding,
    /// The stage access this person was last told, so only changes are sent.
    pub told: Option<StageAccess>,
}

impl Participant {
    /// What the rules let the SFU forward of this person's media now.
    pub fn forwarding(&self) -> Forwarding {
        rules::forwarding(self.stage.on_stage, self.mic, self.camera, self.screen)
    }

    pub fn view(&self) -> ParticipantView {
        ParticipantView {
            id: self.id,
            name: self.name.clone(),
            role: self.role,
            picture: self.picture.clone(),
            on_stage: self.stage.on_stage,
            hand: self.hand,
            mic: self.mic,
            camera: self.camera,
            screen: self.screen,
            connected: self.conn.is_some(),
            mobile: self.mobile,
        }
    }
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub(crate) struct InviteLink {
    pub id: String,
    pub role: Role,
    pub code: String,
    pub created_at: Millis,
    pub expires_at: Millis,
    pub revoked: bool,
}

impl InviteLink {
    pub fn view(&self) -> InviteLinkView {
        InviteLinkView {
            id: self.id.clone(),
            role: self.role,
            code: self.code.clone(),
            created_at: self.created_at,
            expires_at: self.expires_at,
            revoked: self.revoked,
        }
    }
}

/// Cuts a string to at most `max` characters.
pub(crate) fn truncate_chars(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

/// A room's whole state, for a store to keep in place of the inputs that led to it: a room
/// restored from it ([`Room::restore`]) answers every later input exactly as the room it was
/// saved from. Lookup tables that follow from the participants are rebuilt, not saved.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct SavedRoom {
    config: RoomConfig,
    stage_mode: StageMode,
    seq: u64,
    next_participant: ParticipantId,
    next_hand: u64,
    next_message: u64,
    next_poll: u64,
    participants: Vec<Participant>,
    requests: Vec<(ParticipantId, Millis)>,
    chat: Vec<ChatMessage>,
    polls: Vec<Poll>,
    links: Vec<InviteLink>,
    banned: BTreeMap<String, String>,
    /// Sorted by participant, so the same room always saves to the same text.
    last_reaction: Vec<(ParticipantId, Millis)>,
    /// Entries and exits not yet told to everyone.
    #[serde(default)]
    people: PeopleChanges,
    /// Reactions not yet told to everyone.
    #[serde(default)]
    reactions: PendingReactions,
}

impl SavedRoom {
    /// The config the room was opened with.
    pub fn config(&self) -> &RoomConfig {
        &self.config
    }
}

impl Room {
    /// The room's whole state, between two inputs.
    pub fn save(&self) -> SavedRoom {
        // Every field is named, so a new one cannot be forgotten here.
        let Room {
            config,
            stage_mode,
            seq,
            next_participant,
            next_hand,
            next_message,
            next_poll,
            participants,
            by_identity: _,
            by_conn: _,
            held: _,
            moderators: _,
            requests,
            chat,
            polls,
            links,
            banned,
            last_reaction,
            people,
            reactions,
            out: _,
        } = self;
        let mut last_reaction: Vec<(ParticipantId, Millis)> =
            last_reaction.iter().map(|(&id, &at)| (id, at)).collect();
        last_reaction.sort_unstable();
        SavedRoom {
            config: config.clone(),
            stage_mode: *stage_mode,
            seq: *seq,
            next_participant: *next_participant,
            next_hand: *next_hand,
            next_message: *next_message,
            next_poll: *next_poll,
            participants: participants.values().cloned().collect(),
            requests: requests.clone(),
            chat: chat.iter().cloned().collect(),
            polls: polls.clone(),
            links: links.clone(),
            banned: banned.clone(),
            last_reaction,
            people: people.clone(),
            reactions: reactions.clone(),
        }
    }

    /// The room [`Room::save`] saved, with its lookup tables rebuilt.
    pub fn restore(saved: SavedRoom) -> Room {
        let participants: BTreeMap<ParticipantId, Participant> =
            saved.participants.into_iter().map(|p| (p.id, p)).collect();
        let by_identity: HashMap<String, ParticipantId> = participants
            .values()
            .map(|p| (p.identity.clone(), p.id))
            .collect();
        let by_conn: HashMap<ConnId, ParticipantId> = participants
            .values()
            .filter_map(|p| Some((p.conn?, p.id)))
            .collect();
        let moderators: BTreeSet<ParticipantId> = participants
            .values()
            .filter(|p| rules::is_moderator(p.role))
            .map(|p| p.id)
            .collect();
        let held: BTreeSet<(Millis, ParticipantId)> = participants
            .values()
            .filter_map(|p| Some((p.dropped_at?, p.id)))
            .collect();
        Room {
            config: saved.config,
            stage_mode: saved.stage_mode,
            seq: saved.seq,
            next_participant: saved.next_participant,
            next_hand: saved.next_hand,
            next_message: saved.next_message,
            next_poll: saved.next_poll,
            participants,
            by_identity,
            by_conn,
            held,
            moderators,
            requests: saved.requests,
            chat: VecDeque::from(saved.chat),
            polls: saved.polls,
            links: saved.links,
            banned: saved.banned,
            last_reaction: saved.last_reaction.into_iter().collect(),
            people: saved.people,
            reactions: saved.reactions,
            out: Vec::new(),
        }
    }
}
