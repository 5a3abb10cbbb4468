"""The meeting room's state without Qt or a database: what is shown, followed, current, the
curtain, where PgDn goes and what a change in the feed calls for."""

from __future__ import annotations

import dataclasses
from typing import Any

from frontdoor_app.meeting.views import ActionView, AgendaRow, AgendaView, MeetingView
from frontdoor_app.ui.meeting.room_state import (
    ActionsTouched,
    CaseBundle,
    Refresh,
    RoomData,
    RoomState,
    Step,
    case_unmoved,
    decisions_only,
    neighbour,
)


def _blank(cls: Any, **values: Any) -> Any:
    """A frozen view with every field None but those given (the state reads only a few)."""
    fields = {f.name: None for f in dataclasses.fields(cls)}
    return cls(**{**fields, **values})


def _meeting(status: str = "in_progress", current: int | None = None, curtain: bool = False) -> Any:
    return _blank(
        MeetingView, id=7, status=status, current_item_id=current, curtain_down=curtain, version=1
    )


def _room(statuses: tuple[str, ...] = ("waiting",) * 4, **meeting: Any) -> RoomData:
    rows = tuple(
        _blank(AgendaRow, item_id=10 + n, position=n + 1, status=s, version=1)
        for n, s in enumerate(statuses)
    )
    view = AgendaView(_meeting(**meeting), rows)
    return RoomData(view.meeting, view, None, 0)


def _state(is_chair: bool, room: RoomData, viewing: int | None = None) -> RoomState:
    state = RoomState(is_chair)
    state.room, state.viewing = room, viewing
    return state


def test_neighbour_skips_deferred_cases_but_not_the_one_it_starts_from() -> None:
    view = _room(("waiting", "deferred", "waiting", "deferred")).agenda
    assert view is not None
    assert neighbour(view, 10, +1) == 12
    assert neighbour(view, 12, -1) == 10
    assert neighbour(view, 11, +1) == 12  # on a deferred case, its neighbours still count
    assert neighbour(view, 12, +1) is None
    assert neighbour(view, None, +1) == 10 and neighbour(view, None, -1) == 12


def test_the_chair_moves_the_meeting_others_browse() -> None:
    chair = _state(True, _room(current=10), viewing=10)
    assert chair.step(+1) == (Step.MAKE_CURRENT, 11)
    chair.moving_to = 11  # pressed again before the write is back: on from where it goes
    assert chair.step(+1) == (Step.MAKE_CURRENT, 12)
    rep = _state(False, _room(current=10), viewing=10)
    assert rep.step(+1) == (Step.BROWSE, 11)
    assert rep.step(-1) is None
    planned = _state(True, _room(status="planned"), viewing=10)
    assert planned.step(+1) == (Step.BROWSE, 11)  # no meeting to move before it opens
    assert RoomState(True).step(+1) is None


def test_a_follower_goes_to_the_chairs_case_unless_typing() -> None:
    rep = _state(False, _room(current=10), viewing=10)
    moved = _room(current=12)
    assert rep.target_after(moved, typing=False).item_id == 12
    held = rep.target_after(moved, typing=True)
    assert held.item_id == 10 and held.held_back and held.chair_row is not None
    assert held.chair_row.position == 3
    rep.follow_chair = False
    assert rep.target_after(moved, typing=False).item_id == 10
    chair = _state(True, _room(current=10), viewing=11)
    assert chair.target_after(moved, typing=False).item_id == 11  # the chair is never pulled
    # Nothing shown yet, or a case no longer on the agenda: the current case, else the first.
    fresh = _state(False, _room())
    fresh.follow_chair = False
    assert fresh.target_after(_room(current=None), typing=False).item_id == 10
    assert fresh.target_after(_room(current=13), typing=False).item_id == 13
    gone = _state(True, _room(), viewing=99)
    assert gone.target_after(_room(current=None), typing=False).item_id == 10
    assert RoomState(False).target_after(RoomData(None, None, None, 0), False).item_id is None


