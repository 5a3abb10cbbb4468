"""How a person's name and age are said, the same way on every screen and document."""

from __future__ import annotations

import datetime as dt


def full_name(forenames: str | None, surname: str | None) -> str:
    return " ".join(p for p in ((forenames or "").strip(), (surname or "").strip()) if p)


def initials(forenames: str | None, surname: str | None) -> str:
    """ "Kasia Kowalska" → "K.K."; letters only, so no name leaks through."""
    parts = [p for p in (forenames or "").replace("-", " ").split() if p[:1].isalpha()]
    letters = [p[0].upper() for p in parts[:2]]
    if surname and surname.strip()[:1].isalpha():
        letters.append(surname.strip()[0].upper())
    return "".join(f"{c}." for c in letters)


def months_between(born: dt.date, on: dt.date) -> int:
    """Whole months from ``born`` to ``on`` (0 when ``on`` is earlier)."""
    months = (on.year - born.year) * 12 + on.month - born.month - (on.day < born.day)
    return max(0, months)


def age_on(dob: dt.date, on: dt.date) -> int:
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


def age_text(dob: dt.date | None, on: dt.date, years: int | None = None) -> str:
    """ "6 y"; "18 mo" under two; "unborn" after ``on``; the estimated years; "" unknown."""
    if dob is None:
        return f"{years} y" if years is not None else ""
    if dob > on:
        return "unborn"
    months = months_between(dob, on)
    return f"{months} mo" if months < 24 else f"{age_on(dob, on)} y"
