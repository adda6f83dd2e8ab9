//! After print (issue 27): the delivery sheet of every village, the
//! tracking workbook written once, `canhbao report` from the filled
//! workbook (its totals read back from the .docx and the PDF, and by
//! python-docx), impossible figures refused with their cell, and a caption
//! beside every social image.

use std::path::{Path, PathBuf};

use crate::util::*;

#[path = "../common/theo_doi.rs"]
mod theo_doi;
use theo_doi::{Value, dots};

/// A copy of an example campaign, built once (the whole run: package,
/// scripts, delivery sheets, workbook); returns the folder.
fn built(example: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("examples").join(example), dir.path());
    build(dir.path());
    dir
}

fn build(dir: &Path) {
    let (code, _, err) = run(canhbao().arg("build").arg(dir));
    assert_eq!(code, 0, "{err}");
}

/// The village table's rows: (name, kind, households, shops + public places).
fn villages(dir: &Path) -> Vec<(String, String, u64, u64)> {
    let text = std::fs::read_to_string(dir.join("villages.csv")).unwrap();
    let mut lines = text.lines().filter(|l| !l.starts_with('#'));
    let head: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| head.iter().position(|h| *h == name).unwrap();
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let c: Vec<&str> = l.split(',').collect();
            let n = |name: &str| c[col(name)].trim().parse::<u64>().unwrap();
            (
                c[col("name")].to_string(),
                c[col("kind")].to_string(),
                n("households"),
                n("shops") + n("public_places"),
            )
        })
        .collect()
}

/// One copy per item plus 5 % spares (the examples' `spare_percent`).
fn with_spares(n: u64) -> u64 {
    (n * 105).div_ceil(100)
}

/// The file name canhbao gives a village (`tổ dân phố 1` → `to-dan-pho-1`).
fn slug(name: &str) -> String {
    canhbao::text::file_slug(name)
}

#[test]
fn every_village_gets_a_delivery_sheet_with_its_own_counts() {
    let dir = built("nam-gia-nghia");
    let out = dir.path().join("out");
    let manifest = std::fs::read_to_string(out.join("manifest.json")).unwrap();
    let rows = villages(dir.path());
    assert!(rows.len() > 5);
    for (name, kind, households, places) in &rows {
        let rel = format!("giao-nhan/{}.pdf", slug(&format!("{kind} {name}")));
        let pdf = out.join(&rel);
        assert!(pdf.is_file(), "{rel} is missing");
        assert!(manifest.contains(&format!("\"{rel}\"")), "{rel} not in the manifest");
        let text = pdf_text(&pdf);
        let squashed = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(squashed.contains(&format!("{kind} {name}")), "{rel}: {squashed}");
        assert!(squashed.contains("BIÊN BẢN GIAO NHẬN"), "{rel}");
        // The leaflets and posters the print order makes for this village.
        let leaflets = dots(with_spares(*households));
        let posters = dots(with_spares(*places));
        let leaflet_line = text.lines().find(|l| l.contains("Tờ rơi A5")).unwrap_or("");
        assert!(
            leaflet_line.contains(&leaflets),
            "{rel}: {leaflets} leaflets not on `{leaflet_line}`"
        );
        let poster_line = text.lines().find(|l| l.contains("Áp phích A4")).unwrap_or("");
        assert!(poster_line.contains(&posters), "{rel}: {posters} posters not on `{poster_line}`");
        assert!(squashed.contains(&format!("{} hộ gia đình", dots(*households))), "{rel}");
        assert!(squashed.contains("Trưởng thôn") && squashed.contains("Bí thư chi bộ"), "{rel}");
        assert!(squashed.contains("BÊN GIAO") && squashed.contains("BÊN NHẬN"), "{rel}");
        assert!(squashed.contains("6:00 và 19:00"), "{rel}: the loudspeaker script");
    }
    // Exactly one sheet per village: the folder holds nothing else.
    let sheets = std::fs::read_dir(out.join("giao-nhan")).unwrap().count();
    assert_eq!(sheets, rows.len());
}

