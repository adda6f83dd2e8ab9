//! The printed words: locale packs, campaign overrides and placeholders.
//!
//! Every sentence a layout prints lives in `layouts/locales/<lang>.toml`.
//! A campaign may replace any sentence under `[text]` (same keys), and
//! choose its audience or its own list of tactics. Placeholders such as
//! `{village_full}` are filled here, in Rust, so user data reaches Typst
//! only as JSON strings — never as Typst source.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::campaign::{Campaign, Village};
use crate::diag::Issue;
use crate::glue::Compounds;

/// A parsed locale pack.
#[derive(Debug, Clone)]
pub struct Pack {
    /// Locale code (`vi`).
    pub code: String,
    /// The whole pack.
    pub table: toml::Table,
}

/// Built-in locale packs, compiled into the binary.
pub const BUILTIN: &[(&str, &str)] = &[
    ("vi", include_str!("../layouts/locales/vi.toml")),
    ("en", include_str!("../layouts/locales/en.toml")),
];

impl Pack {
    /// Parses a pack's TOML text.
    pub fn parse(code: &str, text: &str) -> Result<Pack, String> {
        let table: toml::Table =
            toml::from_str(text).map_err(|e| format!("locale pack {code}: {e}"))?;
        Ok(Pack { code: code.to_string(), table })
    }

    /// The built-in pack for `code`.
    pub fn builtin(code: &str) -> Option<Pack> {
        BUILTIN
            .iter()
            .find(|(c, _)| *c == code)
            .map(|(c, text)| Pack::parse(c, text).expect("built-in locale packs parse (tested)"))
    }

    /// Tactic ids in the pack, in file order.
    pub fn tactic_ids(&self) -> Vec<String> {
        self.sub("tactics").map(|t| t.keys().cloned().collect()).unwrap_or_default()
    }

    /// Audience ids in the pack.
    pub fn audience_ids(&self) -> Vec<String> {
        self.sub("audiences").map(|t| t.keys().cloned().collect()).unwrap_or_default()
    }

    /// The tactic ids an audience prints by default.
    pub fn audience_tactics(&self, audience: &str) -> Vec<String> {
        self.audience_value(audience, "tactics")
            .as_ref()
            .and_then(|t| t.as_array())
            .map(|a| a.iter().filter_map(|v| v.as_str().map(String::from)).collect())
            .unwrap_or_default()
    }

    /// One key of an audience's table (`tactics`, `text`, `bodies`).
    fn audience_value(&self, audience: &str, key: &str) -> Option<toml::Value> {
        self.sub("audiences").and_then(|a| a.get(audience)).and_then(|a| a.get(key)).cloned()
    }

    fn sub(&self, key: &str) -> Option<&toml::Table> {
        self.table.get(key).and_then(|v| v.as_table())
    }
}

/// Checks the campaign's `[text]` overrides: same keys and kinds as the pack.
pub fn check_overrides(pack: &Pack, overrides: &toml::Table, file: &std::path::Path) -> Vec<Issue> {
    let mut issues = Vec::new();
    let base = pack.sub("text").cloned().unwrap_or_default();
    walk_overrides(&base, overrides, "text", file, &mut issues);
    issues
}

fn walk_overrides(
    base: &toml::Table,
    over: &toml::Table,
    path: &str,
    file: &std::path::Path,
    issues: &mut Vec<Issue>,
) {
    for (key, value) in over {
        let here = format!("{path}.{key}");
        match (base.get(key), value) {
            (None, _) => {
                let best = base
                    .keys()
                    .min_by_key(|k| strsim::levenshtein(key, k))
                    .map(|k| format!("có phải ý bạn là “{path}.{k}”?"))
                    .unwrap_or_default();
                issues.push(
                    Issue::error(file, format!("câu “{here}” không có trong bộ chữ"))
                        .field(here)
                        .hint(best),
                );
            }
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => {
                walk_overrides(b, o, &here, file, issues)
            }
            (Some(b), o) if b.type_str() != o.type_str() => issues.push(
                Issue::error(
                    file,
                    format!("“{here}” phải là {}, không phải {}", b.type_str(), o.type_str()),
                )
                .field(here),
            ),
            _ => {}
        }
    }
}

/// Glued words kept by [`Words::glued_shared`]: a province's communes share
/// their sentences, and a few audiences at most differ between them.
const GLUED_KEPT: usize = 8;

