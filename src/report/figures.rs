//! The figures of a report: the period it covers, each village's row as
//! the commune filled it, the totals, and the one value the `.docx` and the
//! PDF are both made from ([`Document`]), so the two say the same.

use serde_json::{Value, json};
use time::{Date, Month};

use crate::campaign::Campaign;

/// The span a report covers: a year, or its first or second half.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    /// The year.
    pub year: i32,
    /// `Some(1)`: January–June; `Some(2)`: July–December; `None`: the year.
    pub half: Option<u8>,
}

impl std::str::FromStr for Period {
    type Err = String;

    /// `2026`, `2026-H1` or `2026-H2` (`h1` too).
    fn from_str(s: &str) -> Result<Period, String> {
        let s = s.trim();
        let (year, half) = match s.split_once('-') {
            Some((y, h)) => match h.to_ascii_uppercase().as_str() {
                "H1" => (y, Some(1)),
                "H2" => (y, Some(2)),
                _ => {
                    return Err(format!("“{h}” không phải nửa năm: ghi H1 hoặc H2, ví dụ 2026-H1"));
                }
            },
            None => (s, None),
        };
        let year: i32 =
            year.parse().ok().filter(|y| (2000..=2100).contains(y)).ok_or_else(|| {
                format!(
                    "“{s}” không phải kỳ báo cáo: ghi năm (2026) hoặc nửa năm (2026-H1, 2026-H2)"
                )
            })?;
        Ok(Period { year, half })
    }
}

impl Period {
    /// The first day.
    pub fn start(&self) -> Date {
        let month = if self.half == Some(2) { Month::July } else { Month::January };
        Date::from_calendar_date(self.year, month, 1).unwrap_or(Date::MIN)
    }

    /// The last day.
    pub fn end(&self) -> Date {
        let (month, day) =
            if self.half == Some(1) { (Month::June, 30) } else { (Month::December, 31) };
        Date::from_calendar_date(self.year, month, day).unwrap_or(Date::MAX)
    }

    /// Whether `d` is inside the period.
    pub fn contains(&self, d: Date) -> bool {
        (self.start()..=self.end()).contains(&d)
    }

    /// Days in the period (the most days a loudspeaker can have run).
    pub fn days(&self) -> u32 {
        (self.end() - self.start()).whole_days() as u32 + 1
    }

    /// The file name's part: `2026`, `2026-H1`.
    pub fn slug(&self) -> String {
        match self.half {
            Some(h) => format!("{}-H{h}", self.year),
            None => self.year.to_string(),
        }
    }

    /// `6 tháng đầu năm 2026`, `năm 2026`.
    pub fn words(&self) -> String {
        match self.half {
            Some(1) => format!("6 tháng đầu năm {}", self.year),
            Some(_) => format!("6 tháng cuối năm {}", self.year),
            None => format!("năm {}", self.year),
        }
    }

    /// `01/01/2026 – 30/06/2026`.
    pub fn span(&self) -> String {
        format!("{} đến {}", day(self.start()), day(self.end()))
    }
}

/// `15/03/2026`.
pub fn day(d: Date) -> String {
    format!("{:02}/{:02}/{}", d.day(), u8::from(d.month()), d.year())
}

/// One village's row of the workbook, as read and checked.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Row {
    /// The village as the workbook names it.
    pub name: String,
    /// Households.
    pub households: u32,
    /// Leaflets printed for it.
    pub printed: u32,
    /// When it received its material.
    pub received: Option<Date>,
    /// Leaflets handed out.
    pub leaflets: u32,
    /// Households reached.
    pub reached: u32,
    /// Posters put up.
    pub posters: u32,
    /// Cards handed out.
    pub cards: u32,
    /// Loudspeaker broadcasts.
    pub broadcasts: u32,
    /// Notes, as written.
    pub notes: String,
    /// Whether any figure was filled in (else the village has not reported).
    pub filled: bool,
    /// Whether the posters cell was filled (an empty one is "no figure", not 0).
    pub posters_given: bool,
    /// Whether the cards cell was filled.
    pub cards_given: bool,
}

