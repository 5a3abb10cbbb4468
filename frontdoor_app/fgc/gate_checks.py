"""The gate's checks (what is missing before each step) and how the victim's decisions are
taken down (how, when, who relayed them); ``gate`` is the module callers use."""

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
from frontdoor_app.personal import full_name
from frontdoor_app.profile import IntakeRules
from frontdoor_app.wording import optional

from .errors import FgcError, SafeguardError
from .people import (
    PersonCheck,
    check_person,
    household_people,
    known_harmers,
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


def already(
    session: Session,
    model: type[FgcConsent | FgcSafeguard | FgcInvitee | FgcVictimDecision],
    client_ref: str | None,
) -> int | None:
    """The id of the row a step with ``client_ref`` has already stored (a step sent again
    after a dropped connection, whose first attempt did reach the server), else None."""
    if client_ref is None:
        return None
    found = session.scalar(select(model.id).where(model.client_ref == client_ref))
    return None if found is None else int(found)


def intake_rules(rules: IntakeRules | None) -> IntakeRules:
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
        intake_rules(rules).review_threshold,
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
    threshold = intake_rules(rules).review_threshold
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


def when_given(at: dt.datetime | None, referral: FgcReferral, what: str) -> dt.datetime:
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


def how_given(how: str, relayed_by: str | None, what: str) -> tuple[str, str | None]:
    if how not in VICTIM_HOW:
        raise SafeguardError(
            f"{what} needs how it was given: one of {', '.join(VICTIM_HOW.values())}"
        )
    relayed = optional(relayed_by, f"who relayed {what}", 200, SafeguardError)
    if how in RELAYED_HOW and relayed is None:
        raise SafeguardError(f"{what} was given {VICTIM_HOW[how]}: name who relayed it")
    return how, relayed


def victim_of(session: Session, referral: FgcReferral, person_id: int | None, what: str) -> int:
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


def victim_decision(
    session: Session,
    actor: Actor,
    referral: FgcReferral,
    invitee: FgcInvitee,
    kind: str,
    says: VictimSays,
    what: str,
    reason: str | None = None,
    client_ref: str | None = None,
) -> dt.datetime:
    victim_id = victim_of(session, referral, says.victim_person_id, what)
    how, relayed = how_given(says.how, says.relayed_by, what)
    at = when_given(says.at, referral, what)
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
        client_ref=client_ref,
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
