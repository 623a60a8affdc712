//! TURN credentials in coturn's shared-secret ("REST API") scheme: the username is
//! `<expiry unix time>:<user>` and the credential is base64(HMAC-SHA1(secret, username)), so the
//! TURN server checks them with the secret alone and refuses them once they expire.

use base64::Engine as _;
use hmac::{Hmac, Mac};
use podium_protocol::IceServer;
use sha1::Sha1;

use crate::config::TurnConfig;

/// The ICE servers one participant is handed: the TURN URLs with credentials valid for the
/// configured lifetime from `now` (unix seconds). Empty without a TURN configuration.
pub fn ice_servers(turn: Option<&TurnConfig>, user: &str, now: u64) -> Vec<IceServer> {
    let Some(turn) = turn else {
        return Vec::new();
    };
    if turn.urls.is_empty() {
        return Vec::new();
    }
    let username = format!("{}:{user}", now.saturating_add(turn.ttl));
    let Some(credential) = credential(turn.secret.bytes(), &username) else {
        return Vec::new();
    };
    vec![IceServer {
        urls: turn.urls.clone(),
        username: Some(username),
        credential: Some(credential),
    }]
}

/// base64(HMAC-SHA1(secret, username)).
pub fn credential(secret: &[u8], username: &str) -> Option<String> {
    let mut mac = Hmac::<Sha1>::new_from_slice(secret).ok()?;
    mac.update(username.as_bytes());
    Some(base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Secret;

    #[test]
    fn credentials_follow_the_coturn_rest_scheme() {
        // Checked against `printf %s 1700086400:7 | openssl dgst -sha1 -hmac turn-secret -binary | base64`.
        assert_eq!(
            credential(b"turn-secret", "1700086400:7").as_deref(),
            Some("/FO2FamIfRRf/hWRmbL4buwYsx8=")
        );
        let turn = TurnConfig {
            urls: vec!["turn:turn.example:3478?transport=udp".into()],
            secret: Secret::new("turn-secret"),
            ttl: 86400,
        };
        let servers = ice_servers(Some(&turn), "7", 1_700_000_000);
        assert_eq!(servers.len(), 1);
        assert_eq!(servers[0].username.as_deref(), Some("1700086400:7"));
        assert_eq!(
            servers[0].credential.as_deref(),
            Some("/FO2FamIfRRf/hWRmbL4buwYsx8=")
        );
        assert!(ice_servers(None, "7", 0).is_empty());
    }
}
