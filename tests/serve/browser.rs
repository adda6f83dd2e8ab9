//! The page in a real browser: headless Chromium driven through chromedriver
//! (Debian's `chromium` and `chromium-driver`, installed by `.ci/run`). The
//! WebDriver protocol is plain JSON over HTTP, spoken here in a few lines.
//! Without chromium the test says so and passes (CI always has it).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::*;

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

fn find_program(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    names
        .iter()
        .flat_map(|n| std::env::split_paths(&path).map(move |d| d.join(n)))
        .find(|p| p.is_file())
}

/// A chromedriver process and one browser session, both ended on drop.
struct Driver {
    child: Child,
    port: u16,
    session: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = http(self.port, "DELETE", &format!("/session/{}", self.session), None);
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One WebDriver command; returns its `value`.
fn http(port: u16, method: &str, path: &str, body: Option<Value>) -> Result<Value, String> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    s.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .map_err(|e| e.to_string())?;
    // chromedriver keeps the connection open: read the headers, then exactly
    // Content-Length bytes.
    let mut raw = Vec::new();
    let mut buf = [0u8; 65536];
    let (head_len, body_len) = loop {
        let n = s.read(&mut buf).map_err(|e| e.to_string())?;
        if n == 0 {
            return Err("connection closed".into());
        }
        raw.extend_from_slice(&buf[..n]);
        if let Some(at) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&raw[..at]).to_ascii_lowercase();
            let len = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok())
                .ok_or("no Content-Length")?;
            break (at + 4, len);
        }
    };
    while raw.len() < head_len + body_len {
        let n = s.read(&mut buf).map_err(|e| e.to_string())?;
        if n == 0 {
            break;
        }
        raw.extend_from_slice(&buf[..n]);
    }
    let json = String::from_utf8_lossy(&raw[head_len..]);
    let v: Value = serde_json::from_str(&json).map_err(|e| format!("{e}: {json}"))?;
    if v["value"].get("error").is_some() {
        return Err(v["value"].to_string());
    }
    Ok(v["value"].clone())
}

impl Driver {
    fn start(chromium: &Path, chromedriver: &Path, profile: &Path) -> Driver {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let t = Instant::now();
        while http(port, "GET", "/status", None).is_err() {
            assert!(t.elapsed() < Duration::from_secs(30), "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        let caps = json!({ "capabilities": { "alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                         "--no-first-run", "--disable-background-networking",
                         "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                         "--window-size=1400,1100", "--lang=vi",
                         format!("--user-data-dir={}", profile.display())],
            },
        }}});
        let v = http(port, "POST", "/session", Some(caps)).expect("a browser session");
        let session = v["sessionId"].as_str().unwrap().to_string();
        Driver { child, port, session }
    }

    fn cmd(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let p = format!("/session/{}{path}", self.session);
        http(self.port, method, &p, body).unwrap_or_else(|e| panic!("{method} {path}: {e}"))
    }

    fn find(&self, css: &str) -> String {
        let v =
            self.wait(&format!("return !!document.querySelector({css:?})"), |v| v == &json!(true));
        assert_eq!(v, json!(true));
        let e = self.cmd("POST", "/element", Some(json!({"using": "css selector", "value": css})));
        e[ELEMENT].as_str().unwrap().to_string()
    }

    fn click(&self, css: &str) {
        let id = self.find(css);
        self.cmd("POST", &format!("/element/{id}/click"), Some(json!({})));
    }

    fn type_into(&self, css: &str, text: &str) {
        let id = self.find(css);
        self.cmd("POST", &format!("/element/{id}/clear"), Some(json!({})));
        self.cmd("POST", &format!("/element/{id}/value"), Some(json!({ "text": text })));
    }

    fn script(&self, js: &str) -> Value {
        self.cmd("POST", "/execute/sync", Some(json!({ "script": js, "args": [] })))
    }

    /// Runs `js` until `ok` holds (30 s at most), returning the last value.
    fn wait(&self, js: &str, ok: impl Fn(&Value) -> bool) -> Value {
        let t = Instant::now();
        loop {
            let v = self.script(js);
            if ok(&v) || t.elapsed() > Duration::from_secs(60) {
                return v;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn wait_text(&self, css: &str, needle: &str) {
        let js = format!(
            "return [...document.querySelectorAll({css:?})].map(e => e.textContent).join('\\n')"
        );
        let v = self.wait(&js, |v| v.as_str().is_some_and(|s| s.contains(needle)));
        assert!(v.as_str().unwrap().contains(needle), "`{needle}` not in {css}: {v}");
    }

    /// Makes the page `width` × `height` CSS pixels, as a phone or a laptop
    /// shows it (a phone's touch screen too, below 600 px).
    fn viewport(&self, width: u32, height: u32) {
        let params = json!({ "width": width, "height": height, "deviceScaleFactor": 1,
                             "mobile": width < 600 });
        self.cmd(
            "POST",
            "/goog/cdp/execute",
            Some(json!({ "cmd": "Emulation.setDeviceMetricsOverride", "params": params })),
        );
    }

    /// The whole page, also below the fold, as PNG: shown in a window as
    /// tall as the page (so a bar kept at the bottom is drawn at the bottom),
    /// then back to `width` × `height`.
    fn full_screenshot(&self, path: &Path, width: u32, height: u32) {
        let tall = self.script("return document.documentElement.scrollHeight");
        self.viewport(
            width,
            tall.as_u64().unwrap_or(u64::from(height)).max(u64::from(height)) as u32,
        );
        std::thread::sleep(Duration::from_millis(300));
        let v = self.cmd(
            "POST",
            "/goog/cdp/execute",
            Some(json!({ "cmd": "Page.captureScreenshot",
                         "params": { "format": "png", "captureBeyondViewport": true } })),
        );
        let png = base64::Engine::decode(
            &base64::engine::general_purpose::STANDARD,
            v["data"].as_str().unwrap(),
        )
        .unwrap();
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, png).unwrap();
        self.viewport(width, height);
    }

    fn screenshot(&self, path: &Path) {
        let b64 = self.cmd("GET", "/screenshot", None);
        let png = base64::Engine::decode(
            &base64::engine::general_purpose::STANDARD,
            b64.as_str().unwrap(),
        )
        .unwrap();
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, png).unwrap();
    }
}

