//! Compiling one job and exporting it: Typst document → PDF bytes / PNG pages.

use typst::diag::{SourceDiagnostic, Warned};
use typst::foundations::{Datetime, Smart};
use typst_kit::diagnostics::{DiagnosticFormat, emit, termcolor};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

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
    pub date: Option<(i32, u8, u8)>,
    /// PDF/A-2b.
    pub pdf_a: bool,
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
    let timestamp =
        settings.date.and_then(|(y, m, d)| Datetime::from_ymd(y, m, d)).map(Timestamp::new_utc);
    let standards = if settings.pdf_a {
        PdfStandards::new(&[PdfStandard::A_2b])
            .map_err(|e| Failure::Typst(e.message().to_string()))?
    } else {
        PdfStandards::default()
    };
    let options = PdfOptions {
        ident: Smart::Custom(settings.ident.clone()),
        creator: Smart::Custom(Some(format!("canhbao {}", env!("CARGO_PKG_VERSION")))),
        timestamp,
        standards,
        ..PdfOptions::default()
    };
    typst_pdf::pdf(doc, &options).map_err(|errors| {
        Failure::Typst(errors.iter().map(|e| format!("error: {}\n", e.message)).collect())
    })
}

/// Renders every page to PNG at `dpi`.
pub fn png(doc: &PagedDocument, dpi: f32) -> Result<Vec<Vec<u8>>, String> {
    doc.pages()
        .iter()
        .map(|page| {
            let options = typst_render::RenderOptions {
                pixel_per_pt: typst::utils::Scalar::new(f64::from(dpi) / 72.0),
                ..Default::default()
            };
            typst_render::render(page, &options)
                .encode_png()
                .map_err(|e| format!("failed to encode PNG ({e})"))
        })
        .collect()
}
