"""The agenda: rows with flags, reorder, defer, the current case, next and previous."""

from __future__ import annotations

import datetime as dt

import pytest

from frontdoor_app.meeting import agenda, decisions, lifecycle
from frontdoor_app.meeting.errors import ConflictError, MeetingStateError, PermissionDenied
from frontdoor_app.models import AgendaItem
from tests.meeting_support import DAY, build, meeting, people


def _open(ctx, chair, meeting_id):
    with ctx.session() as s:
        m = lifecycle.load_meeting(s, meeting_id)
    return lifecycle.open_meeting(ctx.sessions, chair, meeting_id, m.version)


def test_agenda_rows_carry_risk_flags_children_and_status(ctx):
    built = build(ctx, 3)
    with ctx.session() as s:
        view = agenda.load_agenda(s, built.meeting_id)
    first, second = view.rows[0], view.rows[1]
    assert [r.position for r in view.rows] == [1, 2, 3]
    assert (first.household_name, first.initials, first.postcode_district) == (
        "Kowalski",
        "K.",
        "LS9",
    )
    assert first.dash_risk == "high" and first.marac == ("visible_high_risk",)
    assert first.flag_codes == ("M", "R", "U5") and first.repeat_count == 2
    assert first.flag_texts == (
        "MARAC: visible high risk",
        "Repeat: discussed in the last 12 months",
        "2 earlier notifications in 12 months",
        "Child under five",
    )
    assert first.children == 2 and first.child_ages == (0, 7) and first.status == "waiting"
    assert second.household_name == "Walker" and second.dash_risk == "medium"
    assert second.child_ages == (0, 7) and second.under5 and "U5" in second.flag_codes
    assert view.meeting.total_items == 3 and view.meeting.waiting == 3


def test_chair_reorders_and_defers_with_versions(ctx):
    who = people(ctx)
    built = build(ctx, 4)
    with ctx.session() as s:
        rows = agenda.load_agenda(s, built.meeting_id).rows
        tomorrow = meeting(s, DAY + dt.timedelta(days=1))
        tomorrow_id = tomorrow.id
    last = rows[3]
    with pytest.raises(PermissionDenied, match="reorder"):
        agenda.move_item(ctx.sessions, who.police, last.item_id, last.version, 1)
    view = agenda.move_item(ctx.sessions, who.chair, last.item_id, last.version, 1)
    assert [r.item_id for r in view.rows] == [built.item_ids[i] for i in (3, 0, 1, 2)]
    assert [r.position for r in view.rows] == [1, 2, 3, 4]
    with pytest.raises(ConflictError):
        agenda.move_item(ctx.sessions, who.chair, last.item_id, last.version, 4)
    moved = view.row(last.item_id)
    assert moved is not None
    view = agenda.defer_item(ctx.sessions, who.chair, moved.item_id, moved.version)
    row = view.row(moved.item_id)
    assert row is not None and row.status == "deferred" and view.meeting.deferred == 1
    with ctx.session() as s:
        assert s.get(AgendaItem, moved.item_id).deferred_to_meeting_id == tomorrow_id
        assert agenda.next_item_id(s, built.meeting_id, None) == built.item_ids[0]
        assert agenda.previous_item_id(s, built.meeting_id, built.item_ids[0]) is None
        assert agenda.next_item_id(s, built.meeting_id, built.item_ids[2]) is None
        assert agenda.previous_item_id(s, built.meeting_id, None) == built.item_ids[2]
        assert agenda.next_item_id(s, built.meeting_id, None, skip_deferred=False) == moved.item_id
    view = agenda.reinstate_item(ctx.sessions, who.chair, row.item_id, row.version)
    assert view.row(row.item_id).status == "waiting"


def test_current_case_follows_the_chair_and_keeps_the_timer(ctx):
    who = people(ctx)
    built = build(ctx, 3)
    a, b, c = built.item_ids
    with pytest.raises(MeetingStateError, match="not been opened"):
        agenda.set_current(ctx.sessions, who.chair, built.meeting_id, a)
    _open(ctx, who.chair, built.meeting_id)
    with pytest.raises(PermissionDenied):
        agenda.set_current(ctx.sessions, who.police, built.meeting_id, a)
    view = agenda.set_current(ctx.sessions, who.chair, built.meeting_id, a)
    assert view.meeting.current_item_id == a and view.row(a).status == "current"
    assert view.row(a).started_at is not None
    decisions.save_decision(ctx.sessions, who.chair, ctx.profile, a, ["IDVA"], "high", None)
    started = view.row(a).started_at
    assert view.row(a).timer_seconds(started + dt.timedelta(seconds=90)) == 90
    view = agenda.set_current(ctx.sessions, who.chair, built.meeting_id, b)
    assert view.row(a).status == "discussed" and view.row(a).started_at is None
    assert view.row(a).timer_seconds(started + dt.timedelta(hours=5)) == view.row(a).seconds_spent
    assert view.row(b).status == "current"
    # b has no decision: moving on puts it back to waiting.
    view = agenda.set_current(ctx.sessions, who.chair, built.meeting_id, c)
    assert view.row(b).status == "waiting" and view.row(c).status == "current"
    with pytest.raises(MeetingStateError, match="no decision yet"):
        agenda.mark_discussed(ctx.sessions, who.chair, c, view.row(c).version)
    decisions.save_decision(ctx.sessions, who.chair, ctx.profile, c, ["EH"], "medium", None)
    view = agenda.mark_discussed(ctx.sessions, who.chair, c, view.row(c).version)
    assert view.row(c).status == "discussed" and view.meeting.current_item_id is None
    assert view.meeting.discussed == 2 and view.meeting.waiting == 1
    view = agenda.defer_item(ctx.sessions, who.chair, b, view.row(b).version)
    with pytest.raises(MeetingStateError, match="deferred"):
        agenda.set_current(ctx.sessions, who.chair, built.meeting_id, b)
    with pytest.raises(MeetingStateError, match="discussed and decided"):
        agenda.defer_item(ctx.sessions, who.chair, a, view.row(a).version)


def test_one_case_timer_for_rows_screens_and_the_writes_that_stop_it():
    from frontdoor_app.meeting.timer import case_seconds, stop_timer

    start = dt.datetime(2026, 11, 23, 9, 30, tzinfo=dt.UTC)
    later = start + dt.timedelta(minutes=3, seconds=5)
    assert case_seconds(None, 120, later) == 120  # not running: the earlier stretches
    assert case_seconds(start, 120, later) == 305
    assert case_seconds(start.replace(tzinfo=None), 120, later) == 305  # SQLite's naive UTC
    assert case_seconds(later, 120, start) == 120  # a clock behind never counts backwards

    class Item:
        started_at: dt.datetime | None = start
        seconds_spent = 60

    item = Item()
    stop_timer(item, later)
    assert item.seconds_spent == 245
