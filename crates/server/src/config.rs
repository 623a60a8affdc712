//! What the server runs with, once the command line and environment are read.

use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

/// The HS256 secret shared with the Moodle site. Never printed.
#[derive(Clone)]
pub struct Secret(Vec<u8>);

impl Secret {
    pub fn new(bytes: impl Into<Vec<u8>>) -> Secret {
        Secret(bytes.into())
    }

    /// A fresh random secret (the demo's default).
    pub fn random() -> Secret {
        use base64::Engine as _;
        let mut bytes = [0u8; 32];
        rand::Rng::fill(&mut rand::rng(), &mut bytes);
        Secret(
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .encode(bytes)
                .into_bytes(),
        )
    }

    pub fn bytes(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(…)")
    }
}

/// A PostgreSQL connection URL. It may hold a password, so it is never printed.
#[derive(Clone)]
pub struct DatabaseUrl(pub String);

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DatabaseUrl(…)")
    }
}

impl Config {
    /// Where durable state is kept: PostgreSQL when a database URL is given, else SQLite.
    pub fn backend(&self) -> crate::store::Backend<'_> {
        match &self.database {
            Some(url) => crate::store::Backend::Postgres(&url.0),
            None => crate::store::Backend::Sqlite(&self.data),
        }
    }
}

/// The demo room a `demo` server opens, with its front page.
#[derive(Clone, Debug)]
pub struct DemoConfig {
    pub room: String,
    pub title: String,
}

impl Default for DemoConfig {
    fn default() -> Self {
        DemoConfig {
            room: "demo".to_string(),
            title: "Podium demo room".to_string(),
        }
    }
}

/// Everything the server needs to run.
#[derive(Clone, Debug)]
pub struct Config {
    pub listen: SocketAddr,
    pub secret: Secret,
    /// The SQLite database durable state lives in (`:memory:` keeps it in memory only; a
    /// directory means `podium.db` inside it), unless `database` is given.
    pub data: PathBuf,
    /// A PostgreSQL database to keep durable state in instead of SQLite.
    pub database: Option<DatabaseUrl>,
    /// How many inputs a room logs before it is saved whole and its log cut.
    pub snapshot_every: u64,
    /// How long a dropped participant's place is held, for rooms opened from now on (a room
    /// keeps the value it was created with).
    pub grace: Duration,
    /// Origins (besides the server's own) that may open the WebSocket and frame the pages.
    pub allowed_origins: Vec<String>,
    /// Longest `exp - iat` a join token may have, in seconds.
    pub max_token_lifetime: u64,
    /// The built client, served as static files.
    pub static_dir: Option<PathBuf>,
    /// The server's address as browsers see it, for printed links.
    pub public_url: Option<String>,
    /// Set in `demo` mode.
    pub demo: Option<DemoConfig>,
    /// The SFU's UDP socket and the address it announces.
    pub media: MediaConfig,
    /// TURN servers handed to clients with time-limited credentials.
    pub turn: Option<TurnConfig>,
    /// Most people on stage at once, for rooms opened from now on.
    pub seat_limit: u32,
    /// Most participants in one room at once, for rooms opened from now on.
    pub max_participants: u32,
    /// Hellos one source IP may send per minute (0: no cap).
    pub max_hellos_per_ip: u32,
    /// Connections one source IP may hold open before their hello is accepted (0: no cap).
    pub max_pending_per_ip: u32,
    /// Reverse proxies whose `X-Forwarded-For` names the client's address.
    pub trusted_proxies: Vec<IpAddr>,
}

/// Where the SFU listens for every peer's UDP traffic, and which IP its host candidate names.
#[derive(Clone, Debug)]
pub struct MediaConfig {
    /// One UDP socket for every peer (port 0 picks a free one).
    pub udp: SocketAddr,
    /// The IP put in the host candidate (the public address of a server behind NAT). When not
    /// given: the listen IP, or, for a wildcard listen address, the machine's outgoing IP.
    pub announce: Option<IpAddr>,
}

impl Default for MediaConfig {
    fn default() -> Self {
        MediaConfig {
            udp: SocketAddr::from(([127, 0, 0, 1], 0)),
            announce: None,
        }
    }
}

/// A TURN service sharing a secret with this server (coturn's `use-auth-secret`).
#[derive(Clone, Debug)]
pub struct TurnConfig {
    /// `turn:` / `turns:` URLs, e.g. `turn:turn.example:3478?transport=udp`.
    pub urls: Vec<String>,
    pub secret: Secret,
    /// How long handed-out credentials stay valid, in seconds.
    pub ttl: u64,
}

impl Config {
    /// A configuration for tests and embedding: loopback, ephemeral port, the given secret,
    /// state in memory only.
    pub fn new(secret: Secret) -> Config {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            secret,
            data: PathBuf::from(":memory:"),
            database: None,
            snapshot_every: crate::store::DEFAULT_SNAPSHOT_EVERY,
            grace: Duration::from_secs(60),
            allowed_origins: Vec::new(),
            max_token_lifetime: 600,
            static_dir: None,
            public_url: None,
            demo: None,
            media: MediaConfig::default(),
            turn: None,
            seat_limit: 25,
            max_participants: 20_000,
            max_hellos_per_ip: crate::limits::DEFAULT_HELLOS_PER_IP,
            max_pending_per_ip: crate::limits::DEFAULT_PENDING_PER_IP,
            trusted_proxies: Vec::new(),
        }
    }
}

/// Split a comma list of origins, trimming blanks and trailing slashes.
pub fn parse_origins(list: &str) -> Vec<String> {
    list.split(',')
        .map(|s| s.trim().trim_end_matches('/').to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_trimmed() {
        assert_eq!(
            parse_origins(" https://a.example/ ,, https://b.example:8443"),
            vec!["https://a.example", "https://b.example:8443"]
        );
        assert!(parse_origins("").is_empty());
    }

    #[test]
    fn secret_is_not_printed() {
        assert_eq!(format!("{:?}", Secret::new("hunter2")), "Secret(…)");
    }
}
