//! `theo-doi.xlsx`, the tracking workbook the commune fills after print:
//! one row per village (what it received, what it handed out, households
//! reached, broadcasts) and a sheet for the loudspeaker log. Written once
//! by `build` and never over the officer's figures: a village added later
//! gets a row, every filled cell is kept. Read back by `canhbao report`
//! with the village table's reader (its size limits, encodings and
//! refusals naming file and cell), then checked for impossible figures.

use std::path::Path;

use rust_xlsxwriter::{
    DataValidation, DataValidationRule, ExcelDateTime, Format, FormatBorder, Formula, Workbook,
    Worksheet, XlsxError,
};
use time::Date;

use super::Handed;
use super::figures::{Period, Row};
use crate::campaign::villages::{Schema, Table, TypedKind, read_table_as};
use crate::campaign::{Campaign, same_name};
use crate::diag::{Fault, Issue};
use crate::layouts::Layout;

/// The workbook's file name in the campaign folder.
pub const FILE: &str = "theo-doi.xlsx";

/// The first sheet's columns: canonical name and accepted headers.
pub const COLUMNS: &[(&str, &[&str])] = &[
    ("village", &["thôn", "tên thôn", "village"]),
    ("households", &["số hộ", "households"]),
    ("printed", &["số bản in", "printed"]),
    ("received", &["ngày nhận", "received"]),
    ("leaflets", &["số tờ rơi đã phát", "leaflets"]),
    ("reached", &["số hộ đã nhận", "reached"]),
    ("posters", &["số áp phích đã dán", "posters"]),
    ("cards", &["số thẻ đã phát", "cards"]),
    ("broadcasts", &["số buổi phát loa", "broadcasts"]),
    ("notes", &["ghi chú", "notes"]),
];

/// The headers written, in [`COLUMNS`] order.
pub const HEADERS: &[&str] = &[
    "Thôn",
    "Số hộ",
    "Số bản in",
    "Ngày nhận",
    "Số tờ rơi đã phát",
    "Số hộ đã nhận",
    "Số áp phích đã dán",
    "Số thẻ đã phát",
    "Số buổi phát loa",
    "Ghi chú",
];

/// Columns from this index on are the officer's to fill.
const FILL_FROM: usize = 3;

/// The first sheet, read by the village table's reader.
pub const TRACK: Schema = Schema {
    columns: COLUMNS,
    empty: (
        "sổ theo dõi đang trống",
        "dòng tiêu đề cần các cột Thôn, Số hộ, Số bản in, Ngày nhận, Số tờ rơi đã phát, Số hộ đã nhận…",
    ),
    needs: "cần các cột: Thôn, Số hộ, Số bản in, Ngày nhận, Số tờ rơi đã phát, Số hộ đã nhận, Số áp phích đã dán, Số thẻ đã phát, Số buổi phát loa, Ghi chú",
    sheets: &["theodoi"],
};

/// The loudspeaker log's sheet name.
pub const LOG_SHEET: &str = "Nhật ký phát loa";

/// The log's columns.
pub const LOG_COLUMNS: &[(&str, &[&str])] = &[
    ("date", &["ngày", "date"]),
    ("morning", &["6:00", "6h", "buổi sáng", "sáng"]),
    ("evening", &["19:00", "19h", "buổi tối", "tối"]),
    ("notes", &["ghi chú", "notes"]),
];

/// The log sheet, read by the same reader.
pub const LOG: Schema = Schema {
    columns: LOG_COLUMNS,
    empty: ("nhật ký phát loa đang trống", "dòng tiêu đề cần các cột Ngày, 6:00, 19:00"),
    needs: "cần các cột: Ngày, 6:00, 19:00, Ghi chú",
    sheets: &["nhatkyphatloa"],
};

/// Rows of the log sheet that carry data validation (a year and more).
const LOG_ROWS: u32 = 400;
/// The header row (0-based) of both sheets: a title and a legend above it.
const HEADER_ROW: u32 = 2;