/// Sums over villages (or communes).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Totals {
    /// Villages.
    pub villages: u64,
    /// Villages that filled their row.
    pub reported: u64,
    /// Households.
    pub households: u64,
    /// Households of the villages that reported: the basis of the share.
    pub reported_households: u64,
    /// Whether any village gave a posters figure.
    pub posters_given: bool,
    /// Whether any village gave a cards figure.
    pub cards_given: bool,
    /// Leaflets printed.
    pub printed: u64,
    /// Leaflets handed out.
    pub leaflets: u64,
    /// Households reached.
    pub reached: u64,
    /// Posters put up.
    pub posters: u64,
    /// Cards handed out.
    pub cards: u64,
    /// Village loudspeaker broadcasts.
    pub broadcasts: u64,
    /// Commune loudspeaker broadcasts of the log sheet in the period: 6:00, 19:00.
    pub log: (u64, u64),
}

impl Totals {
    /// Adds `o` into these totals.
    pub fn add(&mut self, o: &Totals) {
        self.villages += o.villages;
        self.reported += o.reported;
        self.households += o.households;
        self.reported_households += o.reported_households;
        self.posters_given |= o.posters_given;
        self.cards_given |= o.cards_given;
        self.printed += o.printed;
        self.leaflets += o.leaflets;
        self.reached += o.reached;
        self.posters += o.posters;
        self.cards += o.cards;
        self.broadcasts += o.broadcasts;
        self.log.0 += o.log.0;
        self.log.1 += o.log.1;
    }

    /// Households reached of the households of the villages that
    /// reported (a village that has not reported is not a village at 0 %),
    /// in percent with one decimal written the Vietnamese way (`85,3`).
    pub fn share(&self) -> String {
        share(self.reached, self.reported_households)
    }
}

/// `reached` of `of` in percent, one decimal, Vietnamese comma.
pub fn share(reached: u64, of: u64) -> String {
    if of == 0 {
        return "—".into();
    }
    let tenths = (reached * 1000 + of / 2) / of;
    format!("{},{}", tenths / 10, tenths % 10)
}

/// `12.345`, as Vietnamese writes thousands.
pub use crate::diag::thousands as num;

/// A commune's workbook, read and checked.
#[derive(Debug, Clone, Default)]
pub struct Figures {
    /// One row per village, in the workbook's order.
    pub rows: Vec<Row>,
    /// Broadcasts of the commune's log sheet in the period: (6:00, 19:00).
    pub log: (u64, u64),
}

impl Figures {
    /// The commune's totals: the sum of its rows.
    pub fn totals(&self) -> Totals {
        let mut t = Totals { log: self.log, ..Totals::default() };
        for r in &self.rows {
            t.villages += 1;
            t.reported += u64::from(r.filled);
            t.households += u64::from(r.households);
            if r.filled {
                t.reported_households += u64::from(r.households);
            }
            t.posters_given |= r.posters_given;
            t.cards_given |= r.cards_given;
            t.printed += u64::from(r.printed);
            t.leaflets += u64::from(r.leaflets);
            t.reached += u64::from(r.reached);
            t.posters += u64::from(r.posters);
            t.cards += u64::from(r.cards);
            t.broadcasts += u64::from(r.broadcasts);
        }
        t
    }
}

/// Everything the report says, made once for the `.docx` and the PDF.
#[derive(Debug, Clone)]
pub struct Document {
    /// The period.
    pub period: Period,
    /// Who the manifest of the output folder belongs to.
    pub owner: String,
    /// The superior body, upper case (`CÔNG AN TỈNH THANH HÓA`), or empty.
    pub superior: String,
    /// The issuing office, upper case.
    pub issuer: String,
    /// The symbol after `Số:      /`: `BC-CAX`.
    pub symbol: String,
    /// The place in the date line: the commune's name.
    pub place: String,
    /// The title's second line: `Kết quả thực hiện …`.
    pub subject: String,
    /// Section I, paragraphs.
    pub situation: Vec<String>,
    /// Section II's paragraphs before the table.
    pub results: Vec<String>,
    /// The table's first column header: `Thôn` or `Xã, phường`.
    pub unit: String,
    /// The table's rows (one per village, or per commune) and the totals.
    pub table: Vec<TableRow>,
    /// The totals row.
    pub total: TableRow,
    /// Section III, paragraphs.
    pub shortcomings: Vec<String>,
    /// Section IV, paragraphs.
    pub proposals: Vec<String>,
    /// "Nơi nhận:" lines.
    pub recipients: Vec<String>,
    /// The signer's title, upper case (`TRƯỞNG CÔNG AN XÃ`).
    pub signer: String,
    /// The signer's printed name (`[issuer] head`), or none: a dotted line.
    pub head: Option<String>,
    /// A demonstration campaign: the PDF carries the "MẪU" band.
    pub example: bool,
}

