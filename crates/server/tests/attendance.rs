//! Attendance callbacks (docs/attendance.md) from the real server binary to a small HTTP
//! receiver on loopback that stands in for the Moodle site: signed calls, every report kind,
//! a refused call tried again with the same reports, and reports kept in the store through a
//! kill -9 and sent by the next start (SQLite and PostgreSQL).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use base64::Engine as _;
use common::database::Database;
use common::*;
use hmac::{Hmac, Mac};
use podium_protocol::{ClientMsg, Event, PollId, Role, StageMode};
use serde_json::Value;
use sha2::Sha256;

/// One call as the receiver saw it.
#[derive(Clone, Debug)]
struct Call {
    timestamp: String,
    signature: String,
    body: Vec<u8>,
    answered: u16,
}

/// The stand-in for the Moodle site's endpoint: it records each call and answers the first
/// `refuse_first` calls, and every call while it is `down`, with 503.
#[derive(Clone, Default)]
struct Receiver {
    calls: Arc<Mutex<Vec<Call>>>,
    refuse_first: usize,
    down: Arc<AtomicBool>,
}

async fn receive(State(rx): State<Receiver>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let get = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    let mut calls = rx.calls.lock().unwrap();
    let status = if calls.len() < rx.refuse_first || rx.down.load(Ordering::SeqCst) {
        StatusCode::SERVICE_UNAVAILABLE
    } else {
        StatusCode::OK
    };
    calls.push(Call {
        timestamp: get("x-podium-timestamp"),
        signature: get("x-podium-signature"),
        body: body.to_vec(),
        answered: status.as_u16(),
    });
    status
}

/// Start the receiver; its callback URL.
async fn start_receiver(rx: Receiver) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = Router::new()
        .route("/mod/podium/callback.php", post(receive))
        .with_state(rx);
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}/mod/podium/callback.php")
}

/// The signature Moodle checks: base64url HMAC-SHA256 of `<timestamp>.<body>` under the secret.
fn expected_signature(timestamp: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(body);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
}

/// Every report of every call answered 200, in order.
fn delivered(rx: &Receiver) -> Vec<Value> {
    let calls = rx.calls.lock().unwrap().clone();
    calls
        .iter()
        .filter(|c| c.answered == 200)
        .flat_map(|c| {
            let body: Value = serde_json::from_slice(&c.body).unwrap();
            body["reports"].as_array().cloned().unwrap_or_default()
        })
        .collect()
}

async fn wait_for(rx: &Receiver, what: &str, done: impl Fn(&[Value]) -> bool) -> Vec<Value> {
    // The first refused call is tried again after one second.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    loop {
        let reports = delivered(rx);
        if done(&reports) {
            return reports;
        }
        if tokio::time::Instant::now() > deadline {
            panic!(
                "expected {what}; delivered: {reports:#?}; calls: {:?}",
                rx.calls.lock().unwrap()
            );
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn find<'a>(reports: &'a [Value], user: &str, kind: &str) -> Option<&'a Value> {
    reports
        .iter()
        .find(|r| r["user"] == user && r["type"] == kind)
}

/// A teacher and a student whose tokens report to `url`; the teacher opens a poll and the
/// student answers it with `choice`. Returns their user ids and connections, and the poll.
async fn a_poll_answered(
    server: &Server,
    url: &str,
    choice: u8,
) -> (String, Client, String, Client, PollId) {
    let mut claims = server.claims(Role::Moderator, "Teacher");
    claims.callback = Some(url.to_string());
    let teacher_id = claims.sub.clone();
    let mut teacher = Client::enter(server, claims).await;
    let mut claims = server.claims(Role::Attendee, "Student");
    claims.callback = Some(url.to_string());
    let student_id = claims.sub.clone();
    let mut student = Client::enter(server, claims).await;
    teacher
        .send(ClientMsg::CreatePoll {
            question: "Ready?".into(),
            options: vec!["Yes".into(), "No".into()],
            multiple: false,
            correct: None,
        })
        .await;
    let poll = match student
        .event("a poll", |e| matches!(e, Event::Poll { .. }))
        .await
    {
        Event::Poll { poll } => poll.id,
        _ => unreachable!(),
    };
    student
        .send(ClientMsg::AnswerPoll {
            poll,
            choices: vec![choice],
        })
        .await;
    (teacher_id, teacher, student_id, student, poll)
}

