"""Fast bulk insert of generated rows: SQLAlchemy Core executemany, big chunks, no ORM."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import time
from collections.abc import Callable, Iterator
from operator import itemgetter
from typing import Any

from sqlalchemy import JSON, Boolean, Connection, Date, Table, func, select, text

from frontdoor_app.models import Base
from frontdoor_app.models.base import UTCDateTime

CHUNK = 25_000
# Tables with at least this many new rows get their indexes rebuilt after the insert.
INDEX_REBUILD_MIN = 20_000
log = logging.getLogger(__name__)

# Parents before children, so foreign keys hold at every step.
TABLE_ORDER = (
    "household",
    "notification",
    "person",
    "household_member",
    "notification_person",
    "meeting",
    "attendance",
    "agenda_item",
    "intelligence_entry",
    "sharing_decision",
    "decision",
    "decision_outcome",
    "action",
    "action_update",
    "fgc_referral",
    "fgc_stage_event",
    "fgc_consent",
    "fgc_invitee",
    "fgc_safeguard",
)


@contextlib.contextmanager
def fast_sqlite(conn: Connection) -> Iterator[None]:
    """During the build only: no fsync per commit, a big page cache, no per-row key checks.

    The generator assigns every id itself, so its rows are consistent by construction;
    the tests run ``PRAGMA foreign_key_check`` over whole built databases to prove it.
    """
    if conn.dialect.name != "sqlite":
        yield
        return
    raw: Any = conn.connection.driver_connection
    raw.execute("PRAGMA synchronous=OFF")
    raw.execute("PRAGMA cache_size=-262144")  # 256 MB
    raw.execute("PRAGMA foreign_keys=OFF")
    try:
        yield
    finally:
        raw.execute("PRAGMA foreign_keys=ON")
        raw.execute("PRAGMA synchronous=NORMAL")
        raw.execute("PRAGMA cache_size=-2000")


def insert_all(
    conn: Connection,
    rows: dict[str, list[dict[str, Any]]],
    table_done: Callable[[int, str], None] | None = None,
) -> dict[str, int]:
    """Insert every table's rows in dependency order, executemany in big chunks.

    One transaction for the whole history: an interrupted build leaves the database as
    empty as it was (SQLite's index drops and rebuilds are transactional too).
    """
    counts: dict[str, int] = {}
    with conn.begin():
        for index, name in enumerate(TABLE_ORDER):
            table: Table = Base.metadata.tables[name]
            data = rows.get(name, [])
            with _indexes_after(conn, name, len(data)):
                _insert_table(conn, table, data)
            counts[name] = len(data)
            log.info("demo: %s: %d rows (cpu %.1fs)", name, len(data), time.process_time())
            if table_done is not None:
                table_done(index, name)  # it may raise: the whole history is rolled back
        if conn.dialect.name == "postgresql":
            for name in TABLE_ORDER:
                _advance_sequence(conn, name)
            # Statistics for the tables just filled: without them the planner takes them
            # for nearly empty, and the feed and agenda that follow (a query per household)
            # scan instead of using the indexes.
            loaded = [name for name in TABLE_ORDER if counts.get(name)]
            if loaded:
                conn.exec_driver_sql("ANALYZE " + ", ".join(f'"{n}"' for n in loaded))
    return counts


@contextlib.contextmanager
def _indexes_after(conn: Connection, name: str, count: int) -> Iterator[None]:
    """SQLite: drop a big table's secondary indexes and build them once the rows are in.

    Sorting once is much cheaper than a B-tree insert per row per index.
    """
    if conn.dialect.name != "sqlite" or count < INDEX_REBUILD_MIN:
        yield
        return
    found = conn.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
        "AND sql IS NOT NULL",
        (name,),
    ).all()
    for index_name, _sql in found:
        conn.exec_driver_sql(f'DROP INDEX "{index_name}"')
    yield
    for _name, sql in found:
        conn.exec_driver_sql(sql)


def _insert_table(conn: Connection, table: Table, data: list[dict[str, Any]]) -> None:
    if conn.dialect.name == "postgresql" and data:
        with _copy_allowed(conn, table.name) as allowed:
            if allowed:
                for start in range(0, len(data), CHUNK):
                    _postgres_copy(conn, table, data[start : start + CHUNK])
                return
    for start in range(0, len(data), CHUNK):
        chunk = data[start : start + CHUNK]
        if conn.dialect.name == "sqlite":
            _sqlite_executemany(conn, table, chunk)
        else:
            conn.execute(table.insert(), chunk)


@contextlib.contextmanager
def _copy_allowed(conn: Connection, name: str) -> Iterator[bool]:
    """Whether COPY may load ``name`` (PostgreSQL refuses COPY FROM under row-level security).

    A superuser is not subject to it. The owner role (the demo is built by the server's
    administrator acting as the owner, ``server init``) lifts FORCE for the load and puts it
    back in the same transaction: the ALTER's lock keeps every other session out meanwhile.
    Anyone else (RLS applies) inserts row by row.
    """
    forced, owner, superuser = conn.execute(
        text(
            "SELECT c.relrowsecurity AND c.relforcerowsecurity, pg_get_userbyid(c.relowner) = "
            "current_user, (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) "
            "FROM pg_class c WHERE c.oid = to_regclass(:t)"
        ),
        {"t": f'public."{name}"'},
    ).one()
    if superuser or (owner and not forced):
        yield True
    elif owner:
        conn.exec_driver_sql(f'ALTER TABLE "{name}" NO FORCE ROW LEVEL SECURITY')
        try:
            yield True
        finally:
            conn.exec_driver_sql(f'ALTER TABLE "{name}" FORCE ROW LEVEL SECURITY')
    else:
        yield False


def _postgres_copy(conn: Connection, table: Table, chunk: list[dict[str, Any]]) -> None:
    """PostgreSQL's COPY (binary-free text protocol through psycopg): rows streamed in one
    command, in the same transaction as the rest of the build."""
    if not chunk:
        return
    from psycopg.types.json import Json

    names = list(chunk[0])
    getter = itemgetter(*names)
    single = len(names) == 1
    json_at = [i for i, n in enumerate(names) if isinstance(table.c[n].type, JSON)]
    columns = ", ".join(f'"{n}"' for n in names)
    raw: Any = conn.connection.driver_connection
    with raw.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({columns}) FROM STDIN') as copy:
        for row in chunk:
            values = [getter(row)] if single else list(getter(row))
            for i in json_at:
                if values[i] is not None:
                    values[i] = Json(values[i])
            copy.write_row(values)


def _advance_sequence(conn: Connection, name: str) -> None:
    """Ids were given by the generator: move the table's sequence past them."""
    table = Base.metadata.tables[name]
    highest = conn.scalar(select(func.max(table.c.id)))
    if highest:
        conn.execute(
            text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), :v)"), {"v": highest}
        )


