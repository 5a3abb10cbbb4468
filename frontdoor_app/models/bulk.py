"""Many rows into one table in one statement on PostgreSQL: the rows as one JSON document.

An executemany sends one statement a row (pipelined), and a multi-row VALUES has one
placeholder a value, whose text the driver parses and the server plans afresh for each
file (an import's audit rows: 1,500 rows, 17,000 placeholders); arrays of long strings
(``unnest``) cost the driver more still to write. Here the statement's text depends only on
the table and its columns, and the rows go as one JSON text the server reads
(``json_to_recordset``), each value as the column's own type would send it. Row-level
security applies as to any INSERT (COPY would be refused under it).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal
import gc
import json
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.types import JSON


def _sender(column: Any, dialect: Any) -> Callable[[Any], Any] | None:
    """How a value of ``column`` is written into the JSON document: what its type's bind
    processing gives the driver, dates and times as ISO text; None: as it is.

    A JSON column goes as its own text (None as JSON null, as the column type writes it),
    cast back on the server."""
    if isinstance(column.type, JSON):
        return json.dumps
    process = column.type.dialect_impl(dialect).bind_processor(dialect)
    try:
        python_type = column.type.python_type
    except NotImplementedError:
        python_type = object
    if process is None and python_type in (str, int, float, bool):
        return None

    def send(value: Any) -> Any:
        value = process(value) if process is not None else value
        if isinstance(value, dt.date | dt.datetime | dt.time):
            return value.isoformat()
        if isinstance(value, decimal.Decimal):
            return str(value)
        return value

    return send


def _same(value: Any) -> Any:
    return value


def _defaults(table: Table, given: Sequence[str]) -> list[tuple[str, Callable[[], Any]]]:
    """The Python-side defaults an INSERT of ``table`` fills in for the columns not given."""
    out: list[tuple[str, Callable[[], Any]]] = []
    for column in table.columns:
        default: Any = column.default
        if column.name in given or default is None or column.primary_key:
            continue
        if getattr(default, "is_callable", False):
            out.append((column.name, partial(default.arg, None)))  # called as SQLAlchemy does
        elif getattr(default, "is_scalar", False):
            out.append((column.name, partial(_same, default.arg)))
    return out


def insert_rows(
    connection: Connection, table: Table, rows: Sequence[dict[str, Any]], ids: Sequence[int] = ()
) -> None:
    """INSERT ``rows`` (dicts with the same keys) into ``table``, in order, as an INSERT of
    the table would (its Python-side defaults filled in, each value bound by its type).

    With ``ids`` the rows get those ids; without, the database numbers them in the order
    given (an audit chain runs in id order). SQLite: one executemany of plain tuples.
    PostgreSQL: one statement, the rows as one JSON document, ORDER BY their position."""
    if not rows:
        return
    dialect = connection.dialect
    quote = dialect.identifier_preparer.quote
    given = list(rows[0])
    defaults = _defaults(table, given)
    names = (["id"] if ids else []) + given + [name for name, _ in defaults]
    columns = [table.c[name] for name in names]
    if dialect.name == "sqlite":
        _sqlite_insert(connection, table, rows, ids, given, defaults, columns)
        return
    send = [_sender(c, dialect) for c in columns]
    keys = [f"c{i}" for i in range(len(columns))]
    document = []
    for position, row in enumerate(rows):
        given_values = (
            ([ids[position]] if ids else [])
            + [row[name] for name in given]
            + [make() for _name, make in defaults]
        )
        record: dict[str, Any] = {"n": position}
        for key, how, value in zip(keys, send, given_values, strict=True):
            record[key] = value if how is None else how(value)
        document.append(record)
    kinds = [
        "text" if isinstance(c.type, JSON) else c.type.compile(dialect=dialect) for c in columns
    ]
    values = ", ".join(
        f"u.c{i}::{c.type.compile(dialect=dialect)}" if isinstance(c.type, JSON) else f"u.c{i}"
        for i, c in enumerate(columns)
    )
    shape = ", ".join(["n int"] + [f"c{i} {kind}" for i, kind in enumerate(kinds)])
    sql = (
        f"INSERT INTO {quote(table.name)} ({', '.join(quote(n) for n in names)}) "
        f"SELECT {values} FROM json_to_recordset(%s::json) AS u({shape}) ORDER BY u.n"
    )
    connection.exec_driver_sql(sql, (json.dumps(document),))


def _sqlite_insert(
    connection: Connection,
    table: Table,
    rows: Sequence[dict[str, Any]],
    ids: Sequence[int],
    given: list[str],
    defaults: list[tuple[str, Callable[[], Any]]],
    columns: list[Any],
) -> None:
    dialect = connection.dialect
    process = [c.type.dialect_impl(dialect).bind_processor(dialect) for c in columns]
    values = []
    for position, row in enumerate(rows):
        raw = (
            ([ids[position]] if ids else [])
            + [row[name] for name in given]
            + [make() for _name, make in defaults]
        )
        values.append(tuple(v if p is None else p(v) for p, v in zip(process, raw, strict=True)))
    quote = dialect.identifier_preparer.quote
    sql = (
        f"INSERT INTO {quote(table.name)} ({', '.join(quote(c.name) for c in columns)}) "
        f"VALUES ({', '.join('?' * len(columns))})"
    )
    connection.exec_driver_sql(sql, values)


def next_ids(connection: Connection, table: Table, count: int) -> list[int]:
    """``count`` new ids from ``table``'s sequence, in increasing order."""
    if count <= 0:
        return []
    sql = "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)"
    return sorted(int(i) for (i,) in connection.exec_driver_sql(sql, (table.name, count)))


@contextlib.contextmanager
def no_gc_pauses() -> Iterator[None]:
    """No cycle collection while a bulk write runs (an import, the demo's generator): they
    allocate many objects with no cycles worth collecting, and the collector scanning the
    whole heap again and again meanwhile only costs time. Left as it was when the caller
    had already turned it off."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
