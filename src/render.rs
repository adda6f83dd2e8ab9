//! Compiling one job and exporting it: Typst document → PDF bytes / PNG pages.

use typst::diag::{SourceDiagnostic, Warned};
use typst::foundations::{Datetime, Smart};
use typst_kit::diagnostics::{DiagnosticFormat, emit, termcolor};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, Timestamp};

use std::sync::OnceLock;

use crate::world::JobWorld;

/// Marker a layout panics with when text does not fit: `canhbao-overflow: <field>`.
pub const OVERFLOW_MARK: &str = "canhbao-overflow: ";

/// Moved to `diag` (the ground floor); named here too for the stages that
/// still say `render::Failure`.
pub use crate::diag::Failure;

/// Export settings for PDFs.
#[derive(Debug, Clone)]
pub struct PdfSettings {
    /// Stable document id (campaign/layout/village), for reproducible files.
    pub ident: String,
    /// Issue date written as the PDF date (none: no date at all).
    pub date: Option<time::Date>,
}

/// A compiled document with its warnings, formatted.
pub struct Compiled {
    /// The laid-out pages.
    pub doc: PagedDocument,
    /// Typst warnings, formatted for the terminal.
    pub warnings: Vec<String>,
}

/// Compiles the job and checks the declared page count. The compile may
/// allocate at most [`COMPILE_MEMORY`] on its thread (see [`Guarded`]).
pub fn compile(world: &JobWorld, pages: usize) -> Result<Compiled, Failure> {
    let name = typst_kit::diagnostics::DiagnosticWorld::name(world, typst::World::main(world));
    let guard = CompileGuard::new(&name);
    let Warned { output, warnings } = typst::compile::<PagedDocument>(world);
    drop(guard);
    let warnings = warnings.iter().map(|w| format_diag(world, w)).collect();
    let doc = output.map_err(|errors| classify(world, &errors))?;
    // The card sheet's seven other copies of each face (crate::copies).
    let main = typst::World::main(world);
    let doc = crate::copies::fill(doc, main.vpath().file_name().unwrap_or_default());
    let got = doc.pages().len();
    if got != pages {
        return Err(Failure::Overflow(format!(
            "tài liệu ra {got} trang, mẫu chỉ cho phép {pages} trang (nội dung quá dài)"
        )));
    }
    Ok(Compiled { doc, warnings })
}

/// Turns Typst errors into a failure, recognising the layouts' overflow mark.
fn classify(world: &JobWorld, errors: &[SourceDiagnostic]) -> Failure {
    for e in errors {
        if let Some(at) = e.message.find(OVERFLOW_MARK) {
            let field = e.message[at + OVERFLOW_MARK.len()..].trim_end_matches('"');
            return Failure::Overflow(field.to_string());
        }
    }
    Failure::Typst(errors.iter().map(|e| format_diag(world, e)).collect::<Vec<_>>().join(""))
}

/// Formats one diagnostic like the typst CLI: file:line:col, source, caret.
fn format_diag(world: &JobWorld, diag: &SourceDiagnostic) -> String {
    let mut buf = termcolor::Buffer::no_color();
    match emit(&mut buf, world, std::iter::once(diag), DiagnosticFormat::Human) {
        Ok(()) => String::from_utf8_lossy(buf.as_slice()).into_owned(),
        Err(_) => format!("error: {}\n", diag.message),
    }
}

/// Exports the document as PDF.
pub fn pdf(doc: &PagedDocument, settings: &PdfSettings) -> Result<Vec<u8>, Failure> {
    let timestamp = settings.date.map(|d| Timestamp::new_utc(Datetime::Date(d)));
    let options = PdfOptions {
        ident: Smart::Custom(settings.ident.clone()),
        creator: Smart::Custom(Some(format!("canhbao {}", env!("CARGO_PKG_VERSION")))),
        timestamp,
        ..PdfOptions::default()
    };
    let pdf = typst_pdf::pdf(doc, &options).map_err(|errors| {
        Failure::Typst(errors.iter().map(|e| format!("error: {}\n", e.message)).collect())
    })?;
    Ok(drop_suspects(pdf))
}

/// Blanks the catalog's `/Suspects false`.
///
/// krilla 0.8 (typst-pdf 0.15.1) writes `/MarkInfo << /Marked true /Suspects
/// false >>` into every tagged PDF 1.6–1.7, with no option to leave it out,
/// and poppler (pdfinfo, pdftoppm, a print shop's preflight built on it)
/// then prints "Syntax Error: Suspects object is wrong type (boolean)" for
/// every file: it accepts the key only when true. `false` is the default,
/// so the key says nothing; overwriting it with spaces of the same length
/// keeps every byte offset (the cross-reference table) valid and the file
/// reproducible. Only the first occurrence, inside the uncompressed catalog,
/// is touched: krilla compresses every content stream.
fn drop_suspects(mut pdf: Vec<u8>) -> Vec<u8> {
    const KEY: &[u8] = b"/Suspects false";
    let catalog = pdf.windows(9).position(|w| w == b"/MarkInfo").unwrap_or(usize::MAX);
    if let Some(at) =
        pdf.get(catalog..).and_then(|rest| rest.windows(KEY.len()).take(64).position(|w| w == KEY))
    {
        pdf[catalog + at..catalog + at + KEY.len()].fill(b' ');
    }
    pdf
}

