//! Reading the village table: CSV in whatever encoding Excel saved it, or XLSX.
//!
//! The result is a plain grid of cleaned strings with the source line of each
//! row, so validation can point at `villages.csv:12`.

use std::path::Path;

use calamine::{Data, Reader};

use crate::diag::Issue;
use crate::text::{clean, fold};

/// Columns canhbao knows, with the header spellings accepted for each
/// (compared after removing case, diacritics and spaces).
pub const COLUMNS: &[(&str, &[&str])] = &[
    ("name", &["name", "village", "ten", "tenthon", "tenthonban", "thon", "tendiaban"]),
    ("kind", &["kind", "type", "loai", "loaidiaban", "cap"]),
    (
        "officer",
        &[
            "officer",
            "conganvienphutrach",
            "canbophutrach",
            "nguoiphutrach",
            "phutrach",
            "congan",
            "conganphutrach",
        ],
    ),
    ("officer_phone", &["officerphone", "phone", "sdt", "sodienthoai", "dienthoai", "sdtphutrach"]),
    ("households", &["households", "soho", "sohogiadinh", "ho"]),
    ("shops", &["shops", "socuahang", "cuahang", "cosokinhdoanh"]),
    ("public_places", &["publicplaces", "noicongcong", "diemcongcong", "socongcong"]),
];

/// A grid read from a table file.
#[derive(Debug, Clone)]
pub struct Table {
    /// Canonical column name per input column (`None` for columns we ignore).
    pub columns: Vec<Option<&'static str>>,
    /// Header text as the user wrote it, per input column.
    pub headers: Vec<String>,
    /// The line (CSV) or row (XLSX) of the header, 1-based.
    pub header_line: usize,
    /// Data rows: 1-based line number and cleaned cells.
    pub rows: Vec<(usize, Vec<String>)>,
}

impl Table {
    /// The cell of canonical column `name` in `row`, if that column exists.
    pub fn cell<'a>(&self, row: &'a [String], name: &str) -> Option<&'a str> {
        let idx = self.columns.iter().position(|c| *c == Some(name))?;
        Some(row.get(idx).map(String::as_str).unwrap_or(""))
    }

    /// The header the user wrote for canonical column `name`.
    pub fn header(&self, name: &str) -> String {
        self.columns
            .iter()
            .position(|c| *c == Some(name))
            .map(|i| self.headers[i].clone())
            .unwrap_or_else(|| name.to_string())
    }
}

/// Maps a header cell to a canonical column name.
pub fn column_for(header: &str) -> Option<&'static str> {
    let key = fold(header);
    COLUMNS.iter().find(|(_, aliases)| aliases.contains(&key.as_str())).map(|(name, _)| *name)
}

/// Reads a `.csv` or `.xlsx` village table.
pub fn read_table(path: &Path, shown: &Path) -> Result<Table, Issue> {
    let ext =
        path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).unwrap_or_default();
    let grid = match ext.as_str() {
        "xlsx" | "xlsm" | "xls" | "ods" => read_workbook(path, shown)?,
        _ => {
            let bytes = std::fs::read(path).map_err(|e| {
                Issue::error(shown, format!("không đọc được tệp ({e})"))
                    .hint("kiểm tra tên tệp trong khóa `villages` của campaign.toml")
            })?;
            let text = super::encoding::decode(&bytes, shown)?;
            read_csv(&text, shown)?
        }
    };
    to_table(grid, shown)
}

/// Splits CSV text into rows with their line numbers. Accepts `,` `;` or tab.
fn read_csv(text: &str, shown: &Path) -> Result<Vec<(usize, Vec<String>)>, Issue> {
    // The delimiter is the one most used in the first lines (a title row may
    // have none); ties go to the comma.
    let head: String = text.lines().take(5).collect::<Vec<_>>().join("\n");
    let mut delimiter = b',';
    for d in [b';', b'\t'] {
        if head.matches(d as char).count() > head.matches(delimiter as char).count() {
            delimiter = d;
        }
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line() as usize);
            Issue::error(shown, format!("tệp CSV hỏng ({e})")).line(line)
        })?;
        let line = record.position().map_or(0, |p| p.line() as usize);
        rows.push((line, record.iter().map(clean).collect()));
    }
    Ok(rows)
}

