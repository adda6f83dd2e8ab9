//! `canhbao init`: a new campaign folder a commune officer can fill in.

use std::path::{Path, PathBuf};

use crate::output::write_atomic;

/// The commented campaign template (comments in Vietnamese for the officer).
///
/// It holds no number that could be printed by mistake: the fields only the
/// commune knows are left empty and marked "ĐIỀN", so `check` and `build`
/// refuse the unedited template with one message per field. Channels that are
/// not verified national ones are listed commented out, to be checked first.
const CAMPAIGN_TOML: &str = r#"# Chiến dịch tuyên truyền phòng, chống lừa đảo qua mạng.
# Điền các dòng có chữ ĐIỀN cho đúng với xã (phường) của mình, rồi chạy:
#   canhbao check <thư-mục-này>    (kiểm tra, không tạo tệp)
#   canhbao build <thư-mục-này>    (tạo tệp PDF cho từng thôn, trong thư mục out/)
# Khi còn ô chưa điền, chương trình báo lỗi ở từng dòng và không tạo tệp nào.
# Dòng bắt đầu bằng dấu # là ghi chú, chương trình bỏ qua.

locale = "vi"                 # ngôn ngữ in: "vi" (tiếng Việt) hoặc "en" (tiếng Anh)
layouts = ["leaflet-a5"]      # các mẫu cần in; xem danh sách: canhbao layouts
date = "{date}"          # ngày phát hành (năm-tháng-ngày)
villages = "villages.xlsx"    # danh sách thôn: tệp Excel (.xlsx) hoặc "villages.csv"
# audience = "households"     # đối tượng: households (hộ gia đình), shops (cửa hàng),
                              # schools (trường học), border (biên giới), elderly (người cao tuổi)
# logo = "logo.png"           # logo của đơn vị, đặt trong thư mục này

[commune]
name = ""                     # ĐIỀN tên xã (phường), không ghi chữ "xã", ví dụ "Tiên Trang"
kind = "xã"                   # xã | phường | đặc khu
province = ""                 # ĐIỀN tên tỉnh, không ghi chữ "tỉnh", ví dụ "Thanh Hóa"

# Đơn vị phát hành, in ở cuối tờ rơi. Bỏ trống thì in "Công an xã <tên xã>".
# [issuer]
# name = "Công an xã …"

# Số điện thoại in trên tờ rơi. Số có hotline = true được in to nhất.
[[contacts]]
label = "Trực ban Công an xã"
phone = ""                    # ĐIỀN số trực ban thật của Công an xã, đã gọi thử
hotline = true

[[contacts]]
label = "Cảnh sát khẩn cấp"
phone = "113"                 # số khẩn cấp toàn quốc của Công an

# Kênh tố giác, in kèm mã QR (chỉ nhận https://… hoặc tel:…). Mặc định không
# in kênh nào ngoài 113 và chức năng tố giác của ứng dụng VNeID (nêu trong lời
# in sẵn). Các kênh dưới đây chưa được bật: kiểm tra trước khi in (còn hoạt
# động không, đúng cơ quan không), rồi mới xóa dấu # ở đầu ba dòng.
# [[channels]]
# label = "Tra cứu trang web lừa đảo"
# url = "https://tinnhiemmang.vn"         # kiểm tra trước khi in
# [[channels]]
# label = "Báo cuộc gọi rác, lừa đảo"
# url = "tel:156"                         # kiểm tra trước khi in

[theme]
primary = [0, 100, 100, 10]   # màu chính, CMYK theo %: đỏ
accent = [0, 15, 100, 0]      # màu nhấn: vàng

[print]
bleed_mm = 3                  # lề xén cho nhà in (mm)
spare_percent = 5             # in dư bao nhiêu % so với số hộ
# marks = true                # in dấu cắt ở góc

# Muốn đổi một câu in trên tờ rơi? Ghi lại đúng khóa trong layouts/locales/vi.toml, ví dụ:
# [text.front]
# kicker = "Công an xã khuyến cáo"
"#;

