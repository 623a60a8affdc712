//! One client's peer connection: its `Rtc`, the tracks it sends us, the tracks we send it, and
//! the offers the server makes to it.

use std::time::{Duration, Instant};

use podium_protocol::{MediaKind, MediaTrack, ParticipantId, SendTrack, ServerMsg};
use podium_room::ConnId;
use str0m::change::SdpPendingOffer;
use str0m::media::{Direction, KeyframeRequestKind, MediaData, Mid, Rid};
use str0m::Rtc;
use tokio::sync::mpsc;

use super::layers::{self, Layer};
use super::timeline::Timeline;
use super::RoomKey;
use crate::room_actor::{encode, Outbound};

/// Shortest time between two keyframe requests to one publisher's track.
const KEYFRAME_THROTTLE: Duration = Duration::from_millis(500);

/// A track this peer sends us.
#[derive(Debug)]
pub struct TrackIn {
    pub mid: Mid,
    pub kind: MediaKind,
    /// Its simulcast layers (or its one stream), as measured arriving.
    pub layers: Vec<Layer>,
    /// When a keyframe was last asked for, per layer (`None`: the track's one stream). Per
    /// layer, so a subscriber waiting for one layer never holds up another waiting for the next.
    pub keyframes_asked: Vec<(Option<Rid>, Instant)>,
}

impl TrackIn {
    /// The simulcast layers arriving now, lowest rank first; empty when the track is not
    /// simulcast.
    pub fn live_layers(&self, now: Instant, into: &mut Vec<(u8, Rid)>) {
        into.clear();
        into.extend(
            self.layers
                .iter()
                .filter(|l| l.live(now))
                .filter_map(|l| Some((l.rank(), l.rid?))),
        );
        into.sort_unstable_by_key(|(rank, _)| *rank);
    }

    /// The simulcast layers arriving now, lowest rank first, as `(rank, bitrate, size)` with
    /// each size as its keyframes told or as [`layers::sizes`] guesses it.
    pub fn simulcast_layers(&self, now: Instant) -> Vec<(u8, u64, (u16, u16))> {
        let mut live: Vec<&Layer> = self
            .layers
            .iter()
            .filter(|l| l.live(now) && l.rid.is_some())
            .collect();
        live.sort_unstable_by_key(|l| l.rank());
        let known: Vec<_> = live.iter().map(|l| (l.rank(), l.size)).collect();
        live.iter()
            .zip(layers::sizes(&known))
            .map(|(l, size)| (l.rank(), l.bitrate, size))
            .collect()
    }

    /// Whether this track comes in simulcast layers (named by RID).
    fn is_simulcast(&self) -> bool {
        self.layers.iter().any(|l| l.rid.is_some())
    }

    /// Whether a keyframe of layer `rid` may be asked for now, at most every
    /// [`KEYFRAME_THROTTLE`] per layer; when it may, the asking is counted.
    fn may_ask_keyframe(&mut self, rid: Option<Rid>, now: Instant) -> bool {
        match self.keyframes_asked.iter_mut().find(|(r, _)| *r == rid) {
            Some((_, at)) if now.saturating_duration_since(*at) < KEYFRAME_THROTTLE => false,
            Some((_, at)) => {
                *at = now;
                true
            }
            None => {
                self.keyframes_asked.push((rid, now));
                true
            }
        }
    }

    /// Count one frame of media arriving on this track.
    pub fn saw(&mut self, data: &MediaData, now: Instant) {
        let size = if self.kind == MediaKind::Audio || !data.is_keyframe() {
            None
        } else {
            layers::vp8_keyframe_size(&data.data)
        };
        let layer = match self.layers.iter_mut().position(|l| l.rid == data.rid) {
            Some(i) => &mut self.layers[i],
            None => {
                self.layers.push(Layer::new(data.rid, now));
                let last = self.layers.len() - 1;
                &mut self.layers[last]
            }
        };
        if size.is_some() && layer.size != size {
            tracing::debug!(mid = %self.mid, rid = ?data.rid, ?size, "layer size");
        }
        layer.saw(data.data.len(), size, now);
    }

    /// Bits per second arriving over all live layers.
    pub fn bitrate(&self, now: Instant) -> u64 {
        self.layers
            .iter()
            .filter(|l| l.live(now))
            .map(|l| l.bitrate)
            .sum()
    }
}

/// What forwarding one frame to one subscriber came to.
#[derive(Debug, Default)]
pub struct Forwarded {
    /// Media was written: the subscriber's peer has packets to send.
    pub wrote: bool,
    /// The subscriber waits for a keyframe of this layer before it can switch to it.
    pub wants_keyframe: Option<Option<Rid>>,
}

