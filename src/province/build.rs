//! Building a province: every commune of the run through the single-commune
//! pipeline ([`crate::build_project`], one Typst world for all) into
//! `out/<province>/<commune>/`, then the province's manifest, its print
//! order and the one-page summary the print shop and the province office
//! sign.

use std::path::{Path, PathBuf};

use serde_json::json;

use super::Province;
use crate::diag::{Issue, Issues};
use crate::order::{CommuneOrder, OrderLine, Refused};
use crate::output::{Entry, Manifest};
use crate::{BuildError, BuildOptions, Reporter};

/// The summary's file name, in the province folder.
pub const SUMMARY: &str = "tong-hop.pdf";

pub use crate::reporter::{Commune, Done};

/// The result of a province build.
pub struct Report {
    /// `tỉnh Thanh Hóa`.
    pub province: String,
    /// The province's output folder.
    pub out: PathBuf,
    /// The communes of this run (of this shard), in table order.
    pub communes: Vec<Commune>,
    /// Layout ids of the run.
    pub layouts: Vec<String>,
    /// The summary files written (`print-order.csv`, the PDF), if any.
    pub summary: Vec<PathBuf>,
    /// Stopped (Ctrl-C) before every commune was made: what was finished
    /// is kept and listed, nothing is made from a part (no package, no
    /// summary), and the same command again makes the rest.
    pub stopped: bool,
}

