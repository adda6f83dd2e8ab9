//! Campaign → sorted list of jobs, and a [`Planner`] that makes each job's
//! data when it is rendered.
//!
//! A job is one layout for one village (or for the commune). The planner does
//! all the per-job work that is not Typst: placeholders, QR matrices, the
//! JSON value. Jobs come out in a fixed order so runs are reproducible.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde::Serialize;
use serde_json::Value;

use crate::campaign::{Campaign, Village};
use crate::content::{self, Pack, Words};
use crate::diag::Fault;
use crate::layouts::{ELDERLY_RAISE, Layout};
use crate::qr;

/// One document to render. Its data is made only when it is rendered
/// ([`Planner::data`]): a national run holds tens of thousands of jobs, and
/// their data (about 11 KB each) would otherwise grow memory with the
/// number of villages.
#[derive(Debug, Clone)]
pub struct Job {
    /// The layout.
    pub layout: Layout,
    /// Index into `campaign.villages`, or `None` for commune-level layouts.
    pub village: Option<usize>,
    /// For per-tactic layouts: which tactic (index into the job's tactics).
    pub tactic: Option<usize>,
    /// Display name of the village (or commune) for messages.
    pub name: String,
    /// Output path relative to the output folder, without extension.
    pub stem: String,
    /// Stable PDF document id.
    pub ident: String,
}

/// QR matrices and number lists shared by all jobs of a campaign.
struct Shared {
    hotline_qr: qr::Matrix,
    channels: Vec<ChannelData>,
    contacts: Vec<ContactData>,
    fit: Option<FitData>,
    /// The pack's compound words ([`crate::glue::Compounds`]).
    compounds: crate::glue::Compounds,
}

impl Shared {
    /// Encodes the campaign-wide QR codes once.
    fn new(c: &Campaign, pack: &Pack) -> Result<Shared, Fault> {
        // The numbers' labels are the campaign's own sentences ("Tố giác
        // lừa đảo trên mạng"): glued like the pack's.
        let compounds = crate::glue::Compounds::builtin(&pack.code);
        let hotline_qr = qr::matrix(&c.hotline.phone.tel())?;
        let channels = c
            .channels
            .iter()
            .map(|ch| {
                // A `tel:` channel shows a grouped number: keep it whole.
                Ok(ChannelData {
                    display: ch.display.replace(' ', NBSP),
                    label: compounds.glue(&ch.label),
                    qr: qr::matrix(&ch.value)?,
                    value: ch.value.clone(),
                })
            })
            .collect::<Result<Vec<_>, Fault>>()?;
        let contacts = c
            .contacts
            .iter()
            .map(|k| ContactData {
                display: k.phone.printed(),
                label: compounds.glue(&k.label),
                tel: k.phone.tel(),
            })
            .collect();
        Ok(Shared { hotline_qr, channels, contacts, fit: FitData::of(c), compounds })
    }
}

/// Makes each job's data on demand; shared by the rendering threads.
pub struct Planner<'a> {
    campaign: &'a Campaign,
    pack: &'a Pack,
    shared: Shared,
    /// The words of each layout audience met so far.
    words: Mutex<HashMap<Option<String>, Arc<Words>>>,
}

impl<'a> Planner<'a> {
    /// Encodes the campaign-wide QR codes once.
    pub fn new(campaign: &'a Campaign, pack: &'a Pack) -> Result<Self, Fault> {
        Ok(Planner {
            campaign,
            pack,
            shared: Shared::new(campaign, pack)?,
            words: Mutex::default(),
        })
    }

