"""An FGC step that adds a record (a consent, a safeguard, an invitee) and is sent again
after a dropped connection is stored once (issue 12, point 5): the laptop sends it with its
reference, and a second sending whose first attempt did reach the server gets the record
that attempt made. The reference is no way round the gate: whoever may not take the step
is refused first, reference or not."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from frontdoor_app.fgc import gate, referrals
from frontdoor_app.fgc.errors import FgcError, PermissionError_
from frontdoor_app.fgc.people import NewPerson
from frontdoor_app.models import (
    AuditEvent,
    FgcConsent,
    FgcInvitee,
    FgcReferral,
    FgcSafeguard,
    FgcVictimDecision,
)
from tests.fgc_support import actors, build_case, coordinator, says


@pytest.fixture
def consented(ctx):
    """(case, referral id, its team's coordinator) with both consents recorded."""
    with ctx.session() as s:
        case = build_case(s)
        rid = referrals.offer_for_decision(s, ctx.actor, ctx.profile, case.agenda_item_id)
        gate.record_consent(s, ctx.actor, rid, "victim", case.victim_id, "in_person")
        gate.record_consent(s, ctx.actor, rid, "parental_responsibility", case.victim_id, "phone")
        coord = coordinator(s, rid)
    return case, rid, coord


def _count(ctx, model, **where) -> int:
    with ctx.read_session() as s:
        query = select(func.count()).select_from(model)
        for column, value in where.items():
            query = query.where(getattr(model, column) == value)
        return int(s.scalar(query) or 0)


def _audited(ctx, entity: str, entity_id: int) -> int:
    return _count(ctx, AuditEvent, entity=entity, entity_id=entity_id, action="create")


def test_a_consent_sent_twice_with_its_reference_is_recorded_once(ctx, consented) -> None:
    case, rid, _coord = consented
    ref = uuid.uuid4().hex
    with ctx.session() as s:
        first = gate.record_consent(
            s,
            ctx.actor,
            rid,
            "victim",
            case.victim_id,
            "idva",
            relayed_by="Jo IDVA",
            client_ref=ref,
        )
    with ctx.session() as s:  # sent again: its answer never came back
        again = gate.record_consent(
            s,
            ctx.actor,
            rid,
            "victim",
            case.victim_id,
            "idva",
            relayed_by="Jo IDVA",
            client_ref=ref,
        )
    assert again == first
    assert _count(ctx, FgcConsent, client_ref=ref) == 1
    assert _audited(ctx, "fgc_consent", first) == 1
    # Without a reference (or with another) it is a consent of its own, as before.
    with ctx.session() as s:
        other = gate.record_consent(
            s, ctx.actor, rid, "victim", case.victim_id, "idva", relayed_by="Jo IDVA"
        )
    assert other != first


def test_a_safeguard_sent_twice_with_its_reference_is_recorded_once(ctx, consented) -> None:
    _case, rid, coord = consented
    ref = uuid.uuid4().hex
    with ctx.session() as s:
        first = gate.record_safeguard(
            s, coord, rid, "safety_plan", "Plan on file; the IDVA holds it", client_ref=ref
        )
    with ctx.session() as s:
        again = gate.record_safeguard(
            s, coord, rid, "safety_plan", "Plan on file; the IDVA holds it", client_ref=ref
        )
    assert again == first
    assert _count(ctx, FgcSafeguard, referral_id=rid, kind="safety_plan") == 1
    assert _audited(ctx, "fgc_safeguard", first) == 1


def test_an_invitee_sent_twice_is_added_once_not_refused_as_already_there(ctx, consented) -> None:
    case, rid, coord = consented
    ref = uuid.uuid4().hex
    aunt = NewPerson("Ewa", "Nowak", contact="07700 900123")
    with ctx.session() as s:
        first = gate.add_invitee(
            s, coord, rid, new_person=aunt, relationship="aunt", approval=says(case), client_ref=ref
        )
        mother = gate.add_invitee(s, coord, rid, person_id=case.victim_id, client_ref="mother")
    with ctx.session() as s:  # sent again, each: no second Ewa Nowak, no refusal
        again = gate.add_invitee(
            s, coord, rid, new_person=aunt, relationship="aunt", approval=says(case), client_ref=ref
        )
        assert gate.add_invitee(s, coord, rid, person_id=case.victim_id, client_ref="mother") == (
            mother
        )
    assert again == first
    assert _count(ctx, FgcInvitee, referral_id=rid, name="Ewa Nowak") == 1
    assert _audited(ctx, "fgc_invitee", first) == 1
    # Someone else putting her on the list (another reference) is still told she is there.
    with ctx.session() as s, pytest.raises(FgcError, match="already on the invite list"):
        gate.add_invitee(s, coord, rid, person_id=case.victim_id, client_ref=uuid.uuid4().hex)


def test_a_reference_is_no_way_round_who_may_take_the_step(ctx, consented) -> None:
    """The coordinator records a safeguard under a reference; every role that may not record
    one, sending the same reference, is refused by the gate, not handed the record."""
    _case, rid, coord = consented
    ref = uuid.uuid4().hex
    with ctx.session() as s:
        gate.record_safeguard(
            s, coord, rid, "separate_preparation_victim", "at home", client_ref=ref
        )
        who = actors(s, rid)
    for role in ("other_coordinator", "representative", "viewer", "chair"):
        with ctx.session() as s, pytest.raises(PermissionError_):
            gate.record_safeguard(
                s, who[role], rid, "separate_preparation_victim", "at home", client_ref=ref
            )
    assert _count(ctx, FgcSafeguard, client_ref=ref) == 1


def _aunt_and_harmer(ctx, case, rid, coord):  # type: ignore[no-untyped-def]
    """Ewa Nowak on the list (not yet approved) and the person who harmed, with all three."""
    with ctx.session() as s:
        aunt = gate.add_invitee(s, coord, rid, new_person=NewPerson("Ewa", "Nowak"))
        harmer = gate.add_invitee(
            s,
            coord,
            rid,
            person_id=case.perpetrator_id,
            request=says(case),
            acknowledges_abuse=True,
            willing_to_address=True,
        )
    return aunt, harmer


def test_the_victims_decisions_sent_twice_are_recorded_once(ctx, consented) -> None:
    """Approving an invitee, the three answers and withdrawing the request each record a
    victim's decision: sent twice under one reference, it is recorded (and audited) once."""
    case, rid, coord = consented
    aunt, harmer = _aunt_and_harmer(ctx, case, rid, coord)
    steps = {
        "approve": lambda s, ref: gate.approve_invitee(s, coord, aunt, says(case), client_ref=ref),
        "answers": lambda s, ref: gate.record_three_answers(
            s,
            coord,
            harmer,
            request=says(case),
            acknowledges_abuse=True,
            willing_to_address=True,
            client_ref=ref,
        ),
        "withdraw": lambda s, ref: gate.withdraw_request(
            s, coord, harmer, says(case), "she no longer wants him there", client_ref=ref
        ),
    }
    for name, step in steps.items():
        ref = uuid.uuid4().hex
        for _sending in range(2):  # its answer lost, then sent again
            with ctx.session() as s:
                step(s, ref)
        assert _count(ctx, FgcVictimDecision, client_ref=ref) == 1, name
    with ctx.read_session() as s:
        assert s.get(FgcInvitee, aunt).approved_by_victim_at is not None
        assert s.get(FgcInvitee, harmer).removed_at is not None


def test_a_removal_or_withdrawal_sent_again_is_done_not_refused(ctx, consented) -> None:
    """Taking someone off the list and withdrawing consent close something: sent again after
    a first attempt that did reach the server, they find it closed and are done; taken
    again by hand (not a sending again) they are refused as before."""
    case, rid, coord = consented
    aunt, _harmer = _aunt_and_harmer(ctx, case, rid, coord)
    for _sending in range(2):
        with ctx.session() as s:
            gate.remove_invitee(s, coord, aunt, "moved abroad", again=True)
    with ctx.session() as s, pytest.raises(FgcError, match="no invitee"):
        gate.remove_invitee(s, coord, aunt, "moved abroad")
    with ctx.session() as s, pytest.raises(FgcError, match="no invitee"):
        gate.remove_invitee(s, coord, aunt, "another reason", again=True)  # not the same step
    with ctx.read_session() as s:
        consent = s.scalars(
            select(FgcConsent.id).where(FgcConsent.referral_id == rid, FgcConsent.kind == "victim")
        ).first()
    for _sending in range(2):
        with ctx.session() as s:
            referrals.withdraw_consent(s, ctx.actor, consent, "she has changed her mind", True)
    with ctx.session() as s, pytest.raises(FgcError, match="no consent"):
        referrals.withdraw_consent(s, ctx.actor, consent, "she has changed her mind")
    with ctx.read_session() as s:
        assert s.get(FgcReferral, rid).stage == "withdrawn"
    # Sent again, who may take the step is checked before it is found done.
    with ctx.session() as s:
        rep = actors(s, rid)["representative"]
    with ctx.session() as s, pytest.raises(PermissionError_):
        gate.remove_invitee(s, rep, aunt, "moved abroad", again=True)
    with ctx.session() as s, pytest.raises(PermissionError_):
        referrals.withdraw_consent(s, rep, consent, "she has changed her mind", True)
