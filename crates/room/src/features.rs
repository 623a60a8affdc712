//! Chat, reactions and polls, each on or off for the whole room (the activity's settings).

use podium_protocol::{ClientMsg, ErrorCode, Event, Features, StageMode};

use crate::{Audience, Room};

impl Room {
    /// Turn features on or off from now on, and tell everyone so they show or hide controls.
    /// What was said and answered before stays. A new name is shown at once; an empty room
    /// also takes up the stage mode.
    pub(crate) fn configure(
        &mut self,
        features: Features,
        stage_mode: Option<StageMode>,
        title: Option<String>,
    ) {
        if self.config.features != features {
            self.config.features = features;
            self.emit(Audience::Everyone, Event::FeaturesChanged { features });
        }
        if title.is_some() && title != self.config.title {
            self.config.title.clone_from(&title);
            self.emit(Audience::Everyone, Event::TitleChanged { title });
        }
        // A meeting starts in the activity's stage mode, whatever the last one ended in; held
        // places (a restart, a dropped connection) mean the meeting is still going.
        if let Some(mode) = stage_mode.filter(|_| self.participants.is_empty()) {
            self.set_stage_mode(mode);
        }
    }
}

/// Refuses a command whose feature the room has turned off. Deleting a chat message and
/// ending or sharing a poll stay allowed, so a moderator can always tidy up.
pub(crate) fn require_feature(features: Features, msg: &ClientMsg) -> Result<(), ErrorCode> {
    let allowed = match msg {
        ClientMsg::Chat { .. } => features.chat,
        ClientMsg::React { .. } => features.reactions,
        ClientMsg::AnswerPoll { .. } | ClientMsg::CreatePoll { .. } => features.polls,
        _ => true,
    };
    if allowed {
        Ok(())
    } else {
        Err(ErrorCode::FeatureDisabled)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use podium_protocol::Reaction;

    #[test]
    fn each_switch_guards_its_own_commands() {
        let chat = ClientMsg::Chat { text: "hi".into() };
        let react = ClientMsg::React {
            reaction: Reaction::Clap,
        };
        let answer = ClientMsg::AnswerPoll {
            poll: 1,
            choices: vec![0],
        };
        let off = Features {
            chat: false,
            reactions: false,
            polls: false,
        };
        for msg in [&chat, &react, &answer] {
            assert_eq!(require_feature(Features::ALL_ON, msg), Ok(()));
            assert_eq!(require_feature(off, msg), Err(ErrorCode::FeatureDisabled));
        }
        let only_chat_off = Features {
            chat: false,
            ..Features::ALL_ON
        };
        assert_eq!(
            require_feature(only_chat_off, &chat),
            Err(ErrorCode::FeatureDisabled)
        );
        assert_eq!(require_feature(only_chat_off, &react), Ok(()));
        assert_eq!(
            require_feature(only_chat_off, &ClientMsg::RaiseHand),
            Ok(())
        );
    }

    #[test]
    fn new_settings_are_told_once_and_logged_only_when_they_change() {
        use crate::{Input, Output, RoomConfig};
        let mut room = Room::new(RoomConfig::default());
        let off = Features {
            polls: false,
            ..Features::ALL_ON
        };
        let input = Input::Configure {
            features: off,
            stage_mode: None,
            title: None,
        };
        let outputs = room.handle(0, input.clone());
        assert!(matches!(
            outputs.as_slice(),
            [Output::Event { event: Event::FeaturesChanged { features }, .. }] if *features == off
        ));
        assert!(input.changes_room(&outputs));
        assert_eq!(room.config().features, off);
        let again = room.handle(1, input.clone());
        assert!(again.is_empty());
        assert!(!input.changes_room(&again));
    }

    #[test]
    fn a_renamed_activity_is_shown_at_once_and_an_unnamed_token_keeps_the_name() {
        use crate::{Input, Output, RoomConfig};
        let mut room = Room::new(RoomConfig {
            title: Some("Biology".into()),
            ..RoomConfig::default()
        });
        let named = |title: Option<&str>| Input::Configure {
            features: Features::ALL_ON,
            stage_mode: None,
            title: title.map(str::to_string),
        };
        let input = named(Some("Biology, week 2"));
        let outputs = room.handle(0, input.clone());
        assert!(matches!(
            outputs.as_slice(),
            [Output::Event { event: Event::TitleChanged { title: Some(t) }, .. }] if t == "Biology, week 2"
        ));
        assert!(input.changes_room(&outputs));
        assert!(room.handle(1, input).is_empty());
        assert!(room.handle(2, named(None)).is_empty());
        assert_eq!(room.config().title.as_deref(), Some("Biology, week 2"));
    }
}
