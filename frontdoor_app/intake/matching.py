"""Finding the known people a person as sent may be: identifiers, then blocked fuzzy names.

Blocking: candidates come only from indexed look-ups (NHS number, PNC id, folded surname
with date or year of birth, sound-alike surname with year of birth, first forename with
date of birth, surname with postcode); they are then scored (``similarity``). Never a
full scan of ``person``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import and_, or_, select, union
from sqlalchemy.orm import Session

from frontdoor_app.models import Person
from frontdoor_app.profile import IntakeRules

from .keys import compact, fold, name_keys, phonetic
from .similarity import PersonFacts, score

AMBIGUITY_MARGIN = 0.03


@dataclass(frozen=True)
class Match:
    """The decision for one person as sent: ``auto`` link, ``possible`` (ask), or ``new``."""

    decision: str
    person_id: int | None
    score: float
    reasons: tuple[str, ...]

    @property
    def reasons_text(self) -> str:
        return "; ".join(self.reasons)


def facts_of(person: Person) -> PersonFacts:
    return PersonFacts(person.surname, person.forenames, person.dob, person.birth_year,
                       person.gender, person.nhs_number, person.pnc_id, person.address,
                       person.postcode)  # fmt: skip


@dataclass(frozen=True)
class BlockKeys:
    """The indexed keys a person is looked up by (see the module docstring)."""

    nhs: str | None
    pnc: str | None
    surname_key: str
    swapped_key: str  # the forenames, compacted, as a surname: names typed in each other's boxes
    forename_key: str
    sounds: tuple[str, ...]
    dob: dt.date | None
    years: tuple[int, ...]
    postcode: str | None


def block_keys(facts: PersonFacts) -> BlockKeys:
    keys = name_keys(facts.surname, facts.forenames)
    year = facts.dob.year if facts.dob else facts.birth_year
    parts = [p for p in fold(facts.surname).split() if p]
    sounds = tuple(sorted({phonetic(p) for p in parts} | {keys.surname_phonetic} - {""}))
    years: tuple[int, ...] = ()
    if year:
        years = (year - 1, year, year + 1) if facts.dob else tuple(range(year - 2, year + 3))
    swapped = compact(facts.forenames)
    return BlockKeys(facts.nhs_number, facts.pnc_id, keys.surname_key, swapped, keys.forename_key,
                     sounds, facts.dob, years, facts.postcode)  # fmt: skip


def candidate_ids(session: Session, facts: PersonFacts) -> list[int]:
    """Ids of the known people in the same blocks as ``facts`` (never everyone)."""
    k = block_keys(facts)
    live = Person.merged_into_id.is_(None)
    blocks = []
    if k.nhs:
        blocks.append(select(Person.id).where(Person.nhs_number == k.nhs))
    if k.pnc:
        blocks.append(select(Person.id).where(Person.pnc_id == k.pnc))
    if k.dob:
        blocks.append(select(Person.id).where(Person.surname_key == k.surname_key,
                                              Person.dob == k.dob, live))  # fmt: skip
        if k.forename_key:
            blocks.append(select(Person.id).where(Person.forename_key == k.forename_key,
                                                  Person.dob == k.dob, live))  # fmt: skip
        if k.swapped_key:
            blocks.append(select(Person.id).where(Person.surname_key == k.swapped_key,
                                                  Person.dob == k.dob, live))  # fmt: skip
    if k.years:
        blocks.append(select(Person.id).where(Person.surname_key == k.surname_key,
                                              Person.birth_year.in_(k.years), live))  # fmt: skip
        if k.sounds:
            blocks.append(select(Person.id).where(Person.surname_phonetic.in_(k.sounds),
                                                  Person.birth_year.in_(k.years), live))  # fmt: skip
    if k.postcode:
        blocks.append(select(Person.id).where(Person.postcode == k.postcode, or_(
            Person.surname_key == k.surname_key,
            and_(Person.surname_phonetic.in_(k.sounds), Person.forename_key == k.forename_key),
        ), live))  # fmt: skip
    if not blocks:
        return []
    query = blocks[0] if len(blocks) == 1 else union(*blocks)
    return list(session.scalars(query))


NO_CANDIDATE = ("no known person with a similar name and date of birth",)


def decide(facts: PersonFacts, candidates: Iterable[tuple[int, PersonFacts]],
           rules: IntakeRules) -> Match:  # fmt: skip
    """Score each candidate (id, facts) and decide by the profile's thresholds."""
    scored = sorted(((score(facts, known), pid) for pid, known in candidates),
                    key=lambda pair: (-pair[0].value, pair[1]))  # fmt: skip
    if not scored:
        return Match("new", None, 0.0, NO_CANDIDATE)
    best, person_id = scored[0]
    runner_up = next((s for s, p in scored[1:] if p != person_id), None)
    if best.value >= rules.auto_link_threshold:
        if runner_up is not None and best.value - runner_up.value < AMBIGUITY_MARGIN:
            reasons = (*best.reasons, "another known person scores almost as high")
            return Match("possible", person_id, best.value, reasons)
        return Match("auto", person_id, best.value, best.reasons)
    if best.value >= rules.review_threshold:
        return Match("possible", person_id, best.value, best.reasons)
    return Match("new", None, best.value, best.reasons)


def match_person(session: Session, facts: PersonFacts, rules: IntakeRules,
                 exclude: set[int] | frozenset[int] = frozenset()) -> Match:  # fmt: skip
    """Score every candidate in the blocks and decide by the profile's thresholds."""
    ids = [i for i in candidate_ids(session, facts) if i not in exclude]
    targets: dict[int, PersonFacts] = {}
    for person in session.scalars(select(Person).where(Person.id.in_(ids))) if ids else ():
        target = _resolve(session, person)
        if target.id not in exclude:
            targets[target.id] = facts_of(target)
    return decide(facts, targets.items(), rules)


def _resolve(session: Session, person: Person) -> Person:
    """Follow merges to the person that stands for the others."""
    seen = {person.id}
    while person.merged_into_id is not None and person.merged_into_id not in seen:
        target = session.get(Person, person.merged_into_id)
        if target is None:
            break
        seen.add(target.id)
        person = target
    return person
