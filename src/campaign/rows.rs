//! Checking the village table row by row: names, kinds, officers, phone
//! numbers and counts, each problem at its line and column header.

use std::collections::HashMap;
use std::path::Path;

use crate::diag::Issue;

use super::validate::Ctx;
use super::*;

impl Ctx {
    /// Reads and checks every village row.
    pub(super) fn villages(&mut self, dir: &Path, rel: &str, default_kind: &str) -> Vec<Village> {
        let rel = &crate::sandbox::data_path(rel);
        let shown = dir.join(rel);
        let path = match inside(dir, rel) {
            Ok(p) => p,
            Err(msg) => {
                self.issues.push(Issue::error(&shown, msg).hint("khóa `villages` trong campaign.toml phải chỉ tới tệp CSV/XLSX trong thư mục chiến dịch"));
                return Vec::new();
            }
        };
        let table = match self.given.take().map_or_else(|| villages::read_table(&path, &shown), Ok)
        {
            Ok(t) => t,
            Err(issue) => {
                self.issues.push(issue);
                return Vec::new();
            }
        };
        for col in ["name", "officer", "officer_phone", "households"] {
            if !table.columns.contains(&Some(col)) {
                self.issues.push(
                    Issue::error(&shown, format!("thiếu cột “{col}”"))
                        .line(table.header_line)
                        .hint(column_hint(col)),
                );
            }
        }
        let hidden: Vec<usize> = table
            .rows
            .iter()
            .map(|(line, _)| *line)
            .filter(|l| table.hidden_rows.binary_search(l).is_ok())
            .collect();
        if !hidden.is_empty() {
            let sheet = table.sheet.as_deref().unwrap_or("");
            self.issues.push(
                Issue::warning(
                    &shown,
                    format!(
                        "trang “{sheet}” có {} dòng đang ẩn trong Excel (dòng {}); canhbao vẫn đọc và in các thôn ở những dòng này",
                        hidden.len(),
                        ranges(&hidden)
                    ),
                )
                .hint("thôn nào không cần in thì xóa hẳn dòng đó, đừng chỉ ẩn; muốn xem lại: chọn cả bảng, chuột phải → Unhide (Bỏ ẩn)"),
            );
        }
        if self.issues.has_errors() && table.rows.is_empty() {
            return Vec::new();
        }
        let mut out: Vec<Village> = Vec::new();
        let mut seen: HashMap<String, usize> = HashMap::new();
        for (line, row) in &table.rows {
            let Some(v) = self.village(&table, row, *line, &shown, default_kind) else { continue };
            if let Some(first) = seen.get(&v.slug) {
                self.issues.push(
                    Issue::error(
                        &shown,
                        format!(
                            "“{}” trùng với thôn ở dòng {first} (cùng tên tệp {}.pdf)",
                            v.full(),
                            v.slug
                        ),
                    )
                    .line(*line)
                    .field(table.header("name"))
                    .hint("mỗi thôn chỉ ghi một dòng; hai thôn khác nhau cần tên khác nhau"),
                );
                continue;
            }
            seen.insert(v.slug.clone(), *line);
            out.push(v);
        }
        if out.is_empty() && !self.issues.has_errors() {
            self.issues.push(
                Issue::error(&shown, "danh sách không có thôn nào")
                    .hint("thêm mỗi thôn một dòng dưới dòng tiêu đề"),
            );
        }
        out
    }

