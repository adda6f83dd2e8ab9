//! Compiling one job and exporting it: Typst document → PDF bytes / PNG pages.

use typst::diag::{SourceDiagnostic, Warned};
use typst::foundations::{Datetime, Smart};
use typst_kit::diagnostics::{DiagnosticFormat, emit, termcolor};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, Timestamp};

use crate::world::JobWorld;

/// Marker a layout panics with when text does not fit: `canhbao-overflow: <field>`.
pub const OVERFLOW_MARK: &str = "canhbao-overflow: ";

/// Why a job produced no file.
#[derive(Debug, Clone)]
pub enum Failure {
    /// Text did not fit its box (the field path), or too many pages.
    Overflow(String),
    /// A Typst error, formatted like the typst CLI formats it.
    Typst(String),
    /// The laid-out document broke a print rule (see `crate::preflight`).
    Preflight(String),
    /// Anything else: the job's data could not be made, a file could not be
    /// written.
    Io(String),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        match self {
            Failure::Overflow(field) => write!(f, "nội dung không vừa khung: {field}"),
            Failure::Typst(text) | Failure::Preflight(text) | Failure::Io(text) => {
                f.write_str(text.trim_end())
            }
        }
    }
}

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

/// Compiles the job and checks the declared page count.
pub fn compile(world: &JobWorld, pages: usize) -> Result<Compiled, Failure> {
    let Warned { output, warnings } = typst::compile::<PagedDocument>(world);
    let warnings = warnings.iter().map(|w| format_diag(world, w)).collect();
    let doc = output.map_err(|errors| classify(world, &errors))?;
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

/// Most pixels one rendered page may have: 150 million, 600 MB in memory
/// (the 5 m banner at 150 dpi has 140 million). Past it the renderer would
/// take gigabytes, or panic on an infinite size.
pub const MAX_PIXELS: f64 = 150e6;

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
            typst_render::render(page, &options)
                .encode_png()
                .map_err(|e| format!("không tạo được ảnh PNG ({e})"))
        })
        .collect()
}
