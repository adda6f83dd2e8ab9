#!/usr/bin/env python3
"""Removes TrueType hinting from the embedded Be Vietnam Pro fonts.

Why: every PDF canhbao writes embeds a subset of each face it uses, and the
PDF writer deflates each subset again for every file. Hinting instructions
are almost half of each face's glyph data, and they do nothing in print or
in canhbao's PNG images (typst-render does not hint). Removing them makes
every PDF smaller and cheaper to write; the outlines, metrics, kerning and
OpenType features are unchanged.

Usage (once, when the fonts are updated; needs `pip install fonttools`):
    python3 fonts/dehint.py fonts/*.ttf
The result stays under the SIL Open Font License (fonts/OFL.txt), which
allows modified versions; Be Vietnam Pro declares no Reserved Font Name.
"""
import sys

from fontTools import subset
from fontTools.ttLib import TTFont


def dehint(path: str) -> None:
    font = TTFont(path)
    opts = subset.Options()
    opts.hinting = False  # the point: drop fpgm, prep, cvt and glyph programs
    # Keep everything else exactly as it was.
    opts.glyph_names = True
    opts.layout_features = ["*"]
    opts.layout_scripts = ["*"]
    opts.name_IDs = ["*"]
    opts.name_languages = ["*"]
    opts.name_legacy = True
    opts.notdef_glyph = True
    opts.notdef_outline = True
    opts.legacy_kern = True
    opts.prune_unicode_ranges = False
    opts.prune_codepage_ranges = False
    opts.passthrough_tables = True
    opts.drop_tables = []
    opts.recalc_timestamp = False
    sub = subset.Subsetter(opts)
    sub.populate(glyphs=font.getGlyphOrder())
    sub.subset(font)
    font.save(path)


if __name__ == "__main__":
    for p in sys.argv[1:]:
        dehint(p)
        print(p)
