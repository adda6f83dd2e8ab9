//! Reading a finished PDF's pages without parsing the whole file: the
//! objects a page copy needs, one by one ([`Objects`]).

use std::collections::{BTreeMap, HashMap, HashSet};

use lopdf::{Object, ObjectId};

/// The objects of one finished PDF, for [`crate::package::PdfCat::append`].
///
/// `lopdf::Document::load_mem` parses every object of a file, and most of a
/// rendered document's objects are its structure tree (a tagged PDF: an
/// object per paragraph, span and figure, and the parent tree) and its
/// metadata, which a combined file never copies: that parse was 6.4 % of a
/// three-layout build's CPU (issue 26). So a file with a plain
/// cross-reference table (what typst-pdf writes) is read object by object,
/// as the pages reach them, by lopdf's own parser at the offsets of the
/// table: each object comes out as `load_mem` would have made it, and the
/// combined file is the same to the byte. Any other file is loaded whole.
pub enum Objects<'a> {
    /// Parsed when asked for; `None` in `parsed`: not in the file.
    Lazy {
        reader: Box<lopdf::Reader<'a>>,
        root: ObjectId,
        parsed: HashMap<ObjectId, Option<Object>>,
    },
    Whole(Box<lopdf::Document>),
}

impl<'a> Objects<'a> {
    pub fn new(pdf: &'a [u8]) -> Result<Objects<'a>, String> {
        if let Some((table, root)) = xref_table(pdf) {
            let mut document = lopdf::Document::new();
            document.reference_table = table;
            let reader = Box::new(lopdf::Reader {
                buffer: pdf,
                document,
                encryption_state: None,
                raw_objects: BTreeMap::new(),
            });
            return Ok(Objects::Lazy { reader, root, parsed: HashMap::new() });
        }
        lopdf::Document::load_mem(pdf)
            .map(|d| Objects::Whole(Box::new(d)))
            .map_err(|e| format!("PDF hỏng ({e})"))
    }

    /// The object `id`, references followed as `lopdf::Document::get_object`
    /// follows them.
    pub fn get(&mut self, id: ObjectId) -> Option<Object> {
        match self {
            Objects::Whole(doc) => doc.get_object(id).ok().cloned(),
            Objects::Lazy { reader, parsed, .. } => {
                let mut id = id;
                for _ in 0..DEREF_LIMIT {
                    let object = parsed
                        .entry(id)
                        .or_insert_with(|| {
                            quick::object(reader.buffer, &reader.document.reference_table, id)
                                .or_else(|| reader.get_object(id, &mut HashSet::new()).ok())
                        })
                        .as_ref()?;
                    match object {
                        Object::Reference(next) => id = *next,
                        other => return Some(other.clone()),
                    }
                }
                None
            }
        }
    }

    /// The pages in page-tree order, as `lopdf::Document::get_pages` lists them.
    pub fn pages(&mut self) -> Vec<ObjectId> {
        let root = match self {
            Objects::Whole(doc) => return doc.get_pages().into_values().collect(),
            Objects::Lazy { root, .. } => *root,
        };
        let mut pages = Vec::new();
        let tree =
            self.get(root).and_then(|c| c.as_dict().ok()?.get(b"Pages").ok()?.as_reference().ok());
        let Some(tree) = tree else { return pages };
        // Depth first, as lopdf's PageTreeIter walks it, with its limits.
        let mut limit = match self {
            Objects::Lazy { reader, .. } => reader.document.reference_table.entries.len(),
            Objects::Whole(_) => 0,
        };
        let mut stack: Vec<std::vec::IntoIter<Object>> = vec![self.kids(tree).into_iter()];
        while let Some(level) = stack.last_mut() {
            let Some(kid) = level.next() else {
                stack.pop();
                continue;
            };
            if limit == 0 {
                break;
            }
            limit -= 1;
            let Ok(id) = kid.as_reference() else { continue };
            let kind = self.get(id).and_then(|o| Some(o.as_dict().ok()?.get_type().ok()?.to_vec()));
            match kind.as_deref() {
                Some(b"Page") => pages.push(id),
                Some(b"Pages") if stack.len() <= PAGE_TREE_DEPTH_LIMIT => {
                    let kids = self.kids(id);
                    stack.push(kids.into_iter());
                }
                _ => {}
            }
        }
        pages
    }

    /// The `Kids` of page tree node `id` (dereferenced).
    fn kids(&mut self, id: ObjectId) -> Vec<Object> {
        let kids = self.get(id).and_then(|n| n.as_dict().ok()?.get(b"Kids").ok().cloned());
        let kids = match kids {
            Some(Object::Reference(r)) => self.get(r),
            other => other,
        };
        match kids {
            Some(Object::Array(items)) => items,
            _ => Vec::new(),
        }
    }
}

/// How many references lopdf follows to reach an object.
const DEREF_LIMIT: usize = 128;

/// How deep lopdf walks a page tree.
const PAGE_TREE_DEPTH_LIMIT: usize = 256;

/// The cross-reference table of `pdf` and its catalog, when the file has one
/// plain table and no update, no encryption and no cross-reference stream
/// (else `None`: the file is loaded whole).
fn xref_table(pdf: &[u8]) -> Option<(lopdf::xref::Xref, ObjectId)> {
    let tail = pdf.len().saturating_sub(1024);
    let at = tail + find_last(&pdf[tail..], b"startxref")?;
    let mut words = Words { pdf, at: at + b"startxref".len() };
    let start: usize = words.number()?;
    if !pdf[start..].starts_with(b"xref") {
        return None;
    }
    let mut words = Words { pdf, at: start + 4 };
    let mut table = lopdf::xref::Xref::new(0, lopdf::xref::XrefType::CrossReferenceTable);
    loop {
        let word = words.word()?;
        if word == b"trailer" {
            break;
        }
        let first: u32 = std::str::from_utf8(word).ok()?.parse().ok()?;
        let count: u32 = words.number()?;
        for id in first..first.checked_add(count)? {
            let offset: u32 = words.number()?;
            let generation: u16 = words.number()?;
            match words.word()? {
                b"n" => table.insert(id, lopdf::xref::XrefEntry::Normal { offset, generation }),
                b"f" => {}
                _ => return None,
            }
        }
    }
    let trailer = &pdf[words.at..at];
    if [&b"/Prev"[..], b"/Encrypt", b"/XRefStm"].iter().any(|k| find_last(trailer, k).is_some()) {
        return None;
    }
    let mut words = Words { pdf: trailer, at: find_last(trailer, b"/Root")? + 5 };
    let root = (words.number()?, words.number()?);
    (words.word()? == b"R").then_some(())?;
    table.size = table.max_id().checked_add(1)?;
    Some((table, root))
}

/// Where `needle` last occurs in `hay`.
fn find_last(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

/// The words of a cross-reference table or trailer (split at white space
/// and at the delimiters `/`, `<`, `>`, `[`, `]`).
struct Words<'a> {
    pdf: &'a [u8],
    at: usize,
}

impl<'a> Words<'a> {
    fn word(&mut self) -> Option<&'a [u8]> {
        let stop = |b: u8| b.is_ascii_whitespace() || b"/<>[]".contains(&b);
        while self.pdf.get(self.at).is_some_and(|b| b.is_ascii_whitespace()) {
            self.at += 1;
        }
        let start = self.at;
        while self.pdf.get(self.at).is_some_and(|&b| !stop(b)) {
            self.at += 1;
        }
        (self.at > start).then(|| &self.pdf[start..self.at])
    }

