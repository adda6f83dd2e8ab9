//! Reading the village table: CSV in whatever encoding Excel saved it, or XLSX.
//!
//! The result is a plain grid of cleaned strings with the source line of each
//! row, so validation can point at `villages.csv:12`.

use std::path::Path;

mod xlsx;

pub use xlsx::column_name;
use xlsx::read_workbook;

use super::encoding::LineCounter;
use crate::diag::Issue;
use crate::text::{clean, fold};

/// Columns canhbao knows, with the header spellings accepted for each.
///
/// A header matches after removing case, spaces and punctuation, keeping its
/// diacritics: `Họ` (surname) is not `Hộ` (households). A header typed
/// without any diacritics matches an alias with them removed (`So ho`),
/// except where that is ambiguous (`AMBIGUOUS_ASCII`).
pub const COLUMNS: &[(&str, &[&str])] = &[
    ("name", &["name", "village", "tên", "tên thôn", "tên thôn bản", "thôn", "tên địa bàn"]),
    ("kind", &["kind", "type", "loại", "loại địa bàn", "cấp"]),
    (
        "officer",
        &[
            "officer",
            "công an viên phụ trách",
            "cán bộ phụ trách",
            "người phụ trách",
            "phụ trách",
            "công an",
            "công an phụ trách",
        ],
    ),
    (
        "officer_phone",
        &["officer_phone", "phone", "sđt", "số điện thoại", "điện thoại", "sđt phụ trách"],
    ),
    ("households", &["households", "số hộ", "số hộ gia đình", "hộ"]),
    ("shops", &["shops", "số cửa hàng", "cửa hàng", "cơ sở kinh doanh"]),
    (
        "public_places",
        &["public_places", "nơi công cộng", "điểm công cộng", "số công cộng", "số nơi công cộng"],
    ),
    // The commune a village belongs to, in a province's shared village table
    // (`crate::province`); a single commune's table has no use for it.
    ("commune", &["commune", "xã", "tên xã", "xã phường", "xã/phường", "tên xã phường"]),
];

/// What a table file holds: its columns and what to say when it has none.
#[derive(Debug, Clone, Copy)]
pub struct Schema {
    /// Canonical columns with their accepted headers, as [`COLUMNS`].
    pub columns: &'static [(&'static str, &'static [&'static str])],
    /// Said when the file is empty, and what it should hold.
    pub empty: (&'static str, &'static str),
    /// The hint when no header row is found: the columns it needs.
    pub needs: &'static str,
    /// Sheet names (folded) to read in a workbook before the first sheet.
    pub sheets: &'static [&'static str],
}

/// The village table.
pub const VILLAGES: Schema = Schema {
    columns: COLUMNS,
    empty: (
        "tệp danh sách thôn đang trống",
        "dòng đầu là tiêu đề cột (name, kind, officer, officer_phone, households), mỗi dòng sau là một thôn",
    ),
    needs: "cần các cột: name (Tên thôn), kind (Loại), officer (Cán bộ phụ trách), officer_phone (SĐT), households (Số hộ)",
    sheets: &["villages", "danhsach", "thon"],
};

/// Headers without diacritics that could mean two things (`Ho`: Họ or Hộ).
const AMBIGUOUS_ASCII: &[&str] = &["ho"];

/// Most data rows a village table may have.
pub const MAX_ROWS: usize = 100_000;
/// Most columns a village table may have (A to AX).
pub const MAX_COLS: usize = 50;
/// Most characters in one cell.
pub const MAX_CELL: usize = 1_000;
/// Largest village file on disk (CSV or XLSX).
pub const MAX_FILE_BYTES: u64 = 32 << 20;
/// Most bytes an `.xlsx` may unpack to, all its parts together.
pub const MAX_UNZIPPED: u64 = 64 << 20;
/// Most text a workbook's cells may hold once each shared string is put in
/// every cell that refers to it: as much as the largest CSV
/// ([`MAX_FILE_BYTES`]). One long string referenced by millions of cells is
/// a few MB on disk and gigabytes in memory.
pub const MAX_EXPANDED: u64 = MAX_FILE_BYTES;
/// Most cells holding a value in a workbook's sheets (100,000 villages of
/// ten columns).
pub const MAX_CELLS: u64 = 1_000_000;

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
    /// Cells of a spreadsheet holding something other than text or a whole
    /// number: a date, a decimal, TRUE/FALSE, a formula error. Where a count
    /// belongs, each is refused with its cell ([`Typed`]).
    pub decimals: Vec<Typed>,
    /// The sheet read, for a workbook.
    pub sheet: Option<String>,
    /// Rows hidden in Excel (1-based): read like the others, as Excel's own
    /// "Save as CSV" does, and said in a warning.
    pub hidden_rows: Vec<usize>,
}

