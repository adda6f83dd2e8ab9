//! Checking an SVG logo before the layout engine reads it.
//!
//! An SVG is a program of sorts: it may point at other files
//! (`file:///etc/passwd`, `http://…`), declare entities that expand into
//! each other (the "billion laughs"), or reuse a shape through `<use>`
//! chains until one logo is billions of shapes. The layout engine would
//! then fail every document with an English error quoting the whole SVG,
//! or run out of memory. Each of these is refused here, at load, with a
//! Vietnamese sentence; a logo drawn by Inkscape, Illustrator or
//! CorelDRAW (shapes, gradients, embedded `data:` images, `#id`
//! references, the DTD line Illustrator writes) passes.

use std::collections::HashMap;

use quick_xml::events::{BytesStart, Event};

/// Most shapes a logo may expand to, each `<use>` counting what it repeats.
pub const MAX_SHAPES: u64 = 100_000;
/// Deepest nesting of elements.
const MAX_DEPTH: usize = 200;
/// Most entities a DTD may declare (Illustrator writes about ten).
const MAX_ENTITIES: usize = 100;

/// One element, for counting what `<use>` repeats.
#[derive(Default)]
struct Node {
    children: Vec<usize>,
    /// The `#id` a `<use>` repeats.
    uses: Option<String>,
}

