//! Compound words a printed line never breaks inside: each locale pack's
//! list (`layouts/locales/<lang>-glue.txt`), applied to the pack's
//! sentences before any placeholder is filled.

/// Each pack's compound words: `layouts/locales/<lang>-glue.txt` (see
/// [`Compounds`]). A pack without a list glues nothing.
pub const BUILTIN_GLUE: &[(&str, &str)] = &[("vi", include_str!("../layouts/locales/vi-glue.txt"))];

/// Compound words a line never breaks inside ("cập nhật", "không chuyển
/// tiền"): a Vietnamese word is written as syllables separated by spaces,
/// and a line ending between two of them reads as two unrelated words.
/// Their spaces become no-break spaces (U+00A0) in the printed sentences.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Compounds {
    /// Each compound's words, most words first, then longest first, so that
    /// "trách nhiệm hình sự" wins over "trách nhiệm".
    list: Vec<Vec<String>>,
    /// The first word of each compound of `list` with a capital, made once
    /// here: [`Compounds::glue`] tries every compound at every word of a
    /// pack's sentences, and capitalising there was most of a province
    /// run's cost per commune (cachegrind, bench/RESULTS.md).
    capitals: Vec<String>,
    /// Words always kept with the word after them (`không *`): a line
    /// ending on “không” leaves the next one reading as an order (“không /
    /// bắt chuyển tiền”).
    /// Each with its capital first, made once here as `capitals` are.
    before: Vec<[String; 2]>,
}

impl Compounds {
    /// The list of a pack's language (empty when it has none).
    pub fn builtin(code: &str) -> Compounds {
        BUILTIN_GLUE
            .iter()
            .find(|(c, _)| *c == code)
            .map_or_else(Compounds::default, |(_, t)| Compounds::parse(t))
    }

    /// Parses a list: one compound a line, `#` starts a comment; `word *`
    /// keeps that word with whatever word follows it.
    pub fn parse(text: &str) -> Compounds {
        let entries = text.lines().map(|l| l.split('#').next().unwrap_or("").trim());
        let before: Vec<[String; 2]> = entries
            .clone()
            .filter_map(|l| l.strip_suffix(" *"))
            .map(|w| crate::text::nfc(w.trim()))
            .filter(|w| !w.is_empty() && !w.contains(' '))
            .map(|w| [crate::text::capitalize(&w), w])
            .collect();
        let mut list: Vec<Vec<String>> = entries
            .filter(|l| l.contains(' ') && !l.ends_with(" *"))
            .map(|l| crate::text::nfc(l).split_whitespace().map(String::from).collect())
            .collect();
        list.sort_by(|a: &Vec<String>, b| {
            let chars = |w: &Vec<String>| w.iter().map(|x| x.chars().count()).sum::<usize>();
            b.len().cmp(&a.len()).then(chars(b).cmp(&chars(a))).then(a.cmp(b))
        });
        list.dedup();
        let capitals = list.iter().map(|c| crate::text::capitalize(&c[0])).collect();
        Compounds { list, capitals, before }
    }

    /// The compounds, as written in the list.
    pub fn phrases(&self) -> Vec<String> {
        self.list.iter().map(|w| w.join(" ")).collect()
    }

    /// `s` with the spaces inside every listed compound made no-break.
    /// Whole words only ("bị ép" never glues inside "bị éptừ"), the
    /// longest compound at each word; the first word
    /// may carry a capital (a sentence's start) or an opening quote, the
    /// last a closing mark (“vụ án”?). A placeholder (`{village}`) is no
    /// word of the list, so the names filled in later are never touched.
    pub fn glue(&self, s: &str) -> String {
        if (self.list.is_empty() && self.before.is_empty()) || !s.contains(' ') {
            return s.to_string();
        }
        // Words and the single space or no-break space after each.
        let words: Vec<&str> = s.split([' ', '\u{a0}']).collect();
        let mut seps: Vec<char> = s.chars().filter(|c| matches!(c, ' ' | '\u{a0}')).collect();
        // Compounds may overlap ("bị lừa" + "lừa đảo"): both glued, else
        // "bị lừa đảo" could still end a line after "lừa".
        for i in 0..words.len() {
            let n = (self.list.iter().zip(&self.capitals))
                .find(|(c, cap)| fits(&words[i..], c, cap))
                .map_or(1, |(c, _)| c.len());
            seps[i..i + n - 1].iter_mut().for_each(|c| *c = '\u{a0}');
            // A number (or a range, "100–200") stays with its unit: "phạt
            // 100–200 / triệu" read as a fine of 100–200.
            if i + 1 < words.len() && is_number(words[i]) && is_unit(words[i + 1]) {
                seps[i] = '\u{a0}';
            }
            // “không” with the word it negates, unless its phrase ends on it
            // (“… lừa đảo không?”) or a placeholder follows (a name).
            if i + 1 < words.len()
                && !words[i + 1].is_empty()
                && !words[i + 1].starts_with('{')
                && self.before.iter().any(|forms| negates(words[i], forms))
            {
                seps[i] = '\u{a0}';
            }
        }
        let mut out = String::with_capacity(s.len() + 8);
        for (k, w) in words.iter().enumerate() {
            out.push_str(w);
            if let Some(c) = seps.get(k) {
                out.push(*c);
            }
        }
        out
    }
}

