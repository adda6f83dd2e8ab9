//! A province (or district) campaign: one folder whose `campaign.toml` holds
//! the shared parts (layouts, date, locale, channels, theme, print options,
//! text) and names a table of communes (`communes = "communes.csv"`), each
//! with its own name, kind, duty phone, issuing unit and villages.
//!
//! Each commune is loaded by the one campaign validator
//! ([`crate::campaign::load_values`]) from the shared `campaign.toml`,
//! parsed once, with the commune's own values merged into that table: its
//! `villages`, `logo`, `audience` replace the shared ones, its `[commune]`
//! and `[issuer]` are added and its duty phone is appended to `contacts`.
//! The shared values keep their spans in the file, so a problem there is
//! told at its line; a problem in an added value is told at the commune's
//! row and column of the communes table. Values, never text: a cell that
//! looks like TOML stays a name. A problem in the shared lines stops the
//! run (exit 2); a problem in one commune's row or villages fails that
//! commune only.

pub mod build;
pub mod check;
pub mod init;

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;
use toml::de::{DeArray, DeString, DeTable, DeValue};

use crate::Project;
use crate::campaign::villages::{self, Schema, Table};
use crate::campaign::{ADDED, Place};
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
    // Read though unused: a shared value of the wrong type is the run's
    // problem, told once here rather than once per commune.
    #[allow(dead_code)]
    logo: Option<Spanned<String>>,
    #[allow(dead_code)]
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

/// A commune's own values, merged into the shared table, each with the
/// place it came from ([`crate::campaign::ADDED`]).
#[derive(Default)]
struct Added {
    places: Vec<Place>,
}

impl Added {
    /// `value`, told at `place` when a problem is found in it.
    fn value<'i>(&mut self, place: Place, value: DeValue<'i>) -> Spanned<DeValue<'i>> {
        let at = ADDED + self.places.len();
        self.places.push(place);
        Spanned::new(at..at + 1, value)
    }

    /// A string value.
    fn text(&mut self, place: Place, value: &str) -> Spanned<DeValue<'static>> {
        self.value(place, DeValue::String(Cow::Owned(value.to_string())))
    }
}

/// A key of a merged table, at its value's span.
fn name_at(name: &'static str, value: &Spanned<DeValue<'_>>) -> Spanned<DeString<'static>> {
    Spanned::new(value.span(), Cow::Borrowed(name))
}

/// Sets `name` of `table` to `value`, in place of a value it had.
fn set<'i>(table: &mut DeTable<'i>, name: &'static str, value: Spanned<DeValue<'i>>) {
    table.remove(name);
    table.insert(name_at(name, &value), value);
}

/// A table made of added values, itself told at `place`.
fn table<'i>(
    added: &mut Added,
    place: Place,
    entries: Vec<(&'static str, Spanned<DeValue<'i>>)>,
) -> Spanned<DeValue<'i>> {
    let mut t = DeTable::new();
    for (name, value) in entries {
        set(&mut t, name, value);
    }
    added.value(place, DeValue::Table(t))
}

