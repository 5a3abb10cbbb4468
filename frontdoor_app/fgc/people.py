"""Invitees are people: the household's people to choose from, new people matched as the
intake matches, and the check of each invitee against everyone recorded as the person who
harmed (by person id, by match link, or by a name match above the grey-zone threshold)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from frontdoor_app.access import audit
from frontdoor_app.access.actor import Actor
from frontdoor_app.models import (
    HouseholdMember,
    Notification,
    NotificationPerson,
    Person,
    PersonLink,
)
from frontdoor_app.personal import full_name
from frontdoor_app.profile import IntakeRules
from frontdoor_app.wording import meaningful, optional

from .errors import FgcError
from .names import Known, likeness

ROLE_WORDS = {
    "victim": "victim",
    "perpetrator": "person who harmed",
    "child": "child",
    "other_adult": "other adult",
}


@dataclass(frozen=True)
class HouseholdPerson:
    """Someone the coordinator may pick: a member, or named in the household's notifications."""

    person_id: int
    name: str
    role: str  # victim | perpetrator | child | other_adult
    dob: dt.date | None

    @property
    def label(self) -> str:
        born = f", born {self.dob:%d %b %Y}" if self.dob else ""
        return f"{self.name} ({ROLE_WORDS.get(self.role, self.role)}{born})"


@dataclass(frozen=True)
class PersonCheck:
    """Whether an invitee is, or may be, the person who harmed, and why, in words."""

    known: Known | None
    score: float
    certain: bool
    why: str  # "may be Darren Kowalski, recorded as the person who harmed on 23 Nov 2026, …"

    @property
    def is_person_who_harmed(self) -> bool:
        return self.known is not None


NOT_HARMED = PersonCheck(None, 0.0, False, "")


def household_people(session: Session, household_id: int) -> list[HouseholdPerson]:
    """Members and everyone linked to the household's notifications, one row per person."""
    found: dict[int, HouseholdPerson] = {}
    rows = session.execute(
        select(Person.id, Person.forenames, Person.surname, Person.dob, HouseholdMember.role)
        .join(HouseholdMember, HouseholdMember.person_id == Person.id)
        .where(HouseholdMember.household_id == household_id)
        .order_by(Person.id)
    )
    for pid, fore, sur, dob, role in rows:
        found.setdefault(pid, HouseholdPerson(pid, full_name(fore, sur), role, dob))
    sent = session.execute(
        select(Person.id, Person.forenames, Person.surname, Person.dob, NotificationPerson.role)
        .join(NotificationPerson, NotificationPerson.person_id == Person.id)
        .join(Notification, Notification.id == NotificationPerson.notification_id)
        .where(Notification.household_id == household_id)
        .order_by(Person.id)
    )
    for pid, fore, sur, dob, role in sent:
        found.setdefault(pid, HouseholdPerson(pid, full_name(fore, sur), role, dob))
    order = {"victim": 0, "child": 1, "other_adult": 2, "perpetrator": 3}
    return sorted(found.values(), key=lambda p: (order.get(p.role, 9), p.name))


def victims(session: Session, household_id: int) -> list[HouseholdPerson]:
    return [p for p in household_people(session, household_id) if p.role == "victim"]


def known_harmers(session: Session, household_id: int) -> list[Known]:
    """Everyone recorded as the person who harmed in this household, with the date."""
    return list(harmers_by_household(session, {household_id})[household_id].values())


