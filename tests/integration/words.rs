//! What the material says: no invented number reaches print, the slogan as
//! the commune plans state it, the right tactics for each audience.

use std::path::Path;
use std::sync::OnceLock;

use crate::util::*;

/// "4 không, 2 phải" word for word as seeds 002 and 003 state it.
const SLOGAN: [&str; 6] = [
    "Không sợ",
    "Không tham",
    "Không kết bạn với người lạ",
    "Không làm theo yêu cầu lạ",
    "Phải cảnh giác",
    "Phải tố giác ngay",
];

/// Text of a PDF in reading order, every run of white space made one space
/// (a title wrapped over two lines still reads as one).
fn flat_text(pdf: &Path) -> String {
    flat_page(pdf, None)
}

/// [`flat_text`] of one page (1-based), or of all.
fn flat_page(pdf: &Path, page: Option<usize>) -> String {
    let mut cmd = std::process::Command::new("pdftotext");
    cmd.args(["-raw", "-enc", "UTF-8"]);
    if let Some(p) = page {
        cmd.args(["-f", &p.to_string(), "-l", &p.to_string()]);
    }
    let out = cmd.arg(pdf).arg("-").output().expect("pdftotext (poppler-utils) is installed");
    String::from_utf8_lossy(&out.stdout).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The example campaign with `edit` applied to its campaign.toml.
/// The example campaign as a real commune writes it (no `example` line,
/// a real-looking duty number), its duty number replaced by `number`.
fn real_campaign_calling(number: &str) -> tempfile::TempDir {
    let dir = fixture("real-commune");
    let path = dir.path().join("campaign.toml");
    let toml = std::fs::read_to_string(&path).unwrap();
    assert!(!toml.lines().any(|l| l.starts_with("example")), "the fixture is a sample");
    assert!(toml.contains("\"0237 3852 607\""), "the fixture's duty number changed");
    std::fs::write(&path, toml.replace("\"0237 3852 607\"", &format!("\"{number}\""))).unwrap();
    dir
}

#[test]
fn init_then_build_refuses_the_unedited_template_naming_each_field() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("xa-moi");
    let (code, _, err) = run(canhbao().arg("init").arg(&dir));
    assert_eq!(code, 0, "{err}");
    let toml = std::fs::read_to_string(dir.join("campaign.toml")).unwrap();
    let line_of = |needle: &str| toml.lines().position(|l| l.starts_with(needle)).unwrap() + 1;
    for verb in ["build", "check"] {
        let (code, out, err) = run(canhbao().arg(verb).arg(&dir));
        assert_eq!(code, 2, "{verb} of an unedited template must refuse\n{out}\n{err}");
        // One message per field, each at its place, each saying what to write.
        let wants = [
            (format!("campaign.toml:{}:", line_of("name =")), "tên xã"),
            (format!("campaign.toml:{}:", line_of("province =")), "tên tỉnh"),
            (format!("campaign.toml:{}:", line_of("phone = \"\"")), "số trực ban"),
            ("villages.xlsx:2: lỗi: [Cán bộ phụ trách]".to_string(), "họ tên cán bộ"),
            ("villages.xlsx:2: lỗi: [SĐT]".to_string(), "số di động"),
            ("villages.xlsx:2: lỗi: [Số hộ]".to_string(), "số hộ gia đình"),
        ];
        for (place, what) in &wants {
            let at =
                err.find(place.as_str()).unwrap_or_else(|| panic!("{verb}: no {place}\n{err}"));
            let message: String = err[at..].lines().take(2).collect::<Vec<_>>().join("\n");
            assert!(message.contains(what), "{verb}: {place} does not say {what:?}:\n{message}");
        }
        assert_eq!(
            err.matches(": lỗi: ").count(),
            wants.len(),
            "{verb}: one message per field\n{err}"
        );
        assert!(!dir.join("out").exists(), "{verb} wrote files from an unedited template");
    }
    // No number that looks real is written anywhere by init.
    for file in ["campaign.toml", "HUONG-DAN.txt"] {
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        // A phone number is digits with spaces or dots between its groups.
        for run in text.split(|c: char| !(c.is_ascii_digit() || c == ' ' || c == '.')) {
            let digits = run.chars().filter(char::is_ascii_digit).count();
            assert!(digits < 7, "{file} holds a phone-like number “{run}”");
        }
    }
}

