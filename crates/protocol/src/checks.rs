//! Size caps on every field of a [`ClientMsg`], checked before the message is acted on.
//!
//! The frame cap ([`crate::MAX_FRAME_BYTES`]) already bounds a whole message; these caps say, for
//! each field, how much of that a well-behaved client can need, so that an over-long value is
//! answered with a clear error before anything is copied, stored or parsed further. The room's
//! own rules (a chat of at most [`crate::MAX_CHAT_CHARS`] characters after trimming, say) come
//! after these and may refuse more.

use crate::{Auth, ClientMsg, ErrorCode};
use crate::{
    MAX_CANDIDATE_BYTES, MAX_CHAT_BYTES, MAX_GUEST_KEY_BYTES, MAX_IDENTITY_BYTES,
    MAX_INVITE_CODE_BYTES, MAX_LINK_ID_BYTES, MAX_MID_BYTES, MAX_NAME_INPUT_BYTES,
    MAX_OPTION_BYTES, MAX_POLL_OPTIONS, MAX_QUESTION_BYTES, MAX_RESUME_BYTES, MAX_SDP_BYTES,
    MAX_SEND_TRACKS, MAX_TOKEN_BYTES, MAX_TRACK_VIEWS,
};

/// `Err(code)` when `len` is over `max`.
fn cap(len: usize, max: usize, code: ErrorCode) -> Result<(), ErrorCode> {
    if len > max {
        Err(code)
    } else {
        Ok(())
    }
}

impl Auth {
    /// Whether every credential field is within its cap; the error is the one a bad value of
    /// that kind gets anyway (an over-long token is an invalid token).
    pub fn check_limits(&self) -> Result<(), ErrorCode> {
        match self {
            Auth::Token { token } => cap(token.len(), MAX_TOKEN_BYTES, ErrorCode::InvalidToken),
            Auth::Invite { code, name, guest } => {
                cap(
                    code.len(),
                    MAX_INVITE_CODE_BYTES,
                    ErrorCode::InvalidInviteLink,
                )?;
                cap(name.len(), MAX_NAME_INPUT_BYTES, ErrorCode::FieldTooLong)?;
                let guest = guest.as_ref().map_or(0, String::len);
                cap(guest, MAX_GUEST_KEY_BYTES, ErrorCode::FieldTooLong)
            }
            Auth::Resume { credential } => {
                cap(credential.len(), MAX_RESUME_BYTES, ErrorCode::ResumeInvalid)
            }
        }
    }
}

