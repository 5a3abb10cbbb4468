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
import datetime as dt
import math
import random
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import jellyfish
from rapidfuzz import fuzz
from rapidfuzz.distance import JaroWinkler

from .keys import compact, fold
from .similarity import PersonFacts, same_initial, skeleton

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

_DIGITS = re.compile(r"\d+[a-z]?")


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
        if comparison in kin:
            u = self.u_kin if comparison == "address" else self.u_kin_dob
            return math.log2(self.m[comparison][level] / u[level])
        return math.log2(self.m[comparison][level] / self.u[comparison][level])

    @property
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


# --- comparing two records


@dataclass(frozen=True)
class Compared:
    """The level of each comparison (-1: a value missing), and what was compared."""

    levels: dict[str, int]
    swapped: bool  # the names agree once surname and forenames are swapped back
    surname: str  # the compacted surname both share (level 0), for its frequency
    forename: str


# Short forms officers write (both directions); names in each group are one person's.
_NICKNAMES = (
    ("william", "bill", "billy", "will", "liam"),
    ("robert", "bob", "bobby", "rob", "robbie"),
    ("john", "jack", "johnny", "jon"),
    ("james", "jim", "jimmy", "jamie"),
    ("thomas", "tom", "tommy"),
    ("michael", "mike", "mick", "mikey"),
    ("elizabeth", "liz", "lizzie", "beth", "betty", "eliza"),
    ("margaret", "maggie", "peggy", "meg"),
    ("katherine", "kate", "katie", "kath", "kathy", "catherine", "cathy"),
    ("christopher", "chris"),
    ("daniel", "dan", "danny"),
    ("david", "dave", "davey"),
    ("stephen", "steve", "steven"),
    ("samuel", "sam", "sammy"),
    ("samantha", "sam", "sammie"),
    ("alexander", "alex", "sandy"),
    ("alexandra", "alex", "lexi"),
    ("benjamin", "ben", "benny"),
    ("joseph", "joe", "joey"),
    ("anthony", "tony"),
    ("nicholas", "nick", "nicky"),
    ("matthew", "matt"),
    ("andrew", "andy", "drew"),
    ("edward", "ed", "eddie", "ted"),
    ("jennifer", "jen", "jenny"),
    ("victoria", "vicky", "tori"),
    ("rebecca", "becky", "becca"),
    ("susan", "sue", "susie"),
    ("jessica", "jess", "jessie"),
    ("abigail", "abi", "abby"),
    ("eleanor", "ellie", "nell"),
    ("charlotte", "charlie", "lottie"),
    ("charles", "charlie"),
    ("henry", "harry", "hal"),
    ("frederick", "fred", "freddie"),
    ("alfred", "alfie", "alf"),
    ("oliver", "olly", "ollie"),
    ("patricia", "pat", "trish", "patsy"),
    ("deborah", "debbie", "deb"),
    ("joshua", "josh"),
    ("zachary", "zach", "zac"),
    ("nathaniel", "nathan", "nate"),
    ("amelia", "millie", "amy"),
    ("isabella", "bella", "izzy", "isabel"),
    ("mohammed", "mo", "moe"),
    ("abdullah", "abdul"),
    ("gabriel", "gabe"),
    ("jacqueline", "jackie"),
    ("kimberley", "kim"),
    ("natasha", "tasha"),
    ("daniela", "dani"),
    ("lawrence", "larry"),
    ("richard", "rich", "richie", "dick"),
    ("gregory", "greg"),
    ("timothy", "tim"),
    ("kenneth", "ken", "kenny"),
    ("ronald", "ron", "ronnie"),
    ("donald", "don", "donny"),
    ("philip", "phil"),
    ("leonard", "len", "lenny"),
    ("raymond", "ray"),
    ("francis", "frank", "fran"),
    ("teresa", "tess", "terri"),
    ("louise", "lou"),
    ("sophia", "sophie"),
    ("aleksandra", "ola", "ala"),
    ("aleksander", "olek"),
    ("małgorzata", "gosia"),
    ("malgorzata", "gosia"),
    ("katarzyna", "kasia"),
    ("wojciech", "wojtek"),
    ("agnieszka", "aga"),
    ("krzysztof", "krzys"),
    ("magdalena", "magda"),
)
NICKNAMES: dict[str, frozenset[str]] = {}
for _group in _NICKNAMES:
    for _name in _group:
        NICKNAMES[_name] = NICKNAMES.get(_name, frozenset()) | frozenset(_group)


