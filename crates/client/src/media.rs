//! Devices: listing cameras, microphones and speakers, a camera preview, a microphone level
//! meter (Web Audio), a test sound through the chosen speaker (`setSinkId` where the browser has
//! it), and the choices remembered for next time. Publishing and receiving live media is `rtc`'s.

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    AnalyserNode, AudioContext, HtmlAudioElement, MediaDeviceInfo, MediaDeviceKind, MediaStream,
    MediaStreamAudioSourceNode, MediaStreamConstraints, MediaStreamTrack,
};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Device {
    pub id: String,
    pub label: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeviceLists {
    pub cameras: Vec<Device>,
    pub microphones: Vec<Device>,
    pub speakers: Vec<Device>,
    /// Labels are only given once the person allowed camera or microphone access.
    pub labelled: bool,
}

/// Why the camera or microphone could not be used, in terms a person can act on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MediaError {
    Denied,
    NotFound,
    InUse,
    Unsupported,
    Other(String),
}

impl MediaError {
    pub fn key(&self) -> &'static str {
        match self {
            MediaError::Denied => "devices.denied",
            MediaError::NotFound => "devices.not_found",
            MediaError::InUse => "devices.in_use",
            MediaError::Unsupported => "devices.unsupported",
            MediaError::Other(_) => "devices.failed",
        }
    }

    pub fn from_js(e: JsValue) -> Self {
        let name = Reflect::get(&e, &JsValue::from_str("name"))
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default();
        match name.as_str() {
            "NotAllowedError" | "SecurityError" | "PermissionDeniedError" => MediaError::Denied,
            "NotFoundError" | "OverconstrainedError" | "DevicesNotFoundError" => {
                MediaError::NotFound
            }
            "NotReadableError" | "TrackStartError" | "AbortError" => MediaError::InUse,
            "TypeError" => MediaError::Unsupported,
            _ => MediaError::Other(
                Reflect::get(&e, &JsValue::from_str("message"))
                    .ok()
                    .and_then(|v| v.as_string())
                    .unwrap_or(name),
            ),
        }
    }
}

fn media_devices() -> Result<web_sys::MediaDevices, MediaError> {
    let w = web_sys::window().ok_or(MediaError::Unsupported)?;
    let nav = w.navigator();
    // `navigator.mediaDevices` is missing on insecure origins.
    let present = Reflect::get(&nav, &JsValue::from_str("mediaDevices"))
        .map(|v| !v.is_undefined() && !v.is_null())
        .unwrap_or(false);
    if !present {
        return Err(MediaError::Unsupported);
    }
    nav.media_devices().map_err(|_| MediaError::Unsupported)
}

/// Lists the devices. Without permission the browser gives no labels (and may give one entry
/// per kind); the lists are still useful to tell "no camera at all".
pub async fn enumerate() -> Result<DeviceLists, MediaError> {
    let md = media_devices()?;
    let promise = md.enumerate_devices().map_err(MediaError::from_js)?;
    let list = JsFuture::from(promise).await.map_err(MediaError::from_js)?;
    let mut out = DeviceLists::default();
    for item in Array::from(&list).iter() {
        let Ok(info) = item.dyn_into::<MediaDeviceInfo>() else {
            continue;
        };
        let device = Device {
            id: info.device_id(),
            label: info.label(),
        };
        if !device.label.is_empty() {
            out.labelled = true;
        }
        match info.kind() {
            MediaDeviceKind::Videoinput => out.cameras.push(device),
            MediaDeviceKind::Audioinput => out.microphones.push(device),
            MediaDeviceKind::Audiooutput => out.speakers.push(device),
            _ => {}
        }
    }
    Ok(out)
}

/// `{deviceId: {exact: id}}`, or `{ideal: id}` when `exact` is false, or `true` for any device.
fn constraint(device: Option<&str>, exact: bool) -> JsValue {
    match device.filter(|d| !d.is_empty()) {
        Some(id) => {
            let wanted = Object::new();
            let how = if exact { "exact" } else { "ideal" };
            let _ = Reflect::set(&wanted, &JsValue::from_str(how), &JsValue::from_str(id));
            let c = Object::new();
            let _ = Reflect::set(&c, &JsValue::from_str("deviceId"), &wanted);
            c.into()
        }
        None => JsValue::TRUE,
    }
}