#[test]
fn every_placeholder_pattern_is_refused_with_its_place() {
    let numbers = [
        "0912 345 678",
        "0123 456 789",
        "0000 000 000",
        "0237 3868 113",
        "0987 654 321",
        "0356 111 222",
        "0988 888 888",
        "0351 234 567",
    ];
    for n in numbers {
        // The duty line in campaign.toml.
        let dir = real_campaign_calling(n);
        let (code, _, err) = run(canhbao().arg("check").arg(dir.path()).arg("--no-contact-sheet"));
        assert_eq!(code, 2, "{n} as the duty line was accepted\n{err}");
        let toml = std::fs::read_to_string(dir.path().join("campaign.toml")).unwrap();
        let line = toml.lines().position(|l| l.contains(n)).unwrap() + 1;
        assert!(err.contains(&format!("campaign.toml:{line}:")), "{n}: no place\n{err}");
        // 0123… and 0000… are not even well formed; the others look real.
        if canhbao::phone::Phone::parse(n).is_ok() {
            assert!(err.contains("số bịa") && err.contains("example = true"), "{n}: {err}");
        }
    }
    // An officer's number in the village table, and a channel's tel: number.
    let dir = fixture("fake-numbers");
    let (code, _, err) = run(canhbao().arg("build").arg(dir.path()));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("villages.csv:3: lỗi: [officer_phone] số “0351 234 567”"), "{err}");
    assert!(err.contains("số “0912 345 678”"), "the channel's tel: number was accepted\n{err}");
    assert!(!dir.path().join("out").exists(), "a refused build wrote files");
    // The same campaign with real-looking numbers builds.
    let dir = fixture("real-commune");
    let (code, _, err) = run(canhbao().arg("check").arg(dir.path()).arg("--no-contact-sheet"));
    assert_eq!(code, 0, "{err}");
}

/// One village of the example in every printed layout, built once.
fn every_format() -> &'static Path {
    static BUILT: OnceLock<tempfile::TempDir> = OnceLock::new();
    BUILT
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let mut cmd = canhbao();
            cmd.arg("build").arg(repo().join("examples/tien-trang")).arg("--out").arg(dir.path());
            for l in canhbao::layouts::builtin() {
                cmd.args(["--layout", &l.id]);
            }
            let (code, _, err) = run(cmd.args(["--village", "Đông Hải", "--no-package"]));
            assert_eq!(code, 0, "{err}");
            dir
        })
        .path()
}

/// Every PDF of [`every_format`], by layout.
fn format_pdfs() -> Vec<(String, std::path::PathBuf)> {
    let mut out = Vec::new();
    for l in canhbao::layouts::builtin() {
        for pdf in files(&every_format().join(&l.id), "pdf") {
            out.push((l.id.clone(), pdf));
        }
    }
    assert!(out.len() >= 7, "{out:?}");
    out
}

#[test]
fn an_example_campaign_prints_the_sample_band_on_every_page() {
    for (id, pdf) in format_pdfs() {
        let pages = lopdf::Document::load(&pdf).unwrap().get_pages().len();
        for page in 1..=pages {
            // In drawing order: the band lies over a title on small formats.
            let text = flat_page(&pdf, Some(page));
            assert!(text.contains("MẪU — KHÔNG PHÁT"), "{id} page {page}: no sample band\n{text}");
        }
    }
    // A real campaign carries no band.
    let dir = fixture("real-commune");
    let out = build_dong_hai(dir.path());
    let text = pdf_text(&out.join("leaflet-a5/thon-dong-hai.pdf"));
    assert!(text.contains("Đông Hải") && !text.contains("MẪU"), "{text}");
}

#[test]
fn the_slogan_reads_the_same_on_every_format() {
    for (id, pdf) in format_pdfs() {
        let text = flat_text(&pdf);
        for item in SLOGAN {
            let found = text.contains(item) || text.contains(&item.to_uppercase());
            assert!(found, "{id}: “{item}” missing from {}\n{text}", pdf.display());
        }
        // The numbers are not always "below": never point at them that way.
        assert!(!text.contains("dưới đây"), "{id}: {text}");
    }
}

