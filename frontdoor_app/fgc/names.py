"""Whether a typed or recorded name could be the person who harmed, however it is spelled.

Pure functions, no database. A name is folded before the intake's own scoring
(``intake.similarity.score``: RapidFuzz, diacritics, sound-alikes, swapped boxes):

- Unicode confusables are folded to their Latin look-alikes from the Unicode consortium's
  table as maintained in the ``confusable-homoglyphs`` package (Cyrillic "а", Greek "ο"),
  after NFKC (full-width letters) and with format characters (zero-width spaces) removed;
- titles, suffixes and words in brackets are dropped (``nameparser``'s maintained lists:
  "Mr", "Snr", "(dad)");
- nicknames are read back to their full names from the ``nicknames`` package's curated list
  (Bob → Robert), and a shortened forename (Daz → Darren) is caught by its first letters
  when the surname is the same;
- hyphens, joined names ("DarrenKowalski") and word order are tried every way.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from frontdoor_app.intake.keys import compact, fold

if TYPE_CHECKING:
    from nicknames import NickNamer

from frontdoor_app.intake.similarity import (
    PersonFacts,
    forename_similarity,
    same_initial,
    score,
    shared_forename,
    surname_similarity,
)

# The three name lists are loaded when a name is first compared, not when the module is
# imported: together they take about a quarter of a second, and the meeting window imports
# this module (through the decisions) long before anyone checks an FGC invitee.


@lru_cache(maxsize=1)
def _latin_table() -> dict[int, str]:
    """Every character the Unicode table says looks like a Latin letter → that letter."""
    from confusable_homoglyphs import confusables as _confusables

    table: dict[int, str] = {}
    for char, glyphs in _confusables.confusables_data.items():
        if len(char) != 1 or char.isascii():
            continue
        latin = [g["c"] for g in glyphs if g["n"].startswith("LATIN ") and len(g["c"]) == 1]
        if latin and latin[0].isascii() and latin[0].isalpha():
            table[ord(char)] = latin[0]
    return table


@lru_cache(maxsize=1)
def _nicknames() -> NickNamer:
    from nicknames import NickNamer

    return NickNamer()


@lru_cache(maxsize=1)
def _name_constants() -> Any:
    """nameparser's lists of titles and suffixes."""
    from nameparser.config import CONSTANTS

    return CONSTANTS


def unconfuse(text: str) -> str:
    """NFKC, format characters removed, look-alike letters of other scripts made Latin."""
    text = unicodedata.normalize("NFKC", text or "")
    text = "".join(c for c in text if unicodedata.category(c) != "Cf")
    if text.isascii():
        return text
    # Only letters that are not Latin already are looked up (é stays é; fold drops accents).
    table = _latin_table()
    return "".join(
        table.get(ord(c), c) if c.isalpha() and "LATIN" not in unicodedata.name(c, "") else c
        for c in text
    )


_BRACKETS = re.compile(r"[(\[{<][^)\]}>]*[)\]}>]")
_QUOTED = re.compile(r"[\"“”«»„][^\"“”«»„]*[\"“”«»„]")


def _is_title_or_suffix(word: str) -> bool:
    w = word.lower().strip(".")
    CONSTANTS = _name_constants()  # noqa: N806 - nameparser's name for it
    return (
        w in CONSTANTS.titles
        or w in CONSTANTS.suffix_acronyms
        or w in (CONSTANTS.suffix_not_acronyms)
    )


@lru_cache(maxsize=8192)
def name_words(text: str) -> tuple[str, ...]:
    """The words of a name, folded, without titles, suffixes and bracketed remarks."""
    text = _QUOTED.sub(" ", _BRACKETS.sub(" ", unconfuse(text)))
    if "," in text:  # "Kowalski, Darren": surname first
        head, _, tail = text.partition(",")
        text = f"{tail} {head}"
    words = [w for w in re.split(r"[\s\-‐‑–—_/.,;:]+", text) if w]
    kept = [w for w in words if not _is_title_or_suffix(w)] or words
    return tuple(f for f in (fold(w).replace(" ", "") for w in kept) if f)


def canonical_forenames(word: str) -> set[str]:
    """The full names a forename may be short for (the maintained nickname list)."""
    return {fold(n) for n in _nicknames().canonicals_of(word)} | {word}


@dataclass(frozen=True)
class Known:
    """Someone recorded as the person who harmed."""

    person_id: int | None
    forenames: str | None
    surname: str
    dob: dt.date | None
    recorded_on: dt.date | None
    full_name: str


