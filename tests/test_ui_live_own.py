"""A window's own save reaches its screens as anyone's does: through the change feed, read once.

The Save reads nothing back itself: the change log brings the entry, with the question of
which case it touched answered in the same read (or from the entry the log's read brought),
and the case on screen shows it, once. The whole case is not read again. A later change to
the same row by anyone else is read the same way: the case on screen has its entries read,
and nothing else of it.
"""

from __future__ import annotations

import threading
from typing import Any

from PySide6.QtCore import QTimer

from frontdoor_app.context import AppContext
from frontdoor_app.meeting import entries
from frontdoor_app.meeting.action_reads import open_actions_count
from frontdoor_app.sync.changes import last_change_id
from frontdoor_app.ui.core.worker import Worker
from frontdoor_app.ui.meeting import room_reads
from tests.test_ui_server_meeting import server_meeting  # noqa: F401 - a fixture
from tests.ui_support import (
    calls_of,
    close_window,
    idle,
    open_window,
    settled,
    start_meeting,
)


def test_an_own_entry_is_read_once_and_anothers_edit_is_still_read(
    qtbot, chair_ctx, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    read_once(qtbot, chair_ctx, monkeypatch)


def test_on_the_server_an_own_entry_is_read_once_too(qtbot, request, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """PostgreSQL: the doorbell (LISTEN) rings for the window's own commit as well."""
    read_once(qtbot, request.getfixturevalue("server_meeting")["chair"], monkeypatch)


def test_on_the_server_a_save_answered_late_is_still_read_once(qtbot, request, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The Save's answer reaches the window after the doorbell its COMMIT rang (a laptop
    whose CPU is taken: the commit is sent with the audit chain's statement, and the saver
    waits its turn behind everyone it woke). The log's read that brings the entry is
    handed back after the Save's answer, not before it: the window knows the entry is its
    own and reads it once."""
    deliver, waiting = Worker._deliver, []

    def deliver_late(worker: Worker, callback: Any, result: Any, is_error: bool) -> None:
        if worker._stopped:  # the window closing: nothing waits for it, and no timer is left
            deliver(worker, callback, result, is_error)
            return

        def now() -> None:
            waiting.remove(now)
            deliver(worker, callback, result, is_error)

        waiting.append(now)
        QTimer.singleShot(LATE_ANSWER_MS, now)

    # (before the window is opened: its worker connects this to its results)
    monkeypatch.setattr(Worker, "_deliver", deliver_late)
    try:
        read_once(qtbot, request.getfixturevalue("server_meeting")["chair"], monkeypatch)
    finally:
        qtbot.waitUntil(lambda: not waiting, timeout=5000)  # (the window is closed: dropped)


# Each answer of the worker is handed to the window this much later: far longer than the
# doorbell and the log's read take on loopback.
LATE_ANSWER_MS = 150


def read_once(qtbot, chair_ctx: AppContext, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    win = open_window(qtbot, chair_ctx)
    try:
        first = start_meeting(qtbot, win)
        with chair_ctx.read_session() as s:
            newest = last_change_id(s)
        qtbot.waitUntil(lambda: (win.live.last_id or 0) >= newest, timeout=5000)
        qtbot.wait(400)
        idle(qtbot, win)

        loads: list[int] = []
        asked: list[int] = []
        load_case_bundle, cases_touched = room_reads.load_case_bundle, room_reads.cases_touched

        def counted_load(ctx: Any, item_id: int, audit_view: bool, **kw: Any) -> Any:
            loads.append(item_id)
            return load_case_bundle(ctx, item_id, audit_view, **kw)

        def counted_touched(s: Any, rows: Any, shown: Any, viewer: Any) -> Any:
            # (on the server the feed first asks with no connection, from what the log's
            # read brought; a question that needs the server is asked again where it can
            # read: only those count)
            if s.bind is not None:
                asked.append(len(rows))
            return cases_touched(s, rows, shown, viewer)

        monkeypatch.setattr(room_reads, "load_case_bundle", counted_load)
        monkeypatch.setattr(room_reads, "cases_touched", counted_touched)
        batches: list[list[tuple[str, int | None]]] = []
        win.live.changed.connect(
            lambda rows: batches.append([(r.table_name, r.row_id) for r in rows])
        )

        asks: list[str] = []  # the window's own reads besides the log's (none expected)
        window_read = win._read
        monkeypatch.setattr(
            win, "_read", lambda fn, done, doing: (asks.append(doing), window_read(fn, done, doing))
        )
        form = win.case_view.intelligence
        assert form.agency.currentData() is not None
        form.text.setPlainText("Said once, read once")
        form.flush_draft()  # kept as a draft first: the Save clears it in its transaction
        idle(qtbot, win)
        form.save.click()
        qtbot.waitUntil(
            lambda: any(e.text == "Said once, read once" for e in win.case_view.case.intelligence),
            timeout=5000,
        )
        entry = next(e for e in win.case_view.case.intelligence if e.text.startswith("Said once"))
        # The feed brought it (the log is the truth for every client, this one included)...
        mine = ("intelligence_entry", entry.id)
        assert any(mine in b for b in batches)
        qtbot.wait(600)  # several feed ticks
        idle(qtbot, win)
        # (with the draft the Save cleared, which is no news to anyone)
        assert any(t == "draft" for t, _ in next(b for b in batches if mine in b))
        assert sum(mine in b for b in batches) == 1
        shown = [e for e in win.case_view.case.intelligence if e.text == "Said once, read once"]
        assert len(shown) == 1
        # ... the whole case was not read again, and no read was asked besides the log's:
        # which case it touched was asked with the log (or answered from the entry the
        # log's read brought, on the server), once at most.
        assert loads.count(first) == 0
        assert asks == []
        assert len(asked) <= 1
        before = len(asked)

        # Someone else changes the same entry: that change is read, in the same unit of
        # work as the log (the window is idle, so the feed reads ahead): no second read.
        entries.edit_entry(
            chair_ctx.sessions, chair_ctx.actor, entry.id, entry.version, text="Changed elsewhere"
        )
        qtbot.waitUntil(
            lambda: any(e.text == "Changed elsewhere" for e in win.case_view.case.intelligence),
            timeout=5000,
        )
        assert asked[before:] == [1]
        assert asks == []
        # An entry changed, nothing else: the entries were read with the question, and
        # the rest of the case was not read again.
        assert loads.count(first) == 0
    finally:
        close_window(win)


def test_on_the_server_a_log_read_answered_while_a_save_is_under_way_waits_for_it(
    qtbot, request, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """The log's read was sent before the Save went in, and a busy server ran it after the
    Save's COMMIT: its answer brings the window's own entry while the Save's answer is not
    back. The answer is taken behind the Save's, so the window shows its own entry after its
    Save is done, not before; the entry is shown once, from what the log's read brought
    (no question of the server which case it touched)."""
    chair_ctx = request.getfixturevalue("server_meeting")["chair"]
    win = open_window(qtbot, chair_ctx)
    release = threading.Event()
    try:
        first = start_meeting(qtbot, win)
        settled(qtbot, win, chair_ctx)
        touched: list[int] = []
        cases_touched = room_reads.cases_touched

        def counted_touched(s: Any, rows: Any, shown: Any, viewer: Any) -> Any:
            if s.bind is not None:  # asked of the server, not of what the log's read brought
                touched.append(len(rows))
            return cases_touched(s, rows, shown, viewer)

        monkeypatch.setattr(room_reads, "cases_touched", counted_touched)
        batches: list[list[tuple[str, int | None]]] = []
        order: list[str] = []
        win.live.changed.connect(
            lambda rows: (
                batches.append([(r.table_name, r.row_id) for r in rows]),
                order.append("feed"),
            )
        )
        # The Save's COMMIT (as this window's user), then the read sent, then the Save's
        # job still under way on the worker: nothing goes back to the event loop between.
        agency = chair_ctx.actor.agency_id or win.case_view.intelligence.agency.currentData()
        entry = entries.add_entry(
            chair_ctx.sessions, chair_ctx.actor, first, agency, "Saved while the log was read"
        )
        win.live.poll()
        assert win.live._answer.waiting  # sent from this thread, not read on the worker
        win.worker.run(
            lambda: release.wait(10),
            lambda _r: order.append("save"),  # the Save's answer
        )
        qtbot.waitUntil(lambda: not win.live._answer.waiting, timeout=5000)  # answered
        qtbot.wait(100)
        assert batches == []  # taken behind the Save, not before it
        release.set()
        mine = ("intelligence_entry", entry.id)
        qtbot.waitUntil(lambda: any(mine in b for b in batches), timeout=5000)
        idle(qtbot, win)
        assert order == ["save", "feed"]
        assert touched == []
        text = "Saved while the log was read"
        qtbot.waitUntil(
            lambda: any(e.text == text for e in win.case_view.case.intelligence), timeout=5000
        )
        assert sum(e.text == text for e in win.case_view.case.intelligence) == 1
    finally:
        release.set()
        close_window(win)


def test_an_own_action_reaches_the_case_and_the_count_through_the_feed(
    qtbot, chair_ctx, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """An action added in this window shows in its actions tab as anyone's does: from the
    change log, read with it (with the room's count of open actions); the room and the
    whole case are not read again for it."""
    win = open_window(qtbot, chair_ctx)
    try:
        first, rooms, loads = _started_counting_reads(qtbot, win, chair_ctx, monkeypatch)
        batches: list[list[tuple[str, int | None]]] = []
        win.live.changed.connect(
            lambda rows: batches.append([(r.table_name, r.row_id) for r in rows])
        )
        tab = win.case_view.actions_tab
        before = len(tab.model.rows)
        tab.description.setText("Health visitor to call the mother by Friday")
        tab.add.click()
        qtbot.waitUntil(lambda: len(tab.model.rows) == before + 1, timeout=5000)
        added = tab.model.rows[-1]
        assert added.description == "Health visitor to call the mother by Friday"
        assert ("action", added.id) in [row for b in batches for row in b]  # the feed's
        qtbot.wait(400)  # the feed's ticks: nothing more comes of it
        idle(qtbot, win)
        # The room's count of open actions (from earlier meetings) is as the server counts.
        with chair_ctx.read_session() as s:
            counted = open_actions_count(s, win.meeting.id)
        assert win.room.open_actions == counted.open
        assert rooms == []
        assert loads == []
        assert [r.id for r in tab.model.rows].count(added.id) == 1
        assert added.agenda_item_id == first
    finally:
        close_window(win)


def test_an_own_decision_reads_the_room_and_the_decision_once(
    qtbot, chair_ctx, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """A decision changes what the agenda shows and the case's decision, nothing else of
    the case: every window reads the room again when the log brings it, with the decision
    of the case it shows, this one as well, and only then (not once for its Save and again
    for the log). The rest of the case (its history, household, entries, actions) is not
    read again."""
    from frontdoor_app.meeting import decisions
    from tests.test_ui_conflicts import _fill, _plain_codes

    win = open_window(qtbot, chair_ctx)
    try:
        first, rooms, loads = _started_counting_reads(qtbot, win, chair_ctx, monkeypatch)
        decided = calls_of(monkeypatch, decisions, "load_decision")
        tabs = win.case_view.tabs
        assert tabs.tabText(tabs.indexOf(win.case_view.decision)) == "Decision"
        _fill(win, _plain_codes(win)[0], "high", "Mother to be seen by the IDVA first")
        win.case_view.decision.save.click()
        qtbot.waitUntil(lambda: win.case_view.case.decision is not None, timeout=5000)
        qtbot.wait(600)  # the feed's ticks: nothing more comes of it
        idle(qtbot, win)
        assert rooms == [win.meeting.id]
        assert decided == [first]
        assert loads.count(first) == 0
        case = win.case_view.case
        assert case.decision.rationale == "Mother to be seen by the IDVA first"
        row = win.room.agenda.row(first)
        assert row is not None and row.has_decision and row.agreed_risk == "high"
        assert case.item == row  # the heading's facts, as the agenda has them
        # What every tab shows: the decision tab says who decided, its title is ticked,
        # and the form holds what was saved (no "changed by" notice: it is this one's).
        tab = win.case_view.decision
        assert tabs.tabText(tabs.indexOf(tab)) == "Decision ✓"
        assert tab.decided.text().startswith("Decided by Jo Chair")
        assert tab.rationale.toPlainText() == "Mother to be seen by the IDVA first"
        assert tab.base_version == case.decision.version
        assert not tab.notice.isVisibleTo(win)
        with chair_ctx.read_session() as s:
            assert case.decision == decisions.load_decision(s, first)
    finally:
        close_window(win)


def test_an_own_decision_offering_an_fgc_reads_the_whole_case_once(
    qtbot, chair_ctx, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """A decision that offers the family an FGC starts the offer in the same transaction:
    the case's FGC tab has news too, so the whole case is read again, once (not its
    decision alone)."""
    from tests.test_ui_conflicts import _fill

    win = open_window(qtbot, chair_ctx)
    try:
        first, rooms, loads = _started_counting_reads(qtbot, win, chair_ctx, monkeypatch)
        assert win.case_view.case.fgc == ()
        offer = next(o.code for o in win.case_view.decision._options if o.is_fgc_offer)
        _fill(win, offer, "medium", "Mother wants her sister involved")
        win.case_view.decision.save.click()
        qtbot.waitUntil(lambda: win.case_view.case.fgc != (), timeout=5000)
        qtbot.wait(600)  # the feed's ticks: nothing more comes of it
        idle(qtbot, win)
        assert rooms == [win.meeting.id]
        assert loads.count(first) == 1
        case = win.case_view.case
        assert case.decision is not None and [o.code for o in case.decision.outcomes] == [offer]
        assert win.messages.log == []
    finally:
        close_window(win)


def _started_counting_reads(qtbot, win, ctx, monkeypatch) -> tuple[int, list[int], list[int]]:  # type: ignore[no-untyped-def]
    """The meeting started and settled in ``win``: its first case, and the meetings whose
    room and the cases whose whole bundle are read from then on."""
    first = start_meeting(qtbot, win)
    settled(qtbot, win, ctx)
    qtbot.wait(300)
    idle(qtbot, win)
    rooms = calls_of(monkeypatch, room_reads, "load_room")
    loads = calls_of(monkeypatch, room_reads, "load_case_bundle")
    return first, rooms, loads


def test_an_own_move_of_the_agenda_reads_the_room_once(qtbot, chair_ctx, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The chair moves a case down the agenda: the room is read again once, when the log
    brings the move (as in every other window), not for the Save and again for the log."""
    win = open_window(qtbot, chair_ctx)
    try:
        first, rooms, loads = _started_counting_reads(qtbot, win, chair_ctx, monkeypatch)
        rows = win.room.agenda.rows
        last = rows[-1].item_id
        win.move_case(last, 1)
        qtbot.waitUntil(lambda: win.room.agenda.rows[0].item_id == last, timeout=5000)
        qtbot.wait(600)  # the feed's ticks: nothing more comes of it
        idle(qtbot, win)
        assert rooms == [win.meeting.id]
        assert [r.item_id for r in win.room.agenda.rows][1:] == [r.item_id for r in rows[:-1]]
        # The case on screen is second now (its heading says so): read again, once.
        assert loads.count(first) == 1
    finally:
        close_window(win)


def test_an_own_attendance_change_reads_the_list_and_the_room_once(
    qtbot, chair_ctx, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """Someone recorded as present in the attendance dialog: the dialog's list and the
    room (its count in the toolbar) are read again once, when the change log brings the
    change (as in every other window), not for the Save and again for the log."""
    from frontdoor_app.meeting import lifecycle

    win = open_window(qtbot, chair_ctx)
    try:
        first, rooms, loads = _started_counting_reads(qtbot, win, chair_ctx, monkeypatch)
        meeting_id = win.meeting.id
        lists = calls_of(monkeypatch, lifecycle, "list_attendance")
        dialog = win.screens.open("attendance")
        qtbot.waitUntil(lambda: lists == [meeting_id], timeout=5000)  # opened: read
        idle(qtbot, win)
        before = dialog.model.rowCount()
        batches: list[set[str]] = []
        win.live.changed.connect(lambda rows: batches.append({r.table_name for r in rows}))
        dialog.agency.setCurrentIndex(dialog.agency.count() - 1)
        dialog.name.setText("Priya Shah")
        dialog.status.setCurrentIndex(dialog.status.findData("present"))
        dialog.add.click()
        qtbot.waitUntil(lambda: dialog.model.rowCount() == before + 1, timeout=5000)
        qtbot.wait(600)  # the feed's ticks: nothing more comes of it
        idle(qtbot, win)
        assert any("attendance" in tables for tables in batches)  # the feed brought it
        assert "Priya Shah" in [dialog.model.row_at(n).person_name for n in range(before + 1)]
        assert lists == [meeting_id, meeting_id]  # opened, and once for the Save
        assert rooms == [meeting_id]
        assert loads == []  # the case shown did not move
        dialog.reject()  # closed: the feed has brought what it saved; nothing is read again
        qtbot.wait(300)
        idle(qtbot, win)
        assert rooms == [meeting_id]
        assert loads == []
    finally:
        close_window(win)
