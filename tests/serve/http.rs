//! Every route: the happy path, and each refusal of the security core.

use std::path::Path;

use axum::http::StatusCode;

use crate::*;

const NEW_VILLAGE: [&str; 7] =
    ["Hàm Rồng Mới", "tổ dân phố", "Phạm Văn Khải", "0915 000 399", "301", "12", "2"];

/// Every route, as (method, path).
const ROUTES: &[(&str, &str)] = &[
    ("GET", "/"),
    ("GET", "/app.js"),
    ("GET", "/app.css"),
    ("GET", "/font/regular.ttf"),
    ("GET", "/api/state"),
    ("GET", "/api/version"),
    ("POST", "/api/init"),
    ("POST", "/api/campaign"),
    ("POST", "/api/villages?name=v.csv"),
    ("POST", "/api/cell"),
    ("GET", "/api/preview?layout=leaflet-a5&village=0"),
    ("GET", "/api/sheet?layout=leaflet-a5"),
    ("GET", "/api/build"),
    ("POST", "/api/build"),
    ("GET", "/download/print.zip"),
    ("GET", "/file/print-order.csv"),
];

#[test]
fn the_address_with_the_token_opens_the_page_and_sets_a_strict_cookie() {
    let dir = example("hac-thanh");
    let app = app(dir.path());
    let r = send(&app, "GET", &format!("/?t={TOKEN}"), &[("host", HOST)], Vec::new());
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text().contains("<script src=\"/app.js\">"));
    let cookie = r.headers["set-cookie"].to_str().unwrap();
    assert!(cookie.starts_with(&cookie_prefix()), "{cookie}");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), "{cookie}");
    assert_eq!(r.headers["referrer-policy"], "no-referrer");
    assert_eq!(r.headers["x-frame-options"], "DENY");
    // Assets are embedded: the font is the one the leaflets print with.
    let font = get(&app, "/font/regular.ttf");
    assert_eq!(font.status, StatusCode::OK);
    let on_disk = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts/BeVietnamPro_400Regular.ttf"),
    )
    .unwrap();
    assert_eq!(font.body, on_disk);
    assert!(get(&app, "/app.js").text().contains("function loadPreview"));
    assert!(get(&app, "/app.css").text().contains("@font-face"));
}

fn cookie_prefix() -> String {
    format!("canhbao-{PORT}={TOKEN};")
}

#[test]
fn every_route_without_the_token_is_refused_and_changes_nothing() {
    let dir = example("hac-thanh");
    let app = app(dir.path());
    let before = snapshot(dir.path());
    let wrong = format!("canhbao-{PORT}=ffffffffffffffffffffffffffffffff");
    let other_port = format!("canhbao-5000={TOKEN}");
    for (method, path) in ROUTES {
        for cookie in ["", wrong.as_str(), other_port.as_str()] {
            let mut headers = vec![("host", HOST), ("origin", ORIGIN)];
            if !cookie.is_empty() {
                headers.push(("cookie", cookie));
            }
            let r = send(&app, method, path, &headers, b"{}".to_vec());
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{method} {path} with cookie {cookie:?}");
            assert!(r.text().contains("mã bí mật"), "{}", r.text());
        }
        let sep = if path.contains('?') { '&' } else { '?' };
        let r = send(&app, method, &format!("{path}{sep}t=0011"), &[("host", HOST)], Vec::new());
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{method} {path} with a short token");
    }
    assert_eq!(snapshot(dir.path()), before);
}

#[test]
fn a_wrong_host_is_refused_on_every_route() {
    let dir = example("hac-thanh");
    let app = app(dir.path());
    let c = cookie();
    for host in ["evil.example:4999", "127.0.0.1:5000", "127.0.0.1", "192.168.1.5:4999", ""] {
        for (method, path) in ROUTES {
            let headers = [("host", host), ("cookie", c.as_str()), ("origin", ORIGIN)];
            let r = send(&app, method, path, &headers, Vec::new());
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{method} {path} with Host {host:?}");
        }
    }
    let r =
        send(&app, "GET", "/api/version", &[("host", "localhost:4999"), ("cookie", &c)], vec![]);
    assert_eq!(r.status, StatusCode::OK, "localhost with the port is this server");
}

#[test]
fn a_foreign_or_missing_origin_is_refused_on_every_state_changing_route() {
    let dir = example("hac-thanh");
    let app = app(dir.path());
    let before = snapshot(dir.path());
    let form = get(&app, "/api/state").json()["form"].to_string().into_bytes();
    let c = cookie();
    for (method, path) in ROUTES.iter().filter(|(m, _)| *m == "POST") {
        for origin in
            [Some("http://evil.example"), Some("http://127.0.0.1:5000"), Some("null"), None]
        {
            let mut headers = vec![("host", HOST), ("cookie", c.as_str())];
            headers.push(("content-type", "application/json"));
            if let Some(o) = origin {
                headers.push(("origin", o));
            }
            let r = send(&app, method, path, &headers, form.clone());
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{method} {path} from {origin:?}");
        }
        // Ours, then a foreign one: the second must not slip through.
        let headers = [("host", HOST), ("cookie", c.as_str()), ("origin", ORIGIN)];
        let headers = [&headers[..], &[("origin", "http://evil.example")]].concat();
        let r = send(&app, method, path, &headers, form.clone());
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{method} {path} with two origins");
    }
    assert_eq!(snapshot(dir.path()), before);
    assert!(!get(&app, "/api/build").json()["running"].as_bool().unwrap());
}