    /// The campaign the jobs come from.
    pub fn campaign(&self) -> &'a Campaign {
        self.campaign
    }

    /// The job's data as compact JSON (every job's data is parsed by Typst
    /// once more, so no pretty-printing here).
    pub fn data(&self, job: &Job) -> Result<Vec<u8>, Fault> {
        let village = job.village.map(|i| &self.campaign.villages[i]);
        let words = self.words(job.layout.audience.as_deref());
        let mut data =
            job_data(self.campaign, &job.layout, village, &words, self.pack, &self.shared)?;
        if let Some(t) = job.tactic {
            // Per-tactic layouts (social images): only that tactic.
            data.tactics = data.tactics.get(t).cloned().into_iter().collect();
        }
        // Typed data of strings and numbers: serialising it cannot fail.
        serde_json::to_vec(&data)
            .map_err(|e| Fault::Other(format!("dữ liệu của “{}”: {e}", job.stem)))
    }

    /// The blocks every document of `job`'s layout carries for this
    /// campaign ([`crate::layouts::Rules::blocks`]), the preflight's rule 6.
    /// They depend on the campaign, the layout and its audience only (a
    /// village's own words fill a placeholder, never choose a block):
    /// what one village's document must carry, every other's carries too.
    pub fn blocks(&self, job: &Job) -> Vec<content::Block> {
        let rules = &job.layout.preflight;
        if rules.blocks.is_empty() {
            return Vec::new();
        }
        let raised = raise(self.campaign, &job.layout) > 1.0;
        let tactics = rules.tactics_raised.filter(|_| raised).unwrap_or(rules.tactics);
        let village = job.village.map(|i| &self.campaign.villages[i]);
        let words = self.words(job.layout.audience.as_deref());
        words.blocks(self.campaign, village, &rules.blocks, tactics, job.tactic)
    }

    fn words(&self, audience: Option<&str>) -> Arc<Words> {
        let mut words = self.words.lock().unwrap_or_else(|e| e.into_inner());
        let entry = words.entry(audience.map(String::from));
        entry
            .or_insert_with(|| {
                Words::new(self.pack, self.campaign, audience).glued_shared(&self.shared.compounds)
            })
            .clone()
    }
}

/// Plans every job: `layouts` × villages (in file order).
pub fn plan(campaign: &Campaign, layouts: &[Layout], villages: &[usize], pack: &Pack) -> Vec<Job> {
    let commune_slug = crate::text::file_slug(&campaign.commune.full());
    let mut jobs = Vec::new();
    for layout in layouts {
        let targets: Vec<Option<usize>> = if layout.scope == crate::layouts::Scope::Commune {
            vec![None]
        } else {
            villages.iter().map(|i| Some(*i)).collect()
        };
        // Per-tactic layouts (social images): one document per tactic. Which
        // tactics a layout shows does not depend on the village.
        let tactic_ids: Vec<String> = if layout.per_tactic {
            let all = content::tactics(pack, campaign, None, layout.audience.as_deref());
            all.iter().map(|t| t.id.replace('_', "-")).collect()
        } else {
            Vec::new()
        };
        for v in targets {
            let village = v.map(|i| &campaign.villages[i]);
            let slug = village.map_or(commune_slug.clone(), |v| v.slug.clone());
            let name = village.map_or(campaign.commune.full(), Village::full);
            let variants: Vec<(String, Option<usize>)> = if layout.per_tactic {
                tactic_ids
                    .iter()
                    .enumerate()
                    .map(|(i, id)| (format!("{slug}-{id}"), Some(i)))
                    .collect()
            } else {
                vec![(slug.clone(), None)]
            };
            for (stem, tactic) in variants {
                jobs.push(Job {
                    layout: layout.clone(),
                    village: v,
                    tactic,
                    name: name.clone(),
                    stem: format!("{}/{stem}", layout.id),
                    ident: format!("canhbao/{commune_slug}/{}/{stem}", layout.id),
                });
            }
        }
    }
    jobs
}

/// Whom a job's document is for: the campaign's audience when it sets
/// one, else the layout's.
pub fn audience<'a>(c: &'a Campaign, layout: &'a Layout) -> &'a str {
    if c.audience_set {
        c.audience.as_str()
    } else {
        layout.audience.as_deref().unwrap_or(&c.audience)
    }
}

/// The factor a job's type sizes and minimums are raised by: 1, or
/// [`ELDERLY_RAISE`] for readers over 60. The layout receives it as
/// `layout.raise`, the preflight multiplies the layout's minimums by it.
pub fn raise(c: &Campaign, layout: &Layout) -> f64 {
    if audience(c, layout) == "elderly" { ELDERLY_RAISE } else { 1.0 }
}

