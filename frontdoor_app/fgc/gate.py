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
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from frontdoor_app.access import audit
from frontdoor_app.access.actor import Actor
from frontdoor_app.models import (
    FgcConsent,
    FgcInvitee,
    FgcReferral,
    FgcSafeguard,
    FgcVictimDecision,
    Person,
    utcnow,
)
from frontdoor_app.models.fgc import VICTIM_HOW
from frontdoor_app.personal import age_on, full_name
from frontdoor_app.profile import IntakeRules
from frontdoor_app.wording import meaningful, optional

from . import roles
from .common import load_referral, require_open
from .errors import FgcError, SafeguardError
from .people import (
    NewPerson,
    PersonCheck,
    check_person,
    household_people,
    known_harmers,
    person_for_invitee,
)

CONSENT_KINDS = {
    "victim": "the victim's consent",
    "parental_responsibility": "consent of a person with parental responsibility",
}
SAFEGUARD_WORDS = {
    "separate_preparation_victim": "separate preparation with the victim",
    "separate_preparation_perpetrator": "separate preparation with the person who harmed",
    "safety_plan": "the safety plan",
}
THREE_ANSWERS = (
    ("victim_requested", "the victim asked for them to attend"),
    ("acknowledges_abuse", "they acknowledge the abuse"),
    ("willing_to_address", "they are willing to address it"),
)
RELAYED_HOW = ("idva", "interpreter", "relayed")  # who relayed it must be named
INVITE_STEP = "change the invite list"


@dataclass(frozen=True)
class VictimSays:
    """A decision as the victim gave it: which person, how, when and who relayed it."""

    victim_person_id: int | None
    how: str  # a key of VICTIM_HOW
    at: dt.datetime | None = None  # None: now
    relayed_by: str | None = None


def _rules(rules: IntakeRules | None) -> IntakeRules:
    return rules or IntakeRules()


def consents_in_force(session: Session, referral_id: int, kind: str) -> list[FgcConsent]:
    """The referral's consents of ``kind`` not withdrawn (queried: never a stale collection)."""
    return list(
        session.scalars(
            select(FgcConsent)
            .where(
                FgcConsent.referral_id == referral_id,
                FgcConsent.kind == kind,
                FgcConsent.withdrawn_at.is_(None),
            )
            .order_by(FgcConsent.id)
        )
    )


def invited(session: Session, referral_id: int) -> list[FgcInvitee]:
    """Everyone on the invite list now."""
    return list(
        session.scalars(
            select(FgcInvitee)
            .where(FgcInvitee.referral_id == referral_id, FgcInvitee.removed_at.is_(None))
            .order_by(FgcInvitee.id)
        )
    )


def safeguard_kinds(session: Session, referral_id: int) -> set[str]:
    return set(
        session.scalars(select(FgcSafeguard.kind).where(FgcSafeguard.referral_id == referral_id))
    )


def require_victim_consent(session: Session, referral: FgcReferral, doing: str) -> None:
    """Nothing is arranged without the victim's consent."""
    if not consents_in_force(session, referral.id, "victim"):
        raise SafeguardError(f"cannot {doing}: the victim's consent is not recorded")


def missing_consents(session: Session, referral: FgcReferral) -> list[str]:
    return [
        f"{words} is not recorded"
        for kind, words in CONSENT_KINDS.items()
        if not consents_in_force(session, referral.id, kind)
    ]


def _has_three(invitee: FgcInvitee) -> bool:
    return invitee.is_person_who_harmed and None not in (
        invitee.victim_requested_at,
        invitee.acknowledges_abuse_at,
        invitee.willing_to_address_at,
    )


def check_invitee(
    session: Session, referral: FgcReferral, invitee: FgcInvitee, rules: IntakeRules | None = None
) -> PersonCheck:
    """Is this invitee, or may they be, anyone recorded as the person who harmed — now?"""
    dob = (
        session.scalar(select(Person.dob).where(Person.id == invitee.person_id))
        if (invitee.person_id is not None)
        else None
    )
    return check_person(
        session,
        known_harmers(session, referral.household_id),
        _rules(rules).review_threshold,
        person_id=invitee.person_id,
        name=invitee.name,
        dob=dob,
    )


def harm_problems(
    session: Session, referral: FgcReferral, rules: IntakeRules | None = None
) -> list[str]:
    """The invite list checked again, whole: anyone who is or may be the person who harmed
    and is on it without all three answers (a later notification may have named them)."""
    problems = []
    harmers = known_harmers(session, referral.household_id)
    if not harmers:
        return []
    threshold = _rules(rules).review_threshold
    for invitee in invited(session, referral.id):
        if _has_three(invitee):
            continue
        dob = (
            session.scalar(select(Person.dob).where(Person.id == invitee.person_id))
            if (invitee.person_id is not None)
            else None
        )
        check = check_person(
            session, harmers, threshold, person_id=invitee.person_id, name=invitee.name, dob=dob
        )
        if check.is_person_who_harmed or invitee.is_person_who_harmed:
            why = check.why or "is recorded as the person who harmed"
            problems.append(
                f"{invitee.name} {why}: all three answers are needed "
                f"({'; '.join(w for _, w in THREE_ANSWERS)})"
            )
    return problems


