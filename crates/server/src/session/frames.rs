//! Reading one WebSocket frame into a client message, with the per-connection checks that come
//! before any meaning: rate, size, and well-formed JSON of a known type.

use std::time::Instant;

use axum::extract::ws::Message;
use podium_protocol::{ClientMsg, ErrorCode, MAX_FRAME_BYTES};

use crate::rate::TokenBucket;

/// Largest message the WebSocket layer reads at all. Anything between [`MAX_FRAME_BYTES`] and
/// this is read and answered with `frame_too_large`, and the connection stays open; anything
/// larger breaks the WebSocket read and the connection is closed by the transport.
pub const MAX_WS_MESSAGE_BYTES: usize = 4 * MAX_FRAME_BYTES;

/// What one received frame amounts to.
#[derive(Debug)]
pub enum Incoming {
    Msg(ClientMsg),
    /// Refused before it meant anything; answer with this error.
    Refused(ErrorCode),
    /// A well-formed message with a field over its cap (see `ClientMsg::check_limits`): answer
    /// with this error, naming the command.
    Invalid {
        code: ErrorCode,
        command: &'static str,
    },
    /// A transport-level ping or pong: nothing to do.
    Ignore,
    /// The socket closed or failed.
    Closed,
}

pub fn read(frame: Option<Result<Message, axum::Error>>, bucket: &mut TokenBucket) -> Incoming {
    let frame = match frame {
        None | Some(Err(_)) | Some(Ok(Message::Close(_))) => return Incoming::Closed,
        Some(Ok(Message::Ping(_) | Message::Pong(_))) => return Incoming::Ignore,
        Some(Ok(frame)) => frame,
    };
    if !bucket.allow(Instant::now()) {
        return Incoming::Refused(ErrorCode::RateLimited);
    }
    match frame {
        Message::Text(text) => decode(text.as_str()),
        Message::Binary(bytes) if bytes.len() > MAX_FRAME_BYTES => {
            Incoming::Refused(ErrorCode::FrameTooLarge)
        }
        _ => Incoming::Refused(ErrorCode::Malformed),
    }
}

/// Decode one text frame and check every field against its cap.
pub fn decode(text: &str) -> Incoming {
    if text.len() > MAX_FRAME_BYTES {
        return Incoming::Refused(ErrorCode::FrameTooLarge);
    }
    match serde_json::from_str::<ClientMsg>(text) {
        Ok(msg) => match msg.check_limits() {
            Ok(()) => Incoming::Msg(msg),
            Err(code) => Incoming::Invalid {
                code,
                command: msg.kind(),
            },
        },
        Err(_) => Incoming::Refused(ErrorCode::Malformed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_decode_or_are_refused() {
        assert!(matches!(
            decode(r#"{"type":"ping"}"#),
            Incoming::Msg(ClientMsg::Ping)
        ));
        assert!(matches!(
            decode("{"),
            Incoming::Refused(ErrorCode::Malformed)
        ));
        assert!(matches!(
            decode(r#"{"type":"become_moderator"}"#),
            Incoming::Refused(ErrorCode::Malformed)
        ));
        let big = format!(
            r#"{{"type":"chat","text":"{}"}}"#,
            "x".repeat(MAX_FRAME_BYTES)
        );
        assert!(matches!(
            decode(&big),
            Incoming::Refused(ErrorCode::FrameTooLarge)
        ));
        // Nesting past serde_json's recursion limit is refused, not a stack overflow.
        let deep = format!(
            r#"{{"type":"chat","text":{}{}}}"#,
            "[".repeat(50_000),
            "]".repeat(50_000)
        );
        assert!(matches!(
            decode(&deep),
            Incoming::Refused(ErrorCode::FrameTooLarge | ErrorCode::Malformed)
        ));
        let deep = format!(r#"{{"type":"chat","text":{}"#, "[".repeat(30_000));
        assert!(matches!(
            decode(&deep),
            Incoming::Refused(ErrorCode::Malformed)
        ));
        let candidate = format!(
            r#"{{"type":"ice_candidate","candidate":"{}"}}"#,
            "x".repeat(podium_protocol::MAX_CANDIDATE_BYTES + 1)
        );
        assert!(matches!(
            decode(&candidate),
            Incoming::Invalid {
                code: ErrorCode::FieldTooLong,
                command: "ice_candidate"
            }
        ));
    }
}
