//! The page's fourth step (issue 27): upload the filled tracking workbook,
//! see each village's progress (households reached of households), make
//! the report and download it. Each route is a thin call into
//! [`crate::report`]; the rules of [`super`] (token, Origin, body limits)
//! apply as to every route.

use std::path::Path;
use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};

use super::Shared;
use crate::diag::BuildError;
use crate::report::{Period, figures};

type S = State<Arc<Shared>>;

/// The routes of the fourth step, added to the page's router.
pub fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/report.js", get(script))
        .route("/report.css", get(style))
        .route("/api/report", get(progress))
        .route("/api/report/upload", post(upload))
        .route("/api/report/make", post(make))
}

async fn script() -> Response {
    let js = include_str!("assets/report.js");
    ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8")], js).into_response()
}

async fn style() -> Response {
    let css = include_str!("assets/report.css");
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], css).into_response()
}

fn fail(status: StatusCode, msg: impl Into<String>) -> Response {
    (status, Json(json!({ "error": msg.into() }))).into_response()
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(f).await.expect("a report task panicked")
}

#[derive(Deserialize)]
pub struct PeriodQuery {
    period: Option<String>,
}

/// The period asked for, or the campaign's year.
fn period_of(root: &Path, q: &PeriodQuery) -> Result<Period, String> {
    match q.period.as_deref().filter(|p| !p.is_empty()) {
        Some(p) => p.parse(),
        None => {
            let year =
                crate::load(root).ok().and_then(|p| p.campaign.date).map_or(2026, |d| d.year());
            Ok(Period { year, half: None })
        }
    }
}

/// Every village's progress, or the problems of the workbook, as JSON.
fn progress_json(root: &Path, period: &Period) -> Value {
    let files = reports_on_disk(root, period);
    let read = crate::load(root).map_err(BuildError::Input);
    match read.and_then(|p| crate::report::figures_of(root, &p, period)) {
        Ok(f) => {
            let t = f.totals();
            let rows: Vec<Value> = f
                .rows
                .iter()
                .map(|r| {
                    json!({
                        "name": r.name, "households": r.households, "reached": r.reached,
                        "leaflets": r.leaflets, "printed": r.printed, "filled": r.filled,
                        "share": figures::share(r.reached.into(), r.households.into()),
                    })
                })
                .collect();
            json!({
                "period": period.slug(), "words": period.words(), "rows": rows,
                "totals": { "villages": t.villages, "reported": t.reported, "households": t.households,
                    "reached": t.reached, "share": t.share(), "leaflets": t.leaflets,
                    "posters": t.posters, "cards": t.cards, "broadcasts": t.broadcasts,
                    "posters_given": t.posters_given, "cards_given": t.cards_given,
                    "reported_households": t.reported_households },
                "issues": [], "errors": 0, "files": files,
            })
        }
        Err(e) => {
            let (list, errors) = issues(&e);
            json!({
                "period": period.slug(), "words": period.words(), "rows": [],
                "issues": list, "errors": errors, "files": files,
            })
        }
    }
}

/// The problems as the page lists them: every error of one column with
/// the same hint on one line (`cột Ngày nhận, dòng 4–13: …`), so ten rows
/// of the same slip read as one thing to fix, not ten; and how many errors
/// there are in all.
fn issues(e: &BuildError) -> (Vec<String>, usize) {
    let list = match e {
        BuildError::Input(i) => &i.0,
        BuildError::Other(m) => return (vec![m.to_string()], 1),
    };
    (group(list), list.len())
}

/// See [`issues`].
fn group(list: &[crate::diag::Issue]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut done = vec![false; list.len()];
    for (i, first) in list.iter().enumerate() {
        if done[i] {
            continue;
        }
        let same: Vec<usize> = (i..list.len())
            .filter(|&j| {
                let o = &list[j];
                !done[j]
                    && first.field.is_some()
                    && o.field == first.field
                    && o.hint == first.hint
                    && o.file == first.file
                    && o.line.is_some()
            })
            .collect();
        if same.len() < 2 {
            done[i] = true;
            out.push(first.to_string());
            continue;
        }
        let mut lines: Vec<usize> = same.iter().filter_map(|&j| list[j].line).collect();
        lines.sort_unstable();
        lines.dedup();
        for &j in &same {
            done[j] = true;
        }
        // Each part may quote the officer's cells: written out, as `Issue` does.
        use crate::text::visible;
        let field = visible(first.field.as_deref().unwrap_or(""));
        let mut text = format!(
            "{}: lỗi: cột {field}, dòng {} ({} ô), ví dụ dòng {}: {}",
            visible(&first.file.display().to_string()),
            crate::campaign::rows::ranges(&lines),
            same.len(),
            first.line.unwrap_or(0),
            visible(&first.message)
        );
        if let Some(h) = &first.hint {
            text.push_str(&format!("\n  gợi ý: {}", visible(h)));
        }
        out.push(text);
    }
    out
}

/// The report files of `period` already in `out/` (paths in `out/`).
fn reports_on_disk(root: &Path, period: &Period) -> Vec<String> {
    let stem = format!("{}/bao-cao-{}", crate::report::REPORTS_DIR, period.slug());
    [format!("{stem}.docx"), format!("{stem}.pdf")]
        .into_iter()
        .filter(|rel| root.join("out").join(rel).is_file())
        .collect()
}

