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
