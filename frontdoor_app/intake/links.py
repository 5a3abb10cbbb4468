"""Match decisions a person makes: confirm or reject a possible match, undo a wrong link.

Every decision is kept on ``PersonLink`` (with score and reasons) and audited, so a link
can always be explained and undone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from frontdoor_app.access import audit
from frontdoor_app.access.actor import INTAKE_ROLES, Actor, require
from frontdoor_app.models import (
    HouseholdMember,
    Notification,
    NotificationPerson,
    Person,
    PersonLink,
    utcnow,
)
from frontdoor_app.models.database import session_scope
from frontdoor_app.refusal import Refusal

from .keys import name_keys


class LinkError(Refusal):
    """A match decision that cannot be made; the message says why."""


@dataclass(frozen=True)
class PersonSummary:
    id: int
    name: str
    dob: dt.date | None
    birth_year: int | None
    address: str | None
    postcode: str | None
    nhs_number: str | None

    @property
    def born(self) -> str:
        if self.dob:
            return self.dob.strftime("%d/%m/%Y")
        return f"about {self.birth_year}" if self.birth_year else "unknown"


@dataclass(frozen=True)
class MatchRow:
    """A match decision as shown to a person: new ⇄ known, score and reasons in words."""

    link_id: int
    police_ref: str
    role: str
    incoming: PersonSummary
    known: PersonSummary
    score: float
    reasons: tuple[str, ...]
    status: str
    decided_by: str


def _summary(person: Person) -> PersonSummary:
    name = " ".join(p for p in (person.forenames, person.surname) if p)
    return PersonSummary(
        person.id,
        name,
        person.dob,
        person.birth_year,
        person.address,
        person.postcode,
        person.nhs_number,
    )


def _incoming(row: NotificationPerson | None, person: Person | None) -> PersonSummary:
    if person is not None:
        return _summary(person)
    assert row is not None
    name = " ".join(p for p in (row.forenames, row.surname) if p)
    return PersonSummary(0, name, row.dob, None, None, None, None)


def _load(s: Session, model: type[Any], ids: set[int]) -> dict[int, Any]:
    out: dict[int, Any] = {}
    ordered = sorted(ids)
    for start in range(0, len(ordered), 500):
        for row in s.scalars(select(model).where(model.id.in_(ordered[start : start + 500]))):
            out[row.id] = row
    return out


def _rows(s: Session, links: list[PersonLink]) -> list[MatchRow]:
    """The decisions as plain rows, loading what they point at in a few queries."""
    rows = _load(
        s, NotificationPerson, {k.notification_person_id for k in links if k.notification_person_id}
    )
    notes = _load(s, Notification, {r.notification_id for r in rows.values()})
    people = _load(
        s,
        Person,
        {k.matched_person_id for k in links} | {k.person_id for k in links if k.person_id},
    )
    out = []
    for link in links:
        row = rows.get(link.notification_person_id) if link.notification_person_id else None
        notification = notes.get(row.notification_id) if row else None
        incoming = people.get(link.person_id) if link.person_id else None
        out.append(
            MatchRow(
                link.id,
                notification.police_ref if notification else "",
                row.role if row else "",
                _incoming(row, incoming),
                _summary(people[link.matched_person_id]),
                link.score,
                tuple(r for r in link.reasons.split("; ") if r),
                link.status,
                link.decided_by,
            )
        )
    return out


def links_of_batch(sessions: sessionmaker[Session], batch_id: int) -> list[MatchRow]:
    """The links an import made (automatic or confirmed), to check and undo a wrong one."""
    with session_scope(sessions) as s:
        query = (
            select(PersonLink)
            .join(NotificationPerson, NotificationPerson.id == PersonLink.notification_person_id)
            .join(Notification, Notification.id == NotificationPerson.notification_id)
            .where(
                Notification.import_batch_id == batch_id,
                PersonLink.status.in_(("linked", "undone")),
            )
            .order_by(PersonLink.score, PersonLink.id)
        )
        return _rows(s, list(s.scalars(query)))


def possible_matches(
    sessions: sessionmaker[Session], batch_id: int | None = None
) -> list[MatchRow]:
    """Matches waiting for a person to confirm or reject (of one import, or all)."""
    with session_scope(sessions) as s:
        query = select(PersonLink).where(PersonLink.status == "possible")
        if batch_id is not None:
            query = (
                query.join(
                    NotificationPerson, NotificationPerson.id == PersonLink.notification_person_id
                )
                .join(Notification, Notification.id == NotificationPerson.notification_id)
                .where(Notification.import_batch_id == batch_id)
            )
        return _rows(s, list(s.scalars(query.order_by(PersonLink.score.desc(), PersonLink.id))))


def links_of_notification(sessions: sessionmaker[Session], notification_id: int) -> list[MatchRow]:
    """Every match decision made for the people of one notification (for its history)."""
    with session_scope(sessions) as s:
        query = (
            select(PersonLink)
            .join(NotificationPerson, NotificationPerson.id == PersonLink.notification_person_id)
            .where(NotificationPerson.notification_id == notification_id)
            .order_by(PersonLink.id)
        )
        return _rows(s, list(s.scalars(query)))


def _link(s: Session, link_id: int, status: str) -> PersonLink:
    link = s.get(PersonLink, link_id)
    if link is None:
        raise LinkError("This match no longer exists.")
    if link.status != status:
        raise LinkError(f"This match has already been decided ({link.status}).")
    return link


def confirm_match(sessions: sessionmaker[Session], actor: Actor, link_id: int) -> MatchRow:
    """The same person: the new record joins the known person and their history."""
    require(actor, INTAKE_ROLES, "confirm a match")
    with session_scope(sessions) as s:
        link = _link(s, link_id, "possible")
        before = audit.snapshot(link)
        if link.person_id is not None:
            _merge(s, actor, link.person_id, link.matched_person_id)
        link.status, link.decided_by = "linked", "user"
        link.decided_by_user_id, link.decided_at = actor.user_id, utcnow()
        audit.written(s, actor, link, "update", before, detail="match confirmed")
        return _rows(s, [link])[0]


def reject_match(sessions: sessionmaker[Session], actor: Actor, link_id: int) -> MatchRow:
    """Not the same person: the new record stays a person of its own."""
    require(actor, INTAKE_ROLES, "reject a match")
    with session_scope(sessions) as s:
        link = _link(s, link_id, "possible")
        before = audit.snapshot(link)
        link.status, link.decided_by = "rejected", "user"
        link.decided_by_user_id, link.decided_at = actor.user_id, utcnow()
        audit.written(s, actor, link, "update", before, detail="not the same person")
        return _rows(s, [link])[0]


def undo_link(sessions: sessionmaker[Session], actor: Actor, link_id: int, reason: str) -> MatchRow:
    """A wrong link: the person as sent becomes a person of their own again."""
    require(actor, INTAKE_ROLES, "undo a person link")
    if not reason.strip():
        raise LinkError("Say why the link is wrong: the reason is kept with the decision.")
    with session_scope(sessions) as s:
        link = _link(s, link_id, "linked")
        before = audit.snapshot(link)
        row = (
            s.get(NotificationPerson, link.notification_person_id)
            if link.notification_person_id
            else None
        )
        if link.person_id is not None:
            own = s.get_one(Person, link.person_id)
            p_before = audit.snapshot(own)
            own.merged_into_id = None
            audit.written(s, actor, own, "update", p_before, detail="link undone")
        elif row is not None:
            own = _person_from_row(s, actor, row)
            link.person_id = own.id
        else:
            raise LinkError("The notification this link came from was amended; nothing to undo.")
        if row is not None:
            _move_row(s, actor, row, link.matched_person_id, own.id)
        link.status, link.undone_at, link.undone_reason = "undone", utcnow(), reason.strip()
        audit.written(s, actor, link, "update", before, detail="link undone")
        return _rows(s, [link])[0]


def _person_from_row(s: Session, actor: Actor, row: NotificationPerson) -> Person:
    notification = s.get_one(Notification, row.notification_id)
    keys = name_keys(row.surname, row.forenames)
    year = (
        row.dob.year
        if row.dob
        else (notification.incident_at.year - row.age if row.age is not None else None)
    )
    person = Person(
        surname=row.surname,
        forenames=row.forenames,
        dob=row.dob,
        birth_year=year,
        birth_year_estimated=row.dob is None and year is not None,
        gender=row.gender,
        surname_key=keys.surname_key,
        surname_phonetic=keys.surname_phonetic,
        forename_key=keys.forename_key,
        forename_initial=keys.forename_initial,
        address=notification.address,
        postcode=notification.postcode,
        school=row.school,
        created_from_notification_id=notification.id,
    )
    s.add(person)
    audit.written(s, actor, person, "create", detail="link undone")
    return person


def _move_row(s: Session, actor: Actor, row: NotificationPerson, from_id: int, to_id: int) -> None:
    """Point the notification's person at ``to_id``, with the household membership."""
    row.person_id = to_id
    notification = s.get_one(Notification, row.notification_id)
    household_id = notification.household_id
    if household_id is None:
        return
    still = s.scalar(
        select(NotificationPerson.id)
        .join(Notification, Notification.id == NotificationPerson.notification_id)
        .where(NotificationPerson.person_id == from_id, Notification.household_id == household_id)
        .limit(1)
    )
    members = list(
        s.scalars(
            select(HouseholdMember).where(
                HouseholdMember.household_id == household_id,
                HouseholdMember.person_id.in_((from_id, to_id)),
            )
        )
    )
    if still is None:
        for member in members:
            if member.person_id == from_id:
                audit.written(s, actor, member, "delete", detail="link undone")
                s.delete(member)
    if not any(m.person_id == to_id for m in members):
        member = HouseholdMember(
            household_id=household_id,
            person_id=to_id,
            role=row.role,
            from_date=notification.incident_at.date(),
        )
        s.add(member)
        audit.written(s, actor, member, "create", detail="link undone")


def _merge(s: Session, actor: Actor, person_id: int, into_id: int) -> None:
    """The person made from a notification becomes the known one everywhere it appears."""
    person = s.get_one(Person, person_id)
    for row in s.scalars(
        select(NotificationPerson).where(NotificationPerson.person_id == person_id)
    ):
        row.person_id = into_id
    into_households = {
        m.household_id
        for m in s.scalars(select(HouseholdMember).where(HouseholdMember.person_id == into_id))
    }
    for member in s.scalars(select(HouseholdMember).where(HouseholdMember.person_id == person_id)):
        before = audit.snapshot(member)
        if member.household_id in into_households:
            audit.written(s, actor, member, "delete", detail="match confirmed")
            s.delete(member)
        else:
            member.person_id = into_id
            audit.written(s, actor, member, "update", before, detail="match confirmed")
    before = audit.snapshot(person)
    person.merged_into_id = into_id
    audit.written(s, actor, person, "update", before, detail="match confirmed")