/// Reads the first sheet of a workbook (or the sheet named `villages`/`Danh sách`).
fn read_workbook(path: &Path, shown: &Path) -> Result<Vec<(usize, Vec<String>)>, Issue> {
    let mut book = calamine::open_workbook_auto(path).map_err(|e| {
        Issue::error(shown, format!("không mở được bảng tính ({e})"))
            .hint("lưu lại tệp bằng Excel dưới dạng .xlsx hoặc CSV UTF-8")
    })?;
    let names = book.sheet_names();
    let sheet = names
        .iter()
        .find(|n| matches!(fold(n).as_str(), "villages" | "danhsach" | "thon"))
        .or(names.first())
        .cloned()
        .ok_or_else(|| Issue::error(shown, "bảng tính không có trang nào"))?;
    let range = book
        .worksheet_range(&sheet)
        .map_err(|e| Issue::error(shown, format!("không đọc được trang “{sheet}” ({e})")))?;
    // Formulas saved without a computed value (files written by scripts, not
    // by Excel) read as empty cells; say so instead of "cell is empty".
    let formulas = book.worksheet_formula(&sheet).ok();
    let (start, col0) = range.start().map_or((0, 0), |(r, c)| (r as usize, c));
    let mut rows = Vec::new();
    for (i, row) in range.rows().enumerate() {
        let cells = row.iter().enumerate().map(|(j, cell)| {
            let at = ((start + i) as u32, col0 + j as u32);
            match formulas.as_ref().and_then(|f| f.get_value(at)) {
                Some(f) if !f.is_empty() && cell_text(cell).is_ok_and(|t| t.is_empty()) => Err(
                    format!("ô có công thức “={f}” nhưng chưa có giá trị; mở tệp bằng Excel rồi lưu lại, hoặc thay công thức bằng giá trị"),
                ),
                _ => cell_text(cell),
            }
        });
        let cells = cells.collect::<Result<Vec<_>, _>>();
        let cells = cells.map_err(|msg| Issue::error(shown, msg).line(start + i + 1))?;
        rows.push((start + i + 1, cells));
    }
    Ok(rows)
}

/// One spreadsheet cell as text. Whole numbers lose their `.0`.
fn cell_text(cell: &Data) -> Result<String, String> {
    Ok(match cell {
        Data::Empty => String::new(),
        Data::String(s) => clean(s),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => d.to_string(),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => {
            return Err(format!("ô có lỗi công thức ({e:?}); hãy thay công thức bằng giá trị"));
        }
    })
}

/// Finds the header row (it may sit below a title row) and maps its columns.
fn to_table(grid: Vec<(usize, Vec<String>)>, shown: &Path) -> Result<Table, Issue> {
    if grid.iter().all(|(_, r)| r.iter().all(String::is_empty)) {
        return Err(Issue::error(shown, "tệp danh sách thôn đang trống")
            .hint("dòng đầu là tiêu đề cột (name, kind, officer, officer_phone, households), mỗi dòng sau là một thôn"));
    }
    let known = |row: &[String]| row.iter().filter(|c| column_for(c).is_some()).count();
    let header_at = grid.iter().take(10).position(|(_, r)| known(r) >= 2).ok_or_else(|| {
        Issue::error(shown, "không tìm thấy dòng tiêu đề cột")
            .line(grid[0].0)
            .hint("cần các cột: name (Tên thôn), kind (Loại), officer (Cán bộ phụ trách), officer_phone (SĐT), households (Số hộ)")
    })?;
    let (header_line, header) = grid[header_at].clone();
    let columns: Vec<_> = header.iter().map(|h| column_for(h)).collect();
    let rows = grid
        .into_iter()
        .skip(header_at + 1)
        .filter(|(_, r)| r.iter().any(|c| !c.is_empty()))
        .collect();
    Ok(Table { columns, headers: header, header_line, rows })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_in_vietnamese_and_english() {
        assert_eq!(column_for("Tên thôn"), Some("name"));
        assert_eq!(column_for("SĐT"), Some("officer_phone"));
        assert_eq!(column_for("Công an viên phụ trách"), Some("officer"));
        assert_eq!(column_for("Số hộ"), Some("households"));
        assert_eq!(column_for("officer_phone"), Some("officer_phone"));
        assert_eq!(column_for("ghi chú"), None);
    }

    #[test]
    fn header_found_below_a_title_row() {
        let csv = "DANH SÁCH THÔN,,\nTên thôn,Số hộ,SĐT\nĐông Hải,120,0912345678\n";
        let grid = read_csv(csv, Path::new("v.csv")).unwrap();
        let table = to_table(grid, Path::new("v.csv")).unwrap();
        assert_eq!(table.header_line, 2);
        assert_eq!(table.rows.len(), 1);
        assert_eq!(table.rows[0].0, 3);
        assert_eq!(table.cell(&table.rows[0].1, "households"), Some("120"));
    }

    #[test]
    fn semicolon_csv() {
        let grid = read_csv("name;households\nA;1\n", Path::new("v.csv")).unwrap();
        assert_eq!(grid[1].1, vec!["A", "1"]);
    }
}