/// A spreadsheet cell whose type is not text or a whole number.
#[derive(Debug, Clone, PartialEq)]
pub struct Typed {
    /// 1-based row.
    pub line: usize,
    /// 0-based column.
    pub col: usize,
    /// The cell as Excel names it, with its sheet: `E8 (trang “Sheet1”)`.
    pub cell: String,
    /// What it holds.
    pub kind: TypedKind,
}

/// What a [`Typed`] cell holds.
#[derive(Debug, Clone, PartialEq)]
pub enum TypedKind {
    /// A date or time (Excel keeps the serial day count: 15/3/2026 is 46096).
    Date(String),
    /// A number with a fractional part.
    Decimal(String),
    /// TRUE or FALSE.
    Bool(bool),
    /// A formula's error (`#DIV/0!`).
    Error(String),
}

impl Typed {
    /// Why this cell cannot be a count, and what to do.
    pub fn refusal(&self) -> (String, &'static str) {
        let cell = &self.cell;
        match &self.kind {
            TypedKind::Date(d) => (
                format!("ô {cell} là ngày tháng ({d}), không phải một số"),
                "ô này đang định dạng Ngày trong Excel: chọn ô, bấm Ctrl+1 → Số (Number) hoặc Chung (General), rồi gõ lại con số",
            ),
            TypedKind::Decimal(n) => (
                format!("ô {cell} là số thập phân ({n}), không phải số nguyên"),
                "ghi một số nguyên, ví dụ 312 hoặc 1.200",
            ),
            TypedKind::Bool(b) => (
                format!(
                    "ô {cell} là giá trị đúng/sai ({}), không phải một số",
                    if *b { "TRUE" } else { "FALSE" }
                ),
                "gõ con số vào ô, ví dụ 312",
            ),
            TypedKind::Error(e) => (
                format!("ô {cell} có lỗi công thức {e}"),
                "sửa công thức trong Excel, hoặc xóa công thức và gõ giá trị vào ô",
            ),
        }
    }
}

impl Table {
    /// The cell of canonical column `name` in `row`, if that column exists.
    pub fn cell<'a>(&self, row: &'a [String], name: &str) -> Option<&'a str> {
        let idx = self.columns.iter().position(|c| *c == Some(name))?;
        Some(row.get(idx).map(String::as_str).unwrap_or(""))
    }

    /// The spreadsheet cell of column `name` on `line`, if it is not text or
    /// a whole number.
    pub fn typed(&self, line: usize, name: &str) -> Option<&Typed> {
        let idx = self.columns.iter().position(|c| *c == Some(name))?;
        self.decimals.iter().find(|t| t.line == line && t.col == idx)
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

/// Maps a header cell to a canonical column name (exact match, see [`COLUMNS`]).
pub fn column_for(header: &str) -> Option<&'static str> {
    column_in(COLUMNS, header)
}

/// [`column_for`] over another table's columns.
pub fn column_in(
    columns: &'static [(&'static str, &'static [&'static str])],
    header: &str,
) -> Option<&'static str> {
    let key = header_key(header);
    if key.is_empty() {
        return None;
    }
    let ascii = key.is_ascii();
    if ascii && AMBIGUOUS_ASCII.contains(&key.as_str()) {
        return None;
    }
    columns
        .iter()
        .find(|(_, aliases)| {
            aliases.iter().any(|a| if ascii { fold(a) == key } else { header_key(a) == key })
        })
        .map(|(name, _)| *name)
}

