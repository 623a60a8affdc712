//! Who entered, dropped, came back or left, told to everyone in one `people` event at most every
//! [`PEOPLE_EVERY`]; someone leaving for good is told at once, with everything gathered so far.
//!
//! Telling everyone of each entry on its own costs a frame per person already in the room, so a
//! crowd of N entering costs N²/2 frames; gathered over a short interval it costs a frame per
//! person per interval. Nobody waits for it: the person entering has their welcome at once, and
//! its snapshot already lists everyone (including those whose `people` event is still due).

use std::collections::BTreeSet;

use podium_protocol::{Event, Millis, ParticipantId};
use serde::{Deserialize, Serialize};

use crate::{Audience, Room};

/// How long entries and exits gather before they are told.
pub(crate) const PEOPLE_EVERY: Millis = 100;
/// Most participants one `people` event carries (a crowd entering within one interval takes
/// several): every connection's WebSocket keeps a write buffer as large as the largest frame it
/// was sent, so no event may grow with the crowd.
pub(crate) const PEOPLE_PER_EVENT: usize = 32;
/// Most ids of those who left one `people` event carries.
pub(crate) const LEFT_PER_EVENT: usize = 256;

/// Changes to the participants list not yet told.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct PeopleChanges {
    /// Entered, dropped or came back: their current view goes out.
    changed: BTreeSet<ParticipantId>,
    left: BTreeSet<ParticipantId>,
    /// When the oldest change not yet told happened.
    since: Option<Millis>,
}

impl Room {
    /// Someone entered, dropped or came back: tell everyone with the next `people` event.
    pub(crate) fn person_changed(&mut self, now: Millis, id: ParticipantId) {
        self.people.changed.insert(id);
        self.people.since.get_or_insert(now);
    }

    /// Someone left for good. [`Room::handle`] tells everyone before it returns, in one event
    /// with whoever else left with the same input (a tick may end many held places at once).
    pub(crate) fn person_left(&mut self, id: ParticipantId) {
        // Still told as gone even if their entry was never told: a welcome in between listed them.
        self.people.changed.remove(&id);
        self.people.left.insert(id);
    }

    /// Whether someone left and everyone is yet to hear of it.
    pub(crate) fn anyone_left(&self) -> bool {
        !self.people.left.is_empty()
    }

    /// When the gathered changes are due, if there are any.
    pub(crate) fn people_due(&self) -> Option<Millis> {
        self.people
            .since
            .map(|since| since.saturating_add(PEOPLE_EVERY))
    }

    /// Tell everyone the gathered changes if they are due.
    pub(crate) fn publish_due_people(&mut self, now: Millis) {
        if self.people_due().is_some_and(|due| due <= now) {
            self.flush_people();
        }
    }

    /// Tell everyone the gathered changes now.
    pub(crate) fn flush_people(&mut self) {
        let changes = std::mem::take(&mut self.people);
        if changes.changed.is_empty() && changes.left.is_empty() {
            return;
        }
        let people: Vec<_> = changes
            .changed
            .iter()
            .filter_map(|id| self.participants.get(id))
            .map(|p| p.view())
            .collect();
        let left: Vec<_> = changes.left.into_iter().collect();
        let mut people = people.chunks(PEOPLE_PER_EVENT);
        let mut left = left.chunks(LEFT_PER_EVENT);
        loop {
            let (p, l) = (people.next(), left.next());
            if p.is_none() && l.is_none() {
                break;
            }
            self.emit(
                Audience::Everyone,
                Event::People {
                    people: p.map(<[_]>::to_vec).unwrap_or_default(),
                    left: l.map(<[_]>::to_vec).unwrap_or_default(),
                },
            );
        }
    }
}
