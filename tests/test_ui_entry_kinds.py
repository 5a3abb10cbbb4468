"""The intelligence list's Kind column marks a victim's view or a child's voice: hidden in
a case that has neither (blank on every row, it took the entry's room), shown on the
laptops as soon as someone saves one, and hidden again in the next case without."""

from __future__ import annotations

from frontdoor_app.meeting import entries
from frontdoor_app.ui.case.intelligence_tab import KIND_COLUMN
from frontdoor_app.ui.core.messages import Messages
from frontdoor_app.ui.core.worker import Worker
from frontdoor_app.ui.meeting.main_window import MainWindow
from tests.meeting_support import DAY, build_open
from tests.ui_support import context_for


def test_the_kind_column_is_shown_only_while_the_case_has_a_view_or_a_voice(
    qtbot, ctx, fresh_settings, db_url, profile
) -> None:  # type: ignore[no-untyped-def]
    who, built, police = build_open(ctx, 2)
    first, second = built.item_ids[:2]
    for item in (first, second):
        entries.add_entry(ctx.sessions, who.police, item, police, "Two call-outs in October")
    rep = context_for(fresh_settings, db_url, profile, "hv.lee")
    win = MainWindow(rep, Worker(), Messages(), meeting_date=DAY, live_interval_ms=50)
    qtbot.addWidget(win)
    try:
        win.resize(1280, 720)
        win.show()
        win.load()
        win.set_follow_chair(False)
        cv = win.case_view
        tab = cv.intelligence
        cv.show_tab("intelligence")
        win.show_item(first)
        qtbot.waitUntil(lambda: cv.case is not None and cv.case.item.item_id == first)
        qtbot.waitUntil(lambda: len(tab.model.rows) == 1)
        assert tab.table.isColumnHidden(KIND_COLUMN)  # agency intelligence only
        assert tab.model.text(0, KIND_COLUMN) == ""

        # someone saves the victim's view: the column comes, naming it, on this laptop
        said = "She wants the children to stay at school"
        entries.add_entry(ctx.sessions, who.police, first, police, said, kind="victim_view")
        qtbot.waitUntil(lambda: len(tab.model.rows) == 2, timeout=10_000)
        assert not tab.table.isColumnHidden(KIND_COLUMN)
        row = next(n for n, r in enumerate(tab.model.rows) if r.text == said)
        assert tab.model.text(row, KIND_COLUMN) == "Victim's view"
        assert tab.table.columnWidth(KIND_COLUMN) > 0

        win.show_item(second)  # a case with neither: hidden again
        qtbot.waitUntil(lambda: cv.case is not None and cv.case.item.item_id == second)
        qtbot.waitUntil(lambda: len(tab.model.rows) == 1)
        assert tab.table.isColumnHidden(KIND_COLUMN)
    finally:
        win.shutdown()
        win.worker.stop()
        rep.close()
