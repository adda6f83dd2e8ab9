//! The routes: each one a thin call into the library.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Instant, UNIX_EPOCH};

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path as UrlPath, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use toml_edit::DocumentMut;

use super::{Shared, form};
use crate::campaign::villages::{Table, read_table};
use crate::diag::Issue;
use crate::output::write_atomic;

type S = State<Arc<Shared>>;

/// Resolution of preview pages (the page fits a half screen).
const PREVIEW_DPI: f32 = 80.0;

/// A refusal with a sentence for the page.
fn fail(status: StatusCode, msg: impl Into<String>) -> Response {
    (status, Json(json!({ "error": msg.into() }))).into_response()
}

/// Runs blocking work (file reads, Typst) off the request threads.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(f).await.expect("a preview or file task panicked")
}

// ---- assets --------------------------------------------------------------

pub async fn index() -> Response {
    let html = include_str!("assets/index.html");
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response()
}

pub async fn script() -> Response {
    let js = include_str!("assets/app.js");
    ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8")], js).into_response()
}

pub async fn style() -> Response {
    let css = include_str!("assets/app.css");
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], css).into_response()
}

/// The page's fonts: the same Be Vietnam Pro that the leaflets print with.
pub async fn font(UrlPath(name): UrlPath<String>) -> Response {
    let bytes: &'static [u8] = match name.as_str() {
        "regular.ttf" => include_bytes!("../../fonts/BeVietnamPro_400Regular.ttf"),
        "bold.ttf" => include_bytes!("../../fonts/BeVietnamPro_700Bold.ttf"),
        _ => return fail(StatusCode::NOT_FOUND, "không có phông chữ này"),
    };
    ([(header::CONTENT_TYPE, "font/ttf")], bytes).into_response()
}

// ---- what is on disk -----------------------------------------------------

/// A cheap fingerprint of the campaign folder's own files (names, sizes,
/// dates, contents): it changes when the page saves and when another
/// program does.
pub fn fingerprint(root: &Path) -> String {
    // Contents too, for files small enough to read on every poll: a save
    // within the file system's clock tick keeps size and date.
    let mut entries: Vec<(String, u64, u128, Vec<u8>)> = std::fs::read_dir(root)
        .map(|rd| {
            rd.flatten()
                .filter_map(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    let meta = e.metadata().ok()?;
                    if !meta.is_file() || name.starts_with('.') || name.ends_with(".bak") {
                        return None;
                    }
                    let when = meta.modified().ok()?.duration_since(UNIX_EPOCH).ok()?.as_nanos();
                    let small = meta.len() <= 4 << 20;
                    let bytes = if small { std::fs::read(e.path()).ok()? } else { Vec::new() };
                    Some((name, meta.len(), when, bytes))
                })
                .collect()
        })
        .unwrap_or_default();
    entries.sort();
    let mut h = DefaultHasher::new();
    entries.hash(&mut h);
    format!("{:016x}", h.finish())
}

/// The campaign, loaded once per fingerprint, with its Typst base.
pub struct Loaded {
    pub project: crate::Project,
    pub base: crate::world::Base,
    /// Every problem of the campaign when only its valid villages could be
    /// loaded (see [`valid_villages`]); empty when the whole campaign is.
    pub errors: Vec<Issue>,
}

/// The loaded campaign for the current files, or every problem found. When
/// the only errors are rows of the village table, the other villages are
/// loaded (with the errors kept), so the officer previews them meanwhile.
fn loaded(s: &Shared) -> Result<Arc<Loaded>, Vec<Issue>> {
    let version = fingerprint(&s.root);
    if let Some((v, l)) = s.loaded.lock().expect("lock").as_ref()
        && *v == version
    {
        return Ok(l.clone());
    }
    let (project, errors) = match crate::load(&s.root) {
        Ok(p) => (p, Vec::new()),
        Err(issues) => match valid_villages(&s.root, &issues.0) {
            Some(p) => (p, issues.0),
            None => return Err(issues.0),
        },
    };
    let base = project.base(&[]).map_err(|e| vec![Issue::error(&s.root, e)])?;
    let l = Arc::new(Loaded { project, base, errors });
    *s.loaded.lock().expect("lock") = Some((version, l.clone()));
    Ok(l)
}

/// The campaign with only the villages of its table that have no error,
/// checked by the same loader as `check`; `None` when some error is not a
/// village row's (the campaign file, the header, the logo) or no row is left.
fn valid_villages(root: &Path, issues: &[Issue]) -> Option<crate::Project> {
    let doc = document(root).ok()?;
    let rel = villages_file(Some(&doc));
    let path = crate::campaign::inside(root, &rel).ok()?;
    let shown = root.join(&rel);
    let mut bad = std::collections::HashSet::new();
    for i in issues.iter().filter(|i| !i.warning) {
        let line = i.line.filter(|_| i.file == shown || i.file == path)?;
        bad.insert(line);
    }
    let mut table = read_table(&path, &shown).ok()?;
    if bad.contains(&table.header_line) {
        return None;
    }
    table.rows.retain(|(line, _)| !bad.contains(line));
    if table.rows.is_empty() {
        return None;
    }
    let toml = root.join("campaign.toml");
    let text = std::fs::read_to_string(&toml).ok()?;
    let known = crate::project::known();
    let campaign = crate::campaign::load_text(root, toml, text, &known, Some(table)).ok()?;
    let mut project = crate::project::from_campaign(campaign);
    crate::validate::validate(&mut project, &crate::BuildOptions::default()).ok()?;
    Some(project)
}

/// `campaign.toml` as an editable document.
fn document(root: &Path) -> Result<DocumentMut, String> {
    let text = std::fs::read_to_string(root.join("campaign.toml"))
        .map_err(|e| format!("không đọc được campaign.toml ({})", crate::diag::io_error(&e)))?;
    // The parser's own words are English; the loader's issue (listed on the
    // page with its line) says what is wrong, this says what to do.
    text.parse::<DocumentMut>().map_err(|_| {
        "campaign.toml viết sai cú pháp nên trang chưa sửa được: mở tệp bằng Notepad, sửa dòng \
         được chỉ trong danh sách lỗi rồi lưu; trang tự tải lại"
            .to_string()
    })
}

/// The village table file named by `campaign.toml` (the loader's default).
fn villages_file(doc: Option<&DocumentMut>) -> String {
    doc.and_then(|d| d.get("villages")).and_then(|v| v.as_str()).unwrap_or("villages.csv").into()
}

