"""Writing to and reading the change log.

Every domain write adds a row in its own transaction. Clients keep a cursor (``Cursor``) and
read what came after it, so a missed doorbell loses nothing.

On SQLite writers are serialised (``BEGIN IMMEDIATE``), so ids commit in order and "after
the last id seen" is exact. On PostgreSQL ids come from a sequence and commit out of order:
a reader can see 438 while 437 is still being written. Each row therefore records its
transaction id (``txid``, a column default), and every read also takes the snapshot's
``xmin``, the oldest transaction still running: every transaction below it has ended, so
its rows, if it committed, were visible to that read. The cursor keeps that horizon and the
ids it has delivered at or above it; the next read asks for every row at or above the
horizon and delivers those not delivered yet. No change is skipped and none is delivered
twice, however the writers' commits interleave.
"""

from __future__ import annotations

import contextlib
import functools
import select as io
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from sqlalchemy import (
    FromClause,
    Table,
    and_,
    bindparam,
    func,
    literal_column,
    or_,
    select,
    text,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import UnboundExecutionError
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import BindParameter, ColumnClause, ColumnElement

from frontdoor_app.models import ChangeLog, bulk, utcnow
from frontdoor_app.models.audit_chain import note_at_commit
from frontdoor_app.models.driver import SentSelect, driver_select, select_rows

CHANNEL = "frontdoor_changes"
T = TypeVar("T")


@dataclass(frozen=True)
class Change:
    id: int
    table_name: str
    row_id: int | None
    operation: str
    meeting_id: int | None
    # The case (agenda item) the changed row belongs to, when the read looked it up with the
    # log (``read``'s ``item``): ``item_read`` says it did, and None is then "no case" (a
    # row of no case, one since deleted, or one this reader may not see).
    item_id: int | None = None
    item_read: bool = False
    # What the read brought of the changed row itself, when asked (``read``'s ``row``):
    # None when it brought nothing (another kind of change, or a row this reader may not see).
    # Not part of what the change is (nor of its hash: it may be a JSON object).
    row: Any = field(default=None, compare=False)


# Given the change log: the expression naming each change's case, evaluated in the log's
# own statement (``meeting.feed.item_of_change``).
ItemOf = Callable[[Table], ColumnElement[Any]]


@dataclass(frozen=True)
class Cursor:
    """Where a reader stands in the log.

    ``last_id``: the newest id delivered. ``horizon`` (PostgreSQL): every transaction below
    it had ended when last read. ``seen``: ids delivered whose transaction is at or above
    the horizon (they may be read again and must not be delivered twice).
    """

    last_id: int
    horizon: int | None = None
    seen: frozenset[int] = field(default_factory=frozenset)


def payload(table_name: str, row_id: int | None) -> str:
    """The doorbell's words: a table and an opaque row id, never a name or any case text.

    LISTEN ignores row-level security, so anyone listening may read it.
    """
    return f"{table_name}:{'' if row_id is None else row_id}"


_LOG = cast(Table, ChangeLog.__table__)


def note(
    session: Session,
    table_name: str,
    row_id: int | None,
    operation: str,
    meeting_id: int | None = None,
) -> None:
    """Record a write for other clients; call inside the writer's transaction.

    On PostgreSQL the row and its doorbell are held until the unit of work commits, and go
    in the statement that appends its audit rows (``audit_chain.note_at_commit``: one round
    trip of every Save for both; inside a savepoint, at once); NOTIFY is delivered only on
    commit: a doorbell, the log is the truth."""
    if not _is_postgresql(session):
        session.add(
            ChangeLog(
                table_name=table_name, row_id=row_id, operation=operation, meeting_id=meeting_id
            )
        )
        return
    row = {
        "table_name": table_name,
        "row_id": row_id,
        "operation": operation,
        "meeting_id": meeting_id,
        "at": utcnow(),
    }
    note_at_commit(session, row, CHANNEL, payload(table_name, row_id))


def note_many(session: Session, rows: Sequence[tuple[str, int | None, str, int | None]]) -> None:
    """``note`` for many writes at once (an import): (table, row id, operation, meeting id)
    each, in one INSERT, and one doorbell per table rather than per row."""
    if not rows:
        return
    now = utcnow()
    values = [
        {"table_name": t, "row_id": r, "operation": o, "meeting_id": m, "at": now}
        for t, r, o, m in rows
    ]
    bulk.insert_rows(session.connection(), cast(Table, ChangeLog.__table__), values)
    if session.get_bind().dialect.name == "postgresql":
        for table_name in sorted({t for t, _r, _o, _m in rows}):
            session.execute(
                text("SELECT pg_notify(:channel, :p)"),
                {"channel": CHANNEL, "p": payload(table_name, None)},
            )


def last_change_id(session: Session) -> int:
    return session.scalar(select(func.coalesce(func.max(ChangeLog.id), 0))) or 0


def changes_since(session: Session, last_id: int, limit: int = 1000) -> list[Change]:
    """Rows after ``last_id`` in id order (exact on SQLite; see ``read`` for PostgreSQL)."""
    rows = session.scalars(
        select(ChangeLog).where(ChangeLog.id > last_id).order_by(ChangeLog.id).limit(limit)
    )
    return [_change(r) for r in rows]


def _change(r: Any) -> Change:  # a ChangeLog or a row of its columns
    return Change(r.id, r.table_name, r.row_id, r.operation, r.meeting_id)


def _change_with_item(r: Any) -> Change:  # a row of the log's columns, ``item_id`` [, ``row``]
    row = getattr(r, "row", None)
    return Change(r.id, r.table_name, r.row_id, r.operation, r.meeting_id, r.item_id, True, row)


def _is_postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


# The oldest transaction still running in this read's snapshot (PostgreSQL).
_XMIN: ColumnClause[Any] = literal_column("pg_snapshot_xmin(pg_current_snapshot())::text::bigint")


def _xmin(session: Session) -> int:
    return int(session.scalar(select(_XMIN)) or 0)


def start(session: Session) -> Cursor:
    """A cursor at the end of the log: what is already there is history, not news."""
    if not _is_postgresql(session):
        return Cursor(last_change_id(session))
    _repeatable(session)
    horizon = _xmin(session)
    rows = session.execute(select(ChangeLog.id).where(ChangeLog.txid >= horizon)).scalars()
    return Cursor(last_change_id(session), horizon, frozenset(rows))


def _repeatable(session: Session) -> None:
    """One snapshot for the whole read: the log, and the cases the look-ahead reads with it."""
    session.connection(execution_options={"isolation_level": "REPEATABLE READ"})


# Further than any transaction id or log id gets from the cursor's (2**62: no sum overflows).
_FAR = 1 << 62


@functools.cache
def _read_statement(item: ItemOf | None, row: ItemOf | None = None) -> Any:
    """The snapshot's xmin beside the rows, in one statement (one snapshot): a row alone
    when the log has nothing new. Every laptop reads this for every change in the room, so
    it is built once (for each ``item`` and ``row``), its values bound when it runs."""
    horizon_of = select(_XMIN.label("horizon")).subquery()
    horizon: BindParameter[int] = bindparam("horizon")
    last_id: BindParameter[int] = bindparam("last_id")
    # Each bound is a range, closed above where no value reaches (``_FAR``), which changes
    # nothing read but everything about the plan the server keeps for the statement: with
    # ``x > $1`` alone it guesses a third of the log matches, and once the log is long (a
    # year of imports) it reads the whole log for each change; a range it guesses narrow,
    # and reads both indexes.
    frm: FromClause = horizon_of.outerjoin(
        _LOG,
        or_(
            and_(_LOG.c.txid >= horizon, _LOG.c.txid < horizon + _FAR),
            and_(_LOG.c.id > last_id, _LOG.c.id < last_id + _FAR),
        ),
    )
    columns: list[ColumnElement[Any]] = [horizon_of.c.horizon, *_LOG.c]
    if item is not None:
        columns.append(item(_LOG).label("item_id"))
        if row is not None:
            columns.append(row(_LOG).label("row"))
    return select(*columns).select_from(frm).order_by(_LOG.c.id)


def read(
    session: Session,
    cursor: Cursor,
    limit: int = 1000,
    *,
    item: ItemOf | None = None,
    row: ItemOf | None = None,
    snapshot: bool = True,
) -> tuple[list[Change], Cursor]:
    """The changes after ``cursor`` (at most ``limit``), and the cursor to go on from.

    ``item`` (PostgreSQL): each change's case looked up in the same statement (``Change.item_id``).
    ``row`` (PostgreSQL, with ``item``): what of each changed row to bring in it too
    (``Change.row``; the reader's row-level security applies, as to any read).
    ``snapshot``: the read is REPEATABLE READ, so what is read after it in the same unit of
    work sees what the log saw and no more; call it in a fresh read-only unit of work, where
    it must be the first statement. Without it (a connection in autocommit: no BEGIN, no
    COMMIT, one round trip) the log's horizon still comes from the log's own statement,
    which is all the cursor needs; a later statement then sees at least what the log saw.
    """
    if not _is_postgresql(session) or cursor.horizon is None:
        batch = changes_since(session, cursor.last_id, limit)
        last = batch[-1].id if batch else cursor.last_id
        return batch, Cursor(last, cursor.horizon, cursor.seen)
    if snapshot:
        _repeatable(session)
    bind = session.get_bind()
    # The feed's own connection, in autocommit, is read on as it is (a unit of work would
    # only wrap it in a transaction that sends nothing).
    on = bind if not snapshot and isinstance(bind, Connection) else session.connection()
    # on the driver (``models.driver``): every laptop reads it for every change in the room
    read_rows = select_rows(on, _read_statement(item, row), _read_params(cursor))
    return after_read(cursor, read_rows, limit, item=item)


def send_read(
    connection: Connection, cursor: Cursor, *, item: ItemOf, row: ItemOf | None = None
) -> SentSelect:
    """``read`` (PostgreSQL, a cursor with its horizon) sent on ``connection`` (the feed's
    own, in autocommit) and not waited for: once ``SentSelect.advance`` gives its rows,
    ``after_read`` makes the changes and the cursor of them."""
    statement = driver_select(_read_statement(item, row), connection.dialect)
    return statement.send(connection, _read_params(cursor))


def answer_at_once(
    reader: Callable[[Session, Sequence[Change]], T], news: Sequence[Change]
) -> tuple[bool, T | None]:
    """What ``reader`` (a look-ahead: it only reads) makes of ``news`` from what the log's
    read brought with them (each change its case, a new entry the entry), in a unit of work
    bound to no database: (True, its answer). (False, None) when it needs to read more: its
    first statement is refused there, and it is to be run again where it can read."""
    with Session() as nowhere:
        try:
            return True, reader(nowhere, news)
        except UnboundExecutionError:
            return False, None


def _read_params(cursor: Cursor) -> dict[str, Any]:
    return {"horizon": cursor.horizon, "last_id": cursor.last_id}


def after_read(
    cursor: Cursor, read_rows: Sequence[Any], limit: int = 1000, *, item: ItemOf | None = None
) -> tuple[list[Change], Cursor]:
    """The changes the log's read (``_read_statement``) gave after ``cursor``, at most
    ``limit``, and the cursor to go on from."""
    make = _change if item is None else _change_with_item
    horizon = int(read_rows[0].horizon or 0)
    every = [r for r in read_rows if r.id is not None]
    rows = [r for r in every if r.id not in cursor.seen]
    fresh = rows[:limit]
    delivered = set(cursor.seen) | {r.id for r in fresh}
    last = max([cursor.last_id, *(r.id for r in fresh)])
    if len(rows) > limit:
        # More waiting: keep the old horizon so nothing below it is forgotten.
        return [make(r) for r in fresh], Cursor(last, cursor.horizon, frozenset(delivered))
    # Rows below the new horizon can never be read again: forget them.
    still = {r.id for r in every if r.id in delivered and r.txid is not None and r.txid >= horizon}
    return [make(r) for r in fresh], Cursor(last, horizon, frozenset(still))


class FeedConnection:
    """The change feed's own server connection (PostgreSQL), kept from one read to the next
    and in autocommit: a read of the log is then one round trip, where a unit of work from
    the pool costs three more (the pool's ping, BEGIN, COMMIT) on every laptop for every
    change in the room. One reader at a time (the worker, or a read sent from the GUI
    thread, ``send_read``; the change feed reads once at a time). A read that fails drops
    the connection, so the next one connects afresh (the server went away, or was
    restarted).
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._connection: Connection | None = None

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        """A read-only unit of work on the kept connection (nothing to commit)."""
        if self._connection is None:
            self._connection = self._connect()
        session = Session(bind=self._connection)
        try:
            yield session
            if session.new or session.dirty or session.deleted:
                raise RuntimeError("the change feed's connection is for reading only")
        except BaseException:
            self.close()
            raise
        finally:
            session.close()

    def prepare(
        self, cursor: Cursor, *, item: ItemOf, row: ItemOf | None = None, wait_s: float = 5.0
    ) -> None:
        """Connect now, and run the log's read once (``send_read``: prepared on the server
        on its first run; the answer dropped), on a thread that may wait. Left to the first
        change, every laptop in the room connects and prepares at once for the first entry
        anyone saves: that one reached the screens in twice the time of the rest."""
        if self._connection is None:
            self._connection = self._connect()
        try:
            sent = send_read(self._connection, cursor, item=item, row=row)
            deadline = time.monotonic() + wait_s
            while sent.advance() is None:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError("the server did not answer the change log's read")
                io.select([sent.socket], [sent.socket] if sent.wants_write else [], [], left)
        except BaseException:
            self.close()
            raise

    @property
    def connected(self) -> Connection | None:
        """The kept connection, when it is open (None before the first read, and after a
        failed one)."""
        return self._connection

    def _connect(self) -> Connection:
        connection = self._engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        try:
            # Its few statements run for every change in the room, all day: prepared on
            # their first run, not their sixth; the plan kept is the one for any cursor
            # (``_read_statement``'s ranges); and it runs as planned, never compiled (the
            # server's JIT costs 15-40 ms a statement whose plan it thinks long).
            driver: Any = connection.connection.driver_connection  # psycopg's Connection
            driver.prepare_threshold = 0
            driver.execute(
                "SELECT set_config('jit', 'off', false), "
                "set_config('plan_cache_mode', 'force_generic_plan', false)",
                prepare=False,
            )
        except BaseException:
            _drop(connection)
            raise
        return connection

    def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            _drop(connection)


def _drop(connection: Connection) -> None:
    """A connection never given back to the pool (it may be dead: nothing to keep)."""
    with contextlib.suppress(Exception):
        connection.invalidate()
        connection.close()


def sqlite_data_version(connection: Connection) -> int:
    """SQLite's counter that moves when another connection commits: a cheap doorbell."""
    return int(connection.exec_driver_sql("PRAGMA data_version").scalar() or 0)