    fn number<T: std::str::FromStr>(&mut self) -> Option<T> {
        std::str::from_utf8(self.word()?).ok()?.parse().ok()
    }
}

/// A parser for the objects typst-pdf writes, many times faster than
/// lopdf's: lopdf parses a byte at a time through nom combinators on an
/// input that counts lines, and the fonts' width arrays made it 10 M
/// instructions per document appended to a combined file (7 % of a
/// three-layout build's, callgrind, issue 26). It reads the same grammar
/// as lopdf 0.38's parser (`lopdf::parser`) and makes the same objects,
/// but only where that grammar is plain: at anything else (a comment, an
/// escape in a string or a name, a hexadecimal string, a stream whose
/// length is a reference, a number out of range) it gives up and lopdf
/// parses the object instead. The combined files are the same to the byte
/// (tests: `quick_reads_what_lopdf_reads`, and the examples' `-all.pdf`).
mod quick {
    use lopdf::{Dictionary, Object, ObjectId, Stream, StringFormat};

    /// Object `id` at its offset in the cross-reference table, or `None`
    /// (then lopdf reads it).
    pub fn object(buf: &[u8], table: &lopdf::xref::Xref, id: ObjectId) -> Option<Object> {
        let lopdf::xref::XrefEntry::Normal { offset, generation } = *table.get(id.0)? else {
            return None;
        };
        if generation != id.1 {
            return None;
        }
        let mut p = Parser { buf, at: offset as usize, depth: 0 };
        // `N G obj`, as lopdf's `_indirect_object` reads it.
        p.space()?;
        let number: u32 = p.digits()?.parse().ok()?;
        p.space()?;
        let generation: u16 = p.digits()?.parse().ok()?;
        p.space()?;
        p.tag(b"obj")?;
        p.space()?;
        if (number, generation) != id {
            return None;
        }
        let object = p.direct()?;
        if let Object::Dictionary(dict) = object {
            // A stream: `stream`, spaces or tabs, an end of line, `Length`
            // bytes, an optional end of line, `endstream`.
            // (`direct` read the white space after the dictionary.)
            if p.tag(b"stream").is_none() {
                return Some(Object::Dictionary(dict));
            }
            while matches!(p.peek(), Some(b' ' | b'\t')) {
                p.at += 1;
            }
            p.eol()?;
            let length = usize::try_from(dict.get(b"Length").ok()?.as_i64().ok()?).ok()?;
            let data = buf.get(p.at..p.at.checked_add(length)?)?.to_vec();
            p.at += length;
            let _ = p.eol();
            p.tag(b"endstream")?;
            return Some(Object::Stream(Stream::new(dict, data)));
        }
        Some(object)
    }

