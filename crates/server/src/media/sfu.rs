//! Every peer and every room's forwarding table, and the routing between them. No sockets
//! here: transmits are handed to the caller's `send`, time comes in as an argument.

use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap, HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use podium_protocol::{MediaKind, ParticipantId, SendTrack};
use podium_room::rules::Forwarding;
use podium_room::ConnId;
use str0m::change::SdpOffer;
use str0m::config::CryptoProvider;
use str0m::media::{KeyframeRequest, MediaData, Rid};
use str0m::net::{Protocol, Receive, Transmit};
use str0m::{Candidate, Event, IceConnectionState, Input, Output, Rtc};

use super::layers;
use super::peer::{OutState, Peer, Source, TrackOut};
use super::timeline::Timeline;
use super::{RoomKey, ToMedia};

mod choice;

/// One room's media: who may be forwarded, and whose peers are here.
#[derive(Default)]
struct RoomMedia {
    allowed: HashMap<ParticipantId, Forwarding>,
    peers: BTreeSet<ConnId>,
}

impl RoomMedia {
    fn allows(&self, participant: ParticipantId, kind: MediaKind) -> bool {
        self.allowed.get(&participant).is_some_and(|f| match kind {
            MediaKind::Audio => f.audio,
            MediaKind::Video => f.video,
            MediaKind::Screen => f.screen,
        })
    }
}

/// What one peer's output asks of the others.
enum Propagated {
    Media(ConnId, Box<MediaData>),
    KeyframeRequest(ConnId, KeyframeRequest),
    /// The peer's incoming tracks changed: its room's outgoing tracks need another look.
    TracksChanged(RoomKey),
    /// A new bandwidth estimate for the way to this peer: its layers need another look.
    Estimate(ConnId),
}

pub struct Sfu {
    /// The host candidate every peer is given; also the destination of what the socket reads.
    candidate: SocketAddr,
    crypto: Arc<CryptoProvider>,
    peers: HashMap<ConnId, Peer>,
    /// Which peer a remote address last reached, so most datagrams skip the search.
    by_addr: HashMap<SocketAddr, ConnId>,
    rooms: HashMap<RoomKey, RoomMedia>,
    /// Rooms whose outgoing tracks must be reconciled with what may be forwarded.
    dirty: BTreeSet<RoomKey>,
    queue: Vec<Propagated>,
    /// Peers that got input, media to send or a change since they were last polled: the only
    /// ones polled. Polling every peer after every datagram cost more than forwarding.
    busy: HashSet<ConnId>,
    /// When each peer asked to be woken, earliest first. An entry is stale when the peer has
    /// asked again since (its `timeout` differs): it is skipped when it comes up.
    timers: BinaryHeap<Reverse<(Instant, ConnId)>>,
    /// `busy` taken for one round of polling (kept to reuse its allocation).
    polling: Vec<ConnId>,
    /// The live layers of the track being forwarded (kept to reuse its allocation).
    live: Vec<(u8, Rid)>,
    /// Subscribers whose layers must be chosen again (new estimate, new view, new track).
    rechoose: BTreeSet<ConnId>,
    /// When every subscriber's layers are next chosen again, as the layers' bitrates move.
    next_choice: Option<Instant>,
}

/// How often every subscriber's layers are chosen again.
const CHOICE_EVERY: Duration = Duration::from_secs(1);
/// How long a video keeps its layer before it may go up again.
const HOLD_BEFORE_UP: Duration = Duration::from_secs(4);
/// How often each peer's statistics (sent bytes, receivers' loss) update its estimate.
const STATS_EVERY: Duration = Duration::from_secs(1);
/// Share of the estimate media may take: the rest absorbs bursts such as keyframes.
const ESTIMATE_USE: f64 = 0.9;
/// Outgoing video packets kept per stream for retransmission (str0m keeps 1000): about a
/// second of a 720p layer, more than any NACK needs, at a third of the memory.
const VIDEO_SEND_BUFFER: usize = 300;
/// The longest the loop sleeps with nothing asked for.
const IDLE_WAKE: Duration = Duration::from_millis(100);
/// A peer's `timeout` while it waits to be polled: a timer entry that comes up is stale.
const NOT_SCHEDULED: Duration = Duration::from_secs(3600);

