//! What the page hands back: the zips of the last build's listed files,
//! streamed as they are written, and single files of `out/`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use axum::body::Bytes;
use axum::extract::{Path as UrlPath, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::api::{S, blocking, document, fail, loaded};
use super::form;

// ---- downloads -----------------------------------------------------------

/// Which listed files of `out/` go into a download.
type Pick = Box<dyn Fn(&str) -> bool + Send>;

/// One zip of what a reader of the summary needs: `print` (the print order,
/// the print shop's package and every per-village PDF), `loa` (loudspeaker
/// scripts) or `social` (images for Zalo and Facebook).
///
/// Only files the last build's manifest lists go in (never a removed
/// village's file left behind, nor anything else in `out/`). The zip is
/// written as it is sent: one file at a time, read in pieces, so a file of
/// any size costs a buffer, not its size in memory. Each entry carries its
/// file's date.
pub async fn download(State(s): S, UrlPath(kind): UrlPath<String>) -> Response {
    let picked = blocking(move || -> Result<(String, PathBuf, Vec<ZipItem>), String> {
        let out = s.root.join("out");
        let images: Vec<String> = match loaded(&s) {
            Ok(l) => l
                .project
                .layouts
                .iter()
                .filter(|l| l.format == crate::layouts::Format::Png)
                .map(|l| l.id.clone())
                .collect(),
            Err(_) => vec!["social".into()],
        };
        let (suffix, pick): (&str, Pick) = match kind.trim_end_matches(".zip") {
            "print" => (
                "nha-in",
                Box::new(|rel: &str| rel == crate::output::ORDER || rel.ends_with(".pdf")),
            ),
            "loa" => ("loa", Box::new(|rel: &str| rel.starts_with("loa/"))),
            "social" => (
                "mang-xa-hoi",
                Box::new(move |rel: &str| {
                    images.iter().any(|id| rel.starts_with(&format!("{id}/")))
                }),
            ),
            _ => return Err("không có gói tải về này".into()),
        };
        let chosen = listed(&out, &*pick);
        if chosen.is_empty() {
            return Err("chưa có tệp nào: bấm “Tạo tệp in” trước".into());
        }
        let commune =
            document(&s.root).ok().map(|d| form::read(&d).commune).map_or("canhbao".into(), |c| {
                crate::text::file_slug(&format!("{} {}", c.kind, c.name))
            });
        Ok((format!("{commune}-{suffix}.zip"), out, chosen))
    })
    .await;
    let (name, out, chosen) = match picked {
        Ok(p) => p,
        Err(e) => return fail(StatusCode::NOT_FOUND, e),
    };
    let (tx, rx) = tokio::sync::mpsc::channel(ZIP_QUEUE);
    tokio::task::spawn_blocking(move || {
        let mut sink = ChunkSink { tx, buf: Vec::with_capacity(ZIP_CHUNK) };
        if let Err(e) = write_zip(&out, &chosen, &mut sink) {
            // Headers are sent: a broken download is all the client can get.
            let _ = sink.tx.blocking_send(Err(e));
        }
    });
    (
        [
            (header::CONTENT_TYPE, "application/zip".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
        ],
        axum::body::Body::from_stream(Chunks(rx)),
    )
        .into_response()
}

/// Bytes handed to the response at a time, and how many may wait.
const ZIP_CHUNK: usize = 256 << 10;
const ZIP_QUEUE: usize = 4;

/// A file of a download: its path in `out/`, and its date for the zip.
struct ZipItem {
    rel: String,
    modified: Option<std::time::SystemTime>,
}

/// The files the manifest of `out/` lists (its documents and its other
/// files) that `pick` takes and that are regular files, sorted.
fn listed(out: &Path, pick: &dyn Fn(&str) -> bool) -> Vec<ZipItem> {
    let manifest = crate::output::Manifest::read(&out.join("manifest.json"));
    manifest
        .owned()
        .into_iter()
        .filter(|rel| pick(rel))
        .filter_map(|rel| {
            let path = crate::output::place(out, &rel).ok()?;
            let meta = std::fs::symlink_metadata(path).ok().filter(|m| m.is_file())?;
            Some(ZipItem { rel, modified: meta.modified().ok() })
        })
        .collect()
}

/// Writes the zip of `items` (stored: PDFs and PNGs are compressed
/// already) into `sink`, streaming each file.
fn write_zip(out: &Path, items: &[ZipItem], sink: &mut ChunkSink) -> std::io::Result<()> {
    let mut zip = zip::ZipWriter::new_stream(&mut *sink);
    for item in items {
        let path = crate::output::place(out, &item.rel).map_err(std::io::Error::other)?;
        let mut file = std::fs::File::open(&path)?;
        let size = file.metadata()?.len();
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored)
            .large_file(size >= u64::from(u32::MAX))
            .last_modified_time(zip_date(item.modified));
        zip.start_file(item.rel.as_str(), options).map_err(std::io::Error::other)?;
        std::io::copy(&mut file, &mut zip)?;
    }
    zip.finish().map_err(std::io::Error::other)?;
    sink.flush()
}

/// A file's date for a zip entry (UTC; zip keeps no time zone), or the
/// current time when the file has none; zip dates start in 1980.
fn zip_date(modified: Option<std::time::SystemTime>) -> zip::DateTime {
    let when = modified.unwrap_or_else(std::time::SystemTime::now);
    let secs = when.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let t = time::OffsetDateTime::from_unix_timestamp(i64::try_from(secs).unwrap_or(0))
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    let (y, mo, d) = (t.year().clamp(1980, 2107), u8::from(t.month()), t.day());
    let year = u16::try_from(y).unwrap_or(1980);
    zip::DateTime::from_date_and_time(year, mo, d, t.hour(), t.minute(), t.second())
        .unwrap_or_default()
}

/// A writer that hands the zip to the response in chunks of [`ZIP_CHUNK`];
/// it fails once the client has gone, which ends the zip.
struct ChunkSink {
    tx: tokio::sync::mpsc::Sender<std::io::Result<Bytes>>,
    buf: Vec<u8>,
}

impl Write for ChunkSink {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(bytes);
        if self.buf.len() >= ZIP_CHUNK {
            self.flush()?;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(&mut self.buf, Vec::with_capacity(ZIP_CHUNK)));
        self.tx
            .blocking_send(Ok(chunk))
            .map_err(|_| std::io::Error::from(std::io::ErrorKind::BrokenPipe))
    }
}

