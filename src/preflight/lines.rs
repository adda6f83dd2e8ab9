//! Rules 4 and 7 (type sizes; runts and broken phrases, warnings): lines rebuilt from
//! the runs, and paragraphs from the lines.

use super::text::{Break, Folded, NONE, Stream, find_folded, folded};
use super::{Expect, Problem, RUNT_CHARS, Run, excerpt, pt};

/// A rebuilt line: stream range, page, size, extent.
struct Line {
    from: usize,
    to: usize,
    page: usize,
    size: f64,
    y: f64,
    x0: f64,
    x1: f64,
}

/// Splits the stream into lines.
fn split_lines(s: &Stream, runs: &[Run]) -> Vec<Line> {
    let mut out = Vec::new();
    let mut from = 0;
    for i in 0..=s.chars.len() {
        if i < s.chars.len() && s.chars[i] != '\n' {
            continue;
        }
        let ids: Vec<usize> = {
            let mut v: Vec<usize> = s.run[from..i].iter().copied().filter(|r| *r != NONE).collect();
            v.dedup();
            v
        };
        if let Some(&a) = ids.first() {
            let size = ids.iter().map(|&r| runs[r].size).fold(0.0, f64::max);
            let x0 = ids.iter().map(|&r| runs[r].x0).fold(f64::INFINITY, f64::min);
            let x1 = ids.iter().map(|&r| runs[r].x1).fold(f64::NEG_INFINITY, f64::max);
            out.push(Line { from, to: i, page: runs[a].page, size, y: runs[a].y, x0, x1 });
        }
        from = i + 1;
    }
    out
}

/// Whether `b` continues the paragraph of `a` (the line above).
fn continues(a: &Line, b: &Line) -> bool {
    let step = b.y - a.y;
    a.page == b.page
        && (a.size - b.size).abs() < 0.05
        && step > 0.9 * a.size
        && step < 2.0 * a.size
        && b.x0 < a.x1
        && a.x0 < b.x1
}

/// Rules 4 and 7: type sizes, runts, broken phrases.
pub(super) fn lines(s: &Stream, runs: &[Run], e: &Expect, out: &mut Vec<Problem>) {
    let lines = split_lines(s, runs);
    // The case-folded forms, made once for every paragraph and phrase.
    let forms = FoldedText {
        text: s.chars.iter().map(|&c| folded(c)).collect(),
        phrases: e
            .phrases
            .iter()
            .map(|(_, pat)| pat.iter().map(|&c| folded(c)).collect())
            .collect(),
    };
    let mut start = 0;
    for i in 0..lines.len() {
        let last = i + 1 == lines.len() || !continues(&lines[i], &lines[i + 1]);
        if last {
            paragraph(s, &forms, &lines[start..=i], e, out);
            start = i + 1;
        }
    }
    for r in runs {
        if r.size + 0.01 < e.label_pt && r.item.text.chars().any(char::is_alphanumeric) {
            out.push(Problem {
                page: r.page,
                field: excerpt(&r.item.text),
                message: format!(
                    "cỡ chữ {} pt, nhỏ hơn mức tối thiểu {} pt",
                    pt(r.size),
                    pt(e.label_pt)
                ),
                warning: false,
            });
        }
    }
}

/// The stream's characters and the phrases of [`Expect`], case-folded.
struct FoldedText {
    text: Vec<Folded>,
    phrases: Vec<Vec<Folded>>,
}

/// Body size, runt and phrase checks of one paragraph.
fn paragraph(s: &Stream, forms: &FoldedText, para: &[Line], e: &Expect, out: &mut Vec<Problem>) {
    let first = &para[0];
    let text = |l: &Line| s.text(l.from, l.to);
    if para.len() >= 2 && first.size + 0.01 < e.body_pt {
        out.push(Problem {
            page: first.page,
            field: excerpt(&text(first)),
            message: format!(
                "đoạn văn cỡ {} pt, nhỏ hơn cỡ chữ thân bài tối thiểu {} pt",
                pt(first.size),
                pt(e.body_pt)
            ),
            warning: false,
        });
    }
    let last = &para[para.len() - 1];
    let words: Vec<String> = text(last).split_whitespace().map(String::from).collect();
    if para.len() >= 2
        && words.len() == 1
        && words[0].chars().filter(|c| c.is_alphanumeric()).count() <= RUNT_CHARS
    {
        out.push(Problem {
            page: last.page,
            field: excerpt(&text(&para[para.len() - 2])),
            message: format!("dòng cuối chỉ còn một chữ “{}” (dòng mồ côi)", words[0]),
            warning: true,
        });
    }
    if para.len() < 2 {
        return;
    }
    // A display line (over twice the body size: "KHÔNG / CHUYỂN TIỀN!" at
    // 32 pt on the trifold cover) is broken by its layout on purpose, a
    // word a line; the phrase rule is for running text.
    if first.size > 2.0 * e.body_pt {
        return;
    }
    let (from, to) = (first.from, last.to);
    let widest = para.iter().map(|l| l.x1 - l.x0).fold(0.0, f64::max);
    for ((phrase, pat), pat_keys) in e.phrases.iter().zip(&forms.phrases) {
        let keys = &forms.text[from..to];
        for (a, b, broke) in find_folded(&s.chars[from..to], keys, pat, pat_keys) {
            // Wider than the paragraph even at the minimum size: may break.
            let per_char = widest / (last.to - last.from).max(1) as f64;
            let at_min = per_char * (b - a) as f64 * e.label_pt.max(1.0) / first.size;
            if broke != Break::No && at_min <= widest {
                out.push(Problem {
                    page: first.page,
                    field: format!("cụm “{phrase}”"),
                    message: "bị ngắt xuống dòng giữa cụm; nên giữ trên một dòng".into(),
                    warning: true,
                });
            }
        }
    }
}