#[test]
fn the_state_carries_the_form_the_table_and_the_villages() {
    let dir = example("hac-thanh");
    let app = app(dir.path());
    let s = get(&app, "/api/state").json();
    assert_eq!(s["ready"], true);
    assert_eq!(s["form"]["commune"]["name"], "Hạc Thành");
    assert_eq!(s["form"]["contacts"][0]["phone"], "0237 3852 113");
    assert_eq!(s["form"]["layouts"], serde_json::json!(["leaflet-a5", "poster-a4", "social"]));
    assert_eq!(s["table"]["rows"].as_array().unwrap().len(), 12);
    assert_eq!(s["table"]["rows"][0]["cells"][0], "Điện Biên 1");
    assert_eq!(s["villages"][0]["name"], "tổ dân phố Điện Biên 1");
    assert_eq!(s["errors"], 0);
    let v1 = get(&app, "/api/version").json()["version"].clone();
    assert_eq!(v1, s["version"]);
}

#[test]
fn the_version_changes_when_another_program_edits_a_file() {
    let dir = example("hac-thanh");
    let app = app(dir.path());
    let v1 = get(&app, "/api/version").json()["version"].clone();
    let path = dir.path().join("villages.csv");
    let text = std::fs::read_to_string(&path).unwrap().replace("0915 000 301", "0915 000 311");
    std::fs::write(&path, text).unwrap();
    let v2 = get(&app, "/api/version").json()["version"].clone();
    assert_ne!(v1, v2);
    let p = get(&app, "/api/preview?layout=leaflet-a5&village=0").json();
    let words = p["pages"][0]["text"].as_str().unwrap().to_string()
        + p["pages"][1]["text"].as_str().unwrap();
    assert!(words.contains("0915 000 311"), "{words}");
}

#[test]
fn saving_the_form_keeps_comments_order_and_a_backup() {
    let dir = example("hac-thanh");
    let app = app(dir.path());
    let old = std::fs::read_to_string(dir.path().join("campaign.toml")).unwrap();
    let mut form = get(&app, "/api/state").json()["form"].clone();
    form["contacts"][0]["phone"] = "0237 3852 999".into();
    let r = post(&app, "/api/campaign", "application/json", form.to_string().into_bytes());
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let new = std::fs::read_to_string(dir.path().join("campaign.toml")).unwrap();
    assert_eq!(std::fs::read_to_string(dir.path().join("campaign.toml.bak")).unwrap(), old);
    // Only the phone changed: same text with one number replaced; its "VÍ DỤ —
    // thay bằng số trực ban thật" comment asked for this and goes, the others stay.
    let example = "\"0237 3852 113\"      # VÍ DỤ — thay bằng số trực ban thật";
    assert!(old.contains(example));
    assert_eq!(new, old.replace(example, "\"0237 3852 999\""));
    assert!(new.contains("kind = \"phường\"              # xã | phường | đặc khu\n"));
    let p = get(&app, "/api/preview?layout=leaflet-a5&village=0").json();
    assert!(p["pages"][0]["text"].as_str().unwrap().contains("0237 3852 999"), "{p}");
}

