//! Live media in the browser: one `RTCPeerConnection` to the server's SFU, negotiated over the
//! room's WebSocket exactly as docs/protocol.md ("Live media") says.
//!
//! One task takes every step in order (signalling from the server, the room's changes to what
//! this person sends, a screen picked), so no two offers or track changes ever interleave.
//!
//! - [`peer`]: the connection, its offers and answers.
//! - [`publish`]: the camera, microphone and screen sent while on stage.
//! - [`receive`]: whose media each incoming track carries.
//! - [`speaker`]: who is speaking, from audio levels.
//! - [`views`]: how large each incoming video is shown, for the server to pick its layer.

mod peer;
mod publish;
mod receive;
mod speaker;
mod views;

use std::rc::Rc;

use futures::channel::mpsc;
use futures::StreamExt;
use leptos::prelude::*;
use podium_protocol::{ClientMsg, IceServer, MediaKind, MediaTrack, ParticipantId};
use web_sys::{MediaStream, RtcPeerConnection, RtcRtpTransceiverDirection};

use crate::media::MediaError;
use crate::net::Net;
use peer::Peer;
pub use publish::Want;
use publish::{Local, Senders};
pub use receive::Remote;

/// One step for the media task.
enum Step {
    /// A welcome (first, or after a reconnect): a new peer connection.
    Start {
        ice_servers: Vec<IceServer>,
        on_stage: bool,
    },
    ServerOffer(String),
    ServerAnswer(String),
    Tracks(Vec<MediaTrack>),
    /// The server refused our offer or answer.
    Refused,
    Publish(Want),
    /// A screen to share, or none to stop sharing.
    Screen(Option<MediaStream>),
    /// Try the sound again after a click.
    Resume,
    /// The session ended for good.
    Stop,
}

/// What the page shows of the media: every field a component reads, in one signal, so that
/// the whole media side costs the download one reactive type.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MediaView {
    /// The incoming tracks, by m-line.
    pub remote: Vec<Remote>,
    /// This person's own camera and shared screen, for their tile and the screen view.
    pub own_camera: Option<MediaStream>,
    pub own_screen: Option<MediaStream>,
    /// Who is speaking now.
    pub speaking: Option<ParticipantId>,
    /// The browser would not start the sound without a click.
    pub sound_blocked: bool,
}

/// Which live video a tile or the screen view shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Feed {
    /// A participant's camera (`mine`: this person's own, straight from the device).
    Camera {
        participant: ParticipantId,
        mine: bool,
    },
    /// The screen being shared (the latest, when several are), and whose it is.
    Screen,
}

impl MediaView {
    pub fn stream(&self, feed: Feed) -> Option<MediaStream> {
        match feed {
            Feed::Camera { mine: true, .. } => self.own_camera.clone(),
            Feed::Camera { participant, .. } => self
                .remote
                .iter()
                .find(|r| r.participant == participant && r.kind == MediaKind::Video)
                .map(|r| r.stream.clone()),
            Feed::Screen => self.screen().map(|(_, s)| s),
        }
    }

    /// The screen being shared, with whose it is (`None` for this person's own).
    pub fn screen(&self) -> Option<(Option<ParticipantId>, MediaStream)> {
        let remote = self
            .remote
            .iter()
            .rev()
            .find(|r| r.kind == MediaKind::Screen)
            .map(|r| (Some(r.participant), r.stream.clone()));
        remote.or_else(|| Some((None, self.own_screen.clone()?)))
    }
}

/// What the page and the media task share without it being shown.
struct Shared {
    steps: mpsc::UnboundedSender<Step>,
    pc: Option<RtcPeerConnection>,
    me: Option<ParticipantId>,
    /// Tells the person when their camera or microphone could not be started on stage.
    on_problem: Option<Rc<dyn Fn(MediaError)>>,
}

/// The media side of the room, shared through the app's context. `Copy`: reactive handles only.
#[derive(Clone, Copy)]
pub struct Media {
    shared: StoredValue<Shared, LocalStorage>,
    pub view: RwSignal<MediaView, LocalStorage>,
}

impl Media {
    pub fn new(net: Net, relay_only: bool) -> Media {
        let (steps, rx) = mpsc::unbounded();
        let media = Media {
            shared: StoredValue::new_local(Shared {
                steps,
                pc: None,
                me: None,
                on_problem: None,
            }),
            view: RwSignal::new_local(MediaView::default()),
        };
        leptos::task::spawn_local(run(media, net, relay_only, rx));
        leptos::task::spawn_local(watch_levels(media, net));
        media
    }

