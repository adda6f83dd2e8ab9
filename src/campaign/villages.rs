//! Reading the village table: CSV in whatever encoding Excel saved it, or XLSX.
//!
//! The result is a plain grid of cleaned strings with the source line of each
//! row, so validation can point at `villages.csv:12`.

use std::path::Path;

use std::collections::BTreeMap;

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
    /// Cells (line, column index) of a spreadsheet holding a number with a
    /// fractional part.
    pub decimals: Vec<(usize, usize)>,
}

impl Table {
    /// The cell of canonical column `name` in `row`, if that column exists.
    pub fn cell<'a>(&self, row: &'a [String], name: &str) -> Option<&'a str> {
        let idx = self.columns.iter().position(|c| *c == Some(name))?;
        Some(row.get(idx).map(String::as_str).unwrap_or(""))
    }

    /// Whether the cell of column `name` on `line` is a spreadsheet decimal.
    pub fn is_decimal(&self, line: usize, name: &str) -> bool {
        let idx = self.columns.iter().position(|c| *c == Some(name));
        idx.is_some_and(|i| self.decimals.contains(&(line, i)))
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
    let (grid, decimals) = match ext.as_str() {
        "xlsx" | "xlsm" => read_workbook(bytes, shown, schema.sheets)?,
        _ => {
            let text = super::encoding::decode(&bytes, shown)?;
            (read_csv(&text, shown)?, Vec::new())
        }
    };
    Ok(Table { decimals, ..to_table(grid, shown, schema)? })
}