/// The one value a layout receives; `layouts/DATA.md` documents every field
/// (a test holds the two together). The fields of each struct are in
/// alphabetical order, the order the JSON had when it was built as a
/// `serde_json::Value`: the bytes Typst reads, and so every document's input
/// hash in the manifest, stay those of earlier versions.
#[derive(Debug, Serialize)]
pub struct JobData<'a> {
    /// The campaign's audience, else the layout's.
    pub audience: &'a str,
    /// The reporting channels, each with its QR code.
    pub channels: &'a [ChannelData],
    /// The commune.
    pub commune: CommuneData,
    /// The campaign's other numbers, labels glued.
    pub contacts: Vec<ContactData>,
    /// Issue date, ISO (`2026-03-15`).
    pub date: Option<String>,
    /// A demonstration campaign: every page carries the sample band.
    pub example: bool,
    /// The campaign's longest village values, the same for every job: a
    /// layout decides what goes on a page with them, so every village of
    /// the campaign gets the same blocks and tactics.
    pub fit: Option<&'a FitData>,
    /// The commune's hotline.
    pub hotline: HotlineData<'a>,
    /// Who issues the document.
    pub issuer: IssuerData,
    /// The layout's page facts.
    pub layout: LayoutData<'a>,
    /// The locale pack's code.
    pub locale: &'a str,
    /// The logo's path in the virtual file system.
    pub logo: Option<String>,
    /// Print options.
    pub print: PrintData,
    /// The schema's version (1).
    pub schema: u32,
    /// The tactics chosen for this campaign and audience, placeholders filled.
    pub tactics: Vec<content::Tactic>,
    /// The locale pack's `[text]` with the campaign's overrides, filled.
    pub text: Value,
    /// The colours, CMYK in percent.
    pub theme: ThemeData,
    /// The village, or `None` for commune-level layouts.
    pub village: Option<VillageData>,
}

/// `JobData::fit`: the campaign's longest village values (each the longest
/// of its kind, in characters, glued as that village's own would be).
#[derive(Debug, Serialize)]
pub struct FitData {
    /// The longest village's full name (`tổ dân phố Xóm Đồng Muối …`).
    pub full: String,
    /// The longest village name.
    pub name: String,
    /// The longest officer name.
    pub officer: String,
    /// The longest officer number, as printed.
    pub phone: String,
}

impl FitData {
    /// None for a campaign with no village.
    fn of(c: &Campaign) -> Option<FitData> {
        let longest = |f: &dyn Fn(&Village) -> String| {
            c.villages.iter().map(f).max_by_key(|s| s.chars().count()).unwrap_or_default()
        };
        let glue = |s: String| if may_break(&s) { s } else { s.replace(' ', NBSP) };
        let v = c.villages.iter().max_by_key(|v| v.full().chars().count())?;
        Some(FitData {
            full: Glue::new(c, Some(v)).text(&v.full()),
            name: glue(longest(&|v| v.name.clone())),
            officer: glue(longest(&|v| v.officer.clone())),
            phone: longest(&|v| v.phone.printed()),
        })
    }
}

/// `JobData::layout`.
#[derive(Debug, Serialize)]
pub struct LayoutData<'a> {
    /// Trimmed height.
    pub height_mm: f64,
    /// The layout's id.
    pub id: &'a str,
    /// Pages in the document.
    pub pages: usize,
    /// Paper name.
    pub paper: &'a str,
    /// The smallest QR code the layout may print.
    pub qr_min_mm: f64,
    /// The factor type sizes are raised by ([`raise`]).
    pub raise: f64,
    /// Trimmed width.
    pub width_mm: f64,
}

/// `JobData::print`.
#[derive(Debug, Serialize)]
pub struct PrintData {
    /// Whether the banner prints a QR code.
    pub banner_qr: bool,
    /// Bleed around the trim.
    pub bleed_mm: f64,
    /// Whether crop marks are drawn.
    pub marks: bool,
}

/// `JobData::commune`.
#[derive(Debug, Serialize)]
pub struct CommuneData {
    /// `xã Tiên Trang`.
    pub full: String,
    /// `Xã Tiên Trang`.
    pub full_title: String,
    /// `xã`, `phường`, `đặc khu`.
    pub kind: String,
    /// `Tiên Trang`.
    pub name: String,
    /// `Thanh Hóa`.
    pub province: String,
    /// `tỉnh Thanh Hóa`.
    pub province_full: String,
}