    fn village(
        &mut self,
        t: &villages::Table,
        row: &[String],
        line: usize,
        file: &Path,
        default_kind: &str,
    ) -> Option<Village> {
        let phone = self.real_phone(t.cell(row, "officer_phone").unwrap_or(""));
        let mut bad = |field: &str, msg: String, hint: &str| {
            let issue = Issue::error(file, msg).line(line).field(t.header(field));
            self.issues.push(if hint.is_empty() { issue } else { issue.hint(hint) });
        };
        let name_cell = t.cell(row, "name").unwrap_or("");
        let (kind, name) = split_kind(name_cell, t.cell(row, "kind").unwrap_or(""), default_kind);
        let mut ok = true;
        if name.is_empty() {
            bad("name", "tên thôn đang để trống".into(), "");
            ok = false;
        } else if name.chars().count() > MAX_NAME {
            let n = name.chars().count();
            bad("name", format!("tên thôn dài {n} ký tự, quá giới hạn {MAX_NAME}"), "");
            ok = false;
        }
        if !VILLAGE_KINDS.contains(&kind.as_str()) {
            bad(
                "kind",
                format!("loại “{kind}” không hợp lệ"),
                &format!("viết một trong: {}", VILLAGE_KINDS.join(", ")),
            );
            ok = false;
        }
        let officer = t.cell(row, "officer").unwrap_or("").to_string();
        if officer.is_empty() && t.columns.contains(&Some("officer")) {
            let hint = "ghi họ tên cán bộ Công an xã (phường) phụ trách thôn này";
            bad("officer", "chưa ghi tên cán bộ phụ trách".into(), hint);
            ok = false;
        } else if officer.chars().count() > MAX_NAME {
            let n = officer.chars().count();
            bad(
                "officer",
                format!("tên cán bộ phụ trách dài {n} ký tự, quá giới hạn {MAX_NAME}"),
                "",
            );
            ok = false;
        }
        let phone = match phone {
            Ok(p) => Some(p),
            Err(msg) => {
                if t.columns.contains(&Some("officer_phone")) {
                    let hint = "ghi số di động thật của cán bộ phụ trách, 10 chữ số (09xx xxx xxx)";
                    bad("officer_phone", msg, hint);
                }
                None
            }
        };
        let mut count = |field: &str, required: bool| -> Option<u32> {
            let cell = t.cell(row, field).unwrap_or("");
            if cell.is_empty() && !required {
                return Some(0);
            }
            if cell.is_empty() && t.columns.contains(&Some(field)) {
                let hint = "ghi số hộ gia đình của thôn: mỗi hộ một tờ rơi";
                bad(field, "chưa ghi số hộ".into(), hint);
                return None;
            }
            // A spreadsheet's date, decimal, TRUE/FALSE or error is refused
            // with its cell: 15/3/2026 is 46096 to Excel, 1.234 a decimal.
            if let Some(typed) = t.typed(line, field) {
                let (msg, hint) = typed.refusal();
                bad(field, msg, hint);
                return None;
            }
            match parse_count(cell) {
                Ok(n) => Some(n),
                Err(msg) => {
                    if t.columns.contains(&Some(field)) {
                        bad(field, msg, "ghi một số nguyên, ví dụ 312 hoặc 1.200");
                    }
                    None
                }
            }
        };
        let households = count("households", true);
        let shops = count("shops", false);
        let public_places = count("public_places", false);
        let slug = crate::text::file_slug(&format!("{kind} {name}"));
        // The kind is in the slug: a name of dots or dashes (`..`) made
        // `thon.pdf` and printed as "thôn ..".
        if ok && crate::text::slug(&name).is_empty() {
            bad(
                "name",
                format!("tên “{name}” không có chữ cái hay chữ số nào"),
                "ghi tên thôn bằng chữ, ví dụ Đông Hải hoặc Tổ 3",
            );
            ok = false;
        }
        Some(Village {
            name,
            kind,
            officer,
            phone: phone?,
            households: households?,
            shops: shops?,
            public_places: public_places?,
            slug,
            line,
        })
        .filter(|_| ok)
    }
}

/// Most households, shops or places one village may have.
pub const MAX_COUNT: u32 = 1_000_000;

