//! Rule 1 (values whole, apart from their neighbours): the document's text
//! in reading order and the search for a value in it.

use super::{Expect, GAP_EM, Problem, Run};

/// The text of all runs in reading order: runs of one line joined (with a
/// space where there is a gap), lines ended by `\n`. `run[i]` is the run
/// a character came from (`NONE` for the added separators).
pub(super) struct Stream {
    pub(super) chars: Vec<char>,
    pub(super) run: Vec<usize>,
}

pub(super) const NONE: usize = usize::MAX;

impl Stream {
    pub(super) fn new(runs: &[Run]) -> Stream {
        let mut s = Stream { chars: Vec::new(), run: Vec::new() };
        for (i, r) in runs.iter().enumerate() {
            if let Some(prev) = i.checked_sub(1).map(|p| &runs[p]) {
                let small = r.size.min(prev.size);
                let gap = r.x0 - prev.x1;
                let same_line = !r.turned
                    && !prev.turned
                    && r.page == prev.page
                    && (r.y - prev.y).abs() <= 0.25 * r.size.max(prev.size)
                    && gap > -0.1 * small;
                if !same_line {
                    s.push('\n', NONE);
                } else if gap > GAP_EM * small {
                    s.push(' ', NONE);
                }
            }
            for c in r.item.text.chars() {
                s.push(c, i);
            }
        }
        s
    }

    fn push(&mut self, c: char, run: usize) {
        self.chars.push(c);
        self.run.push(run);
    }

    /// The run at or after position `i` (for the page of a finding).
    pub(super) fn run_near(&self, i: usize) -> usize {
        self.run[i.min(self.run.len().saturating_sub(1))..]
            .iter()
            .chain(self.run[..i.min(self.run.len())].iter().rev())
            .copied()
            .find(|r| *r != NONE)
            .unwrap_or(0)
    }

    /// The printed text from `from` to `to`, no-break spaces shown as
    /// spaces (messages quote what a reader sees).
    pub(super) fn text(&self, from: usize, to: usize) -> String {
        self.chars[from..to].iter().map(|&c| if c == '\u{a0}' { ' ' } else { c }).collect()
    }
}

fn is_space(c: char) -> bool {
    c.is_whitespace() && c != '\n'
}

/// A character's lowercase form, what a case-folded search compares:
/// `char::to_lowercase` gives one to three characters, padded here with
/// NUL (no character but NUL itself lowers to a form holding NUL, so two
/// characters have the same `Folded` exactly when their lowercase forms are
/// equal). Folded once per character of the stream and of each phrase, not
/// once per comparison: the phrase search compared every character of
/// every paragraph with every phrase's first letter through
/// `to_lowercase`, the largest part of the preflight's cost (issue 26).
pub(super) type Folded = [char; 3];

/// The [`Folded`] form of `c`.
pub(super) fn folded(c: char) -> Folded {
    let mut folded = ['\0'; 3];
    for (slot, lower) in folded.iter_mut().zip(c.to_lowercase()) {
        *slot = lower;
    }
    folded
}

/// Where a match crossed a line end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Break {
    /// On one line.
    No,
    /// At a space between two words.
    Space,
    /// Inside a word or a number ("Tr-" / "ang", "02" / "37").
    Word,
}

/// Matches `pat` at `i`: any run of spaces in `pat` matches one or more
/// spaces or line ends; a word may continue over a line end (after a
/// hyphen or not). Returns the end and where a line end was crossed.
/// `same(si, pi)`: whether `s[si]` matches `pat[pi]` (as written, or
/// case-folded).
fn match_at(
    s: &[char],
    i: usize,
    pat: &[char],
    same: impl Fn(usize, usize) -> bool,
) -> Option<(usize, Break)> {
    let (mut si, mut pi, mut broke) = (i, 0, Break::No);
    while pi < pat.len() {
        if is_space(pat[pi]) {
            let start = si;
            while si < s.len() && s[si].is_whitespace() {
                if s[si] == '\n' {
                    broke = broke.max(Break::Space);
                }
                si += 1;
            }
            if si == start {
                return None;
            }
            while pi < pat.len() && is_space(pat[pi]) {
                pi += 1;
            }
            continue;
        }
        let c = *s.get(si)?;
        if same(si, pi) {
            si += 1;
            pi += 1;
            continue;
        }
        // A break inside a word: "Tr-" / "ang" or "02" / "37".
        let mut k = si + usize::from(matches!(c, '-' | '\u{ad}' | '\u{2010}'));
        if pi > 0 && s.get(k) == Some(&'\n') {
            k += 1;
            while k < s.len() && is_space(s[k]) {
                k += 1;
            }
            if k < s.len() && same(k, pi) {
                broke = Break::Word;
                si = k;
                continue;
            }
        }
        return None;
    }
    Some((si, broke))
}

/// Every match of `pat` in the stream: (start, end, where it broke);
/// `fold`: case-folded.
pub(super) fn find_all(s: &[char], pat: &[char], fold: bool) -> Vec<(usize, usize, Break)> {
    if fold {
        let keys: Vec<Folded> = s.iter().map(|&c| folded(c)).collect();
        let pat_keys: Vec<Folded> = pat.iter().map(|&c| folded(c)).collect();
        find_folded(s, &keys, pat, &pat_keys)
    } else {
        find_by(s, pat, |si, pi| s[si] == pat[pi])
    }
}

