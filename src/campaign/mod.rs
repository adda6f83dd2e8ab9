//! Loading a campaign folder: `campaign.toml` plus the village table.
//!
//! Two stages, like ripgrep's low/high args: [`raw`] mirrors the files
//! exactly; [`load`] checks every value and builds the [`Campaign`] the rest
//! of the program trusts. All problems are collected before giving up.

pub mod encoding;
pub mod raw;
pub mod villages;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use toml::Spanned;

use crate::diag::{Issue, Issues, line_col};
use crate::phone::Phone;
use crate::text::{clean, fold};

use raw::RawCampaign;

/// What the campaign may refer to: built-in layouts, locale packs, tactics.
#[derive(Debug, Clone, Default)]
pub struct Known {
    /// Layout ids.
    pub layouts: Vec<String>,
    /// Locale codes.
    pub locales: Vec<String>,
    /// Tactic ids.
    pub tactics: Vec<String>,
    /// Audience ids.
    pub audiences: Vec<String>,
}

/// A validated campaign: everything a layout needs, already cleaned.
#[derive(Debug, Clone)]
pub struct Campaign {
    /// The campaign folder as the user named it.
    pub root: PathBuf,
    /// Language of the printed text.
    pub locale: String,
    /// Layouts built by default.
    pub layouts: Vec<String>,
    /// Issue date (year, month, day).
    pub date: Option<(i32, u8, u8)>,
    /// The commune.
    pub commune: Commune,
    /// Who issues the material.
    pub issuer: Issuer,
    /// The main number, printed large.
    pub hotline: Contact,
    /// Other numbers.
    pub contacts: Vec<Contact>,
    /// Reporting channels with QR codes.
    pub channels: Vec<Channel>,
    /// CMYK colours in percent.
    pub theme: Theme,
    /// Print options.
    pub print: Print,
    /// Logo path relative to the campaign folder.
    pub logo: Option<String>,
    /// The campaign's own layouts folder (canonical) and its layouts.
    pub custom_layouts: Option<(PathBuf, Vec<crate::layouts::Layout>)>,
    /// Audience of the content.
    pub audience: String,
    /// Whether the campaign chose the audience (else each layout's own applies).
    pub audience_set: bool,
    /// Tactic ids replacing the audience's list.
    pub tactics: Option<Vec<String>>,
    /// Sentences replacing the locale pack's.
    pub text: toml::Table,
    /// The villages, in file order.
    pub villages: Vec<Village>,
    /// A demonstration campaign (`example = true`): invented numbers pass,
    /// and every page carries a "MẪU — KHÔNG PHÁT" band.
    pub example: bool,
    /// Problems that do not stop the build.
    pub warnings: Vec<Issue>,
}

/// A commune-level unit (xã, phường, đặc khu).
#[derive(Debug, Clone)]
pub struct Commune {
    /// `Tiên Trang`.
    pub name: String,
    /// `xã`.
    pub kind: String,
    /// `Thanh Hóa`.
    pub province: String,
    /// `tỉnh` or `thành phố`.
    pub province_kind: String,
}

impl Commune {
    /// `xã Tiên Trang`.
    pub fn full(&self) -> String {
        format!("{} {}", self.kind, self.name)
    }

    /// `tỉnh Thanh Hóa`.
    pub fn province_full(&self) -> String {
        format!("{} {}", self.province_kind, self.province)
    }
}

/// The issuing office.
#[derive(Debug, Clone)]
pub struct Issuer {
    /// `Công an xã Tiên Trang`.
    pub name: String,
    /// Postal address.
    pub address: Option<String>,
}

/// A labelled phone number.
#[derive(Debug, Clone)]
pub struct Contact {
    /// What the number is.
    pub label: String,
    /// The number.
    pub phone: Phone,
}

/// A reporting channel shown with a QR code.
#[derive(Debug, Clone)]
pub struct Channel {
    /// What it is for.
    pub label: String,
    /// Exact QR payload: `https://…` or `tel:…`.
    pub value: String,
    /// Readable form printed beside the QR.
    pub display: String,
}

/// Colours as CMYK percentages.
#[derive(Debug, Clone, Copy)]
pub struct Theme {
    /// Main colour.
    pub primary: [f64; 4],
    /// Highlight colour.
    pub accent: [f64; 4],
}

