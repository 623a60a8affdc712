use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

use podium_protocol::{
    ChatMessage, ClientMsg, ErrorCode, Event, Millis, ParticipantId, Snapshot, StageMode,
};

use crate::people::PeopleChanges;
use crate::polls::Poll;
use crate::reactions::PendingReactions;
use crate::rules::{self, Forwarding};
use crate::state::{InviteLink, Participant};
use crate::{Audience, ConnId, Input, Output, RoomConfig};

/// One room's whole state. See the crate docs.
pub struct Room {
    pub(crate) config: RoomConfig,
    pub(crate) stage_mode: StageMode,
    /// The number of the last event; every event takes the next one.
    pub(crate) seq: u64,
    pub(crate) next_participant: ParticipantId,
    /// Order keys for raised hands, so hands sort by when they went up.
    pub(crate) next_hand: u64,
    pub(crate) next_message: u64,
    pub(crate) next_poll: u64,
    pub(crate) participants: BTreeMap<ParticipantId, Participant>,
    pub(crate) by_identity: HashMap<String, ParticipantId>,
    pub(crate) by_conn: HashMap<ConnId, ParticipantId>,
    /// Places held for people whose connection dropped, by when it dropped: the next place to
    /// give up is the first, without a look at everyone in a crowded room.
    pub(crate) held: BTreeSet<(Millis, ParticipantId)>,
    pub(crate) moderators: BTreeSet<ParticipantId>,
    /// Pending stage requests, oldest first.
    pub(crate) requests: Vec<(ParticipantId, Millis)>,
    pub(crate) chat: VecDeque<ChatMessage>,
    pub(crate) polls: Vec<Poll>,
    pub(crate) links: Vec<InviteLink>,
    /// Identities removed from the session, with the name they had.
    pub(crate) banned: BTreeMap<String, String>,
    pub(crate) last_reaction: HashMap<ParticipantId, Millis>,
    /// Entries and exits not yet told to everyone.
    pub(crate) people: PeopleChanges,
    /// Reactions not yet told to everyone.
    pub(crate) reactions: PendingReactions,
    pub(crate) out: Vec<Output>,
}

impl Room {
    pub fn new(config: RoomConfig) -> Room {
        Room {
            stage_mode: config.stage_mode,
            config,
            seq: 0,
            next_participant: 1,
            next_hand: 1,
            next_message: 1,
            next_poll: 1,
            participants: BTreeMap::new(),
            by_identity: HashMap::new(),
            by_conn: HashMap::new(),
            held: BTreeSet::new(),
            moderators: BTreeSet::new(),
            requests: Vec::new(),
            chat: VecDeque::new(),
            polls: Vec::new(),
            links: Vec::new(),
            banned: BTreeMap::new(),
            last_reaction: HashMap::new(),
            people: PeopleChanges::default(),
            reactions: PendingReactions::default(),
            out: Vec::new(),
        }
    }

    /// Apply one input at time `now` and return what the caller must do, in order.
    pub fn handle(&mut self, now: Millis, input: Input) -> Vec<Output> {
        match input {
            Input::Connect { conn, entrant } => self.connect(now, conn, entrant),
            Input::Disconnect { conn } => self.disconnect(now, conn),
            Input::Tick => self.tick(now),
            Input::Configure {
                features,
                stage_mode,
                title,
            } => self.configure(features, stage_mode, title),
            Input::Restart => self.restart(now),
            Input::CreateInviteLink { conn, link } => {
                if let Some(id) = self.by_conn.get(&conn).copied() {
                    let result = self.create_invite_link(now, id, link);
                    self.refuse_on_error(conn, "create_invite_link", result);
                } else {
                    self.error(conn, ErrorCode::HelloRequired, Some("create_invite_link"));
                }
            }
            Input::Command { conn, msg } => {
                let kind = msg.kind();
                if let Some(id) = self.by_conn.get(&conn).copied() {
                    let result = self.command(now, id, msg);
                    self.refuse_on_error(conn, kind, result);
                } else {
                    self.error(conn, ErrorCode::HelloRequired, Some(kind));
                }
            }
        }
        if self.anyone_left() {
            self.flush_people();
        }
        std::mem::take(&mut self.out)
    }

