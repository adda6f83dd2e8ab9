//! The routes: each one a thin call into the library.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::Path;
use std::sync::Arc;
use std::time::UNIX_EPOCH;

use axum::Json;
use axum::extract::{Path as UrlPath, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};
use toml_edit::DocumentMut;

use super::{Shared, form};
use crate::campaign::villages::{Table, read_table};
use crate::diag::Issue;
use crate::output::write_atomic;

pub(super) type S = State<Arc<Shared>>;

/// Resolution of preview pages (the page fits a half screen).
const PREVIEW_DPI: f32 = 80.0;

/// A refusal with a sentence for the page.
pub(super) fn fail(status: StatusCode, msg: impl Into<String>) -> Response {
    (status, Json(json!({ "error": msg.into() }))).into_response()
}

/// Runs blocking work (file reads, Typst) off the request threads.
pub(super) async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
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
pub(super) fn loaded(s: &Shared) -> Result<Arc<Loaded>, Vec<Issue>> {
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
pub(super) fn document(root: &Path) -> Result<DocumentMut, String> {
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
pub(super) fn villages_file(doc: Option<&DocumentMut>) -> String {
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
pub(super) fn issue_text(root: &Path, issue: &Issue) -> String {
    let mut shown = issue.clone();
    if let Ok(rel) = issue.file.strip_prefix(root) {
        shown.file = rel.to_path_buf();
    }
    shown.to_string()
}

/// [`issue_text`] with the parts the page places on a row and cell.
pub(super) fn issue_json(root: &Path, issue: &Issue) -> Value {
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
pub(super) fn replace(root: &Path, name: &str, bytes: &[u8]) -> Result<(), String> {
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
pub(super) fn revision(root: &Path) -> String {
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
