//! Abuse answered with an error while the room keeps serving everyone else: budgets shared by an
//! identity's sockets, reconnect loops, hellos per address, the participant cap, and a cap on
//! every field. Each test runs the real server binary.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::{Duration, Instant};

use common::*;
use podium_protocol::{
    Auth, ClientMsg, CloseReason, ErrorCode, Event, Role, ServerMsg, StageMode,
    MAX_CANDIDATE_BYTES, MAX_CHAT_BYTES, MAX_IDENTITY_BYTES, MAX_LINK_ID_BYTES,
    MAX_NAME_INPUT_BYTES, MAX_POLL_OPTIONS, MAX_SDP_BYTES, MAX_TOKEN_BYTES,
};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

fn chat(text: &str) -> ClientMsg {
    ClientMsg::Chat { text: text.into() }
}

fn is_rate_limited(m: &ServerMsg) -> bool {
    matches!(
        m,
        ServerMsg::Error {
            code: ErrorCode::RateLimited,
            ..
        }
    )
}

/// Send pings and count how many were answered and how many refused as `rate_limited`.
async fn ping_burst(c: &mut Client, n: usize) -> (usize, usize) {
    for _ in 0..n {
        c.send(ClientMsg::Ping).await;
    }
    let (mut pongs, mut limited) = (0, 0);
    while pongs + limited < n {
        let m = c
            .expect("pong or rate_limited", |m| {
                matches!(m, ServerMsg::Pong) || is_rate_limited(m)
            })
            .await;
        if matches!(m, ServerMsg::Pong) {
            pongs += 1;
        } else {
            limited += 1;
        }
    }
    (pongs, limited)
}

/// Say hello with a resume credential: the welcome's new credential, or the error.
async fn try_resume(server: &Server, credential: &str) -> (Client, Result<String, ErrorCode>) {
    try_resume_at(&server.ws_url(), credential).await
}

async fn try_resume_at(url: &str, credential: &str) -> (Client, Result<String, ErrorCode>) {
    let mut c = Client::open_request(url.into_client_request().unwrap()).await;
    c.send(hello(Auth::Resume {
        credential: credential.into(),
    }))
    .await;
    let m = c
        .expect("welcome or error", |m| {
            matches!(m, ServerMsg::Welcome { .. } | ServerMsg::Error { .. })
        })
        .await;
    let outcome = match m {
        ServerMsg::Welcome { resume, .. } => Ok(resume),
        ServerMsg::Error { code, .. } => Err(code),
        _ => unreachable!(),
    };
    (c, outcome)
}

#[tokio::test]
async fn a_new_socket_of_the_same_identity_gets_no_fresh_budget() {
    let server = Server::start();
    let mut ada = server.enter(Role::Attendee, "Ada").await;
    let mut bob = server.enter(Role::Attendee, "Bob").await;
    let (_, limited) = ping_burst(&mut ada, 40).await;
    assert!(limited > 0, "one socket has its burst");

    // The same person on a new socket (a second window, or a reconnect): the budget is spent.
    let (mut again, outcome) = try_resume(&server, ada.resume.as_deref().unwrap()).await;
    assert!(outcome.is_ok(), "entering is not a message: {outcome:?}");
    let (pongs, limited) = ping_burst(&mut again, 10).await;
    assert!(
        limited >= 5,
        "a fresh socket would have answered all 10; the identity's budget answered {pongs}"
    );

    // Someone else's budget is their own.
    let (pongs, limited) = ping_burst(&mut bob, 10).await;
    assert_eq!((pongs, limited), (10, 0));
}