/// Builds every commune of `province` (opened for `opts`): a problem of one
/// commune fails that commune, the others are built. Each commune done is
/// told to `reporter`, whose stop flag ends the run after the documents
/// being written.
pub fn build(
    province: Province,
    opts: &BuildOptions,
    reporter: &dyn Reporter,
) -> Result<Report, BuildError> {
    let dir = &province.dir.clone();
    if !opts.villages.is_empty() {
        let issue =
            Issue::error(Path::new("--village"), "chiến dịch cấp tỉnh không chọn từng thôn").hint(
                "bỏ --village; muốn xem một thôn, dùng canhbao preview với thư mục của một xã",
            );
        return Err(BuildError::Input(Issues(vec![issue])));
    }
    let out = province.out(opts.out.as_deref());
    let manifest_path = out.join(crate::output::manifest_name(opts.shard));
    let key = key(&province, opts);
    let root = opts.out.clone().unwrap_or_else(|| dir.join("out"));
    crate::output::refuse_other_run(&crate::output::Target {
        dir,
        root: &root,
        out: &out,
        owner: &province.full,
        key: &key,
        shard: opts.shard,
        allow_nonempty: opts.allow_nonempty_out,
        province: true,
    })
    .map_err(BuildError::Input)?;
    // What the folder held before: a commune no longer in the table goes.
    let before = Manifest::read(&manifest_path);
    let mut manifest = Manifest {
        tool: crate::batch::tool_version(),
        commune: province.full.clone(),
        key,
        ..Manifest::default()
    };
    if !manifest_path.exists() {
        // Marks the folder as canhbao's before any commune lands in it, so a
        // killed run can be run again.
        Manifest { files: Vec::new(), ..manifest.clone() }
            .write(&manifest_path)
            .map_err(BuildError::other)?;
    }
    let in_table: std::collections::HashSet<String> =
        province.communes.iter().map(|m| m.slug.clone()).collect();
    // One Typst world for every commune: they share the folder, the date
    // and the layouts (all from the shared campaign.toml).
    let base = match province.ready().next() {
        Some((_, p)) => Some(p.base(&opts.font_dirs).map_err(BuildError::other)?),
        None => None,
    };
    let Province { full, communes: members, example, .. } = province;
    let mut communes = Vec::new();
    let mut layouts: Vec<String> = Vec::new();
    for m in members {
        if opts.shard.is_some_and(|(k, n)| crate::shard_of(&m.slug, n) != k) {
            continue;
        }
        if reporter.stopped() {
            break;
        }
        // Every commune is rendered first, its print package made after
        // all of them (below): the package clears Typst's memo cache, and
        // clearing it between communes would lay out the shared parts of
        // the layouts again for each commune.
        let inner = BuildOptions {
            out: Some(out.join(&m.slug)),
            shard: None,
            allow_nonempty_out: true,
            no_package: true,
            ..opts.clone()
        };
        let outcome = match m.project {
            Err(issues) => Err(issues.0.iter().map(|i| i.to_string()).collect()),
            Ok(project) => {
                let built = crate::build_project(project, dir, &inner, base.as_ref(), reporter);
                match built {
                    Ok(built) => {
                        let (chosen, villages) =
                            crate::select(&built.project, &inner).unwrap_or_default();
                        if layouts.is_empty() {
                            layouts = chosen.iter().map(|l| l.id.clone()).collect();
                        }
                        let c = &built.project.campaign;
                        let copies = chosen
                            .iter()
                            .map(|l| match l.scope {
                                crate::layouts::Scope::Village => villages
                                    .iter()
                                    .map(|&i| crate::package::copies(l, c, Some(i)))
                                    .sum(),
                                _ => crate::package::copies(l, c, None),
                            })
                            .collect();
                        Ok(Done { built, copies })
                    }
                    Err(BuildError::Input(issues)) => {
                        Err(issues.0.iter().map(|i| i.to_string()).collect())
                    }
                    Err(BuildError::Other(msg)) => Err(vec![format!("lỗi: {msg}")]),
                }
            }
        };
        // A commune's own parts (hotline, issuer, officers) are never laid
        // out again once it is done: the memo cache is aged at its end, so
        // they leave the cache one commune sooner. Measured on 40 communes
        // × 40 documents, two runs each: peak RSS 200–207 MiB instead of
        // 220–232, CPU time no higher. Unless its delivery sheets aged it
        // already: a second ageing would drop the shared parts of the
        // layouts too, and the next commune would lay them out again.
        let aged = match &outcome {
            Ok(done) => {
                opts.layouts.is_empty()
                    && !done.built.stopped
                    && crate::report::sheets_aged(done.built.project.campaign.villages.len())
            }
            Err(_) => false,
        };
        if !aged {
            comemo::evict(1);
        }
        let commune = Commune { full: m.full, slug: m.slug, line: m.line, outcome };
        reporter.commune_done(&commune);
        communes.push(commune);
    }
    // A stopped run ends soon and makes nothing from a part: no print
    // package (the next run makes them), no summary.
    let stopped = reporter.stopped();
    for c in &mut communes {
        let Ok(done) = &mut c.outcome else { continue };
        if !opts.no_package && done.built.report.failed.is_empty() && !stopped {
            let base = base.as_ref().expect("a built commune had a world");
            // Whole communes: no village is left out by `--shard`.
            let whole = BuildOptions { shard: None, ..opts.clone() };
            package(done, base, &whole).map_err(BuildError::other)?;
        }
        let own = Manifest::read(&done.built.report.manifest);
        for e in own.files {
            manifest.files.push(Entry { file: format!("{}/{}", c.slug, e.file), ..e });
        }
        manifest.also.extend(own.also.iter().map(|f| format!("{}/{f}", c.slug)));
        manifest.also.push(format!("{}/manifest.json", c.slug));
    }
    // A commune of the table that could not be built this time keeps what
    // an earlier run made for it; one no longer in the table loses it.
    let built: std::collections::HashSet<&str> =
        communes.iter().filter(|c| c.outcome.is_ok()).map(|c| c.slug.as_str()).collect();
    let kept = |f: &str| {
        f.split_once('/').is_some_and(|(slug, _)| in_table.contains(slug) && !built.contains(slug))
    };
    manifest.files.extend(before.files.iter().filter(|e| kept(&e.file)).cloned());
    manifest.also.extend(before.also.iter().filter(|f| kept(f)).cloned());
    // The province's summary stays until a run writes it again, unless a
    // commune it counts has gone.
    let gone = before
        .files
        .iter()
        .any(|e| e.file.split_once('/').is_some_and(|(slug, _)| !in_table.contains(slug)));
    let top = before.also.iter().filter(|f| !f.contains('/') && !gone && out.join(f).is_file());
    manifest.also.extend(top.cloned());
    let now = manifest.owned();
    let stale: Vec<String> = before.owned().into_iter().filter(|f| !now.contains(f)).collect();
    let failed = crate::output::remove_stale(&out, &stale);
    manifest.also.extend(failed.iter().map(|(f, _)| f.clone()));
    manifest.write(&manifest_path).map_err(BuildError::other)?;
    if let Some((_, why)) = failed.first() {
        return Err(BuildError::other(why.clone()));
    }
    let mut report =
        Report { province: full, out, communes, layouts, summary: Vec::new(), stopped };
    let whole = opts.shard.is_none() && !opts.no_package && opts.layouts.is_empty() && !stopped;
    if let Some(base) = base.as_ref().filter(|_| whole && report.communes.iter().all(Commune::ok)) {
        report.summary = summary(&report, base, example).map_err(BuildError::other)?;
        for p in &report.summary {
            manifest.also.extend(p.file_name().and_then(|n| n.to_str()).map(String::from));
        }
        manifest.write(&manifest_path).map_err(BuildError::other)?;
    }
    Ok(report)
}