/// A job's words before its placeholders are filled: the pack's text with
/// the campaign's overrides merged in, and the tactics for one audience.
/// Made once per audience; [`Words::fill`] then costs a copy per village
/// (a national run fills tens of thousands).
#[derive(Debug, Clone, PartialEq)]
pub struct Words {
    text: Value,
    tactics: Vec<Tactic>,
}

/// One tactic of the locale pack (`tactics` in `layouts/DATA.md`). Fields
/// in alphabetical order, as the JSON had them when it was a
/// `serde_json::Value`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tactic {
    /// What the tactic is and what to do, as printed.
    pub body: String,
    /// The pack's key (`fake_police`).
    pub id: String,
    /// The loudspeaker's variant: heard, not read.
    pub spoken: String,
    /// The headline.
    pub title: String,
}

impl Tactic {
    /// Applies `f` to every string of the tactic (the id has no
    /// placeholder and no space: `f` leaves it as it is).
    pub fn map_strings(&mut self, f: impl Fn(&str) -> String) {
        for s in [&mut self.body, &mut self.id, &mut self.spoken, &mut self.title] {
            *s = f(s);
        }
    }
}

impl Words {
    /// The words for a layout of `layout_audience` (see [`tactics`]).
    pub fn new(pack: &Pack, campaign: &Campaign, layout_audience: Option<&str>) -> Words {
        let mut text = toml_to_json(
            pack.table.get("text").cloned().unwrap_or(toml::Value::Table(Default::default())),
        );
        // An audience may have its own sentences (the elderly: "hỏi con
        // cháu hoặc Công an"); the campaign's text wins.
        let audience = audience(campaign, layout_audience);
        if let Some(own) = pack.audience_value(audience, "text") {
            merge(&mut text, toml_to_json(own));
        }
        merge(&mut text, toml_to_json(toml::Value::Table(campaign.text.clone())));
        Words { text, tactics: unfilled_tactics(pack, campaign, layout_audience) }
    }

    /// The words with `compounds` glued, before any placeholder is filled:
    /// the pack's and the campaign's sentences, never the names and numbers
    /// that fill them. For print only (the loudspeaker reads plain text).
    pub fn glued(mut self, compounds: &Compounds) -> Words {
        glue_value(&mut self.text, compounds);
        for t in &mut self.tactics {
            t.map_strings(|s| compounds.glue(s));
        }
        self
    }

    /// [`Words::glued`], shared by every planner of the process: a province
    /// run makes a planner per commune, and its communes' words are the same
    /// (the shared campaign.toml's text, the same pack) unless a commune's
    /// audience differs. Gluing tries every compound at every word of the
    /// pack: made once, not once per commune. Found by comparing the unglued
    /// words, so a commune whose words differ gets its own.
    pub fn glued_shared(self, compounds: &Compounds) -> std::sync::Arc<Words> {
        use std::sync::{Arc, Mutex};
        type Seen = Vec<(Compounds, Words, Arc<Words>)>;
        static SEEN: Mutex<Seen> = Mutex::new(Vec::new());
        let mut seen = SEEN.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, _, g)) = seen.iter().find(|(c, w, _)| c == compounds && *w == self) {
            return g.clone();
        }
        let g = Arc::new(self.clone().glued(compounds));
        if seen.len() == GLUED_KEPT {
            seen.remove(0);
        }
        seen.push((compounds.clone(), self, g.clone()));
        g
    }

    /// The `text` and `tactics` for one job, placeholders filled.
    pub fn fill(&self, campaign: &Campaign, village: Option<&Village>) -> (Value, Vec<Tactic>) {
        let vars = placeholders(campaign, village);
        let (mut text, mut tactics) = (self.text.clone(), self.tactics.clone());
        fill(&mut text, &vars);
        fill_tactics(&mut tactics, &vars);
        (text, tactics)
    }
}

/// One block a layout carries on every document of a campaign, as the
/// preflight looks for it ([`crate::layouts::Rules::blocks`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// The page it is on, from 1.
    pub page: usize,
    /// Where its words come from (`text.poster.fake_qr_title`, `tactics.2`).
    pub key: String,
    /// Its words as printed (placeholders filled), case aside.
    pub words: String,
}

