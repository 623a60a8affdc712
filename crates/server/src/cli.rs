//! The command line: `serve`, `demo` and `token`.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use podium_protocol::{Claims, Features, Role, StageMode, TOKEN_AUDIENCE};

use crate::auth::mint_token;

use crate::config::{
    parse_origins, Config, DatabaseUrl, DemoConfig, MediaConfig, Secret, TurnConfig,
};

#[derive(Parser, Debug)]
#[command(
    name = "podium-server",
    version,
    about = "Podium: a live classroom inside Moodle."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the server.
    Serve(ServeArgs),
    /// Run the server with a demo room and a front page with dev-only entry links.
    Demo(DemoArgs),
    /// Print a signed join token, for scripts and tests.
    Token(TokenArgs),
}

/// Flags shared by `serve` and `demo`.
#[derive(Args, Debug)]
pub struct CommonArgs {
    /// Address to listen on (port 0 picks a free one).
    #[arg(long, env = "PODIUM_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// The SQLite database durable state is kept in (created if missing; a directory means
    /// `podium.db` inside it; `:memory:` keeps nothing across a restart).
    #[arg(long, env = "PODIUM_DATA", default_value = "podium.db")]
    pub data: PathBuf,
    /// Keep durable state in PostgreSQL instead of SQLite, e.g.
    /// `postgres://podium:PASSWORD@127.0.0.1:5432/podium` (`--data` is then unused).
    #[arg(long, env = "PODIUM_DATABASE", hide_env_values = true)]
    pub database: Option<String>,
    /// How many inputs a room's log gathers before the room is saved whole and the log before
    /// it is dropped, so that a restart replays at most this many (or as many as the room has
    /// participants, if that is more).
    #[arg(long, env = "PODIUM_SNAPSHOT_EVERY", default_value_t = crate::store::DEFAULT_SNAPSHOT_EVERY,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub snapshot_every: u64,
    /// How long a dropped participant's place (stage seat, hand, request) is held, in seconds.
    /// Rooms keep the value they were first opened with.
    #[arg(long, env = "PODIUM_GRACE_SECS", default_value_t = 60)]
    pub grace_secs: u64,
    /// Comma-separated origins, besides the server's own, that may connect and embed the pages.
    #[arg(long, env = "PODIUM_ALLOWED_ORIGINS", default_value = "")]
    pub allowed_origins: String,
    /// Longest lifetime (exp - iat) a join token may have, in seconds.
    #[arg(long, env = "PODIUM_MAX_TOKEN_LIFETIME", default_value_t = 600)]
    pub max_token_lifetime: u64,
    /// The built client's files (default: `dist` when it exists).
    #[arg(long, env = "PODIUM_STATIC_DIR")]
    pub static_dir: Option<PathBuf>,
    /// The server's address as browsers see it, e.g. https://podium.example.
    #[arg(long, env = "PODIUM_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// The SFU's UDP socket, shared by every peer.
    #[arg(long, env = "PODIUM_MEDIA_UDP", default_value = "0.0.0.0:40000")]
    pub media_udp: SocketAddr,
    /// The IP the SFU announces in its host candidate (the public IP when behind NAT).
    #[arg(long, env = "PODIUM_MEDIA_ANNOUNCE")]
    pub media_announce: Option<IpAddr>,
    /// Comma-separated TURN URLs handed to clients (needs --turn-secret).
    #[arg(long, env = "PODIUM_TURN_URL", requires = "turn_secret")]
    pub turn_url: Option<String>,
    /// The secret shared with the TURN server (coturn `static-auth-secret`).
    #[arg(long, env = "PODIUM_TURN_SECRET", hide_env_values = true)]
    pub turn_secret: Option<String>,
    /// How long TURN credentials stay valid, in seconds.
    #[arg(long, env = "PODIUM_TURN_TTL", default_value_t = 86400)]
    pub turn_ttl: u64,
    /// Most participants in one room at once; the next one gets `room_full`. Rooms keep the
    /// value they were first opened with.
    #[arg(long, env = "PODIUM_MAX_PARTICIPANTS", default_value_t = 20_000,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub max_participants: u32,
    /// Most people on stage at once; the next one gets `stage_full`. Rooms keep the value they
    /// were first opened with.
    #[arg(long, env = "PODIUM_SEAT_LIMIT", default_value_t = 25,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub seat_limit: u32,
    /// Hellos one source IP may send per minute (burst of the same size); past it a hello gets
    /// `rate_limited`. 0 switches the cap off (a load test from one machine, say).
    #[arg(long, env = "PODIUM_MAX_HELLOS_PER_IP", default_value_t = crate::limits::DEFAULT_HELLOS_PER_IP)]
    pub max_hellos_per_ip: u32,
    /// Connections one source IP may hold open before their hello is accepted; past it a new
    /// connection is closed at once (`closing` with `too_many_connections`). 0: no cap.
    #[arg(long, env = "PODIUM_MAX_PENDING_PER_IP", default_value_t = crate::limits::DEFAULT_PENDING_PER_IP)]
    pub max_pending_per_ip: u32,
    /// Comma-separated IPs of reverse proxies in front of the server: for connections from
    /// them, the client's address is the last one in `X-Forwarded-For`.
    #[arg(long, env = "PODIUM_TRUSTED_PROXIES", default_value = "", value_parser = parse_ips)]
    pub trusted_proxies: IpList,
}

/// A comma-separated list of IP addresses.
#[derive(Clone, Debug, Default)]
pub struct IpList(pub Vec<IpAddr>);

pub fn parse_ips(s: &str) -> Result<IpList, String> {
    s.split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| p.parse().map_err(|_| format!("not an IP address: {p}")))
        .collect::<Result<Vec<_>, _>>()
        .map(IpList)
}

