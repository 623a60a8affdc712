//! What the host page tells the client: where the server is, how to enter, and which strings to
//! show. Read from the mount element's `data-*` attributes, a JSON `<script type="application/json">`
//! inside it, and the page's `#token=…` / `#invite=…` fragment.

use std::collections::HashMap;

use serde::Deserialize;

/// How this person proves who they are on the first connection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Entry {
    /// A signed join token from the host (Moodle) or the server's own `/join` page.
    Token(String),
    /// An invitation link's code: the person types a display name first.
    Invite(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// The server's WebSocket URL.
    pub ws_url: String,
    /// The token or invitation; `None` means there is nothing to enter with.
    pub entry: Option<Entry>,
    /// Replacements for the English strings, keyed like [`crate::i18n::DEFAULTS`].
    pub strings: HashMap<String, String>,
    /// Forces the phone layout on or off; `None` lets the client look at the device.
    pub mobile: Option<bool>,
    /// The language tag for dates and numbers (`en`, `pt-BR`); `None` uses the browser's.
    pub locale: Option<String>,
    /// Media only through the TURN relay (`iceTransportPolicy: "relay"`), for networks where
    /// direct UDP to the server is not wanted.
    pub relay_only: bool,
}

/// The JSON a host may put in a `<script type="application/json">` inside the mount element.
#[derive(Deserialize, Default, Debug)]
#[serde(default)]
struct JsonConfig {
    ws_url: Option<String>,
    token: Option<String>,
    invite: Option<String>,
    strings: HashMap<String, String>,
    mobile: Option<bool>,
    locale: Option<String>,
    ice_transport_policy: Option<String>,
}

/// Where the page itself was loaded from, to derive the default WebSocket URL.
#[derive(Clone, Debug)]
pub struct PageLocation {
    /// `https:` or `http:`.
    pub protocol: String,
    /// `host[:port]`.
    pub host: String,
    /// The fragment including `#`, or empty.
    pub hash: String,
}

fn parse_bool(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Some(true),
        "0" | "false" | "no" | "off" => Some(false),
        _ => None,
    }
}

/// Turns `/ws`, `ws://…`, `https://…/ws` or nothing into an absolute `ws(s)://` URL.
pub fn resolve_ws_url(given: Option<&str>, page: &PageLocation) -> String {
    let secure = page.protocol == "https:";
    let scheme = if secure { "wss" } else { "ws" };
    match given.map(str::trim).filter(|s| !s.is_empty()) {
        None => format!("{scheme}://{}/ws", page.host),
        Some(url) if url.starts_with("ws://") || url.starts_with("wss://") => url.to_string(),
        Some(url) if url.starts_with("https://") => format!("wss://{}", &url["https://".len()..]),
        Some(url) if url.starts_with("http://") => format!("ws://{}", &url["http://".len()..]),
        Some(url) if url.starts_with("//") => format!("{scheme}:{url}"),
        Some(url) if url.starts_with('/') => format!("{scheme}://{}{url}", page.host),
        Some(url) => format!("{scheme}://{}/{url}", page.host),
    }
}

/// The page that joins a room on the same server as `ws_url`, for invitation links.
pub fn join_page_url(ws_url: &str) -> String {
    let (scheme, rest) = if let Some(rest) = ws_url.strip_prefix("wss://") {
        ("https", rest)
    } else if let Some(rest) = ws_url.strip_prefix("ws://") {
        ("http", rest)
    } else {
        ("https", ws_url)
    };
    let host = rest.split('/').next().unwrap_or(rest);
    format!("{scheme}://{host}/join")
}

/// Reads `token=…` or `invite=…` from a location fragment (`#token=abc&x=y`).
pub fn entry_from_hash(hash: &str) -> Option<Entry> {
    let hash = hash.strip_prefix('#').unwrap_or(hash);
    for part in hash.split('&') {
        let (key, value) = part.split_once('=')?;
        let value = percent_decode(value);
        if value.is_empty() {
            continue;
        }
        match key {
            "token" => return Some(Entry::Token(value)),
            "invite" => return Some(Entry::Invite(value)),
            _ => {}
        }
    }
    None
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(hi), Some(lo)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push(hi * 16 + lo);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Builds the configuration. `data` are the mount element's attributes (names without `data-`),
/// `json` the text of its JSON script, if any. Data attributes win over the JSON, and both win
/// over the page fragment.
pub fn parse(
    data: &[(String, String)],
    json: Option<&str>,
    page: &PageLocation,
) -> Result<Config, String> {
    let mut cfg: JsonConfig = match json.map(str::trim).filter(|s| !s.is_empty()) {
        Some(text) => crate::wire::parse(text).ok_or("configuration: not a valid JSON object")?,
        None => JsonConfig::default(),
    };
    for (name, value) in data {
        match name.as_str() {
            "ws-url" | "ws_url" | "server" => cfg.ws_url = Some(value.clone()),
            "token" => cfg.token = Some(value.clone()),
            "invite" => cfg.invite = Some(value.clone()),
            "mobile" => cfg.mobile = parse_bool(value),
            "locale" => cfg.locale = Some(value.clone()),
            "ice-transport-policy" => cfg.ice_transport_policy = Some(value.clone()),
            "strings" => {
                let strings: HashMap<String, String> = crate::wire::parse(value)
                    .ok_or("data-strings: not a JSON object of strings")?;
                cfg.strings.extend(strings);
            }
            _ => {}
        }
    }
    let entry = match (
        cfg.token.filter(|t| !t.is_empty()),
        cfg.invite.filter(|c| !c.is_empty()),
    ) {
        (Some(token), _) => Some(Entry::Token(token)),
        (None, Some(code)) => Some(Entry::Invite(code)),
        (None, None) => entry_from_hash(&page.hash),
    };
    Ok(Config {
        ws_url: resolve_ws_url(cfg.ws_url.as_deref(), page),
        entry,
        strings: cfg.strings,
        mobile: cfg.mobile,
        locale: cfg
            .locale
            .filter(|l| !l.is_empty())
            .map(|l| l.replace('_', "-")),
        relay_only: cfg.ice_transport_policy.as_deref() == Some("relay"),
    })
}

/// A short fingerprint of the entry credential, so a stored resume credential is only reused by
/// the page that earned it (a reload), never by a page opened with a fresh token.
pub fn fingerprint(entry: &Entry) -> String {
    let text = match entry {
        Entry::Token(t) => t.as_str(),
        Entry::Invite(c) => c.as_str(),
    };
    // FNV-1a, 64 bits: not a secret, only a label.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{hash:016x}")
}
