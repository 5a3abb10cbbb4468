"""Internals shared by the FGC modules: loading a referral, permission, stage events."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from frontdoor_app.access import audit
from frontdoor_app.access.actor import Actor
from frontdoor_app.intake.keys import compact
from frontdoor_app.models import (
    FgcReferral,
    FgcStageEvent,
    HouseholdMember,
    Notification,
    NotificationPerson,
    Person,
    utcnow,
)
from frontdoor_app.personal import full_name

from .errors import ConflictError, FgcError

OPEN_STAGES = (
    "offered", "consent", "referred", "coordinator_allocated", "preparation",
    "conference_held", "review", "suspended",
)  # fmt: skip
ENDED_STAGES = ("closed", "declined", "withdrawn", "stopped")
STAGE_WORDS = {
    "offered": "offered",
    "consent": "consent given",
    "referred": "referred",
    "coordinator_allocated": "coordinator allocated",
    "preparation": "preparation",
    "conference_held": "conference held",
    "review": "review",
    "closed": "closed",
    "declined": "declined",
    "withdrawn": "withdrawn",
    "stopped": "stopped",
    "suspended": "suspended",
}


def require_writer(actor: Actor) -> None:
    if actor.role == "viewer":
        raise FgcError(f"{actor.display_name} has read-only access and cannot change FGC referrals")


def load_referral(session: Session, referral_id: int, version: int | None = None) -> FgcReferral:
    """The referral, refusing a missing one or one changed since ``version`` was read."""
    referral = session.get(FgcReferral, referral_id)
    if referral is None:
        raise FgcError(f"there is no FGC referral {referral_id}")
    if version is not None and referral.version != version:
        raise ConflictError(
            f"FGC referral {referral_id} was changed by someone else since you opened it; "
            "reload it and try again"
        )
    return referral


def require_open(referral: FgcReferral, doing: str) -> None:
    if not referral.is_open:
        raise FgcError(f"cannot {doing}: the referral is {STAGE_WORDS[referral.stage]}")
    if referral.stage == "suspended":
        raise FgcError(f"cannot {doing}: the referral is suspended; the coordinator must resume it")


def move_stage(session: Session, actor: Actor, referral: FgcReferral, to_stage: str,
               reason: str | None = None, at: dt.datetime | None = None) -> None:  # fmt: skip
    """Set the stage, its date, an FgcStageEvent and the audit row, in this transaction."""
    before = audit.snapshot(referral)
    at = at or utcnow()
    from_stage = referral.stage
    referral.stage = to_stage
    date_column = f"{to_stage}_at"
    # The first time a stage is reached is its date; resuming after a suspension keeps it.
    if hasattr(referral, date_column) and getattr(referral, date_column) is None:
        setattr(referral, date_column, at)
    if to_stage in ENDED_STAGES:
        # Whatever way it ended, closed_at is when; the stage and end_reason say how.
        referral.closed_at = at
        referral.is_open = False
        if to_stage != "closed":
            referral.end_reason = reason
    session.add(FgcStageEvent(referral_id=referral.id, from_stage=from_stage, to_stage=to_stage,
                              at=at, by_name=actor.display_name, reason=reason))  # fmt: skip
    audit.written(
        session,
        actor,
        referral,
        "update",
        before,
        detail=f"FGC stage {from_stage} → {to_stage}" + (f": {reason}" if reason else ""),
    )


def household_perpetrators(session: Session, household_id: int) -> list[tuple[int | None, str]]:
    """(person id, full name) of everyone recorded as the person who harmed in the household."""
    found: dict[Any, tuple[int | None, str]] = {}
    members = session.execute(
        select(Person.id, Person.forenames, Person.surname)
        .join(HouseholdMember, HouseholdMember.person_id == Person.id)
        .where(HouseholdMember.household_id == household_id, HouseholdMember.role == "perpetrator")
    )
    for pid, forenames, surname in members:
        found[pid] = (pid, full_name(forenames, surname))
    sent = session.execute(
        select(
            NotificationPerson.person_id, NotificationPerson.forenames, NotificationPerson.surname
        )
        .join(Notification, Notification.id == NotificationPerson.notification_id)
        .where(Notification.household_id == household_id, NotificationPerson.role == "perpetrator")
    )
    for sent_id, forenames, surname in sent:
        key: Any = sent_id if sent_id is not None else compact(full_name(forenames, surname))
        found.setdefault(key, (sent_id, full_name(forenames, surname)))
    return list(found.values())


def _words(name: str) -> list[str]:
    return [w for w in (compact(part) for part in re.split(r"[\s,.;]+", name)) if w]


def same_name(a: str, b: str) -> bool:
    """Names agree ignoring case, accents, punctuation, spacing and word order."""
    words = _words(a)
    return bool(words) and sorted(words) == sorted(_words(b))


def could_be(name: str, known: str) -> bool:
    """``name`` could name ``known``: in full, in part ("Darren") or by initials ("D. Kowalski").

    Used to keep the person who harmed off the invite list under a shortened name; someone
    else with a shared surname ("Dorota Kowalski") is not caught.
    """
    given, full = _words(name), _words(known)
    if not given:
        return False
    unused = list(full)
    for word in given:
        if word in unused:
            unused.remove(word)
            continue
        initial = next((w for w in unused if len(word) == 1 and w.startswith(word)), None)
        if initial is None:
            return False
        unused.remove(initial)
    return True


def same_person_ids(session: Session, person_id: int) -> set[int]:
    """The person and the records merged with them (a merge must not hide who someone is)."""
    ids = {person_id}
    merged_into = session.scalar(select(Person.merged_into_id).where(Person.id == person_id))
    if merged_into is not None:
        ids.add(merged_into)
    ids.update(session.scalars(select(Person.id).where(Person.merged_into_id.in_(list(ids)))))
    return ids
