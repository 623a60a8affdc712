//! `GET /client/podium.js`: the stable entry a Moodle page loads the client by, and the CORS
//! that lets the allowed origins (only them) load it and the hashed files it names.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use podium_protocol::StageMode;

const MOODLE: &str = "https://moodle.example.edu";

/// A built client as Trunk lays it out (minified `index.html` naming hashed files).
fn built_client() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let index = "<!doctype html><html lang=en><meta charset=utf-8><link href=/podium-abc123.css integrity=sha384-x rel=stylesheet><script type=module>import init, * as bindings from '/podium-client-abc123.js';\nconst wasm = await init({ module_or_path: '/podium-client-abc123_bg.wasm' });\nwindow.wasmBindings = bindings;</script></head><body><div id=podium></div></body></html>";
    std::fs::write(dir.path().join("index.html"), index).unwrap();
    std::fs::write(
        dir.path().join("podium-client-abc123.js"),
        "export default async function init() {}\nexport function mount() {}\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("podium-client-abc123_bg.wasm"), b"\0asm").unwrap();
    std::fs::write(dir.path().join("podium-abc123.css"), "body{}").unwrap();
    dir
}

#[tokio::test]
async fn the_stable_entry_loads_the_hashed_build_and_exports_mount() {
    let dir = built_client();
    let static_dir = dir.path().to_str().unwrap();
    let server = Server::start_with(
        StageMode::Request,
        "serve",
        &["--static-dir", static_dir, "--allowed-origins", MOODLE],
    );
    let (status, headers, body) = http_get_with(
        &server,
        "/client/podium.js",
        &format!("Origin: {MOODLE}\r\n"),
    )
    .await;
    assert_eq!(status, 200);
    assert!(header(&headers, "content-type")
        .unwrap()
        .starts_with("text/javascript"));
    assert_eq!(
        header(&headers, "access-control-allow-origin"),
        Some(MOODLE)
    );
    assert!(body.contains("import(new URL('/podium-client-abc123.js', import.meta.url)"));
    assert!(body.contains("'/podium-client-abc123_bg.wasm'"));
    assert!(body.contains("'/podium-abc123.css'"));
    assert!(body.contains("export function mount(element)"));

    // The files it names may be read from the Moodle page too (module script and WebAssembly).
    for path in ["/podium-client-abc123.js", "/podium-client-abc123_bg.wasm"] {
        let (status, headers, _) =
            http_get_with(&server, path, &format!("Origin: {MOODLE}\r\n")).await;
        assert_eq!(status, 200, "{path}");
        assert_eq!(
            header(&headers, "access-control-allow-origin"),
            Some(MOODLE),
            "{path}"
        );
    }

    // Another site may not.
    let (status, headers, _) = http_get_with(
        &server,
        "/client/podium.js",
        "Origin: https://evil.example\r\n",
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(header(&headers, "access-control-allow-origin"), None);
    // Nor does the WebSocket take it.
    assert!(Client::open_from(&server, "https://evil.example")
        .await
        .is_err());
    assert!(Client::open_from(&server, MOODLE).await.is_ok());
}

#[tokio::test]
async fn without_a_built_client_the_entry_says_so() {
    let server = Server::start();
    let (status, _, body) = http_get(&server, "/client/podium.js").await;
    assert_eq!(status, 404);
    assert!(body.contains("not built"));
}
