//! The WebSocket to the server (the browser's own `WebSocket`, through web-sys): hello with the token (or invitation, or resume credential),
//! frames in and out, a ping every 20 seconds, and reconnection with backoff and jitter using the
//! resume credential kept in `sessionStorage`.

use std::cell::RefCell;
use std::rc::Rc;

use futures::channel::mpsc;
use futures::future::{select, Either};
use futures::{pin_mut, StreamExt};
use leptos::prelude::*;
use podium_protocol::{Auth, ClientMsg, CloseReason, ErrorCode, ServerMsg, PROTOCOL_VERSION};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// What the connection is doing, shown in the header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Conn {
    Connecting,
    Connected,
    Reconnecting,
    Offline,
    /// Ended for good (refused, removed, replaced): no more attempts.
    Closed,
}

/// The handle components use to send intents.
#[derive(Clone, Copy)]
pub struct Net {
    tx: StoredValue<mpsc::UnboundedSender<ClientMsg>>,
    pub conn: RwSignal<Conn>,
}

impl Net {
    /// Queues a message for the server. False when not connected (the message is dropped: the
    /// person sees a notice and can try again).
    pub fn send(&self, msg: ClientMsg) -> bool {
        if self.conn.get_untracked() != Conn::Connected {
            return false;
        }
        self.tx.with_value(|tx| tx.unbounded_send(msg).is_ok())
    }
}

const PING_MS: u32 = 20_000;
const RESUME_KEY: &str = "podium.resume";

/// How one connection ended.
enum Ended {
    /// The socket dropped or never opened. `Some(credential)` if a welcome came first.
    Dropped(Option<String>),
    /// The hello was refused with this error, before any welcome.
    Refused(ErrorCode, String),
    /// The server said it would close, and why.
    Closing(CloseReason),
}

/// Resolves after `ms` milliseconds.
pub async fn sleep(ms: u32) {
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms as i32);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Backoff before attempt `n` (0-based): 0.5 s doubling to 30 s, with ±50 % jitter so a room
/// full of browsers does not come back all at once.
pub fn backoff_ms(attempt: u32, random: f64) -> u32 {
    let base = 500f64 * 2f64.powi(attempt.min(6) as i32);
    let base = base.min(30_000.0);
    let jitter = 0.5 + random.clamp(0.0, 1.0);
    (base * jitter) as u32
}

const GUEST_KEY: &str = "podium.guest";

/// The random key this browser enters invitation links with, made on first use and kept: the
/// server knows a guest who comes back through the same link by it (so a removal holds).
/// `None` where the browser keeps nothing (the server then treats every entry as a new guest).
pub fn guest_key() -> Option<String> {
    let window = web_sys::window()?;
    let storage = window.local_storage().ok()??;
    if let Some(key) = storage.get_item(GUEST_KEY).ok()? {
        return Some(key);
    }
    let key = window.crypto().ok()?.random_uuid();
    storage.set_item(GUEST_KEY, &key).ok()?;
    Some(key)
}

fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok()?
}

/// What `sessionStorage` keeps: the resume credential, and which entry earned it.
#[derive(serde::Serialize, serde::Deserialize)]
struct Stored {
    fp: String,
    credential: String,
}

fn load_resume(fingerprint: &str) -> Option<String> {
    let raw = session_storage()?.get_item(RESUME_KEY).ok()??;
    let stored: Stored = crate::wire::parse(&raw)?;
    (stored.fp == fingerprint).then_some(stored.credential)
}

fn store_resume(fingerprint: &str, credential: &str) {
    if let Some(s) = session_storage() {
        let stored = Stored {
            fp: fingerprint.to_string(),
            credential: credential.to_string(),
        };
        if let Ok(raw) = serde_json::to_string(&stored) {
            let _ = s.set_item(RESUME_KEY, &raw);
        }
    }
}

fn clear_resume() {
    if let Some(s) = session_storage() {
        let _ = s.remove_item(RESUME_KEY);
    }
}

fn online() -> bool {
    web_sys::window()
        .map(|w| w.navigator().on_line())
        .unwrap_or(true)
}

