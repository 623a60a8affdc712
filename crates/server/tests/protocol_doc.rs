//! docs/protocol.md stays accurate: every JSON example decodes as the message it shows, and the
//! error and close-reason tables match the protocol crate.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use podium_protocol::{ClientMsg, CloseReason, ErrorCode, Notice, ServerMsg, CLIENT_MESSAGE_TYPES};
use serde_json::Value;

fn doc() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/protocol.md"
    ))
    .unwrap()
}

/// The ```json blocks, and the `{"type": …}` examples inside table cells.
fn examples(doc: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = doc;
    while let Some(start) = rest.find("```json\n") {
        let body = &rest[start + 8..];
        let end = body.find("```").unwrap();
        out.push(body[..end].to_string());
        rest = &body[end..][3..];
    }
    for line in doc.lines().filter(|l| l.starts_with('|')) {
        for cell in line.split('|') {
            let cell = cell.trim();
            if let Some(json) = cell.strip_prefix("`{").and_then(|c| c.strip_suffix("}`")) {
                out.push(format!("{{{json}}}"));
            }
        }
    }
    out
}

fn decodes(value: &Value) -> bool {
    serde_json::from_value::<ClientMsg>(value.clone()).is_ok()
        || serde_json::from_value::<ServerMsg>(value.clone()).is_ok()
        || serde_json::from_value::<Notice>(value.clone()).is_ok()
}

#[test]
fn every_json_example_decodes_as_a_protocol_message() {
    let doc = doc();
    let examples = examples(&doc);
    assert!(
        examples.len() > 40,
        "found only {} examples",
        examples.len()
    );
    let mut checked = 0;
    for text in examples {
        let value: Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"));
        // Sub-shapes shown on their own (a YouView, say) have no tag; the full messages do.
        if value.get("type").is_some() || value.get("kind").is_some() {
            assert!(
                decodes(&value),
                "does not decode as a protocol message: {text}"
            );
            checked += 1;
        }
    }
    assert!(checked > 40);
}

#[test]
fn every_client_message_type_is_documented() {
    let doc = doc();
    for name in CLIENT_MESSAGE_TYPES {
        assert!(doc.contains(&format!("| `{name}` |")), "{name} has no row");
    }
}

#[test]
fn the_error_table_lists_every_code_with_its_message() {
    let doc = doc();
    for code in ErrorCode::ALL {
        let name = serde_json::to_value(code).unwrap();
        let row = format!("| `{}` | {} |", name.as_str().unwrap(), code.message());
        assert!(doc.contains(&row), "missing or different: {row}");
    }
}

#[test]
fn the_close_table_lists_every_reason_with_its_message() {
    let doc = doc();
    for reason in [
        CloseReason::Replaced,
        CloseReason::Removed,
        CloseReason::Abuse,
        CloseReason::ServerShutdown,
        CloseReason::Refused,
    ] {
        let name = serde_json::to_value(reason).unwrap();
        let row = format!("| `{}` | {} |", name.as_str().unwrap(), reason.message());
        assert!(doc.contains(&row), "missing or different: {row}");
    }
}