/// A layout's title in the page's words: "Fanpage" is a word of the trade
/// ("trang Facebook"), an image's size in pixels ("(1080 × 1350 px)") means
/// nothing to the officer.
fn page_title(title: &str) -> String {
    let mut t = title.replace("Fanpage", "trang Facebook");
    while let Some(end) = t.find(" px)")
        && let Some(at) = t[..end].rfind(" (")
    {
        t.replace_range(at..end + " px)".len(), "");
    }
    t
}

/// The working folder's own name, as the officer sees it in his file
/// manager (the whole path is jargon on every screen).
fn folder_name(root: &Path) -> String {
    root.file_name()
        .map_or_else(|| root.display().to_string(), |n| n.to_string_lossy().into_owned())
}

/// An issue as `check` prints it, with the file named relative to the folder.
fn issue_text(root: &Path, issue: &Issue) -> String {
    let mut shown = issue.clone();
    if let Ok(rel) = issue.file.strip_prefix(root) {
        shown.file = rel.to_path_buf();
    }
    shown.to_string()
}

/// [`issue_text`] with the parts the page places on a row and cell.
fn issue_json(root: &Path, issue: &Issue) -> Value {
    let file = issue.file.strip_prefix(root).unwrap_or(&issue.file);
    json!({
        "file": file.to_string_lossy().replace('\\', "/"),
        "text": issue_text(root, issue),
        "line": issue.line,
        "field": issue.field,
        "message": issue.message,
        "hint": issue.hint,
        "warning": issue.warning,
    })
}

/// The village grid with each row's and cell's problems.
fn table_json(root: &Path, rel: &str, table: &Table, issues: &[Issue]) -> Value {
    let name = Path::new(rel).file_name().map(|n| n.to_os_string());
    let mine = |i: &&Issue| i.file.file_name().map(|n| n.to_os_string()) == name;
    let rows: Vec<Value> = table
        .rows
        .iter()
        .map(|(line, cells)| {
            let here: Vec<Value> = issues
                .iter()
                .filter(mine)
                .filter(|i| i.line == Some(*line))
                .map(|i| {
                    let col =
                        i.field.as_ref().and_then(|f| table.headers.iter().position(|h| h == f));
                    let mut j = issue_json(root, i);
                    j["column"] = json!(col);
                    j
                })
                .collect();
            json!({ "line": line, "cells": cells, "issues": here })
        })
        .collect();
    json!({ "file": rel, "headers": table.headers, "columns": table.columns, "rows": rows })
}

/// Everything the page shows, read fresh from disk.
fn state_json(s: &Shared) -> Value {
    let root = &s.root;
    let version = fingerprint(root);
    if !root.join("campaign.toml").exists() {
        // The start form picks the province, then the commune, from the official list.
        let index = &*crate::units::INDEX;
        let provinces: Vec<Value> = index
            .provinces
            .iter()
            .map(|p| {
                let units: Vec<[&str; 2]> =
                    index.units_of(p).map(|u| [u.name.as_str(), u.kind.as_str()]).collect();
                json!({ "name": p.name, "kind": p.kind, "units": units })
            })
            .collect();
        return json!({ "ready": false, "version": version, "folder": root.display().to_string(), "folder_name": folder_name(root),
                       "provinces": provinces });
    }
    let doc = document(root);
    let (issues, project) = match loaded(s) {
        // `crate::load` validates: the logo's warnings are in the list.
        Ok(l) if l.errors.is_empty() => (l.project.campaign.warnings.clone(), Some(l)),
        // Only the valid villages are loaded: every problem is listed.
        Ok(l) => (l.errors.clone(), Some(l)),
        Err(issues) => (issues, None),
    };
    let rel = villages_file(doc.as_ref().ok());
    let grid = crate::campaign::inside(root, &rel)
        .ok()
        .and_then(|p| read_table(&p, &root.join(&rel)).ok());
    let table = grid.as_ref().map(|t| {
        let mut j = table_json(root, &rel, t, &issues);
        // What a cell edit must be based on: the file as the page shows it.
        j["revision"] = json!(form::revision(&std::fs::read(root.join(&rel)).unwrap_or_default()));
        j
    });
    let layouts = match &project {
        Some(l) => l.project.layouts.clone(),
        None => crate::layouts::builtin(),
    };
    let vi = crate::content::Pack::builtin("vi").expect("the vi pack is built in");
    // Every row of the table, as written, with its line; the ones loaded
    // (all, or those without an error) carry their index for the preview.
    let as_written = |t: &Table, row: &[String]| {
        let cell = |c| t.cell(row, c).unwrap_or("").trim();
        format!("{} {}", cell("kind"), cell("name")).trim().to_string()
    };
    let villages: Vec<Value> = match (&project, &grid) {
        (Some(l), Some(t)) if !l.errors.is_empty() => t
            .rows
            .iter()
            .map(|(line, row)| {
                let vs = &l.project.campaign.villages;
                match vs.iter().position(|v| v.line == *line) {
                    Some(i) => json!({"name": vs[i].full(), "slug": vs[i].slug, "line": line, "index": i}),
                    None => json!({"name": as_written(t, row), "slug": null, "line": line, "index": null}),
                }
            })
            .collect(),
        (Some(l), _) => l
            .project
            .campaign
            .villages
            .iter()
            .enumerate()
            .map(|(i, v)| json!({"name": v.full(), "slug": v.slug, "line": v.line, "index": i}))
            .collect(),
        // The campaign has errors: still list every row the table has, as
        // written, each with its line, so the officer sees which is which.
        (None, Some(t)) => t
            .rows
            .iter()
            .map(|(line, row)| json!({ "name": as_written(t, row), "slug": null, "line": line, "index": null }))
            .collect(),
        (None, None) => Vec::new(),
    };
    json!({
        "ready": true,
        "version": version,
        "folder": root.display().to_string(),
        "folder_name": folder_name(root),
        // Example data: every page carries the "MẪU — KHÔNG PHÁT" band, print files too.
        "example": doc.as_ref().ok().and_then(|d| d.get("example")).and_then(|v| v.as_bool()).unwrap_or(false),
        "form": doc.as_ref().ok().map(|d| {
            let mut f = form::read(d);
            f.revision = revision(root);
            f
        }),
        "form_error": doc.as_ref().err(),
        "locale": doc.as_ref().ok().map(form::read).map_or("vi".into(), |f| f.locale),
        // While the village table still has cells to fill, the name comes from the form.
        "commune": project.as_ref().map(|l| l.project.campaign.commune.full()).or_else(|| {
            let f = form::read(doc.as_ref().ok()?);
            let name = f.commune.name.trim();
            (!name.is_empty()).then(|| format!("{} {name}", f.commune.kind.trim()).trim().to_string())
        }),
        "issues": issues.iter().map(|i| issue_json(root, i)).collect::<Vec<_>>(),
        "errors": issues.iter().filter(|i| !i.warning).count(),
        "table": table,
        "villages": villages,
        "choices": {
            "layouts": layouts.iter().map(|l| json!({
                // "Fanpage" is a word of the trade; the page says "trang Facebook".
                "id": l.id, "title": page_title(&l.title),
                "scope": l.scope, "format": l.format, "pages": l.pages,
            })).collect::<Vec<_>>(),
            "audiences": vi.audience_ids(),
            "locales": crate::content::BUILTIN.iter().map(|(c, _)| *c).collect::<Vec<_>>(),
            "kinds": crate::campaign::COMMUNE_KINDS,
            "provinces": crate::units::INDEX.provinces.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(),
        },
    })
}