/// Makes sure the campaign's workbook exists at `path` with a row for
/// every village: written when missing; when it exists and lacks villages,
/// written again with every cell it had (the file before is kept as
/// `.bak`); otherwise left alone. A workbook the reader refuses is left
/// alone too: it is the officer's, and `report` names what is wrong in it.
pub fn ensure(path: &Path, c: &Campaign, layouts: &[Layout]) -> Result<(), Fault> {
    let rows: Vec<Vec<Cell>> = c
        .villages
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let h = super::handed(c, layouts, i);
            vec![
                Cell::Text(v.full()),
                Cell::Number(u64::from(v.households)),
                Cell::Number(h.leaflets),
            ]
        })
        .collect();
    let shown = Path::new(FILE);
    if !path.exists() {
        let bytes = make(c, &rows, &[]).map_err(|e| Fault::Other(format!("{FILE}: {e}")))?;
        return crate::output::write_atomic(path, &bytes);
    }
    let Ok(table) = read_table_as(path, shown, &TRACK) else { return Ok(()) };
    let Some(name_col) = table.columns.iter().position(|c| *c == Some("village")) else {
        return Ok(());
    };
    let missing: Vec<&Vec<Cell>> = c
        .villages
        .iter()
        .zip(&rows)
        .filter(|(v, _)| {
            !table.rows.iter().any(|(_, r)| {
                r.get(name_col).is_some_and(|n| same_name(n, &v.full()) || same_name(n, &v.name))
            })
        })
        .map(|(_, r)| r)
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    // Every row the officer has, each cell under its own header, then the new villages.
    let mut kept: Vec<Vec<Cell>> =
        table.rows.iter().map(|(line, r)| old_row(&table, *line, r)).collect();
    kept.extend(missing.into_iter().cloned());
    let log = read_table_as(path, shown, &LOG)
        .ok()
        .filter(is_log)
        .map(|t| {
            t.rows
                .iter()
                .map(|(line, r)| {
                    LOG_COLUMNS
                        .iter()
                        .map(|(name, _)| keep_cell(&t, *line, r, name, *name == "date"))
                        .collect()
                })
                .collect::<Vec<Vec<Cell>>>()
        })
        .unwrap_or_default();
    let bytes = make(c, &kept, &log).map_err(|e| Fault::Other(format!("{FILE}: {e}")))?;
    let bak = path.with_extension("xlsx.bak");
    std::fs::copy(path, &bak).map_err(Fault::io("không sao lưu được", &bak))?;
    crate::output::write_atomic(path, &bytes)
}

/// Whether a table read with [`LOG`] is the log sheet (the reader falls
/// back to the first sheet when there is none).
fn is_log(t: &Table) -> bool {
    t.sheet.as_deref().is_some_and(|s| crate::text::fold(s) == "nhatkyphatloa")
}

/// One existing row, in [`COLUMNS`] order.
fn old_row(table: &Table, line: usize, r: &[String]) -> Vec<Cell> {
    COLUMNS.iter().map(|(name, _)| keep_cell(table, line, r, name, *name == "received")).collect()
}

/// A cell as the officer left it: a date stays a date, a whole number a
/// number, anything else its text.
fn keep_cell(table: &Table, line: usize, r: &[String], name: &str, date: bool) -> Cell {
    let text = table.cell(r, name).unwrap_or("").to_string();
    let typed = table.typed(line, name).map(|t| &t.kind);
    let day = match typed {
        Some(TypedKind::Date(d)) => parse_day(d),
        _ => parse_day(&text),
    };
    if let (true, Some(day)) = (date, day) {
        return Cell::Date(day);
    }
    match text.parse::<u64>() {
        Ok(n) if !text.starts_with('0') || text == "0" => Cell::Number(n),
        _ if text.is_empty() => Cell::Empty,
        _ => Cell::Text(text),
    }
}

/// A cell to write.
#[derive(Debug, Clone, PartialEq)]
enum Cell {
    Empty,
    Text(String),
    Number(u64),
    Date(Date),
}

