//! The rules of one Podium room, as a sans-IO state machine in the manner of str0m's `Rtc`.
//!
//! The caller owns the clock and the sockets. It passes the time and one [`Input`] to
//! [`Room::handle`] and gets back [`Output`]s: events addressed to an [`Audience`], errors and
//! admissions for one connection. Nothing in here reads a clock, touches a socket or draws a
//! random number, so the same inputs always give the same room; that is what lets a store keep
//! the inputs and replay them after a restart.
//!
//! Who may do what is decided in [`rules`], once; the server and the client never re-decide it.

mod around;
mod config;
mod entry;
mod features;
mod input;
mod links;
mod moderation;
mod output;
mod people;
mod polls;
mod reactions;
mod room;
pub mod rules;
mod stage;
mod state;
mod views;

pub use config::RoomConfig;
pub use input::{ConnId, Entrant, Input, NewInviteLink};
pub use output::{Audience, Output};
pub use room::Room;
pub use state::SavedRoom;
