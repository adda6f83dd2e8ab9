//! A PDF written page by page from finished PDFs: the combined files of the
//! print package (`print/<layout>-all.pdf`) and the proof of `check`, made
//! in the memory of one of their parts whatever their length.

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use lopdf::{Dictionary, Object, ObjectId};
use sha2::{Digest, Sha256};

use crate::diag::Fault;
use crate::output;
use crate::pdfread::Objects;

/// A PDF written page by page: [`PdfCat::append`] copies every page of a
/// finished PDF (with the fonts, images and forms it uses) into the file on
/// disk, and keeps only the objects' offsets. So a combined file of any
/// length is made in the memory of one of its parts.
///
/// The copies drop what belongs to the source document as a whole (its
/// catalog, outline, structure tree, metadata); each page keeps its boxes
/// (MediaBox, TrimBox), so bleed and crop marks survive. The output is
/// byte-for-byte reproducible: ids are assigned in page order, and the
/// document id is a hash of `ident`.
pub struct PdfCat {
    /// The file being written (taken by `finish`).
    out: Option<Counting<BufWriter<File>>>,
    tmp: PathBuf,
    path: PathBuf,
    ident: String,
    /// Offset of object `i + 1`.
    offsets: Vec<u64>,
    pages: Vec<u32>,
}

/// Catalog and page tree ids: fixed, written last.
const CATALOG: u32 = 1;
const PAGES: u32 = 2;

impl PdfCat {
    /// Starts `path` (written to a temporary name, renamed by `finish`).
    pub fn create(path: &Path, ident: &str) -> Result<PdfCat, String> {
        let dir = path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir)
            .map_err(|e| Fault::io("không tạo được thư mục", dir)(e).to_string())?;
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("out");
        let tmp = dir.join(format!(".{name}.{}{}", std::process::id(), output::TMP_SUFFIX));
        let file =
            File::create(&tmp).map_err(|e| Fault::io("không ghi được tệp", path)(e).to_string())?;
        let mut cat = PdfCat {
            out: Some(Counting::new(BufWriter::new(file))),
            tmp,
            path: path.to_path_buf(),
            ident: ident.to_string(),
            offsets: vec![0, 0],
            pages: Vec::new(),
        };
        cat.write(b"%PDF-1.7\n%\x80\x80\x80\x80\n")?;
        Ok(cat)
    }

    fn out(&mut self) -> &mut Counting<BufWriter<File>> {
        self.out.as_mut().expect("a PdfCat is written until it is finished")
    }

    fn write(&mut self, bytes: &[u8]) -> Result<(), String> {
        let path = self.path.clone();
        self.out()
            .write_all(bytes)
            .map_err(|e| Fault::io("không ghi được tệp", &path)(e).to_string())
    }

    /// Copies every page of `pdf`, in order.
    pub fn append(&mut self, pdf: &[u8]) -> Result<(), String> {
        self.append_objects(Objects::new(pdf)?)
    }

    /// Copies every page of the file `doc` reads.
    fn append_objects(&mut self, mut doc: Objects) -> Result<(), String> {
        let pages = doc.pages();
        // The pages as they will be written: standalone (what they inherited
        // from the source's page tree is copied onto them), no structure.
        let mut own: HashMap<ObjectId, Object> = HashMap::new();
        for &id in &pages {
            let mut page =
                doc.get(id).ok_or_else(|| format!("PDF hỏng (thiếu trang {} {})", id.0, id.1))?;
            if let Object::Dictionary(d) = &mut page {
                inherit(&mut doc, d);
                d.remove(b"StructParents");
            }
            own.insert(id, page);
        }
        // New ids, in the order objects are first reached from the pages
        // (depth first, keys sorted), so the output is reproducible.
        let mut ids: HashMap<ObjectId, u32> = HashMap::new();
        let mut order: Vec<(ObjectId, Object)> = Vec::new();
        for &page in &pages {
            let mut stack = vec![page];
            while let Some(id) = stack.pop() {
                if ids.contains_key(&id) {
                    continue;
                }
                let Some(object) = own.remove(&id).or_else(|| doc.get(id)) else { continue };
                ids.insert(id, (self.offsets.len() + order.len() + 1) as u32);
                let mut refs = Vec::new();
                references(&object, &mut refs);
                stack.extend(refs.into_iter().rev());
                order.push((id, object));
            }
        }
        for (old, mut object) in order {
            renumber(&mut object, &ids);
            if pages.contains(&old)
                && let Object::Dictionary(d) = &mut object
            {
                d.set("Parent", Object::Reference((PAGES, 0)));
            }
            self.object(ids[&old], &object)?;
        }
        self.pages.extend(pages.iter().map(|p| ids[p]));
        Ok(())
    }

    /// Writes one numbered object.
    fn object(&mut self, id: u32, object: &Object) -> Result<(), String> {
        let index = id as usize - 1;
        if self.offsets.len() <= index {
            self.offsets.resize(index + 1, 0);
        }
        self.offsets[index] = self.out().count;
        let mut buf = format!("{id} 0 obj\n").into_bytes();
        serialize(object, &mut buf);
        buf.extend_from_slice(b"\nendobj\n");
        self.write(&buf)
    }

    /// Writes the page tree, catalog and cross-reference table, and moves the
    /// file into place. Returns (pages, bytes, sha256).
    pub fn finish(mut self) -> Result<(usize, u64, String), String> {
        let kids: Vec<Object> = self.pages.iter().map(|p| Object::Reference((*p, 0))).collect();
        let mut tree = Dictionary::new();
        tree.set("Type", Object::Name(b"Pages".to_vec()));
        tree.set("Count", Object::Integer(kids.len() as i64));
        tree.set("Kids", Object::Array(kids));
        self.object(PAGES, &Object::Dictionary(tree))?;
        let mut catalog = Dictionary::new();
        catalog.set("Type", Object::Name(b"Catalog".to_vec()));
        catalog.set("Pages", Object::Reference((PAGES, 0)));
        self.object(CATALOG, &Object::Dictionary(catalog))?;
        let start = self.out().count;
        let mut xref = format!("xref\n0 {}\n0000000000 65535 f \n", self.offsets.len() + 1);
        for offset in &self.offsets {
            xref.push_str(&format!("{offset:010} 00000 n \n"));
        }
        let id = crate::sha256::hex(self.ident.as_bytes());
        xref.push_str(&format!(
            "trailer\n<</Size {} /Root {CATALOG} 0 R /ID [<{id}> <{id}>]>>\nstartxref\n{start}\n%%EOF\n",
            self.offsets.len() + 1
        ));
        self.write(xref.as_bytes())?;
        let pages = self.pages.len();
        let out = self.out.take().expect("finished once");
        let bytes = out.count;
        let sha: String = out.hash.finalize().iter().map(|b| format!("{b:02x}")).collect();
        let path = self.path.clone();
        let fail = |e: std::io::Error| Fault::io("không ghi được tệp", &path)(e).to_string();
        let file = out.inner.into_inner().map_err(|e| fail(e.into_error()))?;
        file.sync_all().map_err(fail)?;
        std::fs::rename(&self.tmp, &self.path).map_err(fail)?;
        Ok((pages, bytes, sha))
    }
}