#[tokio::test]
async fn joins_leaves_stage_time_and_poll_answers_reach_the_site_signed_and_retried() {
    let rx = Receiver {
        refuse_first: 1,
        ..Receiver::default()
    };
    let url = start_receiver(rx.clone()).await;
    let server = Server::start_in(StageMode::Open);

    let (teacher_id, mut teacher, student_id, mut student, poll) =
        a_poll_answered(&server, &url, 0).await;
    student.send(ClientMsg::JoinStage).await;
    let me = student.id();
    student.updated("on stage", me, |p| p.on_stage).await;
    tokio::time::sleep(Duration::from_millis(2_100)).await;
    student.leave().await;

    let reports = wait_for(&rx, "the student's leave", |r| {
        find(r, &student_id, "leave").is_some()
    })
    .await;
    assert!(find(&reports, &teacher_id, "join").is_some());
    assert!(find(&reports, &student_id, "join").is_some());
    let answer = find(&reports, &student_id, "poll_answer").expect("the poll answer");
    assert_eq!(answer["poll"], poll);
    assert_eq!(answer["choices"], serde_json::json!([0]));
    let leave = find(&reports, &student_id, "leave").unwrap();
    let seconds = leave["seconds"].as_u64().unwrap();
    let stage = leave["stage_seconds"].as_u64().unwrap();
    assert!((2..=20).contains(&stage), "stage seconds {stage}");
    assert!(seconds >= stage, "present {seconds} s, on stage {stage} s");
    assert!(
        find(&reports, &teacher_id, "leave").is_none(),
        "the teacher stays"
    );

    // Every report is delivered once, and every call is signed for this body and time.
    let mut ids: Vec<&str> = reports.iter().map(|r| r["id"].as_str().unwrap()).collect();
    let count = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), count, "a report delivered twice: {reports:#?}");
    let calls = rx.calls.lock().unwrap().clone();
    for call in &calls {
        assert_eq!(
            call.signature,
            expected_signature(&call.timestamp, &call.body)
        );
        let at: u64 = call.timestamp.parse().unwrap();
        assert!(at.abs_diff(now()) < 60);
        let body: Value = serde_json::from_slice(&call.body).unwrap();
        assert_eq!(body["room"], ROOM);
    }
    // The refused first call came again with the same reports.
    assert_eq!(calls[0].answered, 503);
    let first: Value = serde_json::from_slice(&calls[0].body).unwrap();
    let first_ids: Vec<&Value> = first["reports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["id"])
        .collect();
    assert!(!first_ids.is_empty());
    for id in first_ids {
        assert!(
            reports.iter().any(|r| &r["id"] == id),
            "{id} was not retried"
        );
    }
    teacher.roundtrip().await;
}

#[tokio::test]
async fn a_room_without_a_callback_calls_nobody_and_a_bad_callback_is_refused() {
    let rx = Receiver::default();
    let url = start_receiver(rx.clone()).await;
    let server = Server::start();
    let teacher = server.enter(Role::Moderator, "Teacher").await;
    teacher.leave().await;

    let mut claims = server.claims(Role::Attendee, "Student");
    claims.callback = Some("ftp://moodle.example/callback".into());
    let mut c = Client::open(&server).await;
    c.send(token_hello(mint(&claims))).await;
    c.error(podium_protocol::ErrorCode::InvalidToken).await;

    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(rx.calls.lock().unwrap().is_empty(), "nobody was called");
    drop(url);
}

