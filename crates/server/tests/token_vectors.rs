//! The shared token vectors (`tests/vectors/tokens.json` at the top of the repository), which the
//! PHP plugin checks too: every valid token is accepted once, every refused one with its code.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use podium_protocol::{Claims, ErrorCode};
use podium_server::auth::Auth;
use podium_server::config::Secret;
use podium_server::store::SqliteStore;
use serde_json::Value;

fn vectors() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/vectors/tokens.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn auth(v: &Value) -> Auth {
    let store = Arc::new(SqliteStore::open_in_memory().unwrap());
    Auth::new(&Secret::new(v["secret"].as_str().unwrap()), 600, store)
}

#[test]
fn every_valid_vector_is_accepted_once_and_decodes_to_its_claims() {
    let v = vectors();
    let now = v["now"].as_u64().unwrap();
    let auth = auth(&v);
    let valid = v["valid"].as_array().unwrap();
    assert!(!valid.is_empty());
    for case in valid {
        let why = case["why"].as_str().unwrap();
        let token = case["token"].as_str().unwrap();
        let expected: Claims = serde_json::from_value(case["claims"].clone()).unwrap();
        assert_eq!(auth.accept_token(token, now), Ok(expected), "{why}");
        assert_eq!(
            auth.accept_token(token, now),
            Err(ErrorCode::TokenReused),
            "{why}: a second time"
        );
    }
}

#[test]
fn every_refused_vector_is_refused_with_its_code() {
    let v = vectors();
    let now = v["now"].as_u64().unwrap();
    let auth = auth(&v);
    let refused = v["refused"].as_array().unwrap();
    assert!(!refused.is_empty());
    for case in refused {
        let why = case["why"].as_str().unwrap();
        let code: ErrorCode = serde_json::from_value(case["code"].clone()).unwrap();
        let token = case["token"].as_str().unwrap();
        assert_eq!(auth.accept_token(token, now), Err(code), "{why}");
    }
}
