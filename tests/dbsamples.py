"""One realistic row for every table of the model, built from the metadata itself.

Driven by ``Base.metadata`` so a table added later is covered without editing this file:
values come from each column's type and check constraints (``x IN (...)`` picks an allowed
value), with realistic names, addresses and text in many scripts where the column's name
says what it holds. Foreign keys point at the row made for the referred table; keys that
form a cycle (``use_alter``) or point at their own table are filled in a second pass.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import JSON, Boolean, Column, Date, DateTime, Float, Integer, String, Table, Text
from sqlalchemy.orm import Mapper, Session

from frontdoor_app.models import Base
from frontdoor_app.models.base import UTCDateTime

LONDON = ZoneInfo("Europe/London")
# A summer instant in local time with microseconds: must come back as the same UTC instant.
INSTANT = dt.datetime(2025, 7, 14, 8, 45, 12, 345678, tzinfo=LONDON)
DAY = dt.date(2019, 2, 28)

REALISTIC: dict[str, Any] = {
    "surname": "Ó Súilleabháin-Kowalska",
    "forenames": "Zoë Łucja 美玲",
    "name": "Ayşe Kılıç-Nguyễn",
    "display_name": "Dr Siobhán Ní Bhriain",
    "person_name": "Mohammed Al-Fārūqī",
    "author_name": "Priya Raghunathan (Health Visiting)",
    "by_name": "Ewa Wiśniewska",
    "owner_name": "Kwame Mensah",
    "referrer_name": "Chloë Brontë",
    "recorded_by": "Αλέξανδρος Παπαδόπουλος",
    "coordinator": "Jürgen Müller",
    "officer": "PC 4471 Ravinder Sandhu",
    "user_login": "ayse.kilic",
    "login": "ayse.kilic",
    "address": "Flat 2, 14 Harehills Lane, Leeds",
    "postcode": "LS9 7AB",
    "district": "LS9",
    "police_ref": "WY-2026-0001234",
    "nhs_number": "9434765919",
    "pnc_id": "26/123456Q",
    "file_name": "notifications-2026-11-23 (überarbeitet).csv",
    "narrative": "Ms Ağaoğlu said he threw a mug — “the children were asleep upstairs”.\n"
    "Second line: شكرا, спасибо, 谢谢 ✓",
    "text": "School reports Tomás (7) arrived hungry on 3 days; DSL spoke to mum.\nΔ follow-up ✓",
    "reason": "Victim asked that the information stay with the IDVA — agreed.",
    "rationale": "Repeat incidents (3rd in 12 months) and a baby under one: risk raised.",
    "gender": "female",
    "school": "Bankside Primary School",
    "role_as_sent": "Aggrieved",
    "relationship_to_victim": "ex-partner",
    "offence": "Assault occasioning actual bodily harm",
    "incident_type": "domestic",
    "force": "West Yorkshire Police",
    "code": "LS-EAST",
    "file_hash": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    "content_hash": "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae",
    "birth_year": 1987,
    "age": 34,
    "dash_yes": 14,
    "position": 3,
    "seconds_spent": 780,
    "sort_order": 2,
}
JSON_VALUE = {
    "marac": ["2025-01-02"],
    "repeat": True,
    "count": 3,
    "name": "Zoë",
    "nested": {"é": [1.5, None]},
}


def allowed_values(table: Table) -> dict[str, list[str]]:
    """Column → the values a ``col IN ('a','b')`` check constraint allows."""
    # ``table.constraints`` is a set: walk it in name order so every run picks the same
    # values, and keep a column's first list. A check such as ``(is_open = true AND stage
    # IN (open...)) OR (is_open = false AND stage IN (ended...))`` then gives the open
    # stages, which agree with the ``True`` every boolean column gets.
    out: dict[str, list[str]] = {}
    for constraint in sorted(table.constraints, key=lambda c: str(c.name or "")):
        sqltext = getattr(constraint, "sqltext", None)
        if sqltext is None:
            continue
        for column, values in re.findall(r"(\w+) IN \(([^)]*)\)", str(sqltext)):
            out.setdefault(column, re.findall(r"'([^']*)'", values))
    return out


def value_for(column: Column[Any], allowed: dict[str, list[str]]) -> Any:
    """A realistic value for ``column`` that its type and constraints accept."""
    if column.name in allowed:
        choices = allowed[column.name]
        return choices[1] if len(choices) > 1 else choices[0]
    kind = column.type
    if column.name in REALISTIC and not isinstance(kind, JSON | Boolean):
        value = REALISTIC[column.name]
        length = getattr(kind, "length", None)
        return value[:length] if isinstance(value, str) and length else value
    if isinstance(kind, JSON):
        return JSON_VALUE
    if isinstance(kind, Boolean):
        return True
    if isinstance(kind, Float):
        return 0.875
    if isinstance(kind, Integer):
        return 14
    if isinstance(kind, UTCDateTime | DateTime):
        return INSTANT
    if isinstance(kind, Date):
        return DAY
    if isinstance(kind, String | Text):
        text = REALISTIC.get(column.name, f"{column.name}: Zoë Łucja ✓ 美玲")
        length = getattr(kind, "length", None)
        return text[:length] if length else text
    raise TypeError(f"no sample value for {column.table.name}.{column.name} ({kind!r})")


def mappers_by_table() -> dict[str, Mapper[Any]]:
    return {m.local_table.name: m for m in Base.registry.mappers}  # type: ignore[union-attr]


def build_sample_rows(session: Session) -> dict[str, dict[str, Any]]:
    """Insert one row per table; returns table → the column values it should read back as."""
    mappers = mappers_by_table()
    made: dict[str, Any] = {}
    later: list[tuple[str, str, str]] = []  # (table, attribute, referred table)
    for table in Base.metadata.sorted_tables:
        mapper = mappers[table.name]
        allowed = allowed_values(table)
        values: dict[str, Any] = {}
        for prop in mapper.column_attrs:
            column = prop.columns[0]
            if column is mapper.version_id_col:
                continue
            if column.primary_key and isinstance(column.type, Integer):
                continue
            if column.foreign_keys:
                referred = next(iter(column.foreign_keys)).column.table.name
                if referred in made and referred != table.name:
                    values[prop.key] = made[referred].id
                else:
                    later.append((table.name, prop.key, referred))
                continue
            values[prop.key] = value_for(column, allowed)
        row = mapper.class_(**values)
        session.add(row)
        session.flush()
        made[table.name] = row
    for table_name, key, referred in later:
        setattr(made[table_name], key, made[referred].id)
    session.flush()
    return {name: column_values(row) for name, row in made.items()}


def column_values(row: Any) -> dict[str, Any]:
    mapper = row.__mapper__
    return {prop.key: getattr(row, prop.key) for prop in mapper.column_attrs}


def primary_key(row_values: dict[str, Any], table: Table) -> tuple[Any, ...]:
    return tuple(row_values[c.key] for c in table.primary_key.columns)
