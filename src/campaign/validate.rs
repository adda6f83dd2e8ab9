//! Checking `campaign.toml` value by value. `Ctx` holds the text (for
//! line numbers) and the issues so far; every problem is recorded at its
//! line and column, and the checks go on so one run lists them all.

use std::path::{Path, PathBuf};

use toml::Spanned;

use crate::diag::{Issue, Issues, line_col};
use crate::phone::Phone;
use crate::text::clean;

use super::raw::{self, RawCampaign};
use super::*;

/// Where a value of a campaign came from when it is not written in the
/// text of its `campaign.toml`: a province's commune gets its name, kind,
/// issuer and duty phone from its row of the communes table.
#[derive(Debug, Clone)]
pub struct Place {
    /// The file, as the user named it.
    pub file: PathBuf,
    /// Its line (the commune's row).
    pub line: usize,
    /// Its column header, when it has one.
    pub field: Option<String>,
}

/// Spans from here on are not in the text: the value whose span starts at
/// `ADDED + k` came from the `k`-th [`Place`] given to [`super::load_values`].
pub const ADDED: usize = usize::MAX / 2;

/// `issue` told where the value at offset `start` is: a line and column of
/// `text`, or the place of an added value (see [`ADDED`]).
pub(super) fn place(mut issue: Issue, text: &str, added: &[Place], start: usize) -> Issue {
    if let Some(p) = start.checked_sub(ADDED).and_then(|k| added.get(k)) {
        issue.file = p.file.clone();
        issue.line = Some(p.line);
        issue.column = None;
        if p.field.is_some() {
            issue.field = p.field.clone();
        }
        return issue;
    }
    let (line, col) = line_col(text, start);
    issue.line(line).column(col)
}

/// Validation state: the TOML text (for line numbers) and the issues so far.
pub(super) struct Ctx {
    pub(super) file: PathBuf,
    pub(super) text: String,
    pub(super) issues: Issues,
    /// `example = true`: invented phone numbers are allowed.
    pub(super) example: bool,
    /// The village table, already read: a commune's rows of a province's
    /// shared table ([`super::load_values`]).
    pub(super) given: Option<villages::Table>,
    /// Where the values that are not in `text` came from ([`ADDED`]).
    added: Vec<Place>,
}

impl Ctx {
    pub(super) fn new(
        file: PathBuf,
        text: String,
        given: Option<villages::Table>,
        added: Vec<Place>,
    ) -> Ctx {
        Ctx { file, text, issues: Issues::default(), example: false, given, added }
    }

    /// `issue` at the value whose span starts at `start`: its line and
    /// column in the text, or the place it was added from.
    fn at(&self, issue: Issue, start: usize) -> Issue {
        place(issue, &self.text, &self.added, start)
    }