    fn command(&mut self, now: Millis, id: ParticipantId, msg: ClientMsg) -> Result<(), ErrorCode> {
        crate::features::require_feature(self.config.features, &msg)?;
        match msg {
            // The session answers these itself; a hello after the welcome is a mistake.
            ClientMsg::Hello { .. } => Err(ErrorCode::AlreadyWelcomed),
            ClientMsg::Ping | ClientMsg::Sync => Ok(()),
            // The server signs links before they reach the room as `Input::CreateInviteLink`.
            ClientMsg::CreateInviteLink { .. } => Err(ErrorCode::Internal),
            ClientMsg::JoinStage => self.join_stage(id),
            ClientMsg::AskToJoinStage => self.ask_to_join_stage(now, id),
            ClientMsg::CancelRequest => self.cancel_request(id),
            ClientMsg::DeclineInvitation => self.decline_invitation(id),
            ClientMsg::LeaveStage => Err(ErrorCode::CannotLeaveStage),
            ClientMsg::SetMedia {
                mic,
                camera,
                screen,
            } => self.set_media(id, mic, camera, screen),
            // Media signalling is the server's SFU business; the room decides only what is
            // forwarded (see `Output::Media`).
            ClientMsg::MediaOffer { .. }
            | ClientMsg::MediaAnswer { .. }
            | ClientMsg::IceCandidate { .. }
            | ClientMsg::MediaView { .. } => Ok(()),
            ClientMsg::RaiseHand => self.raise_hand(id),
            ClientMsg::LowerHand => self.lower_hand(id, false),
            ClientMsg::Chat { text } => self.chat(now, id, &text),
            ClientMsg::React { reaction } => self.react(now, id, reaction),
            ClientMsg::AnswerPoll { poll, choices } => self.answer_poll(now, id, poll, &choices),
            moderator_msg => {
                rules::require_moderator(self.participant(id)?.role)?;
                self.moderate(id, moderator_msg)
            }
        }
    }

    /// The whole room as this participant sees it.
    pub fn snapshot_for(&self, participant: ParticipantId) -> Option<Snapshot> {
        let me = self.participants.get(&participant)?;
        let moderator = rules::is_moderator(me.role);
        Some(Snapshot {
            seq: self.seq,
            room_title: self.config.title.clone(),
            stage_mode: self.stage_mode,
            seat_limit: self.config.seat_limit,
            features: self.config.features,
            you: self.you_view(me),
            participants: self.participants.values().map(Participant::view).collect(),
            chat: self.chat.iter().cloned().collect(),
            polls: self.polls.iter().map(|p| p.view_for(moderator)).collect(),
            my_answers: self.my_answers(&me.identity),
            requests: if moderator {
                self.request_views()
            } else {
                Vec::new()
            },
            invited: if moderator {
                self.invited()
            } else {
                Vec::new()
            },
            invite_links: if moderator {
                self.link_views()
            } else {
                Vec::new()
            },
            banned: if moderator {
                self.banned_views()
            } else {
                Vec::new()
            },
        })
    }

    /// The connections an audience stands for now.
    pub fn recipients(&self, to: Audience) -> Vec<ConnId> {
        match to {
            Audience::Everyone => self.participants.values().filter_map(|p| p.conn).collect(),
            Audience::Moderators => self
                .moderators
                .iter()
                .filter_map(|id| self.participants.get(id)?.conn)
                .collect(),
            Audience::NotModerators => self
                .participants
                .values()
                .filter(|p| !rules::is_moderator(p.role))
                .filter_map(|p| p.conn)
                .collect(),
            Audience::Participant(id) => self
                .participants
                .get(&id)
                .and_then(|p| p.conn)
                .into_iter()
                .collect(),
        }
    }

