"""The domestic abuse gate: consent, the victim's invite list, the person who harmed, safety.

These are rules the software enforces, not notes (DOMAIN.md). Every function here checks
them itself, whoever calls it and whatever their role; the database CHECK on
``fgc_invitee`` is the last line. Each refusal is a SafeguardError naming what is missing.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from frontdoor_app.access import audit
from frontdoor_app.access.actor import Actor
from frontdoor_app.models import FgcConsent, FgcInvitee, FgcReferral, FgcSafeguard, utcnow

from .common import (
    could_be,
    household_perpetrators,
    load_referral,
    require_open,
    require_writer,
    same_name,
    same_person_ids,
)
from .errors import FgcError, SafeguardError

CONSENT_KINDS = {"victim": "the victim's consent", "parental_responsibility":
                 "consent of a person with parental responsibility"}  # fmt: skip
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


def consents_in_force(session: Session, referral_id: int, kind: str) -> list[FgcConsent]:
    """The referral's consents of ``kind`` not withdrawn (queried: never a stale collection)."""
    return list(session.scalars(select(FgcConsent).where(
        FgcConsent.referral_id == referral_id, FgcConsent.kind == kind,
        FgcConsent.withdrawn_at.is_(None)).order_by(FgcConsent.id)))  # fmt: skip


def invited(session: Session, referral_id: int) -> list[FgcInvitee]:
    """Everyone on the invite list now."""
    return list(session.scalars(select(FgcInvitee).where(
        FgcInvitee.referral_id == referral_id, FgcInvitee.removed_at.is_(None)
    ).order_by(FgcInvitee.id)))  # fmt: skip


def safeguard_kinds(session: Session, referral_id: int) -> set[str]:
    return set(session.scalars(select(FgcSafeguard.kind).where(
        FgcSafeguard.referral_id == referral_id)))  # fmt: skip


def require_victim_consent(session: Session, referral: FgcReferral, doing: str) -> None:
    """Nothing is arranged without the victim's consent."""
    if not consents_in_force(session, referral.id, "victim"):
        raise SafeguardError(f"cannot {doing}: the victim's consent is not recorded")


def missing_consents(session: Session, referral: FgcReferral) -> list[str]:
    return [f"{words} is not recorded" for kind, words in CONSENT_KINDS.items()
            if not consents_in_force(session, referral.id, kind)]  # fmt: skip


def missing_for_conference(session: Session, referral: FgcReferral) -> list[str]:
    """Everything the gate still needs before a conference date can be set, in words."""
    missing = missing_consents(session, referral)
    on_list = invited(session, referral.id)
    if not on_list:
        missing.append("no one is on the invite list")
    waiting = [i.name for i in on_list if i.approved_by_victim_at is None]
    if waiting:
        missing.append(f"not yet approved by the victim: {', '.join(waiting)}")
    kinds = safeguard_kinds(session, referral.id)
    if "separate_preparation_victim" not in kinds:
        missing.append("separate preparation with the victim is not recorded")
    if any(i.is_person_who_harmed for i in on_list) and (
        "separate_preparation_perpetrator" not in kinds
    ):
        missing.append("separate preparation with the person who harmed is not recorded")
    if "safety_plan" not in kinds:
        missing.append("the safety plan is not recorded")
    return missing


def record_consent(session: Session, actor: Actor, referral_id: int, kind: str, person_name: str,
                   how: str, at: dt.datetime | None = None,
                   person_id: int | None = None) -> int:  # fmt: skip
    """Record who consented, when and how; returns the consent's id."""
    require_writer(actor)
    if kind not in CONSENT_KINDS:
        raise FgcError(f"consent kind must be one of {', '.join(CONSENT_KINDS)}, not {kind!r}")
    person_name, how = (person_name or "").strip(), (how or "").strip()
    if not person_name:
        raise SafeguardError(f"{CONSENT_KINDS[kind]} needs the name of who gave it")
    if not how:
        raise SafeguardError(f"{CONSENT_KINDS[kind]} needs how it was given (in person, by phone…)")
    at = at or utcnow()
    if at.tzinfo is None:
        raise FgcError("the time consent was given needs a time zone")
    if at > utcnow() + dt.timedelta(minutes=5):
        raise SafeguardError(f"{CONSENT_KINDS[kind]} cannot be recorded as given in the future")
    referral = load_referral(session, referral_id)
    require_open(referral, "record consent")
    if kind == "victim":
        for pid, name in household_perpetrators(session, referral.household_id):
            same = (
                person_id is not None
                and pid is not None
                and (same_person_ids(session, person_id) & same_person_ids(session, pid))
            )
            if same or could_be(person_name, name):
                raise SafeguardError(
                    f"{person_name} could be {name}, recorded as the person who harmed; the "
                    "victim's consent must come from the victim (give the victim's full name)"
                )
    consent = FgcConsent(referral_id=referral.id, person_id=person_id, person_name=person_name,
                         kind=kind, how=how, recorded_by=actor.display_name, at=at)  # fmt: skip
    session.add(consent)
    audit.written(session, actor, consent, "create")
    return consent.id