/// Print options.
#[derive(Debug, Clone, Copy)]
pub struct Print {
    /// Bleed in millimetres.
    pub bleed_mm: f64,
    /// Crop marks outside the bleed.
    pub marks: bool,
    /// Spare copies in percent.
    pub spare_percent: f64,
    /// Write PDF/A-2b.
    pub pdf_a: bool,
    /// Print a QR code on the banner too.
    pub banner_qr: bool,
}

/// A village-level unit and the officer in charge of it.
#[derive(Debug, Clone)]
pub struct Village {
    /// `Đông Hải`.
    pub name: String,
    /// `thôn`.
    pub kind: String,
    /// Officer's name.
    pub officer: String,
    /// Officer's phone.
    pub phone: Phone,
    /// Households (leaflet copies).
    pub households: u32,
    /// Shops, restaurants, companies (poster copies).
    pub shops: u32,
    /// Public places (poster copies).
    pub public_places: u32,
    /// ASCII file name: `thon-dong-hai`.
    pub slug: String,
    /// Line in the village table.
    pub line: usize,
}

impl Village {
    /// `thôn Đông Hải`.
    pub fn full(&self) -> String {
        format!("{} {}", self.kind, self.name)
    }
}

/// Village kinds accepted in the `kind` column.
pub const VILLAGE_KINDS: &[&str] = &[
    "thôn",
    "bản",
    "ấp",
    "tổ dân phố",
    "khu phố",
    "xóm",
    "làng",
    "khu",
    "tổ",
    "buôn",
    "plei",
    "khóm",
];

/// Commune kinds since the 2025 reform.
pub const COMMUNE_KINDS: &[&str] = &["xã", "phường", "đặc khu"];

/// Longest name or label (village, officer, commune, contact…), in
/// characters. Layouts shrink or refuse shorter ones; this bound keeps a
/// hostile megabyte out of the layout engine, whose time grows faster than
/// the text.
pub const MAX_NAME: usize = 500;
/// Longest channel address: a QR code past this is too dense to scan.
pub const MAX_URL: usize = 500;
/// Longest phone number as typed.
pub const MAX_PHONE: usize = 40;
/// Longest sentence in `[text]`.
pub const MAX_SENTENCE: usize = 2_000;
/// Largest `campaign.toml`.
pub const MAX_TOML_BYTES: u64 = 1 << 20;
/// Most pixels in a raster logo (a 4000 × 4000 image): it is decoded whole.
pub const MAX_LOGO_PIXELS: u64 = 16_000_000;

/// Loads and validates the campaign in `dir`. Nothing is written.
pub fn load(dir: &Path, known: &Known) -> Result<Campaign, Issues> {
    let toml_path = dir.join("campaign.toml");
    let one = |i: Issue| Issues(vec![i]);
    if !toml_path.exists() {
        return Err(one(Issue::error(&toml_path, "không tìm thấy tệp").hint(
            "thư mục chiến dịch phải có tệp campaign.toml; tạo mẫu bằng `canhbao init <thư-mục>`",
        )));
    }
    let bytes = villages::read_capped(&toml_path, MAX_TOML_BYTES, &toml_path).map_err(one)?;
    let text = encoding::decode_toml(&bytes, &toml_path).map_err(one)?;
    load_text(dir, toml_path, text, known, None)
}

/// [`load`] from the text of `campaign.toml` at `toml_path`. A province run
/// (`crate::province`) loads each commune this way, from the shared file
/// with the commune's own keys added; `commune` then keeps only the rows of
/// a shared village table whose `commune` column names it
/// ([`crate::province::commune_key`]).
pub fn load_text(
    dir: &Path,
    toml_path: PathBuf,
    text: String,
    known: &Known,
    commune: Option<&str>,
) -> Result<Campaign, Issues> {
    let one = |i: Issue| Issues(vec![i]);
    if let Some((at, c)) = text.char_indices().find(|(_, c)| crate::text::is_refused(*c)) {
        let (line, col) = line_col(&text, at);
        return Err(one(villages::refused(&toml_path, c).line(line).column(col)));
    }
    let raw: RawCampaign = parse_toml(&text, &toml_path).map_err(one)?;
    let example = raw.example.as_ref().is_some_and(|e| *e.get_ref());
    let only = commune.map(str::to_string);
    let mut ctx = Ctx { file: toml_path, text, issues: Issues::default(), example, only };
    let campaign = ctx.campaign(raw, dir, known);
    if ctx.issues.has_errors() {
        return Err(ctx.issues);
    }
    let mut campaign = campaign.expect("no errors means a campaign");
    campaign.warnings.extend(ctx.issues.0);
    Ok(campaign)
}

