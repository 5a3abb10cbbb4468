"""User text made safe for reportlab's paragraph markup, with Arabic script set right.

Every string that came from a person or the police goes through ``markup`` before it
reaches a ``Paragraph``: markup characters are escaped (``<b>Ann & "Bob"</b>`` prints
literally), control characters are dropped, and runs of Arabic-script characters are
wrapped in the Arabic font, because reportlab has no font fallback. Paragraphs holding
Arabic script get HarfBuzz shaping (``styles.shaped``), which joins the letters and lays
each run out right to left.

A character the body font has no glyph for would print as an empty box, and copy out of
the PDF as nothing: a name written in Chinese, say, lost from the minutes. Runs of such
characters are set in the fallback font (Han, kana, Hangul); a character no shipped font
has is written as its code point ("[U+0A15 U+0A4C]"), so what was sent is on the page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from itertools import groupby
from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph

from .fonts import (
    ARABIC,
    ARABIC_BOLD,
    BODY_BOLD,
    BODY_BOLD_ITALIC,
    FALLBACK,
    body_characters,
    fallback_characters,
)
from .styles import shaped

# Arabic, Arabic Supplement, Arabic Extended-A, presentation forms A and B.
_ARABIC_CHARS = "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff"
# A run: Arabic-script characters, with spaces or joiners between them (not around them).
_ARABIC_RUN = re.compile(f"[{_ARABIC_CHARS}]+(?:[ \u00a0\u200c\u200d]+[{_ARABIC_CHARS}]+)*")
_HAS_ARABIC = re.compile(f"[{_ARABIC_CHARS}]")
# C0/C1 controls except tab and newline, and the bidi overrides that could reorder a page.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# Runs up to this length are kept on one line and shaped as one unit (names, places).
_UNBREAKABLE_RUN = 48
_SEPARATOR = " "
ARABIC_SCALE = 1.15
_TEMPLATES: dict[int, tuple[ParagraphStyle, Any]] = {}


def has_arabic(text: str) -> bool:
    return _HAS_ARABIC.search(text) is not None


def has_foreign(text: str) -> bool:
    """Whether ``text`` holds a character the body font lacks (Arabic script aside, which
    has its own font): it then needs ``markup``, not a plain paragraph or table cell."""
    return not text.isascii() and _outside_body().search(text) is not None


@cache
def _outside_body() -> re.Pattern[str]:
    """A run of characters that are neither in the body font, nor Arabic script, nor space."""
    points = sorted(body_characters())
    spans: list[str] = []
    start = previous = points[0]
    for point in [*points[1:], -1]:
        if point != previous + 1:
            first, last = re.escape(chr(start)), re.escape(chr(previous))
            spans.append(first if start == previous else f"{first}-{last}")
            start = point
        previous = point
    return re.compile(f"[^{''.join(spans)}{_ARABIC_CHARS}\\s]+")


def _foreign_run(run: str) -> str:
    """Markup for a run of characters the body font lacks: in the fallback font where it
    has them, otherwise each as its code point."""
    have = fallback_characters()
    parts: list[str] = []
    for found, chars in groupby(run, key=lambda char: ord(char) in have):
        if found:
            parts.append(f'<font name="{FALLBACK}">{escape("".join(chars))}</font>')
        else:
            parts.append("[" + " ".join(f"U+{ord(char):04X}" for char in chars) + "]")
    return "".join(parts)


def _body_text(text: str) -> str:
    """Escaped text outside Arabic runs, with any run the body font lacks set apart."""
    if not has_foreign(text):
        return escape(text)
    parts: list[str] = []
    last = 0
    for match in _outside_body().finditer(text):
        parts.append(escape(text[last : match.start()]))
        parts.append(_foreign_run(match.group(0)))
        last = match.end()
    parts.append(escape(text[last:]))
    return "".join(parts)


def escape(text: str) -> str:
    """Escape the characters reportlab's paragraph parser gives meaning to."""
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def clean(text: str | None) -> str:
    """The text without control characters; ``None`` becomes empty."""
    if not text:
        return ""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def _arabic_run(run: str) -> str:
    """Markup for one Arabic-script run, in visual order within a left-to-right line."""
    words = run.split()
    # A short run is one unbreakable unit that HarfBuzz shapes whole, right to left. A long
    # run must be able to wrap; its words are laid right to left, exact while it fits on one
    # line (long Arabic narratives are rare here).
    short = len(run) <= _UNBREAKABLE_RUN
    body = "\u00a0".join(words) if short else " ".join(reversed(words))
    return f'<font name="{ARABIC}">{escape(body)}</font>'


