"""Turning the people a notification names into known people and a household."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from frontdoor_app.access import audit
from frontdoor_app.access.actor import Actor
from frontdoor_app.models import (
    Household,
    HouseholdMember,
    Notification,
    NotificationPerson,
    Person,
    PersonLink,
    PostcodeDistrict,
    utcnow,
)
from frontdoor_app.profile import IntakeRules

from .fields import postcode_district
from .keys import fold, name_keys
from .matching import Match, match_person
from .similarity import PersonFacts
from .validate import PersonData

ROLE_WEIGHT = {"victim": 3, "child": 2, "perpetrator": 1, "other_adult": 1}


@dataclass
class Linked:
    """One person of a notification after matching."""

    data: PersonData
    row: NotificationPerson
    person: Person
    match: Match


def facts_from(
    data: PersonData, incident_address: str, incident_postcode: str, on: dt.date
) -> PersonFacts:
    year = data.dob.year if data.dob else (on.year - data.age if data.age is not None else None)
    address = data.address or (incident_address if not data.postcode else None)
    postcode = data.postcode or (incident_postcode if not data.address else None)
    return PersonFacts(
        data.surname,
        data.forenames,
        data.dob,
        year,
        data.gender,
        data.nhs_number,
        data.pnc_id,
        address,
        postcode,
    )


def new_person(
    session: Session, actor: Actor, data: PersonData, facts: PersonFacts, notification_id: int
) -> Person:
    keys = name_keys(data.surname, data.forenames)
    nhs = (
        data.nhs_number if data.nhs_number and not _taken(session, "nhs", data.nhs_number) else None
    )
    pnc = data.pnc_id if data.pnc_id and not _taken(session, "pnc", data.pnc_id) else None
    person = Person(
        surname=data.surname,
        forenames=data.forenames,
        dob=data.dob,
        birth_year=facts.birth_year,
        birth_year_estimated=data.dob is None and facts.birth_year is not None,
        gender=data.gender,
        nhs_number=nhs,
        pnc_id=pnc,
        surname_key=keys.surname_key,
        surname_phonetic=keys.surname_phonetic,
        forename_key=keys.forename_key,
        forename_initial=keys.forename_initial,
        address=facts.address,
        postcode=facts.postcode,
        school=data.school,
        created_from_notification_id=notification_id,
    )
    session.add(person)
    audit.written(session, actor, person, "create", detail="from a police notification")
    return person


def _taken(session: Session, kind: str, value: str) -> bool:
    column = Person.nhs_number if kind == "nhs" else Person.pnc_id
    return session.scalar(select(Person.id).where(column == value).limit(1)) is not None


def refresh_known(
    session: Session, actor: Actor, person: Person, data: PersonData, facts: PersonFacts
) -> None:
    """Fill in what the known person lacked and keep the latest address and school."""
    before = audit.snapshot(person)
    if data.nhs_number and not person.nhs_number and not _taken(session, "nhs", data.nhs_number):
        person.nhs_number = data.nhs_number
    if data.pnc_id and not person.pnc_id and not _taken(session, "pnc", data.pnc_id):
        person.pnc_id = data.pnc_id
    if data.dob and not person.dob:
        person.dob, person.birth_year, person.birth_year_estimated = data.dob, data.dob.year, False
    if data.school:
        person.school = data.school
    if facts.postcode:
        person.address, person.postcode = facts.address, facts.postcode
    if session.is_modified(person):
        audit.written(session, actor, person, "update", before, detail="newer police notification")


def link_people(
    session: Session,
    actor: Actor,
    rules: IntakeRules,
    notification: Notification,
    people: list[tuple[PersonData, NotificationPerson]],
) -> list[Linked]:
    """Match each person as sent, link or create, and record every match decision."""
    on = notification.incident_at.date()
    used: set[int] = set()
    seen: dict[tuple[str, ...], Linked] = {}
    out = []
    for data, row in people:
        twin = seen.get(data.identity())
        if twin is not None:  # the same person sent twice in one notification
            row.person_id = twin.person.id
            if twin.match.decision == "auto":
                again = PersonLink(
                    notification_person_id=row.id,
                    person_id=None,
                    matched_person_id=twin.person.id,
                    score=twin.match.score,
                    reasons=twin.match.reasons_text,
                    status="linked",
                    decided_by="auto",
                    decided_at=utcnow(),
                )
                session.add(again)
                audit.written(session, actor, again, "create")
            out.append(Linked(data, row, twin.person, twin.match))
            continue
        facts = facts_from(data, notification.address, notification.postcode, on)
        match = match_person(session, facts, rules, exclude=used)
        link: PersonLink | None
        if match.decision == "auto" and match.person_id is not None:
            person = session.get_one(Person, match.person_id)
            refresh_known(session, actor, person, data, facts)
            link = PersonLink(
                notification_person_id=row.id,
                person_id=None,
                matched_person_id=person.id,
                score=match.score,
                reasons=match.reasons_text,
                status="linked",
                decided_by="auto",
                decided_at=utcnow(),
            )
        else:
            person = new_person(session, actor, data, facts, notification.id)
            link = None
            if match.decision == "possible" and match.person_id is not None:
                link = PersonLink(
                    notification_person_id=row.id,
                    person_id=person.id,
                    matched_person_id=match.person_id,
                    score=match.score,
                    reasons=match.reasons_text,
                    status="possible",
                    decided_by="pending",
                )
        row.person_id = person.id
        used.add(person.id)
        if link is not None:
            session.add(link)
            audit.written(session, actor, link, "create")
        out.append(Linked(data, row, person, match))
        seen[data.identity()] = out[-1]
    return out


def household_for(
    session: Session, actor: Actor, notification: Notification, linked: list[Linked]
) -> Household:
    """The household of the people already known (weighted by role), else a new one."""
    known = {
        item.person.id: ROLE_WEIGHT[item.data.role]
        for item in linked
        if item.match.decision == "auto"
    }
    household = None
    if known:
        weights: dict[int, int] = defaultdict(int)
        for member in session.scalars(
            select(HouseholdMember).where(
                HouseholdMember.person_id.in_(known), HouseholdMember.to_date.is_(None)
            )
        ):
            weights[member.household_id] += known[member.person_id]
        if weights:
            candidates = session.scalars(select(Household).where(Household.id.in_(weights))).all()
            household = max(
                candidates, key=lambda h: (weights[h.id], h.postcode == notification.postcode, h.id)
            )
    if household is None:
        household = Household(
            reference=_next_reference(session),
            address=notification.address,
            postcode=notification.postcode,
            locality_id=_locality(session, notification.postcode),
        )
        session.add(household)
        audit.written(session, actor, household, "create", detail="from a police notification")
    current = {
        m.person_id
        for m in session.scalars(
            select(HouseholdMember).where(
                HouseholdMember.household_id == household.id, HouseholdMember.to_date.is_(None)
            )
        )
    }
    victim_home = any(
        item.data.role == "victim"
        and item.match.decision == "auto"
        and item.person.id in current
        and lives_at_incident(item.data)
        for item in linked
    )
    if victim_home and moved(household.address, household.postcode, notification):
        newest = session.scalar(
            select(func.max(Notification.received_at)).where(
                Notification.household_id == household.id, Notification.id != notification.id
            )
        )
        if newest is None or newest <= notification.received_at:
            before = audit.snapshot(household)
            household.address, household.postcode = notification.address, notification.postcode
            household.locality_id = _locality(session, notification.postcode)
            audit.written(session, actor, household, "update", before, detail=MOVED)
    for item in linked:
        if item.person.id in current:
            continue
        current.add(item.person.id)
        member = HouseholdMember(
            household_id=household.id,
            person_id=item.person.id,
            role=item.data.role,
            from_date=notification.incident_at.date(),
        )
        session.add(member)
        audit.written(session, actor, member, "create")
    return household


MOVED = "the family's address in a newer police notification"


def lives_at_incident(data: PersonData) -> bool:
    """No address of their own was sent: the person lives where the incident happened."""
    return not data.address and not data.postcode


def moved(address: str | None, postcode: str | None, notification: Any) -> bool:
    """The notification gives the family another home than the household's."""
    if postcode != notification.postcode:
        return True
    return fold(address) != fold(notification.address)


def _next_reference(session: Session) -> str:
    number = (session.scalar(select(func.max(Household.id))) or 0) + 1
    while True:
        reference = f"H{number:07d}"
        if session.scalar(select(Household.id).where(Household.reference == reference)) is None:
            return reference
        number += 1


def _locality(session: Session, postcode: str) -> int | None:
    return session.scalar(
        select(PostcodeDistrict.locality_id).where(
            PostcodeDistrict.district == postcode_district(postcode)
        )
    )
