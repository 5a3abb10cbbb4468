"""Years of notifications for a synthetic population, with realistic repeat patterns.

About a third of households come back: repeat incidents follow the first at shrinking
intervals (escalation), and now and then the victim has a new partner who harms.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from dataclasses import dataclass, field
from typing import Any

from . import incidents
from .incidents import LONDON
from .population import GenHousehold, GenPerson, IdSource, PopulationMaker

_ROLE_WORDS = {
    "victim": ("victim", "victim", "victim", "aggrieved"),
    "perpetrator": ("perpetrator", "perpetrator", "suspect", "offender"),
}
_OFFICERS = tuple(f"PC {n}" for n in (4711, 2290, 5163, 1877, 3342, 6620, 7015, 1204)) + (
    "DC Sarah Holt",
    "PS 1190 Khan",
    "PC Liam Foster",
)


_HOURS = tuple(range(24))
_HOUR_WEIGHTS = tuple(
    itertools.accumulate((6, 5, 4, 3, 2, 1, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 5, 6, 7, 8, 8, 8, 8, 7))
)


@dataclass(slots=True)
class GenNotification:
    id: int
    household: GenHousehold
    incident_at: dt.datetime
    received_at: dt.datetime
    grade: str
    dash_yes: int | None
    persons: list[tuple[GenPerson, str, str | None, dict[str, Any]]]
    raw: dict[str, Any]
    pregnancy: bool
    flags: dict[str, Any] = field(default_factory=dict)
    meeting_index: int = -1
    police_ref: str = ""


def incident_moment(rng: random.Random, day: dt.date) -> dt.datetime:
    """An incident time, mostly evenings and nights, as a UTC instant."""
    hour = rng.choices(_HOURS, cum_weights=_HOUR_WEIGHTS)[0]
    local = dt.datetime(day.year, day.month, day.day, hour, rng.randrange(60), tzinfo=LONDON)
    return local.astimezone(dt.UTC)


def incident_dates(
    rng: random.Random, first: dt.date, last: dt.date, repeat_share: float = 0.36
) -> list[dt.date]:
    """The first incident and, for about a third of households, the repeats."""
    dates = [first]
    if rng.random() < repeat_share:
        repeats = 1 + min(11, int(rng.expovariate(0.55)))
        gap = rng.randrange(60, 420)
        day = first
        for _ in range(repeats):
            day = day + dt.timedelta(days=max(3, int(gap * rng.uniform(0.4, 1.2))))
            if day > last:
                break
            dates.append(day)
            gap = max(10, int(gap * 0.8))
    return dates


def notification_for(
    rng: random.Random,
    household: GenHousehold,
    day: dt.date,
    number_in_household: int,
    received_limit: dt.datetime | None,
    no_child_share: float = 0.05,
    received: dt.datetime | None = None,
) -> GenNotification | None:
    """The police notification of one incident; None when it reaches us after ``received_limit``.

    With ``received`` the notification reaches the front door then (today's feed) and the
    incident happened up to a day and a half before.
    """
    if received is not None:
        received_at = received
        incident_at = received - dt.timedelta(minutes=rng.randrange(90, 36 * 60))
        day = incident_at.astimezone(LONDON).date()
    else:
        incident_at = incident_moment(rng, day)
        received_at = incident_at + dt.timedelta(minutes=rng.randrange(90, 36 * 60))
    if received_limit is not None and received_at >= received_limit:
        return None
    escalation = min(0.12, 0.03 * number_in_household)
    grade, yes = incidents.dash_grade(rng, escalation)
    perpetrator = household.perpetrator
    if (
        household.new_perpetrator is not None
        and household.new_perpetrator_from is not None
        and day >= household.new_perpetrator_from
    ):
        perpetrator = household.new_perpetrator
    victim = household.victim
    persons: list[tuple[GenPerson, str, str | None, dict[str, Any]]] = []

    def add(person: GenPerson, role: str, relationship: str | None) -> None:
        word = rng.choice(_ROLE_WORDS[role]) if role in _ROLE_WORDS else role
        persons.append(
            (
                person,
                role,
                relationship,
                incidents.person_object(person, role, day, household, relationship, rng, word),
            )
        )

    add(victim, "victim", None)
    if household.child_perpetrator:
        add(perpetrator, "perpetrator", "child")
    else:
        relationship = "partner" if rng.random() < 0.55 else "ex-partner"
        add(perpetrator, "perpetrator", relationship)
    expecting = False
    listed_child = False
    if rng.random() >= no_child_share:
        for child in household.children:
            if child.dob is None:
                add(child, "child", "child")
                listed_child = True
                continue
            if child.dob > day:
                if (child.dob - day).days < 270:
                    expecting = True
                continue
            if (child.age_on(day) or 0) < 18:
                add(child, "child", "child")
                listed_child = True
    else:
        expecting = any(c.dob and 0 < (c.dob - day).days < 270 for c in household.children)
    for other in household.other_adults:
        if rng.random() < 0.4:
            add(other, "other_adult", rng.choice(("parent", "sibling", "other")))
    pregnancy = expecting and rng.random() < 0.9
    child_word = "children" if listed_child and rng.random() < 0.5 else "child"
    perp_word = "the suspect" if rng.random() < 0.5 else perpetrator.forenames.split(" ")[0]
    raw: dict[str, Any] = {
        "police_ref": "",
        "force": incidents.FORCE,
        "received_at": incidents.local_iso(received_at),
        "incident_at": incidents.local_iso(incident_at),
        "incident_type": "domestic crime"
        if grade != "standard" or rng.random() < 0.2
        else "domestic incident",
        "offence": rng.choice(incidents._OFFENCES[grade]),
        "dash_risk": grade,
        "dash_yes": "" if yes is None else str(yes),
        "address": household.address.line,
        "postcode": household.address.postcode,
        "children_present": incidents.yn(rng.random() < 0.6 if listed_child else False),
        "weapon": incidents.yn(grade == "high" and rng.random() < 0.3),
        "alcohol": incidents.yn(rng.random() < 0.4),
        "drugs": "Y" if rng.random() < 0.12 else "",
        "pregnancy": "Y" if pregnancy else "",
        "narrative": incidents.narrative(rng, grade, perp_word, child_word),
        "officer": rng.choice(_OFFICERS),
        "persons": [p[3] for p in persons],
    }
    return GenNotification(
        0, household, incident_at, received_at, grade, yes, persons, raw, pregnancy
    )


@dataclass
class History:
    households: list[GenHousehold]
    notifications: list[GenNotification]


def generate_history(
    rng: random.Random,
    maker: PopulationMaker,
    household_ids: IdSource,
    notification_ids: IdSource,
    start: dt.date,
    last_day: dt.date,
    received_limit: dt.datetime,
    target: int,
    repeat_share: float = 0.36,
) -> History:
    """Households until the history holds ``target`` notifications, in received order."""
    households: list[GenHousehold] = []
    notes: list[GenNotification] = []
    span = (last_day - start).days + 1
    while len(notes) < target:
        first = start + dt.timedelta(days=rng.randrange(span))
        household = maker.household(household_ids(), first)
        dates = incident_dates(rng, first, last_day, repeat_share)
        if len(dates) > 2 and rng.random() < 0.25:
            maker.new_partner(household, dates[rng.randrange(1, len(dates))])
        mine = []
        for number, day in enumerate(dates):
            note = notification_for(rng, household, day, number, received_limit)
            if note is not None:
                mine.append(note)
        if not mine:
            household_ids.next -= 1  # nobody ever heard of them: reuse the id
            continue
        households.append(household)
        notes.extend(mine)
    notes.sort(key=lambda n: (n.received_at, n.household.id))
    per_year: dict[int, int] = {}
    for note in notes:
        note.id = notification_ids()
        year = note.received_at.astimezone(LONDON).year
        per_year[year] = per_year.get(year, 0) + 1
        note.police_ref = incidents.police_ref(year, per_year[year])
        note.raw["police_ref"] = note.police_ref
    return History(households, notes)
