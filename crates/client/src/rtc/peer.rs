//! The browser's `RTCPeerConnection` to the SFU, and the few steps of offer and answer the
//! negotiation needs. Every step is one awaited promise; the caller keeps them in order.

use js_sys::{Array, Object, Reflect};
use podium_protocol::IceServer;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    RtcConfiguration, RtcIceTransportPolicy, RtcPeerConnection, RtcRtpTransceiver,
    RtcRtpTransceiverDirection, RtcRtpTransceiverInit, RtcSdpType, RtcSessionDescriptionInit,
};

/// The simulcast layers of a camera: RIDs `h`, `m` and `l` (docs/protocol.md), each a quarter of
/// the pixels of the one above.
const LAYERS: [(&str, f64); 3] = [("h", 1.0), ("m", 2.0), ("l", 4.0)];

pub struct Peer {
    pub pc: RtcPeerConnection,
}

impl Peer {
    /// A peer connection with the welcome's ICE servers; only through them when `relay_only`.
    pub fn new(ice_servers: &[IceServer], relay_only: bool) -> Result<Peer, JsValue> {
        let config = RtcConfiguration::new();
        if !ice_servers.is_empty() {
            let list = Array::new();
            for server in ice_servers {
                let entry = Object::new();
                let urls: Array = server.urls.iter().map(|u| JsValue::from_str(u)).collect();
                Reflect::set(&entry, &"urls".into(), &urls)?;
                for (key, value) in [
                    ("username", &server.username),
                    ("credential", &server.credential),
                ] {
                    if let Some(v) = value {
                        Reflect::set(&entry, &key.into(), &v.into())?;
                    }
                }
                list.push(&entry);
            }
            config.set_ice_servers(&list);
        }
        if relay_only {
            config.set_ice_transport_policy(RtcIceTransportPolicy::Relay);
        }
        Ok(Peer {
            pc: RtcPeerConnection::new_with_configuration(&config)?,
        })
    }

    /// A transceiver of `kind` (`audio` or `video`); a simulcast camera when `simulcast`.
    pub fn add(
        &self,
        kind: &str,
        direction: RtcRtpTransceiverDirection,
        simulcast: bool,
    ) -> RtcRtpTransceiver {
        let init = RtcRtpTransceiverInit::new();
        init.set_direction(direction);
        if simulcast {
            let encodings = Array::new();
            for (rid, scale) in LAYERS {
                let e = Object::new();
                let _ = Reflect::set(&e, &"rid".into(), &rid.into());
                let _ = Reflect::set(&e, &"scaleResolutionDownBy".into(), &scale.into());
                encodings.push(&e);
            }
            init.set_send_encodings(&encodings);
        }
        self.pc.add_transceiver_with_str_and_init(kind, &init)
    }

    /// Creates an offer and makes it the local description; returns its SDP.
    pub async fn offer(&self) -> Result<String, JsValue> {
        let offer = JsFuture::from(self.pc.create_offer()).await?;
        self.set_local(offer).await
    }

    /// Applies the server's answer to our offer.
    pub async fn accept_answer(&self, sdp: &str) -> Result<(), JsValue> {
        self.set_remote(RtcSdpType::Answer, sdp).await
    }

    /// Applies the server's offer and returns our answer's SDP.
    pub async fn answer(&self, sdp: &str) -> Result<String, JsValue> {
        self.set_remote(RtcSdpType::Offer, sdp).await?;
        let answer = JsFuture::from(self.pc.create_answer()).await?;
        self.set_local(answer).await
    }

    async fn set_local(&self, description: JsValue) -> Result<String, JsValue> {
        let description: RtcSessionDescriptionInit = description.unchecked_into();
        JsFuture::from(self.pc.set_local_description(&description)).await?;
        Ok(self
            .pc
            .local_description()
            .map(|d| d.sdp())
            .unwrap_or_default())
    }

    async fn set_remote(&self, kind: RtcSdpType, sdp: &str) -> Result<(), JsValue> {
        let description = RtcSessionDescriptionInit::new(kind);
        description.set_sdp(sdp);
        JsFuture::from(self.pc.set_remote_description(&description)).await?;
        Ok(())
    }

    /// The live transceiver negotiated under `mid`.
    /// The transceivers in use, with their m-line (read once: each read crosses into JS).
    pub fn transceivers(&self) -> Vec<(String, RtcRtpTransceiver)> {
        self.pc
            .get_transceivers()
            .iter()
            .filter_map(|t| t.dyn_into::<RtcRtpTransceiver>().ok())
            .filter(|t| t.current_direction() != Some(RtcRtpTransceiverDirection::Stopped))
            .filter_map(|t| Some((t.mid()?, t)))
            .collect()
    }

    pub fn close(&self) {
        self.pc.close();
    }
}
