"""Actions: default due date, status updates with notes, never deleted, review and tracker."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from frontdoor_app.meeting import actions
from frontdoor_app.meeting.due import add_working_days
from frontdoor_app.meeting.errors import ConflictError, MeetingError, PermissionDenied
from frontdoor_app.models import Action, ActionUpdate, AuditEvent
from tests.meeting_support import DAY, agency_id, build, case, meeting, people


def test_due_date_defaults_to_working_days_after_the_meeting(ctx):
    who = people(ctx)
    built = build(ctx, 1, day=dt.date(2026, 11, 27))  # a Friday
    with ctx.session() as s:
        hv = agency_id(s, "HV")
    assert ctx.profile.meeting.action_due_days == 5
    assert add_working_days(dt.date(2026, 11, 27), 5) == dt.date(2026, 12, 4)
    action = actions.add_action(
        ctx.sessions,
        who.health,
        ctx.profile,
        built.item_ids[0],
        hv,
        "Home visit",
        owner_name="Hannah Lee",
    )
    assert action.due_date == dt.date(2026, 12, 4) and action.status == "open"
    assert (action.agency_code, action.household_name) == ("HV", "Kowalski")
    with pytest.raises(MeetingError, match="before the meeting"):
        actions.add_action(
            ctx.sessions,
            who.chair,
            ctx.profile,
            built.item_ids[0],
            hv,
            "Visit",
            due_date=dt.date(2026, 11, 1),
        )
    with pytest.raises(PermissionDenied):
        actions.add_action(ctx.sessions, who.police, ctx.profile, built.item_ids[0], hv, "Visit")


def test_status_updates_need_notes_and_nothing_is_ever_deleted(ctx):
    who = people(ctx)
    built = build(ctx, 1)
    with ctx.session() as s:
        hv = agency_id(s, "HV")
    a = actions.add_action(ctx.sessions, who.chair, ctx.profile, built.item_ids[0], hv, "Visit")
    with pytest.raises(MeetingError, match="note saying why the action is not possible"):
        actions.update_action_status(
            ctx.sessions, who.health, a.id, a.version, "not_possible", today=ctx.profile.today()
        )
    with pytest.raises(MeetingError, match="already open"):
        actions.update_action_status(
            ctx.sessions, who.health, a.id, a.version, "open", today=ctx.profile.today()
        )
    with pytest.raises(PermissionDenied):
        actions.update_action_status(
            ctx.sessions, who.housing, a.id, a.version, "done", today=ctx.profile.today()
        )
    noted = actions.update_action_status(
        ctx.sessions,
        who.health,
        a.id,
        a.version,
        "open",
        "Tried twice, no answer.",
        today=ctx.profile.today(),
    )
    closed = actions.update_action_status(
        ctx.sessions,
        who.health,
        a.id,
        noted.version,
        "not_possible",
        "Family moved to Manchester.",
        meeting_id=built.meeting_id,
        today=ctx.profile.today(),
    )
    assert closed.status == "not_possible" and closed.closed_at is not None
    assert [(u.status_from, u.status_to, u.note) for u in closed.updates] == [
        (None, None, "Tried twice, no answer."),
        ("open", "not_possible", "Family moved to Manchester."),
    ]
    with pytest.raises(ConflictError):
        actions.update_action_status(
            ctx.sessions, who.health, a.id, a.version, "done", today=ctx.profile.today()
        )
    reopened = actions.update_action_status(
        ctx.sessions,
        who.chair,
        a.id,
        closed.version,
        "open",
        "Family back in Leeds.",
        today=ctx.profile.today(),
    )
    assert reopened.status == "open" and reopened.closed_at is None
    edited = actions.edit_action(
        ctx.sessions,
        who.chair,
        a.id,
        reopened.version,
        description="Joint visit with DV service",
        due_date=DAY + dt.timedelta(days=2),
        today=ctx.profile.today(),
    )
    assert edited.description == "Joint visit with DV service"
    with ctx.session() as s:
        assert s.scalar(select(func.count(Action.id))) == 1
        assert s.scalar(select(func.count(ActionUpdate.id))) == 3
        assert s.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "delete")) == 0
    assert not hasattr(actions, "delete_action")


def _spread(ctx, who):
    """Actions on two earlier meetings for three agencies, some overdue, some closed."""
    with ctx.session() as s:
        old = meeting(s, DAY - dt.timedelta(days=14), status="closed")
        recent = meeting(s, DAY - dt.timedelta(days=3), status="closed")
        today = meeting(s, DAY)
        items = [case(s, old, 1).id, case(s, recent, 1, surname="Walker").id]
        today_item = case(s, today, 1, surname="Nowak").id
        hv, hsg, pol = (agency_id(s, c) for c in ("HV", "HSG", "POL"))
        rows = [
            (items[0], hv, "Hannah Lee", DAY - dt.timedelta(days=5)),
            (items[0], hsg, "Ravi Rao", DAY - dt.timedelta(days=9)),
            (items[1], hv, "Helen Park", DAY + dt.timedelta(days=2)),
            (items[1], pol, "PC 4711 Smith", DAY + dt.timedelta(days=1)),
            (items[1], pol, "PC 99", DAY - dt.timedelta(days=1)),
            (today_item, hv, "Hannah Lee", DAY + dt.timedelta(days=7)),
        ]
        made = []
        for item_id, agency, owner, due in rows:
            action = Action(
                agenda_item_id=item_id,
                owner_agency_id=agency,
                owner_name=owner,
                description=f"Task for {owner}",
                due_date=due,
            )
            s.add(action)
            s.flush()
            made.append(action.id)
        done = s.get(Action, made[4])
        done.status = "done"
        return today.id, made, hv


def test_open_actions_from_earlier_meetings_by_agency_overdue_flagged(ctx):
    who = people(ctx)
    today_id, made, _ = _spread(ctx, who)
    with ctx.session() as s:
        groups = actions.open_actions_review(s, today_id)
    summary = [(g.agency_code, g.overdue, [a.id for a in g.actions]) for g in groups]
    assert summary == [
        ("HV", 1, [made[0], made[2]]),
        ("HSG", 1, [made[1]]),
        ("POL", 0, [made[3]]),
    ]
    assert groups[0].actions[0].overdue and not groups[0].actions[1].overdue
    assert [g.total for g in groups] == [2, 1, 1]
    with ctx.session() as s:
        first_only = actions.open_actions_review(s, today_id, limit_per_agency=1)
        counted = actions.open_actions_count(s, today_id)
    assert [(g.agency_code, g.total, g.overdue, [a.id for a in g.actions]) for g in first_only] == [
        ("HV", 2, 1, [made[0]]),
        ("HSG", 1, 1, [made[1]]),
        ("POL", 1, 0, [made[3]]),
    ]
    assert (counted.open, counted.overdue) == (4, 2)


def test_what_falls_due_on_the_day_is_counted_and_marked_apart_from_overdue(ctx):
    who = people(ctx)
    today_id, made, hv = _spread(ctx, who)
    with ctx.session() as s:  # one due on the day and open, one due on the day and done
        earlier_item = s.get(Action, made[0]).agenda_item_id
        on_the_day = []
        for status in ("open", "done"):
            action = Action(
                agenda_item_id=earlier_item,
                owner_agency_id=hv,
                owner_name="Hannah Lee",
                description=f"Due on the day, {status}",
                due_date=DAY,
                status=status,
            )
            s.add(action)
            s.flush()
            on_the_day.append(action.id)
    with ctx.session() as s:
        page = actions.action_tracker(s, today=DAY)
        everything = actions.action_tracker(s, today=DAY, statuses=("open", "done"))
        tomorrow = actions.action_tracker(s, today=DAY + dt.timedelta(days=1))
        groups = actions.open_actions_review(s, today_id)
    flagged = {a.id: (a.overdue, a.due_today) for a in everything.rows}
    assert flagged[on_the_day[0]] == (False, True)
    assert flagged[on_the_day[1]] == (False, False)  # done: nothing is due
    assert flagged[made[0]] == (True, False) and flagged[made[2]] == (False, False)
    assert (page.total, page.overdue_total, page.due_today_total) == (6, 2, 1)
    assert everything.due_today_total == 1
    # A day later it is overdue, and the police's action due then is the one due today.
    assert (tomorrow.overdue_total, tomorrow.due_today_total) == (3, 1)
    assert [a.id for a in tomorrow.rows if a.due_today] == [made[3]]
    # At the opening of the day's meeting, by agency: HV has one overdue, one due today.
    assert [(g.agency_code, g.total, g.overdue, g.due_today) for g in groups] == [
        ("HV", 3, 1, 1),
        ("HSG", 1, 1, 0),
        ("POL", 1, 0, 0),
    ]


def test_tracker_pages_filters_and_puts_overdue_first(ctx):
    who = people(ctx)
    _, made, hv = _spread(ctx, who)
    with ctx.session() as s:
        page = actions.action_tracker(s, today=DAY, limit=2)
        rest = actions.action_tracker(s, today=DAY, limit=2, offset=2)
        by_hv = actions.action_tracker(s, today=DAY, agency_id=hv)
        by_owner = actions.action_tracker(s, today=DAY, owner="hannah")
        everything = actions.action_tracker(s, today=DAY, statuses=("open", "done"), limit=10)
    assert page.total == 5 and page.overdue_total == 2
    assert [a.id for a in page.rows] == [made[1], made[0]] and all(a.overdue for a in page.rows)
    assert [a.id for a in rest.rows] == [made[3], made[2]]
    assert [a.id for a in by_hv.rows] == [made[0], made[2], made[5]]
    assert [a.owner_name for a in by_owner.rows] == ["Hannah Lee", "Hannah Lee"]
    assert everything.rows[-1].id == made[4] and everything.total == 6
