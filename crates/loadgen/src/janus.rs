//! The SFU benchmark against Janus, for comparison: the Debian package's `janus` with only its
//! video room plugin and its HTTP transport, on this machine, driven through its REST API. The
//! publisher, the subscribers, the window and the figures are the same as for our SFU
//! ([`crate::forwarding`]); only the signalling differs.
//!
//! Each run starts a fresh Janus from a minimal configuration written into a temporary
//! directory (its plugin and transport folders hold links to just those two modules). Janus's
//! ICE never offers a loopback address, so it and the peers use this machine's own IPv4
//! address instead, which the kernel delivers through the loopback device all the same. One
//! Janus session carries every peer as a handle of its own; one long poll reads the events of
//! all of them, and a keepalive holds the session open.
//!
//! The publisher joins a VP8/Opus room with `joinandconfigure` and its str0m offer. Each
//! subscriber `join`s as a subscriber to the publisher's feed, answers the offer Janus makes
//! with str0m, and sends `start` with the answer.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use podium_protocol::{MediaKind, MediaTrack, ParticipantId};
use podium_testkit::media::{Latency, MediaPeer};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio::task::JoinSet;

use crate::forwarding::{self, Outcome, Plan, Process};

/// The room every run creates.
const ROOM: u64 = 1234;
/// The UDP ports Janus's peer connections use.
const RTP_PORTS: &str = "20000-29999";
/// How long a request waits for its event.
const EVENT_WITHIN: Duration = Duration::from_secs(20);
/// Janus ends sessions idle for 60 s.
const KEEPALIVE_EVERY: Duration = Duration::from_secs(15);

/// Where the Debian package keeps Janus's modules (`/usr/lib/<triplet>/janus`), when installed.
pub fn modules_dir() -> Option<PathBuf> {
    let has_videoroom = |d: &Path| d.join("plugins/libjanus_videoroom.so").exists();
    let arch_dirs = std::fs::read_dir("/usr/lib")
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path().join("janus"));
    std::iter::once(PathBuf::from("/usr/lib/janus"))
        .chain(arch_dirs)
        .find(|d| has_videoroom(d))
}

pub async fn run(modules: &Path, plan: &Plan) -> Result<Outcome, String> {
    let ip = own_address()?;
    let janus = Janus::start(modules, ip)?;
    let api = Api::create(janus.http).await?;
    let mut tasks = JoinSet::new();
    tasks.spawn(api.clone().poll());
    tasks.spawn(api.clone().keepalive());
    let (publisher, feed) = publish(&api, ip)
        .await
        .map_err(|e| format!("{e}; Janus's log ends:\n{}", janus.log_tail()))?;
    let latency = Arc::new(Latency::default());

    let mut subscribers = Vec::with_capacity(plan.subscribers);
    forwarding::connect_subscribers(
        plan.subscribers,
        |n| subscribe(api.clone(), ip, feed, n, latency.clone()),
        |peer| subscribers.push(peer),
    )
    .await?;
    forwarding::wait_until_receiving(&subscribers).await;
    let process = Process {
        pid: janus.child.id(),
        media_thread: None,
    };
    let out = forwarding::measure(&process, plan, &subscribers, &latency).await;

    drop(janus);
    tasks.abort_all();
    while tasks.join_next().await.is_some() {}
    drop((publisher, subscribers));
    Ok(out)
}

/// Create the room, join it as its publisher and start sending. Returns the publisher's peer
/// and its feed id.
async fn publish(api: &Arc<Api>, ip: IpAddr) -> Result<(Arc<MediaPeer>, u64), String> {
    let mut handle = api.attach().await?;
    let room = json!({
        "request": "create", "room": ROOM, "publishers": 1,
        "videocodec": "vp8", "audiocodec": "opus", "bitrate": 0,
    });
    let created = api.message(handle.id, room, None).await?;
    if created["plugindata"]["data"]["videoroom"] != "created" {
        return Err(format!("no room: {created}"));
    }
    let publisher = Arc::new(forwarding::publisher_peer(ip).await);
    let (offer, _) = publisher.offer(true, false, false);
    let join = json!({
        "request": "joinandconfigure", "ptype": "publisher", "room": ROOM,
        "display": "Presenter", "audio": true, "video": true,
    });
    let jsep = json!({ "type": "offer", "sdp": offer });
    api.message(handle.id, join, Some(jsep)).await?;
    let (joined, answer) = handle.plugin_event().await?;
    let feed = joined["id"]
        .as_u64()
        .ok_or(format!("no feed id: {joined}"))?;
    publisher.accept_answer(sdp_of(&answer)?);
    forwarding::start_publishing(&publisher, "Janus").await?;
    Ok((publisher, feed))
}

