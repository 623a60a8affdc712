//! What the server's integration tests and the benchmarks (`podium-loadgen`) share:
//!
//! - [`media`]: a native WebRTC peer (str0m) that publishes synthetic audio and video and
//!   counts, and times, what it receives.
//! - [`hist`]: a lock-free latency histogram.
//! - [`clock`]: one monotonic clock for the timestamps embedded in chat texts and media
//!   payloads, so that a sender and a receiver in the same process agree.
//!
//! A test kit fails loudly: a broken invariant here is a broken test, so `expect` is allowed.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

pub mod clock;
pub mod hist;
pub mod media;
