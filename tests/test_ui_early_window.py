"""The main window before the database: on the embedded file it is built from the first look
(stdlib sqlite3) while SQLAlchemy has not loaded yet, every control live; what a click asks
for runs once the database is open, and a start that fails after all takes the window away
and says why (``ui.shell.app``, ``app_context.DatabaseLater``)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from frontdoor_app.app_context import DatabaseNotOpen
from frontdoor_app.ui.shell import app as desktop
from frontdoor_app.ui.shell.early_window import EarlyWindow


def _start(qtbot: Any, database: str) -> desktop.Started:
    started = desktop.start(database)
    qtbot.addWidget(started.shell)
    return started


def _adopted(qtbot: Any, started: desktop.Started) -> None:
    qtbot.waitUntil(lambda: started.shell.main is not None, timeout=60_000)


def _when_shown(monkeypatch: pytest.MonkeyPatch, then: Callable[[EarlyWindow, Any], None]) -> None:
    """``then(early, window)`` runs the moment the early window is on screen, while the
    worker still waits to open the database."""
    show = EarlyWindow.show

    def show_then(early: EarlyWindow) -> None:
        show(early)
        assert early.window is not None
        then(early, early.window)

    monkeypatch.setattr(EarlyWindow, "show", show_then)


def test_a_case_chosen_before_the_database_is_open_is_shown_once_it_is(
    qtbot: Any, demo_db: str, monkeypatch: pytest.MonkeyPatch, artefacts: Path
) -> None:
    asked: dict[str, Any] = {}

    def choose(early: EarlyWindow, window: Any) -> None:
        # The window is in place and the worker still waits to open the database: nothing
        # reaches it yet. The third case is chosen now.
        asked["attached"] = early.attached
        with pytest.raises(DatabaseNotOpen):
            window.ctx.sessions()
        asked["item"] = window.agenda.model.rows[2].item_id
        window.browse_to(asked["item"])

    _when_shown(monkeypatch, choose)
    started = _start(qtbot, demo_db)
    shell = started.shell
    try:
        qtbot.waitUntil(lambda: started.window is not None, timeout=60_000)
        window = started.window
        assert window is not None
        assert window.ctx.actor.login == "test.chair" and window.ctx.actor.is_chair
        assert asked["attached"] is False
        with qtbot.waitSignal(window.case_shown, timeout=60_000) as shown:
            pass
        assert shown.args == [asked["item"]]
        assert started.early is not None and started.early.attached
        qtbot.waitUntil(lambda: started._database_reported, timeout=60_000)
        case = window.case_view.case
        assert case is not None and case.item.item_id == asked["item"]
        assert window.feed_on  # the change feed runs once the database is open
        shell.grab().save(str(artefacts / "early-window-case-chosen-1280x800.png"))
    finally:
        started.stop()


def test_a_start_that_fails_after_the_window_is_in_place_says_why_in_its_place(
    qtbot: Any, demo_db: str, monkeypatch: pytest.MonkeyPatch, artefacts: Path
) -> None:
    import frontdoor_app.startup as startup

    def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise OSError("the disk is not there")

    monkeypatch.setattr(startup, "prepare", broken)
    started = _start(qtbot, demo_db)
    shell = started.shell
    try:
        _adopted(qtbot, started)
        qtbot.waitUntil(lambda: shell.failed, timeout=60_000)
        assert shell.main is None and started.window is None
        assert shell.glance is not None
        assert "could not be opened: the disk is not there" in shell.glance.message
        assert started.exit_code == 1
        shell.grab().save(str(artefacts / "early-window-start-failed-1280x800.png"))
    finally:
        started.stop()


def test_a_window_built_for_someone_the_database_does_not_sign_in_is_never_given_it(
    qtbot: Any, demo_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What the first look read of the user differs from what the sign-in finds (their role
    # changed in between): the window built for the first is taken away, and nothing it
    # queued ran as them.
    import frontdoor_app.meeting.first_look as first_look

    real = first_look.read_first_rest

    def as_viewer(*args: Any) -> Any:
        rest = real(*args)
        return dataclasses.replace(rest, actor=dataclasses.replace(rest.actor, role="viewer"))

    monkeypatch.setattr(first_look, "read_first_rest", as_viewer)
    started = _start(qtbot, demo_db)
    shell = started.shell
    try:
        _adopted(qtbot, started)
        later = started.early.later if started.early else None
        assert later is not None
        qtbot.waitUntil(lambda: shell.failed, timeout=60_000)
        assert not later.attached and shell.main is None and started.window is None
        assert shell.glance is not None and "access to this database changed" in (
            shell.glance.message
        )
        assert started.ctx is not None and started.ctx.actor.role == "chair"
    finally:
        started.stop()


def test_the_started_window_gives_the_agenda_room_for_the_household_names(
    qtbot: Any, demo_db: str
) -> None:
    # The start builds the main window hidden and gives it the agenda before it is on
    # screen; the agenda's share of the window was then worked out from a hidden splitter
    # (100 pixels wide) and the names read "Kow…" at 1280x800.
    from frontdoor_app.ui.meeting.agenda_panel import HOUSEHOLD

    started = _start(qtbot, demo_db)
    try:
        _adopted(qtbot, started)
        window = started.window
        assert window is not None and started.shell.width() == 1280
        table = window.agenda.table
        qtbot.waitUntil(lambda: table.isVisible() and table.width() > 200)
        names = [table.model().index(r, HOUSEHOLD).data() for r in range(table.model().rowCount())]
        longest_common = max((n for n in names if len(n) <= 10), key=len)
        assert table.horizontalHeader().sectionSize(HOUSEHOLD) >= (
            table.fontMetrics().horizontalAdvance(longest_common)
        ), (longest_common, table.horizontalHeader().sectionSize(HOUSEHOLD))
    finally:
        started.stop()


def test_a_meeting_with_no_cases_yet_opens_its_database_without_waiting_for_a_paint(
    qtbot: Any, chair_ctx: Any
) -> None:
    # Today's meeting exists with nothing on its agenda: there is no row to paint, and the
    # database must not wait for one (the opening waits for the window's paint).
    import datetime as dt

    from frontdoor_app.models import Meeting, utcnow

    url = chair_ctx.settings.database_url
    now = utcnow()
    with chair_ctx.session() as s:
        s.add(Meeting(meeting_date=dt.date.today(), window_start=now, window_end=now))
    chair_ctx.close()
    started = _start(qtbot, url)
    try:
        _adopted(qtbot, started)
        window, early = started.window, started.early
        assert window is not None and early is not None
        assert window.agenda.model.rowCount() == 0
        assert early._painted.is_set()  # the worker goes on at once
        qtbot.waitUntil(lambda: started._database_reported, timeout=60_000)
        assert early.attached and window.feed_on
    finally:
        started.stop()


def test_until_the_database_is_open_the_window_says_so_not_live_nor_no_case(
    qtbot: Any, demo_db: str, monkeypatch: pytest.MonkeyPatch, artefacts: Path
) -> None:
    """The window in place before the database said "● live" and "No case selected" while
    it opened the database and read the first case: both untrue for that moment."""
    seen: dict[str, Any] = {}

    def look(_early: EarlyWindow, window: Any) -> None:
        row = window.agenda.model.rows[0]
        seen["row"] = row
        window.browse_to(row.item_id)
        seen["live"] = window.header.live_label.text()
        seen["state"] = window.header.live_label.property("state")
        seen["case"] = window.case_view.empty.text()
        seen["name"] = window.case_view.empty.accessibleName()
        window.grab().save(str(artefacts / "early-window-opening-1280x800.png"))

    _when_shown(monkeypatch, look)
    started = _start(qtbot, demo_db)
    try:
        qtbot.waitUntil(lambda: started.window is not None, timeout=60_000)
        window = started.window
        assert window is not None
        row = seen["row"]
        assert seen["live"] == "○ connecting…" and seen["state"] == "connecting"
        opening = f"Opening case {row.position}: {row.household_name}…"
        assert seen["case"] == opening and seen["name"] == opening
        qtbot.waitUntil(lambda: window.live.following, timeout=60_000)
        assert window.header.live_label.text() == "● live"
        assert window.header.live_label.property("state") == "live"
        qtbot.waitUntil(lambda: window.case_view.case is not None, timeout=60_000)
        assert window.case_view.stack.currentWidget() is window.case_view.page
    finally:
        started.stop()


def test_a_case_that_cannot_be_opened_leaves_no_case_shown_and_says_why(
    qtbot: Any, chair_ctx: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While a case is read the case view names it; a read that fails does not leave it
    saying "Opening…" for ever: no case is shown, and the message says why."""
    from frontdoor_app.ui.meeting import room_reads
    from tests.ui_support import close_window, idle, open_window

    window = open_window(qtbot, chair_ctx)
    try:
        rows = window.agenda.model.rows
        window.case_view.clear()  # as at the start: no case yet
        refused = RuntimeError("the case could not be read")

        def fail(*_args: Any, **_kwargs: Any) -> Any:
            raise refused

        monkeypatch.setattr(room_reads, "load_case_bundle", fail)
        window.browse_to(rows[1].item_id)
        assert window.case_view.empty.text().startswith(f"Opening case {rows[1].position}")
        idle(qtbot, window)
        assert window.case_view.case is None
        assert window.case_view.empty.text() == window.case_view.no_case
        assert any("could not be read" in m.text for m in window.messages.log)
    finally:
        close_window(window)