pub async fn state(State(s): S) -> Response {
    Json(blocking(move || state_json(&s)).await).into_response()
}

pub async fn version(State(s): S) -> Response {
    let v = blocking(move || fingerprint(&s.root)).await;
    Json(json!({ "version": v })).into_response()
}

// ---- writing -------------------------------------------------------------

/// Keeps the previous `name` as `name.bak`, then writes the new bytes atomically.
fn replace(root: &Path, name: &str, bytes: &[u8]) -> Result<(), String> {
    let path = root.join(name);
    if path.exists() {
        std::fs::copy(&path, root.join(format!("{name}.bak")))
            .map_err(|e| format!("không sao lưu được {name} ({})", crate::diag::io_error(&e)))?;
    }
    Ok(write_atomic(&path, bytes)?)
}

#[derive(Deserialize)]
pub struct StartForm {
    commune: form::Commune,
    issuer: String,
    phone: String,
}

/// Start: a new campaign from the `init` template, filled from the form.
/// A commune the official list does not know is refused first, as `check`
/// would refuse it, with the nearest official name to pick: nothing is
/// written until the commune is right.
pub async fn init(State(s): S, Json(f): Json<StartForm>) -> Response {
    let problems = commune_problems(&f.commune);
    if !problems.is_empty() {
        let error = "tên xã, loại hoặc tỉnh chưa khớp danh sách đơn vị hành chính từ 1/7/2025";
        return (
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(json!({ "error": error, "problems": problems })),
        )
            .into_response();
    }
    let _w = s.writing.lock().await;
    let root = s.root.clone();
    let result = blocking(move || -> Result<(), String> {
        crate::init::init(&root, crate::init::today())?;
        let mut doc = document(&root)?;
        form::start(&mut doc, &f.commune, &f.issuer, &f.phone);
        Ok(write_atomic(&root.join("campaign.toml"), doc.to_string().as_bytes())?)
    })
    .await;
    match result {
        Ok(()) => state(State(s.clone())).await,
        Err(e) => fail(StatusCode::CONFLICT, e),
    }
}

/// The [`form::revision`] of the campaign file as it is now on disk.
fn revision(root: &Path) -> String {
    form::revision(&std::fs::read(root.join("campaign.toml")).unwrap_or_default())
}

/// Said when a save comes from a form read before another save.
const STALE: &str = "Thông tin chiến dịch vừa được lưu từ một cửa sổ trình duyệt khác (hoặc sửa \
                     bằng chương trình khác) sau khi trang này mở ra, nên những gì bạn gõ ở đây \
                     không ghi đè lên đó. Bấm “Lấy bản vừa lưu”: trang hiện bản đó, và những gì \
                     bạn đã gõ được liệt kê ngay bên dưới để gõ lại.";

/// Saves the campaign form into `campaign.toml` (previous file kept as
/// `.bak`). A form lacking a required value or past the command line's
/// limits is refused (422), a form read from an older file too (409):
/// either way nothing is written.
pub async fn save_campaign(
    State(s): S,
    body: Result<Json<form::Form>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let f = match body {
        Ok(Json(f)) => f,
        Err(e) if e.status() == StatusCode::UNPROCESSABLE_ENTITY => {
            return fail(
                StatusCode::UNPROCESSABLE_ENTITY,
                "Chưa lưu: biểu mẫu gửi lên thiếu thông tin bắt buộc (xã, đơn vị phát hành, \
                 số điện thoại, mẫu in). Tải lại trang (phím F5) rồi thử lại.",
            );
        }
        Err(e) => return fail(e.status(), "yêu cầu không hợp lệ: dữ liệu gửi lên sai dạng"),
    };
    let problems = form::problems(&f);
    if !problems.is_empty() {
        let list: Vec<Value> =
            problems.iter().map(|(id, m)| json!({ "field": id, "message": m })).collect();
        let first = problems.iter().map(|(_, m)| m.as_str()).collect::<Vec<_>>().join(" ");
        return (
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(json!({ "error": format!("Chưa lưu. {first}"), "problems": list })),
        )
            .into_response();
    }
    let _w = s.writing.lock().await;
    let root = s.root.clone();
    let result = blocking(move || -> Result<(), (StatusCode, String)> {
        let bad = |e| (StatusCode::BAD_REQUEST, e);
        let mut doc = document(&root).map_err(bad)?;
        if f.revision != revision(&root) {
            return Err((StatusCode::CONFLICT, STALE.to_string()));
        }
        form::apply(&mut doc, &f);
        replace(&root, "campaign.toml", doc.to_string().as_bytes()).map_err(bad)
    })
    .await;
    match result {
        Ok(()) => state(State(s.clone())).await,
        Err((status, e)) => fail(status, e),
    }
}

/// What the page says instead of the list's advice to edit `campaign.toml`.
const PAGE_UNLISTED: &str = "Nếu đơn vị mới thành lập sau danh sách 1/7/2025, đánh dấu ô “Đơn vị mới, chưa có trong danh sách”.";

