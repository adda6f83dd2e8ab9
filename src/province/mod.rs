//! A province (or district) campaign: one folder whose `campaign.toml` holds
//! the shared parts (layouts, date, locale, channels, theme, print options,
//! text) and names a table of communes (`communes = "communes.csv"`), each
//! with its own name, kind, duty phone, issuing unit and villages.
//!
//! Each commune is loaded by the one campaign validator
//! ([`crate::campaign::load_text`]) from the shared `campaign.toml` with the
//! commune's own keys added around it: its `villages`, `logo`, `audience`
//! before the first line, its `[commune]`, `[issuer]` and duty phone after
//! the last. The shared lines keep their line numbers; a problem in an added
//! line is reported at the commune's row and column of the communes table.
//! A problem in the shared lines stops the run (exit 2); a problem in one
//! commune's row or villages fails that commune only.

pub mod build;
pub mod check;
pub mod init;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::Project;
use crate::campaign::villages::{self, Schema, Table};
use crate::diag::{Issue, Issues, line_col};
use crate::text::clean;
use crate::units::{INDEX, key};

/// Columns of the communes table, with the headers accepted for each.
pub const COLUMNS: &[(&str, &[&str])] = &[
    (
        "name",
        &["name", "commune", "tên xã", "xã", "tên xã phường", "xã phường", "tên đơn vị", "đơn vị"],
    ),
    ("kind", &["kind", "loại", "cấp"]),
    (
        "hotline",
        &[
            "hotline",
            "phone",
            "số trực ban",
            "sđt trực ban",
            "trực ban",
            "đường dây nóng",
            "số điện thoại trực ban",
        ],
    ),
    ("hotline_label", &["hotline_label", "nhãn số trực ban", "tên số trực ban", "nhãn"]),
    ("issuer", &["issuer", "đơn vị phát hành", "cơ quan phát hành"]),
    ("logo", &["logo"]),
    ("audience", &["audience", "đối tượng"]),
    ("contacts", &["contacts", "số khác", "số liên hệ khác", "liên hệ khác"]),
    ("villages", &["villages", "danh sách thôn", "bảng thôn", "tệp thôn"]),
    ("unlisted", &["unlisted", "ngoài danh sách"]),
];

/// The communes table.
pub const SCHEMA: Schema = Schema {
    columns: COLUMNS,
    empty: (
        "bảng xã, phường đang trống",
        "dòng đầu là tiêu đề cột (name, kind, hotline, issuer), mỗi dòng sau là một xã, phường",
    ),
    needs: "cần các cột: name (Tên xã), kind (Loại), hotline (Số trực ban); có thể thêm issuer (Đơn vị phát hành), villages (Danh sách thôn), logo, audience (Đối tượng), contacts (Số khác)",
    sheets: &["communes", "xa", "danhsachxa"],
};

/// Commune kinds, longest first (a name cell may start with its kind).
const KINDS: [&str; 3] = ["đặc khu", "phường", "xã"];

/// The key a commune is matched on in a shared village table: its name
/// without a leading kind, tone placement and case set aside
/// (`Xã Tiên Trang`, `tiên trang` and `Tiên Trang` are one commune).
pub fn commune_key(cell: &str) -> String {
    key(split_kind(cell).1)
}

/// `xã Tiên Trang` → (`Some("xã")`, `Tiên Trang`).
fn split_kind(cell: &str) -> (Option<&'static str>, &str) {
    let cell = cell.trim();
    let lower = cell.to_lowercase();
    for k in KINDS {
        if let Some(rest) = lower.strip_prefix(&format!("{k} ")) {
            let at = cell.len() - rest.len();
            return (Some(k), cell[at..].trim());
        }
    }
    (None, cell)
}

/// The keys of `campaign.toml` a province run reads itself. Unknown keys
/// are left for the campaign validator, which refuses them.
#[derive(Debug, Default, Deserialize)]
struct Head {
    communes: Option<Spanned<String>>,
    province: Option<Spanned<String>>,
    province_kind: Option<Spanned<String>>,
    villages: Option<Spanned<String>>,
    logo: Option<Spanned<String>>,
    audience: Option<Spanned<String>>,
    #[serde(default)]
    contacts: Vec<Spanned<HeadContact>>,
}