/// Most bytes one compile may allocate (net, on its thread): 512 MiB.
/// Every built-in layout (the 5 m banner, the card sheet, a province's
/// summary) compiles within 200 MiB (checked with
/// `CANHBAO_COMPILE_MEMORY=200`); a layout of the campaign's own that builds an endless
/// array, doubles a string or lays out tens of thousands of pages would
/// take the machine's memory. `CANHBAO_COMPILE_MEMORY` (MiB) overrides it.
pub const COMPILE_MEMORY: usize = 512 << 20;

/// The process's allocator: mimalloc, counting what each thread allocates
/// while it compiles a document ([`compile`]). A compile past its budget
/// cannot be failed from inside the allocator (an allocator must not
/// unwind, and a refused allocation aborts), so the run ends there: the
/// message, said in Vietnamese and naming the layout, was written before
/// the compile began; the exit code is 2 (a bad layout). Files finished
/// before are whole and journaled; the next run resumes after them.
pub struct Guarded;

/// Net bytes allocated on this thread since its compile began, and its
/// budget (none outside a compile).
#[derive(Clone, Copy)]
struct Budget {
    net: isize,
    limit: isize,
    /// The refusal's text (owned by the [`CompileGuard`]).
    message: (*const u8, usize),
}

thread_local! {
    static BUDGET: std::cell::Cell<Budget> = const {
        std::cell::Cell::new(Budget { net: 0, limit: isize::MAX, message: (std::ptr::null(), 0) })
    };
}

/// Counts `n` bytes (negative: freed) against the thread's budget.
#[inline]
fn charge(n: isize) {
    // `try_with`: a thread being torn down has no budget left to count.
    let _ = BUDGET.try_with(|b| {
        let mut budget = b.get();
        budget.net = budget.net.wrapping_add(n);
        if budget.net > budget.limit {
            b.set(Budget { limit: isize::MAX, ..budget });
            over(budget.message);
        }
        b.set(budget);
    });
}

/// What the binary does with the message of a compile that went over its
/// budget: says it, and ends the process. The library prints nothing, so
/// the binary installs it once ([`on_over_budget`]); without it the process
/// ends silently with the same exit code.
static SAY_OVER: std::sync::OnceLock<fn(&[u8]) -> !> = std::sync::OnceLock::new();

/// Installs what ends the process when a compile goes over its budget
/// (`main` installs one that writes the message to stderr, exit code 2).
pub fn on_over_budget(say: fn(&[u8]) -> !) {
    let _ = SAY_OVER.set(say);
}

/// Ends the process with the message of the compile that went over.
#[cold]
fn over((text, len): (*const u8, usize)) -> ! {
    let text: &[u8] = match text.is_null() {
        true => &[],
        // SAFETY: the guard that set the pointer is alive (the compile is
        // running on this thread) and owns `len` bytes at it.
        false => unsafe { std::slice::from_raw_parts(text, len) },
    };
    // `OnceLock::get` does not allocate: safe inside the allocator.
    match SAY_OVER.get() {
        Some(say) => say(text),
        None => std::process::exit(2),
    }
}

