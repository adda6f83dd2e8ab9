//! `canhbao serve`: the whole job from a browser page, for an officer who
//! never opened a terminal. The page calls the same library functions as the
//! CLI ([`crate::load`], [`crate::Project::document`], [`crate::build`],
//! [`crate::init::init`]); this module only carries requests to them.
//!
//! A local web server is reachable by every program on the computer and by
//! every web page open in the browser, so each request must prove it comes
//! from the page we opened:
//! - the socket is bound to 127.0.0.1 only (nothing on the network sees it);
//! - the `Host` header must be `127.0.0.1:<port>` or `localhost:<port>`, so a
//!   hostile domain re-pointed at 127.0.0.1 (DNS rebinding) is refused;
//! - a random token, made at start and carried by the address we open, is
//!   required on every request (then kept in a `SameSite=Strict` cookie), so
//!   another local user or another site cannot drive the server;
//! - requests that change something must come with our own `Origin`;
//! - no request names a path: the campaign folder is fixed at start, files
//!   written have names chosen here (an uploaded table keeps its own base
//!   name only when it is a plain file name), and downloads are read only
//!   inside `out/` through [`crate::campaign::inside`];
//! - a request body must arrive within [`BODY_TIMEOUT`];
//! - uploads are capped at [`MAX_UPLOAD`] and parsed by the CLI's loader in a
//!   staging file before anything is replaced.

mod api;
mod download;
mod form;
mod report;
mod run;
mod table; // issue 27: the page's fourth step

use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

/// Largest upload accepted (a village table of a few thousand rows is < 1 MB).
pub const MAX_UPLOAD: usize = 20 << 20;

/// Longest time a request body may take to arrive: 20 MB over the loopback
/// takes well under a second, so a body still trickling in after this is a
/// program holding a connection open, not the page.
pub const BODY_TIMEOUT: Duration = Duration::from_secs(15);

/// The server's shared state.
pub struct Shared {
    /// Canonical campaign folder: every file read or written is inside it.
    root: PathBuf,
    /// The secret carried by the opened address.
    token: String,
    /// The port we listen on, for the `Host` and `Origin` checks.
    port: u16,
    /// The loaded campaign, kept while its files do not change.
    loaded: Mutex<Option<(String, Arc<api::Loaded>)>>,
    /// The contact sheet, kept while the files and the layout do not change.
    sheet: Mutex<Option<(String, Arc<api::Sheet>)>>,
    /// The running or last build.
    build: Arc<Mutex<run::BuildStatus>>,
    /// Serialises writes to the campaign folder (saves, uploads, init).
    writing: tokio::sync::Mutex<()>,
    /// [`BODY_TIMEOUT`], shorter in tests.
    body_timeout: Duration,
}

/// A fresh random token (128 bits, hex).
pub fn new_token() -> Result<String, String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| format!("không tạo được mã bí mật ({e})"))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// The application: every route behind the guard. `root` must exist.
pub fn app(root: &Path, token: &str, port: u16) -> Result<Router, String> {
    app_timed(root, token, port, BODY_TIMEOUT)
}

/// [`app`] with another limit on the time a request body may take.
pub fn app_timed(
    root: &Path,
    token: &str,
    port: u16,
    body_timeout: Duration,
) -> Result<Router, String> {
    let root = root.canonicalize().map_err(|e| {
        format!("không mở được thư mục `{}` ({})", root.display(), crate::diag::io_error(&e))
    })?;
    let shared = Arc::new(Shared {
        root,
        token: token.to_string(),
        port,
        loaded: Mutex::new(None),
        sheet: Mutex::new(None),
        build: Arc::new(Mutex::new(run::BuildStatus::default())),
        writing: tokio::sync::Mutex::new(()),
        body_timeout,
    });
    let router = Router::new()
        .route("/", get(api::index))
        .route("/app.js", get(api::script))
        .route("/app.css", get(api::style))
        .route("/font/{name}", get(api::font))
        .route("/api/state", get(api::state))
        .route("/api/version", get(api::version))
        .route("/api/init", post(api::init))
        .route("/api/campaign", post(api::save_campaign))
        .route("/api/villages", post(table::upload_villages))
        .route("/api/cell", post(table::edit_cell))
        .route("/api/preview", get(api::preview))
        .route("/api/sheet", get(api::sheet))
        .route("/api/build", get(run::build_status).post(run::start_build))
        .route("/download/{kind}", get(download::download))
        .route("/file/{*path}", get(download::file))
        .merge(report::routes()) // issue 27
        .layer(DefaultBodyLimit::max(MAX_UPLOAD))
        .layer(axum::middleware::from_fn_with_state(shared.clone(), guard))
        .with_state(shared);
    Ok(router)
}

/// Options of `canhbao serve`.
#[derive(Debug, Clone)]
pub struct Options {
    /// The campaign folder (created when missing, filled by the Start form).
    pub dir: PathBuf,
    /// Port on 127.0.0.1 (0: any free port).
    pub port: u16,
    /// Open the default browser on the address.
    pub open: bool,
}