def markup(text: str | None, *, newlines: bool = True) -> str:
    """Paragraph markup for a user string: escaped, Arabic runs in the Arabic font, and
    characters the body font lacks in the fallback font (or as code points)."""
    value = clean(text)
    parts: list[str] = []
    last = 0
    for match in _ARABIC_RUN.finditer(value):
        parts.append(_body_text(value[last : match.start()]))
        # Punctuation glued to a run ends up shaped in the Arabic face, which lacks most
        # Latin punctuation, and reportlab 5.1 then fails on the missing glyph (a zero-width
        # space is not enough): a space keeps the neighbours in words of their own.
        before = match.start() > 0 and not value[match.start() - 1].isspace()
        after = match.end() < len(value) and not value[match.end()].isspace()
        parts.append(_SEPARATOR * before + _arabic_run(match.group(0)) + _SEPARATOR * after)
        last = match.end()
    parts.append(_body_text(value[last:]))
    out = "".join(parts)
    if newlines:
        out = out.replace("\n", "<br/>")
    return out


def para(
    text: str | None, style: ParagraphStyle, *, prefix: str = "", suffix: str = ""
) -> Paragraph:
    """A paragraph of user text; ``prefix``/``suffix`` are trusted markup around it."""
    value = clean(text)
    plain = not has_arabic(value) and not has_foreign(value)
    if not prefix and not suffix and "\n" not in value and plain:
        return _plain_paragraph(value, style)
    return markup_para(prefix + markup(text) + suffix, style, raw_text=text or "")


def _template_frag(style: ParagraphStyle) -> Any:
    """The text fragment reportlab's parser makes for plain text in ``style`` (kept per style)."""
    frag = _TEMPLATES.get(id(style))
    if frag is None or frag[0] is not style:
        frag = (style, Paragraph("x", style).frags[0])
        _TEMPLATES[id(style)] = frag
    return frag[1]


def _plain_paragraph(value: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of text without markup, skipping reportlab's markup parser.

    The parser is a third of the minutes' layout time; for plain text its only product is
    one fragment carrying the style's font and colour, so that fragment is cloned with the
    text instead. The text is used as is: there is no markup to escape.
    """
    text = " ".join(value.split())
    return Paragraph(text, style, frags=[_template_frag(style).clone(text=text)])


def markup_para(
    markup_text: str, style: ParagraphStyle, *, raw_text: str | None = None
) -> Paragraph:
    """A paragraph from already-safe markup; shaped when it holds Arabic script."""
    probe = raw_text if raw_text is not None else markup_text
    if has_arabic(probe) or has_arabic(markup_text):
        # <font name=…> resets the face, so a bold style names the bold Arabic face; Naskh
        # looks small beside DejaVu at the same size, so its runs are set a little larger.
        face = ARABIC_BOLD if style.fontName in (BODY_BOLD, BODY_BOLD_ITALIC) else ARABIC
        size = round(style.fontSize * ARABIC_SCALE, 1)
        markup_text = markup_text.replace(
            f'<font name="{ARABIC}">', f'<font name="{face}" size="{size}">'
        )
        style = shaped(style)
    return Paragraph(markup_text, style)


def join(parts: Iterable[str | None], sep: str = ", ") -> str:
    """Join the non-empty, cleaned parts (plain text, not markup)."""
    return sep.join(p for p in (clean(x).strip() for x in parts) if p)


def wrap_plain(text: str | None, width: float, font: str, size: float) -> str | None:
    """``text`` broken into lines that fit ``width``, for a plain table cell; None when it
    holds Arabic script (which needs a shaped paragraph) or a character the body font
    lacks (which needs the fallback font's markup).

    A plain cell is drawn literally (no markup, so nothing to escape) and costs a fraction
    of a paragraph: on a 180-case meeting this is most of the layout time saved.
    """
    value = clean(text)
    if has_arabic(value) or has_foreign(value):
        return None
    lines: list[str] = []
    for line in simpleSplit(value, font, size, width) if value else [""]:
        # A word longer than the cell (a URL, a long reference) is broken by characters.
        # simpleSplit overflows only with a single word longer than the cell.
        while " " not in line and len(line) > 1 and stringWidth(line, font, size) > width:
            cut = len(line) - 1
            while cut > 1 and stringWidth(line[:cut], font, size) > width:
                cut -= 1
            lines.append(line[:cut])
            line = line[cut:]
        lines.append(line)
    return "\n".join(lines)
