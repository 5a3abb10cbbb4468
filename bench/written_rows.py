"""What an import wrote, row for row, and what writing those rows alone costs (issue 15).

``intake_monday``'s floor is reading and checking the feed. An import must also write what
it decided: the notifications, the people new to the register, their links, households,
the audit trail and the change log the other laptops follow. ``rows_after`` takes the rows
an import added to every table (by rowid, from the table's highest rowid before it);
``replay`` inserts exactly those rows into another fresh copy of the same database, through
the application's own engine (the same encryption, pragmas and ``BEGIN IMMEDIATE``), and
times the transaction from its BEGIN to its COMMIT. The tables are written in the
importer's order (``WRITE_ORDER``, as ``intake/batch.py`` writes them), so every foreign key
is checked as the row goes in, as in the import (a person names the notification it came
from, so ``Base.metadata``'s order, person first, would not do). That is the cheapest any importer could
write this feed's result: no reading, matching or row building, one ``executemany`` per
table. Rows the import updated rather than added (a person's details, a household's last
MARAC referral) are not replayed, so this floor is, if anything, low.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Engine

from frontdoor_app.models import Base


@dataclass(frozen=True)
class TableRows:
    table: str
    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]


WRITE_ORDER = (
    "import_batch",
    "household",
    "notification",
    "person",
    "notification_person",
    "person_link",
    "household_member",
    "audit_event",
    "change_log",
)


def _tables() -> list[str]:
    rest = [t.name for t in Base.metadata.sorted_tables if t.name not in WRITE_ORDER]
    return [*WRITE_ORDER, *rest]


def highest_rowids(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            name: conn.exec_driver_sql(f'SELECT coalesce(max(rowid), 0) FROM "{name}"').scalar()
            or 0
            for name in _tables()
        }


def rows_after(engine: Engine, before: dict[str, int]) -> list[TableRows]:
    """Every row added since ``before`` (``highest_rowids``), table by table, parents first."""
    added: list[TableRows] = []
    with engine.connect() as conn:
        for name in _tables():
            result = conn.exec_driver_sql(
                f'SELECT * FROM "{name}" WHERE rowid > ? ORDER BY rowid', (before[name],)
            )
            rows = [tuple(row) for row in result]
            if rows:
                added.append(TableRows(name, tuple(result.keys()), rows))
    return added


def replay(engine: Engine, added: list[TableRows]) -> float:
    """Insert ``added`` in one transaction, as the import's own; milliseconds, BEGIN to COMMIT."""
    start = time.perf_counter()
    with engine.begin() as conn:
        for part in added:
            columns = ", ".join(f'"{c}"' for c in part.columns)
            marks = ", ".join("?" * len(part.columns))
            conn.exec_driver_sql(
                f'INSERT INTO "{part.table}" ({columns}) VALUES ({marks})', part.rows
            )
    return (time.perf_counter() - start) * 1000


def counted(added: list[TableRows]) -> dict[str, int]:
    return {part.table: len(part.rows) for part in added}
