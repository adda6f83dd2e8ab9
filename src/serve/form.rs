//! The campaign form ⇄ `campaign.toml`, edited in place with `toml_edit`:
//! a value the officer did not change keeps its exact text, a changed value
//! keeps its trailing comment, and keys keep their order.

use serde::{Deserialize, Serialize};
use toml_edit::{Array, ArrayOfTables, DocumentMut, Item, Table, Value};

/// What the form shows and sends back. The commune, the issuer, the
/// contacts, the layouts and the revision must be sent: a request without
/// them (`{}`) is refused, never read as "empty everything".
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Form {
    /// The [`revision`] of `campaign.toml` the form was read from: a save
    /// made from an older one would undo someone else's save.
    pub revision: String,
    pub commune: Commune,
    pub issuer: Issuer,
    pub contacts: Vec<Contact>,
    #[serde(default)]
    pub channels: Vec<Channel>,
    pub layouts: Vec<String>,
    /// Empty: the layouts' own audience.
    #[serde(default)]
    pub audience: String,
    #[serde(default)]
    pub locale: String,
    #[serde(default)]
    pub theme: Theme,
    #[serde(default)]
    pub print: Print,
}

/// The revision of a `campaign.toml` text: changes whenever its bytes do.
pub fn revision(bytes: &[u8]) -> String {
    use sha2::Digest;
    let hash = sha2::Sha256::digest(bytes);
    hash.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// What a form sent to be saved lacks or has too much of, each as
/// (field id of the page, sentence): the required values, and the command
/// line's length limits ([`crate::campaign::MAX_NAME`] …), so the page never
/// saves a file that `check` then refuses for its size.
pub fn problems(f: &Form) -> Vec<(String, String)> {
    use crate::campaign::{MAX_NAME, MAX_PHONE, MAX_URL};
    let mut out = Vec::new();
    let mut need = |id: &str, value: &str, what: &str| {
        if value.trim().is_empty() {
            out.push((id.to_string(), format!("Chưa điền {what}.")));
        }
    };
    need("commune-name", &f.commune.name, "tên xã (phường)");
    need("commune-kind", &f.commune.kind, "loại đơn vị (xã, phường, đặc khu)");
    need("commune-province", &f.commune.province, "tỉnh (thành phố)");
    need("issuer-name", &f.issuer.name, "đơn vị phát hành");
    if f.contacts.is_empty() {
        out.push(("contact-phone-0".into(), "Cần ít nhất một số điện thoại để in.".into()));
    }
    if f.layouts.is_empty() {
        out.push(("layouts".into(), "Chọn ít nhất một mẫu cần in.".into()));
    }
    let mut long = |id: String, value: &str, max: usize, what: &str| {
        let n = value.chars().count();
        if n > max {
            out.push((id, format!("{what} dài {n} ký tự, quá giới hạn {max} ký tự.")));
        }
    };
    long("commune-name".into(), &f.commune.name, MAX_NAME, "Tên xã");
    long("commune-province".into(), &f.commune.province, MAX_NAME, "Tên tỉnh");
    long("issuer-name".into(), &f.issuer.name, MAX_NAME, "Tên đơn vị phát hành");
    for (i, c) in f.contacts.iter().enumerate() {
        long(format!("contact-label-{i}"), &c.label, MAX_NAME, "Tên gọi");
        long(format!("contact-phone-{i}"), &c.phone, MAX_PHONE, "Số điện thoại");
    }
    for (i, c) in f.channels.iter().enumerate() {
        long(format!("channel-label-{i}"), &c.label, MAX_NAME, "Tên kênh");
        long(format!("channel-url-{i}"), &c.url, MAX_URL, "Địa chỉ");
    }
    out
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Commune {
    pub name: String,
    pub kind: String,
    pub province: String,
    /// A unit made after the official list: not checked against it.
    pub unlisted: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Issuer {
    pub name: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Contact {
    pub label: String,
    pub phone: String,
    pub hotline: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Channel {
    pub label: String,
    pub url: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Theme {
    /// CMYK percentages (empty: the built-in colour).
    pub primary: Vec<f64>,
    pub accent: Vec<f64>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Print {
    pub bleed_mm: Option<f64>,
    pub spare_percent: Option<f64>,
    pub marks: bool,
}

fn text(t: Option<&Item>, key: &str) -> String {
    t.and_then(|t| t.get(key)).and_then(Item::as_str).unwrap_or_default().to_string()
}

fn number(item: Option<&Item>) -> Option<f64> {
    let v = item?.as_value()?;
    v.as_float().or_else(|| v.as_integer().map(|i| i as f64))
}

fn numbers(item: Option<&Item>) -> Vec<f64> {
    item.and_then(Item::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_float().or_else(|| v.as_integer().map(|i| i as f64)))
                .collect()
        })
        .unwrap_or_default()
}

/// Reads the form's fields from the file (whatever is missing stays empty).
pub fn read(doc: &DocumentMut) -> Form {
    let commune = doc.get("commune");
    let tables = |key: &str| doc.get(key).and_then(Item::as_array_of_tables);
    Form {
        revision: String::new(),
        commune: Commune {
            name: text(commune, "name"),
            kind: text(commune, "kind"),
            province: text(commune, "province"),
            unlisted: commune
                .and_then(|c| c.get("unlisted"))
                .and_then(Item::as_bool)
                .unwrap_or(false),
        },
        issuer: Issuer { name: text(doc.get("issuer"), "name") },
        contacts: tables("contacts")
            .map(|a| {
                a.iter()
                    .map(|t| Contact {
                        label: t.get("label").and_then(Item::as_str).unwrap_or("").into(),
                        phone: t.get("phone").and_then(Item::as_str).unwrap_or("").into(),
                        hotline: t.get("hotline").and_then(Item::as_bool).unwrap_or(false),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        channels: tables("channels")
            .map(|a| {
                a.iter()
                    .map(|t| Channel {
                        label: t.get("label").and_then(Item::as_str).unwrap_or("").into(),
                        url: t.get("url").and_then(Item::as_str).unwrap_or("").into(),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        layouts: doc
            .get("layouts")
            .and_then(Item::as_array)
            .map(|a| a.iter().filter_map(|v| v.as_str().map(String::from)).collect())
            .unwrap_or_default(),
        audience: doc.get("audience").and_then(Item::as_str).unwrap_or("").into(),
        locale: doc.get("locale").and_then(Item::as_str).unwrap_or("vi").into(),
        theme: Theme {
            primary: numbers(doc.get("theme").and_then(|t| t.get("primary"))),
            accent: numbers(doc.get("theme").and_then(|t| t.get("accent"))),
        },
        print: Print {
            bleed_mm: number(doc.get("print").and_then(|t| t.get("bleed_mm"))),
            spare_percent: number(doc.get("print").and_then(|t| t.get("spare_percent"))),
            marks: doc
                .get("print")
                .and_then(|t| t.get("marks"))
                .and_then(Item::as_bool)
                .unwrap_or(false),
        },
    }
}

/// Writes the form into the document, touching only what changed.
pub fn apply(doc: &mut DocumentMut, f: &Form) {
    let root = doc.as_table_mut();
    set(root, "locale", Some(Value::from(f.locale.as_str())));
    set(root, "layouts", Some(strings(&f.layouts)));
    set(root, "audience", (!f.audience.is_empty()).then(|| Value::from(f.audience.as_str())));
    let commune = table(root, "commune");
    set(commune, "name", Some(Value::from(f.commune.name.as_str())));
    set(commune, "kind", Some(Value::from(f.commune.kind.as_str())));
    set(commune, "province", Some(Value::from(f.commune.province.as_str())));
    set(commune, "unlisted", f.commune.unlisted.then(|| Value::from(true)));
    // No `[issuer]` in the file and none given: the default one prints.
    if !f.issuer.name.is_empty() || root.contains_key("issuer") {
        let issuer = table(root, "issuer");
        set(issuer, "name", Some(Value::from(f.issuer.name.as_str())));
    }
    let contacts: Vec<Vec<(&str, Option<Value>)>> = f
        .contacts
        .iter()
        .map(|c| {
            vec![
                ("label", Some(Value::from(c.label.as_str()))),
                ("phone", Some(Value::from(c.phone.as_str()))),
                ("hotline", c.hotline.then(|| Value::from(true))),
            ]
        })
        .collect();
    rows(root, "contacts", &contacts);
    let channels: Vec<Vec<(&str, Option<Value>)>> = f
        .channels
        .iter()
        .map(|c| {
            vec![
                ("label", Some(Value::from(c.label.as_str()))),
                ("url", Some(Value::from(c.url.as_str()))),
            ]
        })
        .collect();
    rows(root, "channels", &channels);
    let theme = table(root, "theme");
    set(theme, "primary", (!f.theme.primary.is_empty()).then(|| nums(&f.theme.primary)));
    set(theme, "accent", (!f.theme.accent.is_empty()).then(|| nums(&f.theme.accent)));
    let print = table(root, "print");
    set(print, "bleed_mm", f.print.bleed_mm.map(num));
    set(print, "spare_percent", f.print.spare_percent.map(num));
    set(print, "marks", f.print.marks.then(|| Value::from(true)));
}

/// Fills `[commune]`, `[issuer]` and the hotline of a fresh template.
pub fn start(doc: &mut DocumentMut, commune: &Commune, issuer: &str, phone: &str) {
    let mut f = read(doc);
    f.commune = commune.clone();
    f.issuer.name = issuer.to_string();
    if let Some(c) = f.contacts.iter_mut().find(|c| c.hotline) {
        c.phone = phone.to_string();
    }
    apply(doc, &f);
}

/// The order of the file's tables, as the templates write them.
const ORDER: [&str; 6] = ["commune", "issuer", "contacts", "channels", "theme", "print"];

/// The sub-table `key`, created when missing right after the table it
/// follows in [`ORDER`] (so a new `[issuer]` goes under `[commune]`, not
/// after `[print]`, where the comments closing `[print]` would fall under it).
fn table<'a>(root: &'a mut Table, key: &str) -> &'a mut Table {
    if !root.get(key).is_some_and(Item::is_table) {
        // Implicit: an untouched missing table does not appear in the file.
        let mut t = Table::new();
        t.set_implicit(true);
        let before = ORDER.iter().copied().take_while(|k| *k != key).filter_map(|k| {
            let item = root.get(k)?;
            item.as_table()
                .and_then(Table::position)
                .or_else(|| item.as_array_of_tables()?.iter().filter_map(Table::position).max())
        });
        // Written after the tables of the same position: just after that one.
        t.set_position(before.max());
        root.insert(key, Item::Table(t));
    }
    root.get_mut(key).and_then(Item::as_table_mut).expect("just made a table")
}

/// Sets, replaces (keeping the comment after it) or removes one key.
fn set(t: &mut Table, key: &str, new: Option<Value>) {
    let Some(mut new) = new else {
        t.remove(key);
        return;
    };
    match t.get_mut(key) {
        Some(Item::Value(old)) => {
            if bare(old) != bare(&new) {
                *new.decor_mut() = old.decor().clone();
                if asks_to_fill(old.decor()) && !bare(&new).trim_matches('"').is_empty() {
                    // "# ĐIỀN …" / "# VÍ DỤ — thay …" asked for this value: it is given.
                    new.decor_mut().set_suffix("");
                }
                *old = new;
            }
        }
        Some(other) => *other = Item::Value(new),
        None => {
            t.insert(key, Item::Value(new));
        }
    }
}

/// Whether the comment after a value asks the officer to fill it in: the
/// `init` template's "# ĐIỀN …" and the examples' "# VÍ DỤ — thay …".
fn asks_to_fill(decor: &toml_edit::Decor) -> bool {
    let comment = decor.suffix().and_then(|s| s.as_str()).unwrap_or("").trim_start();
    comment
        .strip_prefix('#')
        .map(str::trim_start)
        .is_some_and(|c| FILL_IN.iter().any(|mark| c.starts_with(mark)))
}

/// The first words of a comment that asks for a value.
const FILL_IN: [&str; 2] = ["ĐIỀN", "VÍ DỤ"];

/// A value's text without its surrounding spaces and comments.
fn bare(v: &Value) -> String {
    let mut v = v.clone();
    v.decor_mut().clear();
    if let Value::Array(a) = &mut v {
        for item in a.iter_mut() {
            item.decor_mut().clear();
        }
        a.set_trailing("");
        a.set_trailing_comma(false);
    }
    v.to_string()
}

/// `[[key]]` rows: existing tables are edited in place, extra ones added or
/// removed at the end.
fn rows(root: &mut Table, key: &str, wanted: &[Vec<(&str, Option<Value>)>]) {
    if !root.get(key).is_some_and(Item::is_array_of_tables) {
        if wanted.is_empty() {
            return;
        }
        root.insert(key, Item::ArrayOfTables(ArrayOfTables::new()));
    }
    let aot = root.get_mut(key).and_then(Item::as_array_of_tables_mut).expect("just made");
    while aot.len() > wanted.len() {
        aot.remove(aot.len() - 1);
    }
    for (i, fields) in wanted.iter().enumerate() {
        if i == aot.len() {
            aot.push(Table::new());
        }
        let t = aot.get_mut(i).expect("within length");
        for (k, v) in fields {
            set(t, k, v.clone());
        }
    }
}

fn strings(items: &[String]) -> Value {
    Value::Array(items.iter().map(String::as_str).collect::<Array>())
}

/// A number as the officer would write it: `3`, not `3.0`.
fn num(x: f64) -> Value {
    if x.fract() == 0.0 && x.abs() < 1e15 { Value::from(x as i64) } else { Value::from(x) }
}

fn nums(xs: &[f64]) -> Value {
    let mut a = Array::new();
    for &x in xs {
        a.push(num(x));
    }
    Value::Array(a)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "# head comment\nlocale = \"vi\"\nlayouts = [\"leaflet-a5\"]   # which\n\n[commune]\nname = \"A\"    # the name\nkind = \"xã\"\nprovince = \"B\"\n\n[[contacts]]\nlabel = \"Trực ban\"\nphone = \"0237 1\"   # duty\nhotline = true\n";

    #[test]
    fn unchanged_form_rewrites_the_same_text() {
        let mut doc: DocumentMut = FILE.parse().unwrap();
        let f = read(&doc);
        apply(&mut doc, &f);
        // [theme]/[print] did not exist and stay empty: only their headers may appear.
        let out = doc.to_string();
        assert!(out.starts_with(FILE), "{out}");
    }

    #[test]
    fn a_changed_phone_keeps_its_comment_and_the_key_order() {
        let mut doc: DocumentMut = FILE.parse().unwrap();
        let mut f = read(&doc);
        f.contacts[0].phone = "0237 3868 113".into();
        f.commune.name = "Tiên Trang".into();
        apply(&mut doc, &f);
        let out = doc.to_string();
        assert!(out.contains("phone = \"0237 3868 113\"   # duty\n"), "{out}");
        assert!(out.contains("name = \"Tiên Trang\"    # the name\n"), "{out}");
        assert!(out.starts_with("# head comment\nlocale"), "{out}");
        let order: Vec<usize> =
            ["label", "phone", "hotline"].iter().map(|k| out.find(k).unwrap()).collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]), "{out}");
    }

    #[test]
    fn the_start_form_writes_the_issuer_under_the_commune() {
        let dir = tempfile::tempdir().unwrap();
        crate::init::init(dir.path(), (2026, 1, 2)).unwrap();
        let text = std::fs::read_to_string(dir.path().join("campaign.toml")).unwrap();
        let mut doc: DocumentMut = text.parse().unwrap();
        let commune = Commune {
            name: "Tiên Trang".into(),
            kind: "xã".into(),
            province: "Thanh Hóa".into(),
            unlisted: false,
        };
        start(&mut doc, &commune, "Công an xã Tiên Trang", "0237 3868 113");
        let out = doc.to_string();
        let at = |needle: &str| out.find(needle).unwrap_or_else(|| panic!("{needle}:\n{out}"));
        assert!(at("[commune]") < at("[issuer]") && at("[issuer]") < at("[[contacts]]"), "{out}");
        // The commented `marks` stays in `[print]`: no table starts between them.
        let tail = &out[at("[print]")..at("# marks = true")];
        assert!(!tail.contains("\n["), "{out}");
        assert!(out.contains("[issuer]\nname = \"Công an xã Tiên Trang\""), "{out}");
    }

    #[test]
    fn a_filled_value_loses_the_comment_that_asked_for_it() {
        let file = "[commune]\nname = \"\"   # ĐIỀN tên xã\nprovince = \"\"   # ĐIỀN tên tỉnh\n\n[[contacts]]\nlabel = \"Trực ban\"   # ĐIỀN nhãn\nphone = \"0237 1\"   # VÍ DỤ — thay bằng số thật\nhotline = true\n";
        let mut doc: DocumentMut = file.parse().unwrap();
        let mut f = read(&doc);
        f.commune.name = "Tiên Trang".into();
        f.contacts[0].phone = "0237 3868 113".into();
        apply(&mut doc, &f);
        let out = doc.to_string();
        assert!(out.contains("name = \"Tiên Trang\"\n"), "{out}");
        assert!(out.contains("phone = \"0237 3868 113\"\n"), "{out}");
        // Still empty, or untouched: the request stays.
        assert!(out.contains("province = \"\"   # ĐIỀN tên tỉnh\n"), "{out}");
        assert!(out.contains("label = \"Trực ban\"   # ĐIỀN nhãn\n"), "{out}");
    }
}
