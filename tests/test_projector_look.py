"""What the room sees on the projector, painted: the risk in yellow, the section headings in
blue, the timer turning yellow when the case runs over, and a long entry's every line
set in under its heading (as its first line is)."""

from __future__ import annotations

import dataclasses

from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QLabel

from frontdoor_app.meeting import entries
from frontdoor_app.meeting.projector import load_projector_view
from frontdoor_app.ui.projector.projector import ProjectorWindow
from tests.meeting_support import agency_id
from tests.test_meeting_projector import _meeting_with_current_case

YELLOW = QColor("#ffe14d")
BLUE = QColor("#9fd3ff")
WHITE = QColor("#ffffff")
LONG = (
    "Bail conditions: no contact with the victim or the children; the next court date is "
    "4 December, and the officer in the case will tell the school and the health visitor "
    "what the conditions are, so that anyone who sees him near the house can call 999."
)


def _ink(image: QImage) -> set[tuple[int, int, int]]:
    """The colours painted brighter than the black background (the text's own)."""
    found = set()
    for y in range(image.height()):
        for x in range(image.width()):
            colour = image.pixelColor(x, y)
            if colour.lightness() > 40:
                found.add((colour.red(), colour.green(), colour.blue()))
    return found


def _has(ink: set[tuple[int, int, int]], colour: QColor) -> bool:
    target = (colour.red(), colour.green(), colour.blue())
    return any(all(abs(a - b) <= 8 for a, b in zip(c, target, strict=True)) for c in ink)


def _line_starts(label: QLabel) -> list[int]:
    """The leftmost painted x of each line of text in ``label``."""
    image = label.grab().toImage()
    starts: list[int] = []
    inked_before = False
    for y in range(image.height()):
        xs = [x for x in range(image.width()) if image.pixelColor(x, y).lightness() > 100]
        if xs and not inked_before:
            starts.append(min(xs))
        elif xs:
            starts[-1] = min(starts[-1], *xs)
        inked_before = bool(xs)
    return starts


def _window(qtbot, view, width: int = 1280, height: int = 720) -> ProjectorWindow:  # type: ignore[no-untyped-def]
    window = ProjectorWindow(target_minutes=10)
    qtbot.addWidget(window)
    window.resize(width, height)
    window.show()
    qtbot.waitExposed(window)
    window.show_view(view)
    _laid_out(qtbot, window)
    return window


def _laid_out(qtbot, window: ProjectorWindow) -> None:  # type: ignore[no-untyped-def]
    window.page_layout.activate()
    qtbot.waitUntil(lambda: window.risk.width() > 50 and window.timer.width() > 50)
    body = [lab for lab in window.findChildren(QLabel) if lab.parent() is not window.stack]
    qtbot.waitUntil(lambda: all(lab.isVisible() for lab in body if lab.text()))


def test_the_risk_the_headings_and_an_overrun_are_painted_in_their_colours(qtbot, ctx) -> None:  # type: ignore[no-untyped-def]
    _who, built, _item = _meeting_with_current_case(ctx)
    with ctx.session() as s:
        view = load_projector_view(s, built.meeting_id)
    window = _window(qtbot, dataclasses.replace(view, started_at=None, seconds_spent=60))
    assert _has(_ink(window.risk.grab().toImage()), YELLOW)
    sections = [
        lab for lab in window.findChildren(QLabel) if lab.objectName() == "projectorSection"
    ]
    assert sections and all(_has(_ink(lab.grab().toImage()), BLUE) for lab in sections)
    timer = _ink(window.timer.grab().toImage())
    assert _has(timer, WHITE) and not _has(timer, YELLOW)  # a minute of ten
    window.show_view(dataclasses.replace(view, started_at=None, seconds_spent=11 * 60))
    _laid_out(qtbot, window)
    assert window.timer.text().endswith("11:00")
    assert _has(_ink(window.timer.grab().toImage()), YELLOW)  # over the ten minutes


def test_every_line_of_a_long_entry_sits_in_under_its_heading(qtbot, ctx) -> None:  # type: ignore[no-untyped-def]
    who, built, item = _meeting_with_current_case(ctx)
    with ctx.session() as s:
        police = agency_id(s, "POL")
    entries.add_entry(ctx.sessions, who.police, item, police, LONG)
    with ctx.session() as s:
        view = load_projector_view(s, built.meeting_id)
    window = _window(qtbot, view)
    long_entry = next(lab for lab in window.findChildren(QLabel) if "Bail conditions" in lab.text())
    heading = next(lab for lab in window.findChildren(QLabel) if lab.text() == "Shared so far")
    starts = _line_starts(long_entry)
    assert len(starts) >= 2, "the entry should wrap on a 1280-pixel screen"
    assert max(starts) - min(starts) <= 4  # the lines after the first are in as far
    heading_x = heading.mapTo(window, heading.rect().topLeft()).x() + min(_line_starts(heading))
    line_x = long_entry.mapTo(window, long_entry.rect().topLeft()).x() + min(starts)
    assert line_x - heading_x >= 8  # in under the heading


def test_on_a_1024_by_768_projector_the_top_line_fits_the_screen(qtbot, ctx, artefacts) -> None:  # type: ignore[no-untyped-def]
    """Many meeting rooms still have an XGA projector: the case number, a medium risk and
    an overrun timer in two digits stay on the screen, and as large as that allows."""
    _who, built, _item = _meeting_with_current_case(ctx)
    with ctx.session() as s:
        view = load_projector_view(s, built.meeting_id)
    worst = dataclasses.replace(
        view, case_number=28, case_total=32, agreed_risk="medium", seconds_spent=59 * 60 + 59
    )
    window = _window(qtbot, worst, 1024, 768)
    assert window.width() == 1024
    assert window.minimumSizeHint().width() <= 1024
    for label in (window.heading, window.risk, window.timer):
        right = label.mapTo(window, label.rect().topRight()).x()
        assert right <= window.width(), (label.text(), right)
        shown = label.fontMetrics().horizontalAdvance(label.text())
        assert shown <= label.contentsRect().width(), label.text()  # not cut short
    assert window.heading_pixel_height() >= 36  # still read from the back of the room
    assert window.grab().save(str(artefacts / "projector-1024x768.png"))


def test_moved_from_a_large_screen_to_a_small_one_it_takes_the_small_ones_size(qtbot, ctx) -> None:  # type: ignore[no-untyped-def]
    """Opened on a 1920x1080 screen, then sent to a 1024x768 projector: the window takes the
    projector's size (the large screen's type set no minimum the small one cannot meet)."""
    _who, built, _item = _meeting_with_current_case(ctx)
    with ctx.session() as s:
        view = load_projector_view(s, built.meeting_id)
    window = _window(qtbot, view, 1920, 1080)
    window.resize(1024, 768)
    qtbot.waitUntil(lambda: window.width() == 1024 and window.height() == 768)
    _laid_out(qtbot, window)
    for label in (window.heading, window.risk, window.timer):
        assert label.mapTo(window, label.rect().topRight()).x() <= 1024, label.text()
        assert label.fontMetrics().horizontalAdvance(label.text()) <= label.contentsRect().width()