/// The start form's commune checked by [`crate::units::check`] (the rule of
/// `check`), each problem with its field and, when the list has a close
/// name, the values the page offers to use instead.
fn commune_problems(c: &form::Commune) -> Vec<Value> {
    use crate::units::{Field, INDEX, key};
    let (name, kind, province) = (c.name.trim(), c.kind.trim(), c.province.trim());
    let missing =
        |field: &str, message: &str| json!({ "field": field, "message": message, "hint": "" });
    if name.is_empty() {
        return vec![missing("name", "Chưa điền tên xã (phường).")];
    }
    if province.is_empty() {
        // The units of that name anywhere, each with its province.
        let mut problem = missing("province", "Chưa chọn tỉnh (thành phố).");
        let found: Vec<Value> = INDEX
            .suggest(None, name, 5)
            .into_iter()
            .filter(|u| crate::units::loose(&u.name) == crate::units::loose(name))
            .map(|u| json!({ "province": INDEX.provinces[u.province].name, "name": u.name, "kind": u.kind }))
            .collect();
        problem["use"] = found.first().cloned().unwrap_or(Value::Null);
        problem["more"] = json!(found.iter().skip(1).collect::<Vec<_>>());
        return vec![problem];
    }
    if c.unlisted {
        return Vec::new();
    }
    let listed = INDEX.province(province);
    crate::units::check(name, kind, province)
        .into_iter()
        .map(|p| {
            let mut more: Vec<Value> = Vec::new();
            let (field, hint, offer) = match p.field {
                Field::Province => {
                    let offer = match listed {
                        None => {
                            INDEX.nearest_province(province).map(|p| json!({ "province": p.name }))
                        }
                        // The commune exists in one other province: offer that one.
                        Some(_) => match INDEX.units_named(name).collect::<Vec<_>>()[..] {
                            [u] => Some(json!({ "province": INDEX.provinces[u.province].name,
                                                "name": u.name, "kind": u.kind })),
                            _ => None,
                        },
                    };
                    ("province", p.hint, offer)
                }
                Field::Kind => {
                    let unit = listed
                        .and_then(|pr| INDEX.units_of(pr).find(|u| key(&u.name) == key(name)));
                    let hint = unit.map(|u| format!("chọn loại “{}”", u.kind)).unwrap_or_default();
                    ("kind", hint, unit.map(|u| json!({ "kind": u.kind, "name": u.name })))
                }
                Field::Name => {
                    // The closest names of the province, of any kind, without marks:
                    // the first offered on the button, the others beside it.
                    let found =
                        listed.map(|pr| INDEX.suggest(Some(pr), name, 5)).unwrap_or_default();
                    let offers: Vec<Value> =
                        found.iter().map(|u| json!({ "name": u.name, "kind": u.kind })).collect();
                    more = offers.iter().skip(1).cloned().collect();
                    ("name", p.hint, offers.first().cloned())
                }
            };
            json!({
                "field": field,
                "message": capitalised(&p.message),
                // The list's advice names TOML keys; the page has fields and a box to tick.
                "hint": capitalised(
                    hint.replace(crate::units::UNLISTED_HINT, PAGE_UNLISTED)
                        .replace(" (province)", "")
                        .trim()
                ),
                "use": offer,
                "more": more,
            })
        })
        .collect()
}

/// A sentence shown alone starts with a capital letter.
fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

#[derive(Deserialize)]
pub struct UploadName {
    name: String,
}

/// Replaces the village table with an uploaded `.xlsx`/`.csv`. The upload is
/// read by the CLI's loader from a staging file first: a file it cannot read
/// changes nothing on disk.
pub async fn upload_villages(State(s): S, Query(q): Query<UploadName>, body: Bytes) -> Response {
    let ext = Path::new(&q.name)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    if !["csv", "xlsx", "xls", "ods"].contains(&ext.as_str()) {
        return fail(
            StatusCode::BAD_REQUEST,
            format!("“{}” không phải bảng tính: chọn tệp .xlsx hoặc .csv", q.name),
        );
    }
    let _w = s.writing.lock().await;
    let root = s.root.clone();
    let result = blocking(move || stage_villages(&root, &q.name, &ext, &body)).await;
    match result {
        Ok(()) => state(State(s.clone())).await,
        Err(e) => fail(StatusCode::BAD_REQUEST, e),
    }
}

/// The name an uploaded table is kept under: the officer's own (so every
/// error names the file he knows), when it is a plain file name any system
/// can hold; `villages.<ext>` otherwise.
fn upload_name(sent: &str, ext: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let base: String = sent.rsplit(['/', '\\']).next().unwrap_or("").nfc().collect();
    let stem = base.rsplit_once('.').map_or(base.as_str(), |(s, _)| s);
    let upper = stem.to_ascii_uppercase();
    let device = matches!(upper.as_str(), "CON" | "PRN" | "AUX" | "NUL")
        || ((upper.starts_with("COM") || upper.starts_with("LPT"))
            && upper.len() == 4
            && upper.as_bytes()[3].is_ascii_digit());
    let plain = base.chars().all(|c| c.is_alphanumeric() || " -_.()".contains(c))
        && base.chars().count() <= 80
        && !base.starts_with(['.', ' ', '-'])
        && !stem.ends_with([' ', '.'])
        && !stem.is_empty()
        && base.to_lowercase().ends_with(&format!(".{ext}"))
        && !base.to_lowercase().ends_with(".bak");
    if plain && !device { base } else { format!("villages.{ext}") }
}

fn stage_villages(root: &Path, shown: &str, ext: &str, body: &[u8]) -> Result<(), String> {
    let mut doc = document(root)?;
    let stage = root.join(format!(".canhbao-upload-{}.{ext}", std::process::id()));
    let checked = (|| {
        std::fs::write(&stage, body)
            .map_err(|e| format!("không ghi được tệp tạm ({})", crate::diag::io_error(&e)))?;
        let table = read_table(&stage, Path::new(shown)).map_err(|i| i.to_string())?;
        if !table.columns.contains(&Some("name")) {
            return Err(format!(
                "{shown}: không thấy cột tên thôn; dòng tiêu đề phải có “Tên thôn” (hoặc name)"
            ));
        }
        if table.rows.is_empty() {
            return Err(format!("{shown}: bảng không có dòng thôn nào"));
        }
        Ok(())
    })();
    let result = checked.and_then(|()| {
        let name = upload_name(shown, ext);
        let old = villages_file(Some(&doc));
        let path = root.join(&name);
        if path.exists() {
            std::fs::copy(&path, root.join(format!("{name}.bak"))).map_err(|e| {
                format!("không sao lưu được {name} ({})", crate::diag::io_error(&e))
            })?;
        }
        if old != name {
            // The table changes kind (csv → xlsx): campaign.toml must name the new file.
            doc["villages"] = toml_edit::value(name.as_str());
            replace(root, "campaign.toml", doc.to_string().as_bytes())?;
        }
        std::fs::rename(&stage, &path)
            .map_err(|e| format!("không thay được {name} ({})", crate::diag::io_error(&e)))
    });
    let _ = std::fs::remove_file(&stage);
    result
}

