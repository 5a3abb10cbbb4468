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

``DriverSelect.send`` sends the same statement without waiting for the answer (libpq's
asynchronous protocol, ``SentSelect``): a caller with an event loop waits for the
connection's socket instead of a thread, and takes the rows when they are there.
"""

from __future__ import annotations

import collections
import contextlib
import functools
import hashlib
from collections.abc import Callable, Iterator, Mapping, Sequence
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
    return driver_select(statement, connection.dialect).rows(connection, params)


@functools.cache
def driver_select(statement: Select[Any], dialect: Dialect) -> DriverSelect:
    """``statement`` compiled for ``dialect`` (PostgreSQL), once."""
    return DriverSelect(statement, dialect)


# ``Connection.info`` (kept with the driver's connection): the names of the statements
# ``SentSelect`` has prepared on it.
_PREPARED = "frontdoor_prepared"


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
        # The same with numbered parameters ($1, $2...), as the server prepares it.
        numbering: Any = type(dialect)
        numbered = statement.compile(dialect=numbering(paramstyle="numeric_dollar"))
        self.numbered_sql = str(numbered)
        self.order = tuple(numbered.positiontup or ())
        self.name = "fd_" + hashlib.sha256(self.numbered_sql.encode()).hexdigest()[:24]

    def rows(self, connection: Connection, params: Mapping[str, Any]) -> list[Any]:
        """The statement's rows on ``connection`` (in its transaction, if it has one)."""
        return self.convert(_run(connection, self.sql, self.values(params)))

    def values(self, params: Mapping[str, Any]) -> dict[str, Any]:
        return {**self._params, **params}

    def send(self, connection: Connection, params: Mapping[str, Any]) -> SentSelect:
        """The statement sent on ``connection`` (in autocommit, nothing else under way),
        not waited for: ``SentSelect.advance`` gives the rows once they are there."""
        return SentSelect(self, connection, self.values(params))

    def convert(self, fetched: Sequence[Sequence[Any]]) -> list[Any]:
        """The driver's rows as ``rows`` gives them (each column's result processing)."""
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
    driver: Any = connection.connection.driver_connection
    heard = connection._has_events or connection.engine._has_events
    with _as_sqlalchemy(connection, statement, values), driver.cursor() as cursor:
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
    return fetched


@contextlib.contextmanager
def _as_sqlalchemy(
    connection: Connection, statement: str, values: Mapping[str, Any] | None
) -> Iterator[None]:
    """The driver's failures in the block raised as SQLAlchemy raises them (``statement``
    and ``values`` named in them), a lost connection invalidated."""
    dialect = connection.dialect
    try:
        yield
    except dialect.loaded_dbapi.Error as exc:
        lost = dialect.is_disconnect(exc, connection.connection.driver_connection, None)
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


class SentSelect:
    """A ``DriverSelect`` sent without waiting for its answer, on the driver's own
    connection (libpq's asynchronous protocol). Wait until ``socket`` can be read (can be
    written, while ``wants_write``), then call ``advance``: None while the answer is not all
    there, then the rows, as ``DriverSelect.rows`` gives them. The statement is prepared on
    the connection under its own name the first time (one round trip more), and run as
    prepared after that. A failure is raised as ``rows`` raises it (the connection
    invalidated when it is lost); the engine's cursor events are emitted around the run."""

    def __init__(self, select: DriverSelect, connection: Connection, values: Mapping[str, Any]):
        from psycopg import pq

        self._select, self._connection = select, connection
        driver: Any = connection.connection.driver_connection
        self._driver, self._pg = driver, driver.pgconn
        self._values = values
        self._prepared: set[str] = connection.info.setdefault(_PREPARED, set())
        self._heard = connection._has_events or connection.engine._has_events
        self._failure: Any = None
        self._result: Any = None
        if self._pg.transaction_status != pq.TransactionStatus.IDLE:
            raise RuntimeError("the connection is not idle in autocommit: nothing can be sent")
        self._preparing = select.name not in self._prepared
        with self._as_sqlalchemy():
            if self._preparing:
                self._pg.send_prepare(select.name.encode(), select.numbered_sql.encode())
            else:
                self._send_run()

    def _as_sqlalchemy(self) -> contextlib.AbstractContextManager[None]:
        return _as_sqlalchemy(self._connection, self._select.sql, self._values)

    @property
    def socket(self) -> int:
        return int(self._pg.socket)

    @property
    def wants_write(self) -> bool:
        """Part of what was sent is still to go (the socket's buffer was full)."""
        with self._as_sqlalchemy():
            return bool(self._pg.flush())

    def advance(self) -> list[Any] | None:
        """The rows once the answer is all there; None while it is not."""
        with self._as_sqlalchemy():
            if self._pg.flush():
                return None
            self._pg.consume_input()
            while not self._pg.is_busy():
                result = self._pg.get_result()
                if result is not None:  # its answer (an error, or the rows): then None
                    if self._failure is None and result.status not in _answered():
                        self._failure = result
                    self._result = result
                    continue
                if self._failure is not None:
                    from psycopg import errors

                    raise errors.error_from_result(self._failure, self._driver.info.encoding)
                if self._preparing:  # prepared: now run it
                    self._preparing = False
                    self._prepared.add(self._select.name)
                    self._send_run()
                    return None
                return self._rows()
        return None

    def _send_run(self) -> None:
        from psycopg.adapt import PyFormat, Transformer

        select, connection = self._select, self._connection
        values = [self._values[name] for name in select.order]
        if self._heard:
            connection.dispatch.before_cursor_execute(
                connection, None, select.sql, self._values, None, False
            )
        dumped = Transformer.from_context(self._driver).dump_sequence(
            values, [PyFormat.TEXT] * len(values)
        )
        self._pg.send_query_prepared(select.name.encode(), dumped)

    def _rows(self) -> list[Any]:
        from psycopg.adapt import Transformer

        result, select, connection = self._result, self._select, self._connection
        loader = Transformer.from_context(self._driver)
        loader.set_pgresult(result)
        fetched = loader.load_rows(0, result.ntuples, tuple)
        if self._heard:
            connection.dispatch.after_cursor_execute(
                connection, None, select.sql, self._values, None, False
            )
        return select.convert(fetched)


@functools.cache
def _answered() -> frozenset[int]:
    """A result's statuses that are an answer, not a failure (psycopg loaded when first
    sent: a laptop on the embedded database never loads it)."""
    from psycopg import pq

    return frozenset({pq.ExecStatus.TUPLES_OK, pq.ExecStatus.COMMAND_OK})
