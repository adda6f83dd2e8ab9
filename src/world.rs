//! The sandboxed Typst world.
//!
//! One [`Base`] is built per run and shared by every job: the standard
//! library, the fonts, the layout sources and a cache of campaign files. A
//! [`JobWorld`] adds only the job's JSON data, served at a fixed virtual
//! path so Typst's global file-id table does not grow with the villages.
//!
//! The world serves exactly three things: the layouts (built in, or a
//! campaign's `layouts_dir`), the job data, and files inside the campaign
//! folder. Packages, paths outside the campaign folder and system fonts are
//! refused.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Dict, IntoValue};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

use crate::diag::Fault;
use crate::layouts::LAYOUTS_DIR;

/// Where each job's data is served. Layouts read `sys.inputs.data`.
pub const DATA_PATH: &str = "/job/data.json";

/// Virtual folder mapped to the campaign folder.
pub const CAMPAIGN_DIR: &str = "/campaign";

/// The bundled fonts (Be Vietnam Pro, OFL).
const FONTS: &[&[u8]] = &[
    include_bytes!("../fonts/BeVietnamPro_400Regular.ttf"),
    include_bytes!("../fonts/BeVietnamPro_400Regular_Italic.ttf"),
    include_bytes!("../fonts/BeVietnamPro_600SemiBold.ttf"),
    include_bytes!("../fonts/BeVietnamPro_700Bold.ttf"),
    include_bytes!("../fonts/BeVietnamPro_800ExtraBold.ttf"),
    include_bytes!("../fonts/BeVietnamPro_900Black.ttf"),
];

/// Where layout files come from.
#[derive(Debug, Clone)]
pub enum LayoutSource {
    /// The layouts compiled into the binary.
    Builtin,
    /// A folder of the user's (already checked to be inside the campaign).
    Dir(PathBuf),
}

/// What is shared by all jobs of a run.
pub struct Base {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    layouts: LayoutSource,
    /// Canonical campaign folder, for the sandbox check.
    campaign: Option<PathBuf>,
    today: Option<Datetime>,
    data_id: FileId,
    sources: Mutex<HashMap<FileId, FileResult<Source>>>,
    files: Mutex<HashMap<FileId, FileResult<Bytes>>>,
    /// SHA-256 of each file served from disk (`None`: built in or unreadable).
    digests: Mutex<HashMap<FileId, Option<String>>>,
}

impl Base {
    /// Builds the shared base. `font_dirs` adds fonts (opt-in; none by default).
    pub fn new(
        layouts: LayoutSource,
        campaign: Option<&Path>,
        font_dirs: &[PathBuf],
        date: Option<time::Date>,
    ) -> Result<Base, Fault> {
        let mut inputs = Dict::new();
        inputs.insert("data".into(), DATA_PATH.into_value());
        // The card sheet lays out one card a side; canhbao places the copies.
        inputs.insert(crate::copies::INPUT.into(), crate::copies::FRAMES.into_value());
        let library = Library::builder().with_inputs(inputs).build();
        let mut fonts: Vec<Font> = builtin_fonts().to_vec();
        for dir in font_dirs {
            fonts.extend(scan_fonts(dir)?);
        }
        let book = FontBook::from_fonts(&fonts);
        let campaign = campaign
            .map(|c| c.canonicalize().map_err(Fault::io("không mở được", c)))
            .transpose()?;
        let today = date.map(Datetime::Date);
        Ok(Base {
            library: LazyHash::new(library),
            book: LazyHash::new(book),
            fonts,
            layouts,
            campaign,
            today,
            data_id: file_id(DATA_PATH),
            sources: Mutex::new(HashMap::new()),
            files: Mutex::new(HashMap::new()),
            digests: Mutex::new(HashMap::new()),
        })
    }