#[derive(Deserialize)]
pub struct CellEdit {
    /// The table's revision as the page read it.
    revision: String,
    /// Line (CSV) or row (XLSX) of the village, as the table numbers it.
    line: usize,
    /// Column index in the file.
    column: usize,
    value: String,
}

/// Changes one cell of the village table, then answers the state, where the
/// same loader as `check` has checked it: its problem, if any, shows on its
/// row. A CSV keeps every other byte; an Excel workbook is written again
/// with the same cells at the same rows (its look is not kept; the file
/// before is kept beside it).
pub async fn edit_cell(State(s): S, Json(e): Json<CellEdit>) -> Response {
    if e.value.chars().count() > crate::campaign::villages::MAX_CELL {
        let msg = format!("Chưa lưu: ô dài quá {} ký tự.", crate::campaign::villages::MAX_CELL);
        return fail(StatusCode::UNPROCESSABLE_ENTITY, msg);
    }
    let _w = s.writing.lock().await;
    let root = s.root.clone();
    let result = blocking(move || edit_table(&root, &e)).await;
    match result {
        Ok(()) => state(State(s.clone())).await,
        Err((status, msg)) => fail(status, msg),
    }
}

fn edit_table(root: &Path, e: &CellEdit) -> Result<(), (StatusCode, String)> {
    let bad = |m: String| (StatusCode::UNPROCESSABLE_ENTITY, m);
    let doc = document(root).map_err(bad)?;
    let rel = villages_file(Some(&doc));
    let path = crate::campaign::inside(root, &rel).map_err(bad)?;
    let bytes = std::fs::read(&path)
        .map_err(|err| bad(format!("không đọc được {rel} ({})", crate::diag::io_error(&err))))?;
    if form::revision(&bytes) != e.revision {
        return Err((StatusCode::CONFLICT, STALE_TABLE.to_string()));
    }
    let shown = root.join(&rel);
    let table = read_table(&path, &shown).map_err(|i| bad(issue_text(root, &i)))?;
    if !table.rows.iter().any(|(l, _)| *l == e.line) || e.column >= table.headers.len() {
        return Err((StatusCode::CONFLICT, STALE_TABLE.to_string()));
    }
    let value = crate::text::clean(&e.value);
    let new = if rel.to_ascii_lowercase().ends_with(".csv") {
        csv_with_cell(&bytes, e.line, e.column, &value).ok_or_else(|| {
            bad(format!(
                "Chưa lưu: {rel} không phải tệp chữ UTF-8 nên trang không sửa được; sửa ô này bằng Excel"
            ))
        })?
    } else {
        xlsx_with_cell(&table, e.line, e.column, &value).map_err(bad)?
    };
    // The result must still read as a table with that row where it was.
    let ext = Path::new(&rel).extension().and_then(|x| x.to_str()).unwrap_or("csv");
    let stage = root.join(format!(".canhbao-cell-{}.{ext}", std::process::id()));
    let checked = std::fs::write(&stage, &new)
        .map_err(|err| bad(format!("không ghi được tệp tạm ({})", crate::diag::io_error(&err))))
        .and_then(|()| read_table(&stage, &shown).map_err(|i| bad(issue_text(root, &i))))
        .and_then(|t| {
            let row = t.rows.iter().find(|(l, _)| *l == e.line);
            match row.and_then(|(_, cells)| cells.get(e.column)) {
                Some(v) if *v == value => Ok(()),
                _ => Err(bad("Chưa lưu: không sửa được ô này trên trang; sửa bằng Excel".into())),
            }
        });
    let _ = std::fs::remove_file(&stage);
    checked?;
    replace(root, &rel, &new).map_err(bad)
}

/// Said when a cell edit comes from a table read before another change.
const STALE_TABLE: &str = "Chưa lưu: bảng danh sách thôn vừa thay đổi (sửa bằng Excel hoặc ở một \
                           thẻ khác) sau khi trang này hiện ra. Trang đã đọc lại bảng: sửa lại ô.";

/// The CSV `bytes` (UTF-8) with the cell of record `line`, `column`
/// replaced; every other byte as it was. `None` when the text is not UTF-8.
fn csv_with_cell(bytes: &[u8], line: usize, column: usize, value: &str) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(bytes).ok()?;
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let offset = text.len() - body.len();
    // Read and written as the loader reads it (the same delimiter).
    let delimiter = crate::campaign::villages::csv_delimiter(body);
    let mut reader = crate::campaign::villages::csv_reader(body);
    let mut starts: Vec<(usize, csv::StringRecord)> = Vec::new();
    for record in reader.records() {
        let record = record.ok()?;
        let start = record.position()?.byte() as usize;
        // The reader's position is before the blank lines it skipped.
        let blank =
            body.as_bytes()[start..].iter().take_while(|b| matches!(b, b'\r' | b'\n')).count();
        starts.push((start + blank, record));
    }
    let at =
        starts.iter().position(|(start, _)| body[..*start].matches('\n').count() + 1 == line)?;
    let (start, record) = &starts[at];
    let next = starts.get(at + 1).map_or(body.len(), |(s, _)| *s);
    let end = start + body[*start..next].trim_end_matches(['\r', '\n']).len();
    let mut fields: Vec<String> = record.iter().map(String::from).collect();
    if fields.len() <= column {
        fields.resize(column + 1, String::new());
    }
    fields[column] = value.to_string();
    let mut writer = csv::WriterBuilder::new().delimiter(delimiter).from_writer(Vec::new());
    writer.write_record(&fields).ok()?;
    let mut written = writer.into_inner().ok()?;
    while written.last().is_some_and(|b| matches!(b, b'\r' | b'\n')) {
        written.pop();
    }
    let mut out = bytes[..offset + start].to_vec();
    out.extend_from_slice(&written);
    out.extend_from_slice(&bytes[offset + end..]);
    Some(out)
}