#[test]
fn a_form_with_a_bad_value_is_saved_and_its_problem_shown_in_checks_words() {
    let dir = example("hac-thanh");
    let app = app(dir.path());
    let mut form = get(&app, "/api/state").json()["form"].clone();
    form["channels"][0]["url"] = "tinnhiemmang.vn".into();
    let s = post(&app, "/api/campaign", "application/json", form.to_string().into_bytes()).json();
    assert_eq!(s["errors"], 1, "{}", s["issues"]);
    let expected = match canhbao::load(dir.path()) {
        Err(issues) => issues.errors().next().unwrap().to_string(),
        Ok(_) => panic!("the bad URL must be an error"),
    };
    let shown =
        s["issues"].as_array().unwrap().iter().find(|i| i["warning"] == false).unwrap()["text"]
            .as_str()
            .unwrap();
    // Same words as `check`, with the file named inside the folder.
    let tail = expected.split_once("campaign.toml").unwrap().1;
    assert!(shown.starts_with("campaign.toml") && shown.ends_with(tail), "{shown}\n{expected}");
    let p = get(&app, "/api/preview?layout=leaflet-a5&village=0");
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[test]
fn an_uploaded_xlsx_replaces_the_table_and_shows_the_new_village() {
    let dir = example("hac-thanh");
    let app = app(dir.path());
    let old_csv = std::fs::read(dir.path().join("villages.csv")).unwrap();
    let xlsx = edited_xlsx(&dir.path().join("villages.csv"), NEW_VILLAGE);
    let r = post(
        &app,
        "/api/villages?name=danh%20s%C3%A1ch.xlsx",
        "application/octet-stream",
        xlsx.clone(),
    );
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let s = r.json();
    // Kept under the officer's own name, which every message then uses.
    assert_eq!(std::fs::read(dir.path().join("danh sách.xlsx")).unwrap(), xlsx);
    assert_eq!(std::fs::read(dir.path().join("villages.csv")).unwrap(), old_csv, "old table kept");
    let toml = std::fs::read_to_string(dir.path().join("campaign.toml")).unwrap();
    assert!(toml.contains("villages = \"danh sách.xlsx\""), "{toml}");
    assert_eq!(s["table"]["file"], "danh sách.xlsx");
    let rows = s["table"]["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 13);
    assert_eq!(rows[12]["cells"][0], "Hàm Rồng Mới");
    let p = get(&app, "/api/preview?layout=leaflet-a5&village=12").json();
    assert_eq!(p["village"], "tổ dân phố Hàm Rồng Mới");
    let words: String =
        p["pages"].as_array().unwrap().iter().map(|pg| pg["text"].as_str().unwrap()).collect();
    assert!(words.contains("Phạm Văn Khải") && words.contains("0915 000 399"), "{words}");
    // A second upload of that name keeps the first as the backup.
    let r = post(
        &app,
        "/api/villages?name=danh%20s%C3%A1ch.xlsx",
        "application/octet-stream",
        xlsx.clone(),
    );
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(std::fs::read(dir.path().join("danh sách.xlsx.bak")).unwrap(), xlsx);
    // A name no system can hold is not kept as sent.
    let r = post(&app, "/api/villages?name=..%2Fx.xlsx", "application/octet-stream", xlsx.clone());
    assert_eq!(r.json()["table"]["file"], "x.xlsx", "the base name only, inside the folder");
    assert!(dir.path().join("x.xlsx").is_file());
    for sent in ["CON.xlsx", "com1.xlsx", "a%3Cb.xlsx", ".hidden.xlsx", "x%20.xlsx", "x..xlsx"] {
        let uri = format!("/api/villages?name={sent}");
        let r = post(&app, &uri, "application/octet-stream", xlsx.clone());
        assert_eq!(r.status, StatusCode::OK, "{sent}");
        assert_eq!(r.json()["table"]["file"], "villages.xlsx", "{sent}");
    }
}

#[test]
fn a_table_problem_is_shown_on_its_row_and_cell() {
    let dir = example("hac-thanh");
    let app = app(dir.path());
    let csv = "name,kind,officer,officer_phone,households\nĐông,thôn,Lê A,0912 345 678,10\nTây,thôn,Lê B,12345,20\n";
    let s = post(&app, "/api/villages?name=thon-huu-kiem.csv", "text/csv", csv.as_bytes().to_vec())
        .json();
    let rows = s["table"]["rows"].as_array().unwrap();
    assert!(rows[0]["issues"].as_array().unwrap().is_empty());
    let issue = &rows[1]["issues"][0];
    assert_eq!(issue["column"], 3, "{issue}");
    assert_eq!(rows[1]["line"], 3);
    // Named as the officer named his file.
    assert!(issue["text"].as_str().unwrap().starts_with("thon-huu-kiem.csv:3"), "{issue}");
}

#[test]
fn a_bad_upload_changes_nothing_on_disk() {
    let dir = example("hac-thanh");
    let app = app(dir.path());
    let before = snapshot(dir.path());
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("v.xlsx", b"PK\x03\x04 this is not a workbook".to_vec()),
        ("v.xlsx", Vec::new()),
        ("v.csv", b"foo,bar\n1,2\n".to_vec()),
        ("v.csv", b"name,kind\n".to_vec()),
        ("v.exe", b"MZ".to_vec()),
        ("../../campaign.toml", b"locale = \"en\"".to_vec()),
    ];
    for (name, body) in cases {
        let r = post(&app, &format!("/api/villages?name={name}"), "application/octet-stream", body);
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{name}: {}", r.text());
        assert!(!r.json()["error"].as_str().unwrap().is_empty());
        assert_eq!(snapshot(dir.path()), before, "{name} changed the folder");
    }
    let big = vec![b'a'; canhbao::serve::MAX_UPLOAD + 1];
    let r = post(&app, "/api/villages?name=v.csv", "text/csv", big);
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(snapshot(dir.path()), before);
}

#[test]
fn the_preview_has_every_page_and_the_sheet_every_village() {
    let dir = example("hac-thanh");
    let app = app(dir.path());
    let p = get(&app, "/api/preview?layout=leaflet-a5&village=2").json();
    let pages = p["pages"].as_array().unwrap();
    assert_eq!(pages.len(), 2);
    assert!(pages[0]["png"].as_str().unwrap().starts_with("data:image/png;base64,iVBOR"));
    assert_eq!(p["village"], "tổ dân phố Lam Sơn 1");
    let words: String = pages.iter().map(|pg| pg["text"].as_str().unwrap()).collect();
    assert!(words.contains("Trần Quốc Bảo") && words.contains("0915 000 303"), "{words}");
    let bad = get(&app, "/api/preview?layout=nope");
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.json()["error"].as_str().unwrap().contains("không có mẫu “nope”"));
    let sheet = get(&app, "/api/sheet?layout=leaflet-a5");
    assert_eq!(sheet.status, StatusCode::OK);
    let tiles = sheet.json()["tiles"].as_array().unwrap().clone();
    assert_eq!(tiles.len(), 12);
    // Each tile names its village and its officer's phone.
    assert_eq!(tiles[2]["name"], "tổ dân phố Lam Sơn 1");
    assert_eq!(tiles[2]["officer"], "Trần Quốc Bảo");
    assert_eq!(tiles[2]["phone"], "0915 000 303");
    let png = tiles[2]["png"].as_str().unwrap().strip_prefix("data:image/png;base64,").unwrap();
    let png = base64::Engine::decode(&base64::engine::general_purpose::STANDARD, png).unwrap();
    let img = image::load_from_memory(&png).unwrap();
    assert!(img.width() > 100 && img.height() > img.width(), "a portrait page");
}