/// Asks for the camera and/or microphone: the chosen ones exactly (a browser holding another
/// device open would keep it for a merely preferred id), or, when a chosen one is gone, the
/// nearest the browser has.
pub async fn open(
    camera: Option<&str>,
    mic: Option<&str>,
    video: bool,
    audio: bool,
) -> Result<MediaStream, MediaError> {
    match request(camera, mic, video, audio, true).await {
        Err(MediaError::NotFound) => request(camera, mic, video, audio, false).await,
        other => other,
    }
}

async fn request(
    camera: Option<&str>,
    mic: Option<&str>,
    video: bool,
    audio: bool,
    exact: bool,
) -> Result<MediaStream, MediaError> {
    let md = media_devices()?;
    let c = MediaStreamConstraints::new();
    c.set_video(&if video {
        constraint(camera, exact)
    } else {
        JsValue::FALSE
    });
    c.set_audio(&if audio {
        constraint(mic, exact)
    } else {
        JsValue::FALSE
    });
    let promise = md
        .get_user_media_with_constraints(&c)
        .map_err(MediaError::from_js)?;
    let stream = JsFuture::from(promise).await.map_err(MediaError::from_js)?;
    stream
        .dyn_into::<MediaStream>()
        .map_err(|_| MediaError::Unsupported)
}

/// Stops every track so the camera light goes off.
pub fn stop(stream: &MediaStream) {
    for t in stream.get_tracks().iter() {
        if let Ok(track) = t.dyn_into::<MediaStreamTrack>() {
            track.stop();
        }
    }
}

/// The device id a stream's first track of a kind actually uses.
pub fn track_device(stream: &MediaStream, video: bool) -> Option<String> {
    let tracks = if video {
        stream.get_video_tracks()
    } else {
        stream.get_audio_tracks()
    };
    let track = tracks.get(0).dyn_into::<MediaStreamTrack>().ok()?;
    let settings = track.get_settings();
    Reflect::get(&settings, &JsValue::from_str("deviceId"))
        .ok()?
        .as_string()
}

/// A microphone level meter over an analyser node.
pub struct Meter {
    ctx: AudioContext,
    analyser: AnalyserNode,
    _source: MediaStreamAudioSourceNode,
    buf: Vec<u8>,
}

impl Meter {
    pub fn new(stream: &MediaStream) -> Option<Meter> {
        if stream.get_audio_tracks().length() == 0 {
            return None;
        }
        let ctx = AudioContext::new().ok()?;
        let source = ctx.create_media_stream_source(stream).ok()?;
        let analyser = ctx.create_analyser().ok()?;
        analyser.set_fft_size(512);
        source.connect_with_audio_node(&analyser).ok()?;
        let _ = ctx.resume();
        Some(Meter {
            ctx,
            analyser,
            _source: source,
            buf: vec![0; 512],
        })
    }

    /// The current level, 0 to 1.
    pub fn level(&mut self) -> f64 {
        self.analyser.get_byte_time_domain_data(&mut self.buf);
        let sum: f64 = self
            .buf
            .iter()
            .map(|&b| {
                let v = (f64::from(b) - 128.0) / 128.0;
                v * v
            })
            .sum();
        let rms = (sum / self.buf.len() as f64).sqrt();
        (rms * 4.0).min(1.0)
    }

    pub fn close(&self) {
        let _ = self.ctx.close();
    }
}

/// Whether this browser lets a page choose the speaker.
pub fn sink_supported() -> bool {
    let Some(w) = web_sys::window() else {
        return false;
    };
    let Ok(ctor) = Reflect::get(&w, &JsValue::from_str("HTMLMediaElement")) else {
        return false;
    };
    let Ok(proto) = Reflect::get(&ctor, &JsValue::from_str("prototype")) else {
        return false;
    };
    Reflect::has(&proto, &JsValue::from_str("setSinkId")).unwrap_or(false)
}

