//! A WebSocket connection to the server from a chosen loopback source address (so that many
//! thousands of connections never run out of local ports), and the hello that enters the room.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use podium_protocol::{Auth, ClientMsg, ServerMsg, PROTOCOL_VERSION};
use tokio::net::{TcpSocket, TcpStream};
use tokio::sync::Semaphore;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

pub type Socket = WebSocketStream<TcpStream>;

/// Source addresses are spread over this many loopback IPs, 127.0.1.0 and up: a lecture's
/// audience comes from many addresses, and the server caps hellos per IP.
const SOURCE_IPS: u64 = 250;

/// Connections entering at once (the size of the gate given to [`enter_gated`]).
pub const JOINING_AT_ONCE: usize = 200;
/// How long one connection waits for its welcome.
pub const WELCOME_WAIT: Duration = Duration::from_secs(60);

/// The loopback IP the `n`th connection comes from.
pub fn source_ip(n: u64) -> IpAddr {
    let last = (n % SOURCE_IPS) as u8;
    IpAddr::V4(Ipv4Addr::new(127, 0, 1, last))
}

/// Open a WebSocket to `server` from `source`.
pub async fn open(server: SocketAddr, source: IpAddr, url: &str) -> Result<Socket, String> {
    let socket = TcpSocket::new_v4().map_err(|e| format!("socket: {e}"))?;
    socket
        .bind(SocketAddr::new(source, 0))
        .map_err(|e| format!("bind {source}: {e}"))?;
    let stream = socket
        .connect(server)
        .await
        .map_err(|e| format!("connect: {e}"))?;
    stream
        .set_nodelay(true)
        .map_err(|e| format!("nodelay: {e}"))?;
    // Small read buffers: tungstenite zero-fills the whole buffer on its first read, and ten
    // thousand of the default 128 KiB would be the load generator's biggest cost.
    let config = WebSocketConfig::default().read_buffer_size(4 * 1024);
    let (ws, _) = tokio_tungstenite::client_async_with_config(url, stream, Some(config))
        .await
        .map_err(|e| format!("upgrade: {e}"))?;
    Ok(ws)
}

pub fn encode(msg: &ClientMsg) -> String {
    serde_json::to_string(msg).unwrap_or_default()
}

pub async fn send(ws: &mut Socket, msg: &ClientMsg) -> Result<(), String> {
    ws.send(Message::Text(encode(msg).into()))
        .await
        .map_err(|e| format!("send: {e}"))
}

/// Say hello with `token` and wait for the welcome; returns the welcome's text.
pub async fn enter(ws: &mut Socket, token: String, within: Duration) -> Result<String, String> {
    let hello = ClientMsg::Hello {
        protocol: PROTOCOL_VERSION,
        auth: Auth::Token { token },
        mobile: false,
    };
    send(ws, &hello).await?;
    let wait = async {
        while let Some(frame) = ws.next().await {
            match frame {
                Ok(Message::Text(text)) => {
                    if text.starts_with(r#"{"type":"welcome""#) {
                        return Ok(text.to_string());
                    }
                    if text.starts_with(r#"{"type":"error""#) {
                        return Err(format!("refused: {text}"));
                    }
                }
                Ok(Message::Close(_)) => return Err("closed before the welcome".to_string()),
                Ok(_) => {}
                Err(e) => return Err(format!("read: {e}")),
            }
        }
        Err("closed before the welcome".to_string())
    };
    tokio::time::timeout(within, wait)
        .await
        .map_err(|_| "no welcome in time".to_string())?
}

/// Connection number `n` enters with `token` once `gate` lets it through: opened from its own
/// source IP, hello said, welcome received. The gate is held until then only.
pub async fn enter_gated(
    gate: &Semaphore,
    server: SocketAddr,
    url: &str,
    n: u64,
    token: String,
) -> Result<Socket, String> {
    let _permit = gate.acquire().await.map_err(|e| e.to_string())?;
    let mut socket = open(server, source_ip(n), url).await?;
    enter(&mut socket, token, WELCOME_WAIT).await?;
    Ok(socket)
}

/// The next message from the server, decoded; `None` when the socket ends.
pub async fn recv(ws: &mut Socket) -> Option<ServerMsg> {
    while let Some(frame) = ws.next().await {
        match frame {
            Ok(Message::Text(text)) => {
                if let Ok(msg) = serde_json::from_str(text.as_str()) {
                    return Some(msg);
                }
            }
            Ok(Message::Close(_)) | Err(_) => return None,
            Ok(_) => {}
        }
    }
    None
}

/// The participant id in a welcome's text.
pub fn welcome_participant(welcome: &str) -> Option<u64> {
    match serde_json::from_str::<ServerMsg>(welcome).ok()? {
        ServerMsg::Welcome { snapshot, .. } => Some(snapshot.you.participant),
        _ => None,
    }
}