/// Parses TOML, turning serde's error into an issue at line:column.
fn parse_toml(text: &str, file: &Path) -> Result<RawCampaign, Issue> {
    toml::from_str(text).map_err(|e| {
        let mut issue = Issue::error(file, toml_message(e.message()));
        if let Some(span) = e.span() {
            let (line, col) = line_col(text, span.start);
            let snippet = text.lines().nth(line - 1).unwrap_or("").trim();
            issue = issue.line(line).column(col);
            issue.message = format!("{} (ở “{snippet}”)", issue.message);
        }
        if let Some(hint) = did_you_mean(e.message()) {
            issue = issue.hint(hint);
        }
        issue
    })
}

/// Translates serde's common messages for an officer.
fn toml_message(msg: &str) -> String {
    let msg = msg.trim();
    if let Some(rest) = msg.strip_prefix("unknown field `") {
        let key = rest.split('`').next().unwrap_or(rest);
        return format!("khóa “{key}” không có trong campaign.toml");
    }
    if let Some(rest) = msg.strip_prefix("missing field `") {
        let key = rest.split('`').next().unwrap_or(rest);
        return format!("thiếu khóa bắt buộc “{key}”");
    }
    format!("campaign.toml viết sai cú pháp TOML: {msg}")
}

/// For an unknown key, the closest expected key.
fn did_you_mean(msg: &str) -> Option<String> {
    let rest = msg.trim().strip_prefix("unknown field `")?;
    let key = rest.split('`').next()?;
    let expected = rest.split_once("expected")?.1;
    let options: Vec<&str> =
        expected.split('`').skip(1).step_by(2).filter(|s| !s.is_empty()).collect();
    let best = options.iter().min_by_key(|o| edit_distance(key, o))?;
    if edit_distance(key, best) <= key.len().max(3) / 2 + 1 {
        Some(format!("có phải ý bạn là “{best}”?"))
    } else {
        Some(format!("các khóa hợp lệ: {}", options.join(", ")))
    }
}

/// Levenshtein distance, for "did you mean".
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Validation state: the TOML text (for line numbers) and the issues so far.
struct Ctx {
    file: PathBuf,
    text: String,
    issues: Issues,
    /// `example = true`: invented phone numbers are allowed.
    example: bool,
    /// Only the village rows of this commune (a province's shared table).
    only: Option<String>,
}

impl Ctx {
    /// An error at the start of a TOML span.
    fn err<T>(&mut self, at: &Spanned<T>, msg: impl Into<String>, hint: Option<&str>) {
        let (line, col) = line_col(&self.text, at.span().start);
        let mut issue = Issue::error(&self.file, msg).line(line).column(col);
        if let Some(h) = hint {
            issue = issue.hint(h);
        }
        self.issues.push(issue);
    }

    /// A cleaned, non-empty string; `fill` says what to write when it is empty.
    fn string(&mut self, s: &Spanned<String>, what: &str, fill: &str) -> String {
        let v = self.optional(s, what);
        if v.as_ref().is_some_and(String::is_empty) {
            self.err(s, format!("{what} đang để trống"), Some(fill));
        }
        v.unwrap_or_default()
    }

    /// A cleaned string within [`MAX_NAME`] and without refused characters
    /// (a TOML escape such as `\u001b` gets past the scan of the raw text).
    /// `None` once the problem is recorded.
    fn optional(&mut self, s: &Spanned<String>, what: &str) -> Option<String> {
        let len = s.get_ref().chars().count();
        if len > MAX_NAME {
            self.err(s, format!("{what} dài {len} ký tự, quá giới hạn {MAX_NAME}"), None);
            return None;
        }
        if let Some(c) = crate::text::refused_char(s.get_ref()) {
            let (line, col) = line_col(&self.text, s.span().start);
            self.issues.push(villages::refused(&self.file, c).line(line).column(col).field(what));
            return None;
        }
        Some(clean(s.get_ref()))
    }