#[test]
fn a_build_reports_progress_then_every_download_holds_its_files() {
    let dir = example("hac-thanh");
    let app = app(dir.path());
    assert_eq!(get(&app, "/download/print.zip").status, StatusCode::NOT_FOUND, "nothing built yet");
    let r = post(&app, "/api/build", "application/json", Vec::new());
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["running"], true);
    let again = post(&app, "/api/build", "application/json", Vec::new());
    let st = finished(&app);
    assert!(again.status == StatusCode::CONFLICT || again.status == StatusCode::OK);
    assert_eq!(st["done"], st["total"], "{st}");
    assert_eq!(st["total"], 30);
    let s = &st["summary"];
    assert_eq!(s["written"], 30, "{st}");
    assert_eq!(s["loa"], 12);
    assert_eq!(s["order"][0]["layout"], "leaflet-a5");
    // The A5 leaflets are ordered as 2-up SRA4 sheets: half the copies, rounded up per
    // village; the single A5 files are counted apart, as the command line counts them.
    assert_eq!(s["order"][0]["paper"], "sra4");
    assert_eq!(s["order"][0]["copies"], 2605);
    assert!(s["order"][0]["paper_words"].as_str().unwrap().contains("2 tờ rơi A5"), "{s}");
    assert_eq!(s["downloads"], serde_json::json!(["print", "loa", "social"]));
    // The page's lines: each kind of file once, adding up to every file it names.
    let rows: Vec<(String, String, u64)> = s["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["kind"].as_str().unwrap().into(),
                r["layout"].as_str().unwrap().into(),
                r["files"].as_u64().unwrap(),
            )
        })
        .collect();
    let want: Vec<(String, String, u64)> = [
        ("each", "leaflet-a5", 12),
        ("sheets", "leaflet-a5", 12),
        ("proof", "leaflet-a5", 1),
        ("each", "poster-a4", 12),
        ("proof", "poster-a4", 1),
        ("images", "social", 6),
        ("loa", "", 12),
        ("order", "", 1),
    ]
    .iter()
    .map(|(k, l, n)| (k.to_string(), l.to_string(), *n))
    .collect();
    assert_eq!(rows, want, "{s}");
    assert_eq!(s["rows"][1]["per_sheet"], 2);
    // A proof is one copy of every village's pages: 12 leaflets of 2 pages, 12 posters of 1.
    assert_eq!(s["rows"][2]["pages"], 24, "{s}");
    assert_eq!(s["rows"][4]["pages"], 12, "{s}");
    assert_eq!(s["rows"][1]["copies"], 2605);
    // The command line counts the same: each line of the page's summary is in its table.
    let cli = example("hac-thanh");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_canhbao"))
        .arg("build")
        .arg(cli.path())
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    let rows: Vec<Vec<String>> =
        said.lines().map(|l| l.split_whitespace().map(String::from).collect()).collect();
    for o in s["order"].as_array().unwrap() {
        let want = [&o["layout"], &o["paper"], &o["files"], &o["copies"]]
            .map(|v| v.as_str().map_or(v.to_string(), String::from));
        assert!(rows.iter().any(|r| r[..] == want[..]), "{want:?} not in:\n{said}");
    }
    assert_eq!(
        rows.iter().filter(|r| r.len() == 4 && r[3].parse::<u64>().is_ok()).count(),
        s["order"].as_array().unwrap().len(),
        "{said}"
    );
    let names = |kind: &str| -> (String, Vec<String>) {
        let r = get(&app, &format!("/download/{kind}"));
        assert_eq!(r.status, StatusCode::OK, "{kind}: {}", r.text());
        let cd = r.headers["content-disposition"].to_str().unwrap().to_string();
        let zip = zip::ZipArchive::new(std::io::Cursor::new(r.body)).unwrap();
        (cd, zip.file_names().map(String::from).collect())
    };
    let (cd, print) = names("print.zip");
    assert!(cd.contains("phuong-hac-thanh-nha-in.zip"), "{cd}");
    assert!(print.contains(&"print-order.csv".to_string()), "{print:?}");
    assert!(print.iter().any(|n| n.starts_with("print/")), "{print:?}");
    assert_eq!(print.iter().filter(|n| n.starts_with("leaflet-a5/")).count(), 12, "{print:?}");
    assert!(
        !print.iter().any(|n| n.starts_with("loa/") || n.ends_with(".png") || n == "manifest.json")
    );
    let (_, loa) = names("loa.zip");
    assert_eq!(loa.len(), 12);
    assert!(loa.iter().all(|n| n.starts_with("loa/") && n.ends_with(".txt")), "{loa:?}");
    let (_, social) = names("social.zip");
    // Each image with its caption to post beside it (issue 27).
    assert_eq!(social.len(), 12, "{social:?}");
    assert!(social.iter().all(|n| n.starts_with("social/")));
    let images: Vec<&String> = social.iter().filter(|n| n.ends_with(".png")).collect();
    assert_eq!(images.len(), 6, "{social:?}");
    for png in images {
        assert!(social.contains(&png.replace(".png", ".txt")), "no caption beside {png}");
    }
    assert_eq!(get(&app, "/download/secrets.zip").status, StatusCode::NOT_FOUND);
    let order = get(&app, "/file/print-order.csv");
    assert_eq!(order.status, StatusCode::OK);
    assert_eq!(order.body, std::fs::read(dir.path().join("out/print-order.csv")).unwrap());
}

#[test]
fn a_path_outside_the_folder_is_refused() {
    let dir = example("hac-thanh");
    std::fs::create_dir_all(dir.path().join("out")).unwrap();
    std::fs::write(dir.path().join("out/ok.txt"), "ok").unwrap();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.txt"), "secret").unwrap();
    std::os::unix::fs::symlink(outside.path().join("secret.txt"), dir.path().join("out/link.txt"))
        .unwrap();
    let app = app(dir.path());
    assert_eq!(get(&app, "/file/ok.txt").text(), "ok");
    for path in [
        "/file/../campaign.toml",
        "/file/%2e%2e/campaign.toml",
        "/file/..%2fcampaign.toml",
        "/file//etc/passwd",
        "/file/%2fetc%2fpasswd",
        "/file/link.txt",
    ] {
        let r = get(&app, path);
        assert!(
            r.status == StatusCode::FORBIDDEN || r.status == StatusCode::NOT_FOUND,
            "{path}: {}",
            r.status
        );
        assert!(!r.text().contains("secret") && !r.text().contains("root:"), "{path}");
        assert!(!r.text().contains("locale"), "{path}");
    }
}

