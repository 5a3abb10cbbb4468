"""Blocking: which known people are worth scoring against a person as sent.

Every block is an indexed look-up on ``person`` (see the indexes in models/people.py), run
for a whole file at once as a join with the keys (a VALUES list on SQLite, one JSON document
on PostgreSQL); never a scan of everyone.

Everyone born on the date of birth (or with day and month swapped, or the year out by one)
whose forename or surname starts with either name's initial, names compared fuzzily
afterwards; the same postcode and forename initial; a surname part sounding alike (Soundex,
from jellyfish) with the same year of birth and initial (and so with the names swapped). Also, with a date of
birth: same folded surname and date (``sd``), same first forename and date
(``fd``), the forenames as a surname (names typed in each other's boxes), the same with day
and month swapped, a slip in the date (same surname, born the same month, or the year out
by one: ``sm``, ``sd``), and known people with no date of birth (``sn``). Without a date of
birth: sound-alike surname, year of birth within two, same initial (``pyf``), and the same
postcode with the same or sound-alike name, or the same forename (``ps``, ``ppf``, ``pf``). Always: NHS number, PNC id.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from .keys import compact, fold, name_keys, phonetic
from .similarity import PersonFacts

CHUNK = 300
Key = tuple[Any, ...]

# name → (number of key columns, SQL condition joining the probe row p to person, whether
# only people not merged away count). Written as SQL: compiling thousands of VALUES rows
# through the expression language costs more than the query itself.
BLOCKS: dict[str, tuple[int, str, bool]] = {
    "nhs": (1, "person.nhs_number = p.a", False),
    "pnc": (1, "person.pnc_id = p.a", False),
    "sd": (2, "person.surname_key = p.a AND person.dob = p.b", True),
    "fd": (2, "person.forename_key = p.a AND person.dob = p.b", True),
    "sm": (3, "person.surname_key = p.a AND person.dob BETWEEN p.b AND p.c", True),
    "sn": (
        2,
        "person.surname_key = p.a AND person.dob IS NULL AND person.forename_key = p.b",
        True,
    ),
    "pyf": (
        3,
        "person.surname_phonetic = p.a AND person.birth_year = p.b "
        "AND person.forename_initial = p.c",
        True,
    ),
    "ps": (2, "person.postcode = p.a AND person.surname_key = p.b", True),
    "ppf": (
        3,
        "person.postcode = p.a AND person.surname_phonetic = p.b AND person.forename_key = p.c",
        True,
    ),
    "pf": (2, "person.postcode = p.a AND person.forename_key = p.b", True),
    "d": (
        3,
        "person.dob = p.a AND (person.forename_initial IN (p.b, p.c) "
        "OR substr(person.surname_key, 1, 1) IN (p.b, p.c))",
        True,
    ),
    "d2": (
        3,
        "person.dob = p.a AND ((person.forename_initial = p.b "
        "AND substr(person.surname_key, 1, 1) = p.c) OR (person.forename_initial = p.c "
        "AND substr(person.surname_key, 1, 1) = p.b))",
        True,
    ),
    "pi": (2, "person.postcode = p.a AND person.forename_initial = p.b", True),
}


@dataclass(frozen=True)
class BlockKeys:
    nhs: str | None
    pnc: str | None
    surname_key: str
    swapped_key: str  # the forenames, compacted, as a surname would be
    forename_key: str
    sounds: tuple[str, ...]  # Soundex of each part of the surname
    fore_sounds: tuple[str, ...]  # Soundex of each forename (a swapped surname)
    surname_initial: str
    dob: dt.date | None
    year: int | None
    postcode: str | None


def block_keys(facts: PersonFacts) -> BlockKeys:
    keys = name_keys(facts.surname, facts.forenames)
    year = facts.dob.year if facts.dob else facts.birth_year
    parts = [p for p in fold(facts.surname).split() if p]
    sounds = tuple(sorted({phonetic(p) for p in parts} | {keys.surname_phonetic} - {""}))
    fore_sounds = tuple(sorted({phonetic(p) for p in fold(facts.forenames).split()} - {""}))
    return BlockKeys(
        facts.nhs_number,
        facts.pnc_id,
        keys.surname_key,
        compact(facts.forenames),
        keys.forename_key,
        sounds,
        fore_sounds,
        keys.surname_key[:1],
        facts.dob,
        year,
        facts.postcode,
    )


def _swapped(day: dt.date) -> dt.date | None:
    if day.day <= 12 and day.day != day.month:
        return day.replace(month=day.day, day=day.month)
    return None


def _with_year(day: dt.date, year: int) -> dt.date | None:
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February
        return None


def lookup_keys(k: BlockKeys) -> list[Key]:
    """The keys a person as sent is looked up by."""
    out: list[Key] = []
    if k.nhs:
        out.append(("nhs", k.nhs))
    if k.pnc:
        out.append(("pnc", k.pnc))
    if k.dob:
        for day in (k.dob, _swapped(k.dob)):
            if day is None:
                continue
            out.append(("sd", k.surname_key, day))
            if k.forename_key:
                out.append(("fd", k.forename_key, day))
        if k.swapped_key:
            out.append(("sd", k.swapped_key, k.dob))
        # A slip in the date: another day of the same month, or the year out by one.
        low = k.dob.replace(day=1)
        high = (low + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        out.append(("sm", k.surname_key, low, high))
        for year in (k.dob.year - 1, k.dob.year + 1):
            day = _with_year(k.dob, year)
            if day is not None:
                out.append(("sd", k.surname_key, day))
        if k.forename_key:
            out.append(("sn", k.surname_key, k.forename_key))
        # Typos in both names: everyone born that day (or with day and month swapped, or
        # the year out by one) whose forename or surname begins as either name sent does.
        # Either initial on the day itself; both (either way round) on the other days.
        first, second = k.forename_key[:1], k.surname_initial
        out.append(("d", k.dob, first, second))
        for day in {
            _swapped(k.dob),
            _with_year(k.dob, k.dob.year - 1),
            _with_year(k.dob, k.dob.year + 1),
        } - {None}:
            out.append(("d2", day, first, second))
        # A slip in the day or month: a surname sounding alike, born the same year, the
        # same initial (and the same with the names swapped).
        if k.forename_key:
            out.extend(("pyf", s, k.dob.year, k.forename_key[:1]) for s in k.sounds)
        if k.surname_initial:
            out.extend(("pyf", s, k.dob.year, k.surname_initial) for s in k.fore_sounds)
        _postcode_keys(k, out)
        return out
    # Without a date of birth the name and the address have to find the person.
    if k.year and k.forename_key:
        initial = k.forename_key[:1]
        out.extend(("pyf", s, y, initial) for s in k.sounds for y in range(k.year - 2, k.year + 3))
    if k.postcode:
        out.append(("ps", k.postcode, k.surname_key))
        out.extend(("ppf", k.postcode, s, k.forename_key) for s in k.sounds)
        if k.forename_key:
            out.append(("pf", k.postcode, k.forename_key))  # a slip in the surname
    _postcode_keys(k, out)
    if k.year and k.surname_initial:  # names swapped, the forename sounding like the surname
        out.extend(
            ("pyf", s, y, k.surname_initial)
            for s in k.fore_sounds
            for y in range(k.year - 1, k.year + 2)
        )
    return out


def _postcode_keys(k: BlockKeys, out: list[Key]) -> None:
    """The same postcode and forename initial (or the surname's, for swapped names)."""
    if k.postcode:
        for initial in {k.forename_key[:1], k.surname_initial} - {""}:
            out.append(("pi", k.postcode, initial))


def stored_keys(facts: PersonFacts) -> list[Key]:
    """The keys a person is stored under, for the in-memory index of people made in a file.

    ``sm`` is kept by year and month (a range cannot be a key).
    """
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
        out.append(("smk", keys.surname_key, facts.dob.year, facts.dob.month))
    else:
        out.append(("sn", keys.surname_key, keys.forename_key))
    if year:
        out.append(("pyf", keys.surname_phonetic, year, keys.forename_initial))
    if facts.dob:
        for initial in {keys.forename_initial, keys.surname_key[:1]} - {""}:
            out.append(("d", facts.dob, initial))
        out.append(("d2", facts.dob, keys.forename_initial, keys.surname_key[:1]))
    if facts.postcode:
        out.append(("pi", facts.postcode, keys.forename_initial))
        out.append(("ps", facts.postcode, keys.surname_key))
        out.append(("ppf", facts.postcode, keys.surname_phonetic, keys.forename_key))
        out.append(("pf", facts.postcode, keys.forename_key))
    return out


def in_memory_keys(lookups: Iterable[Key]) -> list[Key]:
    """Lookup keys as the in-memory index holds them (``sm`` by year and month, ``d`` by
    the date and each initial)."""
    out: list[Key] = []
    for k in lookups:
        if k[0] == "sm":
            out.append(("smk", k[1], k[2].year, k[2].month))
        elif k[0] == "d":
            out.extend(("d", k[1], initial) for initial in {k[2], k[3]} - {""})
        elif k[0] == "d2":
            out.extend([("d2", k[1], k[2], k[3]), ("d2", k[1], k[3], k[2])])
        else:
            out.append(k)
    return out


def db_candidates(session: Session, wanted: Sequence[list[Key]]) -> list[set[int]]:
    """For each person as sent (its lookup keys), the ids of known people in its blocks."""
    by_block: dict[str, dict[Key, list[int]]] = defaultdict(lambda: defaultdict(list))
    for index, keys in enumerate(wanted):
        for key in keys:
            by_block[key[0]][key[1:]].append(index)
    found: list[set[int]] = [set() for _ in wanted]
    connection = session.connection()
    look_up = _sqlite_block if connection.dialect.name == "sqlite" else _server_block
    for name, probes in by_block.items():
        keys = list(probes)
        for n, person_id in look_up(connection, name, keys):
            for index in probes[keys[n]]:
                found[index].add(person_id)
    return found


def _sqlite_block(connection: Any, name: str, keys: list[Key]) -> Iterator[tuple[int, int]]:
    """(probe number, person id) of a block on SQLite: the probes as VALUES rows, in chunks.

    The probes drive the join (CROSS JOIN fixes the order) and the unary plus keeps the
    planner off the index on merged_into_id: "IS NULL" holds for nearly everyone, and led
    by it each block scanned the register (minutes a file)."""
    width, condition, live_only = BLOCKS[name]
    names = ", ".join(("n", "a", "b", "c", "d")[: width + 1])
    row_sql = "(" + ", ".join(["?"] * (width + 1)) + ")"
    live = " AND +person.merged_into_id IS NULL" if live_only else ""
    for start in range(0, len(keys), CHUNK):
        chunk = keys[start : start + CHUNK]
        params: list[Any] = []
        for n, key in enumerate(chunk, start):
            params.append(n)
            params.extend(v.isoformat() if isinstance(v, dt.date) else v for v in key)
        sql = (
            f"WITH p({names}) AS (VALUES {', '.join([row_sql] * len(chunk))}) "
            f"SELECT p.n, person.id FROM p CROSS JOIN person ON {condition}{live}"
        )
        for n, person_id in connection.exec_driver_sql(sql, tuple(params)):
            yield int(n), person_id


def _server_block(connection: Any, name: str, keys: list[Key]) -> Iterator[tuple[int, int]]:
    """(probe number, person id) of a block on PostgreSQL: every probe in one statement, the
    probes as one JSON document (``json_to_recordset``), so the statement's text is the same
    whatever the file (one parameter, not one a value). Each probe is looked up by itself (a
    LATERAL subquery the planner may not flatten, OFFSET 0): otherwise it hash-joins a range
    block ("sm") over a scan of everyone."""
    width, condition, live_only = BLOCKS[name]
    names = ("a", "b", "c", "d")[:width]
    shape = ", ".join(
        ["n int"]
        + [f"{n} {kind}" for n, kind in zip(names, _column_types(keys, width), strict=True)]
    )
    live = " AND person.merged_into_id IS NULL" if live_only else ""
    sql = (
        f"SELECT p.n, person.id FROM json_to_recordset(%s::json) AS p({shape}) "
        f"CROSS JOIN LATERAL (SELECT person.id FROM person WHERE {condition}{live} OFFSET 0) "
        "AS person"
    )
    probes = [
        {"n": n, **{c: _plain(v) for c, v in zip(names, key, strict=True)}}
        for n, key in enumerate(keys)
    ]
    yield from connection.exec_driver_sql(sql, (json.dumps(probes),))


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


_SERVER_TYPES = {str: "text", int: "int", dt.date: "date"}


def _column_types(keys: list[Key], width: int) -> list[str]:
    """The server type of each key column, from its first value that is not None."""
    kinds = []
    for i in range(width):
        value = next((k[i] for k in keys if k[i] is not None), "")
        kinds.append(_SERVER_TYPES.get(type(value), "text"))
    return kinds


def candidate_ids(session: Session, facts: PersonFacts) -> list[int]:
    """Ids of the known people in the same blocks as ``facts`` (one person)."""
    return sorted(db_candidates(session, [lookup_keys(block_keys(facts))])[0])
