//! Test helper shared by `tests/integration` and `tests/serve`: fills
//! `theo-doi.xlsx` as a commune officer does in Excel (reads every cell
//! canhbao wrote, sets the figures, saves the workbook again), and reads it.

#![allow(dead_code)] // Each test crate uses its part.

use std::path::Path;

use calamine::{Data, Reader, Xlsx, open_workbook};

/// A value the officer types.
#[derive(Debug, Clone)]
pub enum Value {
    Number(f64),
    Text(String),
    /// Year, month, day.
    Date(u16, u8, u8),
}

/// One sheet as text, row by row (dates as Excel serial numbers).
pub fn grid(path: &Path, sheet: &str) -> Vec<Vec<String>> {
    let mut book: Xlsx<_> = open_workbook(path).expect("the workbook opens");
    let range = book.worksheet_range(sheet).expect("the sheet is there");
    let (r0, c0) = range.start().unwrap_or((0, 0));
    let mut out = vec![Vec::new(); r0 as usize];
    for row in range.rows() {
        let mut cells = vec![String::new(); c0 as usize];
        cells.extend(row.iter().map(|d| match d {
            Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
            Data::DateTime(d) => format!("{}", d.as_f64()),
            other => other.to_string(),
        }));
        out.push(cells);
    }
    out
}

/// The 0-based row of the header row (the one starting with "Thôn") and
/// the column of each header.
pub fn header(g: &[Vec<String>], first: &str) -> (usize, Vec<String>) {
    let at = g.iter().position(|r| r.first().is_some_and(|c| c == first)).expect("a header row");
    (at, g[at].clone())
}

/// Writes the workbook again with `set` applied to the tracking sheet
/// (0-based row, header text, value) and `log` (date, 6:00, 19:00) as the
/// loudspeaker log's rows. Every other cell keeps its text or number.
pub fn fill(path: &Path, set: &[(usize, &str, Value)], log: &[((u16, u8, u8), bool, bool)]) {
    let track = grid(path, "Theo dõi");
    let (_, head) = header(&track, "Thôn");
    let mut book = rust_xlsxwriter::Workbook::new();
    let date_fmt = rust_xlsxwriter::Format::new().set_num_format("dd/mm/yyyy");
    let sheet = book.add_worksheet().set_name("Theo dõi").unwrap();
    for (r, row) in track.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            if cell.is_empty() {
                continue;
            }
            match cell.parse::<f64>() {
                Ok(n) => sheet.write_number(r as u32, c as u16, n).unwrap(),
                Err(_) => sheet.write_string(r as u32, c as u16, cell).unwrap(),
            };
        }
    }
    for (r, name, value) in set {
        let c = head.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name}"));
        let (r, c) = (*r as u32, c as u16);
        match value {
            Value::Number(n) => sheet.write_number(r, c, *n).unwrap(),
            Value::Text(t) => sheet.write_string(r, c, t).unwrap(),
            Value::Date(y, m, d) => {
                let day = rust_xlsxwriter::ExcelDateTime::from_ymd(*y, *m, *d).unwrap();
                sheet.write_date_with_format(r, c, &day, &date_fmt).unwrap()
            }
        };
    }
    let sheet = book.add_worksheet().set_name("Nhật ký phát loa").unwrap();
    for (c, h) in ["Ngày", "6:00", "19:00", "Ghi chú"].iter().enumerate() {
        sheet.write_string(2, c as u16, *h).unwrap();
    }
    for (i, ((y, m, d), morning, evening)) in log.iter().enumerate() {
        let r = 3 + i as u32;
        let day = rust_xlsxwriter::ExcelDateTime::from_ymd(*y, *m, *d).unwrap();
        sheet.write_date_with_format(r, 0, &day, &date_fmt).unwrap();
        if *morning {
            sheet.write_string(r, 1, "x").unwrap();
        }
        if *evening {
            sheet.write_string(r, 2, "x").unwrap();
        }
    }
    book.save(path).unwrap();
}

/// `12.345`, as the documents and the page print thousands.
pub fn dots(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}
