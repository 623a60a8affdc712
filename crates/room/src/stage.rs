//! The stage as a participant sees it: joining, asking, cancelling, declining, own media.

use podium_protocol::{ErrorCode, Event, Millis, Notice, ParticipantId};

use crate::rules;
use crate::{Audience, Room};

impl Room {
    pub(crate) fn join_stage(&mut self, id: ParticipantId) -> Result<(), ErrorCode> {
        let p = self.participant(id)?;
        rules::check_join_stage(p.role, self.stage_mode, p.stage)?;
        if self.seats_taken() >= self.config.seat_limit as usize {
            return Err(ErrorCode::StageFull);
        }
        let had_request = p.stage.requested;
        let p = self.participant_mut(id)?;
        p.stage.on_stage = true;
        p.stage.requested = false;
        if had_request {
            self.requests.retain(|&(r, _)| r != id);
            self.publish_requests();
        }
        self.set_invited(id, false)?;
        self.publish(id);
        self.refresh_you(id);
        Ok(())
    }

    pub(crate) fn ask_to_join_stage(
        &mut self,
        now: Millis,
        id: ParticipantId,
    ) -> Result<(), ErrorCode> {
        let p = self.participant(id)?;
        rules::check_ask(p.role, self.stage_mode, p.stage)?;
        let name = p.name.clone();
        self.participant_mut(id)?.stage.requested = true;
        self.requests.push((id, now));
        self.publish_requests();
        self.emit(
            Audience::Moderators,
            Event::Notice {
                notice: Notice::StageRequested {
                    participant: id,
                    name,
                },
            },
        );
        self.refresh_you(id);
        Ok(())
    }

    pub(crate) fn cancel_request(&mut self, id: ParticipantId) -> Result<(), ErrorCode> {
        self.take_request(id)?;
        self.publish_requests();
        self.refresh_you(id);
        Ok(())
    }

    /// Takes a pending request out of the queue, or says there is none.
    pub(crate) fn take_request(&mut self, id: ParticipantId) -> Result<(), ErrorCode> {
        let p = self.participant_mut(id)?;
        if !p.stage.requested {
            return Err(ErrorCode::NoRequest);
        }
        p.stage.requested = false;
        self.requests.retain(|&(r, _)| r != id);
        Ok(())
    }

    pub(crate) fn decline_invitation(&mut self, id: ParticipantId) -> Result<(), ErrorCode> {
        let p = self.participant(id)?;
        if !p.stage.invited {
            return Err(ErrorCode::NotInvited);
        }
        let name = p.name.clone();
        self.set_invited(id, false)?;
        self.emit(
            Audience::Moderators,
            Event::Notice {
                notice: Notice::InvitationDeclined {
                    participant: id,
                    name,
                },
            },
        );
        self.refresh_you(id);
        Ok(())
    }

    pub(crate) fn set_media(
        &mut self,
        id: ParticipantId,
        mic: bool,
        camera: bool,
        screen: bool,
    ) -> Result<(), ErrorCode> {
        let p = self.participant_mut(id)?;
        rules::check_media(p.stage.on_stage, mic, camera, screen)?;
        if (p.mic, p.camera, p.screen) != (mic, camera, screen) {
            p.mic = mic;
            p.camera = camera;
            p.screen = screen;
            self.publish(id);
        }
        Ok(())
    }

    pub(crate) fn seats_taken(&self) -> usize {
        self.participants
            .values()
            .filter(|p| p.stage.on_stage)
            .count()
    }
}
