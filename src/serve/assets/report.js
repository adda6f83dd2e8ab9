// canhbao serve: the page's fourth step (issue 27). After print, the
// villages fill the tracking workbook theo-doi.xlsx; here the officer
// uploads it, sees each village's progress (households reached of
// households) and makes the report (.docx to edit in Word, and .pdf).
// Loaded before app.js, whose helpers (el, api, send, S, T, WORDS, num,
// setStatus) it uses when called.

const REPORT_WORDS = {
  vi: {
    tab: "4. Báo cáo",
    intro: "Sau khi phát tài liệu, các thôn ghi kết quả vào sổ theo dõi theo-doi.xlsx (canhbao tạo sổ này trong thư mục chiến dịch khi Tạo tệp in). Gửi sổ đã điền lên, xem tiến độ từng thôn, rồi lập báo cáo và tải về.",
    period: "Kỳ báo cáo",
    year: "Năm",
    halves: [["", "Cả năm"], ["H1", "6 tháng đầu năm"], ["H2", "6 tháng cuối năm"]],
    upload: "Gửi sổ theo dõi đã điền lên (.xlsx hoặc .csv)",
    uploaded: "Đã nhận sổ theo dõi.",
    refused: (n) => `Sổ theo dõi chưa nhận được: ${num(n)} lỗi — sửa rồi gửi lại`,
    not_made: (n) => `Chưa lập được báo cáo: ${num(n)} lỗi — sửa sổ theo dõi rồi gửi lại`,
    make: "Lập báo cáo",
    making: "Đang lập báo cáo…",
    made: (words) => `Đã lập báo cáo ${words}. Tải về:`,
    docx: (name) => `Tải về ${name} (sửa trong Word)`,
    pdf: (name) => `Tải về ${name} (để in)`,
    ready: "Báo cáo đã lập trước đây cho kỳ này:",
    made_status: (words) => `Đã lập báo cáo ${words}: tải về ở mục 4. Báo cáo.`,
    progress_title: "Tiến độ từng thôn: số hộ đã nhận tài liệu",
    none: "Chưa có số liệu: tải sổ theo dõi đã điền lên.",
    // A village that has not reported has no figure: not "0 / 412 hộ".
    row: (r) => r.filled ? `${num(r.reached)} / ${num(r.households)} hộ (${r.share}%)` : `${num(r.households)} hộ — chưa báo cáo`,
    // Posters or cards nobody counted are "no figure", not 0.
    totals: (t) => `Cả ${unitKind()}: ${num(t.reached)} / ${num(t.reported_households)} hộ đã nhận (${t.share}%, trên các ${vw()} đã báo cáo); ${num(t.leaflets)} tờ rơi, ${t.posters_given ? num(t.posters) + " áp phích" : "áp phích: chưa có số liệu"}, ${t.cards_given ? num(t.cards) + " thẻ" : "thẻ: chưa có số liệu"}; ${num(t.broadcasts)} buổi phát loa. ${num(t.reported)}/${num(t.villages)} ${vw()} đã báo cáo.`,
  },
  en: {
    tab: "4. Report",
    intro: "After the handout, villages fill the tracking workbook theo-doi.xlsx (canhbao makes it in the campaign folder when building). Upload it, see each village's progress, then make the report.",
    period: "Period",
    year: "Year",
    halves: [["", "Whole year"], ["H1", "First half"], ["H2", "Second half"]],
    upload: "Send the filled workbook (.xlsx or .csv)",
    uploaded: "Workbook received.",
    refused: (n) => `Workbook not accepted: ${num(n)} errors — fix them and send it again`,
    not_made: (n) => `Report not made: ${num(n)} errors — fix the workbook and send it again`,
    make: "Make the report",
    making: "Making the report…",
    made: (words) => `Report made (${words}). Download:`,
    docx: (name) => `Download ${name} (for Word)`,
    pdf: (name) => `Download ${name} (to print)`,
    ready: "Report made earlier for this period:",
    made_status: (words) => `Report made (${words}): download it in step 4.`,
    progress_title: "Progress per village: households reached",
    none: "No figures yet: upload the filled workbook.",
    row: (r) => r.filled ? `${num(r.reached)} / ${num(r.households)} households (${r.share}%)` : `${num(r.households)} households — not reported`,
    totals: (t) => `Commune: ${num(t.reached)} / ${num(t.reported_households)} households (${t.share}%, of the villages that reported); ${num(t.leaflets)} leaflets, ${t.posters_given ? num(t.posters) + " posters" : "posters: no figure yet"}, ${t.cards_given ? num(t.cards) + " cards" : "cards: no figure yet"}; ${num(t.broadcasts)} broadcasts.`,
  },
};
// "xã", "phường" or "đặc khu": the totals line names the commune's own kind.
function unitKind() { return (S && S.form && S.form.commune && S.form.commune.kind) || "xã"; }
function RW() { return T === WORDS.en ? REPORT_WORDS.en : REPORT_WORDS.vi; }

// The half-year just ended or running: H1 before 1 July, else H2; the
// officer reports the half they are in, not the whole year.
const reportNow = new Date();
let reportPeriod = { year: reportNow.getFullYear(), half: reportNow.getMonth() < 6 ? "H1" : "H2" };
// Set by makeReport: the next answer draws the confirmation.
let reportJustMade = false;
// The refusal line while the workbook on disk is refused (app.js's status
// bar shows it on this step instead of the campaign's "no errors").
let reportRefusal = "";
function reportQuery() { return reportPeriod.year ? `${reportPeriod.year}${reportPeriod.half ? "-" + reportPeriod.half : ""}` : ""; }

