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
    """Insert every table's rows in dependency order, executemany in big chunks (on
    PostgreSQL, COPY: see ``_postgres_load``).

    One transaction for the whole history: an interrupted build leaves the database as
    empty as it was (SQLite's index drops and rebuilds are transactional too, and so is
    PostgreSQL's DDL).
    """
    counts: dict[str, int] = {}
    loaded = [name for name in TABLE_ORDER if rows.get(name)]
    with conn.begin(), _postgres_load(conn, loaded) as copying:
        for index, name in enumerate(TABLE_ORDER):
            table: Table = Base.metadata.tables[name]
            data = rows.get(name, [])
            if copying:
                _postgres_copy_table(conn, table, data)
            else:
                with _indexes_after(conn, name, len(data)):
                    _insert_table(conn, table, data)
            counts[name] = len(data)
            log.info("demo: %s: %d rows (cpu %.1fs)", name, len(data), time.process_time())
            if table_done is not None:
                table_done(index, name)  # it may raise: the whole history is rolled back
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
    for start in range(0, len(data), CHUNK):
        chunk = data[start : start + CHUNK]
        if conn.dialect.name == "sqlite":
            _sqlite_executemany(conn, table, chunk)
        else:
            conn.execute(table.insert(), chunk)


@contextlib.contextmanager
def _postgres_load(conn: Connection, names: list[str]) -> Iterator[bool]:
    """PostgreSQL: whether the rows of ``names`` go in by COPY, and the load's setting.

    COPY needs a builder that row-level security does not stop (PostgreSQL refuses COPY FROM
    under it): the server's superuser, or the owner role (the demo is built by the server's
    administrator acting as the owner, ``server init``), which lifts FORCE for the load. Anyone
    else inserts row by row, in dependency order, with every check as it goes.

    For the load, as PostgreSQL's "Populating a Database" advises, the tables' foreign keys
    and secondary indexes are dropped and then made again from their own definitions: one
    sort per index and one join per foreign key instead of a B-tree insert and a key lookup
    per row. Everything (FORCE, the drops, the rows, the rebuilds) is in the caller's one
    transaction, whose locks keep every other session out meanwhile (the tables the keys
    point at too, users and agencies among them: sign-ins wait for the build, which goes into
    a server's new database); an interrupted build rolls all of it back. Afterwards the ids' sequences are moved past the generator's ids
    and the tables analysed.
    """
    if conn.dialect.name != "postgresql" or not names:
        yield False
        return
    tables = conn.execute(
        text(
            "SELECT c.relname, c.relrowsecurity AND c.relforcerowsecurity, "
            "pg_get_userbyid(c.relowner) = current_user, "
            "(SELECT rolsuper FROM pg_roles WHERE rolname = current_user) "
            "FROM pg_class c WHERE c.oid = ANY(CAST(:oids AS regclass[]))"
        ),
        {"oids": [f'public."{name}"' for name in names]},
    ).all()
    if not all(superuser or owner for _name, _forced, owner, superuser in tables):
        yield False
    else:
        forced = [name for name, force, _owner, superuser in tables if force and not superuser]
        for name in forced:
            conn.exec_driver_sql(f'ALTER TABLE "{name}" NO FORCE ROW LEVEL SECURITY')
        keys, indexes = _postgres_drop_checks(conn, names)
        yield True
        started = time.perf_counter()
        for definition in indexes:
            conn.exec_driver_sql(definition)
        log.info(
            "demo: %d indexes made again in %.1fs", len(indexes), time.perf_counter() - started
        )
        started = time.perf_counter()
        for table, name, definition in keys:
            conn.exec_driver_sql(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        log.info("demo: %d foreign keys checked in %.1fs", len(keys), time.perf_counter() - started)
        for name in forced:
            conn.exec_driver_sql(f'ALTER TABLE "{name}" FORCE ROW LEVEL SECURITY')
    for name in names:
        _advance_sequence(conn, name)
    # Statistics for the tables just filled: without them the planner takes them for nearly
    # empty, and the feed and agenda that follow (a query per household) scan instead of
    # using the indexes.
    conn.exec_driver_sql("ANALYZE " + ", ".join(f'"{n}"' for n in names))


def _postgres_drop_checks(
    conn: Connection, names: list[str]
) -> tuple[list[tuple[str, str, str]], list[str]]:
    """Drop the foreign keys of ``names`` and their indexes that no constraint uses; return
    (table, name, definition) of each key and each index's CREATE statement."""
    oids = {"oids": [f'public."{name}"' for name in names]}
    keys = [
        (str(table), str(name), str(definition))
        for table, name, definition in conn.execute(
            text(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
                "FROM pg_constraint WHERE contype = 'f' "
                "AND conrelid = ANY(CAST(:oids AS regclass[])) ORDER BY conrelid, conname"
            ),
            oids,
        )
    ]
    # Indexes behind a constraint (primary keys, unique constraints, and any a foreign key
    # points at) stay.
    indexes = conn.execute(
        text(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "WHERE i.indrelid = ANY(CAST(:oids AS regclass[])) "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) "
            "ORDER BY i.indrelid, i.indexrelid"
        ),
        oids,
    ).all()
    for table, name, _definition in keys:
        conn.exec_driver_sql(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _definition in indexes:
        conn.exec_driver_sql(f"DROP INDEX {name}")
    return keys, [str(definition) for _name, definition in indexes]


def _postgres_copy_table(conn: Connection, table: Table, data: list[dict[str, Any]]) -> None:
    for start in range(0, len(data), CHUNK):
        _postgres_copy(conn, table, data[start : start + CHUNK])


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