#[test]
fn start_creates_a_campaign_from_the_form_once() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(dir.path());
    assert_eq!(get(&app, "/api/state").json()["ready"], false);
    let start = serde_json::json!({
        "commune": { "name": "Nga Sơn", "kind": "xã", "province": "Thanh Hóa" },
        "issuer": "Công an xã Nga Sơn",
        "phone": "0237 3999 113",
    });
    let r = post(&app, "/api/init", "application/json", start.to_string().into_bytes());
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let s = r.json();
    assert_eq!(s["ready"], true);
    // The form fills campaign.toml; the village table of the template still
    // has its cells to fill (officer, phone, households), each one named.
    let issues = s["issues"].as_array().unwrap();
    assert_eq!(s["errors"], issues.len(), "{}", s["issues"]);
    assert!(
        issues.iter().all(|i| i["text"].as_str().unwrap().starts_with("villages.xlsx:")),
        "{}",
        s["issues"]
    );
    assert_eq!(s["commune"], "xã Nga Sơn");
    let toml = std::fs::read_to_string(dir.path().join("campaign.toml")).unwrap();
    // The filled lines lose the "ĐIỀN" comment that asked for them.
    for line in ["name = \"Nga Sơn\"", "province = \"Thanh Hóa\"", "phone = \"0237 3999 113\""] {
        assert!(toml.lines().any(|l| l == line), "`{line}` alone on its line:\n{toml}");
    }
    assert!(!toml.lines().any(|l| l.contains("ĐIỀN") && !l.starts_with('#')), "{toml}");
    assert!(toml.contains("# Chiến dịch tuyên truyền"), "template comments kept");
    let again = post(&app, "/api/init", "application/json", start.to_string().into_bytes());
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(std::fs::read_to_string(dir.path().join("campaign.toml")).unwrap(), toml);
}

#[test]
fn start_offers_the_official_list_and_refuses_a_commune_not_on_it() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(dir.path());
    let s = get(&app, "/api/state").json();
    let provinces = s["provinces"].as_array().unwrap();
    assert_eq!(provinces.len(), 34);
    let thanh_hoa = provinces.iter().find(|p| p["name"] == "Thanh Hóa").unwrap();
    assert!(
        thanh_hoa["units"].as_array().unwrap().contains(&serde_json::json!(["Tiên Trang", "xã"]))
    );
    let start = |name: &str, kind: &str, province: &str, unlisted: bool| {
        let body = serde_json::json!({
            "commune": { "name": name, "kind": kind, "province": province, "unlisted": unlisted },
            "issuer": "Công an xã", "phone": "0237 3868 113",
        });
        post(&app, "/api/init", "application/json", body.to_string().into_bytes())
    };
    // Each refusal names the field, says it as `check` does, offers the
    // official name, and writes nothing.
    let cases = [
        (
            "Tiên Trag",
            "xã",
            "Thanh Hóa",
            "name",
            "“Tiên Trag” không có trong danh sách xã, phường của Thanh Hóa",
            serde_json::json!({"name": "Tiên Trang", "kind": "xã"}),
        ),
        (
            "Tiên Trang",
            "xã",
            "Thanh Hoa",
            "province",
            "Tỉnh “Thanh Hoa” không có trong danh sách 34 tỉnh",
            serde_json::json!({"province": "Thanh Hóa"}),
        ),
        (
            "Hạc Thành",
            "xã",
            "Thanh Hóa",
            "kind",
            "là phường, không phải xã",
            serde_json::json!({"kind": "phường", "name": "Hạc Thành"}),
        ),
        (
            "Tiên Trang",
            "xã",
            "Nghệ An",
            "province",
            "không thuộc Nghệ An",
            serde_json::json!({"province": "Thanh Hóa", "name": "Tiên Trang", "kind": "xã"}),
        ),
    ];
    for (name, kind, province, field, words, offer) in cases {
        let r = start(name, kind, province, false);
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}, {province}: {}", r.text());
        let problem = &r.json()["problems"][0];
        assert_eq!(problem["field"], field, "{problem}");
        assert!(problem["message"].as_str().unwrap().contains(words), "{problem}");
        assert_eq!(problem["use"], offer, "{problem}");
        // The page has a box to tick, not a TOML key to add.
        let hint = problem["hint"].as_str().unwrap();
        assert!(
            !hint.contains("unlisted") && !hint.contains("kind =") && !hint.contains("(province)"),
            "{hint}"
        );
        assert!(std::fs::read_dir(dir.path()).unwrap().next().is_none(), "{name}: folder written");
    }
    let r = start("", "xã", "Thanh Hóa", false);
    assert_eq!(r.json()["problems"][0]["field"], "name");
    // A unit made after the list is accepted when the officer says so.
    let r = start("Tiên Trang Mới", "xã", "Thanh Hóa", true);
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let toml = std::fs::read_to_string(dir.path().join("campaign.toml")).unwrap();
    assert!(toml.lines().any(|l| l == "unlisted = true"), "{toml}");
    assert_eq!(r.json()["form"]["commune"]["unlisted"], true);
    assert!(r.json()["choices"]["provinces"].as_array().unwrap().contains(&"Thanh Hóa".into()));
}

