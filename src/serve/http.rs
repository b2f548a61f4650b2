//! The preview server (axum): the built files under the site's base path,
//! the live-reload channel (Server-Sent Events) and the error overlay.
//!
//! HTML responses get one `<script src="/__gongkai/live.js">` before
//! `</head>`: the files on disk are exactly what `build` writes.

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Serialize;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, RwLock};
use tokio::sync::{broadcast, watch};

use tokio_stream::StreamExt;
use tokio_stream::wrappers::{BroadcastStream, WatchStream};

/// What the browser is told.
#[derive(Clone, Debug, Serialize, PartialEq)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum LiveEvent {
    /// Pages changed (URL paths, decoded); `all` after recovering from errors.
    Reload { paths: Vec<String>, all: bool },
    /// Only stylesheets changed: swap them without a reload.
    Css,
    /// The last rebuild found errors: show them over the page.
    Errors {
        findings: Vec<String>,
        summary: String,
    },
    /// No errors (sent to a page that connects while all is well).
    Ok,
}

impl LiveEvent {
    fn name(&self) -> &'static str {
        match self {
            LiveEvent::Reload { .. } => "reload",
            LiveEvent::Css => "css",
            LiveEvent::Errors { .. } => "errors",
            LiveEvent::Ok => "ok",
        }
    }
}

/// Shared by the handlers and the rebuild loop.
pub struct ServeState {
    /// The folder served (absolute).
    pub root: PathBuf,
    /// Where the site lives: `/` or `/xxgk/`.
    pub base: String,
    pub events: broadcast::Sender<LiveEvent>,
    /// The errors shown to a page that connects now (`Ok` when none).
    pub current: RwLock<LiveEvent>,
    pub shutdown: watch::Receiver<bool>,
}

const CLIENT_JS: &str = include_str!("client.js");
const CLIENT_CSS: &str = include_str!("client.css");
const SCRIPT_TAG: &str = "<script src=\"/__gongkai/live.js\" defer></script>";

pub fn router(state: Arc<ServeState>) -> Router {
    Router::new()
        .route(
            "/__gongkai/live.js",
            get(|| async { asset(CLIENT_JS, "text/javascript; charset=utf-8") }),
        )
        .route(
            "/__gongkai/live.css",
            get(|| async { asset(CLIENT_CSS, "text/css; charset=utf-8") }),
        )
        .route("/__gongkai/events", get(events))
        .fallback(get(file))
        .with_state(state)
}