/// The province run's [`Manifest::key`]: every commune's, in table order
/// (the shard does not count: the shards of one run share it).
fn key(province: &Province, opts: &BuildOptions) -> String {
    let opts = BuildOptions { shard: None, ..opts.clone() };
    let mut keys = String::new();
    for m in &province.communes {
        match &m.project {
            Ok(p) => {
                let ids = match opts.layouts.is_empty() {
                    true => &p.campaign.layouts,
                    false => &opts.layouts,
                };
                keys.push_str(&crate::rerun::build_key(&opts, ids, &p.campaign));
            }
            Err(issues) => keys.push_str(&issues.to_string()),
        }
        keys.push('\n');
    }
    crate::sha256::hex(keys.as_bytes())
}

/// The print package of one rendered commune, as a single-commune build
/// makes it at its end ([`crate::package::make`]).
fn package(done: &mut Done, base: &crate::world::Base, opts: &BuildOptions) -> Result<(), String> {
    let p = &done.built.project;
    let (layouts, villages) = crate::select(p, opts).map_err(|e| e.to_string())?;
    let jobs = crate::plan::plan(&p.campaign, &layouts, &villages, &p.pack);
    let (order, written) = crate::package::make(
        base,
        &p.campaign,
        &layouts,
        &jobs,
        &done.built.out,
        &done.built.report.manifest,
        &done.built.report.failed,
    )?;
    done.built.order = order;
    done.built.package_written = written;
    // The commune's print order is one of its files, as in a commune's run.
    let path = &done.built.report.manifest;
    let mut manifest = Manifest::read(path);
    manifest.also.push(crate::output::ORDER.to_string());
    manifest.write(path)?;
    Ok(())
}

/// Writes `print-order.csv` (every commune's order, commune column first,
/// files relative to the province folder) and the one-page summary.
fn summary(
    report: &Report,
    base: &crate::world::Base,
    example: bool,
) -> Result<Vec<PathBuf>, String> {
    let mut orders = Vec::new();
    let mut sheets: Vec<(String, String, usize, u64, bool)> = Vec::new();
    let mut rows = Vec::new();
    let mut totals = vec![0u64; report.layouts.len()];
    let mut villages = 0;
    let mut date = None;
    for (n, c) in report.communes.iter().enumerate() {
        let Ok(done) = &c.outcome else { continue };
        let campaign = &done.built.project.campaign;
        date = campaign.date;
        orders.push(CommuneOrder {
            full: &c.full,
            slug: &c.slug,
            lines: &done.built.order,
            refused: done.built.report.failed.iter().map(Refused::of).collect(),
            layouts: &done.built.project.layouts,
        });
        for l in &done.built.order {
            let OrderLine { file, layout, paper, copies, .. } = l;
            let file = format!("{}/{file}", c.slug);
            // The proof set (`print/<layout>-all.pdf`, one of each village)
            // is counted apart from the run itself.
            let proof = file.contains(&format!("print/{layout}-all"));
            match sheets.iter_mut().find(|s| s.0 == *layout && s.1 == *paper && s.4 == proof) {
                Some(s) => {
                    s.2 += 1;
                    s.3 += copies;
                }
                None => sheets.push((layout.clone(), paper.clone(), 1, *copies, proof)),
            }
        }
        for (t, n) in totals.iter_mut().zip(&done.copies) {
            *t += n;
        }
        villages += campaign.villages.len();
        rows.push(json!({
            "no": n + 1,
            "name": c.full,
            "hotline": campaign.hotline.phone.to_string(),
            "issuer": campaign.issuer.name,
            "villages": campaign.villages.len(),
            "copies": done.copies,
        }));
    }
    let order = report.out.join(crate::output::ORDER);
    crate::order::write_province_order(&order, &orders)?;
    let data = json!({
        "province": crate::text::capitalize(&report.province),
        "date": date.map(|d| format!("{:02}/{:02}/{}", d.day(), u8::from(d.month()), d.year())),
        "example": example,
        "layouts": report.layouts,
        "communes": rows,
        "totals": { "communes": report.communes.len(), "villages": villages, "copies": totals },
        "sheets": sheets.iter().map(|(layout, paper, files, copies, proof)| json!({
            "layout": layout, "paper": paper, "files": files, "copies": copies, "proof": proof,
        })).collect::<Vec<_>>(),
    });
    let bytes = serde_json::to_vec(&data).map_err(|e| e.to_string())?;
    let world = base.job("province-summary.typ", bytes);
    let compiled = crate::render::compile(&world, 1).map_err(|e| format!("{SUMMARY}: {e}"))?;
    let settings =
        crate::render::PdfSettings { ident: format!("{}/{SUMMARY}", report.province), date };
    let pdf = crate::render::pdf(&compiled.doc, &settings).map_err(|e| e.to_string())?;
    let path = report.out.join(SUMMARY);
    crate::output::write_atomic(&path, &pdf)?;
    Ok(vec![order, path])
}