impl Words {
    /// The blocks `pages` names (per page: a path into `text`, or
    /// `tactics`: the first `tactics` titles of the list, or only the
    /// tactic `only` of a per-tactic layout), their words filled for
    /// `village`. A path the pack does not have names no block (a
    /// campaign's own layout may declare what a built-in pack lacks). Only
    /// the named strings are filled: this runs once per document.
    pub fn blocks(
        &self,
        campaign: &Campaign,
        village: Option<&Village>,
        pages: &[Vec<String>],
        tactics: usize,
        only: Option<usize>,
    ) -> Vec<Block> {
        if pages.is_empty() {
            return Vec::new();
        }
        let vars = placeholders(campaign, village);
        let filled = |s: &str| crate::text::fill(s, &vars);
        let mut out = Vec::new();
        for (i, names) in pages.iter().enumerate() {
            let mut push = |key: String, words: String| {
                if !words.trim().is_empty() {
                    out.push(Block { page: i + 1, key, words });
                }
            };
            for name in names {
                if name == "tactics" {
                    let chosen: Vec<(usize, &Tactic)> = match only {
                        Some(k) => self.tactics.get(k).map(|t| (k, t)).into_iter().collect(),
                        None => self.tactics.iter().enumerate().take(tactics).collect(),
                    };
                    for (k, t) in chosen {
                        push(format!("tactics.{k}"), filled(&t.title));
                    }
                    continue;
                }
                let at = name.split('.').try_fold(&self.text, |v, k| v.get(k));
                match at {
                    Some(Value::String(s)) => push(format!("text.{name}"), filled(s)),
                    // A list of items ("4 không": `slogan.no`): each item's title.
                    Some(Value::Array(items)) => {
                        for (k, item) in items.iter().enumerate() {
                            let words = item.get("title").or(Some(item)).and_then(Value::as_str);
                            push(format!("text.{name}.{k}"), words.map(filled).unwrap_or_default());
                        }
                    }
                    _ => {}
                }
            }
        }
        out
    }
}

/// The tactics a job prints, in order, placeholders filled: the campaign's
/// own list wins; then its audience; then the layout's.
pub fn tactics(
    pack: &Pack,
    campaign: &Campaign,
    village: Option<&Village>,
    layout_audience: Option<&str>,
) -> Vec<Tactic> {
    let mut tactics = unfilled_tactics(pack, campaign, layout_audience);
    fill_tactics(&mut tactics, &placeholders(campaign, village));
    tactics
}

/// The audience a job's words are for: the campaign's choice wins over the
/// layout's.
fn audience<'a>(campaign: &'a Campaign, layout_audience: Option<&'a str>) -> &'a str {
    if campaign.audience_set {
        campaign.audience.as_str()
    } else {
        layout_audience.unwrap_or(&campaign.audience)
    }
}

fn unfilled_tactics(
    pack: &Pack,
    campaign: &Campaign,
    layout_audience: Option<&str>,
) -> Vec<Tactic> {
    let audience = audience(campaign, layout_audience);
    let ids = campaign.tactics.clone().unwrap_or_else(|| pack.audience_tactics(audience));
    let all = pack.sub("tactics").cloned().unwrap_or_default();
    // An audience may say a tactic its own way (schools: to the pupil).
    let bodies = pack.audience_value(audience, "bodies");
    let own = |id: &str| bodies.as_ref()?.get(id)?.as_str().map(crate::text::nfc);
    ids.iter()
        .filter_map(|id| {
            let t = all.get(id)?;
            // Every tactic of a built-in pack has the three (tested).
            let text = |key: &str| t.get(key).and_then(|v| v.as_str()).map(crate::text::nfc);
            Some(Tactic {
                body: own(id).or_else(|| text("body")).unwrap_or_default(),
                id: id.clone(),
                spoken: text("spoken").unwrap_or_default(),
                title: text("title").unwrap_or_default(),
            })
        })
        .collect()
}

/// [`fill`] for the tactics.
fn fill_tactics(tactics: &mut [Tactic], vars: &[(&str, String)]) {
    for t in tactics {
        t.map_strings(|s| crate::text::fill(s, vars));
    }
}