def short_form(a: str, b: str) -> bool:
    return b in NICKNAMES.get(a, frozenset())


@lru_cache(maxsize=65536)
def metaphone(name: str) -> str:
    return jellyfish.metaphone(name) if name.isascii() else name


def _alike(a: str, b: str) -> float:
    return JaroWinkler.normalized_similarity(a, b)


@lru_cache(maxsize=262144)
def surname_level(a: str, b: str) -> int:
    ca, cb = compact(a), compact(b)
    if not ca or not cb:
        return -1
    if ca == cb:
        return 0
    pa, pb = set(fold(a).split()), set(fold(b).split())
    if pa <= pb or pb <= pa:
        return 1
    score = _alike(ca, cb)
    if score >= 0.92 or skeleton(a) == skeleton(b) or metaphone(ca) == metaphone(cb):
        return 2
    if score >= 0.8 or jellyfish.damerau_levenshtein_distance(ca, cb) <= 2:
        return 3
    return 4


@lru_cache(maxsize=262144)
def forename_level(a: str, b: str) -> int:
    ta, tb = fold(a).split(), fold(b).split()
    if not ta or not tb:
        return -1
    if ta[0] == tb[0] or sorted(ta) == sorted(tb):
        return 0
    x, y = ta[0], tb[0]
    if short_form(x, y) or ((len(x) == 1 or len(y) == 1) and x[0] == y[0]):
        return 1
    score = max(_alike(x, y), _alike("".join(ta), "".join(tb)))
    sound = skeleton(x) == skeleton(y) or metaphone(x) == metaphone(y)
    edits = jellyfish.damerau_levenshtein_distance(x, y)
    if (score >= 0.92 or sound or (edits <= 2 and min(len(x), len(y)) >= 4)) and same_initial(x, y):
        return 3
    if edits <= 1 and len(x) >= 4:
        return 3  # one slip of the keys, even in the first letter
    if set(ta) & set(tb):
        return 2
    if score >= 0.8 or fuzz.token_sort_ratio(" ".join(ta), " ".join(tb)) >= 80:
        return 4
    return 5


def dob_level(a: PersonFacts, b: PersonFacts) -> int:
    """Dates compared in full when both are known; with only a year on a side, the years.

    Levels 3 and 5 (the years) have their own m and u: they are not weaker forms of a date
    agreeing but another comparison, made only when a date is missing.
    """
    if a.dob and b.dob:
        return _dates_level(a.dob, b.dob)
    year_a = a.dob.year if a.dob else a.birth_year
    year_b = b.dob.year if b.dob else b.birth_year
    if year_a and year_b:
        return 3 if abs(year_a - year_b) <= 1 else 5
    return -1


@lru_cache(maxsize=262144)
def _dates_level(x: dt.date, y: dt.date) -> int:
    if x == y:
        return 0
    if x.year == y.year and x.day == y.month and x.month == y.day:
        return 1
    return 2 if date_slip(x, y) else 4


def date_slip(x: dt.date, y: dt.date) -> bool:
    """One recording slip: one digit, the year by one, a day or month by one, the day's digits."""
    dx, dy = x.strftime("%Y%m%d"), y.strftime("%Y%m%d")
    differing = sum(p != q for p, q in zip(dx, dy, strict=True))
    if abs(x.year - y.year) <= 1 and (differing == 1 or (x.month, x.day) == (y.month, y.day)):
        return True
    if x.year != y.year:
        return False
    if x.month == y.month:
        return abs(x.day - y.day) == 1 or dx[6:] == dy[7] + dy[6]
    return x.day == y.day and abs(x.month - y.month) == 1


@lru_cache(maxsize=65536)
def _house(address: str) -> tuple[frozenset[str], str]:
    text = fold_keep_digits(address)
    numbers = frozenset(_DIGITS.findall(text))
    return numbers, " ".join(w for w in text.split() if not w[:1].isdigit())


def fold_keep_digits(text: str | None) -> str:
    out = [c if c.isalnum() else " " for c in (text or "").casefold()]
    return " ".join("".join(out).split())


def same_house(a: str | None, b: str | None) -> bool:
    """Same house number (flat and house) and the same street, spelled nearly alike."""
    if not a or not b:
        return False
    na, sa = _house(a)
    nb, sb = _house(b)
    if na != nb:
        return False
    return not sa or not sb or fuzz.token_set_ratio(sa, sb) >= 85