#[derive(Debug, Deserialize)]
struct HeadContact {
    #[serde(default)]
    hotline: bool,
}

/// Whether the text of a `campaign.toml` is a province campaign's: it
/// names a communes table. Text that is not TOML is left to the
/// single-commune loader to explain.
pub fn is_province(text: &str) -> bool {
    toml::from_str::<toml::Table>(text).is_ok_and(|t| t.contains_key("communes"))
}

/// Whether the folder `dir` holds a province campaign, for the after-print
/// files that live beside `campaign.toml` (`theo-doi/` of a province): a
/// folder whose `campaign.toml` cannot be read is not one.
pub fn is_province_dir(dir: &Path) -> bool {
    let path = dir.join("campaign.toml");
    let Ok(bytes) = villages::read_capped(&path, crate::campaign::MAX_TOML_BYTES, &path) else {
        return false;
    };
    crate::campaign::encoding::decode_toml(&bytes, &path).is_ok_and(|text| is_province(&text))
}

/// A loaded province campaign: the shared parts checked, each commune
/// loaded or failed on its own.
pub struct Province {
    /// `Thanh Hóa`, as `campaign.toml` writes it.
    pub name: String,
    /// `tỉnh Thanh Hóa`.
    pub full: String,
    /// Output folder name: `tinh-thanh-hoa`.
    pub slug: String,
    /// The campaign folder.
    pub dir: PathBuf,
    /// The communes table, as the user named it.
    pub table: PathBuf,
    /// Every commune, in table order.
    pub communes: Vec<Member>,
    /// `example = true` in the shared file.
    pub example: bool,
}

/// One commune of a province run.
pub struct Member {
    /// `xã Tiên Trang`.
    pub full: String,
    /// Output folder name: `xa-tien-trang`.
    pub slug: String,
    /// Its row in the communes table.
    pub line: usize,
    /// The commune's campaign, or every problem that stops it.
    pub project: Result<Project, Issues>,
}

impl Province {
    /// The folder a province run writes into: `<root>/<province>/`, one
    /// folder per commune in it; `root` is `--out`, or the campaign's own
    /// `out/`. `build` and `check` (its proofs) both place files by it.
    pub fn out(&self, root: Option<&Path>) -> PathBuf {
        root.map_or_else(|| self.dir.join("out"), Path::to_path_buf).join(&self.slug)
    }

    /// Communes that loaded, with their projects.
    pub fn ready(&self) -> impl Iterator<Item = (&Member, &Project)> {
        self.communes.iter().filter_map(|m| m.project.as_ref().ok().map(|p| (m, p)))
    }
}

/// Where an added line of a commune's `campaign.toml` came from.
#[derive(Debug, Clone)]
enum Origin {
    /// A column of the commune's row (its header).
    Row(String),
    /// A line of the shared file.
    Shared(usize),
}

/// A commune's `campaign.toml`: the shared text with lines added before
/// (`head`) and after (`tail`) it, each with its origin.
struct Text {
    head: Vec<(String, Origin)>,
    shared: String,
    tail: Vec<(String, Origin)>,
}

impl Text {
    fn render(&self) -> String {
        let mut s = String::new();
        for (l, _) in &self.head {
            s.push_str(l);
            s.push('\n');
        }
        s.push_str(&self.shared);
        if !self.shared.ends_with('\n') {
            s.push('\n');
        }
        for (l, _) in &self.tail {
            s.push_str(l);
            s.push('\n');
        }
        s
    }

    /// Where line `line` of the rendered text came from: `Ok(line)` in the
    /// shared file, or the origin of an added line.
    fn origin(&self, line: usize) -> Result<usize, Origin> {
        let head = self.head.len();
        let shared = self.shared.lines().count().max(1);
        if line > head && line <= head + shared {
            return Ok(line - head);
        }
        let added = if line <= head {
            self.head.get(line.saturating_sub(1))
        } else {
            self.tail.get(line - 1 - head - shared)
        };
        Err(added.map_or(Origin::Row(String::new()), |(_, o)| o.clone()))
    }
}