def missing_for_conference(
    session: Session, referral: FgcReferral, rules: IntakeRules | None = None
) -> list[str]:
    """Everything the gate still needs before a conference date can be set, in words."""
    missing = missing_consents(session, referral)
    on_list = invited(session, referral.id)
    if not on_list:
        missing.append("no one is on the invite list")
    waiting = [i.name for i in on_list if i.approved_by_victim_at is None]
    if waiting:
        missing.append(f"not yet approved by the victim: {', '.join(waiting)}")
    harm = harm_problems(session, referral, rules)
    missing.extend(harm)
    kinds = safeguard_kinds(session, referral.id)
    if "separate_preparation_victim" not in kinds:
        missing.append("separate preparation with the victim is not recorded")
    if (any(i.is_person_who_harmed for i in on_list) or harm) and (
        "separate_preparation_perpetrator" not in kinds
    ):
        missing.append("separate preparation with the person who harmed is not recorded")
    if "safety_plan" not in kinds:
        missing.append("the safety plan is not recorded")
    return missing


# --- the victim's decisions ----------------------------------------------------------------


def _when(at: dt.datetime | None, referral: FgcReferral, what: str) -> dt.datetime:
    """When a decision was given: no later than now, no earlier than the referral."""
    now = utcnow()
    at = at or now
    if at.tzinfo is None:
        raise FgcError(f"the time {what} was given needs a time zone")
    if at > now + dt.timedelta(minutes=5):
        raise SafeguardError(
            f"{what} cannot be recorded as given in the future ({at:%d %b %Y %H:%M})"
        )
    start = referral.offered_at or referral.created_at
    if start is not None and at < start - dt.timedelta(minutes=5):
        raise SafeguardError(
            f"{what} cannot be recorded as given before the FGC was offered ({start:%d %b %Y})"
        )
    return at


def _how(how: str, relayed_by: str | None, what: str) -> tuple[str, str | None]:
    if how not in VICTIM_HOW:
        raise SafeguardError(
            f"{what} needs how it was given: one of {', '.join(VICTIM_HOW.values())}"
        )
    relayed = optional(relayed_by, f"who relayed {what}", 200, SafeguardError)
    if how in RELAYED_HOW and relayed is None:
        raise SafeguardError(f"{what} was given {VICTIM_HOW[how]}: name who relayed it")
    return how, relayed


def _victim(session: Session, referral: FgcReferral, person_id: int | None, what: str) -> int:
    """The victim person of this household who gave ``what``; anyone else is refused."""
    victims = [p for p in household_people(session, referral.household_id) if p.role == "victim"]
    names = ", ".join(p.name for p in victims) or "no one"
    if person_id is None:
        raise SafeguardError(
            f"{what} must be given by the victim; choose the victim "
            f"(recorded as the victim: {names})"
        )
    if person_id not in {p.person_id for p in victims}:
        person = session.get(Person, person_id)
        who = full_name(person.forenames, person.surname) if person else f"person {person_id}"
        raise SafeguardError(
            f"{what} must be given by the victim; {who} is not recorded as the "
            f"victim in this household (recorded as the victim: {names})"
        )
    return person_id


def _victim_decision(
    session: Session,
    actor: Actor,
    referral: FgcReferral,
    invitee: FgcInvitee,
    kind: str,
    says: VictimSays,
    what: str,
    reason: str | None = None,
) -> dt.datetime:
    victim_id = _victim(session, referral, says.victim_person_id, what)
    how, relayed = _how(says.how, says.relayed_by, what)
    at = _when(says.at, referral, what)
    session.flush()  # the invitee's id
    row = FgcVictimDecision(
        referral_id=referral.id,
        invitee_id=invitee.id,
        victim_person_id=victim_id,
        kind=kind,
        how=how,
        given_at=at,
        relayed_by=relayed,
        recorded_by=actor.display_name,
        recorded_at=utcnow(),
        reason=reason,
    )
    session.add(row)
    audit.written(
        session,
        actor,
        row,
        "create",
        detail=f"{what}, {VICTIM_HOW[how]}" + (f", relayed by {relayed}" if relayed else ""),
    )
    return at


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
) -> int:
    """Record who consented (a person of the household), when and how; returns its id."""
    if kind not in CONSENT_KINDS:
        raise FgcError(f"consent kind must be one of {', '.join(CONSENT_KINDS)}, not {kind!r}")
    referral = load_referral(session, referral_id)
    roles.require(session, actor, "record consent", referral)
    require_open(referral, "record consent")
    what = CONSENT_KINDS[kind]
    how, relayed = _how(how, relayed_by, what)
    at = _when(at, referral, what)
    if kind == "victim":
        person_id = _victim(session, referral, person_id, what)
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
    )
    session.add(consent)
    audit.written(session, actor, consent, "create")
    return consent.id


