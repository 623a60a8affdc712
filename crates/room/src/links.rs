//! Invitation links: made by moderators, signed by the caller, refused once revoked or expired.

use podium_protocol::{
    ErrorCode, Millis, ParticipantId, MAX_INVITE_LINKS, MAX_INVITE_LINK_SECS, MIN_INVITE_LINK_SECS,
};

use crate::rules;
use crate::state::InviteLink;
use crate::{NewInviteLink, Room};

impl Room {
    pub(crate) fn create_invite_link(
        &mut self,
        now: Millis,
        by: ParticipantId,
        link: NewInviteLink,
    ) -> Result<(), ErrorCode> {
        rules::require_moderator(self.participant(by)?.role)?;
        rules::check_invite_link_role(link.role)?;
        let lifetime = link.expires_at.saturating_sub(now);
        if !(MIN_INVITE_LINK_SECS * 1000..=MAX_INVITE_LINK_SECS * 1000).contains(&lifetime) {
            return Err(ErrorCode::InvalidInviteExpiry);
        }
        // Expired links are of no use to anyone; they make room for new ones.
        self.links.retain(|l| l.expires_at > now);
        if self.links.len() >= MAX_INVITE_LINKS {
            return Err(ErrorCode::TooManyInviteLinks);
        }
        self.links.push(InviteLink {
            id: link.id,
            role: link.role,
            code: link.code,
            created_at: now,
            expires_at: link.expires_at,
            revoked: false,
        });
        self.publish_links();
        Ok(())
    }
}