/// One row of the report's table, every cell as printed.
#[derive(Debug, Clone, PartialEq)]
pub struct TableRow {
    /// `1`, or empty for the totals row.
    pub no: String,
    /// The village (or commune), or `Tổng cộng`.
    pub name: String,
    /// Cells after the name, as [`COLUMNS`] orders them.
    pub cells: Vec<String>,
}

/// The table's columns after the name.
pub const COLUMNS: &[&str] = &[
    "Số hộ",
    "Số bản in",
    "Tờ rơi đã phát",
    "Hộ đã nhận",
    "Tỷ lệ hộ (%)",
    "Áp phích đã dán",
    "Thẻ đã phát",
    "Buổi phát loa",
];

/// A row of the table. What a village has not reported prints "—", not
/// 0: a reader would take 0 for a village that handed out nothing.
fn table_row(no: String, name: String, t: &Totals) -> TableRow {
    let none = "—".to_string();
    let given = |yes: bool, n: u64| if yes && t.reported > 0 { num(n) } else { none.clone() };
    let reported = t.reported > 0;
    let cells = vec![
        num(t.households),
        num(t.printed),
        given(reported, t.leaflets),
        given(reported, t.reached),
        if reported { t.share() } else { none.clone() },
        given(t.posters_given, t.posters),
        given(t.cards_given, t.cards),
        given(reported, t.broadcasts),
    ];
    TableRow { no, name, cells }
}

