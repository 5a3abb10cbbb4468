"""The shared export machinery: escaping, Arabic runs, page furniture, determinism."""

from __future__ import annotations

import io

from pypdf import PdfReader
from reportlab.platypus import PageBreak, Paragraph

from frontdoor_app.export.document import Bookmark, DocumentInfo, build, build_pdf
from frontdoor_app.export.fonts import ARABIC
from frontdoor_app.export.styles import styles
from frontdoor_app.export.text import escape, has_arabic, markup, para

HOSTILE = '<b>Ann & "Bob"</b>'


def info(**overrides: object) -> DocumentInfo:
    values: dict[str, object] = dict(
        title="Test document",
        author="Test Council",
        subject="Testing",
        reference="T/1",
        date_text="Monday 23 November 2026",
        keywords=("a", "b"),
        invariant=True,
    )
    values.update(overrides)
    return DocumentInfo(**values)  # type: ignore[arg-type]


def text_runs(reader: PdfReader, index: int) -> list[tuple[str, str]]:
    """(font name, text) for every text-showing operation on the page, in stream order."""
    runs: list[tuple[str, str]] = []

    def visit(text: str, cm: object, tm: object, font: dict | None, size: object) -> None:
        if text.strip() and font:
            runs.append((str(font.get("/BaseFont")).split("+")[-1], text))

    reader.pages[index].extract_text(visitor_text=visit)
    return runs


def test_escape_and_markup_keep_hostile_text_literal() -> None:
    assert escape(HOSTILE) == "&lt;b&gt;Ann &amp; &quot;Bob&quot;&lt;/b&gt;"
    assert markup("a\x00b\nc") == "ab<br/>c"
    assert "<font" not in markup("Zoë Łukasiewicz")


def test_arabic_runs_are_wrapped_in_the_arabic_font() -> None:
    out = markup("Name: محمد علي (victim)")
    assert out.startswith("Name: ")
    assert f'<font name="{ARABIC}">محمد\u00a0علي</font>' in out
    assert out.endswith(" (victim)")
    assert has_arabic("عمران") and not has_arabic("Nguyễn Thị Lan")


def test_page_furniture_numbering_metadata_and_determinism() -> None:
    s = styles()
    story = [
        Bookmark("p1", "First"),
        para(HOSTILE, s.body),
        para("محمد علي", s.body),
        PageBreak(),
        Paragraph("second page", s.body),
        PageBreak(),
        Paragraph("third", s.body),
    ]
    built = build(story, info(draft=True))
    assert built.pages == 3
    reader = PdfReader(io.BytesIO(built.data))
    assert len(reader.pages) == 3
    for n, page in enumerate(reader.pages, start=1):
        text = page.extract_text()
        assert text.count("OFFICIAL-SENSITIVE") == 2
        assert f"Page {n} of 3" in text
        assert "Ref. T/1" in text and "DRAFT" in text
    assert HOSTILE in reader.pages[0].extract_text()
    arabic_runs = [(f, t) for f, t in text_runs(reader, 0) if has_arabic(t)]
    assert arabic_runs and all(f.startswith(ARABIC) for f, _ in arabic_runs)
    assert not any(f.startswith(ARABIC) for f, _ in text_runs(reader, 1))
    meta = reader.metadata
    assert meta is not None
    assert meta.title == "Test document" and meta.author == "Test Council"
    assert meta.subject == "Testing" and "a" in str(meta.get("/Keywords"))
    assert reader.outline and reader.outline[0].title == "First"
    again = build_pdf(story_copy(), info(draft=True))
    assert again == built.data


def story_copy() -> list[object]:
    s = styles()
    return [
        Bookmark("p1", "First"),
        para(HOSTILE, s.body),
        para("محمد علي", s.body),
        PageBreak(),
        Paragraph("second page", s.body),
        PageBreak(),
        Paragraph("third", s.body),
    ]


def test_without_draft_there_is_no_stamp() -> None:
    data = build_pdf([Paragraph("x", styles().body)], info())
    assert "DRAFT" not in PdfReader(io.BytesIO(data)).pages[0].extract_text()


def test_long_arabic_runs_can_wrap_and_are_laid_right_to_left() -> None:
    # Ten Arabic number words: a run longer than one unbreakable unit.
    words = ["واحد", "اثنان", "ثلاثة", "أربعة", "خمسة", "ستة", "سبعة", "ثمانية", "تسعة", "عشرة"]
    assert len(" ".join(words)) > 48
    out = markup(" ".join(words))
    assert "\u00a0" not in out
    assert out == f'<font name="{ARABIC}">{" ".join(reversed(words))}</font>'


def test_wrap_plain_breaks_lines_and_refuses_arabic() -> None:
    from frontdoor_app.export.fonts import BODY
    from frontdoor_app.export.text import wrap_plain

    styles()  # registers the fonts
    wrapped = wrap_plain("word " * 40 + "x" * 200, 100, BODY, 8.5)
    assert wrapped is not None and wrapped.count("\n") > 5
    assert wrap_plain("محمد", 100, BODY, 8.5) is None
    assert wrap_plain(HOSTILE, 300, BODY, 8.5) == HOSTILE  # literal: plain cells parse nothing