impl Sfu {
    pub fn new(candidate: SocketAddr) -> Sfu {
        Sfu {
            candidate,
            crypto: Arc::new(str0m::crypto::from_feature_flags()),
            peers: HashMap::new(),
            by_addr: HashMap::new(),
            rooms: HashMap::new(),
            dirty: BTreeSet::new(),
            queue: Vec::new(),
            busy: HashSet::new(),
            timers: BinaryHeap::new(),
            polling: Vec::new(),
            live: Vec::new(),
            rechoose: BTreeSet::new(),
            next_choice: None,
        }
    }

    pub fn peer_count(&self) -> usize {
        self.peers.len()
    }

    /// Carry out one message from the rest of the server.
    pub fn command(&mut self, msg: ToMedia, now: Instant) {
        if let ToMedia::Offer { conn, .. }
        | ToMedia::Answer { conn, .. }
        | ToMedia::Candidate { conn, .. } = &msg
        {
            self.busy.insert(*conn);
        }
        match msg {
            ToMedia::Offer {
                conn,
                room,
                participant,
                mobile,
                outbox,
                sdp,
                tracks,
            } => {
                if !self.peers.contains_key(&conn) {
                    let mut rtc = Rtc::builder()
                        .set_crypto_provider(self.crypto.clone())
                        .set_stats_interval(Some(STATS_EVERY))
                        .set_send_buffer_video(VIDEO_SEND_BUFFER)
                        .build(now);
                    // The one host candidate every peer is given: the shared UDP socket.
                    match Candidate::host(self.candidate, "udp") {
                        Ok(c) => {
                            rtc.add_local_candidate(c);
                        }
                        Err(e) => tracing::error!(error = ?e, "no host candidate"),
                    }
                    let mut peer =
                        Peer::new(conn, room.clone(), participant, mobile, outbox, rtc, now);
                    // Not scheduled until its first poll (it is busy now) asks for a time.
                    peer.timeout = now + NOT_SCHEDULED;
                    self.rooms.entry(room).or_default().peers.insert(conn);
                    self.peers.insert(conn, peer);
                }
                self.offer(conn, &sdp, tracks);
            }
            ToMedia::Answer { conn, sdp } => self.answer(conn, &sdp, now),
            ToMedia::Candidate { conn, candidate } => {
                let Some(peer) = self.peers.get_mut(&conn) else {
                    return;
                };
                let line = candidate.trim();
                let line = line.strip_prefix("a=").unwrap_or(line);
                if line.is_empty() {
                    // The end-of-candidates marker.
                    return;
                }
                match Candidate::from_sdp_string(line) {
                    Ok(c) => peer.rtc.add_remote_candidate(c),
                    Err(e) => tracing::debug!(conn, error = ?e, "unusable ICE candidate"),
                }
            }
            ToMedia::View { conn, views } => {
                let Some(peer) = self.peers.get_mut(&conn) else {
                    return;
                };
                for view in views {
                    let track = peer
                        .tracks_out
                        .iter_mut()
                        .find(|t| t.mid().is_some_and(|m| *m == *view.mid));
                    if let Some(t) = track {
                        t.view = Some((view.width, view.height));
                    }
                }
                self.rechoose.insert(conn);
            }
            ToMedia::Forward {
                room,
                participant,
                forwarding,
            } => {
                let entry = self.rooms.entry(room.clone()).or_default();
                if forwarding == Forwarding::NONE {
                    entry.allowed.remove(&participant);
                } else {
                    entry.allowed.insert(participant, forwarding);
                }
                tracing::debug!(room = %room, participant, ?forwarding, "forwarding");
                self.dirty.insert(room.clone());
                self.forget_room_if_empty(&room);
            }
            ToMedia::Close { conn } => self.remove_peer(conn),
        }
    }

