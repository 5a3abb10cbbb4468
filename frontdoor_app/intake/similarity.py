"""How alike two people are, with the reasons in words. Pure functions, no database."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz
from rapidfuzz.distance import JaroWinkler

from .keys import compact, fold

# Spellings that transliterate the same sound (Mohammed / Muhammad, Hussain / Hosain).
_SOUND_RULES = (
    ("hs", "x"),
    ("ph", "f"),
    ("kh", "k"),
    ("gh", "g"),
    ("ck", "k"),
    ("q", "k"),
    ("c", "k"),
    ("z", "s"),
    ("w", "v"),
    ("x", "ks"),
    ("ou", "u"),
    ("ee", "i"),
    ("oo", "u"),
)
_VOWELS = re.compile(r"[aeiouy]")
# First letters that transliterations swap (Omar / Umar, Yasmin / Jasmin, Hodan / Xoodan,
# Zhou / Chou, Wojciech / Voytek).
_SAME_SOUND_INITIALS = ("ou", "yj", "hx", "zcj", "wv", "kqc", "iey")


@dataclass(frozen=True)
class PersonFacts:
    """What matching compares, for a person as sent or a person already known."""

    surname: str
    forenames: str | None
    dob: dt.date | None
    birth_year: int | None
    gender: str | None
    nhs_number: str | None
    pnc_id: str | None
    address: str | None
    postcode: str | None


@dataclass(frozen=True)
class Score:
    value: float  # 0 to 1, what a person is shown
    reasons: tuple[str, ...]
    strength: float = -1.0  # unclamped, to rank candidates that all score 1 (-1: as value)

    @property
    def rank(self) -> float:
        return self.value if self.strength < 0 else self.strength


@lru_cache(maxsize=65536)
def skeleton(name: str) -> str:
    """A rough sound-alike key: consonants of the compacted name after spelling rules."""
    text = compact(name)
    if not text or not text.isascii():
        return text
    for old, new in _SOUND_RULES:
        text = text.replace(old, new)
    head, tail = text[0], _VOWELS.sub("", text[1:]).replace("h", "")
    out = [head]
    for c in tail:
        if c != out[-1]:
            out.append(c)
    return "".join(out)


def surname_similarity(a: str, b: str) -> tuple[float, str]:
    ca, cb = compact(a), compact(b)
    if not ca or not cb:
        return 0.0, "no surname to compare"
    if ca == cb:
        return 1.0, "same surname" if a.strip() == b.strip() else f"same surname ({a} / {b})"
    parts_a, parts_b = set(fold(a).split()), set(fold(b).split())
    if parts_a and parts_b and (parts_a <= parts_b or parts_b <= parts_a):
        return 0.95, f"one surname is part of the other ({a} / {b})"
    score = JaroWinkler.normalized_similarity(ca, cb)
    if skeleton(a) == skeleton(b):
        return max(score, 0.93), f"surnames sound alike ({a} / {b})"
    if score >= 0.9:
        return score, f"surname spelled slightly differently ({a} / {b})"
    return score, f"different surnames ({a} / {b})"


def forename_similarity(a: str | None, b: str | None) -> tuple[float | None, str]:
    ta, tb = fold(a).split(), fold(b).split()
    if not ta or not tb:
        return None, "no forename to compare"
    if ta == tb:
        return 1.0, "same forenames"
    if sorted(ta) == sorted(tb):
        return 1.0, f"same forenames in a different order ({a} / {b})"
    if ta[0] == tb[0]:
        return 0.97, f"same first forename ({a} / {b})"
    if set(ta) & set(tb):
        return 0.85, f"a forename in common ({a} / {b})"
    if (len(ta[0]) == 1 or len(tb[0]) == 1) and ta[0][0] == tb[0][0]:
        return 0.8, f"initial agrees with the forename ({a} / {b})"
    joined = max(
        fuzz.token_sort_ratio(" ".join(ta), " ".join(tb)) / 100,
        JaroWinkler.normalized_similarity("".join(ta), "".join(tb)),
        JaroWinkler.normalized_similarity(ta[0], tb[0]),
    )
    if skeleton(ta[0]) == skeleton(tb[0]):
        return max(joined, 0.93), f"forenames sound alike ({a} / {b})"
    if joined >= 0.88:
        return joined, f"forename spelled slightly differently ({a} / {b})"
    return joined, f"different forenames ({a} / {b})"


def dob_similarity(a: PersonFacts, b: PersonFacts) -> tuple[float, str]:
    if a.dob and b.dob:
        x, y = a.dob, b.dob
        if x == y:
            return 1.0, "same date of birth"
        if x.year == y.year and x.day == y.month and x.month == y.day:
            return 0.85, "date of birth with day and month swapped"
        digits_x, digits_y = x.strftime("%Y%m%d"), y.strftime("%Y%m%d")
        one_digit = sum(p != q for p, q in zip(digits_x, digits_y, strict=True)) == 1
        # A slip in the day or month, or a year out by one; a decade apart is someone else.
        if one_digit and (x.year == y.year or abs(x.year - y.year) == 1):
            return 0.75, f"dates of birth differ by one digit ({x:%d/%m/%Y} / {y:%d/%m/%Y})"
        return 0.0, f"different dates of birth ({x:%d/%m/%Y} / {y:%d/%m/%Y})"
    year_a = a.dob.year if a.dob else a.birth_year
    year_b = b.dob.year if b.dob else b.birth_year
    if year_a and year_b:
        if abs(year_a - year_b) <= 1:
            return 0.6, "age agrees with the year of birth"
        return 0.0, f"ages differ (born {year_a} / {year_b})"
    return 0.4, "no date of birth to compare"


def address_bonus(a: PersonFacts, b: PersonFacts) -> tuple[float, list[str]]:
    if not (a.postcode and b.postcode and a.postcode == b.postcode):
        return 0.0, []
    bonus, reasons = 0.04, ["same postcode"]
    if a.address and b.address and fuzz.token_set_ratio(fold(a.address), fold(b.address)) >= 90:
        bonus += 0.04
        reasons = ["same address"]
    return bonus, reasons


_GENDERS = {
    "f": "f",
    "female": "f",
    "woman": "f",
    "girl": "f",
    "m": "m",
    "male": "m",
    "man": "m",
    "boy": "m",
}


def gender_code(value: str | None) -> str:
    """The gender as compared: "f", "m", or "" (not recorded, or recorded otherwise)."""
    return _GENDERS.get((value or "").strip().lower(), "")


def same_initial(a: str | None, b: str | None) -> bool:
    """First letters agree or sound alike (a leading Somali C for the ʿayn is no letter)."""
    x, y = compact(a), compact(b)
    if not x or not y:
        return True
    if x[0] == y[0] or any(x[0] in group and y[0] in group for group in _SAME_SOUND_INITIALS):
        return True
    return (x[0] == "c" and x[1:2] == y[0]) or (y[0] == "c" and y[1:2] == x[0])


def shared_forename(a: str | None, b: str | None) -> bool:
    """One of the forenames is the same (Amina / Bibi Amina)."""
    return bool(set(fold(a).split()) & set(fold(b).split()))


def score(incoming: PersonFacts, known: PersonFacts) -> Score:
    """How likely the two are the same person (0 to 1), and why, in words."""
    if incoming.nhs_number and known.nhs_number:
        if incoming.nhs_number == known.nhs_number:
            return Score(1.0, ("same NHS number",), 2.0)
        return Score(0.0, ("different NHS numbers",))
    if incoming.pnc_id and known.pnc_id:
        if incoming.pnc_id == known.pnc_id:
            return Score(1.0, ("same Police National Computer id",), 2.0)
        return Score(0.0, ("different Police National Computer ids",))
    sur, sur_reason = surname_similarity(incoming.surname, known.surname)
    fore, fore_reason = forename_similarity(incoming.forenames, known.forenames)
    name = 0.55 * sur + 0.45 * (fore if fore is not None else 0.6)
    fore_pair = (incoming.forenames, known.forenames)
    if incoming.forenames and known.forenames:
        # An officer may type the names in each other's boxes.
        sur_x, _ = surname_similarity(incoming.forenames, known.surname)
        fore_x, _ = forename_similarity(incoming.surname, known.forenames)
        crossed = 0.55 * sur_x + 0.45 * (fore_x if fore_x is not None else 0.6)
        if crossed > name + 0.05:
            sur, fore, name = sur_x, fore_x, crossed
            fore_pair = (incoming.surname, known.forenames)
            sur_reason = (
                f"surname and forenames swapped ({incoming.forenames} {incoming.surname}"
                f" / {known.forenames} {known.surname})"
            )
            fore_reason = "names agree once swapped back"
    dob, dob_reason = dob_similarity(incoming, known)
    value = 0.65 * name + 0.35 * dob
    reasons = [sur_reason, fore_reason, dob_reason]
    bonus, address_reasons = address_bonus(incoming, known)
    value += bonus
    reasons += address_reasons
    if dob == 0.0:
        value = min(value, 0.6)
    if fore is not None and (
        fore < 0.75
        or (fore < 0.9 and not same_initial(*fore_pair) and not shared_forename(*fore_pair))
    ):
        # A different forename with everything else alike is a sibling or twin more often
        # than a typo (Taslima / Nasima): never linked without a person looking; and with
        # a different date of birth too, someone else.
        value = min(value, 0.8 if dob == 1.0 else 0.7)
    if sur < 0.8 and (fore is None or fore < 0.9):
        value = min(value, 0.7)
    ga, gb = gender_code(incoming.gender), gender_code(known.gender)
    if ga and gb and ga != gb:
        value -= 0.15
        reasons.append("recorded gender differs")
    return Score(round(max(0.0, min(1.0, value)), 3), tuple(reasons), round(max(0.0, value), 4))