#[test]
fn a_table_with_errors_still_shows_the_commune_and_every_row_with_its_problem() {
    let dir = example("hac-thanh");
    let app = app(dir.path());
    let csv = "name,kind,officer,officer_phone,households\nĐông,thôn,Lê A,0912 345 678,10\nTây,thôn,Lê B,12345,20\nNam,thôn,,0912 345 679,30\n";
    let s = post(&app, "/api/villages?name=x.csv", "text/csv", csv.as_bytes().to_vec()).json();
    assert_eq!(s["errors"], 2, "{}", s["issues"]);
    assert_eq!(s["commune"], "phường Hạc Thành");
    let villages: Vec<(&str, u64)> = s["villages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v["name"].as_str().unwrap(), v["line"].as_u64().unwrap()))
        .collect();
    assert_eq!(villages, [("thôn Đông", 2), ("thôn Tây", 3), ("thôn Nam", 4)]);
    let rows = s["table"]["rows"].as_array().unwrap();
    let texts = |i: usize| -> Vec<String> {
        rows[i]["issues"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["text"].as_str().unwrap().into())
            .collect()
    };
    assert!(texts(0).is_empty());
    assert!(texts(1).iter().any(|t| t.starts_with("x.csv:3: lỗi")), "{:?}", texts(1));
    assert!(texts(2).iter().any(|t| t.starts_with("x.csv:4: lỗi")), "{:?}", texts(2));
}

#[test]
fn refusals_of_the_http_layer_are_in_vietnamese() {
    let dir = example("hac-thanh");
    let app = app(dir.path());
    let big = vec![b'a'; canhbao::serve::MAX_UPLOAD + 1];
    let r = post(&app, "/api/villages?name=v.csv", "text/csv", big);
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(r.json()["error"], "tệp quá lớn: tối đa 20 MB");
    let r = post(&app, "/api/campaign", "application/json", b"{not json".to_vec());
    assert!(r.status.is_client_error());
    assert_eq!(r.json()["error"], "yêu cầu không hợp lệ: dữ liệu gửi lên sai dạng");
    let r = get(&app, "/api/preview?village=minus-one");
    assert!(r.status.is_client_error());
    assert_eq!(r.json()["error"], "yêu cầu không hợp lệ: dữ liệu gửi lên sai dạng");
    assert_eq!(get(&app, "/no/such/page").json()["error"], "không có trang này");
}

#[test]
fn a_campaign_file_broken_by_hand_is_explained_in_vietnamese() {
    let dir = example("hac-thanh");
    let path = dir.path().join("campaign.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let form = get(&app(dir.path()), "/api/state").json()["form"].to_string().into_bytes();
    // An unclosed quote, as Notepad leaves it.
    std::fs::write(&path, text.replacen("\"0237 3852 113\"", "\"0237 3852 113", 1)).unwrap();
    let app = app(dir.path());
    let s = get(&app, "/api/state").json();
    let why = s["form_error"].as_str().unwrap();
    assert!(
        why.contains("Notepad") && !why.contains("parse") && !why.contains("expected"),
        "{why}"
    );
    let first = s["issues"][0]["text"].as_str().unwrap();
    assert!(first.starts_with("campaign.toml:29"), "{first}");
    let r = post(&app, "/api/campaign", "application/json", form);
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["error"], why);
    assert!(!dir.path().join("campaign.toml.bak").exists());
}

#[test]
fn an_empty_or_incomplete_form_is_refused_and_changes_nothing() {
    let dir = example("hac-thanh");
    let app = app(dir.path());
    let before = snapshot(dir.path());
    let form = get(&app, "/api/state").json()["form"].clone();
    let mut no_issuer = form.clone();
    no_issuer.as_object_mut().unwrap().remove("issuer");
    let mut blank_commune = form.clone();
    blank_commune["commune"]["name"] = "".into();
    let mut no_revision = form.clone();
    no_revision.as_object_mut().unwrap().remove("revision");
    for (what, body) in [
        ("{}", serde_json::json!({})),
        ("no issuer", no_issuer),
        ("blank commune", blank_commune),
        ("no revision", no_revision),
    ] {
        let r = post(&app, "/api/campaign", "application/json", body.to_string().into_bytes());
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{what}: {}", r.text());
        let why = r.json()["error"].as_str().unwrap().to_string();
        assert!(why.starts_with("Chưa lưu"), "{what}: {why}");
        assert_eq!(snapshot(dir.path()), before, "{what} changed the folder");
    }
}

#[test]
fn the_page_refuses_what_the_command_line_would_refuse_for_its_length() {
    let dir = example("hac-thanh");
    let app = app(dir.path());
    let before = snapshot(dir.path());
    let mut form = get(&app, "/api/state").json()["form"].clone();
    form["issuer"]["name"] = "Công an ".repeat(250_000).into();
    let r = post(&app, "/api/campaign", "application/json", form.to_string().into_bytes());
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let s = r.json();
    assert!(s["error"].as_str().unwrap().contains("quá giới hạn 500 ký tự"), "{}", s["error"]);
    assert_eq!(s["problems"][0]["field"], "issuer-name");
    assert_eq!(snapshot(dir.path()), before);
    // The command line's limit itself is allowed.
    let mut ok = get(&app, "/api/state").json()["form"].clone();
    ok["issuer"]["name"] = "Ư".repeat(500).into();
    let r = post(&app, "/api/campaign", "application/json", ok.to_string().into_bytes());
    assert_eq!(r.status, StatusCode::OK, "500 characters are allowed");
}

#[test]
fn a_save_from_a_stale_tab_is_refused_with_409_and_the_other_tabs_save_kept() {
    let dir = example("hac-thanh");
    let app = app(dir.path());
    let mut tab_a = get(&app, "/api/state").json()["form"].clone();
    let mut tab_b = tab_a.clone();
    tab_a["contacts"][0]["phone"] = "0237 3852 111".into();
    let r = post(&app, "/api/campaign", "application/json", tab_a.to_string().into_bytes());
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let saved = std::fs::read_to_string(dir.path().join("campaign.toml")).unwrap();
    tab_b["issuer"]["name"] = "Công an phường Hạc Thành (B)".into();
    let r = post(&app, "/api/campaign", "application/json", tab_b.to_string().into_bytes());
    assert_eq!(r.status, StatusCode::CONFLICT);
    let why = r.json()["error"].as_str().unwrap().to_string();
    assert!(why.contains("cửa sổ trình duyệt khác") && why.contains("Lấy bản vừa lưu"), "{why}");
    assert_eq!(std::fs::read_to_string(dir.path().join("campaign.toml")).unwrap(), saved);
    // Reloaded, tab B saves on top of A's change.
    let mut fresh = get(&app, "/api/state").json()["form"].clone();
    fresh["issuer"]["name"] = "Công an phường Hạc Thành (B)".into();
    let r = post(&app, "/api/campaign", "application/json", fresh.to_string().into_bytes());
    assert_eq!(r.status, StatusCode::OK);
    let both = std::fs::read_to_string(dir.path().join("campaign.toml")).unwrap();
    assert!(both.contains("0237 3852 111") && both.contains("(B)"), "{both}");
}

#[test]
fn a_body_that_trickles_in_is_cut_off_and_changes_nothing() {
    use std::io::{Read, Write};
    let dir = example("hac-thanh");
    let before = snapshot(dir.path());
    let wait = std::time::Duration::from_millis(300);
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let app = canhbao::serve::app_timed(dir.path(), TOKEN, port, wait).unwrap();
    let rt = runtime();
    rt.spawn(async move {
        listener.set_nonblocking(true).unwrap();
        let listener = tokio::net::TcpListener::from_std(listener).unwrap();
        axum::serve(listener, app).await.unwrap();
    });
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(wait * 20)).unwrap();
    let started = std::time::Instant::now();
    write!(
        s,
        "POST /api/villages?name=v.csv HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\
         Cookie: canhbao-{port}={TOKEN}\r\nOrigin: http://127.0.0.1:{port}\r\n\
         Content-Type: text/csv\r\nContent-Length: 100000\r\n\r\nname,kind\n"
    )
    .unwrap();
    // The rest never comes.
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    while let Ok(n) = s.read(&mut buf) {
        if n == 0 {
            break;
        }
        answer.extend_from_slice(&buf[..n]);
        if answer.windows(4).any(|w| w == b"\r\n\r\n") && answer.ends_with(b"}") {
            break;
        }
    }
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("quá chậm"), "{answer}");
    assert!(started.elapsed() < wait * 10, "answered in {:?}", started.elapsed());
    assert_eq!(snapshot(dir.path()), before);
}