// SAFETY: every call is passed on to mimalloc unchanged; the counting
// only reads and writes a thread-local `Cell` (no allocation).
unsafe impl std::alloc::GlobalAlloc for Guarded {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        charge(layout.size() as isize);
        // SAFETY: the caller's contract is passed on.
        unsafe { mimalloc::MiMalloc.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: std::alloc::Layout) -> *mut u8 {
        charge(layout.size() as isize);
        // SAFETY: the caller's contract is passed on.
        unsafe { mimalloc::MiMalloc.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        charge(-(layout.size() as isize));
        // SAFETY: the caller's contract is passed on.
        unsafe { mimalloc::MiMalloc.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new: usize) -> *mut u8 {
        charge(new as isize - layout.size() as isize);
        // SAFETY: the caller's contract is passed on.
        unsafe { mimalloc::MiMalloc.realloc(ptr, layout, new) }
    }
}

/// The budget of one compile on this thread, from its start to its drop.
struct CompileGuard {
    _message: Vec<u8>,
    outer: Budget,
}

impl CompileGuard {
    fn new(layout: &str) -> CompileGuard {
        let limit = compile_memory();
        let message = format!(
            "lỗi: mẫu “{}” cần quá {} MiB bộ nhớ để dàn trang một tài liệu; canhbao dừng lại để không làm treo máy (các tệp đã tạo xong được giữ).\n  gợi ý: tìm trong tệp đó: vòng lặp range(…) hay while chạy quá nhiều lần, chuỗi hoặc mảng tự nối dài trong vòng lặp (s = s + s), pagebreak() trong vòng lặp (quá nhiều trang); sửa rồi chạy lại.\n",
            crate::text::visible(layout),
            limit >> 20
        )
        .into_bytes();
        let outer = BUDGET.with(|b| b.get());
        let budget = Budget {
            net: 0,
            limit: isize::try_from(limit).unwrap_or(isize::MAX),
            message: (message.as_ptr(), message.len()),
        };
        BUDGET.with(|b| b.set(budget));
        CompileGuard { _message: message, outer }
    }
}

impl Drop for CompileGuard {
    fn drop(&mut self) {
        // Back to the budget outside (none, or an enclosing compile's).
        let _ = BUDGET.try_with(|b| {
            let now = b.get();
            b.set(Budget { net: self.outer.net.wrapping_add(now.net), ..self.outer });
        });
    }
}

/// [`COMPILE_MEMORY`], or `CANHBAO_COMPILE_MEMORY` MiB.
fn compile_memory() -> usize {
    static MEMORY: OnceLock<usize> = OnceLock::new();
    *MEMORY.get_or_init(|| {
        std::env::var("CANHBAO_COMPILE_MEMORY")
            .ok()
            .and_then(|v| v.parse::<usize>().ok())
            .map_or(COMPILE_MEMORY, |mib| mib << 20)
    })
}

/// Most pixels one rendered page may have: 150 million, 600 MB in memory
/// (the 5 m banner at 150 dpi has 140 million). Past it the renderer would
/// take gigabytes, or panic on an infinite size.
pub const MAX_PIXELS: f64 = 150e6;

/// Pixels drawn at once over all lanes: 100 million (400 MB as 4-byte
/// pixels, about 600 MB with the PNG encoder's buffers), so `--png` takes
/// about as much memory with 8 lanes as with 1: each page waits until the
/// pages being drawn leave it room (a page larger than the budget is drawn
/// alone). Small pages still go in parallel: 23 A5 pages at 300 dpi fit.
/// Measured on four A3 posters at 600 dpi (70 million pixels a page),
/// `-j4`: peak RSS 2.25 GB before, 0.64 GB at `-j1` (the test
/// `flags::png_memory_does_not_grow_with_jobs`).
pub const PIXEL_BUDGET: u64 = 100_000_000;

static PIXELS: Pixels =
    Pixels { left: std::sync::Mutex::new(PIXEL_BUDGET), freed: std::sync::Condvar::new() };

/// A budget of pixels shared by the lanes that draw pages.
struct Pixels {
    left: std::sync::Mutex<u64>,
    freed: std::sync::Condvar,
}

/// Pixels taken from [`PIXELS`], given back on drop.
struct Taken(u64);

impl Pixels {
    /// Waits until `n` pixels (at most the whole budget) are free, and takes them.
    fn take(&'static self, n: u64) -> Taken {
        let n = n.min(PIXEL_BUDGET);
        let mut left = self.left.lock().unwrap_or_else(|e| e.into_inner());
        while *left < n {
            left = self.freed.wait(left).unwrap_or_else(|e| e.into_inner());
        }
        *left -= n;
        Taken(n)
    }
}

impl Drop for Taken {
    fn drop(&mut self) {
        let mut left = PIXELS.left.lock().unwrap_or_else(|e| e.into_inner());
        *left += self.0;
        PIXELS.freed.notify_all();
    }
}

/// Renders every page to PNG at `dpi`; refuses a page with more than
/// [`MAX_PIXELS`] at that resolution.
pub fn png(doc: &PagedDocument, dpi: f32) -> Result<Vec<Vec<u8>>, String> {
    doc.pages()
        .iter()
        .map(|page| {
            let size = page.frame.size();
            let (w, h) = (size.x.to_pt() / 72.0, size.y.to_pt() / 72.0);
            let pixels = w * h * f64::from(dpi).powi(2);
            if !dpi.is_finite() || dpi <= 0.0 || pixels > MAX_PIXELS {
                let most = (MAX_PIXELS / (w * h)).sqrt().floor();
                return Err(format!(
                    "trang {:.0}×{:.0} mm ở {dpi} dpi quá lớn để vẽ thành ảnh (giới hạn {} triệu điểm ảnh); hãy chọn tối đa {most} dpi cho khổ này",
                    w * 25.4,
                    h * 25.4,
                    MAX_PIXELS / 1e6
                ));
            }
            let options = typst_render::RenderOptions {
                pixel_per_pt: typst::utils::Scalar::new(f64::from(dpi) / 72.0),
                ..Default::default()
            };
            // Held while the page is drawn and encoded: the lanes draw
            // together only as many pixels as the budget holds.
            let _pixels = PIXELS.take(pixels as u64);
            typst_render::render(page, &options)
                .encode_png()
                .map_err(|e| format!("không tạo được ảnh PNG ({e})"))
        })
        .collect()
}