/// Tactic titles, by id, from the built-in Vietnamese pack.
fn title(id: &str) -> String {
    let pack = canhbao::content::Pack::builtin("vi").unwrap();
    let raw = pack.table["tactics"][id]["title"].as_str().unwrap();
    // Up to its first name (a unit kind is filled in), spaces as pdftotext reads them.
    raw.split('{').next().unwrap().split_whitespace().collect::<Vec<_>>().join(" ")
}

/// What each audience's A5 prints (issue 24): its own leading tactics, in
/// order, at least `least` of them, and the facts they state; `absent`:
/// tactics that are not for it.
struct AudienceCase {
    audience: &'static str,
    least: usize,
    says: &'static [&'static str],
    /// What its trifold says (every tactic of the audience prints there).
    trifold_says: &'static [&'static str],
    absent: &'static [&'static str],
}

const AUDIENCES: &[AudienceCase] = &[
    AudienceCase {
        audience: "households",
        least: 4,
        says: &[
            "Giả Công an, Viện kiểm sát, Tòa án",
            "Công an không gửi giấy triệu tập, lệnh bắt qua Zalo, Facebook; không bắt chuyển tiền.",
            "Giả ngân hàng, điện lực, cán bộ xã",
            "Kẻ gian đòi cài ứng dụng lạ để “cập nhật sau sáp nhập”.",
            "VNeID tự cập nhật; ai bảo cập nhật hộ là lừa đảo.",
            "Giả Công an bắt học sinh thuê phòng ở một mình, đòi cha mẹ tiền chuộc. \
             Không cơ quan nào bắt con giữ bí mật.",
            "Chỉ trả khi nhận đúng hàng",
        ],
        trifold_says: &[
            "Kẻ gian chiếm Zalo, Facebook của người quen để hỏi vay tiền",
            "Để không mất tiền, bà con cùng nhớ:",
        ],
        absent: &["fake_qr", "free_trip", "fake_transfer"],
    },
    AudienceCase {
        audience: "elderly",
        least: 3,
        says: &[
            "giả giọng, giả mặt người thân",
            "ép người cao tuổi mua thuốc",
            "Gặp một trong các chiêu này: dừng lại, không chuyển tiền, hỏi con cháu hoặc Công an.",
            "Nhờ con cháu đọc cho cả nhà cùng nghe.",
        ],
        trifold_says: &["gọi video giả mặt, giả giọng. Gọi số quen để hỏi."],
        absent: &["online_kidnap", "fake_qr", "fake_transfer"],
    },
    AudienceCase {
        audience: "schools",
        least: 4,
        says: &[
            "Mua bán, thuê, cho thuê, mượn, cho mượn tài khoản:",
            "phạt 100–200 triệu,",
            "có thể bị truy cứu trách nhiệm hình sự.",
            "sau đó bắt nạp thêm tiền rồi chiếm luôn.",
            "Không cơ quan nào bắt học sinh giữ bí mật, ở một mình. Dặn con: gặp vậy, gọi ngay bố mẹ, thầy cô, Công an.",
        ],
        trifold_says: &["Để con em không bị lừa, bà con cùng nhớ:"],
        absent: &["free_trip", "fake_qr"],
    },
    AudienceCase {
        audience: "border",
        least: 4,
        says: &[
            "Rủ đi làm nước ngoài, nhất là Campuchia",
            "bị bán, bị giam, bị ép đi lừa đảo",
            "Không vượt biên, không đưa hộ chiếu.",
            "Hỏi UBND, Công an xã.",
            "Công an không gửi giấy triệu tập, lệnh bắt qua Zalo, Facebook;",
            "sau đó bắt nạp thêm tiền rồi chiếm luôn.",
        ],
        trifold_says: &["bắt học sinh thuê phòng ở một mình, đòi cha mẹ tiền chuộc."],
        absent: &["free_trip", "fake_transfer"],
    },
    AudienceCase {
        audience: "shops",
        least: 4,
        says: &[
            "Xem trong ứng dụng ngân hàng, không tin ảnh chụp màn hình",
            "VNeID tự cập nhật",
            TILL_QR,
        ],
        trifold_says: &[
            "Chủ quán: xem lại mã QR của quán mỗi ngày.",
            "Để không mất tiền, cả quán cùng nhớ:",
        ],
        absent: &["online_kidnap", "free_trip"],
    },
];