@dataclass(frozen=True)
class Likeness:
    score: float
    reason: str


def _parses(words: tuple[str, ...], known_words: tuple[str, ...]) -> list[tuple[str, str]]:
    """(forenames, surname) readings of the typed words: as written, reversed, split joins."""
    out: list[tuple[str, str]] = []
    if len(words) >= 2:
        out.append((" ".join(words[:-1]), words[-1]))
        out.append((" ".join(words[1:]), words[0]))
    joined = "".join(words)
    target = "".join(known_words)
    # A name typed as one word ("DarrenKowalski"), or a hyphen joining forename and surname:
    # split it where the recorded name splits, forwards or backwards.
    if len(known_words) >= 2 and len(words) <= 2:
        rev = "".join(known_words[-1:] + known_words[:-1])
        for whole, first_len in (
            (target, len("".join(known_words[:-1]))),
            (rev, len(known_words[-1])),
        ):
            if joined == whole:
                out.append((joined[:first_len], joined[first_len:]))
    if len(words) == 1:
        out.append(("", words[0]))
    return out


@lru_cache(maxsize=65536)  # pure; the queue asks the same pairs at every refresh
def likeness(typed: str, dob: dt.date | None, known: Known) -> Likeness:
    """How alike a typed name (and date of birth, when known) is to the person who harmed."""
    words = name_words(typed)
    if not words:
        return Likeness(0.0, "no name")
    known_words = name_words(known.full_name)
    known_facts = PersonFacts(
        known.surname, known.forenames, known.dob, None, None, None, None, None, None
    )
    best = Likeness(0.0, "")
    k_fore = fold(known.forenames).split()
    k_sur = compact(known.surname)
    for forenames, surname in _parses(words, known_words):
        fore_words = forenames.split()
        # Read a nickname back to the recorded forename when the list says it is one.
        if fore_words and k_fore and k_fore[0] in canonical_forenames(fore_words[0]):
            fore_words = [k_fore[0], *fore_words[1:]]
        facts = PersonFacts(
            surname, " ".join(fore_words) or None, dob, None, None, None, None, None, None
        )
        if dob is not None and known.dob is not None:
            s = score(facts, known_facts)
            value, reason = s.value, "; ".join(s.reasons[:3])
        else:
            value, reason = _name_only(facts.forenames, surname, known)
        shortened = (
            fore_words
            and k_fore
            and compact(surname) == k_sur
            and fore_words[0] != k_fore[0]
            and len(fore_words[0]) >= 2
            and k_fore[0].startswith(fore_words[0][:2])
            and not (dob and known.dob and dob != known.dob)
        )
        if shortened and value < 0.85:
            value, reason = 0.85, f"same surname; {fore_words[0]} could be short for {k_fore[0]}"
        if value > best.score:
            best = Likeness(value, reason)
    # In part or by initials ("Darren", "D. Kowalski"): the gate's old rule, kept.
    if (
        best.score < 0.8
        and _part_of(words, known_words)
        and not (dob and known.dob and dob != known.dob)
    ):
        best = Likeness(0.8, "the name is part of the recorded name, or its initials")
    return best


def _part_of(given: tuple[str, ...], full: tuple[str, ...]) -> bool:
    unused = list(full)
    for word in given:
        if word in unused:
            unused.remove(word)
            continue
        initial = next((w for w in unused if len(word) == 1 and w.startswith(word)), None)
        if initial is None:
            return False
        unused.remove(initial)
    return True


def _name_only(forenames: str | None, surname: str, known: Known) -> tuple[float, str]:
    """The intake's name score when there is no date of birth on one side to compare."""
    sur, sur_reason = surname_similarity(surname, known.surname)
    fore, fore_reason = forename_similarity(forenames, known.forenames)
    value = 0.55 * sur + 0.45 * (fore if fore is not None else 0.6)
    if fore is not None and (
        fore < 0.75
        or (
            fore < 0.9
            and not same_initial(forenames, known.forenames)
            and not shared_forename(forenames, known.forenames)
        )
    ):
        value = min(value, 0.7)  # a sibling more often than a typo (as the intake says)
    if sur < 0.85:  # with no date of birth, a different surname is someone else
        value = min(value, 0.7)
    return round(value, 3), f"{sur_reason}; {fore_reason}; no date of birth to compare"