def add_invitee(session: Session, actor: Actor, referral_id: int, name: str, *,
                person_id: int | None = None, relationship: str | None = None,
                approved_by_victim: bool = False, is_person_who_harmed: bool = False,
                victim_requested: bool = False, acknowledges_abuse: bool = False,
                willing_to_address: bool = False) -> int:  # fmt: skip
    """Put someone on the invite list; the person who harmed only with all three answers.

    The person who harmed is recognised whether or not the caller says so: by person id or
    by name against everyone recorded as the perpetrator in the household.
    """
    require_writer(actor)
    name = (name or "").strip()
    if not name:
        raise FgcError("an invitee needs a name")
    referral = load_referral(session, referral_id)
    require_open(referral, f"invite {name}")
    require_victim_consent(session, referral, f"invite {name}")
    known, certain = _person_who_harmed(session, referral, name, person_id)
    harmed = is_person_who_harmed or known is not None
    answers = {"victim_requested": victim_requested, "acknowledges_abuse": acknowledges_abuse,
               "willing_to_address": willing_to_address}  # fmt: skip
    now = utcnow()
    invitee = FgcInvitee(referral_id=referral.id, person_id=person_id, name=name,
                         relationship_to_family=(relationship or "").strip() or None)  # fmt: skip
    if harmed:
        _require_three(name, answers, known, certain or is_person_who_harmed)
        invitee.is_person_who_harmed = True
        invitee.victim_requested_at = invitee.acknowledges_abuse_at = now
        invitee.willing_to_address_at = now
        approved_by_victim = True  # the victim asked for them
    invitee.approved_by_victim_at = now if approved_by_victim else None
    session.add(invitee)
    audit.written(
        session,
        actor,
        invitee,
        "create",
        detail="the person who harmed, with all three answers" if harmed else None,
    )
    return invitee.id


def _require_three(name: str, answers: dict[str, bool], known: str | None = None,
                   certain: bool = True) -> None:  # fmt: skip
    """Refuse, naming each missing answer; ``known`` is the recorded name when it differs."""
    missing = [words for key, words in THREE_ANSWERS if not answers.get(key)]
    if not missing:
        return
    if known is None or same_name(name, known):
        who = f"{name} is the person who harmed"
    elif certain:
        who = f"{name} is {known}, the person who harmed,"
    else:
        who = f"{name} could be {known}, the person who harmed,"
    hint = "" if certain else " (if this is someone else, give their full name)"
    raise SafeguardError(f"{who} and can be invited only when all three are recorded; "
                         f"missing: {'; '.join(missing)}{hint}")  # fmt: skip


def _person_who_harmed(session: Session, referral: FgcReferral, name: str,
                       person_id: int | None) -> tuple[str | None, bool]:  # fmt: skip
    """(recorded name, certain) of the household's person who harmed this invitee may be.

    Certain by person record (merges included) or full name; uncertain by part of the
    name or initials. (None, False) when the invitee is someone else.
    """
    ids = same_person_ids(session, person_id) if person_id is not None else set()
    perpetrators = household_perpetrators(session, referral.household_id)
    for pid, known in perpetrators:
        if (pid is not None and ids & same_person_ids(session, pid)) or same_name(name, known):
            return known, True
    for _, known in perpetrators:
        if could_be(name, known):
            return known, False
    return None, False


def _invitee(session: Session, invitee_id: int) -> tuple[FgcInvitee, FgcReferral]:
    invitee = session.get(FgcInvitee, invitee_id)
    if invitee is None or invitee.removed_at is not None:
        raise FgcError(f"there is no invitee {invitee_id} on the list")
    return invitee, load_referral(session, invitee.referral_id)