/// A TOML `key = "value"` line; the value quoted and escaped by the toml crate.
fn pair(k: &str, v: &str) -> String {
    format!("{k} = {}", toml::Value::String(v.to_string()))
}

/// Blanks the line(s) of a root key whose value spans `span`: the same
/// number of lines, so every other line keeps its number.
fn blank(text: &mut String, span: std::ops::Range<usize>) {
    let start = text[..span.start].rfind('\n').map_or(0, |i| i + 1);
    let end = span.end.min(text.len());
    let blanked: String =
        text[start..end].chars().map(|c| if c == '\n' { c } else { ' ' }).collect();
    text.replace_range(start..end, &blanked);
}

/// Loads a province campaign folder for a run with `opts`, from the text
/// of its `campaign.toml` (read once, by [`crate::open`]). `Err`: a problem
/// of the shared parts or of the communes table as a whole (nothing can be
/// built).
pub fn load(dir: &Path, text: String, opts: &crate::BuildOptions) -> Result<Province, Issues> {
    let toml_path = dir.join("campaign.toml");
    let one = |i: Issue| Issues(vec![i]);
    let head: Head = toml::from_str(&text).map_err(|e| {
        let mut issue =
            Issue::error(&toml_path, format!("campaign.toml viết sai: {}", e.message().trim()));
        if let Some(span) = e.span() {
            let (line, col) = line_col(&text, span.start);
            issue = issue.line(line).column(col);
        }
        one(issue)
    })?;
    let mut issues = Issues::default();
    let at = |s: &Spanned<String>| line_col(&text, s.span().start).0;
    let err = |line: usize, msg: String, hint: &str| {
        Issue::error(&toml_path, msg).line(line).hint(hint.to_string())
    };
    // The commune's own tables come from its row: the shared file must not
    // set them too (TOML would refuse the second `[commune]` at a line the
    // user never wrote).
    for (n, l) in text.lines().enumerate() {
        let t: String = l.chars().filter(|c| !c.is_whitespace()).collect();
        for table in ["[commune]", "[issuer]"] {
            if t.starts_with(table) {
                issues.push(err(
                    n + 1,
                    format!("chiến dịch cấp tỉnh không ghi {table} trong campaign.toml"),
                    "tên xã, loại và đơn vị phát hành của từng xã ghi trong bảng xã (cột name, kind, issuer)",
                ));
            }
        }
    }
    for c in &head.contacts {
        if c.get_ref().hotline {
            let line = line_col(&text, c.span().start).0;
            issues.push(err(
                line,
                "chiến dịch cấp tỉnh không ghi số trực ban (hotline = true) trong campaign.toml".into(),
                "số trực ban của từng xã ghi ở cột hotline (Số trực ban) của bảng xã; ở đây chỉ ghi các số dùng chung, ví dụ 113",
            ));
        }
    }
    // A problem of the shared file's shape stops here; a misspelt province
    // with a near official name does not: every commune is still read
    // against that name, so that a misspelt commune is told in the same run
    // (against the misspelt one, every commune would only repeat it).
    let mut misshapen = issues.has_errors();
    let mut nearest = None;
    let province = match &head.province {
        None => {
            issues.push(
                Issue::error(&toml_path, "thiếu khóa province (tên tỉnh) của chiến dịch cấp tỉnh")
                    .hint("thêm dòng province = \"Thanh Hóa\" ở đầu campaign.toml"),
            );
            misshapen = true;
            String::new()
        }
        Some(p) => {
            let name = clean(p.get_ref());
            if INDEX.province(&name).is_none() {
                nearest = INDEX.nearest_province(&name).map(|n| n.name.clone());
                misshapen |= nearest.is_none();
                let hint = match &nearest {
                    Some(n) => format!("có phải ý bạn là “{n}”?"),
                    None => "viết tên tỉnh không kèm chữ “tỉnh”/“thành phố”".into(),
                };
                issues.push(err(
                    at(p),
                    format!(
                        "tỉnh “{name}” không có trong danh sách 34 tỉnh, thành phố từ 1/7/2025"
                    ),
                    &hint,
                ));
            }
            name
        }
    };
    let Some(communes_key) = head.communes.as_ref() else {
        let issue = Issue::error(&toml_path, "chưa có khóa communes (bảng xã, phường)")
            .hint("thêm dòng communes = \"communes.csv\" ở đầu campaign.toml");
        issues.push(issue);
        return Err(issues);
    };
    let rel = clean(communes_key.get_ref());
    let shown = dir.join(&rel);
    let table = match crate::campaign::inside(dir, &rel) {
        Ok(path) => villages::read_table_as(&path, &shown, &SCHEMA).map_err(|i| vec![i]),
        Err(msg) => Err(vec![err(
            at(communes_key),
            msg,
            "khóa communes phải chỉ tới tệp CSV/XLSX trong thư mục chiến dịch",
        )]),
    };
    let table = match table {
        Ok(t) => t,
        Err(found) => {
            issues.0.extend(found);
            return Err(issues);
        }
    };
    let mut missing = false;
    for col in ["name", "hotline"] {
        if !table.columns.contains(&Some(col)) {
            missing = true;
            issues.push(
                Issue::error(&shown, format!("thiếu cột “{col}”"))
                    .line(table.header_line)
                    .hint(SCHEMA.needs),
            );
        }
    }
    if misshapen || missing {
        return Err(issues);
    }
    // The communes are read against the official name the misspelt one is
    // nearest to; the run is refused all the same (the issue above).
    let checked_as = nearest.as_ref().unwrap_or(&province);
    let province_kind = head
        .province_kind
        .as_ref()
        .map(|k| clean(k.get_ref()).to_lowercase())
        .or_else(|| crate::units::province_kind(checked_as).map(str::to_string))
        .unwrap_or_else(|| "tỉnh".into());
    // The province keys are the run's, not the validator's: blanked, keeping
    // every line where it is.
    let mut shared = text.clone();
    let mut spans: Vec<_> = [&head.communes, &head.province, &head.province_kind]
        .into_iter()
        .flatten()
        .map(|s| s.span())
        .collect();
    spans.sort_by_key(|s| std::cmp::Reverse(s.start));
    for s in spans {
        blank(&mut shared, s);
    }
    let ctx = Ctx {
        dir,
        toml_path: &toml_path,
        text: &text,
        shared,
        head: &head,
        table: &table,
        shown: &shown,
        province: checked_as,
        province_kind: &province_kind,
        province_line: head.province.as_ref().map_or(1, at),
        known: crate::project::known(),
        opts,
        villages: None,
        by_commune: HashMap::new(),
    };
    let ctx = ctx.with_shared_villages();
    let mut communes: Vec<Member> = Vec::new();
    let mut slugs: HashMap<String, usize> = HashMap::new();
    for (line, row) in &table.rows {
        let member = ctx.member(*line, row);
        if let Some(first) = slugs.get(&member.slug) {
            issues.push(
                Issue::error(&shown, format!("“{}” trùng với xã ở dòng {first}", member.full))
                    .line(*line)
                    .field(table.header("name"))
                    .hint("mỗi xã, phường chỉ ghi một dòng"),
            );
            continue;
        }
        slugs.insert(member.slug.clone(), *line);
        communes.push(member);
    }
    if communes.is_empty() && !issues.has_errors() {
        issues.push(Issue::error(&shown, "bảng không có xã nào").hint(SCHEMA.empty.1));
    }
    issues.0.extend(ctx.shared_villages(&communes));
    // A problem in the shared lines, or one every commune has (a column
    // missing from the shared village table), is the run's: said once, and
    // nothing is built.
    let failed: Vec<&Issues> = communes.iter().filter_map(|m| m.project.as_ref().err()).collect();
    let everyone = |i: &Issue| {
        communes.len() > 1
            && failed.len() == communes.len()
            && failed.iter().all(|f| f.0.contains(i))
    };
    for found in &failed {
        for i in found.0.iter().filter(|i| !i.warning && (i.file == toml_path || everyone(i))) {
            if !issues.0.contains(i) {
                issues.push(i.clone());
            }
        }
    }
    // No commune can be built (an unfilled `init --province` template), or
    // the run is refused anyway: every problem is told at once.
    if failed.len() == communes.len() || issues.has_errors() {
        for found in failed {
            issues.0.extend(
                found.0.iter().filter(|i| !issues.0.contains(i)).cloned().collect::<Vec<_>>(),
            );
        }
    }
    if issues.has_errors() {
        return Err(issues);
    }
    let full = format!("{province_kind} {province}");
    let example = toml::from_str::<toml::Table>(&text)
        .ok()
        .and_then(|t| t.get("example").and_then(toml::Value::as_bool))
        .unwrap_or(false);
    Ok(Province {
        slug: crate::text::file_slug(&full),
        name: province,
        full,
        dir: dir.to_path_buf(),
        table: shown,
        communes,
        example,
    })
}