/// The shared vector (tests/vectors/callbacks.json) that the plugin's verifier checks too: the
/// server signs it to the same signature, and its reports have the server's own shape.
#[test]
fn the_shared_callback_vector_is_signed_and_shaped_as_the_server_does() {
    use podium_server::callbacks::{Report, What};
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/vectors/callbacks.json"
    );
    let v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let secret = v["secret"].as_str().unwrap();
    let store = std::sync::Arc::new(podium_server::store::SqliteStore::open_in_memory().unwrap());
    let auth =
        podium_server::auth::Auth::new(&podium_server::config::Secret::new(secret), 600, store);
    let signed = format!(
        "{}.{}",
        v["timestamp"].as_str().unwrap(),
        v["body"].as_str().unwrap()
    );
    assert_eq!(
        auth.sign_callback(signed.as_bytes()).unwrap(),
        v["signature"].as_str().unwrap()
    );

    let report = |n: u32, at: u64, what: What| Report {
        id: format!("Qk9wYXJ0aWNpcGFudHMxMjM0-{n}"),
        user: "7".into(),
        at,
        what,
    };
    let ours = serde_json::to_value([
        report(1, 1767225600, What::Join),
        report(
            2,
            1767225700,
            What::PollAnswer {
                poll: 1,
                choices: vec![0, 2],
            },
        ),
        report(
            3,
            1767225900,
            What::Leave {
                seconds: 300,
                stage_seconds: 60,
            },
        ),
    ])
    .unwrap();
    let body: Value = serde_json::from_str(v["body"].as_str().unwrap()).unwrap();
    assert_eq!(body["reports"], ours);
}

/// The reports kept in the store, as the site would receive them, oldest first.
fn kept_reports(db: &Database) -> Vec<Value> {
    db.store()
        .kept_reports()
        .unwrap()
        .iter()
        .map(|k| serde_json::to_value(&k.report).unwrap())
        .collect()
}

#[tokio::test]
async fn reports_the_site_did_not_take_outlive_a_kill_9() {
    reports_outlive_a_kill_9(Database::sqlite()).await;
}

#[tokio::test]
async fn reports_the_site_did_not_take_outlive_a_kill_9_with_postgresql() {
    reports_outlive_a_kill_9(Database::postgres()).await;
}

async fn reports_outlive_a_kill_9(db: Database) {
    // The site is down: every call is answered 503 and the reports wait.
    let rx = Receiver::default();
    rx.down.store(true, Ordering::SeqCst);
    let url = start_receiver(rx.clone()).await;
    let mut server = db.start(StageMode::Open, &[]);

    let (teacher_id, teacher, student_id, mut student, _) = a_poll_answered(&server, &url, 1).await;
    student
        .event("my answer", |e| matches!(e, Event::Answered { .. }))
        .await;
    student.leave().await;

    // Tried and refused, and kept: the two joins, the answer and the leave.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    let kept = loop {
        let kept = kept_reports(&db);
        let refused = rx.calls.lock().unwrap().iter().any(|c| c.answered == 503);
        if kept.len() == 4 && refused {
            break kept;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "expected four kept reports after a refused call: {kept:#?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    server.kill();
    drop(teacher);

    // The site is back, and so is the server, on the same database: it sends what it kept.
    rx.down.store(false, Ordering::SeqCst);
    let _server = db.start(StageMode::Open, &[]);
    let reports = wait_for(&rx, "the kept reports", |r| r.len() >= kept.len()).await;
    // Nothing more comes: each report arrives once, as it was made before the kill.
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    let reports_now = delivered(&rx);
    assert_eq!(reports_now, reports, "a report came twice");
    assert_eq!(reports, kept, "the reports as they were made, oldest first");
    assert!(find(&reports, &teacher_id, "join").is_some());
    assert!(find(&reports, &student_id, "join").is_some());
    assert!(find(&reports, &student_id, "leave").is_some());
    let answer = find(&reports, &student_id, "poll_answer").expect("the poll answer");
    assert_eq!(answer["choices"], serde_json::json!([1]));
    // The ids the refused calls carried are the ids delivered: the site records each once.
    let calls = rx.calls.lock().unwrap().clone();
    for call in calls.iter().filter(|c| c.answered == 503) {
        let body: Value = serde_json::from_slice(&call.body).unwrap();
        for refused in body["reports"].as_array().unwrap() {
            assert!(
                reports.contains(refused),
                "{refused} was not sent again as it was"
            );
        }
    }
    for call in &calls {
        assert_eq!(
            call.signature,
            expected_signature(&call.timestamp, &call.body)
        );
    }
    // Delivered reports are forgotten.
    assert!(
        kept_reports(&db).is_empty(),
        "the store still keeps {:#?}",
        kept_reports(&db)
    );
}