impl ClientMsg {
    /// Whether every field is within its cap. The server answers the error and drops the
    /// message; nothing of it reaches the room.
    pub fn check_limits(&self) -> Result<(), ErrorCode> {
        use ErrorCode::{ChatTooLong, FieldTooLong, InvalidAnswer, InvalidPoll};
        match self {
            ClientMsg::Hello { auth, .. } => auth.check_limits(),
            ClientMsg::MediaOffer { sdp, tracks } => {
                cap(sdp.len(), MAX_SDP_BYTES, FieldTooLong)?;
                cap(tracks.len(), MAX_SEND_TRACKS, FieldTooLong)?;
                tracks
                    .iter()
                    .try_for_each(|t| cap(t.mid.len(), MAX_MID_BYTES, FieldTooLong))
            }
            ClientMsg::MediaAnswer { sdp } => cap(sdp.len(), MAX_SDP_BYTES, FieldTooLong),
            ClientMsg::IceCandidate { candidate } => {
                cap(candidate.len(), MAX_CANDIDATE_BYTES, FieldTooLong)
            }
            ClientMsg::MediaView { views } => {
                cap(views.len(), MAX_TRACK_VIEWS, FieldTooLong)?;
                views
                    .iter()
                    .try_for_each(|v| cap(v.mid.len(), MAX_MID_BYTES, FieldTooLong))
            }
            ClientMsg::Chat { text } => cap(text.len(), MAX_CHAT_BYTES, ChatTooLong),
            ClientMsg::AnswerPoll { choices, .. } => {
                cap(choices.len(), MAX_POLL_OPTIONS, InvalidAnswer)
            }
            ClientMsg::CreatePoll {
                question,
                options,
                correct,
                ..
            } => {
                cap(question.len(), MAX_QUESTION_BYTES, InvalidPoll)?;
                cap(options.len(), MAX_POLL_OPTIONS, InvalidPoll)?;
                options
                    .iter()
                    .try_for_each(|o| cap(o.len(), MAX_OPTION_BYTES, InvalidPoll))?;
                cap(
                    correct.as_ref().map_or(0, Vec::len),
                    MAX_POLL_OPTIONS,
                    InvalidPoll,
                )
            }
            ClientMsg::LiftRemoval { identity } => {
                cap(identity.len(), MAX_IDENTITY_BYTES, FieldTooLong)
            }
            ClientMsg::RevokeInviteLink { id } => cap(id.len(), MAX_LINK_ID_BYTES, FieldTooLong),
            ClientMsg::Ping
            | ClientMsg::Sync
            | ClientMsg::JoinStage
            | ClientMsg::AskToJoinStage
            | ClientMsg::CancelRequest
            | ClientMsg::DeclineInvitation
            | ClientMsg::LeaveStage
            | ClientMsg::SetMedia { .. }
            | ClientMsg::RaiseHand
            | ClientMsg::LowerHand
            | ClientMsg::React { .. }
            | ClientMsg::ApproveRequest { .. }
            | ClientMsg::DeclineRequest { .. }
            | ClientMsg::InviteToStage { .. }
            | ClientMsg::CancelInvitation { .. }
            | ClientMsg::RemoveFromStage { .. }
            | ClientMsg::Mute { .. }
            | ClientMsg::LowerHandOf { .. }
            | ClientMsg::LowerAllHands
            | ClientMsg::RemoveFromSession { .. }
            | ClientMsg::SetStageMode { .. }
            | ClientMsg::DeleteChat { .. }
            | ClientMsg::EndPoll { .. }
            | ClientMsg::SharePollResults { .. }
            | ClientMsg::CreateInviteLink { .. } => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{MediaKind, SendTrack, TrackView, MAX_CHAT_CHARS};

    #[test]
    fn each_over_long_field_has_its_error() {
        let long = |n: usize| "x".repeat(n + 1);
        let cases = [
            (
                ClientMsg::Hello {
                    protocol: 1,
                    auth: Auth::Token {
                        token: long(MAX_TOKEN_BYTES),
                    },
                    mobile: false,
                },
                ErrorCode::InvalidToken,
            ),
            (
                ClientMsg::Hello {
                    protocol: 1,
                    auth: Auth::Invite {
                        code: long(MAX_INVITE_CODE_BYTES),
                        name: "Ada".into(),
                        guest: None,
                    },
                    mobile: false,
                },
                ErrorCode::InvalidInviteLink,
            ),
            (
                ClientMsg::Hello {
                    protocol: 1,
                    auth: Auth::Invite {
                        code: "c".into(),
                        name: long(MAX_NAME_INPUT_BYTES),
                        guest: None,
                    },
                    mobile: false,
                },
                ErrorCode::FieldTooLong,
            ),
            (
                ClientMsg::Hello {
                    protocol: 1,
                    auth: Auth::Invite {
                        code: "c".into(),
                        name: "Ada".into(),
                        guest: Some(long(MAX_GUEST_KEY_BYTES)),
                    },
                    mobile: false,
                },
                ErrorCode::FieldTooLong,
            ),
            (
                ClientMsg::Hello {
                    protocol: 1,
                    auth: Auth::Resume {
                        credential: long(MAX_RESUME_BYTES),
                    },
                    mobile: false,
                },
                ErrorCode::ResumeInvalid,
            ),
            (
                ClientMsg::MediaOffer {
                    sdp: long(MAX_SDP_BYTES),
                    tracks: vec![],
                },
                ErrorCode::FieldTooLong,
            ),
            (
                ClientMsg::MediaOffer {
                    sdp: "v=0".into(),
                    tracks: vec![
                        SendTrack {
                            mid: "0".into(),
                            kind: MediaKind::Audio
                        };
                        MAX_SEND_TRACKS + 1
                    ],
                },
                ErrorCode::FieldTooLong,
            ),
            (
                ClientMsg::MediaOffer {
                    sdp: "v=0".into(),
                    tracks: vec![SendTrack {
                        mid: long(MAX_MID_BYTES),
                        kind: MediaKind::Video,
                    }],
                },
                ErrorCode::FieldTooLong,
            ),
            (
                ClientMsg::MediaAnswer {
                    sdp: long(MAX_SDP_BYTES),
                },
                ErrorCode::FieldTooLong,
            ),
            (
                ClientMsg::IceCandidate {
                    candidate: long(MAX_CANDIDATE_BYTES),
                },
                ErrorCode::FieldTooLong,
            ),
            (
                ClientMsg::MediaView {
                    views: vec![
                        TrackView {
                            mid: "1".into(),
                            width: 640,
                            height: 360,
                        };
                        MAX_TRACK_VIEWS + 1
                    ],
                },
                ErrorCode::FieldTooLong,
            ),
            (
                ClientMsg::MediaView {
                    views: vec![TrackView {
                        mid: long(MAX_MID_BYTES),
                        width: 640,
                        height: 360,
                    }],
                },
                ErrorCode::FieldTooLong,
            ),
            (
                ClientMsg::Chat {
                    text: long(MAX_CHAT_BYTES),
                },
                ErrorCode::ChatTooLong,
            ),
            (
                ClientMsg::AnswerPoll {
                    poll: 1,
                    choices: vec![0; MAX_POLL_OPTIONS + 1],
                },
                ErrorCode::InvalidAnswer,
            ),
            (
                ClientMsg::CreatePoll {
                    question: long(MAX_QUESTION_BYTES),
                    options: vec!["a".into(), "b".into()],
                    multiple: false,
                    correct: None,
                },
                ErrorCode::InvalidPoll,
            ),
            (
                ClientMsg::CreatePoll {
                    question: "Q".into(),
                    options: vec!["a".into(); MAX_POLL_OPTIONS + 1],
                    multiple: false,
                    correct: None,
                },
                ErrorCode::InvalidPoll,
            ),
            (
                ClientMsg::CreatePoll {
                    question: "Q".into(),
                    options: vec!["a".into(), long(MAX_OPTION_BYTES)],
                    multiple: false,
                    correct: None,
                },
                ErrorCode::InvalidPoll,
            ),
            (
                ClientMsg::CreatePoll {
                    question: "Q".into(),
                    options: vec!["a".into(), "b".into()],
                    multiple: true,
                    correct: Some(vec![0; MAX_POLL_OPTIONS + 1]),
                },
                ErrorCode::InvalidPoll,
            ),
            (
                ClientMsg::LiftRemoval {
                    identity: long(MAX_IDENTITY_BYTES),
                },
                ErrorCode::FieldTooLong,
            ),
            (
                ClientMsg::RevokeInviteLink {
                    id: long(MAX_LINK_ID_BYTES),
                },
                ErrorCode::FieldTooLong,
            ),
        ];
        for (msg, code) in cases {
            assert_eq!(msg.check_limits(), Err(code), "{}", msg.kind());
        }
    }

    #[test]
    fn values_at_the_caps_pass() {
        let at = |n: usize| "x".repeat(n);
        assert_eq!(
            ClientMsg::Chat {
                text: "é".repeat(MAX_CHAT_CHARS)
            }
            .check_limits(),
            Ok(())
        );
        assert_eq!(
            ClientMsg::IceCandidate {
                candidate: at(MAX_CANDIDATE_BYTES)
            }
            .check_limits(),
            Ok(())
        );
        assert_eq!(
            ClientMsg::LiftRemoval {
                identity: at(MAX_IDENTITY_BYTES)
            }
            .check_limits(),
            Ok(())
        );
        assert_eq!(ClientMsg::Ping.check_limits(), Ok(()));
    }
}