/// Whether a word is a number or a range of numbers ("200", "100–200",
/// "1.000", "5%"): digits and their separators only, a digit first and last.
fn is_number(w: &str) -> bool {
    let w = w.trim_start_matches(['(', '“']);
    w.chars().next().is_some_and(|c| c.is_ascii_digit())
        && w.trim_end_matches(['%']).chars().last().is_some_and(|c| c.is_ascii_digit())
        && w.chars().all(|c| c.is_ascii_digit() || ".,–-%".contains(c))
}

/// Whether a word (its closing marks aside) is a unit a number is read
/// with: money, time, times.
fn is_unit(w: &str) -> bool {
    let w = w.trim_end_matches(|c: char| !c.is_alphanumeric());
    ["triệu", "tỷ", "nghìn", "ngàn", "đồng", "năm", "tháng", "ngày", "giờ", "phút", "lần", "tuổi"]
        .contains(&w)
}

/// Whether `w` is one of a word's `forms` (with and without its capital;
/// an opening mark before it allowed) with nothing after it: “không?” ends
/// its phrase.
fn negates(w: &str, forms: &[String; 2]) -> bool {
    let w = w.trim_start_matches(['(', '“', '"']);
    forms.iter().any(|f| f == w)
}

/// Whether `words` start with the compound `c`, whose first word with a
/// capital is `cap` (see [`Compounds::glue`]).
fn fits(words: &[&str], c: &[String], cap: &str) -> bool {
    let n = c.len();
    if words.len() < n {
        return false;
    }
    let mark = |s: &str| s.chars().all(|ch| !ch.is_alphanumeric());
    let head = [c[0].as_str(), cap].into_iter().any(|f| words[0].strip_suffix(f).is_some_and(mark));
    let tail = words[n - 1].strip_prefix(c[n - 1].as_str()).is_some_and(mark);
    head && tail && (1..n - 1).all(|k| words[k] == c[k])
}

#[cfg(test)]
mod tests {
    use super::Compounds;

    #[test]
    fn compounds_glue_whole_words_longest_first_never_a_placeholder() {
        let c = Compounds::parse("# why\nbị lừa\ntrách nhiệm\ntrách nhiệm hình sự\nCông an\n");
        let g = |s: &str| c.glue(s).replace('\u{a0}', "_");
        assert_eq!(g("Bị lừa, báo Công an {commune_kind}."), "Bị_lừa, báo Công_an {commune_kind}.");
        assert_eq!(g("bị truy cứu trách nhiệm hình sự."), "bị truy cứu trách_nhiệm_hình_sự.");
        assert_eq!(g("“trách nhiệm” rõ"), "“trách_nhiệm” rõ");
        // Whole words: no syllable inside a longer one.
        assert_eq!(g("bị lừaa; xbị lừa"), "bị lừaa; xbị lừa");
        let c = Compounds::parse("bị lừa\nlừa đảo");
        assert_eq!(c.glue("bị lừa đảo rồi").replace('\u{a0}', "_"), "bị_lừa_đảo rồi");
        assert_eq!(g("{bị} lừa"), "{bị} lừa");
        // A number stays with its unit, a range too; a bare number does not.
        assert_eq!(g("phạt 100–200 triệu, có"), "phạt 100–200_triệu, có");
        assert_eq!(g("sau 24 giờ. Số 113 gọi"), "sau 24_giờ. Số 113 gọi");
        // The built-in list is NFC, short enough for the narrowest column.
        for p in Compounds::builtin("vi").phrases() {
            assert_eq!(crate::text::nfc(&p), p);
            assert!(p.chars().count() <= 24, "{p}");
        }
        assert!(Compounds::builtin("vi").phrases().contains(&"không chuyển tiền".to_string()));
        // “không *”: kept with the next word, never with a placeholder,
        // never when its phrase ends on it.
        let c = Compounds::parse("không *\ncả nhà");
        let g = |s: &str| c.glue(s).replace('\u{a0}', "_");
        assert_eq!(g("Không vượt biên, không đưa cả nhà."), "Không_vượt biên, không_đưa cả_nhà.");
        assert_eq!(g("lừa đảo không? Gọi"), "lừa đảo không? Gọi");
        assert_eq!(g("lừa đảo không. Gọi"), "lừa đảo không. Gọi");
        assert_eq!(g("không {village}"), "không {village}");
        assert!(c.phrases() == vec!["cả nhà".to_string()]);
    }
}
