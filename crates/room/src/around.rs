//! Around the stage, for everyone: hands, chat, reactions and poll answers.

use podium_protocol::{
    ChatMessage, ErrorCode, Event, Millis, MyAnswer, ParticipantId, PollId, Reaction, CHAT_HISTORY,
    MAX_CHAT_CHARS,
};

use crate::polls::COUNTS_EVERY;
use crate::{Audience, Room};

/// The shortest gap between two reactions from one person; a burst faster than this is noise.
pub(crate) const REACTION_GAP: Millis = 250;

impl Room {
    pub(crate) fn raise_hand(&mut self, id: ParticipantId) -> Result<(), ErrorCode> {
        let order = self.next_hand;
        let p = self.participant_mut(id)?;
        if p.hand.is_none() {
            p.hand = Some(order);
            self.next_hand += 1;
            self.publish(id);
        }
        Ok(())
    }

    /// Lowers a hand; `by_moderator` also tells its owner who did it.
    pub(crate) fn lower_hand(
        &mut self,
        id: ParticipantId,
        by_moderator: bool,
    ) -> Result<(), ErrorCode> {
        let p = self.participant_mut(id)?;
        if p.hand.take().is_some() {
            self.publish(id);
            if by_moderator {
                self.notify(id, podium_protocol::Notice::HandLowered);
            }
        }
        Ok(())
    }

    pub(crate) fn chat(
        &mut self,
        now: Millis,
        id: ParticipantId,
        text: &str,
    ) -> Result<(), ErrorCode> {
        let text = text.trim();
        if text.is_empty() {
            return Err(ErrorCode::ChatEmpty);
        }
        if text.chars().count() > MAX_CHAT_CHARS {
            return Err(ErrorCode::ChatTooLong);
        }
        let p = self.participant(id)?;
        let message = ChatMessage {
            id: self.next_message,
            from: id,
            name: p.name.clone(),
            role: p.role,
            text: text.to_string(),
            at: now,
        };
        self.next_message += 1;
        if self.chat.len() >= CHAT_HISTORY {
            self.chat.pop_front();
        }
        self.chat.push_back(message.clone());
        self.emit(Audience::Everyone, Event::Chat { message });
        Ok(())
    }

    pub(crate) fn react(
        &mut self,
        now: Millis,
        id: ParticipantId,
        reaction: Reaction,
    ) -> Result<(), ErrorCode> {
        if let Some(&last) = self.last_reaction.get(&id) {
            if now < last.saturating_add(REACTION_GAP) {
                return Err(ErrorCode::RateLimited);
            }
        }
        self.last_reaction.insert(id, now);
        // Told with the next `reactions` event (see `reactions.rs`).
        self.gather_reaction(now, id, reaction);
        Ok(())
    }

    pub(crate) fn answer_poll(
        &mut self,
        now: Millis,
        id: ParticipantId,
        poll: PollId,
        choices: &[u8],
    ) -> Result<(), ErrorCode> {
        let identity = self.participant(id)?.identity.clone();
        let entry = self
            .polls
            .iter_mut()
            .find(|p| p.id == poll)
            .ok_or(ErrorCode::UnknownPoll)?;
        let choices = entry.answer(&identity, choices)?;
        self.emit(
            Audience::Participant(id),
            Event::Answered {
                answer: MyAnswer { poll, choices },
            },
        );
        if let Some(entry) = self.polls.iter_mut().find(|p| p.id == poll) {
            entry.counts_changed_at.get_or_insert(now);
        }
        Ok(())
    }

    /// Shows a poll's new state: counts to moderators, or to everyone once shared.
    /// An answer changes only the counts, so others hear of it only when `for_all` says so.
    pub(crate) fn publish_poll(&mut self, poll: PollId, for_all: bool) {
        let Some(entry) = self.polls.iter_mut().find(|p| p.id == poll) else {
            return;
        };
        entry.counts_changed_at = None;
        let entry = &*entry;
        if entry.shared {
            let poll = entry.full_view();
            self.emit(Audience::Everyone, Event::Poll { poll });
        } else {
            let (full, public) = (entry.full_view(), entry.public_view());
            self.emit(Audience::Moderators, Event::Poll { poll: full });
            if for_all {
                self.emit(Audience::NotModerators, Event::Poll { poll: public });
            }
        }
    }

    /// Publishes the counts of polls whose answers have waited [`COUNTS_EVERY`].
    pub(crate) fn publish_due_counts(&mut self, now: Millis) {
        let due: Vec<PollId> = self
            .polls
            .iter()
            .filter(|p| {
                p.counts_changed_at
                    .is_some_and(|at| at.saturating_add(COUNTS_EVERY) <= now)
            })
            .map(|p| p.id)
            .collect();
        for poll in due {
            self.publish_poll(poll, false);
        }
    }

    /// When changed poll counts are next due to be published.
    pub(crate) fn counts_due(&self) -> Option<Millis> {
        self.polls
            .iter()
            .filter_map(|p| p.counts_changed_at)
            .min()
            .map(|at| at.saturating_add(COUNTS_EVERY))
    }

    pub(crate) fn notify(&mut self, id: ParticipantId, notice: podium_protocol::Notice) {
        self.emit(Audience::Participant(id), Event::Notice { notice });
    }
}
