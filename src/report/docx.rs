//! The report as a Word document (`.docx`), in the administrative format of
//! Decree 30/2020/NĐ-CP: the issuing body and the national heading side by
//! side, the number left blank for the office's register, place and date,
//! the title, numbered sections, the results table, recipients and the
//! signature block; Times New Roman 13–14 pt on A4 with the decree's
//! margins (top and bottom 20 mm, left 30 mm, right 15 mm). Made with
//! `docx-rs`, so the officer edits it in Word before it is signed.

use docx_rs::{
    AlignmentType, Docx, LineSpacing, PageMargin, Paragraph, Run, RunFonts, SpecialIndentType,
    Table, TableCell, TableLayoutType, TableRow, VAlignType, WidthType,
};

use super::figures::{COLUMNS, Document};

/// Twips per millimetre (a twip is 1/1440 inch).
const MM: f64 = 56.692;
/// The text column: A4 less the left and right margins.
const TEXT_WIDTH: usize = ((210.0 - 30.0 - 15.0) * MM) as usize;

fn mm(v: f64) -> i32 {
    (v * MM).round() as i32
}

/// A run in Times New Roman of `pt` points.
fn run(text: &str, pt: usize) -> Run {
    let font = "Times New Roman";
    Run::new()
        .add_text(text)
        .size(pt * 2)
        .fonts(RunFonts::new().ascii(font).hi_ansi(font).cs(font).east_asia(font))
}

fn para(align: AlignmentType) -> Paragraph {
    Paragraph::new().align(align).line_spacing(LineSpacing::new().before(0).after(0))
}

fn centered(text: &str, pt: usize, bold: bool) -> Paragraph {
    let r = run(text, pt);
    para(AlignmentType::Center).add_run(if bold { r.bold() } else { r })
}

/// A body paragraph: justified, first line indented 1 cm, 6 pt after.
fn body(text: &str) -> Paragraph {
    Paragraph::new()
        .align(AlignmentType::Both)
        .indent(None, Some(SpecialIndentType::FirstLine(mm(10.0))), None, None)
        .line_spacing(LineSpacing::new().before(0).after(120))
        .add_run(run(text, 14))
}

fn heading(text: &str) -> Paragraph {
    Paragraph::new()
        .align(AlignmentType::Both)
        .indent(None, Some(SpecialIndentType::FirstLine(mm(10.0))), None, None)
        .line_spacing(LineSpacing::new().before(120).after(120))
        .add_run(run(text, 14).bold())
}

fn cell(paragraphs: Vec<Paragraph>, width: usize) -> TableCell {
    let mut c = TableCell::new().width(width, WidthType::Dxa);
    for p in paragraphs {
        c = c.add_paragraph(p);
    }
    c
}

