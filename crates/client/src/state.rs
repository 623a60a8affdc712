//! The room as this person sees it: the last snapshot with the events since applied in order.
//! A pure reducer (no signals, no browser) so it can be tested on its own; `app` keeps it in a
//! signal and exposes it through context.

use podium_protocol::{
    ChatMessage, Event, MyAnswer, Notice, ParticipantId, ParticipantView, PollId, Reaction,
    Snapshot, StageAccess, StageMode, CHAT_HISTORY,
};

/// The last snapshot with the events since applied (its `seq` is the last one applied), and
/// what only notices told.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoomState {
    pub room: Snapshot,
    /// Who invited you, while an invitation stands.
    pub invited_by: Option<String>,
    /// The standing invitation came from approving your request.
    pub approved: bool,
    /// Counts changes to the participants list, a fresh snapshot included: views of people
    /// follow this instead of the whole room, which changes with every chat message.
    pub people_version: u64,
}

impl std::ops::Deref for RoomState {
    type Target = Snapshot;
    fn deref(&self) -> &Snapshot {
        &self.room
    }
}

impl std::ops::DerefMut for RoomState {
    fn deref_mut(&mut self) -> &mut Snapshot {
        &mut self.room
    }
}

/// What an event means beyond the state: something to show or announce once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    Notice(Notice),
    /// Reactions to show, oldest first.
    Reactions(Vec<ShownReaction>),
    StageModeChanged(StageMode),
}

/// One reaction with the name of who sent it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShownReaction {
    pub from: ParticipantId,
    pub name: String,
    pub reaction: Reaction,
}

/// The result of offering an event to the state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Applied {
    /// Its `seq` was not above the state's: already included, ignored.
    Stale,
    /// Applied; nothing more to show.
    Quiet,
    /// Applied, with something to show.
    Effect(Effect),
}

impl RoomState {
    pub fn from_snapshot(mut room: Snapshot) -> Self {
        trim_chat(&mut room.chat);
        // Kept in id order (the server sends it so), for lookups by id in a room of thousands.
        room.participants.sort_unstable_by_key(|p| p.id);
        RoomState {
            room,
            invited_by: None,
            approved: false,
            people_version: 0,
        }
    }

    /// Replaces the state with a fresh snapshot, keeping what only notices told (the inviter).
    pub fn replace(&mut self, s: Snapshot) {
        let invited_by = self.invited_by.take();
        let approved = self.approved;
        let people_version = self.people_version + 1;
        *self = RoomState::from_snapshot(s);
        self.people_version = people_version;
        if self.you.stage == StageAccess::Invited {
            self.invited_by = invited_by;
            self.approved = approved;
        }
    }

    /// Applies one event in sequence order. Events with `seq` at or below the state's are ignored.
    pub fn apply(&mut self, seq: u64, event: Event) -> Applied {
        if seq <= self.seq {
            return Applied::Stale;
        }
        self.seq = seq;
        match event {
            Event::People { people, left } => {
                for participant in people {
                    self.upsert(participant);
                }
                if !left.is_empty() {
                    self.people_version += 1;
                    self.participants.retain(|p| !left.contains(&p.id));
                    self.requests.retain(|r| !left.contains(&r.participant));
                }
            }
            Event::Updated { participant } => self.upsert(participant),
            Event::FeaturesChanged { features } => self.features = features,
            Event::TitleChanged { title } => self.room_title = title,
            Event::StageModeChanged { mode } => {
                let changed = self.stage_mode != mode;
                self.stage_mode = mode;
                if changed {
                    return Applied::Effect(Effect::StageModeChanged(mode));
                }
            }
            Event::You { you } => {
                if you.stage != StageAccess::Invited {
                    self.invited_by = None;
                    self.approved = false;
                }
                self.you = you;
            }
            Event::Requests { requests } => self.requests = requests,
            Event::Invitations { invited } => self.invited = invited,
            Event::Notice { notice } => {
                match &notice {
                    Notice::Invited { by } => {
                        self.invited_by = Some(by.clone());
                        self.approved = false;
                    }
                    Notice::RequestApproved => self.approved = true,
                    Notice::InvitationCancelled => {
                        self.invited_by = None;
                        self.approved = false;
                    }
                    _ => {}
                }
                return Applied::Effect(Effect::Notice(notice));
            }
            Event::Chat { message } => self.add_chat(message),
            Event::ChatDeleted { message } => self.chat.retain(|m| m.id != message),
            Event::Reactions { reactions } => {
                let shown = reactions
                    .into_iter()
                    .map(|r| ShownReaction {
                        from: r.from,
                        name: self.name_of(r.from).unwrap_or_default(),
                        reaction: r.reaction,
                    })
                    .collect();
                return Applied::Effect(Effect::Reactions(shown));
            }
            Event::Poll { poll } => match self.polls.iter_mut().find(|p| p.id == poll.id) {
                Some(p) => *p = poll,
                None => self.polls.push(poll),
            },
            Event::Answered { answer } => {
                match self.my_answers.iter_mut().find(|a| a.poll == answer.poll) {
                    Some(a) => *a = answer,
                    None => self.my_answers.push(answer),
                }
            }
            Event::InviteLinks { links } => self.invite_links = links,
            Event::Banned { banned } => self.banned = banned,
        }
        Applied::Quiet
    }

