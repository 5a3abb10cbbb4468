"""Synthetic households: a victim, the person who harmed, children of realistic ages.

Plain Python objects, no database: the history builder turns them into rows and the
feed builders into notification objects.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from . import names
from .places import Address, Places

_DAY = dt.timedelta(days=1)
_FAMILY_SIZES = (0, 1, 2, 3, 4, 5, 6)
_FAMILY_WEIGHTS = tuple(itertools.accumulate((4, 26, 30, 21, 11, 5, 3)))


@dataclass(slots=True)
class GenPerson:
    id: int
    surname: str
    forenames: str
    dob: dt.date | None
    gender: str  # "F" | "M"
    birth_year: int | None = None
    nhs_number: str | None = None
    pnc_id: str | None = None
    school: str | None = None

    def age_on(self, day: dt.date) -> int | None:
        if self.dob is None:
            return day.year - self.birth_year if self.birth_year else None
        years = day.year - self.dob.year
        if (day.month, day.day) < (self.dob.month, self.dob.day):
            years -= 1
        return years


@dataclass(slots=True)
class GenHousehold:
    id: int
    reference: str
    address: Address
    victim: GenPerson
    perpetrator: GenPerson
    children: list[GenPerson] = field(default_factory=list)
    other_adults: list[GenPerson] = field(default_factory=list)
    # The person who harmed is the victim's child (adolescent to parent violence).
    child_perpetrator: bool = False
    # A later partner who harms, from this date on.
    new_perpetrator: GenPerson | None = None
    new_perpetrator_from: dt.date | None = None
    last_marac: dt.date | None = None

    def people(self) -> list[GenPerson]:
        out = [self.victim, self.perpetrator, *self.children, *self.other_adults]
        if self.new_perpetrator is not None:
            out.append(self.new_perpetrator)
        return out


class IdSource:
    """Consecutive integer ids from a starting value."""

    def __init__(self, start: int = 1) -> None:
        self.next = start

    def __call__(self) -> int:
        value = self.next
        self.next += 1
        return value


_SCHOOL_WORDS = (
    "Harehills",
    "Shakespeare",
    "Bankside",
    "Hillside",
    "Park View",
    "Beecroft",
    "Meadowfield",
    "Oakwood",
    "Brudenell",
    "Ingram Road",
    "Cottingley",
    "Whitecote",
    "Bramley St Peter's",
    "Hugh Gaitskell",
    "Seacroft Grange",
)


def school_for(rng: random.Random, age: int) -> str | None:
    if age < 4:
        return None
    kind = "Primary School" if age < 11 else rng.choice(("Academy", "High School"))
    return f"{rng.choice(_SCHOOL_WORDS)} {kind}"


class PopulationMaker:
    """Draws households. Deterministic for the ``rng`` it is given."""

    def __init__(
        self,
        rng: random.Random,
        places: Places,
        person_ids: IdSource,
        taken: Callable[[str, str, dt.date | None], bool] | None = None,
    ) -> None:
        self.rng = rng
        self.places = places
        self.person_ids = person_ids
        self.used_nhs: set[str] = set()
        self.used_pnc: set[str] = set()
        # (surname, forename, dob) already used: the ground truth needs real people
        # to be distinguishable, as in life where exact doubles are rare.
        self.seen: set[tuple[str, str, dt.date | None]] = set()
        self.taken = taken

    def _unique(self, surname: str, forenames: str, dob: dt.date | None) -> bool:
        key = (surname, forenames, dob)
        if key in self.seen or (self.taken is not None and self.taken(surname, forenames, dob)):
            return False
        self.seen.add(key)
        return True

    def person(
        self,
        culture: names.Culture,
        gender: str,
        born_after: dt.date,
        born_before: dt.date,
        surname: str | None = None,
        nhs_share: float = 0.35,
        pnc_share: float = 0.0,
        dob_unknown: float = 0.0,
    ) -> GenPerson:
        rng = self.rng
        span = max(1, (born_before - born_after).days)
        for _attempt in range(20):
            raw = surname or rng.choice(culture.surnames)
            sur = names.surname_for(culture, raw, gender)
            fore = names.forename(rng, culture, gender)
            dob = born_after + dt.timedelta(days=rng.randrange(span))
            if self._unique(sur, fore, dob):
                break
        person = GenPerson(self.person_ids(), sur, fore, dob, gender, dob.year)
        if rng.random() < dob_unknown:
            person.dob = None
        if rng.random() < nhs_share:
            number = names.nhs_number(rng)
            if number not in self.used_nhs:
                self.used_nhs.add(number)
                person.nhs_number = number
        if rng.random() < pnc_share:
            pnc = names.pnc_id(rng, dob.year + 18 + rng.randrange(10))
            if pnc not in self.used_pnc:
                self.used_pnc.add(pnc)
                person.pnc_id = pnc
        return person

    def household(
        self, household_id: int, first_incident: dt.date, reference: str | None = None
    ) -> GenHousehold:
        rng = self.rng
        culture = names.pick_culture(rng)
        victim_gender = "F" if rng.random() < 0.88 else "M"
        victim_age = min(58, max(17, int(rng.gauss(31, 8))))
        day = first_incident
        victim = self.person(
            culture,
            victim_gender,
            _years_before(day, victim_age + 1) + _DAY,
            _years_before(day, victim_age),
            dob_unknown=0.02,
        )
        address = self.places.address(rng)
        children: list[GenPerson] = []
        n_children = rng.choices(_FAMILY_SIZES, cum_weights=_FAMILY_WEIGHTS)[0]
        child_surnames = [victim.surname]
        # The person who harmed: usually a partner or ex-partner, sometimes of another culture.
        perp_culture = culture if rng.random() < 0.82 else names.pick_culture(rng)
        perp_gender = (
            ("M" if victim_gender == "F" else "F") if rng.random() < 0.96 else victim_gender
        )
        child_perpetrator = victim_gender == "F" and rng.random() < 0.03 and victim_age >= 32
        if child_perpetrator:
            perp_age = rng.randrange(13, 18)
            perpetrator = self.person(
                culture,
                "M",
                _years_before(day, perp_age + 1) + _DAY,
                _years_before(day, perp_age),
                surname=victim.surname,
                nhs_share=0.6,
                pnc_share=0.2,
            )
        else:
            perp_age = min(70, max(18, victim_age + int(rng.gauss(2.5, 4))))
            same = victim.surname if perp_culture is culture and rng.random() < 0.5 else None
            perpetrator = self.person(
                perp_culture,
                perp_gender,
                _years_before(day, perp_age + 1) + _DAY,
                _years_before(day, perp_age),
                surname=same,
                pnc_share=0.45,
                dob_unknown=0.03,
            )
            child_surnames.append(perpetrator.surname)
            if perpetrator.surname != victim.surname and rng.random() < 0.3:
                child_surnames.append(f"{victim.surname}-{perpetrator.surname}")
        # Children born when the parent was 16 to 44, none older than 17 on the first incident.
        oldest = min(17, victim_age - 16)
        for _ in range(n_children if oldest >= 0 else 0):
            age_days = rng.randrange(0, (oldest + 1) * 365)
            dob = day - dt.timedelta(days=age_days)
            children.append(
                self.person(
                    culture,
                    rng.choice("FM"),
                    dob,
                    dob + _DAY,
                    surname=rng.choice(child_surnames),
                    nhs_share=0.75,
                )
            )
        # Some households are expecting: a baby born within the first months of contact.
        if victim_gender == "F" and victim_age < 42 and rng.random() < 0.14:
            born = day + dt.timedelta(days=rng.randrange(20, 260))
            children.append(
                self.person(
                    culture,
                    rng.choice("FM"),
                    born,
                    born + _DAY,
                    surname=rng.choice(child_surnames),
                    nhs_share=0.9,
                )
            )
        for child in children:
            if child.dob and rng.random() < 0.7:
                child.school = school_for(rng, child.age_on(day) or 0)
        others: list[GenPerson] = []
        if rng.random() < 0.12:
            age = rng.randrange(40, 75)
            others.append(
                self.person(
                    culture,
                    rng.choice("FM"),
                    _years_before(day, age + 1) + _DAY,
                    _years_before(day, age),
                    surname=victim.surname,
                )
            )
        household = GenHousehold(
            household_id,
            reference or f"H{household_id:07d}",
            address,
            victim,
            perpetrator,
            children,
            others,
            child_perpetrator,
        )
        return household

    def new_partner(self, household: GenHousehold, day: dt.date) -> None:
        """A later partner who harms the same victim (a repeat victim, a new perpetrator)."""
        rng = self.rng
        culture = names.pick_culture(rng)
        age = min(70, max(18, (household.victim.age_on(day) or 30) + int(rng.gauss(2, 5))))
        gender = household.perpetrator.gender
        household.new_perpetrator = self.person(
            culture,
            gender,
            _years_before(day, age + 1) + _DAY,
            _years_before(day, age),
            pnc_share=0.5,
        )
        household.new_perpetrator_from = day


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)