    /// Builds the campaign; `None` only when errors were recorded.
    fn campaign(&mut self, raw: RawCampaign, dir: &Path, known: &Known) -> Option<Campaign> {
        let commune = self.commune(&raw.commune);
        let issuer = match &raw.issuer {
            Some(i) => Issuer {
                name: self.string(
                    &i.get_ref().name,
                    "tên đơn vị phát hành",
                    "ghi tên đơn vị in ở cuối tờ rơi, ví dụ name = \"Công an xã Tiên Trang\"",
                ),
                address: i.get_ref().address.as_ref().and_then(|a| self.optional(a, "địa chỉ")),
            },
            None => Issuer { name: format!("Công an {}", commune.full()), address: None },
        };
        let (hotline, contacts) = self.contacts(&raw, &raw.commune)?;
        let channels = raw.channels.iter().filter_map(|c| self.channel(c)).collect();
        let custom_layouts = raw.layouts_dir.as_ref().and_then(|d| self.layouts_dir(d, dir));
        let mut known = known.clone();
        if let Some((_, list)) = &custom_layouts {
            known.layouts.extend(list.iter().map(|l| l.id.clone()));
        }
        let known = &known;
        let locale = self.choice(raw.locale.as_ref(), "vi", &known.locales, "ngôn ngữ (locale)");
        let audience = self.choice(
            raw.audience.as_ref(),
            "households",
            &known.audiences,
            "đối tượng (audience)",
        );
        let layouts = self.layouts(raw.layouts.as_ref(), known);
        let tactics = raw.tactics.as_ref().map(|list| {
            list.get_ref()
                .iter()
                .map(|t| self.choice(Some(t), "", &known.tactics, "thủ đoạn (tactics)"))
                .collect()
        });
        let date = raw.date.as_ref().and_then(|d| self.date(d));
        let logo = raw.logo.as_ref().and_then(|l| self.logo(l, dir));
        let theme = self.theme(raw.theme.as_ref());
        let print = self.print(raw.print.as_ref());
        let default_kind = raw
            .village_kind
            .as_ref()
            .map(|k| clean(k.get_ref()).to_lowercase())
            .unwrap_or_else(|| "thôn".into());
        let villages_file =
            raw.villages.as_ref().map_or("villages.csv".into(), |v| clean(v.get_ref()));
        if let Some(text) = &raw.text {
            self.sentences(text, "text");
        }
        let villages = self.villages(dir, &villages_file, &default_kind);
        Some(Campaign {
            root: dir.to_path_buf(),
            locale,
            layouts,
            date,
            commune,
            issuer,
            hotline,
            contacts,
            channels,
            theme,
            print,
            logo,
            custom_layouts,
            audience,
            audience_set: raw.audience.is_some(),
            tactics,
            text: raw.text.unwrap_or_default(),
            villages,
            example: self.example,
            warnings: Vec::new(),
        })
    }

    /// Every sentence of `[text]`: within [`MAX_SENTENCE`] characters and
    /// without refused characters (they are printed on every page).
    fn sentences(&mut self, table: &toml::Table, path: &str) {
        for (key, value) in table {
            let here = format!("{path}.{key}");
            let items = match value {
                toml::Value::Array(a) => a.iter().collect(),
                v => vec![v],
            };
            for item in items {
                match item {
                    toml::Value::String(s) => self.sentence(s, key, &here),
                    toml::Value::Table(t) => self.sentences(t, &here),
                    _ => {}
                }
            }
        }
    }

    fn sentence(&mut self, s: &str, key: &str, field: &str) {
        let n = s.chars().count();
        let mut issue = if n > MAX_SENTENCE {
            Issue::error(&self.file, format!("câu dài {n} ký tự, quá giới hạn {MAX_SENTENCE}"))
        } else if let Some(c) = crate::text::refused_char(s) {
            villages::refused(&self.file, c)
        } else {
            return;
        };
        // toml::Table keeps no spans: the line is the first that sets `key`.
        let line = self.text.lines().position(|l| {
            l.trim_start().strip_prefix(key).is_some_and(|r| r.trim_start().starts_with('='))
        });
        if let Some(line) = line {
            issue = issue.line(line + 1);
        }
        self.issues.push(issue.field(field));
    }

