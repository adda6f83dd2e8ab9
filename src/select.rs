//! The select stage: which layouts and villages a run makes (`--layout`,
//! `--village`, `--shard`), every unknown name reported the same way in
//! every verb.

use std::path::Path;

use crate::diag::{Issue, Issues};
use crate::layouts::Layout;
use crate::{BuildOptions, Project, output};

/// Picks the layouts and villages of a run, or explains what is wrong.
pub fn select(project: &Project, opts: &BuildOptions) -> Result<(Vec<Layout>, Vec<usize>), Issues> {
    let c = &project.campaign;
    let mut issues = Issues::default();
    let wanted = if opts.layouts.is_empty() { &c.layouts } else { &opts.layouts };
    let mut layouts = Vec::new();
    for id in wanted {
        match layout(project, id) {
            Ok(l) => layouts.push(l.clone()),
            Err(issue) => issues.push(issue),
        }
    }
    let mut villages: Vec<usize> = (0..c.villages.len()).collect();
    if !opts.villages.is_empty() {
        villages.clear();
        for name in &opts.villages {
            match village(project, name) {
                Ok(i) if !villages.contains(&i) => villages.push(i),
                Ok(_) => {}
                Err(issue) => issues.push(issue),
            }
        }
        villages.sort();
    }
    if let Some((k, n)) = opts.shard {
        villages.retain(|i| shard_of(&c.villages[*i].slug, n) == k);
    }
    if issues.has_errors() {
        return Err(issues);
    }
    Ok((layouts, villages))
}

/// A layout asked for with `--layout`, or the issue that names the ones there are.
pub fn layout<'a>(project: &'a Project, id: &str) -> Result<&'a Layout, Issue> {
    project.layouts.iter().find(|l| l.id == id).ok_or_else(|| {
        Issue::error(Path::new("--layout"), format!("không có mẫu “{id}”"))
            .hint(format!("các mẫu có sẵn: {}", project.layout_ids()))
    })
}

/// A village asked for with `--village`, by name, full name or slug.
pub fn village(project: &Project, name: &str) -> Result<usize, Issue> {
    project.village(name).ok_or_else(|| {
        Issue::error(Path::new("--village"), format!("không có thôn “{name}” trong danh sách"))
            .hint("viết tên như trong tệp danh sách, ví dụ --village \"Đông Hải\"")
    })
}

/// Which of `n` shards (1-based) a village belongs to: a stable hash of its slug.
pub fn shard_of(slug: &str, n: usize) -> usize {
    let digest = output::sha256(slug.as_bytes());
    let x = u64::from_str_radix(&digest[..16], 16).unwrap_or(0);
    (x % n as u64) as usize + 1
}
