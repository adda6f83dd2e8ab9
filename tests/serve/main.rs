//! `canhbao serve`, tested in process at the HTTP level (every route, and
//! every refusal), plus a real-browser test in `browser.rs`.

mod browser;
mod http;
mod start;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use tower::ServiceExt;

pub const TOKEN: &str = "00112233445566778899aabbccddeeff";
pub const PORT: u16 = 4999;
pub const HOST: &str = "127.0.0.1:4999";
pub const ORIGIN: &str = "http://127.0.0.1:4999";

/// A copy of an example campaign in a fresh temporary folder.
pub fn example(name: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples").join(name);
    for e in std::fs::read_dir(src).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_file() {
            std::fs::copy(e.path(), tmp.path().join(e.file_name())).unwrap();
        }
    }
    tmp
}

pub fn app(dir: &Path) -> Router {
    canhbao::serve::app(dir, TOKEN, PORT).unwrap()
}

pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap()
}

/// A response, read whole.
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Sends one request with exactly these headers.
pub fn send(
    app: &Router,
    method: &str,
    uri: &str,
    headers: &[(&str, &str)],
    body: Vec<u8>,
) -> Reply {
    let mut req = Request::builder().method(method).uri(uri);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let req = req.body(Body::from(body)).unwrap();
    runtime().block_on(async {
        let res = app.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let body = axum::body::to_bytes(res.into_body(), usize::MAX).await.unwrap().to_vec();
        Reply { status, headers, body }
    })
}

/// The cookie the page carries after opening the address with the token.
pub fn cookie() -> String {
    format!("canhbao-{PORT}={TOKEN}")
}

/// A GET as the page makes it.
pub fn get(app: &Router, uri: &str) -> Reply {
    send(app, "GET", uri, &[("host", HOST), ("cookie", &cookie())], Vec::new())
}

/// A POST as the page makes it.
pub fn post(app: &Router, uri: &str, content_type: &str, body: Vec<u8>) -> Reply {
    let c = cookie();
    let headers = [
        ("host", HOST),
        ("cookie", c.as_str()),
        ("origin", ORIGIN),
        ("content-type", content_type),
    ];
    send(app, "POST", uri, &headers, body)
}

/// Every file under `dir` with its bytes, to prove a request changed nothing.
pub fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            if e.file_type().unwrap().is_dir() {
                stack.push(e.path());
            } else {
                out.insert(e.path(), std::fs::read(e.path()).unwrap());
            }
        }
    }
    out
}

/// The example's village table as an Excel workbook, plus one new village.
pub fn edited_xlsx(src: &Path, extra: [&str; 7]) -> Vec<u8> {
    let text = std::fs::read_to_string(src).unwrap();
    let mut rows: Vec<Vec<String>> = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.split(',').map(String::from).collect())
        .collect();
    rows.push(extra.iter().map(|s| s.to_string()).collect());
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            match cell.parse::<f64>() {
                Ok(n) if r > 0 && c != 3 => sheet.write_number(r as u32, c as u16, n).unwrap(),
                _ => sheet.write_string(r as u32, c as u16, cell).unwrap(),
            };
        }
    }
    book.save_to_buffer().unwrap()
}