/// The workbook's bytes: the tracking sheet with `rows` (each in
/// [`COLUMNS`] order, shorter rows left blank on the right) and the log
/// sheet with `log`.
fn make(c: &Campaign, rows: &[Vec<Cell>], log: &[Vec<Cell>]) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let title = Format::new().set_bold().set_font_size(14);
    let legend = Format::new().set_italic().set_text_wrap();
    let header = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_border(FormatBorder::Thin)
        .set_align(rust_xlsxwriter::FormatAlign::Center)
        .set_align(rust_xlsxwriter::FormatAlign::VerticalCenter);
    // Yellow: the officer fills these; grey: written by canhbao.
    let fill_head = header.clone().set_background_color(0xFFE699);
    let given_head = header.clone().set_background_color(0xD9D9D9);
    let fill = Format::new().set_border(FormatBorder::Thin).set_background_color(0xFFF2CC);
    let given = Format::new().set_border(FormatBorder::Thin).set_background_color(0xF2F2F2);
    let fill_date = fill.clone().set_num_format("dd/mm/yyyy");
    let sheet = book.add_worksheet();
    sheet.set_name("Theo dõi")?;
    sheet.write_with_format(
        0,
        0,
        format!(
            "SỔ THEO DÕI PHÁT TÀI LIỆU PHÒNG, CHỐNG LỪA ĐẢO — {}",
            c.commune.full().to_uppercase()
        ),
        &title,
    )?;
    sheet.merge_range(1, 0, 1, (HEADERS.len() - 1) as u16, "Cột nền vàng: cán bộ thôn điền (ĐIỀN). Cột nền xám: canhbao đã ghi sẵn, không sửa. Ngày ghi dạng ngày/tháng/năm. Thêm thôn: chạy lại “canhbao build”, các ô đã điền được giữ nguyên.", &legend)?;
    sheet.set_row_height(1, 45)?;
    for (i, h) in HEADERS.iter().enumerate() {
        let f = if i >= FILL_FROM && i < HEADERS.len() { &fill_head } else { &given_head };
        sheet.write_with_format(HEADER_ROW, i as u16, *h, f)?;
    }
    sheet.set_row_height(HEADER_ROW, 32)?;
    sheet.set_column_width(0, 28)?;
    for i in 1..HEADERS.len() - 1 {
        sheet.set_column_width(i as u16, 13)?;
    }
    sheet.set_column_width((HEADERS.len() - 1) as u16, 30)?;
    sheet.set_freeze_panes(HEADER_ROW + 1, 1)?;
    for (n, row) in rows.iter().enumerate() {
        let r = HEADER_ROW + 1 + n as u32;
        for col in 0..HEADERS.len() {
            let cell = row.get(col).unwrap_or(&Cell::Empty);
            let (f, fd) = if col >= FILL_FROM { (&fill, &fill_date) } else { (&given, &fill_date) };
            put(sheet, r, col as u16, cell, f, fd)?;
        }
    }
    let last = HEADER_ROW + rows.len().max(1) as u32 + 200;
    let first = HEADER_ROW + 1;
    let whole =
        |msg: &str, rule: DataValidationRule<Formula>| -> Result<DataValidation, XlsxError> {
            DataValidation::new()
                .allow_whole_number_formula(rule)
                .set_error_title("Số không hợp lệ")?
                .set_error_message(msg)
        };
    let count = || DataValidationRule::Between(Formula::new("0"), Formula::new("1000000"));
    // Excel shifts a relative reference ($C4) down the range: each row is
    // checked against its own village's copies and households.
    sheet.add_data_validation(
        first,
        4,
        last,
        4,
        &whole(
            "Số tờ rơi đã phát là số nguyên, không quá số bản in của thôn.",
            DataValidationRule::Between(
                Formula::new("0"),
                Formula::new(format!("$C{}", first + 1)),
            ),
        )?,
    )?;
    sheet.add_data_validation(
        first,
        5,
        last,
        5,
        &whole(
            "Số hộ đã nhận là số nguyên, không quá số hộ của thôn.",
            DataValidationRule::Between(
                Formula::new("0"),
                Formula::new(format!("$B{}", first + 1)),
            ),
        )?,
    )?;
    for col in 6..=8u16 {
        sheet.add_data_validation(
            first,
            col,
            last,
            col,
            &whole("Ghi một số nguyên từ 0.", count())?,
        )?;
    }
    let date_rule = DataValidation::new()
        .allow_date(DataValidationRule::Between(
            ExcelDateTime::from_ymd(2020, 1, 1)?,
            ExcelDateTime::from_ymd(2100, 12, 31)?,
        ))
        .set_error_title("Ngày không hợp lệ")?
        .set_error_message("Ghi ngày dạng ngày/tháng/năm, ví dụ 15/03/2026.")?;
    sheet.add_data_validation(first, 3, last, 3, &date_rule)?;

    let log_sheet = book.add_worksheet();
    log_sheet.set_name(LOG_SHEET)?;
    log_sheet.write_with_format(
        0,
        0,
        "NHẬT KÝ PHÁT THANH TRÊN LOA (6:00 VÀ 19:00 HẰNG NGÀY)",
        &title,
    )?;
    log_sheet.merge_range(
        1,
        0,
        1,
        3,
        "Mỗi ngày một dòng: ghi ngày, đánh dấu x vào buổi đã phát. Cả 4 cột là cột điền.",
        &legend,
    )?;
    log_sheet.set_row_height(1, 30)?;
    for (i, h) in ["Ngày", "6:00", "19:00", "Ghi chú"].iter().enumerate() {
        log_sheet.write_with_format(HEADER_ROW, i as u16, *h, &fill_head)?;
    }
    log_sheet.set_column_width(0, 14)?;
    log_sheet.set_column_width(3, 30)?;
    log_sheet.set_freeze_panes(HEADER_ROW + 1, 0)?;
    for (n, row) in log.iter().enumerate() {
        for (col, cell) in row.iter().enumerate() {
            put(log_sheet, HEADER_ROW + 1 + n as u32, col as u16, cell, &fill, &fill_date)?;
        }
    }
    let log_last = HEADER_ROW + LOG_ROWS.max(log.len() as u32 + 100);
    log_sheet.add_data_validation(first, 0, log_last, 0, &date_rule)?;
    let mark = DataValidation::new()
        .allow_list_strings(&["x"])?
        .set_error_title("Chỉ đánh dấu x")?
        .set_error_message("Buổi đã phát: ghi x; chưa phát: để trống.")?;
    log_sheet.add_data_validation(first, 1, log_last, 2, &mark)?;
    // A fixed date: the same campaign gives the same workbook.
    let when = ExcelDateTime::from_ymd(2026, 1, 1)?;
    book.set_properties(&rust_xlsxwriter::DocProperties::new().set_creation_datetime(&when));
    book.save_to_buffer()
}

