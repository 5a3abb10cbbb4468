"""A Fellegi–Sunter model of "is this the same person": evidence weights, in words.

Each pair of records is compared field by field; each comparison falls in one *level*
(for the surname: the same, one part of the other, spelled or sounding alike, somewhat
alike, different). A level has an m probability (how often the level is seen when the two
records are one person) and a u probability (how often when they are two people chosen at
random). Its evidence weight is log2(m / u): agreement on a rare surname weighs more than on
"Smith", since for an exact name the u probability is the name's own frequency in the
register (term-frequency adjustment). The weights add up with the prior weight (how likely
one candidate is the person before anything is compared) to the match weight, and the
match weight gives a probability.

``train`` estimates u from random pairs of the register and m (and the prior) by EM on the
candidate pairs of the register's own earlier notifications. Pure functions, no database.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# comparison → the words for each level, best first. A missing value on either side is
# no evidence either way (level -1, weight 0).
LEVELS: dict[str, tuple[str, ...]] = {
    "surname": (
        "same surname",
        "one surname part of the other",
        "surname spelled or sounding alike",
        "surname somewhat alike",
        "different surnames",
    ),
    "forename": (
        "same forename",
        "an initial or a short form of the forename",
        "a forename in common",
        "forename spelled or sounding alike (a slip or two)",
        "forename somewhat alike",
        "different forenames",
    ),
    "dob": (
        "same date of birth",
        "date of birth with day and month swapped",
        "date of birth one slip apart (a digit, a day or month by one, or the year by one)",
        "the age agrees with the year of birth",
        "different dates of birth",
        "the age does not agree with the year of birth",
    ),
    "address": (
        "same house",
        "same postcode, another or no house number",
        "same postcode district",
        "different addresses",
    ),
    "gender": ("same gender", "recorded gender differs"),
}
COMPARISONS = tuple(LEVELS)

# Starting values (and the centre of the prior EM is drawn towards): typical of police and
# council records; replaced by ``frontdoor matching train`` on the authority's own register.
DEFAULT_M: dict[str, tuple[float, ...]] = {
    "surname": (0.86, 0.035, 0.07, 0.03, 0.005),
    "forename": (0.86, 0.03, 0.02, 0.055, 0.03, 0.005),
    "dob": (0.9, 0.02, 0.06, 0.97, 0.02, 0.03),
    "address": (0.55, 0.15, 0.1, 0.2),
    "gender": (0.98, 0.02),
}
DEFAULT_U: dict[str, tuple[float, ...]] = {
    "surname": (0.004, 0.0005, 0.004, 0.03, 0.9615),
    "forename": (0.006, 0.002, 0.002, 0.004, 0.03, 0.956),
    "dob": (0.00004, 0.00002, 0.0003, 0.04, 0.99964, 0.96),
    "address": (0.00001, 0.0003, 0.05, 0.94969),
    "gender": (0.5, 0.5),
}
# u of the address levels among people with the same surname: a family shares a house, so
# for a pair whose surnames agree a shared address is far less rare than for two strangers
# (the comparisons are not independent; this is the one interaction the model keeps).
DEFAULT_U_KIN = (0.03, 0.05, 0.15, 0.77)
# u of the date of birth levels for two people of one surname at one postcode (a family):
# the same day is a twin, not a one-in-30,000 coincidence.
DEFAULT_U_KIN_DOB = (0.012, 0.0005, 0.01, 0.15, 0.9775, 0.85)
# The chance that two records drawn at random are one person: the share of people named in
# a notification who are already known, over the number of known people.
DEFAULT_PRIOR = 0.6 / 100_000
AUTO_PROBABILITY = 0.999  # estimated false links below 1 in 1,000
REVIEW_PROBABILITY = 0.02  # offered to a person from a 1 in 50 chance
MIN_TF = 1e-4  # a name seen once in a small register does not outweigh a date of birth
PRIOR_STRENGTH = 50.0  # pseudo-pairs drawing EM's m towards the starting values
M_FLOOR = 0.002
M_SHARE_KEPT = 0.5
U_PRIOR_PAIRS = 200.0


@dataclass(frozen=True)
class MatchModel:
    m: Mapping[str, tuple[float, ...]]
    u: Mapping[str, tuple[float, ...]]
    prior: float
    u_kin: tuple[float, ...] = DEFAULT_U_KIN
    u_kin_dob: tuple[float, ...] = DEFAULT_U_KIN_DOB
    surname_tf: Mapping[str, float] = field(default_factory=dict)
    forename_tf: Mapping[str, float] = field(default_factory=dict)
    auto_probability: float = AUTO_PROBABILITY
    review_probability: float = REVIEW_PROBABILITY
    trained: bool = False
    stats: Mapping[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "m": {k: list(v) for k, v in self.m.items()},
            "u": {k: list(v) for k, v in self.u.items()},
            "prior": self.prior,
            "u_kin": list(self.u_kin),
            "u_kin_dob": list(self.u_kin_dob),
            "surname_tf": dict(self.surname_tf),
            "forename_tf": dict(self.forename_tf),
            "auto_probability": self.auto_probability,
            "review_probability": self.review_probability,
            "stats": dict(self.stats),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> MatchModel:
        return cls(
            m={k: tuple(v) for k, v in data["m"].items()},
            u={k: tuple(v) for k, v in data["u"].items()},
            prior=float(data["prior"]),
            u_kin=tuple(data.get("u_kin", DEFAULT_U_KIN)),
            u_kin_dob=tuple(data.get("u_kin_dob", DEFAULT_U_KIN_DOB)),
            surname_tf=data.get("surname_tf", {}),
            forename_tf=data.get("forename_tf", {}),
            auto_probability=float(data.get("auto_probability", AUTO_PROBABILITY)),
            review_probability=float(data.get("review_probability", REVIEW_PROBABILITY)),
            trained=True,
            stats=data.get("stats", {}),
        )

    def weight(self, comparison: str, level: int, kin: frozenset[str] = frozenset()) -> float:
        """log2(m / u); ``kin``: the comparisons made between two people of one family."""
        return self.weights(kin)[comparison][level]

    def weights(self, kin: frozenset[str] = frozenset()) -> Mapping[str, tuple[float, ...]]:
        """Every level's weight, worked out once per ``kin`` (matching weighs thousands of
        pairs an import, each with the same few tables)."""
        tables = self._tables
        table = tables.get(kin)
        if table is None:
            table = tables[kin] = {
                c: tuple(math.log2(m / u) for m, u in zip(self.m[c], self._u(c, kin), strict=True))
                for c in self.m
            }
        return table

    def _u(self, comparison: str, kin: frozenset[str]) -> tuple[float, ...]:
        if comparison in kin:
            return self.u_kin if comparison == "address" else self.u_kin_dob
        return tuple(self.u[comparison])

    @functools.cached_property
    def _tables(self) -> dict[frozenset[str], dict[str, tuple[float, ...]]]:
        return {}

    @functools.cached_property
    def prior_weight(self) -> float:
        return math.log2(self.prior / (1 - self.prior))

    @property
    def auto_weight(self) -> float:
        """The match weight at which one lone candidate reaches the automatic probability."""
        return logit2(self.auto_probability)

    @property
    def review_weight(self) -> float:
        return logit2(self.review_probability)


DEFAULT_MODEL = MatchModel(DEFAULT_M, DEFAULT_U, DEFAULT_PRIOR)


def prior_for(register_size: int, known_share: float = 0.6) -> float:
    """Prior odds of one candidate against "none of them": the share of people named who
    are already known, over the number of known people (at least 1,000)."""
    share = min(max(known_share, 0.05), 0.95)
    return share / ((1 - share) * max(register_size, 1000))


def untrained_model(register_size: int) -> MatchModel:
    """The starting values, with the prior of a register this size (before any training)."""
    return dataclasses.replace(DEFAULT_MODEL, prior=prior_for(register_size))


def logit2(p: float) -> float:
    return math.log2(p / (1 - p))


def probability(weight: float) -> float:
    if weight > 60:
        return 1.0
    if weight < -60:
        return 0.0
    return 1 / (1 + 2 ** (-weight))