#[test]
fn start_finds_a_commune_typed_without_marks_of_any_kind() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(dir.path());
    let start = |name: &str, kind: &str, province: &str| {
        let body = serde_json::json!({
            "commune": { "name": name, "kind": kind, "province": province },
            "issuer": "Công an xã", "phone": "0238 3868 113",
        });
        post(&app, "/api/init", "application/json", body.to_string().into_bytes())
    };
    let cases = [
        ("Huu Kiem", "xã", "Nghệ An", serde_json::json!({"name": "Hữu Kiệm", "kind": "xã"})),
        ("tuong duong", "xã", "Nghệ An", serde_json::json!({"name": "Tương Dương", "kind": "xã"})),
        // A phường typed while the form says xã: the offer brings its kind.
        ("Cua Lo", "xã", "Nghệ An", serde_json::json!({"name": "Cửa Lò", "kind": "phường"})),
        ("QUANG NGOC", "xã", "Thanh Hóa", serde_json::json!({"name": "Quảng Ngọc", "kind": "xã"})),
    ];
    for (name, kind, province, offer) in cases {
        let r = start(name, kind, province);
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}: {}", r.text());
        let problem = &r.json()["problems"][0];
        assert_eq!(problem["use"], offer, "{name}: {problem}");
        assert!(!r.text().contains("null"), "{name}: {}", r.text());
        assert!(std::fs::read_dir(dir.path()).unwrap().next().is_none(), "{name}: folder written");
    }
    // No province yet: the unit of that name, with its province.
    let r = start("Huu Kiem", "xã", "");
    let problem = &r.json()["problems"][0];
    assert_eq!(problem["field"], "province");
    assert_eq!(problem["use"]["province"], "Nghệ An", "{problem}");
    assert_eq!(problem["use"]["name"], "Hữu Kiệm", "{problem}");
}

#[test]
fn only_the_downloads_that_have_files_are_offered() {
    let dir = example("tien-trang");
    let app = app(dir.path());
    post(&app, "/api/build", "application/json", Vec::new());
    let st = finished(&app);
    let offered = st["summary"]["downloads"].as_array().unwrap().clone();
    assert!(!offered.contains(&"social".into()), "no social layout, no social download: {st}");
    for kind in offered {
        let r = get(&app, &format!("/download/{}.zip", kind.as_str().unwrap()));
        assert_eq!(r.status, StatusCode::OK, "{kind} offered but {}", r.text());
    }
}

