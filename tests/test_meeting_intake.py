"""The meeting on a real agenda: the police's sample feed imported, intake builds the agenda,
the meeting runs, a deferred case is carried to the next day with the flag in words."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from frontdoor_app.intake.agenda import build_agenda
from frontdoor_app.intake.importer import import_file
from frontdoor_app.meeting import agenda, case, decisions, entries, lifecycle
from frontdoor_app.meeting.projector import load_projector_view
from tests.meeting_support import agency_id, people

SAMPLE = Path("/work/shared/formats/sample-feed.csv")
MONDAY = dt.date(2026, 11, 23)


def test_meeting_runs_on_the_agenda_intake_built(ctx):
    who = people(ctx)
    import_file(
        ctx.sessions,
        ctx.profile,
        who.admin,
        SAMPLE,
        now=dt.datetime(2026, 11, 23, 8, 30, tzinfo=dt.UTC),
    )
    meeting_id = build_agenda(ctx.sessions, ctx.profile, who.admin, MONDAY)
    with ctx.session() as s:
        view = agenda.load_agenda(s, meeting_id)
        pol = agency_id(s, "POL")
    assert view.meeting.status == "planned" and len(view.rows) == 4
    assert [r.position for r in view.rows] == [1, 2, 3, 4]
    assert view.rows[0].dash_risk == "high" and all(r.household_name for r in view.rows)
    assert all(r.police_ref.startswith("1326") for r in view.rows)
    first, last = view.rows[0], view.rows[-1]
    m = lifecycle.open_meeting(ctx.sessions, who.chair, meeting_id, view.meeting.version)
    lifecycle.mark_confidentiality_read(ctx.sessions, who.chair, m.id)
    lifecycle.add_attendance(ctx.sessions, who.chair, m.id, pol, "PC 4711 Smith", "present")
    agenda.set_current(ctx.sessions, who.chair, m.id, first.item_id)
    with ctx.session() as s:
        full = case.load_case(s, first.item_id, who.chair, clock=ctx.profile.clock)
        shown = load_projector_view(s, m.id)
    assert full.incident.police_ref == first.police_ref and full.household.members
    victim = next(p for p in full.household.members if p.role == "victim")
    assert victim.surname not in shown.heading and shown.heading.startswith(f"{victim.surname[0]}.")
    for row in view.rows[:-1]:
        agenda.set_current(ctx.sessions, who.chair, m.id, row.item_id)
        decisions.save_decision(
            ctx.sessions, who.chair, ctx.profile, row.item_id, ["IDVA"], row.dash_risk, None
        )
    agenda.set_current(ctx.sessions, who.chair, m.id, None)
    entries.add_entry(ctx.sessions, who.police, last.item_id, pol, "Suspect still at large.")
    agenda.defer_item(ctx.sessions, who.chair, last.item_id, last.version)
    with ctx.session() as s:
        assert decisions.decision_problems(s, last.item_id, ["IDVA"], "high", None) == [
            "Case 4 is deferred to the next meeting; bring it back to this meeting before "
            "recording a decision."
        ]
    with ctx.session() as s:
        m = lifecycle.load_meeting(s, m.id)
    lifecycle.close_meeting(ctx.sessions, who.chair, m.id, m.version)

    tuesday = build_agenda(ctx.sessions, ctx.profile, who.admin, MONDAY + dt.timedelta(days=1))
    with ctx.session() as s:
        carried = [
            r for r in agenda.load_agenda(s, tuesday).rows if r.police_ref == last.police_ref
        ]
    assert len(carried) == 1 and carried[0].status == "waiting"
    assert "Deferred from the meeting of 23 November 2026" in carried[0].flag_texts
    with ctx.session() as s:
        carried_case = case.load_case(s, carried[0].item_id, who.health, clock=ctx.profile.clock)
    # What the agencies said before the case was deferred comes with it.
    assert [e.text for e in carried_case.intelligence] == ["Suspect still at large."]