    /// The world for one job: `main` is a layout file name, `data` its JSON.
    pub fn job<'a>(&'a self, main: &str, data: Vec<u8>) -> JobWorld<'a> {
        self.job_with(main, data, Vec::new())
    }

    /// A job that may also read `extra` in-memory files (e.g. finished PDFs
    /// to impose). Their ids should come from a small fixed set of paths.
    pub fn job_with<'a>(
        &'a self,
        main: &str,
        data: Vec<u8>,
        extra: Vec<(FileId, Bytes)>,
    ) -> JobWorld<'a> {
        JobWorld {
            base: self,
            // Registries are checked with `layouts::layout_file_ok` on load.
            main: file_id(&format!("{LAYOUTS_DIR}/{main}")),
            data: Bytes::new(data),
            extra,
            read: Mutex::new(Vec::new()),
        }
    }

    /// The SHA-256 of a file the world serves from disk (the campaign
    /// folder or the campaign's layouts folder), by its virtual path; `None`
    /// for built-in files (the run key covers those), for paths that are
    /// not valid, and for files that cannot be read.
    pub fn digest(&self, vpath: &str) -> Option<String> {
        let id = VirtualPath::new(vpath)
            .ok()
            .map(|v| RootedPath::new(VirtualRoot::Project, v).intern())?;
        self.digest_of(id)
    }

    fn digest_of(&self, id: FileId) -> Option<String> {
        if let Some(known) = self.digests.lock().expect("digest cache lock").get(&id) {
            return known.clone();
        }
        let path = id.vpath().get_with_slash();
        let disk = if let Some(rel) = path.strip_prefix(&format!("{CAMPAIGN_DIR}/")) {
            self.load_campaign(rel).ok()
        } else if let (Some(rel), LayoutSource::Dir(dir)) =
            (path.strip_prefix(&format!("{LAYOUTS_DIR}/")), &self.layouts)
        {
            read_inside(dir, rel).ok()
        } else {
            None
        };
        let digest = disk.map(|bytes| crate::sha256::hex(&bytes));
        self.digests.lock().expect("digest cache lock").insert(id, digest.clone());
        digest
    }

    /// Reads a layout or campaign file from disk or memory, uncached.
    fn load(&self, id: FileId) -> FileResult<Bytes> {
        if let VirtualRoot::Package(spec) = id.root() {
            return Err(FileError::Other(Some(
                format!(
                    "gói {spec} không dùng được: canhbao không tải gói từ mạng \
                     (hãy chép tệp của gói vào thư mục mẫu và import theo đường dẫn)"
                )
                .into(),
            )));
        }
        let path = id.vpath().get_with_slash();
        if let Some(rel) = path.strip_prefix(&format!("{LAYOUTS_DIR}/")) {
            return self.load_layout(rel);
        }
        if let Some(rel) = path.strip_prefix(&format!("{CAMPAIGN_DIR}/")) {
            return self.load_campaign(rel);
        }
        Err(denied(path))
    }

    fn load_layout(&self, rel: &str) -> FileResult<Bytes> {
        match &self.layouts {
            LayoutSource::Builtin => builtin_layout(rel),
            // The campaign's own folder first; the built-in files (kit.typ…)
            // stay available so custom layouts can reuse the shared library.
            LayoutSource::Dir(dir) => {
                read_inside(dir, rel).or_else(|err| builtin_layout(rel).map_err(|_| err))
            }
        }
    }

    fn load_campaign(&self, rel: &str) -> FileResult<Bytes> {
        match &self.campaign {
            Some(root) => read_inside(root, rel),
            None => Err(denied(rel)),
        }
    }
}

/// A file of the built-in layouts.
fn builtin_layout(rel: &str) -> FileResult<Bytes> {
    crate::layouts::BUILTIN_FILES
        .iter()
        .find(|(name, _)| *name == rel)
        .map(|(_, bytes)| Bytes::new(*bytes))
        .ok_or_else(|| FileError::NotFound(PathBuf::from(format!("layouts/{rel}"))))
}

/// The bundled fonts, parsed once per process.
pub fn builtin_fonts() -> &'static [Font] {
    static FONTS_PARSED: OnceLock<Vec<Font>> = OnceLock::new();
    FONTS_PARSED
        .get_or_init(|| FONTS.iter().flat_map(|data| Font::iter(Bytes::new(*data))).collect())
}

/// Loads every font file in `dir` (not recursive). A font "file" that is
/// not a regular file (a FIFO would block the run forever) is refused.
fn scan_fonts(dir: &Path) -> Result<Vec<Font>, Fault> {
    let entries =
        std::fs::read_dir(dir).map_err(Fault::io("không đọc được thư mục phông chữ", dir))?;
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    let mut fonts = Vec::new();
    for path in paths {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
        if matches!(ext.as_str(), "ttf" | "otf" | "ttc" | "otc") {
            if !std::fs::metadata(&path).is_ok_and(|m| m.is_file()) {
                let why = format!("phông chữ “{}” không phải là tệp thường", path.display());
                return Err(Fault::Other(why));
            }
            let data =
                std::fs::read(&path).map_err(Fault::io("không đọc được phông chữ", &path))?;
            fonts.extend(Font::iter(Bytes::new(data)));
        }
    }
    Ok(fonts)
}

/// Reads `rel` under `root`, refusing symlinks or `..` that leave it, and
/// anything but a regular file.
fn read_inside(root: &Path, rel: &str) -> FileResult<Bytes> {
    use crate::sandbox::{Escape, Need, resolve};
    let real = resolve(root, rel, Need::File).map_err(|e| match e {
        Escape::Missing => FileError::NotFound(PathBuf::from(rel)),
        Escape::NotFile if root.join(rel).is_dir() => FileError::IsDirectory,
        Escape::NotFile => FileError::Other(Some(e.explain(rel, "").into())),
        Escape::Root(io) => FileError::from_io(io, root),
        Escape::Empty | Escape::Leaves | Escape::Link => denied(rel),
    })?;
    std::fs::read(&real).map(Bytes::new).map_err(|e| FileError::from_io(e, &real))
}