def harmers_by_household(
    session: Session, household_ids: set[int]
) -> dict[int, dict[object, Known]]:
    """``known_harmers`` for many households in two queries, each keyed by person (or by the
    name as sent, for a person not linked to a record): first as the police named them, in
    the order received, then the household's members recorded in that role."""
    harmers: dict[int, dict[object, Known]] = {h: {} for h in household_ids}
    sent = session.execute(
        select(
            Notification.household_id,
            NotificationPerson.person_id,
            NotificationPerson.forenames,
            NotificationPerson.surname,
            func.coalesce(NotificationPerson.dob, Person.dob),
            Notification.received_at,
        )
        .join(Notification, Notification.id == NotificationPerson.notification_id)
        .outerjoin(Person, Person.id == NotificationPerson.person_id)
        .where(
            Notification.household_id.in_(household_ids), NotificationPerson.role == "perpetrator"
        )
        .order_by(Notification.received_at)
    )
    for hid, pid, fore, sur, dob, received in sent:
        if hid is None:
            continue
        harmers[hid].setdefault(
            pid if pid is not None else (fore, sur),
            Known(pid, fore, sur, dob, received.date() if received else None, full_name(fore, sur)),
        )
    members = session.execute(
        select(
            HouseholdMember.household_id,
            Person.id,
            Person.forenames,
            Person.surname,
            Person.dob,
            HouseholdMember.from_date,
        )
        .join(HouseholdMember, HouseholdMember.person_id == Person.id)
        .where(
            HouseholdMember.household_id.in_(household_ids), HouseholdMember.role == "perpetrator"
        )
    )
    for hid, member_id, m_fore, m_sur, m_dob, since in members:
        harmers[hid].setdefault(
            member_id, Known(member_id, m_fore, m_sur, m_dob, since, full_name(m_fore, m_sur))
        )
    return harmers


def same_person_ids(session: Session, person_id: int) -> set[int]:
    """The person, the records merged with them, and the records a match linked to them."""
    ids = {person_id}
    merged_into = session.scalar(select(Person.merged_into_id).where(Person.id == person_id))
    if merged_into is not None:
        ids.add(merged_into)
    ids.update(session.scalars(select(Person.id).where(Person.merged_into_id.in_(list(ids)))))
    links = session.execute(
        select(PersonLink.person_id, PersonLink.matched_person_id).where(
            PersonLink.status.in_(("linked", "possible")),
            or_(PersonLink.person_id.in_(list(ids)), PersonLink.matched_person_id.in_(list(ids))),
        )
    )
    for a, b in links:
        ids.update(i for i in (a, b) if i is not None)
    return ids


def _recorded(known: Known) -> str:
    when = f" on {known.recorded_on:%d %b %Y}" if known.recorded_on else ""
    return f"{known.full_name}, recorded as the person who harmed{when}"


def check_person(
    session: Session,
    harmers: list[Known],
    threshold: float,
    *,
    person_id: int | None,
    name: str,
    dob: dt.date | None,
) -> PersonCheck:
    """Is this invitee (or may they be) anyone in ``harmers``? The first certain answer wins,
    else the best name match at or above ``threshold`` (the profile's grey zone)."""
    if not harmers:
        return NOT_HARMED
    ids = same_person_ids(session, person_id) if person_id is not None else set()
    for known in harmers:
        if known.person_id is not None and known.person_id in ids:
            how = (
                "the same person record"
                if known.person_id == person_id
                else ("a record merged or matched with theirs")
            )
            return PersonCheck(known, 1.0, True, f"is {_recorded(known)} ({how})")
    best: PersonCheck = NOT_HARMED
    for known in harmers:
        like = likeness(name, dob, known)
        if like.score >= threshold and like.score > best.score:
            best = PersonCheck(
                known,
                like.score,
                like.score >= 0.99,
                f"may be {_recorded(known)}, score {like.score:.2f} ({like.reason})",
            )
    return best


@dataclass(frozen=True)
class NewPerson:
    """Someone not yet known, typed by the coordinator."""

    forenames: str | None
    surname: str
    dob: dt.date | None = None
    contact: str | None = None