    fn commune(&mut self, raw: &Spanned<raw::RawCommune>) -> Commune {
        let c = raw.get_ref();
        let kind = clean(c.kind.get_ref()).to_lowercase();
        if !COMMUNE_KINDS.contains(&kind.as_str()) {
            self.err(
                &c.kind,
                format!("loại đơn vị “{kind}” không hợp lệ"),
                Some("viết một trong: xã, phường, đặc khu"),
            );
        }
        // Left out, it is the list's: Hà Nội prints as "thành phố", never "tỉnh".
        let listed = crate::units::province_kind(c.province.get_ref());
        let written = c.province_kind.as_ref().map(|k| clean(k.get_ref()).to_lowercase());
        if let (Some(w), Some(l), Some(at)) = (&written, listed, &c.province_kind)
            && w != l
            && !c.unlisted
        {
            let province = clean(c.province.get_ref());
            self.err(
                at,
                format!("theo danh sách chính thức, {province} là {l}, không phải {w}"),
                Some(&format!("sửa thành province_kind = \"{l}\" hoặc bỏ dòng này")),
            );
        }
        let province_kind = written.unwrap_or_else(|| listed.unwrap_or("tỉnh").into());
        let commune = Commune {
            name: self.string(
                &c.name,
                "tên xã/phường",
                "ghi tên xã (phường) không kèm chữ “xã”, ví dụ name = \"Tiên Trang\"",
            ),
            kind,
            province: self.string(
                &c.province,
                "tên tỉnh",
                "ghi tên tỉnh (thành phố) không kèm chữ “tỉnh”, ví dụ province = \"Thanh Hóa\"",
            ),
            province_kind,
        };
        let valid = COMMUNE_KINDS.contains(&commune.kind.as_str())
            && !commune.name.is_empty()
            && !commune.province.is_empty();
        if valid && !c.unlisted {
            for p in crate::units::check(&commune.name, &commune.kind, &commune.province) {
                let at = match p.field {
                    crate::units::Field::Name => &c.name,
                    crate::units::Field::Kind => &c.kind,
                    crate::units::Field::Province => &c.province,
                };
                self.err(at, p.message, Some(&p.hint));
            }
        }
        commune
    }

    /// The hotline and the other contacts. The hotline is required.
    fn contacts(
        &mut self,
        raw: &RawCampaign,
        commune: &Spanned<raw::RawCommune>,
    ) -> Option<(Contact, Vec<Contact>)> {
        let mut all = Vec::new();
        let mut hotline_at = None;
        for c in &raw.contacts {
            let label = self.string(
                &c.get_ref().label,
                "nhãn số điện thoại",
                "ghi số này là của ai, ví dụ label = \"Trực ban Công an xã\"",
            );
            let what = if c.get_ref().hotline {
                "ghi số trực ban thật của Công an xã (phường), ví dụ số cố định 11 chữ số 02xx xxxx xxx"
            } else {
                "ghi số điện thoại thật, đã gọi thử"
            };
            match self.real_phone(c.get_ref().phone.get_ref()) {
                Ok(phone) => {
                    let province = clean(commune.get_ref().province.get_ref());
                    let shown = phone.to_string();
                    if let Some(w) =
                        crate::units::area_code_warning(phone.digits(), &shown, &province)
                    {
                        let (line, col) = line_col(&self.text, c.get_ref().phone.span().start);
                        self.issues.push(Issue::warning(&self.file, w).line(line).column(col));
                    }
                    if c.get_ref().hotline && hotline_at.is_none() {
                        hotline_at = Some(all.len());
                    }
                    all.push(Contact { label, phone });
                }
                Err(msg) => self.err(&c.get_ref().phone, msg, Some(what)),
            }
        }
        if all.is_empty() {
            if raw.contacts.is_empty() {
                self.err(
                    commune,
                    "chưa có số điện thoại nào ([[contacts]])",
                    Some("thêm [[contacts]] với label = \"Trực ban Công an xã\", phone = \"…\", hotline = true"),
                );
            }
            return None;
        }
        let hotline = all.remove(hotline_at.unwrap_or(0));
        Some((hotline, all))
    }