/// Most pixels an image a layout reads may have: 50 million (a 7,000 ×
/// 7,000 photo; a logo printed 30 mm wide at 600 dpi has 500,000). Decoded,
/// one pixel takes 4 bytes or more: a 16,000 × 16,000 image would take a
/// gigabyte before anything is laid out.
pub const MAX_IMAGE_PIXELS: u64 = 50_000_000;

/// `bytes`, unless they are a raster image (PNG, JPEG, GIF, WebP…) whose
/// header gives more than [`MAX_IMAGE_PIXELS`]: refused before it is
/// decoded, so the layout's `image(…)` line is named in the error.
fn bounded_image(bytes: Bytes) -> FileResult<Bytes> {
    // Only the formats Typst decodes: a text file that happens to start
    // like some other format is not an image.
    use imagesize::ImageType as T;
    let raster = matches!(imagesize::image_type(&bytes), Ok(T::Png | T::Jpeg | T::Gif | T::Webp));
    let Some(size) = raster.then(|| imagesize::blob_size(&bytes).ok()).flatten() else {
        return Ok(bytes);
    };
    let pixels = (size.width as u64).saturating_mul(size.height as u64);
    if pixels <= MAX_IMAGE_PIXELS {
        return Ok(bytes);
    }
    Err(FileError::Other(Some(
        format!(
            "ảnh {} × {} điểm ảnh quá lớn (tối đa {} triệu điểm ảnh); hãy thu nhỏ ảnh, ví dụ còn 3000 × 3000",
            size.width,
            size.height,
            MAX_IMAGE_PIXELS / 1_000_000
        )
        .into(),
    )))
}

fn denied(path: &str) -> FileError {
    FileError::Other(Some(
        format!(
            "không được đọc “{path}”: mẫu chỉ đọc được tệp mẫu và tệp trong thư mục chiến dịch"
        )
        .into(),
    ))
}

/// Interns a project path. Paths are fixed strings, so ids are reused.
pub fn file_id(path: &str) -> FileId {
    let vpath = VirtualPath::new(path).expect("fixed virtual paths are valid");
    RootedPath::new(VirtualRoot::Project, vpath).intern()
}

/// One job: the shared base plus this job's data.
pub struct JobWorld<'a> {
    base: &'a Base,
    main: FileId,
    data: Bytes,
    extra: Vec<(FileId, Bytes)>,
    /// Every file this job asked the base for, so the re-run key covers them.
    read: Mutex<Vec<FileId>>,
}

impl JobWorld<'_> {
    /// The files this job read from disk, by virtual path, with their
    /// SHA-256: what must be unchanged for its output to be current.
    pub fn reads(&self) -> BTreeMap<String, String> {
        let ids = self.read.lock().expect("read log lock").clone();
        ids.into_iter()
            .filter_map(|id| {
                let digest = self.base.digest_of(id)?;
                Some((id.vpath().get_with_slash().to_string(), digest))
            })
            .collect()
    }

    fn note(&self, id: FileId) {
        let mut read = self.read.lock().expect("read log lock");
        if !read.contains(&id) {
            read.push(id);
        }
    }
}

impl World for JobWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.base.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.base.book
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        self.note(id);
        let mut cache = self.base.sources.lock().expect("source cache lock");
        cache
            .entry(id)
            .or_insert_with(|| {
                let bytes = self.base.load(id)?;
                let text = std::str::from_utf8(&bytes).map_err(|_| FileError::InvalidUtf8)?;
                Ok(Source::new(id, text.to_string()))
            })
            .clone()
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.base.data_id {
            return Ok(self.data.clone());
        }
        if let Some((_, bytes)) = self.extra.iter().find(|(x, _)| *x == id) {
            return Ok(bytes.clone());
        }
        self.note(id);
        let mut cache = self.base.files.lock().expect("file cache lock");
        cache.entry(id).or_insert_with(|| self.base.load(id).and_then(bounded_image)).clone()
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.base.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        self.base.today
    }
}

impl typst_kit::diagnostics::DiagnosticWorld for JobWorld<'_> {
    fn name(&self, id: FileId) -> String {
        let path = id.vpath().get_with_slash();
        if id == self.base.data_id {
            return "<dữ liệu của lệnh in>".into();
        }
        if let Some(rel) = path.strip_prefix(&format!("{LAYOUTS_DIR}/")) {
            return match &self.base.layouts {
                LayoutSource::Builtin => format!("layouts/{rel}"),
                LayoutSource::Dir(d) => d.join(rel).display().to_string(),
            };
        }
        path.to_string()
    }
}
