"""The case view: incident, household, history, restricted entries, and its query count."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import event, select

from frontdoor_app.meeting import actions, agenda, decisions, entries, lifecycle
from frontdoor_app.meeting import case as case_view
from frontdoor_app.models import AgendaItem, AuditEvent, FgcReferral, Household
from tests.meeting_support import DAY, agency_id, build, case, meeting, people


def _history(ctx, who, meetings: int, day: dt.date = DAY) -> tuple[int, int]:
    """A household discussed at ``meetings`` earlier meetings, each with a decision and an
    action; returns (today's item id, household id)."""
    with ctx.session() as s:
        first = meeting(s, day - dt.timedelta(days=7 * meetings), status="in_progress")
        item = case(s, first, 1)
        household = s.get(Household, item.household_id)
        earlier = [item.id]
        for k in range(1, meetings):
            m = meeting(s, day - dt.timedelta(days=7 * (meetings - k)), status="in_progress")
            earlier.append(
                case(
                    s,
                    m,
                    1,
                    household=household,
                    received=dt.datetime.combine(m.meeting_date, dt.time(5), dt.UTC),
                ).id
            )
        today = meeting(s, day)
        now_item = case(s, today, 1, household=household)
        hsg = agency_id(s, "HSG")
        household_id = household.id
    for item_id in earlier:
        decisions.save_decision(
            ctx.sessions, who.chair, ctx.profile, item_id, ["IDVA"], "high", None
        )
        actions.add_action(
            ctx.sessions, who.chair, ctx.profile, item_id, hsg, "Check tenancy", owner_name="R. Rao"
        )
    return now_item.id, household_id


def test_case_view_brings_incident_household_and_history(ctx):
    who = people(ctx)
    item_id, household_id = _history(ctx, who, 3)
    with ctx.session() as s:
        view = case_view.load_case(s, item_id, who.police, clock=ctx.profile.clock)
    assert view.incident.dash_risk == "high" and view.incident.risk_flags == ("weapon",)
    assert "Assault occasioning" in view.incident.summary and view.incident.narrative
    roles = [(m.role, m.forenames, m.age_text) for m in view.household.members]
    assert roles == [
        ("victim", "Anna", "34 y"),
        ("perpetrator", "Darren", "36 y"),
        ("child", "Maja", "7 y"),
        ("child", "Ola", "8 mo"),
    ]
    assert view.household.members[2].school == "Harehills Primary"
    assert view.household.id == household_id and view.case_number == 1 and view.case_total == 1
    kinds = [e.kind for e in view.history]
    assert kinds.count("meeting") == 3 and kinds.count("action") == 3
    assert kinds.count("notification") == 3
    assert [e.at for e in view.history] == sorted((e.at for e in view.history), reverse=True)
    meeting_lines = [e for e in view.history if e.kind == "meeting"]
    assert "Referral to the DV service / IDVA" in meeting_lines[0].detail
    # "Who or reference" says what the line's own Date and What columns do not.
    assert not [e.title for e in view.history if f"{e.at:%b %Y}" in e.title]
    assert all(e.title.startswith("ref ") for e in view.history if e.kind == "notification")
    assert {e.title for e in meeting_lines} == {""}
    assert all(e.title and "·" not in e.title for e in view.history if e.kind == "action")
    # The owner on a line of their own under the agency, so the column is no wider than one.
    owned = [e.title for e in view.history if e.kind == "action" and "R. Rao" in e.title]
    assert owned and all(t.endswith("\nR. Rao") and "(" not in t for t in owned)
    assert all(
        e.status == "open" or e.status.startswith("open")
        for e in view.history
        if e.kind == "action"
    )
    with ctx.session() as s:
        viewed = s.scalars(select(AuditEvent).where(AuditEvent.action == "view")).all()
    assert [(v.entity, v.entity_id, v.user_login) for v in viewed] == [
        ("agenda_item", item_id, "pc.4711")
    ]


def test_restricted_entries_are_seen_by_their_agency_and_the_chair_only(ctx):
    who = people(ctx)
    built = build(ctx, 1)
    item = built.item_ids[0]
    with ctx.session() as s:
        pol, hsg = agency_id(s, "POL"), agency_id(s, "HSG")
    entries.add_entry(
        ctx.sessions, who.police, item, pol, "Bail: no contact.", may_share_beyond_meeting=True
    )
    entries.add_entry(
        ctx.sessions,
        who.housing,
        item,
        hsg,
        "Rent arrears; tenancy at risk.",
        restricted_to_agency_id=hsg,
    )
    entries.add_entry(
        ctx.sessions, who.housing, item, hsg, "She wants to stay.", kind="victim_view"
    )
    seen = {}
    for name, actor in (
        ("police", who.police),
        ("housing", who.housing),
        ("chair", who.chair),
        ("viewer", who.viewer),
        ("admin", who.admin),
    ):
        with ctx.session() as s:
            view = case_view.load_case(s, item, actor, clock=ctx.profile.clock, audit_view=False)
        seen[name] = ([e.text for e in view.intelligence], view.hidden_restricted)
        assert [v.text for v in view.victim_views] == ["She wants to stay."]
    everything = ["Bail: no contact.", "Rent arrears; tenancy at risk."]
    assert seen["housing"] == (everything, 0) and seen["chair"] == (everything, 0)
    for name in ("police", "viewer", "admin"):
        assert seen[name] == (["Bail: no contact."], 1)


def test_load_case_uses_the_same_few_queries_however_long_the_history(ctx):
    """No query per history row: the count is the same for 1 and for 6 earlier meetings."""
    who = people(ctx)
    counts = []
    for n, day in ((1, DAY), (6, DAY + dt.timedelta(days=400))):
        item_id, _ = _history(ctx, who, n, day)
        statements: list[str] = []

        def count(*args, statements=statements):
            statements.append(args[2])

        event.listen(ctx.engine, "before_cursor_execute", count)
        try:
            with ctx.session() as s:
                case_view.load_case(s, item_id, who.chair, clock=ctx.profile.clock)
        finally:
            event.remove(ctx.engine, "before_cursor_execute", count)
        counts.append(len(statements))
    assert counts[0] == counts[1] and counts[0] <= 18, counts
    print("load_case statements:", counts)


def test_fgc_offer_outcome_starts_the_offer_in_the_same_transaction(ctx):
    who = people(ctx)
    built = build(ctx, 1)
    item = built.item_ids[0]
    with ctx.session() as s:
        m = lifecycle.load_meeting(s, built.meeting_id)
    lifecycle.open_meeting(ctx.sessions, who.chair, m.id, m.version)
    agenda.set_current(ctx.sessions, who.chair, m.id, item)
    decisions.save_decision(
        ctx.sessions,
        who.chair,
        ctx.profile,
        item,
        ["FGC", "IDVA"],
        "high",
        "Wider family willing to help.",
    )
    with ctx.session() as s:
        referrals = s.scalars(select(FgcReferral).where(FgcReferral.origin_agenda_item_id == item))
        stages = [r.stage for r in referrals]
        view = case_view.load_case(s, item, who.chair, clock=ctx.profile.clock, audit_view=False)
        assert s.get(AgendaItem, item).status == "current"
    assert stages == ["offered"]
    assert [f.stage for f in view.fgc] == ["offered"]
    assert [o.code for o in view.decision.outcomes] == ["IDVA", "FGC"]


def test_entries_just_added_go_among_the_cases_own_in_time_order_each_once(ctx):
    """Someone saves entries: a laptop takes only those (``added_entries``; what the log's
    read brought of one is taken as it came, its times in any zone the server writes them,
    a summer +01:00 among them) and the case it shows is the case read whole."""
    who = people(ctx)
    with ctx.session() as s:
        item_id = case(s, meeting(s, DAY), 1).id
        pol = agency_id(s, "POL")
    first = entries.add_entry(ctx.sessions, who.police, item_id, pol, "Known since May")
    with ctx.session() as s:
        before = case_view.load_case(s, item_id, who.police, clock=ctx.profile.clock)
    second = entries.add_entry(ctx.sessions, who.police, item_id, pol, "Two call-outs")
    third = entries.add_entry(ctx.sessions, who.police, item_id, pol, "A third last night")
    summer = dt.timezone(dt.timedelta(hours=1))
    brought = {
        third.id: {
            "id": third.id,
            "agenda_item_id": item_id,
            "kind": "agency",
            "agency_id": pol,
            "agency_code": third.agency_code,
            "agency_name": third.agency_name,
            "author_id": third.author_id,
            "author_name": third.author_name,
            "text": third.text,
            "may_share_beyond_meeting": False,
            "restricted_to_agency_id": None,
            "restricted_code": None,
            "created_at": third.created_at.astimezone(summer).isoformat(),
            "updated_at": third.updated_at.astimezone(summer).isoformat(),
            "version": third.version,
            "changed_by_name": None,
        }
    }
    with ctx.session() as s:
        # the later one first, as a batch may bring them: the case orders them by time
        added = case_view.added_entries(s, item_id, [third.id, second.id], who.police, brought)
        whole = case_view.load_case(s, item_id, who.police, clock=ctx.profile.clock)
    assert added is not None and added.added
    now = before.with_entries(added)
    assert [e.id for e in now.intelligence] == [first.id, second.id, third.id]
    assert now.intelligence == whole.intelligence
    assert now.intelligence[-1].created_at == third.created_at
    assert now.intelligence[-1].created_at.tzinfo is dt.UTC
    assert now.with_entries(added) == now  # each once, however often it comes
    # Brought for another case, it is not taken for this one.
    with ctx.session() as s:
        other = case(s, meeting(s, DAY + dt.timedelta(days=7)), 1).id
        assert case_view.added_entries(s, other, [third.id], who.police, brought) is None
