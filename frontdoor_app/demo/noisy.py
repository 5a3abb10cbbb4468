"""Noisy re-appearances of known people, with ground truth, for the matching benchmark.

Each notification reuses a known household (the people spelled as a busy officer might:
typos, swapped names, transliterations, dropped accents, day and month swapped, an age
instead of a date of birth) or brings a new family, including hard negatives: the same
surname and date of birth with another forename, twins, a son with his father's name.
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from frontdoor_app.models import Household, Person
from frontdoor_app.profile import Profile, load_profile

from . import names
from .feed import fresh_refs, known_household, person_taken, receipt_times
from .hard_noise import add_hard_noise
from .history import notification_for
from .incidents import LONDON
from .places import Places
from .population import GenPerson, IdSource, PopulationMaker

_NEW_IDS = 10**12
_NOISE = (
    ("exact", 30),
    ("typo", 16),
    ("swapped", 7),
    ("hyphen", 7),
    ("transliteration", 9),
    ("diacritics", 9),
    ("dob_swap", 6),
    ("age_only", 5),
    ("no_nhs", 11),
)
_SPECIAL = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "đ": "d", "Đ": "D", "ß": "ss"})


@dataclass(frozen=True)
class NoisyFeed:
    notifications: list[dict[str, Any]]
    # (police_ref, index in persons) → id of the known Person it truly is; None: truly new.
    truth: dict[tuple[str, int], int | None]
    # The same keys → what was done to the record ("exact", "typo", "twin", ...).
    kinds: dict[tuple[str, int], str] = field(default_factory=dict)


def strip_diacritics(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(_SPECIAL))
    return unicodedata.normalize(
        "NFC", "".join(c for c in decomposed if not unicodedata.combining(c))
    )


def one_edit(rng: random.Random, text: str) -> str:
    """One typing slip: a letter changed, dropped, doubled or two swapped (never the first)."""
    if len(text) < 4:
        return text
    i = rng.randrange(1, len(text) - 1)
    kind = rng.randrange(4)
    if kind == 0:
        letters = "aeioulnrst" if text[i].islower() else text[i]
        replacement = rng.choice([c for c in letters if c != text[i]] or ["e"])
        return text[:i] + replacement + text[i + 1 :]
    if kind == 1:
        return text[:i] + text[i + 1 :]
    if kind == 2:
        return text[:i] + text[i] + text[i:]
    swapped = text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    return swapped if swapped != text else text[:i] + text[i + 1 :]


def _transliterate(rng: random.Random, text: str) -> str | None:
    words = text.split(" ")
    for n, word in enumerate(words):
        if word in names.TRANSLITERATIONS:
            words[n] = rng.choice(names.TRANSLITERATIONS[word])
            return " ".join(words)
    return None


def add_noise(
    rng: random.Random, obj: dict[str, Any], kind: str, other_surname: str, day: dt.date
) -> str:
    """Change ``obj`` (a persons entry) in place; the kind actually applied."""
    surname, forenames = obj["surname"], obj.get("forenames", "")
    if kind == "typo":
        target = "surname" if rng.random() < 0.5 or len(forenames) < 5 else "forenames"
        value = obj.get(target, "")
        # Typos are simulated on alphabetic scripts (not on Arabic or Chinese characters).
        if len(value) >= 5 and all(ord(c) < 0x0590 for c in value):
            obj[target] = one_edit(rng, value)
            return "typo"
    if kind == "swapped" and forenames:
        obj["surname"], obj["forenames"] = forenames, surname
        return "swapped"
    if kind == "hyphen":
        if "-" in surname:
            obj["surname"] = rng.choice(surname.split("-"))
            return "hyphen"
        if other_surname and other_surname != surname:
            obj["surname"] = f"{surname}-{other_surname}"
            return "hyphen"
    if kind == "transliteration":
        for key in ("forenames", "surname"):
            changed = _transliterate(rng, obj.get(key, ""))
            if changed:
                obj[key] = changed
                return "transliteration"
    if kind == "diacritics":
        plain_s, plain_f = strip_diacritics(surname), strip_diacritics(forenames)
        if (plain_s, plain_f) != (surname, forenames):
            obj["surname"] = plain_s
            if forenames:
                obj["forenames"] = plain_f
            return "diacritics"
    if kind == "dob_swap" and "dob" in obj:
        dob = dt.date.fromisoformat(obj["dob"])
        swapped = dob.replace(month=dob.day, day=dob.month) if dob.day <= 12 else dob
        # Never a birthday after the incident (up to a day and a half before ``day``).
        if swapped != dob and swapped <= day - dt.timedelta(days=2):
            obj["dob"] = swapped.isoformat()
            return "dob_swap"
    if kind == "age_only" and "dob" in obj:
        return "age_only"  # the caller knows the day, so it fills the age
    if kind == "no_nhs" and "nhs_number" in obj:
        del obj["nhs_number"]
        return "no_nhs"
    return "exact"


def _choose(rng: random.Random) -> str:
    return rng.choices([k for k, _ in _NOISE], weights=[w for _, w in _NOISE])[0]


def _random_adult(
    session: Session, rng: random.Random, highest: int, day: dt.date, **where: Any
) -> Person | None:
    """A known adult (the look-alike takes an adult's part in the new family)."""
    born_by = day.replace(year=day.year - 18, day=min(day.day, 28))
    for _ in range(40):
        person = session.get(Person, rng.randrange(1, highest + 1))
        if person is None or person.dob is None or person.merged_into_id is not None:
            continue
        if person.dob <= born_by and all(getattr(person, k) == v for k, v in where.items()):
            return person
    return None


def _hard_negative(
    session: Session, rng: random.Random, highest: int, maker: PopulationMaker, day: dt.date
) -> tuple[GenPerson, str] | None:
    """A new person who looks like a known one: same surname and birthday, or father's name."""
    if rng.random() < 0.5:
        known = _random_adult(session, rng, highest, day)
        if known is None or known.dob is None:
            return None
        culture = next(
            (c for c in names.CULTURES if known.surname in c.surnames), names.CULTURES[0]
        )
        pool = culture.female if known.gender == "F" else culture.male
        first = (known.forenames or " ")[0]
        choices = [f for f in pool if f[0] != first]
        if not choices:
            return None
        forename = rng.choice(choices)
        if session.scalar(
            select(Person.id).where(
                Person.surname == known.surname,
                Person.forenames == forename,
                Person.dob == known.dob,
            )
        ):
            return None
        twin = GenPerson(
            maker.person_ids(), known.surname, forename, known.dob, known.gender or "F"
        )
        return twin, "same_surname_dob"
    known = _random_adult(session, rng, highest, day, gender="M")
    if known is None or known.dob is None:
        return None
    years = rng.randrange(22, 32)
    try:
        dob = known.dob.replace(year=known.dob.year + years)
    except ValueError:
        dob = known.dob.replace(year=known.dob.year + years, day=28)
    if dob > day - dt.timedelta(days=16 * 365):
        dob = known.dob.replace(year=known.dob.year - years, day=min(known.dob.day, 28))
    if session.scalar(
        select(Person.id).where(
            Person.surname == known.surname, Person.forenames == known.forenames, Person.dob == dob
        )
    ):
        return None
    namesake = GenPerson(maker.person_ids(), known.surname, known.forenames or "", dob, "M")
    return namesake, "father_son"


def make_noisy_feed(
    session: Session,
    seed: int,
    count: int,
    received_on: dt.date,
    profile: Profile | None = None,
    noise: str = "standard",
) -> NoisyFeed:
    """``count`` notifications of known and new people, and which known person each truly is.

    ``noise``: "standard" (one slip a record) or "hard" (``add_hard_noise``: several at once).
    """
    profile = profile or load_profile()
    hard = noise == "hard"
    rng = random.Random(f"{seed}/noisy/{received_on.isoformat()}" + ("/hard" if hard else ""))
    places = Places(profile)
    maker = PopulationMaker(rng, places, IdSource(_NEW_IDS), person_taken(session))
    highest_household = session.scalar(select(func.max(Household.id))) or 0
    highest_person = session.scalar(select(func.max(Person.id))) or 0
    times = receipt_times(rng, profile, received_on, count)
    refs = fresh_refs(session, rng, received_on.year, count)
    out: list[dict[str, Any]] = []
    truth: dict[tuple[str, int], int | None] = {}
    kinds: dict[tuple[str, int], str] = {}
    for n, received in enumerate(times):
        day = received.astimezone(LONDON).date()
        household = None
        if highest_household and rng.random() < 0.7:
            household = known_household(
                session, rng.randrange(1, highest_household + 1), places, day
            )
        known = household is not None
        lookalike: tuple[GenPerson, str] | None = None
        if household is None:
            household = maker.household(_NEW_IDS + n, day)
            if highest_person and rng.random() < 0.6:
                lookalike = _hard_negative(session, rng, highest_person, maker, day)
                if lookalike is not None:
                    household.perpetrator = lookalike[0]
        note = notification_for(rng, household, day, 1, None, received=received)
        assert note is not None
        ref = refs[n]
        note.raw["police_ref"] = ref
        # A double-barrelled form joins the name of the other parent or partner.
        others = {
            "child": household.perpetrator.surname,
            "victim": household.perpetrator.surname,
            "perpetrator": household.victim.surname,
        }
        for index, (person, role, _rel, obj) in enumerate(note.persons):
            key = (ref, index)
            if known and person.id < _NEW_IDS and hard:
                kind = add_hard_noise(rng, obj, day, person.age_on(day))
                truth[key], kinds[key] = person.id, kind
            elif known and person.id < _NEW_IDS:
                for _attempt in range(3):  # a slip that does not fit this record: draw again
                    wanted = _choose(rng)
                    kind = add_noise(rng, obj, wanted, others.get(role, ""), day)
                    if kind != "exact" or wanted == "exact":
                        break
                if kind == "age_only":
                    age = person.age_on(day)
                    del obj["dob"]
                    obj["age"] = str(age)
                truth[key], kinds[key] = person.id, kind
            else:
                truth[key] = None
                is_lookalike = lookalike is not None and person is lookalike[0]
                kinds[key] = lookalike[1] if lookalike is not None and is_lookalike else "new"
        if known and rng.random() < (0.35 if hard else 0.25):
            _add_twin(rng, note.raw, truth, kinds, ref, maker, day)
        out.append(note.raw)
    return NoisyFeed(out, truth, kinds)


def _add_twin(
    rng: random.Random,
    raw: dict[str, Any],
    truth: dict[tuple[str, int], int | None],
    kinds: dict[tuple[str, int], str],
    ref: str,
    maker: PopulationMaker,
    day: dt.date,
) -> None:
    """A child never seen before who shares a known child's surname and birthday (a twin)."""
    children = [p for p in raw["persons"] if p["person_role"] == "child" and "dob" in p]
    if not children:
        return
    sibling = rng.choice(children)
    culture = next(
        (c for c in names.CULTURES if sibling["surname"] in c.surnames), names.CULTURES[0]
    )
    forename = rng.choice(culture.female + culture.male)
    if forename[:1] == sibling.get("forenames", " ")[:1] or not maker._unique(
        sibling["surname"], forename, dt.date.fromisoformat(sibling["dob"])
    ):
        return
    raw["persons"].append(
        {
            "person_role": "child",
            "surname": sibling["surname"],
            "forenames": forename,
            "dob": sibling["dob"],
            "relationship_to_victim": "child",
        }
    )
    key = (ref, len(raw["persons"]) - 1)
    truth[key], kinds[key] = None, "twin"