/// `JobData::issuer`.
#[derive(Debug, Serialize)]
pub struct IssuerData {
    /// The issuer's address, if the campaign gives one.
    pub address: Option<String>,
    /// The issuer's name, glued.
    pub name: String,
    /// The unit above a "Công an …" issuer.
    pub parent: Option<String>,
}

/// `JobData::village`.
#[derive(Debug, Serialize)]
pub struct VillageData {
    /// `thôn Đông Hải`, glued.
    pub full: String,
    /// `Thôn Đông Hải`, glued.
    pub full_title: String,
    /// Households in the village.
    pub households: u32,
    /// `thôn`, `bản`, `tổ dân phố` …
    pub kind: String,
    /// `Đông Hải`, glued.
    pub name: String,
    /// Its place in the campaign's villages, from 1 (the sheet's slug:
    /// `tờ 3/31`, so stacks of near-identical sheets never mix).
    pub number: usize,
    /// How many villages the campaign has.
    pub of: usize,
    /// The village's police officer.
    pub officer: OfficerData,
    /// Public places (notice boards).
    pub public_places: u32,
    /// Shops.
    pub shops: u32,
    /// The village's file-name slug.
    pub slug: String,
}

/// `VillageData::officer`.
#[derive(Debug, Serialize)]
pub struct OfficerData {
    /// The officer's name, glued.
    pub name: String,
    /// The officer's number.
    pub phone: PhoneData,
}

/// A phone number with its QR code.
#[derive(Debug, Serialize)]
pub struct PhoneData {
    /// Digit groups joined by no-break spaces.
    pub display: String,
    /// The QR matrix of `tel`.
    pub qr: qr::Matrix,
    /// `tel:0912345678`.
    pub tel: String,
}

/// `JobData::hotline`.
#[derive(Debug, Serialize)]
pub struct HotlineData<'a> {
    /// Digit groups joined by no-break spaces.
    pub display: String,
    /// The hotline's label, glued.
    pub label: String,
    /// The QR matrix of `tel` (encoded once per campaign).
    pub qr: &'a qr::Matrix,
    /// `tel:…`.
    pub tel: String,
}

/// One of `JobData::contacts`.
#[derive(Debug, Clone, Serialize)]
pub struct ContactData {
    /// Digit groups joined by no-break spaces.
    pub display: String,
    /// `Cảnh sát khẩn cấp`.
    pub label: String,
    /// `tel:113`.
    pub tel: String,
}

/// One of `JobData::channels`.
#[derive(Debug, Serialize)]
pub struct ChannelData {
    /// The value as printed, no-break spaces in a grouped number.
    pub display: String,
    /// What the channel is for.
    pub label: String,
    /// The QR matrix of `value`.
    pub qr: qr::Matrix,
    /// The link or `tel:` number the QR code holds.
    pub value: String,
}

/// `JobData::theme`.
#[derive(Debug, Serialize)]
pub struct ThemeData {
    /// The accent colour.
    pub accent: [f64; 4],
    /// Text: 100 % K.
    pub ink: [u8; 4],
    /// The paper: no ink.
    pub paper: [u8; 4],
    /// The primary colour.
    pub primary: [f64; 4],
}