/// The shops' fake till-QR warning (their A5 and trifold, not the others').
const TILL_QR: &str =
    "Kẻ gian dán mã QR giả đè lên mã thanh toán của quán. Chủ quán: xem lại mã mỗi ngày.";

/// The stems of a build's social images (`<village>-<tactic>`, `-` as `_`),
/// sorted by name.
fn social_ids(out: &Path) -> Vec<String> {
    files(&out.join("social"), "png")
        .iter()
        .map(|p| p.file_stem().unwrap().to_string_lossy().replace('-', "_"))
        .collect()
}

#[test]
fn each_audience_prints_its_own_tactics() {
    let pack = canhbao::content::Pack::builtin("vi").unwrap();
    for case in AUDIENCES {
        let audience = case.audience;
        let dir = fixture(&format!("audience-{audience}"));
        let out = dir.path().join("out");
        let (code, _, err) = run(canhbao()
            .arg("build")
            .arg(dir.path())
            .args(["--village", "Đông Hải", "--layout", "leaflet-a5", "--layout", "social"])
            .args(["--layout", "leaflet-a4-trifold", "--no-package", "--out"])
            .arg(&out));
        assert_eq!(code, 0, "{audience}: {err}");
        let leaflet = flat_text(&out.join("leaflet-a5/thon-dong-hai.pdf"));
        let ids = pack.audience_tactics(audience);
        // The A5 prints the audience's first tactics, in its order, as many
        // as fit (at least `least`); the rest are on the trifold and the
        // social images.
        let printed = ids.iter().take_while(|id| leaflet.contains(&title(id))).count();
        eprintln!("{audience}: {printed} of {} tactics on the A5", ids.len());
        assert!(printed >= case.least, "{audience}: only {printed} tactics on the A5\n{leaflet}");
        for id in &ids[printed..] {
            assert!(!leaflet.contains(&title(id)), "{audience}: “{id}” printed out of order");
        }
        for id in case.absent {
            assert!(!leaflet.contains(&title(id)), "{audience}: “{}” printed", title(id));
        }
        for phrase in case.says {
            assert!(
                leaflet.contains(phrase),
                "{audience}: the A5 does not say “{phrase}”\n{leaflet}"
            );
        }
        // Every tactic gets its social image (named after the tactic).
        let social = social_ids(&out);
        assert_eq!(social.len(), ids.len(), "{audience}: {social:?}");
        for id in &ids {
            assert!(social.iter().any(|s| s.ends_with(id.as_str())), "{audience}: no image {id}");
        }
        // The officer's title and what to do if scammed, on every audience's A5.
        assert!(leaflet.contains("Cán bộ Công an xã phụ trách thôn Đông Hải"), "{leaflet}");
        // The A5 prints the steps in fewer words (`back.scammed_steps_short`,
        // issue 23: four tactics at 11 pt); the trifold's flap prints them
        // whole. Step 3 comes after step 2 turned the phone off.
        let trifold = flat_text(&out.join("leaflet-a4-trifold/thon-dong-hai.pdf"));
        let short = pack.table["text"]["back"]["scammed_steps_short"].as_array().unwrap();
        for step in short {
            // (Its no-break spaces read as spaces, as the PDF's text is.)
            let step = step.as_str().unwrap().replace("{commune_full}", "xã Tiên Trang");
            let step = step.split_whitespace().collect::<Vec<_>>().join(" ");
            assert!(leaflet.contains(&step), "{audience}: no “{step}”\n{leaflet}");
        }
        let bank = "Gọi ngay ngân hàng theo số in trên thẻ (dùng máy khác nếu đã tắt máy), \
                    không gọi số tìm trên mạng.";
        assert!(trifold.contains(bank), "{audience}: {trifold}");
        assert!(
            trifold.contains("để Công an đề nghị ngân hàng phong tỏa tài khoản nhận tiền"),
            "{audience}: {trifold}"
        );
        assert!(trifold.contains("tắt Wi-Fi"), "{audience}: {trifold}");
        // "Không làm theo yêu cầu lạ": never read the OTP out.
        assert!(trifold.contains("Không đọc mã OTP cho bất kỳ ai."), "{audience}: {trifold}");
        for text in [&leaflet, &trifold] {
            assert!(!text.contains("người già") && !text.contains("Công an viên"), "{text}");
            assert!(!text.contains("ngân hàng mới khóa"), "{audience}: {text}");
            assert!(!text.contains("khóa tài khoản kẻ gian"), "{audience}: {text}");
            assert!(!text.contains("Sở Nội vụ"), "a provincial office: {text}");
            assert!(!text.contains("viện kiểm sát, tòa án"), "{audience}: {text}");
            // Not "the police … demand money".
            assert!(!text.contains("qua Zalo, đòi tiền"), "{audience}: {text}");
            if audience != "shops" {
                assert!(!text.contains(TILL_QR), "{audience}: {text}");
            }
            // One form of address on every panel: the leaflets go to every
            // household, whose front greets “bà con” (issue 23 review: “các
            // em” on one panel, “bà con” on the others).
            assert!(!text.contains("các em"), "{audience}: {text}");
        }
        // The fixture lists tinnhiemmang.vn as its own, confirmed channel:
        // it says what the page does.
        assert!(leaflet.contains("Tra cứu trang web có phải lừa đảo không"), "{leaflet}");
        assert!(!leaflet.contains("Kiểm tra trang web lừa đảo"), "{leaflet}");
        for phrase in case.trifold_says {
            assert!(
                trifold.contains(phrase),
                "{audience}: the trifold lacks “{phrase}”\n{trifold}"
            );
        }
        if audience != "elderly" {
            assert!(!leaflet.contains("Nhờ con cháu đọc"), "{audience}: {leaflet}");
        }
        if audience == "households" {
            assert!(!leaflet.contains("Không cơ quan nào bắt em"), "{leaflet}");
        }
        if audience == "elderly" {
            assert!(!leaflet.contains("Đọc cho ông bà"), "{leaflet}");
            assert!(!leaflet.contains("hỏi con cháu trước khi chuyển tiền"), "{leaflet}");
            // The trifold prints the tactics up to the fake "money recovery"
            // warning and step 4 name the same two channels.
            assert!(trifold.contains("chỉ báo Công an xã hoặc qua VNeID"), "{trifold}");
            assert!(trifold.contains("(đến trụ sở hoặc qua VNeID)"), "{trifold}");
            assert!(!trifold.contains("đến thẳng"), "{trifold}");
            // (The last, "prize", may give way: the elderly's inside is set
            // at 13.5 pt with as many tactics as fit, issue 23.)
        }
    }
}