    fn channel(&mut self, raw: &Spanned<raw::RawChannel>) -> Option<Channel> {
        let c = raw.get_ref();
        let label = self.string(&c.label, "nhãn kênh tố giác", "ghi kênh này dùng để làm gì");
        let url = c.url.get_ref().trim().to_string();
        let made_up = url.strip_prefix("tel:").and_then(|n| self.real_phone(n).err());
        match made_up.map_or_else(|| check_url(&url), Err) {
            Ok((value, display)) => Some(Channel { label, value, display }),
            Err(msg) => {
                self.err(
                    &c.url,
                    msg,
                    Some("chỉ nhận đường dẫn https://… hoặc tel:<số điện thoại>"),
                );
                None
            }
        }
    }

    /// A phone number a villager will call: well formed, and not one that
    /// looks invented ([`crate::phone::placeholder`]) unless the campaign is
    /// an example.
    fn real_phone(&self, input: &str) -> Result<Phone, String> {
        let phone = parse_phone(input)?;
        match crate::phone::placeholder(&phone) {
            Some(why) if !self.example => Err(format!(
                "số “{phone}” {why}, trông như số bịa: không in số này \
                 (nếu đây là dữ liệu minh họa, thêm dòng example = true vào đầu campaign.toml)"
            )),
            _ => Ok(phone),
        }
    }

    /// A value from a fixed list, defaulting when absent.
    fn choice(
        &mut self,
        raw: Option<&Spanned<String>>,
        default: &str,
        options: &[String],
        what: &str,
    ) -> String {
        let Some(raw) = raw else { return default.to_string() };
        let v = clean(raw.get_ref());
        if !options.contains(&v) {
            let hint = format!("chọn một trong: {}", options.join(", "));
            self.err(raw, format!("{what} “{v}” không có"), Some(&hint));
        }
        v
    }

    fn layouts(
        &mut self,
        raw: Option<&Spanned<Vec<Spanned<String>>>>,
        known: &Known,
    ) -> Vec<String> {
        let Some(raw) = raw else { return vec!["leaflet-a5".into()] };
        if raw.get_ref().is_empty() {
            let hint = "ghi ít nhất một mẫu, ví dụ layouts = [\"leaflet-a5\"]; xem danh sách: canhbao layouts";
            self.err(raw, "danh sách mẫu (layouts) đang trống", Some(hint));
        }
        raw.get_ref()
            .iter()
            .map(|l| self.choice(Some(l), "", &known.layouts, "mẫu (layout)"))
            .collect()
    }

    fn date(&mut self, raw: &Spanned<String>) -> Option<(i32, u8, u8)> {
        let parsed = parse_date(raw.get_ref());
        if parsed.is_none() {
            self.err(
                raw,
                format!("ngày “{}” không đúng dạng", raw.get_ref()),
                Some("viết năm-tháng-ngày, ví dụ \"2026-03-15\""),
            );
        }
        parsed
    }

    /// The logo must be a file inside the campaign folder.
    fn logo(&mut self, raw: &Spanned<String>, dir: &Path) -> Option<String> {
        let rel = raw.get_ref().trim().replace('\\', "/");
        let path = match inside(dir, &rel) {
            Ok(path) => path,
            Err(msg) => {
                self.err(raw, msg, Some("chép tệp logo vào thư mục chiến dịch và ghi tên tệp, ví dụ logo = \"logo.png\""));
                return None;
            }
        };
        if let Err(msg) = logo_pixels(&path) {
            self.err(raw, msg, Some("thu nhỏ ảnh (Paint → Resize) hoặc dùng logo dạng SVG"));
            return None;
        }
        Some(rel)
    }

    /// The campaign's own layouts: a folder inside the campaign with a registry.
    fn layouts_dir(
        &mut self,
        raw: &Spanned<String>,
        dir: &Path,
    ) -> Option<(PathBuf, Vec<crate::layouts::Layout>)> {
        let rel = raw.get_ref().trim().trim_end_matches('/').to_string();
        let registry = match inside(dir, &format!("{rel}/layouts.toml")) {
            Ok(p) => p,
            Err(msg) => {
                self.err(raw, msg, Some("thư mục mẫu riêng phải nằm trong thư mục chiến dịch và có tệp layouts.toml"));
                return None;
            }
        };
        let text = std::fs::read_to_string(&registry).unwrap_or_default();
        match crate::layouts::parse(&text, &dir.join(&rel).join("layouts.toml")) {
            Ok(list) => Some((registry.parent().expect("a file has a parent").to_path_buf(), list)),
            Err(issues) => {
                issues.into_iter().for_each(|i| self.issues.push(i));
                None
            }
        }
    }