#[test]
fn the_workbook_is_written_once_and_keeps_the_officers_cells() {
    let dir = built("nam-gia-nghia");
    let book = dir.path().join("theo-doi.xlsx");
    let g = theo_doi::grid(&book, "Theo dõi");
    let (h, head) = theo_doi::header(&g, "Thôn");
    for col in [
        "Thôn",
        "Số hộ",
        "Số bản in",
        "Ngày nhận",
        "Số tờ rơi đã phát",
        "Số hộ đã nhận",
        "Số áp phích đã dán",
        "Số buổi phát loa",
        "Ghi chú",
    ] {
        assert!(head.iter().any(|c| c == col), "no column {col}: {head:?}");
    }
    let rows = villages(dir.path());
    assert_eq!(g.len() - h - 1, rows.len(), "one row per village");
    let households = head.iter().position(|c| c == "Số hộ").unwrap();
    for (i, (_, _, n, _)) in rows.iter().enumerate() {
        assert_eq!(g[h + 1 + i][households], n.to_string());
    }
    assert!(
        theo_doi::grid(&book, "Nhật ký phát loa").iter().any(|r| r.iter().any(|c| c == "19:00"))
    );
    // The officer fills two rows, saves; a second build keeps every cell.
    theo_doi::fill(
        &book,
        &[
            (h + 1, "Số tờ rơi đã phát", Value::Number(200.0)),
            (h + 2, "Ghi chú", Value::Text("thiếu 3 hộ".into())),
            (h + 2, "Ngày nhận", Value::Date(2026, 3, 20)),
        ],
        &[((2026, 3, 21), true, false)],
    );
    let filled = std::fs::read(&book).unwrap();
    build(dir.path());
    assert_eq!(std::fs::read(&book).unwrap(), filled, "a second build leaves the workbook alone");
    // A village added later gets a row; every filled cell stays.
    let mut csv = std::fs::read_to_string(dir.path().join("villages.csv")).unwrap();
    csv.push_str("Ea Sin,buôn,Y Khoa Niê,0987 654 399,120,3,1\n");
    std::fs::write(dir.path().join("villages.csv"), csv).unwrap();
    build(dir.path());
    let after = theo_doi::grid(&book, "Theo dõi");
    assert_eq!(after.len(), g.len() + 1);
    assert_eq!(after.last().unwrap()[0], "buôn Ea Sin");
    let col = |name: &str| head.iter().position(|c| c == name).unwrap();
    assert_eq!(after[h + 1][col("Số tờ rơi đã phát")], "200");
    assert_eq!(after[h + 2][col("Ghi chú")], "thiếu 3 hộ");
    assert!(!after[h + 2][col("Ngày nhận")].is_empty(), "the date stays");
    assert_eq!(after[h + 1][0], g[h + 1][0]);
    let log = theo_doi::grid(&book, "Nhật ký phát loa");
    assert!(log.iter().any(|r| r.get(1).is_some_and(|c| c == "x")), "the log stays: {log:?}");
    assert!(dir.path().join("theo-doi.xlsx.bak").is_file(), "the workbook before is kept");
}

