//! `canhbao serve`: time from saving a change in the page to the new preview.
//!
//! `cargo bench --bench serve [-- N]` copies examples/tien-trang (31 villages),
//! serves it on a free 127.0.0.1 port exactly as `canhbao serve` does, and
//! then N times (default 15), as a client over real HTTP: saves the form
//! with a new duty phone (POST /api/campaign, as the page does) and asks for
//! the A5 leaflet preview of one village (GET /api/preview: every page, PNG
//! at 80 dpi) — and, apart, the contact sheet of all 31 villages (GET
//! /api/sheet). Each figure is the wall time from the start of the save to
//! the last byte of the image. The phone is checked in the preview's words,
//! so a stale image cannot pass. Plain `std::time`, no harness: the numbers
//! go into bench/RESULTS.md.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::Instant;

/// CPU time of this process (client and server together) in ms, from
/// /proc/self/stat (Linux, 100 ticks a second). On a shared machine the
/// wall time depends on the other processes; the CPU time does not.
fn cpu_ms() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat.rsplit_once(')').map_or("", |x| x.1).split_whitespace().collect();
    let tick = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok()).unwrap_or(0.0);
    (tick(11) + tick(12)) * 10.0
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

/// The server, on its own runtime thread; returns the port and the token.
fn serve(dir: &Path) -> (u16, String) {
    let (tx, rx) = std::sync::mpsc::channel();
    let dir = dir.to_path_buf();
    std::thread::spawn(move || {
        // The same runtime as `canhbao serve`: two workers.
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let port = listener.local_addr().unwrap().port();
            let token = canhbao::serve::new_token().unwrap();
            let app = canhbao::serve::app(&dir, &token, port).unwrap();
            tx.send((port, token)).unwrap();
            axum::serve(listener, app).await.unwrap();
        });
    });
    rx.recv().unwrap()
}

/// One HTTP/1.1 request on a fresh connection, as the browser's `fetch`
/// makes it; returns the body once the server closed it.
fn request(port: u16, token: &str, method: &str, path: &str, body: &[u8]) -> Vec<u8> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nCookie: canhbao-{port}={token}\r\n\
         Origin: http://127.0.0.1:{port}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .unwrap();
    s.write_all(body).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let at = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("an HTTP answer") + 4;
    let head = String::from_utf8_lossy(&raw[..at]);
    assert!(head.starts_with("HTTP/1.1 200"), "{method} {path}: {head}");
    assert!(!head.to_ascii_lowercase().contains("transfer-encoding: chunked"), "{head}");
    raw.split_off(at)
}

fn main() {
    let rounds: usize = std::env::args().skip(1).find_map(|a| a.parse().ok()).unwrap_or(15);
    let _ = rayon::ThreadPoolBuilder::new().stack_size(canhbao::batch::WORKER_STACK).build_global();
    let tmp = tempfile::tempdir().unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/tien-trang");
    for e in std::fs::read_dir(src).unwrap().flatten() {
        // The campaign's files, not an `out/` left by a build.
        if e.file_type().unwrap().is_file() {
            std::fs::copy(e.path(), tmp.path().join(e.file_name())).unwrap();
        }
    }
    let (port, token) = serve(tmp.path());
    let call = |method: &str, path: &str, body: &[u8]| request(port, &token, method, path, body);
    let state: serde_json::Value = serde_json::from_slice(&call("GET", "/api/state", b"")).unwrap();
    let mut form = state["form"].clone();
    let villages = state["villages"].as_array().unwrap().len();
    assert_eq!(villages, 31);
    // Warm-up: the first preview loads fonts and layouts once per server.
    call("GET", "/api/preview?layout=leaflet-a5&village=0", b"");
    let (mut preview, mut sheet) = (Vec::new(), Vec::new());
    let (mut preview_cpu, mut sheet_cpu) = (0.0, 0.0);
    for i in 0..rounds {
        let phone = format!("0237 3868 {:03}", 100 + i);
        form["contacts"][0]["phone"] = phone.clone().into();
        let (t, c) = (Instant::now(), cpu_ms());
        call("POST", "/api/campaign", form.to_string().as_bytes());
        let path = format!("/api/preview?layout=leaflet-a5&village={}", i % villages);
        let p = call("GET", &path, b"");
        preview.push(t.elapsed().as_secs_f64() * 1e3);
        preview_cpu += cpu_ms() - c;
        let p: serde_json::Value = serde_json::from_slice(&p).unwrap();
        let words: String =
            p["pages"].as_array().unwrap().iter().map(|pg| pg["text"].as_str().unwrap()).collect();
        assert!(words.contains(&phone), "the preview shows the saved phone");
        assert!(p["pages"][1]["png"].as_str().unwrap().starts_with("data:image/png;base64,"));

        form["contacts"][0]["phone"] = format!("0237 3868 {:03}", 500 + i).into();
        let (t, c) = (Instant::now(), cpu_ms());
        call("POST", "/api/campaign", form.to_string().as_bytes());
        let png = call("GET", "/api/sheet?layout=leaflet-a5", b"");
        sheet.push(t.elapsed().as_secs_f64() * 1e3);
        sheet_cpu += cpu_ms() - c;
        assert!(png.starts_with(b"\x89PNG"));
    }
    let show = |name: &str, v: &[f64], cpu: f64, target: f64| {
        let max = v.iter().cloned().fold(0.0, f64::max);
        let min = v.iter().cloned().fold(f64::INFINITY, f64::min);
        let m = median(v.to_vec());
        println!(
            "{name:<40} median {m:>5.0} ms  min {min:>5.0}  max {max:>5.0}  CPU {:>5.0} ms  (target < {target} ms: {})",
            cpu / v.len() as f64,
            if m < target { "met" } else { "NOT met" }
        );
    };
    println!("{rounds} rounds, examples/tien-trang ({villages} villages), real HTTP on 127.0.0.1");
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "load average at the end: {}",
        load.split_whitespace().take(3).collect::<Vec<_>>().join(" ")
    );
    show("save → A5 leaflet preview, one village", &preview, preview_cpu, 300.0);
    show("save → contact sheet, 31 villages", &sheet, sheet_cpu, 2000.0);
}
