//! "Did the inputs change": the key of everything a run's documents share.
//! A document is made again when this key, its own data or a file it read
//! changed (`batch` folds the key into each document's input hash, and the
//! package's combined files hash the documents they hold).

use crate::campaign::Campaign;
use crate::{BuildOptions, batch, layouts, output, world};

/// Hash of everything shared by all jobs: tool, layouts, fonts, options.
pub fn run_key(opts: &BuildOptions, c: &Campaign) -> String {
    let mut bytes = builtin_key().to_vec();
    bytes.extend_from_slice(
        // The preflight mode too: a file written with warnings must be
        // checked again, not skipped, when a strict build follows.
        format!("{:?}{:?}{:?}", opts.font_dirs, ymd(c.date), opts.preflight).as_bytes(),
    );
    if let Some(logo) = &c.logo {
        bytes.extend_from_slice(&std::fs::read(c.root.join(logo)).unwrap_or_default());
    }
    if let Some((dir, _)) = &c.custom_layouts {
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .map(|r| r.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        // Regular files only: reading a FIFO would block the run.
        paths.retain(|p| p.is_file());
        paths.sort();
        for p in paths {
            bytes.extend_from_slice(p.to_string_lossy().as_bytes());
            bytes.extend_from_slice(&std::fs::read(&p).unwrap_or_default());
        }
    }
    output::sha256(&bytes)
}

/// The part of the key that is built into the binary: tool, layouts,
/// fonts. Hashed once per process: the fonts are several megabytes, and a
/// province run asks for the key of every commune (hashing them anew cost
/// 32 million instructions per commune, measured with cachegrind).
fn builtin_key() -> &'static [u8] {
    static KEY: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    KEY.get_or_init(|| {
        let mut bytes = batch::tool_version().into_bytes();
        bytes.extend_from_slice(layouts::BUILTIN_REGISTRY.as_bytes());
        for (name, content) in layouts::BUILTIN_FILES {
            bytes.extend_from_slice(name.as_bytes());
            bytes.extend_from_slice(&output::sha256(content).into_bytes());
        }
        for font in world::builtin_fonts() {
            bytes.extend_from_slice(output::sha256(font.data()).as_bytes());
        }
        bytes
    })
}

/// The date as it was hashed when the campaign kept it as a tuple: a new
/// version of the type does not make every document of a campaign again.
fn ymd(date: Option<time::Date>) -> Option<(i32, u8, u8)> {
    date.map(|d| (d.year(), u8::from(d.month()), d.day()))
}

/// Whose output a run's folder holds: `xã Tiên Trang, tỉnh Thanh Hóa`
/// ([`output::Manifest::commune`]).
pub fn commune_id(c: &Campaign) -> String {
    format!("{}, {}", c.commune.full(), c.commune.province_full())
}

/// Hash of the options and data a run is made from
/// ([`output::Manifest::key`]): the tool, fonts and layouts, the run's
/// layouts and flags, the logo and the own layouts' files, and the whole
/// campaign as loaded (every village). Shards of one run carry the same
/// key, whatever machine or folder made them; a merge refuses shards whose
/// keys differ (made with other options or other data).
pub fn build_key(opts: &BuildOptions, layouts: &[String], c: &Campaign) -> String {
    let mut bytes = builtin_key().to_vec();
    let flags = (layouts, opts.png_dpi, opts.emit_data, opts.week);
    bytes.extend_from_slice(format!("{flags:?}{:?}", opts.preflight).as_bytes());
    if let Some(logo) = &c.logo {
        bytes.extend_from_slice(&std::fs::read(c.root.join(logo)).unwrap_or_default());
    }
    let mut campaign = c.clone();
    // Where the folder is and what was only a warning do not change a file.
    campaign.root = Default::default();
    campaign.warnings = Vec::new();
    if let Some((dir, _)) = &mut campaign.custom_layouts {
        let mut paths: Vec<_> = std::fs::read_dir(&*dir)
            .map(|r| r.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        paths.retain(|p| p.is_file());
        paths.sort();
        for p in paths {
            bytes.extend_from_slice(p.file_name().unwrap_or_default().as_encoded_bytes());
            bytes.extend_from_slice(&std::fs::read(&p).unwrap_or_default());
        }
        *dir = Default::default();
    }
    bytes.extend_from_slice(format!("{campaign:?}").as_bytes());
    output::sha256(&bytes)
}

/// The document files a campaign can make (every layout it may use, for
/// every village in its table), relative to the output folder: a listed
/// document that is not one of them (its village was removed from the
/// table) is stale. One layout is planned at a time.
pub fn documents(project: &crate::Project) -> std::collections::HashSet<String> {
    let c = &project.campaign;
    let villages: Vec<usize> = (0..c.villages.len()).collect();
    let mut files = std::collections::HashSet::new();
    for layout in &project.layouts {
        let jobs = crate::plan::plan(c, std::slice::from_ref(layout), &villages, &project.pack);
        files.extend(jobs.into_iter().map(|j| format!("{}.{}", j.stem, j.layout.format.ext())));
    }
    files
}