/// Where an outgoing track's media comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Source {
    pub conn: ConnId,
    pub mid: Mid,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutState {
    /// To be added in the next offer.
    ToOpen,
    /// Offered; forwarding starts once the client answers.
    Negotiating(Mid),
    Open(Mid),
    /// To be stopped in the next offer (nothing is written to it any more).
    ToStop(Mid),
    NegotiatingStop(Mid),
}

/// A track we send this peer: someone else's media.
#[derive(Debug)]
pub struct TrackOut {
    pub source: Source,
    pub participant: ParticipantId,
    pub kind: MediaKind,
    pub state: OutState,
    /// The simulcast layer being forwarded.
    pub layer: Option<Rid>,
    /// The best layer rank to forward ([`layers::choose`] decides it).
    pub cap: u8,
    /// The size the client shows this video at, in device pixels, when it said.
    pub view: Option<(u16, u16)>,
    /// When the bandwidth estimate last pushed `cap` below what fits the view: it goes back up
    /// only after a while, so a wavering estimate does not switch layers (each switch asks the
    /// publisher for a keyframe) back and forth.
    pub squeezed: Option<Instant>,
    /// The RTP time written, carried on across layer switches.
    pub timeline: Timeline,
}

impl TrackOut {
    pub fn mid(&self) -> Option<Mid> {
        match self.state {
            OutState::ToOpen => None,
            OutState::Negotiating(m)
            | OutState::Open(m)
            | OutState::ToStop(m)
            | OutState::NegotiatingStop(m) => Some(m),
        }
    }

    /// Offered or open: the client should know whose it is.
    pub fn listed(&self) -> bool {
        matches!(self.state, OutState::Negotiating(_) | OutState::Open(_))
    }

    /// Wanted: not on its way out.
    pub fn live(&self) -> bool {
        !matches!(
            self.state,
            OutState::ToStop(_) | OutState::NegotiatingStop(_)
        )
    }
}

pub struct Peer {
    pub conn: ConnId,
    pub room: RoomKey,
    pub participant: ParticipantId,
    pub mobile: bool,
    outbox: mpsc::Sender<Outbound>,
    pub rtc: Rtc,
    /// What the client said its sending m-lines carry.
    declared: Vec<SendTrack>,
    pub tracks_in: Vec<TrackIn>,
    pub tracks_out: Vec<TrackOut>,
    /// The server's offer waiting for the client's answer.
    pending: Option<SdpPendingOffer>,
    /// When the `Rtc` next wants a timeout input.
    pub timeout: Instant,
    /// A client offer was accepted: there is a session to renegotiate.
    pub negotiated: bool,
    /// The bandwidth estimate of the way to this peer, in bits per second (`None`: nothing
    /// lost so far, no limit).
    pub estimate: Option<u64>,
    /// Media bytes sent to this peer at the last statistics, and when.
    sent: Option<(u64, Instant)>,
}

impl Peer {
    pub fn new(
        conn: ConnId,
        room: RoomKey,
        participant: ParticipantId,
        mobile: bool,
        outbox: mpsc::Sender<Outbound>,
        rtc: Rtc,
        now: Instant,
    ) -> Peer {
        Peer {
            conn,
            room,
            participant,
            mobile,
            outbox,
            rtc,
            declared: Vec::new(),
            tracks_in: Vec::new(),
            tracks_out: Vec::new(),
            pending: None,
            timeout: now,
            negotiated: false,
            estimate: None,
            sent: None,
        }
    }

    /// Queue a frame to this peer's session; a full queue drops it (the room drops stalled
    /// sessions on its own).
    pub fn tell(&self, msg: &ServerMsg) {
        if let Some(bytes) = encode(msg) {
            if self.outbox.try_send(Outbound::Frame(bytes)).is_err() {
                tracing::debug!(
                    conn = self.conn,
                    "session queue full or gone: media frame dropped"
                );
            }
        }
    }

    pub fn refuse(&self, command: &str) {
        if let Some(bytes) = encode(&ServerMsg::error(
            podium_protocol::ErrorCode::MediaRefused,
            Some(command),
        )) {
            let _ = self.outbox.try_send(Outbound::Refusal(bytes));
        }
    }

    pub fn set_declared(&mut self, tracks: Vec<SendTrack>) {
        self.declared = tracks;
    }

    /// The client's offer took effect: any offer of ours is void (its tracks go back to be
    /// offered again), and the answer goes out.
    pub fn accepted_offer(&mut self, answer: String) {
        self.negotiated = true;
        if self.pending.take().is_some() {
            for t in &mut self.tracks_out {
                match t.state {
                    OutState::Negotiating(_) => t.state = OutState::ToOpen,
                    OutState::NegotiatingStop(m) => t.state = OutState::ToStop(m),
                    _ => {}
                }
            }
        }
        self.tell(&ServerMsg::MediaAnswer { sdp: answer });
    }