def test_the_curtain_a_press_waits_for_its_save_a_representatives_is_their_own() -> None:
    chair = _state(True, _room(current=10), viewing=10)
    assert not chair.curtain_is_down() and chair.chair_curtain()
    chair.curtain_pending = True
    assert chair.curtain_is_down()
    assert chair.projector_curtain(False)  # a view read before the save keeps it down
    chair.curtain_pending = None
    chair.room = _room(current=10, curtain=True)
    assert chair.curtain_is_down() and chair.projector_curtain(True)
    rep = _state(False, _room(current=10))
    assert not rep.chair_curtain()
    rep.local_curtain = True
    assert rep.curtain_is_down() and rep.projector_curtain(False)
    closed = _state(True, _room(status="closed"))
    assert not closed.chair_curtain()


def test_changes_from_the_feed_call_for_as_little_as_they_can() -> None:
    rep = _state(False, _room(current=10), viewing=10)
    assert rep.refresh_for({"draft", "audit_event"}) is Refresh.NOTHING
    generation = rep.generation
    assert rep.refresh_for({"agenda_item"}) is Refresh.ROOM
    assert rep.refresh_for({"attendance"}) is Refresh.ROOM
    assert rep.refresh_for({"intelligence_entry"}) is Refresh.ASK_CASES
    assert rep.refresh_for({"intelligence_entry", "sharing_decision"}) is Refresh.ASK_CASES
    assert rep.refresh_for({"household", "intelligence_entry"}) is Refresh.CASE
    assert rep.refresh_for({"some_other_table"}) is Refresh.NOTHING
    assert rep.generation > generation
    # Actions: the count and the cases they belong to, not the whole room.
    assert rep.refresh_for({"action"}) is Refresh.ACTIONS
    assert rep.refresh_for({"action", "action_update", "draft"}) is Refresh.ACTIONS
    assert rep.refresh_for({"action", "agenda_item"}) is Refresh.ROOM
    # Entries and actions in one batch: both asked for, in one read, not the room.
    assert rep.refresh_for({"action", "intelligence_entry", "audit_event"}) is Refresh.ACTIONS
    rep.viewing = 11  # held back while typing: any change lets them follow now
    assert rep.refresh_for({"intelligence_entry"}) is Refresh.ROOM
    assert rep.refresh_for({"action"}) is Refresh.ROOM


def test_a_case_read_ahead_is_kept_only_if_nothing_changed_meanwhile() -> None:
    state = _state(False, _room(current=10), viewing=10)
    bundle = CaseBundle(case=None, drafts={})  # type: ignore[arg-type]
    assert state.to_prefetch() == 11
    generation = state.generation
    assert state.keep_prefetched(11, bundle, generation)
    assert state.to_prefetch() is None  # already read ahead
    assert state.take_prefetched(11) is bundle and state.take_prefetched(11) is None
    state.refresh_for({"household"})
    assert not state.keep_prefetched(11, bundle, generation)  # stale: read before the change
    assert state.prefetched == {}


def test_entries_elsewhere_keep_a_case_read_ahead_and_entries_of_it_drop_it() -> None:
    """Fifteen laptops saving entries: a laptop's next case, read ahead, is read again only
    when its own entries changed (not on every entry anyone saves)."""
    state = _state(False, _room(current=10), viewing=10)
    bundle = CaseBundle(case=None, drafts={})  # type: ignore[arg-type]
    assert state.to_prefetch() == 11
    assert state.keep_prefetched(11, bundle, state.generation)
    assert state.refresh_for({"intelligence_entry"}) is Refresh.ASK_CASES
    assert state.prefetched == {11: bundle}  # which cases is not known yet: nothing dropped
    state.cases_changed({10, 12})
    assert state.prefetched == {11: bundle}
    generation = state.generation
    state.cases_changed({11})
    assert state.prefetched == {}
    assert not state.keep_prefetched(11, bundle, generation)  # began before: stale