/// Checks an SVG logo's bytes; the error says what is wrong, in Vietnamese.
pub fn check(bytes: &[u8]) -> Result<(), String> {
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes))
        .map_err(|_| "tệp logo SVG không phải văn bản UTF-8".to_string())?;
    let mut xml = quick_xml::Reader::from_str(text);
    let mut nodes: Vec<Node> = vec![Node::default()];
    let mut ids: HashMap<String, usize> = HashMap::new();
    let mut open: Vec<usize> = vec![0];
    let (mut in_style, mut seen_root) = (false, false);
    let line = |at: u64| text[..(at as usize).min(text.len())].matches('\n').count() + 1;
    loop {
        let event = xml.read_event().map_err(|_| {
            format!(
                "tệp logo SVG hỏng (XML sai ở dòng {}); mở bằng trình vẽ (Inkscape…) rồi lưu lại",
                line(xml.error_position())
            )
        })?;
        match event {
            Event::DocType(d) => doctype(&String::from_utf8_lossy(&d))?,
            Event::Start(e) | Event::Empty(e) if open.len() > MAX_DEPTH => {
                let _ = e;
                return Err(format!("logo SVG lồng các thẻ sâu quá {MAX_DEPTH} tầng"));
            }
            Event::Start(e) => {
                let n = element(&e, &mut nodes, &mut ids, &open, &mut seen_root)?;
                in_style = e.local_name().as_ref() == b"style";
                open.push(n);
            }
            Event::Empty(e) => {
                element(&e, &mut nodes, &mut ids, &open, &mut seen_root)?;
            }
            Event::End(_) => {
                open.pop();
                in_style = false;
            }
            Event::Text(t) if in_style => external_url(&String::from_utf8_lossy(&t))?,
            Event::CData(t) if in_style => external_url(&String::from_utf8_lossy(&t))?,
            Event::Eof if open.len() > 1 => {
                return Err("tệp logo SVG hỏng (thiếu thẻ đóng ở cuối tệp); mở bằng trình vẽ (Inkscape…) rồi lưu lại".into());
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !seen_root {
        return Err("tệp logo không phải ảnh SVG (không có thẻ <svg>)".into());
    }
    let shapes = expanded(&nodes, &ids)?;
    if shapes > MAX_SHAPES {
        return Err(format!(
            "logo SVG dùng thẻ <use> nhân bản hình thành hơn {MAX_SHAPES} hình (một logo thật chỉ vài trăm hình)"
        ));
    }
    Ok(())
}

/// Records one element: its id, what it `<use>`s, and no reference out.
fn element(
    e: &BytesStart,
    nodes: &mut Vec<Node>,
    ids: &mut HashMap<String, usize>,
    open: &[usize],
    seen_root: &mut bool,
) -> Result<usize, String> {
    if nodes.len() as u64 > MAX_SHAPES {
        return Err(format!("logo SVG có hơn {MAX_SHAPES} thẻ (một logo thật chỉ vài trăm)"));
    }
    let name = e.local_name();
    if !*seen_root {
        if name.as_ref() != b"svg" {
            return Err("tệp logo không phải ảnh SVG (thẻ đầu tiên không phải <svg>)".into());
        }
        *seen_root = true;
    }
    let n = nodes.len();
    nodes.push(Node::default());
    nodes[*open.last().unwrap_or(&0)].children.push(n);
    for a in e.attributes() {
        let a = a.map_err(|_| "tệp logo SVG hỏng (thuộc tính viết sai)".to_string())?;
        let value = String::from_utf8_lossy(&a.value).into_owned();
        match a.key.local_name().as_ref() {
            b"id" => {
                ids.entry(value).or_insert(n);
            }
            b"href" | b"src" => {
                let v = value.trim();
                if let Some(id) = v.strip_prefix('#') {
                    if name.as_ref() == b"use" {
                        nodes[n].uses = Some(id.to_string());
                    }
                } else if !v.to_ascii_lowercase().starts_with("data:") {
                    return Err(outside(v));
                }
            }
            _ => external_url(&value)?,
        }
    }
    Ok(n)
}

/// Refuses a `url(…)` that is not `url(#id)` (in a style or attribute), and
/// an `@import`.
fn external_url(text: &str) -> Result<(), String> {
    let lower = text.to_ascii_lowercase();
    if lower.contains("@import") {
        return Err("logo SVG nạp kiểu chữ hay tệp ngoài (@import)".into());
    }
    for (at, _) in lower.match_indices("url(") {
        let target = lower[at + 4..].trim_start().trim_start_matches(['"', '\'']);
        if !target.starts_with('#') && !target.starts_with("data:") {
            let end = target.find(')').unwrap_or(target.len());
            return Err(outside(target[..end].trim_end().trim_end_matches(['"', '\''])));
        }
    }
    Ok(())
}

/// The refusal of a reference to another file or the network.
fn outside(target: &str) -> String {
    format!(
        "logo SVG trỏ tới tệp hay địa chỉ bên ngoài “{}”; logo phải tự chứa mọi hình (ảnh nhúng dạng data: thì được)",
        crate::text::excerpt(target, 0, 60)
    )
}

/// A DTD: plain entities (Illustrator's namespace names) pass; an entity
/// that refers to other entities (the "billion laughs"), to a file or a
/// parameter entity is refused.
fn doctype(dtd: &str) -> Result<(), String> {
    let Some((_, subset)) = dtd.split_once('[') else { return Ok(()) };
    let entities: Vec<&str> = subset.split("<!ENTITY").skip(1).collect();
    if entities.len() > MAX_ENTITIES {
        return Err(format!("logo SVG khai báo hơn {MAX_ENTITIES} thực thể (ENTITY)"));
    }
    for decl in entities {
        let decl = decl.split('>').next().unwrap_or(decl);
        let value = decl.split_once(['"', '\'']).map_or("", |(_, v)| v);
        let external = decl.contains("SYSTEM") || decl.contains("PUBLIC");
        if external || decl.trim_start().starts_with('%') || value.contains(['&', '%']) {
            return Err("logo SVG khai báo thực thể (ENTITY) lồng nhau hoặc trỏ ra tệp ngoài — kiểu tệp làm treo máy; xuất lại logo từ trình vẽ dưới dạng “SVG thường” (Plain SVG)".into());
        }
    }
    Ok(())
}

/// How many elements the document draws once every `<use>` is replaced by
/// what it repeats (saturating past [`MAX_SHAPES`]); a `<use>` that repeats
/// itself or an ancestor is refused.
fn expanded(nodes: &[Node], ids: &HashMap<String, usize>) -> Result<u64, String> {
    const TODO: u8 = 0;
    const BUSY: u8 = 1;
    let mut state = vec![TODO; nodes.len()];
    let mut weight = vec![0u64; nodes.len()];
    let deps = |n: usize| {
        let target = nodes[n].uses.as_ref().and_then(|id| ids.get(id)).copied();
        nodes[n].children.iter().copied().chain(target)
    };
    // Depth-first without recursion: a node is summed once all it depends
    // on is; meeting a node in progress is a cycle.
    let mut stack = vec![0usize];
    while let Some(&n) = stack.last() {
        if state[n] == TODO {
            state[n] = BUSY;
            for d in deps(n) {
                match state[d] {
                    TODO => stack.push(d),
                    BUSY => {
                        return Err(
                            "logo SVG có thẻ <use> lặp lại chính nó (vòng lặp vô tận)".into()
                        );
                    }
                    _ => {}
                }
            }
        } else {
            stack.pop();
            if state[n] == BUSY {
                weight[n] =
                    deps(n).fold(1u64, |sum, d| sum.saturating_add(weight[d])).min(MAX_SHAPES + 1);
                state[n] = 2;
            }
        }
    }
    Ok(weight[0])
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" viewBox=\"0 0 10 10\">";

    fn svg(body: &str) -> Vec<u8> {
        format!("{HEAD}{body}</svg>").into_bytes()
    }

    #[test]
    fn plain_logos_pass() {
        let ok = svg("<defs><linearGradient id=\"g\"/><circle id=\"c\" r=\"1\"/></defs>\
                      <use href=\"#c\"/><rect fill=\"url(#g)\" width=\"1\" height=\"1\"/>\
                      <image href=\"data:image/png;base64,AAAA\"/>");
        assert_eq!(check(&ok), Ok(()));
        let illustrator = format!(
            "<?xml version=\"1.0\"?><!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\" [\
             <!ENTITY ns_svg \"http://www.w3.org/2000/svg\">]>{HEAD}</svg>"
        );
        assert_eq!(check(illustrator.as_bytes()), Ok(()));
    }

    #[test]
    fn references_out_entities_and_use_bombs_are_refused() {
        let file = check(&svg("<image href=\"file:///etc/passwd\"/>")).unwrap_err();
        assert!(file.contains("file:///etc/passwd"), "{file}");
        assert!(check(&svg("<use xlink:href=\"other.svg#a\"/>")).is_err());
        assert!(check(&svg("<rect style=\"fill:url(http://x/y)\"/>")).is_err());
        let laughs = format!(
            "<!DOCTYPE svg [<!ENTITY a \"ha\"><!ENTITY b \"&a;&a;&a;\">]>{HEAD}<text>&b;</text></svg>"
        );
        assert!(check(laughs.as_bytes()).unwrap_err().contains("ENTITY"));
        let mut bomb = String::from("<g id=\"l0\"><rect/></g>");
        for i in 1..10 {
            bomb.push_str(&format!("<g id=\"l{i}\">"));
            for _ in 0..10 {
                bomb.push_str(&format!("<use href=\"#l{}\"/>", i - 1));
            }
            bomb.push_str("</g>");
        }
        assert!(check(&svg(&bomb)).unwrap_err().contains("<use>"));
        let cycle = svg("<g id=\"a\"><use href=\"#a\"/></g>");
        assert!(check(&cycle).unwrap_err().contains("vòng lặp"));
        assert!(check(b"<html></html>").is_err());
        assert!(check(&svg("<g>")).is_err());
        assert!(check(format!("{HEAD}<g>").as_bytes()).unwrap_err().contains("thẻ đóng"));
    }
}
