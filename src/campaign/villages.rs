//! Reading the village table: CSV in whatever encoding Excel saved it, or XLSX.
//!
//! The result is a plain grid of cleaned strings with the source line of each
//! row, so validation can point at `villages.csv:12`.

use std::path::Path;

use std::collections::{BTreeMap, HashMap};

use calamine::{Data, Reader, Xlsx, XlsxError};
use quick_xml::events::{BytesStart, Event};

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

/// What [`read_workbook`] read.
struct Book {
    grid: Grid,
    typed: Vec<Typed>,
    /// The sheet's name.
    sheet: String,
    /// Its hidden rows, 1-based.
    hidden: Vec<usize>,
}

/// Reads the first visible sheet of a workbook (or the visible sheet named
/// `villages`/`Danh sách`): a hidden sheet is not what the officer sees
/// when opening the file.
///
/// The limits are checked before calamine builds anything: [`workbook_limits`]
/// reads the zip's parts within [`MAX_UNZIPPED`], and the cells are read one by
/// one, so a single value in cell XFD1048576 is refused instead of becoming a
/// dense range of 17 billion cells.
fn read_workbook(bytes: Vec<u8>, shown: &Path, sheets: &[&str]) -> Result<Book, Issue> {
    let broken = |e: XlsxError| {
        Issue::error(shown, format!("không mở được bảng tính ({})", xlsx_reason(&e)))
            .hint("lưu lại tệp bằng Excel dưới dạng .xlsx hoặc CSV UTF-8")
    };
    let mut hidden = workbook_limits(&bytes, shown)?;
    let parts = sheet_parts(&bytes);
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).map_err(broken)?;
    let names: Vec<String> = book
        .sheets_metadata()
        .iter()
        .filter(|s| matches!(s.visible, calamine::SheetVisible::Visible))
        .filter(|s| matches!(s.typ, calamine::SheetType::WorkSheet))
        .map(|s| s.name.clone())
        .collect();
    let all = book.sheet_names();
    let sheet = names
        .iter()
        .find(|n| sheets.contains(&fold(n).as_str()))
        .or(names.first())
        .or(all.first())
        .cloned()
        .ok_or_else(|| Issue::error(shown, "bảng tính không có trang nào"))?;
    let mut hidden = parts.get(&sheet).and_then(|p| hidden.remove(p)).unwrap_or_default();
    hidden.sort_unstable();
    let unreadable = |e: XlsxError| {
        Issue::error(shown, format!("không đọc được trang “{sheet}” ({})", xlsx_reason(&e)))
            .hint("lưu lại tệp bằng Excel dưới dạng .xlsx hoặc CSV UTF-8")
    };
    let mut rows: BTreeMap<u32, Vec<String>> = BTreeMap::new();
    let mut decimals = Vec::new();
    // (A block: the cell reader borrows the book until it is dropped.)
    {
        let mut cells = book.worksheet_cells_reader(&sheet).map_err(unreadable)?;
        while let Some(cell) = cells.next_cell().map_err(unreadable)? {
            let (row, col) = cell.get_position();
            check_extent(row, col, shown)?;
            let value = Data::from(cell.get_value().clone());
            let name = || format!("{}{} (trang “{sheet}”)", column_name(col), row as u64 + 1);
            let text = cell_text(&value).map_err(|msg| {
                Issue::error(shown, format!("ô {}: {msg}", name())).line(row as usize + 1)
            })?;
            if text.is_empty() {
                continue;
            }
            if let Some(kind) = typed_kind(&value) {
                decimals.push(Typed {
                    line: row as usize + 1,
                    col: col as usize,
                    cell: name(),
                    kind,
                });
            }
            let cells = rows.entry(row).or_default();
            if cells.len() <= col as usize {
                cells.resize(col as usize + 1, String::new());
            }
            cells[col as usize] = text;
        }
    }
    // Formulas saved without a computed value (files written by scripts, not
    // by Excel) read as empty cells; say so instead of "cell is empty".
    // (`workbook_limits` bounded the shared formulas this pass expands.)
    let mut formulas = book.worksheet_cells_reader(&sheet).map_err(unreadable)?;
    while let Some(cell) = formulas.next_formula().map_err(unreadable)? {
        let (row, col) = cell.get_position();
        let f = cell.get_value();
        let value = rows.get(&row).and_then(|r| r.get(col as usize)).map_or("", String::as_str);
        if !f.is_empty() && value.is_empty() {
            return Err(Issue::error(shown, format!("ô có công thức “={f}” nhưng chưa có giá trị; mở tệp bằng Excel rồi lưu lại, hoặc thay công thức bằng giá trị")).line(row as usize + 1));
        }
    }
    let grid = rows.into_iter().map(|(row, cells)| (row as usize + 1, cells)).collect();
    Ok(Book { grid, typed: decimals, sheet, hidden })
}

