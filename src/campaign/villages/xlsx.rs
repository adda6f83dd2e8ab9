//! Reading an `.xlsx` village table: the limits checked on the zip's
//! parts before calamine builds anything, then the first visible sheet read
//! cell by cell into the same grid a CSV gives ([`super::read_table_as`]).

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use calamine::{Data, Reader, Xlsx, XlsxError};
use quick_xml::events::{BytesStart, Event};

use super::*;

/// What [`read_workbook`] read.
pub(super) struct Book {
    pub(super) grid: Grid,
    pub(super) typed: Vec<Typed>,
    /// The sheet's name.
    pub(super) sheet: String,
    /// Its hidden rows, 1-based.
    pub(super) hidden: Vec<usize>,
}

/// Reads the first visible sheet of a workbook (or the visible sheet named
/// `villages`/`Danh sách`): a hidden sheet is not what the officer sees
/// when opening the file.
///
/// The limits are checked before calamine builds anything: [`workbook_limits`]
/// reads the zip's parts within [`MAX_UNZIPPED`], and the cells are read one by
/// one, so a single value in cell XFD1048576 is refused instead of becoming a
/// dense range of 17 billion cells.
pub(super) fn read_workbook(bytes: Vec<u8>, shown: &Path, sheets: &[&str]) -> Result<Book, Issue> {
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
        Data::String(s) => match crate::campaign::encoding::mojibake(s) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excel_cell_names() {
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(49), "AX");
        assert_eq!(column_name(16_383), "XFD");
        assert_eq!(parse_cell_ref(b"XFD1048576"), Some((1_048_575, 16_383)));
        assert_eq!(parse_cell_ref(b"A0"), None);
        assert_eq!(parse_cell_ref(b"1A"), None);
    }
}
