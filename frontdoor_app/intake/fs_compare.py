"""Comparing two records field by field: each comparison's level (``fs_model.LEVELS``)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

import jellyfish
from rapidfuzz import fuzz
from rapidfuzz.distance import JaroWinkler

from .fs_model import DEFAULT_MODEL, MatchModel
from .keys import compact, fold
from .similarity import PersonFacts, gender_code, same_initial, skeleton

_DIGITS = re.compile(r"\d+[a-z]?")


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
    # Each test only when the ones before it have not decided (most candidates of a broad
    # block differ at once): spelled or sounding alike with the same initial, or a slip or
    # two; one slip even in the first letter; a forename in common; somewhat alike.
    score = max(_alike(x, y), _alike("".join(ta), "".join(tb)))
    edits = -1
    if same_initial(x, y):
        if score >= 0.92 or skeleton(x) == skeleton(y) or metaphone(x) == metaphone(y):
            return 3
        edits = jellyfish.damerau_levenshtein_distance(x, y)
        if edits <= 2 and min(len(x), len(y)) >= 4:
            return 3
    if len(x) >= 4:
        if edits < 0:
            edits = jellyfish.damerau_levenshtein_distance(x, y)
        if edits <= 1:
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
    if abs(x.year - y.year) <= 1:
        if (x.month, x.day) == (y.month, y.day):
            return True
        dx, dy = x.strftime("%Y%m%d"), y.strftime("%Y%m%d")
        if sum(p != q for p, q in zip(dx, dy, strict=True)) == 1:
            return True
    if x.year != y.year:
        return False
    if x.month == y.month:
        return abs(x.day - y.day) == 1 or f"{x.day:02d}" == f"{y.day:02d}"[::-1]
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


@lru_cache(maxsize=65536)
def postcode_key(text: str | None) -> str:
    return "".join((text or "").split()).upper()


def address_level(a: PersonFacts, b: PersonFacts) -> int:
    pa, pb = postcode_key(a.postcode), postcode_key(b.postcode)
    if not pa or not pb:
        if a.address and b.address:
            return 0 if same_house(a.address, b.address) else -1
        return -1
    if pa == pb:
        return 0 if same_house(a.address, b.address) else 1
    if pa[:-3] == pb[:-3]:
        return 2
    return 3


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
    ga, gb = gender_code(a.gender), gender_code(b.gender)
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
    table = model.weights()
    total = 0.0
    if sur >= 0:
        total += table["surname"][sur]
    if fore >= 0:
        total += table["forename"][fore]
    return total
