//! Delivering attendance [`Report`]s to the Moodle site: kept in the store, batched, signed
//! with the shared secret, retried with backoff, and forgotten once delivered. The room hands
//! reports over without waiting. One task keeps them in the store as they come, another sends
//! them, so a report is on disk within moments of being made however long the site takes to
//! answer; a server stopped or killed sends what it kept when it next starts ([`resend_kept`]).
//! When the site stays unreachable a batch is given up after [`MAX_ATTEMPTS`] and stays kept
//! for the next start.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::auth::Auth;
use crate::callbacks::Report;
use crate::callbacks_http::post;
use crate::clock::now_secs;
use crate::store::Store;

/// Reports waiting in memory to be kept, or kept and waiting to be sent, before more are left
/// for later (and logged).
pub const QUEUE: usize = 10_000;
/// Most reports in one call.
pub const BATCH: usize = 100;
/// Tries per batch: waits of 1, 2, 4 … 256 seconds between them, about 8.5 minutes in all.
pub const MAX_ATTEMPTS: u32 = 10;
const FIRST_WAIT: Duration = Duration::from_secs(1);
/// How long one call may take.
const CALL_TIMEOUT: Duration = Duration::from_secs(15);

/// The header with the Unix time the signature was made at.
pub const TIMESTAMP_HEADER: &str = "x-podium-timestamp";
/// The header with the signature: base64url HMAC-SHA256 of `<timestamp>.<body>`.
pub const SIGNATURE_HEADER: &str = "x-podium-signature";

/// One call's body.
#[derive(Serialize)]
struct Batch<'a> {
    room: &'a str,
    reports: &'a [Report],
}

/// Where one room's reports go, and what keeps and signs them.
struct Courier {
    url: String,
    room: String,
    auth: Arc<Auth>,
    store: Arc<dyn Store>,
}

/// How a batch's calls ended.
enum Outcome {
    Delivered,
    /// The site refused it for good: sending it again will not help.
    Refused,
    GivenUp,
}

/// A room's handle on its delivery. Dropping it lets the tasks finish what is queued.
pub struct Reporter {
    tx: mpsc::Sender<Report>,
    room: String,
    keeper: JoinHandle<()>,
}

impl Reporter {
    /// Start keeping and delivering `room`'s reports to `url`.
    pub fn spawn(url: String, room: String, auth: Arc<Auth>, store: Arc<dyn Store>) -> Reporter {
        let courier = Arc::new(Courier {
            url,
            room: room.clone(),
            auth,
            store,
        });
        let (tx, rx) = mpsc::channel(QUEUE);
        let (to_send, sending) = mpsc::channel(QUEUE);
        tokio::spawn(deliver(courier.clone(), Vec::new(), sending));
        let keeper = tokio::spawn(keep(courier, rx, to_send));
        Reporter { tx, room, keeper }
    }

    /// Queue a report; never waits.
    pub fn report(&self, report: Report) {
        if self.tx.try_send(report).is_err() {
            tracing::warn!(room = %self.room, "attendance queue full: a report was dropped");
        }
    }

    /// Take no more reports; resolves once every report handed over is kept in the store.
    pub async fn finish(self) {
        drop(self.tx);
        let _ = self.keeper.await;
    }
}

/// Send every report the store kept (a stopped or killed server left them undelivered), one
/// task per room and callback, oldest first. Reports that come later go their own way.
pub fn resend_kept(store: &Arc<dyn Store>, auth: &Arc<Auth>) {
    let kept = match store.kept_reports() {
        Ok(kept) => kept,
        Err(e) => {
            tracing::warn!(error = %e, "could not read the kept attendance reports");
            return;
        }
    };
    // Grouped by room and callback, in the order each group first appears.
    let mut rooms: Vec<(String, String, Vec<Report>)> = Vec::new();
    let mut index: HashMap<(String, String), usize> = HashMap::new();
    for k in kept {
        match index.get(&(k.room.clone(), k.url.clone())) {
            Some(&i) => {
                if let Some((_, _, reports)) = rooms.get_mut(i) {
                    reports.push(k.report);
                }
            }
            None => {
                index.insert((k.room.clone(), k.url.clone()), rooms.len());
                rooms.push((k.room, k.url, vec![k.report]));
            }
        }
    }
    for (room, url, reports) in rooms {
        tracing::info!(
            room,
            count = reports.len(),
            "sending kept attendance reports"
        );
        let courier = Arc::new(Courier {
            url,
            room,
            auth: auth.clone(),
            store: store.clone(),
        });
        // No more will come this way: the room, when it opens, has a reporter of its own.
        let (_none, nothing) = mpsc::channel(1);
        tokio::spawn(deliver(courier, reports, nothing));
    }
}