    fn offer(&mut self, conn: ConnId, sdp: &str, tracks: Vec<SendTrack>) {
        let Some(peer) = self.peers.get_mut(&conn) else {
            return;
        };
        let offer = match SdpOffer::from_sdp_string(sdp) {
            Ok(o) => o,
            Err(e) => {
                tracing::info!(conn, error = %e, "unreadable media offer");
                peer.refuse("media_offer");
                if !peer.negotiated {
                    self.remove_peer(conn);
                }
                return;
            }
        };
        peer.set_declared(tracks);
        match peer.rtc.sdp_api().accept_offer(offer) {
            Ok(answer) => {
                if !peer.rtc.is_alive() {
                    return;
                }
                peer.accepted_offer(answer.to_sdp_string());
                let room = peer.room.clone();
                self.dirty.insert(room);
            }
            Err(e) => {
                tracing::info!(conn, error = %e, "media offer refused");
                peer.refuse("media_offer");
                if !peer.negotiated {
                    self.remove_peer(conn);
                }
            }
        }
    }

    fn answer(&mut self, conn: ConnId, sdp: &str, now: Instant) {
        let Some(peer) = self.peers.get_mut(&conn) else {
            return;
        };
        match peer.accept_answer(sdp) {
            None => tracing::debug!(conn, "media answer without an offer waiting: ignored"),
            Some(Err(e)) => {
                tracing::info!(conn, error = %e, "media answer refused");
                peer.refuse("media_answer");
            }
            Some(Ok(opened)) => {
                // A new subscriber needs a keyframe to start decoding. A track without layers
                // is asked here; a simulcast track's is asked by `forward`, for the layer
                // chosen for this subscriber (`request_keyframe` refuses one without a layer).
                let room = peer.room.clone();
                self.rechoose.insert(conn);
                for source in opened {
                    let asked = self
                        .peers
                        .get_mut(&source.conn)
                        .is_some_and(|p| p.request_keyframe(source.mid, None, now));
                    if asked {
                        self.busy.insert(source.conn);
                    }
                }
                self.dirty.insert(room);
            }
        }
    }

    fn remove_peer(&mut self, conn: ConnId) {
        let Some(mut peer) = self.peers.remove(&conn) else {
            return;
        };
        peer.rtc.disconnect();
        self.by_addr.retain(|_, c| *c != conn);
        tracing::debug!(conn, participant = peer.participant, "peer closed");
        if let Some(room) = self.rooms.get_mut(&peer.room) {
            room.peers.remove(&conn);
        }
        self.dirty.insert(peer.room.clone());
        self.forget_room_if_empty(&peer.room);
    }

    fn forget_room_if_empty(&mut self, room: &RoomKey) {
        if self
            .rooms
            .get(room)
            .is_some_and(|r| r.peers.is_empty() && r.allowed.is_empty())
        {
            self.rooms.remove(room);
            self.dirty.remove(room);
        }
    }

    /// Make every subscriber's outgoing tracks match what may be forwarded in its room, and
    /// offer the changes.
    fn reconcile(&mut self, room_key: &RoomKey) {
        let Some(room) = self.rooms.get(room_key) else {
            return;
        };
        // Every forwardable track in the room: (source, participant, kind).
        let mut wanted = Vec::new();
        for conn in &room.peers {
            let Some(p) = self.peers.get(conn) else {
                continue;
            };
            for t in &p.tracks_in {
                if room.allows(p.participant, t.kind) {
                    wanted.push((
                        Source {
                            conn: *conn,
                            mid: t.mid,
                        },
                        p.participant,
                        t.kind,
                    ));
                }
            }
        }
        for conn in &room.peers {
            let Some(sub) = self.peers.get_mut(conn) else {
                continue;
            };
            for t in &mut sub.tracks_out {
                let keep = wanted.iter().any(|(s, _, _)| *s == t.source);
                match (keep, t.state) {
                    (false, OutState::Open(m)) => t.state = OutState::ToStop(m),
                    (true, OutState::ToStop(m)) => t.state = OutState::Open(m),
                    _ => {}
                }
            }
            sub.tracks_out.retain(|t| {
                t.state != OutState::ToOpen || wanted.iter().any(|(s, _, _)| *s == t.source)
            });
            for (source, participant, kind) in &wanted {
                if source.conn == *conn {
                    continue;
                }
                if !sub
                    .tracks_out
                    .iter()
                    .any(|t| t.source == *source && t.live())
                {
                    sub.tracks_out.push(TrackOut {
                        source: *source,
                        participant: *participant,
                        kind: *kind,
                        state: OutState::ToOpen,
                        layer: None,
                        cap: layers::unchosen_cap(sub.mobile),
                        view: None,
                        squeezed: None,
                        timeline: Timeline::default(),
                    });
                }
            }
            sub.negotiate();
            self.busy.insert(*conn);
        }
    }

