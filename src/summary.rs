//! What a build made, counted once for every reader: the command line's
//! last lines after `build` (of a commune, or each commune of a province)
//! and the page's summary after "Tạo tệp in" come from [`Summary::of`] and
//! [`totals`], so they never disagree.

use crate::package::OrderLine;

/// The print order of one layout on one paper.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Total {
    /// Layout id.
    pub layout: String,
    /// Paper as the order names it (`a5`, `sra4`, `5000x800mm`…).
    pub paper: String,
    /// Files to print.
    pub files: usize,
    /// Copies (sheets, for a file with several documents on a sheet).
    pub copies: u64,
}

/// What one commune's build came to.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    /// Documents made this run.
    pub written: usize,
    /// Documents kept as they were (unchanged since the last run).
    pub skipped: usize,
    /// Pages of the documents of the run, made or kept.
    pub pages: usize,
    /// Each document not made: `village — layout: why`.
    pub failed: Vec<String>,
    /// Warnings: the campaign's and the documents' own.
    pub warnings: usize,
    /// The copies to print, per layout and paper ([`totals`]).
    pub order: Vec<Total>,
    /// Loudspeaker scripts written.
    pub loa: usize,
    /// Documents of the run.
    pub jobs: usize,
    /// Stopped (Ctrl-C) before every document was made.
    pub stopped: bool,
}

impl Summary {
    /// The summary of a build.
    pub fn of(built: &crate::Built) -> Summary {
        let r = &built.report;
        Summary {
            written: r.written,
            skipped: r.skipped,
            pages: r.pages,
            failed: r.failed.iter().map(|(v, l, why)| format!("{v} — {l}: {why}")).collect(),
            warnings: r.warnings.len() + built.project.campaign.warnings.len(),
            order: totals(&built.order),
            loa: built.loa_files,
            jobs: built.jobs,
            stopped: built.stopped,
        }
    }
}

/// The order's lines added up per layout and paper, in the order's order.
/// The sheets of several leaflets (`sra4`) and single leaflets (`a5`) of one
/// layout stay apart: sheets and leaflets do not add up.
pub fn totals(order: &[OrderLine]) -> Vec<Total> {
    let mut out: Vec<Total> = Vec::new();
    for line in order {
        match out.iter_mut().find(|t| t.layout == line.layout && t.paper == line.paper) {
            Some(t) => {
                t.files += 1;
                t.copies += line.copies;
            }
            None => out.push(Total {
                layout: line.layout.clone(),
                paper: line.paper.clone(),
                files: 1,
                copies: line.copies,
            }),
        }
    }
    out
}

/// One line of the page's summary: a kind of file the build made, so that
/// the lines add up to every file the officer gets.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Row {
    /// `each` (one document per village), `images` (social images, not
    /// printed), `sheets` (several documents per press sheet, for the print
    /// shop), `proof` (every village once, to check before printing), `loa`
    /// (loudspeaker scripts), `order` (the print shop's table of copies).
    pub kind: &'static str,
    /// Layout id (empty for `loa` and `order`).
    pub layout: String,
    /// Paper as the order names it (empty when not printed).
    pub paper: String,
    /// Files of this line.
    pub files: usize,
    /// Copies to print of these files (sheets for `sheets`), when printed.
    pub copies: Option<u64>,
    /// Documents on one sheet (`sheets` only).
    pub per_sheet: Option<u64>,
    /// Pages of its file(s) (`proof` only, filled by the caller from the
    /// manifest): "1 bản (24 trang)".
    pub pages: Option<usize>,
}