/// Fills every row but the last of the built example's workbook with
/// figures that differ per village; returns the expected totals:
/// (households, printed, leaflets, reached, posters, broadcasts).
fn fill_all(dir: &Path) -> [u64; 6] {
    let book = dir.join("theo-doi.xlsx");
    let g = theo_doi::grid(&book, "Theo dõi");
    let (h, head) = theo_doi::header(&g, "Thôn");
    let col = |name: &str| head.iter().position(|c| c == name).unwrap();
    let mut set = Vec::new();
    let mut sums = [0u64; 6];
    let data = &g[h + 1..];
    for (i, row) in data.iter().enumerate() {
        let households: u64 = row[col("Số hộ")].parse().unwrap();
        let printed: u64 = row[col("Số bản in")].parse().unwrap();
        sums[0] += households;
        sums[1] += printed;
        if i + 1 == data.len() {
            continue; // this village has not reported
        }
        let (leaflets, reached, posters, broadcasts) =
            (printed - i as u64, households - 3 * i as u64, (i % 3) as u64, 10 + i as u64);
        let r = h + 1 + i;
        set.push((r, "Ngày nhận", Value::Date(2026, 3, 20 + (i % 5) as u8)));
        set.push((r, "Số tờ rơi đã phát", Value::Number(leaflets as f64)));
        set.push((r, "Số hộ đã nhận", Value::Number(reached as f64)));
        set.push((r, "Số áp phích đã dán", Value::Number(posters as f64)));
        set.push((r, "Số buổi phát loa", Value::Number(broadcasts as f64)));
        for (k, v) in [(2, leaflets), (3, reached), (4, posters), (5, broadcasts)] {
            sums[k] += v;
        }
    }
    let log = [((2026, 4, 1), true, true), ((2026, 4, 2), true, false), ((2026, 8, 1), true, true)];
    theo_doi::fill(&book, &set, &log);
    sums
}

/// Every `<w:t>` text of the document, in order.
fn docx_texts(docx: &Path) -> Vec<String> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(docx).unwrap()).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("word/document.xml").unwrap(), &mut xml)
        .unwrap();
    // `<w:t>` or `<w:t xml:space=…>`, not `<w:tc>`, `<w:tbl>`…
    xml.split("<w:t")
        .skip(1)
        .filter(|p| p.starts_with('>') || p.starts_with(' '))
        .filter_map(|p| {
            let body = p.split_once('>')?.1;
            Some(body.split("</w:t>").next()?.to_string())
        })
        .collect()
}

fn share(reached: u64, of: u64) -> String {
    let tenths = (reached * 1000 + of / 2) / of;
    format!("{},{}", tenths / 10, tenths % 10)
}

#[test]
fn a_report_from_the_filled_workbook_adds_up_in_the_docx_and_the_pdf() {
    let dir = built("nam-gia-nghia");
    let [households, printed, leaflets, reached, posters, broadcasts] = fill_all(dir.path());
    let (code, said, err) =
        run(canhbao().arg("report").arg(dir.path()).args(["--period", "2026-H1"]));
    assert_eq!(code, 0, "{err}");
    let expected = [
        dots(households),
        dots(printed),
        dots(leaflets),
        dots(reached),
        share(reached, households),
        dots(posters),
        "0".into(),
        dots(broadcasts),
    ];
    let docx = dir.path().join("out/bao-cao/bao-cao-2026-H1.docx");
    let texts = docx_texts(&docx);
    let at = texts.iter().position(|t| t == "Tổng cộng").expect("a totals row");
    assert_eq!(&texts[at + 1..at + 9], &expected[..], "the totals row of the .docx");
    let all = texts.join("\n");
    for needle in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "BÁO CÁO",
        "I. TÌNH HÌNH CHUNG",
        "II. KẾT QUẢ THỰC HIỆN",
        "III. TỒN TẠI, HẠN CHẾ",
        "IV. ĐỀ XUẤT, KIẾN NGHỊ",
        "Nơi nhận:",
        "6 tháng đầu năm 2026",
    ] {
        assert!(all.contains(needle), "`{needle}` not in the .docx");
    }
    assert!(all.contains("Số:        /BC-"), "the number is left blank");
    // The log: 3 broadcasts in the period (the August day is another report's).
    assert!(all.contains("(2 buổi 6:00, 1 buổi 19:00)"), "{all}");
    // The same totals in the PDF, on the line of "Tổng cộng".
    let pdf = pdf_text(&dir.path().join("out/bao-cao/bao-cao-2026-H1.pdf"));
    let line = pdf.lines().find(|l| l.contains("Tổng cộng")).expect("a totals line in the PDF");
    let cells: Vec<&str> = line.split_whitespace().skip(2).collect();
    assert_eq!(cells, expected.iter().map(String::as_str).collect::<Vec<_>>(), "{line}");
    assert!(pdf.contains("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"));
    // The command line says the same totals.
    assert!(said.contains(&format!("{} / {} hộ", dots(reached), dots(households))), "{said}");
    // The out folder holds exactly what the manifest lists.
    let manifest = std::fs::read_to_string(dir.path().join("out/manifest.json")).unwrap();
    assert!(
        manifest.contains("\"bao-cao/bao-cao-2026-H1.docx\"")
            && manifest.contains("\"bao-cao/bao-cao-2026-H1.pdf\"")
    );
    // A build after the report keeps it (it is listed).
    build(dir.path());
    assert!(docx.is_file(), "a later build removed the report");
    // An independent reader opens it: python-docx.
    python_docx_reads(&docx, &expected);
}

