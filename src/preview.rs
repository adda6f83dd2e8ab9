//! Pictures of documents rather than files for the printer: the PNG pages
//! of `canhbao preview`, the page `serve` shows, and the contact sheet with
//! every village's first page.

use std::path::{Path, PathBuf};

use crate::diag::{Fault, Issue, Issues};
use crate::layouts::{Layout, Scope};
use crate::{BuildError, Project, output, plan, preflight, render, select, world};

/// What `canhbao preview` draws.
#[derive(Debug, Clone)]
pub struct PreviewOptions {
    /// The layout (default: the campaign's first).
    pub layout: Option<String>,
    /// The village (default: the first; ignored by a commune-wide layout).
    pub village: Option<String>,
    /// Resolution of the PNG pages.
    pub dpi: f32,
    /// Where the pages go (default: `<campaign>/out/preview`).
    pub out: Option<PathBuf>,
    /// What the preflight's findings do.
    pub preflight: preflight::Mode,
}

/// What a preview wrote.
pub struct Previewed {
    /// The PNG files, one per page.
    pub pages: Vec<PathBuf>,
    /// The preflight's warnings.
    pub warnings: Vec<String>,
}

/// Renders one document of a checked project to PNG files.
pub fn write(project: &Project, opts: &PreviewOptions) -> Result<Previewed, BuildError> {
    let c = &project.campaign;
    let input = |issue: Issue| BuildError::Input(Issues(vec![issue]));
    let id = match (&opts.layout, c.layouts.first()) {
        (Some(id), _) | (None, Some(id)) => id,
        (None, None) => {
            let toml = c.root.join("campaign.toml");
            return Err(input(Issue::error(&toml, "campaign.toml chưa có mẫu nào trong layouts")));
        }
    };
    let layout = select::layout(project, id).map_err(input)?;
    let village = match (&opts.village, layout.scope) {
        (_, Scope::Commune) => None,
        (Some(name), Scope::Village) => Some(select::village(project, name).map_err(input)?),
        (None, Scope::Village) => Some(0),
    };
    let base = project.base(&[]).map_err(BuildError::other)?;
    let (pages, warnings) = project
        .preview(&base, layout, village, opts.dpi, opts.preflight)
        .map_err(BuildError::other)?;
    let out = opts.out.clone().unwrap_or_else(|| c.root.join("out/preview"));
    let slug =
        village.map_or(crate::text::file_slug(&c.commune.full()), |i| c.villages[i].slug.clone());
    let written =
        write_pages(&out, &format!("{}-{slug}", layout.id), &pages).map_err(BuildError::other)?;
    Ok(Previewed { pages: written, warnings })
}

/// Writes `<stem>-<n>.png` for every page into `out`.
fn write_pages(out: &Path, stem: &str, pages: &[Vec<u8>]) -> Result<Vec<PathBuf>, Fault> {
    std::fs::create_dir_all(out).map_err(Fault::io("không tạo được thư mục", out))?;
    let mut written = Vec::new();
    for (i, png) in pages.iter().enumerate() {
        let path = output::place(out, &format!("{stem}-{}.png", i + 1))?;
        output::write_atomic(&path, png)?;
        written.push(path);
    }
    Ok(written)
}

impl Project {
    /// Renders one document's pages to PNG (`pages` limits how many).
    pub fn png(
        &self,
        base: &world::Base,
        layout: &Layout,
        village: Option<usize>,
        dpi: f32,
        pages: usize,
    ) -> Result<Vec<Vec<u8>>, Fault> {
        let planner = plan::Planner::new(&self.campaign, &self.pack)?;
        let off = preflight::Mode::Off;
        Ok(self.png_with(base, &planner, layout, village, dpi, pages, off)?.0)
    }

    /// Every page of one document as PNG, after the preflight in `mode`:
    /// the pages and the preflight's warnings, or why there are no pages.
    pub fn preview(
        &self,
        base: &world::Base,
        layout: &Layout,
        village: Option<usize>,
        dpi: f32,
        mode: preflight::Mode,
    ) -> Result<(Vec<Vec<u8>>, Vec<String>), Fault> {
        let planner = plan::Planner::new(&self.campaign, &self.pack)?;
        self.png_with(base, &planner, layout, village, dpi, usize::MAX, mode)
    }