/// The placeholder values for a job.
pub fn placeholders(c: &Campaign, v: Option<&Village>) -> Vec<(&'static str, String)> {
    let commune_full = c.commune.full();
    let (village, village_full, officer, officer_phone) = match v {
        Some(v) => (v.name.clone(), v.full(), v.officer.clone(), v.phone.to_string()),
        None => (c.commune.name.clone(), commune_full.clone(), String::new(), String::new()),
    };
    vec![
        ("village_title", crate::text::capitalize(&village_full)),
        ("village_full", village_full),
        ("village", village),
        ("commune_title", crate::text::capitalize(&commune_full)),
        ("commune_full", commune_full),
        ("commune_kind", c.commune.kind.clone()),
        ("commune", c.commune.name.clone()),
        ("province_full", c.commune.province_full()),
        ("province", c.commune.province.clone()),
        ("issuer", c.issuer.name.clone()),
        ("hotline", c.hotline.phone.to_string()),
        ("officer_phone", officer_phone),
        ("officer", officer),
    ]
}

/// Replaces `{name}` placeholders in every string of `v` with
/// [`crate::text::fill`], the one filler of print and loudspeaker: names
/// expand once, in the template only (a village named `{hotline}` stays
/// literal).
fn fill(v: &mut Value, vars: &[(&str, String)]) {
    match v {
        Value::String(s) if s.contains('{') => *s = crate::text::fill(s, vars),
        Value::Array(a) => a.iter_mut().for_each(|x| fill(x, vars)),
        Value::Object(o) => o.values_mut().for_each(|x| fill(x, vars)),
        _ => {}
    }
}

/// [`Compounds::glue`] on every string of `v`.
fn glue_value(v: &mut Value, compounds: &Compounds) {
    match v {
        Value::String(s) => *s = compounds.glue(s),
        Value::Array(a) => a.iter_mut().for_each(|x| glue_value(x, compounds)),
        Value::Object(o) => o.values_mut().for_each(|x| glue_value(x, compounds)),
        _ => {}
    }
}

/// Deep-merges `over` into `base` (tables merge, everything else replaces).
fn merge(base: &mut Value, over: Value) {
    match (base, over) {
        (Value::Object(b), Value::Object(o)) => {
            for (k, v) in o {
                merge(b.entry(k).or_insert(Value::Null), v);
            }
        }
        (b, o) => *b = o,
    }
}

/// Converts TOML to JSON (dates become strings).
pub fn toml_to_json(v: toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::String(crate::text::nfc(&s)),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => Value::from(f),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => {
            Value::Object(t.into_iter().map(|(k, v)| (k, toml_to_json(v))).collect::<Map<_, _>>())
        }
    }
}

