"""One rule, one wording, for what a person may do for an agency (entries, actions,
attendance): the chair and admins for any agency, a representative for their own."""

from __future__ import annotations

import pytest

from frontdoor_app.access.actor import AccessDenied, Actor, may_act_for_agency, require_agency
from frontdoor_app.meeting import actions, entries, lifecycle
from frontdoor_app.meeting.errors import PermissionDenied
from tests.meeting_support import agency_id, build, people


def actor(role: str, agency: int | None = None) -> Actor:
    return Actor(user_id=None, login=role, display_name=role, role=role, agency_id=agency)


def test_the_rule():
    assert may_act_for_agency(actor("chair"), 3) and may_act_for_agency(actor("admin"), 3)
    assert may_act_for_agency(actor("representative", 3), 3)
    assert not may_act_for_agency(actor("representative", 4), 3)
    assert not may_act_for_agency(actor("representative"), None)
    assert not may_act_for_agency(actor("viewer"), 3)
    assert not may_act_for_agency(actor("fgc_coordinator"), 3)
    with pytest.raises(AccessDenied, match="^A representative can visit only for their own"):
        require_agency(actor("representative", 4), 3, "visit")
    with pytest.raises(PermissionDenied, match="you are signed in as an FGC coordinator"):
        require_agency(actor("fgc_coordinator"), 3, "visit", PermissionDenied)


def test_entries_actions_and_attendance_refuse_in_the_same_words(ctx):
    who = people(ctx)
    built = build(ctx, 1)
    item = built.item_ids[0]
    with ctx.session() as s:
        hv = agency_id(s, "HV")
    refusals = []
    for attempt in (
        lambda: entries.add_entry(ctx.sessions, who.police, item, hv, "Not mine to say."),
        lambda: actions.add_action(ctx.sessions, who.police, ctx.profile, item, hv, "Visit"),
        lambda: lifecycle.add_attendance(
            ctx.sessions, who.police, built.meeting_id, hv, "H. Visitor", "present"
        ),
    ):
        with pytest.raises(PermissionDenied) as refused:
            attempt()
        refusals.append(str(refused.value))
    assert [r.split(" can ")[0] for r in refusals] == ["A representative"] * 3
    assert all(r.endswith("only for their own agency.") for r in refusals)
