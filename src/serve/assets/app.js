// canhbao serve: the page. Plain JavaScript, no build step, nothing fetched
// from the network. Every value from the campaign is put on the page with
// textContent (never as HTML), so a village called <script> prints as text.
"use strict";

const WORDS = {
  vi: {
    folder: "Thư mục làm việc: ",
    start_title: "Tạo chiến dịch mới",
    start_intro: "Thư mục này chưa có chiến dịch. Điền vài dòng dưới đây: canhbao ghi sẵn thông tin chiến dịch và một bảng danh sách thôn mẫu (tệp Excel) để bạn điền tiếp.",
    commune: "Tên xã, phường (không ghi chữ “xã”, “phường”) — bắt buộc",
    kind: "Loại",
    duty_phone: "Số trực ban Công an xã, phường (đường dây nóng) — bắt buộc",
    issuer: "Đơn vị phát hành (in ở cuối tờ rơi)",
    issuer_start: "Đơn vị phát hành (in ở cuối tờ rơi; tự điền khi tên xã, phường khớp danh sách)",
    create: "Tạo chiến dịch",
    creating: "Đang tạo…",
    pick_province: "— Chọn tỉnh, thành phố —",
    province_pick: "Tỉnh/thành phố (theo danh sách từ 1/7/2025) — bắt buộc",
    unlisted: "Đơn vị mới, chưa có trong danh sách",
    use_this: (u) => "Dùng: " + [u.kind, u.name].filter(Boolean).join(" ") + (u.province ? (u.name ? " (" + u.province + ")" : u.province) : ""),
    offline: "không kết nối được với canhbao; cửa sổ lệnh của canhbao còn mở không?",
    tab_form: "1. Thông tin chiến dịch",
    get tab_villages() { return S && (S.table || S.form) ? `2. Danh sách ${vw()}` : "2. Danh sách thôn, tổ dân phố"; },
    tab_build: "3. Tạo tệp in",
    tab_errors: (n) => `(${n} lỗi)`,
    tab_unsaved: "(chưa lưu)",
    sec_commune: "Xã/phường",
    sec_contacts: "Số điện thoại in trên tờ rơi",
    label: "Tên gọi",
    phone: "Số điện thoại",
    hotline: "In số này to nhất",
    add_contact: "+ Thêm số",
    remove: "Xóa",
    sec_channels: "Kênh tố giác (in kèm mã QR)",
    url: "Địa chỉ trang web hoặc số điện thoại (mã QR dẫn tới đó)",
    add_channel: "+ Thêm kênh",
    sec_layouts: "Các mẫu cần in",
    sec_content: "Nội dung",
    audience: "Đối tượng",
    audience_default: "Theo từng mẫu",
    locale: "Ngôn ngữ in",
    sec_theme: "Màu in (phần trăm 4 màu mực của nhà in: C xanh lơ, M hồng, Y vàng, K đen)",
    primary: "Màu chính",
    accent: "Màu nhấn",
    sec_print: "Cài đặt cho nhà in",
    print_hint: "Thường không cần sửa: chỉ đổi khi nhà in yêu cầu.",
    bleed: "Phần in tràn ra ngoài mép để nhà in xén (mm)",
    spare: "In thêm phòng hỏng (%)",
    marks: "In dấu cắt ở góc",
    save: "Lưu thay đổi",
    saved: "Đã lưu",
    saving: "Đang lưu…",
    unsaved: "Có thay đổi chưa lưu",
    stale_reload: "Lấy bản vừa lưu",
    stale_typed: "Những gì bạn đã gõ ở đây mà chưa lưu (gõ lại những dòng vẫn cần, rồi bấm “Lưu thay đổi”):",
    stale_done: "Đã gõ lại xong, ẩn danh sách này",
    empty: "(để trống)",
    changed: "đã sửa",
    unsaved_build: (why) => "Chưa tạo tệp nào, vì các thay đổi ở mục 1 “Thông tin chiến dịch” chưa lưu được. " + why,
    problems: (e, w) => `${e} lỗi, ${w} cảnh báo`,
    no_problems: "Không có lỗi: in được",
    more: "▼ Còn nữa bên dưới: cuộn xuống để xem tiếp",
    get drop() { return (coarse() ? "Bấm" : "Kéo thả tệp vào đây, hoặc bấm") + ` nút “Chọn tệp” để chọn tệp Excel (.xlsx) hoặc .csv có bảng danh sách ${vw()}. Bảng mới thay bảng đang dùng (bảng cũ vẫn được giữ lại trong thư mục làm việc).`; },
    pick_file: "Chọn tệp Excel (.xlsx) hoặc .csv",
    edit_cell: "Bấm để sửa ô này",
    edit_hint: "Bấm vào một ô để sửa ngay trên trang; bấm ra ngoài ô là lưu.",
    uploading: "Đang đọc tệp…",
    get table_file() { return `Bảng danh sách ${vw()} đang dùng: tệp `; },
    line: "Dòng trong tệp",
    sample_row: "Ghi chú: đây là dòng mẫu có sẵn (không tính là lỗi). Sửa các ô thành thôn, tổ dân phố của xã mình ngay trên trang, hoặc xóa dòng này trong tệp Excel.",
    villages_count: (n) => `${n} ${vw()}`,
    preview: "Xem trước",
    layout: "Mẫu",
    get village() { return cap(vw()); },
    village_with_errors: (name, line) => `${name || "(chưa có tên)"} — còn lỗi (dòng ${line} của tệp)`,
    partial: (n, m) => `Đang xem trước ${n} ${vw()} không có lỗi; ${m} ${vw()} còn lỗi (sửa ở mục 2).`,
    get all_villages() { return `Xem tất cả các ${vw()}`; },
    get one_village() { return `Xem từng ${vw()}`; },
    get sheet_hint() { return `Bấm vào một ô để xem ${vw()} đó.`; },
    page: (i, n) => `Trang ${i}/${n}`,
    words: "Xem chữ trên trang (để soát số điện thoại, tên)",
    rendering: "Đang tạo bản xem trước…",
    fix_first: (tabs) => `Sửa các lỗi được chỉ ra ở ${tabs.map((t) => "mục " + t).join(" và ")} rồi xem lại.`,
    get no_village() { return `— Chưa xem được ${vw()} nào —`; },
    get build() { return `Tạo tệp in cho mọi ${vw()}`; },
    build_intro: (folder) => `Tạo tệp PDF cho từng ${vw()}, gói gửi nhà in, bài phát thanh trên loa và ảnh đăng mạng xã hội (nếu chọn mẫu ảnh). Các tệp được lưu trong thư mục “out” bên trong thư mục làm việc “${folder}”, và tải về được bằng các nút hiện ra sau khi tạo xong.`,
    example_band: "Đây là chiến dịch mẫu: mọi trang, kể cả tệp gửi nhà in, đều có dải chữ “MẪU — KHÔNG PHÁT”. Chiến dịch thật của xã không có dải này.",
    building: (d, t, c) => `${d}/${t} tệp ${c ? "— " + c : ""}`,
    done: (n, sec) => `Xong trong ${num(sec)} giây: ${num(n)} tệp, liệt kê dưới đây.`,
    fresh: (n, w, s) => `Trong ${num(n)} tệp: ${num(w + s)} tệp tài liệu của từng ${vw()} và ảnh (${num(w)} tệp vừa tạo mới, ${num(s)} tệp không đổi vì không có gì thay đổi); ${num(n - w - s)} tệp còn lại (tờ in ghép, bản duyệt, bài loa, bảng số bản) được làm từ các tài liệu đó.`,
    row: {
      each: (t) => `${t}: một tệp cho mỗi ${vw()}`,
      each_view: "để xem, in thử (nhà in dùng tờ in ghép ở dòng dưới)",
      images: (t) => `${t}: ảnh để đăng nhóm Zalo, trang Facebook`,
      sheets: (t) => `${t}: tờ in ghép cho nhà in, mỗi ${vw()} một tệp`,
      proof: (t) => `Bản duyệt ${t.charAt(0).toLowerCase() + t.slice(1)}: mọi ${vw()} trong một tệp, in 1 bản để soát trước khi in hàng loạt`,
      get loa() { return `Bài phát thanh trên loa, mỗi ${vw()} một bài`; },
      get order() { return `Bảng số bản cần in của từng ${vw()}, gửi kèm cho nhà in`; },
      order_copies: "— (không cần in: gửi kèm tệp này cho nhà in)",
      proof_copies: (pages) => pages ? `1 bản (${num(pages)} trang)` : "1 bản",
      not_printed: "không in",
      by_sheets: "in bằng tờ in ghép ở dòng dưới",
      copies: (n, paper) => `${num(n)} ${paper}`,
      sheet_copies: (n, paper, per) => `${num(n)} ${paper}; mỗi tờ in ${per} bản, nhà in cắt ra được ${num(n * per)} bản (đã tính số hộ và phần in thêm)`,
    },
    papers: { a4: "tờ A4", a5: "tờ A5", a3: "tờ A3", sra4: "tờ khổ SRA4 (khổ giấy của nhà in, 32 × 22,5 cm)", sra3: "tờ khổ SRA3 (khổ giấy của nhà in, 45 × 32 cm)" },
    order_head: ["Tệp", "Số tệp", "Số bản cần in"],
    failed: "Không tạo được",
    warnings: "Cảnh báo, xem lại trước khi in",
        dl_print: "Tải gói gửi nhà in (một tệp nén)",
    dl_loa: "Tải bài phát thanh loa (một tệp nén)",
    dl_social: "Tải ảnh đăng mạng xã hội (một tệp nén)",
    get print_note() { return `Gửi gói này cho nhà in: trong đó có các tờ in ghép, bản duyệt, bảng số bản cần in của từng ${vw()} và tệp PDF của từng ${vw()}.`; },
    error: "Lỗi: ",
    error_word: "Lỗi: ",
    warning_word: "Cảnh báo: ",
    hint_word: "Gợi ý: ",
    columns: { get name() { return "Tên " + vw(); }, kind: "Loại", officer: "Cán bộ phụ trách", officer_phone: "SĐT cán bộ",
      households: "Số hộ", shops: "Số cửa hàng", public_places: "Nơi công cộng" },
    audiences: { households: "Hộ gia đình", shops: "Cửa hàng, cơ sở kinh doanh", schools: "Trường học, người trẻ", border: "Vùng biên giới", elderly: "Người cao tuổi" },
    locales: { vi: "Tiếng Việt", en: "Tiếng Anh" },
  },
  en: {
    folder: "Working folder: ",
    start_title: "New campaign",
    start_intro: "This folder has no campaign yet. Fill in these lines; canhbao writes the campaign and a sample village table (an Excel file).",
    commune: "Commune or ward name (without “xã”)",
    kind: "Kind",
    duty_phone: "Commune police duty phone (hotline)",
    issuer: "Issuing unit (printed at the bottom)",
    create: "Create campaign",
    creating: "Creating…",
    pick_province: "— Choose a province or city —",
    province_pick: "Province or city (list of 1 July 2025)",
    unlisted: "New unit, not on the list yet",
    use_this: (u) => "Use: " + [u.kind, u.name].filter(Boolean).join(" ") + (u.province ? (u.name ? " (" + u.province + ")" : u.province) : ""),
    offline: "cannot reach canhbao; is its command window still open?",
    tab_form: "1. Campaign",
    tab_villages: "2. Villages",
    tab_build: "3. Build print files",
    tab_errors: (n) => `(${n} errors)`,
    tab_unsaved: "(not saved)",
    sec_commune: "Commune",
    sec_contacts: "Phone numbers printed",
    label: "Label",
    phone: "Phone",
    hotline: "Printed largest",
    add_contact: "+ Add number",
    remove: "Remove",
    sec_channels: "Reporting channels (printed with a QR code)",
    url: "Address (https://… or tel:…)",
    add_channel: "+ Add channel",
    sec_layouts: "Layouts to print",
    sec_content: "Content",
    audience: "Audience",
    audience_default: "Each layout's own",
    locale: "Printed language",
    sec_theme: "Colours (C, M, Y, K in %)",
    primary: "Main colour",
    accent: "Highlight colour",
    sec_print: "Settings for the print shop",
    print_hint: "Usually left as they are: change them when the print shop asks.",
    bleed: "Bleed (mm)",
    spare: "Spare copies (%)",
    marks: "Crop marks",
    save: "Save changes",
    saved: "Saved",
    saving: "Saving…",
    unsaved: "Unsaved changes",
    stale_reload: "Load the saved version",
    stale_typed: "What you typed here and did not save (type again what you still need, then save):",
    stale_done: "Done, hide this list",
    empty: "(empty)",
    changed: "changed",
    unsaved_build: (why) => "Nothing built: the changes on tab 1 could not be saved. " + why,
    problems: (e, w) => `${e} errors, ${w} warnings`,
    no_problems: "Data is valid",
    more: "▼ More below: scroll down",
    drop: "Drop an Excel (.xlsx) or .csv file here, or press “Choose a file”. The new table replaces the one in use (the old one stays in the folder).",
    pick_file: "Choose an Excel (.xlsx) or .csv file",
    edit_cell: "Click to edit this cell",
    edit_hint: "Click a cell to edit it here (Enter saves, Esc cancels).",
    uploading: "Reading the file…",
    table_file: "Table in use: ",
    line: "Line in the file",
    sample_row: "Sample row: replace it with one of your villages or delete it in the Excel file.",
    villages_count: (n) => `${n} villages`,
    preview: "Preview",
    layout: "Layout",
    village: "Village",
    village_with_errors: (name, line) => `${name || "(no name yet)"} — line ${line} has errors, no preview`,
    partial: (n, m) => `Previewing the ${n} villages without errors; ${m} still have errors (fix them on tab 2).`,
    all_villages: "All villages at a glance",
    one_village: "One village",
    sheet_hint: "Click a thumbnail to open that village.",
    page: (i, n) => `Page ${i}/${n}`,
    words: "Words on the page",
    rendering: "Making the preview…",
    fix_first: (tabs) => `Fix the problems shown on tab ${tabs.join(" and ")}, then look again.`,
    no_village: "— No village can be previewed yet —",
    build: "Build print files for every village",
    build_intro: (folder) => `Makes each village's PDFs, the print shop package, loudspeaker scripts and social images, in the folder “out” of “${folder}”.`,
    example_band: "This is a sample campaign: every page, print files too, carries the band “MẪU — KHÔNG PHÁT”.",
    building: (d, t, c) => `${d}/${t} files ${c ? "— " + c : ""}`,
    done: (n, sec) => `Done in ${sec} s: ${n} files, listed below.`,
    fresh: (n, w, s) => `Each village's documents and images: ${w} made anew, ${s} kept (nothing changed).`,
    row: {
      order_copies: "— (not printed: send this file with the order)",
      proof_copies: (pages) => pages ? `1 copy (${pages} pages)` : "1 copy",
      each: (t) => `${t}: one file per village`,
      each_view: "to view and test-print (the print shop uses the sheets below)",
      images: (t) => `${t}: images for Zalo and Facebook`,
      sheets: (t) => `${t}: press sheets for the print shop, one file per village`,
      proof: (t) => `Proof of ${t}: every village in one file, print once to check`,
      loa: "Loudspeaker scripts, one per village",
      order: "Copies to print per village, for the print shop",
      not_printed: "not printed",
      by_sheets: "printed from the sheets below",
      copies: (n, paper) => `${n} ${paper}`,
      sheet_copies: (n, paper, per) => `${n} ${paper}; ${per} per sheet, cut into ${n * per}`,
    },
    papers: { a4: "A4 sheets", a5: "A5 sheets", a3: "A3 sheets", sra4: "SRA4 sheets (print shop paper, 32 × 22.5 cm)", sra3: "SRA3 sheets (45 × 32 cm)" },
    order_head: ["Files", "Count", "Copies to print"],
    failed: "Could not make",
    warnings: "Warnings, check before printing",
        dl_print: "Download the print shop package (.zip)",
    dl_loa: "Download loudspeaker scripts (.zip)",
    dl_social: "Download social media images (.zip)",
    print_note: "Send this to the print shop: print/, print-order.csv (copies) and each village's PDFs.",
    error: "Error: ",
    error_word: "Error: ",
    warning_word: "Warning: ",
    hint_word: "Hint: ",
    columns: { name: "Village", kind: "Kind", officer: "Officer", officer_phone: "Officer's phone",
      households: "Households", shops: "Shops", public_places: "Public places" },
    audiences: { households: "Households", shops: "Shops", schools: "Schools, young people", border: "Border areas", elderly: "Elderly people" },
    locales: { vi: "Vietnamese", en: "English" },
  },
};