/// Every placeholder name a pack may use.
pub const PLACEHOLDERS: &[&str] = &[
    "village_title",
    "village_full",
    "village",
    "commune_title",
    "commune_full",
    "commune_kind",
    "commune",
    "province_full",
    "province",
    "issuer",
    "hotline",
    "officer_phone",
    "officer",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_packs_parse_and_have_audiences() {
        for (code, _) in BUILTIN {
            let pack = Pack::builtin(code).unwrap();
            assert!(pack.tactic_ids().len() >= 9, "{code}");
            let households = pack.audience_tactics("households");
            assert!(!households.is_empty(), "{code}");
            for id in households {
                assert!(pack.tactic_ids().contains(&id), "{code}: {id}");
            }
        }
    }

    /// Every key path of a TOML value, with array lengths.
    fn key_paths(v: &toml::Value, at: &str, out: &mut Vec<String>) {
        match v {
            toml::Value::Table(t) => {
                for (k, v) in t {
                    key_paths(v, &format!("{at}.{k}"), out);
                }
            }
            toml::Value::Array(a) if a.iter().all(|x| x.is_table()) && !a.is_empty() => {
                for (i, x) in a.iter().enumerate() {
                    key_paths(x, &format!("{at}[{i}]"), out);
                }
            }
            toml::Value::Array(a) => out.push(format!("{at}[len {}]", a.len())),
            _ => out.push(at.to_string()),
        }
    }

    #[test]
    fn every_pack_has_exactly_the_keys_of_vi() {
        let paths = |code: &str| {
            let pack = Pack::builtin(code).unwrap();
            let mut out = Vec::new();
            key_paths(&toml::Value::Table(pack.table), "", &mut out);
            out.retain(|p| !p.starts_with(".meta."));
            out.sort();
            out
        };
        let vi = paths("vi");
        for (code, _) in BUILTIN {
            let other = paths(code);
            let missing: Vec<_> = vi.iter().filter(|p| !other.contains(p)).collect();
            let extra: Vec<_> = other.iter().filter(|p| !vi.contains(p)).collect();
            assert!(
                missing.is_empty() && extra.is_empty(),
                "{code}: missing {missing:?}, extra {extra:?}"
            );
        }
    }

    #[test]
    fn packs_use_only_known_placeholders() {
        for (code, text) in BUILTIN {
            for part in text.split('{').skip(1) {
                let name = part.split('}').next().unwrap_or("");
                if name.chars().all(|c| c.is_ascii_lowercase() || c == '_') && !name.is_empty() {
                    let known =
                        PLACEHOLDERS.contains(&name) || crate::loa::PLACEHOLDERS.contains(&name);
                    assert!(known, "{code}: unknown placeholder {{{name}}}");
                }
            }
        }
    }

    #[test]
    fn every_tactic_has_a_spoken_variant_with_a_subject() {
        for (code, _) in BUILTIN {
            let pack = Pack::builtin(code).unwrap();
            for id in pack.tactic_ids() {
                let t = &pack.table["tactics"][&id];
                for key in ["title", "body", "spoken"] {
                    assert!(t.get(key).and_then(|v| v.as_str()).is_some(), "{code}: {id}.{key}");
                }
                let spoken = t["spoken"].as_str().unwrap();
                let subject = if *code == "vi" { "Kẻ gian " } else { "Scammers " };
                assert!(spoken.starts_with(subject), "{code}: {id}.spoken: {spoken}");
                // Heard, not read: numbers spelt out, no quotes; in Vietnamese
                // "trên mạng" and "đường dẫn", not "online" and "link".
                assert!(!spoken.chars().any(|c| c.is_ascii_digit() || c == '“'), "{spoken}");
                if *code == "vi" {
                    assert!(!spoken.contains("online") && !spoken.contains("link"), "{spoken}");
                }
            }
        }
    }

    #[test]
    fn the_vietnamese_pack_states_the_facts() {
        let pack = Pack::builtin("vi").unwrap();
        let text = BUILTIN.iter().find(|(c, _)| *c == "vi").unwrap().1;
        let tactic =
            |id: &str, key: &str| pack.table["tactics"][id][key].as_str().unwrap().to_string();
        // Fake summonses and warrants by Zalo or Facebook; never a transfer.
        let police = tactic("fake_police", "body");
        for phrase in [
            "Công an không gửi giấy triệu tập, lệnh bắt qua Zalo, Facebook;",
            "không bắt chuyển tiền.",
        ] {
            assert!(police.contains(phrase), "{police}");
        }
        // Not "the police … demand money"; the faked caller ID is said aloud.
        assert!(!police.contains("đòi tiền"), "{police}");
        let spoofed = "Số gọi đến có thể bị làm giả thành số Công an, ngân hàng.";
        assert!(tactic("fake_police", "spoken").contains(spoofed));
        // “Viện kiểm sát” glued: never “Viện kiểm / sát” on a leaflet.
        assert_eq!(tactic("fake_police", "title"), "Giả Công an, Viện\u{a0}kiểm\u{a0}sát, Tòa án");
        // It would contradict the officer's number printed on the same leaflet.
        assert!(!text.contains("không làm việc qua điện thoại"));
        // Decree 340/2025, art. 30: selling, renting, lending a bank account,
        // up to 200 million đồng; not SIM cards.
        let rental = tactic("account_rental", "body");
        assert!(rental.contains("Mua bán, thuê, cho thuê, mượn, cho mượn tài khoản:"), "{rental}");
        let liable = "phạt 100–200 triệu, có thể bị truy cứu trách nhiệm hình sự.";
        assert!(rental.contains(liable), "{rental}");
        assert!(
            tactic("account_rental", "title")
                .replace('\u{a0}', " ")
                .contains("tài khoản ngân hàng")
        );
        assert!(!tactic("account_rental", "title").starts_with("Không bán, cho thuê"));
        for key in ["title", "body", "spoken"] {
            assert!(!tactic("account_rental", key).to_lowercase().contains("sim"), "{key}");
        }
        // The post-merger calls, power-company staff; VNeID updates itself.
        // The unit's own word: a ward's households are not "cán bộ xã" (issue 23).
        assert_eq!(
            tactic("fake_staff_apps", "title"),
            "Giả ngân hàng, điện lực, cán bộ {commune_kind}"
        );
        let staff = tactic("fake_staff_apps", "body");
        assert!(staff.starts_with("Kẻ gian đòi cài ứng dụng lạ để “cập nhật sau sáp nhập”"));
        assert!(staff.ends_with("VNeID tự cập nhật; ai bảo cập nhật hộ là lừa đảo."), "{staff}");
        let kidnap = tactic("online_kidnap", "body");
        assert!(kidnap.contains(", đòi cha mẹ tiền chuộc. Không cơ quan nào bắt con giữ bí mật."));
        assert!(tactic("easy_job", "body").ends_with("sau đó bắt nạp thêm tiền rồi chiếm luôn."));
        let hijacked = tactic("hijacked_account", "body");
        assert!(
            hijacked.starts_with("Kẻ gian chiếm Zalo, Facebook của người quen để hỏi vay tiền")
        );
        // Each audience is spoken to as it is: the pupils on social images,
        // their parents on the leaflets (as the front's “Gửi bà con”), a shop.
        let own = |a: &str, path: &[&str]| {
            let mut v = &pack.table["audiences"][a]["text"];
            for k in path {
                v = &v[*k];
            }
            v.as_str().unwrap().to_string()
        };
        assert_eq!(own("schools", &["social", "greeting"]), "Các em học sinh lưu ý:");
        assert_eq!(
            own("schools", &["trifold", "slogan_intro"]),
            "Để con em không bị lừa, bà con cùng nhớ:"
        );
        assert!(!own("shops", &["trifold", "slogan_intro"]).contains("cả nhà"));
        let till = own("shops", &["back", "fake_qr_warning"]);
        assert!(till.starts_with("Kẻ gian dán mã QR giả đè lên mã thanh toán của quán."), "{till}");
        let abroad = tactic("job_abroad", "body");
        for phrase in [
            "Sang đó bị bán, bị giam, bị ép đi lừa đảo.",
            "Không vượt biên, không đưa hộ chiếu.",
            "Hỏi UBND, Công an\u{a0}{commune_kind}.",
        ] {
            assert!(abroad.contains(phrase), "{abroad}");
        }
        assert!(!text.contains("Sở Nội vụ"), "a provincial office, out of a villager's reach");
        assert!(tactic("job_abroad", "spoken").contains("doanh nghiệp được cấp phép"));
        assert!(
            tactic("fake_transfer", "body")
                .contains("Xem trong ứng dụng ngân hàng, không tin ảnh chụp màn hình")
        );
        // Read as a reader reads it: the pack's hand-placed no-break spaces
        // ("(đến\u{a0}trụ sở") are spaces to the eye.
        let steps = pack.table["text"]["back"]["scammed_steps"].to_string().replace('\u{a0}', " ");
        assert!(steps.contains("Gọi ngay ngân hàng theo số in trên thẻ"), "{steps}");
        assert!(steps.contains("(dùng máy khác nếu đã tắt máy)"), "{steps}");
        assert!(steps.contains("đề nghị ngân hàng phong tỏa tài khoản nhận tiền"), "{steps}");
        assert!(!text.contains("khóa tài khoản kẻ gian"), "the receiving account is frozen");
        // The social images print no slogan body: their footer gives 113.
        let social = pack.table["text"]["social"]["issued_by"].as_str().unwrap();
        assert!(social.contains("Khẩn cấp: 113."), "{social}");
        let otp = pack.table["text"]["slogan"]["no"][3]["body"].as_str().unwrap();
        assert!(otp.ends_with("Không đọc mã OTP cho bất kỳ ai."), "{otp}");
        assert!(!steps.contains("ngân hàng mới khóa"), "a rule of law, not what to do: {steps}");
        assert!(steps.contains("không gọi số tìm trên mạng"), "{steps}");
        assert!(steps.contains("tắt Wi-Fi") && steps.contains("tắt nguồn điện thoại"), "{steps}");
        // The elderly trifold prints both: one pair of channels.
        assert!(steps.contains("(đến trụ sở hoặc qua VNeID)"), "{steps}");
        assert!(
            tactic("fake_recovery", "body")
                .contains("chỉ báo Công an\u{a0}{commune_kind} hoặc qua VNeID")
        );
        let lines = || text.lines().filter(|l| !l.trim_start().starts_with('#'));
        for line in lines() {
            // "Công an" is the force: always capitalised; the "công an viên"
            // post was merged away on 1 July 2024.
            assert!(!line.contains("công an"), "lower-case “công an”: {line}");
            assert!(!line.contains("người già"), "“người cao tuổi”, not “người già”: {line}");
            assert!(!line.contains("wifi") && !line.contains(" sim"), "“Wi-Fi”, “SIM”: {line}");
        }
        // The officer's title, everywhere it prints.
        // (The posters and the card say it in one line, under the duty
        // line that names the commune's police: a designer saw the
        // two-line label crowd the hotline.)
        for (table, title) in [
            ("back", "Cán bộ Công an {commune_kind} phụ trách "),
            ("poster", "Cán bộ phụ trách "),
            ("card", "Cán bộ phụ trách "),
        ] {
            for key in ["officer_label", "officer_label_short"] {
                let label = pack.table["text"][table][key].as_str().unwrap();
                assert!(label.starts_with(title), "{label}");
            }
        }
    }

    /// The contract with the layouts: four tactics fit the A5 back at 11 pt
    /// when every printed title is at most 40 characters and every body at
    /// most 110, the commune's kind at its longest ("đặc khu"); an
    /// audience's own bodies too.
    #[test]
    fn every_printed_tactic_keeps_to_its_length() {
        let vars = [("commune_kind", "đặc khu".to_string())];
        for (code, _) in BUILTIN {
            let pack = Pack::builtin(code).unwrap();
            let mut printed = Vec::new();
            for id in pack.tactic_ids() {
                for (key, most) in [("title", 40), ("body", 110)] {
                    let raw = pack.table["tactics"][&id][key].as_str().unwrap();
                    printed.push((format!("{id}.{key}"), raw.to_string(), most));
                }
            }
            for a in pack.audience_ids() {
                let bodies = pack.audience_value(&a, "bodies").unwrap_or(toml::Value::from(""));
                for (id, raw) in bodies.as_table().into_iter().flatten() {
                    assert!(pack.tactic_ids().contains(id), "{code}: {a}: no tactic {id}");
                    printed.push((format!("{a}.bodies.{id}"), raw.as_str().unwrap().into(), 110));
                }
            }
            for (at, raw, most) in printed {
                let text = crate::text::nfc(&crate::text::fill(&raw, &vars));
                // No name of unbounded length (a commune's, a village's).
                assert!(!text.contains('{'), "{code}: {at}: {raw}");
                let n = text.chars().count();
                assert!(n <= most, "{code}: {at} has {n} characters, {most} at most");
            }
        }
    }

    /// vi and en print the same tactics, in the same order, for every audience.
    #[test]
    fn every_pack_chooses_the_tactics_of_vi() {
        let vi = Pack::builtin("vi").unwrap();
        for (code, _) in BUILTIN {
            let pack = Pack::builtin(code).unwrap();
            assert_eq!(pack.audience_ids(), vi.audience_ids(), "{code}");
            for a in vi.audience_ids() {
                assert_eq!(pack.audience_tactics(&a), vi.audience_tactics(&a), "{code}: {a}");
            }
        }
    }

    /// Each audience leads with its own dangers (the A5 prints the first ones).
    #[test]
    fn each_audience_leads_with_its_own_dangers() {
        let pack = Pack::builtin("vi").unwrap();
        let first = |a: &str, n: usize| -> Vec<String> {
            pack.audience_tactics(a).into_iter().take(n).collect()
        };
        let mut households = first("households", 4);
        households.sort();
        assert_eq!(households, ["fake_police", "fake_shipper", "fake_staff_apps", "online_kidnap"]);
        let elderly = pack.audience_tactics("elderly");
        for id in ["deepfake", "free_trip", "hijacked_account"] {
            assert!(first("elderly", 4).contains(&id.to_string()), "elderly: {id}");
        }
        for id in ["prize", "fake_recovery"] {
            assert!(elderly.contains(&id.to_string()), "elderly: {id}");
        }
        assert!(!elderly.contains(&"online_kidnap".to_string()));
        assert_eq!(first("schools", 1), ["account_rental"]);
        assert!(first("border", 2).contains(&"fake_police".to_string()));
        assert_eq!(first("shops", 3), ["fake_transfer", "fake_staff_apps", "account_rental"]);
        assert!(pack.audience_tactics("shops").contains(&"fake_shipper".to_string()));
    }

    #[test]
    fn fill_replaces_known_placeholders() {
        let mut v = serde_json::json!({"a": "Gửi bà con {village_full}", "b": ["{commune}"]});
        fill(&mut v, &[("village_full", "thôn A".into()), ("commune", "X".into())]);
        assert_eq!(v, serde_json::json!({"a": "Gửi bà con thôn A", "b": ["X"]}));
    }
}
