//! What each person is shown of the room's records.

use podium_protocol::{BannedView, Event, InviteLinkView, MyAnswer, StageRequest, YouView};

use crate::rules;
use crate::state::Participant;
use crate::{Audience, Room};
use podium_protocol::ParticipantId;

impl Room {
    pub(crate) fn you_view(&self, p: &Participant) -> YouView {
        YouView {
            participant: p.id,
            name: p.name.clone(),
            role: p.role,
            stage: rules::stage_access(p.role, self.stage_mode, p.stage),
            moderator: rules::is_moderator(p.role),
        }
    }

    /// Tells this person what they may now do about the stage, if that changed.
    pub(crate) fn refresh_you(&mut self, id: ParticipantId) {
        let Some(p) = self.participants.get(&id) else {
            return;
        };
        let you = self.you_view(p);
        if p.told == Some(you.stage) {
            return;
        }
        if let Some(p) = self.participants.get_mut(&id) {
            p.told = Some(you.stage);
        }
        self.emit(Audience::Participant(id), Event::You { you });
    }

    pub(crate) fn my_answers(&self, identity: &str) -> Vec<MyAnswer> {
        self.polls
            .iter()
            .filter_map(|poll| {
                let choices = poll.answers.get(identity)?.clone();
                Some(MyAnswer {
                    poll: poll.id,
                    choices,
                })
            })
            .collect()
    }

    pub(crate) fn request_views(&self) -> Vec<StageRequest> {
        self.requests
            .iter()
            .filter_map(|&(id, at)| {
                let p = self.participants.get(&id)?;
                Some(StageRequest {
                    participant: id,
                    name: p.name.clone(),
                    at,
                })
            })
            .collect()
    }

    pub(crate) fn link_views(&self) -> Vec<InviteLinkView> {
        self.links.iter().map(|l| l.view()).collect()
    }

    pub(crate) fn banned_views(&self) -> Vec<BannedView> {
        self.banned
            .iter()
            .map(|(identity, name)| BannedView {
                identity: identity.clone(),
                name: name.clone(),
            })
            .collect()
    }
}