// A number as Vietnamese writes it: 1,7 and 5.210.
function num(x) { return Number(x).toLocaleString(T === WORDS.en ? "en" : "vi-VN"); }

// The commune's own word for its villages: the kind most rows of the table
// have (tổ dân phố, khu phố, thôn, bản, ấp…), else the commune's: a phường
// has tổ dân phố, a xã thôn.
function vw() {
  const t = S && S.table;
  const k = t ? t.columns.indexOf("kind") : -1;
  if (k >= 0) {
    const n = new Map();
    for (const r of t.rows) {
      const v = (r.cells[k] || "").trim().toLowerCase();
      if (v) n.set(v, (n.get(v) || 0) + 1);
    }
    const best = [...n].sort((a, b) => b[1] - a[1])[0];
    if (best && best[1] * 2 > t.rows.length) return best[0];
  }
  const kind = S && S.form && S.form.commune && S.form.commune.kind;
  return kind === "phường" ? "tổ dân phố" : "thôn";
}
function cap(x) { return x.charAt(0).toUpperCase() + x.slice(1); }
// A phone or tablet: a finger, no mouse to drag a file with.
function coarse() { return matchMedia("(pointer: coarse)").matches || innerWidth < 700; }
let S = null;          // last state from the server
let T = WORDS.vi;      // words of the page
let tab = "form";
let dirty = false;     // the form has unsaved edits
let view = { layout: null, village: 0, sheet: false };
let previewSeq = 0;
// The last preview drawn, kept while its layout, village and files are the
// same: switching tabs shows it at once instead of drawing it again.
let drawn = { key: null, note: "", nodes: [] };
// The officer's form when a save was refused because another window saved
// first: kept so that, once the saved version is loaded, what he typed is
// listed to type again (never written over the other save).
let stash = null;
// The form as last read from the server: what the officer typed is what differs from it.
let baseForm = null;
function setState(x) { S = x; baseForm = S.form ? JSON.parse(JSON.stringify(S.form)) : null; }