/// python-docx reads the report: its totals row and its heading. Skipped
/// when python-docx is missing, unless CANHBAO_REQUIRE_BROWSER=1 (CI).
fn python_docx_reads(docx: &Path, expected: &[String]) {
    let have = std::process::Command::new("python3")
        .args(["-c", "import docx"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !have {
        assert!(
            std::env::var_os("CANHBAO_REQUIRE_BROWSER").is_none(),
            "CANHBAO_REQUIRE_BROWSER is set but python-docx is missing (pip install python-docx)"
        );
        eprintln!(
            "NOTICE: python-docx is not installed: the .docx was not read by it (pip install python-docx)"
        );
        return;
    }
    let script = "import sys, docx\nd = docx.Document(sys.argv[1])\nt = d.tables[1]\nprint('|'.join(c.text for c in t.rows[-1].cells))\nprint(d.tables[0].rows[0].cells[1].paragraphs[0].text)\nprint(len(t.rows))\nprint(d.sections[0].page_width.mm, d.sections[0].left_margin.mm)\n";
    let out =
        std::process::Command::new("python3").args(["-c", script]).arg(docx).output().unwrap();
    assert!(out.status.success(), "python-docx: {}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], format!("|Tổng cộng|{}", expected.join("|")));
    assert_eq!(lines[1], "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
    let width: f64 = lines[3].split(' ').next().unwrap().parse().unwrap();
    let left: f64 = lines[3].split(' ').nth(1).unwrap().parse().unwrap();
    assert!(
        (width - 210.0).abs() < 0.5 && (left - 30.0).abs() < 0.5,
        "A4, 30 mm left margin: {}",
        lines[3]
    );
}

#[test]
fn impossible_figures_are_refused_with_their_cell() {
    let dir = built("nam-gia-nghia");
    let book = dir.path().join("theo-doi.xlsx");
    let g = theo_doi::grid(&book, "Theo dõi");
    let (h, head) = theo_doi::header(&g, "Thôn");
    let col = |name: &str| head.iter().position(|c| c == name).unwrap();
    let cell = |r: usize, name: &str| format!("{}{}", (b'A' + col(name) as u8) as char, r + 1);
    let printed: f64 = g[h + 1][col("Số bản in")].parse().unwrap();
    let households: f64 = g[h + 2][col("Số hộ")].parse().unwrap();
    theo_doi::fill(
        &book,
        &[
            (h + 1, "Số tờ rơi đã phát", Value::Number(printed + 1.0)),
            (h + 2, "Số hộ đã nhận", Value::Number(households + 1.0)),
            (h + 3, "Ngày nhận", Value::Date(2026, 8, 1)),
            (h + 4, "Số buổi phát loa", Value::Text("nhiều".into())),
        ],
        &[],
    );
    let (code, _, err) = run(canhbao().arg("report").arg(dir.path()).args(["--period", "2026-H1"]));
    assert_eq!(code, 2, "{err}");
    for (r, name, why) in [
        (h + 1, "Số tờ rơi đã phát", "nhiều hơn"),
        (h + 2, "Số hộ đã nhận", "nhiều hơn"),
        (h + 3, "Ngày nhận", "ngoài kỳ báo cáo"),
        (h + 4, "Số buổi phát loa", "không phải số nguyên"),
    ] {
        let at = format!("theo-doi.xlsx:{}: lỗi: [{name}] ô {}", r + 1, cell(r, name));
        let line = err
            .lines()
            .find(|l| l.starts_with(&at))
            .unwrap_or_else(|| panic!("`{at}` not in:\n{err}"));
        assert!(line.contains(why), "{line}");
    }
    assert!(!dir.path().join("out/bao-cao").exists(), "nothing is written");
}

#[test]
fn every_social_image_has_a_caption_with_the_hotline() {
    let dir = built("hac-thanh");
    let out = dir.path().join("out");
    let manifest = std::fs::read_to_string(out.join("manifest.json")).unwrap();
    let images: Vec<PathBuf> = files(&out.join("social"), "png");
    assert!(images.len() >= 3, "{images:?}");
    for png in images {
        let txt = png.with_extension("txt");
        let rel = format!("social/{}", txt.file_name().unwrap().to_string_lossy());
        let text = std::fs::read_to_string(&txt)
            .unwrap_or_else(|_| panic!("no caption beside {}", png.display()));
        assert!(manifest.contains(&format!("\"{rel}\"")), "{rel} not in the manifest");
        assert!(text.chars().count() < 2000, "{rel}: {} characters", text.chars().count());
        assert!(text.contains("0237 3852 113"), "{rel}: no hotline\n{text}");
        assert!(text.contains("113."), "{rel}: no 113");
        assert!(text.contains("https://tinnhiemmang.vn"), "{rel}: no reporting link");
        let tags = text.split_whitespace().filter(|w| w.starts_with('#')).count();
        assert!((2..=3).contains(&tags), "{rel}: {tags} hashtags");
        assert!(!text.contains('{') && !text.contains('*'), "{rel}: plain text only\n{text}");
    }
}

#[test]
fn a_province_report_sums_every_communes_workbook() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("examples/tinh-thanh-hoa"), dir.path());
    build(dir.path());
    let books: Vec<PathBuf> = files(&dir.path().join("theo-doi"), "xlsx");
    assert!(books.len() >= 20, "one workbook per commune: {books:?}");
    // Two communes report: each village reached half its households.
    let (mut reached, mut households) = (0u64, 0u64);
    for (k, book) in books.iter().enumerate() {
        let g = theo_doi::grid(book, "Theo dõi");
        let (h, head) = theo_doi::header(&g, "Thôn");
        let col = head.iter().position(|c| c == "Số hộ").unwrap();
        let mut set = Vec::new();
        for (i, row) in g[h + 1..].iter().enumerate() {
            let n: u64 = row[col].parse().unwrap();
            households += n;
            if k < 2 {
                reached += n / 2;
                set.push((h + 1 + i, "Số hộ đã nhận", Value::Number((n / 2) as f64)));
            }
        }
        if k < 2 {
            theo_doi::fill(book, &set, &[]);
        }
    }
    let (code, said, err) = run(canhbao().arg("report").arg(dir.path()).args(["--period", "2026"]));
    assert_eq!(code, 0, "{err}");
    assert!(said.contains(&format!("{} / {} hộ", dots(reached), dots(households))), "{said}");
    let docx = dir.path().join("out/tinh-thanh-hoa/bao-cao/bao-cao-2026.docx");
    let texts = docx_texts(&docx);
    let at = texts.iter().position(|t| t == "Tổng cộng").expect("a totals row");
    assert_eq!(texts[at + 1], dots(households));
    assert_eq!(texts[at + 4], dots(reached));
    // One row per commune, numbered.
    let rows = texts.iter().filter(|t| t.starts_with("xã ") || t.starts_with("phường ")).count();
    assert!(rows >= books.len(), "{rows} rows for {} communes", books.len());
}
