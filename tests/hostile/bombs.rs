//! M1: a campaign's own layout that would take the machine's memory (an
//! endless array, a string doubled, tens of thousands of pages, a huge
//! image) is refused in Vietnamese, naming the layout file, with no panic
//! and no abort; its memory stays bounded.

use std::path::Path;
use std::time::Duration;

use crate::paths::{card, custom_campaign, registry, run_within};
use crate::util::*;

/// Builds a one-card campaign whose layout ends with `body`: (exit code, stderr).
fn build_with(dir: &Path, body: &str) -> (i32, String) {
    let campaign = dir.join("c");
    custom_campaign(&campaign, &registry(""), &card(body));
    let mut cmd = canhbao();
    cmd.arg("build").arg(&campaign).arg("--out").arg(dir.join("out")).args(["-j", "1"]);
    run_within(&mut cmd, Duration::from_secs(180))
}

fn assert_clean(err: &str) {
    for bad in ["panicked", "RUST_BACKTRACE", "memory allocation", "core dumped", "error: "] {
        assert!(!err.contains(bad), "{bad:?} in:\n{err}");
    }
}

#[test]
fn a_layout_that_allocates_without_bound_is_refused_naming_it() {
    let bombs = [
        "#let a = range(200000000)\n#a.len()",
        "#let s = \"ab\"\n#for i in range(40) { s = s + s }\n#s.len()",
        "#for i in range(60000) [#lorem(300) #pagebreak()]",
    ];
    for body in bombs {
        let tmp = tempfile::tempdir().unwrap();
        let (code, err) = build_with(tmp.path(), body);
        assert_eq!(code, 2, "{body}\n{err}");
        assert!(err.contains("lỗi: mẫu “"), "{body}\n{err}");
        assert!(err.contains("mau/the.typ”"), "{body}\n{err}");
        assert!(err.contains("cần quá 512 MiB bộ nhớ"), "{body}\n{err}");
        // No line can be named from inside the allocator: the hint says
        // what to look for in the file instead.
        for what in ["range(", "while", "s = s + s", "pagebreak()"] {
            assert!(err.contains(what), "{what:?} not in:\n{err}");
        }
        assert_clean(&err);
    }
}

/// A PNG of `w × h` black pixels, written row by row (deflated, it is
/// small whatever its size).
fn png(path: &Path, w: u32, h: u32) {
    let made = std::process::Command::new("python3")
        .arg("-c")
        .arg(format!(
            "import zlib,struct,sys\n\
             w,h={w},{h}\n\
             def chunk(t,d): return struct.pack('>I',len(d))+t+d+struct.pack('>I',zlib.crc32(t+d)&0xffffffff)\n\
             c=zlib.compressobj(9); row=b'\\x00'*(w+1); z=b''.join(c.compress(row) for _ in range(h))+c.flush()\n\
             open(sys.argv[1],'wb').write(b'\\x89PNG\\r\\n\\x1a\\n'+chunk(b'IHDR',struct.pack('>IIBBBBB',w,h,8,0,0,0,0))+chunk(b'IDAT',z)+chunk(b'IEND',b''))"
        ))
        .arg(path)
        .status()
        .unwrap();
    assert!(made.success());
}

#[test]
fn a_huge_image_is_refused_at_its_line_before_it_is_decoded() {
    let tmp = tempfile::tempdir().unwrap();
    let campaign = tmp.path().join("c");
    custom_campaign(&campaign, &registry(""), &card("#image(\"/campaign/anh.png\", width: 2cm)"));
    png(&campaign.join("anh.png"), 16000, 16000);
    let mut cmd = canhbao();
    cmd.arg("build").arg(&campaign).arg("--out").arg(tmp.path().join("out"));
    let (code, err) = run_within(&mut cmd, Duration::from_secs(60));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("16000 × 16000 điểm ảnh quá lớn"), "{err}");
    assert!(err.contains("the.typ:5"), "the image's line: {err}");
    assert!(!err.contains("panicked"), "{err}");
    // A reasonable image is drawn.
    png(&campaign.join("anh.png"), 600, 600);
    let (code, err) = run_within(&mut cmd, Duration::from_secs(60));
    assert_eq!(code, 0, "{err}");
}