/// The village table as a new workbook with one cell changed: the header and
/// every row at the rows they had, counts as numbers, every other cell as
/// text (a phone keeps its leading 0).
fn xlsx_with_cell(
    table: &Table,
    line: usize,
    column: usize,
    value: &str,
) -> Result<Vec<u8>, String> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let err = |e: rust_xlsxwriter::XlsxError| format!("không ghi được bảng tính ({e})");
    sheet.set_name("Danh sách").map_err(err)?;
    let bold = rust_xlsxwriter::Format::new().set_bold();
    let header_row = table.header_line.saturating_sub(1) as u32;
    for (c, h) in table.headers.iter().enumerate() {
        sheet.write_string_with_format(header_row, c as u16, h, &bold).map_err(err)?;
    }
    let counts = ["households", "shops", "public_places"];
    for (l, cells) in &table.rows {
        for (c, cell) in cells.iter().enumerate() {
            let text = if *l == line && c == column { value } else { cell.as_str() };
            if text.is_empty() {
                continue;
            }
            let row = l.saturating_sub(1) as u32;
            let count =
                table.columns.get(c).copied().flatten().is_some_and(|k| counts.contains(&k));
            match text.parse::<u32>() {
                Ok(n) if count => sheet.write_number(row, c as u16, f64::from(n)).map_err(err)?,
                _ => sheet.write_string(row, c as u16, text).map_err(err)?,
            };
        }
    }
    book.save_to_buffer().map_err(err)
}

// ---- preview -------------------------------------------------------------

#[derive(Deserialize)]
pub struct PreviewQuery {
    layout: Option<String>,
    village: Option<usize>,
}

/// Every page of one document as PNG, with the page's words (for the page's
/// readers who cannot see the image, and for tests).
pub async fn preview(State(s): S, Query(q): Query<PreviewQuery>) -> Response {
    let result = blocking(move || -> Result<Value, Value> {
        let l = loaded(&s).map_err(|issues| {
            json!({ "error": "còn lỗi trong dữ liệu: sửa các lỗi được liệt kê rồi xem lại",
                    "issues": issues.iter().map(|i| issue_json(&s.root, i)).collect::<Vec<_>>() })
        })?;
        let p = &l.project;
        let c = &p.campaign;
        let id = q.layout.unwrap_or_else(|| c.layouts[0].clone());
        let layout = p.layout(&id).map_err(|e| json!({ "error": e }))?;
        let village = match layout.scope {
            crate::layouts::Scope::Commune => None,
            crate::layouts::Scope::Village => Some(q.village.unwrap_or(0).min(c.villages.len().saturating_sub(1))),
        };
        let planner =
            crate::plan::Planner::new(c, &p.pack).map_err(|e| json!({ "error": e.to_string() }))?;
        let doc = p
            .document(&l.base, &planner, layout, village)
            .map_err(|e| json!({ "error": format!("không vẽ được trang: {e}") }))?;
        let pngs = crate::render::png(&doc, PREVIEW_DPI).map_err(|e| json!({ "error": e }))?;
        let pages: Vec<Value> = pngs
            .iter()
            .zip(doc.pages())
            .map(|(png, page)| {
                json!({ "png": format!("data:image/png;base64,{}", base64::Engine::encode(&base64::engine::general_purpose::STANDARD, png)),
                        "text": page_text(&page.frame) })
            })
            .collect();
        let name = village.map_or(c.commune.full(), |i| c.villages[i].full());
        Ok(json!({ "layout": layout.id, "title": layout.title, "village": name, "pages": pages }))
    })
    .await;
    match result {
        Ok(v) => Json(v).into_response(),
        Err(v) => (StatusCode::UNPROCESSABLE_ENTITY, Json(v)).into_response(),
    }
}

/// The words of a page in reading order of the layout.
fn page_text(frame: &typst::layout::Frame) -> String {
    use typst::layout::FrameItem;
    let mut out = String::new();
    for (_, item) in frame.items() {
        match item {
            FrameItem::Group(g) => {
                let inner = page_text(&g.frame);
                if !inner.is_empty() {
                    out.push_str(&inner);
                    out.push('\n');
                }
            }
            FrameItem::Text(t) => {
                // Numbers print with no-break spaces between digit groups.
                out.extend(
                    t.text
                        .chars()
                        .filter(|c| !matches!(c, '\u{ad}' | '\u{2060}'))
                        .map(|c| if matches!(c, '\u{a0}' | '\u{202f}') { ' ' } else { c }),
                );
                out.push(' ');
            }
            _ => {}
        }
    }
    out.trim_end().to_string()
}

/// Every village's first page as a small picture, with its name and its
/// officer's phone: the "all villages" view.
pub struct Sheet {
    tiles: Value,
}

/// Resolution of the "all villages" pictures: a page about 170 px wide.
const TILE_DPI: f32 = 28.0;

#[derive(Deserialize)]
pub struct SheetQuery {
    layout: Option<String>,
}

/// The first page of every village (the valid ones while others have
/// errors), each with the village's name, officer and phone; the page
/// opens a village from its tile.
pub async fn sheet(State(s): S, Query(q): Query<SheetQuery>) -> Response {
    let result = blocking(move || -> Result<Arc<Sheet>, String> {
        use rayon::prelude::*;
        let l = loaded(&s).map_err(|_| "còn lỗi trong dữ liệu".to_string())?;
        let p = &l.project;
        let c = &p.campaign;
        let id = q.layout.unwrap_or_else(|| c.layouts[0].clone());
        let key = format!("{}/{id}", fingerprint(&s.root));
        if let Some((k, sh)) = s.sheet.lock().expect("lock").as_ref()
            && *k == key
        {
            return Ok(sh.clone());
        }
        let layout = p.layout(&id)?;
        let planner = crate::plan::Planner::new(c, &p.pack).map_err(|e| e.to_string())?;
        let village = |i: usize| match layout.scope {
            crate::layouts::Scope::Commune => None,
            crate::layouts::Scope::Village => Some(i),
        };
        let tiles: Vec<Value> = (0..c.villages.len())
            .into_par_iter()
            .map(|i| -> Result<Value, String> {
                let doc = p
                    .document(&l.base, &planner, layout, village(i))
                    .map_err(|e| format!("không vẽ được trang: {e}"))?;
                let first = doc.pages().first().cloned();
                let png = match first {
                    Some(page) => {
                        let one = typst_layout::PagedDocument::new(
                            std::iter::once(page).collect(),
                            Default::default(),
                        );
                        crate::render::png(&one, TILE_DPI)?.pop().unwrap_or_default()
                    }
                    None => Vec::new(),
                };
                let v = &c.villages[i];
                Ok(json!({
                    "index": i,
                    "name": v.full(),
                    "officer": v.officer,
                    "phone": v.phone.to_string(),
                    "png": format!("data:image/png;base64,{}",
                        base64::Engine::encode(&base64::engine::general_purpose::STANDARD, png)),
                }))
            })
            .collect::<Result<_, String>>()?;
        let sh = Arc::new(Sheet { tiles: Value::Array(tiles) });
        *s.sheet.lock().expect("lock") = Some((key, sh.clone()));
        Ok(sh)
    })
    .await;
    match result {
        Ok(sh) => Json(json!({ "tiles": sh.tiles })).into_response(),
        Err(e) => fail(StatusCode::UNPROCESSABLE_ENTITY, e),
    }
}

