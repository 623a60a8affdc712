//! Choosing each subscriber's simulcast layers: what the SFU knows of the publishers' layers
//! and the subscriber's view and bandwidth, handed to [`layers::choose`].

use std::time::Instant;

use podium_room::ConnId;

use super::super::layers::{self, Wanted};
use super::super::peer::OutState;
use super::{Sfu, ESTIMATE_USE, HOLD_BEFORE_UP};

impl Sfu {
    /// Choose the simulcast layer of every video a subscriber receives (see [`layers`]).
    pub(super) fn choose_layers(&mut self, conn: ConnId, now: Instant) {
        let Some(sub) = self.peers.get(&conn) else {
            return;
        };
        let mut wanted = Vec::new();
        let mut which = Vec::new();
        // Audio, screens and other single-stream video: sent whole, taken off the budget.
        let mut fixed = 0;
        for (i, t) in sub.tracks_out.iter().enumerate() {
            if !matches!(t.state, OutState::Open(_)) {
                continue;
            }
            let Some(track) = self
                .peers
                .get(&t.source.conn)
                .and_then(|p| p.tracks_in.iter().find(|tin| tin.mid == t.source.mid))
            else {
                continue;
            };
            let layers = track.simulcast_layers(now);
            if layers.len() < 2 {
                fixed += track.bitrate(now);
                continue;
            }
            wanted.push(Wanted {
                layers,
                view: t.view,
            });
            which.push(i);
        }
        let budget = sub
            .estimate
            .map(|e| ((e as f64 * ESTIMATE_USE) as u64).saturating_sub(fixed));
        let mobile = sub.mobile;
        let caps = layers::choose(&wanted, budget, mobile);
        let ideal = layers::choose(&wanted, None, mobile);
        tracing::trace!(conn, ?wanted, ?budget, ?caps, ?ideal, "layers chosen");
        let Some(sub) = self.peers.get_mut(&conn) else {
            return;
        };
        for ((i, cap), fits) in which.into_iter().zip(caps).zip(ideal) {
            let Some(t) = sub.tracks_out.get_mut(i) else {
                continue;
            };
            if cap < fits && cap < t.cap {
                t.squeezed = Some(now);
            }
            let held = t
                .squeezed
                .is_some_and(|at| now.saturating_duration_since(at) < HOLD_BEFORE_UP);
            if cap < t.cap || !held {
                t.cap = cap;
            }
        }
    }
}
