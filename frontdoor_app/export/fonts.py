"""Registers the fonts every export uses: DejaVu Sans (Latin, Greek, Cyrillic, Vietnamese)
and Noto Naskh Arabic (Arabic and Urdu), and, when a text needs it, WenQuanYi Micro Hei
(Chinese, Japanese kana, Korean), all shipped in ``resources/fonts`` with their licences.
reportlab has no font fallback, so ``export.text`` sets Arabic-script runs in the Arabic
font, and characters DejaVu lacks in the fallback font, explicitly.
"""

from __future__ import annotations

import gzip
import io
import threading
from functools import cache

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont

from frontdoor_app.resource_files import resource_dir

FONTS_DIR = resource_dir() / "fonts"

BODY = "DejaVuSans"
BODY_BOLD = "DejaVuSans-Bold"
BODY_ITALIC = "DejaVuSans-Oblique"
BODY_BOLD_ITALIC = "DejaVuSans-BoldOblique"
ARABIC = "NotoNaskhArabic"
ARABIC_BOLD = "NotoNaskhArabic-Bold"
# Han, kana and Hangul (a name written as the family writes it): the collection's first
# face, one weight. Stored compressed (2.2 MB, not 4.9: the bundle's size has a goal), read
# in about 110 ms, so registered the first time a text holds a character DejaVu lacks.
FALLBACK = "WenQuanYiMicroHei"
FALLBACK_FILE = "wqy-microhei.ttc.gz"

_FILES = {
    BODY: "DejaVuSans.ttf",
    BODY_BOLD: "DejaVuSans-Bold.ttf",
    BODY_ITALIC: "DejaVuSans-Oblique.ttf",
    BODY_BOLD_ITALIC: "DejaVuSans-BoldOblique.ttf",
    ARABIC: "NotoNaskhArabic-Regular.ttf",
    ARABIC_BOLD: "NotoNaskhArabic-Bold.ttf",
}

_lock = threading.Lock()
_registered = False


class FontMissingError(RuntimeError):
    """A font file the exports need is not where it should be."""


def register_fonts() -> None:
    """Register the export fonts with reportlab once per process (thread-safe, idempotent)."""
    global _registered
    with _lock:
        if _registered:
            return
        for name, filename in _FILES.items():
            path = FONTS_DIR / filename
            if not path.is_file():
                raise FontMissingError(
                    f"the font file {path} is missing; reinstall the application"
                )
            pdfmetrics.registerFont(TTFont(name, str(path)))
        # <b> and <i> in paragraph markup pick the right face of each family.
        for family, bold, italic, bold_italic in (
            (BODY, BODY_BOLD, BODY_ITALIC, BODY_BOLD_ITALIC),
            (ARABIC, ARABIC_BOLD, ARABIC, ARABIC_BOLD),
        ):
            addMapping(family, 0, 0, family)
            addMapping(family, 1, 0, bold)
            addMapping(family, 0, 1, italic)
            addMapping(family, 1, 1, bold_italic)
        _plain_latin_when_shaping()
        _registered = True


@cache
def body_characters() -> frozenset[int]:
    """The code points the body font has a glyph for."""
    register_fonts()
    return frozenset(pdfmetrics.getFont(BODY).face.charToGlyph)


@cache
def fallback_characters() -> frozenset[int]:
    """The code points the fallback font has a glyph for; registers it (once)."""
    register_fonts()
    path = FONTS_DIR / FALLBACK_FILE
    if not path.is_file():
        raise FontMissingError(f"the font file {path} is missing; reinstall the application")
    font = TTFont(FALLBACK, io.BytesIO(gzip.decompress(path.read_bytes())), subfontIndex=0)
    with _lock:
        pdfmetrics.registerFont(font)
        for bold in (0, 1):  # one weight: <b> and <i> inside a run keep it
            for italic in (0, 1):
                addMapping(FALLBACK, bold, italic, FALLBACK)
    return frozenset(font.face.charToGlyph)


def _plain_latin_when_shaping() -> None:
    """Keep shaped paragraphs' Latin text free of optional ligatures.

    reportlab shapes every word of a shaped paragraph with ``liga`` and ``dlig`` on, which
    turns DejaVu's "st" into a discretionary ligature that prints badly and makes "fi"
    extract as one character. Arabic needs neither: its joining and required ligatures
    (``rlig``) are always applied by HarfBuzz. The default is a dict reportlab reads at
    every call, so it is set once here.
    """
    defaults = getattr(ttfonts.shapeFragWord, "__defaults__", None)
    if defaults and isinstance(defaults[0], dict):
        defaults[0].update(liga=False, dlig=False)