/// The short guide for the officer, who opens the program by double-click
/// and works in the browser page; the commands come last, for a terminal.
const GUIDE: &str = "HƯỚNG DẪN NHANH

Mở chương trình canhbao (nhấp đúp vào canhbao.exe, hoặc chạy lệnh
canhbao serve <thư-mục-này>): trang canhbao hiện ra trong trình duyệt.
Để cửa sổ đen của canhbao mở trong lúc làm; đóng nó là trang dừng.

1. Thẻ “1. Thông tin chiến dịch”: kiểm tra tên xã, tỉnh, đơn vị phát hành;
   điền số trực ban Công an xã. Chỉ ghi số thật, đã gọi thử: số in ra sẽ đến
   tay từng hộ dân. Bấm “Lưu thay đổi”.
2. Mở villages.xlsx bằng Excel. Mỗi thôn một dòng:
   - Tên thôn, Loại (thôn, bản, ấp, tổ dân phố, khu phố),
   - Cán bộ phụ trách (cán bộ Công an xã phụ trách thôn) và số di động,
   - Số hộ (để tính số tờ rơi cần in), số cửa hàng và nơi công cộng.
   Dòng “Đông Hải” chỉ là ví dụ: sửa thành thôn của mình hoặc xóa đi.
   Giữ nguyên dòng tiêu đề. Lưu tệp: trang tự đọc lại. (Hoặc kéo tệp Excel
   của mình vào thẻ “2. Danh sách thôn”.)
3. Trang chỉ rõ lỗi ở ô nào, dòng nào và cách sửa. Xem trước tờ rơi ở bên phải.
4. Thẻ “3. Tạo tệp in”: bấm nút, rồi tải gói cho nhà in (tệp .zip) và gửi
   cho nhà in.

Dùng dòng lệnh thay cho trang:
   canhbao check <thư-mục-này>    kiểm tra, không tạo tệp
   canhbao build <thư-mục-này>    tạo tệp in trong thư mục out/
";

/// Header and one example row of the village table. The officer, phone and
/// households are left empty: only the commune knows them, and `check`
/// names each empty cell.
#[cfg(test)]
const ROWS: &[[&str; 7]] = &[
    ["Tên thôn", "Loại", "Cán bộ phụ trách", "SĐT", "Số hộ", "Số cửa hàng", "Nơi công cộng"],
    ["Đông Hải", "thôn", "", "", "", "", ""],
];

/// The files `init` writes, in this order: one village table, the Excel
/// workbook an officer opens (a CSV beside it would be a second table to
/// keep in step).
pub const FILES: [&str; 3] = ["campaign.toml", "villages.xlsx", "HUONG-DAN.txt"];

/// Refuses to create anything in `dir` if one of `files` is already there
/// (even a dangling link): `init` and `init --province` never replace a
/// user's file. The message lists the files found.
pub fn refuse_taken(dir: &Path, files: &[&str]) -> Result<(), String> {
    let taken: Vec<&str> =
        files.iter().copied().filter(|f| dir.join(f).symlink_metadata().is_ok()).collect();
    if taken.is_empty() {
        return Ok(());
    }
    Err(format!(
        "thư mục “{}” đã có {}; không tạo gì để khỏi ghi đè dữ liệu cũ",
        dir.display(),
        taken.join(", ")
    ))
}

/// Creates a campaign folder. Never replaces a file: if any of [`FILES`]
/// is already there (even a dangling link), nothing is written and the
/// message lists them.
pub fn init(dir: &Path, today: (i32, u32, u32)) -> Result<Vec<PathBuf>, String> {
    refuse_taken(dir, &FILES).map_err(|e| {
        format!("{e}\n  gợi ý: chọn một thư mục khác (hoặc chưa có), ví dụ canhbao init xa-moi")
    })?;
    let (y, m, d) = today;
    let toml = CAMPAIGN_TOML.replace("{date}", &format!("{y:04}-{m:02}-{d:02}"));
    let contents = [toml.into_bytes(), VILLAGES_XLSX.to_vec(), GUIDE.as_bytes().to_vec()];
    let files: Vec<(PathBuf, Vec<u8>)> = FILES.iter().map(|f| dir.join(f)).zip(contents).collect();
    for (path, bytes) in &files {
        write_atomic(path, bytes)?;
    }
    Ok(files.into_iter().map(|(p, _)| p).collect())
}

