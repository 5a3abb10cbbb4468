"""The Measures screen on the demo: opened from the main window, range and agency changed,
the tables held equal to the domain function; screenshots and a report-card page rendered."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

from pypdf import PdfReader
from PySide6.QtCharts import QChartView
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from frontdoor_app.context import AppContext
from frontdoor_app.measures import compute, default_range, shown
from frontdoor_app.ui.measures.measures_screen import MeasuresScreen
from tests.ui_support import TODAY, close_window, idle, open_window


def _settle(qtbot) -> None:  # type: ignore[no-untyped-def]
    for _ in range(3):
        QApplication.processEvents()
        qtbot.wait(30)


def _expected(ctx: AppContext, first: dt.date, last: dt.date, agency: str | None = None):  # type: ignore[no-untyped-def]
    with ctx.read_session() as s:
        return compute(s, ctx.profile, first, last, as_of=TODAY, agency=agency)


def _check_tables(screen: MeasuresScreen, expected) -> None:  # type: ignore[no-untyped-def]
    assert screen.measures == expected
    for r in expected.figures:
        panel = screen.panels[r.figure.key]
        assert panel.week_values() == [shown(r.figure, p) for p in r.points], r.figure.key
        total_row = len(r.points)
        assert panel.table.item(total_row, 1).text() == shown(r.figure, r.total)
        if r.parts:
            assert panel.parts_table is not None
            assert [panel.parts_table.item(n, 0).text() for n in range(len(r.parts))] == [
                p.label for p in r.parts
            ]


def test_measures_screen_on_the_demo(
    qtbot, chair_ctx: AppContext, artefacts: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    win = open_window(qtbot, chair_ctx)
    try:
        win.toolbar.measures_action.trigger()
        screen = win.screens.shown["measures"]
        assert isinstance(screen, MeasuresScreen) and screen.isVisible()
        assert win.toolbar.widgetForAction(win.toolbar.measures_action).accessibleName()
        # The demo is built around TODAY: pin it, wait for the default 12 weeks.
        with qtbot.waitSignal(screen.loaded, timeout=30_000):
            screen.set_today(TODAY)
        qtbot.waitUntil(lambda: screen.measures is not None and screen.measures.as_of == TODAY)
        idle(qtbot, win)
        first, last = default_range(TODAY, 12)
        assert screen.chosen() == (first, last)
        _check_tables(screen, _expected(chair_ctx, first, last))
        assert len(screen.panels) == 20
        notifications = screen.panels["notifications"]
        assert notifications.table.item(11, 0).text().endswith("(latest)")
        assert "latest week" in notifications.chart_view.accessibleDescription()
        assert not screen.progress.isVisible()

        # Another range: eight weeks ending four weeks earlier.
        new_first, new_last = first - dt.timedelta(weeks=2), last - dt.timedelta(weeks=4)
        with qtbot.waitSignal(screen.loaded, timeout=30_000):
            screen.set_range(new_first, new_last)
        idle(qtbot, win)
        assert screen.range.currentData() == 0  # "Chosen weeks"
        _check_tables(screen, _expected(chair_ctx, new_first, new_last))
        assert len(screen.measures.weeks) == 10

        # The agency filter: DVS's actions only; the minutes still count everyone.
        with qtbot.waitSignal(screen.loaded, timeout=30_000):
            screen.agency.setCurrentIndex(screen.agency.findData("DVS"))
        idle(qtbot, win)
        expected = _expected(chair_ctx, new_first, new_last, agency="DVS")
        _check_tables(screen, expected)
        everyone = _expected(chair_ctx, new_first, new_last)
        assert (
            expected.figure("actions").total.numerator < everyone.figure("actions").total.numerator
        )
        assert screen.panels["minutes_same_day"].result.filtered is False
        assert "everyone" in screen.panels["minutes_same_day"].heading.text()
        assert "everyone" not in screen.panels["actions"].heading.text()

        # Every chart and table is named for screen readers.
        unnamed = [
            type(w).__name__
            for w in screen.findChildren(QWidget)
            if w.focusPolicy() != Qt.FocusPolicy.NoFocus
            and w.isVisibleTo(screen)
            and not w.accessibleName()
            and type(w).__name__ not in ("QWidget", "QScrollBar", "QCalendarWidget")
            and type(w.parent()).__name__ not in ("QComboBox", "QDateEdit", "QAbstractSpinBox")
        ]
        assert unnamed == []
        assert all(v.accessibleName() for v in screen.findChildren(QChartView))

        # Back to the default range, everyone; screenshots at two sizes.
        screen.agency.setCurrentIndex(0)
        with qtbot.waitSignal(screen.loaded, timeout=30_000):
            screen.range.setCurrentIndex(1)
            screen.range.setCurrentIndex(0)
        qtbot.waitUntil(lambda: screen.measures.agency is None and len(screen.measures.weeks) == 12)
        idle(qtbot, win)
        folder = artefacts / "screens"
        folder.mkdir(parents=True, exist_ok=True)
        for w, h in ((1920, 1080), (1280, 720)):
            screen.resize(w, h)
            _settle(qtbot)
            path = folder / f"measures-{w}x{h}.png"
            assert screen.grab().save(str(path))
            assert path.stat().st_size > 20_000
        screen.figures_scroll.verticalScrollBar().setValue(screen.panels["actions_on_time"].y())
        _settle(qtbot)
        assert screen.grab().save(str(folder / "measures-how-well-1280x720.png"))

        # The report card PDF from the screen, read back and rendered.
        target = tmp_path / "card.pdf"
        screen.save_card(str(target))
        qtbot.waitUntil(lambda: target.exists() and "Saved" in screen.status.text(), timeout=30_000)
        reader = PdfReader(str(target))
        text = "\n".join(page.extract_text() for page in reader.pages)
        assert "OFFICIAL-SENSITIVE" in text and f"Page 1 of {len(reader.pages)}" in text
        assert "Appendix: definitions" in text and "Notifications received" in text
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "80",
                "-f",
                "1",
                "-l",
                "3",
                str(target),
                str(artefacts / "measures-card"),
            ],
            check=True,
        )
    finally:
        close_window(win)
