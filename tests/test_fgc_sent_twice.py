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
from frontdoor_app.models import AuditEvent, FgcConsent, FgcInvitee, FgcSafeguard
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
