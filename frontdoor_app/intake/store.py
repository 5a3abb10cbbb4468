"""Storing one valid notification: new, amended (previous values audited) or unchanged."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from frontdoor_app.access import audit
from frontdoor_app.access.actor import Actor
from frontdoor_app.flags import Flags
from frontdoor_app.models import (
    Notification,
    NotificationPerson,
    PersonLink,
    QuarantinedRecord,
    utcnow,
)
from frontdoor_app.profile import IntakeRules

from . import flags as flag_rules
from .people import household_for, link_people
from .validate import NotificationData, PersonData


@dataclass(frozen=True)
class Stored:
    outcome: str  # imported | updated | unchanged
    notification_id: int
    possible_matches: int
    no_child: bool


def _person_row(data: PersonData) -> NotificationPerson:
    return NotificationPerson(
        role=data.role,
        role_as_sent=data.role_as_sent,
        relationship_to_victim=data.relationship_to_victim,
        school=data.school,
        surname=data.surname,
        forenames=data.forenames,
        dob=data.dob,
        age=data.age,
        gender=data.gender,
        raw_fields=data.raw,
    )


def _persons_before(rows: list[NotificationPerson]) -> list[dict[str, Any]]:
    return [
        {
            "role": r.role,
            "surname": r.surname,
            "forenames": r.forenames,
            "dob": r.dob.isoformat() if r.dob else None,
            "person_id": r.person_id,
        }
        for r in rows
    ]


def store(
    session: Session,
    actor: Actor,
    rules: IntakeRules,
    data: NotificationData,
    raw: Any,
    batch_id: int | None,
) -> Stored:
    """Write ``data`` (inside the caller's transaction or savepoint)."""
    content_hash = data.content_hash()
    existing = session.scalar(
        select(Notification).where(Notification.police_ref == data.police_ref)
    )
    if existing is not None and existing.content_hash == content_hash:
        return Stored("unchanged", existing.id, 0, Flags.read(existing.flags).no_child)
    if existing is None:
        notification = Notification(
            **data.columns(),
            raw_record=raw,
            content_hash=content_hash,
            import_batch_id=batch_id,
            flags={},
        )
        session.add(notification)
        session.flush()
        new_people = list(data.persons)
        outcome = "imported"
    else:
        notification = existing
        before = audit.snapshot(notification)
        before["persons"] = _persons_before(list(notification.persons))
        for key, value in data.columns().items():
            setattr(notification, key, value)
        notification.raw_record, notification.content_hash = raw, content_hash
        notification.import_batch_id = batch_id
        new_people = _amend_people(session, notification, list(data.persons))
        outcome = "updated"
    pairs = []
    for person in new_people:
        row = _person_row(person)
        notification.persons.append(row)
        pairs.append((person, row))
    session.flush()
    linked = link_people(session, actor, rules, notification, pairs)
    household = household_for(session, actor, notification, linked)
    notification.household_id = household.id
    session.flush()
    children = [(p.dob, p.age) for p in data.persons if p.role == "child"]
    notification.flags = flag_rules.work_out(session, notification, children)
    if outcome == "imported":
        audit.written(
            session, actor, notification, "create", detail="imported from the police feed"
        )
    else:
        after_persons = _persons_before(list(notification.persons))
        audit.written(
            session,
            actor,
            notification,
            "update",
            before,
            detail="amended by a re-sent notification",
        )
        audit.record(
            session,
            actor,
            "update",
            "notification_person",
            notification.id,
            {"persons": before["persons"]},
            {"persons": after_persons},
            "people of the amended notification",
        )
    _resolve_waiting_quarantine(session, actor, notification)
    possible = sum(1 for item in linked if item.match.decision == "possible")
    return Stored(outcome, notification.id, possible, not children)


def _amend_people(
    session: Session, notification: Notification, people: list[PersonData]
) -> list[PersonData]:
    """Keep the rows of people sent again, drop the others; return the people to add."""
    remaining = list(people)
    for row in list(notification.persons):
        key = (
            row.role,
            row.surname.casefold(),
            (row.forenames or "").casefold(),
            row.dob.isoformat() if row.dob else "",
        )
        same = next((p for p in remaining if p.identity() == key), None)
        if same is not None:
            remaining.remove(same)
            row.relationship_to_victim, row.school = same.relationship_to_victim, same.school
            row.age, row.gender, row.raw_fields = same.age, same.gender, same.raw
            row.role_as_sent = same.role_as_sent
            continue
        # The link decisions stay (with their reasons) but no longer point at the row.
        session.execute(
            update(PersonLink)
            .where(PersonLink.notification_person_id == row.id)
            .values(notification_person_id=None)
        )
        notification.persons.remove(row)
    return remaining


def _resolve_waiting_quarantine(session: Session, actor: Actor, notification: Notification) -> None:
    """A clean version has arrived: earlier quarantined copies of it are done with."""
    for record in session.scalars(
        select(QuarantinedRecord).where(
            QuarantinedRecord.police_ref == notification.police_ref,
            QuarantinedRecord.status == "waiting",
        )
    ):
        resolve_waiting(session, actor, record, notification.police_ref, notification.id)


def resolve_waiting(
    session: Session,
    actor: Actor,
    record: QuarantinedRecord,
    police_ref: str,
    notification_id: int | None = None,
) -> None:
    """Mark a waiting quarantined record as done with: a valid version was imported."""
    if notification_id is None:
        notification_id = session.scalar(
            select(Notification.id).where(Notification.police_ref == police_ref)
        )
    before = audit.snapshot(record)
    record.status, record.notification_id = "corrected", notification_id
    record.resolved_by_id, record.resolved_at = actor.user_id, utcnow()
    record.resolution_reason = "a valid version of this notification was imported"
    audit.written(session, actor, record, "update", before)
