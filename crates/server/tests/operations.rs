//! Operating the server: `/metrics`, `/readyz`, logs that carry room and participant ids but
//! never a credential, and pages that never reflect their input. Each test runs the real binary.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::Duration;

use common::*;
use podium_protocol::{
    Auth, ClientMsg, ErrorCode, Event, InviteLinkView, Role, ServerMsg, StageMode,
};

/// The value of one sample line (`name` with its labels, as written) in a metrics page.
fn sample(page: &str, name: &str) -> f64 {
    page.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or_else(|| panic!("no sample {name} in:\n{page}"))
}

#[tokio::test]
async fn metrics_count_what_happened_in_the_prometheus_format() {
    let server = Server::start();
    let mut mona = server.enter(Role::Moderator, "Mona").await;
    let mut ada = server.enter(Role::Attendee, "Ada").await;
    mona.event("Ada in the list", |e| matches!(e, Event::People { .. }))
        .await;
    ada.send(ClientMsg::Chat { text: "hi".into() }).await;
    mona.event("chat", |e| matches!(e, Event::Chat { .. }))
        .await;
    ada.send(ClientMsg::LowerAllHands).await;
    ada.error(ErrorCode::NotModerator).await;

    let (status, headers, page) = http_get(&server, "/metrics").await;
    assert_eq!(status, 200);
    assert!(header(&headers, "content-type")
        .unwrap()
        .starts_with("text/plain; version=0.0.4"));
    assert!(page.contains("# TYPE podium_errors_total counter"));
    assert_eq!(sample(&page, "podium_rooms_open"), 1.0);
    assert_eq!(sample(&page, "podium_participants"), 2.0);
    assert_eq!(sample(&page, "podium_connections"), 2.0);
    assert!(sample(&page, "podium_messages_in_total") >= 4.0);
    assert!(sample(&page, "podium_messages_out_total") >= 4.0);
    assert!(sample(&page, "podium_events_published_total") >= 2.0);
    assert_eq!(
        sample(&page, "podium_errors_total{code=\"not_moderator\"}"),
        1.0
    );
    assert_eq!(
        sample(&page, "podium_errors_total{code=\"rate_limited\"}"),
        0.0
    );
    assert!(sample(&page, "podium_store_append_seconds_count") >= 3.0);
    assert_eq!(
        sample(&page, "podium_store_append_seconds_bucket{le=\"+Inf\"}"),
        sample(&page, "podium_store_append_seconds_count")
    );
    assert_eq!(sample(&page, "podium_media_forwarded_total"), 0.0);
    // Every sample belongs to a declared family.
    for line in page.lines().filter(|l| !l.starts_with('#')) {
        let name = line.split(['{', ' ']).next().unwrap();
        let family = name
            .trim_end_matches("_bucket")
            .trim_end_matches("_sum")
            .trim_end_matches("_count");
        assert!(
            page.contains(&format!("# TYPE {family} ")),
            "undeclared: {line}"
        );
    }

    // Leaving is counted too.
    ada.leave().await;
    mona.updated("ada dropped", 2, |p| !p.connected).await;
    let (_, _, page) = http_get(&server, "/metrics").await;
    assert_eq!(sample(&page, "podium_connections"), 1.0);
}

#[tokio::test]
async fn readyz_checks_the_store_and_the_media_loop() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("podium.db");
    let server = Server::start_with(
        StageMode::Request,
        "serve",
        &["--data", db.to_str().unwrap()],
    );
    let (status, _, body) = http_get(&server, "/readyz").await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("store: ok"), "{body}");
    assert!(body.contains("media: ok"), "{body}");
    let (status, _, body) = http_get(&server, "/healthz").await;
    assert_eq!((status, body.as_str()), (200, "ok"));
}

