"""Only the right people act (issue 13, point 3): for each gate step, each role gets exactly
what DOMAIN.md gives it. The chair may offer, record consent and route at the meeting; the
FGC coordinator of the referral's team (and an admin, for corrections) does every later step,
suspends, resumes and stops; representatives and viewers only read. Each allowed role
succeeds first, on its own referral; then every other role is refused, naming who may act."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from frontdoor_app.fgc import gate, referrals, routing, views
from frontdoor_app.fgc.errors import PermissionError_
from frontdoor_app.fgc.people import NewPerson
from frontdoor_app.models import FgcInvitee, FgcReferral
from tests.fgc_support import actors, build_case, says

TODAY = dt.date.today()
ROLES = ("chair", "coordinator", "other_coordinator", "admin", "representative", "viewer")
MEETING = {"chair", "coordinator", "admin"}
LATER = {"coordinator", "admin"}


def _prepare(ctx, s, level, admin):
    """A new case brought to ``level`` by an admin (and the chair's offer)."""
    case = build_case(s)
    if level == "case":
        return case, None
    rid = referrals.offer_for_decision(s, admin, ctx.profile, case.agenda_item_id)
    if level == "offered":
        return case, rid
    gate.record_consent(s, admin, rid, "victim", case.victim_id, "in_person")
    gate.record_consent(s, admin, rid, "parental_responsibility", case.victim_id, "in_person")
    if level == "consented":
        return case, rid
    referrals.advance(s, admin, ctx.profile, rid, "consent")
    if level == "consent":
        return case, rid
    referrals.advance(s, admin, ctx.profile, rid, "referred")
    if level == "referred":
        return case, rid
    referrals.advance(s, admin, ctx.profile, rid, "coordinator_allocated", coordinator="Sam")
    gate.add_invitee(s, admin, rid, new_person=NewPerson("Ewa", "Nowak"), relationship="aunt")
    gate.add_invitee(
        s,
        admin,
        rid,
        person_id=case.perpetrator_id,
        request=says(case),
        acknowledges_abuse=True,
        willing_to_address=True,
    )
    if level == "allocated":
        return case, rid
    aunt = s.scalar(
        select(FgcInvitee.id).where(FgcInvitee.referral_id == rid, FgcInvitee.name == "Ewa Nowak")
    )
    gate.approve_invitee(s, admin, aunt, says(case))
    for kind in ("separate_preparation_victim", "separate_preparation_perpetrator"):
        gate.record_safeguard(s, admin, rid, kind, "seen")
    gate.record_safeguard(s, admin, rid, "safety_plan", "IDVA plan")
    if level == "ready":
        return case, rid
    gate.set_conference_date(s, admin, rid, TODAY, today=TODAY)
    referrals.advance(s, admin, ctx.profile, rid, "preparation")
    if level == "preparation":
        return case, rid
    referrals.end_referral(s, admin, rid, "suspended", "new incident")
    return case, rid


def _invitee(s, rid, name):
    return s.scalar(
        select(FgcInvitee.id).where(FgcInvitee.referral_id == rid, FgcInvitee.name == name)
    )


# step: (level it starts from, who may, the call)
STEPS = {
    "offer": (
        "case",
        {"chair", "admin"},
        lambda c, s, a, case, rid: referrals.offer_for_decision(
            s, a, c.profile, case.agenda_item_id
        ),
    ),
    "record consent": (
        "offered",
        MEETING,
        lambda c, s, a, case, rid: gate.record_consent(
            s, a, rid, "victim", case.victim_id, "phone"
        ),
    ),
    "route by hand": (
        "offered",
        {"chair", "admin"},
        lambda c, s, a, case, rid: routing.route_by_hand(
            s, a, rid, "FGC-S", "family moving to Morley"
        ),
    ),
    "move to consent given": (
        "consented",
        MEETING,
        lambda c, s, a, case, rid: referrals.advance(s, a, c.profile, rid, "consent"),
    ),
    "move to referred": (
        "consent",
        MEETING,
        lambda c, s, a, case, rid: referrals.advance(s, a, c.profile, rid, "referred"),
    ),
    "decline": (
        "offered",
        MEETING,
        lambda c, s, a, case, rid: referrals.end_referral(
            s, a, rid, "declined", "the family said no"
        ),
    ),
    "allocate the coordinator": (
        "referred",
        LATER,
        lambda c, s, a, case, rid: referrals.advance(
            s, a, c.profile, rid, "coordinator_allocated", coordinator="Sam"
        ),
    ),
    "add an invitee": (
        "allocated",
        LATER,
        lambda c, s, a, case, rid: gate.add_invitee(
            s, a, rid, new_person=NewPerson("Halina", "Nowak"), approval=says(case)
        ),
    ),
    "approve an invitee": (
        "allocated",
        LATER,
        lambda c, s, a, case, rid: gate.approve_invitee(
            s, a, _invitee(s, rid, "Ewa Nowak"), says(case)
        ),
    ),
    "record the three answers": (
        "allocated",
        LATER,
        lambda c, s, a, case, rid: gate.record_three_answers(
            s,
            a,
            _invitee(s, rid, "Darren Kowalski"),
            request=says(case),
            acknowledges_abuse=True,
            willing_to_address=True,
        ),
    ),
    "withdraw the request": (
        "allocated",
        LATER,
        lambda c, s, a, case, rid: gate.withdraw_request(
            s, a, _invitee(s, rid, "Darren Kowalski"), says(case), "she changed her mind"
        ),
    ),
    "remove an invitee": (
        "allocated",
        LATER,
        lambda c, s, a, case, rid: gate.remove_invitee(
            s, a, _invitee(s, rid, "Ewa Nowak"), "moved abroad"
        ),
    ),
    "record a safeguard": (
        "allocated",
        LATER,
        lambda c, s, a, case, rid: gate.record_safeguard(s, a, rid, "safety_plan", "IDVA plan"),
    ),
    "set the conference date": (
        "ready",
        LATER,
        lambda c, s, a, case, rid: gate.set_conference_date(s, a, rid, TODAY, today=TODAY),
    ),
    "conference held": (
        "preparation",
        LATER,
        lambda c, s, a, case, rid: referrals.advance(
            s, a, c.profile, rid, "conference_held", plan_agreed=True, today=TODAY
        ),
    ),
    "suspend": (
        "allocated",
        LATER,
        lambda c, s, a, case, rid: referrals.end_referral(s, a, rid, "suspended", "new incident"),
    ),
    "resume": (
        "suspended",
        LATER,
        lambda c, s, a, case, rid: referrals.resume(s, a, rid, "safety reviewed"),
    ),
    "stop": (
        "allocated",
        LATER,
        lambda c, s, a, case, rid: referrals.end_referral(
            s, a, rid, "stopped", "unsafe to continue"
        ),
    ),
}


@pytest.mark.parametrize("step", list(STEPS))
def test_each_role_gets_exactly_what_point_3_says(ctx, step):
    level, allowed, call = STEPS[step]
    # Every case's postcode routes to one team (FGC East North East); "other" is another team.
    for role in sorted(ROLES, key=lambda r: r not in allowed):  # the allowed roles first
        with ctx.session() as s:
            case, rid = _prepare(ctx, s, level, actors(s, _any_referral(ctx, s))["admin"])
            who = actors(s, _any_referral(ctx, s))
        with ctx.session() as s:
            if role in allowed:
                call(ctx, s, who[role], case, rid)
                continue
            with pytest.raises(PermissionError_) as err:
                call(ctx, s, who[role], case, rid)
        text = str(err.value)
        assert text.startswith("only "), text
        if "coordinator" in allowed:
            assert "the FGC coordinator of FGC East North East" in text, text
        if "chair" in allowed:
            assert "the chair" in text, text
        assert "an admin" in text, text


def _any_referral(ctx, s):
    """A routed referral to read the team from (made once)."""
    rid = s.scalar(select(FgcReferral.id).where(FgcReferral.team_id.is_not(None)).limit(1))
    if rid is None:
        case = build_case(s)
        rid = referrals.offer_for_decision(s, ctx.actor, ctx.profile, case.agenda_item_id)
        s.flush()
    return rid


def test_representatives_and_viewers_still_read(ctx):
    with ctx.session() as s:
        case = build_case(s)
        referrals.offer_for_decision(s, ctx.actor, ctx.profile, case.agenda_item_id)
    with ctx.session() as s:
        state = views.case_fgc(s, ctx.profile, case.agenda_item_id)
        assert state.referral is not None and state.referral.stage == "offered"
        assert views.queue(s, ctx.profile, TODAY)


def test_a_coordinator_has_a_team_and_only_a_coordinator(ctx):
    from frontdoor_app.access.users import UserError, ensure_user

    with ctx.session() as s:
        with pytest.raises(UserError, match="belongs to one FGC team"):
            ensure_user(s, "c.none", "No Team", "fgc_coordinator")
        with pytest.raises(UserError, match="belongs to one FGC team"):
            ensure_user(s, "c.chair", "Chair", "chair", fgc_team_code="FGC-S")
        actor = ensure_user(s, "c.s", "Coordinator South", "fgc_coordinator", fgc_team_code="FGC-S")
        assert actor.role == "fgc_coordinator" and actor.fgc_team_id is not None
