"""Finding the known people a person as sent may be: identifiers, then blocked fuzzy names.

Blocking (``blocking``): candidates come only from indexed look-ups; they are then scored
(``similarity``) and decided by the profile's thresholds. Never a full scan of ``person``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from frontdoor_app.models import MatchingModel, Person
from frontdoor_app.profile import IntakeRules

from .blocking import candidate_ids
from .fs_compare import Compared, compare
from .fs_model import DEFAULT_MODEL, MatchModel, untrained_model
from .fs_weigh import match_weight, weighing
from .similarity import PersonFacts


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
    return PersonFacts(
        person.surname,
        person.forenames,
        person.dob,
        person.birth_year,
        person.gender,
        person.nhs_number,
        person.pnc_id,
        person.address,
        person.postcode,
    )


NO_CANDIDATE = ("no known person with a similar name and date of birth",)
AMBIGUOUS = "another known person is almost as likely"


def _identifier(facts: PersonFacts, known: PersonFacts) -> tuple[bool | None, str]:
    """An NHS number or PNC id on both sides decides alone: True same, False different."""
    if facts.nhs_number and known.nhs_number:
        same = facts.nhs_number == known.nhs_number
        return same, "same NHS number" if same else "different NHS numbers"
    if facts.pnc_id and known.pnc_id:
        same = facts.pnc_id == known.pnc_id
        return same, (
            "same Police National Computer id" if same else "different Police National Computer ids"
        )
    return None, ""


def decide(
    facts: PersonFacts,
    candidates: Iterable[tuple[int, PersonFacts]],
    rules: IntakeRules,
    model: MatchModel | None = None,
) -> Match:
    """Weigh each candidate (id, facts) with the matching model and decide.

    The probability that the person as sent is candidate i is o_i / (1 + sum of o_j), o the
    odds from each match weight: two known people alike (two records of one person, or
    twins) share the probability, and neither is linked without a person choosing. The
    thresholds are the model's (estimated false links below 1 in 1,000 for ``auto``); the
    safety guards (twins; a different date of birth and forename) are never automatic.
    ``rules`` is kept for callers; the profile's fixed thresholds no longer decide.
    """
    del rules
    model = model or DEFAULT_MODEL
    weighed: list[tuple[float, int, PersonFacts, Compared | None, str]] = []
    for pid, known in candidates:
        same, words = _identifier(facts, known)
        if same is False:
            continue
        if same:
            weighed.append((math.inf, pid, known, None, words))
        else:
            c = compare(facts, known, model)
            weighed.append((match_weight(c, model), pid, known, c, ""))
    if not weighed:
        return Match("new", None, 0.0, NO_CANDIDATE)
    weighed.sort(key=lambda row: (-row[0], row[1]))
    best_weight, person_id, known, compared, words = weighed[0]
    if compared is None:
        return Match("auto", person_id, 1.0, (words,))
    evidence = weighing(compared, model)
    odds = [2.0 ** min(row[0], 200.0) for row in weighed]
    chance = odds[0] / (1 + sum(odds))
    reasons = list(evidence.reasons(facts, known))
    reasons.append(f"match weight {best_weight:+.1f}: {_percent(chance)} likely the same person")
    value = round(chance, 4)
    if chance >= model.auto_probability and evidence.guard is None:
        return Match("auto", person_id, value, tuple(reasons))
    if chance >= model.review_probability:
        if len(weighed) > 1 and odds[1] / (1 + sum(odds)) >= model.review_probability:
            reasons.append(AMBIGUOUS)
        return Match("possible", person_id, value, tuple(reasons))
    return Match("new", None, value, tuple(reasons))


def _percent(p: float) -> str:
    if p >= 0.9999:
        return "over 99.99 %"
    if p >= 0.99:
        return f"{p * 100:.2f} %"
    return f"{p * 100:.1f} %"


def match_person(
    session: Session,
    facts: PersonFacts,
    rules: IntakeRules,
    exclude: set[int] | frozenset[int] = frozenset(),
    model: MatchModel | None = None,
) -> Match:
    """Weigh every candidate in the blocks and decide (the stored model unless one is given)."""
    ids = [i for i in candidate_ids(session, facts) if i not in exclude]
    targets: dict[int, PersonFacts] = {}
    for person in session.scalars(select(Person).where(Person.id.in_(ids))) if ids else ():
        target = _resolve(session, person)
        if target.id not in exclude:
            targets[target.id] = facts_of(target)
    return decide(facts, targets.items(), rules, model or load_model(session))


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


_LOADED: dict[tuple[int, str], MatchModel] = {}


def load_model(session: Session) -> MatchModel:
    """The newest trained model stored in the database, else the starting values."""
    row = session.execute(
        select(MatchingModel.id, MatchingModel.trained_at)
        .order_by(MatchingModel.id.desc())
        .limit(1)
    ).first()
    if row is None:
        return untrained_model(session.scalar(select(func.max(Person.id))) or 0)
    key = (row.id, str(row.trained_at))
    if key not in _LOADED:
        stored = session.get_one(MatchingModel, row.id)
        _LOADED.clear()
        _LOADED[key] = MatchModel.from_json(stored.parameters)
    return _LOADED[key]
