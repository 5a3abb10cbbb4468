"""A whole meeting at the domain level, and the change feed a second client reads."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from frontdoor_app.context import build_context
from frontdoor_app.meeting import (
    actions,
    agenda,
    amendments,
    decisions,
    entries,
    feed,
    lifecycle,
)
from frontdoor_app.meeting import (
    case as case_view,
)
from frontdoor_app.meeting.errors import DecisionRefused
from frontdoor_app.meeting.projector import load_projector_view
from frontdoor_app.models import (
    Action,
    ActionUpdate,
    AgendaItem,
    Amendment,
    Decision,
    IntelligenceEntry,
    Meeting,
)
from frontdoor_app.models.database import make_engine, make_session_factory
from frontdoor_app.sync.changes import last_change_id
from tests.meeting_support import DAY, agency_id, build, case, meeting, people


@pytest.fixture
def any_ctx(fresh_settings, any_app_url, profile):
    """The context on a fresh SQLite file and (marked postgres) on a PostgreSQL database."""
    context = build_context(fresh_settings.with_database(any_app_url), profile)
    yield context
    context.close()


def test_a_whole_meeting(any_ctx, any_app_url):
    ctx, db_url = any_ctx, any_app_url
    who = people(ctx)
    with ctx.session() as s:
        earlier = meeting(s, DAY - dt.timedelta(days=7), status="closed")
        old_item = case(s, earlier, 1, surname="Hughes")
        pol, hv, hsg, dvs = (agency_id(s, c) for c in ("POL", "HV", "HSG", "DVS"))
        old_action = Action(
            agenda_item_id=old_item.id,
            owner_agency_id=hv,
            owner_name="Hannah Lee",
            description="Visit",
            due_date=DAY - dt.timedelta(days=1),
        )
        s.add(old_action)
    built = build(ctx, 4)
    a, b, c, d = built.item_ids
    # A second client on the same file, its own engine and connections.
    other = make_engine(db_url)
    other_sessions = make_session_factory(other)
    with other_sessions() as s:
        seen = last_change_id(s)

    with ctx.session() as s:
        m = lifecycle.find_meeting(s, DAY)
    assert m is not None and m.id == built.meeting_id
    m = lifecycle.open_meeting(ctx.sessions, who.chair, m.id, m.version)
    lifecycle.mark_confidentiality_read(ctx.sessions, who.chair, m.id)
    for agency, name, status in (
        (pol, "PC 4711 Smith", "present"),
        (hv, "Hannah Lee", "present"),
        (hsg, "Ravi Rao", "present"),
        (dvs, "Dee V", "apologies"),
    ):
        lifecycle.add_attendance(ctx.sessions, who.admin, m.id, agency, name, status)

    # Open actions first.
    with ctx.session() as s:
        review = actions.open_actions_review(s, m.id)
    assert [(g.agency_code, g.overdue) for g in review] == [("HV", 1)]
    stale = review[0].actions[0]
    actions.update_action_status(
        ctx.sessions,
        who.health,
        stale.id,
        stale.version,
        "not_done",
        "Not done: staff sickness.",
        meeting_id=m.id,
        today=ctx.profile.today(),
    )

    # Three cases discussed with intelligence from three agencies.
    for item in (a, b, c):
        agenda.set_current(ctx.sessions, who.chair, m.id, item)
        entries.add_entry(ctx.sessions, who.police, item, pol, "Two earlier call-outs.")
        entries.add_entry(ctx.sessions, who.health, item, hv, "Baby missed two checks.")
        entries.add_entry(
            ctx.sessions, who.housing, item, hsg, "Rent arrears.", restricted_to_agency_id=hsg
        )
        actions.add_action(
            ctx.sessions, who.health, ctx.profile, item, hv, "Home visit", owner_name="Hannah Lee"
        )
    # (each set_current above left the previous case waiting: no decision yet)
    agenda.set_current(ctx.sessions, who.chair, m.id, a)
    with other_sessions() as s:
        shown = load_projector_view(s, m.id)
    assert shown.item_id == a and [e.text for e in shown.entries] == [
        "Two earlier call-outs.",
        "Baby missed two checks.",
    ]
    with pytest.raises(DecisionRefused, match="rationale is required"):
        decisions.save_decision(ctx.sessions, who.chair, ctx.profile, a, ["NFA"], "standard", "")
    decisions.save_decision(
        ctx.sessions,
        who.chair,
        ctx.profile,
        a,
        ["NFA"],
        "standard",
        "Perpetrator remanded; victim with family out of area.",
    )
    agenda.set_current(ctx.sessions, who.chair, m.id, b)
    decisions.save_decision(ctx.sessions, who.chair, ctx.profile, b, ["IDVA", "EH"], "medium", None)
    agenda.set_current(ctx.sessions, who.chair, m.id, c)
    decisions.save_decision(ctx.sessions, who.chair, ctx.profile, c, ["CSWS"], "high", None)
    view = agenda.set_current(ctx.sessions, who.chair, m.id, None)
    view = agenda.defer_item(ctx.sessions, who.chair, d, view.row(d).version)

    # The second client sees what happened, case by case, without reloading everything.
    with other_sessions() as s:
        changed = feed.affected_since(s, seen, m.id)
    assert changed.meeting_changed and changed.agenda_changed and changed.attendance_changed
    assert changed.actions_changed and {a, b, c, d} <= changed.item_ids
    with other_sessions() as s:
        quiet = feed.affected_since(s, changed.last_id, m.id)
    assert quiet.nothing and quiet.last_id == changed.last_id

    with ctx.session() as s:
        m = lifecycle.load_meeting(s, m.id)
    closed = lifecycle.close_meeting(ctx.sessions, who.chair, m.id, m.version)
    assert (closed.discussed, closed.deferred, closed.waiting) == (3, 1, 0)

    # An amendment after close.
    with ctx.session() as s:
        decision = case_view.load_case(s, b, who.chair, clock=ctx.profile.clock).decision
    decisions.save_decision(
        ctx.sessions,
        who.chair,
        ctx.profile,
        b,
        ["IDVA", "EH", "HSG"],
        "medium",
        None,
        version=decision.version,
        reason="Housing referral agreed after the meeting by email.",
    )
    with other_sessions() as s:
        after = feed.affected_since(s, changed.last_id, m.id)
    assert after.amendments_changed and after.item_ids == {b}

    # The database holds exactly that.
    with ctx.session() as s:
        row = s.get(Meeting, m.id)
        statuses = dict(
            s.execute(
                select(AgendaItem.id, AgendaItem.status).where(AgendaItem.meeting_id == m.id)
            ).all()
        )
        assert row.status == "closed" and row.confidentiality_read_at is not None
        assert statuses == {a: "discussed", b: "discussed", c: "discussed", d: "deferred"}
        assert (
            s.scalar(
                select(func.count(Decision.id)).where(Decision.agenda_item_id.in_([a, b, c, d]))
            )
            == 3
        )
        assert s.scalar(select(func.count(IntelligenceEntry.id))) == 9
        assert s.scalar(select(func.count(Action.id))) == 4
        assert s.scalar(select(ActionUpdate.status_to)) == "not_done"
        assert len(lifecycle.list_attendance(s, m.id)) == 4
        listed = amendments.list_amendments(s, m.id)
        assert ("decision", "outcomes", "IDVA, EH", "IDVA, EH, HSG") in [
            (x.entity, x.field, x.before, x.after) for x in listed
        ]
        assert all(x.reason.startswith("Housing referral") for x in listed)
        assert s.scalar(select(func.count(Amendment.id))) == len(listed)
    other.dispose()