/// A header without case, spaces or punctuation, diacritics kept.
fn header_key(header: &str) -> String {
    clean(header).to_lowercase().chars().filter(|c| c.is_alphanumeric()).collect()
}

/// Rows of a table file: 1-based line (CSV) or row (XLSX) and cleaned cells.
type Grid = Vec<(usize, Vec<String>)>;

/// Reads a `.csv` or `.xlsx` village table.
pub fn read_table(path: &Path, shown: &Path) -> Result<Table, Issue> {
    read_table_as(path, shown, &VILLAGES)
}

/// Reads a `.csv` or `.xlsx` table of the given [`Schema`], with every check
/// of the village table (size, encoding, cells, header row).
pub fn read_table_as(path: &Path, shown: &Path, schema: &Schema) -> Result<Table, Issue> {
    let ext =
        path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).unwrap_or_default();
    if matches!(ext.as_str(), "xls" | "ods" | "xlsb") {
        return Err(Issue::error(shown, format!("canhbao không đọc bảng tính dạng .{ext}"))
            .hint("mở bằng Excel, chọn Lưu thành (Save As) → “Sổ làm việc Excel (.xlsx)” hoặc “CSV UTF-8”"));
    }
    let bytes = read_capped(path, MAX_FILE_BYTES, shown)
        .map_err(|i| i.hint("kiểm tra tên tệp trong khóa `villages` của campaign.toml"))?;
    if matches!(ext.as_str(), "xlsx" | "xlsm") {
        let book = read_workbook(bytes, shown, schema.sheets)?;
        let table = to_table(book.grid, shown, schema, &book.typed, false).map_err(|mut i| {
            // Which sheet: a hidden first sheet once gave "no header row" alone.
            i.message = format!("trang “{}”: {}", book.sheet, i.message);
            i
        })?;
        return Ok(Table {
            decimals: book.typed,
            sheet: Some(book.sheet),
            hidden_rows: book.hidden,
            ..table
        });
    }
    let text = super::encoding::decode(&bytes, shown)?;
    to_table(read_csv(&text, shown)?, shown, schema, &[], true)
}

/// Reads a whole file, refusing one larger than `max` bytes before reading
/// it (and anything that is not a plain file, such as a FIFO that never ends).
pub fn read_capped(path: &Path, max: u64, shown: &Path) -> Result<Vec<u8>, Issue> {
    use std::io::Read;
    let unreadable = |e: std::io::Error| {
        Issue::error(shown, format!("không đọc được tệp ({})", crate::diag::io_error(&e)))
    };
    let file = std::fs::File::open(path).map_err(unreadable)?;
    let meta = file.metadata().map_err(unreadable)?;
    if !meta.is_file() {
        return Err(Issue::error(shown, "đây không phải là một tệp thường"));
    }
    if meta.len() > max {
        return Err(too_big(shown, meta.len(), max));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(max + 1).read_to_end(&mut bytes).map_err(unreadable)?;
    if bytes.len() as u64 > max {
        return Err(too_big(shown, bytes.len() as u64, max));
    }
    Ok(bytes)
}

fn too_big(shown: &Path, size: u64, max: u64) -> Issue {
    Issue::error(shown, format!("tệp nặng {}, quá giới hạn {}", mib(size), mib(max)))
        .hint("kiểm tra xem có chọn nhầm tệp không")
}

/// A size in MB for messages (`12,5 MB`).
fn mib(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / (1 << 20) as f64).replace('.', ",")
}

/// The CSV reader of a village table: `,` `;` or tab, whichever is most
/// used in the first lines (a title row may have none; ties go to the
/// comma). The page's cell edit reads the file with the same reader.
pub(crate) fn csv_reader(text: &str) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(csv_delimiter(text))
        .from_reader(text.as_bytes())
}

/// The delimiter [`csv_reader`] reads `text` with.
pub(crate) fn csv_delimiter(text: &str) -> u8 {
    let head: String = text.lines().take(5).collect::<Vec<_>>().join("\n");
    let mut delimiter = b',';
    for d in [b';', b'\t'] {
        if head.matches(d as char).count() > head.matches(delimiter as char).count() {
            delimiter = d;
        }
    }
    delimiter
}

