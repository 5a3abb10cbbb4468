"""The harder noise model: several errors in one record, in both names at once (after the
descriptions of how linkage test data are corrupted: Christen's FEBRL/GeCo generators,
Splink's synthetic data) — typing slips, phonetic spellings, OCR misreadings, nicknames,
dates of birth slipped or swapped."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from frontdoor_app.intake.fs_compare import NICKNAMES

_KEYBOARD = {
    "a": "qsz",
    "b": "vgn",
    "c": "xvd",
    "d": "sfe",
    "e": "wrd",
    "f": "dgr",
    "g": "fht",
    "h": "gjy",
    "i": "uok",
    "j": "hku",
    "k": "jli",
    "l": "kop",
    "m": "nj",
    "n": "bmh",
    "o": "ipl",
    "p": "ol",
    "q": "wa",
    "r": "etf",
    "s": "adw",
    "t": "ryg",
    "u": "yij",
    "v": "cbf",
    "w": "qes",
    "x": "zcs",
    "y": "tuh",
    "z": "xa",
}
_PHONETIC = (
    ("ph", "f"),
    ("f", "ph"),
    ("ck", "k"),
    ("c", "k"),
    ("k", "c"),
    ("ee", "i"),
    ("y", "i"),
    ("i", "y"),
    ("ou", "u"),
    ("s", "z"),
    ("z", "s"),
    ("th", "t"),
    ("ll", "l"),
    ("l", "ll"),
    ("nn", "n"),
    ("ie", "y"),
    ("ei", "ey"),
    ("w", "v"),
)
_OCR = (
    ("m", "rn"),
    ("rn", "m"),
    ("d", "cl"),
    ("w", "vv"),
    ("h", "li"),
    ("e", "c"),
    ("o", "c"),
    ("i", "l"),
    ("l", "i"),
    ("u", "v"),
    ("n", "ri"),
)


def _typo(rng: random.Random, text: str) -> str:
    """One keyboard slip anywhere but the first letter: a neighbour key, dropped, doubled, swapped."""
    if len(text) < 3 or not text.isascii():
        return text
    i = rng.randrange(1, len(text))
    kind = rng.randrange(4)
    c = text[i]
    if kind == 0 and c.lower() in _KEYBOARD:
        new = rng.choice(_KEYBOARD[c.lower()])
        return text[:i] + (new.upper() if c.isupper() else new) + text[i + 1 :]
    if kind == 1:
        return text[:i] + text[i + 1 :]
    if kind == 2:
        return text[:i] + c + text[i:]
    if i < len(text) - 1:
        return text[:i] + text[i + 1] + c + text[i + 2 :]
    return text[:i]


def _replace_one(rng: random.Random, text: str, rules: tuple[tuple[str, str], ...]) -> str:
    low = text.lower()
    options = [(old, new) for old, new in rules if old in low[1:]]
    if not options:
        return text
    old, new = rng.choice(options)
    at = low.index(old, 1)
    return text[:at] + new + text[at + len(old) :]


def _nickname(name: str) -> str | None:

    first, _, rest = name.partition(" ")
    group = NICKNAMES.get(first.lower())
    if not group:
        return None
    other = sorted(group - {first.lower()})
    if not other:
        return None
    pick = other[len(first) % len(other)].capitalize()
    return f"{pick} {rest}".strip()


def _slip_date(rng: random.Random, dob: dt.date, day: dt.date) -> tuple[dt.date, str]:
    """A day, month or year slip, or a transposition of the day's digits."""
    for _ in range(5):
        kind = rng.choice(("day", "month", "year", "digits", "dm"))
        try:
            if kind == "day":
                new = dob.replace(day=max(1, min(28, dob.day + rng.choice((-1, 1, -10, 10)))))
            elif kind == "month":
                new = dob.replace(month=max(1, min(12, dob.month + rng.choice((-1, 1)))))
            elif kind == "year":
                new = dob.replace(year=dob.year + rng.choice((-1, 1)))
            elif (
                kind == "digits"
                and dob.day >= 10
                and dob.day % 10
                and dob.day % 10 * 10 + dob.day // 10 <= 28
            ):
                new = dob.replace(day=dob.day % 10 * 10 + dob.day // 10)
            elif kind == "dm" and dob.day <= 12:
                new = dob.replace(month=dob.day, day=dob.month)
            else:
                continue
        except ValueError:
            continue
        if new != dob and new <= day - dt.timedelta(days=2):
            return new, f"date_{kind}"
    return dob, ""


def add_hard_noise(rng: random.Random, obj: dict[str, Any], day: dt.date, age: int | None) -> str:
    """Several corruptions of one persons entry at once; the kinds applied, joined by '+'."""
    done: list[str] = []
    for key, chance in (("surname", 0.35), ("forenames", 0.3)):
        value = obj.get(key) or ""
        if value and rng.random() < chance:
            roll = rng.random()
            if roll < 0.55:
                new, kind = _typo(rng, value), "typo"
                if rng.random() < 0.25:
                    new = _typo(rng, new)
            elif roll < 0.8:
                new, kind = _replace_one(rng, value, _PHONETIC), "phonetic"
            else:
                new, kind = _replace_one(rng, value, _OCR), "ocr"
            if new != value:
                obj[key] = new
                done.append(f"{key[:4]}_{kind}")
    if obj.get("forenames") and rng.random() < 0.06:
        nick = _nickname(obj["forenames"])
        if nick:
            obj["forenames"] = nick
            done.append("nickname")
    if obj.get("forenames") and rng.random() < 0.07:
        obj["surname"], obj["forenames"] = obj["forenames"], obj["surname"]
        done.append("swapped")
    if "dob" in obj and rng.random() < 0.15:
        slipped, kind = _slip_date(rng, dt.date.fromisoformat(obj["dob"]), day)
        if kind:
            obj["dob"] = slipped.isoformat()
            done.append(kind)
    roll = rng.random()
    if "dob" in obj and roll < 0.07 and age is not None:  # (a person with a DOB has an age)
        del obj["dob"]
        obj["age"] = str(age)
        done.append("age_only")
    elif "dob" in obj and roll < 0.09:
        del obj["dob"]
        done.append("no_dob")
    if obj.get("forenames") and rng.random() < 0.03:
        obj["forenames"] = ""
        done.append("no_forename")
    if "nhs_number" in obj and rng.random() < 0.8:
        del obj["nhs_number"]
        done.append("no_nhs")
    if "pnc_id" in obj and rng.random() < 0.6:
        del obj["pnc_id"]
    return "+".join(done) or "exact"
