//! M3: the page's print zip holds what the last build's manifest lists
//! (the print order, the print package, every document), never a removed
//! village's file or a stray file of `out/`, and is streamed: a 1.5 GB file
//! in `out/` does not take the server's memory. Entries carry real dates.

use std::fs;
use std::io::Read;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use tower::ServiceExt;

use crate::util::*;

const TOKEN: &str = "00112233445566778899aabbccddeeff";

/// GET `uri` from the page of `dir`: (status, body).
fn get(dir: &std::path::Path, uri: &str) -> (StatusCode, Vec<u8>) {
    let app = canhbao::serve::app(dir, TOKEN, 4999).unwrap();
    let req = Request::get(uri)
        .header("host", "127.0.0.1:4999")
        .header("cookie", format!("canhbao-4999={TOKEN}"))
        .body(Body::empty())
        .unwrap();
    let rt =
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    rt.block_on(async {
        let res = app.oneshot(req).await.unwrap();
        let status = res.status();
        (status, axum::body::to_bytes(res.into_body(), usize::MAX).await.unwrap().to_vec())
    })
}

#[test]
fn the_print_zip_holds_what_the_manifest_lists_with_real_dates() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    copy_dir(&repo().join("examples/hac-thanh"), dir);
    let (code, _, err) = run(canhbao().arg("build").arg(dir));
    assert_eq!(code, 0, "{err}");
    let csv = dir.join("villages.csv");
    let text = fs::read_to_string(&csv).unwrap();
    let kept: Vec<&str> = text.lines().filter(|l| !l.starts_with("Điện Biên 2,")).collect();
    fs::write(&csv, kept.join("\n") + "\n").unwrap();
    let (code, _, err) = run(canhbao().arg("build").arg(dir));
    assert_eq!(code, 0, "{err}");
    // Files canhbao never wrote, one of them 1.5 GB (sparse: no disk taken).
    let out = dir.join("out");
    fs::write(out.join("leaflet-a5/ban-nhap.pdf"), b"%PDF-1.7 ban nhap").unwrap();
    let big = fs::File::create(out.join("video-tuyen-truyen.pdf")).unwrap();
    big.set_len(1_500_000_000).unwrap();
    drop(big);

    let (status, body) = get(dir, "/download/print.zip");
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(body)).unwrap();
    let mut names: Vec<String> = zip.file_names().map(String::from).collect();
    names.sort();
    let manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("manifest.json")).unwrap()).unwrap();
    let mut listed: Vec<String> = manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["file"].as_str().unwrap().to_string())
        // (and the shop's papers the manifest lists beside them: the note's PDF)
        .chain(manifest["also"].as_array().unwrap().iter().map(|f| f.as_str().unwrap().into()))
        .filter(|f| f.ends_with(".pdf"))
        .collect();
    listed.push("print-order.csv".into());
    // The delivery sheets (issue 27), listed with the scripts, go with the print files.
    let also = manifest["also"].as_array().unwrap().iter().filter_map(|f| f.as_str());
    listed.extend(also.filter(|f| f.starts_with("giao-nhan/")).map(String::from));
    listed.sort();
    assert_eq!(names, listed, "the zip is the print order and the listed documents");
    let order = fs::read_to_string(out.join("print-order.csv")).unwrap();
    for line in order.lines().skip(1) {
        let file = line.split(',').next().unwrap();
        assert!(names.iter().any(|n| n == file), "{file} of the order is in the zip");
    }
    assert!(!names.iter().any(|n| n.contains("dien-bien-2")), "{names:?}");
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let date = entry.last_modified().expect("a date");
        assert!(date.year() >= 2025, "{}: {date:?}", entry.name());
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        assert_eq!(bytes, fs::read(out.join(entry.name())).unwrap(), "{}", entry.name());
    }
}