# --- the invite list ---------------------------------------------------------------------------


def _require_three(name: str, answers: dict[str, bool], check: PersonCheck | None) -> None:
    """Refuse, naming each missing answer and why this invitee is the person who harmed."""
    missing = [words for key, words in THREE_ANSWERS if not answers.get(key)]
    if not missing:
        return
    who = f"{name} {check.why}" if check and check.why else f"{name} is the person who harmed"
    raise SafeguardError(
        f"{who}, and can be invited only when all three are recorded; missing: {'; '.join(missing)}"
    )


def add_invitee(
    session: Session,
    actor: Actor,
    referral_id: int,
    *,
    person_id: int | None = None,
    new_person: NewPerson | None = None,
    relationship: str | None = None,
    approval: VictimSays | None = None,
    request: VictimSays | None = None,
    acknowledges_abuse: bool = False,
    willing_to_address: bool = False,
    rules: IntakeRules | None = None,
) -> int:
    """Put a person on the invite list; the person who harmed only with all three answers.

    The person is chosen from the household's people (``person_id``) or added as a new
    person, matched as the intake matches. Whether they are, or may be, the person who
    harmed is decided here, whatever the caller says.
    """
    referral = load_referral(session, referral_id)
    roles.require(session, actor, INVITE_STEP, referral)
    require_open(referral, "change the invite list")
    require_victim_consent(session, referral, "change the invite list")
    relationship = optional(relationship, "The relationship to the child", 100, FgcError)
    if person_id is not None:
        people = {p.person_id: p for p in household_people(session, referral.household_id)}
        if person_id not in people:
            raise FgcError(
                "choose the invitee from the household's people, or add them as a new "
                "person (forenames, surname, relationship, contact)"
            )
        name, dob, contact = people[person_id].name, people[person_id].dob, None
    elif new_person is not None:
        person_id, name = person_for_invitee(session, actor, _rules(rules), new_person)
        dob = new_person.dob
        contact = optional(new_person.contact, "The invitee's contact", 200, FgcError)
    else:
        raise FgcError(
            "an invitee is a person: choose someone from the household or add a new "
            "person with their forenames and surname"
        )
    if any(i.person_id == person_id for i in invited(session, referral.id)):
        raise FgcError(f"{name} is already on the invite list")
    check = check_person(
        session,
        known_harmers(session, referral.household_id),
        _rules(rules).review_threshold,
        person_id=person_id,
        name=name,
        dob=dob,
    )
    invitee = FgcInvitee(
        referral_id=referral.id,
        person_id=person_id,
        name=name,
        relationship_to_family=relationship,
        contact=contact,
    )
    if check.is_person_who_harmed:
        answers = {
            "victim_requested": request is not None,
            "acknowledges_abuse": acknowledges_abuse,
            "willing_to_address": willing_to_address,
        }
        _require_three(name, answers, check)
    session.add(invitee)
    session.flush()
    if check.is_person_who_harmed:
        assert request is not None
        _set_three(session, actor, referral, invitee, request)
    elif approval is not None:
        invitee.approved_by_victim_at = _victim_decision(
            session,
            actor,
            referral,
            invitee,
            "approve_invitee",
            approval,
            f"the victim's approval of {name}",
        )
    audit.written(
        session,
        actor,
        invitee,
        "create",
        detail=f"the person who harmed ({check.why}), with all three answers"
        if check.is_person_who_harmed
        else None,
    )
    return invitee.id


def _set_three(
    session: Session, actor: Actor, referral: FgcReferral, invitee: FgcInvitee, request: VictimSays
) -> None:
    at = _victim_decision(
        session,
        actor,
        referral,
        invitee,
        "request_attendance",
        request,
        f"the victim's request for {invitee.name} to attend",
    )
    now = utcnow()
    invitee.is_person_who_harmed = True
    invitee.victim_requested_at = at
    invitee.acknowledges_abuse_at = invitee.willing_to_address_at = now
    invitee.approved_by_victim_at = invitee.approved_by_victim_at or at  # the victim asked


def _invitee(session: Session, invitee_id: int) -> tuple[FgcInvitee, FgcReferral]:
    invitee = session.get(FgcInvitee, invitee_id)
    if invitee is None or invitee.removed_at is not None:
        raise FgcError(f"there is no invitee {invitee_id} on the list")
    return invitee, load_referral(session, invitee.referral_id)