/// The chunks of a zip being written, as the response's body.
struct Chunks(tokio::sync::mpsc::Receiver<std::io::Result<Bytes>>);

impl futures_core::Stream for Chunks {
    type Item = std::io::Result<Bytes>;

    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        self.0.poll_recv(cx)
    }
}

/// One built file from `out/` (a loudspeaker script, the print order…),
/// refused when the path leaves `out/`.
pub async fn file(State(s): S, UrlPath(rel): UrlPath<String>) -> Response {
    let result = blocking(move || -> Result<(String, Vec<u8>), String> {
        let out = s.root.join("out");
        let path = crate::campaign::inside(&out, &rel)?;
        let bytes = std::fs::read(&path)
            .map_err(|e| format!("không đọc được tệp ({})", crate::diag::io_error(&e)))?;
        let kind = match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
            "pdf" => "application/pdf",
            "png" => "image/png",
            "txt" => "text/plain; charset=utf-8",
            "csv" => "text/csv; charset=utf-8",
            _ => "application/octet-stream",
        };
        Ok((kind.to_string(), bytes))
    })
    .await;
    match result {
        Ok((kind, bytes)) => ([(header::CONTENT_TYPE, kind)], bytes).into_response(),
        Err(e) => fail(StatusCode::FORBIDDEN, e),
    }
}
