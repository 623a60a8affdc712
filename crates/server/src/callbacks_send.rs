//! Delivering attendance [`Report`]s to the Moodle site: batched, signed with the shared
//! secret, retried with backoff. The room hands reports over without waiting; when the site
//! stays unreachable the oldest batch is given up after [`MAX_ATTEMPTS`] and the loss is logged.

use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use tokio::sync::mpsc;

use crate::auth::Auth;
use crate::callbacks::Report;
use crate::callbacks_http::post;
use crate::clock::now_secs;

/// Reports waiting to be sent before new ones are dropped (and logged).
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

/// A room's handle on its delivery task. Dropping it lets the task finish what is queued.
pub struct Reporter {
    tx: mpsc::Sender<Report>,
    room: String,
}

impl Reporter {
    /// Start delivering `room`'s reports to `url`.
    pub fn spawn(url: String, room: String, auth: Arc<Auth>) -> Reporter {
        let (tx, rx) = mpsc::channel(QUEUE);
        tokio::spawn(deliver(url, room.clone(), auth, rx));
        Reporter { tx, room }
    }

    /// Queue a report; never waits.
    pub fn report(&self, report: Report) {
        if self.tx.try_send(report).is_err() {
            tracing::warn!(room = %self.room, "attendance queue full: a report was dropped");
        }
    }
}

async fn deliver(url: String, room: String, auth: Arc<Auth>, mut rx: mpsc::Receiver<Report>) {
    let mut batch = Vec::with_capacity(BATCH);
    while rx.recv_many(&mut batch, BATCH).await > 0 {
        let body = match serde_json::to_vec(&Batch {
            room: &room,
            reports: &batch,
        }) {
            Ok(body) => body,
            Err(e) => {
                tracing::error!(error = %e, "could not serialize attendance reports");
                batch.clear();
                continue;
            }
        };
        send_with_retries(&url, &room, &auth, body, batch.len()).await;
        batch.clear();
    }
}

async fn send_with_retries(url: &str, room: &str, auth: &Auth, body: Vec<u8>, count: usize) {
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
                return;
            }
        };
        let headers = [(TIMESTAMP_HEADER, timestamp), (SIGNATURE_HEADER, signature)];
        let outcome = tokio::time::timeout(CALL_TIMEOUT, post(url, &headers, body.clone())).await;
        match outcome {
            Ok(Ok(status)) if (200..300).contains(&status) => {
                tracing::debug!(room, count, attempt, "attendance delivered");
                return;
            }
            // The site refuses these reports for good (a wrong secret, say): retrying will not help.
            Ok(Ok(status)) if (400..500).contains(&status) && status != 408 && status != 429 => {
                tracing::warn!(room, count, status, "the site refused attendance reports");
                return;
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
        "attendance reports given up after {MAX_ATTEMPTS} tries"
    );
}