def person_for_invitee(
    session: Session, actor: Actor, rules: IntakeRules, new: NewPerson
) -> tuple[int, str]:
    """The person record for a new invitee: a known person when the intake's matching links
    them (above its auto-link threshold), else a new person. Returns (id, full name)."""
    forenames = optional(new.forenames, "The invitee's forename(s)", 200, FgcError)
    surname = meaningful(new.surname, "The invitee's surname", 200, FgcError)
    optional(new.contact, "The invitee's contact", 200, FgcError)
    # The intake's matching (and its fuzzy-matching libraries) loads when an invitee is
    # added, not with every case read that shows the FGC rules.
    from frontdoor_app.intake.keys import name_keys
    from frontdoor_app.intake.matching import match_person
    from frontdoor_app.intake.similarity import PersonFacts

    facts = PersonFacts(
        surname, forenames, new.dob, new.dob.year if new.dob else None, None, None, None, None, None
    )
    match = match_person(session, facts, rules)
    if match.decision == "auto" and match.person_id is not None:
        row = session.get(Person, match.person_id)
        assert row is not None
        return row.id, full_name(row.forenames, row.surname)
    keys = name_keys(surname, forenames)
    person = Person(
        surname=surname,
        forenames=forenames,
        dob=new.dob,
        birth_year=new.dob.year if new.dob else None,
        surname_key=keys.surname_key,
        surname_phonetic=keys.surname_phonetic,
        forename_key=keys.forename_key,
        forename_initial=keys.forename_initial,
    )
    session.add(person)
    session.flush()
    audit.written(session, actor, person, "create", detail="invited to an FGC")
    return person.id, full_name(forenames, surname)


def harm_warnings(
    session: Session,
    invitees: dict[int, list[tuple[int, str, int | None]]],
    households: dict[int, int],
    threshold: float,
) -> dict[int, list[str]]:
    """For many referrals at once (the queue): {referral id: ["Lee Smith is …", …]} for the
    invitees on their lists who are, or may be, the person who harmed; a fixed number of
    queries whatever the number of referrals. ``invitees`` maps a referral to (invitee id,
    name, person id) of those on its list without all three answers."""
    wanted = {rid: rows for rid, rows in invitees.items() if rows}
    if not wanted:
        return {}
    household_ids = {households[rid] for rid in wanted}
    harmers = harmers_by_household(session, household_ids)
    person_ids = {pid for rows in wanted.values() for _, _, pid in rows if pid is not None}
    same: dict[int, set[int]] = {pid: {pid} for pid in person_ids}
    dobs: dict[int, dt.date | None] = {}
    if person_ids:
        ids = list(person_ids)
        for row_id, merged_into, born in session.execute(
            select(Person.id, Person.merged_into_id, Person.dob).where(
                or_(Person.id.in_(ids), Person.merged_into_id.in_(ids))
            )
        ):
            if row_id in same:
                dobs[row_id] = born
                if merged_into is not None:
                    same[row_id].add(merged_into)
            if merged_into in same:
                same[merged_into].add(row_id)
        for a, b in session.execute(
            select(PersonLink.person_id, PersonLink.matched_person_id).where(
                PersonLink.status.in_(("linked", "possible")),
                or_(PersonLink.person_id.in_(ids), PersonLink.matched_person_id.in_(ids)),
            )
        ):
            for x, y in ((a, b), (b, a)):
                if x in same and y is not None:
                    same[x].add(y)
    out: dict[int, list[str]] = {}
    for rid, rows in wanted.items():
        known = list(harmers[households[rid]].values())
        if not known:
            continue
        for _, name, pid in rows:
            ids_of = same.get(pid, set()) if pid is not None else set()
            why = next(
                (
                    f"is {_recorded(k)}"
                    for k in known
                    if k.person_id is not None and k.person_id in ids_of
                ),
                None,
            )
            if why is None:
                best = max(
                    ((likeness(name, dobs.get(pid) if pid else None, k), k) for k in known),
                    key=lambda pair: pair[0].score,
                )
                if best[0].score >= threshold:
                    why = f"may be {_recorded(best[1])}, score {best[0].score:.2f}"
            if why:
                out.setdefault(rid, []).append(f"{name} {why}: all three answers are needed")
    return out