def _postcode(text: str | None) -> str:
    return "".join((text or "").split()).upper()


def address_level(a: PersonFacts, b: PersonFacts) -> int:
    pa, pb = _postcode(a.postcode), _postcode(b.postcode)
    if not pa or not pb:
        if a.address and b.address:
            return 0 if same_house(a.address, b.address) else -1
        return -1
    if pa == pb:
        return 0 if same_house(a.address, b.address) else 1
    if pa[:-3] == pb[:-3]:
        return 2
    return 3


def _gender(value: str | None) -> str:
    text = (value or "").strip().lower()
    return {
        "f": "f",
        "female": "f",
        "woman": "f",
        "girl": "f",
        "m": "m",
        "male": "m",
        "man": "m",
        "boy": "m",
    }.get(text, "")


def compare(a: PersonFacts, b: PersonFacts, model: MatchModel = DEFAULT_MODEL) -> Compared:
    """The levels of each comparison; names compared as sent and swapped, the better kept."""
    sur, fore = (
        surname_level(a.surname, b.surname),
        forename_level(a.forenames or "", b.forenames or ""),
    )
    swapped = False
    if a.forenames and b.forenames and (sur > 0 or fore > 0):
        sur_x = surname_level(a.forenames, b.surname)
        fore_x = forename_level(a.surname, b.forenames)
        if _name_weight(model, sur_x, fore_x) > _name_weight(model, sur, fore) + 1:
            sur, fore, swapped = sur_x, fore_x, True
    elif not a.forenames and b.forenames and sur >= 3:
        # One name sent, in the surname's box: it may be the forename.
        fore_x = forename_level(a.surname, b.forenames)
        if 0 <= fore_x <= 3:
            sur, fore, swapped = -1, fore_x, True
    ga, gb = _gender(a.gender), _gender(b.gender)
    levels = {
        "surname": sur,
        "forename": fore,
        "dob": dob_level(a, b),
        "address": address_level(a, b),
        "gender": -1 if not ga or not gb else (0 if ga == gb else 1),
    }
    surname = compact(b.surname) if sur == 0 else ""
    forename = fold(b.forenames).split()[0] if fore == 0 and b.forenames else ""
    return Compared(levels, swapped, surname, forename)


def _name_weight(model: MatchModel, sur: int, fore: int) -> float:
    total = 0.0
    if sur >= 0:
        total += model.weight("surname", sur)
    if fore >= 0:
        total += model.weight("forename", fore)
    return total


# --- weighing

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
    c = compare(a, b, model)
    terms: list[Term] = []
    total = model.prior_weight
    kin = kin_of(c.levels)
    for comparison in COMPARISONS:
        level = c.levels[comparison]
        if level < 0:
            continue
        w = model.weight(comparison, level, kin)
        if level == 0 and comparison == "surname" and model.surname_tf:
            tf = max(model.surname_tf.get(c.surname, 0.0), MIN_TF)
            w = math.log2(model.m["surname"][0] / tf)
        elif level == 0 and comparison == "forename" and model.forename_tf:
            tf = max(model.forename_tf.get(c.forename, 0.0), MIN_TF)
            w = math.log2(model.m["forename"][0] / tf)
        total += w
        terms.append(Term(comparison, level, w))
    return Weighing(total, tuple(terms), c.swapped, guard(c.levels))


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


# --- training


def _counts(
    levels: Iterable[Mapping[str, int]], weights: Iterable[float] | None = None
) -> dict[str, list[float]]:
    out = {c: [0.0] * len(LEVELS[c]) for c in COMPARISONS}
    ws = iter(weights) if weights is not None else None
    for row in levels:
        w = next(ws) if ws is not None else 1.0
        for c in COMPARISONS:
            if row[c] >= 0:
                out[c][row[c]] += w
    return out


# Levels that are one comparison's outcomes together (their m, and their u, add up to 1).
GROUPS: dict[str, tuple[tuple[int, ...], ...]] = {"dob": ((0, 1, 2, 4), (3, 5))}


def _normalise_group(counts: Sequence[float], floor: float) -> list[float]:
    total = sum(counts)
    values = [max(x / total, floor) if total else floor for x in counts]
    norm = sum(values)
    return [round(v / norm, 8) for v in values]