function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (k === "text") e.textContent = v;
    else e.setAttribute(k, v === true ? "" : v);
  }
  for (const k of kids.flat()) if (k !== null && k !== undefined) e.append(k);
  return e;
}

// fetch, with the browser's own (English) network error told in the page's words.
async function send(path, opts) {
  try { return await fetch(path, Object.assign({ credentials: "same-origin" }, opts)); }
  catch (e) { throw new Error(T.offline); }
}

async function api(path, opts) {
  const r = await send(path, opts);
  const body = r.headers.get("content-type")?.includes("json") ? await r.json() : await r.text();
  if (!r.ok) throw new Error(body.error || body);
  return body;
}

function setStatus(text) { document.getElementById("status").textContent = text; }

// ---- state ---------------------------------------------------------------

async function refresh() {
  setState(await api("/api/state"));
  T = WORDS[S.locale === "en" ? "en" : "vi"];
  document.documentElement.lang = S.locale === "en" ? "en" : "vi";
  document.getElementById("commune").textContent = S.commune ? "— " + S.commune : "";
  document.getElementById("folder").textContent = T.folder + (S.folder_name || S.folder);
  document.getElementById("folder").title = S.folder;
  render();
}

// Where an issue is shown: the village table's on tab 2 (on its row when it
// has one), every other one (campaign, logo) on tab 1. Each once.
function issueTab(i) { return S.table && i.file === S.table.file ? "villages" : "form"; }