#[tokio::test]
async fn a_flooding_abuser_does_not_hold_up_anyone_else() {
    let server = Server::start();
    let mut mona = server.enter(Role::Moderator, "Mona").await;
    let mut bob = server.enter(Role::Attendee, "Bob").await;
    let abuser = server.enter(Role::Attendee, "Mallory").await;
    let mallory = abuser.id();
    let mut credential = abuser.resume.clone().unwrap();
    drop(abuser);

    // Mona watches the chat as it arrives.
    let watch = tokio::spawn(async move {
        let mut bobs = Vec::new();
        let mut from_mallory = 0usize;
        while bobs.len() < 20 {
            let event = mona
                .event("chat", |e| matches!(e, Event::Chat { .. }))
                .await;
            let Event::Chat { message } = event else {
                unreachable!()
            };
            if message.from == mallory {
                from_mallory += 1;
            } else {
                bobs.push((message.text, Instant::now()));
            }
        }
        (mona, bobs, from_mallory)
    });

    // Mallory reconnects in a loop, on fresh sockets, flooding chat from each one.
    let started = Instant::now();
    let flood = {
        let url = server.ws_url();
        tokio::spawn(async move {
            let mut sockets = Vec::new();
            let mut refused_entries = 0;
            while started.elapsed() < Duration::from_secs(3) {
                let (mut c, outcome) = try_resume_at(&url, &credential).await;
                match outcome {
                    Ok(next) => credential = next,
                    Err(code) => {
                        assert_eq!(code, ErrorCode::RateLimited);
                        refused_entries += 1;
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                }
                for i in 0..100 {
                    if !c
                        .try_send_text(format!(r#"{{"type":"chat","text":"spam {i}"}}"#))
                        .await
                    {
                        break;
                    }
                }
                sockets.push(c);
            }
            refused_entries
        })
    };

    // Meanwhile Bob chats at a normal pace; Mona must see every message promptly and in order.
    let mut sent_at = Vec::new();
    for i in 0..20 {
        sent_at.push(Instant::now());
        bob.send(chat(&format!("bob {i}"))).await;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (mut mona, bobs, mut from_mallory) = watch.await.unwrap();
    for (i, (text, at)) in bobs.iter().enumerate() {
        assert_eq!(text, &format!("bob {i}"), "in order");
        let delay = at.duration_since(sent_at[i]);
        assert!(delay < Duration::from_secs(1), "bob {i} took {delay:?}");
    }
    let refused_entries = flood.await.unwrap();
    // Whatever Mallory's chats Mona saw fit in one identity's budget: a burst of 30, then 10 a
    // second (plus slack for timing), however many sockets carried them.
    let elapsed = started.elapsed().as_secs_f64();
    mona.quiet("more chat", Duration::from_millis(300), |_| false)
        .await;
    from_mallory += mona_pending_chats(&mut mona, mallory).await;
    let budget = 30.0 + 10.0 * elapsed + 10.0;
    eprintln!(
        "Mallory: {from_mallory} chats through in {elapsed:.1}s, {refused_entries} entries refused"
    );
    assert!(
        (from_mallory as f64) <= budget,
        "Mallory got {from_mallory} chats through in {elapsed:.1}s (budget {budget:.0})"
    );
    assert!(refused_entries > 0, "the reconnect loop was capped");

    // And the room still answers everyone.
    bob.send(chat("still here")).await;
    mona.event(
        "bob's chat",
        |e| matches!(e, Event::Chat { message } if message.text == "still here"),
    )
    .await;
}

/// Count (and consume) the chats from `from` already waiting at `c`.
async fn mona_pending_chats(c: &mut Client, from: u64) -> usize {
    let mut n = 0;
    loop {
        let more = tokio::time::timeout(
            Duration::from_millis(200),
            c.expect("a chat", |m| {
                matches!(m, ServerMsg::Event { event: Event::Chat { message }, .. } if message.from == from)
            }),
        );
        // `expect` panics when nothing comes within its own wait; keep ours shorter.
        match more.await {
            Ok(_) => n += 1,
            Err(_) => return n,
        }
    }
}

#[tokio::test]
async fn a_reconnect_loop_is_refused_with_rate_limited() {
    let server = Server::start();
    let ada = server.enter(Role::Attendee, "Ada").await;
    let mut credential = ada.resume.clone().unwrap();
    drop(ada);
    let mut entered = 1;
    let mut refused = None;
    for _ in 0..40 {
        let (mut c, outcome) = try_resume(&server, &credential).await;
        match outcome {
            Ok(next) => {
                credential = next;
                entered += 1;
            }
            Err(code) => {
                refused = Some(code);
                c.closing(CloseReason::Refused).await;
                break;
            }
        }
    }
    assert_eq!(refused, Some(ErrorCode::RateLimited));
    assert!((20..=25).contains(&entered), "entered {entered} times");
}

/// Open a socket whose upgrade request carries `X-Forwarded-For`.
async fn open_forwarded(server: &Server, forwarded_for: &str) -> Client {
    let mut request = server.ws_url().into_client_request().unwrap();
    request
        .headers_mut()
        .insert("X-Forwarded-For", forwarded_for.parse().unwrap());
    Client::open_request(request).await
}

#[tokio::test]
async fn hellos_from_one_address_are_capped() {
    let server = Server::start_with(StageMode::Request, "serve", &["--max-hellos-per-ip", "5"]);
    for _ in 0..5 {
        let mut c = Client::open(&server).await;
        c.send(token_hello("not-a-token".into())).await;
        c.error(ErrorCode::InvalidToken).await;
    }
    // Even a good token is refused now.
    let mut c = Client::open(&server).await;
    c.send(token_hello(mint(&server.claims(Role::Attendee, "Ada"))))
        .await;
    c.error(ErrorCode::RateLimited).await;
    c.closing(CloseReason::Refused).await;
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_forwarded_address_has_its_own_hellos() {
    let server = Server::start_with(
        StageMode::Request,
        "serve",
        &["--max-hellos-per-ip", "2", "--trusted-proxies", "127.0.0.1"],
    );
    for _ in 0..2 {
        let mut c = open_forwarded(&server, "198.51.100.1").await;
        c.send(token_hello("x".into())).await;
        c.error(ErrorCode::InvalidToken).await;
    }
    let mut c = open_forwarded(&server, "198.51.100.1").await;
    c.send(token_hello("x".into())).await;
    c.error(ErrorCode::RateLimited).await;
    // Another client behind the same proxy.
    let mut c = open_forwarded(&server, "203.0.113.9, 198.51.100.2").await;
    c.send(token_hello(mint(&server.claims(Role::Attendee, "Ada"))))
        .await;
    c.welcomed().await;
}

#[tokio::test]
async fn an_untrusted_peer_cannot_dodge_the_cap_with_a_forwarded_header() {
    let server = Server::start_with(StageMode::Request, "serve", &["--max-hellos-per-ip", "2"]);
    for i in 0..2 {
        let mut c = open_forwarded(&server, &format!("198.51.100.{i}")).await;
        c.send(token_hello("x".into())).await;
        c.error(ErrorCode::InvalidToken).await;
    }
    let mut c = open_forwarded(&server, "198.51.100.77").await;
    c.send(token_hello("x".into())).await;
    c.error(ErrorCode::RateLimited).await;
}

#[tokio::test]
async fn the_participant_cap_comes_from_configuration() {
    let server = Server::start_with(
        StageMode::Open,
        "serve",
        &["--max-participants", "3", "--seat-limit", "2"],
    );
    let mona = server.enter(Role::Moderator, "Mona").await;
    assert_eq!(mona.snapshot.as_ref().unwrap().seat_limit, 2);
    let _ada = server.enter(Role::Attendee, "Ada").await;
    let bob = server.enter(Role::Attendee, "Bob").await;

    let mut late = Client::open(&server).await;
    late.send(token_hello(mint(&server.claims(Role::Attendee, "Cy"))))
        .await;
    late.error(ErrorCode::RoomFull).await;
    late.closing(CloseReason::Refused).await;

    // Someone already in (here Bob, in a new window) still gets back in a full room.
    let mut again = Client::resume(&server, bob.resume.as_deref().unwrap()).await;
    again.roundtrip().await;
}

#[tokio::test]
async fn over_long_fields_are_refused_with_a_clear_error() {
    let server = Server::start();
    let mut mona = server.enter(Role::Moderator, "Mona").await;
    let mut ada = server.enter(Role::Attendee, "Ada").await;
    let long = |n: usize| "x".repeat(n + 1);
    let cases = [
        (
            serde_json::json!({"type": "ice_candidate", "candidate": long(MAX_CANDIDATE_BYTES)}),
            ErrorCode::FieldTooLong,
        ),
        (
            serde_json::json!({"type": "media_offer", "sdp": long(MAX_SDP_BYTES)}),
            ErrorCode::FieldTooLong,
        ),
        (
            serde_json::json!({"type": "media_answer", "sdp": long(MAX_SDP_BYTES)}),
            ErrorCode::FieldTooLong,
        ),
        (
            serde_json::json!({"type": "lift_removal", "identity": long(MAX_IDENTITY_BYTES)}),
            ErrorCode::FieldTooLong,
        ),
        (
            serde_json::json!({"type": "revoke_invite_link", "id": long(MAX_LINK_ID_BYTES)}),
            ErrorCode::FieldTooLong,
        ),
        (
            serde_json::json!({"type": "chat", "text": long(MAX_CHAT_BYTES)}),
            ErrorCode::ChatTooLong,
        ),
        (
            serde_json::json!({"type": "answer_poll", "poll": 1, "choices": vec![0; MAX_POLL_OPTIONS + 1]}),
            ErrorCode::InvalidAnswer,
        ),
        (
            serde_json::json!({"type": "create_poll", "question": "Q?", "options": vec!["a"; MAX_POLL_OPTIONS + 1]}),
            ErrorCode::InvalidPoll,
        ),
    ];
    for (msg, code) in cases {
        let kind = msg["type"].as_str().unwrap().to_string();
        mona.send_text(msg.to_string()).await;
        match mona.error(code).await {
            ServerMsg::Error { command, .. } => assert_eq!(command.as_deref(), Some(&*kind)),
            _ => unreachable!(),
        }
    }
    // The room carries on.
    ada.send(chat("hello")).await;
    mona.event(
        "ada's chat",
        |e| matches!(e, Event::Chat { message } if message.text == "hello"),
    )
    .await;

    // Credentials over their caps are refused before they are looked at.
    let mut c = Client::open(&server).await;
    c.send(token_hello(long(MAX_TOKEN_BYTES))).await;
    c.error(ErrorCode::InvalidToken).await;
    c.closing(CloseReason::Refused).await;
    let mut c = Client::open(&server).await;
    c.send(hello(Auth::Invite {
        code: "c".into(),
        name: long(MAX_NAME_INPUT_BYTES),
        guest: None,
    }))
    .await;
    c.error(ErrorCode::FieldTooLong).await;
    c.closing(CloseReason::Refused).await;
    let mut c = Client::open(&server).await;
    c.send(hello(Auth::Resume {
        credential: long(200),
    }))
    .await;
    c.error(ErrorCode::ResumeInvalid).await;
}

/// A tiny deterministic generator, so a failure can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// A frame that is nearly a message: a real one cut, spliced, or with a value swapped.
fn garbage(rng: &mut Rng) -> String {
    const SEEDS: [&str; 8] = [
        r#"{"type":"chat","text":"hi"}"#,
        r#"{"type":"create_poll","question":"Q?","options":["a","b"],"correct":[0]}"#,
        r#"{"type":"answer_poll","poll":1,"choices":[0]}"#,
        r#"{"type":"media_offer","sdp":"v=0\r\n","tracks":[{"mid":"0","kind":"video"}]}"#,
        r#"{"type":"ice_candidate","candidate":"candidate:1 1 udp 1 1.2.3.4 5 typ host"}"#,
        r#"{"type":"set_media","mic":true,"camera":true}"#,
        r#"{"type":"create_invite_link","role":"presenter","expires_in_secs":600}"#,
        r#"{"type":"lift_removal","identity":"x"}"#,
    ];
    const SWAPS: [&str; 10] = [
        "null",
        "-1",
        "18446744073709551616",
        "1e400",
        "\"\\ud800\"",
        "[[[[[[[[[[]]]]]]]]]]",
        "{}",
        "\"\u{202e}\u{0}<script>\"",
        "true",
        "\"\"",
    ];
    let seed = SEEDS[rng.below(SEEDS.len())];
    match rng.below(4) {
        0 => seed[..rng.below(seed.len())].to_string(),
        1 => {
            let (a, b) = (rng.below(seed.len()), rng.below(seed.len()));
            let (a, b) = (a.min(b), a.max(b));
            format!("{}{}", &seed[..a], &seed[b..])
        }
        2 => {
            let swap = SWAPS[rng.below(SWAPS.len())];
            match seed.rfind(':') {
                Some(i) => format!("{}:{swap}}}", &seed[..i]),
                None => seed.to_string(),
            }
        }
        _ => (0..rng.below(64))
            .map(|_| char::from(b' ' + (rng.below(95)) as u8))
            .collect(),
    }
}

#[tokio::test]
async fn random_frames_never_take_the_server_down() {
    let server = Server::start_in(StageMode::Open);
    let mut mona = server.enter(Role::Moderator, "Mona").await;
    let mut rng = Rng(0x5eed_1234_abcd_ef01);
    let mut sender = server.enter(Role::Moderator, "Fuzz").await;
    let mut credential = sender.resume.clone().unwrap();
    for round in 0..120 {
        let frame = garbage(&mut rng);
        if !sender.try_send_text(frame).await {
            // Closed for abuse (or replaced): come back as the same person and go on.
            let (c, outcome) = try_resume(&server, &credential).await;
            credential = outcome.unwrap_or_else(|e| panic!("round {round}: {e:?}"));
            sender = c;
        }
        if round % 10 == 9 {
            // Stay under the rate limit, so that what is tested is the decoder, not the limiter.
            tokio::time::sleep(Duration::from_millis(1000)).await;
        }
    }
    let (status, _, body) = http_get(&server, "/healthz").await;
    assert_eq!((status, body.as_str()), (200, "ok"));
    let mut late = server.enter(Role::Attendee, "Late").await;
    late.send(chat("after the storm")).await;
    mona.event(
        "the late chat",
        |e| matches!(e, Event::Chat { message } if message.text == "after the storm"),
    )
    .await;
}

#[tokio::test]
async fn connections_waiting_for_a_hello_are_capped_per_address() {
    let server = Server::start_with(StageMode::Request, "serve", &["--max-pending-per-ip", "3"]);
    let mut waiting = Vec::new();
    for _ in 0..3 {
        let mut c = Client::open(&server).await;
        // Answered, so this socket is surely counted before the next one opens.
        c.send(ClientMsg::Ping).await;
        c.error(ErrorCode::HelloRequired).await;
        waiting.push(c);
    }
    let mut fourth = Client::open(&server).await;
    fourth.closing(CloseReason::TooManyConnections).await;

    // Entering frees a place; so does closing a waiting socket.
    let mut first = waiting.remove(0);
    first
        .send(token_hello(mint(&server.claims(Role::Attendee, "Ada"))))
        .await;
    first.welcomed().await;
    drop(waiting.remove(0));
    let mut later = None;
    for _ in 0..50 {
        let mut c = Client::open(&server).await;
        c.send(ClientMsg::Ping).await;
        if let ServerMsg::Error { .. } = c.expect("an answer", |_| true).await {
            later = Some(c);
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let mut later = later.expect("a place freed for a new connection");
    later
        .send(token_hello(mint(&server.claims(Role::Attendee, "Bo"))))
        .await;
    later.welcomed().await;
    // The people inside carry on.
    first.roundtrip().await;
}

#[tokio::test]
async fn a_hello_turned_away_for_entering_too_often_keeps_its_token() {
    let server = Server::start();
    let mut claims = server.claims(Role::Attendee, "Ada");
    let mut entered = 0;
    let refused_token = loop {
        claims.jti = format!("{}-{entered}", claims.jti);
        let token = mint(&claims);
        let mut c = Client::open(&server).await;
        c.send(token_hello(token.clone())).await;
        match c
            .expect("welcome or error", |m| {
                matches!(m, ServerMsg::Welcome { .. } | ServerMsg::Error { .. })
            })
            .await
        {
            ServerMsg::Welcome { .. } => entered += 1,
            ServerMsg::Error { code, .. } => {
                assert_eq!(code, ErrorCode::RateLimited);
                break token;
            }
            _ => unreachable!(),
        }
        assert!(entered <= 25, "never rate limited");
    };
    // The entry budget refills (one entry every 3 s); the same token then enters.
    tokio::time::sleep(Duration::from_millis(3_300)).await;
    let mut c = Client::open(&server).await;
    c.send(token_hello(refused_token)).await;
    c.welcomed().await;
}

#[tokio::test]
async fn a_replayed_token_costs_its_owner_no_entries() {
    let server = Server::start();
    let mut claims = server.claims(Role::Attendee, "Ada");
    let token = mint(&claims);
    let mut ada = Client::open(&server).await;
    ada.send(token_hello(token.clone())).await;
    ada.welcomed().await;
    // Someone who captured Ada's token tries it again and again: more often than her entry
    // budget (20) allows.
    for _ in 0..30 {
        let mut thief = Client::open(&server).await;
        thief.send(token_hello(token.clone())).await;
        thief.error(ErrorCode::TokenReused).await;
    }
    // Ada's next token (the same person, a new token id) still lets her in.
    claims.jti = format!("{}-next", claims.jti);
    let mut again = Client::open(&server).await;
    again.send(token_hello(mint(&claims))).await;
    again.welcomed().await;
}

#[tokio::test]
async fn a_token_whose_issuer_has_a_colon_is_refused() {
    // The identity is `iss:sub`: `a:b` + `c` and `a` + `b:c` must not be the same person.
    let server = Server::start();
    let mut claims = server.claims(Role::Attendee, "Ada");
    claims.iss = "https://site.example".into();
    let mut c = Client::open(&server).await;
    c.send(token_hello(mint(&claims))).await;
    c.error(ErrorCode::InvalidToken).await;
}