#[derive(Args, Debug)]
pub struct ServeArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// The HS256 secret shared with the Moodle site.
    #[arg(long, env = "PODIUM_SECRET", hide_env_values = true)]
    pub secret: String,
}

#[derive(Args, Debug)]
pub struct DemoArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// The HS256 secret; a fresh random one when not given.
    #[arg(long, env = "PODIUM_SECRET", hide_env_values = true)]
    pub secret: Option<String>,
}

#[derive(Args, Debug)]
pub struct TokenArgs {
    /// The room id.
    #[arg(long)]
    pub room: String,
    #[arg(long, value_parser = parse_role)]
    pub role: Role,
    /// Display name.
    #[arg(long)]
    pub name: String,
    /// The user's id within the issuer (random when not given).
    #[arg(long)]
    pub sub: Option<String>,
    /// Lifetime in seconds.
    #[arg(long, default_value_t = 300)]
    pub ttl: u64,
    /// The issuing site's id.
    #[arg(long, default_value = "local")]
    pub iss: String,
    /// The stage mode the room starts in when this token opens it.
    #[arg(long, value_parser = parse_stage_mode)]
    pub stage_mode: Option<StageMode>,
    /// The room's title, shown in the room.
    #[arg(long)]
    pub room_title: Option<String>,
    /// The features the room offers when this token opens it, as a comma list of `chat`,
    /// `reactions` and `polls` (those left out are off; all on when not given).
    #[arg(long, value_delimiter = ',', value_parser = ["chat", "reactions", "polls"])]
    pub features: Option<Vec<String>>,
    /// Where the server reports the room's attendance (see docs/attendance.md).
    #[arg(long)]
    pub callback: Option<String>,
    #[arg(long, env = "PODIUM_SECRET", hide_env_values = true)]
    pub secret: String,
}

pub fn parse_role(s: &str) -> Result<Role, String> {
    match s {
        "moderator" => Ok(Role::Moderator),
        "presenter" => Ok(Role::Presenter),
        "attendee" => Ok(Role::Attendee),
        _ => Err("expected moderator, presenter or attendee".to_string()),
    }
}

pub fn parse_stage_mode(s: &str) -> Result<StageMode, String> {
    match s {
        "open" => Ok(StageMode::Open),
        "request" => Ok(StageMode::Request),
        "invite" => Ok(StageMode::Invite),
        _ => Err("expected open, request or invite".to_string()),
    }
}

impl CommonArgs {
    fn into_config(self, secret: Secret, demo: Option<DemoConfig>) -> Config {
        let static_dir = self.static_dir.or_else(|| {
            let dist = PathBuf::from("dist");
            dist.is_dir().then_some(dist)
        });
        let turn = match (self.turn_url, self.turn_secret) {
            (Some(urls), Some(secret)) if !secret.is_empty() => Some(TurnConfig {
                urls: urls
                    .split(',')
                    .map(|u| u.trim().to_string())
                    .filter(|u| !u.is_empty())
                    .collect(),
                secret: Secret::new(secret.into_bytes()),
                ttl: self.turn_ttl,
            }),
            _ => None,
        };
        Config {
            listen: self.listen,
            secret,
            data: self.data,
            database: self.database.map(DatabaseUrl),
            snapshot_every: self.snapshot_every,
            grace: std::time::Duration::from_secs(self.grace_secs),
            allowed_origins: parse_origins(&self.allowed_origins),
            max_token_lifetime: self.max_token_lifetime,
            static_dir,
            public_url: self.public_url.map(|u| u.trim_end_matches('/').to_string()),
            demo,
            media: MediaConfig {
                udp: self.media_udp,
                announce: self.media_announce,
            },
            turn,
            seat_limit: self.seat_limit,
            max_participants: self.max_participants,
            max_hellos_per_ip: self.max_hellos_per_ip,
            max_pending_per_ip: self.max_pending_per_ip,
            trusted_proxies: self.trusted_proxies.0,
        }
    }
}

impl ServeArgs {
    pub fn into_config(self) -> Config {
        self.common
            .into_config(Secret::new(self.secret.into_bytes()), None)
    }
}

impl DemoArgs {
    pub fn into_config(self) -> Config {
        let secret = match self.secret {
            Some(s) if !s.is_empty() => Secret::new(s.into_bytes()),
            _ => Secret::random(),
        };
        self.common.into_config(secret, Some(DemoConfig::default()))
    }
}

/// The features named in `on` on, the others off.
fn features_on(on: &[String]) -> Features {
    let has = |name: &str| on.iter().any(|f| f == name);
    Features {
        chat: has("chat"),
        reactions: has("reactions"),
        polls: has("polls"),
    }
}

/// Sign the token `podium-server token` prints.
pub fn token(args: &TokenArgs) -> Result<String, jsonwebtoken::errors::Error> {
    let now = crate::clock::now_secs();
    let claims = Claims {
        iss: args.iss.clone(),
        aud: TOKEN_AUDIENCE.to_string(),
        sub: args.sub.clone().unwrap_or_else(crate::session::random_id),
        name: args.name.clone(),
        role: args.role,
        room: args.room.clone(),
        iat: now,
        exp: now.saturating_add(args.ttl),
        jti: crate::session::random_id(),
        nbf: None,
        picture: None,
        locale: None,
        room_title: args.room_title.clone(),
        stage_mode: args.stage_mode,
        features: args.features.as_ref().map(|on| features_on(on)),
        callback: args.callback.clone(),
    };
    mint_token(args.secret.as_bytes(), &claims)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        Cli::command().debug_assert();
    }
}