    /// A datagram from the socket: to the peer that accepts it.
    pub fn receive(&mut self, now: Instant, source: SocketAddr, data: &[u8]) {
        let Ok(contents) = data.try_into() else {
            return;
        };
        let input = Input::Receive(
            now,
            Receive {
                proto: Protocol::Udp,
                source,
                destination: self.candidate,
                contents,
            },
        );
        // An address a peer's ICE credentials were checked for belongs to that peer: its DTLS
        // and media go straight there. Asking `accepts` instead would drop a DTLS ClientHello
        // that arrives before this side's own ICE check of the address succeeded, costing the
        // client a one-second retransmission. STUN is still checked (it carries credentials).
        let stun = data.first().is_some_and(|b| *b < 4);
        let known = self
            .by_addr
            .get(&source)
            .filter(|conn| {
                self.peers
                    .get(conn)
                    .is_some_and(|p| !stun || p.rtc.accepts(&input))
            })
            .copied();
        let conn = match known {
            Some(conn) => conn,
            None => {
                let Some(peer) = self.peers.values().find(|p| p.rtc.accepts(&input)) else {
                    tracing::trace!(%source, "datagram for no peer");
                    return;
                };
                self.by_addr.insert(source, peer.conn);
                peer.conn
            }
        };
        let Some(peer) = self.peers.get_mut(&conn) else {
            return;
        };
        self.busy.insert(conn);
        peer.feed(input);
    }

    /// Let time pass for the peers whose timeout is due.
    pub fn timeout(&mut self, now: Instant) {
        while let Some(&Reverse((at, conn))) = self.timers.peek() {
            if at > now {
                break;
            }
            self.timers.pop();
            let Some(peer) = self.peers.get_mut(&conn) else {
                continue;
            };
            if peer.timeout > now {
                // Stale: the peer asked for a later time since.
                continue;
            }
            peer.timeout = now + NOT_SCHEDULED;
            self.busy.insert(conn);
            peer.feed(Input::Timeout(now));
        }
    }

    /// Drain the output of every peer with something to do, until nothing is left; returns
    /// when the loop should next wake.
    pub fn poll(&mut self, now: Instant, send: &mut impl FnMut(&Transmit)) -> Instant {
        if self.next_choice.is_none_or(|at| at <= now) {
            self.next_choice = Some(now + CHOICE_EVERY);
            self.rechoose.extend(
                self.peers
                    .values()
                    .filter(|p| !p.tracks_out.is_empty())
                    .map(|p| p.conn),
            );
        }
        loop {
            for room in std::mem::take(&mut self.dirty) {
                self.reconcile(&room);
            }
            for conn in std::mem::take(&mut self.rechoose) {
                self.choose_layers(conn, now);
            }
            let mut polling = std::mem::take(&mut self.polling);
            polling.extend(self.busy.drain());
            let mut dead = Vec::new();
            for conn in polling.drain(..) {
                let Some(peer) = self.peers.get_mut(&conn) else {
                    continue;
                };
                // Media written to a peer is packetized on its next timeout: that one is
                // handled here and now rather than on another turn of the loop.
                let mut timed_out = false;
                loop {
                    if !peer.rtc.is_alive() {
                        dead.push(conn);
                        break;
                    }
                    match peer.rtc.poll_output() {
                        Ok(Output::Timeout(t)) if t <= now && !timed_out => {
                            timed_out = true;
                            peer.feed(Input::Timeout(now));
                        }
                        Ok(Output::Timeout(t)) => {
                            if peer.timeout != t {
                                peer.timeout = t;
                                self.timers.push(Reverse((t, conn)));
                            }
                            break;
                        }
                        Ok(Output::Transmit(t)) => send(&t),
                        Ok(Output::Event(e)) => on_event(peer, e, &mut self.queue),
                        Err(e) => {
                            tracing::debug!(conn, error = ?e, "peer failed");
                            peer.rtc.disconnect();
                        }
                    }
                }
            }
            self.polling = polling;
            for conn in dead {
                self.remove_peer(conn);
            }
            if self.queue.is_empty() && self.dirty.is_empty() && self.busy.is_empty() {
                let next = self.timers.peek().map(|Reverse((at, _))| *at);
                return next.map_or(now + IDLE_WAKE, |at| at.min(now + IDLE_WAKE));
            }
            for item in std::mem::take(&mut self.queue) {
                self.propagate(item, now);
            }
        }
    }