/// Reads a whole file, refusing one larger than `max` bytes before reading
/// it (and anything that is not a plain file, such as a FIFO that never ends).
pub fn read_capped(path: &Path, max: u64, shown: &Path) -> Result<Vec<u8>, Issue> {
    use std::io::Read;
    let unreadable = |e: std::io::Error| Issue::error(shown, format!("không đọc được tệp ({e})"));
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

/// Splits CSV text into rows with their line numbers. Accepts `,` `;` or tab.
fn read_csv(text: &str, shown: &Path) -> Result<Grid, Issue> {
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
            Issue::error(shown, format!("tệp CSV hỏng ({e})")).line(line_of(e.position()))
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

/// Reads the first sheet of a workbook (or the sheet named `villages`/`Danh sách`).
///
/// The limits are checked before calamine builds anything: [`workbook_limits`]
/// reads the zip's parts within [`MAX_UNZIPPED`], and the cells are read one by
/// one, so a single value in cell XFD1048576 is refused instead of becoming a
/// dense range of 17 billion cells.
fn read_workbook(
    bytes: Vec<u8>,
    shown: &Path,
    sheets: &[&str],
) -> Result<(Grid, Vec<(usize, usize)>), Issue> {
    let broken = |e: &dyn std::fmt::Display| {
        Issue::error(shown, format!("không mở được bảng tính ({e})"))
            .hint("lưu lại tệp bằng Excel dưới dạng .xlsx hoặc CSV UTF-8")
    };
    workbook_limits(&bytes, shown)?;
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).map_err(|e| broken(&e))?;
    let names = book.sheet_names();
    let sheet = names
        .iter()
        .find(|n| sheets.contains(&fold(n).as_str()))
        .or(names.first())
        .cloned()
        .ok_or_else(|| Issue::error(shown, "bảng tính không có trang nào"))?;
    let unreadable = |e: XlsxError| {
        Issue::error(shown, format!("không đọc được trang “{sheet}” ({e})"))
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
            let text =
                cell_text(&value).map_err(|msg| Issue::error(shown, msg).line(row as usize + 1))?;
            if text.is_empty() {
                continue;
            }
            if matches!(value, Data::Float(f) if f.fract() != 0.0) {
                decimals.push((row as usize + 1, col as usize));
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
    Ok((rows.into_iter().map(|(row, cells)| (row as usize + 1, cells)).collect(), decimals))
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
fn column_name(col: u32) -> String {
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
fn workbook_limits(bytes: &[u8], shown: &Path) -> Result<(), Issue> {
    let broken = |e: &dyn std::fmt::Display| {
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
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| broken(&e))?;
    if zip.len() > 10_000 {
        return Err(broken(&format!("{} phần", zip.len())));
    }
    let mut declared = 0u64;
    for i in 0..zip.len() {
        declared = declared.saturating_add(zip.by_index_raw(i).map_err(|e| broken(&e))?.size());
    }
    if declared > MAX_UNZIPPED {
        return Err(too_big(declared));
    }
    // The shared strings first: their count bounds the sheets' indices.
    let mut order: Vec<usize> = (0..zip.len()).collect();
    order.sort_by_key(|&i| zip.name_for_index(i) != Some("xl/sharedStrings.xml"));
    let (mut total, mut strings, mut coverage) = (0u64, 0u64, 0u64);
    for i in order {
        let entry = zip.by_index(i).map_err(|e| broken(&e))?;
        let name = entry.name().to_string();
        let limit = MAX_UNZIPPED - total + 1;
        let mut part = Counted { inner: std::io::Read::take(entry, limit), read: 0 };
        let scanned = if name == "xl/sharedStrings.xml" {
            count_elements(&mut part, b"si").map(|n| strings = n)
        } else if name.starts_with("xl/worksheets/") && name.ends_with(".xml") {
            scan_sheet(&mut part, strings, &mut coverage)
        } else {
            std::io::copy(&mut part, &mut std::io::sink()).map(drop).map_err(|e| e.to_string())
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
        scanned.map_err(|e| broken(&format!("{name}: {e}")))?;
    }
    Ok(())
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

/// Counts elements named `local` in an XML part.
fn count_elements(part: &mut impl std::io::Read, local: &[u8]) -> Result<u64, String> {
    let mut xml = quick_xml::Reader::from_reader(std::io::BufReader::new(part));
    let (mut buf, mut n) = (Vec::new(), 0);
    loop {
        match xml.read_event_into(&mut buf).map_err(|e| e.to_string())? {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == local => n += 1,
            Event::Eof => return Ok(n),
            _ => {}
        }
        buf.clear();
    }
}

/// Scans a worksheet part for what calamine trusts blindly: a shared-string
/// index must exist (else it panics), a shared formula's index and range
/// must be small (it fills a vector up to the index and a map over the range).
fn scan_sheet(
    part: &mut impl std::io::Read,
    strings: u64,
    coverage: &mut u64,
) -> Result<(), String> {
    const MAX_FORMULA_CELLS: u64 = 1_000_000;
    let mut xml = quick_xml::Reader::from_reader(std::io::BufReader::new(part));
    let mut buf = Vec::new();
    let (mut shared_cell, mut in_value) = (false, false);
    loop {
        match xml.read_event_into(&mut buf).map_err(|e| e.to_string())? {
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                b"c" => shared_cell = attr(&e, b"t").is_some_and(|t| t.as_ref() == b"s"),
                b"v" => in_value = shared_cell,
                b"f" => {
                    if let Some(si) = attr(&e, b"si") {
                        let si: u64 = std::str::from_utf8(&si)
                            .ok()
                            .and_then(|s| s.parse().ok())
                            .ok_or("chỉ số công thức sai")?;
                        if si > MAX_FORMULA_CELLS {
                            return Err(format!("chỉ số công thức {si} quá lớn"));
                        }
                    }
                    if let Some(range) = attr(&e, b"ref") {
                        let mut ends = range.split(|b| *b == b':').map(parse_cell_ref);
                        let start = ends.next().flatten().ok_or("vùng công thức sai")?;
                        let end = ends.next().flatten().unwrap_or(start);
                        if end.0 < start.0 || end.1 < start.1 {
                            return Err("vùng công thức ngược".into());
                        }
                        *coverage += (end.0 - start.0 + 1).max(end.1 - start.1 + 1);
                        if *coverage > MAX_FORMULA_CELLS {
                            return Err("công thức dùng chung phủ quá nhiều ô".into());
                        }
                    }
                }
                _ => {}
            },
            Event::Text(t) if in_value => {
                let index: Option<u64> =
                    std::str::from_utf8(&t).ok().and_then(|s| s.trim().parse().ok());
                if index.is_none_or(|i| i >= strings) {
                    return Err(format!(
                        "ô trỏ tới chuỗi “{}” không có trong bảng chuỗi",
                        String::from_utf8_lossy(&t)
                    ));
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
        Data::Error(e) => {
            return Err(format!("ô có lỗi công thức ({e:?}); hãy thay công thức bằng giá trị"));
        }
    })
}

/// Finds the header row (it may sit below a title row) and maps its columns.
fn to_table(
    grid: Vec<(usize, Vec<String>)>,
    shown: &Path,
    schema: &Schema,
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
    let rows = grid
        .into_iter()
        .skip(header_at + 1)
        .filter(|(_, r)| r.iter().any(|c| !c.is_empty()))
        .collect();
    Ok(Table { columns, headers: header, header_line, rows, decimals: Vec::new() })
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
        let table = to_table(grid, Path::new("v.csv"), &VILLAGES).unwrap();
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