/// `s` with its first letter upper case.
fn capital(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

/// A place name that never breaks across lines: its spaces are no-break.
pub(crate) fn unbroken(name: &str) -> String {
    name.replace(' ', "\u{a0}")
}

fn row_totals(r: &Row) -> Totals {
    Figures { rows: vec![r.clone()], log: (0, 0) }.totals()
}

/// Who the issuer answers to, and the symbol and signer of its reports,
/// from its name: a commune police station (`Công an xã …`) reports as
/// `BC-CAX` under the province police; a People's Committee as
/// `BC-UBND`. The officer edits the `.docx` where this guess is wrong.
fn office(c: &Campaign) -> (String, String, String) {
    let issuer = c.issuer.name.to_lowercase();
    let kind = c.commune.kind.to_uppercase();
    if issuer.starts_with("công an") {
        let symbol = match c.commune.kind.as_str() {
            "phường" => "BC-CAP",
            "xã" => "BC-CAX",
            _ => "BC-CA",
        };
        let superior = format!("CÔNG AN {}", c.commune.province_full().to_uppercase());
        (superior, symbol.into(), format!("TRƯỞNG CÔNG AN {kind}"))
    } else if issuer.starts_with("ủy ban") || issuer.starts_with("ubnd") {
        (String::new(), "BC-UBND".into(), "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH".into())
    } else {
        (
            format!("ỦY BAN NHÂN DÂN {}", c.commune.full().to_uppercase()),
            "BC-…".into(),
            "THỦ TRƯỞNG CƠ QUAN".into(),
        )
    }
}

impl Document {
    /// The report of one commune.
    pub fn commune(c: &Campaign, period: &Period, f: &Figures) -> Document {
        let t = f.totals();
        let table: Vec<TableRow> = f
            .rows
            .iter()
            .enumerate()
            .map(|(i, r)| table_row((i + 1).to_string(), r.name.clone(), &row_totals(r)))
            .collect();
        // The commune's own word for its villages: the kind most have.
        let mut kinds: Vec<&str> = c.villages.iter().map(|v| v.kind.as_str()).collect();
        kinds.sort_unstable();
        let vw = kinds
            .chunk_by(|a, b| a == b)
            .max_by_key(|k| k.len())
            .and_then(|k| k.first().copied())
            .unwrap_or("thôn");
        let mut shortcomings = Vec::new();
        let silent: Vec<&str> =
            f.rows.iter().filter(|r| !r.filled).map(|r| r.name.as_str()).collect();
        if !silent.is_empty() {
            shortcomings.push(format!(
                "{} {vw} chưa báo cáo kết quả: {}.",
                silent.len(),
                silent.join(", ")
            ));
        }
        let short: Vec<String> = f
            .rows
            .iter()
            .filter(|r| r.filled && r.reached < r.households)
            .map(|r| format!("{} ({}%)", r.name, share(r.reached.into(), r.households.into())))
            .collect();
        if !short.is_empty() {
            shortcomings.push(format!(
                "{} {vw} chưa phát tài liệu tới đủ số hộ: {}.",
                short.len(),
                short.join(", ")
            ));
        }
        let who = c.issuer.name.as_str();
        Document::make(c, period, &c.commune.full(), "Thôn", (who, vw), table, &t, shortcomings)
    }

    /// The report of a province: one row per commune.
    pub fn province(
        first: &Campaign,
        province: &str,
        period: &Period,
        communes: &[(String, Figures)],
    ) -> Document {
        let mut t = Totals::default();
        let mut table = Vec::new();
        for (i, (name, f)) in communes.iter().enumerate() {
            let ct = f.totals();
            t.add(&ct);
            table.push(table_row((i + 1).to_string(), name.clone(), &ct));
        }
        let who = format!("Công an {province}");
        let words = (who.as_str(), "thôn, tổ dân phố");
        let mut doc =
            Document::make(first, period, province, "Xã, phường", words, table, &t, Vec::new());
        // Decree 30: the body above the issuer heads its name.
        doc.superior = "BỘ CÔNG AN".into();
        doc.head = None;
        doc.issuer = format!("CÔNG AN {}", province.to_uppercase());
        doc.symbol = "BC-CAT".into();
        doc.place = unbroken(&first.commune.province);
        doc.signer = format!("GIÁM ĐỐC CÔNG AN {}", province.to_uppercase());
        doc.owner = province.to_string();
        doc
    }

    #[allow(clippy::too_many_arguments)]
    fn make(
        c: &Campaign,
        period: &Period,
        area: &str,
        unit: &str,
        (who, vw): (&str, &str),
        table: Vec<TableRow>,
        t: &Totals,
        mut shortcomings: Vec<String>,
    ) -> Document {
        let (superior, symbol, signer) = office(c);
        let subject = format!(
            "Kết quả thực hiện tuyên truyền phòng, chống lừa đảo trên địa bàn {} {}",
            unbroken(area),
            period.words()
        );
        // The plan the campaign carries out, when the campaign names it.
        let plan = match &c.issuer.plan {
            Some(p) => format!("Thực hiện {p}"),
            None => {
                "Thực hiện kế hoạch tuyên truyền phòng, chống tội phạm lừa đảo chiếm đoạt tài sản"
                    .into()
            }
        };
        let situation = vec![format!(
            "{plan}, {} đã in và giao tài liệu tuyên truyền (tờ rơi, áp phích, thẻ, bài phát thanh) cho {} {} trên địa bàn {area}, để phát tới từng hộ gia đình. {} báo cáo kết quả thực hiện {} (từ {}) như sau:",
            who,
            num(t.villages),
            vw,
            who,
            period.words(),
            period.span()
        )];
        let posters = if t.posters_given {
            format!("đã dán {} áp phích tại cửa hàng, nơi công cộng", num(t.posters))
        } else {
            "áp phích: chưa có số liệu".into()
        };
        let cards = if t.cards_given {
            format!("đã phát {} thẻ cảnh báo", num(t.cards))
        } else {
            "thẻ cảnh báo: chưa có số liệu".into()
        };
        let mut results = vec![
            if t.reported == 0 {
                format!(
                    "Chưa có {vw} nào báo cáo kết quả: chưa có số liệu về tờ rơi đã phát và số hộ đã nhận."
                )
            } else {
                format!(
                    "Đã phát {} tờ rơi trên {} bản in; {} / {} hộ gia đình đã nhận tài liệu, đạt {}% (trên {} {vw} đã báo cáo).",
                    num(t.leaflets),
                    num(t.printed),
                    num(t.reached),
                    num(t.reported_households),
                    t.share(),
                    num(t.reported)
                )
            },
            format!("{}; {cards}.", capital(&posters)),
            if t.reported == 0 {
                "Loa truyền thanh: chưa có số liệu.".to_string()
            } else {
                format!("Loa truyền thanh các {vw} đã phát {} buổi.", num(t.broadcasts))
            },
        ];
        if t.log.0 + t.log.1 > 0 {
            results.push(format!(
                "Đài truyền thanh {area} phát {} buổi theo sổ nhật ký ({} buổi 6:00, {} buổi 19:00).",
                num(t.log.0 + t.log.1),
                num(t.log.0),
                num(t.log.1)
            ));
        }
        results.push(format!(
            "{}/{} {vw} đã báo cáo kết quả. Kết quả từng {}:",
            num(t.reported),
            num(t.villages),
            unit.to_lowercase()
        ));
        if shortcomings.is_empty() {
            shortcomings.push("Trong kỳ chưa phát hiện tồn tại, hạn chế đáng kể.".into());
        }
        // Proposals from the figures: the households still to reach, the
        // villages still to report; then what every report asks for.
        let mut proposals = Vec::new();
        let missing = t.reported_households.saturating_sub(t.reached);
        if missing > 0 {
            proposals.push(format!(
                "Tiếp tục phát bổ sung tài liệu cho {} hộ chưa nhận ở các {vw} đã báo cáo.",
                num(missing)
            ));
        }
        if t.reported < t.villages {
            proposals.push(format!(
                "Đề nghị {} {vw} chưa báo cáo gửi kết quả trước kỳ báo cáo sau.",
                num(t.villages - t.reported)
            ));
        }
        proposals.push("Duy trì phát thanh trên loa 6:00 và 19:00 hằng ngày; đề nghị cấp trên tiếp tục cung cấp tài liệu về các phương thức, thủ đoạn lừa đảo mới để cập nhật nội dung tuyên truyền.".into());
        let total = table_row(String::new(), "Tổng cộng".into(), t);
        Document {
            period: *period,
            owner: crate::rerun::commune_id(c),
            superior,
            issuer: c.issuer.name.to_uppercase(),
            symbol,
            place: unbroken(&c.commune.name),
            subject,
            situation,
            results,
            unit: unit.to_string(),
            table,
            total,
            shortcomings,
            proposals,
            recipients: vec![
                format!("- Công an {} (để báo cáo);", c.commune.province_full()),
                format!("- Đảng ủy, UBND {} (để báo cáo);", c.commune.full()),
                "- Lưu: VT.".into(),
            ],
            signer,
            head: c.issuer.head.clone(),
            example: c.example,
        }
    }

    /// The value `layouts/bao-cao.typ` draws (see the file's header).
    pub fn json(&self) -> Value {
        let row = |r: &TableRow| json!({ "no": r.no, "name": r.name, "cells": r.cells });
        json!({
            "superior": self.superior,
            "issuer": self.issuer,
            "symbol": self.symbol,
            "place": self.place,
            "year": self.period.year,
            "subject": self.subject,
            "situation": self.situation,
            "results": self.results,
            "unit": self.unit,
            "columns": COLUMNS,
            "rows": self.table.iter().map(row).collect::<Vec<_>>(),
            "total": row(&self.total),
            "shortcomings": self.shortcomings,
            "proposals": self.proposals,
            "recipients": self.recipients,
            "signer": self.signer,
            "head": self.head,
            "example": self.example,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_parse_and_span_their_months() {
        let h1: Period = "2026-H1".parse().unwrap();
        assert_eq!(day(h1.start()), "01/01/2026");
        assert_eq!(day(h1.end()), "30/06/2026");
        assert_eq!(h1.slug(), "2026-H1");
        let y: Period = "2026".parse().unwrap();
        assert_eq!(day(y.end()), "31/12/2026");
        assert_eq!(y.days(), 365);
        assert!("2026-H3".parse::<Period>().is_err());
        assert!("26".parse::<Period>().is_err());
    }

    #[test]
    fn shares_and_numbers_are_written_the_vietnamese_way() {
        assert_eq!(share(853, 1000), "85,3");
        assert_eq!(share(1, 3), "33,3");
        assert_eq!(num(1234567), "1.234.567");
        assert_eq!(num(305), "305");
    }
}
