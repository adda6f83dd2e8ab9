//! Loudspeaker scripts: one spoken text per village, for the USB stick.

use crate::util::*;

#[test]
fn script_names_the_village_and_reads_the_officer_phone_aloud() {
    let loa = example_build().join("out/loa");
    let scripts = files(&loa, "txt");
    assert_eq!(scripts.len(), 31);
    let text = std::fs::read_to_string(loa.join("thon-dong-hai.txt")).unwrap();
    assert!(text.contains("thôn Đông Hải"), "{text}");
    assert!(text.contains("Lê Văn Bình"), "{text}");
    // 0912 000 101, read group by group.
    assert!(text.contains("không chín một hai, không không không, một không một"), "{text}");
    assert!(!text.to_lowercase().contains("công an viên"), "a post merged away in 2024\n{text}");
    // What the police ask the bank for: the receiving account frozen.
    assert!(text.contains("đề nghị ngân hàng phong tỏa tài khoản nhận tiền"), "{text}");
    assert!(!text.contains("khóa tài khoản kẻ gian"), "{text}");
}

/// The example notice that heads a script made from example data: it is for
/// whoever holds the USB stick, not read aloud.
const NOTICE: &str = "BẢN MẪU — KHÔNG ĐỌC TRÊN LOA.";

/// Spoken syllables: one Vietnamese syllable is one written word; the example
/// notice is not read.
fn syllables(text: &str) -> usize {
    text.lines()
        .filter(|l| !l.starts_with(NOTICE))
        .flat_map(str::split_whitespace)
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count()
}

