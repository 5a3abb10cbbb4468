"""Every paragraph and table style the exports use, in one place."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import TableStyle

from .fonts import BODY, BODY_BOLD, BODY_ITALIC, register_fonts

PAGE_SIZE = A4
MARGIN_LEFT = MARGIN_RIGHT = 18 * mm
MARGIN_TOP = 24 * mm  # room for the marking and the running header
MARGIN_BOTTOM = 22 * mm  # room for the marking and the page number
FRAME_WIDTH = PAGE_SIZE[0] - MARGIN_LEFT - MARGIN_RIGHT

INK = colors.HexColor("#1a1a1a")
MUTED = colors.HexColor("#555555")
RULE = colors.HexColor("#9a9a9a")
HEADER_FILL = colors.HexColor("#e3e7ee")
ZEBRA_FILL = colors.HexColor("#f5f6f8")
NOTE_FILL = colors.HexColor("#fff6dc")
MARKING_INK = colors.HexColor("#000000")
DRAFT_INK = colors.Color(0.75, 0.1, 0.1, alpha=0.18)


@dataclass(frozen=True)
class Styles:
    title: ParagraphStyle
    subtitle: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    h3: ParagraphStyle
    h2_free: ParagraphStyle  # h2 without keepWithNext: precede it with a CondPageBreak
    entry_head: ParagraphStyle  # bold line over an entry: precede it with a CondPageBreak
    h1_free: ParagraphStyle  # h1 without keepWithNext (after a CondPageBreak)
    body: ParagraphStyle
    small: ParagraphStyle
    muted: ParagraphStyle
    cell: ParagraphStyle
    cell_bold: ParagraphStyle
    header_cell: ParagraphStyle
    note: ParagraphStyle
    statement: ParagraphStyle
    label: ParagraphStyle


@cache
def styles() -> Styles:
    """The style sheet (fonts registered first)."""
    register_fonts()
    body = ParagraphStyle(
        "body",
        fontName=BODY,
        fontSize=9.5,
        leading=12.5,
        textColor=INK,
        spaceAfter=3,
        alignment=TA_LEFT,
        splitLongWords=True,
    )
    return Styles(
        title=ParagraphStyle(
            "title", parent=body, fontName=BODY_BOLD, fontSize=18, leading=23, spaceAfter=4
        ),
        subtitle=ParagraphStyle(
            "subtitle", parent=body, fontSize=11.5, leading=15, spaceAfter=8, textColor=MUTED
        ),
        h1=ParagraphStyle(
            "h1",
            parent=body,
            keepWithNext=1,
            fontName=BODY_BOLD,
            fontSize=14,
            leading=18,
            spaceBefore=6,
            spaceAfter=6,
        ),
        h2=ParagraphStyle(
            "h2",
            parent=body,
            keepWithNext=1,
            fontName=BODY_BOLD,
            fontSize=11.5,
            leading=15,
            spaceBefore=8,
            spaceAfter=3,
        ),
        h3=ParagraphStyle(
            "h3",
            parent=body,
            keepWithNext=1,
            fontName=BODY_BOLD,
            fontSize=9.5,
            leading=12.5,
            spaceBefore=5,
            spaceAfter=2,
        ),
        body=body,
        entry_head=ParagraphStyle("entry_head", parent=body, fontName=BODY_BOLD, spaceAfter=0),
        h1_free=ParagraphStyle(
            "h1_free",
            parent=body,
            fontName=BODY_BOLD,
            fontSize=14,
            leading=18,
            spaceBefore=6,
            spaceAfter=6,
        ),
        h2_free=ParagraphStyle(
            "h2_free",
            parent=body,
            fontName=BODY_BOLD,
            fontSize=11.5,
            leading=15,
            spaceBefore=8,
            spaceAfter=3,
        ),
        small=ParagraphStyle("small", parent=body, fontSize=8, leading=10.5, spaceAfter=1),
        muted=ParagraphStyle("muted", parent=body, fontName=BODY_ITALIC, textColor=MUTED),
        cell=ParagraphStyle("cell", parent=body, fontSize=8.5, leading=11, spaceAfter=0),
        cell_bold=ParagraphStyle(
            "cell_bold", parent=body, fontName=BODY_BOLD, fontSize=8.5, leading=11, spaceAfter=0
        ),
        header_cell=ParagraphStyle(
            "header_cell", parent=body, fontName=BODY_BOLD, fontSize=8.5, leading=11, spaceAfter=0
        ),
        note=ParagraphStyle(
            "note",
            parent=body,
            fontName=BODY_ITALIC,
            textColor=MUTED,
            backColor=NOTE_FILL,
            borderPadding=3,
            spaceBefore=3,
            spaceAfter=5,
        ),
        statement=ParagraphStyle(
            "statement",
            parent=body,
            borderColor=RULE,
            borderWidth=0.6,
            borderPadding=6,
            spaceBefore=8,
            spaceAfter=10,
        ),
        label=ParagraphStyle(
            "label", parent=body, fontName=BODY_BOLD, alignment=TA_LEFT, spaceAfter=0
        ),
    )


@cache
def shaped(style: ParagraphStyle) -> ParagraphStyle:
    """The same style with HarfBuzz shaping on (used only for text with Arabic script)."""
    return ParagraphStyle(f"{style.name}-shaped", parent=style, shaping=1)


def centred(style: ParagraphStyle) -> ParagraphStyle:
    return ParagraphStyle(f"{style.name}-centred", parent=style, alignment=TA_CENTER)


def grid_table_style(header_rows: int = 1, zebra: bool = True) -> TableStyle:
    """Ruled table with a tinted header row (repeated on every page by ``repeatRows``)."""
    commands: list[tuple[object, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("GRID", (0, 0), (-1, -1), 0.4, RULE),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        # For cells given as plain strings (cheaper than paragraphs for short fixed words).
        ("FONTNAME", (0, 0), (-1, -1), BODY),
        ("FONTSIZE", (0, 0), (-1, -1), 8.5),
        ("LEADING", (0, 0), (-1, -1), 11),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
    ]
    if header_rows:
        commands.append(("BACKGROUND", (0, 0), (-1, header_rows - 1), HEADER_FILL))
        commands.append(("FONTNAME", (0, 0), (-1, header_rows - 1), BODY_BOLD))
    if zebra:
        commands.append(("ROWBACKGROUNDS", (0, header_rows), (-1, -1), [colors.white, ZEBRA_FILL]))
    return TableStyle(commands)


def key_value_table_style(bold_labels: bool = False) -> TableStyle:
    """Label/value pairs: no grid; plain-string labels in bold when asked."""
    style = TableStyle(
        [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 6),
            ("TOPPADDING", (0, 0), (-1, -1), 1),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ("FONTNAME", (0, 0), (-1, -1), BODY),
            ("FONTNAME", (0, 0), (0, -1), BODY_BOLD if bold_labels else BODY),
            ("FONTSIZE", (0, 0), (-1, -1), 9.5),
            ("LEADING", (0, 0), (-1, -1), 12.5),
            ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ]
    )
    return style
