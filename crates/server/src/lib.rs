//! The Podium server: an axum + tokio shell around [`podium_room::Room`].
//!
//! One concern a module: [`cli`] and [`config`] read the command line; [`auth`] verifies join
//! tokens, invitation codes and resume credentials; [`http`] serves the routes; [`session`] runs
//! one task per WebSocket; [`room_actor`] runs one task per room and owns its `Room`, and
//! [`fanout`] gathers its events for everyone; [`rooms`] finds or starts a room's actor;
//! [`media`] is the SFU that forwards the stage's media; [`store`] keeps what must survive a
//! restart. No room rule is decided here: who may do what is the room's.

pub mod auth;
pub mod callbacks;
mod callbacks_http;
pub mod callbacks_send;
pub mod cli;
pub mod client_entry;
pub mod clock;
pub mod config;
pub mod demo;
pub mod fanout;
mod forget_http;
pub mod http;
pub mod limits;
pub mod media;
pub mod metrics;
pub mod rate;
pub mod room_actor;
pub mod rooms;
pub mod server;
pub mod session;
pub mod shutdown;
pub mod state;
pub mod store;

pub use config::Config;
pub use server::{run, Server};
