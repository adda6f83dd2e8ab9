//! Rule 6 (no block missing): every document carries the blocks its
//! layout declares (`blocks` in `layouts.toml`: the "4 không, 2 phải"
//! items, the fake-QR box, the A5 back's first tactics …), each on its
//! page. Issue 23: a village whose longer name or contact block pushed a
//! block out got a leaflet without it, while the others had it.
//!
//! Why declared, not compared: what a page carries is chosen once per
//! campaign (`JobData::fit`, the longest village's values), so the blocks
//! every village's document must carry are known before any is laid out
//! ([`crate::plan::Planner::blocks`]). Each document is then checked on its
//! own, with no state shared between the documents of a run: the lanes
//! render in parallel, and a re-run that makes only some villages again
//! checks them against the same list. A block is found by its words (from
//! the locale pack, with the campaign's own text, placeholders filled) on
//! the rebuilt lines of its page, case aside (a layout may set a title in
//! capitals), across line ends: no marker in the layouts, so a
//! designer's own layout is checked by what a reader sees.

use super::text::{Stream, find_all};
use super::{Expect, Problem, Run};

/// One block to find: its page, its key, its words as shown, and as searched.
#[derive(Debug, Clone)]
pub(super) struct Wanted {
    pub(super) page: usize,
    pub(super) key: String,
    pub(super) shown: String,
    pub(super) chars: Vec<char>,
}

impl Wanted {
    pub(super) fn new(b: crate::content::Block) -> Wanted {
        let shown = b.words.split_whitespace().collect::<Vec<_>>().join(" ");
        let chars = shown.chars().map(lower).collect();
        Wanted { page: b.page, key: b.key, shown, chars }
    }
}

/// `c` in lower case, where that is one character (every Vietnamese
/// letter): a block's words and the page's text are compared case aside.
fn lower(c: char) -> char {
    let mut l = c.to_lowercase();
    match (l.next(), l.next()) {
        (Some(x), None) => x,
        _ => c,
    }
}

/// Rule 6 on the document's text. The text is put in lower case once, and
/// each block searched in it as it is. Measured on tien-trang's A5 (31
/// villages, 11 blocks each; unoptimised canhbao, its dependencies at
/// opt-level 2): folding case at every comparison cost 5.6 ms per
/// document on top of the other rules' 13 ms; lower-cased once, 0.5–0.7 ms
/// (of 14–17 ms, a document costing 70–90 ms in all).
pub(super) fn check(s: &Stream, runs: &[Run], e: &Expect, out: &mut Vec<Problem>) {
    if e.blocks.is_empty() {
        return;
    }
    let text: Vec<char> = s.chars.iter().map(|&c| lower(c)).collect();
    for b in e.blocks.iter().filter(|b| !b.chars.is_empty()) {
        let found = find_all(&text, &b.chars, false)
            .iter()
            .any(|&(a, _, _)| runs.get(s.run_near(a)).is_some_and(|r| r.page == b.page));
        if !found {
            out.push(Problem {
                page: b.page,
                field: b.key.clone(),
                message: format!("thiếu khối “{}” mà {}", b.shown, e.others),
                warning: false,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::plan::{Planner, plan, raise};

    #[test]
    fn a_block_is_found_in_capitals_and_across_a_line_end() {
        let low = |s: &str| s.chars().map(super::lower).collect::<Vec<_>>();
        let text = low("4 KHÔNG\nCẨN THẬN MÃ\nQR GIẢ DÁN ĐÈ!");
        assert_eq!(super::find_all(&text, &low("Cẩn thận mã QR giả dán đè!"), false).len(), 1);
        assert!(super::find_all(&text, &low("Phải tố giác ngay"), false).is_empty());
    }

    #[test]
    fn every_block_a_builtin_layout_declares_has_its_words() {
        // A misspelt path in layouts.toml would name no block, and the
        // preflight's rule 6 would check nothing.
        for dir in
            ["examples/tien-trang", "tests/fixtures/english", "tests/fixtures/audience-elderly"]
        {
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
            let c = crate::load(&dir).unwrap().campaign;
            let pack = crate::content::Pack::builtin(&c.locale).unwrap();
            let planner = Planner::new(&c, &pack).unwrap();
            for job in plan(&c, &crate::layouts::builtin(), &[0], &pack) {
                let blocks = planner.blocks(&job);
                let rules = &job.layout.preflight;
                let raised = raise(&c, &job.layout) > 1.0;
                // (No tactic is wanted where the count is 0: the elderly's posters.)
                let none = rules.tactics_raised.filter(|_| raised).unwrap_or(rules.tactics) == 0;
                for (page, names) in rules.blocks.iter().enumerate() {
                    for name in names.iter().filter(|n| !(none && *n == "tactics")) {
                        let key = if name == "tactics" {
                            "tactics.".into()
                        } else {
                            format!("text.{name}")
                        };
                        let found =
                            blocks.iter().any(|b| b.page == page + 1 && b.key.starts_with(&key));
                        assert!(
                            found,
                            "{}: {}: “{name}” names no words",
                            dir.display(),
                            job.layout.id
                        );
                    }
                }
                if job.layout.id == "leaflet-a5" {
                    // Four tactic titles on the back, three in the elderly's one column.
                    let n = blocks.iter().filter(|b| b.key.starts_with("tactics.")).count();
                    assert_eq!(n, if raised { 3 } else { 4 }, "{}", dir.display());
                    assert!(blocks.iter().all(|b| !b.words.contains('{')), "{blocks:?}");
                }
            }
        }
    }
}