    /// An error at the start of a TOML span.
    pub(super) fn err<T>(&mut self, at: &Spanned<T>, msg: impl Into<String>, hint: Option<&str>) {
        let mut issue = self.at(Issue::error(&self.file, msg), at.span().start);
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
            let issue = villages::refused(&self.file, c).field(what);
            let issue = self.at(issue, s.span().start);
            self.issues.push(issue);
            return None;
        }
        Some(clean(s.get_ref()))
    }

    /// Builds the campaign; `None` only when errors were recorded.
    pub(super) fn campaign(
        &mut self,
        raw: RawCampaign,
        dir: &Path,
        known: &Known,
    ) -> Option<Campaign> {
        let commune = self.commune(&raw.commune);
        let issuer = match &raw.issuer {
            Some(i) => Issuer {
                name: self.string(
                    &i.get_ref().name,
                    "tên đơn vị phát hành",
                    "ghi tên đơn vị in ở cuối tờ rơi, ví dụ name = \"Công an xã Tiên Trang\"",
                ),
                address: i.get_ref().address.as_ref().and_then(|a| self.optional(a, "địa chỉ")),
                head: i.get_ref().head.as_ref().and_then(|a| self.optional(a, "người ký")),
                plan: i.get_ref().plan.as_ref().and_then(|a| self.optional(a, "kế hoạch")),
            },
            None => Issuer {
                name: format!("Công an {}", commune.full()),
                address: None,
                head: None,
                plan: None,
            },
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
                        let issue = Issue::warning(&self.file, w);
                        let issue = self.at(issue, c.get_ref().phone.span().start);
                        self.issues.push(issue);
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
    pub(super) fn real_phone(&self, input: &str) -> Result<Phone, String> {
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

    fn date(&mut self, raw: &Spanned<String>) -> Option<time::Date> {
        let parsed = parse_date(raw.get_ref());
        if let Err(msg) = &parsed {
            self.err(
                raw,
                msg.clone(),
                Some("viết năm-tháng-ngày có trên lịch, ví dụ \"2026-03-15\""),
            );
        }
        parsed.ok()
    }

    /// The logo must be a file inside the campaign folder.
    fn logo(&mut self, raw: &Spanned<String>, dir: &Path) -> Option<String> {
        let rel = crate::sandbox::data_path(raw.get_ref());
        let path = match inside(dir, &rel) {
            Ok(path) => path,
            Err(msg) => {
                self.err(raw, msg, Some("chép tệp logo vào thư mục chiến dịch và ghi tên tệp, ví dụ logo = \"logo.png\""));
                return None;
            }
        };
        if let Err((msg, hint)) = logo_file(&path) {
            self.err(raw, format!("tệp logo “{rel}”: {msg}"), Some(hint));
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
        let rel = crate::sandbox::data_path(raw.get_ref()).trim_end_matches('/').to_string();
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
                let issue = Issue::error(&self.file, "màu phải là 4 số CMYK từ 0 đến 100")
                    .hint("ví dụ primary = [0, 100, 100, 10] (đỏ)");
                let issue = self.at(issue, v.span().start);
                self.issues.push(issue);
            }
        }
        theme
    }

    fn print(&mut self, raw: Option<&raw::RawPrint>) -> Print {
        let mut print = Print { bleed_mm: 3.0, marks: false, spare_percent: 5.0, banner_qr: false };
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
                "" | "none" => {}
                "a-2b" => {
                    self.err(std, crate::validate::NO_PDF_A, Some(crate::validate::NO_PDF_A_HINT))
                }
                other => self.err(
                    std,
                    format!("chuẩn PDF “{other}” không hỗ trợ"),
                    Some("bỏ dòng này: tệp in là PDF 1.7, màu CMYK, font nhúng"),
                ),
            }
        }
        print.marks = raw.marks.unwrap_or(false);
        print.banner_qr = raw.banner_qr.unwrap_or(false);
        print
    }
}

/// The layout engine's own SVG reader on the logo: one it cannot read (a
/// width of 0, a broken `viewBox`) would otherwise pass `check` and fail
/// every document of `build` with an English error quoting the SVG.
fn engine_reads_svg(bytes: Vec<u8>) -> Result<(), String> {
    let Err(e) = typst::visualize::SvgImage::new(typst::foundations::Bytes::new(bytes)) else {
        return Ok(());
    };
    // Typst's reasons are English; the known ones said in Vietnamese.
    let why = format!("{e:?}");
    let reason = if why.contains("viewbox is invalid") {
        "chiều rộng, chiều cao hoặc viewBox bằng 0 hay không hợp lệ"
    } else if why.contains("too large") {
        "có quá nhiều phần tử"
    } else {
        "nội dung SVG sai"
    };
    Err(format!("trình dàn trang không đọc được logo SVG ({reason})"))
}

/// Most bytes of a logo file.
pub const MAX_LOGO_BYTES: u64 = 16 << 20;