#[test]
fn vi_and_en_print_the_same_tactics_for_each_audience() {
    for case in AUDIENCES {
        let audience = case.audience;
        let mut shown = Vec::new();
        for locale in ["vi", "en"] {
            let pack = canhbao::content::Pack::builtin(locale).unwrap();
            let dir = fixture(&format!("audience-{audience}"));
            let path = dir.path().join("campaign.toml");
            let toml = std::fs::read_to_string(&path).unwrap();
            assert!(toml.contains("locale = \"vi\""), "{audience}: the fixture's locale changed");
            std::fs::write(
                &path,
                toml.replace("locale = \"vi\"", &format!("locale = \"{locale}\"")),
            )
            .unwrap();
            let out = dir.path().join("out");
            let (code, _, err) = run(canhbao()
                .arg("build")
                .arg(dir.path())
                .args(["--village", "Đông Hải", "--layout", "social", "--layout", "leaflet-a5"])
                .args(["--no-package", "--out"])
                .arg(&out));
            assert_eq!(code, 0, "{audience} {locale}: {err}");
            // The tactics the A5 prints, in the order it prints them (found
            // by their titles in this locale), and the social images.
            let leaflet = flat_text(&out.join("leaflet-a5/thon-dong-hai.pdf"));
            let mut printed: Vec<(usize, String)> = pack
                .tactic_ids()
                .into_iter()
                .filter_map(|id| {
                    // Up to its first name (a unit kind is filled in) and
                    // with its spaces as pdftotext reads them.
                    let raw = pack.table["tactics"][&id]["title"].as_str().unwrap();
                    let title = raw
                        .split('{')
                        .next()
                        .unwrap()
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" ");
                    leaflet.find(&title).map(|at| (at, id))
                })
                .collect();
            printed.sort();
            let printed: Vec<String> = printed.into_iter().map(|(_, id)| id).collect();
            shown.push((printed, social_ids(&out)));
        }
        let (vi, en) = (&shown[0], &shown[1]);
        assert!(vi.0.len() >= case.least, "{audience}: {:?}", vi.0);
        assert_eq!(vi.0, en.0, "{audience}: the A5 in vi and en prints different tactics");
        assert_eq!(vi.1, en.1, "{audience}: vi and en make different social images");
    }
}