function render() {
  const app = document.getElementById("app");
  if (!S.ready) { app.replaceChildren(startForm()); return; }
  if (!view.layout || !S.choices.layouts.some((l) => l.id === view.layout))
    view.layout = (S.form && S.form.layouts[0]) || S.choices.layouts[0].id;
  // The villages that can be previewed carry their index; rows with errors do not.
  const shown = S.villages.filter((v) => v.index !== null);
  if (!shown.some((v) => v.index === view.village)) view.village = shown.length ? shown[0].index : 0;
  const rows = new Set((S.table ? S.table.rows : []).map((r) => r.line));
  const here = S.issues.filter((i) => issueTab(i) === tab && !(tab === "villages" && rows.has(i.line)));
  const content = tab === "form" ? campaignForm() : tab === "villages" ? villagesPane() : tab === "report" ? reportPane() : buildPane();
  const pane = el("div", { class: "pane", id: "pane" }, tab === "form" ? staleBox() : null,
    tab === "build" || tab === "report" ? null : issuesList(here), content);
  // On a wide screen the column scrolls on its own: a line under it says
  // when more is below, so a table cut at the edge is not taken for its end.
  const more = el("p", { class: "more", id: "more", text: T.more, hidden: true,
    onclick: () => pane.scrollBy({ top: pane.clientHeight * 0.8, behavior: "smooth" }) });
  const cue = () => { more.hidden = pane.scrollHeight - pane.scrollTop <= pane.clientHeight + 4; };
  pane.addEventListener("scroll", cue);
  const watch = new ResizeObserver(cue);
  watch.observe(pane);
  watch.observe(content);
  const left = el("section", { id: "left" }, tabs(), pane, more, tab === "form" && S.form ? saveBar() : null);
  app.replaceChildren(el("div", { class: "cols" }, left, previewPane()));
  // A field brought into view (Tab, a tap, an error) stops above the save bar.
  const bar = document.getElementById("savebar");
  if (bar) document.documentElement.style.setProperty("--bar", bar.offsetHeight + 12 + "px");
  showProblems();
  loadPreview();
  // Back on tab 3: the last build's summary (or why it did not run) again.
  if (tab === "build") pollBuild();
}

// The save button, in a bar of its own below the form: it never covers a field.
function saveBar() {
  return el("div", { class: dirty ? "savebar dirty" : "savebar", id: "savebar" },
    el("button", { class: "primary", id: "save", type: "submit", form: "campaign", text: T.save }),
    el("span", { class: "muted", id: "save-note", text: dirty ? T.unsaved : "" }));
}

function showProblems() {
  const note = document.getElementById("save-note");
  if (note) note.textContent = dirty ? T.unsaved : "";
  const bar = document.getElementById("savebar");
  if (bar) bar.classList.toggle("dirty", dirty);
  if (dirty) return setStatus(T.unsaved);
  const w = S.issues.filter((i) => i.warning).length;
  setStatus(S.errors || w ? T.problems(S.errors, w) : T.no_problems);
}

// An issue as the officer reads it: the village table's (and any file's)
// with its file and line as he named them; the campaign's, which he edits
// in the form and not in a file, in words only.
function issueWords(i, onItsRow) {
  if (i.file !== "campaign.toml" && !onItsRow) return i.text;
  const cap = (x) => x.charAt(0).toUpperCase() + x.slice(1);
  return (i.warning ? T.warning_word : T.error_word) + cap(i.message) + (i.hint ? "\n" + T.hint_word + i.hint : "");
}

function issuesList(issues) {
  return el("ul", { class: "issues", id: "issues" },
    issues.map((i) => el("li", { class: i.warning ? "warning" : "", text: issueWords(i) })));
}

function tabs() {
  const errors = (id) => S.issues.filter((i) => !i.warning && issueTab(i) === id).length;
  const b = (id, label) => el("button", { id: "tab-" + id, "aria-selected": String(tab === id),
    text: label + (id !== "build" && id !== "report" && errors(id) ? " " + T.tab_errors(errors(id)) : "") + (id === "form" && stash && !stash.loaded ? " " + T.tab_unsaved : ""),
    onclick: () => { tab = id; render(); } });
  return el("nav", { class: "tabs" }, b("form", T.tab_form), b("villages", T.tab_villages), b("build", T.tab_build), b("report", RW().tab)); // report: issue 27, report.js
}

// ---- start ---------------------------------------------------------------

// A name as typed without Vietnamese input: no marks, đ as d, lower case
// (units::loose on the server).
function loose(s) {
  return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "d")
    .toLowerCase().replace(/\s+/g, " ").trim();
}