def test_the_agenda_a_write_returned_replaces_the_one_read() -> None:
    state = _state(True, _room(current=10), viewing=10)
    state.moving_to = 11
    written = _room(current=11).agenda
    assert written is not None
    assert state.agenda_written(written)
    assert state.meeting is not None and state.meeting.current_item_id == 11
    assert state.moving_to is None
    assert not RoomState(True).agenda_written(written)


def test_a_case_is_unmoved_while_its_row_the_agendas_length_and_the_meetings_status_stay() -> None:
    before = _room(("current", "waiting", "waiting", "waiting"), current=10)
    moved = _room(("discussed", "current", "waiting", "waiting"), current=11)
    assert case_unmoved(before, moved, 12)  # the chair moved between two other cases
    assert not case_unmoved(before, moved, 10) and not case_unmoved(before, moved, 11)
    assert not case_unmoved(None, moved, 12)  # nothing to compare with
    shorter = RoomData(
        moved.meeting, dataclasses.replace(moved.agenda, rows=moved.agenda.rows[:3]), None, 0
    )
    assert not case_unmoved(before, shorter, 12)  # a case taken off: its count changes
    closed = _room(("discussed", "current", "waiting", "waiting"), status="closed", current=11)
    assert not case_unmoved(before, closed, 12)
    assert not case_unmoved(before, moved, 99)  # no longer on the agenda


def test_a_decided_case_needs_its_decision_alone_while_the_rest_of_its_row_stays() -> None:
    before = _room(current=10)
    assert before.agenda is not None
    rows = list(before.agenda.rows)
    rows[0] = dataclasses.replace(rows[0], agreed_risk="high", has_decision=True)
    decided = RoomData(
        before.meeting, dataclasses.replace(before.agenda, rows=tuple(rows)), None, 0
    )
    assert not case_unmoved(before, decided, 10)  # its row shows the decision
    assert case_unmoved(before, decided, 10, decided=True)  # ... and nothing else changed
    assert case_unmoved(before, decided, 11, decided=True)  # another case: as it was
    rows[0] = dataclasses.replace(rows[0], status="discussed")
    moved = RoomData(before.meeting, dataclasses.replace(before.agenda, rows=tuple(rows)), None, 0)
    assert not case_unmoved(before, moved, 10, decided=True)  # its status changed too
    closed = _room(status="closed", current=10)
    assert not case_unmoved(before, closed, 11, decided=True)
    assert not case_unmoved(None, decided, 10, decided=True)
    # Which changes call for the case's decision alone (with the room), not the whole case.
    assert decisions_only({"decision"}) and decisions_only({"decision", "decision_outcome"})
    assert decisions_only({"decision", "agenda_item", "meeting"})
    assert not decisions_only({"agenda_item"})  # no decision: the room's rows alone
    assert not decisions_only({"decision", "fgc_referral"})  # an FGC offer: the whole case
    assert not decisions_only({"decision", "intelligence_entry"})


def test_actions_read_alone_go_into_the_list_on_screen() -> None:
    def action(id_: int, item: int, status: str = "open") -> Any:
        return _blank(ActionView, id=id_, agenda_item_id=item, status=status)

    before = (action(1, 10), action(3, 10), action(5, 10))
    changed = (action(2, 10), action(3, 10, "done"), action(5, 11))  # new, changed, moved away
    touched = ActionsTouched(frozenset({10, 11}), 4, 10, changed, only_changed=True)
    now = touched.actions_now(before)
    assert [(a.id, a.status) for a in now] == [(1, "open"), (2, "open"), (3, "done")]
    whole = ActionsTouched(frozenset({10}), 4, 10, (action(7, 10),))
    assert whole.actions_now(before) == (action(7, 10),)  # a whole read replaces the list
    assert ActionsTouched(frozenset({10}), 4, 10, None).actions_now(before) == before