#[test]
fn the_proof_names_the_officer_by_title_when_a_layout_leaves_them_out() {
    // A campaign layout that prints neither the officer's name nor phone.
    let dir = fixture("preflight-rules");
    let mau = dir.path().join("mau");
    copy_dir(&repo().join("tests/fixtures/preflight"), &mau);
    let clean = std::fs::read_to_string(mau.join("clean.typ")).unwrap();
    let without: String =
        clean.lines().filter(|l| !l.contains("v.officer")).map(|l| format!("{l}\n")).collect();
    assert_ne!(clean, without, "the fixture layout no longer prints the officer");
    std::fs::write(mau.join("clean.typ"), without).unwrap();
    let (code, _, err) = run(canhbao().arg("check").arg(dir.path()));
    assert_eq!(code, 1, "{err}");
    let title = "cán bộ Công an xã phụ trách thôn Đông Hải";
    for said in [
        format!("lỗi: thôn Đông Hải: tờ in không có tên {title} (Lê Văn Bình)"),
        format!("lỗi: thôn Đông Hải: tờ in không có số điện thoại của {title} (0912 000 101)"),
    ] {
        assert!(err.contains(&said), "no “{said}” in\n{err}");
    }
    let proof = flat_text(&dir.path().join("out/kiem-tra.pdf"));
    assert!(proof.contains(&format!("tờ in không có tên {title} (Lê Văn Bình)")), "{proof}");
    assert!(proof.contains("Cán bộ Công an xã phụ trách thôn Đông Hải: Lê Văn Bình"), "{proof}");
    for text in [&err, &proof] {
        assert!(!text.contains("(phường)"), "the commune's kind is known: {text}");
        assert!(!text.to_lowercase().contains("công an viên"), "a post gone since 2024: {text}");
    }
}

#[test]
fn help_and_usage_errors_are_vietnamese() {
    // Every help screen: the root's and each verb's, asked both ways.
    let verbs = ["build", "check", "layouts", "init", "preview", "serve", "completions"];
    let mut screens: Vec<Vec<&str>> = vec![vec!["--help"], vec!["-h"]];
    for verb in verbs {
        screens.push(vec![verb, "--help"]);
        screens.push(vec![verb, "-h"]);
    }
    for args in &screens {
        let (code, out, err) = run(canhbao().args(args));
        assert_eq!(code, 0, "{args:?}: {err}");
        assert!(out.contains("Cách dùng:") && out.contains("Tùy chọn:"), "{args:?}\n{out}");
        assert!(out.contains("-h, --help") && out.contains("Xem hướng dẫn này"), "{args:?}\n{out}");
        let english = english_words(&out);
        assert!(english.is_empty(), "{args:?}: English {english:?} in\n{out}");
    }
    let (_, out, _) = run(canhbao().args(["build", "--help"]));
    assert!(out.contains("Tạo tệp in cho mọi thôn") && out.contains("--week"), "{out}");
    for (args, want) in [
        (&["buidl", "x"][..], "không có lệnh “buidl”"),
        (&["build", "x", "--wek", "2"], "không có tùy chọn “--wek”"),
        (&["build", "x", "--shard", "4/3"], "phần 4/3 không hợp lệ"),
    ] {
        let (code, out, err) = run(canhbao().args(args));
        assert_eq!(code, 2, "{args:?}\n{out}{err}");
        assert!(err.contains(want), "{args:?}: {err}");
        assert!(!err.contains("error:") && !err.contains("Usage"), "{args:?}: {err}");
    }
    // An I/O error names the problem in Vietnamese, not the system's English.
    let (code, _, err) = run(canhbao().arg("check").arg("/không-có-thư-mục-này"));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("không tìm thấy") && !err.contains("No such file"), "{err}");
}