    /// Puts a chat message in its place by id (replacing one with the same id).
    pub fn add_chat(&mut self, message: ChatMessage) {
        match self.chat.iter().position(|m| m.id >= message.id) {
            Some(i) if self.chat[i].id == message.id => self.chat[i] = message,
            Some(i) => self.chat.insert(i, message),
            None => self.chat.push(message),
        }
        trim_chat(&mut self.chat);
    }

    /// Replaces the entry with the same id, or adds it (also the pages of a long list that
    /// follow a welcome or snapshot).
    pub fn upsert(&mut self, participant: ParticipantView) {
        self.people_version += 1;
        if participant.id == self.you.participant {
            self.you.name = participant.name.clone();
        }
        match self
            .participants
            .binary_search_by_key(&participant.id, |p| p.id)
        {
            Ok(i) => self.participants[i] = participant,
            Err(i) => self.participants.insert(i, participant),
        }
    }

    /// The entry with this id: the list is kept in id order.
    pub fn participant(&self, id: ParticipantId) -> Option<&ParticipantView> {
        let i = self.participants.binary_search_by_key(&id, |p| p.id).ok()?;
        self.participants.get(i)
    }

    pub fn name_of(&self, id: ParticipantId) -> Option<String> {
        self.participant(id).map(|p| p.name.clone())
    }

    /// Your own entry in the list, when the server has sent it.
    pub fn me(&self) -> Option<&ParticipantView> {
        self.participant(self.you.participant)
    }

    pub fn on_stage(&self) -> Vec<ParticipantView> {
        self.participants
            .iter()
            .filter(|p| p.on_stage)
            .cloned()
            .collect()
    }

    pub fn viewers(&self) -> Vec<ParticipantView> {
        self.participants
            .iter()
            .filter(|p| !p.on_stage)
            .cloned()
            .collect()
    }

    /// Raised hands in the order they were raised: `(participant, place)` with places from 1.
    pub fn hand_order(&self) -> Vec<(ParticipantId, usize)> {
        let mut hands: Vec<(u64, ParticipantId)> = self
            .participants
            .iter()
            .filter_map(|p| p.hand.map(|h| (h, p.id)))
            .collect();
        hands.sort_unstable();
        hands
            .into_iter()
            .enumerate()
            .map(|(i, (_, id))| (id, i + 1))
            .collect()
    }

    /// Where this person's hand is in the line, from 1.
    pub fn hand_place(&self, id: ParticipantId) -> Option<usize> {
        self.hand_order()
            .into_iter()
            .find(|(p, _)| *p == id)
            .map(|(_, place)| place)
    }

    pub fn my_answer(&self, poll: PollId) -> Option<&MyAnswer> {
        self.my_answers.iter().find(|a| a.poll == poll)
    }
}

fn trim_chat(chat: &mut Vec<ChatMessage>) {
    if chat.len() > CHAT_HISTORY {
        let extra = chat.len() - CHAT_HISTORY;
        chat.drain(..extra);
    }
}
