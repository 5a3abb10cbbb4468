"""Matching the people of a whole file at once: set-based look-ups in the same blocks.

Each block (``blocking``) is one indexed join between the file's keys (a VALUES list on
SQLite, a JSON document on PostgreSQL) and ``person``, instead of queries per person. People created earlier in the same file are found through an
in-memory index of the same keys, so the second notification of a weekend family joins
the first.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from .blocking import Key, in_memory_keys, stored_keys
from .similarity import PersonFacts


@dataclass(frozen=True)
class KnownPerson:
    id: int
    facts: PersonFacts
    merged_into_id: int | None
    school: str | None


def load_people(session: Session, ids: Iterable[int]) -> dict[int, KnownPerson]:
    """The people with these ids, and the people they were merged into: one statement (and
    one more for each step of merges), the ids as one value, plain rows.

    SQLite takes them as a JSON array (``json_each``) and returns ISO dates; PostgreSQL as an
    array (``= ANY``): not an IN list of one placeholder an id, whose text the driver parses
    and the server plans afresh for every file."""
    out: dict[int, KnownPerson] = {}
    todo = sorted(set(ids))
    connection = session.connection()
    sqlite = connection.dialect.name == "sqlite"
    where = "IN (SELECT value FROM json_each(?))" if sqlite else "= ANY(%s::int[])"
    sql = f"SELECT {_COLUMNS} FROM person WHERE id {where}"
    while todo:
        for r in connection.exec_driver_sql(sql, (json.dumps(todo) if sqlite else todo,)):
            dob = (dt.date.fromisoformat(r[3]) if r[3] else None) if sqlite else r[3]
            facts = PersonFacts(r[1], r[2], dob, r[4], r[5], r[6], r[7], r[8], r[9])
            out[r[0]] = KnownPerson(r[0], facts, r[10], r[11])
        todo = sorted(
            {
                p.merged_into_id
                for p in out.values()
                if p.merged_into_id is not None and p.merged_into_id not in out
            }
        )
    return out


_COLUMNS = (
    "id, surname, forenames, dob, birth_year, gender, nhs_number, pnc_id, address, postcode, "
    "merged_into_id, school"
)


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

    def find(self, lookups: Iterable[Key]) -> set[int]:
        out: set[int] = set()
        for key in in_memory_keys(lookups):
            out.update(self._keys.get(key, ()))
        return out


def year_of(dob: dt.date | None, age: int | None, on: dt.date) -> int | None:
    if dob is not None:
        return dob.year
    return on.year - age if age is not None else None
