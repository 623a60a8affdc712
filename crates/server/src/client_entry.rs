//! `GET /client/podium.js`: the client under a name that never changes, for pages on other
//! sites (the Moodle activity page) to load as an ES module exporting `mount(element)`.
//!
//! The built client's files carry content hashes (Trunk names them), so this small module is
//! written from the build's `index.html`: it adds the stylesheet to the page, loads the hashed
//! script, starts the WebAssembly and hands `mount` on. It and the client's files may be read
//! from the allowed origins (CORS), which module scripts and WebAssembly need.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::http::origin_listed;
use crate::state::AppState;

/// Where the stable entry is served.
pub const ENTRY_PATH: &str = "/client/podium.js";

/// The hashed files of one build, as `index.html` names them (paths from the server's root).
#[derive(Debug, PartialEq, Eq)]
pub struct Build {
    pub script: String,
    pub wasm: String,
    pub stylesheet: Option<String>,
}

/// Find the script, WebAssembly and stylesheet a Trunk `index.html` loads.
pub fn read_build(index: &str) -> Option<Build> {
    let script = quoted_after(index, "from '")?;
    let wasm = quoted_after(index, "module_or_path: '")?;
    let stylesheet = index
        .split('<')
        .filter(|tag| tag.starts_with("link") && tag.contains("stylesheet"))
        .find_map(|tag| attribute(tag, "href"));
    let safe = |p: &str| {
        p.starts_with('/')
            && p.chars()
                .all(|c| c.is_ascii_alphanumeric() || "/._-".contains(c))
    };
    (safe(&script) && safe(&wasm) && stylesheet.as_deref().is_none_or(safe)).then_some(Build {
        script,
        wasm,
        stylesheet,
    })
}

fn quoted_after(text: &str, marker: &str) -> Option<String> {
    let start = text.find(marker)? + marker.len();
    let len = text[start..].find('\'')?;
    Some(text[start..start + len].to_string())
}

/// An attribute's value in one tag, quoted or not (Trunk's minified HTML drops quotes).
fn attribute(tag: &str, name: &str) -> Option<String> {
    let start = tag.find(&format!("{name}="))? + name.len() + 1;
    let rest = &tag[start..];
    let value = match rest.chars().next()? {
        q @ ('"' | '\'') => rest[1..].split(q).next()?,
        _ => rest.split([' ', '>']).next()?,
    };
    Some(value.to_string())
}

/// The entry module for one build.
pub fn entry_module(build: &Build) -> String {
    let stylesheet = build.stylesheet.as_deref().map_or(String::new(), |css| {
        format!(
            "if (!document.querySelector('link[data-podium-stylesheet]')) {{\n  \
             const link = document.createElement('link');\n  \
             link.rel = 'stylesheet';\n  \
             link.href = new URL('{css}', import.meta.url).href;\n  \
             link.dataset.podiumStylesheet = '';\n  \
             document.head.append(link);\n}}\n"
        )
    });
    format!(
        "// Podium client: mount(element) mounts a room into the element (see the server's docs).\n\
         {stylesheet}\
         const client = await import(new URL('{script}', import.meta.url).href);\n\
         await client.default({{ module_or_path: new URL('{wasm}', import.meta.url) }});\n\
         export function mount(element) {{\n  return client.mount(element);\n}}\n",
        script = build.script,
        wasm = build.wasm,
    )
}

/// `GET /client/podium.js`.
pub async fn entry(State(state): State<Arc<AppState>>) -> Response {
    let index = match &state.config.static_dir {
        Some(dir) => tokio::fs::read_to_string(dir.join("index.html")).await.ok(),
        None => None,
    };
    let Some(build) = index.as_deref().and_then(read_build) else {
        return (
            StatusCode::NOT_FOUND,
            [(header::CACHE_CONTROL, "no-store")],
            "The Podium client is not built on this server.",
        )
            .into_response();
    };
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            // Short: a new build must reach pages soon; the hashed files it names cache well.
            (header::CACHE_CONTROL, "public, max-age=60"),
        ],
        entry_module(&build),
    )
        .into_response()
}

/// Lets the allowed origins read the client's files: `Access-Control-Allow-Origin` names the
/// request's origin when it is on the list (`*` allows every origin).
pub async fn cors(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let origin = request
        .headers()
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .map(|o| o.trim_end_matches('/').to_string());
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.append(header::VARY, HeaderValue::from_static("Origin"));
    if let Some(origin) = origin.filter(|o| origin_listed(o, &state.origins)) {
        if let Ok(value) = HeaderValue::from_str(&origin) {
            headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, value);
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    const INDEX: &str = "<!doctype html><html lang=en><link href=/podium-e2cb.css integrity=sha384-x rel=stylesheet><script type=module>import init, * as bindings from '/podium-client-9455.js';\nconst wasm = await init({ module_or_path: '/podium-client-9455_bg.wasm' });</script><link crossorigin href=/podium-client-9455.js rel=modulepreload></html>";

    #[test]
    fn the_build_is_read_from_trunks_index() {
        assert_eq!(
            read_build(INDEX),
            Some(Build {
                script: "/podium-client-9455.js".into(),
                wasm: "/podium-client-9455_bg.wasm".into(),
                stylesheet: Some("/podium-e2cb.css".into()),
            })
        );
        assert_eq!(read_build("<html></html>"), None);
        let hostile = INDEX.replace("/podium-client-9455.js", "/x.js\\u0027);alert(1);//");
        assert_eq!(read_build(&hostile), None);
    }

    #[test]
    fn the_entry_loads_the_hashed_files_and_exports_mount() {
        let build = read_build(INDEX);
        let module = build.as_ref().map(entry_module).unwrap_or_default();
        assert!(module.contains("import(new URL('/podium-client-9455.js', import.meta.url)"));
        assert!(module.contains("new URL('/podium-client-9455_bg.wasm', import.meta.url)"));
        assert!(module.contains("'/podium-e2cb.css'"));
        assert!(module.contains("export function mount(element)"));
    }
}