def _utc_text(value: dt.datetime) -> str:
    if value.tzinfo is dt.UTC:  # the generator's own instants: already UTC
        return value.isoformat(" ", "microseconds")[:26]
    if value.tzinfo is None:
        raise ValueError("naive datetime given where a UTC instant is needed")
    return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def sqlite_converter(column_type: Any) -> Callable[[Any], Any] | None:
    """What SQLAlchemy's bind processors do to a value on SQLite, without the per-row cost.

    (A test checks each against the real bind processor.)
    """
    if isinstance(column_type, UTCDateTime):
        return _utc_text
    if isinstance(column_type, Date):
        return dt.date.isoformat
    if isinstance(column_type, JSON):
        return json.dumps
    if isinstance(column_type, Boolean):
        return int
    return None


def _sqlite_executemany(conn: Connection, table: Table, chunk: list[dict[str, Any]]) -> None:
    """Plain executemany of ready-made tuples: on SQLite, a third of the Core insert's time."""
    if not chunk:
        return
    names = list(chunk[0])
    getter = itemgetter(*names)
    converters = [
        (i, f) for i, n in enumerate(names) if (f := sqlite_converter(table.c[n].type)) is not None
    ]
    params = []
    for row in chunk:
        values = list(getter(row))
        for i, convert in converters:
            value = values[i]
            if value is not None:
                values[i] = convert(value)
        params.append(tuple(values))
    columns = ", ".join(f'"{n}"' for n in names)
    marks = ", ".join("?" * len(names))
    conn.exec_driver_sql(f'INSERT INTO "{table.name}" ({columns}) VALUES ({marks})', params)