fn put(
    sheet: &mut Worksheet,
    r: u32,
    col: u16,
    cell: &Cell,
    f: &Format,
    fd: &Format,
) -> Result<(), XlsxError> {
    match cell {
        Cell::Empty => sheet.write_blank(r, col, f)?,
        Cell::Text(t) => sheet.write_string_with_format(r, col, t, f)?,
        Cell::Number(n) => sheet.write_number_with_format(r, col, *n as f64, f)?,
        Cell::Date(d) => {
            let x = ExcelDateTime::from_ymd(d.year() as u16, u8::from(d.month()), d.day())?;
            sheet.write_date_with_format(r, col, &x, fd)?
        }
    };
    Ok(())
}

/// `15/03/2026`, `15/3/2026`, `2026-03-15` (what Excel and a CSV hold).
pub fn parse_day(s: &str) -> Option<Date> {
    let s = s.trim();
    let s = s.split([' ', 'T']).next().unwrap_or(s);
    let parts: Vec<&str> = s.split(['/', '-', '.']).collect();
    let [a, b, c] = parts.as_slice() else { return None };
    let (y, m, d) = if a.len() == 4 { (*a, *b, *c) } else { (*c, *b, *a) };
    let (y, m, d): (i32, u8, u8) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    if !(1900..=9999).contains(&y) {
        return None;
    }
    Date::from_calendar_date(y, time::Month::try_from(m).ok()?, d).ok()
}

/// Excel's name of column `i` (0-based): `A`, `AB`.
fn letter(i: usize) -> String {
    crate::campaign::villages::column_name(i as u32)
}