/// The page's summary lines: for each layout (`(id, is_image)`, in the
/// campaign's order) its per-village files (`made`: layout and path of each
/// document the build wrote or kept), its press sheets and its proof from
/// the print `order`; then the loudspeaker scripts and the order's table.
pub fn rows(
    layouts: &[(String, bool)],
    made: &[(String, String)],
    order: &[OrderLine],
    loa: usize,
) -> Vec<Row> {
    let mut out = Vec::new();
    let row = |kind, layout: &str| Row {
        kind,
        layout: layout.into(),
        paper: String::new(),
        files: 0,
        copies: None,
        per_sheet: None,
        pages: None,
    };
    for (id, image) in layouts {
        let mut each = row(if *image { "images" } else { "each" }, id);
        each.files = made.iter().filter(|(l, f)| l == id && !f.starts_with("print/")).count();
        let mut sheets = row("sheets", id);
        let mut proof = row("proof", id);
        for line in order.iter().filter(|l| &l.layout == id) {
            let target = if !line.file.starts_with("print/") {
                &mut each
            } else if line.file.matches('/').count() == 1 {
                proof.files += 1;
                &mut proof
            } else {
                sheets.files += 1;
                // print/<layout>-2up-sra4/<village>.pdf
                sheets.per_sheet =
                    line.file.split('/').nth(1).and_then(|d| {
                        d.rsplit('-').find_map(|p| p.strip_suffix("up")?.parse().ok())
                    });
                &mut sheets
            };
            target.paper.clone_from(&line.paper);
            *target.copies.get_or_insert(0) += line.copies;
        }
        out.extend([each, sheets, proof].into_iter().filter(|r| r.files > 0));
    }
    if loa > 0 {
        out.push(Row { files: loa, ..row("loa", "") });
    }
    if !order.is_empty() {
        out.push(Row { files: 1, ..row("order", "") });
    }
    out
}

/// A paper size in words for someone who is not a printer.
pub fn paper_words(paper: &str) -> String {
    match paper.to_ascii_lowercase().as_str() {
        "sra4" => "khổ SRA4 (mỗi tờ in 2 tờ rơi A5, nhà in cắt đôi)".into(),
        "sra3" => "khổ SRA3 (mỗi tờ in nhiều bản, nhà in cắt ra)".into(),
        "a5" => "khổ A5 (nửa tờ A4)".into(),
        "a4" => "khổ A4".into(),
        "a3" => "khổ A3 (gấp đôi A4)".into(),
        "png" | "image" => "ảnh (không in)".into(),
        other => format!("khổ {other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(layout: &str, paper: &str, copies: u64) -> OrderLine {
        OrderLine {
            file: String::new(),
            layout: layout.into(),
            village: String::new(),
            paper: paper.into(),
            sides: 2,
            copies,
        }
    }

    #[test]
    fn sheets_and_single_leaflets_are_counted_apart() {
        let order = [
            line("leaflet-a5", "sra4", 10),
            line("leaflet-a5", "sra4", 5),
            line("leaflet-a5", "a5", 1),
        ];
        let t = totals(&order);
        assert_eq!(t.len(), 2);
        assert_eq!((t[0].files, t[0].copies), (2, 15));
        assert_eq!((t[1].paper.as_str(), t[1].files, t[1].copies), ("a5", 1, 1));
    }

    #[test]
    fn the_rows_count_every_file_once() {
        let mut order = [
            line("leaflet-a5", "sra4", 10),
            line("leaflet-a5", "sra4", 5),
            line("leaflet-a5", "a5", 1),
            line("poster-a4", "a4", 40),
            line("poster-a4", "a4", 1),
        ];
        order[0].file = "print/leaflet-a5-2up-sra4/a.pdf".into();
        order[1].file = "print/leaflet-a5-2up-sra4/b.pdf".into();
        order[2].file = "print/leaflet-a5-all.pdf".into();
        order[3].file = "poster-a4/a.pdf".into();
        order[4].file = "print/poster-a4-all.pdf".into();
        let made = [
            ("leaflet-a5".to_string(), "leaflet-a5/a.pdf".to_string()),
            ("leaflet-a5".to_string(), "leaflet-a5/b.pdf".to_string()),
            ("poster-a4".to_string(), "poster-a4/a.pdf".to_string()),
            ("social".to_string(), "social/x.png".to_string()),
        ];
        let layouts = [
            ("leaflet-a5".to_string(), false),
            ("poster-a4".to_string(), false),
            ("social".to_string(), true),
        ];
        let r = rows(&layouts, &made, &order, 2);
        let got: Vec<(&str, &str, usize, Option<u64>)> =
            r.iter().map(|r| (r.kind, r.layout.as_str(), r.files, r.copies)).collect();
        assert_eq!(
            got,
            [
                ("each", "leaflet-a5", 2, None),
                ("sheets", "leaflet-a5", 2, Some(15)),
                ("proof", "leaflet-a5", 1, Some(1)),
                ("each", "poster-a4", 1, Some(40)),
                ("proof", "poster-a4", 1, Some(1)),
                ("images", "social", 1, None),
                ("loa", "", 2, None),
                ("order", "", 1, None),
            ]
        );
        assert_eq!(r[1].per_sheet, Some(2));
    }
}
