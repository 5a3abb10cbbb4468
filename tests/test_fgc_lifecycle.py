"""The referral lifecycle with its dates and events, and routing by postcode."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import select

from frontdoor_app.fgc import gate, referrals, routing
from frontdoor_app.fgc.errors import ConflictError, FgcError, RoutingError, TransitionError
from frontdoor_app.fgc.referrals import add_months
from frontdoor_app.models import AuditEvent, FgcReferral, FgcStageEvent, FgcTeam
from tests.fgc_support import build_case, consent_both, coordinator, invite

TODAY = dt.date(2026, 11, 23)


def offer(ctx, **kwargs):
    with ctx.session() as s:
        case = build_case(s, **kwargs)
        rid = referrals.offer_for_decision(s, ctx.actor, ctx.profile, case.agenda_item_id)
    return case, rid


def prepare_gate(s, actor, rid):
    consent_both(s, actor, rid)


def test_whole_lifecycle_records_every_date_and_event(ctx):
    _, rid = offer(ctx)
    conference = TODAY + dt.timedelta(days=40)
    with ctx.session() as s:
        prepare_gate(s, ctx.actor, rid)
        referrals.advance(s, ctx.actor, ctx.profile, rid, "consent")
        referrals.advance(s, ctx.actor, ctx.profile, rid, "referred")
        co = coordinator(s, rid)
        referrals.advance(
            s,
            co,
            ctx.profile,
            rid,
            "coordinator_allocated",
            coordinator="Sam Coordinator",
            match_request="Polish speaker",
        )
        referrals.advance(s, co, ctx.profile, rid, "preparation")
        invite(s, co, rid, "Gran", "Nowak")
        gate.record_safeguard(s, co, rid, "separate_preparation_victim", "seen alone")
        gate.record_safeguard(s, co, rid, "safety_plan", "IDVA safety plan, 20 Nov")
        gate.set_conference_date(s, co, rid, conference, today=TODAY)
        with pytest.raises(FgcError, match="has not come yet"):
            referrals.advance(
                s, co, ctx.profile, rid, "conference_held", plan_agreed=True, today=TODAY
            )
        with pytest.raises(FgcError, match="whether the family's plan was agreed"):
            referrals.advance(s, co, ctx.profile, rid, "conference_held", today=conference)
        with pytest.raises(FgcError, match="plan was not agreed: say what happens next"):
            referrals.advance(
                s, co, ctx.profile, rid, "conference_held", plan_agreed=False, today=conference
            )
        referrals.advance(
            s,
            co,
            ctx.profile,
            rid,
            "conference_held",
            plan_agreed=False,
            today=conference,
            review_date=add_months(conference, 3),
        )
        referrals.advance(s, co, ctx.profile, rid, "review")
        referrals.advance(s, co, ctx.profile, rid, "closed")
        r = s.get(FgcReferral, rid)
        events = s.scalars(
            select(FgcStageEvent.to_stage)
            .where(FgcStageEvent.referral_id == rid)
            .order_by(FgcStageEvent.id)
        ).all()
    assert events == [
        "offered",
        "consent",
        "referred",
        "coordinator_allocated",
        "preparation",
        "conference_held",
        "review",
        "closed",
    ]
    assert None not in (
        r.offered_at,
        r.consent_at,
        r.referred_at,
        r.coordinator_allocated_at,
        r.preparation_at,
        r.conference_held_at,
        r.review_at,
        r.closed_at,
    )
    assert (r.coordinator, r.coordinator_match_request) == ("Sam Coordinator", "Polish speaker")
    assert r.plan_agreed is False and r.is_open is False
    assert r.review_due == add_months(conference, 3) == dt.date(2027, 4, 2)


def test_review_due_follows_the_profile(ctx):
    profile = dataclasses.replace(ctx.profile, fgc={**ctx.profile.fgc, "review_months": 6})
    _, rid = offer(ctx)
    with ctx.session() as s:
        prepare_gate(s, ctx.actor, rid)
        for stage in ("consent", "referred"):
            referrals.advance(s, ctx.actor, profile, rid, stage)
        co = coordinator(s, rid)
        referrals.advance(s, co, profile, rid, "coordinator_allocated", coordinator="Sam")
        invite(s, co, rid, "Gran", "Nowak")
        gate.record_safeguard(s, co, rid, "separate_preparation_victim")
        gate.record_safeguard(s, co, rid, "safety_plan", "plan")
        gate.set_conference_date(s, co, rid, dt.date(2027, 1, 31), today=TODAY)
        referrals.advance(s, co, profile, rid, "preparation")
        referrals.advance(
            s, co, profile, rid, "conference_held", plan_agreed=True, today=dt.date(2027, 1, 31)
        )
        assert s.get(FgcReferral, rid).review_due == dt.date(2027, 7, 31)


def test_add_months_clamps_to_the_month_end():
    assert add_months(dt.date(2026, 11, 30), 3) == dt.date(2027, 2, 28)
    assert add_months(dt.date(2027, 12, 15), 1) == dt.date(2028, 1, 15)


def test_steps_cannot_be_skipped_and_ended_referrals_do_not_move(ctx):
    _, rid = offer(ctx)
    with ctx.session() as s:
        prepare_gate(s, ctx.actor, rid)
        with pytest.raises(TransitionError) as err:
            referrals.advance(s, coordinator(s, rid), ctx.profile, rid, "preparation")
        assert str(err.value) == (
            "cannot move the referral to preparation: it is at offered, and "
            "the next step is consent given"
        )
        referrals.advance(s, ctx.actor, ctx.profile, rid, "consent")
        referrals.advance(s, ctx.actor, ctx.profile, rid, "referred")
        co = coordinator(s, rid)
        with pytest.raises(FgcError, match="coordinator's name is required"):
            referrals.advance(s, co, ctx.profile, rid, "coordinator_allocated")
        referrals.end_referral(s, ctx.actor, rid, "declined", "family said no")
        with pytest.raises(FgcError, match="the referral is declined"):
            referrals.advance(s, co, ctx.profile, rid, "coordinator_allocated")
        with pytest.raises(TransitionError, match="already declined"):
            referrals.end_referral(s, co, rid, "stopped", "x")
        with pytest.raises(TransitionError, match="only a suspended referral can be resumed"):
            referrals.resume(s, co, rid, "x")


@pytest.mark.parametrize("stage", ["declined", "withdrawn", "stopped"])
def test_end_at_any_point_with_a_reason(ctx, stage):
    _, rid = offer(ctx)
    with ctx.session() as s:
        referrals.end_referral(s, coordinator(s, rid), rid, stage, "the reason")
        r = s.get(FgcReferral, rid)
        event = s.scalars(
            select(FgcStageEvent)
            .where(FgcStageEvent.referral_id == rid)
            .order_by(FgcStageEvent.id.desc())
        ).first()
        assert (r.stage, r.end_reason, r.closed_at is not None) == (stage, "the reason", True)
        assert (event.from_stage, event.to_stage, event.reason) == ("offered", stage, "the reason")


def test_stale_version_is_a_clear_conflict(ctx):
    _, rid = offer(ctx)
    with ctx.session() as s:
        co = coordinator(s, rid)
        version = s.get(FgcReferral, rid).version
        referrals.end_referral(s, co, rid, "suspended", "pause", version=version)
    with ctx.session() as s, pytest.raises(ConflictError, match="changed by someone else"):
        referrals.resume(s, co, rid, "go", version=version)


# --- routing ---------------------------------------------------------------------------


def team_code(s, referral):
    return s.get(FgcTeam, referral.team_id).code if referral.team_id else None


@pytest.mark.parametrize(
    ("postcode", "team", "words"),
    [
        ("LS9 7AB", "FGC-EN", "LS9 is in Harehills, served by FGC East North East"),
        ("ls12 3xy", "FGC-W", "LS12 is in Armley, served by FGC West and North West"),
        ("WF3 1AA", "FGC-S", "WF3 is in Rothwell, served by FGC South and South East"),
    ],
)
def test_routed_by_locality(ctx, postcode, team, words):
    _, rid = offer(ctx, postcode=postcode)
    with ctx.session() as s:
        r = s.get(FgcReferral, rid)
        assert (r.routed_how, team_code(s, r), r.routing_reason) == ("locality", team, words)


@pytest.mark.parametrize(
    ("postcode", "words"),
    [
        (
            "LS99 1AA",
            "route by hand: postcode district LS99 is not in any locality of the authority",
        ),
        ("M1 1AE", "route by hand: M1 1AE is outside the authority"),
        (None, "route by hand: no postcode is recorded for the household"),
        ("not known", "route by hand: 'not known' is not a postcode"),
    ],
)
def test_unknown_or_outside_goes_to_route_by_hand(ctx, postcode, words):
    _, rid = offer(ctx, postcode=postcode)
    with ctx.session() as s:
        r = s.get(FgcReferral, rid)
        assert (r.routed_how, r.team_id, r.routing_reason) == ("unrouted", None, words)
        prepare_gate(s, ctx.actor, rid)
        referrals.advance(s, ctx.actor, ctx.profile, rid, "consent")
        with pytest.raises(FgcError, match="no FGC team yet"):
            referrals.advance(s, ctx.actor, ctx.profile, rid, "referred")


def test_route_by_hand_needs_a_reason_and_is_audited(ctx):
    _, rid = offer(ctx, postcode="M1 1AE")
    with ctx.session() as s:
        with pytest.raises(
            RoutingError, match="reason for choosing the FGC team by hand is required"
        ):
            routing.route_by_hand(s, ctx.actor, rid, "FGC-S", "  ")
        with pytest.raises(RoutingError, match="no FGC team with code 'FGC-X'"):
            routing.route_by_hand(s, ctx.actor, rid, "FGC-X", "moved")
        routing.route_by_hand(s, ctx.actor, rid, "FGC-S", "family moving to Morley next week")
        r = s.get(FgcReferral, rid)
        assert (r.routed_how, team_code(s, r)) == ("by_hand", "FGC-S")
        assert r.routing_reason == "family moving to Morley next week"
        details = s.scalars(
            select(AuditEvent.detail).where(AuditEvent.entity == "fgc_referral")
        ).all()
        assert (
            "FGC team chosen by hand: FGC South and South East — family moving to Morley next week"
            in details
        )


def test_override_a_locality_route(ctx):
    _, rid = offer(ctx, postcode="LS9 7AB")
    with ctx.session() as s:
        routing.route_by_hand(s, ctx.actor, rid, "FGC-C", "sibling's team already involved")
        r = s.get(FgcReferral, rid)
        assert (r.routed_how, team_code(s, r)) == ("by_hand", "FGC-C")
        # A later automatic routing does not undo a person's choice.
        routing.route_referral(s, ctx.actor, r)
        assert team_code(s, r) == "FGC-C"


def test_district_of():
    assert routing.district_of("ls9  7ab") == "LS9"
    assert routing.district_of("LS9") == "LS9"
    assert routing.district_of("EC1A 1BB") == "EC1A"
    assert routing.district_of("9LS 7AB") is None