function reportPane() {
  const w = RW();
  if (!document.getElementById("report-css")) document.head.append(el("link", { rel: "stylesheet", href: "/report.css", id: "report-css" }));
  const half = el("select", { id: "report-half", onchange: (e) => { reportPeriod.half = e.target.value; loadReport(); } },
    w.halves.map(([v, label]) => el("option", { value: v, text: label, selected: v === reportPeriod.half })));
  const year = el("input", { type: "number", id: "report-year", min: 2000, max: 2100, value: reportPeriod.year || "",
    onchange: (e) => { reportPeriod.year = Number(e.target.value) || reportPeriod.year; loadReport(); } });
  const file = el("input", { type: "file", id: "report-file", accept: ".xlsx,.csv", onchange: (e) => { if (e.target.files[0]) uploadWorkbook(e.target.files[0]); } });
  const pane = el("div", { class: "card", id: "report" },
    el("p", { id: "report-intro", text: w.intro }),
    el("div", { class: "report-period" }, el("label", { for: "report-half", text: w.period }), half,
      el("label", { for: "report-year", text: w.year }), year),
    el("label", { class: "report-upload", for: "report-file", text: w.upload }), file,
    el("div", { id: "report-status" }));
  setTimeout(loadReport, 0);
  return pane;
}

// Each request for the report's state takes a number; only the latest
// request's answer is shown. A period changed just before an upload sends
// two requests, and the older one, answered last, showed the state from
// before the upload (empty bars) over the uploaded workbook's.
let reportAsked = 0;

async function loadReport() {
  const asked = ++reportAsked;
  try {
    const p = await api("/api/report?period=" + reportQuery());
    if (asked === reportAsked) showReport(p);
  } catch (e) { setStatus(T.error + e.message); }
}

// A refusal: one line saying it, then the problems; no downloads, no
// button, so nothing on screen says the opposite.
function showRefusal(line, issues) {
  const box = document.getElementById("report-status");
  reportRefusal = line;
  setStatus(line);
  box.replaceChildren(el("p", { class: "refused", id: "report-refused", text: line }),
    el("ul", { class: "issues", id: "report-issues" }, issues.map((i) => el("li", { text: i }))));
}

async function uploadWorkbook(f) {
  const w = RW();
  try {
    const asked = ++reportAsked;
    const r = await send(`/api/report/upload?name=${encodeURIComponent(f.name)}&period=${reportQuery()}`, { method: "POST", body: f });
    const body = await r.json();
    if (asked !== reportAsked) return;
    if (!r.ok) { showRefusal(w.refused(1), [body.error]); return; }
    if (!body.issues.length) setStatus(w.uploaded);
    showReport(body);
  } catch (e) { setStatus(T.error + e.message); }
  finally { document.getElementById("report-file").value = ""; }
}

async function makeReport() {
  const w = RW();
  const btn = document.getElementById("report-make");
  btn.disabled = true;
  btn.textContent = w.making;
  try {
    const asked = ++reportAsked;
    const r = await send("/api/report/make?period=" + reportQuery(), { method: "POST" });
    const body = await r.json();
    if (asked !== reportAsked) return;
    if (!r.ok) {
      const list = body.issues || [body.error];
      showRefusal(w.not_made(body.errors || list.length), list);
      return;
    }
    reportJustMade = true;
    showReport(body);
  } catch (e) { setStatus(T.error + e.message); }
  finally { btn.disabled = false; btn.textContent = w.make; }
}

function showReport(p) {
  const w = RW();
  const box = document.getElementById("report-status");
  if (!box) return;
  if (p.issues.length) { reportJustMade = false; showRefusal(w.refused(p.errors || p.issues.length), p.issues); return; }
  reportRefusal = "";
  const rows = p.rows.length ? el("div", { id: "progress-list" }, el("h3", { text: w.progress_title }),
    p.rows.map((r) => el("div", { class: r.filled ? "village" : "village silent" },
      el("span", { class: "vname", text: r.name }),
      el("progress", { max: Math.max(r.households, 1), value: r.reached, "aria-label": r.name }),
      el("span", { class: "vcount", text: w.row(r) }))),
    el("p", { class: "ok", id: "report-totals", text: w.totals(p.totals) })) : el("p", { class: "muted", text: w.none });
  const made = reportJustMade;
  reportJustMade = false;
  if (made) setStatus(w.made_status(p.words));
  const files = p.files.length ? el("div", { class: made ? "downloads made" : "downloads", id: "report-files" },
    el("p", { id: made ? "report-made" : "report-ready", text: made ? w.made(p.words) : w.ready }),
    p.files.map((f) => {
      const name = f.split("/").pop();
      return el("a", { id: f.endsWith(".docx") ? "report-docx" : "report-pdf", href: "/file/" + f, download: name,
        text: f.endsWith(".docx") ? w.docx(name) : w.pdf(name) });
    })) : null;
  // The bars first, then the button under them, then what it made.
  const make = p.rows.length ? el("button", { class: "primary", id: "report-make", type: "button", text: w.make, onclick: makeReport }) : null;
  box.replaceChildren(...[rows, make, files].filter(Boolean));
  // The confirmation is under the bars: bring it into view.
  if (made) document.getElementById("report-files").scrollIntoView({ block: "nearest" });
}