/// Serves `dir` on a free loopback port in a background thread; returns the
/// address with its token.
fn serve(dir: &Path) -> String {
    let (tx, rx) = std::sync::mpsc::channel();
    let dir = dir.to_path_buf();
    std::thread::spawn(move || {
        let rt = runtime();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let port = listener.local_addr().unwrap().port();
            let token = canhbao::serve::new_token().unwrap();
            let app = canhbao::serve::app(&dir, &token, port).unwrap();
            tx.send(format!("http://127.0.0.1:{port}/?t={token}")).unwrap();
            axum::serve(listener, app).await.unwrap();
        });
    });
    rx.recv().unwrap()
}

#[test]
fn an_officer_edits_previews_and_builds_in_a_real_browser() {
    let Some((chromium, chromedriver)) = browser() else { return };
    let dir = example("hac-thanh");
    let xlsx = edited_xlsx(
        &dir.path().join("villages.csv"),
        ["Hàm Rồng Mới", "tổ dân phố", "Phạm Văn Khải", "0915 000 399", "301", "12", "2"],
    );
    let upload = tempfile::tempdir().unwrap();
    let file = upload.path().join("danh-sach-thon.xlsx");
    std::fs::write(&file, &xlsx).unwrap();
    let url = serve(dir.path());
    let profile = tempfile::tempdir().unwrap();
    let d = Driver::start(&chromium, &chromedriver, profile.path());
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/serve-screenshots");

    d.cmd("POST", "/url", Some(json!({ "url": url })));
    // The token left the address bar; the cookie carries it.
    d.wait("return location.href", |v| v.as_str().is_some_and(|s| !s.contains("t=")));
    d.wait_text("#preview-note", "tổ dân phố Điện Biên 1");
    d.wait_text(".page-text", "0237 3852 113");
    d.screenshot(&shots.join("1-open.png"));

    // Villages: upload the edited workbook, see the new village in the table.
    d.click("#tab-villages");
    let input = d.find("#villages-file");
    d.cmd(
        "POST",
        &format!("/element/{input}/value"),
        Some(json!({ "text": file.display().to_string() })),
    );
    d.wait_text("#village-table", "Hàm Rồng Mới");
    d.wait_text("#village-table", "0915 000 399");
    // …and in the preview, picked from the village list.
    d.click("#preview-village option[value=\"12\"]");
    d.wait_text("#preview-note", "tổ dân phố Hàm Rồng Mới");
    d.wait_text(".page-text", "Phạm Văn Khải");
    d.screenshot(&shots.join("2-villages.png"));

    // The form: change the duty phone, save, see it in the preview.
    d.click("#tab-form");
    d.type_into("#contact-phone-0", "0237 3852 999");
    // The phone is at the top of a long form: its save button is in sight.
    let seen = "const r = document.querySelector('#save').getBoundingClientRect(); \
                return r.bottom <= innerHeight && r.top >= 0";
    assert_eq!(d.script(seen), json!(true), "the save button is on screen");
    d.click("#save");
    d.wait_text(".page-text", "0237 3852 999");
    let toml = std::fs::read_to_string(dir.path().join("campaign.toml")).unwrap();
    assert!(toml.contains("phone = \"0237 3852 999\""), "{toml}");
    d.screenshot(&shots.join("3-form.png"));

    // Build, with progress, then the summary and the downloads.
    d.click("#tab-build");
    d.click("#build");
    d.wait_text("#summary", "Xong trong");
    d.wait_text("#summary", "Tờ rơi A5 hai mặt");
    // The summary adds up: the number it announces is the sum of its lines,
    // each line says in words what its files are, seconds with a decimal comma.
    let sum = d.script(
        "const n = [...document.querySelectorAll('#made td.files')].reduce((a, td) => a + Number(td.textContent.replace(/\\./g, '')), 0);
         const said = document.querySelector('#done').textContent;
         return [n, said];",
    );
    let said = sum[1].as_str().unwrap();
    assert!(said.contains(&format!(": {} tệp, liệt kê dưới đây", sum[0])), "{sum}");
    // The note under the table counts the same files: new, unchanged and the rest add up.
    let fresh = d.script("return document.querySelector('#fresh').textContent");
    assert!(fresh.as_str().unwrap().starts_with(&format!("Trong {} tệp: ", sum[0])), "{fresh}");
    // A proof is one copy of many pages; the print shop's table is not printed, and says so.
    let cells = d.script(
        "return [...document.querySelectorAll('#made tr')].slice(1).map(tr => [tr.cells[0].textContent, tr.cells[2].textContent]);",
    );
    for row in cells.as_array().unwrap() {
        let (what, copies) = (row[0].as_str().unwrap(), row[1].as_str().unwrap());
        assert!(!copies.trim().is_empty(), "an empty cell: {what}");
        if what.starts_with("Bản duyệt") {
            // 13 villages here (one added on tab 2), 2 pages each; 13 posters of 1.
            let pages = if what.contains("tờ rơi A5") { 26 } else { 13 };
            assert_eq!(copies, format!("1 bản ({pages} trang)"), "{what}");
        }
    }
    // A phường has tổ dân phố: the page says so, not "thôn".
    // (The preview pane is drawn again after a build: its label and toggle
    // are read once they are back, not in the instant between.)
    let text = d
        .wait(
            "const e = ['#tab-villages', '#build', 'label[for=preview-village]', '#sheet-toggle', '#fresh', '#made', '.downloads + p']
               .map(c => document.querySelector(c));
             return e.every(Boolean) ? e.map(x => x.textContent).join('|') : null",
            |v| v.is_string(),
        )
        .as_str()
        .expect("every element of the page's words is on the page")
        .to_string();
    assert!(!text.to_lowercase().contains("thôn"), "{text}");
    assert!(text.contains("Tạo tệp in cho mọi tổ dân phố"), "{text}");
    assert!(regex_lite_comma(said), "seconds with a decimal comma: {said}");
    for words in [
        "Tờ rơi A5 hai mặt cho từng hộ gia đình: một tệp cho mỗi tổ dân phố",
        "tờ in ghép cho nhà in",
        "mỗi tờ in 2 bản, nhà in cắt ra được",
        "Bản duyệt tờ rơi A5",
        "ảnh để đăng nhóm Zalo",
        "Bài phát thanh trên loa, mỗi tổ dân phố một bài",
        "Bảng số bản cần in",
    ] {
        d.wait_text("#made", words);
    }
    // The downloads stay on the first screen, above any list of warnings.
    let below = "const r = document.querySelector('#dl-print').getBoundingClientRect(); \
                 return r.bottom <= innerHeight && r.top >= 0";
    assert_eq!(d.script(below), json!(true), "the print download is on screen");
    d.screenshot(&shots.join("4-build.png"));
    // The summary may be drawn once more by the last poll: read the link when it is there.
    let href = d.wait(
        "const a = document.querySelector('#dl-print'); return a && a.getAttribute('href')",
        |v| v.is_string(),
    );
    assert_eq!(href, "/download/print.zip");
    let b64 = d.cmd(
        "POST",
        "/execute/async",
        Some(json!({ "args": [], "script": "const done = arguments[0];
            fetch('/download/print.zip').then(r => r.blob()).then(b => {
              const f = new FileReader(); f.onload = () => done(f.result.split(',')[1]); f.readAsDataURL(b);
            });" })),
    );
    let bytes =
        base64::Engine::decode(&base64::engine::general_purpose::STANDARD, b64.as_str().unwrap())
            .unwrap();
    let zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let names: Vec<&str> = zip.file_names().collect();
    assert!(names.contains(&"print-order.csv"), "{names:?}");
    assert!(names.contains(&"leaflet-a5/to-dan-pho-ham-rong-moi.pdf"), "{names:?}");
    assert_eq!(names.iter().filter(|n| n.starts_with("leaflet-a5/")).count(), 13);
    assert!(names.iter().any(|n| n.starts_with("print/")), "{names:?}");
}

/// Whether `said` has seconds written with a decimal comma ("1,7 giây").
fn regex_lite_comma(said: &str) -> bool {
    let at = said.find(" giây").unwrap_or(0);
    let n = &said[..at];
    n.rsplit(' ').next().is_some_and(|x| x.contains(',') || x.chars().all(|c| c.is_ascii_digit()))
        && !n.rsplit(' ').next().unwrap_or("").contains('.')
}

/// Waits until the preview has finished drawing.
fn drawn(d: &Driver) {
    let v = d.wait(
        "const n = document.querySelector('#preview-note'); return !!n && n.textContent !== '' && !n.textContent.includes('Đang tạo bản xem trước') && !!document.querySelector('#preview-pages img, #sheet-tiles, #preview-note')",
        |v| v == &json!(true),
    );
    assert_eq!(v, json!(true));
    d.wait("return [...document.querySelectorAll('#preview-pages img, #sheet-tiles img')].every(i => i.complete)", |v| v == &json!(true));
}

/// Chromium and chromedriver, or `None` (then the test says why it skipped).
fn browser() -> Option<(PathBuf, PathBuf)> {
    let found = (find_program(&["chromium", "chromium-browser"]), find_program(&["chromedriver"]));
    if let (Some(chromium), Some(driver)) = found {
        return Some((chromium, driver));
    }
    assert!(
        std::env::var_os("CANHBAO_REQUIRE_BROWSER").is_none(),
        "CANHBAO_REQUIRE_BROWSER is set but chromium or chromedriver is missing"
    );
    eprintln!(
        "NOTICE: browser test skipped: chromium and chromedriver are not installed here (.ci/run installs them)"
    );
    None
}

#[test]
fn a_new_officer_starts_from_the_official_list_in_a_real_browser() {
    let Some((chromium, chromedriver)) = browser() else { return };
    let dir = tempfile::tempdir().unwrap();
    let url = serve(dir.path());
    let profile = tempfile::tempdir().unwrap();
    let d = Driver::start(&chromium, &chromedriver, profile.path());
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/serve-screenshots");

    d.cmd("POST", "/url", Some(json!({ "url": url })));
    // The province is picked from the 34 of the official list.
    let count = d.wait("return document.querySelectorAll('#s-province option').length", |v| {
        v.as_u64().is_some_and(|n| n > 1)
    });
    assert_eq!(count, json!(35), "34 provinces and the empty choice");
    d.click("#s-province option[value=\"Thanh Hóa\"]");
    // Typed without its accents, as on a keyboard without Vietnamese input.
    d.type_into("#s-name", "Tien Trang");
    d.type_into("#s-phone", "0237 3868 457");
    d.click("#start button[type=submit]");
    d.wait_text(
        "#s-name-problem",
        "“Tien Trang” không có trong danh sách xã, phường của Thanh Hóa",
    );
    d.wait_text("#s-name-problem", "Dùng: xã Tiên Trang");
    assert!(std::fs::read_dir(dir.path()).unwrap().next().is_none(), "nothing written yet");
    d.screenshot(&shots.join("0-start-problem.png"));
    d.click("#s-name-problem button");
    let name = d.script("return document.querySelector('#s-name').value");
    assert_eq!(name, json!("Tiên Trang"));
    // One click: the problem and the red status are gone with it.
    let left = d.script(
        "return document.querySelector('#s-name-problem').textContent + '|' + document.querySelector('#status').textContent",
    );
    assert_eq!(left, json!("|"), "after one click");
    let issuer = d.script("return document.querySelector('#s-issuer').value");
    assert_eq!(issuer, json!("Công an xã Tiên Trang"));
    d.click("#start button[type=submit]");
    d.wait_text("#commune", "xã Tiên Trang");
    // The template's village table still has cells to fill: its row is
    // listed with the problems (on tab 2, which counts them), the commune
    // stays in the header.
    d.wait_text("#preview-village", "thôn Đông Hải");
    d.wait_text("#tab-villages", "lỗi)");
    d.click("#tab-villages");
    d.wait_text("#village-table tr.problem", "Lỗi: ");
    // Only tab 2 has errors: the preview names it alone; the template's row says it is an example.
    d.wait_text("#preview-note", "Sửa các lỗi được chỉ ra ở mục 2 rồi xem lại.");
    d.wait_text("#village-table tr.sample", "dòng mẫu có sẵn (không tính là lỗi)");
    // A note, not an error: amber, not the errors' red; it says the page can change the row.
    let colour = d.script(
        "return getComputedStyle(document.querySelector('#village-table .sample-note')).color",
    );
    assert_ne!(colour, json!("rgb(138, 13, 19)"), "the sample note is not red");
    d.wait_text("#village-table .sample-note", "ngay trên trang");
    // The file is chosen with a button, Excel or .csv.
    d.wait_text("#pick-file", "Chọn tệp Excel (.xlsx) hoặc .csv");
    d.screenshot(&shots.join("0-start-created.png"));
    let toml = std::fs::read_to_string(dir.path().join("campaign.toml")).unwrap();
    assert!(toml.lines().any(|l| l == "phone = \"0237 3868 457\""), "{toml}");
    assert!(toml.lines().any(|l| l == "province = \"Thanh Hóa\""), "{toml}");
}

/// Where the screenshots of the tests go (looked at by a person).
fn shots() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("target/serve-screenshots")
}

/// The page of a copy of `example` opened in a fresh browser.
fn open(example_name: &str) -> (tempfile::TempDir, Driver, tempfile::TempDir) {
    let (chromium, chromedriver) = browser().expect("checked by the caller");
    let dir = example(example_name);
    let url = serve(dir.path());
    let profile = tempfile::tempdir().unwrap();
    let d = Driver::start(&chromium, &chromedriver, profile.path());
    d.cmd("POST", "/url", Some(json!({ "url": url })));
    d.wait_text("#preview-note", "—");
    (dir, d, profile)
}

/// Waits for the end of the build the page started; returns the summary's text.
fn built(d: &Driver) -> String {
    d.wait_text("#build-status", "Xong trong");
    d.script("return document.querySelector('#build-status').textContent").as_str().unwrap().into()
}

#[test]
fn an_edit_not_yet_saved_is_saved_before_the_build() {
    if browser().is_none() {
        return;
    }
    let (dir, d, _profile) = open("hac-thanh");
    d.click("#tab-build");
    d.click("#build");
    built(&d);
    // The officer changes the hotline, does not press "Lưu", builds again.
    d.click("#tab-form");
    d.type_into("#contact-phone-0", "0237 3852 999");
    d.click("#tab-build");
    d.click("#build");
    d.wait_text("#build-status", "Xong trong");
    let summary = built(&d);
    assert!(!summary.contains(": 0 tệp vừa tạo mới"), "the new number was built: {summary}");
    let toml = std::fs::read_to_string(dir.path().join("campaign.toml")).unwrap();
    assert!(toml.contains("phone = \"0237 3852 999\""), "{toml}");
    let out = std::process::Command::new("pdftotext")
        .arg(dir.path().join("out/leaflet-a5/to-dan-pho-dien-bien-1.pdf"))
        .arg("-")
        .output();
    if let Ok(out) = out {
        let text = String::from_utf8_lossy(&out.stdout).replace('\u{a0}', " ");
        assert!(text.contains("0237 3852 999"), "{text}");
    }
}

#[test]
fn a_save_from_a_stale_page_is_refused_and_nothing_is_built() {
    if browser().is_none() {
        return;
    }
    let (dir, d, _profile) = open("hac-thanh");
    d.click("#tab-form");
    d.type_into("#issuer-name", "Công an phường Hạc Thành (thẻ B)");
    // Meanwhile another tab (or Notepad) saves the file.
    let path = dir.path().join("campaign.toml");
    let other =
        std::fs::read_to_string(&path).unwrap().replacen("0237 3852 113", "0237 3852 111", 1);
    std::fs::write(&path, &other).unwrap();
    d.click("#tab-build");
    d.click("#build");
    d.wait_text("#build-refused", "Chưa tạo tệp nào");
    d.wait_text("#build-refused", "cửa sổ trình duyệt khác");
    d.wait_text("#tab-form", "(chưa lưu)");
    let words = d.script("return document.querySelector('#build-status').textContent");
    assert!(!words.as_str().unwrap().contains("thẻ"), "tab and window told apart: {words}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), other, "the other save is kept");
    assert!(!dir.path().join("out").exists(), "nothing built");
    // The refusal stands clear of the button above it.
    let gap = d.script(
        "return document.querySelector('#build-refused').getBoundingClientRect().top - document.querySelector('#build').getBoundingClientRect().bottom",
    );
    assert!(gap.as_f64().unwrap() >= 8.0, "gap {gap}");
    // The preview shows the file as the other window saved it.
    d.wait_text(".page-text", "0237 3852 111");
    drawn(&d);
    d.screenshot(&shots().join("stale-refused.png"));
    // One button loads the other window's version; what he typed is listed to type again.
    d.click("#stale-reload");
    d.wait("return document.querySelector('#contact-phone-0') && document.querySelector('#contact-phone-0').value", |v| v == &json!("0237 3852 111"));
    assert_eq!(
        d.script("return document.querySelector('#contact-phone-0').value"),
        json!("0237 3852 111")
    );
    d.wait_text(
        "#stale-typed",
        "Đơn vị phát hành (in ở cuối tờ rơi): Công an phường Hạc Thành (thẻ B)",
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), other, "nothing written by the reload");
    // Only what he typed: not the number the other window changed.
    let typed = d.script("return document.querySelector('#stale-typed').textContent");
    assert!(!typed.as_str().unwrap().contains("0237 3852 11"), "{typed}");
    drawn(&d);
    d.screenshot(&shots().join("stale-reloaded.png"));
}

/// Whether anything sticks out of the page sideways, with what does.
const OVERFLOW: &str = "const w = document.documentElement.clientWidth;
    const out = [...document.querySelectorAll('body *')].filter(e => {
      if (e.closest('.scroll')) return false;
      const r = e.getBoundingClientRect();
      return r.width > 0 && (r.right > w + 1 || r.left < -1);
    }).slice(0, 5).map(e => e.tagName + '#' + e.id + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right));
    return { scroll: document.documentElement.scrollWidth, width: w, out: out };";

#[test]
fn the_page_fits_a_phone_and_the_save_bar_covers_no_field() {
    if browser().is_none() {
        return;
    }
    let (_dir, d, _profile) = open("hac-thanh");
    let review = shots().join("review");
    for (w, h) in [(390, 844), (360, 740), (1366, 768), (1920, 1080)] {
        d.viewport(w, h);
        for tab in ["form", "villages", "build"] {
            d.click(&format!("#tab-{tab}"));
            d.wait_text("#preview-note", "—");
            if tab == "build" && w == 390 {
                d.click("#build");
                built(&d);
            } else if tab == "build" {
                // Back on tab 3 later: the last build's summary is shown again.
                built(&d);
            }
            // What the officer reads is in his words: no file or trade jargon.
            let words = d.script("return document.body.innerText");
            for jargon in [
                "campaign.toml",
                ".bak",
                "Fanpage",
                "sra4",
                "leaflet-a5",
                "(social)",
                "Thư mục: /",
                "print-order.csv",
                "(.zip)",
                "thư mục print",
                "https://…",
                "Lề xén",
                "In dư",
                "Enter để lưu",
                "Dữ liệu hợp lệ",
                "In to nhất",
                "Đang vẽ",
                "C, M, Y, K theo %",
                " px)",
            ] {
                assert!(
                    !words.as_str().unwrap().contains(jargon),
                    "{jargon} on tab {tab}: {words}"
                );
            }
            let v = d.script(OVERFLOW);
            assert!(
                v["scroll"].as_u64() <= v["width"].as_u64() && v["out"] == json!([]),
                "{w} px, tab {tab}: {v}"
            );
            if tab == "villages" && w < 600 {
                // No mouse to drag with on a phone: a button, no drag wording.
                let drop = d.script("return document.querySelector('#drop').textContent");
                assert!(drop.as_str().unwrap().starts_with("Bấm nút"), "{w} px: {drop}");
                // One card per village: nothing scrolls sideways, a phone number on one line.
                let v = d.script(
                    "const t = document.querySelector('#village-table');
                     const td = [...t.querySelectorAll('td.nowrap')].find(td => /\\d{4} \\d{3} \\d{3}/.test(td.textContent));
                     const line = parseFloat(getComputedStyle(td).lineHeight) || 22;
                     return { table: t.scrollWidth, width: t.parentElement.clientWidth, phone: td.getBoundingClientRect().height, line: line };",
                );
                assert!(
                    v["table"].as_f64() <= v["width"].as_f64(),
                    "{w} px: the table scrolls sideways: {v}"
                );
                assert!(
                    v["phone"].as_f64().unwrap() < 2.0 * v["line"].as_f64().unwrap(),
                    "{w} px: a phone number wraps: {v}"
                );
            }
            if w < 600 {
                // Tap targets and help text a thumb and an eye can use.
                let v = d.script(
                    "const small = [...document.querySelectorAll('input[type=checkbox], input[type=radio]')].filter(e => e.getBoundingClientRect().width > 0 && e.getBoundingClientRect().width < 24).length;
                     const tiny = [...document.querySelectorAll('.muted, label, figcaption')].filter(e => e.getBoundingClientRect().width > 0 && parseFloat(getComputedStyle(e).fontSize) < 14).length;
                     return [small, tiny];",
                );
                assert_eq!(
                    v,
                    json!([0, 0]),
                    "{w} px, tab {tab}: boxes under 24 px, text under 14 px"
                );
            }
            if w == 1366 && tab == "build" {
                // The column is cut at the screen's edge: a line under it says more is below,
                // and goes once the end is reached.
                let v = d.wait(
                    "const p = document.querySelector('#pane'); const m = document.querySelector('#more');
                     return [p.scrollHeight > p.clientHeight + 4, !!m && m.getBoundingClientRect().height > 0];",
                    |v| v == &json!([true, true]),
                );
                assert_eq!(v, json!([true, true]), "a cue under the cut column");
                d.script(
                    "const p = document.querySelector('#pane'); p.scrollTop = p.scrollHeight;",
                );
                let gone = d.wait(
                    "return document.querySelector('#more').getBoundingClientRect().height",
                    |v| v == &json!(0),
                );
                assert_eq!(gone, json!(0), "no cue at the end");
                d.script("document.querySelector('#pane').scrollTop = 0");
            }
            drawn(&d);
            if w == 390 || w == 1366 {
                d.full_screenshot(&review.join(format!("{w}-{tab}.png")), w, h);
                d.screenshot(&review.join(format!("{w}-{tab}-first-screen.png")));
            }
        }
    }
    // At 1366 × 768, every field of the form can be brought into view and
    // is then under no bar: what is seen at its middle is the field itself.
    for (w, h) in [(1366, 768), (390, 844)] {
        d.viewport(w, h);
        d.click("#tab-form");
        d.script("document.querySelector('#printshop').open = true");
        let covered = d.script(
        "const bad = [];
         const fields = [...document.querySelectorAll('#campaign input, #campaign select, #campaign label')];
         // The last field first, scrolled to the very end of the page and of its pane.
         fields.unshift(fields[fields.length - 1]);
         // On a phone the preview follows the form: the form's end is where its bar rests.
         const form = document.querySelector('#campaign');
         if (innerWidth < 981) window.scrollBy(0, form.getBoundingClientRect().bottom - innerHeight);
         document.querySelector('#pane').scrollTop = 1e6;
         for (const f of fields) {
           if (f !== fields[0]) f.scrollIntoView({ block: 'nearest' });
           const bar = document.querySelector('#savebar').getBoundingClientRect();
           const r = f.getBoundingClientRect();
           if (r.width === 0) continue;
           const x = r.left + r.width / 2, y = r.top + r.height / 2;
           const hit = document.elementFromPoint(x, y);
           const overlaps = r.bottom > bar.top + 1 && r.top < bar.bottom - 1;
           if (overlaps || !(hit === f || f.contains(hit) || (hit && hit.contains(f) && hit.tagName === 'LABEL')))
             bad.push((f.id || f.textContent.trim().slice(0, 30)) + ' under ' + (hit ? hit.tagName + '#' + hit.id : 'nothing'));
         }
         return bad;",
    );
        assert_eq!(covered, json!([]), "fields covered at {w} × {h}");
        // As the page opens, before any scrolling: the bar covers no field on the screen.
        d.click("#tab-form");
        let first = d.script(
            "window.scrollTo(0, 0); document.querySelector('#pane').scrollTop = 0;
             const bar = document.querySelector('#savebar').getBoundingClientRect();
             return [...document.querySelectorAll('#campaign input, #campaign select, #campaign label')]
               .map(f => [f.id || f.textContent.trim().slice(0, 30), f.getBoundingClientRect()])
               // What is drawn: on a wide screen the form's column clips what is below its edge.
               .filter(([_, r]) => r.width > 0 && r.top < Math.min(innerHeight, document.querySelector('#pane').getBoundingClientRect().bottom) && r.bottom > 0)
               .filter(([_, r]) => r.bottom > bar.top + 1 && r.top < bar.bottom - 1 && bar.top < innerHeight)
               .map(([n]) => n);",
        );
        assert_eq!(first, json!([]), "fields under the bar on the first screen at {w} × {h}");
    }
    // Once something is typed, the save button comes into sight wherever the officer is.
    d.viewport(390, 844);
    d.click("#tab-form");
    d.type_into("#contact-phone-0", "0237 3852 113");
    let seen = d.script(
        "const r = document.querySelector('#save').getBoundingClientRect(); return r.bottom <= innerHeight && r.top >= 0",
    );
    assert_eq!(seen, json!(true), "the save button in sight after an edit");
}

#[test]
fn a_bad_village_leaves_the_others_in_preview_and_is_fixed_in_its_cell() {
    if browser().is_none() {
        return;
    }
    let (dir, d, _profile) = open("hac-thanh");
    let path = dir.path().join("villages.csv");
    let good = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, good.replacen("0915 000 303", "0915 000 3O3", 1)).unwrap();
    // The other villages are still previewed.
    d.wait_text("#preview-village", "còn lỗi (dòng 5 của tệp)");
    let value = d.script(
        "return [...document.querySelectorAll('#preview-village option')].find(o => o.textContent.endsWith('Lam Sơn 2')).value",
    );
    d.click(&format!("#preview-village option[value=\"{}\"]", value.as_str().unwrap()));
    d.wait_text("#preview-note", "Lam Sơn 2");
    d.wait_text(".page-text", "Phạm Thu Trang");
    d.wait_text("#preview-note", "1 tổ dân phố còn lỗi");
    // The error shows once, on its row of tab 2, not on tab 1.
    let count = "return [...document.querySelectorAll('#left *')].filter(e => e.children.length === 0 && e.textContent.includes('3O3') && e.textContent.includes('không phải chữ số')).length";
    d.click("#tab-form");
    assert_eq!(d.script(count), json!(0), "village errors are not on tab 1");
    d.click("#tab-villages");
    d.wait_text("#village-table", "0915 000 3O3");
    assert_eq!(d.script(count), json!(1), "the error once, on its row");
    // The preview drawn before is still there after a change of tab, at once.
    assert_eq!(
        d.script("return !!document.querySelector('#preview-pages .page-text')"),
        json!(true),
        "the preview is kept across tabs"
    );
    drawn(&d);
    d.screenshot(&shots().join("bad-cell.png"));
    // Fixed in its cell.
    d.click("#village-table td.bad");
    // The cell's text is selected: typing replaces it (WebDriver's "clear"
    // would leave the cell, which saves it).
    let input = d.find("#village-table td input");
    d.cmd("POST", &format!("/element/{input}/value"), Some(json!({ "text": "0915 000 303\n" })));
    d.wait("return document.querySelectorAll('#village-table td.bad').length", |v| v == &json!(0));
    assert_eq!(
        d.script("return document.querySelectorAll('#village-table td.bad').length"),
        json!(0)
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), good);
    let tab = d.wait("return document.querySelector('#tab-villages').textContent", |v| {
        v == &json!("2. Danh sách tổ dân phố")
    });
    assert_eq!(tab, json!("2. Danh sách tổ dân phố"), "no error left on tab 2");
}