    /// The client answered our offer. Returns the tracks that just opened, or `None` when no
    /// offer was waiting (an answer to an offer the client's own offer superseded).
    pub fn accept_answer(&mut self, sdp: &str) -> Option<Result<Vec<Source>, String>> {
        let pending = self.pending.take()?;
        let answer = match str0m::change::SdpAnswer::from_sdp_string(sdp) {
            Ok(a) => a,
            Err(e) => return Some(Err(e.to_string())),
        };
        if let Err(e) = self.rtc.sdp_api().accept_answer(pending, answer) {
            return Some(Err(e.to_string()));
        }
        let mut opened = Vec::new();
        for t in &mut self.tracks_out {
            if let OutState::Negotiating(m) = t.state {
                t.state = OutState::Open(m);
                opened.push(t.source);
            }
        }
        self.tracks_out
            .retain(|t| !matches!(t.state, OutState::NegotiatingStop(_)));
        Some(Ok(opened))
    }

    /// A media line appeared or changed direction: keep the incoming tracks in step. True when
    /// the set of incoming tracks changed.
    pub fn media_line(&mut self, mid: Mid, kind: str0m::media::MediaKind, dir: Direction) -> bool {
        let known = self.tracks_in.iter().position(|t| t.mid == mid);
        match (dir.is_receiving(), known) {
            (true, None) => {
                let kind = match kind {
                    str0m::media::MediaKind::Audio => MediaKind::Audio,
                    str0m::media::MediaKind::Video => {
                        let declared = self
                            .declared
                            .iter()
                            .find(|t| t.mid == mid.to_string())
                            .map(|t| t.kind);
                        if declared == Some(MediaKind::Screen) {
                            MediaKind::Screen
                        } else {
                            MediaKind::Video
                        }
                    }
                };
                self.tracks_in.push(TrackIn {
                    mid,
                    kind,
                    layers: Vec::new(),
                    keyframes_asked: Vec::new(),
                });
                true
            }
            (false, Some(i)) => {
                self.tracks_in.remove(i);
                true
            }
            _ => false,
        }
    }

    /// Hand the `Rtc` one input; a peer that fails is disconnected (and removed once polled).
    pub fn feed(&mut self, input: str0m::Input) {
        if let Err(e) = self.rtc.handle_input(input) {
            tracing::debug!(conn = self.conn, error = ?e, "peer failed");
            self.rtc.disconnect();
        }
    }

    /// New statistics: update the bandwidth estimate from what was sent since the last ones
    /// and what the receiver reports lost. True when the estimate changed.
    pub fn measure(&mut self, bytes_sent: u64, loss: Option<f32>, at: Instant) -> bool {
        let last = self.sent.replace((bytes_sent, at));
        let Some((before, then)) = last else {
            return false;
        };
        let secs = at.saturating_duration_since(then).as_secs_f64();
        if secs <= 0.0 {
            return false;
        }
        let rate = (bytes_sent.saturating_sub(before) as f64 * 8.0 / secs) as u64;
        let next = layers::next_estimate(self.estimate, rate, loss.unwrap_or(0.0));
        let changed = next != self.estimate;
        if changed {
            tracing::debug!(conn = self.conn, rate, ?loss, estimate = ?next, "bandwidth estimate");
        }
        self.estimate = next;
        changed
    }

    /// Ask this peer for a keyframe on one of its tracks, at most every [`KEYFRAME_THROTTLE`].
    /// True when a request went out (the peer has something to send).
    pub fn request_keyframe(&mut self, mid: Mid, rid: Option<Rid>, now: Instant) -> bool {
        let Some(track) = self.tracks_in.iter_mut().find(|t| t.mid == mid) else {
            return false;
        };
        // A simulcast track is asked per layer. A subscriber not yet on any layer asks for
        // nothing here: `forward` asks for the layer it waits for.
        if track.kind == MediaKind::Audio
            || (rid.is_none() && track.is_simulcast())
            || !track.may_ask_keyframe(rid, now)
        {
            return false;
        }
        let Some(mut writer) = self.rtc.writer(mid) else {
            return false;
        };
        if let Err(e) = writer.request_keyframe(rid, KeyframeRequestKind::Pli) {
            tracing::debug!(conn = self.conn, error = ?e, "keyframe request failed");
            return false;
        }
        tracing::trace!(conn = self.conn, %mid, ?rid, "keyframe asked");
        true
    }

