//! Who may do what: the one place a role, the stage mode and a person's stage state decide it.
//!
//! | role      | open                | request                     | invite              |
//! |-----------|---------------------|-----------------------------|---------------------|
//! | moderator | join stage directly | join stage directly         | join stage directly |
//! | presenter | join stage directly | join stage directly         | join stage directly |
//! | attendee  | join stage directly | ask; join when approved     | join when invited   |
//!
//! Everyone, in every mode: watch, chat, react, raise and lower their own hand, answer polls,
//! turn their own microphone, camera and screen share off (on needs a stage seat). Only what
//! someone on stage has on is forwarded to the others ([`forwarding`]). Nobody leaves the stage by
//! themselves. Moderators alone: approve and decline requests, invite and cancel invitations,
//! remove from stage, mute, lower hands, remove from the session and lift removals, switch the
//! stage mode, run polls, delete chat messages, and make and revoke invitation links.

use podium_protocol::{ErrorCode, Role, StageAccess, StageMode};
use serde::{Deserialize, Serialize};

/// May this role go on stage without asking, in this mode?
pub fn may_join_directly(role: Role, mode: StageMode) -> bool {
    match role {
        Role::Moderator | Role::Presenter => true,
        Role::Attendee => mode == StageMode::Open,
    }
}

/// May this role ask to join the stage, in this mode?
pub fn may_ask(role: Role, mode: StageMode) -> bool {
    role == Role::Attendee && mode == StageMode::Request
}

pub fn is_moderator(role: Role) -> bool {
    role == Role::Moderator
}

/// Refuses a moderator command from anyone else.
pub fn require_moderator(role: Role) -> Result<(), ErrorCode> {
    if is_moderator(role) {
        Ok(())
    } else {
        Err(ErrorCode::NotModerator)
    }
}

/// A person's place with respect to the stage.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StageState {
    pub on_stage: bool,
    pub invited: bool,
    pub requested: bool,
}

/// What a person may do about the stage now; the client shows the matching button and nothing else.
pub fn stage_access(role: Role, mode: StageMode, state: StageState) -> StageAccess {
    if state.on_stage {
        StageAccess::OnStage
    } else if state.invited {
        StageAccess::Invited
    } else if state.requested {
        StageAccess::Pending
    } else if may_join_directly(role, mode) {
        StageAccess::Direct
    } else if may_ask(role, mode) {
        StageAccess::Ask
    } else {
        StageAccess::None
    }
}

/// Checks `join_stage`: directly where the mode allows, or by accepting an invitation.
pub fn check_join_stage(role: Role, mode: StageMode, state: StageState) -> Result<(), ErrorCode> {
    if state.on_stage {
        Err(ErrorCode::AlreadyOnStage)
    } else if state.invited || may_join_directly(role, mode) {
        Ok(())
    } else {
        Err(ErrorCode::StageNotOpen)
    }
}

/// Checks `ask_to_join_stage`.
pub fn check_ask(role: Role, mode: StageMode, state: StageState) -> Result<(), ErrorCode> {
    if state.on_stage {
        Err(ErrorCode::AlreadyOnStage)
    } else if state.requested {
        Err(ErrorCode::AlreadyRequested)
    } else if state.invited || !may_ask(role, mode) {
        Err(ErrorCode::AskNotAvailable)
    } else {
        Ok(())
    }
}

/// Turning a microphone, camera or screen share on needs a stage seat; turning it off is always
/// allowed.
pub fn check_media(on_stage: bool, mic: bool, camera: bool, screen: bool) -> Result<(), ErrorCode> {
    if (mic || camera || screen) && !on_stage {
        Err(ErrorCode::NotOnStage)
    } else {
        Ok(())
    }
}

/// What of one person's media the SFU may forward to the others.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Forwarding {
    pub audio: bool,
    pub video: bool,
    pub screen: bool,
}

impl Forwarding {
    pub const NONE: Forwarding = Forwarding {
        audio: false,
        video: false,
        screen: false,
    };
}

/// Only the stage is seen and heard: a person's microphone, camera and screen are forwarded while
/// they hold a stage seat and have that source on. A viewer is never forwarded, whatever their
/// connection sends; someone who left (or whose place lapsed) has no seat, so nothing either.
pub fn forwarding(on_stage: bool, mic: bool, camera: bool, screen: bool) -> Forwarding {
    Forwarding {
        audio: on_stage && mic,
        video: on_stage && camera,
        screen: on_stage && screen,
    }
}

/// Moderators cannot be removed from the session: a class must never lose its teacher to a misclick.
pub fn check_removable(target: Role) -> Result<(), ErrorCode> {
    if target == Role::Moderator {
        Err(ErrorCode::CannotRemoveModerator)
    } else {
        Ok(())
    }
}

/// Invitation links bring in presenters or moderators; attendees come through the course.
pub fn check_invite_link_role(role: Role) -> Result<(), ErrorCode> {
    if role == Role::Attendee {
        Err(ErrorCode::InvalidInviteRole)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Role::*;
    use StageMode::*;

    #[test]
    fn the_table_reads_as_documented() {
        for mode in [Open, Request, Invite] {
            assert!(may_join_directly(Moderator, mode));
            assert!(may_join_directly(Presenter, mode));
            assert!(!may_ask(Moderator, mode));
            assert!(!may_ask(Presenter, mode));
        }
        assert!(may_join_directly(Attendee, Open));
        assert!(!may_join_directly(Attendee, Request));
        assert!(!may_join_directly(Attendee, Invite));
        assert!(may_ask(Attendee, Request));
        assert!(!may_ask(Attendee, Open));
        assert!(!may_ask(Attendee, Invite));
    }

    #[test]
    fn an_attendee_in_invite_mode_sees_no_stage_button_until_invited() {
        let idle = StageState::default();
        assert_eq!(stage_access(Attendee, Invite, idle), StageAccess::None);
        let invited = StageState {
            invited: true,
            ..idle
        };
        assert_eq!(
            stage_access(Attendee, Invite, invited),
            StageAccess::Invited
        );
        assert_eq!(check_join_stage(Attendee, Invite, invited), Ok(()));
        assert_eq!(
            check_join_stage(Attendee, Invite, idle),
            Err(ErrorCode::StageNotOpen)
        );
    }

    #[test]
    fn turning_media_off_is_always_allowed() {
        assert_eq!(check_media(false, false, false, false), Ok(()));
        assert_eq!(
            check_media(false, true, false, false),
            Err(ErrorCode::NotOnStage)
        );
        assert_eq!(
            check_media(false, false, false, true),
            Err(ErrorCode::NotOnStage)
        );
        assert_eq!(check_media(true, true, true, true), Ok(()));
    }

    #[test]
    fn only_a_stage_seat_is_forwarded() {
        for (mic, camera, screen) in [
            (true, true, true),
            (true, false, true),
            (false, true, false),
        ] {
            assert_eq!(forwarding(false, mic, camera, screen), Forwarding::NONE);
            assert_eq!(
                forwarding(true, mic, camera, screen),
                Forwarding {
                    audio: mic,
                    video: camera,
                    screen
                }
            );
        }
    }
}