    /// When the room next needs an [`Input::Tick`], if ever.
    pub fn poll_timeout(&self) -> Option<Millis> {
        let place_expires = self
            .held
            .first()
            .map(|(dropped, _)| dropped.saturating_add(self.config.grace));
        [
            place_expires,
            self.counts_due(),
            self.people_due(),
            self.reactions_due(),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// No one is in the room and no place is being held: the caller may drop the room.
    pub fn is_idle(&self) -> bool {
        self.participants.is_empty()
    }

    /// How the room was set up when it was first opened.
    pub fn config(&self) -> &RoomConfig {
        &self.config
    }

    pub fn stage_mode(&self) -> StageMode {
        self.stage_mode
    }

    /// People in the room, connected or with their place held.
    pub fn participant_count(&self) -> usize {
        self.participants.len()
    }

    /// Whether this participant has a stage seat now (for attendance reports).
    pub fn is_on_stage(&self, participant: ParticipantId) -> bool {
        self.participants
            .get(&participant)
            .is_some_and(|p| p.stage.on_stage)
    }

    pub(crate) fn participant(&self, id: ParticipantId) -> Result<&Participant, ErrorCode> {
        self.participants
            .get(&id)
            .ok_or(ErrorCode::UnknownParticipant)
    }

    pub(crate) fn participant_mut(
        &mut self,
        id: ParticipantId,
    ) -> Result<&mut Participant, ErrorCode> {
        self.participants
            .get_mut(&id)
            .ok_or(ErrorCode::UnknownParticipant)
    }

    /// Queues an event under the next sequence number.
    pub(crate) fn emit(&mut self, to: Audience, event: Event) {
        self.seq += 1;
        self.out.push(Output::Event {
            seq: self.seq,
            to,
            event,
        });
    }

    pub(crate) fn error(&mut self, conn: ConnId, code: ErrorCode, command: Option<&'static str>) {
        self.out.push(Output::Error {
            conn,
            code,
            command,
        });
    }

    fn refuse_on_error(
        &mut self,
        conn: ConnId,
        command: &'static str,
        result: Result<(), ErrorCode>,
    ) {
        if let Err(code) = result {
            self.error(conn, code, Some(command));
        }
    }

    /// Tells everyone how this person now appears, and the SFU what of their media it may
    /// forward if that changed.
    pub(crate) fn publish(&mut self, id: ParticipantId) {
        if let Some(p) = self.participants.get(&id) {
            let participant = p.view();
            let forwarding = p.forwarding();
            if forwarding != p.forwarded {
                self.direct_media(id, forwarding);
            }
            self.emit(Audience::Everyone, Event::Updated { participant });
        }
    }

    /// Tells the SFU what it may forward of this person's media, and remembers it.
    pub(crate) fn direct_media(&mut self, id: ParticipantId, forwarding: Forwarding) {
        if let Some(p) = self.participants.get_mut(&id) {
            p.forwarded = forwarding;
        }
        self.out.push(Output::Media {
            participant: id,
            audio: forwarding.audio,
            video: forwarding.video,
            screen: forwarding.screen,
        });
    }

    /// Everyone whose media may be forwarded now, as directives: what an SFU that starts afresh
    /// (after a restart, say) needs to catch up with the room.
    pub fn media_directives(&self) -> Vec<Output> {
        self.participants
            .values()
            .filter(|p| p.forwarded != Forwarding::NONE)
            .map(|p| Output::Media {
                participant: p.id,
                audio: p.forwarded.audio,
                video: p.forwarded.video,
                screen: p.forwarded.screen,
            })
            .collect()
    }

    pub(crate) fn publish_requests(&mut self) {
        let requests = self.request_views();
        self.emit(Audience::Moderators, Event::Requests { requests });
    }

    /// Everyone with an invitation to the stage they have not answered, by id.
    fn invited(&self) -> Vec<ParticipantId> {
        self.participants
            .iter()
            .filter(|(_, p)| p.stage.invited)
            .map(|(&id, _)| id)
            .collect()
    }

    /// Give or withdraw someone's invitation to the stage; moderators hear of every change.
    pub(crate) fn set_invited(
        &mut self,
        id: ParticipantId,
        invited: bool,
    ) -> Result<(), ErrorCode> {
        let p = self.participant_mut(id)?;
        if p.stage.invited != invited {
            p.stage.invited = invited;
            self.publish_invitations();
        }
        Ok(())
    }

    /// Tell moderators who is invited, after an invitation was made, answered or withdrawn.
    pub(crate) fn publish_invitations(&mut self) {
        let invited = self.invited();
        self.emit(Audience::Moderators, Event::Invitations { invited });
    }
}