/// Reads and checks the workbook at `path` (`shown` in messages) for the
/// report of `period`. `handed` is what each village of `c` was given.
/// Every impossible figure is refused with its cell.
pub fn read(
    path: &Path,
    shown: &Path,
    c: &Campaign,
    handed: &[Handed],
    period: &Period,
) -> Result<super::Figures, Vec<Issue>> {
    let table = read_table_as(path, shown, &TRACK).map_err(|i| vec![i])?;
    let mut issues = Vec::new();
    let missing: Vec<&str> = ["village", "households", "printed", "leaflets", "reached"]
        .into_iter()
        .filter(|n| !table.columns.contains(&Some(*n)))
        .collect();
    if !missing.is_empty() {
        let names: Vec<&str> = missing
            .iter()
            .filter_map(|m| COLUMNS.iter().position(|(n, _)| n == m))
            .map(|i| HEADERS[i])
            .collect();
        return Err(vec![
            Issue::error(shown, format!("thiếu cột {}", names.join(", ")))
                .line(table.header_line)
                .hint("giữ nguyên dòng tiêu đề mà canhbao đã ghi trong sổ theo dõi"),
        ]);
    }
    let mut rows = Vec::new();
    for (line, r) in &table.rows {
        let line = *line;
        let cell_of = |name: &str| -> String {
            let col = table.columns.iter().position(|c| *c == Some(name)).unwrap_or(0);
            format!("{}{line}", letter(col))
        };
        let at = |name: &str, msg: String| {
            let header = table.header(name);
            Issue::error(shown, format!("ô {}: {msg}", cell_of(name))).line(line).field(header)
        };
        let name = table.cell(r, "village").unwrap_or("").to_string();
        if name.is_empty() {
            issues.push(
                at("village", "chưa ghi tên thôn".into())
                    .hint("mỗi dòng là một thôn: ghi tên thôn, hoặc xóa dòng"),
            );
            continue;
        }
        let mut filled = false;
        let mut count = |key: &str, issues: &mut Vec<Issue>| -> u32 {
            if let Some(t) = table.typed(line, key) {
                let (msg, hint) = t.refusal();
                issues.push(at(key, msg).hint(hint));
                return 0;
            }
            let text = table.cell(r, key).unwrap_or("");
            if text.is_empty() {
                return 0;
            }
            if FILL.contains(&key) {
                filled = true;
            }
            match crate::campaign::parse_count(text) {
                Ok(n) => n,
                Err(e) => {
                    issues.push(at(key, e).hint("ghi một số nguyên, ví dụ 312 hoặc 1.200"));
                    0
                }
            }
        };
        let households = count("households", &mut issues);
        let printed = count("printed", &mut issues);
        let leaflets = count("leaflets", &mut issues);
        let reached = count("reached", &mut issues);
        let posters = count("posters", &mut issues);
        let cards = count("cards", &mut issues);
        let broadcasts = count("broadcasts", &mut issues);
        let received =
            match (table.typed(line, "received"), table.cell(r, "received").unwrap_or("")) {
                (Some(t), _) => match &t.kind {
                    TypedKind::Date(d) => parse_day(d),
                    _ => {
                        issues.push(
                            at(
                                "received",
                                format!(
                                    "“{}” không phải ngày",
                                    table.cell(r, "received").unwrap_or("")
                                ),
                            )
                            .hint("ghi ngày dạng ngày/tháng/năm, ví dụ 15/03/2026"),
                        );
                        None
                    }
                },
                (None, "") => None,
                (None, text) => match parse_day(text) {
                    Some(d) => Some(d),
                    None => {
                        issues.push(
                            at("received", format!("“{text}” không phải ngày"))
                                .hint("ghi ngày dạng ngày/tháng/năm, ví dụ 15/03/2026"),
                        );
                        None
                    }
                },
            };
        let filled = filled || received.is_some();
        if let Some(d) = received.filter(|d| !period.contains(*d)) {
            issues.push(
                at(
                    "received",
                    format!(
                        "ngày nhận {} nằm ngoài kỳ báo cáo {} (từ {})",
                        super::figures::day(d),
                        period.words(),
                        period.span()
                    ),
                )
                .hint("sửa lại ngày nhận, hoặc lập báo cáo cho đúng kỳ (--period)"),
            );
        }
        if leaflets > printed {
            issues.push(
                at(
                    "leaflets",
                    format!(
                        "đã phát {leaflets} tờ rơi, nhiều hơn {printed} bản in của thôn (ô {})",
                        cell_of("printed")
                    ),
                )
                .hint("số tờ rơi đã phát không thể vượt số bản in: kiểm tra lại con số"),
            );
        }
        if reached > households {
            issues.push(
                at(
                    "reached",
                    format!(
                        "{reached} hộ đã nhận, nhiều hơn {households} hộ của thôn (ô {})",
                        cell_of("households")
                    ),
                )
                .hint("số hộ đã nhận không thể vượt số hộ của thôn: kiểm tra lại con số"),
            );
        }
        let village = c
            .villages
            .iter()
            .position(|v| same_name(&name, &v.full()) || same_name(&name, &v.name));
        if let Some(h) = village.and_then(|i| handed.get(i)) {
            if u64::from(posters) > h.posters {
                issues.push(
                    at(
                        "posters",
                        format!(
                            "đã dán {posters} áp phích, nhiều hơn {} áp phích đã in cho thôn",
                            h.posters
                        ),
                    )
                    .hint("số áp phích đã dán không thể vượt số đã in: kiểm tra lại con số"),
                );
            }
            if u64::from(cards) > h.cards {
                issues.push(
                    at(
                        "cards",
                        format!("đã phát {cards} thẻ, nhiều hơn {} thẻ đã in cho thôn", h.cards),
                    )
                    .hint("số thẻ đã phát không thể vượt số đã in: kiểm tra lại con số"),
                );
            }
        }
        if broadcasts > period.days() * 2 {
            issues.push(
                at("broadcasts", format!("{broadcasts} buổi phát loa, nhiều hơn 2 buổi mỗi ngày trong {} ngày của kỳ", period.days()))
                    .hint("mỗi ngày phát nhiều nhất 2 buổi (6:00 và 19:00)"),
            );
        }
        let notes = table.cell(r, "notes").unwrap_or("").to_string();
        rows.push(Row {
            name,
            households,
            printed,
            received,
            leaflets,
            reached,
            posters,
            cards,
            broadcasts,
            notes,
            filled,
        });
    }
    let log = if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("xlsx")) {
        read_log(path, shown, period, &mut issues)
    } else {
        (0, 0)
    };
    if issues.is_empty() { Ok(super::Figures { rows, log }) } else { Err(issues) }
}