def approve_invitee(session: Session, actor: Actor, invitee_id: int) -> None:
    """The victim approves this person on the invite list."""
    require_writer(actor)
    invitee, referral = _invitee(session, invitee_id)
    require_open(referral, f"approve {invitee.name}")
    require_victim_consent(session, referral, f"approve {invitee.name}")
    before = audit.snapshot(invitee)
    invitee.approved_by_victim_at = utcnow()
    audit.written(session, actor, invitee, "update", before, detail="approved by the victim")


def mark_person_who_harmed(session: Session, actor: Actor, invitee_id: int, *,
                           victim_requested: bool = False, acknowledges_abuse: bool = False,
                           willing_to_address: bool = False) -> None:  # fmt: skip
    """An invitee turns out to be the person who harmed: they stay only with all three."""
    require_writer(actor)
    invitee, referral = _invitee(session, invitee_id)
    require_open(referral, f"change {invitee.name}")
    _require_three(invitee.name, {"victim_requested": victim_requested,
                                  "acknowledges_abuse": acknowledges_abuse,
                                  "willing_to_address": willing_to_address})  # fmt: skip
    before = audit.snapshot(invitee)
    now = utcnow()
    invitee.is_person_who_harmed = True
    invitee.victim_requested_at = invitee.acknowledges_abuse_at = now
    invitee.willing_to_address_at = now
    invitee.approved_by_victim_at = invitee.approved_by_victim_at or now
    audit.written(
        session,
        actor,
        invitee,
        "update",
        before,
        detail="the person who harmed, with all three answers",
    )


def remove_invitee(session: Session, actor: Actor, invitee_id: int, reason: str) -> None:
    """Take someone off the list (kept, with the reason, in the audit trail).

    Used too when the person who harmed no longer meets all three: they cannot stay.
    """
    require_writer(actor)
    reason = (reason or "").strip()
    if not reason:
        raise FgcError("taking someone off the invite list needs a reason")
    invitee, referral = _invitee(session, invitee_id)
    before = audit.snapshot(invitee)
    invitee.removed_at = utcnow()
    audit.written(session, actor, invitee, "update", before, detail=f"removed: {reason}")


def record_safeguard(session: Session, actor: Actor, referral_id: int, kind: str,
                     note: str | None = None) -> int:  # fmt: skip
    """Record separate preparation (victim / person who harmed) or the safety plan."""
    require_writer(actor)
    if kind not in SAFEGUARD_WORDS:
        raise FgcError(f"safeguard kind must be one of {', '.join(SAFEGUARD_WORDS)}, not {kind!r}")
    note = (note or "").strip() or None
    if kind == "safety_plan" and not note:
        raise SafeguardError("the safety plan needs a note of what it is and where it is kept")
    referral = load_referral(session, referral_id)
    require_open(referral, f"record {SAFEGUARD_WORDS[kind]}")
    require_victim_consent(session, referral, f"record {SAFEGUARD_WORDS[kind]}")
    if kind == "separate_preparation_perpetrator" and not any(
        i.is_person_who_harmed for i in invited(session, referral.id)
    ):
        raise SafeguardError(
            "separate preparation with the person who harmed is recorded only once they are "
            "on the invite list with all three answers"
        )
    row = FgcSafeguard(referral_id=referral.id, kind=kind, recorded_by=actor.display_name,
                       note=note)  # fmt: skip
    session.add(row)
    audit.written(session, actor, row, "create")
    return row.id


def set_conference_date(session: Session, actor: Actor, referral_id: int, date: dt.date,
                        version: int | None = None, today: dt.date | None = None) -> None:  # fmt: skip
    """Set the conference date: only when every safeguard of the gate is in place."""
    require_writer(actor)
    referral = load_referral(session, referral_id, version)
    require_open(referral, "set a conference date")
    if referral.stage not in ("coordinator_allocated", "preparation"):
        raise FgcError(
            "a conference date is set once a coordinator is allocated; the referral is at "
            f"stage {referral.stage.replace('_', ' ')}"
        )
    missing = missing_for_conference(session, referral)
    if missing:
        raise SafeguardError(f"a conference date cannot be set; missing: {'; '.join(missing)}")
    if date < (today or dt.date.today()):
        raise FgcError(f"the conference date {date.isoformat()} is in the past")
    before = audit.snapshot(referral)
    referral.conference_date = date
    audit.written(session, actor, referral, "update", before, detail="conference date set")