/// The top block: issuer on the left, national heading on the right.
fn top(doc: &Document) -> Table {
    let left_w = (TEXT_WIDTH as f64 * 0.42) as usize;
    let right_w = TEXT_WIDTH - left_w;
    let mut left = Vec::new();
    if !doc.superior.is_empty() {
        left.push(centered(&doc.superior, 13, false));
    }
    left.push(centered(&doc.issuer, 13, true));
    left.push(centered("───────", 13, false));
    left.push(centered(&format!("Số:        /{}", doc.symbol), 13, false));
    let right = vec![
        centered("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 12, true),
        centered("Độc lập - Tự do - Hạnh phúc", 13, true),
        centered("───────────────", 13, false),
        para(AlignmentType::Center).add_run(
            run(&format!("{}, ngày      tháng      năm {}", doc.place, doc.period.year), 13)
                .italic(),
        ),
    ];
    Table::without_borders(vec![TableRow::new(vec![cell(left, left_w), cell(right, right_w)])])
        .set_grid(vec![left_w, right_w])
        .layout(TableLayoutType::Fixed)
        .width(TEXT_WIDTH, WidthType::Dxa)
}

/// The results: one row per village (or commune) and the totals.
fn results(doc: &Document) -> Table {
    let no_w = mm(9.0) as usize;
    let num_w = mm(15.5) as usize;
    let name_w = TEXT_WIDTH - no_w - num_w * COLUMNS.len();
    let mut grid = vec![no_w, name_w];
    grid.extend(std::iter::repeat_n(num_w, COLUMNS.len()));
    let text_cell = |t: &str, w: usize, bold: bool, align: AlignmentType| {
        let r = run(t, 11);
        cell(vec![para(align).add_run(if bold { r.bold() } else { r })], w)
            .vertical_align(VAlignType::Center)
    };
    let mut head = vec![
        text_cell("TT", no_w, true, AlignmentType::Center),
        text_cell(&doc.unit, name_w, true, AlignmentType::Center),
    ];
    head.extend(COLUMNS.iter().map(|c| text_cell(c, num_w, true, AlignmentType::Center)));
    let mut rows = vec![TableRow::new(head).cant_split()];
    let line = |r: &super::figures::TableRow, bold: bool| {
        let mut cells = vec![
            text_cell(&r.no, no_w, bold, AlignmentType::Center),
            text_cell(&r.name, name_w, bold, AlignmentType::Left),
        ];
        cells.extend(r.cells.iter().map(|c| text_cell(c, num_w, bold, AlignmentType::Right)));
        TableRow::new(cells).cant_split()
    };
    rows.extend(doc.table.iter().map(|r| line(r, false)));
    rows.push(line(&doc.total, true));
    Table::new(rows).set_grid(grid).layout(TableLayoutType::Fixed).width(TEXT_WIDTH, WidthType::Dxa)
}

/// Recipients on the left, the signature block on the right.
fn bottom(doc: &Document) -> Table {
    let left_w = TEXT_WIDTH / 2;
    let right_w = TEXT_WIDTH - left_w;
    let mut left = vec![para(AlignmentType::Left).add_run(run("Nơi nhận:", 12).bold().italic())];
    left.extend(doc.recipients.iter().map(|r| para(AlignmentType::Left).add_run(run(r, 11))));
    let mut right: Vec<Paragraph> = doc.signer.lines().map(|l| centered(l, 13, true)).collect();
    right.push(
        para(AlignmentType::Center).add_run(run("(Ký, ghi rõ họ tên, đóng dấu)", 13).italic()),
    );
    Table::without_borders(vec![TableRow::new(vec![cell(left, left_w), cell(right, right_w)])])
        .set_grid(vec![left_w, right_w])
        .layout(TableLayoutType::Fixed)
        .width(TEXT_WIDTH, WidthType::Dxa)
}

/// The `.docx` bytes of `doc`.
pub fn write(doc: &Document) -> Result<Vec<u8>, String> {
    let mut d = Docx::new()
        .page_size(11906, 16838)
        .page_margin(
            PageMargin::new().top(mm(20.0)).bottom(mm(20.0)).left(mm(30.0)).right(mm(15.0)),
        )
        .default_fonts(RunFonts::new().ascii("Times New Roman").hi_ansi("Times New Roman"))
        .default_size(28)
        .add_table(top(doc))
        .add_paragraph(para(AlignmentType::Center))
        .add_paragraph(centered("BÁO CÁO", 14, true))
        .add_paragraph(centered(&doc.subject, 14, true))
        .add_paragraph(centered("───────", 14, false))
        .add_paragraph(heading("I. TÌNH HÌNH CHUNG"));
    for p in &doc.situation {
        d = d.add_paragraph(body(p));
    }
    d = d.add_paragraph(heading("II. KẾT QUẢ THỰC HIỆN"));
    for p in &doc.results {
        d = d.add_paragraph(body(p));
    }
    d = d.add_table(results(doc)).add_paragraph(heading("III. TỒN TẠI, HẠN CHẾ"));
    for p in &doc.shortcomings {
        d = d.add_paragraph(body(p));
    }
    d = d.add_paragraph(heading("IV. ĐỀ XUẤT, KIẾN NGHỊ"));
    for p in &doc.proposals {
        d = d.add_paragraph(body(p));
    }
    d = d.add_paragraph(para(AlignmentType::Left)).add_table(bottom(doc));
    let mut bytes = std::io::Cursor::new(Vec::new());
    d.build().pack(&mut bytes).map_err(|e| e.to_string())?;
    Ok(bytes.into_inner())
}
