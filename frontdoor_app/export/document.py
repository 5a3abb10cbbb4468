"""The page furniture every export shares, painted by PageTemplates.

On every page: the protective marking at top and bottom, the document's title and date,
its reference, "Page N of M", and a DRAFT stamp when asked. The PDF carries its title,
author (the authority), subject and keywords. ``invariant=True`` gives byte-identical
output for the same input (tests, and proving a copy unchanged).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate

from .fonts import BODY, BODY_BOLD, register_fonts
from .styles import (
    DRAFT_INK,
    INK,
    MARGIN_BOTTOM,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    MARGIN_TOP,
    MARKING_INK,
    MUTED,
    PAGE_SIZE,
    RULE,
)


@dataclass(frozen=True)
class DocumentInfo:
    """What the page furniture and the PDF metadata say."""

    title: str
    author: str  # the authority
    subject: str
    reference: str
    date_text: str  # e.g. "Monday 23 November 2026"
    marking: str = "OFFICIAL-SENSITIVE"
    keywords: tuple[str, ...] = ()
    draft: bool = False
    invariant: bool = False
    header_note: str = ""  # e.g. "Copy for West Yorkshire Police"
    creator: str = "frontdoor"
    extra: dict[str, Any] = field(default_factory=dict)
    footer_note: str = ""  # e.g. the audit trail's hash at close, on every page


class Bookmark(Flowable):  # type: ignore[misc]
    """An invisible flowable that adds an entry to the PDF outline where it lands."""

    def __init__(self, key: str, title: str, level: int = 0) -> None:
        super().__init__()
        self.key, self.title, self.level = key, title, level
        self.width = self.height = 0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.canv.bookmarkPage(self.key)
        self.canv.addOutlineEntry(self.title, self.key, level=self.level, closed=self.level > 0)


def _numbered_canvas(pages: list[int]) -> type[Canvas]:
    """A canvas that holds pages back until the end so it can print "Page N of M"."""

    class NumberedCanvas(Canvas):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._held_pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 - reportlab's name
            self._held_pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._held_pages)
            pages.append(total)
            for number, state in enumerate(self._held_pages, start=1):
                self.__dict__.update(state)
                self._paint_page_number(number, total)
                super().showPage()
            super().save()

        def _paint_page_number(self, number: int, total: int) -> None:
            width, _ = PAGE_SIZE
            self.saveState()
            self.setFont(BODY, 8)
            self.setFillColor(INK)
            self.drawRightString(
                width - MARGIN_RIGHT, MARGIN_BOTTOM - 9 * mm, f"Page {number} of {total}"
            )
            self.restoreState()

    NumberedCanvas.__name__ = "NumberedCanvas"
    return NumberedCanvas


class ExportDocument(BaseDocTemplate):  # type: ignore[misc]
    """A4 portrait document whose every page carries the marking, reference and numbering."""

    def __init__(self, target: io.BytesIO, info: DocumentInfo) -> None:
        register_fonts()
        self.info = info
        super().__init__(
            target,
            pagesize=PAGE_SIZE,
            leftMargin=MARGIN_LEFT,
            rightMargin=MARGIN_RIGHT,
            topMargin=MARGIN_TOP,
            bottomMargin=MARGIN_BOTTOM,
            title=info.title,
            author=info.author,
            subject=info.subject,
            keywords=list(info.keywords),
            creator=info.creator,
            producer=info.creator,
            invariant=1 if info.invariant else 0,
            pageCompression=1,
        )
        frame = Frame(
            self.leftMargin,
            self.bottomMargin,
            self.width,
            self.height,
            id="body",
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )
        self.addPageTemplates(
            [
                PageTemplate(
                    id="page",
                    frames=[frame],
                    onPage=self._paint_furniture,
                    onPageEnd=self._paint_stamp,
                ),
            ]
        )

    def _paint_furniture(self, canv: Canvas, doc: BaseDocTemplate) -> None:
        info = self.info
        width, height = PAGE_SIZE
        left, right = MARGIN_LEFT, width - MARGIN_RIGHT
        canv.saveState()
        # The protective marking, centred at top and bottom, as government marking requires.
        canv.setFillColor(MARKING_INK)
        canv.setFont(BODY_BOLD, 10)
        canv.drawCentredString(width / 2, height - 10 * mm, info.marking)
        canv.drawCentredString(width / 2, 7 * mm, info.marking)
        # Running header: title and note left, meeting date right, a rule beneath.
        canv.setFont(BODY, 8)
        canv.setFillColor(MUTED)
        header = info.title + (f" \u2014 {info.header_note}" if info.header_note else "")
        canv.drawString(left, height - 16 * mm, header)
        canv.drawRightString(right, height - 16 * mm, info.date_text)
        canv.setStrokeColor(RULE)
        canv.setLineWidth(0.5)
        canv.line(left, height - 17.5 * mm, right, height - 17.5 * mm)
        # Footer: rule, document reference (the page number is added by the canvas).
        canv.line(left, MARGIN_BOTTOM - 5 * mm, right, MARGIN_BOTTOM - 5 * mm)
        canv.setFillColor(INK)
        canv.drawString(left, MARGIN_BOTTOM - 9 * mm, f"Ref. {info.reference}")
        if info.footer_note:
            canv.setFont(BODY, 7)
            canv.setFillColor(MUTED)
            canv.drawString(left, MARGIN_BOTTOM - 12.5 * mm, info.footer_note)
        canv.restoreState()

    def _paint_stamp(self, canv: Canvas, doc: BaseDocTemplate) -> None:
        if not self.info.draft:
            return
        width, height = PAGE_SIZE
        canv.saveState()
        canv.setFillColor(DRAFT_INK)
        canv.setFont(BODY_BOLD, 110)
        canv.translate(width / 2, height / 2)
        canv.rotate(45)
        canv.drawCentredString(0, -35, "DRAFT")
        canv.restoreState()
        # Also in words at the top, where a photocopy keeps it.
        canv.saveState()
        canv.setFont(BODY_BOLD, 9)
        canv.setFillColor(MARKING_INK)
        canv.drawRightString(width - MARGIN_RIGHT, height - 10 * mm, "DRAFT")
        canv.drawString(MARGIN_LEFT, height - 10 * mm, "DRAFT")
        canv.restoreState()


@dataclass(frozen=True)
class BuiltPdf:
    data: bytes
    pages: int


def build(story: Sequence[Flowable], info: DocumentInfo) -> BuiltPdf:
    """Lay out ``story`` with the shared page furniture: the PDF bytes and its page count."""
    buffer = io.BytesIO()
    doc = ExportDocument(buffer, info)
    pages: list[int] = []
    doc.build(list(story), canvasmaker=_numbered_canvas(pages))
    return BuiltPdf(buffer.getvalue(), pages[-1] if pages else 0)


def build_pdf(story: Sequence[Flowable], info: DocumentInfo) -> bytes:
    """Lay out ``story`` with the shared page furniture; the PDF as bytes."""
    return build(story, info).data