/// The village template as an Excel workbook: [`ROWS`], the header bold,
/// the phone column stored as text so Excel keeps the leading zero, written
/// once with Excel and committed (a test keeps its cells equal to `ROWS`).
const VILLAGES_XLSX: &[u8] = include_bytes!("../templates/villages.xlsx");

/// Today's date in Vietnam from the system clock; used only for templates.
pub fn today() -> (i32, u32, u32) {
    date_at(time::OffsetDateTime::now_utc().unix_timestamp())
}

/// The date in Vietnam (UTC+7, no daylight saving) at `secs` after
/// 1970-01-01 00:00 UTC: an officer who makes a campaign at 6 in the
/// morning gets today's date, not yesterday's.
fn date_at(secs: i64) -> (i32, u32, u32) {
    let vietnam = time::UtcOffset::from_hms(7, 0, 0).expect("UTC+7 is an offset");
    let date = time::OffsetDateTime::from_unix_timestamp(secs)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
        .to_offset(vietnam)
        .date();
    (date.year(), u8::from(date.month()).into(), date.day().into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_date_is_vietnams_from_midnight_not_from_seven_in_the_morning() {
        // 2025-11-23 16:59:59 UTC is 23:59:59 in Hà Nội; one second later
        // it is the 24th there, while still the 23rd in Greenwich.
        let eve = 1_763_917_199;
        assert_eq!(date_at(eve), (2025, 11, 23));
        assert_eq!(date_at(eve + 1), (2025, 11, 24));
        assert_eq!(date_at(0), (1970, 1, 1));
        // The last day of a leap year, just before Vietnam's midnight.
        assert_eq!(date_at(1_735_664_399), (2024, 12, 31));
    }

    #[test]
    fn the_committed_workbook_holds_the_template_rows() {
        use calamine::{Reader, Xlsx};
        let mut book = Xlsx::new(std::io::Cursor::new(VILLAGES_XLSX)).unwrap();
        assert_eq!(book.sheet_names(), ["Danh sách"]);
        let range = book.worksheet_range("Danh sách").unwrap();
        let cells: Vec<Vec<String>> =
            range.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
        let rows: Vec<Vec<String>> =
            ROWS.iter().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
        assert_eq!(cells, rows);
    }

    #[test]
    fn a_new_folder_gets_one_village_table_and_a_guide_for_the_page() {
        let dir = tempfile::tempdir().unwrap();
        init(dir.path(), (2026, 1, 2)).unwrap();
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["HUONG-DAN.txt", "campaign.toml", "villages.xlsx"]);
        let guide = std::fs::read_to_string(dir.path().join("HUONG-DAN.txt")).unwrap();
        let first_steps = &guide[..guide.find("1.").unwrap()];
        assert!(first_steps.contains("nhấp đúp") && first_steps.contains("trình duyệt"), "{guide}");
        // The page's tabs are named as the page names them.
        assert!(guide.contains("“3. Tạo tệp in”"), "{guide}");
    }

    #[test]
    fn init_refuses_to_overwrite() {
        let dir = tempfile::tempdir().unwrap();
        init(dir.path(), (2026, 1, 2)).unwrap();
        let toml = std::fs::read_to_string(dir.path().join("campaign.toml")).unwrap();
        assert!(toml.contains("date = \"2026-01-02\""));
        assert!(init(dir.path(), (2026, 1, 2)).unwrap_err().contains("đã có"));
    }
}