impl Drop for PdfCat {
    fn drop(&mut self) {
        // A failed or abandoned file leaves no temporary behind (after a
        // successful `finish` the name no longer exists).
        self.out = None;
        let _ = std::fs::remove_file(&self.tmp);
    }
}

/// A writer that counts and hashes what passes through.
struct Counting<W> {
    inner: W,
    count: u64,
    hash: Sha256,
}

impl<W: Write> Counting<W> {
    fn new(inner: W) -> Self {
        Counting { inner, count: 0, hash: Sha256::new() }
    }

    fn write_all(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.inner.write_all(bytes)?;
        self.count += bytes.len() as u64;
        self.hash.update(bytes);
        Ok(())
    }
}

/// Page attributes a page may inherit from its page tree.
const INHERITED: [&[u8]; 4] = [b"Resources", b"MediaBox", b"CropBox", b"Rotate"];

/// Copies inherited attributes onto the page itself: its new parent has none.
fn inherit(doc: &mut Objects, page: &mut Dictionary) {
    let mut parent = page.get(b"Parent").and_then(Object::as_reference).ok();
    let mut depth = 0;
    while let Some(pid) = parent
        && depth < 64
    {
        let Some(Object::Dictionary(p)) = doc.get(pid) else { break };
        for key in INHERITED {
            if !page.has(key)
                && let Ok(value) = p.get(key)
            {
                page.set(key.to_vec(), value.clone());
            }
        }
        parent = p.get(b"Parent").and_then(Object::as_reference).ok();
        depth += 1;
    }
}

/// The references held by `object`, in a fixed order. Links back up the
/// page tree (`Parent`, an annotation's `P`) and into the source's
/// structure tree (`StructParent(s)`) are not followed.
fn references(object: &Object, out: &mut Vec<ObjectId>) {
    let dict = |d: &Dictionary, out: &mut Vec<ObjectId>| {
        let keys: BTreeMap<&[u8], &Object> = d.iter().map(|(k, v)| (k.as_slice(), v)).collect();
        for (key, value) in keys {
            if !matches!(key, b"Parent" | b"P" | b"StructParent" | b"StructParents") {
                references(value, out);
            }
        }
    };
    match object {
        Object::Reference(r) => out.push(*r),
        Object::Array(items) => items.iter().for_each(|o| references(o, out)),
        Object::Dictionary(d) => dict(d, out),
        Object::Stream(s) => dict(&s.dict, out),
        _ => {}
    }
}

/// Replaces every reference by its new id (a reference to an object that
/// was not copied becomes `null`).
fn renumber(object: &mut Object, ids: &HashMap<ObjectId, u32>) {
    match object {
        Object::Reference(r) => {
            *object = match ids.get(r) {
                Some(new) => Object::Reference((*new, 0)),
                None => Object::Null,
            }
        }
        Object::Array(items) => items.iter_mut().for_each(|o| renumber(o, ids)),
        Object::Dictionary(d) => d.iter_mut().for_each(|(_, v)| renumber(v, ids)),
        Object::Stream(s) => s.dict.iter_mut().for_each(|(_, v)| renumber(v, ids)),
        _ => {}
    }
}

