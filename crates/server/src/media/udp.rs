//! The SFU's one UDP socket, read and written in batches.
//!
//! Sending dominates the SFU's cost: a forwarded video frame is about nine datagrams to each
//! subscriber, and every `sendto` is a trip through the kernel's UDP and IP stack. Datagrams
//! that leave one after the other for the same address with the same size (a frame's packets)
//! go out as one generic segmentation offload (GSO) send: the kernel (or the network card)
//! cuts them apart, so the stack is walked once for the run. Reading uses the matching receive
//! offload (GRO) and `recvmmsg`: one system call can bring many datagrams. Both come from
//! `quinn-udp`, which falls back to one datagram a call where the system lacks them.

use std::io::{self, IoSliceMut};
use std::net::SocketAddr;

use quinn_udp::{RecvMeta, Transmit, UdpSockRef, UdpSocketState};
use tokio::io::Interest;
use tokio::net::UdpSocket;

/// Largest receive: a GRO buffer holds up to 64 datagrams of one sender.
const RECV_BUFFER: usize = 64 * 1024;
/// Buffers filled by one `recvmmsg`.
const RECV_BATCH: usize = 8;
/// Most datagrams in one GSO send (the kernel's limit is 64; a video frame is about 10).
const MAX_SEGMENTS: usize = 32;
/// A datagram larger than this is never batched (the kernel's limit for one GSO send is 64 KiB).
const MAX_SEGMENT_BYTES: usize = 1500;
/// Socket buffers asked for (the system caps them at `net.core.rmem_max`/`wmem_max`). The
/// default (~200 KiB) overflows while the loop forwards a burst to hundreds of subscribers,
/// losing their RTCP and handshakes; much more only turns loss into seconds of delay when the
/// loop cannot keep up. 1 MiB is about 100 ms of what 500 subscribers and a publisher send it.
const SOCKET_BUFFER: usize = 1024 * 1024;

pub struct Udp {
    socket: UdpSocket,
    state: UdpSocketState,
    max_segments: usize,
    /// The run being gathered: its destination, the size of each datagram but maybe the
    /// last, how many, and the bytes back to back.
    run_to: Option<SocketAddr>,
    run_segment: usize,
    run_count: usize,
    /// The last datagram was shorter than the segment size: nothing may follow it in this run.
    run_closed: bool,
    run: Vec<u8>,
    recv_bufs: Vec<Vec<u8>>,
    recv_meta: Vec<RecvMeta>,
}

impl Udp {
    pub fn new(socket: UdpSocket) -> io::Result<Udp> {
        let state = UdpSocketState::new(UdpSockRef::from(&socket))?;
        for (what, set) in [
            (
                "receive",
                state.set_recv_buffer_size(UdpSockRef::from(&socket), SOCKET_BUFFER),
            ),
            (
                "send",
                state.set_send_buffer_size(UdpSockRef::from(&socket), SOCKET_BUFFER),
            ),
        ] {
            if let Err(e) = set {
                tracing::warn!(error = %e, "media socket: {what} buffer left at its default");
            }
        }
        let max_segments = state.max_gso_segments().clamp(1, MAX_SEGMENTS);
        Ok(Udp {
            socket,
            state,
            max_segments,
            run_to: None,
            run_segment: 0,
            run_count: 0,
            run_closed: false,
            run: Vec::with_capacity(MAX_SEGMENTS * MAX_SEGMENT_BYTES),
            recv_bufs: (0..RECV_BATCH).map(|_| vec![0; RECV_BUFFER]).collect(),
            recv_meta: vec![RecvMeta::default(); RECV_BATCH],
        })
    }

    /// Queue a datagram. It goes out with the next [`Udp::flush`] or sooner, as part of a run
    /// to its destination.
    pub fn send(&mut self, destination: SocketAddr, contents: &[u8]) {
        let len = contents.len();
        let joins = self.run_to == Some(destination)
            && !self.run_closed
            && self.run_count < self.max_segments
            && len <= self.run_segment;
        if !joins {
            self.flush();
            if len > MAX_SEGMENT_BYTES || self.max_segments == 1 {
                self.send_one(destination, contents, None);
                return;
            }
            self.run_to = Some(destination);
            self.run_segment = len;
        }
        self.run.extend_from_slice(contents);
        self.run_count += 1;
        self.run_closed = len < self.run_segment;
    }

    /// Send the run gathered so far.
    pub fn flush(&mut self) {
        let Some(destination) = self.run_to.take() else {
            return;
        };
        let segment = (self.run_count > 1).then_some(self.run_segment);
        self.send_one(destination, &self.run, segment);
        self.run.clear();
        self.run_count = 0;
        self.run_closed = false;
    }