#[test]
fn the_all_villages_view_names_each_village_and_its_officers_phone() {
    if browser().is_none() {
        return;
    }
    let (_dir, d, _profile) = open("hac-thanh");
    d.viewport(1366, 768);
    d.click("#sheet-toggle");
    d.wait_text(".tile-name", "tổ dân phố Lam Sơn 1");
    d.wait_text(".tile-phone", "Trần Quốc Bảo · 0915 000 303");
    let tiles = d.script("return document.querySelectorAll('.tile').length");
    assert_eq!(tiles, json!(12));
    drawn(&d);
    d.screenshot(&shots().join("sheet.png"));
    d.click(".tile:nth-child(3)");
    d.wait_text("#preview-note", "tổ dân phố Lam Sơn 1");
}

#[test]
fn a_commune_typed_without_marks_is_offered_from_the_list() {
    let Some((chromium, chromedriver)) = browser() else { return };
    let dir = tempfile::tempdir().unwrap();
    let url = serve(dir.path());
    let profile = tempfile::tempdir().unwrap();
    let d = Driver::start(&chromium, &chromedriver, profile.path());
    d.cmd("POST", "/url", Some(json!({ "url": url })));
    d.click("#s-province option[value=\"Nghệ An\"]");
    d.type_into("#s-name", "cua lo");
    d.wait_text("#s-name-suggest", "phường Cửa Lò");
    // Not a listed name yet: the issuer line waits for one.
    assert_eq!(d.script("return document.querySelector('#s-issuer').value"), json!(""));
    d.wait_text("label[for=s-phone]", "bắt buộc");
    d.viewport(390, 844);
    let v = d.script(OVERFLOW);
    assert!(v["scroll"].as_u64() <= v["width"].as_u64() && v["out"] == json!([]), "{v}");
    d.full_screenshot(&shots().join("review/390-start.png"), 390, 844);
    d.viewport(1366, 768);
    d.full_screenshot(&shots().join("review/1366-start.png"), 1366, 768);
    d.click("#s-name-suggest button");
    assert_eq!(d.script("return document.querySelector('#s-name').value"), json!("Cửa Lò"));
    assert_eq!(d.script("return document.querySelector('#s-kind').value"), json!("phường"));
    // One click fixes the issuer line too, with marks and the kind.
    assert_eq!(
        d.script("return document.querySelector('#s-issuer').value"),
        json!("Công an phường Cửa Lò")
    );
    d.wait_text("label[for=s-name]", "không ghi chữ “xã”, “phường”");
    d.full_screenshot(&shots().join("review/1366-start-used.png"), 1366, 768);
    // No province chosen: the unit with its province.
    d.click("#s-province option[value=\"\"]");
    d.type_into("#s-name", "Huu Kiem");
    d.wait_text("#s-name-suggest", "xã Hữu Kiệm (Nghệ An)");
    d.click("#s-name-suggest button");
    assert_eq!(d.script("return document.querySelector('#s-province').value"), json!("Nghệ An"));
    assert_eq!(d.script("return document.querySelector('#s-name').value"), json!("Hữu Kiệm"));
}

