"""The domestic abuse gate: every safeguard, and every way of trying to get past it."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from frontdoor_app.access.actor import Actor
from frontdoor_app.fgc import gate, referrals
from frontdoor_app.fgc.errors import FgcError, SafeguardError
from frontdoor_app.models import (
    AgendaItem,
    AuditEvent,
    FgcInvitee,
    FgcReferral,
    NotificationPerson,
    utcnow,
)
from tests.fgc_support import build_case, person

ADMIN = Actor(user_id=None, login="boss", display_name="The Administrator", role="admin")
VIEWER = Actor(user_id=None, login="look", display_name="A Viewer", role="viewer")
TODAY = dt.date(2026, 11, 23)
ANSWERS = ("victim_requested", "acknowledges_abuse", "willing_to_address")
WORDS = {
    "victim_requested": "the victim asked for them to attend",
    "acknowledges_abuse": "they acknowledge the abuse",
    "willing_to_address": "they are willing to address it",
}


@pytest.fixture
def offered(ctx):
    """(case, referral id) at stage offered, no consent yet."""
    with ctx.session() as s:
        case = build_case(s)
        rid = referrals.offer_for_decision(s, ctx.actor, ctx.profile, case.agenda_item_id)
    return case, rid


@pytest.fixture
def consented(ctx, offered):
    case, rid = offered
    with ctx.session() as s:
        gate.record_consent(s, ctx.actor, rid, "victim", "Anna Kowalski", "in person at home")
        gate.record_consent(
            s, ctx.actor, rid, "parental_responsibility", "Anna Kowalski", "in person"
        )
    return case, rid


def to_preparation(ctx, rid):
    with ctx.session() as s:
        for stage in ("consent", "referred"):
            referrals.advance(s, ctx.actor, ctx.profile, rid, stage)
        referrals.advance(s, ctx.actor, ctx.profile, rid, "coordinator_allocated",
                          coordinator="Sam Coordinator")  # fmt: skip


# --- the victim's consent -------------------------------------------------------------


def test_nothing_is_arranged_without_the_victims_consent(ctx, offered):
    _, rid = offered
    with ctx.session() as s:
        gate.record_consent(
            s, ctx.actor, rid, "parental_responsibility", "Anna Kowalski", "in person"
        )
        with pytest.raises(
            SafeguardError, match="cannot invite Gran: the victim's consent is not recorded"
        ):
            gate.add_invitee(s, ctx.actor, rid, "Gran", approved_by_victim=True)
        with pytest.raises(SafeguardError, match="the victim's consent is not recorded"):
            gate.record_safeguard(s, ctx.actor, rid, "safety_plan", "plan")
        with pytest.raises(SafeguardError, match="the victim's consent is not recorded"):
            referrals.advance(s, ctx.actor, ctx.profile, rid, "consent")


def test_consent_records_who_when_and_how(ctx, offered):
    _, rid = offered
    at = utcnow() - dt.timedelta(hours=2)
    with ctx.session() as s:
        cid = gate.record_consent(s, ctx.actor, rid, "victim", "Anna Kowalski", "by phone", at=at)
        consent = s.get(FgcReferral, rid).consents[0]
        assert (consent.id, consent.person_name, consent.how, consent.at) == (cid, "Anna Kowalski",
                                                                             "by phone", at)  # fmt: skip
        assert consent.recorded_by == ctx.actor.display_name
        for name, how, match in (("", "by phone", "needs the name of who gave it"),
                                 ("Anna", " ", "needs how it was given")):  # fmt: skip
            with pytest.raises(SafeguardError, match=match):
                gate.record_consent(s, ctx.actor, rid, "victim", name, how)
        with pytest.raises(SafeguardError, match="cannot be recorded as given in the future"):
            gate.record_consent(s, ctx.actor, rid, "victim", "Anna", "phone",
                                at=utcnow() + dt.timedelta(days=1))  # fmt: skip


def test_the_person_who_harmed_cannot_give_the_victims_consent(ctx, offered):
    case, rid = offered
    with ctx.session() as s:
        with pytest.raises(SafeguardError, match="recorded as the person who harmed"):
            gate.record_consent(s, ctx.actor, rid, "victim", "Darren Kowalski", "phone")
        with pytest.raises(SafeguardError, match="recorded as the person who harmed"):
            gate.record_consent(s, ctx.actor, rid, "victim", "D K", "phone",
                                person_id=case.perpetrator_id)  # fmt: skip


def test_victim_withdrawing_consent_withdraws_the_referral(ctx, consented):
    _, rid = consented
    with ctx.session() as s:
        victim = next(c for c in s.get(FgcReferral, rid).consents if c.kind == "victim")
        with pytest.raises(FgcError, match="needs a reason"):
            referrals.withdraw_consent(s, ctx.actor, victim.id, "")
        referrals.withdraw_consent(s, ctx.actor, victim.id, "does not want it now")
        referral = s.get(FgcReferral, rid)
        assert (referral.stage, referral.is_open) == ("withdrawn", False)
        assert "the victim's consent withdrawn by Anna Kowalski" in referral.end_reason


# --- the person who harmed: every way of trying --------------------------------------


@pytest.mark.parametrize(
    "given", [c for n in range(3) for c in itertools.combinations(ANSWERS, n)],
    ids=lambda c: "+".join(c) or "none",
)  # fmt: skip
def test_person_who_harmed_flagged_without_all_three(ctx, consented, given):
    _, rid = consented
    missing = [WORDS[a] for a in ANSWERS if a not in given]
    with ctx.session() as s, pytest.raises(SafeguardError) as err:
        gate.add_invitee(s, ctx.actor, rid, "Darren Kowalski", is_person_who_harmed=True,
                         **dict.fromkeys(given, True))  # fmt: skip
    assert f"missing: {'; '.join(missing)}" in str(err.value)
    assert "Darren Kowalski is the person who harmed" in str(err.value)


def test_person_who_harmed_added_as_ordinary_invitee_by_person_id(ctx, consented):
    case, rid = consented
    with (
        ctx.session() as s,
        pytest.raises(
            SafeguardError, match="Uncle D is Darren Kowalski, the person who harmed, and can"
        ),
    ):
        gate.add_invitee(s, ctx.actor, rid, "Uncle D", person_id=case.perpetrator_id,
                         approved_by_victim=True, relationship="uncle")  # fmt: skip


@pytest.mark.parametrize("name", ["Darren Kowalski", "darren  KOWALSKI", "Kowalski, Darren",
                                  "Darren Kowalski ", "DARREN KOWALSKÍ"])  # fmt: skip
def test_person_who_harmed_added_as_ordinary_invitee_by_name(ctx, consented, name):
    _, rid = consented
    with ctx.session() as s, pytest.raises(SafeguardError, match="missing: the victim asked"):
        gate.add_invitee(s, ctx.actor, rid, name, approved_by_victim=True)


@pytest.mark.parametrize("name", ["Darren", "D. Kowalski", "D Kowalski", "Kowalski D"])
def test_person_who_harmed_by_part_of_the_name_or_initials(ctx, consented, name):
    _, rid = consented
    with ctx.session() as s, pytest.raises(SafeguardError) as err:
        gate.add_invitee(s, ctx.actor, rid, name, approved_by_victim=True)
    assert f"{name} could be Darren Kowalski, the person who harmed," in str(err.value)
    assert "missing: the victim asked for them to attend" in str(err.value)
    assert "give their full name" in str(err.value)


def test_relatives_sharing_the_surname_are_not_caught(ctx, consented):
    _, rid = consented
    with ctx.session() as s:
        for name in ("Dorota Kowalski", "Darren Nowak", "Maja Kowalski"):
            gate.add_invitee(s, ctx.actor, rid, name, approved_by_victim=True)
        assert not any(i.is_person_who_harmed for i in s.get(FgcReferral, rid).invitees)


def test_person_who_harmed_by_a_merged_person_record(ctx, consented):
    case, rid = consented
    with ctx.session() as s:
        duplicate = person(s, "Daz", "Kowalsky")
        duplicate.merged_into_id = case.perpetrator_id
        s.flush()
        with pytest.raises(
            SafeguardError, match="Daz Kowalsky is Darren Kowalski, the person who harmed"
        ):
            gate.add_invitee(s, ctx.actor, rid, "Daz Kowalsky", person_id=duplicate.id,
                             approved_by_victim=True)  # fmt: skip


def test_person_who_harmed_known_only_from_a_notification(ctx, consented):
    case, rid = consented
    with ctx.session() as s:
        item = s.get(AgendaItem, case.agenda_item_id)
        s.add(NotificationPerson(notification_id=item.notification_id, role="perpetrator",
                                 role_as_sent="Suspect", surname="Smith", forenames="Lee",
                                 raw_fields={}))  # fmt: skip
        s.flush()
        with pytest.raises(SafeguardError, match="Lee Smith is the person who harmed"):
            gate.add_invitee(s, ctx.actor, rid, "Lee Smith", approved_by_victim=True)


def test_invitee_turned_person_who_harmed_needs_all_three(ctx, consented):
    _, rid = consented
    with ctx.session() as s:
        iid = gate.add_invitee(s, ctx.actor, rid, "Mark Friend", approved_by_victim=True)
        with pytest.raises(SafeguardError, match="missing: they are willing to address it"):
            gate.mark_person_who_harmed(s, ctx.actor, iid, victim_requested=True,
                                        acknowledges_abuse=True)  # fmt: skip
        assert s.get(FgcInvitee, iid).is_person_who_harmed is False


def test_no_role_can_bypass(ctx, consented):
    _, rid = consented
    with ctx.session() as s:
        with pytest.raises(SafeguardError):
            gate.add_invitee(s, ADMIN, rid, "Darren Kowalski", is_person_who_harmed=True,
                             victim_requested=True, acknowledges_abuse=True)  # fmt: skip
        with pytest.raises(FgcError, match="read-only access"):
            gate.add_invitee(s, VIEWER, rid, "Gran", approved_by_victim=True)


def test_database_refuses_the_person_who_harmed_without_all_three(ctx, consented):
    _, rid = consented
    now = utcnow()
    with pytest.raises(IntegrityError, match="perpetrator_all_three"), ctx.session() as s:
        s.add(FgcInvitee(referral_id=rid, name="Darren Kowalski", is_person_who_harmed=True,
                         victim_requested_at=now, acknowledges_abuse_at=now))  # fmt: skip
        s.flush()


def test_person_who_harmed_with_all_three_is_invited(ctx, consented):
    case, rid = consented
    with ctx.session() as s:
        iid = gate.add_invitee(s, ctx.actor, rid, "Darren Kowalski", person_id=case.perpetrator_id,
                               victim_requested=True, acknowledges_abuse=True,
                               willing_to_address=True)  # fmt: skip
        row = s.get(FgcInvitee, iid)
        assert row.is_person_who_harmed and row.approved_by_victim_at is not None
        assert None not in (row.victim_requested_at, row.acknowledges_abuse_at,
                            row.willing_to_address_at)  # fmt: skip
        detail = s.scalar(select(AuditEvent.detail).where(AuditEvent.entity == "fgc_invitee"))
        assert detail == "the person who harmed, with all three answers"


# --- the invite list, preparation, the safety plan ------------------------------------


def test_conference_date_needs_every_safeguard(ctx, consented):
    _, rid = consented
    to_preparation(ctx, rid)
    later = TODAY + dt.timedelta(days=30)
    with ctx.session() as s:
        with pytest.raises(SafeguardError) as err:
            gate.set_conference_date(s, ctx.actor, rid, later, today=TODAY)
        assert str(err.value) == (
            "a conference date cannot be set; missing: no one is on the invite list; separate "
            "preparation with the victim is not recorded; the safety plan is not recorded"
        )
        gran = gate.add_invitee(s, ctx.actor, rid, "Gran Nowak", relationship="grandmother")
        gate.add_invitee(
            s,
            ctx.actor,
            rid,
            "Darren Kowalski",
            is_person_who_harmed=True,
            victim_requested=True,
            acknowledges_abuse=True,
            willing_to_address=True,
        )
        gate.record_safeguard(s, ctx.actor, rid, "separate_preparation_victim", "seen at home")
        with pytest.raises(SafeguardError) as err:
            gate.set_conference_date(s, ctx.actor, rid, later, today=TODAY)
        assert "not yet approved by the victim: Gran Nowak" in str(err.value)
        assert "separate preparation with the person who harmed is not recorded" in str(err.value)
        gate.approve_invitee(s, ctx.actor, gran)
        gate.record_safeguard(
            s, ctx.actor, rid, "separate_preparation_perpetrator", "seen at office"
        )
        with pytest.raises(SafeguardError, match="missing: the safety plan is not recorded$"):
            gate.set_conference_date(s, ctx.actor, rid, later, today=TODAY)
        with pytest.raises(SafeguardError, match="safety plan needs a note"):
            gate.record_safeguard(s, ctx.actor, rid, "safety_plan", "  ")
        gate.record_safeguard(
            s, ctx.actor, rid, "safety_plan", "Safety plan on file, IDVA holds it"
        )
        with pytest.raises(FgcError, match="is in the past"):
            gate.set_conference_date(s, ctx.actor, rid, TODAY - dt.timedelta(days=1), today=TODAY)
        gate.set_conference_date(s, ctx.actor, rid, later, today=TODAY)
        assert s.get(FgcReferral, rid).conference_date == later


def test_conference_date_refused_before_a_coordinator(ctx, consented):
    _, rid = consented
    with ctx.session() as s, pytest.raises(FgcError, match="once a coordinator is allocated"):
        gate.set_conference_date(s, ctx.actor, rid, TODAY, today=TODAY)


def test_perpetrator_preparation_only_when_they_are_invited(ctx, consented):
    _, rid = consented
    with (
        ctx.session() as s,
        pytest.raises(SafeguardError, match="only once they are on the invite"),
    ):
        gate.record_safeguard(s, ctx.actor, rid, "separate_preparation_perpetrator", "x")


def test_removed_invitee_needs_a_reason_and_leaves_the_list(ctx, consented):
    _, rid = consented
    with ctx.session() as s:
        iid = gate.add_invitee(s, ctx.actor, rid, "Darren Kowalski", is_person_who_harmed=True,
                               victim_requested=True, acknowledges_abuse=True,
                               willing_to_address=True)  # fmt: skip
        with pytest.raises(FgcError, match="needs a reason"):
            gate.remove_invitee(s, ctx.actor, iid, "")
        gate.remove_invitee(s, ctx.actor, iid, "no longer acknowledges the abuse")
        assert s.get(FgcInvitee, iid).removed_at is not None
        with pytest.raises(FgcError, match="no invitee"):
            gate.approve_invitee(s, ctx.actor, iid)


# --- the coordinator may suspend or stop ----------------------------------------------


def test_suspend_blocks_everything_until_resumed(ctx, consented):
    _, rid = consented
    to_preparation(ctx, rid)
    with ctx.session() as s:
        with pytest.raises(FgcError, match="only with a reason"):
            referrals.end_referral(s, ctx.actor, rid, "suspended", " ")
        referrals.end_referral(s, ctx.actor, rid, "suspended", "new incident reported")
        with pytest.raises(FgcError, match="the referral is suspended"):
            gate.add_invitee(s, ctx.actor, rid, "Gran", approved_by_victim=True)
        with pytest.raises(FgcError, match="suspended"):
            referrals.advance(s, ctx.actor, ctx.profile, rid, "preparation")
        assert referrals.resume(s, ctx.actor, rid, "safety reviewed") == "coordinator_allocated"
        gate.add_invitee(s, ctx.actor, rid, "Gran", approved_by_victim=True)


def test_stop_ends_it_with_the_reason(ctx, consented):
    _, rid = consented
    with ctx.session() as s:
        referrals.end_referral(s, ctx.actor, rid, "stopped", "unsafe to continue")
        referral = s.get(FgcReferral, rid)
        assert (referral.stage, referral.is_open, referral.end_reason) == (
            "stopped", False, "unsafe to continue")  # fmt: skip
        with pytest.raises(FgcError, match="the referral is stopped"):
            gate.add_invitee(s, ctx.actor, rid, "Gran", approved_by_victim=True)