/// Opens the connection and keeps it up. `on_msg` receives every server message worth showing.
pub fn start(
    url: String,
    primary: Auth,
    fingerprint: String,
    mobile: bool,
    on_msg: Rc<dyn Fn(ServerMsg)>,
) -> Net {
    let (tx, mut rx) = mpsc::unbounded::<ClientMsg>();
    let conn = RwSignal::new(Conn::Connecting);
    let net = Net {
        tx: StoredValue::new(tx.clone()),
        conn,
    };
    leptos::task::spawn_local(async move {
        let mut credential = load_resume(&fingerprint);
        let mut primary_used = false;
        let mut ever_connected = false;
        let mut attempt: u32 = 0;
        loop {
            let using_primary = credential.is_none();
            let auth = match &credential {
                Some(c) => Auth::Resume {
                    credential: c.clone(),
                },
                None if !primary_used => primary.clone(),
                None => {
                    conn.set(Conn::Closed);
                    return;
                }
            };
            conn.set(if !ever_connected {
                if attempt >= 3 && !online() {
                    Conn::Offline
                } else {
                    Conn::Connecting
                }
            } else if attempt >= 3 || !online() {
                Conn::Offline
            } else {
                Conn::Reconnecting
            });
            // Intents queued while the socket was down are stale.
            while rx.try_recv().is_ok() {}
            let hello = ClientMsg::Hello {
                protocol: PROTOCOL_VERSION,
                auth,
                mobile,
            };
            let ended = run_once(&url, hello, &mut rx, &tx, &*on_msg, conn, &fingerprint).await;
            match ended {
                Ended::Dropped(Some(c)) => {
                    ever_connected = true;
                    primary_used |= using_primary;
                    credential = Some(c);
                    attempt = 0;
                }
                Ended::Dropped(None) => attempt += 1,
                Ended::Refused(code, message) => {
                    if !using_primary && code == ErrorCode::ResumeInvalid {
                        credential = None;
                        clear_resume();
                        if !primary_used {
                            continue;
                        }
                    }
                    if matches!(code, ErrorCode::Internal | ErrorCode::RateLimited) {
                        attempt += 1;
                    } else {
                        on_msg(ServerMsg::Error {
                            code,
                            message,
                            command: None,
                        });
                        conn.set(Conn::Closed);
                        return;
                    }
                }
                Ended::Closing(CloseReason::ServerShutdown) => attempt = 0,
                Ended::Closing(reason) => {
                    if matches!(reason, CloseReason::Removed | CloseReason::RoomDeleted) {
                        clear_resume();
                    }
                    conn.set(Conn::Closed);
                    return;
                }
            }
            let delay = backoff_ms(attempt, js_sys::Math::random());
            if ever_connected && conn.get_untracked() == Conn::Connected {
                conn.set(if attempt >= 3 || !online() {
                    Conn::Offline
                } else {
                    Conn::Reconnecting
                });
            }
            sleep(delay).await;
        }
    });
    net
}

/// What the socket's callbacks report, in order.
enum Incoming {
    Open,
    Text(String),
    Closed,
}

/// A browser WebSocket whose events arrive on a channel; the callbacks live as long as it does.
struct Socket {
    ws: web_sys::WebSocket,
    events: mpsc::UnboundedReceiver<Incoming>,
    _callbacks: [Closure<dyn FnMut(web_sys::Event)>; 3],
}

impl Socket {
    fn open(url: &str) -> Option<Socket> {
        let ws = web_sys::WebSocket::new(url).ok()?;
        let (tx, events) = mpsc::unbounded::<Incoming>();
        let on = |tx: mpsc::UnboundedSender<Incoming>, f: fn(web_sys::Event) -> Incoming| {
            Closure::<dyn FnMut(web_sys::Event)>::new(move |e: web_sys::Event| {
                let _ = tx.unbounded_send(f(e));
            })
        };
        let open = on(tx.clone(), |_| Incoming::Open);
        let message = on(tx.clone(), |e| {
            match e
                .dyn_into::<web_sys::MessageEvent>()
                .ok()
                .and_then(|m| m.data().as_string())
            {
                Some(text) => Incoming::Text(text),
                None => Incoming::Text(String::new()),
            }
        });
        let closed = on(tx, |_| Incoming::Closed);
        ws.set_onopen(Some(open.as_ref().unchecked_ref()));
        ws.set_onmessage(Some(message.as_ref().unchecked_ref()));
        ws.set_onclose(Some(closed.as_ref().unchecked_ref()));
        ws.set_onerror(Some(closed.as_ref().unchecked_ref()));
        Some(Socket {
            ws,
            events,
            _callbacks: [open, message, closed],
        })
    }
}