function startForm() {
  const w = WORDS.vi;
  const kinds = ["xã", "phường", "đặc khu"];
  // The official list: provinces in alphabetical order, then the chosen province's communes.
  const provinces = [...S.provinces].sort((a, b) => a.name.localeCompare(b.name, "vi"));
  const field = (id, label, input, extra) => el("div", { class: "field", id: id + "-field" },
    el("label", { for: id, text: label }), input, extra, el("div", { class: "field-problem", id: id + "-problem" }));
  const province = el("select", { id: "s-province", name: "province", required: true },
    el("option", { value: "", text: w.pick_province }),
    provinces.map((p) => el("option", { value: p.name, text: p.name })));
  const name = el("input", { type: "text", id: "s-name", name: "name", required: true, autocomplete: "off" });
  const kind = el("select", { id: "s-kind", name: "kind" }, kinds.map((k) => el("option", { value: k, text: k })));
  const issuer = el("input", { type: "text", id: "s-issuer", name: "issuer" });
  // The issuer from the name only once the name is a listed unit (with its
  // marks and its kind): "cua lo" as typed never reaches the leaflet.
  const listed = () => {
    const p = provinces.find((x) => x.name === province.value);
    return (p ? [p] : provinces).some((x) => x.units.some(([n]) => n === name.value.trim()));
  };
  const fillIssuer = () => {
    if (!issuer.dataset.touched) issuer.value = listed() ? "Công an " + kind.value + " " + name.value.trim() : "";
  };
  // The names of the list closest to what is typed, with or without marks:
  // of the chosen province, or of every province with its name.
  const suggestions = el("div", { class: "suggestions", id: "s-name-suggest" });
  const suggest = () => {
    const typed = loose(name.value);
    const p = provinces.find((x) => x.name === province.value);
    const pool = (p ? [p] : provinces).flatMap((x) => x.units.map(([n, k]) => ({ name: n, kind: k, province: x.name, key: loose(n) })));
    const exact = pool.some((u) => u.name === name.value.trim());
    const rank = (u) => u.key === typed ? 0 : u.key.startsWith(typed) ? 1 : u.key.includes(typed) ? 2 : 3;
    const found = typed.length < 2 || exact ? [] : pool.filter((u) => rank(u) < 3)
      .sort((a, b) => rank(a) - rank(b) || a.key.localeCompare(b.key)).slice(0, 6);
    suggestions.replaceChildren(...found.map((u) => offerButton(p ? { name: u.name, kind: u.kind } : u)));
  };
  // Fills the fields from an offer of the list; the problems it answers go.
  const use = (u) => {
    if (u.province) province.value = u.province;
    if (u.name) name.value = u.name;
    if (u.kind) kind.value = u.kind;
    fillIssuer();
    clearProblems();
    suggestions.replaceChildren();
    setStatus("");
  };
  const offerButton = (u) => el("button", { type: "button", class: "small offer", text: w.use_this(u), onclick: () => use(u) });
  // A name picked from the list brings its kind (xã, phường, đặc khu) with it.
  const matchKind = () => {
    const p = provinces.find((x) => x.name === province.value);
    const u = p && p.units.find(([n]) => n === name.value.trim());
    if (u) kind.value = u[1];
  };
  province.addEventListener("change", () => { matchKind(); fillIssuer(); suggest(); });
  name.addEventListener("input", () => { matchKind(); fillIssuer(); suggest(); });
  kind.addEventListener("change", fillIssuer);
  issuer.addEventListener("input", () => { issuer.dataset.touched = "1"; });
  const fields = { name, kind, province };
  const clearProblems = () => f.querySelectorAll(".field-problem").forEach((p) => p.replaceChildren());
  // Each problem under its field, with the official names to use when the list has close ones.
  const showProblems = (problems) => {
    clearProblems();
    suggestions.replaceChildren();
    for (const pr of problems) {
      const box = f.querySelector(`#s-${pr.field}-problem`);
      const offers = [pr.use].concat(pr.more || []).filter(Boolean);
      box.append(el("p", { text: pr.message }), pr.hint ? el("p", { class: "muted", text: pr.hint }) : null,
        ...offers.map(offerButton));
    }
    const first = problems[0] && fields[problems[0].field];
    if (first) first.focus();
  };
  const f = el("form", { class: "card", id: "start", onsubmit: async (ev) => {
    ev.preventDefault();
    const d = new FormData(f);
    setStatus(w.creating);
    try {
      const r = await send("/api/init", { method: "POST", headers: { "content-type": "application/json" },
        body: JSON.stringify({ commune: { name: d.get("name"), kind: d.get("kind"), province: d.get("province"),
          unlisted: d.get("unlisted") === "on" }, issuer: d.get("issuer").trim() || "Công an " + d.get("kind") + " " + d.get("name").trim(), phone: d.get("phone") }) });
      const body = r.headers.get("content-type")?.includes("json") ? await r.json() : { error: await r.text() };
      if (r.status === 422 && body.problems) { setStatus(w.error + body.error); showProblems(body.problems); return; }
      if (!r.ok) throw new Error(body.error);
      await refresh();
    } catch (e) { setStatus(w.error + e.message); }
  } },
    el("h2", { text: w.start_title }), el("p", { text: w.start_intro }),
    field("s-province", w.province_pick, province),
    field("s-name", w.commune, name, suggestions),
    field("s-kind", w.kind, kind),
    el("label", { class: "check" }, el("input", { type: "checkbox", id: "s-unlisted", name: "unlisted" }), w.unlisted),
    field("s-phone", w.duty_phone, el("input", { type: "text", id: "s-phone", name: "phone", required: true, inputmode: "tel" })),
    field("s-issuer", w.issuer_start || w.issuer, issuer),
    el("p", {}, el("button", { class: "primary", type: "submit", text: w.create })));
  return f;
}

// ---- campaign form -------------------------------------------------------

function campaignForm() {
  const F = S.form;
  if (!F) return el("p", { class: "card", text: T.error + S.form_error });
  const touch = () => { dirty = true; showProblems(); };
  const text = (id, value, label, on) => [el("label", { for: id, text: label }),
    el("input", { type: "text", id, value, oninput: (e) => { on(e.target.value); touch(); } })];
  const num = (id, value, label, on) => el("div", { class: "narrow" }, el("label", { for: id, text: label }),
    el("input", { type: "number", id, value: value ?? "", step: "any", oninput: (e) => { on(e.target.value === "" ? null : Number(e.target.value)); touch(); } }));
  const list = (items, make, blank, addLabel) => {
    const box = el("div", {});
    const draw = () => box.replaceChildren(...items.map((it, i) => make(it, i, () => { items.splice(i, 1); touch(); draw(); })),
      el("button", { type: "button", class: "small", text: addLabel, onclick: () => { items.push(blank()); touch(); draw(); } }));
    draw();
    return box;
  };
  const contacts = list(F.contacts, (c, i, drop) => el("div", { class: "row" },
    el("div", { class: "wide" }, ...text(`contact-label-${i}`, c.label, T.label, (v) => { c.label = v; })),
    el("div", {}, ...text(`contact-phone-${i}`, c.phone, T.phone, (v) => { c.phone = v; })),
    el("label", { class: "check narrow" }, el("input", { type: "radio", name: "hotline", checked: c.hotline,
      onchange: () => { F.contacts.forEach((x) => { x.hotline = x === c; }); touch(); } }), T.hotline),
    el("button", { type: "button", class: "small narrow", text: T.remove, onclick: drop })),
  () => ({ label: "", phone: "", hotline: false }), T.add_contact);
  const channels = list(F.channels, (c, i, drop) => el("div", { class: "row" },
    el("div", { class: "wide" }, ...text(`channel-label-${i}`, c.label, T.label, (v) => { c.label = v; })),
    el("div", {}, ...text(`channel-url-${i}`, c.url, T.url, (v) => { c.url = v; })),
    el("button", { type: "button", class: "small narrow", text: T.remove, onclick: drop })),
  () => ({ label: "", url: "" }), T.add_channel);
  const layouts = S.choices.layouts.map((l) => el("label", { class: "check" },
    el("input", { type: "checkbox", id: "layout-" + l.id, checked: F.layouts.includes(l.id), onchange: (e) => {
      F.layouts = S.choices.layouts.map((x) => x.id).filter((id) => id === l.id ? e.target.checked : F.layouts.includes(id));
      touch();
    } }), l.title));
  const colour = (key, label) => {
    const v = F.theme[key].length === 4 ? F.theme[key] : [0, 0, 0, 0];
    const sw = el("span", { class: "swatch" });
    const paint = () => { const [c, m, y, k] = v.map((x) => x / 100);
      sw.style.background = `rgb(${255 * (1 - c) * (1 - k)},${255 * (1 - m) * (1 - k)},${255 * (1 - y) * (1 - k)})`; };
    paint();
    return el("div", { class: "row" }, el("div", { class: "narrow" }, el("label", { text: label }), sw),
      ...["C", "M", "Y", "K"].map((n, i) => num(`theme-${key}-${n}`, v[i], n, (x) => { v[i] = x ?? 0; F.theme[key] = v; paint(); })));
  };
  const save = async (ev) => { ev.preventDefault(); await saveForm(); };
  return el("form", { class: "card", id: "campaign", onsubmit: save },
    el("fieldset", {}, el("legend", { text: T.sec_commune }),
      ...text("commune-name", F.commune.name, T.commune, (v) => { F.commune.name = v; }),
      el("label", { for: "commune-kind", text: T.kind }),
      el("select", { id: "commune-kind", onchange: (e) => { F.commune.kind = e.target.value; touch(); } },
        S.choices.kinds.map((k) => el("option", { value: k, text: k, selected: F.commune.kind === k }))),
      el("label", { for: "commune-province", text: T.province_pick }),
      el("select", { id: "commune-province", onchange: (e) => { F.commune.province = e.target.value; touch(); } },
        // A province written in the file but not on the list stays selectable, so saving never changes it.
        (S.choices.provinces.includes(F.commune.province) ? [] : [F.commune.province])
          .concat([...S.choices.provinces].sort((a, b) => a.localeCompare(b, "vi")))
          .map((p) => el("option", { value: p, text: p, selected: F.commune.province === p }))),
      el("label", { class: "check" }, el("input", { type: "checkbox", id: "commune-unlisted", checked: F.commune.unlisted,
        onchange: (e) => { F.commune.unlisted = e.target.checked; touch(); } }), T.unlisted),
      ...text("issuer-name", F.issuer.name, T.issuer, (v) => { F.issuer.name = v; })),
    el("fieldset", {}, el("legend", { text: T.sec_contacts }), contacts),
    el("fieldset", {}, el("legend", { text: T.sec_channels }), channels),
    el("fieldset", {}, el("legend", { text: T.sec_layouts }), layouts),
    el("fieldset", {}, el("legend", { text: T.sec_content }),
      el("label", { for: "audience", text: T.audience }),
      el("select", { id: "audience", onchange: (e) => { F.audience = e.target.value; touch(); } },
        el("option", { value: "", text: T.audience_default, selected: !F.audience }),
        S.choices.audiences.map((a) => el("option", { value: a, text: T.audiences[a] || a, selected: F.audience === a }))),
      el("label", { for: "locale", text: T.locale }),
      el("select", { id: "locale", onchange: (e) => { F.locale = e.target.value; touch(); } },
        S.choices.locales.map((l) => el("option", { value: l, text: T.locales[l] || l, selected: F.locale === l })))),
    el("details", { class: "printshop", id: "printshop" }, el("summary", { text: T.sec_print }),
      el("p", { class: "muted", text: T.print_hint }),
    el("fieldset", {}, el("legend", { text: T.sec_theme }), colour("primary", T.primary), colour("accent", T.accent)),
    el("fieldset", {}, el("legend", { text: T.sec_print }),
      el("div", { class: "row" }, num("bleed", F.print.bleed_mm, T.bleed, (x) => { F.print.bleed_mm = x; }),
        num("spare", F.print.spare_percent, T.spare, (x) => { F.print.spare_percent = x; }), el("div", {})),
      el("label", { class: "check" }, el("input", { type: "checkbox", id: "marks", checked: F.print.marks,
        onchange: (e) => { F.print.marks = e.target.checked; touch(); } }), T.marks))),
  );
}

