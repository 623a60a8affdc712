//! Coming in, dropping out, coming back, and places given up when the grace period runs out.

use podium_protocol::{CloseReason, ErrorCode, Millis, ParticipantId, MAX_NAME_CHARS};

use crate::rules::{self, Forwarding, StageState};
use crate::state::{truncate_chars, Participant};
use crate::{ConnId, Entrant, Output, Room};

impl Room {
    pub(crate) fn connect(&mut self, now: Millis, conn: ConnId, entrant: Entrant) {
        if let Err(code) = self.check_entry(now, &entrant) {
            self.error(conn, code, Some("hello"));
            self.out.push(Output::Close {
                conn,
                reason: CloseReason::Refused,
            });
            return;
        }
        let name = truncate_chars(entrant.name.trim(), MAX_NAME_CHARS);
        if let Some(id) = self.by_identity.get(&entrant.identity).copied() {
            self.return_to_place(now, conn, id, entrant, name);
            return;
        }
        let id = self.next_participant;
        self.next_participant += 1;
        let participant = Participant {
            id,
            identity: entrant.identity.clone(),
            name,
            role: entrant.role,
            picture: entrant.picture,
            mobile: entrant.mobile,
            conn: Some(conn),
            dropped_at: None,
            stage: StageState::default(),
            hand: None,
            mic: false,
            camera: false,
            screen: false,
            forwarded: Forwarding::NONE,
            told: None,
        };
        self.participants.insert(id, participant);
        self.by_identity.insert(entrant.identity.clone(), id);
        self.by_conn.insert(conn, id);
        if rules::is_moderator(entrant.role) {
            self.moderators.insert(id);
        }
        self.welcome(conn, id, entrant.identity);
        self.person_changed(now, id);
    }

    fn check_entry(&self, now: Millis, entrant: &Entrant) -> Result<(), ErrorCode> {
        if self.banned.contains_key(&entrant.identity) {
            return Err(ErrorCode::RemovedFromSession);
        }
        if entrant.name.trim().is_empty() {
            return Err(ErrorCode::NameRequired);
        }
        if let Some(link_id) = &entrant.via_link {
            let link = self
                .links
                .iter()
                .find(|l| &l.id == link_id)
                .ok_or(ErrorCode::InvalidInviteLink)?;
            if link.revoked {
                return Err(ErrorCode::InviteLinkRevoked);
            }
            if now >= link.expires_at {
                return Err(ErrorCode::InviteLinkExpired);
            }
        }
        let returning = self.by_identity.contains_key(&entrant.identity);
        let full = self.participants.len() >= self.config.max_participants as usize;
        if full && !returning {
            return Err(ErrorCode::RoomFull);
        }
        Ok(())
    }

    /// The same person again: a new window replaces the old one, a reconnect takes back the place.
    fn return_to_place(
        &mut self,
        now: Millis,
        conn: ConnId,
        id: ParticipantId,
        entrant: Entrant,
        name: String,
    ) {
        self.set_dropped(id, None);
        let Some(p) = self.participants.get_mut(&id) else {
            return;
        };
        let replaced = p.conn.replace(conn);
        p.name = name;
        p.picture = entrant.picture;
        p.mobile = entrant.mobile;
        // The newest credentials speak for the role (a teacher may have changed it in Moodle).
        p.role = entrant.role;
        // The welcome's snapshot tells the stage access afresh.
        p.told = None;
        if rules::is_moderator(entrant.role) {
            self.moderators.insert(id);
        } else {
            self.moderators.remove(&id);
        }
        if let Some(old) = replaced {
            self.by_conn.remove(&old);
            self.out.push(Output::Close {
                conn: old,
                reason: CloseReason::Replaced,
            });
        }
        self.by_conn.insert(conn, id);
        self.welcome(conn, id, entrant.identity);
        // Coming back changes nothing the SFU forwards; the list hears of it with the next
        // `people` event (a whole class reconnecting after a restart is one event per interval).
        self.person_changed(now, id);
    }

    fn welcome(&mut self, conn: ConnId, participant: ParticipantId, identity: String) {
        if let Some(p) = self.participants.get(&participant) {
            let stage = self.you_view(p).stage;
            if let Some(p) = self.participants.get_mut(&participant) {
                p.told = Some(stage);
            }
        }
        self.out.push(Output::Welcome {
            conn,
            participant,
            identity,
        });
    }

    pub(crate) fn disconnect(&mut self, now: Millis, conn: ConnId) {
        // A connection already replaced or closed by the room has nothing left to give up.
        let Some(id) = self.by_conn.remove(&conn) else {
            return;
        };
        if let Some(p) = self.participants.get_mut(&id) {
            p.conn = None;
        }
        self.set_dropped(id, Some(now));
        self.person_changed(now, id);
    }

    pub(crate) fn restart(&mut self, now: Millis) {
        let mut connected: Vec<ConnId> = self.by_conn.keys().copied().collect();
        // Drop in a fixed order so the events are the same on every replay.
        connected.sort_unstable();
        for conn in connected {
            self.disconnect(now, conn);
        }
    }

    pub(crate) fn tick(&mut self, now: Millis) {
        self.publish_due_counts(now);
        self.publish_due_people(now);
        self.publish_due_reactions(now);
        let grace = self.config.grace;
        let expired: Vec<ParticipantId> = self
            .held
            .iter()
            .take_while(|(at, _)| at.saturating_add(grace) <= now)
            .map(|(_, id)| *id)
            .collect();
        for id in expired {
            self.remove_participant(id);
        }
    }

    /// When `id`'s connection dropped (`None`: connected, or gone), kept in step with the
    /// `held` order of places to give up.
    fn set_dropped(&mut self, id: ParticipantId, at: Option<Millis>) {
        let Some(p) = self.participants.get_mut(&id) else {
            return;
        };
        if let Some(before) = std::mem::replace(&mut p.dropped_at, at) {
            self.held.remove(&(before, id));
        }
        if let Some(at) = at {
            self.held.insert((at, id));
        }
    }

    /// Takes someone out of the room for good: their seat, hand, request and invitation go too.
    pub(crate) fn remove_participant(&mut self, id: ParticipantId) {
        self.set_dropped(id, None);
        let Some(p) = self.participants.remove(&id) else {
            return;
        };
        self.by_identity.remove(&p.identity);
        if let Some(conn) = p.conn {
            self.by_conn.remove(&conn);
        }
        self.moderators.remove(&id);
        self.last_reaction.remove(&id);
        if p.forwarded != Forwarding::NONE {
            self.direct_media(id, Forwarding::NONE);
        }
        // Told with the next `people` event, which `Room::handle` sends before it returns.
        self.person_left(id);
        if p.stage.requested {
            self.requests.retain(|&(r, _)| r != id);
            self.publish_requests();
        }
        if p.stage.invited {
            self.publish_invitations();
        }
    }
}
