"""Normalised name keys for blocking: matching compares only within a block, never all.

Shared by the importer and the demo generator, so people created either way are found.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import jellyfish

_SPECIAL = str.maketrans(
    {
        "ł": "l",
        "Ł": "l",
        "ø": "o",
        "Ø": "o",
        "ß": "ss",
        "æ": "ae",
        "Æ": "ae",
        "đ": "d",
        "Đ": "d",
        "ı": "i",
        "œ": "oe",
        "Œ": "oe",
        "þ": "th",
    }
)


@lru_cache(maxsize=65536)  # names repeat a lot; matching folds each many times
def fold(text: str | None) -> str:
    """Lower case, diacritics removed, only letters kept (any script), spaces collapsed."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKD", text.translate(_SPECIAL))
    text = "".join(c for c in text if not unicodedata.combining(c))
    out = [c if c.isalpha() else " " for c in text.casefold()]
    return " ".join("".join(out).split())


@lru_cache(maxsize=65536)  # names repeat a lot; matching folds each many times
def compact(text: str | None) -> str:
    """``fold`` without spaces: "O'Brien" and "OBrien" and "o brien" agree."""
    return fold(text).replace(" ", "")


@lru_cache(maxsize=65536)  # names repeat a lot; matching folds each many times
def phonetic(text: str | None) -> str:
    """American Soundex (jellyfish) of the folded, compacted name (Latin letters; others kept)."""
    name = compact(text)
    if not name:
        return ""
    if not name.isascii():
        return name[:4]
    return str(jellyfish.soundex(name))


@dataclass(frozen=True)
class NameKeys:
    surname_key: str
    surname_phonetic: str
    forename_key: str
    forename_initial: str


@lru_cache(maxsize=65536)  # names repeat a lot; matching folds each many times
def name_keys(surname: str | None, forenames: str | None) -> NameKeys:
    """The blocking keys stored on ``Person``; for a double-barrelled surname, its first part."""
    first_part = (surname or "").replace("‐", "-").split("-")[0]
    forename = fold(forenames).split(" ")[0] if forenames else ""
    return NameKeys(
        surname_key=compact(surname),
        surname_phonetic=phonetic(first_part),
        forename_key=forename,
        forename_initial=forename[:1],
    )
