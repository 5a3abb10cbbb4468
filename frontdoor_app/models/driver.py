"""A SELECT compiled once and run on the driver's own connection (PostgreSQL).

Every laptop reads the change log, and the entries of the case on its screen, for every
save anyone makes in the room. Through SQLAlchemy's execution each such read costs the
laptop about three times the driver's own work (the statement's cache, its parameters, its
cursor and result objects: some 300 Python calls for a row or two). Here the statement is
compiled once for the dialect, and each run is the driver's execute of that text (prepared
on the server as before), its rows converted as SQLAlchemy converts them (each column's
result processing: instants in UTC) into named tuples. A failure is raised as SQLAlchemy
raises it, a lost connection invalidated, and the engine's cursor events are emitted around
the execute (with no execution context), so callers and listeners see no difference.

Only for statements built once (each is compiled once and kept) whose parameters need no
bind processing (ids, numbers, text).
"""

from __future__ import annotations

import collections
import functools
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Select
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError


def select_rows(
    connection: Connection, statement: Select[Any], params: Mapping[str, Any]
) -> Sequence[Any]:
    """``statement``'s rows: on PostgreSQL run on the driver, elsewhere through SQLAlchemy
    (the same rows, with the same names)."""
    if connection.dialect.name != "postgresql":
        return connection.execute(statement, params).all()
    return _compiled(statement, connection.dialect).rows(connection, params)


@functools.cache
def _compiled(statement: Select[Any], dialect: Dialect) -> DriverSelect:
    return DriverSelect(statement, dialect)


class DriverSelect:
    """``statement`` compiled for ``dialect``; ``rows`` runs it on a connection of it."""

    def __init__(self, statement: Select[Any], dialect: Dialect) -> None:
        compiled = statement.compile(dialect=dialect)
        self.sql = str(compiled)
        self._params = dict(compiled.params)  # its own literals (a bound constant, say)
        columns = list(statement.selected_columns)
        names = list(statement.selected_columns.keys())
        self.row: Any = collections.namedtuple("Row", names)  # type: ignore[misc]
        processors = [
            (i, column.type.dialect_impl(dialect).result_processor(dialect, None))
            for i, column in enumerate(columns)
        ]
        self._processors: list[tuple[int, Callable[[Any], Any]]] = [
            (i, p) for i, p in processors if p is not None
        ]

    def rows(self, connection: Connection, params: Mapping[str, Any]) -> list[Any]:
        """The statement's rows on ``connection`` (in its transaction, if it has one)."""
        values = {**self._params, **params}
        fetched = _run(connection, self.sql, values)
        make, processors = self.row._make, self._processors
        if not processors:
            return [make(r) for r in fetched]
        out = []
        for r in fetched:
            values_of = list(r)
            for i, process in processors:
                values_of[i] = process(values_of[i])
            out.append(make(values_of))
        return out


def run_script(connection: Connection, script: str) -> None:
    """``script`` (statements whose values are written in as literals, no parameters) sent
    as one message, in the simple query protocol: "...; COMMIT" ends the transaction in
    the same round trip as the work before it."""
    _run(connection, script, None)


def _run(connection: Connection, statement: str, values: Mapping[str, Any] | None) -> list[Any]:
    """``statement`` on ``connection``'s driver: its rows (a script: none). Failures are
    raised as SQLAlchemy raises them (a lost connection invalidated); the engine's cursor
    events are emitted around it."""
    dialect = connection.dialect
    driver: Any = connection.connection.driver_connection
    heard = connection._has_events or connection.engine._has_events
    try:
        with driver.cursor() as cursor:
            if heard:
                connection.dispatch.before_cursor_execute(
                    connection, cursor, statement, values, None, False
                )
            if values is None:  # never prepared: a script is not one statement
                cursor.execute(statement, prepare=False)
                fetched = []
            else:
                cursor.execute(statement, values)
                fetched = cursor.fetchall()
            if heard:
                connection.dispatch.after_cursor_execute(
                    connection, cursor, statement, values, None, False
                )
    except dialect.loaded_dbapi.Error as exc:
        lost = dialect.is_disconnect(exc, driver, None)
        if lost:
            connection.invalidate(exc)
        raise DBAPIError.instance(
            statement,
            values,
            exc,
            dialect.loaded_dbapi.Error,
            connection_invalidated=lost,
            dialect=dialect,
        ) from exc
    return fetched