    fn send_one(&self, destination: SocketAddr, contents: &[u8], segment_size: Option<usize>) {
        let transmit = Transmit {
            destination,
            ecn: None,
            contents,
            segment_size,
            src_ip: None,
        };
        // Straight to the non-blocking socket: the loop never waits to write, so tokio's
        // readiness is not consulted (after one full buffer it would skip even trying).
        let sent = self
            .state
            .try_send(UdpSockRef::from(&self.socket), &transmit);
        // UDP may drop; a full send buffer drops these packets and the peers recover.
        if let Err(e) = sent {
            tracing::trace!(error = %e, to = %destination, "datagram not sent");
        }
    }

    /// Wait until there is something to read.
    pub async fn readable(&self) -> io::Result<()> {
        self.socket.readable().await
    }

    /// Read what is waiting, without waiting, handing each datagram to `each`. Returns how many
    /// datagrams were read (0 when nothing was waiting).
    pub fn read(&mut self, each: &mut impl FnMut(SocketAddr, &[u8])) -> usize {
        let Udp {
            socket,
            state,
            recv_bufs,
            recv_meta,
            ..
        } = self;
        let mut slices: Vec<IoSliceMut<'_>> =
            recv_bufs.iter_mut().map(|b| IoSliceMut::new(b)).collect();
        let got = socket.try_io(Interest::READABLE, || {
            state.recv(UdpSockRef::from(&*socket), &mut slices, recv_meta)
        });
        let filled = match got {
            Ok(n) => n,
            Err(e) => {
                if e.kind() != io::ErrorKind::WouldBlock {
                    tracing::debug!(error = %e, "media socket read failed");
                }
                return 0;
            }
        };
        let mut datagrams = 0;
        for (meta, buf) in recv_meta.iter().zip(slices.iter()).take(filled) {
            let Some(bytes) = buf.get(..meta.len) else {
                continue;
            };
            let stride = if meta.stride == 0 {
                meta.len.max(1)
            } else {
                meta.stride
            };
            for datagram in bytes.chunks(stride) {
                each(meta.addr, datagram);
                datagrams += 1;
            }
        }
        datagrams
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use std::time::Duration;

    use super::*;

    /// What is sent, in order: (to the first or the second receiver, size, fill byte). Runs to
    /// one address of one size are batched; a shorter datagram ends a run.
    const SENT: [(usize, usize, u8); 8] = [
        (0, 1200, 1),
        (0, 1200, 2),
        (0, 1200, 3),
        (0, 700, 4),
        (0, 1200, 5),
        (1, 1200, 6),
        (0, 80, 7),
        (0, 80, 8),
    ];

    fn expected(to: usize) -> Vec<Vec<u8>> {
        SENT.iter()
            .filter(|(t, _, _)| *t == to)
            .map(|(_, len, fill)| vec![*fill; *len])
            .collect()
    }

    async fn send_all(to: [SocketAddr; 2]) {
        let mut udp = Udp::new(UdpSocket::bind("127.0.0.1:0").await.unwrap()).unwrap();
        for (t, len, fill) in SENT {
            udp.send(to[t], &vec![fill; len]);
        }
        udp.flush();
    }

    #[tokio::test]
    async fn batched_datagrams_arrive_as_the_datagrams_sent() {
        // A plain socket: the kernel cuts each batch apart.
        let plain = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        plain
            .set_read_timeout(Some(Duration::from_secs(2)))
            .unwrap();
        // Another batching socket: it may get a batch whole, and must cut it itself.
        let mut batching = Udp::new(UdpSocket::bind("127.0.0.1:0").await.unwrap()).unwrap();
        let to = [
            plain.local_addr().unwrap(),
            batching.socket.local_addr().unwrap(),
        ];
        send_all(to).await;

        let mut got = Vec::new();
        let mut buf = [0u8; 2048];
        for _ in 0..expected(0).len() {
            let (n, _) = plain.recv_from(&mut buf).expect("a datagram");
            got.push(buf[..n].to_vec());
        }
        assert_eq!(got, expected(0));

        // The same runs again, all to the batching socket.
        send_all([to[1], to[1]]).await;
        let mut got = Vec::new();
        let all: Vec<Vec<u8>> = SENT
            .iter()
            .map(|(_, len, fill)| vec![*fill; *len])
            .collect();
        // The first send's datagram for this socket, then all of the second.
        let wanted: Vec<Vec<u8>> = expected(1).into_iter().chain(all).collect();
        while got.len() < wanted.len() {
            tokio::time::timeout(Duration::from_secs(2), batching.readable())
                .await
                .expect("more datagrams")
                .unwrap();
            batching.read(&mut |_, d| got.push(d.to_vec()));
        }
        assert_eq!(got, wanted);
    }
}
