//! What a build made, counted once for every reader: the command line's
//! table after `build` and the page's summary after "Tạo tệp in" come from
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
}