/// A count of households, shops or public places: a whole number. Thousands
/// may be grouped by `.`, `,` or a space in groups of exactly three digits
/// (`1.200`, `1,200`, `1 200`), since Vietnamese writes `1.200` for twelve
/// hundred; anything else with a separator (`3.5`, `12,5`, `1.20`) is an
/// error, never a guess: a decimal read as thousands multiplies the copies
/// printed.
pub fn parse_count(cell: &str) -> Result<u32, String> {
    let not_whole = || format!("“{cell}” không phải số nguyên");
    let groups: Vec<&str> = cell.split(['.', ',', ' ', '\u{a0}']).collect();
    let separators: std::collections::HashSet<char> =
        cell.chars().filter(|c| !c.is_ascii_digit()).collect();
    let grouped = groups.len() == 1
        || (separators.len() == 1
            && (1..=3).contains(&groups[0].len())
            && groups[1..].iter().all(|g| g.len() == 3));
    if !grouped || groups.iter().any(|g| g.is_empty() || !g.bytes().all(|b| b.is_ascii_digit())) {
        return Err(not_whole());
    }
    // Only digits are left, so the parse fails only past u64.
    match groups.concat().parse::<u64>() {
        Ok(n) if n <= u64::from(MAX_COUNT) => Ok(n as u32),
        _ => Err(format!("“{cell}” lớn quá {MAX_COUNT}")),
    }
}

/// Splits `Thôn Đông Hải` into (`thôn`, `Đông Hải`) when the kind column is empty.
fn split_kind(name: &str, kind: &str, default_kind: &str) -> (String, String) {
    let kind = kind.to_lowercase();
    let lower = name.to_lowercase();
    let mut kinds: Vec<&str> = VILLAGE_KINDS.to_vec();
    kinds.sort_by_key(|k| std::cmp::Reverse(k.len()));
    for k in kinds {
        if (kind.is_empty() || kind == k) && lower.starts_with(&format!("{k} ")) {
            let rest = name.chars().skip(k.chars().count()).collect::<String>();
            return (k.to_string(), rest.trim().to_string());
        }
    }
    let kind = if kind.is_empty() { default_kind.to_string() } else { kind };
    (kind, name.to_string())
}

/// Sorted row numbers as ranges, at most ten: `5, 7–9, 12`.
fn ranges(rows: &[usize]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < rows.len() {
        let mut j = i;
        while j + 1 < rows.len() && rows[j + 1] == rows[j] + 1 {
            j += 1;
        }
        parts.push(if i == j { rows[i].to_string() } else { format!("{}–{}", rows[i], rows[j]) });
        i = j + 1;
    }
    if parts.len() > 10 {
        let more = parts.len() - 10;
        parts.truncate(10);
        parts.push(format!("và {more} nhóm khác"));
    }
    parts.join(", ")
}

fn column_hint(col: &str) -> String {
    let vi = match col {
        "name" => "Tên thôn",
        "officer" => "Cán bộ phụ trách",
        "officer_phone" => "SĐT",
        _ => "Số hộ",
    };
    format!("thêm cột có tiêu đề “{col}” hoặc “{vi}” vào dòng tiêu đề")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_as_ranges() {
        assert_eq!(ranges(&[5, 7, 8, 9, 12]), "5, 7–9, 12");
    }

    #[test]
    fn kind_prefix_is_split_off() {
        assert_eq!(split_kind("Thôn Đông Hải", "", "thôn"), ("thôn".into(), "Đông Hải".into()));
        assert_eq!(split_kind("Tổ dân phố 3", "", "thôn"), ("tổ dân phố".into(), "3".into()));
        assert_eq!(split_kind("Đông Hải", "bản", "thôn"), ("bản".into(), "Đông Hải".into()));
    }

    #[test]
    fn counts_are_whole_numbers_with_thousands_in_groups_of_three() {
        for (cell, n) in [("312", 312), ("1.200", 1200), ("1,200", 1200), ("1 200", 1200)] {
            assert_eq!(parse_count(cell), Ok(n), "{cell}");
        }
        assert_eq!(parse_count("1.000.000"), Ok(1_000_000));
        for cell in ["3.5", "12,5", "1.20", "1.2000", "1.200,5", "1.200 000", "-5", "", "1e3"] {
            assert!(parse_count(cell).is_err(), "{cell}");
        }
        assert!(parse_count("99999999999999999999999").unwrap_err().contains("lớn"));
    }
}