def _invite_step(session: Session, actor: Actor, invitee_id: int) -> tuple[FgcInvitee, FgcReferral]:
    invitee, referral = _invitee(session, invitee_id)
    roles.require(session, actor, INVITE_STEP, referral)
    require_open(referral, "change the invite list")
    return invitee, referral


def approve_invitee(session: Session, actor: Actor, invitee_id: int, approval: VictimSays) -> None:
    """The victim approves this person on the invite list (as the victim gave it)."""
    invitee, referral = _invite_step(session, actor, invitee_id)
    require_victim_consent(session, referral, f"approve {invitee.name}")
    before = audit.snapshot(invitee)
    invitee.approved_by_victim_at = _victim_decision(
        session,
        actor,
        referral,
        invitee,
        "approve_invitee",
        approval,
        f"the victim's approval of {invitee.name}",
    )
    audit.written(session, actor, invitee, "update", before, detail="approved by the victim")


def record_three_answers(
    session: Session,
    actor: Actor,
    invitee_id: int,
    *,
    request: VictimSays | None,
    acknowledges_abuse: bool = False,
    willing_to_address: bool = False,
) -> None:
    """The person who harmed stays on the list only with all three answers."""
    invitee, referral = _invite_step(session, actor, invitee_id)
    require_victim_consent(session, referral, f"change {invitee.name}")
    check = check_invitee(session, referral, invitee)
    _require_three(
        invitee.name,
        {
            "victim_requested": request is not None,
            "acknowledges_abuse": acknowledges_abuse,
            "willing_to_address": willing_to_address,
        },
        check,
    )
    assert request is not None
    before = audit.snapshot(invitee)
    _set_three(session, actor, referral, invitee, request)
    audit.written(
        session,
        actor,
        invitee,
        "update",
        before,
        detail="the person who harmed, with all three answers",
    )


mark_person_who_harmed = record_three_answers


def withdraw_request(
    session: Session, actor: Actor, invitee_id: int, says: VictimSays, reason: str
) -> None:
    """The victim no longer asks for the person who harmed to attend: he leaves the list at
    once (kept, as removed, with the reason and time); a date set while he was invited is
    cleared, so the gate is passed again, and he returns only with a new request and all
    three answers."""
    invitee, referral = _invite_step(session, actor, invitee_id)
    reason = meaningful(reason, "The reason the request is withdrawn", None, FgcError)
    if not (invitee.is_person_who_harmed or check_invitee(session, referral, invitee).known):
        raise FgcError(
            f"{invitee.name} is not the person who harmed; take them off the list "
            "with a reason instead"
        )
    before = audit.snapshot(invitee)
    _victim_decision(
        session,
        actor,
        referral,
        invitee,
        "withdraw_request",
        says,
        f"the victim's withdrawal of the request for {invitee.name} to attend",
        reason,
    )
    invitee.removed_at = utcnow()
    invitee.removed_reason = f"the victim withdrew the request: {reason}"
    audit.written(
        session, actor, invitee, "update", before, detail=f"removed: {invitee.removed_reason}"
    )
    if referral.conference_date is not None and referral.stage in (
        "coordinator_allocated",
        "preparation",
    ):
        before = audit.snapshot(referral)
        referral.conference_date = None
        audit.written(
            session,
            actor,
            referral,
            "update",
            before,
            detail="conference date cleared: the invite list changed",
        )


def remove_invitee(session: Session, actor: Actor, invitee_id: int, reason: str) -> None:
    """Take someone off the list (kept, with the reason and time)."""
    reason = meaningful(reason, "The reason for taking someone off the invite list", None, FgcError)
    invitee, _ = _invite_step(session, actor, invitee_id)
    before = audit.snapshot(invitee)
    invitee.removed_at = utcnow()
    invitee.removed_reason = reason
    audit.written(session, actor, invitee, "update", before, detail=f"removed: {reason}")


# --- safeguards and the date -------------------------------------------------------------------


def record_safeguard(
    session: Session, actor: Actor, referral_id: int, kind: str, note: str | None = None
) -> int:
    """Record separate preparation (victim / person who harmed) or the safety plan."""
    if kind not in SAFEGUARD_WORDS:
        raise FgcError(f"safeguard kind must be one of {', '.join(SAFEGUARD_WORDS)}, not {kind!r}")
    referral = load_referral(session, referral_id)
    roles.require(session, actor, "record a safeguard", referral)
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
        referral_id=referral.id, kind=kind, recorded_by=actor.display_name, note=note
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
    today: dt.date | None = None,
    rules: IntakeRules | None = None,
) -> None:
    """Set the conference date: only when every safeguard of the gate is in place."""
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
    if date < (today or dt.date.today()):
        raise FgcError(f"the conference date {date.isoformat()} is in the past")
    before = audit.snapshot(referral)
    referral.conference_date = date
    audit.written(session, actor, referral, "update", before, detail="conference date set")