// Saves the form (S.form, edited in place, with the revision it was read
// from). Returns null when saved, else the reason, also shown in the status.
async function saveForm() {
  setStatus(T.saving);
  try {
    const r = await send("/api/campaign", { method: "POST",
      headers: { "content-type": "application/json" }, body: JSON.stringify(S.form) });
    const body = r.headers.get("content-type")?.includes("json") ? await r.json() : { error: await r.text() };
    if (r.status === 409) { stash = { form: JSON.parse(JSON.stringify(S.form)), base: baseForm, why: body.error, loaded: false }; render(); }
    if (!r.ok) {
      // Each problem under its field, the first one in view.
      for (const p of body.problems || []) markField(p.field, p.message);
      throw new Error(body.error);
    }
    setState(body);
    dirty = false;
    buildRefusal = null;
    T = WORDS[S.locale === "en" ? "en" : "vi"];
    render();
    setStatus(T.saved);
    return null;
  } catch (e) { setStatus(T.error + e.message); return e.message; }
}

function markField(id, message) {
  const input = document.getElementById(id);
  if (!input) return;
  input.classList.add("bad");
  input.insertAdjacentElement("afterend", el("div", { class: "field-problem", text: message }));
  input.scrollIntoView({ block: "center" });
}

// ---- villages ------------------------------------------------------------

function villagesPane() {
  const input = el("input", { type: "file", id: "villages-file", accept: ".xlsx,.csv,.xls,.ods", hidden: true,
    onchange: () => input.files[0] && upload(input.files[0]) });
  const drop = el("div", { class: "drop", id: "drop", onclick: () => input.click(),
    ondragover: (e) => { e.preventDefault(); drop.classList.add("over"); },
    ondragleave: () => drop.classList.remove("over"),
    ondrop: (e) => { e.preventDefault(); drop.classList.remove("over"); if (e.dataTransfer.files[0]) upload(e.dataTransfer.files[0]); } },
    el("p", { text: T.drop }), el("button", { type: "button", class: "primary", id: "pick-file", text: T.pick_file }));
  const t = S.table;
  const table = !t ? null : el("table", { id: "village-table" },
    el("thead", {}, el("tr", {}, el("th", { text: T.line }),
      t.headers.map((h, i) => el("th", { text: T.columns[t.columns[i]] || h, title: h })))),
    el("tbody", {}, t.rows.map((r) => {
      const bad = new Set(r.issues.map((i) => i.column));
      // The template's own row ("Đông Hải", written by init) is an example to replace.
      const sample = t.columns.indexOf("name") >= 0 && r.cells[t.columns.indexOf("name")] === "Đông Hải";
      const row = el("tr", { "data-line": r.line, class: sample ? "sample" : null }, el("td", { class: "line", text: r.line, "data-label": T.line }),
        t.headers.map((h, i) => el("td", { class: bad.has(i) ? "bad cell" : "cell", text: r.cells[i] ?? "",
          "data-label": T.columns[t.columns[i]] || h,
          // A phone number or a count never breaks over lines.
          ...(["officer_phone", "households", "shops", "public_places"].includes(t.columns[i]) ? { class: (bad.has(i) ? "bad cell" : "cell") + " nowrap" } : {}),
          "data-column": i, tabindex: 0, title: T.edit_cell,
          onclick: (e) => editCell(e.currentTarget, r.line, i, r.cells[i] ?? ""),
          onkeydown: (e) => { if (e.key === "Enter") editCell(e.currentTarget, r.line, i, r.cells[i] ?? ""); } })));
      const notes = (sample ? [T.sample_row] : []).concat(r.issues.map((x) => issueWords(x, true)));
      if (!notes.length) return row;
      return [row, el("tr", { class: (r.issues.length ? "problem" : "note-row") + (sample ? " sample" : "") }, el("td", { class: "line" }),
        el("td", { class: "note", colspan: t.headers.length },
          sample ? el("div", { class: "sample-note", text: T.sample_row }) : null,
          r.issues.length ? el("div", { class: "issue-note", text: r.issues.map((x) => issueWords(x, true)).join("\n") }) : null))];
    }).flat()));
  return el("div", { class: "card" }, input, drop,
    t ? el("p", { class: "muted", text: `${T.table_file}${t.file} — ${T.villages_count(t.rows.length)}. ${T.edit_hint}` }) : null,
    table ? el("div", { class: "scroll" }, table) : null);
}