/// The one value a layout receives for `layout` and `village`.
fn job_data<'a>(
    c: &'a Campaign,
    layout: &'a Layout,
    village: Option<&Village>,
    words: &Words,
    pack: &'a Pack,
    shared: &'a Shared,
) -> Result<JobData<'a>, Fault> {
    let (mut text, mut tactics) = words.fill(c, village);
    let glue = Glue::new(c, village);
    glue.value(&mut text);
    tactics.iter_mut().for_each(|t| t.map_strings(|s| glue.text(s)));
    let parent = c
        .issuer
        .name
        .starts_with("Công an")
        .then(|| glue.text(&format!("Công an {}", c.commune.province_full())));
    let village = match village {
        Some(v) => Some(VillageData {
            full: glue.text(&v.full()),
            full_title: glue.text(&crate::text::capitalize(&v.full())),
            households: v.households,
            kind: v.kind.clone(),
            name: glue.text(&v.name),
            number: c.villages.iter().position(|x| x.slug == v.slug).map_or(1, |i| i + 1),
            of: c.villages.len(),
            officer: OfficerData {
                name: glue.text(&v.officer),
                phone: PhoneData {
                    display: v.phone.printed(),
                    qr: qr::matrix(&v.phone.tel())?,
                    tel: v.phone.tel(),
                },
            },
            public_places: v.public_places,
            shops: v.shops,
            slug: v.slug.clone(),
        }),
        None => None,
    };
    let contacts = shared
        .contacts
        .iter()
        .map(|k| ContactData { label: glue.text(&k.label), ..k.clone() })
        .collect();
    Ok(JobData {
        audience: audience(c, layout),
        channels: &shared.channels,
        commune: CommuneData {
            full: c.commune.full(),
            full_title: crate::text::capitalize(&c.commune.full()),
            kind: c.commune.kind.clone(),
            name: c.commune.name.clone(),
            province: c.commune.province.clone(),
            province_full: c.commune.province_full(),
        },
        contacts,
        date: c.date.map(|d| d.to_string()),
        example: c.example,
        fit: shared.fit.as_ref(),
        hotline: HotlineData {
            display: c.hotline.phone.printed(),
            label: glue.text(&shared.compounds.glue(&c.hotline.label)),
            qr: &shared.hotline_qr,
            tel: c.hotline.phone.tel(),
        },
        issuer: IssuerData {
            address: c.issuer.address.clone(),
            name: glue.text(&c.issuer.name),
            parent,
        },
        layout: LayoutData {
            height_mm: layout.height_mm,
            id: &layout.id,
            pages: layout.pages,
            paper: &layout.paper,
            qr_min_mm: layout.qr_min_mm,
            raise: raise(c, layout),
            width_mm: layout.width_mm,
        },
        locale: &pack.code,
        logo: c.logo.as_ref().map(|l| format!("{}/{l}", crate::world::CAMPAIGN_DIR)),
        print: PrintData {
            banner_qr: c.print.banner_qr,
            bleed_mm: c.print.bleed_mm,
            marks: c.print.marks,
        },
        schema: 1,
        tactics,
        text,
        theme: ThemeData {
            accent: c.theme.accent,
            ink: [0, 0, 0, 100],
            paper: [0, 0, 0, 0],
            primary: c.theme.primary,
        },
        village,
    })
}

const NBSP: &str = "\u{a0}";

/// The longest phrase kept on one line (characters): "Công an phường Nam
/// Gia Nghĩa" (28) glued whole ran past the trim of the A5's narrow step
/// column; such a phrase breaks after "Công an" instead.
const MAX_GLUED: usize = 24;

/// The longest village name kept on one line: "Khu tập thể Cơ khí Mai
/// Động" (27). A village name never stands in the narrow step or tactic
/// columns, only in the greeting, the officer's label, the poster's place
/// line and the trifold cover, all wider than 32 characters of their type.
/// A longer name breaks between words like any text of its sentence (a
/// reader expects a 110-character name to wrap), and the preflight lets
/// it (`may_break`); a phone number, an address or a person's name never.
const MAX_GLUED_NAME: usize = 32;

/// Whether the plan keeps a phrase whole (glues its words).
pub fn glued(phrase: &str) -> bool {
    phrase.chars().count() <= MAX_GLUED
}

/// Whether a place name (village, commune) is too long to be kept on one
/// line, so that it may break at a space between its words.
pub fn may_break(name: &str) -> bool {
    name.trim().chars().count() > MAX_GLUED_NAME
}

/// Names and fixed phrases that a line must never break inside ("xã Tiên
/// Trang" / "Công an xã" / "trực ban", the officer's name, a phone number
/// written into a sentence): their spaces become no-break spaces in every
/// printed string, once, here, so that every layout (built-in or a
/// campaign's own) keeps them whole.
struct Glue {
    /// The phrases, longest first, so that "Công an xã Tiên
    /// Trang" is glued as one; each also with a capital first letter, as at
    /// the start of a sentence.
    phrases: Vec<String>,
}