def _normalise(counts: Sequence[float], floor: float, comparison: str = "") -> tuple[float, ...]:
    out = [0.0] * len(counts)
    for group in GROUPS.get(comparison, (tuple(range(len(counts))),)):
        for level, value in zip(
            group, _normalise_group([counts[i] for i in group], floor), strict=True
        ):
            out[level] = value
    return tuple(out)


def estimate_u(pairs: Iterable[tuple[PersonFacts, PersonFacts]]) -> dict[str, tuple[float, ...]]:
    """u from random pairs of the register (two different people almost always)."""
    pairs = list(pairs)
    rows = [compare(a, b).levels for a, b in pairs]
    counts = _counts(rows)
    # The years alone (levels 3 and 5) are compared for every pair, dates known or not.
    for a, b in pairs:
        year_a = a.dob.year if a.dob else a.birth_year
        year_b = b.dob.year if b.dob else b.birth_year
        if year_a and year_b:
            counts["dob"][3 if abs(year_a - year_b) <= 1 else 5] += 1
    # Pseudo-pairs at the starting values: a level never seen among the random pairs is
    # rare, not impossible, and a small register leans on the starting values.
    return {
        c: _normalise(
            [x + U_PRIOR_PAIRS * d for x, d in zip(counts[c], DEFAULT_U[c], strict=True)], 1e-6, c
        )
        for c in COMPARISONS
    }


def estimate_u_kin(register: Sequence[PersonFacts], count: int, seed: int = 1) -> tuple[float, ...]:
    """u of the address levels for random pairs of different people with one surname."""
    by_surname: dict[str, list[PersonFacts]] = {}
    for person in register:
        by_surname.setdefault(compact(person.surname), []).append(person)
    groups = [g for g in by_surname.values() if len(g) > 1]
    if not groups:
        return DEFAULT_U_KIN
    rng = random.Random(seed)
    sizes = [len(g) * (len(g) - 1) for g in groups]  # pairs drawn in proportion to the pairs
    counts = [0.5] * len(LEVELS["address"])
    for group in rng.choices(groups, weights=sizes, k=count):
        a, b = rng.sample(group, 2)
        level = address_level(a, b)
        if level >= 0:
            counts[level] += 1
    return _normalise(counts, 1e-6)


def estimate_u_kin_dob(
    register: Sequence[PersonFacts], count: int, seed: int = 2
) -> tuple[float, ...]:
    """u of the date of birth levels for two people of one surname at one postcode."""
    families: dict[tuple[str, str], list[PersonFacts]] = {}
    for person in register:
        if person.postcode:
            families.setdefault((compact(person.surname), _postcode(person.postcode)), []).append(
                person
            )
    groups = [g for g in families.values() if len(g) > 1]
    if len(groups) < 20:
        return DEFAULT_U_KIN_DOB
    rng = random.Random(seed)
    counts = [U_PRIOR_PAIRS * d for d in DEFAULT_U_KIN_DOB]
    for group in rng.choices(groups, weights=[len(g) * (len(g) - 1) for g in groups], k=count):
        a, b = rng.sample(group, 2)
        level = dob_level(a, b)
        if level >= 0:
            counts[level] += 1
        year_a = a.dob.year if a.dob else a.birth_year
        year_b = b.dob.year if b.dob else b.birth_year
        if year_a and year_b:
            counts[3 if abs(year_a - year_b) <= 1 else 5] += 1
    return _normalise(counts, 1e-6, "dob")


def _posterior(model: MatchModel, row: Mapping[str, int], used: Iterable[str]) -> float:
    w = model.prior_weight
    kin = kin_of(row)
    for c in used:
        if row[c] >= 0:
            w += model.weight(c, row[c], kin)
    return probability(w)