fn asset(body: &'static str, content_type: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

async fn events(State(state): State<Arc<ServeState>>) -> impl IntoResponse {
    let now = state
        .current
        .read()
        .map(|c| c.clone())
        .unwrap_or(LiveEvent::Ok);
    // The stream ends when the server shuts down, so that Ctrl-C stops it promptly.
    let stop = WatchStream::new(state.shutdown.clone())
        .filter(|s| *s)
        .map(|_| None);
    let updates = BroadcastStream::new(state.events.subscribe()).filter_map(|e| e.ok().map(Some));
    let stream = tokio_stream::once(Some(now))
        .chain(updates)
        .merge(stop)
        .take_while(Option::is_some)
        .filter_map(|e| e)
        .map(|e| {
            Ok::<_, std::convert::Infallible>(
                Event::default()
                    .event(e.name())
                    .json_data(&e)
                    .unwrap_or_default(),
            )
        });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

async fn file(State(state): State<Arc<ServeState>>, uri: Uri) -> Response {
    let raw = uri.path();
    if raw == "/" && state.base != "/" {
        return redirect(&state.base);
    }
    let Some(rel) = raw
        .strip_prefix(state.base.as_str())
        .or_else(|| (raw.to_string() + "/" == state.base).then_some(""))
    else {
        return not_found(&state).await;
    };
    let Some(path) = safe_path(&state.root, rel) else {
        return not_found(&state).await;
    };
    let path = if path.is_dir() {
        if !raw.ends_with('/') {
            // Relative links in the page need the trailing slash.
            return redirect(&format!("{raw}/"));
        }
        path.join("index.html")
    } else {
        path
    };
    match read_inside(&state.root, &path).await {
        Some(bytes) => respond(StatusCode::OK, &path, bytes),
        None => not_found(&state).await,
    }
}

/// The URL path (percent-encoded, below the base) as a path inside `root`,
/// or `None` for anything that could leave it.
pub fn safe_path(root: &Path, rel: &str) -> Option<PathBuf> {
    let decoded = percent_encoding::percent_decode_str(rel)
        .decode_utf8()
        .ok()?;
    if decoded.contains(['\0', '\\']) {
        return None;
    }
    let mut out = root.to_path_buf();
    for segment in decoded.split('/') {
        match segment {
            "" | "." => {}
            ".." => return None,
            s => {
                let p = Path::new(s);
                if p.components().count() != 1
                    || !matches!(p.components().next(), Some(Component::Normal(_)))
                {
                    return None;
                }
                out.push(s);
            }
        }
    }
    Some(out)
}

/// Reads a file only when its real path (symlinks resolved) is inside `root`.
async fn read_inside(root: &Path, path: &Path) -> Option<Vec<u8>> {
    let real = tokio::fs::canonicalize(path).await.ok()?;
    let root = tokio::fs::canonicalize(root).await.ok()?;
    if !real.starts_with(&root) || !real.is_file() {
        return None;
    }
    tokio::fs::read(&real).await.ok()
}

async fn not_found(state: &ServeState) -> Response {
    let page = state.root.join("404.html");
    match read_inside(&state.root, &page).await {
        Some(bytes) => respond(StatusCode::NOT_FOUND, &page, bytes),
        None => (StatusCode::NOT_FOUND, "404").into_response(),
    }
}

fn redirect(to: &str) -> Response {
    let mut r = StatusCode::MOVED_PERMANENTLY.into_response();
    if let Ok(v) =
        HeaderValue::from_str(&percent_encoding::utf8_percent_encode(to, PATH_SET).to_string())
    {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}

/// Characters to encode in a Location header (non-ASCII is encoded by the set's definition).
const PATH_SET: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'<')
    .add(b'>')
    .add(b'`')
    .add(b'#')
    .add(b'?')
    .add(b'{')
    .add(b'}');

fn respond(status: StatusCode, path: &Path, bytes: Vec<u8>) -> Response {
    let content_type = content_type(path);
    let body = if content_type.starts_with("text/html") {
        inject(bytes)
    } else {
        bytes
    };
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, content_type)
        .header(header::CACHE_CONTROL, "no-store")
        .header(header::X_CONTENT_TYPE_OPTIONS, "nosniff")
        .body(Body::from(body))
        .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

/// Adds the live-reload client to an HTML page.
pub fn inject(html: Vec<u8>) -> Vec<u8> {
    let Some(at) = find(&html, b"</head>") else {
        let mut out = html;
        out.extend_from_slice(SCRIPT_TAG.as_bytes());
        return out;
    };
    let mut out = Vec::with_capacity(html.len() + SCRIPT_TAG.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(SCRIPT_TAG.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

pub fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "csv" => "text/csv; charset=utf-8",
        "svg" => "image/svg+xml",
        "xml" => "application/xml",
        "txt" => "text/plain; charset=utf-8",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "pdf" => "application/pdf",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "wasm" => "application/wasm",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_every_way_out_of_the_root() {
        let root = Path::new("/srv/site");
        assert_eq!(
            safe_path(root, "西工区司法局/2021/"),
            Some(root.join("西工区司法局/2021"))
        );
        assert_eq!(
            safe_path(root, "%E8%A5%BF/index.html"),
            Some(root.join("西/index.html"))
        );
        for bad in [
            "../etc/passwd",
            "a/../../x",
            "%2e%2e/x",
            "%2E%2E%2Fx",
            "a/%2e%2e/%2e%2e/x",
            "..%5c..%5cx",
            "a%00b",
            "%ff%fe",
        ] {
            assert_eq!(safe_path(root, bad), None, "{bad}");
        }
        // An absolute path after the base stays inside the root.
        assert_eq!(
            safe_path(root, "/etc/passwd"),
            Some(root.join("etc/passwd"))
        );
    }

    #[test]
    fn injects_the_client_before_the_head_ends() {
        let out = String::from_utf8(inject(
            b"<html><head><title>x</title></head><body></body></html>".to_vec(),
        ))
        .unwrap();
        assert_eq!(
            out,
            format!("<html><head><title>x</title>{SCRIPT_TAG}</head><body></body></html>")
        );
    }

    #[test]
    fn knows_the_types_of_what_a_portal_serves() {
        for (name, t) in [
            ("a.html", "text/html; charset=utf-8"),
            ("a.json", "application/json"),
            ("a.csv", "text/csv; charset=utf-8"),
            ("a.svg", "image/svg+xml"),
            ("a.css", "text/css; charset=utf-8"),
        ] {
            assert_eq!(content_type(Path::new(name)), t);
        }
    }
}