    fn step(&self, step: Step) {
        self.shared.with_value(|s| {
            let _ = s.steps.unbounded_send(step);
        });
    }

    /// Who is told when a camera or microphone cannot be started.
    pub fn on_problem(&self, tell: Rc<dyn Fn(MediaError)>) {
        self.shared.update_value(|s| s.on_problem = Some(tell));
    }

    fn set_pc(&self, pc: Option<RtcPeerConnection>) {
        self.shared.update_value(|s| s.pc = pc);
    }

    /// A welcome: (re)connect the media with its ICE servers.
    pub fn start(&self, ice_servers: Vec<IceServer>, me: ParticipantId, on_stage: bool) {
        self.shared.update_value(|s| s.me = Some(me));
        self.step(Step::Start {
            ice_servers,
            on_stage,
        });
    }

    pub fn server_offer(&self, sdp: String) {
        self.step(Step::ServerOffer(sdp));
    }

    pub fn server_answer(&self, sdp: String) {
        self.step(Step::ServerAnswer(sdp));
    }

    pub fn tracks(&self, tracks: Vec<MediaTrack>) {
        self.step(Step::Tracks(tracks));
    }

    pub fn refused(&self) {
        self.step(Step::Refused);
    }

    /// What should be sent and played now (from the room's state and the chosen devices).
    pub fn publish(&self, want: Want) {
        self.step(Step::Publish(want));
    }

    pub fn share_screen(&self, stream: Option<MediaStream>) {
        self.step(Step::Screen(stream));
    }

    /// The person clicked **Turn on sound**.
    pub fn resume_sound(&self) {
        self.step(Step::Resume);
    }

    pub fn stop(&self) {
        self.step(Step::Stop);
    }
}

pub use publish::pick_screen;

/// The media task's own state.
#[derive(Default)]
struct Session {
    peer: Option<Peer>,
    senders: Option<Senders>,
    local: Local,
    sound: receive::Sound,
    want: Want,
    tracks: Vec<MediaTrack>,
    /// Our offer waits for the server's answer.
    offering: bool,
    /// The transceivers changed while an offer was out: offer again after the answer.
    again: bool,
}

async fn run(media: Media, net: Net, relay_only: bool, mut steps: mpsc::UnboundedReceiver<Step>) {
    let mut s = Session::default();
    while let Some(step) = steps.next().await {
        match step {
            Step::Start {
                ice_servers,
                on_stage,
            } => {
                if let Some(old) = s.peer.take() {
                    old.close();
                }
                s.senders = None;
                s.offering = false;
                s.again = false;
                s.tracks.clear();
                media.view.update(|v| v.remote.clear());
                s.sound.stop();
                let peer = match Peer::new(&ice_servers, relay_only) {
                    Ok(p) => p,
                    Err(_) => continue,
                };
                media.set_pc(Some(peer.pc.clone()));
                if on_stage {
                    s.senders = Some(Senders::add(&peer));
                } else {
                    // Receiving only: the server adds an m-line for each track it forwards.
                    peer.add("audio", RtcRtpTransceiverDirection::Recvonly, false);
                    peer.add("video", RtcRtpTransceiverDirection::Recvonly, false);
                }
                s.peer = Some(peer);
                offer(&mut s, net).await;
                sync(&mut s, media).await;
            }
            Step::ServerOffer(sdp) => {
                // Offers crossed: the server is the polite side and offers again after
                // answering ours.
                if s.offering {
                    continue;
                }
                let Some(peer) = &s.peer else { continue };
                match peer.answer(&sdp).await {
                    Ok(answer) => {
                        net.send(ClientMsg::MediaAnswer { sdp: answer });
                    }
                    Err(e) => log("could not apply the media offer", &e),
                }
                show(&mut s, media).await;
            }
            Step::ServerAnswer(sdp) => {
                if !s.offering {
                    continue;
                }
                s.offering = false;
                if let Some(peer) = &s.peer {
                    if let Err(e) = peer.accept_answer(&sdp).await {
                        log("could not apply the media answer", &e);
                    }
                }
                show(&mut s, media).await;
                if std::mem::take(&mut s.again) {
                    offer(&mut s, net).await;
                }
            }
            Step::Tracks(tracks) => s.tracks = tracks,
            Step::Refused => {
                s.offering = false;
                s.again = false;
            }
            Step::Publish(want) => {
                // Sharing ends when the room says so (stopped here, by a moderator, or off
                // the stage).
                if s.want.screen && !want.screen {
                    s.local.set_screen(None);
                }
                if s.want.speaker != want.speaker {
                    s.sound.set_speaker(want.speaker.clone()).await;
                }
                s.want = want;
                if s.want.on_stage && s.senders.is_none() {
                    if let Some(peer) = &s.peer {
                        s.senders = Some(Senders::add(peer));
                        if s.offering {
                            s.again = true;
                        } else {
                            offer(&mut s, net).await;
                        }
                    }
                }
                sync(&mut s, media).await;
            }
            Step::Screen(stream) => {
                s.local.set_screen(stream);
                sync(&mut s, media).await;
            }
            Step::Resume => {
                let allowed = s.sound.resume().await;
                media.view.update(|v| v.sound_blocked = !allowed);
            }
            Step::Stop => {
                s.local.stop();
                s.sound.stop();
                if let Some(old) = s.peer.take() {
                    old.close();
                }
                media.set_pc(None);
                media.view.set(MediaView::default());
            }
        }
    }
}