async fn progress(State(s): S, Query(q): Query<PeriodQuery>) -> Response {
    let root = s.root.clone();
    let result = blocking(move || period_of(&root, &q).map(|p| progress_json(&root, &p))).await;
    match result {
        Ok(v) => Json(v).into_response(),
        Err(e) => fail(StatusCode::BAD_REQUEST, e),
    }
}

#[derive(Deserialize)]
pub struct UploadQuery {
    name: String,
    period: Option<String>,
}

/// Replaces the tracking workbook with an uploaded `.xlsx` or `.csv`, read
/// from a staging file by the same reader as `canhbao report` first: a
/// file it cannot read changes nothing. The file before is kept as `.bak`.
async fn upload(State(s): S, Query(q): Query<UploadQuery>, body: Bytes) -> Response {
    let ext = Path::new(&q.name)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    if !["xlsx", "csv"].contains(&ext.as_str()) {
        return fail(
            StatusCode::BAD_REQUEST,
            format!("“{}” không phải sổ theo dõi: chọn tệp .xlsx hoặc .csv", q.name),
        );
    }
    let _w = s.writing.lock().await;
    let root = s.root.clone();
    let result = blocking(move || -> Result<Value, String> {
        let period = period_of(&root, &PeriodQuery { period: q.period.clone() })?;
        let project = crate::load(&root).map_err(|i| i.to_string())?;
        let target = crate::report::workbook_path(&root, &project).with_extension(&ext);
        let stage = root.join(format!(".canhbao-upload-{}.{ext}", std::process::id()));
        let shown = Path::new(crate::report::workbook::FILE).with_extension(&ext);
        let checked = std::fs::write(&stage, &body)
            .map_err(|e| format!("không ghi được tệp tạm ({})", crate::diag::io_error(&e)))
            .and_then(|()| {
                crate::campaign::villages::read_table_as(
                    &stage,
                    &shown,
                    &crate::report::workbook::TRACK,
                )
                .map(|_| ())
                .map_err(|i| i.to_string())
            });
        let placed = checked.and_then(|()| {
            if target.exists() {
                let bak = target.with_extension(format!("{ext}.bak"));
                std::fs::copy(&target, &bak).map_err(|e| {
                    format!("không sao lưu được sổ cũ ({})", crate::diag::io_error(&e))
                })?;
            }
            std::fs::rename(&stage, &target)
                .map_err(|e| format!("không thay được sổ theo dõi ({})", crate::diag::io_error(&e)))
        });
        let _ = std::fs::remove_file(&stage);
        placed?;
        // A CSV and a workbook side by side: the workbook would be read first.
        if ext == "csv" {
            let xlsx = target.with_extension("xlsx");
            if xlsx.exists() {
                let _ = std::fs::rename(&xlsx, xlsx.with_extension("xlsx.bak"));
            }
        }
        Ok(progress_json(&root, &period))
    })
    .await;
    match result {
        Ok(v) => Json(v).into_response(),
        Err(e) => fail(StatusCode::BAD_REQUEST, e),
    }
}

/// Makes the report of the period (`canhbao report`), then answers the
/// progress with the files to download.
async fn make(State(s): S, Query(q): Query<PeriodQuery>) -> Response {
    let _w = s.writing.lock().await;
    let root = s.root.clone();
    let result = blocking(move || -> Result<Value, (StatusCode, Value)> {
        let period =
            period_of(&root, &q).map_err(|e| (StatusCode::BAD_REQUEST, json!({ "error": e })))?;
        match crate::report(&root, &period, None) {
            Ok(_) => Ok(progress_json(&root, &period)),
            Err(e) => {
                let (list, errors) = issues(&e);
                Err((
                    StatusCode::UNPROCESSABLE_ENTITY,
                    json!({ "error": list.join("\n"), "issues": list, "errors": errors }),
                ))
            }
        }
    })
    .await;
    match result {
        Ok(v) => Json(v).into_response(),
        Err((status, v)) => (status, Json(v)).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Issue;

    #[test]
    fn one_slip_in_many_rows_is_one_line() {
        let f = Path::new("theo-doi.xlsx");
        let mut list: Vec<Issue> = (4..=13)
            .map(|l| {
                Issue::error(f, format!("ô D{l} (thôn {l}): “x” không phải ngày"))
                    .line(l)
                    .field("Ngày nhận")
                    .hint("ghi ngày")
            })
            .collect();
        list.push(Issue::error(f, "ô F5 (thôn 5): quá số hộ").line(5).field("Số hộ đã nhận"));
        let g = group(&list);
        assert_eq!(g.len(), 2, "{g:?}");
        assert!(g[0].contains("cột Ngày nhận, dòng 4–13 (10 ô)"), "{}", g[0]);
        assert!(g[0].contains("(thôn 4)"), "{}", g[0]);
        assert!(g[1].starts_with("theo-doi.xlsx:5: lỗi: [Số hộ đã nhận] ô F5"), "{}", g[1]);
    }
}