#[test]
fn the_valid_villages_are_previewed_while_another_has_an_error() {
    let dir = example("hac-thanh");
    let app = app(dir.path());
    let csv = "name,kind,officer,officer_phone,households\nĐông,thôn,Lê A,0912 345 678,10\nTây,thôn,Lê B,12345,20\nNam,thôn,Lê C,0912 345 679,30\n";
    let s = post(&app, "/api/villages?name=x.csv", "text/csv", csv.as_bytes().to_vec()).json();
    assert_eq!(s["errors"], 1, "{}", s["issues"]);
    let index: Vec<serde_json::Value> =
        s["villages"].as_array().unwrap().iter().map(|v| v["index"].clone()).collect();
    assert_eq!(index, [serde_json::json!(0), serde_json::Value::Null, serde_json::json!(1)]);
    let p = get(&app, "/api/preview?layout=leaflet-a5&village=1");
    assert_eq!(p.status, StatusCode::OK, "{}", p.text());
    let p = p.json();
    assert_eq!(p["village"], "thôn Nam");
    let words: String =
        p["pages"].as_array().unwrap().iter().map(|pg| pg["text"].as_str().unwrap()).collect();
    assert!(words.contains("Lê C") && words.contains("0912 345 679"), "{words}");
    // The build still refuses: a whole campaign or nothing.
    post(&app, "/api/build", "application/json", Vec::new());
    let st = finished(&app);
    assert!(st["error"].as_str().is_some(), "{st}");
    assert!(!dir.path().join("out").exists());
}

#[test]
fn a_cell_edited_in_the_page_is_checked_as_check_does_and_the_rest_kept() {
    let dir = example("hac-thanh");
    let app = app(dir.path());
    let path = dir.path().join("villages.csv");
    let good = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, good.replacen("0915 000 303", "0915 000 3O3", 1)).unwrap();
    let s = get(&app, "/api/state").json();
    assert_eq!(s["errors"], 1, "{}", s["issues"]);
    let rows = s["table"]["rows"].as_array().unwrap();
    let row = rows.iter().find(|r| !r["issues"].as_array().unwrap().is_empty()).unwrap();
    let (line, column) = (row["line"].clone(), row["issues"][0]["column"].clone());
    assert_eq!(row["cells"][column.as_u64().unwrap() as usize], "0915 000 3O3");
    let edit = |value: &str, revision: &serde_json::Value| {
        let body = serde_json::json!({ "revision": revision, "line": line, "column": column, "value": value });
        post(&app, "/api/cell", "application/json", body.to_string().into_bytes())
    };
    // Another bad value: saved, and the loader of `check` says why, on its row.
    let r = edit("0915 000 30", &s["table"]["revision"]);
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let s2 = r.json();
    assert_eq!(s2["errors"], 1);
    let expected = match canhbao::load(dir.path()) {
        Err(issues) => issues.errors().next().unwrap().to_string(),
        Ok(_) => panic!("a 9-digit phone must be an error"),
    };
    let shown = s2["issues"][0]["text"].as_str().unwrap();
    assert!(expected.ends_with(shown.split_once("villages.csv").unwrap().1), "{shown}\n{expected}");
    // A stale edit (from before that one) is refused and changes nothing.
    let before = std::fs::read(&path).unwrap();
    let r = edit("0915 000 303", &s["table"]["revision"]);
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(std::fs::read(&path).unwrap(), before);
    // The right value: no error left, and the file is the original byte for byte.
    let r = edit("0915 000 303", &s2["table"]["revision"]);
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["errors"], 0, "{}", r.json()["issues"]);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), good);
}

#[test]
fn a_cell_of_an_excel_table_is_edited_in_the_page() {
    let dir = example("hac-thanh");
    let app = app(dir.path());
    let xlsx = edited_xlsx(&dir.path().join("villages.csv"), NEW_VILLAGE);
    let s = post(&app, "/api/villages?name=thon.xlsx", "application/octet-stream", xlsx).json();
    let row = s["table"]["rows"][12].clone();
    let others = s["table"]["rows"].as_array().unwrap()[..12].to_vec();
    let phone = s["table"]["headers"]
        .as_array()
        .unwrap()
        .iter()
        .position(|h| h.as_str().unwrap().contains("phone"))
        .unwrap();
    assert_eq!(row["cells"][phone], "0915 000 399");
    let body = serde_json::json!({ "revision": s["table"]["revision"], "line": row["line"],
                                   "column": phone, "value": "0915 000 398" });
    let r = post(&app, "/api/cell", "application/json", body.to_string().into_bytes());
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let s = r.json();
    assert_eq!(s["errors"], 0, "{}", s["issues"]);
    assert_eq!(s["table"]["rows"][12]["cells"][phone], "0915 000 398");
    assert_eq!(s["table"]["rows"].as_array().unwrap()[..12], others[..], "the other rows kept");
    let p = get(&app, "/api/preview?layout=leaflet-a5&village=12").json();
    let words: String =
        p["pages"].as_array().unwrap().iter().map(|pg| pg["text"].as_str().unwrap()).collect();
    assert!(words.contains("0915 000 398"), "{words}");
    assert!(dir.path().join("thon.xlsx.bak").exists(), "the workbook before is kept");
}

/// The build's status once it has ended.
fn finished(app: &axum::Router) -> serde_json::Value {
    loop {
        let st = get(app, "/api/build").json();
        if !st["running"].as_bool().unwrap() {
            return st;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}