// One cell edited in place: Enter or leaving the cell saves it, Escape
// cancels. The server checks it with the loader of `check` and answers the
// state, so the cell's problem shows (or goes) on its row.
function editCell(td, line, column, old) {
  if (td.querySelector("input")) return;
  const input = el("input", { type: "text", value: old, class: "cell-input", "aria-label": S.table.headers[column] });
  let done = false;
  const finish = async (save) => {
    if (done) return;
    done = true;
    if (!save || input.value === old) { render(); return; }
    setStatus(T.saving);
    try {
      S = await api("/api/cell", { method: "POST", headers: { "content-type": "application/json" },
        body: JSON.stringify({ revision: S.table.revision, line, column, value: input.value }) });
      render();
      setStatus(T.saved);
    } catch (e) {
      setStatus(T.error + e.message);
      try { S = await api("/api/state"); } catch (_) { /* keep the page */ }
      render();
      setStatus(T.error + e.message);
    }
  };
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter") { e.preventDefault(); finish(true); }
    if (e.key === "Escape") finish(false);
  });
  input.addEventListener("blur", () => finish(true));
  td.replaceChildren(input);
  input.focus();
  input.select();
}

async function upload(file) {
  setStatus(T.uploading);
  try {
    S = await api("/api/villages?name=" + encodeURIComponent(file.name), { method: "POST", body: file });
    render();
  } catch (e) { setStatus(T.error + e.message); }
}

// ---- preview -------------------------------------------------------------

function previewPane() {
  const layoutSel = el("select", { id: "preview-layout", onchange: (e) => { view.layout = e.target.value; loadPreview(); } },
    S.choices.layouts.filter((l) => !S.form || S.form.layouts.includes(l.id) || l.id === view.layout)
      .map((l) => el("option", { value: l.id, text: l.title, selected: l.id === view.layout })));
  const none = !S.villages.some((v) => v.index !== null);
  const villageSel = el("select", { id: "preview-village", onchange: (e) => { view.village = Number(e.target.value); view.sheet = false; render(); } },
    none ? el("option", { value: "", text: T.no_village, selected: true }) : null,
    S.villages.map((v) => el("option", { value: v.index ?? "", disabled: v.index === null,
      text: v.index === null ? T.village_with_errors(v.name, v.line) : v.name, selected: v.index === view.village })));
  const toggle = el("button", { type: "button", class: "small", id: "sheet-toggle", text: view.sheet ? T.one_village : T.all_villages,
    onclick: () => { view.sheet = !view.sheet; render(); } });
  return el("section", { class: "card", id: "preview" }, el("h2", { text: T.preview }),
    el("div", { class: "row" }, el("div", {}, el("label", { for: "preview-layout", text: T.layout }), layoutSel),
      el("div", {}, el("label", { for: "preview-village", text: T.village }), villageSel), el("div", { class: "narrow" }, toggle)),
    el("p", { class: "muted", id: "preview-note" }), el("div", { id: "preview-pages" }), el("div", { id: "sheet" }));
}

async function loadPreview() {
  const seq = ++previewSeq;
  const note = document.getElementById("preview-note");
  const pages = document.getElementById("preview-pages");
  const sheet = document.getElementById("sheet");
  if (!note) return;
  note.textContent = T.rendering;
  if (view.sheet) {
    pages.replaceChildren();
    try {
      const r = await api(`/api/sheet?layout=${encodeURIComponent(view.layout)}`);
      if (seq !== previewSeq) return;
      // One tile per village: its first page, its name, its officer's phone.
      sheet.replaceChildren(el("div", { class: "tiles", id: "sheet-tiles" }, r.tiles.map((t) =>
        el("button", { type: "button", class: "tile", onclick: () => { view.village = t.index; view.sheet = false; render(); } },
          el("img", { src: t.png, alt: t.name }),
          el("span", { class: "tile-name", text: t.name }),
          el("span", { class: "tile-phone" }, [t.officer, t.phone].filter(Boolean).flatMap((x, i) => [i ? " · " : "", el("span", { text: x })]))))));
      note.textContent = T.sheet_hint;
    } catch (e) { if (seq === previewSeq) note.textContent = T.error + e.message; }
    return;
  }
  sheet.replaceChildren();
  const key = [view.layout, view.village, S.version].join("|");
  if (drawn.key === key) { note.textContent = drawn.note; pages.replaceChildren(...drawn.nodes); return; }
  try {
    const p = await api(`/api/preview?layout=${encodeURIComponent(view.layout)}&village=${view.village}`);
    if (seq !== previewSeq) return;
    const bad = S.villages.filter((v) => v.index === null).length;
    note.textContent = `${p.title} — ${p.village}` + (bad ? "\n" + T.partial(S.villages.length - bad, bad) : "");
    pages.replaceChildren(...p.pages.map((pg, i) => el("figure", {},
      el("img", { src: pg.png, alt: T.page(i + 1, p.pages.length) + " — " + p.village }),
      el("figcaption", { text: T.page(i + 1, p.pages.length) }),
      el("details", { class: "words" }, el("summary", { text: T.words }), el("div", { class: "page-text", text: pg.text })))));
    drawn = { key, note: note.textContent, nodes: [...pages.children] };
  } catch (e) {
    if (seq !== previewSeq) return;
    pages.replaceChildren();
    const where = ["form", "villages"].map((id, i) => S.issues.some((x) => !x.warning && issueTab(x) === id) ? i + 1 : 0).filter(Boolean);
    note.textContent = S.errors && where.length ? T.fix_first(where) : T.error + e.message;
  }
}

// ---- build ---------------------------------------------------------------

let buildTimer = null;
let starting = false; // "Tạo tệp in" pressed, the server not yet told
let buildRefusal = null; // why the last "Tạo tệp in" built nothing (unsaved edits that could not be saved)

function buildPane() {
  return el("div", { class: "card" }, el("p", { id: "build-intro", text: T.build_intro(S.folder_name || S.folder) }),
    S.example ? el("p", { class: "muted", id: "example-band", text: T.example_band }) : null,
    el("button", { class: "primary", id: "build", type: "button", text: T.build, onclick: startBuild }),
    el("div", { id: "build-status" }));
}

// The build uses the files on disk: edits not yet saved are saved first,
// and when they cannot be, nothing is built and the button's place says why.
async function startBuild() {
  buildRefusal = null;
  // Until the server has started this build, the last one's summary is not shown.
  starting = true;
  pollBuild();
  if (dirty) {
    const why = await saveForm();
    if (why) {
      starting = false;
      buildRefusal = T.unsaved_build(why);
      tab = "build";
      render();
      return;
    }
  }
  try { await api("/api/build", { method: "POST" }); } catch (e) { setStatus(T.error + e.message); }
  starting = false;
  pollBuild();
}

// Each poll has a number; an answer that comes back after a newer poll began
// (a build started meanwhile) is the old build's and must not be shown.
let pollGen = 0;