// ---- build ---------------------------------------------------------------

/// The running or last build, as the page's progress bar reads it.
#[derive(Debug, Clone, Default, Serialize)]
pub struct BuildStatus {
    pub running: bool,
    pub done: usize,
    pub total: usize,
    pub current: String,
    pub summary: Option<Value>,
    pub error: Option<String>,
    pub issues: Vec<Value>,
}

pub async fn build_status(State(s): S) -> Response {
    Json(s.build.lock().expect("lock").clone()).into_response()
}

/// Starts `build` of the whole campaign in the background.
pub async fn start_build(State(s): S) -> Response {
    {
        let mut st = s.build.lock().expect("lock");
        if st.running {
            return fail(StatusCode::CONFLICT, "đang tạo tệp, chờ xong rồi bấm lại");
        }
        *st = BuildStatus { running: true, ..Default::default() };
    }
    let status = s.build.clone();
    let root = s.root.clone();
    std::thread::spawn(move || run_build(&root, &status));
    Json(s.build.lock().expect("lock").clone()).into_response()
}

fn run_build(root: &Path, status: &Mutex<BuildStatus>) {
    let start = Instant::now();
    let done = AtomicUsize::new(0);
    let tick = |job: &crate::plan::Job, _: &crate::batch::Outcome| {
        let n = done.fetch_add(1, Ordering::Relaxed) + 1;
        let mut st = status.lock().expect("lock");
        st.done = n;
        st.current = job.name.clone();
    };
    let on_planned = |n: usize| status.lock().expect("lock").total = n;
    let stop = AtomicBool::new(false);
    let opts = crate::BuildOptions::default();
    let result = crate::build(root, &opts, &tick, &on_planned, &stop);
    let mut st = status.lock().expect("lock");
    st.running = false;
    match result {
        Err(crate::BuildError::Input(issues)) => {
            st.error = Some("Không tạo tệp nào: hãy sửa các lỗi dưới đây rồi bấm lại.".into());
            st.issues = issues.0.iter().map(|i| issue_json(root, i)).collect();
        }
        Err(crate::BuildError::Other(msg)) => st.error = Some(msg.to_string()),
        Ok(built) => {
            let r = &built.report;
            // The command line's table, with the paper said in words.
            let order: Vec<Value> = crate::summary::totals(&built.order)
                .into_iter()
                .map(|t| {
                    let mut v = json!(t);
                    v["paper_words"] = json!(crate::summary::paper_words(&t.paper));
                    v
                })
                .collect();
            // Only the downloads that have files: images only when a layout makes them.
            let p = &built.project;
            let social = p
                .campaign
                .layouts
                .iter()
                .any(|id| p.layout(id).is_ok_and(|l| l.format == crate::layouts::Format::Png));
            let mut downloads = vec!["print"];
            if built.loa_files > 0 {
                downloads.push("loa");
            }
            if social {
                downloads.push("social");
            }
            // Every file of the summary, each on one line: the documents of the
            // manifest, the print order's sheets and proofs, the scripts.
            let files: Vec<Value> = std::fs::read(&r.manifest)
                .ok()
                .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
                .and_then(|m| m["files"].as_array().cloned())
                .unwrap_or_default();
            let made: Vec<(String, String)> = files
                .iter()
                .filter_map(|f| {
                    Some((f["layout"].as_str()?.to_string(), f["file"].as_str()?.to_string()))
                })
                .collect();
            let layouts: Vec<(String, bool)> = p
                .campaign
                .layouts
                .iter()
                .map(|id| {
                    let image = p.layout(id).is_ok_and(|l| l.format == crate::layouts::Format::Png);
                    (id.clone(), image)
                })
                .collect();
            let mut rows = crate::summary::rows(&layouts, &made, &built.order, built.loa_files);
            // A proof is one copy of many pages: its pages, as the manifest counts them.
            for row in rows.iter_mut().filter(|r| r.kind == "proof") {
                let proof = |f: &&Value| {
                    f["layout"] == row.layout.as_str()
                        && f["file"]
                            .as_str()
                            .is_some_and(|n| n.starts_with("print/") && n.matches('/').count() == 1)
                };
                let pages: u64 =
                    files.iter().filter(proof).filter_map(|f| f["pages"].as_u64()).sum();
                row.pages = (pages > 0).then_some(pages as usize);
            }
            let mut warnings: Vec<String> =
                built.project.campaign.warnings.iter().map(|w| issue_text(root, w)).collect();
            warnings.extend(r.warnings.iter().map(|(v, l, t)| format!("{v}, {l}: {t}")));
            st.summary = Some(json!({
                "written": r.written,
                "skipped": r.skipped,
                "pages": r.pages,
                "failed": r.failed.iter().map(|(v, l, why)| format!("{v} — {l}: {why}")).collect::<Vec<_>>(),
                "warnings": warnings,
                "order": order,
                "rows": rows,
                "loa": built.loa_files,
                "downloads": downloads,
                "seconds": (start.elapsed().as_secs_f64() * 10.0).round() / 10.0,
            }));
        }
    }
}

// ---- downloads -----------------------------------------------------------

/// Which listed files of `out/` go into a download.
type Pick = Box<dyn Fn(&str) -> bool + Send>;