/// Splits CSV text into rows with their line numbers. Accepts `,` `;` or tab.
fn read_csv(text: &str, shown: &Path) -> Result<Grid, Issue> {
    let mut reader = csv_reader(text);
    // The line of a record comes from its byte offset: the csv crate's own
    // line count is off for CRLF, CR-only and blank lines. The offset is
    // where the reader started, before the blank lines it skipped.
    let mut lines = LineCounter::new(text);
    let mut line_of = |pos: Option<&csv::Position>| {
        pos.map_or(0, |p| {
            let start = p.byte() as usize;
            let blank = text.as_bytes()[start.min(text.len())..]
                .iter()
                .take_while(|b| matches!(b, b'\r' | b'\n'))
                .count();
            lines.line_at(start + blank)
        })
    };
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            Issue::error(shown, format!("tệp CSV hỏng ({})", csv_reason(&e)))
                .line(line_of(e.position()))
        })?;
        let line = line_of(record.position());
        if rows.len() > MAX_ROWS {
            return Err(too_many_rows(shown, line));
        }
        if record.len() > MAX_COLS {
            return Err(too_many_cols(shown, line, record.len()));
        }
        rows.push((line, record.iter().map(clean).collect()));
    }
    Ok(rows)
}

fn too_many_rows(shown: &Path, line: usize) -> Issue {
    Issue::error(shown, format!("bảng có hơn {MAX_ROWS} dòng")).line(line).hint(
        "mỗi thôn một dòng; xóa các dòng thừa ở cuối bảng (Ctrl+End trong Excel cho biết ô cuối cùng)",
    )
}

fn too_many_cols(shown: &Path, line: usize, cols: usize) -> Issue {
    Issue::error(shown, format!("dòng có {cols} cột, quá giới hạn {MAX_COLS} cột"))
        .line(line)
        .hint("xóa các cột thừa bên phải bảng (Ctrl+End trong Excel cho biết ô cuối cùng)")
}

/// Why the CSV reader stopped, in Vietnamese (its own reasons are English).
fn csv_reason(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Io(e) => crate::diag::io_error(e),
        csv::ErrorKind::Utf8 { .. } => "có byte không phải UTF-8".into(),
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
            format!("dòng có {len} ô, dòng tiêu đề có {expected_len} ô")
        }
        _ => "không đọc được".into(),
    }
}

/// Finds the header row (it may sit below a title row) and maps its columns.
/// A formula error in a column that is read is refused with its cell; in a
/// CSV (`csv`), a data row with more or fewer cells than the header row is
/// refused with its line: an unquoted `1,305` makes one cell more.
fn to_table(
    grid: Vec<(usize, Vec<String>)>,
    shown: &Path,
    schema: &Schema,
    typed: &[Typed],
    csv: bool,
) -> Result<Table, Issue> {
    let column = |h: &str| column_in(schema.columns, h);
    if grid.iter().all(|(_, r)| r.iter().all(String::is_empty)) {
        return Err(Issue::error(shown, schema.empty.0).hint(schema.empty.1));
    }
    let known = |row: &[String]| row.iter().filter(|c| column(c).is_some()).count();
    let header_at = grid.iter().take(10).position(|(_, r)| known(r) >= 2).ok_or_else(|| {
        Issue::error(shown, "không tìm thấy dòng tiêu đề cột").line(grid[0].0).hint(schema.needs)
    })?;
    let (header_line, header) = grid[header_at].clone();
    let columns: Vec<_> = header.iter().map(|h| column(h)).collect();
    for (line, row) in &grid {
        for (i, cell) in row.iter().enumerate() {
            let field = || match header.get(i).filter(|h| !h.is_empty()) {
                Some(h) => h.clone(),
                None => format!("cột {}", column_name(i as u32)),
            };
            let len = cell.chars().count();
            if len > MAX_CELL {
                return Err(Issue::error(
                    shown,
                    format!("ô dài {len} ký tự, quá giới hạn {MAX_CELL}"),
                )
                .line(*line)
                .field(field())
                .hint("mỗi ô chỉ ghi một tên, một số điện thoại hay một con số"));
            }
            // Only what is printed or quoted back: an ignored notes column may hold anything.
            let used = *line == header_line || columns.get(i).copied().flatten().is_some();
            if let Some(c) = crate::text::refused_char(cell).filter(|_| used) {
                return Err(refused(shown, c).line(*line).field(field()));
            }
        }
    }
    let used = |col: usize| columns.get(col).copied().flatten().is_some();
    if let Some(t) = typed
        .iter()
        .find(|t| matches!(t.kind, TypedKind::Error(_)) && (t.line == header_line || used(t.col)))
    {
        let (msg, hint) = t.refusal();
        return Err(Issue::error(shown, msg).line(t.line).hint(hint));
    }
    if csv {
        ragged(&grid[header_at + 1..], &header, shown)?;
    }
    let rows = grid
        .into_iter()
        .skip(header_at + 1)
        .filter(|(_, r)| r.iter().any(|c| !c.is_empty()))
        .collect();
    Ok(Table {
        columns,
        headers: header,
        header_line,
        rows,
        decimals: Vec::new(),
        sheet: None,
        hidden_rows: Vec::new(),
    })
}