async function pollBuild() {
  clearTimeout(buildTimer);
  const gen = ++pollGen;
  if (buildRefusal) {
    const box = document.getElementById("build-status");
    if (box) box.replaceChildren(el("p", { class: "issues", id: "build-refused", text: buildRefusal }), staleBox());
    return;
  }
  if (starting) {
    const box = document.getElementById("build-status");
    if (box) box.replaceChildren(el("progress", { id: "progress" }));
    return;
  }
  const st = await api("/api/build");
  if (gen !== pollGen) return;
  const box = document.getElementById("build-status");
  const btn = document.getElementById("build");
  if (!box) return;
  btn.disabled = st.running;
  if (st.running) {
    box.replaceChildren(el("progress", { id: "progress", max: st.total || 1, value: st.done }),
      el("p", { text: T.building(st.done, st.total, st.current) }));
    buildTimer = setTimeout(pollBuild, 300);
    return;
  }
  if (st.error) {
    box.replaceChildren(el("p", { class: "issues", text: st.error }), issuesList(st.issues));
    return;
  }
  const s = st.summary;
  if (!s) return;
  // The layout's title, as in the form, rather than its id.
  const title = (id) => (S.choices.layouts.find((l) => l.id === id) || { title: id }).title;
  // Downloads first: a long list of warnings must not push them off the screen.
  const list = (label, items, cls) => !items.length ? null
    : el("details", { class: "list", open: items.length <= 3 }, el("summary", { text: `${label} (${items.length})` }),
      el("ul", { class: "issues" }, items.map((f) => el("li", { class: cls, text: f }))));
  box.replaceChildren(el("div", { id: "summary" },
    el("progress", { id: "progress", max: 1, value: 1 }),
    el("p", { class: "ok", id: "done", text: T.done(s.rows.reduce((n, r) => n + r.files, 0), s.seconds) }),
    el("div", { class: "downloads" },
      s.downloads.map((k) => el("a", { id: "dl-" + k, href: `/download/${k}.zip`, text: T["dl_" + k], download: true }))),
    el("p", { class: "muted", text: T.print_note }),
    el("table", { id: "made" }, el("tr", {}, T.order_head.map((h) => el("th", { text: h }))),
      s.rows.map((r) => el("tr", {}, el("td", { text: rowWords(r, title(r.layout)) }),
        el("td", { class: "files num", text: num(r.files) }), el("td", { class: "copies", text: rowCopies(r) })))),
    el("p", { class: "muted", id: "fresh", text: T.fresh(s.rows.reduce((n, r) => n + r.files, 0), s.written, s.skipped) }),
    list(T.failed, s.failed, ""),
    list(T.warnings, s.warnings, "warning")));
}

// One line of the summary in words: what the files are, for whom.
function rowWords(r, title) {
  const w = T.row;
  if (r.kind === "each") return w.each(title) + (r.copies === null ? " — " + w.each_view : "");
  if (r.kind === "images") return w.images(title);
  if (r.kind === "sheets") return w.sheets(title);
  if (r.kind === "proof") return w.proof(title);
  return w[r.kind] || r.kind;
}

function rowCopies(r) {
  if (r.kind === "proof") return T.row.proof_copies(r.pages);
  if (r.copies === null) return r.kind === "order" ? T.row.order_copies : r.kind === "each" ? T.row.by_sheets : T.row.not_printed;
  const paper = T.papers[r.paper] || r.paper;
  return r.per_sheet ? T.row.sheet_copies(r.copies, paper, r.per_sheet) : T.row.copies(r.copies, paper);
}

// After a stale save: a button that loads the version saved elsewhere, then
// the list of what the officer had typed, to type again.
function staleBox() {
  if (!stash) return null;
  if (!stash.loaded) {
    return el("div", { class: "stale", id: "stale" }, el("button", { type: "button", class: "primary", id: "stale-reload", text: T.stale_reload,
      onclick: async () => { stash.loaded = true; dirty = false; buildRefusal = null; tab = "form"; await refresh(); } }));
  }
  const lines = typedLines(stash.form, stash.base || stash.form);
  return el("div", { class: "stale card", id: "stale" }, el("p", { text: T.stale_typed }),
    el("ul", { id: "stale-typed" }, lines.map((x) => el("li", { text: x }))),
    el("button", { type: "button", class: "small", text: T.stale_done, onclick: () => { stash = null; render(); } }));
}

// What he typed: where his form differs from the one the page had read, field by field.
function typedLines(old, now) {
  const out = [];
  const add = (label, a, b) => { if (a !== undefined && a !== b) out.push(`${label}: ${a === "" ? T.empty : a}`); };
  add(T.commune, old.commune.name, now.commune.name);
  add(T.kind, old.commune.kind, now.commune.kind);
  add(T.province_pick, old.commune.province, now.commune.province);
  add(T.issuer, old.issuer.name, now.issuer.name);
  old.contacts.forEach((c, i) => { const n = now.contacts[i] || {};
    add(`${T.sec_contacts} (${i + 1}) — ${T.label}`, c.label, n.label); add(`${T.sec_contacts} (${i + 1}) — ${T.phone}`, c.phone, n.phone); });
  old.channels.forEach((c, i) => { const n = now.channels[i] || {};
    add(`${T.sec_channels} (${i + 1}) — ${T.label}`, c.label, n.label); add(`${T.sec_channels} (${i + 1}) — ${T.url}`, c.url, n.url); });
  const title = (id) => (S.choices.layouts.find((l) => l.id === id) || { title: id }).title;
  if (old.layouts.join() !== now.layouts.join()) out.push(`${T.sec_layouts}: ${old.layouts.map(title).join(", ")}`);
  add(T.audience, T.audiences[old.audience] || old.audience, T.audiences[now.audience] || now.audience);
  add(T.locale, T.locales[old.locale] || old.locale, T.locales[now.locale] || now.locale);
  if (JSON.stringify([old.theme, old.print]) !== JSON.stringify([now.theme, now.print])) out.push(`${T.sec_print}: ${T.changed}`);
  return out;
}

// ---- live refresh --------------------------------------------------------

// A cheap version number of the folder's files: when a save, an upload or
// another program (Excel, Notepad) changes a file, the page reloads its
// state and preview. Unsaved edits in the form are never overwritten.
async function watch() {
  try {
    const { version } = await api("/api/version");
    if (S && version !== S.version) {
      // Unsaved edits stay in the form; the preview shows the files as they are now.
      if (dirty) { S.version = version; loadPreview(); }
      else await refresh();
    }
  } catch (e) { /* server stopped: keep the page as it is */ }
  setTimeout(watch, 400);
}

// The token travelled in the address; the server keeps it in a cookie, so
// take it out of the address bar (and of any screenshot or bookmark).
if (location.search.includes("t=")) history.replaceState(null, "", "/");
refresh().then(() => { if (tab === "build") pollBuild(); watch(); })
  .catch((e) => setStatus("Lỗi: " + e.message));