    fn theme(&mut self, raw: Option<&raw::RawTheme>) -> Theme {
        let mut theme =
            Theme { primary: [0.0, 100.0, 100.0, 10.0], accent: [0.0, 15.0, 100.0, 0.0] };
        let Some(raw) = raw else { return theme };
        for (slot, value) in [(&mut theme.primary, &raw.primary), (&mut theme.accent, &raw.accent)]
        {
            let Some(v) = value else { continue };
            let ok =
                v.get_ref().len() == 4 && v.get_ref().iter().all(|x| (0.0..=100.0).contains(x));
            if ok {
                slot.copy_from_slice(v.get_ref());
            } else {
                let (line, col) = line_col(&self.text, v.span().start);
                self.issues.push(
                    Issue::error(&self.file, "màu phải là 4 số CMYK từ 0 đến 100")
                        .line(line)
                        .column(col)
                        .hint("ví dụ primary = [0, 100, 100, 10] (đỏ)"),
                );
            }
        }
        theme
    }

    fn print(&mut self, raw: Option<&raw::RawPrint>) -> Print {
        let mut print = Print {
            bleed_mm: 3.0,
            marks: false,
            spare_percent: 5.0,
            pdf_a: false,
            banner_qr: false,
        };
        let Some(raw) = raw else { return print };
        if let Some(b) = &raw.bleed_mm {
            if (0.0..=10.0).contains(b.get_ref()) {
                print.bleed_mm = *b.get_ref();
            } else {
                self.err(b, "lề xén (bleed_mm) phải từ 0 đến 10 mm", None);
            }
        }
        if let Some(s) = &raw.spare_percent {
            if (0.0..=100.0).contains(s.get_ref()) {
                print.spare_percent = *s.get_ref();
            } else {
                self.err(s, "tỷ lệ in dư (spare_percent) phải từ 0 đến 100", None);
            }
        }
        if let Some(std) = &raw.pdf_standard {
            match std.get_ref().as_str() {
                "a-2b" => print.pdf_a = true,
                "" | "none" => {}
                other => self.err(
                    std,
                    format!("chuẩn PDF “{other}” không hỗ trợ"),
                    Some("dùng \"a-2b\""),
                ),
            }
        }
        print.marks = raw.marks.unwrap_or(false);
        print.banner_qr = raw.banner_qr.unwrap_or(false);
        print
    }

