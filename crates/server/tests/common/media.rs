//! Media signalling for the test [`Client`]: the str0m peer itself lives in `podium-testkit`
//! (shared with the benchmarks); this is the glue that carries its offers, answers and track
//! lists over the client's WebSocket.

use std::time::{Duration, Instant};

use podium_protocol::ServerMsg;

pub use podium_testkit::media::*;

use super::Client;

impl Client {
    /// Offer this peer connection to the server and apply its answer.
    pub async fn connect_media(&mut self, peer: &MediaPeer, publish: bool, simulcast: bool) {
        self.connect_media_with(peer, publish, simulcast, false)
            .await;
    }

    /// As [`Client::connect_media`], with a screen-share transceiver when `screen`.
    pub async fn connect_media_with(
        &mut self,
        peer: &MediaPeer,
        publish: bool,
        simulcast: bool,
        screen: bool,
    ) {
        self.send(peer.offer_msg(publish, simulcast, screen)).await;
        let answer = self
            .expect("media_answer", |m| {
                matches!(m, ServerMsg::MediaAnswer { .. })
            })
            .await;
        peer.handle_signal(&answer);
    }

    /// Handle the server's media signalling that has arrived (offers, track lists), reading
    /// the socket for up to `within`.
    pub async fn pump_media(&mut self, peer: &MediaPeer, within: Duration) {
        let until = tokio::time::Instant::now() + within;
        loop {
            while let Some(i) = self.pending.iter().position(|m| {
                matches!(
                    m,
                    ServerMsg::MediaOffer { .. } | ServerMsg::MediaTracks { .. }
                )
            }) {
                let msg = self.pending.remove(i).unwrap();
                if let Some(reply) = peer.handle_signal(&msg) {
                    self.send(reply).await;
                }
            }
            match self.next_msg(until).await {
                Some(msg) => self.pending.push_back(msg),
                None => return,
            }
        }
    }

    /// Keep the media signalling going until `done` holds, or fail after `within`.
    pub async fn media_until(
        &mut self,
        peer: &MediaPeer,
        what: &str,
        within: Duration,
        mut done: impl FnMut(&MediaPeer) -> bool,
    ) {
        let deadline = Instant::now() + within;
        while Instant::now() < deadline {
            if done(peer) {
                return;
            }
            self.pump_media(peer, Duration::from_millis(50)).await;
        }
        assert!(done(peer), "timed out waiting for {what}");
    }
}

/// Pump several clients' media signalling in turn until `done` holds, or fail after `within`.
pub async fn settle(
    parties: &mut [(&mut Client, &MediaPeer)],
    what: &str,
    within: Duration,
    mut done: impl FnMut() -> bool,
) {
    let deadline = Instant::now() + within;
    while Instant::now() < deadline {
        if done() {
            return;
        }
        for (client, peer) in parties.iter_mut() {
            client.pump_media(peer, Duration::from_millis(10)).await;
        }
    }
    assert!(done(), "timed out waiting for {what}");
}

/// Pump everyone's signalling for `time`, whatever happens.
pub async fn run_for(parties: &mut [(&mut Client, &MediaPeer)], time: Duration) {
    let deadline = Instant::now() + time;
    while Instant::now() < deadline {
        for (client, peer) in parties.iter_mut() {
            client.pump_media(peer, Duration::from_millis(10)).await;
        }
    }
}
