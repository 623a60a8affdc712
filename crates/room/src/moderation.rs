//! What moderators do. `require_moderator` has already been checked by the caller.

use podium_protocol::{ClientMsg, ErrorCode, Event, Notice, ParticipantId, StageMode, MAX_POLLS};

use crate::polls::Poll;
use crate::rules;
use crate::{Audience, Room};

impl Room {
    pub(crate) fn moderate(&mut self, by: ParticipantId, msg: ClientMsg) -> Result<(), ErrorCode> {
        match msg {
            ClientMsg::ApproveRequest { participant } => self.approve_request(participant),
            ClientMsg::DeclineRequest { participant } => {
                self.take_request(participant)?;
                self.publish_requests();
                self.notify(participant, Notice::RequestDeclined);
                self.refresh_you(participant);
                Ok(())
            }
            ClientMsg::InviteToStage { participant } => self.invite(by, participant),
            ClientMsg::CancelInvitation { participant } => {
                if !self.participant(participant)?.stage.invited {
                    return Err(ErrorCode::NotInvited);
                }
                self.set_invited(participant, false)?;
                self.notify(participant, Notice::InvitationCancelled);
                self.refresh_you(participant);
                Ok(())
            }
            ClientMsg::RemoveFromStage { participant } => self.remove_from_stage(participant),
            ClientMsg::Mute { participant } => {
                let p = self.participant_mut(participant)?;
                if p.mic {
                    p.mic = false;
                    self.publish(participant);
                    self.notify(participant, Notice::Muted);
                }
                Ok(())
            }
            ClientMsg::LowerHandOf { participant } => self.lower_hand(participant, true),
            ClientMsg::LowerAllHands => {
                let raised: Vec<ParticipantId> = self
                    .participants
                    .values()
                    .filter(|p| p.hand.is_some())
                    .map(|p| p.id)
                    .collect();
                for id in raised {
                    self.lower_hand(id, true)?;
                }
                Ok(())
            }
            ClientMsg::RemoveFromSession { participant } => self.remove_from_session(participant),
            ClientMsg::LiftRemoval { identity } => {
                self.banned.remove(&identity).ok_or(ErrorCode::NotRemoved)?;
                self.publish_banned();
                Ok(())
            }
            ClientMsg::SetStageMode { mode } => {
                self.set_stage_mode(mode);
                Ok(())
            }
            ClientMsg::DeleteChat { message } => {
                let at = self
                    .chat
                    .iter()
                    .position(|m| m.id == message)
                    .ok_or(ErrorCode::UnknownMessage)?;
                self.chat.remove(at);
                self.emit(Audience::Everyone, Event::ChatDeleted { message });
                Ok(())
            }
            ClientMsg::CreatePoll {
                question,
                options,
                multiple,
                correct,
            } => self.create_poll(&question, &options, multiple, correct),
            ClientMsg::EndPoll { poll } => {
                let entry = self
                    .polls
                    .iter_mut()
                    .find(|p| p.id == poll)
                    .ok_or(ErrorCode::UnknownPoll)?;
                if !entry.open {
                    return Err(ErrorCode::PollClosed);
                }
                entry.open = false;
                self.publish_poll(poll, true);
                Ok(())
            }
            ClientMsg::SharePollResults { poll } => {
                let entry = self
                    .polls
                    .iter_mut()
                    .find(|p| p.id == poll)
                    .ok_or(ErrorCode::UnknownPoll)?;
                entry.shared = true;
                self.publish_poll(poll, true);
                Ok(())
            }
            ClientMsg::RevokeInviteLink { id } => {
                let link = self
                    .links
                    .iter_mut()
                    .find(|l| l.id == id)
                    .ok_or(ErrorCode::UnknownInviteLink)?;
                link.revoked = true;
                self.publish_links();
                Ok(())
            }
            // Everyone's commands were dispatched before moderator ones; nothing else reaches here.
            _ => Err(ErrorCode::Internal),
        }
    }