/// One zip of what a reader of the summary needs: `print` (the print order,
/// the print shop's package and every per-village PDF), `loa` (loudspeaker
/// scripts) or `social` (images for Zalo and Facebook).
///
/// Only files the last build's manifest lists go in (never a removed
/// village's file left behind, nor anything else in `out/`). The zip is
/// written as it is sent: one file at a time, read in pieces, so a file of
/// any size costs a buffer, not its size in memory. Each entry carries its
/// file's date.
pub async fn download(State(s): S, UrlPath(kind): UrlPath<String>) -> Response {
    let picked = blocking(move || -> Result<(String, PathBuf, Vec<ZipItem>), String> {
        let out = s.root.join("out");
        let images: Vec<String> = match loaded(&s) {
            Ok(l) => l
                .project
                .layouts
                .iter()
                .filter(|l| l.format == crate::layouts::Format::Png)
                .map(|l| l.id.clone())
                .collect(),
            Err(_) => vec!["social".into()],
        };
        let (suffix, pick): (&str, Pick) = match kind.trim_end_matches(".zip") {
            "print" => (
                "nha-in",
                Box::new(|rel: &str| rel == crate::output::ORDER || rel.ends_with(".pdf")),
            ),
            "loa" => ("loa", Box::new(|rel: &str| rel.starts_with("loa/"))),
            "social" => (
                "mang-xa-hoi",
                Box::new(move |rel: &str| {
                    images.iter().any(|id| rel.starts_with(&format!("{id}/")))
                }),
            ),
            _ => return Err("không có gói tải về này".into()),
        };
        let chosen = listed(&out, &*pick);
        if chosen.is_empty() {
            return Err("chưa có tệp nào: bấm “Tạo tệp in” trước".into());
        }
        let commune =
            document(&s.root).ok().map(|d| form::read(&d).commune).map_or("canhbao".into(), |c| {
                crate::text::file_slug(&format!("{} {}", c.kind, c.name))
            });
        Ok((format!("{commune}-{suffix}.zip"), out, chosen))
    })
    .await;
    let (name, out, chosen) = match picked {
        Ok(p) => p,
        Err(e) => return fail(StatusCode::NOT_FOUND, e),
    };
    let (tx, rx) = tokio::sync::mpsc::channel(ZIP_QUEUE);
    tokio::task::spawn_blocking(move || {
        let mut sink = ChunkSink { tx, buf: Vec::with_capacity(ZIP_CHUNK) };
        if let Err(e) = write_zip(&out, &chosen, &mut sink) {
            // Headers are sent: a broken download is all the client can get.
            let _ = sink.tx.blocking_send(Err(e));
        }
    });
    (
        [
            (header::CONTENT_TYPE, "application/zip".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
        ],
        axum::body::Body::from_stream(Chunks(rx)),
    )
        .into_response()
}

/// Bytes handed to the response at a time, and how many may wait.
const ZIP_CHUNK: usize = 256 << 10;
const ZIP_QUEUE: usize = 4;

/// A file of a download: its path in `out/`, and its date for the zip.
struct ZipItem {
    rel: String,
    modified: Option<std::time::SystemTime>,
}

/// The files the manifest of `out/` lists (its documents and its other
/// files) that `pick` takes and that are regular files, sorted.
fn listed(out: &Path, pick: &dyn Fn(&str) -> bool) -> Vec<ZipItem> {
    let manifest = crate::output::Manifest::read(&out.join("manifest.json"));
    manifest
        .owned()
        .into_iter()
        .filter(|rel| pick(rel))
        .filter_map(|rel| {
            let path = crate::output::place(out, &rel).ok()?;
            let meta = std::fs::symlink_metadata(path).ok().filter(|m| m.is_file())?;
            Some(ZipItem { rel, modified: meta.modified().ok() })
        })
        .collect()
}

/// Writes the zip of `items` (stored: PDFs and PNGs are compressed
/// already) into `sink`, streaming each file.
fn write_zip(out: &Path, items: &[ZipItem], sink: &mut ChunkSink) -> std::io::Result<()> {
    let mut zip = zip::ZipWriter::new_stream(&mut *sink);
    for item in items {
        let path = crate::output::place(out, &item.rel).map_err(std::io::Error::other)?;
        let mut file = std::fs::File::open(&path)?;
        let size = file.metadata()?.len();
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored)
            .large_file(size >= u64::from(u32::MAX))
            .last_modified_time(zip_date(item.modified));
        zip.start_file(item.rel.as_str(), options).map_err(std::io::Error::other)?;
        std::io::copy(&mut file, &mut zip)?;
    }
    zip.finish().map_err(std::io::Error::other)?;
    sink.flush()
}

/// A file's date for a zip entry (UTC; zip keeps no time zone), or the
/// current time when the file has none; zip dates start in 1980.
fn zip_date(modified: Option<std::time::SystemTime>) -> zip::DateTime {
    let when = modified.unwrap_or_else(std::time::SystemTime::now);
    let secs = when.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let t = time::OffsetDateTime::from_unix_timestamp(i64::try_from(secs).unwrap_or(0))
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    let (y, mo, d) = (t.year().clamp(1980, 2107), u8::from(t.month()), t.day());
    let year = u16::try_from(y).unwrap_or(1980);
    zip::DateTime::from_date_and_time(year, mo, d, t.hour(), t.minute(), t.second())
        .unwrap_or_default()
}

/// A writer that hands the zip to the response in chunks of [`ZIP_CHUNK`];
/// it fails once the client has gone, which ends the zip.
struct ChunkSink {
    tx: tokio::sync::mpsc::Sender<std::io::Result<Bytes>>,
    buf: Vec<u8>,
}

impl Write for ChunkSink {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(bytes);
        if self.buf.len() >= ZIP_CHUNK {
            self.flush()?;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(&mut self.buf, Vec::with_capacity(ZIP_CHUNK)));
        self.tx
            .blocking_send(Ok(chunk))
            .map_err(|_| std::io::Error::from(std::io::ErrorKind::BrokenPipe))
    }
}

/// The chunks of a zip being written, as the response's body.
struct Chunks(tokio::sync::mpsc::Receiver<std::io::Result<Bytes>>);

impl futures_core::Stream for Chunks {
    type Item = std::io::Result<Bytes>;

    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        self.0.poll_recv(cx)
    }
}

/// One built file from `out/` (a loudspeaker script, the print order…),
/// refused when the path leaves `out/`.
pub async fn file(State(s): S, UrlPath(rel): UrlPath<String>) -> Response {
    let result = blocking(move || -> Result<(String, Vec<u8>), String> {
        let out = s.root.join("out");
        let path = crate::campaign::inside(&out, &rel)?;
        let bytes = std::fs::read(&path)
            .map_err(|e| format!("không đọc được tệp ({})", crate::diag::io_error(&e)))?;
        let kind = match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
            "pdf" => "application/pdf",
            "png" => "image/png",
            "txt" => "text/plain; charset=utf-8",
            "csv" => "text/csv; charset=utf-8",
            _ => "application/octet-stream",
        };
        Ok((kind.to_string(), bytes))
    })
    .await;
    match result {
        Ok((kind, bytes)) => ([(header::CONTENT_TYPE, kind)], bytes).into_response(),
        Err(e) => fail(StatusCode::FORBIDDEN, e),
    }
}
