//! "Tạo tệp in" on the page: the whole campaign built in the background
//! through the library's one build ([`crate::build`]), its progress and its
//! summary kept for the page to poll.

use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Instant;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::{Value, json};

use super::api::{S, fail, issue_json, issue_text};

// ---- build ---------------------------------------------------------------

/// The running or last build, as the page's progress bar reads it.
#[derive(Debug, Clone, Default, Serialize)]
pub struct BuildStatus {
    pub running: bool,
    pub done: usize,
    pub total: usize,
    pub current: String,
    pub summary: Option<Value>,
    pub error: Option<String>,
    pub issues: Vec<Value>,
}

pub async fn build_status(State(s): S) -> Response {
    Json(s.build.lock().expect("lock").clone()).into_response()
}

/// Starts `build` of the whole campaign in the background.
pub async fn start_build(State(s): S) -> Response {
    {
        let mut st = s.build.lock().expect("lock");
        if st.running {
            return fail(StatusCode::CONFLICT, "đang tạo tệp, chờ xong rồi bấm lại");
        }
        *st = BuildStatus { running: true, ..Default::default() };
    }
    let status = s.build.clone();
    let root = s.root.clone();
    std::thread::spawn(move || run_build(&root, &status));
    Json(s.build.lock().expect("lock").clone()).into_response()
}

/// Keeps a build's progress for the page to poll.
struct Progress<'a> {
    status: &'a Mutex<BuildStatus>,
    done: AtomicUsize,
    stop: AtomicBool,
}

impl crate::Reporter for Progress<'_> {
    fn planned(&self, n: usize) {
        self.status.lock().expect("lock").total = n;
    }

    fn document_done(&self, job: &crate::plan::Job, _: &crate::batch::Outcome) {
        let n = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        let mut st = self.status.lock().expect("lock");
        st.done = n;
        st.current = job.name.clone();
    }

    fn stop(&self) -> &AtomicBool {
        &self.stop
    }
}

fn run_build(root: &Path, status: &Mutex<BuildStatus>) {
    let start = Instant::now();
    let progress = Progress { status, done: AtomicUsize::new(0), stop: AtomicBool::new(false) };
    let opts = crate::BuildOptions::default();
    let result = crate::build(root, &opts, &progress);
    let mut st = status.lock().expect("lock");
    st.running = false;
    match result {
        Err(crate::BuildError::Input(issues)) => {
            st.error = Some("Không tạo tệp nào: hãy sửa các lỗi dưới đây rồi bấm lại.".into());
            st.issues = issues.0.iter().map(|i| issue_json(root, i)).collect();
        }
        Err(crate::BuildError::Other(msg)) => st.error = Some(msg.to_string()),
        Ok(built) => {
            let r = &built.report;
            let sum = crate::summary::Summary::of(&built);
            // The command line's table, with the paper said in words.
            let order: Vec<Value> = sum
                .order
                .iter()
                .map(|t| {
                    let mut v = json!(t);
                    v["paper_words"] = json!(crate::summary::paper_words(&t.paper));
                    v
                })
                .collect();
            // Only the downloads that have files: images only when a layout makes them.
            let p = &built.project;
            let social = p
                .campaign
                .layouts
                .iter()
                .any(|id| p.layout(id).is_ok_and(|l| l.format == crate::layouts::Format::Png));
            let mut downloads = vec!["print"];
            if built.loa_files > 0 {
                downloads.push("loa");
            }
            if social {
                downloads.push("social");
            }
            // Every file of the summary, each on one line: the documents of the
            // manifest, the print order's sheets and proofs, the scripts.
            let files: Vec<Value> = std::fs::read(&r.manifest)
                .ok()
                .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
                .and_then(|m| m["files"].as_array().cloned())
                .unwrap_or_default();
            let made: Vec<(String, String)> = files
                .iter()
                .filter_map(|f| {
                    Some((f["layout"].as_str()?.to_string(), f["file"].as_str()?.to_string()))
                })
                .collect();
            let layouts: Vec<(String, bool)> = p
                .campaign
                .layouts
                .iter()
                .map(|id| {
                    let image = p.layout(id).is_ok_and(|l| l.format == crate::layouts::Format::Png);
                    (id.clone(), image)
                })
                .collect();
            let mut rows = crate::summary::rows(&layouts, &made, &built.order, built.loa_files);
            // A proof is one copy of many pages: its pages, as the manifest counts them.
            for row in rows.iter_mut().filter(|r| r.kind == "proof") {
                let proof = |f: &&Value| {
                    f["layout"] == row.layout.as_str()
                        && f["file"]
                            .as_str()
                            .is_some_and(|n| n.starts_with("print/") && n.matches('/').count() == 1)
                };
                let pages: u64 =
                    files.iter().filter(proof).filter_map(|f| f["pages"].as_u64()).sum();
                row.pages = (pages > 0).then_some(pages as usize);
            }
            let mut warnings: Vec<String> =
                built.project.campaign.warnings.iter().map(|w| issue_text(root, w)).collect();
            warnings.extend(r.warnings.iter().map(|(v, l, t)| format!("{v}, {l}: {t}")));
            st.summary = Some(json!({
                "written": sum.written,
                "skipped": sum.skipped,
                "pages": sum.pages,
                "failed": sum.failed,
                "warnings": warnings,
                "order": order,
                "rows": rows,
                "loa": sum.loa,
                "downloads": downloads,
                "seconds": (start.elapsed().as_secs_f64() * 10.0).round() / 10.0,
            }));
        }
    }
}