/// Refuses the first CSV data row whose cell count differs from the header
/// row's: a row with a value past the header's last column (an unquoted
/// `1,305` splits into `1` and `305`, shifting every cell after it), or
/// one that stops before the header's last named column. Empty cells past
/// the header (`;;;` that Excel leaves) and blank lines are fine.
fn ragged(rows: &[(usize, Vec<String>)], header: &[String], shown: &Path) -> Result<(), Issue> {
    let named = header.iter().rposition(|h| !h.is_empty()).map_or(0, |i| i + 1);
    for (line, row) in rows {
        if row.iter().all(String::is_empty) {
            continue;
        }
        let filled = row.iter().rposition(|c| !c.is_empty()).map_or(0, |i| i + 1);
        if filled > header.len().max(named) {
            return Err(Issue::error(
                shown,
                format!("dòng có {filled} ô, nhiều hơn {named} cột của dòng tiêu đề"),
            )
            .line(*line)
            .hint("một số có dấu phẩy ngăn hàng nghìn (1,305) phải đặt trong ngoặc kép (\"1,305\") hoặc viết liền (1305); dấu phẩy thừa trong tên cũng tách ô như vậy"));
        }
        if row.len() < named {
            return Err(Issue::error(
                shown,
                format!("dòng có {} ô, ít hơn {named} cột của dòng tiêu đề", row.len()),
            )
            .line(*line)
            .hint("dòng này thiếu dấu phân cách: mỗi dòng cần đủ các cột như dòng tiêu đề, ô trống vẫn cần dấu phẩy"));
        }
    }
    Ok(())
}

/// The issue for a control or format character in user data.
pub fn refused(shown: &Path, c: char) -> Issue {
    let name = crate::text::char_name(c);
    let what = if c.is_control() {
        "ký tự điều khiển"
    } else if c == '\u{FFFD}' {
        "ký tự lỗi “�” (dấu vết của một lần đọc sai bảng mã)"
    } else {
        "ký tự định dạng ẩn (đổi chiều chữ hoặc không nhìn thấy)"
    };
    Issue::error(shown, format!("có {what} {name}, không được in"))
        .hint("ký tự này thường lẫn vào khi dán từ trang web hay tin nhắn: xóa ô đó và gõ lại")
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
        assert_eq!(column_for("Họ"), None, "surname, not households");
        assert_eq!(column_for("Hộ"), Some("households"));
        assert_eq!(column_for("So ho"), Some("households"));
        assert_eq!(column_for("Ho"), None, "ambiguous without diacritics");
        assert_eq!(column_for("SDT"), Some("officer_phone"));
        assert_eq!(column_for("Số hộ dân"), None, "exact, not a prefix");
    }

    #[test]
    fn header_found_below_a_title_row() {
        let csv = "DANH SÁCH THÔN,,\nTên thôn,Số hộ,SĐT\nĐông Hải,120,0912345678\n";
        let grid = read_csv(csv, Path::new("v.csv")).unwrap();
        let table = to_table(grid, Path::new("v.csv"), &VILLAGES, &[], true).unwrap();
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
