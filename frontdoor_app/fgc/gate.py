"""The domestic abuse gate: consent, the victim's invite list, the person who harmed, safety.

These are rules the software enforces, not notes (DOMAIN.md). Every function here checks
them itself, whoever calls it; who may call it is ``roles``'s business. The victim's
decisions are recorded as given by the victim person of the household (how, when, who
relayed and recorded them). Invitees are people; any invitee who is, or may be, someone
recorded as the person who harmed is the person who harmed for the gate, and the whole
invite list is checked again at every step towards a conference. Each refusal is a
SafeguardError naming what is missing; the database's CHECKs are the last line.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from frontdoor_app.access import audit
from frontdoor_app.access.actor import Actor
from frontdoor_app.models import (
    FgcConsent,
    FgcSafeguard,
    Person,
)
from frontdoor_app.models.fgc import VICTIM_HOW
from frontdoor_app.personal import age_on, full_name
from frontdoor_app.profile import IntakeRules
from frontdoor_app.wording import meaningful, optional

from . import roles
from .common import load_referral, require_open
from .errors import FgcError, SafeguardError
from .gate_checks import (
    CONSENT_KINDS,
    INVITE_STEP,
    RELAYED_HOW,
    SAFEGUARD_WORDS,
    THREE_ANSWERS,
    VictimSays,
    already,
    check_invitee,
    consents_in_force,
    harm_problems,
    how_given,
    invited,
    missing_consents,
    missing_for_conference,
    require_victim_consent,
    safeguard_kinds,
    victim_of,
    when_given,
)
from .gate_invites import (
    add_invitee,
    approve_invitee,
    record_three_answers,
    remove_invitee,
    withdraw_request,
)
from .people import (
    household_people,
)

# The gate's whole surface, wherever each part lives: callers use ``gate.<name>``.
__all__ = [
    "CONSENT_KINDS",
    "INVITE_STEP",
    "RELAYED_HOW",
    "SAFEGUARD_WORDS",
    "THREE_ANSWERS",
    "VictimSays",
    "add_invitee",
    "approve_invitee",
    "check_invitee",
    "consents_in_force",
    "harm_problems",
    "invited",
    "missing_consents",
    "missing_for_conference",
    "record_consent",
    "record_safeguard",
    "record_three_answers",
    "remove_invitee",
    "require_victim_consent",
    "safeguard_kinds",
    "set_conference_date",
    "withdraw_request",
]


# --- consent ---------------------------------------------------------------------------------


def record_consent(
    session: Session,
    actor: Actor,
    referral_id: int,
    kind: str,
    person_id: int | None,
    how: str,
    at: dt.datetime | None = None,
    relayed_by: str | None = None,
    client_ref: str | None = None,
) -> int:
    """Record who consented (a person of the household), when and how; returns its id.

    ``client_ref`` is the laptop's reference for the step: sent again (after a dropped
    connection), the consent it already recorded is returned instead of a second one."""
    if kind not in CONSENT_KINDS:
        raise FgcError(f"consent kind must be one of {', '.join(CONSENT_KINDS)}, not {kind!r}")
    referral = load_referral(session, referral_id)
    roles.require(session, actor, "record consent", referral)
    earlier = already(session, FgcConsent, client_ref)
    if earlier is not None:
        return earlier
    require_open(referral, "record consent")
    what = CONSENT_KINDS[kind]
    how, relayed = how_given(how, relayed_by, what)
    at = when_given(at, referral, what)
    if kind == "victim":
        person_id = victim_of(session, referral, person_id, what)
    else:
        people = {p.person_id: p for p in household_people(session, referral.household_id)}
        if person_id not in people:
            raise SafeguardError(f"{what} must come from a person of this household; choose who")
        p = people[person_id]
        if p.role == "child" or (p.dob is not None and age_on(p.dob, at.date()) < 18):
            raise SafeguardError(f"{what} cannot come from {p.name}, a child")
    person = session.get(Person, person_id)
    assert person is not None
    consent = FgcConsent(
        referral_id=referral.id,
        person_id=person_id,
        person_name=full_name(person.forenames, person.surname),
        kind=kind,
        how=VICTIM_HOW[how],
        relayed_by=relayed,
        recorded_by=actor.display_name,
        at=at,
        client_ref=client_ref,
    )
    session.add(consent)
    audit.written(session, actor, consent, "create")
    return consent.id


# --- safeguards and the date -------------------------------------------------------------------


def record_safeguard(
    session: Session,
    actor: Actor,
    referral_id: int,
    kind: str,
    note: str | None = None,
    client_ref: str | None = None,
) -> int:
    """Record separate preparation (victim / person who harmed) or the safety plan;
    ``client_ref`` as ``record_consent``'s."""
    if kind not in SAFEGUARD_WORDS:
        raise FgcError(f"safeguard kind must be one of {', '.join(SAFEGUARD_WORDS)}, not {kind!r}")
    referral = load_referral(session, referral_id)
    roles.require(session, actor, "record a safeguard", referral)
    earlier = already(session, FgcSafeguard, client_ref)
    if earlier is not None:
        return earlier
    if kind == "safety_plan":
        note = meaningful(
            note, "The safety plan's note (what it is and where it is kept)", None, SafeguardError
        )
    else:
        note = optional(note, "The note", None, FgcError)
    require_open(referral, f"record {SAFEGUARD_WORDS[kind]}")
    require_victim_consent(session, referral, f"record {SAFEGUARD_WORDS[kind]}")
    if kind == "separate_preparation_perpetrator" and not any(
        i.is_person_who_harmed for i in invited(session, referral.id)
    ):
        raise SafeguardError(
            "separate preparation with the person who harmed is recorded only once they are "
            "on the invite list with all three answers"
        )
    row = FgcSafeguard(
        referral_id=referral.id,
        kind=kind,
        recorded_by=actor.display_name,
        note=note,
        client_ref=client_ref,
    )
    session.add(row)
    audit.written(session, actor, row, "create")
    return row.id


def set_conference_date(
    session: Session,
    actor: Actor,
    referral_id: int,
    date: dt.date,
    version: int | None = None,
    *,
    today: dt.date,
    rules: IntakeRules | None = None,
) -> None:
    """Set the conference date: only when every safeguard of the gate is in place, and not
    before ``today``, the authority's day (``profile.today()``)."""
    referral = load_referral(session, referral_id, version)
    roles.require(session, actor, "set the conference date", referral)
    require_open(referral, "set a conference date")
    if referral.stage not in ("coordinator_allocated", "preparation"):
        raise FgcError(
            "a conference date is set once a coordinator is allocated; the referral is at "
            f"stage {referral.stage.replace('_', ' ')}"
        )
    missing = missing_for_conference(session, referral, rules)
    if missing:
        raise SafeguardError(f"a conference date cannot be set; missing: {'; '.join(missing)}")
    if not isinstance(date, dt.date):  # a step kept on a laptop without its date
        raise FgcError("choose the conference date")
    if date < today:
        raise FgcError(f"the conference date {date.isoformat()} is in the past")
    before = audit.snapshot(referral)
    referral.conference_date = date
    audit.written(session, actor, referral, "update", before, detail="conference date set")
