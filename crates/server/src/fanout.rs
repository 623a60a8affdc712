//! Events on their way from a room to everyone in it.
//!
//! Each delivery to a connection costs about the same whatever it carries: a channel push, a
//! wake-up of the connection's task and a `write` to its socket. One input often makes several
//! events for everyone (a tick can gather people, reactions and poll counts), so the room actor
//! holds them in [`Held`] until the input's outputs are all out and hands each connection the
//! lot in one item. The actor releases what is held before anything addressed to a single
//! connection, so every connection still hears everything in the order it was made.

use std::sync::Arc;

use axum::extract::ws::Utf8Bytes;

/// Frames released together at most: a batch is one item in a connection's queue, so this
/// bounds what a stalled reader's queue holds.
pub const MOST_HELD: usize = 64;

/// Frames for everyone, in order, waiting to be released.
#[derive(Debug, Default)]
pub struct Held {
    frames: Vec<Utf8Bytes>,
}

impl Held {
    /// Hold one more frame; true when there are enough to release now.
    pub fn hold(&mut self, frame: Utf8Bytes) -> bool {
        self.frames.push(frame);
        self.frames.len() >= MOST_HELD
    }

    /// Everything held, in order, to be shared by every connection; `None` when nothing is.
    pub fn take(&mut self) -> Option<Arc<[Utf8Bytes]>> {
        if self.frames.is_empty() {
            return None;
        }
        Some(Arc::from(std::mem::take(&mut self.frames)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_come_out_in_order_once_and_a_full_batch_asks_to_go() {
        let mut held = Held::default();
        assert!(held.take().is_none());
        for i in 0..MOST_HELD - 1 {
            assert!(!held.hold(Utf8Bytes::from(i.to_string())));
        }
        assert!(held.hold(Utf8Bytes::from("last")));
        let frames = held.take().unwrap();
        assert_eq!(frames.len(), MOST_HELD);
        assert_eq!(frames[0].as_str(), "0");
        assert_eq!(frames[MOST_HELD - 1].as_str(), "last");
        assert!(held.take().is_none());
    }
}