    /// [`Project::preview`] with a planner shared by many documents.
    #[allow(clippy::too_many_arguments)] // private; the two callers name them all
    fn png_with(
        &self,
        base: &world::Base,
        planner: &plan::Planner,
        layout: &Layout,
        village: Option<usize>,
        dpi: f32,
        pages: usize,
        mode: preflight::Mode,
    ) -> Result<(Vec<Vec<u8>>, Vec<String>), Fault> {
        let mut doc = self.document(base, planner, layout, village)?;
        // The blocks of the very job `document` lays out (its first).
        let villages: Vec<usize> = village.into_iter().collect();
        let jobs = plan::plan(&self.campaign, std::slice::from_ref(layout), &villages, &self.pack);
        let expect = preflight::Expect::new(
            &self.campaign,
            layout,
            village.map(|i| &self.campaign.villages[i]),
        )
        .carrying(jobs.first().map(|j| planner.blocks(j)).unwrap_or_default());
        let warnings = preflight::apply(&doc, &expect, mode)?;
        let keep = pages.min(doc.pages().len());
        let pages: Vec<_> = doc.pages()[..keep].to_vec();
        doc = typst_layout::PagedDocument::new(pages.into_iter().collect(), Default::default());
        Ok((render::png(&doc, dpi)?, warnings))
    }

    /// One document laid out (every page), as the preview and `serve` show it.
    pub fn document(
        &self,
        base: &world::Base,
        planner: &plan::Planner,
        layout: &Layout,
        village: Option<usize>,
    ) -> Result<typst_layout::PagedDocument, Fault> {
        let villages: Vec<usize> = village.into_iter().collect();
        let jobs = plan::plan(&self.campaign, std::slice::from_ref(layout), &villages, &self.pack);
        let job = jobs.first().ok_or_else(|| Fault::Other("không có gì để vẽ".into()))?;
        let world = base.job(&job.layout.file, planner.data(job)?);
        let compiled = render::compile(&world, layout.pages)?;
        Ok(compiled.doc)
    }

    /// One image with the first page of every village's document, for a
    /// one-glance review of the whole run.
    pub fn contact_sheet(&self, layout: &Layout, font_dirs: &[PathBuf]) -> Result<Vec<u8>, Fault> {
        use rayon::prelude::*;
        let base = self.base(font_dirs)?;
        let planner = plan::Planner::new(&self.campaign, &self.pack)?;
        let n = self.campaign.villages.len();
        let thumbs: Vec<image::RgbaImage> = (0..n)
            .into_par_iter()
            .map(|i| {
                let (png, _) =
                    self.png_with(&base, &planner, layout, Some(i), 24.0, 1, preflight::Mode::Off)?;
                let image = image::load_from_memory(&png[0]).map(|im| im.to_rgba8());
                image.map_err(|e| Fault::Other(format!("không đọc được ảnh trang ({e})")))
            })
            .collect::<Result<_, Fault>>()?;
        let (tw, th) = thumbs.first().map_or((1, 1), |t| t.dimensions());
        let cols = 8.min(n.max(1)) as u32;
        let rows = (n as u32).div_ceil(cols);
        let gap = 10;
        let mut sheet = image::RgbaImage::from_pixel(
            cols * (tw + gap) + gap,
            rows * (th + gap) + gap,
            image::Rgba([200, 200, 200, 255]),
        );
        for (i, t) in thumbs.iter().enumerate() {
            let (x, y) = (i as u32 % cols, i as u32 / cols);
            image::imageops::overlay(
                &mut sheet,
                t,
                i64::from(gap + x * (tw + gap)),
                i64::from(gap + y * (th + gap)),
            );
        }
        let mut out = std::io::Cursor::new(Vec::new());
        sheet
            .write_to(&mut out, image::ImageFormat::Png)
            .map_err(|e| Fault::Other(format!("không tạo được ảnh tổng hợp ({e})")))?;
        Ok(out.into_inner())
    }
}
