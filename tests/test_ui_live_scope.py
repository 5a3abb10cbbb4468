"""An entry saved on one case reloads only the screens showing that case."""

from __future__ import annotations

from frontdoor_app.meeting import entries
from tests.ui_support import (
    close_window,
    context_for,
    idle,
    open_window,
    settled,
    start_meeting,
)


def test_an_entry_on_another_case_does_not_reload_mine(
    qtbot, chair_ctx, demo_db, fresh_settings, profile
) -> None:  # type: ignore[no-untyped-def]
    rep_ctx = context_for(fresh_settings, demo_db, profile, "hv.lee")
    chair = open_window(qtbot, chair_ctx)
    rep = open_window(qtbot, rep_ctx)
    try:
        first = start_meeting(qtbot, chair)
        second = chair.room.agenda.rows[1].item_id
        rep.set_follow_chair(False)
        rep.show_item(second)
        qtbot.waitUntil(lambda: rep.case_view.case.item.item_id == second, timeout=3000)
        # Everything written so far (the chair opening the meeting) has reached this window.
        settled(qtbot, rep, rep_ctx)
        qtbot.wait(400)
        idle(qtbot, rep)
        shown: list[int] = []
        original, entries_only = rep.case_view.show_case, rep.case_view.show_entries
        rep.case_view.show_case = lambda case, keep_edits=False: (  # type: ignore[method-assign]
            shown.append(case.item.item_id),
            original(case, keep_edits),
        )
        # (an entry saved elsewhere reaches the case on screen as its entries only)
        rep.case_view.show_entries = lambda case: (  # type: ignore[method-assign]
            shown.append(case.item.item_id),
            entries_only(case),
        )
        agency = rep_ctx.actor.agency_id
        entries.add_entry(rep_ctx.sessions, rep_ctx.actor, first, agency, "On the first case")
        qtbot.waitUntil(lambda: rep.live.last_id is not None and rep.worker.pending == 0)
        qtbot.wait(600)  # several feed ticks
        idle(qtbot, rep)
        assert shown == []
        entries.add_entry(rep_ctx.sessions, rep_ctx.actor, second, agency, "On the second case")
        qtbot.waitUntil(lambda: second in shown, timeout=3000)
        assert any(e.text == "On the second case" for e in rep.case_view.case.intelligence)
    finally:
        vars(rep.case_view).pop("show_case", None)  # no cycle left holding the widget
        vars(rep.case_view).pop("show_entries", None)
        close_window(rep)
        close_window(chair)
        rep_ctx.close()