    fn approve_request(&mut self, id: ParticipantId) -> Result<(), ErrorCode> {
        self.take_request(id)?;
        self.publish_requests();
        self.set_invited(id, true)?;
        self.notify(id, Notice::RequestApproved);
        self.refresh_you(id);
        Ok(())
    }

    fn invite(&mut self, by: ParticipantId, id: ParticipantId) -> Result<(), ErrorCode> {
        let by_name = self.participant(by)?.name.clone();
        let p = self.participant(id)?;
        if p.stage.on_stage {
            return Err(ErrorCode::AlreadyOnStage);
        }
        if p.stage.invited {
            return Ok(());
        }
        if p.stage.requested {
            self.take_request(id)?;
            self.publish_requests();
        }
        self.set_invited(id, true)?;
        self.notify(id, Notice::Invited { by: by_name });
        self.refresh_you(id);
        Ok(())
    }

    fn remove_from_stage(&mut self, id: ParticipantId) -> Result<(), ErrorCode> {
        let p = self.participant_mut(id)?;
        if !p.stage.on_stage {
            return Err(ErrorCode::NotOnStage);
        }
        p.stage.on_stage = false;
        p.mic = false;
        p.camera = false;
        p.screen = false;
        self.publish(id);
        self.notify(id, Notice::RemovedFromStage);
        self.refresh_you(id);
        Ok(())
    }

    fn remove_from_session(&mut self, id: ParticipantId) -> Result<(), ErrorCode> {
        let p = self.participant(id)?;
        rules::check_removable(p.role)?;
        let (identity, name, conn) = (p.identity.clone(), p.name.clone(), p.conn);
        self.banned.insert(identity, name);
        if let Some(conn) = conn {
            self.out.push(crate::Output::Close {
                conn,
                reason: podium_protocol::CloseReason::Removed,
            });
        }
        self.remove_participant(id);
        self.publish_banned();
        Ok(())
    }

    /// Switching the mode keeps everyone on stage and every invitation. Pending requests are
    /// closed: in open mode their askers may now join directly; in invite mode they are told
    /// the request was closed. Everyone whose stage button changes is told.
    pub(crate) fn set_stage_mode(&mut self, mode: StageMode) {
        if mode == self.stage_mode {
            return;
        }
        self.stage_mode = mode;
        self.emit(Audience::Everyone, Event::StageModeChanged { mode });
        if mode != StageMode::Request && !self.requests.is_empty() {
            let askers: Vec<ParticipantId> = self.requests.drain(..).map(|(id, _)| id).collect();
            for &id in &askers {
                if let Some(p) = self.participants.get_mut(&id) {
                    p.stage.requested = false;
                }
                if mode == StageMode::Invite {
                    self.notify(id, Notice::RequestClosed);
                }
            }
            self.publish_requests();
        }
        let everyone: Vec<ParticipantId> = self.participants.keys().copied().collect();
        for id in everyone {
            self.refresh_you(id);
        }
    }

    fn create_poll(
        &mut self,
        question: &str,
        options: &[String],
        multiple: bool,
        correct: Option<Vec<u8>>,
    ) -> Result<(), ErrorCode> {
        let poll = Poll::new(self.next_poll, question, options, multiple, correct)?;
        if self.polls.len() >= MAX_POLLS {
            // Make way by forgetting the oldest ended poll; open polls are never dropped.
            let oldest_ended = self
                .polls
                .iter()
                .position(|p| !p.open)
                .ok_or(ErrorCode::TooManyPolls)?;
            self.polls.remove(oldest_ended);
        }
        self.next_poll += 1;
        let id = poll.id;
        self.polls.push(poll);
        self.publish_poll(id, true);
        Ok(())
    }

    pub(crate) fn publish_banned(&mut self) {
        let banned = self.banned_views();
        self.emit(Audience::Moderators, Event::Banned { banned });
    }

    pub(crate) fn publish_links(&mut self) {
        let links = self.link_views();
        self.emit(Audience::Moderators, Event::InviteLinks { links });
    }
}
