"""Finding the known people a person as sent may be: identifiers, then blocked fuzzy names.

Blocking (``blocking``): candidates come only from indexed look-ups; they are then scored
(``similarity``) and decided by the profile's thresholds. Never a full scan of ``person``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from frontdoor_app.models import Person
from frontdoor_app.profile import IntakeRules

from .blocking import candidate_ids
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


NO_CANDIDATE = ("no known person with a similar name and date of birth",)


def decide(facts: PersonFacts, candidates: Iterable[tuple[int, PersonFacts]],
           rules: IntakeRules) -> Match:  # fmt: skip
    """Score each candidate (id, facts) and decide by the profile's thresholds.

    Two known people scoring almost alike above the threshold (two records of one person,
    or twins) are left for a person to choose between.
    """
    scored = sorted(((score(facts, known), pid) for pid, known in candidates),
                    key=lambda pair: (-pair[0].rank, pair[1]))  # fmt: skip
    if not scored:
        return Match("new", None, 0.0, NO_CANDIDATE)
    best, person_id = scored[0]
    runner_up = next((s for s, p in scored[1:] if p != person_id), None)
    if best.value >= rules.auto_link_threshold:
        if runner_up is not None and best.rank - runner_up.rank < AMBIGUITY_MARGIN:
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