/// The figures a village fills (not those canhbao wrote).
const FILL: &[&str] = &["leaflets", "reached", "posters", "cards", "broadcasts"];

/// The log sheet's broadcasts inside `period`: (6:00, 19:00). Days outside
/// the period belong to another report and are not counted.
fn read_log(path: &Path, shown: &Path, period: &Period, issues: &mut Vec<Issue>) -> (u64, u64) {
    let table = match read_table_as(path, shown, &LOG) {
        Ok(t) if is_log(&t) => t,
        Ok(_) => return (0, 0),
        Err(i) => {
            issues.push(i);
            return (0, 0);
        }
    };
    let (mut morning, mut evening) = (0, 0);
    for (line, r) in &table.rows {
        let line = *line;
        let at = |name: &str, msg: String| {
            let col = table.columns.iter().position(|c| *c == Some(name)).unwrap_or(0);
            Issue::error(shown, format!("trang “{LOG_SHEET}”, ô {}{line}: {msg}", letter(col)))
                .line(line)
                .field(table.header(name))
        };
        let text = table.cell(r, "date").unwrap_or("");
        let day = match table.typed(line, "date").map(|t| &t.kind) {
            Some(TypedKind::Date(d)) => parse_day(d),
            _ => parse_day(text),
        };
        let Some(day) = day else {
            issues.push(
                at("date", format!("“{text}” không phải ngày"))
                    .hint("ghi ngày dạng ngày/tháng/năm, ví dụ 15/03/2026"),
            );
            continue;
        };
        let mut mark = |name: &str| -> u64 {
            let v = table.cell(r, name).unwrap_or("").trim().to_lowercase();
            match v.as_str() {
                "" | "0" => 0,
                "x" | "1" | "có" | "v" | "✓" => 1,
                _ => {
                    issues.push(
                        at(name, format!("“{v}” không phải dấu x"))
                            .hint("buổi đã phát: ghi x; chưa phát: để trống"),
                    );
                    0
                }
            }
        };
        let (m, e) = (mark("morning"), mark("evening"));
        if period.contains(day) {
            morning += m;
            evening += e;
        }
    }
    (morning, evening)
}
