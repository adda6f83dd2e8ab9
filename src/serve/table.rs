//! The village table from the page: a table uploaded whole (checked by the
//! loader in a staging file before it replaces anything), or one cell
//! edited in place, in the table's own format.

use std::path::Path;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::api::state;
use super::api::{S, blocking, document, fail, issue_text, replace, villages_file};
use super::form;
use crate::campaign::villages::{Table, read_table};

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
