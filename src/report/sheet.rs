//! The delivery sheet of each village (`out/giao-nhan/<village>.pdf`,
//! `layouts/giao-nhan.typ`): what the commune hands the village with its
//! counts, the same as the print order's, so the receiver signs for what
//! the print shop made.

use std::path::Path;

use serde_json::json;

use crate::campaign::Campaign;
use crate::diag::Fault;
use crate::layouts::Layout;

/// Most tally boxes on the page: beyond, each box counts several households.
const MAX_BOXES: u32 = 600;

/// The tally: how many boxes, and how many households each stands for
/// (1, 2, 5, 10, 20, 50… so the count stays easy to add up).
pub fn tally(households: u32) -> (u32, u32) {
    let mut per = 1u32;
    let steps = [2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000];
    let mut k = 0;
    while households.div_ceil(per) > MAX_BOXES && k < steps.len() {
        per = steps[k];
        k += 1;
    }
    (households.div_ceil(per).min(MAX_BOXES), per)
}

/// `Tổ dân phố`, `Thôn`, `Bản`, `Ấp`, `Khu phố`: the kind, capitalised.
fn unit_word(kind: &str) -> String {
    let mut c = kind.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_else(|| "Thôn".into())
}

/// The head of a village of `kind`: `Tổ trưởng` of a tổ dân phố,
/// `Trưởng khu phố`, `Trưởng thôn` (bản, ấp, buôn alike).
fn head_word(kind: &str) -> String {
    match crate::text::fold(kind).as_str() {
        "todanpho" | "to" => "Tổ trưởng".into(),
        "" => "Trưởng thôn".into(),
        _ => format!("Trưởng {kind}"),
    }
}

/// The data `giao-nhan.typ` draws for village `i` (see the file's header).
pub fn data(c: &Campaign, layouts: &[Layout], i: usize) -> serde_json::Value {
    let v = &c.villages[i];
    let h = super::handed(c, layouts, i);
    let (boxes, per_box) = tally(v.households);
    json!({
        "issuer": c.issuer.name,
        // Place names never break across lines (`tỉnh Cao / Bằng`).
        "commune_full": super::figures::unbroken(&c.commune.full()),
        "province_full": super::figures::unbroken(&c.commune.province_full()),
        "village_full": v.full(),
        "households": v.households,
        "officer": v.officer,
        "officer_phone": v.phone.to_string(),
        // The receiver's words follow the village's kind: a street group
        // (tổ dân phố, khu phố) has a tổ trưởng, a village a trưởng thôn.
        "unit": unit_word(&v.kind),
        "head": head_word(&v.kind),
        "date": c.date.map(super::figures::day),
        "example": c.example,
        "items": h.items.iter().map(|(title, count, unit)| json!({
            "title": title, "count": count, "unit": unit,
        })).collect::<Vec<_>>(),
        "script": format!("loa/{}.txt", v.slug),
        "tally": { "boxes": boxes, "per_box": per_box },
    })
}

/// Renders and writes village `i`'s sheet into `out` (unchanged bytes are
/// not written again); returns its path in `out`.
pub fn write(
    base: &crate::world::Base,
    c: &Campaign,
    layouts: &[Layout],
    i: usize,
    out: &Path,
) -> Result<String, Fault> {
    let v = &c.villages[i];
    let rel = format!("{}/{}.pdf", super::SHEETS_DIR, v.slug);
    let mut value = data(c, layouts, i);
    // What the sheet is made from (its data, the layout, the tool), kept in
    // the PDF's keywords: a sheet on disk with the same key is not made
    // again, so a re-run costs a file read, not a Typst compile.
    let key = key(base, &value);
    value["key"] = serde_json::Value::String(key.clone());
    let path = crate::output::place(out, &rel)?;
    let regular = std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file());
    let same = |old: Vec<u8>| old.windows(key.len()).any(|w| w == key.as_bytes());
    if regular && std::fs::read(&path).is_ok_and(same) {
        return Ok(rel);
    }
    let bytes = serde_json::to_vec(&value).map_err(|e| Fault::Other(e.to_string()))?;
    let world = base.job("giao-nhan.typ", bytes);
    let why = |e: String| Fault::Other(format!("biên bản giao nhận của {}: {e}", v.full()));
    // A long name may push the tally to a second page: still a sheet to
    // photocopy, never a village left without one.
    let doc = super::compile(&world).map_err(why)?;
    let commune = crate::text::file_slug(&c.commune.full());
    let settings = crate::render::PdfSettings {
        ident: format!("canhbao/{commune}/{}/{}", super::SHEETS_DIR, v.slug),
        date: c.date,
    };
    let pdf = crate::render::pdf(&doc, &settings).map_err(|e| why(e.to_string()))?;
    crate::output::write_if_changed(&path, &pdf)?;
    Ok(rel)
}

/// The key of a sheet made from `value`: the tool's version, the data,
/// and the layout (the built-in one, or the campaign's own `giao-nhan.typ`).
fn key(base: &crate::world::Base, value: &serde_json::Value) -> String {
    let own = base.digest(&format!("{}/giao-nhan.typ", crate::layouts::LAYOUTS_DIR));
    let builtin = crate::layouts::BUILTIN_FILES.iter().find(|f| f.0 == "giao-nhan.typ");
    let layout = own.unwrap_or_else(|| crate::output::sha256(builtin.map_or(&[][..], |f| f.1)));
    let seed = format!("{}\n{layout}\n{value}", env!("CARGO_PKG_VERSION"));
    format!("canhbao-giao-nhan-{}", &crate::output::sha256(seed.as_bytes())[..32])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tally_fits_the_page_and_counts_every_household() {
        assert_eq!(tally(305), (305, 1));
        assert_eq!(tally(600), (600, 1));
        assert_eq!(tally(601), (301, 2));
        assert_eq!(tally(4000), (400, 10));
        for n in [0, 1, 599, 1234, 99_999, 1_000_000] {
            let (boxes, per) = tally(n);
            assert!(boxes <= MAX_BOXES && u64::from(boxes) * u64::from(per) >= u64::from(n), "{n}");
        }
    }
}