/// Sends our offer: the peer's transceivers, with what the sending ones carry.
async fn offer(s: &mut Session, net: Net) {
    let Some(peer) = &s.peer else { return };
    match peer.offer().await {
        Ok(sdp) => {
            let tracks = s
                .senders
                .as_ref()
                .map(Senders::declared)
                .unwrap_or_default();
            s.offering = net.send(ClientMsg::MediaOffer { sdp, tracks });
        }
        Err(e) => log("could not make a media offer", &e),
    }
}

/// Brings the local tracks in line with what is wanted, and shows them.
async fn sync(s: &mut Session, media: Media) {
    let result = s.local.sync(&s.want, s.senders.as_ref()).await;
    let (camera, screen) = (s.local.camera_stream(), s.local.screen());
    let same = media.view.with_untracked(|v| {
        v.own_camera.as_ref().map(MediaStream::id) == camera.as_ref().map(MediaStream::id)
            && v.own_screen == screen
    });
    if !same {
        media.view.update(|v| {
            v.own_camera = camera;
            v.own_screen = screen;
        });
    }
    if let Err(e) = result {
        if let Some(tell) = media.shared.with_value(|s| s.on_problem.clone()) {
            tell(e);
        }
    }
}

/// Puts every incoming track on its tile, and its sound on the speaker.
async fn show(s: &mut Session, media: Media) {
    let Some(peer) = &s.peer else { return };
    let next = media
        .view
        .with_untracked(|v| receive::remotes(peer, &s.tracks, &v.remote));
    if media.view.with_untracked(|v| v.remote == next) {
        return;
    }
    let allowed = s.sound.follow(&next).await;
    media.view.update(|v| {
        v.remote = next;
        v.sound_blocked |= !allowed;
    });
}

/// The active speaker, a few times a second, and every few seconds the size each incoming
/// video is shown at. A voice stays highlighted until another one is heard or a moment of
/// silence passes, so the highlight does not flicker between words.
async fn watch_levels(media: Media, net: Net) {
    let mut quiet = 0u32;
    // What the server was last told, and over which connection (a new one knows nothing).
    let mut told = (None, Vec::new());
    for turn in 0u32.. {
        crate::net::sleep(400).await;
        let Some((pc, me)) = media.shared.try_with_value(|s| (s.pc.clone(), s.me)) else {
            return;
        };
        let Some(pc) = pc else { continue };
        let (remote, shown) = media
            .view
            .with_untracked(|v| (v.remote.clone(), v.speaking));
        if turn % 5 == 0 {
            let now = (Some(pc.clone()), views::measure(&remote));
            if now != told
                && net.send(ClientMsg::MediaView {
                    views: now.1.clone(),
                })
            {
                told = now;
            }
        }
        let now = speaker::loudest(&pc, &remote, me).await;
        quiet = if now.is_some() { 0 } else { quiet + 1 };
        // Silence clears the highlight only after a moment.
        let next = now.or(if quiet >= 4 { None } else { shown });
        if next != shown {
            media.view.update(|v| v.speaking = next);
        }
    }
}

fn log(what: &str, e: &wasm_bindgen::JsValue) {
    web_sys::console::warn_2(&what.into(), e);
}
