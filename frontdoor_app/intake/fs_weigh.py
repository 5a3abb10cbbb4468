"""Weighing a compared pair: the evidence weights that add up to the match weight, in
words, and the guards that keep a person looking at twins, namesakes and strangers."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass

from .fs_compare import Compared, compare
from .fs_model import COMPARISONS, DEFAULT_MODEL, LEVELS, MIN_TF, MatchModel
from .similarity import PersonFacts

NO_KIN: frozenset[str] = frozenset()
KIN_ADDRESS = frozenset({"address"})
KIN_ALL = frozenset({"address", "dob"})


def kin_of(levels: Mapping[str, int]) -> frozenset[str]:
    """Which comparisons to weigh against a family rather than against strangers.

    Two people with one surname and forenames that are not one another's (or missing) are
    as likely relatives as strangers: a shared address says little (a family shares a house),
    and at the same postcode a shared birthday is a twin. With the forenames agreeing too,
    the address and date count in full (a namesake has another date of birth: a guard).
    """
    if not 0 <= levels["surname"] <= 2 or 0 <= levels["forename"] <= 3:
        return NO_KIN
    return KIN_ALL if 0 <= levels["address"] <= 1 else KIN_ADDRESS


@dataclass(frozen=True)
class Term:
    comparison: str
    level: int
    weight: float


@dataclass(frozen=True)
class Weighing:
    """A pair weighed: the match weight (prior included) and each comparison's term."""

    weight: float
    terms: tuple[Term, ...]
    swapped: bool
    guard: str | None  # why the pair is never linked without a person looking, if it is

    def reasons(self, a: PersonFacts, b: PersonFacts) -> tuple[str, ...]:
        out = []
        if self.swapped:
            out.append(
                f"surname and forenames swapped ({a.forenames or ''} {a.surname} / "
                f"{b.forenames} {b.surname})".replace("( ", "(")
            )
        shown = (
            dataclasses.replace(a, surname=a.forenames or "", forenames=a.surname)
            if self.swapped
            else a
        )
        for term in self.terms:
            out.append(f"{_detail(term.comparison, term.level, shown, b)} ({term.weight:+.1f})")
        if self.guard:
            out.append(self.guard)
        return tuple(out)


def _detail(comparison: str, level: int, a: PersonFacts, b: PersonFacts) -> str:
    words = LEVELS[comparison][level]
    if comparison == "surname" and level > 0:
        return f"{words} ({a.surname} / {b.surname})"
    if comparison == "forename" and level > 0:
        return f"{words} ({a.forenames} / {b.forenames})"
    if comparison == "dob" and level in (1, 2, 4) and a.dob and b.dob:
        return f"{words} ({a.dob:%d/%m/%Y} / {b.dob:%d/%m/%Y})"
    if comparison == "dob" and level in (3, 5):
        ya = a.dob.year if a.dob else a.birth_year
        yb = b.dob.year if b.dob else b.birth_year
        return f"{words} (born {ya} / {yb})"
    return words


def weigh(a: PersonFacts, b: PersonFacts, model: MatchModel = DEFAULT_MODEL) -> Weighing:
    return weighing(compare(a, b, model), model)


def weighing(c: Compared, model: MatchModel = DEFAULT_MODEL) -> Weighing:
    """A compared pair's match weight with each comparison's term and the guard, if any."""
    terms: list[Term] = []
    total = _add_up(c, model, terms)
    return Weighing(total, tuple(terms), c.swapped, guard(c.levels))


def match_weight(c: Compared, model: MatchModel = DEFAULT_MODEL) -> float:
    """The match weight alone, as ``weighing`` adds it up (ranking every candidate of an
    import needs only this; the terms and the words are for the one that may be chosen)."""
    return _add_up(c, model, None)


def _add_up(c: Compared, model: MatchModel, terms: list[Term] | None) -> float:
    levels = c.levels
    table = model.weights(kin_of(levels))
    total = model.prior_weight
    for comparison in COMPARISONS:
        level = levels[comparison]
        if level < 0:
            continue
        if level == 0 and comparison == "surname" and model.surname_tf:
            tf = max(model.surname_tf.get(c.surname, 0.0), MIN_TF)
            w = math.log2(model.m["surname"][0] / tf)
        elif level == 0 and comparison == "forename" and model.forename_tf:
            tf = max(model.forename_tf.get(c.forename, 0.0), MIN_TF)
            w = math.log2(model.m["forename"][0] / tf)
        else:
            w = table[comparison][level]
        total += w
        if terms is not None:
            terms.append(Term(comparison, level, w))
    return total


TWIN = "same date of birth and surname but another forename: a twin or sibling, never linked without a person looking"
NAMESAKE = "another date of birth: a namesake (a father and son) as often as a slip, never linked without a person looking"
STRANGER = (
    "a different date of birth and a different forename: never linked without a person looking"
)


def guard(levels: Mapping[str, int]) -> str | None:
    """The safety rules kept outside the model: pairs a person must look at, whatever the weight.

    A twin or sibling: the same date of birth and surname, and a forename that is not the
    same, a short form, one of the other's forenames (Bibi Amina / Amina) or a slip or two. Someone else: another date of birth and a
    forename beyond a slip. A namesake: another date of birth.
    """
    fore, dob, sur = levels["forename"], levels["dob"], levels["surname"]
    if dob == 0 and 0 <= sur <= 2 and fore >= 4:
        return TWIN
    if dob in (4, 5) and fore >= 4:
        return STRANGER
    if dob in (4, 5):
        return NAMESAKE
    return None