#[tokio::test]
async fn no_token_credential_or_invitation_code_is_ever_logged() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("server.log");
    let mut server = Server::start_logging(StageMode::Request, &[], "trace", &log);

    let mona_claims = server.claims(Role::Moderator, "Mona");
    let mona_token = mint(&mona_claims);
    let mut mona = Client::open(&server).await;
    mona.send(token_hello(mona_token.clone())).await;
    mona.welcomed().await;
    let first_credential = mona.resume.clone().unwrap();

    // An invitation link, and a guest who enters with it.
    mona.send(ClientMsg::CreateInviteLink {
        role: Role::Presenter,
        expires_in_secs: 600,
    })
    .await;
    let links = match mona
        .event(
            "the links",
            |e| matches!(e, Event::InviteLinks { links } if !links.is_empty()),
        )
        .await
    {
        Event::InviteLinks { links } => links,
        _ => unreachable!(),
    };
    let InviteLinkView { code, .. } = links[0].clone();
    let mut guest = Client::open(&server).await;
    guest
        .send(hello(Auth::Invite {
            code: code.clone(),
            name: "Grace".into(),
            guest: None,
        }))
        .await;
    guest.welcomed().await;
    let guest_credential = guest.resume.clone().unwrap();

    // Mona comes back with her credential (getting a new one); her token is refused as reused.
    let again = Client::resume(&server, &first_credential).await;
    let second_credential = again.resume.clone().unwrap();
    let mut reused = Client::open(&server).await;
    reused.send(token_hello(mona_token.clone())).await;
    reused.error(ErrorCode::TokenReused).await;
    // Refused credentials are not logged either.
    let bad_token = format!("{}tampered", &mona_token[..mona_token.len() - 8]);
    let mut bad = Client::open(&server).await;
    bad.send(token_hello(bad_token.clone())).await;
    bad.error(ErrorCode::InvalidToken).await;
    let bad_credential = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA-nope";
    let mut bad = Client::open(&server).await;
    bad.send(hello(Auth::Resume {
        credential: bad_credential.into(),
    }))
    .await;
    bad.error(ErrorCode::ResumeInvalid).await;
    guest
        .send(ClientMsg::Chat {
            text: "hello".into(),
        })
        .await;
    guest.roundtrip().await;
    server.terminate();
    server.wait_exit(Duration::from_secs(10));

    let text = std::fs::read_to_string(&log).unwrap();
    assert!(
        text.lines().count() > 20,
        "the trace log is written:\n{text}"
    );
    // Each secret, and the signature of each token-like one (the part that makes it usable).
    let mut secrets = vec![
        mona_token.clone(),
        signature(&mona_token),
        code.clone(),
        signature(&code),
        bad_token.clone(),
        first_credential,
        second_credential,
        guest_credential,
        bad_credential.to_string(),
        SECRET.to_string(),
    ];
    // Also as bytes in hex, the way a transport might dump a frame.
    let hex: Vec<String> = secrets
        .iter()
        .map(|s| s.bytes().take(24).map(|b| format!("{b:02x}")).collect())
        .collect();
    secrets.extend(hex);
    for secret in &secrets {
        assert!(
            !text.contains(secret.as_str()),
            "the log holds a secret ({secret}):\n{}",
            text.lines()
                .filter(|l| l.contains(secret.as_str()))
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
    // The log says which room and which participant a line is about.
    assert!(
        text.lines()
            .any(|l| l.contains("room=") && l.contains("participant=")),
        "no line names a room and a participant:\n{text}"
    );
}

/// A JWT's signature (its last part).
fn signature(token: &str) -> String {
    token.rsplit('.').next().unwrap().to_string()
}

const XSS: &str = "<script>alert(1)</script><img src=x onerror=alert(2)>\"'&";

fn encoded(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[tokio::test]
async fn the_pages_never_reflect_what_they_are_given() {
    let server = Server::start_with(StageMode::Request, "demo", &[]);
    let q = encoded(XSS);
    for path in [
        format!("/?name={q}&title={q}"),
        format!("/join?name={q}&token={q}"),
        format!("/demo/enter?role={q}&name={q}"),
        format!("/{q}"),
        format!("/healthz?{q}"),
        format!("/readyz?{q}"),
        format!("/metrics?{q}"),
    ] {
        let (_, headers, body) = http_get(&server, &path).await;
        for needle in ["<script>", "onerror", "alert("] {
            assert!(!body.contains(needle), "{path} reflected {needle}: {body}");
            for (name, value) in &headers {
                assert!(
                    !value.contains(needle),
                    "{path} reflected into {name}: {value}"
                );
            }
        }
    }

    // The demo's name goes into the token, never into a page or a header.
    let crlf = encoded("Ada\r\nSet-Cookie: evil=1");
    for name in [q.clone(), crlf] {
        let (status, headers, body) =
            http_get(&server, &format!("/demo/enter?role=attendee&name={name}")).await;
        assert_eq!(status, 303);
        assert!(header(&headers, "set-cookie").is_none());
        let location = header(&headers, "location").unwrap();
        let token = location.strip_prefix("/join#token=").unwrap();
        assert!(
            token
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)),
            "{location}"
        );
        assert!(!body.contains("<script>"));
        // And the room shows it as the text it is: the client renders names as text.
        let mut c = Client::open(&server).await;
        c.send(token_hello(token.to_string())).await;
        let snapshot = c.welcomed().await;
        assert!(snapshot.you.name.starts_with("<script>") || snapshot.you.name.starts_with("Ada"));
        let _ = ServerMsg::Pong;
    }
}