// ---- issue 27: the fourth step -------------------------------------------

#[path = "../common/theo_doi.rs"]
mod theo_doi;

#[test]
fn the_fourth_step_reads_the_filled_workbook_shows_progress_and_makes_the_report() {
    if browser().is_none() {
        return;
    }
    let (dir, d, _profile) = open("nam-gia-nghia");
    d.click("#tab-build");
    d.click("#build");
    built(&d);
    let book = dir.path().join("theo-doi.xlsx");
    assert!(book.is_file(), "the build wrote the tracking workbook");
    // The villages fill it (a copy elsewhere, as an officer's download).
    let desk = tempfile::tempdir().unwrap();
    let filled = desk.path().join("theo-doi.xlsx");
    std::fs::copy(&book, &filled).unwrap();
    let g = theo_doi::grid(&filled, "Theo dõi");
    let (h, head) = theo_doi::header(&g, "Thôn");
    let col = |name: &str| head.iter().position(|c| c == name).unwrap();
    let data = &g[h + 1..];
    let (mut reached, mut households) = (0u64, 0u64);
    let mut set = Vec::new();
    // The last village has not reported: its bar says so, with no "0 /".
    let silent = data.len() - 1;
    for (i, row) in data.iter().enumerate().take(silent) {
        let n: u64 = row[col("Số hộ")].parse().unwrap();
        let r = n * (i as u64 % 4 + 1) / 4;
        households += n;
        reached += r;
        set.push((h + 1 + i, "Số hộ đã nhận", theo_doi::Value::Number(r as f64)));
        set.push((h + 1 + i, "Số tờ rơi đã phát", theo_doi::Value::Number(r as f64)));
        set.push((h + 1 + i, "Ngày nhận", theo_doi::Value::Date(2026, 3, 20)));
    }
    theo_doi::fill(&filled, &set, &[((2026, 4, 1), true, true)]);
    d.click("#tab-report");
    // The half-year running or just ended is the default, not the whole year.
    let half = d.script("return document.querySelector('#report-half').value");
    assert!(half == json!("H1") || half == json!("H2"), "{half}");
    // The workbook's dates are of the first half of 2026.
    d.script("const y = document.querySelector('#report-year'); y.value = '2026'; y.dispatchEvent(new Event('change'));");
    d.script("const h = document.querySelector('#report-half'); h.value = 'H1'; h.dispatchEvent(new Event('change'));");
    let upload = |d: &Driver| {
        let id = d.find("#report-file");
        d.cmd(
            "POST",
            &format!("/element/{id}/value"),
            Some(json!({ "text": filled.display().to_string() })),
        );
    };
    upload(&d);
    let dots = theo_doi::dots;
    d.wait_text("#report-totals", &format!("{} / {} hộ đã nhận", dots(reached), dots(households)));
    // Nobody counted cards: "no figure", not 0.
    d.wait_text("#report-totals", "thẻ: chưa có số liệu");
    // A bar per village: households reached of households.
    let bars = d.script("return [...document.querySelectorAll('#progress-list progress')].map(p => [p.value, p.max])");
    let want: Vec<Value> = data
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let n: u64 = row[col("Số hộ")].parse().unwrap();
            let r = if i == silent { 0 } else { n * (i as u64 % 4 + 1) / 4 };
            json!([r, n])
        })
        .collect();
    assert_eq!(bars, json!(want));
    let last = d.script(
        "return [...document.querySelectorAll('#progress-list .vcount')].pop().textContent",
    );
    let n: u64 = data[silent][col("Số hộ")].parse().unwrap();
    assert_eq!(last, json!(format!("{} hộ — chưa báo cáo", dots(n))));
    // The campaign is a phường: its own words, not "Cả xã" and "thôn".
    d.wait_text("#report-totals", "Cả phường: ");
    d.wait_text(
        "#report-totals",
        &format!("{}/{} tổ dân phố đã báo cáo", data.len() - 1, data.len()),
    );
    // The bars come before the button that makes the report from them.
    let order = d.script("return document.querySelector('#progress-list').compareDocumentPosition(document.querySelector('#report-make'))");
    assert_eq!(order.as_u64().map(|o| o & 4), Some(4), "the button is below the bars");
    // Nothing wider than a phone.
    d.viewport(390, 844);
    let v = d.script(OVERFLOW);
    assert!(v["scroll"].as_u64() <= v["width"].as_u64() && v["out"] == json!([]), "{v}");
    d.full_screenshot(&shots().join("review/390-report.png"), 390, 844);
    d.viewport(1366, 768);
    d.full_screenshot(&shots().join("review/1366-report.png"), 1366, 768);
    d.click("#report-make");
    // A confirmation naming the files, each a download link.
    d.wait_text("#report-made", "Đã lập báo cáo 6 tháng đầu năm 2026");
    let href = d.script("return document.querySelector('#report-docx').getAttribute('href')");
    assert_eq!(href, json!("/file/bao-cao/bao-cao-2026-H1.docx"));
    d.wait_text("#report-docx", "Tải về bao-cao-2026-H1.docx");
    d.wait_text("#report-pdf", "Tải về bao-cao-2026-H1.pdf");
    assert!(dir.path().join("out/bao-cao/bao-cao-2026-H1.docx").is_file());
    assert!(dir.path().join("out/bao-cao/bao-cao-2026-H1.pdf").is_file());
    d.full_screenshot(&shots().join("review/1366-report-made.png"), 1366, 768);
    d.viewport(390, 844);
    d.full_screenshot(&shots().join("review/390-report-made.png"), 390, 844);
    d.viewport(1366, 768);
    // Impossible figures: refused with the file, the cell and the village;
    // the same slip in three rows is one line; nothing says "no errors" and
    // no old report is offered.
    let name = |i: usize| data[i][col("Thôn")].clone();
    let mut bad: Vec<_> =
        (1..=3).map(|i| (h + i, "Số hộ đã nhận", theo_doi::Value::Number(1_000_000.0))).collect();
    bad.push((h + 4, "Ngày nhận", theo_doi::Value::Date(2026, 8, 1)));
    theo_doi::fill(&filled, &bad, &[]);
    upload(&d);
    d.wait_text("#report-refused", "Sổ theo dõi chưa nhận được: 4 lỗi — sửa rồi gửi lại");
    let items = d.script(
        "return [...document.querySelectorAll('#report-issues li')].map(l => l.textContent)",
    );
    let items: Vec<String> = serde_json::from_value(items).unwrap();
    assert_eq!(items.len(), 2, "{items:?}");
    let group = format!("cột Số hộ đã nhận, dòng {}–{} (3 ô)", h + 2, h + 4);
    assert!(items[0].contains(&group) && items[0].contains(&name(0)), "{items:?}");
    let cell = format!("{}{}", (b'A' + col("Ngày nhận") as u8) as char, h + 5);
    let single = format!("theo-doi.xlsx:{}: lỗi: [Ngày nhận] ô {cell} ({}):", h + 5, name(3));
    assert!(items[1].starts_with(&single), "`{single}` in {items:?}");
    let shown = d.script("return [!!document.querySelector('#report-docx'), !!document.querySelector('#report-make'), document.querySelector('#status').textContent]");
    assert_eq!(shown[0], json!(false), "no download after a refusal");
    assert_eq!(shown[1], json!(false), "no button after a refusal");
    assert!(!shown[2].as_str().unwrap_or("").contains("Không có lỗi"), "{shown}");
    d.viewport(390, 844);
    d.full_screenshot(&shots().join("review/390-report-refused.png"), 390, 844);
}