#[test]
fn every_script_of_every_example_is_heard_in_90_to_120_seconds() {
    let pack = canhbao::content::Pack::builtin("vi").unwrap();
    let mut checked = 0;
    let (mut shortest, mut longest) = (f64::MAX, 0.0f64);
    for example in ["tien-trang", "hac-thanh", "nam-gia-nghia"] {
        let project = canhbao::load(&repo().join("examples").join(example)).unwrap();
        let c = &project.campaign;
        let weeks = pack.tactic_ids().len() as u32;
        let hotline = canhbao::loa::spoken(&c.hotline.phone, &pack);
        for v in &c.villages {
            let officer = canhbao::loa::spoken(&v.phone, &pack);
            for week in 1..=weeks {
                let text = canhbao::loa::script(c, v, &pack, week).text;
                let at = format!("{example}, {}, week {week}", v.full());
                let seconds = syllables(&text) as f64 * 60.0 / 140.0;
                (shortest, longest) = (shortest.min(seconds), longest.max(seconds));
                assert!((90.0..=120.0).contains(&seconds), "{at}: {seconds:.0} s\n{text}");
                assert!(text.contains("Nếu lỡ bị lừa"), "{at}: the advice was cut\n{text}");
                // Every example's numbers are invented: its script says so first.
                assert!(text.starts_with(NOTICE), "{at}: no example notice\n{text}");
                assert_eq!(text.matches(NOTICE).count(), 1, "{at}\n{text}");
                assert!(text.matches(&officer).count() >= 2, "{at}: officer read once\n{text}");
                assert!(text.matches(&hotline).count() >= 2, "{at}: duty line read once\n{text}");
                assert!(text.matches("một một ba").count() >= 2, "{at}: 113 read once\n{text}");
                // The last paragraphs repeat the duty line and 113.
                let tail: String = text.lines().rev().take(2).collect();
                assert!(tail.contains(&hotline) && tail.contains("một một ba"), "{at}\n{text}");
                // The officer's title: "cán bộ Công an xã (phường) phụ trách thôn …".
                let title = format!("cán bộ Công an {} phụ trách {}", c.commune.kind, v.full());
                assert!(text.contains(&title), "{at}: no “{title}”\n{text}");
                let lower = text.to_lowercase();
                for word in ["công an viên", "online", "link", "{", "}"] {
                    assert!(!lower.contains(word), "{at}: “{word}” read aloud\n{text}");
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 50 * 9, "{checked} scripts");
    eprintln!("{checked} scripts: {shortest:.0}–{longest:.0} s at 140 syllables a minute");
}

#[test]
fn a_long_script_shortens_its_intro_and_closing_never_the_advice() {
    let pack = canhbao::content::Pack::builtin("vi").unwrap();
    let project = canhbao::load(&repo().join("examples/tien-trang")).unwrap();
    let mut c = project.campaign.clone();
    let full = canhbao::loa::script(&c, &c.villages[0], &pack, 1).text;
    // A very long officer's name and village name push the script over 120 s.
    c.villages[0].officer = "Nguyễn Thị Thanh Hương Lan Phương Thảo Mai Anh".repeat(2);
    c.villages[0].name = "Đông Hải Thượng Nam Bắc Trung Đoài".into();
    let long = canhbao::loa::script(&c, &c.villages[0], &pack, 1).text;
    assert!(long.contains("Nếu lỡ bị lừa"), "{long}");
    assert!(full.contains("Sau đây là tin phát thanh"), "{full}");
    assert!(!long.contains("Sau đây là tin phát thanh"), "the long intro stayed\n{long}");
    assert!(full.contains("Hãy nhắc người thân") && !long.contains("Hãy nhắc"), "{long}");
    let seconds = syllables(&long) as f64 * 60.0 / 140.0;
    assert!(seconds <= 120.0, "{seconds:.0} s\n{long}");
}

#[test]
fn week_rotates_the_tactic() {
    let dir = example_copy();
    let read = |week: &str| {
        let out = dir.path().join(format!("out-{week}"));
        let (code, _, err) = run(canhbao()
            .arg("build")
            .arg(dir.path())
            .args(["--village", "Đông Hải", "--no-package", "--week", week, "--out"])
            .arg(&out));
        assert_eq!(code, 0, "{err}");
        std::fs::read_to_string(out.join("loa/thon-dong-hai.txt")).unwrap()
    };
    let (w1, w2) = (read("1"), read("2"));
    let tactic = |t: &str| t.lines().find(|l| l.contains("tuần này")).unwrap_or("").to_string();
    assert!(!tactic(&w1).is_empty(), "{w1}");
    assert_ne!(tactic(&w1), tactic(&w2));
}

#[test]
fn a_build_of_chosen_layouts_writes_no_scripts() {
    let dir = example_copy();
    let out = dir.path().join("out");
    let (code, _, err) = run(canhbao()
        .arg("build")
        .arg(dir.path())
        .args(["--village", "Đông Hải", "--no-package", "--layout", "card", "--out"])
        .arg(&out));
    assert_eq!(code, 0, "{err}");
    assert!(out.join("card/thon-dong-hai.pdf").is_file());
    assert!(!out.join("loa").exists(), "--layout card wrote loudspeaker scripts");
    assert!(!err.contains("loa/"), "{err}");
}

/// The next `n` words after `at` in `text`.
fn words_after(text: &str, at: usize, n: usize) -> String {
    text[at..].split_whitespace().take(n).collect::<Vec<_>>().join(" ")
}

#[test]
fn one_one_three_is_never_read_right_after_the_duty_number() {
    // The examples' invented duty numbers end in 113, as a real one may:
    // "… một một ba. Khẩn cấp, gọi một một ba" is heard as one number.
    let pack = canhbao::content::Pack::builtin("vi").unwrap();
    for example in ["tien-trang", "hac-thanh", "nam-gia-nghia"] {
        let project = canhbao::load(&repo().join("examples").join(example)).unwrap();
        let c = &project.campaign;
        let hotline = canhbao::loa::spoken(&c.hotline.phone, &pack);
        let v = &c.villages[0];
        let text = canhbao::loa::script(c, v, &pack, 1).text;
        let mut found = 0;
        for (at, _) in text.match_indices(&hotline) {
            let next = words_after(&text, at + hotline.len(), 6);
            assert!(!next.contains("một một ba"), "{example}: “{hotline}” then “{next}”\n{text}");
            found += 1;
        }
        assert!(found >= 2, "{example}: the duty number is read {found} times\n{text}");
        // 113 is still read twice, before the duty number.
        let lower = text.to_lowercase();
        assert!(lower.matches("khẩn cấp, gọi một một ba").count() >= 2, "{example}\n{text}");
    }
}

#[test]
fn every_audience_hears_its_own_tactics_and_the_advice() {
    let pack = canhbao::content::Pack::builtin("vi").unwrap();
    // (audience, phrases its scripts read over the weeks)
    let cases: &[(&str, &[&str])] = &[
        ("households", &["giấy triệu tập", "VNeID tự cập nhật", "giả người giao hàng"]),
        ("elderly", &["giả giọng nói", "người cao tuổi", "tại trụ sở hoặc qua ứng dụng VNeID"]),
        ("schools", &["phạt từ một trăm đến hai trăm triệu đồng", "thuê phòng ở một mình"]),
        (
            "border",
            &["không đưa hộ chiếu cho ai", "hỏi Ủy ban nhân dân, Công an xã", "giấy triệu tập"],
        ),
        ("shops", &["không tin ảnh chụp màn hình", "phạt từ một trăm đến hai trăm triệu đồng"]),
    ];
    for &(audience, phrases) in cases {
        let dir = repo().join(format!("tests/fixtures/audience-{audience}"));
        let project = canhbao::load(&dir).unwrap();
        let c = &project.campaign;
        let v = c.villages.iter().find(|v| v.name == "Đông Hải").unwrap();
        let ids = pack.audience_tactics(audience);
        let mut heard = String::new();
        let mut tactics = std::collections::BTreeSet::new();
        for week in 1..=ids.len() as u32 {
            let text = canhbao::loa::script(c, v, &pack, week).text;
            let at = format!("{audience}, week {week}");
            assert!(text.contains("cán bộ Công an xã phụ trách thôn Đông Hải"), "{at}\n{text}");
            assert!(text.contains("gọi ngân hàng theo số in trên thẻ"), "{at}\n{text}");
            let app = "lỡ cài ứng dụng lạ thì tắt Wi-Fi, tắt mạng di động, tắt nguồn máy, \
                       ra ngay ngân hàng";
            assert!(text.contains(app), "{at}\n{text}");
            assert!(
                text.contains("để Công an đề nghị ngân hàng phong tỏa tài khoản nhận tiền"),
                "{at}\n{text}"
            );
            let seconds = syllables(&text) as f64 * 60.0 / 140.0;
            assert!((90.0..=120.0).contains(&seconds), "{at}: {seconds:.0} s\n{text}");
            tactics.insert(text.lines().find(|l| l.contains("tuần này")).unwrap().to_string());
            heard.push_str(&text);
        }
        assert_eq!(tactics.len(), ids.len(), "{audience}: every week its own tactic");
        for phrase in phrases {
            assert!(heard.contains(phrase), "{audience}: “{phrase}” never read\n{heard}");
        }
        assert!(!heard.contains("người già"), "{audience}");
    }
}
