"""Someone else's action reaches each laptop as the actions of the case it touches: the
actions tab and its count, not the whole room read again; an action of an earlier case
that the history on screen shows reads that case again."""

from __future__ import annotations

import contextlib
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from frontdoor_app.meeting import actions, case, entries
from frontdoor_app.ui.meeting import room_reads
from tests.ui_support import (
    chair_and_visitor_windows,
    close_window,
    context_for,
    open_window,
    settled,
    start_meeting,
)


@dataclass
class Room:
    """The chair's window and a health visitor's on the meeting's first case; ``calls``
    records the health visitor's window reading the room or the whole case again, and
    ``asked`` each look-ahead part it ran (a kind, and the tables it was asked about)."""

    chair_ctx: Any
    rep_ctx: Any
    rep: Any
    view: Any
    item: int
    calls: list[str] = field(default_factory=list)
    asked: list[tuple[str, ...]] = field(default_factory=list)

    def add_action(self) -> None:
        actions.add_action(
            self.chair_ctx.sessions,
            self.chair_ctx.actor,
            self.chair_ctx.profile,
            self.item,
            self.rep_ctx.actor.agency_id,
            "Health visitor to call the mother today",
        )


@contextlib.contextmanager
def _room(  # type: ignore[no-untyped-def]
    qtbot, chair_ctx, demo_db, fresh_settings, profile, monkeypatch
) -> Iterator[Room]:
    with chair_and_visitor_windows(qtbot, chair_ctx, demo_db, fresh_settings, profile) as (
        _chair,
        rep,
        rep_ctx,
        item,
    ):
        view = rep.case_view
        qtbot.waitUntil(lambda: view.case is not None and view.case.item.item_id == item)
        settled(qtbot, rep, rep_ctx)
        room = Room(chair_ctx, rep_ctx, rep, view, item)
        for kind, name in (("actions", "actions_touched"), ("cases", "cases_touched")):
            read = getattr(room_reads, name)

            def counted(s, rows, *a, kind=kind, read=read):  # type: ignore[no-untyped-def]
                if threading.current_thread() is rep.worker._thread:  # not the chair's
                    room.asked.append((kind, *sorted(r.table_name for r in rows)))
                return read(s, rows, *a)

            monkeypatch.setattr(room_reads, name, counted)
        agenda, full = rep.agenda.show_agenda, view.show_case
        rep.agenda.show_agenda = lambda *a, **k: (room.calls.append("room"), agenda(*a, **k))  # type: ignore[method-assign]
        view.show_case = lambda *a, **k: (room.calls.append("case"), full(*a, **k))  # type: ignore[method-assign]
        try:
            yield room
        finally:
            vars(rep.agenda).pop("show_agenda", None)
            vars(view).pop("show_case", None)