/// Sends an audio or video element's sound to the speaker `sink` (`setSinkId`), where the
/// browser lets a page choose; otherwise it plays through the default output.
pub async fn set_sink(el: &web_sys::HtmlMediaElement, sink: &str) {
    if sink.is_empty() || !sink_supported() {
        return;
    }
    let Ok(f) = Reflect::get(el, &JsValue::from_str("setSinkId")) else {
        return;
    };
    if let Some(f) = f.dyn_ref::<js_sys::Function>() {
        if let Ok(p) = f.call1(el, &JsValue::from_str(sink)) {
            if let Ok(p) = p.dyn_into::<js_sys::Promise>() {
                let _ = JsFuture::from(p).await;
            }
        }
    }
}

/// Plays a short chime through `sink` (or the default output).
pub async fn play_test_sound(sink: Option<String>) -> Result<(), String> {
    let audio =
        HtmlAudioElement::new_with_src(&chime_data_uri()).map_err(|_| "audio".to_string())?;
    set_sink(&audio, sink.as_deref().unwrap_or_default()).await;
    let p = audio.play().map_err(|_| "play".to_string())?;
    JsFuture::from(p)
        .await
        .map(|_| ())
        .map_err(|_| "play".to_string())
}

/// A two-note chime as a WAV data URI (made here, so it costs nothing in the download).
fn chime_data_uri() -> String {
    const RATE: u32 = 16_000;
    let notes = [(660.0f64, 0.0f64), (880.0, 0.18)];
    let len = (RATE as f64 * 0.7) as usize;
    let mut samples = vec![0f64; len];
    for (freq, start) in notes {
        let from = (start * RATE as f64) as usize;
        for (i, s) in samples.iter_mut().enumerate().skip(from) {
            let t = (i - from) as f64 / RATE as f64;
            let env = js_sys::Math::exp(-t * 6.0) * (t * 200.0).min(1.0);
            *s += 0.3 * env * js_sys::Math::sin(2.0 * std::f64::consts::PI * freq * t);
        }
    }
    let data_len = (len * 2) as u32;
    let mut wav = Vec::with_capacity(44 + len * 2);
    wav.extend_from_slice(b"RIFF");
    wav.extend_from_slice(&(36 + data_len).to_le_bytes());
    wav.extend_from_slice(b"WAVEfmt ");
    wav.extend_from_slice(&16u32.to_le_bytes());
    wav.extend_from_slice(&1u16.to_le_bytes());
    wav.extend_from_slice(&1u16.to_le_bytes());
    wav.extend_from_slice(&RATE.to_le_bytes());
    wav.extend_from_slice(&(RATE * 2).to_le_bytes());
    wav.extend_from_slice(&2u16.to_le_bytes());
    wav.extend_from_slice(&16u16.to_le_bytes());
    wav.extend_from_slice(b"data");
    wav.extend_from_slice(&data_len.to_le_bytes());
    for s in samples {
        let v = (s.clamp(-1.0, 1.0) * 32767.0) as i16;
        wav.extend_from_slice(&v.to_le_bytes());
    }
    format!("data:audio/wav;base64,{}", base64(&wav))
}

pub fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        out.push(ABC[(n >> 18) as usize & 63] as char);
        out.push(ABC[(n >> 12) as usize & 63] as char);
        out.push(if chunk.len() > 1 {
            ABC[(n >> 6) as usize & 63] as char
        } else {
            '='
        });
        out.push(if chunk.len() > 2 {
            ABC[n as usize & 63] as char
        } else {
            '='
        });
    }
    out
}

/// The devices chosen last time, kept in `localStorage`.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Prefs {
    #[serde(default)]
    pub camera: String,
    #[serde(default)]
    pub microphone: String,
    #[serde(default)]
    pub speaker: String,
}

const PREFS_KEY: &str = "podium.devices";

impl Prefs {
    pub fn load() -> Prefs {
        web_sys::window()
            .and_then(|w| w.local_storage().ok().flatten())
            .and_then(|s| s.get_item(PREFS_KEY).ok().flatten())
            .and_then(|raw| crate::wire::parse(&raw))
            .unwrap_or_default()
    }

    pub fn save(&self) {
        if let Some(s) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
            if let Ok(raw) = serde_json::to_string(self) {
                let _ = s.set_item(PREFS_KEY, &raw);
            }
        }
    }
}