/// Refuses a cell beyond [`MAX_ROWS`] or [`MAX_COLS`], naming it as Excel does.
fn check_extent(row: u32, col: u32, shown: &Path) -> Result<(), Issue> {
    if (row as usize) <= MAX_ROWS && (col as usize) < MAX_COLS {
        return Ok(());
    }
    Err(Issue::error(
        shown,
        format!(
            "ô {}{} nằm ngoài vùng canhbao đọc (tối đa {MAX_COLS} cột A–{} và {MAX_ROWS} dòng)",
            column_name(col),
            row as u64 + 1,
            column_name(MAX_COLS as u32 - 1),
        ),
    )
    .line(row as usize + 1)
    .hint("xóa các ô thừa ở xa bảng (Ctrl+End trong Excel cho biết ô cuối cùng), rồi lưu lại"))
}

/// Excel's name of a 0-based column: 0 → `A`, 27 → `AB`.
pub fn column_name(col: u32) -> String {
    let mut n = col as u64 + 1;
    let mut out = Vec::new();
    while n > 0 {
        out.push(b'A' + ((n - 1) % 26) as u8);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// A 0-based (row, column) from an Excel reference such as `XFD1048576`.
fn parse_cell_ref(r: &[u8]) -> Option<(u64, u64)> {
    let letters = r.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    let (col, row) = r.split_at(letters);
    if letters == 0 || letters > 3 || row.is_empty() || !row.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let col = col.iter().fold(0u64, |n, b| n * 26 + u64::from(b.to_ascii_uppercase() - b'A' + 1));
    let row: u64 = std::str::from_utf8(row).ok()?.parse().ok()?;
    (row >= 1).then(|| (row - 1, col - 1))
}

/// Checks an `.xlsx` before calamine reads it: its parts unpack to at most
/// [`MAX_UNZIPPED`] bytes, counted while unpacking (a zip bomb may lie in its
/// directory), and its sheets hold nothing that makes calamine allocate or
/// loop without bound (shared-string indices past the table, shared formulas
/// over huge or reversed ranges).
///
/// Returns the hidden rows (1-based) of each worksheet part.
fn workbook_limits(bytes: &[u8], shown: &Path) -> Result<HashMap<String, Vec<usize>>, Issue> {
    let broken = |e: &str| {
        Issue::error(shown, format!("tệp .xlsx hỏng ({e})"))
            .hint("mở bằng Excel rồi lưu lại dưới dạng .xlsx, hoặc lưu thành “CSV UTF-8”")
    };
    let too_big = |size: u64| {
        Issue::error(
            shown,
            format!("bảng tính giải nén ra hơn {}, quá giới hạn {}", mib(size), mib(MAX_UNZIPPED)),
        )
        .hint("tệp danh sách thôn chỉ cần vài trăm KB; xóa các trang, ảnh và ô thừa rồi lưu lại")
    };
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|_| broken("không phải tệp Excel: phần nén của tệp đã hỏng"))?;
    if zip.len() > 10_000 {
        return Err(broken(&format!("{} phần", zip.len())));
    }
    let mut declared = 0u64;
    for i in 0..zip.len() {
        declared =
            declared.saturating_add(zip.by_index_raw(i).map_err(|_| broken(ZIP_PART))?.size());
    }
    if declared > MAX_UNZIPPED {
        return Err(too_big(declared));
    }
    // The shared strings first: their lengths bound the sheets' text.
    let mut order: Vec<usize> = (0..zip.len()).collect();
    order.sort_by_key(|&i| zip.name_for_index(i) != Some("xl/sharedStrings.xml"));
    let (mut total, mut strings) = (0u64, Vec::new());
    let mut sheet = Tally::default();
    let mut hidden = HashMap::new();
    for i in order {
        let entry = zip.by_index(i).map_err(|_| broken(ZIP_PART))?;
        let name = entry.name().to_string();
        let limit = MAX_UNZIPPED - total + 1;
        let mut part = Counted { inner: std::io::Read::take(entry, limit), read: 0 };
        let scanned = if name == "xl/sharedStrings.xml" {
            string_lengths(&mut part).map(|n| strings = n).map_err(Scan::Broken)
        } else if name.starts_with("xl/worksheets/") && name.ends_with(".xml") {
            sheet.hidden.clear();
            let scanned = scan_sheet(&mut part, &strings, &mut sheet);
            hidden.insert(name.clone(), std::mem::take(&mut sheet.hidden));
            scanned
        } else {
            std::io::copy(&mut part, &mut std::io::sink())
                .map(drop)
                .map_err(|e| Scan::Broken(crate::diag::io_error(&e)))
        };
        total += part.read;
        if total > MAX_UNZIPPED {
            // The directory said less: a zip bomb, or a damaged file.
            return Err(Issue::error(
                shown,
                format!(
                    "bảng tính giải nén ra quá giới hạn {} (phần “{name}” lớn hơn kích thước ghi trong tệp)",
                    mib(MAX_UNZIPPED)
                ),
            )
            .hint("mở bằng Excel rồi lưu lại dưới dạng .xlsx, hoặc lưu thành “CSV UTF-8”"));
        }
        match scanned {
            Err(Scan::Broken(e)) => return Err(broken(&format!("phần “{name}”: {e}"))),
            Err(Scan::Cells) => {
                return Err(Issue::error(
                    shown,
                    format!("bảng tính có hơn {MAX_CELLS} ô có giá trị, quá giới hạn"),
                )
                .hint(EXPANDED_HINT));
            }
            Err(Scan::Text) => {
                return Err(Issue::error(
                    shown,
                    format!(
                        "chữ trong các ô của bảng tính dài hơn {}, quá giới hạn (có thể một chuỗi được lặp lại ở rất nhiều ô)",
                        mib(MAX_EXPANDED)
                    ),
                )
                .hint(EXPANDED_HINT));
            }
            Ok(()) => {}
        }
    }
    Ok(hidden)
}

/// The part (`xl/worksheets/sheet1.xml`) of each sheet name, from the
/// workbook's list of sheets and its relationships. Empty when either is
/// missing (calamine then says what is wrong).
fn sheet_parts(bytes: &[u8]) -> HashMap<String, String> {
    let Ok(mut zip) = zip::ZipArchive::new(std::io::Cursor::new(bytes)) else {
        return HashMap::new();
    };
    // Both parts are small; a damaged one is calamine's to report.
    let mut read = |name: &str| {
        let mut text = String::new();
        let entry = zip.by_name(name).ok()?;
        std::io::Read::read_to_string(&mut std::io::Read::take(entry, 8 << 20), &mut text).ok()?;
        Some(text)
    };
    let (Some(book), Some(rels)) = (read("xl/workbook.xml"), read("xl/_rels/workbook.xml.rels"))
    else {
        return HashMap::new();
    };
    let elements = |text: &str, local: &[u8], keys: [&[u8]; 2]| -> Vec<(String, String)> {
        let mut xml = quick_xml::Reader::from_str(text);
        let mut out = Vec::new();
        while let Ok(event) = xml.read_event() {
            match event {
                Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == local => {
                    let get = |k| attr(&e, k).map(|v| String::from_utf8_lossy(&v).into_owned());
                    if let (Some(a), Some(b)) = (get(keys[0]), get(keys[1])) {
                        out.push((a, b));
                    }
                }
                Event::Eof => break,
                _ => {}
            }
        }
        out
    };
    let targets: HashMap<String, String> =
        elements(&rels, b"Relationship", [b"Id", b"Target"]).into_iter().collect();
    elements(&book, b"sheet", [b"name", b"id"])
        .into_iter()
        .filter_map(|(name, id)| {
            let target = targets.get(&id)?;
            let part = match target.strip_prefix('/') {
                Some(absolute) => absolute.to_string(),
                None => format!("xl/{target}"),
            };
            Some((name, part))
        })
        .collect()
}

/// What to do with a workbook whose cells hold too much.
const EXPANDED_HINT: &str = "tệp danh sách thôn chỉ cần mỗi thôn một dòng; xóa các trang và ô thừa (Ctrl+End trong Excel cho biết ô cuối cùng) rồi lưu lại";

/// Why a worksheet part was refused by [`scan_sheet`].
enum Scan {
    /// Damaged, or made to crash calamine.
    Broken(String),
    /// More than [`MAX_CELLS`] cells with a value.
    Cells,
    /// More than [`MAX_EXPANDED`] bytes of text once expanded.
    Text,
}

impl From<String> for Scan {
    fn from(e: String) -> Scan {
        Scan::Broken(e)
    }
}

impl From<&str> for Scan {
    fn from(e: &str) -> Scan {
        Scan::Broken(e.to_string())
    }
}

/// What the worksheets scanned so far hold, all sheets together.
#[derive(Default)]
struct Tally {
    /// Cells covered by shared formulas.
    coverage: u64,
    /// Cells with a value.
    cells: u64,
    /// Bytes of text, each shared string counted in every cell using it.
    text: u64,
    /// The hidden rows (1-based) of the sheet being scanned.
    hidden: Vec<usize>,
}

/// A reader that counts the bytes it hands out.
struct Counted<R> {
    inner: R,
    read: u64,
}

impl<R: std::io::Read> std::io::Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        Ok(n)
    }
}