    /// Write a publisher's media to the outgoing track it feeds, choosing the simulcast layer.
    pub fn forward(&mut self, source: Source, live: &[(u8, Rid)], data: &MediaData) -> Forwarded {
        let mut done = Forwarded::default();
        let Some(track) = self
            .tracks_out
            .iter_mut()
            .find(|t| t.source == source && matches!(t.state, OutState::Open(_)))
        else {
            return done;
        };
        let Some(mid) = track.mid() else {
            return done;
        };
        if data.rid.is_some() {
            let target = layers::pick(live, track.cap).copied();
            // Switch layers only on a keyframe of the wanted one, so the decoder never breaks.
            if track.layer != target {
                if data.rid == target && data.is_keyframe() {
                    tracing::debug!(conn = self.conn, %mid, rid = ?target, time = data.time.numer(), "layer switched");
                    track.layer = target;
                    track.timeline.switch(data.time, data.network_time);
                } else {
                    done.wants_keyframe = Some(target);
                }
            }
            if data.rid != track.layer {
                return done;
            }
        }
        let Some(writer) = self.rtc.writer(mid) else {
            return done;
        };
        let Some(pt) = writer.match_params(data.params) else {
            return done;
        };
        let time = track.timeline.map(data.time, data.network_time);
        match writer.write(pt, data.network_time, time, data.data.clone()) {
            Ok(()) => {
                crate::metrics::METRICS.media_forwarded();
                done.wrote = true;
            }
            Err(e) => tracing::debug!(conn = self.conn, error = ?e, "could not forward media"),
        }
        done
    }

    /// Offer the client what changed in the tracks we send it, unless an offer is already out.
    pub fn negotiate(&mut self) {
        if self.pending.is_some() || !self.negotiated {
            return;
        }
        let mut change = self.rtc.sdp_api();
        for t in &mut self.tracks_out {
            match t.state {
                OutState::ToOpen => {
                    let kind = match t.kind {
                        MediaKind::Audio => str0m::media::MediaKind::Audio,
                        MediaKind::Video | MediaKind::Screen => str0m::media::MediaKind::Video,
                    };
                    let stream = format!("participant-{}", t.participant);
                    let track = format!("{}-{}", kind_name(t.kind), t.participant);
                    let mid = change.add_media(
                        kind,
                        Direction::SendOnly,
                        Some(stream),
                        Some(track),
                        None,
                    );
                    t.state = OutState::Negotiating(mid);
                }
                OutState::ToStop(mid) => {
                    change.stop_media(mid);
                    t.state = OutState::NegotiatingStop(mid);
                }
                _ => {}
            }
        }
        if !change.has_changes() {
            return;
        }
        let Some((offer, pending)) = change.apply() else {
            return;
        };
        self.pending = Some(pending);
        self.tell(&ServerMsg::MediaTracks {
            tracks: self.track_list(),
        });
        self.tell(&ServerMsg::MediaOffer {
            sdp: offer.to_sdp_string(),
        });
    }

    /// Whose media each offered or open outgoing track carries.
    pub fn track_list(&self) -> Vec<MediaTrack> {
        self.tracks_out
            .iter()
            .filter(|t| t.listed())
            .filter_map(|t| {
                Some(MediaTrack {
                    mid: t.mid()?.to_string(),
                    participant: t.participant,
                    kind: t.kind,
                })
            })
            .collect()
    }
}

fn kind_name(kind: MediaKind) -> &'static str {
    match kind {
        MediaKind::Audio => "audio",
        MediaKind::Video => "video",
        MediaKind::Screen => "screen",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn camera() -> TrackIn {
        TrackIn {
            mid: Mid::from("0"),
            kind: MediaKind::Video,
            layers: Vec::new(),
            keyframes_asked: Vec::new(),
        }
    }

    #[test]
    fn keyframes_are_asked_at_most_twice_a_second_per_layer() {
        let mut track = camera();
        let t0 = Instant::now();
        let (h, l) = (Some(Rid::from("h")), Some(Rid::from("l")));
        assert!(track.may_ask_keyframe(h, t0));
        // Another layer is not held up by the first: a phone waiting for `l` while a desktop
        // waits for `h` is asked for in the same moment.
        assert!(track.may_ask_keyframe(l, t0));
        assert!(!track.may_ask_keyframe(h, t0 + Duration::from_millis(100)));
        assert!(!track.may_ask_keyframe(l, t0 + Duration::from_millis(499)));
        assert!(track.may_ask_keyframe(h, t0 + KEYFRAME_THROTTLE));
        assert!(track.may_ask_keyframe(l, t0 + KEYFRAME_THROTTLE));
    }
}
