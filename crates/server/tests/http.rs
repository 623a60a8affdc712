//! The HTTP side: health, the join page, security headers, origins, the `token` subcommand,
//! the demo, and shutdown.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::process::Command;
use std::time::Duration;

use common::*;
use podium_protocol::{CloseReason, Role, StageMode};

#[tokio::test]
async fn healthz_answers_ok() {
    let server = Server::start();
    let (status, _, body) = http_get(&server, "/healthz").await;
    assert_eq!(status, 200);
    assert_eq!(body, "ok");
}

#[tokio::test]
async fn the_join_page_carries_the_security_headers() {
    let server = Server::start_with(
        StageMode::Request,
        "serve",
        &[
            "--allowed-origins",
            "https://moodle.example, https://other.example",
        ],
    );
    let (status, headers, body) = http_get(&server, "/join").await;
    assert_eq!(status, 200);
    assert!(body.contains("Podium"));
    assert_eq!(header(&headers, "x-content-type-options"), Some("nosniff"));
    assert_eq!(header(&headers, "referrer-policy"), Some("no-referrer"));
    assert_eq!(
        header(&headers, "content-security-policy"),
        Some("frame-ancestors 'self' https://moodle.example https://other.example")
    );
}

#[tokio::test]
async fn the_join_page_serves_the_built_client_when_there_is_one() {
    let dir = std::env::temp_dir().join(unique("podium-static"));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("index.html"),
        "<!doctype html><title>the client</title>",
    )
    .unwrap();
    std::fs::write(dir.join("app.js"), "console.log(1)").unwrap();
    let server = Server::start_with(
        StageMode::Request,
        "serve",
        &["--static-dir", dir.to_str().unwrap()],
    );
    let (status, _, body) = http_get(&server, "/join").await;
    assert_eq!(status, 200);
    assert!(body.contains("the client"));
    let (status, headers, body) = http_get(&server, "/app.js").await;
    assert_eq!(status, 200);
    assert_eq!(body, "console.log(1)");
    assert_eq!(header(&headers, "x-content-type-options"), Some("nosniff"));
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn the_client_files_go_out_gzipped_to_browsers_that_take_it() {
    let dir = std::env::temp_dir().join(unique("podium-static"));
    std::fs::create_dir_all(&dir).unwrap();
    let script = "console.log('the client');\n".repeat(200);
    std::fs::write(dir.join("app.js"), &script).unwrap();
    // What the build leaves beside its largest files: served as it is, never compressed again.
    let gz = b"\x1f\x8b pretend this is the gzip of app.wasm";
    std::fs::write(dir.join("app.wasm"), vec![0u8; 4096]).unwrap();
    std::fs::write(dir.join("app.wasm.gz"), gz).unwrap();
    let server = Server::start_with(
        StageMode::Request,
        "serve",
        &["--static-dir", dir.to_str().unwrap()],
    );
    let gzip = "Accept-Encoding: gzip\r\n";

    let (status, headers, _) = http_get_with(&server, "/app.wasm", gzip).await;
    assert_eq!(status, 200);
    assert_eq!(header(&headers, "content-encoding"), Some("gzip"));
    assert_eq!(header(&headers, "content-length"), Some("39"));
    // Without a .gz beside it, compressed on the way out.
    let (status, headers, _) = http_get_with(&server, "/app.js", gzip).await;
    assert_eq!(status, 200);
    assert_eq!(header(&headers, "content-encoding"), Some("gzip"));
    // A browser that does not say it takes gzip gets the files as they are.
    let (_, headers, body) = http_get(&server, "/app.js").await;
    assert_eq!(header(&headers, "content-encoding"), None);
    assert_eq!(body, script);
    let (_, headers, _) = http_get(&server, "/app.wasm").await;
    assert_eq!(header(&headers, "content-length"), Some("4096"));
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn a_websocket_from_a_foreign_origin_is_refused() {
    let server = Server::start_with(
        StageMode::Request,
        "serve",
        &["--allowed-origins", "https://moodle.example"],
    );
    assert!(Client::open_from(&server, "https://evil.example")
        .await
        .is_err());
    assert!(Client::open_from(&server, "https://moodle.example")
        .await
        .is_ok());
    let own = format!("http://{}", server.addr);
    assert!(Client::open_from(&server, &own).await.is_ok());
}

#[test]
fn the_token_subcommand_prints_a_token_the_server_accepts() {
    let token = token_command(&[
        "--room",
        "demo",
        "--role",
        "moderator",
        "--name",
        "Ada Lovelace",
        "--sub",
        "7",
        "--ttl",
        "120",
        "--stage-mode",
        "open",
    ]);
    let key = jsonwebtoken::DecodingKey::from_secret(SECRET.as_bytes());
    let claims = podium_server::auth::verify_token(&key, &token, now(), 600).unwrap();
    assert_eq!(claims.role, Role::Moderator);
    assert_eq!(claims.sub, "7");
    assert_eq!(claims.name, "Ada Lovelace");
    assert_eq!(claims.room, "demo");
    assert_eq!(claims.exp - claims.iat, 120);
    assert_eq!(claims.stage_mode, Some(StageMode::Open));
}

#[test]
fn the_token_subcommand_refuses_an_unknown_role() {
    let out = Command::new(env!("CARGO_BIN_EXE_podium-server"))
        .args([
            "token", "--room", "demo", "--role", "admin", "--name", "X", "--secret", "s",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
}

#[tokio::test]
async fn the_demo_front_page_links_enter_with_fresh_tokens() {
    let server = Server::start_with(StageMode::Request, "demo", &[]);
    let (status, _, body) = http_get(&server, "/").await;
    assert_eq!(status, 200);
    for role in ["moderator", "presenter", "attendee"] {
        assert!(body.contains(&format!("/demo/enter?role={role}")), "{body}");
    }
    assert!(body.to_lowercase().contains("development only"));

    let mut tokens = Vec::new();
    for _ in 0..2 {
        let (status, headers, _) = http_get(&server, "/demo/enter?role=attendee&name=Alex").await;
        assert_eq!(status, 303);
        let location = header(&headers, "location").unwrap();
        let token = location.strip_prefix("/join#token=").unwrap().to_string();
        let key = jsonwebtoken::DecodingKey::from_secret(SECRET.as_bytes());
        let claims = podium_server::auth::verify_token(&key, &token, now(), 600).unwrap();
        assert_eq!(claims.role, Role::Attendee);
        assert_eq!(claims.name, "Alex");
        tokens.push(token);
    }
    assert_ne!(tokens[0], tokens[1], "a fresh single-use token each time");
}

#[tokio::test]
async fn the_demo_routes_exist_only_in_demo_mode() {
    let server = Server::start();
    let (status, _, _) = http_get(&server, "/demo/enter?role=moderator").await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn on_shutdown_every_session_is_told_and_the_server_exits() {
    let mut server = Server::start();
    let mut waiting = Client::open(&server).await;
    waiting.send(podium_protocol::ClientMsg::Ping).await;
    waiting
        .error(podium_protocol::ErrorCode::HelloRequired)
        .await;
    server.terminate();
    waiting.closing(CloseReason::ServerShutdown).await;
    let status = server
        .wait_exit(Duration::from_secs(10))
        .expect("the server exits");
    assert!(status.success());
}

#[tokio::test]
async fn on_shutdown_people_in_the_room_are_told_to_reconnect() {
    let mut server = Server::start();
    let mut mona = server.enter(Role::Moderator, "Mona").await;
    server.terminate();
    mona.closing(CloseReason::ServerShutdown).await;
    assert!(server.wait_exit(Duration::from_secs(10)).is_some());
}
