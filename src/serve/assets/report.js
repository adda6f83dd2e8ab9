// canhbao serve: the page's fourth step (issue 27). After print, the
// villages fill the tracking workbook theo-doi.xlsx; here the officer
// uploads it, sees each village's progress (households reached of
// households) and makes the report (.docx to edit in Word, and .pdf).
// Loaded before app.js, whose helpers (el, api, send, S, T, WORDS, num,
// setStatus) it uses when called.

const REPORT_WORDS = {
  vi: {
    tab: "4. Báo cáo",
    intro: "Sau khi phát tài liệu, các thôn ghi kết quả vào sổ theo dõi theo-doi.xlsx (canhbao tạo sổ này trong thư mục chiến dịch khi Tạo tệp in). Tải sổ đã điền lên, xem tiến độ từng thôn, rồi lập báo cáo.",
    period: "Kỳ báo cáo",
    year: "Năm",
    halves: [["", "Cả năm"], ["H1", "6 tháng đầu năm"], ["H2", "6 tháng cuối năm"]],
    upload: "Tải sổ theo dõi đã điền lên (.xlsx hoặc .csv)",
    uploaded: "Đã nhận sổ theo dõi.",
    make: "Lập báo cáo",
    making: "Đang lập báo cáo…",
    made: "Đã lập báo cáo.",
    docx: "Tải báo cáo (.docx, sửa trong Word)",
    pdf: "Tải báo cáo (.pdf)",
    progress_title: "Tiến độ từng thôn: số hộ đã nhận tài liệu",
    none: "Chưa có số liệu: tải sổ theo dõi đã điền lên.",
    row: (r) => `${num(r.reached)} / ${num(r.households)} hộ (${r.share}%)` + (r.filled ? "" : " — chưa báo cáo"),
    totals: (t) => `Cả xã: ${num(t.reached)} / ${num(t.households)} hộ đã nhận (${t.share}%); ${num(t.leaflets)} tờ rơi, ${num(t.posters)} áp phích, ${num(t.cards)} thẻ; ${num(t.broadcasts)} buổi phát loa. ${num(t.reported)}/${num(t.villages)} thôn đã báo cáo.`,
  },
  en: {
    tab: "4. Report",
    intro: "After the handout, villages fill the tracking workbook theo-doi.xlsx (canhbao makes it in the campaign folder when building). Upload it, see each village's progress, then make the report.",
    period: "Period",
    year: "Year",
    halves: [["", "Whole year"], ["H1", "First half"], ["H2", "Second half"]],
    upload: "Upload the filled workbook (.xlsx or .csv)",
    uploaded: "Workbook received.",
    make: "Make the report",
    making: "Making the report…",
    made: "Report made.",
    docx: "Download the report (.docx, for Word)",
    pdf: "Download the report (.pdf)",
    progress_title: "Progress per village: households reached",
    none: "No figures yet: upload the filled workbook.",
    row: (r) => `${num(r.reached)} / ${num(r.households)} households (${r.share}%)` + (r.filled ? "" : " — not reported"),
    totals: (t) => `Commune: ${num(t.reached)} / ${num(t.households)} households (${t.share}%); ${num(t.leaflets)} leaflets, ${num(t.posters)} posters, ${num(t.cards)} cards; ${num(t.broadcasts)} broadcasts.`,
  },
};
function RW() { return T === WORDS.en ? REPORT_WORDS.en : REPORT_WORDS.vi; }

let reportPeriod = { year: null, half: "" };
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

async function loadReport() {
  try { showReport(await api("/api/report?period=" + reportQuery())); }
  catch (e) { setStatus(T.error + e.message); }
}

async function uploadWorkbook(f) {
  const box = document.getElementById("report-status");
  try {
    const r = await send(`/api/report/upload?name=${encodeURIComponent(f.name)}&period=${reportQuery()}`, { method: "POST", body: f });
    const body = await r.json();
    if (!r.ok) { box.replaceChildren(el("ul", { class: "issues", id: "report-issues" }, el("li", { text: body.error }))); return; }
    setStatus(RW().uploaded);
    showReport(body);
  } catch (e) { setStatus(T.error + e.message); }
}

async function makeReport() {
  const w = RW();
  const btn = document.getElementById("report-make");
  btn.disabled = true;
  btn.textContent = w.making;
  try {
    const r = await send("/api/report/make?period=" + reportQuery(), { method: "POST" });
    const body = await r.json();
    if (!r.ok) {
      document.getElementById("report-status").replaceChildren(el("ul", { class: "issues", id: "report-issues" },
        (body.issues || [body.error]).map((i) => el("li", { text: i }))));
      return;
    }
    setStatus(w.made);
    showReport(body);
  } catch (e) { setStatus(T.error + e.message); }
  finally { btn.disabled = false; btn.textContent = w.make; }
}

function showReport(p) {
  const w = RW();
  const box = document.getElementById("report-status");
  if (!box) return;
  // The first answer says the period the server chose (the campaign's year).
  if (!reportPeriod.year && p.period) {
    reportPeriod.year = Number(p.period.slice(0, 4));
    const y = document.getElementById("report-year");
    if (y) y.value = reportPeriod.year;
  }
  const issues = p.issues.length ? el("ul", { class: "issues", id: "report-issues" }, p.issues.map((i) => el("li", { text: i }))) : null;
  const rows = p.rows.length ? el("div", { id: "progress-list" }, el("h3", { text: w.progress_title }),
    p.rows.map((r) => el("div", { class: r.filled ? "village" : "village silent" },
      el("span", { class: "vname", text: r.name }),
      el("progress", { max: Math.max(r.households, 1), value: r.reached, "aria-label": r.name }),
      el("span", { class: "vcount", text: w.row(r) }))),
    el("p", { class: "ok", id: "report-totals", text: w.totals(p.totals) })) : (issues ? null : el("p", { class: "muted", text: w.none }));
  const files = p.files.length ? el("div", { class: "downloads" }, p.files.map((f) =>
    el("a", { id: f.endsWith(".docx") ? "report-docx" : "report-pdf", href: "/file/" + f, download: f.split("/").pop(),
      text: f.endsWith(".docx") ? w.docx : w.pdf }))) : null;
  const make = p.rows.length ? el("button", { class: "primary", id: "report-make", type: "button", text: w.make, onclick: makeReport }) : null;
  box.replaceChildren(...[issues, make, files, rows].filter(Boolean));
}