    /// Reads and checks every village row.
    fn villages(&mut self, dir: &Path, rel: &str, default_kind: &str) -> Vec<Village> {
        let shown = dir.join(rel);
        let path = match inside(dir, rel) {
            Ok(p) => p,
            Err(msg) => {
                self.issues.push(Issue::error(&shown, msg).hint("khóa `villages` trong campaign.toml phải chỉ tới tệp CSV/XLSX trong thư mục chiến dịch"));
                return Vec::new();
            }
        };
        let table = match villages::read_table(&path, &shown) {
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
        if self.issues.has_errors() && table.rows.is_empty() {
            return Vec::new();
        }
        let mut out: Vec<Village> = Vec::new();
        let mut seen: HashMap<String, usize> = HashMap::new();
        for (line, row) in &table.rows {
            let theirs = |only: &String| {
                crate::province::commune_key(table.cell(row, "commune").unwrap_or("")) != *only
            };
            if self.only.as_ref().is_some_and(theirs) {
                continue;
            }
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
            // A spreadsheet's 1.234 is a decimal, not 1.234 written with a
            // thousands separator.
            let decimal = t.is_decimal(line, field).then(|| format!("“{cell}” là số thập phân"));
            match decimal.map_or_else(|| parse_count(cell), Err) {
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
        if ok && slug.is_empty() {
            bad("name", format!("tên “{name}” không có chữ cái hay chữ số nào để đặt tên tệp"), "");
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

/// A phone number as typed, within [`MAX_PHONE`] characters.
fn parse_phone(text: &str) -> Result<Phone, String> {
    let n = text.chars().count();
    if n > MAX_PHONE {
        return Err(format!("số điện thoại dài {n} ký tự, quá giới hạn {MAX_PHONE}"));
    }
    Phone::parse(text)
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

fn column_hint(col: &str) -> String {
    let vi = match col {
        "name" => "Tên thôn",
        "officer" => "Cán bộ phụ trách",
        "officer_phone" => "SĐT",
        _ => "Số hộ",
    };
    format!("thêm cột có tiêu đề “{col}” hoặc “{vi}” vào dòng tiêu đề")
}

/// Resolves `rel` inside `dir`, refusing anything that leaves it (`..`,
/// absolute paths, symlinks pointing out) or is not a regular file.
pub fn inside(dir: &Path, rel: &str) -> Result<PathBuf, String> {
    use crate::sandbox::{Need, resolve};
    resolve(dir, rel, Need::File).map_err(|e| e.explain(rel, "thư mục chiến dịch"))
}

/// Refuses a raster logo of more than [`MAX_LOGO_PIXELS`], reading only its
/// header: the layout engine decodes the whole image (a 30000 × 30000 PNG
/// takes 950 MB). Files the header reader does not know (SVG) pass.
fn logo_pixels(path: &Path) -> Result<(), String> {
    let Ok(imagesize::ImageSize { width: w, height: h }) = imagesize::size(path) else {
        return Ok(());
    };
    if (w as u64).saturating_mul(h as u64) <= MAX_LOGO_PIXELS {
        return Ok(());
    }
    Err(format!(
        "ảnh logo {w} × {h} điểm ảnh, quá giới hạn {} triệu điểm ảnh; logo in rộng vài centimet chỉ cần khoảng 1000 × 1000",
        MAX_LOGO_PIXELS / 1_000_000
    ))
}

/// Checks a channel address; returns (QR payload, readable form).
pub fn check_url(url: &str) -> Result<(String, String), String> {
    let n = url.chars().count();
    if n > MAX_URL {
        return Err(format!("đường dẫn dài {n} ký tự, quá giới hạn {MAX_URL}"));
    }
    if let Some(c) = crate::text::refused_char(url) {
        return Err(format!("đường dẫn có ký tự ẩn {}", crate::text::char_name(c)));
    }
    if let Some(num) = url.strip_prefix("tel:") {
        let phone = Phone::parse(num)?;
        return Ok((phone.tel(), phone.to_string()));
    }
    let Some(rest) = url.strip_prefix("https://") else {
        let scheme = url.split(':').next().unwrap_or("");
        return Err(format!("đường dẫn “{url}” không dùng https:// (đang là “{scheme}”)"));
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_ok = host.contains('.')
        && host.split('.').all(|l| !l.is_empty())
        && host.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
    if !host_ok || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!("đường dẫn “{url}” không hợp lệ"));
    }
    let display =
        rest.trim_end_matches('/').strip_prefix("www.").unwrap_or(rest.trim_end_matches('/'));
    Ok((url.to_string(), display.to_string()))
}

/// Parses `YYYY-MM-DD`.
pub fn parse_date(s: &str) -> Option<(i32, u8, u8)> {
    let mut it = s.trim().splitn(3, '-');
    let y: i32 = it.next()?.parse().ok()?;
    let m: u8 = it.next()?.parse().ok()?;
    let d: u8 = it.next()?.parse().ok()?;
    ((1990..=2100).contains(&y) && (1..=12).contains(&m) && (1..=31).contains(&d))
        .then_some((y, m, d))
}

/// Whether two names are the same once case, diacritics and spaces are ignored.
pub fn same_name(a: &str, b: &str) -> bool {
    fold(a) == fold(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(check_url("https://tinnhiemmang.vn/").unwrap().1, "tinnhiemmang.vn");
        assert_eq!(check_url("tel:113").unwrap().0, "tel:113");
        assert!(check_url("http://x.vn").unwrap_err().contains("https"));
        assert!(check_url("javascript:alert(1)").is_err());
        assert!(check_url("https://bad host.vn").is_err());
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

    #[test]
    fn did_you_mean_suggests_close_key() {
        let msg = "unknown field `contact`, expected one of `locale`, `contacts`, `channels`";
        assert_eq!(did_you_mean(msg).unwrap(), "có phải ý bạn là “contacts”?");
    }
}