/// The English words of a help screen: clap's headings and placeholders
/// (`Usage`, `[OPTIONS]`, `[default: …]`, `[possible values: …]`, `Print
/// help`) and the common words of an English sentence. Flags (`--png`),
/// values in backquotes, keys like `print.bleed_mm` and placeholders like
/// `<THƯ_MỤC>` are names, not words, and are left out.
fn english_words(help: &str) -> Vec<String> {
    const ENGLISH: [&str; 24] = [
        "usage",
        "options",
        "option",
        "commands",
        "command",
        "arguments",
        "print",
        "help",
        "version",
        "default",
        "possible",
        "values",
        "the",
        "and",
        "every",
        "only",
        "when",
        "that",
        "with",
        "file",
        "mode",
        "skips",
        "fails",
        "for",
    ];
    let mut found = Vec::new();
    for token in help.split_whitespace() {
        // (A key or file name, `print.bleed_mm`, `campaign.toml`, is a name too.)
        let name = token.trim_matches(|c: char| !c.is_alphanumeric());
        if token.starts_with(['-', '`', '<']) || name.contains(['.', '_', '/']) {
            continue;
        }
        for word in token.split(|c: char| !c.is_alphabetic()) {
            let lower = word.to_lowercase();
            if ENGLISH.contains(&lower.as_str()) && !found.contains(&lower) {
                found.push(lower);
            }
        }
    }
    found
}

/// The social image as a PDF (the built-in one is PNG only), from a
/// campaign's own layouts folder, so that its words can be read.
const SOCIAL_PDF: &str = "[social-pdf]\nfile = \"social-pdf.typ\"\ntitle = \"Ảnh (PDF)\"\n\
    paper = \"custom\"\nwidth_mm = 127.0\nheight_mm = 158.75\npages = 1\nscope = \"commune\"\n\
    copies = \"none\"\nper_tactic = true\n";

/// The social images greet their audience: pupils on the schools' ones,
/// the commune's people on the others.
#[test]
fn the_social_images_greet_their_audience() {
    for (audience, greeting, not) in [
        ("schools", "Các em học sinh lưu ý:", "Bà con"),
        ("households", "Bà con xã Tiên Trang lưu ý:", "Các em"),
    ] {
        let dir = fixture(&format!("audience-{audience}"));
        let mine = dir.path().join("mau");
        std::fs::create_dir_all(&mine).unwrap();
        std::fs::write(mine.join("layouts.toml"), SOCIAL_PDF).unwrap();
        let typ = "#import \"social-lib.typ\": social\n#social(json(sys.inputs.at(\"data\")))\n";
        std::fs::write(mine.join("social-pdf.typ"), typ).unwrap();
        let path = dir.path().join("campaign.toml");
        let toml = std::fs::read_to_string(&path).unwrap();
        let at = toml.find("\nlayouts = ").expect("the fixture lists its layouts") + 1;
        let toml = format!("{}layouts_dir = \"mau\"\n{}", &toml[..at], &toml[at..]);
        std::fs::write(&path, toml).unwrap();
        let out = dir.path().join("out");
        let (code, _, err) = run(canhbao()
            .arg("build")
            .arg(dir.path())
            .args(["--village", "Đông Hải", "--layout", "social-pdf", "--no-package"])
            .args(["--preflight", "off", "--out"])
            .arg(&out));
        assert_eq!(code, 0, "{audience}: {err}");
        let pdfs = files(&out.join("social-pdf"), "pdf");
        assert!(pdfs.len() >= 4, "{audience}: {pdfs:?}");
        for pdf in pdfs {
            let text = flat_text(&pdf);
            assert!(text.contains(greeting), "{audience}: {}\n{text}", pdf.display());
            assert!(!text.contains(not), "{audience}: {}\n{text}", pdf.display());
        }
    }
}