/// Keep each report in the store as it comes, then queue it to be sent.
async fn keep(
    courier: Arc<Courier>,
    mut rx: mpsc::Receiver<Report>,
    to_send: mpsc::Sender<Report>,
) {
    let room = courier.room.as_str();
    let mut batch = Vec::with_capacity(BATCH);
    while rx.recv_many(&mut batch, BATCH).await > 0 {
        let kept = courier.store.keep_reports(room, &courier.url, &batch);
        if let Err(e) = &kept {
            tracing::warn!(room, error = %e, "could not keep attendance reports: they are sent from memory only");
        }
        let mut left = 0usize;
        for report in batch.drain(..) {
            if to_send.try_send(report).is_err() {
                left += 1;
            }
        }
        if left > 0 && kept.is_ok() {
            tracing::warn!(
                room,
                left,
                "attendance queue full: reports wait in the store for the next start"
            );
        } else if left > 0 {
            tracing::warn!(room, left, "attendance queue full: reports were dropped");
        }
    }
}

/// Send `kept` (reports from before), then whatever comes, in batches.
async fn deliver(courier: Arc<Courier>, kept: Vec<Report>, mut rx: mpsc::Receiver<Report>) {
    for batch in kept.chunks(BATCH) {
        courier.send(batch).await;
    }
    let mut batch = Vec::with_capacity(BATCH);
    while rx.recv_many(&mut batch, BATCH).await > 0 {
        courier.send(&batch).await;
        batch.clear();
    }
}

impl Courier {
    /// Send one batch with retries; forget it from the store once it is settled.
    async fn send(&self, batch: &[Report]) {
        let room = self.room.as_str();
        let body = match serde_json::to_vec(&Batch {
            room,
            reports: batch,
        }) {
            Ok(body) => body,
            Err(e) => {
                tracing::error!(error = %e, "could not serialize attendance reports");
                return;
            }
        };
        match send_with_retries(&self.url, room, &self.auth, body, batch.len()).await {
            Outcome::Delivered | Outcome::Refused => {
                let ids: Vec<String> = batch.iter().map(|r| r.id.clone()).collect();
                if let Err(e) = self.store.forget_reports(&ids) {
                    // They go again at the next start; the site records each report once.
                    tracing::warn!(room, error = %e, "could not forget delivered attendance reports");
                }
            }
            Outcome::GivenUp => {}
        }
    }
}

async fn send_with_retries(
    url: &str,
    room: &str,
    auth: &Auth,
    body: Vec<u8>,
    count: usize,
) -> Outcome {
    let mut wait = FIRST_WAIT;
    for attempt in 1..=MAX_ATTEMPTS {
        let timestamp = now_secs().to_string();
        let mut signed = Vec::with_capacity(timestamp.len() + 1 + body.len());
        signed.extend_from_slice(timestamp.as_bytes());
        signed.push(b'.');
        signed.extend_from_slice(&body);
        let signature = match auth.sign_callback(&signed) {
            Ok(s) => s,
            Err(_) => {
                tracing::error!(room, "could not sign attendance reports");
                return Outcome::GivenUp;
            }
        };
        let headers = [(TIMESTAMP_HEADER, timestamp), (SIGNATURE_HEADER, signature)];
        let outcome = tokio::time::timeout(CALL_TIMEOUT, post(url, &headers, body.clone())).await;
        match outcome {
            Ok(Ok(status)) if (200..300).contains(&status) => {
                tracing::debug!(room, count, attempt, "attendance delivered");
                return Outcome::Delivered;
            }
            // The site refuses these reports for good (a wrong secret, say): retrying will not help.
            Ok(Ok(status)) if (400..500).contains(&status) && status != 408 && status != 429 => {
                tracing::warn!(room, count, status, "the site refused attendance reports");
                return Outcome::Refused;
            }
            Ok(Ok(status)) => tracing::info!(room, attempt, status, "attendance call failed"),
            Ok(Err(e)) => tracing::info!(room, attempt, error = %e, "attendance call failed"),
            Err(_) => tracing::info!(room, attempt, "attendance call timed out"),
        }
        if attempt < MAX_ATTEMPTS {
            tokio::time::sleep(wait).await;
            wait = wait.saturating_mul(2);
        }
    }
    tracing::warn!(
        room,
        count,
        "attendance reports given up after {MAX_ATTEMPTS} tries: kept for the next start"
    );
    Outcome::GivenUp
}
