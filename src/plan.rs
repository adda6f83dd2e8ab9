//! Campaign → sorted list of jobs, each with its data already serialised.
//!
//! A job is one layout for one village (or for the commune). Planning does
//! all the per-job work that is not Typst: placeholders, QR matrices, the
//! JSON value. Jobs come out in a fixed order so runs are reproducible.

use serde_json::{Value, json};

use crate::campaign::{Campaign, Village};
use crate::content::{self, Pack};
use crate::layouts::Layout;
use crate::qr;

/// One document to render.
#[derive(Debug, Clone)]
pub struct Job {
    /// The layout.
    pub layout: Layout,
    /// Index into `campaign.villages`, or `None` for commune-level layouts.
    pub village: Option<usize>,
    /// Display name of the village (or commune) for messages.
    pub name: String,
    /// Output path relative to the output folder, without extension.
    pub stem: String,
    /// Stable PDF document id.
    pub ident: String,
    /// The JSON data handed to the layout.
    pub data: Vec<u8>,
}

/// QR matrices shared by all jobs of a campaign.
pub struct Shared {
    hotline_qr: Value,
    channels: Value,
    contacts: Value,
}

impl Shared {
    /// Encodes the campaign-wide QR codes once.
    pub fn new(c: &Campaign) -> Result<Shared, String> {
        let hotline_qr = qr::matrix(&c.hotline.phone.tel())?;
        let channels = c
            .channels
            .iter()
            .map(|ch| {
                Ok(json!({
                    "label": ch.label, "value": ch.value, "display": ch.display,
                    "qr": qr::matrix(&ch.value)?,
                }))
            })
            .collect::<Result<Vec<_>, String>>()?;
        let contacts = c
            .contacts
            .iter()
            .map(
                |k| json!({"label": k.label, "display": k.phone.to_string(), "tel": k.phone.tel()}),
            )
            .collect();
        Ok(Shared {
            hotline_qr,
            channels: Value::Array(channels),
            contacts: Value::Array(contacts),
        })
    }
}

/// Plans every job: `layouts` × villages (in file order).
pub fn plan(
    campaign: &Campaign,
    layouts: &[Layout],
    villages: &[usize],
    pack: &Pack,
) -> Result<Vec<Job>, String> {
    let shared = Shared::new(campaign)?;
    let commune_slug = crate::text::file_slug(&campaign.commune.full());
    let mut jobs = Vec::new();
    for layout in layouts {
        let targets: Vec<Option<usize>> = if layout.scope == "commune" {
            vec![None]
        } else {
            villages.iter().map(|i| Some(*i)).collect()
        };
        for v in targets {
            let village = v.map(|i| &campaign.villages[i]);
            let slug = village.map_or(commune_slug.clone(), |v| v.slug.clone());
            let data = job_data(campaign, layout, village, pack, &shared)?;
            let name = village.map_or(campaign.commune.full(), Village::full);
            // Per-tactic layouts (social images): one document per tactic.
            let variants: Vec<(String, Value)> = if layout.per_tactic {
                let tactics = data["tactics"].as_array().cloned().unwrap_or_default();
                tactics
                    .into_iter()
                    .map(|t| {
                        let id = t["id"].as_str().unwrap_or("tactic").replace('_', "-");
                        let mut d = data.clone();
                        d["tactics"] = Value::Array(vec![t]);
                        (format!("{slug}-{id}"), d)
                    })
                    .collect()
            } else {
                vec![(slug.clone(), data)]
            };
            for (stem, data) in variants {
                jobs.push(Job {
                    layout: layout.clone(),
                    village: v,
                    name: name.clone(),
                    stem: format!("{}/{stem}", layout.id),
                    ident: format!("canhbao/{commune_slug}/{}/{stem}", layout.id),
                    // Compact: every job's data is parsed by Typst once more.
                    data: serde_json::to_vec(&data).map_err(|e| e.to_string())?,
                });
            }
        }
    }
    Ok(jobs)
}

/// The one JSON value a layout receives (schema in `layouts/DATA.md`).
pub fn job_data(
    c: &Campaign,
    layout: &Layout,
    village: Option<&Village>,
    pack: &Pack,
    shared: &Shared,
) -> Result<Value, String> {
    let (text, tactics) = content::job_text(pack, c, village, layout.audience.as_deref());
    let village = match village {
        Some(v) => json!({
            "name": v.name, "kind": v.kind, "full": v.full(),
            "full_title": crate::text::capitalize(&v.full()), "slug": v.slug,
            "households": v.households, "shops": v.shops, "public_places": v.public_places,
            "officer": {
                "name": v.officer,
                "phone": {"display": v.phone.to_string(), "tel": v.phone.tel(),
                          "qr": qr::matrix(&v.phone.tel())?},
            },
        }),
        None => Value::Null,
    };
    let date = c.date.map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}"));
    Ok(json!({
        "schema": 1,
        "layout": {
            "id": layout.id, "paper": layout.paper, "width_mm": layout.width_mm,
            "height_mm": layout.height_mm, "pages": layout.pages, "qr_min_mm": layout.qr_min_mm,
        },
        "print": {"bleed_mm": c.print.bleed_mm, "marks": c.print.marks, "banner_qr": c.print.banner_qr},
        "locale": pack.code,
        "date": date,
        "commune": {
            "name": c.commune.name, "kind": c.commune.kind, "full": c.commune.full(),
            "full_title": crate::text::capitalize(&c.commune.full()),
            "province": c.commune.province, "province_full": c.commune.province_full(),
        },
        "issuer": {"name": c.issuer.name, "address": c.issuer.address},
        "village": village,
        "hotline": {
            "label": c.hotline.label, "display": c.hotline.phone.to_string(),
            "tel": c.hotline.phone.tel(), "qr": shared.hotline_qr,
        },
        "contacts": shared.contacts,
        "channels": shared.channels,
        "tactics": tactics,
        "text": text,
        "theme": {
            "primary": c.theme.primary, "accent": c.theme.accent,
            "ink": [0, 0, 0, 100], "paper": [0, 0, 0, 0],
        },
        "logo": c.logo.as_ref().map(|l| format!("{}/{l}", crate::world::CAMPAIGN_DIR)),
    }))
}
