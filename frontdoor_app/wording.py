"""Text that says something: the one check every reason, note and name field goes through.

After Unicode normalisation (NFKC), format and zero-width characters removed and spaces
trimmed, a reason must hold at least one letter or digit: "", " ", "." and a lone
zero-width space say nothing. Name fields also have their column's length checked, so a
long name is refused with a message instead of being stored past the column.
"""

from __future__ import annotations

import unicodedata


def counted(n: int, one: str, many: str | None = None) -> str:
    """The number and the word it counts: "1 notification", "3 notifications", "2 matches"
    (``many`` where adding "s" is not the plural). For text that is not translated: the
    screens choose between two whole sentences, which translators see."""
    return f"{n:,} {one if n == 1 else (many if many is not None else one + 's')}"


class TextError(ValueError):
    """The text says nothing, or is longer than its field holds; the message says which."""


def tidy(value: str | None) -> str:
    """NFKC, without format (Cf) characters such as zero-width spaces, spaces collapsed."""
    if not value:
        return ""
    text = unicodedata.normalize("NFKC", value)
    text = "".join(c for c in text if unicodedata.category(c) != "Cf")
    return " ".join(text.split())


def says_something(value: str | None) -> bool:
    return any(c.isalnum() for c in tidy(value))


def meaningful(
    value: str | None, what: str, max_length: int | None = None, error: type[ValueError] = TextError
) -> str:
    """The tidied text, or ``error`` naming ``what`` and the problem."""
    text = tidy(value)
    if not text:
        raise error(f"{what} is required; please write it")
    if not any(c.isalnum() for c in text):
        raise error(f"{what} says nothing ({text!r} has no letter or digit); please write it")
    if max_length is not None and len(text) > max_length:
        raise error(f"{what} is {len(text)} characters long; at most {max_length} fit")
    return text


def optional(
    value: str | None, what: str, max_length: int | None = None, error: type[ValueError] = TextError
) -> str | None:
    """None when left empty; otherwise as ``meaningful``."""
    return meaningful(value, what, max_length, error) if tidy(value) else None
