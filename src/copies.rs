//! Copies of one laid-out card placed by canhbao, not laid out again by Typst.
//!
//! The card sheet (layouts/card-sheet.typ) shows the same card eight times a
//! side. Typst cannot reuse the first card's layout for the other seven: every
//! paragraph and `context` of a card is an element with its own location, and
//! a location differs per copy, so its memo cache misses for each copy and the
//! sheet cost 4.4 × one card (bench/RESULTS.md, issue 26). When the world's
//! input [`INPUT`] is set, the sheet lays out its first card of each side and
//! leaves the other seven as empty boxes of the card's size; [`fill`] puts a
//! copy of that card's frame into each of them before anything (preflight,
//! PDF, PNG) reads the document. The page comes out as Typst would have made
//! it: the same items at the same places, each copy's elements with locations
//! of their own (derived from the first card's, one variant per copy), so the
//! PDF's structure tree still has eight cards.
//!
//! The stock `typst` CLI does not set the input: the same layout then lays
//! out all eight cards itself.

use std::collections::HashSet;

use typst::ecow::EcoVec;
use typst::introspection::{Location, Tag};
use typst::layout::{Frame, FrameItem, Size};
use typst::model::Destination;
use typst::model::Document as _;
use typst_layout::PagedDocument;

/// The key of `sys.inputs` that tells a layout canhbao fills its copies.
pub const INPUT: &str = "canhbao-copies";

/// Its value: the copies are frames, filled in by [`fill`].
pub const FRAMES: &str = "frames";

/// Fills every empty box on a page with a copy of the one laid-out box of
/// the same size on that page (none, or more than one: the page is left as
/// it is). Only layouts that ask for it (`main`, the layout's file name) are
/// looked at, so an empty spacer box elsewhere is never filled.
pub fn fill(doc: PagedDocument, main: &str) -> PagedDocument {
    if main != "card-sheet.typ" {
        return doc;
    }
    let mut changed = false;
    let mut pages = EcoVec::with_capacity(doc.pages().len());
    for page in doc.pages() {
        let mut page = page.clone();
        let mut empty = Vec::new();
        let mut full: Vec<(Size, Frame, usize)> = Vec::new();
        survey(&page.frame, &mut empty, &mut full);
        let sources: Vec<(Size, Frame)> = full
            .into_iter()
            .filter(|(size, _, n)| *n == 1 && empty.contains(size))
            .map(|(size, frame, _)| (size, frame))
            .collect();
        if !sources.is_empty() {
            let mut copy = 0;
            place(&mut page.frame, &sources, &mut copy);
            changed |= copy > 0;
        }
        pages.push(page);
    }
    if !changed {
        return doc;
    }
    // A new document, so the introspector (which PDF export asks for
    // elements by location) knows the copies' elements too.
    PagedDocument::new(pages, doc.info().clone())
}

/// The sizes of the empty hard frames (boxes) in `frame`, and the non-empty
/// hard frames of those sizes with how many of each size there are.
fn survey(frame: &Frame, empty: &mut Vec<Size>, full: &mut Vec<(Size, Frame, usize)>) {
    for (_, item) in frame.items() {
        let FrameItem::Group(group) = item else { continue };
        let inner = &group.frame;
        if inner.kind().is_hard() {
            let size = inner.size();
            if inner.is_empty() {
                if !empty.contains(&size) {
                    empty.push(size);
                }
                continue;
            }
            match full.iter_mut().find(|(s, ..)| *s == size) {
                Some(entry) => entry.2 += 1,
                None => full.push((size, inner.clone(), 1)),
            }
        }
        survey(inner, empty, full);
    }
}

/// Puts a copy of the matching source into each empty hard frame, in page
/// order; `copy` counts the copies made (each gets its own locations).
fn place(frame: &mut Frame, sources: &[(Size, Frame)], copy: &mut usize) {
    frame.retain(|item| {
        if let FrameItem::Group(group) = item {
            let inner = &group.frame;
            let source = (inner.kind().is_hard() && inner.is_empty())
                .then(|| sources.iter().find(|(size, _)| *size == inner.size()))
                .flatten();
            match source {
                Some((_, source)) => {
                    *copy += 1;
                    let mut new = source.clone();
                    let mut own = HashSet::new();
                    locations(source, &mut own);
                    relocate(&mut new, &own, *copy);
                    group.frame = new;
                }
                None => place(&mut group.frame, sources, copy),
            }
        }
        true
    });
}

/// The locations of the elements that start in `frame`.
fn locations(frame: &Frame, out: &mut HashSet<Location>) {
    for (_, item) in frame.items() {
        match item {
            FrameItem::Group(group) => locations(&group.frame, out),
            FrameItem::Tag(Tag::Start(elem, _)) => {
                if let Some(loc) = elem.location() {
                    out.insert(loc);
                }
            }
            _ => {}
        }
    }
}

/// Gives every element of the copy that started in the source (`own`) the
/// copy's own location, wherever the copy names it: its tags, the logical
/// parents of its placed frames, its links inside the card.
fn relocate(frame: &mut Frame, own: &HashSet<Location>, copy: usize) {
    let new = |loc: Location| if own.contains(&loc) { loc.variant(copy) } else { loc };
    frame.retain(|item| {
        match item {
            FrameItem::Group(group) => {
                if let Some(parent) = &mut group.parent {
                    parent.location = new(parent.location);
                }
                relocate(&mut group.frame, own, copy);
            }
            FrameItem::Tag(Tag::Start(elem, _)) => {
                if let Some(loc) = elem.location() {
                    elem.set_location(new(loc));
                }
            }
            FrameItem::Tag(Tag::End(loc, ..)) => *loc = new(*loc),
            FrameItem::Link(Destination::Location(loc), _) => *loc = new(*loc),
            _ => {}
        }
        true
    });
}