/// Subscriber number `n` to `feed`: join, answer Janus's offer, start.
async fn subscribe(
    api: Arc<Api>,
    ip: IpAddr,
    feed: u64,
    n: u64,
    latency: Arc<Latency>,
) -> Result<Arc<MediaPeer>, String> {
    let mut handle = api.attach().await?;
    let join = json!({
        "request": "join", "ptype": "subscriber", "room": ROOM,
        "streams": [{ "feed": feed }],
    });
    api.message(handle.id, join, None).await?;
    let (_, offer) = handle.plugin_event().await?;
    let offer = sdp_of(&offer)?;
    let peer = forwarding::subscriber_peer(ip, n, &latency).await;
    let answer = peer.accept_offer(offer);
    peer.set_tracks(&tracks_of(offer, feed));
    let jsep = json!({ "type": "answer", "sdp": answer });
    api.message(
        handle.id,
        json!({ "request": "start", "room": ROOM }),
        Some(jsep),
    )
    .await?;
    Ok(Arc::new(peer))
}

/// The IPv4 address this machine sends from (found by routing a UDP socket; nothing is sent).
fn own_address() -> Result<IpAddr, String> {
    let socket = UdpSocket::bind("0.0.0.0:0").map_err(|e| format!("udp: {e}"))?;
    socket
        .connect("198.51.100.1:9")
        .and_then(|()| socket.local_addr())
        .map(|a| a.ip())
        .map_err(|e| format!("no IPv4 address besides loopback for Janus's ICE: {e}"))
}

fn sdp_of(jsep: &Option<Value>) -> Result<&str, String> {
    jsep.as_ref()
        .and_then(|j| j["sdp"].as_str())
        .ok_or_else(|| "Janus sent no SDP".to_string())
}

/// The m-lines of Janus's offer as tracks of `feed`, so the peer counts and times them.
fn tracks_of(sdp: &str, feed: ParticipantId) -> Vec<MediaTrack> {
    let mut kind = None;
    let mut tracks = Vec::new();
    for line in sdp.lines() {
        if let Some(m) = line.strip_prefix("m=") {
            kind = match m.split(' ').next() {
                Some("audio") => Some(MediaKind::Audio),
                Some("video") => Some(MediaKind::Video),
                _ => None,
            };
        } else if let (Some(mid), Some(kind)) = (line.strip_prefix("a=mid:"), kind) {
            tracks.push(MediaTrack {
                mid: mid.trim().to_string(),
                participant: feed,
                kind,
            });
        }
    }
    tracks
}

/// A running Janus with its own configuration, killed when dropped.
struct Janus {
    child: Child,
    http: SocketAddr,
    dir: tempfile::TempDir,
}