/// [`find_all`] case-folded, with the [`Folded`] forms of `s` (`keys`) and
/// of `pat` (`pat_keys`) made by the caller, once for many searches.
pub(super) fn find_folded(
    s: &[char],
    keys: &[Folded],
    pat: &[char],
    pat_keys: &[Folded],
) -> Vec<(usize, usize, Break)> {
    find_by(s, pat, |si, pi| keys[si] == pat_keys[pi])
}

fn find_by(
    s: &[char],
    pat: &[char],
    same: impl Fn(usize, usize) -> bool + Copy,
) -> Vec<(usize, usize, Break)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < s.len() {
        if same(i, 0)
            && let Some((end, broke)) = match_at(s, i, pat, same)
        {
            out.push((i, end, broke));
            i = end;
        } else {
            i += 1;
        }
    }
    out
}

/// Whether neighbour `n` of the value's edge character `e` is glued to it.
fn glued(e: char, n: Option<char>, left: bool) -> Option<bool> {
    let n = n.filter(|n| n.is_alphanumeric())?;
    if e.is_numeric() || n.is_numeric() {
        return Some(true);
    }
    // Two letters: glued when a new word starts without a space
    // ("xãĐông", "BìnhThôn"); two capitals cannot tell ("ANH").
    let (first, second) = if left { (n, e) } else { (e, n) };
    Some(first.is_lowercase() && second.is_uppercase())
}

/// Rule 1: values whole, on one line, apart from their neighbours.
pub(super) fn values(s: &Stream, runs: &[Run], expect: &Expect, out: &mut Vec<Problem>) {
    let mut taken: Vec<(usize, usize)> = Vec::new();
    let chars = &s.chars;
    for v in &expect.values {
        for form in &v.forms {
            // A one- or two-character value (tổ dân phố "1") also stands
            // inside numbers and words ("100–150"): its text says nothing.
            if form.len() < 3 {
                continue;
            }
            for (a, b, broke) in find_all(chars, form, false) {
                if taken.iter().any(|&(x, y)| a < y && x < b) {
                    continue;
                }
                let left = glued(chars[a], a.checked_sub(1).map(|i| chars[i]), true);
                let right = glued(chars[b - 1], chars.get(b).copied(), false);
                // Alphanumeric on both sides: a piece of a longer word.
                if left.is_some() && right.is_some() && broke == Break::No {
                    continue;
                }
                let broke = broke == Break::Word || (broke == Break::Space && !v.may_break);
                taken.push((a, b));
                let page = runs[s.run_near(a)].page;
                let shown = form.iter().collect::<String>();
                let message = if broke {
                    let text = s.text(a, b).replace('\n', " / ");
                    format!("“{shown}” bị ngắt xuống dòng (in ra “{text}”); phải nằm trọn một dòng")
                } else if left == Some(true) || right == Some(true) {
                    let from = a.saturating_sub(12);
                    let to = (b + 12).min(chars.len());
                    let text = s.text(from, to).replace('\n', " ");
                    format!(
                        "“{shown}” dính liền chữ bên cạnh (in ra “{}”); cần dấu cách",
                        text.trim()
                    )
                } else {
                    continue;
                };
                out.push(Problem { page, field: v.field.clone(), message, warning: false });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn a_value_split_over_two_lines_is_found() {
        let s = chars("Gọi 0237 3868\n113 ngay");
        assert_eq!(find_all(&s, &chars("0237 3868 113"), false), vec![(4, 17, Break::Space)]);
        let s = chars("xã Tiên Tr-\nang");
        assert_eq!(find_all(&s, &chars("Tiên Trang"), false), vec![(3, 15, Break::Word)]);
        let s = chars("02\n37 3868");
        assert_eq!(find_all(&s, &chars("0237 3868"), false), vec![(0, 10, Break::Word)]);
        let s = chars("Công an xã");
        assert_eq!(find_all(&s, &chars("công an xã"), true).len(), 1);
    }

    #[test]
    fn a_folded_form_is_the_whole_lowercase_of_its_character() {
        // Two characters match case-folded exactly when their lowercase
        // forms are equal: the padded form must hold the whole form, and
        // only NUL may hold NUL.
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let form = folded(c);
            let lower: Vec<char> = c.to_lowercase().collect();
            assert!(lower.len() <= 3, "{c:?}");
            assert_eq!(&form[..lower.len()], &lower[..], "{c:?}");
            assert!(form[lower.len()..].iter().all(|&p| p == '\0'), "{c:?}");
            assert!(c == '\0' || !lower.contains(&'\0'), "{c:?}");
        }
        let s = chars("ĐỒNG Thuận, đồng thuận");
        assert_eq!(find_all(&s, &chars("đồng thuận"), true).len(), 2);
        assert_eq!(find_all(&s, &chars("đồng thuận"), false).len(), 1);
    }

    #[test]
    fn glue_is_told_from_a_piece_of_a_word() {
        assert_eq!(glued('h', Some('0'), false), Some(true));
        assert_eq!(glued('0', Some('h'), true), Some(true));
        assert_eq!(glued('h', Some('T'), false), Some(true));
        assert_eq!(glued('A', Some('H'), true), Some(false));
        assert_eq!(glued('h', Some(' '), false), None);
        assert_eq!(glued('h', None, false), None);
    }
}
