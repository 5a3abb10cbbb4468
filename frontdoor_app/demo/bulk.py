"""Fast bulk insert of generated rows: SQLAlchemy Core executemany, big chunks, no ORM."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Connection, Table, func, select, text

from frontdoor_app.models import Base

CHUNK = 25_000

# Parents before children, so foreign keys hold at every step.
TABLE_ORDER = (
    "household", "notification", "person", "household_member", "notification_person",
    "meeting", "attendance", "agenda_item", "intelligence_entry", "sharing_decision",
    "decision", "decision_outcome", "action", "action_update", "fgc_referral",
    "fgc_stage_event", "fgc_consent", "fgc_invitee", "fgc_safeguard",
)  # fmt: skip


@contextlib.contextmanager
def fast_sqlite(conn: Connection) -> Iterator[None]:
    """During the build only: no fsync per commit and a big page cache (SQLite)."""
    if conn.dialect.name != "sqlite":
        yield
        return
    raw: Any = conn.connection.driver_connection
    raw.execute("PRAGMA synchronous=OFF")
    raw.execute("PRAGMA cache_size=-262144")  # 256 MB
    try:
        yield
    finally:
        raw.execute("PRAGMA synchronous=NORMAL")
        raw.execute("PRAGMA cache_size=-2000")


def insert_all(conn: Connection, rows: dict[str, list[dict[str, Any]]]) -> dict[str, int]:
    """Insert every table's rows in dependency order, one transaction per chunk."""
    counts: dict[str, int] = {}
    for name in TABLE_ORDER:
        table: Table = Base.metadata.tables[name]
        data = rows.get(name, [])
        for start in range(0, len(data), CHUNK):
            with conn.begin():
                conn.execute(table.insert(), data[start : start + CHUNK])
        counts[name] = len(data)
    if conn.dialect.name == "postgresql":
        with conn.begin():
            for name in TABLE_ORDER:
                _advance_sequence(conn, name)
    return counts


def _advance_sequence(conn: Connection, name: str) -> None:
    """Ids were given by the generator: move the table's sequence past them."""
    table = Base.metadata.tables[name]
    highest = conn.scalar(select(func.max(table.c.id)))
    if highest:
        conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), :v)"),
                     {"v": highest})  # fmt: skip


def max_ids(conn: Connection) -> dict[str, int]:
    out = {}
    for name in TABLE_ORDER:
        table = Base.metadata.tables[name]
        out[name] = conn.scalar(select(func.coalesce(func.max(table.c.id), 0))) or 0
    return out