/// Loads a province campaign folder for a run with `opts`, from the text
/// of its `campaign.toml` (read once, by [`crate::open`]). `Err`: a problem
/// of the shared parts or of the communes table as a whole (nothing can be
/// built).
pub fn load(dir: &Path, text: String, opts: &crate::BuildOptions) -> Result<Province, Issues> {
    let toml_path = dir.join("campaign.toml");
    let one = |i: Issue| Issues(vec![i]);
    let wrong = |e: toml::de::Error| {
        let mut issue =
            Issue::error(&toml_path, format!("campaign.toml viết sai: {}", e.message().trim()));
        if let Some(span) = e.span() {
            let (line, col) = line_col(&text, span.start);
            issue = issue.line(line).column(col);
        }
        one(issue)
    };
    // Parsed once: the province's own keys are read from this table, and
    // every commune's campaign is this table with its own values merged in.
    let parsed = DeTable::parse(&text).map_err(wrong)?;
    let head = Head::deserialize(toml::de::Deserializer::from(parsed.clone())).map_err(wrong)?;
    let mut issues = Issues::default();
    let at = |s: &Spanned<String>| line_col(&text, s.span().start).0;
    let err = |line: usize, msg: String, hint: &str| {
        Issue::error(&toml_path, msg).line(line).hint(hint.to_string())
    };
    // The commune's own tables come from its row: the shared file must not
    // set them too (as `[commune]`, `commune.name = …` or inline): one of
    // the two would be lost.
    for table in ["commune", "issuer"] {
        if let Some((k, _)) = parsed.get_ref().get_key_value(table) {
            issues.push(err(
                line_col(&text, k.span().start).0,
                format!("chiến dịch cấp tỉnh không ghi [{table}] trong campaign.toml"),
                "tên xã, loại và đơn vị phát hành của từng xã ghi trong bảng xã (cột name, kind, issuer)",
            ));
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
    // The province keys are the run's, not the validator's.
    let mut shared = parsed.get_ref().clone();
    for k in ["communes", "province", "province_kind"] {
        shared.remove(k);
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
    let example = parsed.get_ref().get("example").and_then(|v| v.get_ref().as_bool()) == Some(true);
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
    /// The shared file's values, without the province keys.
    shared: DeTable<'a>,
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
        let mut doc = self.shared.clone();
        let mut added = Added::default();
        let col = |c: &str| {
            let header = t.header(c);
            Place {
                file: self.shown.to_path_buf(),
                line,
                field: (!header.is_empty()).then_some(header),
            }
        };
        for k in ["villages", "logo", "audience"] {
            let mine = cell(k);
            if !mine.is_empty() {
                let value = added.text(col(k), &mine);
                set(&mut doc, k, value);
            }
        }
        let province_at =
            Place { file: self.toml_path.to_path_buf(), line: self.province_line, field: None };
        let kind_at = if cell("kind").is_empty() { col("name") } else { col("kind") };
        let mut commune = vec![
            ("name", added.text(col("name"), &name)),
            ("kind", added.text(kind_at, &kind)),
            ("province", added.text(col("name"), self.province)),
            ("province_kind", added.text(province_at, self.province_kind)),
        ];
        let unlisted = cell("unlisted");
        if matches!(crate::text::fold(&unlisted).as_str(), "x" | "co" | "true" | "1" | "yes") {
            commune.push(("unlisted", added.value(col("unlisted"), DeValue::Boolean(true))));
        }
        let commune = table(&mut added, col("name"), commune);
        set(&mut doc, "commune", commune);
        let issuer = cell("issuer");
        if !issuer.is_empty() {
            let name = vec![("name", added.text(col("issuer"), &issuer))];
            let issuer = table(&mut added, col("issuer"), name);
            set(&mut doc, "issuer", issuer);
        }
        let label = match cell("hotline_label") {
            l if l.is_empty() => format!("Trực ban Công an {full}"),
            l => l,
        };
        // The duty phone, then the extra numbers (`Nhãn: số; Nhãn: số`),
        // after the shared ones.
        let hotline = vec![
            ("label", added.text(col("hotline_label"), &label)),
            ("phone", added.text(col("hotline"), &cell("hotline"))),
            ("hotline", added.value(col("hotline"), DeValue::Boolean(true))),
        ];
        let mut contacts = vec![table(&mut added, col("hotline"), hotline)];
        for extra in cell("contacts").split(';').map(str::trim).filter(|e| !e.is_empty()) {
            let (label, phone) = extra.rsplit_once(':').unwrap_or(("Liên hệ", extra));
            let entries = vec![
                ("label", added.text(col("contacts"), label.trim())),
                ("phone", added.text(col("contacts"), phone.trim())),
            ];
            contacts.push(table(&mut added, col("contacts"), entries));
        }
        match doc.get_mut("contacts").map(Spanned::get_mut) {
            Some(DeValue::Array(shared)) => contacts.into_iter().for_each(|c| shared.push(c)),
            // Not a list: the validator says so at its line.
            Some(_) => {}
            None => {
                let mut list = DeArray::new();
                contacts.into_iter().for_each(|c| list.push(c));
                let list = added.value(col("hotline"), DeValue::Array(list));
                set(&mut doc, "contacts", list);
            }
        }
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
        let loaded = crate::campaign::load_values(
            self.dir,
            self.toml_path.to_path_buf(),
            self.text.to_string(),
            Spanned::new(0..self.text.len(), doc),
            added.places,
            &self.known,
            rows,
        )
        .and_then(|c| {
            let mut p = crate::project::from_campaign(c);
            p.in_province = true;
            crate::validate::validate(&mut p, self.opts)?;
            Ok(p)
        });
        let project = match loaded {
            Ok(mut p) => {
                let w = std::mem::take(&mut p.campaign.warnings);
                p.campaign.warnings = w.into_iter().map(|i| self.in_table(i)).collect();
                Ok(p)
            }
            Err(found) => Err(Issues(found.0.into_iter().map(|i| self.in_table(i)).collect())),
        };
        Member { full, slug, line, project }
    }

    /// A problem told at the commune's row of the communes table speaks
    /// of the table, not of `campaign.toml`.
    fn in_table(&self, mut issue: Issue) -> Issue {
        if issue.file == self.shown {
            issue.hint = issue.hint.map(|h| {
                h.replace(
                    "thêm unlisted = true vào [commune]",
                    "ghi “có” vào cột unlisted (Ngoài danh sách) của dòng này",
                )
            });
        }
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
}