    struct Parser<'a> {
        buf: &'a [u8],
        at: usize,
        /// Arrays and dictionaries open around the object being read.
        depth: usize,
    }

    /// Deepest nesting read here (typst-pdf writes 3 or 4); deeper is left
    /// to lopdf.
    const DEPTH: usize = 32;

    /// lopdf's white space (`is_whitespace`).
    fn white(c: u8) -> bool {
        b" \t\n\r\0\x0C".contains(&c)
    }

    /// lopdf's `is_regular`: neither white space nor a delimiter.
    fn regular(c: u8) -> bool {
        !white(c) && !b"()<>[]{}/%".contains(&c)
    }

    impl<'a> Parser<'a> {
        fn peek(&self) -> Option<u8> {
            self.buf.get(self.at).copied()
        }

        /// Moves past the bytes `take` accepts; `None` at a `refuse` byte
        /// among them (syntax left to lopdf).
        fn scan(&mut self, refuse: u8, take: fn(u8) -> bool) -> Option<()> {
            while let Some(c) = self.peek() {
                if c == refuse {
                    return None;
                }
                if !take(c) {
                    break;
                }
                self.at += 1;
            }
            Some(())
        }

        /// White space; a comment (which lopdf also skips) is not read here.
        fn space(&mut self) -> Option<()> {
            self.scan(b'%', white)
        }

        fn tag(&mut self, tag: &[u8]) -> Option<()> {
            self.buf.get(self.at..)?.starts_with(tag).then(|| self.at += tag.len())
        }

        fn eol(&mut self) -> Option<()> {
            self.tag(b"\r\n").or_else(|| self.tag(b"\n")).or_else(|| self.tag(b"\r"))
        }

        fn digits(&mut self) -> Option<&'a str> {
            let start = self.at;
            while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                self.at += 1;
            }
            (self.at > start).then(|| std::str::from_utf8(&self.buf[start..self.at]).ok())?
        }

        /// One object and the white space after it (lopdf's `_direct_object`),
        /// tried in lopdf's order: null, booleans, reference, real, integer,
        /// name, string, array, dictionary.
        fn direct(&mut self) -> Option<Object> {
            self.depth += 1;
            let object = self.direct_inner();
            self.depth -= 1;
            object
        }

        fn direct_inner(&mut self) -> Option<Object> {
            if self.depth > DEPTH {
                return None;
            }
            let c = self.peek()?;
            let object = match c {
                b'n' => self.tag(b"null").map(|_| Object::Null)?,
                b't' => self.tag(b"true").map(|_| Object::Boolean(true))?,
                b'f' => self.tag(b"false").map(|_| Object::Boolean(false))?,
                b'0'..=b'9' | b'+' | b'-' | b'.' => self.number()?,
                b'/' => Object::Name(self.name()?),
                b'(' => self.string()?,
                b'[' => {
                    self.at += 1;
                    self.space()?;
                    let mut items = Vec::new();
                    while self.peek()? != b']' {
                        items.push(self.direct()?);
                    }
                    self.at += 1;
                    Object::Array(items)
                }
                b'<' if self.buf.get(self.at + 1) == Some(&b'<') => {
                    self.at += 2;
                    self.space()?;
                    let mut dict = Dictionary::new();
                    while self.peek()? == b'/' {
                        let key = self.name()?;
                        self.space()?;
                        let value = self.direct()?;
                        dict.set(key, value);
                    }
                    self.tag(b">>")?;
                    Object::Dictionary(dict)
                }
                _ => return None,
            };
            self.space()?;
            Some(object)
        }

        /// A reference (`N G R`, the numbers unsigned), a real (a dot in it)
        /// or an integer, as lopdf tells them apart.
        fn number(&mut self) -> Option<Object> {
            let start = self.at;
            if self.peek()?.is_ascii_digit() {
                let number = self.digits()?.parse::<u32>();
                self.space()?;
                let generation = self.digits().map(|d| d.parse::<u16>());
                if let (Ok(number), Some(Ok(generation))) = (number, generation) {
                    self.space()?;
                    if self.tag(b"R").is_some() {
                        return Some(Object::Reference((number, generation)));
                    }
                }
                self.at = start;
            }
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.at += 1;
            }
            let whole = self.digits().is_some();
            let dot = self.tag(b".").is_some();
            let fraction = dot && self.digits().is_some();
            let text = std::str::from_utf8(&self.buf[start..self.at]).ok()?;
            match (whole, dot, fraction) {
                (true, true, _) | (false, true, true) => text.parse().ok().map(Object::Real),
                (true, false, _) => text.parse().ok().map(Object::Integer),
                _ => None,
            }
        }

        /// A name with no `#` escape.
        fn name(&mut self) -> Option<Vec<u8>> {
            self.tag(b"/")?;
            let start = self.at;
            self.scan(b'#', regular)?;
            Some(self.buf[start..self.at].to_vec())
        }

        /// A literal string with no escape, no line end and no parenthesis
        /// inside.
        fn string(&mut self) -> Option<Object> {
            self.tag(b"(")?;
            let start = self.at;
            loop {
                match self.peek()? {
                    b')' => break,
                    b'(' | b'\\' | b'\r' | b'\n' => return None,
                    _ => self.at += 1,
                }
            }
            let text = self.buf[start..self.at].to_vec();
            self.at += 1;
            Some(Object::String(text, StringFormat::Literal))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file of `objects` (numbered from 1) with its cross-reference table.
    fn file(objects: &[&[u8]]) -> (Vec<u8>, lopdf::xref::Xref) {
        let mut pdf = b"%PDF-1.7\n".to_vec();
        let mut table = lopdf::xref::Xref::new(0, lopdf::xref::XrefType::CrossReferenceTable);
        for (i, body) in objects.iter().enumerate() {
            let offset = pdf.len() as u32;
            table.insert(i as u32 + 1, lopdf::xref::XrefEntry::Normal { offset, generation: 0 });
            pdf.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
            pdf.extend_from_slice(body);
            pdf.extend_from_slice(b"\nendobj\n");
        }
        table.size = objects.len() as u32 + 1;
        (pdf, table)
    }

    #[test]
    fn quick_reads_what_lopdf_reads() {
        let plain: &[&[u8]] = &[
            b"<< /Type /Font /W [ 3 [ 600 612.5 ] 10 [ -.25 5. +7 -3 ] ] /F 4 0 R /N null \
              /B true /C false /E / /S (abc def) >>",
            b"[1 2 0 R 3 4 R 0.5 .5 /A/B(x)<</K 1>>]",
            b"<</Length 5/Filter/FlateDecode>>\nstream\nhello\nendstream",
            b"<< /Length 3 >> stream\r\nabc\r\nendstream",
            b"42",
            b"<< /Deep [[[[[1]]]]] >>",
        ];
        // Left to lopdf: a hexadecimal string, an escaped name, a comment,
        // a string with an escape, a stream whose length is a reference,
        // an exponent, nesting past the limit.
        let deep = format!("{}1{}", "[".repeat(40), "]".repeat(40));
        let other: &[&[u8]] = &[
            b"<< /H <414243> >>",
            b"<< /N /A#20B >>",
            b"<< /A 1 % a comment\n >>",
            b"(a\\)b)",
            b"<< /Length 1 0 R >>\nstream\nabc\nendstream",
            b"[1e5]",
            deep.as_bytes(),
        ];
        let all: Vec<&[u8]> = plain.iter().chain(other).copied().collect();
        let (pdf, table) = file(&all);
        let mut document = lopdf::Document::new();
        document.reference_table = table.clone();
        let reader = lopdf::Reader {
            buffer: &pdf,
            document,
            encryption_state: None,
            raw_objects: BTreeMap::new(),
        };
        for (i, body) in all.iter().enumerate() {
            let id = (i as u32 + 1, 0);
            let slow = reader.get_object(id, &mut HashSet::new()).ok();
            let fast = quick::object(&pdf, &table, id);
            let shown = String::from_utf8_lossy(body);
            if i < plain.len() {
                assert!(fast.is_some(), "read quickly: {shown}");
                assert_eq!(fast, slow, "{shown}");
            } else {
                assert_eq!(fast, None, "left to lopdf: {shown}");
            }
        }
        // A wrong generation or id is left to lopdf too.
        assert_eq!(quick::object(&pdf, &table, (1, 1)), None);
        assert_eq!(quick::object(&pdf, &table, (99, 0)), None);
    }
}
