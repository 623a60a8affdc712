//! The media loop: its own thread with a single-threaded runtime, so nothing it does can hold
//! up signalling and nothing in signalling can hold it up. It waits on three things at once:
//! a datagram on the shared socket, a message from the room actors, and the next timeout any
//! peer asked for.

use std::net::SocketAddr;
use std::time::Instant;

use tokio::net::UdpSocket;
use tokio::sync::mpsc;

use super::sfu::Sfu;
use super::ToMedia;

/// Largest datagram read; WebRTC keeps packets under the path MTU.
const DATAGRAM: usize = 2048;

pub fn run(
    socket: std::net::UdpSocket,
    candidate: SocketAddr,
    rx: mpsc::UnboundedReceiver<ToMedia>,
) {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            tracing::error!(error = %e, "media loop could not start its runtime");
            return;
        }
    };
    runtime.block_on(async move {
        match UdpSocket::from_std(socket) {
            Ok(socket) => serve(socket, candidate, rx).await,
            Err(e) => tracing::error!(error = %e, "media loop could not use its socket"),
        }
    });
}

async fn serve(socket: UdpSocket, candidate: SocketAddr, mut rx: mpsc::UnboundedReceiver<ToMedia>) {
    let mut sfu = Sfu::new(candidate);
    let mut buf = vec![0u8; DATAGRAM];
    loop {
        // For `/readyz`: the loop goes round at least every 100 ms.
        crate::metrics::METRICS.media_beat();
        let now = Instant::now();
        let next = sfu.poll(now, &mut |t| {
            // UDP may drop; a full send buffer drops this packet and the peers recover.
            if let Err(e) = socket.try_send_to(&t.contents, t.destination) {
                tracing::trace!(error = %e, to = %t.destination, "datagram not sent");
            }
        });
        tokio::select! {
            msg = rx.recv() => match msg {
                Some(msg) => {
                    let now = Instant::now();
                    sfu.command(msg, now);
                    // Take whatever else is waiting before polling again.
                    while let Ok(msg) = rx.try_recv() {
                        sfu.command(msg, now);
                    }
                }
                None => break,
            },
            read = socket.recv_from(&mut buf) => match read {
                Ok((n, from)) => {
                    let now = Instant::now();
                    if let Some(data) = buf.get(..n) {
                        sfu.receive(now, from, data);
                    }
                }
                Err(e) => tracing::debug!(error = %e, "media socket read failed"),
            },
            () = tokio::time::sleep_until(next.into()) => {}
        }
        sfu.timeout(Instant::now());
    }
    tracing::info!(peers = sfu.peer_count(), "media loop stopped");
}