/// What every commune's loading shares.
struct Ctx<'a> {
    dir: &'a Path,
    toml_path: &'a Path,
    text: &'a str,
    /// The shared file with the province keys blanked.
    shared: String,
    head: &'a Head,
    table: &'a Table,
    shown: &'a Path,
    province: &'a str,
    province_kind: &'a str,
    province_line: usize,
    known: crate::campaign::Known,
    /// The run's options (print flags override the shared file).
    opts: &'a crate::BuildOptions,
    /// The shared village table (its file as shown, the table), when some
    /// commune uses it and it could be read.
    villages: Option<(PathBuf, Table)>,
    /// Its rows by [`commune_key`] of their `commune` cell.
    by_commune: HashMap<String, Vec<(usize, Vec<String>)>>,
}

impl Ctx<'_> {
    /// Reads the shared village table once for every commune: read again
    /// for each commune, a province's table (thousands of rows) cost
    /// seconds. An unreadable table is left for each commune's own load to
    /// report, as a single-commune campaign reports it.
    fn with_shared_villages(mut self) -> Self {
        let users = self
            .table
            .rows
            .iter()
            .filter(|(_, r)| self.table.cell(r, "villages").unwrap_or("").is_empty());
        if users.count() == 0 {
            return self;
        }
        let rel = self.head.villages.as_ref().map_or("villages.csv".into(), |v| clean(v.get_ref()));
        let shown = self.dir.join(&rel);
        let Ok(path) = crate::campaign::inside(self.dir, &rel) else { return self };
        let Ok(table) = villages::read_table(&path, &shown) else { return self };
        for (line, row) in &table.rows {
            let key = commune_key(table.cell(row, "commune").unwrap_or(""));
            self.by_commune.entry(key).or_default().push((*line, row.clone()));
        }
        self.villages = Some((shown, table));
        self
    }

    /// One commune from its row.
    fn member(&self, line: usize, row: &[String]) -> Member {
        let t = self.table;
        let cell = |c: &str| t.cell(row, c).unwrap_or("").to_string();
        let col = |c: &str| Origin::Row(t.header(c));
        let name_cell = cell("name");
        let (prefix, name) = split_kind(&name_cell);
        let name = name.to_string();
        let listed = INDEX.province(self.province).and_then(|p| {
            INDEX.units_of(p).find(|u| key(&u.name) == key(&name)).map(|u| u.kind.clone())
        });
        let kind = match cell("kind").to_lowercase() {
            k if !k.is_empty() => k,
            _ => prefix.map(str::to_string).or(listed).unwrap_or_else(|| "xã".into()),
        };
        let full = format!("{kind} {name}");
        let slug = crate::text::file_slug(&full);
        let mut shared = self.shared.clone();
        let mut head = Vec::new();
        let mut overridden = Vec::new();
        for (k, theirs) in [
            ("villages", &self.head.villages),
            ("logo", &self.head.logo),
            ("audience", &self.head.audience),
        ] {
            let mine = cell(k);
            if mine.is_empty() {
                continue;
            }
            head.push((pair(k, &mine), col(k)));
            if let Some(s) = theirs {
                overridden.push(s.span());
            }
        }
        overridden.sort_by_key(|s| std::cmp::Reverse(s.start));
        for s in overridden {
            blank(&mut shared, s);
        }
        let province_at = Origin::Shared(self.province_line);
        let mut tail = vec![
            ("[commune]".to_string(), col("name")),
            (pair("name", &name), col("name")),
            (pair("kind", &kind), if cell("kind").is_empty() { col("name") } else { col("kind") }),
            (pair("province", self.province), col("name")),
            (pair("province_kind", self.province_kind), province_at),
        ];
        let unlisted = cell("unlisted");
        if matches!(crate::text::fold(&unlisted).as_str(), "x" | "co" | "true" | "1" | "yes") {
            tail.push(("unlisted = true".into(), col("unlisted")));
        }
        let issuer = cell("issuer");
        if !issuer.is_empty() {
            tail.push(("[issuer]".into(), col("issuer")));
            tail.push((pair("name", &issuer), col("issuer")));
        }
        let label = match cell("hotline_label") {
            l if l.is_empty() => format!("Trực ban Công an {full}"),
            l => l,
        };
        tail.push(("[[contacts]]".into(), col("hotline")));
        tail.push((pair("label", &label), col("hotline_label")));
        tail.push((pair("phone", &cell("hotline")), col("hotline")));
        tail.push(("hotline = true".into(), col("hotline")));
        // Extra numbers: `Nhãn: số; Nhãn: số`.
        for extra in cell("contacts").split(';').map(str::trim).filter(|e| !e.is_empty()) {
            let (label, phone) = extra.rsplit_once(':').unwrap_or(("Liên hệ", extra));
            tail.push(("[[contacts]]".into(), col("contacts")));
            tail.push((pair("label", label.trim()), col("contacts")));
            tail.push((pair("phone", phone.trim()), col("contacts")));
        }
        let text = Text { head, shared, tail };
        // The commune's rows of the shared table (none: its load finds
        // "no village"), or its own table, read by its load.
        let rows = match &self.villages {
            Some((_, shared)) if cell("villages").is_empty() => Some(Table {
                columns: shared.columns.clone(),
                headers: shared.headers.clone(),
                header_line: shared.header_line,
                rows: self.by_commune.get(&commune_key(&name)).cloned().unwrap_or_default(),
                decimals: shared.decimals.clone(),
                sheet: shared.sheet.clone(),
                hidden_rows: shared.hidden_rows.clone(),
            }),
            _ => None,
        };
        let loaded = crate::campaign::load_text(
            self.dir,
            self.toml_path.to_path_buf(),
            text.render(),
            &self.known,
            rows,
        )
        .and_then(|c| {
            let mut p = crate::project::from_campaign(c);
            crate::validate::validate(&mut p, self.opts)?;
            Ok(p)
        });
        let project = match loaded {
            Ok(mut p) => {
                let w = std::mem::take(&mut p.campaign.warnings);
                p.campaign.warnings = w.into_iter().map(|i| self.locate(i, &text, line)).collect();
                Ok(p)
            }
            Err(found) => {
                Err(Issues(found.0.into_iter().map(|i| self.locate(i, &text, line)).collect()))
            }
        };
        Member { full, slug, line, project }
    }

    /// Moves an issue found in a commune's assembled `campaign.toml` to
    /// where the user wrote the value: the shared file's own line, or the
    /// commune's row of the communes table.
    fn locate(&self, mut issue: Issue, text: &Text, row: usize) -> Issue {
        if issue.file != self.toml_path {
            return issue;
        }
        let Some(line) = issue.line else { return issue };
        match text.origin(line) {
            Ok(l) => issue.line = Some(l),
            Err(Origin::Shared(l)) => {
                issue.line = Some(l);
                issue.column = None;
            }
            Err(Origin::Row(header)) => {
                issue.file = self.shown.to_path_buf();
                issue.line = Some(row);
                issue.column = None;
                if !header.is_empty() {
                    issue.field = Some(header);
                }
                issue.hint = issue.hint.map(|h| {
                    h.replace(
                        "thêm unlisted = true vào [commune]",
                        "ghi “có” vào cột unlisted (Ngoài danh sách) của dòng này",
                    )
                });
            }
        }
        let _ = self.text;
        issue
    }

    /// The shared village table (when communes use it): every row names a
    /// commune of the communes table.
    fn shared_villages(&self, communes: &[Member]) -> Vec<Issue> {
        // An unreadable table is reported by every commune's own load.
        let Some((shown, table)) = &self.villages else { return Vec::new() };
        if !table.columns.contains(&Some("commune")) {
            return vec![Issue::error(shown, "bảng thôn dùng chung cho nhiều xã chưa có cột “commune” (Xã)")
                .line(table.header_line)
                .hint("thêm cột “Xã” ghi tên xã, phường của từng thôn, hoặc ghi tệp thôn riêng của từng xã ở cột villages của bảng xã")];
        }
        let names: Vec<(String, &str)> =
            communes.iter().map(|m| (commune_key(&m.full), m.full.as_str())).collect();
        // A set, and each row's key made once: a province has thousands of
        // villages and hundreds of communes.
        let known: HashSet<&str> = names.iter().map(|(k, _)| k.as_str()).collect();
        let mut issues = Vec::new();
        for (line, row) in &table.rows {
            let cell = table.cell(row, "commune").unwrap_or("");
            let wanted = commune_key(cell);
            if known.contains(wanted.as_str()) {
                continue;
            }
            let nearest = names.iter().min_by_key(|(k, _)| strsim::levenshtein(k, &wanted)).filter(
                |(k, _)| strsim::levenshtein(k, &wanted) <= (wanted.chars().count() / 3).max(1),
            );
            let hint = match nearest {
                Some((_, full)) => format!("có phải ý bạn là “{full}”?"),
                None => format!("ghi tên một xã, phường có trong {}", self.shown.display()),
            };
            let msg = if cell.is_empty() {
                "thôn chưa ghi thuộc xã nào".to_string()
            } else {
                format!("xã “{cell}” không có trong bảng xã")
            };
            issues.push(
                Issue::error(shown, msg).line(*line).field(table.header("commune")).hint(hint),
            );
        }
        issues
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_commune_is_matched_with_or_without_its_kind_and_tone_placement() {
        assert_eq!(commune_key("Xã Tiên Trang"), commune_key("tiên trang"));
        assert_eq!(commune_key("phường Sầm Sơn"), commune_key("Sầm Sơn"));
        assert_eq!(commune_key("Cẩm Thuỷ"), commune_key("Cẩm Thủy"));
        assert_ne!(commune_key("Tiền Trang"), commune_key("Tiên Trang"));
    }

    #[test]
    fn blanking_a_key_keeps_every_line_where_it_was() {
        let mut text = "a = 1\nprovince = \"Thanh Hóa\" # x\n[t]\nb = 2\n".to_string();
        let start = text.find('"').unwrap();
        let end = text[start + 1..].find('"').unwrap() + start + 2;
        blank(&mut text, start..end);
        assert_eq!(text.lines().count(), 4);
        assert!(text.lines().nth(1).unwrap().trim_start().starts_with("# x"), "{text}");
        assert!(toml::from_str::<toml::Table>(&text).is_ok(), "{text}");
    }

    #[test]
    fn an_added_line_is_traced_to_its_column_and_a_shared_line_to_itself() {
        let row = |h: &str| Origin::Row(h.into());
        let text = Text {
            head: vec![("villages = \"v.csv\"".into(), row("Danh sách thôn"))],
            shared: "x = 1\ny = 2".into(),
            tail: vec![("[commune]".into(), row("Tên xã")), ("phone = \"1\"".into(), row("SĐT"))],
        };
        let rendered = text.render();
        assert_eq!(rendered.lines().nth(4), Some("phone = \"1\""));
        assert!(matches!(text.origin(1), Err(Origin::Row(h)) if h == "Danh sách thôn"));
        assert_eq!(text.origin(2).ok(), Some(1));
        assert_eq!(text.origin(3).ok(), Some(2));
        assert!(matches!(text.origin(5), Err(Origin::Row(h)) if h == "SĐT"));
        assert!(text.origin(0).is_err() && text.origin(99).is_err(), "never panics");
    }
}