def expectation_maximisation(
    rows: Sequence[Mapping[str, int]],
    u: Mapping[str, tuple[float, ...]],
    u_kin: tuple[float, ...] = DEFAULT_U_KIN,
    estimate: Sequence[str] = COMPARISONS,
    m: Mapping[str, tuple[float, ...]] | None = None,
    iterations: int = 25,
) -> tuple[dict[str, tuple[float, ...]], float]:
    """m (of the comparisons in ``estimate``) and the prior by EM with u fixed, as Splink does.

    The comparisons not estimated are left out of the posterior: a session blocked on the
    date of birth cannot learn the date's m, and using it would only count the block.
    Pseudo-pairs (``PRIOR_STRENGTH``) draw m towards the starting values.
    """
    current: dict[str, tuple[float, ...]] = dict(m or DEFAULT_M)
    prior = 0.1  # the share of this session's pairs that are one person, re-estimated
    for _ in range(iterations):
        model = MatchModel(current, u, prior, u_kin)
        posts = [_posterior(model, row, estimate) for row in rows]
        counts = _counts(rows, posts)
        for c in estimate:
            current[c] = _normalise(
                [x + PRIOR_STRENGTH * d for x, d in zip(counts[c], DEFAULT_M[c], strict=True)],
                M_FLOOR,
                c,
            )
        prior = min(max(sum(posts) / max(len(posts), 1), 1e-4), 0.5)
    return current, prior


def floored(m: Sequence[float], start: Sequence[float], comparison: str) -> tuple[float, ...]:
    """m no lower than half its starting value: a register whose earlier notifications were
    typed cleanly (the demo's) would otherwise teach that true matches never have a slip."""
    return _normalise(
        [max(x, M_SHARE_KEPT * s) for x, s in zip(m, start, strict=True)], M_FLOOR, comparison
    )


def term_frequencies(counts: Mapping[str, int], total: int, keep: int = 2000) -> dict[str, float]:
    """The share of the register with each name (the commonest ``keep``; rarer ones: MIN_TF)."""
    top = sorted(counts.items(), key=lambda kv: -kv[1])[:keep]
    return {k: round(v / total, 7) for k, v in top if k and v / total > MIN_TF}


def random_pairs(
    people: Sequence[PersonFacts], count: int, seed: int = 0
) -> list[tuple[PersonFacts, PersonFacts]]:
    rng = random.Random(seed)
    n = len(people)
    if n < 2:
        return []
    out = []
    for _ in range(count):
        i, j = rng.randrange(n), rng.randrange(n)
        if i != j:
            out.append((people[i], people[j]))
    return out


def train(
    register: Sequence[PersonFacts],
    candidate_pairs: Sequence[tuple[PersonFacts, PersonFacts]],
    surname_counts: Mapping[str, int],
    forename_counts: Mapping[str, int],
    known_share: float,
    u_pairs: int = 40000,
    progress: Callable[[str], None] | None = None,
) -> MatchModel:
    """u from random register pairs, m by EM on earlier notifications' candidates.

    The prior is the chance that two records drawn at random are one person (as u is
    estimated on random pairs): the share of people named who were already known
    (``known_share``), over the register's size.
    """
    say = progress or (lambda _text: None)
    say(f"estimating u from {u_pairs} random pairs of {len(register)} people")
    u = estimate_u(random_pairs(register, u_pairs))
    u_kin = estimate_u_kin(register, u_pairs // 4)
    u_kin_dob = estimate_u_kin_dob(register, u_pairs // 4)
    say(f"estimating m by EM on {len(candidate_pairs)} candidate pairs")
    rows = [compare(a, b).levels for a, b in candidate_pairs]
    # Two sessions, as Splink's documentation advises: pairs born the same day teach the
    # names' m (and the address's), pairs with the same names teach the date's.
    same_day = [r for r in rows if r["dob"] == 0]
    same_name = [r for r in rows if r["surname"] == 0 and r["forename"] == 0]
    m, _ = expectation_maximisation(
        same_day, u, u_kin, ("surname", "forename", "address", "gender")
    )
    m, _ = expectation_maximisation(same_name, u, u_kin, ("dob",), m)
    m = {c: floored(m[c], DEFAULT_M[c], c) for c in COMPARISONS}
    # The years alone are compared only when a date is missing; the earlier notifications
    # cannot tell how often a known person's age is badly wrong: kept at the starting values.
    m["dob"] = tuple(DEFAULT_M["dob"][i] if i in (3, 5) else x for i, x in enumerate(m["dob"]))
    total = max(len(register), 1)
    prior = prior_for(total, known_share)
    return MatchModel(
        m,
        u,
        prior,
        u_kin,
        u_kin_dob,
        term_frequencies(surname_counts, total),
        term_frequencies(forename_counts, total),
        trained=True,
        stats={
            "register": len(register),
            "u_pairs": u_pairs,
            "em_pairs": len(candidate_pairs),
            "known_share": round(known_share, 4),
        },
    )