/// Checks the logo file: an SVG is checked for what would make the layout
/// engine read other files or expand without end ([`super::svg`]); a PNG
/// or JPEG must decode its header (a damaged file once read as
/// "1634886241 × 1734698849 điểm ảnh") and hold at most
/// [`MAX_LOGO_PIXELS`]: the engine decodes the whole image (a 30000 × 30000
/// PNG takes 950 MB). Returns (what is wrong, what to do).
fn logo_file(path: &Path) -> Result<(), (String, &'static str)> {
    let redo = "xuất lại logo từ trình vẽ hoặc dùng tệp PNG, JPEG, SVG khác";
    let bytes = villages::read_capped(path, MAX_LOGO_BYTES, path).map_err(|i| (i.message, redo))?;
    let svg = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("svg"))
        || bytes.trim_ascii_start().starts_with(b"<");
    if svg {
        super::svg::check(&bytes).map_err(|msg| (msg, redo))?;
        return engine_reads_svg(bytes).map_err(|msg| (msg, redo));
    }
    let reader = image::ImageReader::new(std::io::Cursor::new(&bytes))
        .with_guessed_format()
        .ok()
        .filter(|r| r.format().is_some())
        .ok_or(("tệp logo không phải ảnh PNG, JPEG hay SVG".to_string(), redo))?;
    let mut reader = reader;
    // Only the header is read: no memory limit to meet yet.
    reader.no_limits();
    let (w, h) = reader
        .into_dimensions()
        .map_err(|_| ("tệp ảnh logo hỏng (không đọc được kích thước ảnh)".to_string(), redo))?;
    if u64::from(w).saturating_mul(u64::from(h)) <= MAX_LOGO_PIXELS {
        return Ok(());
    }
    Err((
        format!(
            "ảnh logo {w} × {h} điểm ảnh, quá giới hạn {} triệu điểm ảnh; logo in rộng vài centimet chỉ cần khoảng 1000 × 1000",
            MAX_LOGO_PIXELS / 1_000_000
        ),
        "thu nhỏ ảnh (Paint → Resize) hoặc dùng logo dạng SVG",
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

/// Parses `YYYY-MM-DD` into a day that exists on the calendar (a year
/// from 1990 to 2100): `2026-02-31` is refused, never printed as no date.
pub fn parse_date(s: &str) -> Result<time::Date, String> {
    let shape = || format!("ngày “{s}” không đúng dạng năm-tháng-ngày");
    let mut it = s.trim().splitn(3, '-');
    let mut part = || it.next().and_then(|p| p.parse::<u16>().ok()).ok_or_else(shape);
    let (y, m, d) = (part()?, part()?, part()?);
    if !(1990..=2100).contains(&y) {
        return Err(format!("năm {y} của ngày “{s}” nằm ngoài khoảng 1990–2100"));
    }
    let month = u8::try_from(m).ok().and_then(|m| time::Month::try_from(m).ok());
    let Some(month) = month else {
        return Err(format!("ngày “{s}”: không có tháng {m}"));
    };
    let year = i32::from(y);
    match u8::try_from(d).ok().map(|d| time::Date::from_calendar_date(year, month, d)) {
        Some(Ok(date)) => Ok(date),
        _ => Err(format!(
            "ngày “{s}” không có trên lịch: tháng {} năm {y} có {} ngày",
            u8::from(month),
            month.length(year)
        )),
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
    fn dates_exist_on_the_calendar() {
        // Kept as a calendar date; printed ISO, as the layouts read it.
        let iso = |s: &str| parse_date(s).map(|d| d.to_string());
        assert_eq!(iso("2026-03-15"), Ok("2026-03-15".into()));
        assert_eq!(iso("2028-02-29"), Ok("2028-02-29".into()));
        assert_eq!(iso(" 1990-1-5"), Ok("1990-01-05".into()));
        assert!(parse_date("2026-02-31").unwrap_err().contains("tháng 2 năm 2026 có 28 ngày"));
        assert!(parse_date("2026-02-29").unwrap_err().contains("có 28 ngày"));
        assert!(parse_date("2026-04-31").unwrap_err().contains("có 30 ngày"));
        for bad in ["2026-13-01", "2026-00-10", "2026-01-00", "1989-01-01", "2026/01/01", ""] {
            assert!(parse_date(bad).is_err(), "{bad}");
        }
    }
}
