"""An entry saved by someone else changes a tab's count on every laptop showing the case:
only the count is painted again, not the bar's tabs, the case on screen nor the widgets
under the bar, and the screen is then as a whole repaint would show it, the bar in the
window's colour, the count in its tab's colour whatever the tab's state; a count that needs
more room still gets it."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, QPointF, QRect
from PySide6.QtGui import QColor, QHoverEvent
from PySide6.QtWidgets import QApplication

from frontdoor_app.meeting import entries
from frontdoor_app.ui.core.theme import window_colour
from tests.ui_support import (
    close_window,
    context_for,
    idle,
    on_screen_is_a_fresh_paint,
    open_window,
    settled,
    start_meeting,
)


class _Paints(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.counts: dict[str, int] = {}
        self.rects: dict[str, list[QRect]] = {}

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Paint:
            self.counts[obj.objectName()] = self.counts.get(obj.objectName(), 0) + 1
            self.rects.setdefault(obj.objectName(), []).append(event.rect())
        return False


def test_a_new_count_paints_the_tab_bar_not_the_case(
    qtbot, chair_ctx, demo_db, fresh_settings, profile
) -> None:  # type: ignore[no-untyped-def]
    rep_ctx = context_for(fresh_settings, demo_db, profile, "hv.lee")
    chair = open_window(qtbot, chair_ctx)
    rep = open_window(qtbot, rep_ctx)
    paints = _Paints()
    view = rep.case_view
    try:
        item = start_meeting(qtbot, chair)
        rep.set_follow_chair(False)
        rep.show_item(item)
        qtbot.waitUntil(lambda: view.case is not None and view.case.item.item_id == item)
        view.tabs.setCurrentIndex(0)  # the incident: the case as the room sees it
        settled(qtbot, rep, rep_ctx)
        bar = view.tabs.tabBar()
        bar.setObjectName("caseTabBar")
        before = len(view.case.intelligence) + len(view.case.victim_views)
        before += len(view.case.child_voices)
        assert view.counts.words(3) == f"Intelligence ({before})"
        assert bar.accessibleTabName(3) == f"Intelligence ({before})"  # read out whole
        count = view.counts.label(3)
        assert count is not None
        # The widgets under the bar, up to the window: a bar that does not fill its own
        # background has each of them paint its part of what shows through it.
        view.tabs.setObjectName("caseTabs")
        under = ("caseTabs", "caseView", "mainWindow")
        for watched in (view.heading, view.risk, view.incident, bar, count, view.tabs, view, rep):
            watched.installEventFilter(paints)
        agency = rep_ctx.actor.agency_id
        tab_before = bar.tabRect(3)
        # Under heavy load (six busy processes beside it) the window sometimes paints its
        # heading once more for a reason outside the count: 2 runs in 25, never alone. Each
        # entry's count must paint its tab, and one of up to three must paint nothing else
        # (a count that repaints the case does so every time).
        attempts = 3 if len(str(before + 3)) == len(str(before)) else 1
        clean = False
        for _ in range(attempts):
            paints.counts.clear()
            paints.rects.clear()
            entries.add_entry(chair_ctx.sessions, chair_ctx.actor, item, agency, "Seen at school")
            before += 1
            shown = f"Intelligence ({before})"
            qtbot.waitUntil(lambda shown=shown: view.counts.words(3) == shown)
            idle(qtbot, rep)
            qtbot.wait(100)
            idle(qtbot, rep)
            assert paints.counts.get("tabCount", 0) >= 1  # the new count is on screen
            # A count as wide as the last (digits are equally wide): it alone is painted,
            # inside its tab, and the tabs stay where they were.
            assert bar.tabRect(3) == tab_before
            assert tab_before.contains(count.geometry())
            clean = not any(
                paints.counts.get(name, 0)
                for name in (
                    "caseTabBar",
                    "caseHeading",
                    "caseRisk",
                    view.incident.objectName(),
                    *under,
                )
            )
            assert on_screen_is_a_fresh_paint(bar)  # (which paints the bar: after the count)
            if clean:
                break
        assert clean, paints.counts
        # The bar beyond its last tab is the window's colour, as it was when the window
        # painted it (the desk theme's: not Qt's grey).
        assert window_colour() == QColor("#f6f7f9")
        end = bar.tabRect(bar.count() - 1).right()
        assert end + 20 < bar.width()
        strip = bar.mapTo(rep, QPoint(end + 10, bar.height() // 2))
        shown = rep.screen().grabWindow(rep.winId()).toImage()
        assert shown.pixelColor(strip) == window_colour()

        # Enough entries for the count to need another digit: the tab grows to hold it.
        target = 10 ** len(str(before))
        for n in range(target - before):
            entries.add_entry(chair_ctx.sessions, chair_ctx.actor, item, agency, f"Note {n}")
        paints.rects.clear()
        qtbot.waitUntil(lambda: view.counts.words(3) == f"Intelligence ({target})")
        idle(qtbot, rep)
        qtbot.wait(50)
        # Another digit moves the tabs after it: the whole bar is painted.
        assert any(r.width() == bar.width() for r in paints.rects["caseTabBar"])
        assert on_screen_is_a_fresh_paint(bar)
        needed = bar.fontMetrics().horizontalAdvance(f"Intelligence ({target})")
        assert bar.tabRect(3).width() >= needed
        assert bar.tabRect(3).contains(count.geometry())
        assert bar.geometry().width() >= min(bar.sizeHint().width(), view.tabs.width())
    finally:
        close_window(rep)
        close_window(chair)
        rep_ctx.close()


def _shown(window, widget, x: int, y: int) -> QColor:  # type: ignore[no-untyped-def]
    """The colour the window shows at (x, y) of ``widget``."""
    image = window.screen().grabWindow(window.winId()).toImage()
    return image.pixelColor(widget.mapTo(window, QPoint(x, y)))


def test_a_count_wears_its_tabs_colours_selected_hovered_or_neither(qtbot, chair_ctx) -> None:  # type: ignore[no-untyped-def]
    """The count fills its own background (so it alone is painted): in its tab's colour
    whatever the tab's state, as the tab beside it shows, and in the tab's font."""
    chair = open_window(qtbot, chair_ctx)
    view = chair.case_view
    try:
        settled(qtbot, chair, chair_ctx)
        bar = view.tabs.tabBar()
        count = view.counts.label(3)
        assert count is not None and count.autoFillBackground()

        def matches_its_tab() -> tuple[QColor, QColor]:
            idle(qtbot, chair)
            qtbot.wait(20)
            where = count.geometry()
            mine = _shown(chair, bar, where.left() + 1, where.top() + 1)
            # the room Qt keeps between a title and its count: the tab's own background
            tab = _shown(chair, bar, where.left() - 2, where.top() + 1)
            return mine, tab

        view.tabs.setCurrentIndex(0)
        mine, tab = matches_its_tab()
        assert mine == tab
        unselected = tab
        view.tabs.setCurrentIndex(3)
        mine, tab = matches_its_tab()
        assert mine == tab and tab != unselected  # white, the selected tab's
        assert count.font().bold() and on_screen_is_a_fresh_paint(bar)

        view.tabs.setCurrentIndex(0)
        inside = bar.tabRect(3).center()
        over = QHoverEvent(QEvent.Type.HoverMove, QPointF(inside), QPointF(inside), QPointF(0, 0))
        QApplication.sendEvent(bar, over)
        mine, tab = matches_its_tab()
        assert mine == tab and tab not in (unselected, QColor("#ffffff"))  # the hover's
        assert count.property("tab") == "hovered"
        QApplication.sendEvent(
            bar,
            QHoverEvent(QEvent.Type.HoverLeave, QPointF(-1, -1), QPointF(-1, -1), QPointF(inside)),
        )
        mine, tab = matches_its_tab()
        assert mine == tab == unselected
        assert not count.font().bold()
        # The count sits on its title's line, just after it: the bar's own text, drawn by
        # the count for it, starts where the title's room ends.
        assert bar.tabRect(3).contains(count.geometry())
    finally:
        close_window(chair)
