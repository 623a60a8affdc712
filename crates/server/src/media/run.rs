//! The media loop: its own thread with a single-threaded runtime, so nothing it does can hold
//! up signalling and nothing in signalling can hold it up. It waits on three things at once:
//! datagrams on the shared socket, a message from the room actors, and the next timeout any
//! peer asked for.

use std::net::SocketAddr;
use std::time::Instant;

use tokio::net::UdpSocket;
use tokio::sync::mpsc;

use super::sfu::Sfu;
use super::udp::Udp;
use super::ToMedia;

/// Reads (each up to a batch of datagrams) taken before the peers are polled again, so a burst
/// is handled as one and nobody waits long.
const READS_PER_TURN: usize = 4;

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
        let udp = UdpSocket::from_std(socket).and_then(Udp::new);
        match udp {
            Ok(udp) => serve(udp, candidate, rx).await,
            Err(e) => tracing::error!(error = %e, "media loop could not use its socket"),
        }
    });
}

async fn serve(mut udp: Udp, candidate: SocketAddr, mut rx: mpsc::UnboundedReceiver<ToMedia>) {
    let mut sfu = Sfu::new(candidate);
    loop {
        // For `/readyz`: the loop goes round at least every 100 ms.
        crate::metrics::METRICS.media_beat();
        let now = Instant::now();
        sfu.timeout(now);
        let next = sfu.poll(now, &mut |t| udp.send(t.destination, &t.contents));
        udp.flush();
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
            ready = udp.readable() => match ready {
                Ok(()) => {
                    let now = Instant::now();
                    for _ in 0..READS_PER_TURN {
                        if udp.read(&mut |from, data| sfu.receive(now, from, data)) == 0 {
                            break;
                        }
                    }
                }
                Err(e) => tracing::debug!(error = %e, "media socket not readable"),
            },
            () = tokio::time::sleep_until(next.into()) => {}
        }
    }
    tracing::info!(peers = sfu.peer_count(), "media loop stopped");
}
