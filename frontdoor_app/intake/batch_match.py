"""Matching the people of a whole file at once: set-based look-ups in the same blocks.

Each block of ``matching`` (NHS number, PNC id, surname with date or year of birth, ...)
becomes one indexed join between the file's keys (a VALUES list) and ``person``, instead of
one query per person. People created earlier in the same file are found through an
in-memory index of the same keys, so the second notification of a weekend family joins
the first.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from frontdoor_app.models import Person

from .keys import name_keys
from .matching import BlockKeys
from .similarity import PersonFacts

CHUNK = 300

# name → (number of key columns, SQL condition joining the probe row p to person, whether
# only people not merged away count). Written as SQL: compiling thousands of VALUES rows
# through the expression language costs more than the query itself.
BLOCKS: dict[str, tuple[int, str, bool]] = {
    "nhs": (1, "person.nhs_number = p.a", False),
    "pnc": (1, "person.pnc_id = p.a", False),
    "sd": (2, "person.surname_key = p.a AND person.dob = p.b", True),
    "fd": (2, "person.forename_key = p.a AND person.dob = p.b", True),
    "sy": (2, "person.surname_key = p.a AND person.birth_year = p.b", True),
    "py": (2, "person.surname_phonetic = p.a AND person.birth_year = p.b", True),
    "ps": (2, "person.postcode = p.a AND person.surname_key = p.b", True),
    "ppf": (3, "person.postcode = p.a AND person.surname_phonetic = p.b AND person.forename_key = p.c",
            True),
}  # fmt: skip

Key = tuple[Any, ...]


def lookup_keys(k: BlockKeys) -> list[Key]:
    """The keys an incoming person is looked up by (mirrors ``matching.candidate_ids``)."""
    out: list[Key] = []
    if k.nhs:
        out.append(("nhs", k.nhs))
    if k.pnc:
        out.append(("pnc", k.pnc))
    if k.dob:
        out.append(("sd", k.surname_key, k.dob))
        if k.forename_key:
            out.append(("fd", k.forename_key, k.dob))
        if k.swapped_key:
            out.append(("sd", k.swapped_key, k.dob))
    for year in k.years:
        out.append(("sy", k.surname_key, year))
        out.extend(("py", sound, year) for sound in k.sounds)
    if k.postcode:
        out.append(("ps", k.postcode, k.surname_key))
        out.extend(("ppf", k.postcode, sound, k.forename_key) for sound in k.sounds)
    return out


def stored_keys(facts: PersonFacts) -> list[Key]:
    """The keys a person is stored under (what the indexes of ``person`` hold)."""
    keys = name_keys(facts.surname, facts.forenames)
    year = facts.dob.year if facts.dob else facts.birth_year
    out: list[Key] = []
    if facts.nhs_number:
        out.append(("nhs", facts.nhs_number))
    if facts.pnc_id:
        out.append(("pnc", facts.pnc_id))
    if facts.dob:
        out.append(("sd", keys.surname_key, facts.dob))
        out.append(("fd", keys.forename_key, facts.dob))
    if year:
        out.append(("sy", keys.surname_key, year))
        out.append(("py", keys.surname_phonetic, year))
    if facts.postcode:
        out.append(("ps", facts.postcode, keys.surname_key))
        out.append(("ppf", facts.postcode, keys.surname_phonetic, keys.forename_key))
    return out


def _chunks(rows: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def db_candidates(session: Session, wanted: Sequence[list[Key]]) -> list[set[int]]:
    """For each incoming person (its lookup keys), the ids of known people in its blocks."""
    by_block: dict[str, dict[Key, list[int]]] = defaultdict(lambda: defaultdict(list))
    for index, keys in enumerate(wanted):
        for key in keys:
            by_block[key[0]][key[1:]].append(index)
    found: list[set[int]] = [set() for _ in wanted]
    connection = session.connection()
    sqlite = connection.dialect.name == "sqlite"
    mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    for name, probes in by_block.items():
        width, condition, live_only = BLOCKS[name]
        names = ", ".join(("n", "a", "b", "c")[: width + 1])
        row_sql = "(" + ", ".join([mark] * (width + 1)) + ")"
        live = " AND person.merged_into_id IS NULL" if live_only else ""
        keys = list(probes)
        for chunk in _chunks(keys):
            params: list[Any] = []
            for n, key in enumerate(chunk):
                params.append(n)
                params.extend(
                    v.isoformat() if sqlite and isinstance(v, dt.date) else v for v in key
                )
            sql = (f"WITH p({names}) AS (VALUES {', '.join([row_sql] * len(chunk))}) "
                   f"SELECT p.n, person.id FROM p JOIN person ON {condition}{live}")  # fmt: skip
            for n, person_id in connection.exec_driver_sql(sql, tuple(params)):
                for index in probes[chunk[int(n)]]:
                    found[index].add(person_id)
    return found


@dataclass(frozen=True)
class KnownPerson:
    id: int
    facts: PersonFacts
    merged_into_id: int | None
    school: str | None


def load_people(session: Session, ids: Iterable[int]) -> dict[int, KnownPerson]:
    """The people with these ids, and the people they were merged into."""
    out: dict[int, KnownPerson] = {}
    todo = sorted(set(ids))
    while todo:
        for chunk in _chunks(todo, 500):
            for p in session.execute(select(
                    Person.id, Person.surname, Person.forenames, Person.dob, Person.birth_year,
                    Person.gender, Person.nhs_number, Person.pnc_id, Person.address,
                    Person.postcode, Person.merged_into_id, Person.school,
            ).where(Person.id.in_(chunk))):  # fmt: skip
                facts = PersonFacts(p.surname, p.forenames, p.dob, p.birth_year, p.gender,
                                    p.nhs_number, p.pnc_id, p.address, p.postcode)  # fmt: skip
                out[p.id] = KnownPerson(p.id, facts, p.merged_into_id, p.school)
        todo = sorted({p.merged_into_id for p in out.values()
                       if p.merged_into_id is not None and p.merged_into_id not in out})  # fmt: skip
    return out


def resolve(people: dict[int, KnownPerson], person_id: int) -> int:
    seen = {person_id}
    while True:
        person = people.get(person_id)
        if person is None or person.merged_into_id is None or person.merged_into_id in seen:
            return person_id
        person_id = person.merged_into_id
        seen.add(person_id)


class InFileIndex:
    """People created earlier in this file, under the same keys as the database's indexes."""

    def __init__(self) -> None:
        self._keys: dict[Key, list[int]] = defaultdict(list)
        self.facts: dict[int, PersonFacts] = {}

    def add(self, ref: int, facts: PersonFacts) -> None:
        self.facts[ref] = facts
        for key in stored_keys(facts):
            self._keys[key].append(ref)

    def find(self, keys: Iterable[Key]) -> set[int]:
        out: set[int] = set()
        for key in keys:
            out.update(self._keys.get(key, ()))
        return out


def year_of(dob: dt.date | None, age: int | None, on: dt.date) -> int | None:
    if dob is not None:
        return dob.year
    return on.year - age if age is not None else None