/// PDF syntax of one object (the subset of the format that lopdf reads).
fn serialize(object: &Object, buf: &mut Vec<u8>) {
    match object {
        Object::Null => buf.extend_from_slice(b"null"),
        Object::Boolean(b) => buf.extend_from_slice(if *b { b"true" } else { b"false" }),
        Object::Integer(i) => buf.extend_from_slice(i.to_string().as_bytes()),
        Object::Real(r) => buf.extend_from_slice(format!("{r}").as_bytes()),
        Object::Name(n) => name(n, buf),
        Object::String(s, _) => {
            buf.push(b'<');
            for b in s {
                buf.extend_from_slice(format!("{b:02X}").as_bytes());
            }
            buf.push(b'>');
        }
        Object::Array(items) => {
            buf.push(b'[');
            for (i, o) in items.iter().enumerate() {
                if i > 0 {
                    buf.push(b' ');
                }
                serialize(o, buf);
            }
            buf.push(b']');
        }
        Object::Dictionary(d) => dictionary(d, buf),
        Object::Stream(s) => {
            let mut dict = s.dict.clone();
            dict.set("Length", Object::Integer(s.content.len() as i64));
            dictionary(&dict, buf);
            buf.extend_from_slice(b"\nstream\n");
            buf.extend_from_slice(&s.content);
            buf.extend_from_slice(b"\nendstream");
        }
        Object::Reference((id, generation)) => {
            buf.extend_from_slice(format!("{id} {generation} R").as_bytes())
        }
    }
}

fn dictionary(d: &Dictionary, buf: &mut Vec<u8>) {
    buf.extend_from_slice(b"<<");
    for (key, value) in d.iter() {
        name(key, buf);
        buf.push(b' ');
        serialize(value, buf);
    }
    buf.extend_from_slice(b">>");
}

fn name(n: &[u8], buf: &mut Vec<u8>) {
    buf.push(b'/');
    for &b in n {
        if b"()<>[]{}/%#".contains(&b) || !(33..=126).contains(&b) {
            buf.extend_from_slice(format!("#{b:02X}").as_bytes());
        } else {
            buf.push(b);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Objects, PdfCat};

    /// A card sheet as canhbao renders it (a tagged PDF of two pages).
    fn rendered() -> Vec<u8> {
        let base = crate::world::Base::new(crate::world::LayoutSource::Builtin, None, &[], None)
            .expect("the built-in base");
        let data = include_bytes!("../layouts/sample.json").to_vec();
        let world = base.job("card-sheet.typ", data);
        let compiled = crate::render::compile(&world, 2).expect("the sample card sheet");
        let settings = crate::render::PdfSettings { ident: "x".into(), date: None };
        crate::render::pdf(&compiled.doc, &settings).expect("its PDF")
    }

    #[test]
    fn a_rendered_pdf_is_copied_from_its_pages_alone_and_to_the_same_bytes() {
        let pdf = rendered();
        let dir = tempfile::tempdir().expect("a temporary folder");
        let mut files = Vec::new();
        for lazy in [true, false] {
            let path = dir.path().join(format!("{lazy}.pdf"));
            let mut cat = PdfCat::create(&path, "x").expect("a file");
            let doc = if lazy {
                let doc = Objects::new(&pdf).expect("readable");
                assert!(matches!(doc, Objects::Lazy { .. }), "typst-pdf's file is read lazily");
                doc
            } else {
                Objects::Whole(Box::new(lopdf::Document::load_mem(&pdf).expect("readable")))
            };
            cat.append_objects(doc).expect("copied");
            cat.append(&pdf).expect("copied again");
            let (pages, ..) = cat.finish().expect("written");
            assert_eq!(pages, 4);
            files.push(std::fs::read(&path).expect("the file"));
        }
        assert!(files[0] == files[1], "the lazy copy differs from the whole one");
        // Most of the source's objects (its structure tree) were never read.
        let mut doc = Objects::new(&pdf).expect("readable");
        let pages = doc.pages();
        assert_eq!(pages.len(), 2);
        let Objects::Lazy { reader, parsed, .. } = &doc else { unreachable!() };
        let all = reader.document.reference_table.entries.len();
        assert!(
            parsed.len() * 4 < all,
            "{} of {all} objects parsed for the page tree",
            parsed.len()
        );
    }

    #[test]
    fn a_combined_file_that_cannot_be_made_is_named_in_vietnamese() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        // A file where a folder should be: refused even to root.
        let blocker = dir.path().join("print");
        std::fs::write(&blocker, b"").expect("a file");
        let path = blocker.join("leaflet-a5-all.pdf");
        let Err(msg) = PdfCat::create(&path, "x") else { panic!("made under a file") };
        assert!(msg.starts_with("không tạo được thư mục “"), "{msg}");
        assert!(msg.contains(&blocker.display().to_string()), "{msg}");
        assert!(!msg.contains("failed"), "{msg}");
    }
}