/// The value of attribute `key` (without namespace prefix) of `e`.
fn attr<'a>(e: &'a BytesStart<'a>, key: &[u8]) -> Option<std::borrow::Cow<'a, [u8]>> {
    e.attributes().flatten().find(|a| a.key.local_name().as_ref() == key).map(|a| a.value)
}

/// A zip part that cannot be read.
const ZIP_PART: &str = "không phải tệp Excel: một phần nén của tệp đã hỏng";

/// An XML part of a workbook that does not parse, at byte `at`.
fn bad_xml(at: u64) -> String {
    format!("XML viết sai ở byte {at}")
}

/// Why calamine could not read a workbook, in Vietnamese (its own reasons
/// are English: "File not found 'xl/_rels/workbook.xml.rels'").
fn xlsx_reason(e: &XlsxError) -> String {
    match e {
        XlsxError::FileNotFound(part) => format!("thiếu phần “{part}” trong tệp"),
        XlsxError::Password => "tệp có mật khẩu; bỏ mật khẩu rồi lưu lại".into(),
        XlsxError::Io(e) => crate::diag::io_error(e),
        XlsxError::Xml(_) | XlsxError::XmlAttr(_) | XlsxError::XmlAttribute(_) => {
            "một phần XML của tệp viết sai".into()
        }
        _ => "tệp có phần viết sai hoặc thiếu".into(),
    }
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

/// The length in bytes of each shared string (`<si>`) of `sharedStrings.xml`.
fn string_lengths(part: &mut impl std::io::Read) -> Result<Vec<u64>, String> {
    let mut xml = quick_xml::Reader::from_reader(std::io::BufReader::new(part));
    let (mut buf, mut lengths) = (Vec::new(), Vec::new());
    loop {
        match xml.read_event_into(&mut buf).map_err(|_| bad_xml(xml.error_position()))? {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == b"si" => {
                lengths.push(0)
            }
            Event::Text(t) => {
                if let Some(last) = lengths.last_mut() {
                    *last += t.len() as u64;
                }
            }
            Event::Eof => return Ok(lengths),
            _ => {}
        }
        buf.clear();
    }
}

/// Scans a worksheet part for what calamine trusts blindly: a shared-string
/// index must exist (else it panics), a shared formula's index and range
/// must be small (it fills a vector up to the index and a map over the range);
/// and the cells, each shared string counted where it is used, must hold at
/// most [`MAX_CELLS`] values and [`MAX_EXPANDED`] bytes of text.
fn scan_sheet(
    part: &mut impl std::io::Read,
    strings: &[u64],
    tally: &mut Tally,
) -> Result<(), Scan> {
    const MAX_FORMULA_CELLS: u64 = 1_000_000;
    let mut xml = quick_xml::Reader::from_reader(std::io::BufReader::new(part));
    let mut buf = Vec::new();
    let (mut shared_cell, mut in_value) = (false, false);
    loop {
        match xml.read_event_into(&mut buf).map_err(|_| bad_xml(xml.error_position()))? {
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                b"row" => {
                    let yes =
                        attr(&e, b"hidden").is_some_and(|h| matches!(h.as_ref(), b"1" | b"true"));
                    let row =
                        attr(&e, b"r").and_then(|r| std::str::from_utf8(&r).ok()?.parse().ok());
                    if let (true, Some(row)) = (yes, row)
                        && tally.hidden.len() < MAX_ROWS
                    {
                        tally.hidden.push(row);
                    }
                }
                b"c" => shared_cell = attr(&e, b"t").is_some_and(|t| t.as_ref() == b"s"),
                b"v" | b"is" => {
                    in_value = shared_cell && e.local_name().as_ref() == b"v";
                    tally.cells += 1;
                    if tally.cells > MAX_CELLS {
                        return Err(Scan::Cells);
                    }
                }
                b"f" => {
                    if let Some(si) = attr(&e, b"si") {
                        let si: u64 = std::str::from_utf8(&si)
                            .ok()
                            .and_then(|s| s.parse().ok())
                            .ok_or("chỉ số công thức sai")?;
                        if si > MAX_FORMULA_CELLS {
                            return Err(format!("chỉ số công thức {si} quá lớn").into());
                        }
                    }
                    if let Some(range) = attr(&e, b"ref") {
                        let mut ends = range.split(|b| *b == b':').map(parse_cell_ref);
                        let start = ends.next().flatten().ok_or("vùng công thức sai")?;
                        let end = ends.next().flatten().unwrap_or(start);
                        if end.0 < start.0 || end.1 < start.1 {
                            return Err("vùng công thức ngược".into());
                        }
                        tally.coverage += (end.0 - start.0 + 1).max(end.1 - start.1 + 1);
                        if tally.coverage > MAX_FORMULA_CELLS {
                            return Err("công thức dùng chung phủ quá nhiều ô".into());
                        }
                    }
                }
                _ => {}
            },
            Event::Text(t) if in_value => {
                let index: Option<usize> =
                    std::str::from_utf8(&t).ok().and_then(|s| s.trim().parse().ok());
                let Some(len) = index.and_then(|i| strings.get(i)) else {
                    return Err(Scan::Broken(format!(
                        "ô trỏ tới chuỗi “{}” không có trong bảng chuỗi",
                        String::from_utf8_lossy(&t)
                    )));
                };
                tally.text += len;
                if tally.text > MAX_EXPANDED {
                    return Err(Scan::Text);
                }
            }
            Event::Text(t) => {
                tally.text += t.len() as u64;
                if tally.text > MAX_EXPANDED {
                    return Err(Scan::Text);
                }
            }
            Event::End(e) if e.local_name().as_ref() == b"v" => in_value = false,
            Event::Eof => return Ok(()),
            _ => {}
        }
        buf.clear();
    }
}