impl Glue {
    fn new(c: &Campaign, village: Option<&Village>) -> Glue {
        let commune = c.commune.full();
        let mut phrases = vec![
            c.issuer.name.clone(),
            format!("Công an {commune}"),
            // Not "Công an xã" alone: glued after the commune's name it
            // would join "Công an phường Nam Gia Nghĩa" past MAX_GLUED.
            commune,
            c.commune.name.clone(),
            c.commune.province_full(),
            c.hotline.phone.to_string(),
        ];
        phrases.extend(c.contacts.iter().map(|k| k.phone.to_string()));
        let capitals: Vec<String> = phrases.iter().map(|p| crate::text::capitalize(p)).collect();
        phrases.extend(capitals);
        // A phrase longer than a line of a narrow column may break, at a space.
        phrases.retain(|p| glued(p));
        if let Some(v) = village {
            let names = [v.full(), v.name.clone(), v.officer.clone(), v.phone.to_string()];
            let capitals = names.clone().map(|p| crate::text::capitalize(&p));
            phrases.extend(names.into_iter().chain(capitals).filter(|p| !may_break(p)));
            // A name too long to glue still keeps its kind whole: "tổ dân
            // phố / Làng chài …", never "tổ dân / phố Làng chài …".
            phrases.push(v.kind.clone());
        }
        phrases.retain(|p| p.contains(' '));
        phrases.sort_by(|a, b| b.chars().count().cmp(&a.chars().count()).then(a.cmp(b)));
        phrases.dedup();
        Glue { phrases }
    }

    /// `s` with the spaces inside every known phrase made no-break. A
    /// space of `s` already no-break (a compound of the pack, "Công\u{a0}an
    /// xã Tiên Trang") still matches a phrase's space.
    fn text(&self, s: &str) -> String {
        let mut out: Vec<char> = s.chars().collect();
        let loose: Vec<char> = out.iter().map(|&c| if c == '\u{a0}' { ' ' } else { c }).collect();
        let mut changed = false;
        for p in &self.phrases {
            let p: Vec<char> = p.chars().collect();
            let mut at = 0;
            while at + p.len() <= loose.len() {
                if loose[at..at + p.len()] == p[..] {
                    out[at..at + p.len()].iter_mut().filter(|c| **c == ' ').for_each(|c| {
                        *c = '\u{a0}';
                        changed = true;
                    });
                    at += p.len();
                } else {
                    at += 1;
                }
            }
        }
        if changed { out.into_iter().collect() } else { s.to_string() }
    }