impl Janus {
    fn start(modules: &Path, ip: IpAddr) -> Result<Janus, String> {
        let dir = tempfile::tempdir().map_err(|e| format!("temp dir: {e}"))?;
        let http = free_port()?;
        write_config(dir.path(), modules, http, ip)?;
        let conf = dir.path().join("conf");
        let child = Command::new("janus")
            .arg("--configs-folder")
            .arg(&conf)
            .arg("--config")
            .arg(conf.join("janus.jcfg"))
            .arg("--plugins-folder")
            .arg(dir.path().join("plugins"))
            .arg("--disable-stdout")
            .arg("--log-file")
            .arg(dir.path().join("janus.log"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start janus: {e}"))?;
        let mut janus = Janus { child, http, dir };
        janus.wait_ready()?;
        Ok(janus)
    }

    /// Until the HTTP transport accepts connections.
    fn wait_ready(&mut self) -> Result<(), String> {
        let until = Instant::now() + Duration::from_secs(15);
        while std::net::TcpStream::connect(self.http).is_err() {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!("janus exited ({status}): {}", self.log_tail()));
            }
            if Instant::now() > until {
                return Err(format!("janus never listened: {}", self.log_tail()));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Ok(())
    }

    fn log_tail(&self) -> String {
        let log = std::fs::read_to_string(self.dir.path().join("janus.log")).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        lines[lines.len().saturating_sub(10)..].join("\n")
    }
}

impl Drop for Janus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> Result<SocketAddr, String> {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| format!("no free port: {e}"))
}

/// Our minimal configuration: the core (ICE on `ip` only, fixed RTP ports, nothing but the
/// video room and HTTP), the HTTP transport on `http`, and the video room with no rooms of its
/// own.
fn write_config(dir: &Path, modules: &Path, http: SocketAddr, ip: IpAddr) -> Result<(), String> {
    let conf = dir.join("conf");
    let (plugins, transports, empty) = (
        dir.join("plugins"),
        dir.join("transports"),
        dir.join("none"),
    );
    for d in [&conf, &plugins, &transports, &empty] {
        std::fs::create_dir_all(d).map_err(|e| format!("{}: {e}", d.display()))?;
    }
    let link = |from: &str, to: &Path| {
        std::os::unix::fs::symlink(modules.join(from), to).map_err(|e| format!("link {from}: {e}"))
    };
    link(
        "plugins/libjanus_videoroom.so",
        &plugins.join("libjanus_videoroom.so"),
    )?;
    link(
        "transports/libjanus_http.so",
        &transports.join("libjanus_http.so"),
    )?;
    let core = format!(
        r#"general: {{
	interface = "{ip}"
	configs_folder = "{conf}"
	plugins_folder = "{plugins}"
	transports_folder = "{transports}"
	events_folder = "{empty}"
	loggers_folder = "{empty}"
	debug_level = 3
	session_timeout = 60
}}
media: {{
	rtp_port_range = "{RTP_PORTS}"
}}
nat: {{
	ice_enforce_list = "{ip}"
	ignore_mdns = true
}}
"#,
        conf = conf.display(),
        plugins = plugins.display(),
        transports = transports.display(),
        empty = empty.display(),
    );
    let transport = format!(
        r#"general: {{
	json = "compact"
	base_path = "/janus"
	http = true
	ip = "{ip}"
	port = {port}
	https = false
}}
admin: {{
	admin_http = false
}}
"#,
        ip = http.ip(),
        port = http.port(),
    );
    let write = |name: &str, text: &str| {
        std::fs::write(conf.join(name), text).map_err(|e| format!("{name}: {e}"))
    };
    write("janus.jcfg", &core)?;
    write("janus.transport.http.jcfg", &transport)?;
    write("janus.plugin.videoroom.jcfg", "general: {\n}\n")
}

/// One Janus session and the events of its handles.
struct Api {
    http: SocketAddr,
    session: u64,
    handles: Mutex<HashMap<u64, mpsc::UnboundedSender<Value>>>,
    transactions: AtomicU64,
}

/// A handle on the video room plugin, with the events Janus sends it.
struct Handle {
    id: u64,
    events: mpsc::UnboundedReceiver<Value>,
}

impl Api {
    async fn create(http: SocketAddr) -> Result<Arc<Api>, String> {
        let created = request(
            http,
            "POST",
            "/janus",
            Some(json!({ "janus": "create", "transaction": "0" })),
        )
        .await?;
        let session = created["data"]["id"]
            .as_u64()
            .ok_or(format!("no session: {created}"))?;
        Ok(Arc::new(Api {
            http,
            session,
            handles: Mutex::new(HashMap::new()),
            transactions: AtomicU64::new(1),
        }))
    }

    /// A request on the session (or one of its handles); Janus's `error` becomes an `Err`.
    async fn post(&self, path: &str, mut body: Value) -> Result<Value, String> {
        let transaction = self.transactions.fetch_add(1, Ordering::Relaxed);
        body["transaction"] = json!(transaction.to_string());
        let reply = request(self.http, "POST", path, Some(body)).await?;
        if reply["janus"] == "error" {
            return Err(format!("Janus: {}", reply["error"]));
        }
        Ok(reply)
    }

