//! `canhbao serve`: time from saving a change in the page to the new preview.
//!
//! `cargo bench --bench serve [-- N]` copies examples/tien-trang (31 villages),
//! then N times (default 9): saves the form with a new duty phone (POST
//! /api/campaign, as the page does) and asks for the A5 leaflet preview of
//! one village (GET /api/preview: every page, PNG at 80 dpi) — and, apart,
//! the contact sheet of all 31 villages (GET /api/sheet). Each figure is the
//! wall time from the start of the save to the last byte of the image. The
//! phone is checked in the preview's words, so a stale image cannot pass.
//! Plain `std::time`, no harness: the numbers go into bench/RESULTS.md.

use std::path::Path;
use std::time::Instant;

use axum::body::Body;
use axum::http::Request;
use tower::ServiceExt;

const TOKEN: &str = "00112233445566778899aabbccddeeff";

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn request(
    app: &axum::Router,
    rt: &tokio::runtime::Runtime,
    method: &str,
    uri: &str,
    body: Vec<u8>,
) -> Vec<u8> {
    let req = Request::builder()
        .method(method)
        .uri(uri)
        .header("host", "127.0.0.1:4999")
        .header("cookie", format!("canhbao-4999={TOKEN}"))
        .header("origin", "http://127.0.0.1:4999")
        .header("content-type", "application/json")
        .body(Body::from(body))
        .unwrap();
    rt.block_on(async {
        let res = app.clone().oneshot(req).await.unwrap();
        assert!(res.status().is_success(), "{method} {uri}: {}", res.status());
        axum::body::to_bytes(res.into_body(), usize::MAX).await.unwrap().to_vec()
    })
}

fn main() {
    let rounds: usize = std::env::args().skip(1).find_map(|a| a.parse().ok()).unwrap_or(9);
    let _ = rayon::ThreadPoolBuilder::new().stack_size(canhbao::batch::WORKER_STACK).build_global();
    let tmp = tempfile::tempdir().unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/tien-trang");
    for e in std::fs::read_dir(src).unwrap().flatten() {
        std::fs::copy(e.path(), tmp.path().join(e.file_name())).unwrap();
    }
    let app = canhbao::serve::app(tmp.path(), TOKEN, 4999).unwrap();
    let rt =
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let state: serde_json::Value =
        serde_json::from_slice(&request(&app, &rt, "GET", "/api/state", vec![])).unwrap();
    let mut form = state["form"].clone();
    let villages = state["villages"].as_array().unwrap().len();
    assert_eq!(villages, 31);
    // Warm-up: the first preview loads fonts and layouts once per server.
    request(&app, &rt, "GET", "/api/preview?layout=leaflet-a5&village=0", vec![]);
    let (mut preview, mut sheet) = (Vec::new(), Vec::new());
    for i in 0..rounds {
        let phone = format!("0237 3868 {:03}", 100 + i);
        form["contacts"][0]["phone"] = phone.clone().into();
        let t = Instant::now();
        request(&app, &rt, "POST", "/api/campaign", form.to_string().into_bytes());
        let p = request(
            &app,
            &rt,
            "GET",
            &format!("/api/preview?layout=leaflet-a5&village={}", i % villages),
            vec![],
        );
        preview.push(t.elapsed().as_secs_f64() * 1e3);
        assert!(String::from_utf8_lossy(&p).contains(&phone), "the preview shows the saved phone");

        form["contacts"][0]["phone"] = format!("0237 3868 {:03}", 500 + i).into();
        let t = Instant::now();
        request(&app, &rt, "POST", "/api/campaign", form.to_string().into_bytes());
        let png = request(&app, &rt, "GET", "/api/sheet?layout=leaflet-a5", vec![]);
        sheet.push(t.elapsed().as_secs_f64() * 1e3);
        assert!(png.starts_with(b"\x89PNG"));
    }
    let show = |name: &str, v: &[f64], target: f64| {
        let max = v.iter().cloned().fold(0.0, f64::max);
        let min = v.iter().cloned().fold(f64::INFINITY, f64::min);
        let m = median(v.to_vec());
        println!(
            "{name:<44} median {m:>7.0} ms  min {min:>6.0}  max {max:>6.0}  (target < {target} ms: {})",
            if m < target { "met" } else { "NOT met" }
        );
    };
    println!("{rounds} rounds, examples/tien-trang ({villages} villages)");
    show("save → A5 leaflet preview, one village", &preview, 300.0);
    show("save → contact sheet, 31 villages", &sheet, 2000.0);
}
