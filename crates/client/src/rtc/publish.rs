//! What this person sends while on stage: the microphone and camera chosen in Set devices (the
//! camera as simulcast) and a shared screen. The room's state says what should be on; this
//! makes the tracks match it: a source that is off is not sent and its device is released.

use podium_protocol::{MediaKind, SendTrack};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{MediaStream, MediaStreamTrack, RtcRtpTransceiver, RtcRtpTransceiverDirection};

use super::peer::Peer;
use crate::media::{self, MediaError};

/// What should be sent and played, from the room's state and the chosen devices.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Want {
    pub on_stage: bool,
    pub mic: bool,
    pub camera: bool,
    /// Sharing the screen, as the room has it (the screen itself is picked with a click).
    pub screen: bool,
    pub mic_device: String,
    pub camera_device: String,
    /// Where the stage's sound plays.
    pub speaker: String,
}

/// The sending transceivers, added once this person is on stage.
pub struct Senders {
    audio: RtcRtpTransceiver,
    video: RtcRtpTransceiver,
    screen: RtcRtpTransceiver,
}

impl Senders {
    pub fn add(peer: &Peer) -> Senders {
        let send = RtcRtpTransceiverDirection::Sendonly;
        Senders {
            audio: peer.add("audio", send, false),
            video: peer.add("video", send, true),
            screen: peer.add("video", send, false),
        }
    }

    /// What each sending m-line carries, for `media_offer` (known once the offer is local).
    pub fn declared(&self) -> Vec<SendTrack> {
        [
            (&self.audio, MediaKind::Audio),
            (&self.video, MediaKind::Video),
            (&self.screen, MediaKind::Screen),
        ]
        .into_iter()
        .filter_map(|(t, kind)| {
            Some(SendTrack {
                mid: t.mid()?,
                kind,
            })
        })
        .collect()
    }
}

/// A local track and the device it was asked for (the browser may pick another one when that
/// device is gone; asking again would not help).
struct Source {
    track: MediaStreamTrack,
    /// The stream it came in (that track alone): the camera's is shown on this person's tile,
    /// the same stream each time so the tile never restarts.
    stream: MediaStream,
    asked: String,
}

/// The local tracks being sent.
#[derive(Default)]
pub struct Local {
    audio: Option<Source>,
    video: Option<Source>,
    screen: Option<MediaStream>,
}

fn first_track(stream: &MediaStream, video: bool) -> Option<MediaStreamTrack> {
    let tracks = if video {
        stream.get_video_tracks()
    } else {
        stream.get_audio_tracks()
    };
    tracks.get(0).dyn_into::<MediaStreamTrack>().ok()
}

async fn put(sender: &RtcRtpTransceiver, track: Option<&MediaStreamTrack>) {
    if sender.sender().track().as_ref() != track {
        let _ = JsFuture::from(sender.sender().replace_track(track)).await;
    }
}

impl Local {
    /// Makes the tracks match `want`, opening a device only when it is wanted and not open yet;
    /// a changed device choice opens the new one, then releases the old one. The senders get
    /// the new tracks in place (`replaceTrack`), so nothing is renegotiated.
    pub async fn sync(&mut self, want: &Want, senders: Option<&Senders>) -> Result<(), MediaError> {
        let mut result = Ok(());
        for video in [false, true] {
            let (wanted, device, slot) = if video {
                (want.camera, &want.camera_device, &mut self.video)
            } else {
                (want.mic, &want.mic_device, &mut self.audio)
            };
            if !(want.on_stage && wanted) {
                if let Some(old) = slot.take() {
                    old.track.stop();
                }
                continue;
            }
            if slot.as_ref().is_some_and(|s| s.asked == *device) {
                continue;
            }
            let id = Some(device.as_str());
            match media::open(id, id, video, !video).await {
                Ok(stream) => {
                    if let Some(old) = slot.take() {
                        old.track.stop();
                    }
                    *slot = first_track(&stream, video).map(|track| Source {
                        track,
                        stream,
                        asked: device.clone(),
                    });
                }
                Err(e) => result = Err(e),
            }
        }
        if !want.on_stage {
            self.stop_screen();
        }
        if let Some(s) = senders {
            put(&s.audio, self.audio.as_ref().map(|s| &s.track)).await;
            put(&s.video, self.video.as_ref().map(|s| &s.track)).await;
            let screen = self.screen.as_ref().and_then(|s| first_track(s, true));
            put(&s.screen, screen.as_ref()).await;
        }
        result
    }

    /// The camera as a stream for this person's own tile.
    pub fn camera_stream(&self) -> Option<MediaStream> {
        Some(self.video.as_ref()?.stream.clone())
    }

    pub fn screen(&self) -> Option<MediaStream> {
        self.screen.clone()
    }

    pub fn set_screen(&mut self, stream: Option<MediaStream>) {
        self.stop_screen();
        self.screen = stream;
    }

    fn stop_screen(&mut self) {
        if let Some(s) = self.screen.take() {
            media::stop(&s);
        }
    }

    /// Stops everything (the session ended).
    pub fn stop(&mut self) {
        for s in [self.audio.take(), self.video.take()].into_iter().flatten() {
            s.track.stop();
        }
        self.stop_screen();
    }
}

/// Asks the browser for a screen, window or tab to share.
pub async fn pick_screen() -> Result<MediaStream, JsValue> {
    let md = web_sys::window()
        .ok_or(JsValue::NULL)?
        .navigator()
        .media_devices()?;
    let stream = JsFuture::from(md.get_display_media()?).await?;
    stream.dyn_into::<MediaStream>()
}
