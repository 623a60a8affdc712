//! What arrives: the server's `media_tracks` list says whose media each incoming m-line carries;
//! once an offer or answer is applied, each listed m-line's receiver track is put on the right
//! tile as audio, camera or screen.

use podium_protocol::{MediaKind, MediaTrack, ParticipantId};
use wasm_bindgen_futures::JsFuture;
use web_sys::{HtmlAudioElement, MediaStream};

use super::peer::Peer;

/// One incoming track, ready to show or play.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Remote {
    pub mid: String,
    pub participant: ParticipantId,
    pub kind: MediaKind,
    pub stream: MediaStream,
}

/// The incoming tracks the connection has now, keeping the streams of those that did not change
/// (so their video and audio elements keep playing).
pub fn remotes(peer: &Peer, tracks: &[MediaTrack], before: &[Remote]) -> Vec<Remote> {
    let transceivers = peer.transceivers();
    tracks
        .iter()
        .filter_map(|t| {
            let (_, transceiver) = transceivers.iter().find(|(mid, _)| *mid == t.mid)?;
            let track = transceiver.receiver().track();
            let same: &wasm_bindgen::JsValue = track.as_ref();
            let kept = before
                .iter()
                .find(|r| r.mid == t.mid && r.stream.get_tracks().get(0) == *same);
            let stream = match kept {
                Some(r) => r.stream.clone(),
                None => MediaStream::new_with_tracks(&js_sys::Array::of1(&track)).ok()?,
            };
            Some(Remote {
                mid: t.mid.clone(),
                participant: t.participant,
                kind: t.kind,
                stream,
            })
        })
        .collect()
}

/// The sound of the stage: an audio element (outside the page's layout) for each incoming
/// audio track, all playing through one chosen speaker.
#[derive(Default)]
pub struct Sound {
    outputs: Vec<(String, HtmlAudioElement)>,
    speaker: String,
}

impl Sound {
    /// Plays the audio tracks of `remote`, and stops those that went away. False when the browser
    /// wants a click before it plays sound.
    pub async fn follow(&mut self, remote: &[Remote]) -> bool {
        self.outputs.retain(|(id, el)| {
            let keep = remote.iter().any(|r| r.stream.id() == *id);
            if !keep {
                let _ = el.pause();
                el.set_src_object(None);
            }
            keep
        });
        let mut allowed = true;
        for r in remote.iter().filter(|r| r.kind == MediaKind::Audio) {
            let id = r.stream.id();
            if self.outputs.iter().any(|(known, _)| *known == id) {
                continue;
            }
            let Ok(el) = HtmlAudioElement::new() else {
                continue;
            };
            el.set_autoplay(true);
            el.set_src_object(Some(&r.stream));
            crate::media::set_sink(&el, &self.speaker).await;
            allowed &= play(&el).await;
            self.outputs.push((id, el));
        }
        allowed
    }

    /// Starts every output again (after a click); false if the browser still refuses.
    pub async fn resume(&self) -> bool {
        let mut allowed = true;
        for (_, el) in &self.outputs {
            allowed &= play(el).await;
        }
        allowed
    }

    pub async fn set_speaker(&mut self, id: String) {
        for (_, el) in &self.outputs {
            crate::media::set_sink(el, &id).await;
        }
        self.speaker = id;
    }

    pub fn stop(&mut self) {
        for (_, el) in self.outputs.drain(..) {
            let _ = el.pause();
            el.set_src_object(None);
        }
    }
}

/// Starts playing; false when the browser wants a click first (its autoplay rules).
async fn play(el: &HtmlAudioElement) -> bool {
    let Ok(p) = el.play() else { return false };
    match JsFuture::from(p).await {
        Ok(_) => true,
        Err(e) => {
            js_sys::Reflect::get(&e, &"name".into())
                .ok()
                .and_then(|n| n.as_string())
                .as_deref()
                != Some("NotAllowedError")
        }
    }
}