/// Runs the server until `stop` is set (Ctrl+C). Once it listens, `ready`
/// is told the folder, the address to open and whether the browser was
/// opened on it (the library prints nothing: the command line says them).
pub fn run(
    opts: &Options,
    ready: &dyn Fn(&Path, &str, bool),
    stop: Arc<AtomicBool>,
) -> Result<(), String> {
    std::fs::create_dir_all(&opts.dir).map_err(|e| {
        format!("không tạo được thư mục `{}` ({})", opts.dir.display(), crate::diag::io_error(&e))
    })?;
    // Same pool as `build`: Typst recurses deeply, rayon's 2 MiB stacks are too small.
    let _ = rayon::ThreadPoolBuilder::new().stack_size(crate::batch::WORKER_STACK).build_global();
    // Two workers: requests are few; rendering runs on rayon and blocking threads.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_io()
        .enable_time()
        .build()
        .map_err(|e| format!("không khởi động được máy chủ ({})", crate::diag::io_error(&e)))?;
    runtime.block_on(async {
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, opts.port));
        let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| {
            format!(
                "không mở được cổng {} trên 127.0.0.1 ({}); thử --port khác",
                opts.port,
                crate::diag::io_error(&e)
            )
        })?;
        let port = listener.local_addr().map_err(|e| crate::diag::io_error(&e))?.port();
        let token = new_token()?;
        let app = app(&opts.dir, &token, port)?;
        let url = format!("http://127.0.0.1:{port}/?t={token}");
        let opened = opts.open && opener::open_browser(&url).is_ok();
        ready(&opts.dir, &url, opened);
        // Ctrl+C: no new request is taken, those in flight finish.
        let stopped = async move {
            while !stop.load(Ordering::Relaxed) {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        };
        axum::serve(listener, app)
            .with_graceful_shutdown(stopped)
            .await
            .map_err(|e| format!("máy chủ dừng ({})", crate::diag::io_error(&e)))
    })
}

/// Checks `Host`, the token and `Origin` before any handler runs, and adds
/// the headers that keep the page from being framed, sniffed or leaking its
/// address.
async fn guard(State(s): State<Arc<Shared>>, req: Request, next: Next) -> Response {
    let host = req.headers().get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("");
    if host != format!("127.0.0.1:{}", s.port) && host != format!("localhost:{}", s.port) {
        return refuse("địa chỉ máy chủ không đúng (chỉ nhận 127.0.0.1)");
    }
    let cookie_name = format!("canhbao-{}", s.port);
    let in_query = req
        .uri()
        .query()
        .into_iter()
        .flat_map(|q| q.split('&'))
        .filter_map(|kv| kv.strip_prefix("t="))
        .any(|t| same(t, &s.token));
    let in_cookie = req
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|h| h.to_str().ok())
        .flat_map(|h| h.split(';'))
        .filter_map(|kv| kv.trim().strip_prefix(&cookie_name)?.strip_prefix('='))
        .any(|t| same(t, &s.token));
    if !in_query && !in_cookie {
        return refuse(
            "thiếu mã bí mật: hãy mở đúng địa chỉ mà canhbao in ra trong cửa sổ lệnh (có đoạn ?t=…)",
        );
    }
    if !matches!(*req.method(), Method::GET | Method::HEAD) {
        // Exactly one Origin, ours: a second one must not hide behind the first.
        let mut origins = req.headers().get_all(header::ORIGIN).iter().map(|h| h.to_str().ok());
        let ours = format!("http://{host}");
        if origins.next() != Some(Some(ours.as_str())) || origins.next().is_some() {
            return refuse("yêu cầu không đến từ trang canhbao");
        }
    }
    // The whole body first, within a time limit: a client trickling bytes
    // must not hold a connection (and the write lock) open.
    let (parts, body) = req.into_parts();
    let bytes =
        match tokio::time::timeout(s.body_timeout, axum::body::to_bytes(body, MAX_UPLOAD)).await {
            Ok(Ok(bytes)) => bytes,
            Ok(Err(_)) => return plain_refusal(StatusCode::PAYLOAD_TOO_LARGE),
            Err(_) => return plain_refusal(StatusCode::REQUEST_TIMEOUT),
        };
    let req = Request::from_parts(parts, axum::body::Body::from(bytes));
    let mut res = next.run(req).await;
    if res.status().is_client_error() && !is_json(&res) {
        // axum's own refusals (body too large, malformed JSON, unknown
        // path) speak English in plain text: the page shows ours instead.
        res = plain_refusal(res.status());
    }
    let h = res.headers_mut();
    if in_query {
        let cookie = format!("{cookie_name}={}; Path=/; HttpOnly; SameSite=Strict", s.token);
        if let Ok(v) = HeaderValue::from_str(&cookie) {
            h.append(header::SET_COOKIE, v);
        }
    }
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data: blob:; frame-ancestors 'none'; form-action 'self'",
        ),
    );
    h.entry(header::CACHE_CONTROL).or_insert(HeaderValue::from_static("no-store"));
    res
}

fn is_json(res: &Response) -> bool {
    res.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"))
}

/// A refusal by the HTTP layer, in the page's words.
fn plain_refusal(status: StatusCode) -> Response {
    let why = match status {
        StatusCode::PAYLOAD_TOO_LARGE => {
            format!("tệp quá lớn: tối đa {} MB", MAX_UPLOAD >> 20)
        }
        StatusCode::NOT_FOUND => "không có trang này".to_string(),
        StatusCode::REQUEST_TIMEOUT => format!(
            "tệp gửi lên quá chậm: quá {} giây mà chưa nhận xong; thử gửi lại",
            BODY_TIMEOUT.as_secs()
        ),
        _ => "yêu cầu không hợp lệ: dữ liệu gửi lên sai dạng".to_string(),
    };
    (status, axum::Json(serde_json::json!({ "error": why }))).into_response()
}

/// Compares two secrets in time independent of where they differ.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A 403 with a sentence for the person who sees it.
fn refuse(why: &str) -> Response {
    (StatusCode::FORBIDDEN, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], why.to_string())
        .into_response()
}