/// One spreadsheet cell as text. Whole numbers lose their `.0`.
fn cell_text(cell: &Data) -> Result<String, String> {
    Ok(match cell {
        Data::Empty => String::new(),
        Data::String(s) => match super::encoding::mojibake(s) {
            Some((_, word, meant)) => {
                return Err(format!(
                    "chữ “{word}” là chữ UTF-8 đã bị đọc nhầm bảng mã (đúng ra là “{meant}”); lấy lại dữ liệu gốc rồi nhập lại"
                ));
            }
            None => clean(s),
        },
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => d.to_string(),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => e.to_string(),
    })
}

/// What a cell holds when it is not text or a whole number.
fn typed_kind(cell: &Data) -> Option<TypedKind> {
    Some(match cell {
        Data::Float(f) if f.fract() != 0.0 => TypedKind::Decimal(f.to_string()),
        Data::Bool(b) => TypedKind::Bool(*b),
        Data::DateTime(d) if d.is_duration() => {
            TypedKind::Date(format!("{} giờ", d.as_f64() * 24.0))
        }
        Data::DateTime(d) => {
            let (y, m, day, ..) = d.to_ymd_hms_milli();
            TypedKind::Date(format!("{day:02}/{m:02}/{y}"))
        }
        Data::DateTimeIso(s) | Data::DurationIso(s) => TypedKind::Date(s.clone()),
        Data::Error(e) => TypedKind::Error(e.to_string()),
        _ => return None,
    })
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
    fn excel_cell_names() {
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(49), "AX");
        assert_eq!(column_name(16_383), "XFD");
        assert_eq!(parse_cell_ref(b"XFD1048576"), Some((1_048_575, 16_383)));
        assert_eq!(parse_cell_ref(b"A0"), None);
        assert_eq!(parse_cell_ref(b"1A"), None);
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