impl Drop for Socket {
    fn drop(&mut self) {
        self.ws.set_onopen(None);
        self.ws.set_onmessage(None);
        self.ws.set_onclose(None);
        self.ws.set_onerror(None);
        let _ = self.ws.close();
    }
}

async fn run_once(
    url: &str,
    hello: ClientMsg,
    rx: &mut mpsc::UnboundedReceiver<ClientMsg>,
    tx: &mpsc::UnboundedSender<ClientMsg>,
    on_msg: &dyn Fn(ServerMsg),
    conn: RwSignal<Conn>,
    fingerprint: &str,
) -> Ended {
    let Some(mut socket) = Socket::open(url) else {
        return Ended::Dropped(None);
    };
    let ws = socket.ws.clone();
    let welcomed: RefCell<Option<String>> = RefCell::new(None);
    let is_resume = matches!(
        &hello,
        ClientMsg::Hello {
            auth: Auth::Resume { .. },
            ..
        }
    );

    let reader = async {
        while let Some(event) = socket.events.next().await {
            let text = match event {
                Incoming::Open => {
                    if let Ok(text) = serde_json::to_string(&hello) {
                        if ws.send_with_str(&text).is_err() {
                            break;
                        }
                    }
                    continue;
                }
                Incoming::Text(text) => text,
                Incoming::Closed => break,
            };
            let Some(msg) = crate::wire::server_msg(&text) else {
                continue;
            };
            match &msg {
                ServerMsg::Welcome { resume, .. } => {
                    store_resume(fingerprint, resume);
                    *welcomed.borrow_mut() = Some(resume.clone());
                    conn.set(Conn::Connected);
                }
                ServerMsg::Error {
                    code,
                    message,
                    command: None,
                } if welcomed.borrow().is_none() => {
                    // A refused hello. A refused resume is retried with the token, silently.
                    if !(is_resume && *code == ErrorCode::ResumeInvalid) {
                        on_msg(msg.clone());
                    }
                    return Ended::Refused(*code, message.clone());
                }
                ServerMsg::Closing { reason, .. } => {
                    let reason = *reason;
                    on_msg(msg);
                    return Ended::Closing(reason);
                }
                _ => {}
            }
            on_msg(msg);
        }
        Ended::Dropped(welcomed.borrow().clone())
    };
    let writer = async {
        // Intents are only accepted once connected (see `Net::send`), so the socket is open.
        while let Some(msg) = rx.next().await {
            let Ok(text) = serde_json::to_string(&msg) else {
                continue;
            };
            if ws.send_with_str(&text).is_err() {
                return;
            }
        }
    };
    let pinger = async {
        loop {
            sleep(PING_MS).await;
            if welcomed.borrow().is_some() {
                let _ = tx.unbounded_send(ClientMsg::Ping);
            }
        }
    };
    pin_mut!(reader, writer, pinger);
    match select(reader, select(writer, pinger)).await {
        Either::Left((ended, _)) => ended,
        Either::Right(_) => {
            let credential = welcomed.borrow().clone();
            Ended::Dropped(credential)
        }
    }
}

/// True on phones and tablets: a coarse pointer without hover, or a narrow screen.
pub fn detect_mobile() -> bool {
    let Some(w) = web_sys::window() else {
        return false;
    };
    let matches = |q: &str| {
        w.match_media(q)
            .ok()
            .flatten()
            .map(|m| m.matches())
            .unwrap_or(false)
    };
    let touch_only = matches("(pointer: coarse) and (hover: none)");
    let agent = w.navigator().user_agent().unwrap_or_default();
    let mobile_agent = ["Mobi", "Android", "iPhone", "iPad"]
        .iter()
        .any(|s| agent.contains(s));
    touch_only || mobile_agent
}

/// Drops the fragment (`#token=…`) from the address bar so the token is not copied or bookmarked.
pub fn forget_fragment() {
    let Some(w) = web_sys::window() else { return };
    let Ok(history) = w.history() else { return };
    let loc = w.location();
    let path = format!(
        "{}{}",
        loc.pathname().unwrap_or_default(),
        loc.search().unwrap_or_default()
    );
    let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&path));
}