    /// Every string in `v`.
    fn value(&self, v: &mut Value) {
        match v {
            Value::String(s) => *s = self.text(s),
            Value::Array(a) => a.iter_mut().for_each(|x| self.value(x)),
            Value::Object(o) => o.values_mut().for_each(|x| self.value(x)),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn campaign(dir: &str) -> Campaign {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
        crate::load(&dir).unwrap_or_else(|_| panic!("{} loads", dir.display())).campaign
    }

    /// Every key path of a JSON value (`village.officer.phone.tel`; an
    /// array's objects as `tactics[]`), except inside the locale's `text`.
    fn key_paths(v: &Value, at: &str, out: &mut std::collections::BTreeSet<String>) {
        match v {
            Value::Object(o) => {
                for (k, x) in o {
                    let here = if at.is_empty() { k.clone() } else { format!("{at}.{k}") };
                    out.insert(here.clone());
                    if here != "text" {
                        key_paths(x, &here, out);
                    }
                }
            }
            Value::Array(a) => a.iter().for_each(|x| key_paths(x, &format!("{at}[]"), out)),
            _ => {}
        }
    }

    /// The example value in `layouts/DATA.md`, its comments removed.
    fn documented() -> Value {
        let md = include_str!("../layouts/DATA.md");
        let block = md.split("```jsonc\n").nth(1).and_then(|b| b.split("```").next()).unwrap();
        let mut json = String::new();
        for line in block.lines() {
            // A comment starts at " //" (a URL's "://" is not one).
            let line = line.find(" //").map_or(line, |i| &line[..i]);
            let line = match (line.find("/*"), line.find("*/")) {
                (Some(a), Some(b)) => format!("{}{}", &line[..a], &line[b + 2..]),
                _ => line.to_string(),
            };
            json.push_str(&line);
            json.push('\n');
        }
        serde_json::from_str(&json).unwrap_or_else(|e| panic!("DATA.md's example: {e}\n{json}"))
    }

    #[test]
    fn data_md_names_every_field_of_job_data() {
        let c = campaign("examples/tien-trang");
        let pack = crate::content::Pack::builtin(&c.locale).unwrap();
        let layout = crate::layouts::builtin().into_iter().find(|l| l.id == "leaflet-a5").unwrap();
        let jobs = plan(&c, &[layout], &[0], &pack);
        let data = Planner::new(&c, &pack).unwrap().data(&jobs[0]).unwrap();
        let (mut sent, mut doc) = (Default::default(), Default::default());
        key_paths(&serde_json::from_slice(&data).unwrap(), "", &mut sent);
        key_paths(&documented(), "", &mut doc);
        let missing: Vec<_> = sent.difference(&doc).collect();
        let unknown: Vec<_> = doc.difference(&sent).collect();
        assert!(missing.is_empty(), "layouts/DATA.md does not name {missing:?}");
        assert!(
            unknown.is_empty(),
            "layouts/DATA.md names fields a layout never gets: {unknown:?}"
        );
    }

    #[test]
    fn job_data_keeps_its_keys_in_alphabetical_order() {
        // The order the JSON had when it was a serde_json::Value (whose maps
        // sort): a field added out of order would change the bytes Typst
        // reads and every document's input hash, so every file would be
        // made again after an upgrade.
        let c = campaign("examples/hac-thanh");
        let pack = crate::content::Pack::builtin(&c.locale).unwrap();
        let planner = Planner::new(&c, &pack).unwrap();
        let layouts = crate::layouts::builtin();
        for job in plan(&c, &layouts, &[0], &pack) {
            let bytes = planner.data(&job).unwrap();
            let value: Value = serde_json::from_slice(&bytes).unwrap();
            let sorted = serde_json::to_vec(&value).unwrap();
            assert!(
                bytes == sorted,
                "{}: JobData's fields are not in alphabetical order",
                job.stem
            );
        }
    }

    #[test]
    fn two_syllable_words_and_short_names_are_glued() {
        let c = campaign("examples/tien-trang");
        let g = Glue::new(&c, Some(&c.villages[0]));
        // The pack's compounds first (as `Words::glued`), then the names: a
        // name still glues over a compound's no-break space.
        let words = crate::glue::Compounds::builtin("vi");
        let g = |s: &str| g.text(&words.glue(s));
        // (“Không” with the word it negates, `không *`.)
        assert_eq!(g("Không làm theo yêu cầu lạ"), "Không\u{a0}làm theo yêu\u{a0}cầu lạ");
        assert_eq!(
            g("Báo ngay Công an xã Tiên Trang."),
            // (“báo ngay” is a compound of the list.)
            "Báo\u{a0}ngay Công\u{a0}an\u{a0}xã\u{a0}Tiên\u{a0}Trang."
        );
    }

    #[test]
    fn a_village_name_is_glued_up_to_its_limit_and_breaks_beyond() {
        let c = campaign("tests/fixtures/long-names");
        let v = c.villages.iter().find(|v| v.name.starts_with("Khu")).unwrap();
        let g = Glue::new(&c, Some(v));
        // "Khu tập thể Cơ khí Mai Động" (27): one line; "tổ dân phố Khu …"
        // (38): may break between the kind and the name only.
        assert!(!may_break(&v.name) && may_break(&v.full()));
        // The kind itself whole ("tổ dân / phố" read as two words).
        assert_eq!(
            g.text(&v.full()),
            format!("tổ\u{a0}dân\u{a0}phố {}", v.name.replace(' ', NBSP))
        );
        // "Công an phường Hoàng Văn Thụ" (28) breaks after "Công an".
        assert!(!glued("Công an phường Hoàng Văn Thụ"));
        assert_eq!(
            g.text(&crate::glue::Compounds::builtin("vi").glue("Báo Công an phường Hoàng Văn Thụ")),
            "Báo Công\u{a0}an phường\u{a0}Hoàng\u{a0}Văn\u{a0}Thụ"
        );
    }
}
