"""Names the body font has no glyph for: set in the fallback font, never an empty box.

DejaVu Sans has no Chinese, Japanese or Korean glyph: with it alone a name written in
Chinese printed as empty boxes and copied out of the PDF as NUL characters, lost from the
minutes. Such runs are set in WenQuanYi Micro Hei; a character no shipped font has is
printed as its code point. The window draws with the system's fonts instead (a fresh
Debian machine gets the same font from ``scripts/setup.sh``: ``test_ui_fallback_font``).
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from pypdf import PdfReader
from reportlab.platypus import SimpleDocTemplate
from sqlalchemy import select

from frontdoor_app.context import AppContext
from frontdoor_app.export import fonts, styles, text
from frontdoor_app.export.minutes import render_minutes
from frontdoor_app.export.tables import text_table
from frontdoor_app.meeting.minutes_data import load_minutes
from frontdoor_app.models import NotificationPerson
from tests.minutes_builder import DAY, build_closed_meeting

CJK = "\u738b \u4f1f"  # 王 伟
HANGUL_KANA = "\uae40\ubbfc\uc900 \u3055\u304f\u3089"  # 김민준 さくら
GENERATED = dt.datetime(2026, 11, 23, 15, 5, tzinfo=dt.UTC)
GURMUKHI = "\u0a15\u0a4c\u0a30"  # ਕੌਰ: in no shipped font


def runs_by_font(pdf: bytes) -> list[tuple[str, str]]:
    """(font, text) of every text operation in the PDF."""
    runs: list[tuple[str, str]] = []
    for page in PdfReader(io.BytesIO(pdf)).pages:

        def visit(shown: str, _cm: object, _tm: object, font: dict | None, _size: object) -> None:
            if font and shown.strip():
                runs.append((str(font.get("/BaseFont")).split("+")[-1], shown.strip()))

        page.extract_text(visitor_text=visit)
    return runs


def build(story: list) -> bytes:  # type: ignore[type-arg]
    out = io.BytesIO()
    SimpleDocTemplate(out).build(story)
    return out.getvalue()


def test_chinese_korean_and_japanese_are_set_in_the_fallback_font_and_read_back() -> None:
    st = styles.styles()
    pdf = build(
        [
            text.para(f"Household: {CJK} · Wang Wei", st.body),
            text.para(f"{HANGUL_KANA} and Zielińska", st.h2),
            text.para("محمد علي and \u674e\u9759", st.body),  # Arabic, then 李静
        ]
    )
    page = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "\x00" not in page
    for name in (CJK, HANGUL_KANA, "\u674e\u9759", "Wang Wei", "Zielińska"):
        assert name in page, (name, page)
    runs = runs_by_font(pdf)
    far_east = [(font, shown) for font, shown in runs if fonts.FALLBACK in font]
    assert {shown for _, shown in far_east} >= {"\u738b", "\u4f1f", "\u674e\u9759"}
    # Every Han, kana or Hangul character shown is in the fallback font, nothing else is.
    for font, shown in runs:
        eastern = any(0x3040 <= ord(c) <= 0x9FFF or 0xAC00 <= ord(c) <= 0xD7AF for c in shown)
        assert eastern == (fonts.FALLBACK in font), (font, shown)


def test_a_character_no_shipped_font_has_is_printed_as_its_code_point() -> None:
    st = styles.styles()
    pdf = build([text.para(f"{GURMUKHI} Kaur <b>&", st.body)])
    page = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "[U+0A15 U+0A4C U+0A30] Kaur <b>&" in page, page
    assert "\x00" not in page


def test_table_cells_take_the_fallback_too_and_latin_names_stay_plain() -> None:
    # A plain cell is drawn in one font: a cell holding Chinese needs the paragraph.
    assert text.wrap_plain(CJK, 200, fonts.BODY, 9) is None
    for latin in ("Zielińska", "Ó Súilleabháin", "Phạm Thị Lan", "Lakatoš", "Łukasiewicz"):
        assert not text.has_foreign(latin)
        assert text.wrap_plain(latin, 200, fonts.BODY, 9) == latin
    assert text.has_foreign(CJK) and text.has_foreign(GURMUKHI)
    assert not text.has_foreign("محمد علي")  # Arabic has its own font and path
    pdf = build(
        [text_table([[CJK, "victim"], ["Zielińska", "child"]], ["Name", "Role"], [200, 100])]
    )
    page = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert CJK in page and "Zielińska" in page and "\x00" not in page, page
    runs = runs_by_font(pdf)
    assert ("DejaVuSans", "Zielińska") in runs, runs  # the plain cell, drawn as before
    assert any(fonts.FALLBACK in font for font, _ in runs), runs


def test_a_chinese_name_in_the_minutes_is_printed_not_boxes(
    ctx: AppContext, artefacts: Path
) -> None:
    build_closed_meeting(ctx)
    with ctx.session() as s:
        person = s.scalars(
            select(NotificationPerson).where(NotificationPerson.surname == "Hassan")
        ).one()
        person.forenames, person.surname = "\u4f1f", "\u738b"
    with ctx.session() as s:
        data = load_minutes(s, ctx.profile, DAY)
    pdf = render_minutes(data, generated_at=GENERATED, invariant=True)
    (artefacts / "minutes-chinese-name.pdf").write_bytes(pdf)  # for people to look at
    pages = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "\u4f1f \u738b" in pages, "the name is not in the minutes"
    assert "\x00" not in pages
    assert any(fonts.FALLBACK in font for font, _ in runs_by_font(pdf))