    fn propagate(&mut self, item: Propagated, now: Instant) {
        match item {
            Propagated::TracksChanged(room) => {
                self.dirty.insert(room);
            }
            Propagated::Estimate(conn) => {
                self.rechoose.insert(conn);
            }
            Propagated::Media(from, data) => self.forward(from, &data, now),
            Propagated::KeyframeRequest(from, req) => {
                // A subscriber lost the picture: ask the track's publisher.
                let Some(sub) = self.peers.get(&from) else {
                    return;
                };
                let Some(track) = sub.tracks_out.iter().find(|t| t.mid() == Some(req.mid)) else {
                    return;
                };
                let (source, layer) = (track.source, track.layer);
                let asked = self
                    .peers
                    .get_mut(&source.conn)
                    .is_some_and(|p| p.request_keyframe(source.mid, layer, now));
                if asked {
                    self.busy.insert(source.conn);
                }
            }
        }
    }

    /// One publisher's media to every subscriber in its room, if the room allows it.
    fn forward(&mut self, from: ConnId, data: &MediaData, now: Instant) {
        let Some(publisher) = self.peers.get_mut(&from) else {
            return;
        };
        let Some(track) = publisher.tracks_in.iter_mut().find(|t| t.mid == data.mid) else {
            return;
        };
        track.saw(data, now);
        let Some(room) = self.rooms.get(&publisher.room) else {
            return;
        };
        if !room.allows(publisher.participant, track.kind) {
            // Not on stage, or this source is off: dropped, never forwarded.
            return;
        }
        track.live_layers(now, &mut self.live);
        let source = Source {
            conn: from,
            mid: data.mid,
        };
        let mut keyframes: Vec<Option<Rid>> = Vec::new();
        for conn in &room.peers {
            if *conn == from {
                continue;
            }
            let Some(sub) = self.peers.get_mut(conn) else {
                continue;
            };
            let done = sub.forward(source, &self.live, data);
            if done.wrote {
                self.busy.insert(*conn);
            }
            if let Some(rid) = done.wants_keyframe {
                if !keyframes.contains(&rid) {
                    keyframes.push(rid);
                }
            }
        }
        if let Some(publisher) = self.peers.get_mut(&from) {
            let mut asked = false;
            for rid in keyframes {
                asked |= publisher.request_keyframe(data.mid, rid, now);
            }
            if asked {
                self.busy.insert(from);
            }
        }
    }
}

/// What one event from a peer's `Rtc` means for the SFU.
fn on_event(peer: &mut Peer, event: Event, queue: &mut Vec<Propagated>) {
    match event {
        Event::IceConnectionStateChange(state) => {
            tracing::debug!(conn = peer.conn, ?state, "ICE");
            if state == IceConnectionState::Disconnected {
                peer.rtc.disconnect();
            }
        }
        Event::Connected => tracing::debug!(conn = peer.conn, "peer connected"),
        Event::MediaAdded(m) if peer.media_line(m.mid, m.kind, m.direction) => {
            queue.push(Propagated::TracksChanged(peer.room.clone()));
        }
        Event::MediaChanged(m) => {
            let kind = peer.rtc.media(m.mid).map(|media| media.kind());
            if let Some(kind) = kind {
                if peer.media_line(m.mid, kind, m.direction) {
                    queue.push(Propagated::TracksChanged(peer.room.clone()));
                }
            }
        }
        Event::MediaData(data) => queue.push(Propagated::Media(peer.conn, Box::new(data))),
        Event::KeyframeRequest(req) => queue.push(Propagated::KeyframeRequest(peer.conn, req)),
        Event::PeerStats(stats) => {
            let changed = peer.measure(stats.bytes_tx, stats.egress_loss_fraction, stats.timestamp);
            queue.extend(changed.then_some(Propagated::Estimate(peer.conn)));
        }
        _ => {}
    }
}
