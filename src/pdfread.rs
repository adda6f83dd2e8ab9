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
                        .or_insert_with(|| reader.get_object(id, &mut HashSet::new()).ok())
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