    async fn attach(&self) -> Result<Handle, String> {
        let path = format!("/janus/{}", self.session);
        let body = json!({ "janus": "attach", "plugin": "janus.plugin.videoroom" });
        let attached = self.post(&path, body).await?;
        let id = attached["data"]["id"]
            .as_u64()
            .ok_or(format!("no handle: {attached}"))?;
        let (tx, events) = mpsc::unbounded_channel();
        self.handles
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(id, tx);
        Ok(Handle { id, events })
    }

    /// A message to the plugin: its synchronous reply (`success`, or `ack` when the answer
    /// comes as an event).
    async fn message(
        &self,
        handle: u64,
        body: Value,
        jsep: Option<Value>,
    ) -> Result<Value, String> {
        let path = format!("/janus/{}/{handle}", self.session);
        let mut message = json!({ "janus": "message", "body": body });
        if let Some(jsep) = jsep {
            message["jsep"] = jsep;
        }
        self.post(&path, message).await
    }

    /// The long poll: every event to its handle, for as long as the session lives.
    async fn poll(self: Arc<Self>) {
        let path = format!("/janus/{}?maxev=50", self.session);
        loop {
            let events = match request(self.http, "GET", &path, None).await {
                Ok(Value::Array(events)) => events,
                Ok(event) => vec![event],
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            };
            let handles = self.handles.lock().unwrap_or_else(|e| e.into_inner());
            for event in events {
                if let Some(tx) = event["sender"].as_u64().and_then(|h| handles.get(&h)) {
                    let _ = tx.send(event);
                }
            }
        }
    }

    async fn keepalive(self: Arc<Self>) {
        let path = format!("/janus/{}", self.session);
        loop {
            tokio::time::sleep(KEEPALIVE_EVERY).await;
            let _ = self.post(&path, json!({ "janus": "keepalive" })).await;
        }
    }
}

impl Handle {
    /// The next event from the plugin: its data, and the SDP it carries if any.
    async fn plugin_event(&mut self) -> Result<(Value, Option<Value>), String> {
        let wait = async {
            while let Some(mut event) = self.events.recv().await {
                if event["janus"] != "event" {
                    continue;
                }
                let data = event["plugindata"]["data"].take();
                if !data["error"].is_null() {
                    return Err(format!("Janus: {}", data["error"]));
                }
                let jsep = Some(event["jsep"].take()).filter(|j| !j.is_null());
                return Ok((data, jsep));
            }
            Err("the event poll ended".to_string())
        };
        tokio::time::timeout(EVENT_WITHIN, wait)
            .await
            .map_err(|_| "Janus sent no event in time".to_string())?
    }
}

/// One HTTP/1.1 request on a connection of its own, its JSON reply.
async fn request(
    to: SocketAddr,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> Result<Value, String> {
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let mut stream = TcpStream::connect(to)
        .await
        .map_err(|e| format!("janus http: {e}"))?;
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {to}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream
        .write_all(format!("{head}{body}").as_bytes())
        .await
        .map_err(|e| format!("janus http: {e}"))?;
    let mut reply = Vec::new();
    stream
        .read_to_end(&mut reply)
        .await
        .map_err(|e| format!("janus http: {e}"))?;
    let split = reply
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or("janus http: no header end")?;
    let head = String::from_utf8_lossy(&reply[..split]).to_ascii_lowercase();
    if !head.starts_with("http/1.1 200") && !head.starts_with("http/1.0 200") {
        return Err(format!("janus http: {}", head.lines().next().unwrap_or("")));
    }
    let mut content = reply[split + 4..].to_vec();
    if head.contains("transfer-encoding: chunked") {
        content = dechunk(&content);
    }
    serde_json::from_slice(&content).map_err(|e| format!("janus http: {e}"))
}

/// The body of a chunked transfer.
fn dechunk(mut raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = raw.windows(2).position(|w| w == b"\r\n") {
        let size = std::str::from_utf8(&raw[..eol])
            .ok()
            .and_then(|s| usize::from_str_radix(s.split(';').next().unwrap_or("").trim(), 16).ok())
            .unwrap_or(0);
        let start = eol + 2;
        if size == 0 || raw.len() < start + size {
            break;
        }
        out.extend_from_slice(&raw[start..start + size]);
        raw = raw.get(start + size + 2..).unwrap_or_default();
    }
    out
}