def test_an_action_saved_elsewhere_shows_in_the_case_without_reading_the_room(
    qtbot, chair_ctx, demo_db, fresh_settings, profile, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    with _room(qtbot, chair_ctx, demo_db, fresh_settings, profile, monkeypatch) as room:
        view, rep = room.view, room.rep
        before = len(view.case.actions)
        # What the window reads for it: once, with the log (the feed reads ahead while
        # the window is idle), not in a read of its own after.
        window_reads = rep.ops.read
        monkeypatch.setattr(
            rep.ops, "read", lambda *a, **k: (room.calls.append("read"), window_reads(*a, **k))
        )
        room.add_action()
        qtbot.waitUntil(lambda: len(view.case.actions) == before + 1, timeout=3000)
        assert view.actions_tab.model.rows[-1].description.startswith("Health visitor")
        assert view.counts.words(5) == f"Actions ({before + 1})"
        settled(qtbot, rep, room.rep_ctx)
        # Neither the agenda nor the whole case was read again, nor the actions apart.
        assert room.calls == [] and room.asked == [("actions", "action")]


def test_an_entry_and_an_action_read_together_show_without_reading_the_room_or_the_case(
    qtbot, chair_ctx, demo_db, fresh_settings, profile, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """Under load a laptop's one read of the log often brings an entry and an action
    together: both reach the case on screen from that read, as each would alone (this
    read the whole room and the whole case again, on every laptop)."""
    with _room(qtbot, chair_ctx, demo_db, fresh_settings, profile, monkeypatch) as room:
        view, rep = room.view, room.rep
        entries_before, actions_before = len(view.case.intelligence), len(view.case.actions)
        # The laptop's worker is busy while both are saved: its next read of the log
        # brings the two together.
        busy, started = threading.Event(), threading.Event()
        rep.worker.run(lambda: (started.set(), busy.wait(5)))
        assert started.wait(5)
        entries.add_entry(
            chair_ctx.sessions,
            chair_ctx.actor,
            room.item,
            room.rep_ctx.actor.agency_id,
            "The school saw the children this morning",
        )
        room.add_action()
        busy.set()
        qtbot.waitUntil(
            lambda: (
                len(view.case.actions) == actions_before + 1
                and len(view.case.intelligence) == entries_before + 1
            ),
            timeout=3000,
        )
        settled(qtbot, rep, room.rep_ctx)
        assert view.actions_tab.model.rows[-1].description.startswith("Health visitor")
        assert view.counts.words(5) == f"Actions ({actions_before + 1})"
        assert any("The school saw" in e.text for e in view.intelligence.model.rows), (
            "the entry is in the table on screen"
        )
        # One read of the log with both in it, each part asked once; neither the agenda
        # nor the whole case read again.
        assert sorted(room.asked) == [("actions", "action"), ("cases", "intelligence_entry")]
        assert room.calls == []


def test_an_action_of_an_earlier_case_in_the_history_reads_the_case_again(
    qtbot, chair_ctx, demo_db, fresh_settings, profile
) -> None:  # type: ignore[no-untyped-def]
    rep_ctx = context_for(fresh_settings, demo_db, profile, "hv.lee")
    chair = open_window(qtbot, chair_ctx)
    rep = open_window(qtbot, rep_ctx)
    view = rep.case_view
    try:
        start_meeting(qtbot, chair)
        # A case whose history shows an action of an earlier meeting, still open.
        found = None
        with rep_ctx.read_session() as s:
            for row in rep.room.agenda.rows:
                shown = case.load_case(
                    s, row.item_id, rep_ctx.actor, clock=profile.clock, audit_view=False
                )
                events = [
                    e
                    for e in shown.history
                    if e.kind == "action" and e.action_id and (e.status or "").startswith("open")
                ]
                if events:
                    found = (row.item_id, events[0])
                    break
        assert found is not None, "the demo has a case with an earlier open action"
        item, event = found
        rep.set_follow_chair(False)
        rep.show_item(item)
        qtbot.waitUntil(lambda: view.case is not None and view.case.item.item_id == item)
        settled(qtbot, rep, rep_ctx)
        with chair_ctx.read_session() as s:
            earlier = actions.views_for_items(s, [event.agenda_item_id], chair.meeting_date)
        action = next(a for a in earlier if a.id == event.action_id)
        note = "Seen by the health visitor: done"
        actions.update_action_status(
            chair_ctx.sessions,
            chair_ctx.actor,
            action.id,
            action.version,
            "done",
            note,
            today=chair_ctx.profile.today(),
        )

        def updated() -> bool:
            lines = [e for e in view.case.history if e.action_id == action.id]
            return bool(lines) and lines[0].status == "done"

        qtbot.waitUntil(updated, timeout=3000)
    finally:
        close_window(rep)
        close_window(chair)
        rep_ctx.close()


def test_the_chair_moving_case_reads_a_browsing_laptops_case_again_only_when_it_is_one_moved(
    qtbot, chair_ctx, demo_db, fresh_settings, profile
) -> None:  # type: ignore[no-untyped-def]
    """A representative browsing a case of their own while the chair moves between two
    others: their agenda follows the move, their case is not read again (on every laptop
    in the room, at every move, it was); when the chair moves to it, it is."""
    with chair_and_visitor_windows(qtbot, chair_ctx, demo_db, fresh_settings, profile) as (
        chair,
        rep,
        rep_ctx,
        first,
    ):
        view, rows = rep.case_view, rep.room.agenda.rows
        second, browsed = rows[1].item_id, rows[2].item_id
        rep.set_follow_chair(False)
        rep.show_item(browsed)
        qtbot.waitUntil(lambda: view.case is not None and view.case.item.item_id == browsed)
        settled(qtbot, rep, rep_ctx)
        calls: list[str] = []
        full = view.show_case
        view.show_case = lambda *a, **k: (calls.append("case"), full(*a, **k))  # type: ignore[method-assign]
        try:
            chair.make_current(second)
            qtbot.waitUntil(lambda: rep.meeting.current_item_id == second, timeout=5000)
            settled(qtbot, rep, rep_ctx)
            shown = {r.item_id: r.status for r in rep.agenda.model.rows}
            assert shown[second] == "current" and shown[first] != "current"  # it followed
            assert rep.viewing == browsed and view.case.item.item_id == browsed
            assert calls == [], "the browsed case was read again though nothing of it changed"

            chair.make_current(browsed)  # now its own agenda row changes
            qtbot.waitUntil(lambda: view.case.item.status == "current", timeout=5000)
            settled(qtbot, rep, rep_ctx)
            assert calls == ["case"]
            assert view.case.item.item_id == browsed and rep.meeting.current_item_id == browsed
        finally:
            vars(view).pop("show_case", None)


def test_an_action_added_elsewhere_is_read_alone_and_a_status_update_reads_the_list(
    qtbot, chair_ctx, demo_db, fresh_settings, profile, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """Every laptop showing the case read its whole list of actions again for each action
    saved in the room (under load, hundreds): an added action is read alone and goes into
    the list on screen; a status update (with its history) still reads the list."""
    from frontdoor_app.meeting import actions as action_queries

    with _room(qtbot, chair_ctx, demo_db, fresh_settings, profile, monkeypatch) as room:
        view, rep = room.view, room.rep
        lists: list[str] = []
        for name in ("views_for_items", "views_of_actions"):
            read = getattr(action_queries, name)

            def counted(*a, name=name, read=read, **k):  # type: ignore[no-untyped-def]
                # the laptop's reads for the feed (not opening a case, nor reading ahead)
                caller = sys._getframe(1).f_code.co_name
                if threading.current_thread() is rep.worker._thread and caller == "actions_touched":
                    lists.append(name)
                return read(*a, **k)

            monkeypatch.setattr(action_queries, name, counted)
        room.add_action()
        room.add_action()
        qtbot.waitUntil(lambda: len(view.case.actions) >= 2, timeout=3000)
        settled(qtbot, rep, room.rep_ctx)
        with room.chair_ctx.read_session() as s:  # what a whole read has now
            whole = action_queries.views_for_items(
                s, [room.item], room.chair_ctx.profile.clock.today(), updates_for_items=[room.item]
            )
        assert view.case.actions == tuple(whole)  # the same list, in the same order
        assert [r.id for r in view.actions_tab.model.rows] == [a.id for a in whole]
        assert view.counts.words(5) == f"Actions ({len(whole)})"
        assert set(lists) == {"views_of_actions"}, lists
        lists.clear()
        last = whole[-1]
        action_queries.update_action_status(
            room.rep_ctx.sessions,
            room.rep_ctx.actor,
            last.id,
            last.version,
            "done",
            today=room.rep_ctx.profile.today(),
        )
        qtbot.waitUntil(lambda: view.case.actions[-1].status == "done", timeout=3000)
        settled(qtbot, rep, room.rep_ctx)
        assert view.case.actions[-1].updates, "its history came with the list"
        assert lists == ["views_for_items"]
