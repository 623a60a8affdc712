//! Shared helpers for the integration tests: start the real `podium-server` binary on an
//! ephemeral loopback port, mint tokens, and drive WebSocket clients.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod database;
pub mod media;
pub mod postgres;

use std::collections::VecDeque;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use futures_util::{SinkExt, StreamExt};
use podium_protocol::{
    Auth, Claims, ClientMsg, CloseReason, ErrorCode, Event, InviteClaims, Notice, ParticipantId,
    ParticipantView, Role, ServerMsg, Snapshot, StageAccess, StageMode, YouView, INVITE_AUDIENCE,
    PROTOCOL_VERSION, TOKEN_AUDIENCE,
};
use podium_room::{Entrant, Input};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

pub const SECRET: &str = "integration-test-secret";
pub const ROOM: &str = "course-1:activity-1";
/// How long an expectation waits for its message.
pub const WAIT: Duration = Duration::from_secs(5);

pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

static COUNTER: AtomicU64 = AtomicU64::new(1);

pub fn unique(prefix: &str) -> String {
    format!(
        "{prefix}-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// The real server binary, killed when dropped.
pub struct Server {
    child: Child,
    pub addr: SocketAddr,
    /// The stage mode the room starts in (carried by every token minted through this server).
    pub mode: StageMode,
}

impl Server {
    /// `serve` with the test secret; the room starts in request mode.
    pub fn start() -> Server {
        Server::start_with(StageMode::Request, "serve", &[])
    }

    /// `serve` where the room starts in `mode`.
    pub fn start_in(mode: StageMode) -> Server {
        Server::start_with(mode, "serve", &[])
    }

    /// Unless `args` name a `--data`, the server keeps its state in memory only.
    pub fn start_with(mode: StageMode, command: &str, args: &[&str]) -> Server {
        Server::spawn(mode, command, args, None)
    }

    /// Like [`Server::start_with`], with everything the server logs at `level` (a `RUST_LOG`
    /// value) written to the file `log`.
    pub fn start_logging(
        mode: StageMode,
        args: &[&str],
        level: &str,
        log: &std::path::Path,
    ) -> Server {
        Server::spawn(mode, "serve", args, Some((level, log)))
    }

    fn spawn(
        mode: StageMode,
        command: &str,
        args: &[&str],
        log: Option<(&str, &std::path::Path)>,
    ) -> Server {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_podium-server"));
        cmd.arg(command)
            .args(["--listen", "127.0.0.1:0", "--secret", SECRET])
            .args(["--media-udp", "127.0.0.1:0"])
            .args(args);
        if !args.contains(&"--data") {
            cmd.args(["--data", ":memory:"]);
        }
        cmd.env_remove("PODIUM_SECRET")
            .env_remove("PODIUM_DATA")
            .env_remove("PODIUM_GRACE_SECS")
            .env_remove("PODIUM_ALLOWED_ORIGINS")
            .env_remove("PODIUM_STATIC_DIR")
            .env(
                "RUST_LOG",
                std::env::var("PODIUM_TEST_LOG").unwrap_or_else(|_| "warn".into()),
            )
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(if std::env::var_os("PODIUM_TEST_LOG").is_some() {
                Stdio::inherit()
            } else {
                Stdio::null()
            });
        if let Some((level, path)) = log {
            cmd.env("RUST_LOG", level)
                .stderr(std::fs::File::create(path).expect("create the log file"));
        }
        let mut child = cmd.spawn().expect("start podium-server");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let first = lines.next().expect("a first line").expect("read stdout");
        let addr = first
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line: {first}"))
            .parse()
            .expect("an address");
        // Keep reading so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Server { child, addr, mode }
    }

    pub fn ws_url(&self) -> String {
        format!("ws://{}/ws", self.addr)
    }

    /// Claims for a new person in the test room.
    pub fn claims(&self, role: Role, name: &str) -> Claims {
        let now = now();
        Claims {
            iss: "test-site".into(),
            aud: TOKEN_AUDIENCE.into(),
            sub: unique("user"),
            name: name.into(),
            role,
            room: ROOM.into(),
            iat: now,
            exp: now + 300,
            jti: unique("jti"),
            nbf: None,
            picture: None,
            locale: None,
            room_title: Some("Biology 101".into()),
            stage_mode: Some(self.mode),
            features: None,
            callback: None,
        }
    }

    /// A new person enters and is welcomed.
    pub async fn enter(&self, role: Role, name: &str) -> Client {
        Client::enter(self, self.claims(role, name)).await
    }

    /// Send SIGTERM.
    pub fn terminate(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill");
        assert!(status.success());
    }

    /// SIGKILL the process (no goodbye to anyone) and reap it.
    pub fn kill(&mut self) {
        self.child.kill().expect("kill");
        self.child.wait().expect("wait");
    }

    /// Wait for the process to exit.
    pub fn wait_exit(&mut self, within: Duration) -> Option<std::process::ExitStatus> {
        let deadline = std::time::Instant::now() + within;
        while std::time::Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn mint(claims: &Claims) -> String {
    podium_server::auth::mint_token(SECRET.as_bytes(), claims).expect("sign")
}

pub fn mint_with(secret: &str, claims: &Claims) -> String {
    podium_server::auth::mint_token(secret.as_bytes(), claims).expect("sign")
}

/// An invitation code signed with the test secret (as the server would make one).
pub fn invite_code(room: &str, id: &str, role: Role, iat: u64, exp: u64) -> String {
    let claims = InviteClaims {
        aud: INVITE_AUDIENCE.into(),
        room: room.into(),
        jti: id.into(),
        role,
        iat,
        exp,
    };
    jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(SECRET.as_bytes()),
    )
    .expect("sign")
}

pub fn hello(auth: Auth) -> ClientMsg {
    ClientMsg::Hello {
        protocol: PROTOCOL_VERSION,
        auth,
        mobile: false,
    }
}

pub fn token_hello(token: String) -> ClientMsg {
    hello(Auth::Token { token })
}

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// A WebSocket client that remembers what it has not looked at yet.
pub struct Client {
    ws: Socket,
    pending: VecDeque<ServerMsg>,
    closed: bool,
    /// From the welcome.
    pub snapshot: Option<Snapshot>,
    pub resume: Option<String>,
    /// From the welcome.
    pub ice_servers: Vec<podium_protocol::IceServer>,
}

impl Client {
    /// Open a socket; nothing sent yet.
    pub async fn open(server: &Server) -> Client {
        let (ws, _) = tokio_tungstenite::connect_async(server.ws_url())
            .await
            .expect("connect");
        Client {
            ws,
            pending: VecDeque::new(),
            closed: false,
            snapshot: None,
            resume: None,
            ice_servers: Vec::new(),
        }
    }

    /// Open a socket with these `Origin` header; the server's answer to the upgrade.
    pub async fn open_from(server: &Server, origin: &str) -> Result<Client, String> {
        let mut request = server.ws_url().into_client_request().unwrap();
        request
            .headers_mut()
            .insert("Origin", origin.parse().unwrap());
        match tokio_tungstenite::connect_async(request).await {
            Ok((ws, _)) => Ok(Client {
                ws,
                pending: VecDeque::new(),
                closed: false,
                snapshot: None,
                resume: None,
                ice_servers: Vec::new(),
            }),
            Err(e) => Err(e.to_string()),
        }
    }

    /// Open a socket with a request of the caller's making (headers, another URL).
    pub async fn open_request(
        request: tokio_tungstenite::tungstenite::handshake::client::Request,
    ) -> Client {
        let (ws, _) = tokio_tungstenite::connect_async(request)
            .await
            .expect("connect");
        Client {
            ws,
            pending: VecDeque::new(),
            closed: false,
            snapshot: None,
            resume: None,
            ice_servers: Vec::new(),
        }
    }

    /// Open, say hello with this person's token, and wait for the welcome.
    pub async fn enter(server: &Server, claims: Claims) -> Client {
        let mut c = Client::open(server).await;
        c.send(token_hello(mint(&claims))).await;
        c.welcomed().await;
        c
    }

    /// Come back with the resume credential of an earlier welcome.
    pub async fn resume(server: &Server, credential: &str) -> Client {
        let mut c = Client::open(server).await;
        c.send(hello(Auth::Resume {
            credential: credential.into(),
        }))
        .await;
        c.welcomed().await;
        c
    }

    /// Wait for the welcome and keep its snapshot and resume credential.
    pub async fn welcomed(&mut self) -> Snapshot {
        match self
            .expect("welcome", |m| matches!(m, ServerMsg::Welcome { .. }))
            .await
        {
            ServerMsg::Welcome {
                protocol,
                resume,
                snapshot,
                ice_servers,
            } => {
                assert_eq!(protocol, PROTOCOL_VERSION);
                assert!(!resume.is_empty());
                self.resume = Some(resume);
                self.ice_servers = ice_servers;
                self.snapshot = Some(*snapshot.clone());
                *snapshot
            }
            _ => unreachable!(),
        }
    }

    pub fn you(&self) -> &YouView {
        &self.snapshot.as_ref().expect("welcomed").you
    }

    /// This client's participant id.
    pub fn id(&self) -> ParticipantId {
        self.you().participant
    }

    pub async fn send(&mut self, msg: ClientMsg) {
        let text = serde_json::to_string(&msg).unwrap();
        self.send_text(text).await;
    }

    pub async fn send_text(&mut self, text: impl Into<String>) {
        self.ws
            .send(Message::Text(text.into().into()))
            .await
            .expect("send");
    }

    /// Send without failing if the server already closed the socket.
    pub async fn try_send_text(&mut self, text: impl Into<String>) -> bool {
        self.ws
            .send(Message::Text(text.into().into()))
            .await
            .is_ok()
    }

    async fn next_msg(&mut self, until: tokio::time::Instant) -> Option<ServerMsg> {
        loop {
            if self.closed {
                return None;
            }
            let frame = match tokio::time::timeout_at(until, self.ws.next()).await {
                Err(_) => return None,
                Ok(frame) => frame,
            };
            match frame {
                Some(Ok(Message::Text(text))) => {
                    let msg: ServerMsg = serde_json::from_str(text.as_str()).unwrap_or_else(|e| {
                        panic!("server sent an undecodable frame: {e}: {text}")
                    });
                    return Some(msg);
                }
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => {
                    self.closed = true;
                    return None;
                }
                Some(Ok(_)) => continue,
            }
        }
    }

    /// Wait for a message matching `f`, keeping the others for later expectations.
    pub async fn expect(&mut self, what: &str, mut f: impl FnMut(&ServerMsg) -> bool) -> ServerMsg {
        if let Some(i) = self.pending.iter().position(&mut f) {
            return self.pending.remove(i).unwrap();
        }
        let until = tokio::time::Instant::now() + WAIT;
        while let Some(msg) = self.next_msg(until).await {
            if f(&msg) {
                return msg;
            }
            self.pending.push_back(msg);
        }
        panic!(
            "expected {what}; {}; got instead: {:#?}",
            if self.closed {
                "the socket closed"
            } else {
                "timed out"
            },
            self.pending
        );
    }

    /// Assert that no message matching `f` arrives within `within`.
    pub async fn quiet(
        &mut self,
        what: &str,
        within: Duration,
        mut f: impl FnMut(&ServerMsg) -> bool,
    ) {
        if let Some(m) = self.pending.iter().find(|m| f(m)) {
            panic!("did not expect {what}, got {m:?}");
        }
        let until = tokio::time::Instant::now() + within;
        while let Some(msg) = self.next_msg(until).await {
            if f(&msg) {
                panic!("did not expect {what}, got {msg:?}");
            }
            self.pending.push_back(msg);
        }
    }

    /// Wait for an event matching `f`.
    pub async fn event(&mut self, what: &str, mut f: impl FnMut(&Event) -> bool) -> Event {
        match self
            .expect(
                what,
                |m| matches!(m, ServerMsg::Event { event, .. } if f(event)),
            )
            .await
        {
            ServerMsg::Event { event, .. } => event,
            _ => unreachable!(),
        }
    }

    /// Wait for a notice matching `f`.
    pub async fn notice(&mut self, what: &str, mut f: impl FnMut(&Notice) -> bool) -> Notice {
        match self
            .event(what, |e| matches!(e, Event::Notice { notice } if f(notice)))
            .await
        {
            Event::Notice { notice } => notice,
            _ => unreachable!(),
        }
    }

    /// Wait for the `you` event that says where this person stands with the stage.
    pub async fn stage_access(&mut self, stage: StageAccess) -> YouView {
        match self
            .event(
                &format!("you with stage {stage:?}"),
                |e| matches!(e, Event::You { you } if you.stage == stage),
            )
            .await
        {
            Event::You { you } => you,
            _ => unreachable!(),
        }
    }

    /// Wait for an update of participant `id` matching `f`.
    pub async fn updated(
        &mut self,
        what: &str,
        id: ParticipantId,
        mut f: impl FnMut(&ParticipantView) -> bool,
    ) -> ParticipantView {
        // A change of seat, hand or media comes as `updated`; dropping and coming back with the
        // next `people` event.
        let mut matching = |p: &ParticipantView| p.id == id && f(p);
        let event = self
            .event(what, |e| match e {
                Event::Updated { participant } => matching(participant),
                Event::People { people, .. } => people.iter().any(&mut matching),
                _ => false,
            })
            .await;
        match event {
            Event::Updated { participant } => participant,
            Event::People { people, .. } => people.into_iter().find(|p| p.id == id).unwrap(),
            _ => unreachable!(),
        }
    }

    /// Wait for an error with this code.
    pub async fn error(&mut self, code: ErrorCode) -> ServerMsg {
        let msg = self
            .expect(
                &format!("error {code:?}"),
                |m| matches!(m, ServerMsg::Error { code: c, .. } if *c == code),
            )
            .await;
        if let ServerMsg::Error { message, .. } = &msg {
            assert_eq!(message, code.message());
        }
        msg
    }

    /// Wait for `closing` with this reason, then for the socket to close.
    pub async fn closing(&mut self, reason: CloseReason) {
        self.expect(
            &format!("closing {reason:?}"),
            |m| matches!(m, ServerMsg::Closing { reason: r, .. } if *r == reason),
        )
        .await;
        self.closed().await;
    }

    /// Wait for the socket to close.
    pub async fn closed(&mut self) {
        let until = tokio::time::Instant::now() + WAIT;
        while let Some(msg) = self.next_msg(until).await {
            self.pending.push_back(msg);
        }
        assert!(self.closed, "the socket stayed open: {:#?}", self.pending);
    }

    /// Ask for a fresh snapshot.
    pub async fn sync(&mut self) -> Snapshot {
        self.send(ClientMsg::Sync).await;
        match self
            .expect("snapshot", |m| matches!(m, ServerMsg::Snapshot { .. }))
            .await
        {
            ServerMsg::Snapshot { snapshot } => *snapshot,
            _ => unreachable!(),
        }
    }

    /// Ping and wait for the pong: everything sent before has been handled.
    pub async fn roundtrip(&mut self) {
        self.send(ClientMsg::Ping).await;
        self.expect("pong", |m| matches!(m, ServerMsg::Pong)).await;
    }

    /// Forget everything received so far.
    pub fn forget(&mut self) {
        self.pending.clear();
    }

    /// Close the socket from this side.
    pub async fn leave(mut self) {
        let _ = self.ws.close(None).await;
    }
}

/// Find a participant in a snapshot.
pub fn person(snapshot: &Snapshot, id: ParticipantId) -> &ParticipantView {
    snapshot
        .participants
        .iter()
        .find(|p| p.id == id)
        .unwrap_or_else(|| panic!("participant {id} not in {:#?}", snapshot.participants))
}

/// A minimal HTTP/1.1 GET: status line, headers (lower-case names) and body.
pub async fn http_get(server: &Server, path: &str) -> (u16, Vec<(String, String)>, String) {
    http_get_with(server, path, "").await
}

/// A GET with extra request header lines (each ending in `\r\n`).
pub async fn http_get_with(
    server: &Server,
    path: &str,
    extra: &str,
) -> (u16, Vec<(String, String)>, String) {
    http_request(server, "GET", path, extra).await
}

/// A minimal HTTP/1.1 request without a body, with extra header lines (each ending in `\r\n`).
pub async fn http_request(
    server: &Server,
    method: &str,
    path: &str,
    extra: &str,
) -> (u16, Vec<(String, String)>, String) {
    let mut stream = TcpStream::connect(server.addr).await.expect("connect");
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {}\r\n{extra}Content-Length: 0\r\nConnection: close\r\n\r\n",
        server.addr
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.unwrap();
    let raw = String::from_utf8_lossy(&raw).to_string();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    (status, headers, body.to_string())
}

pub fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// Someone entering a room, as a stored log records them.
pub fn entrant(identity: &str, role: Role) -> Entrant {
    Entrant {
        identity: identity.into(),
        name: "Ada".into(),
        role,
        picture: None,
        mobile: false,
        via_link: None,
    }
}

/// A chat line said on connection `conn`, as a stored log records it.
pub fn chat(conn: u64, text: &str) -> Input {
    Input::Command {
        conn,
        msg: ClientMsg::Chat { text: text.into() },
    }
}

/// Run the `token` subcommand with the test secret in `PODIUM_SECRET`; the token it prints.
pub fn token_command(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_podium-server"))
        .arg("token")
        .args(args)
        .env("PODIUM_SECRET", SECRET)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}
