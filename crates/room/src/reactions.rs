//! Reactions told to everyone in one `reactions` event at most every [`REACTIONS_EVERY`].
//!
//! A reaction on its own would cost a frame per person in the room: a burst from 1 % of a
//! 10,000-person audience would be a million frames queued ahead of the next chat message.
//! Gathered over a short window it is a frame or two per person.

use podium_protocol::{Event, Millis, ParticipantId, Reaction, ReactionFrom};
use serde::{Deserialize, Serialize};

use crate::{Audience, Room};

/// How long reactions gather before they are told.
pub(crate) const REACTIONS_EVERY: Millis = 200;
/// Most reactions one event carries.
pub(crate) const REACTIONS_PER_EVENT: usize = 64;

/// Reactions not yet told.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct PendingReactions {
    reactions: Vec<ReactionFrom>,
    /// When the oldest of them was sent.
    since: Option<Millis>,
}

impl Room {
    pub(crate) fn gather_reaction(&mut self, now: Millis, from: ParticipantId, reaction: Reaction) {
        self.reactions
            .reactions
            .push(ReactionFrom { from, reaction });
        self.reactions.since.get_or_insert(now);
    }

    /// When the gathered reactions are due, if there are any.
    pub(crate) fn reactions_due(&self) -> Option<Millis> {
        self.reactions
            .since
            .map(|since| since.saturating_add(REACTIONS_EVERY))
    }

    /// Tell everyone the gathered reactions if they are due.
    pub(crate) fn publish_due_reactions(&mut self, now: Millis) {
        if self.reactions_due().is_none_or(|due| due > now) {
            return;
        }
        let pending = std::mem::take(&mut self.reactions);
        for chunk in pending.reactions.chunks(REACTIONS_PER_EVENT) {
            self.emit(
                Audience::Everyone,
                Event::Reactions {
                    reactions: chunk.to_vec(),
                },
            );
        }
    }
}
