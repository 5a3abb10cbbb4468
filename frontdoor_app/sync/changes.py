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

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Table, func, literal_column, or_, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnClause

from frontdoor_app.models import ChangeLog, bulk, utcnow

CHANNEL = "frontdoor_changes"


@dataclass(frozen=True)
class Change:
    id: int
    table_name: str
    row_id: int | None
    operation: str
    meeting_id: int | None


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


def note(
    session: Session,
    table_name: str,
    row_id: int | None,
    operation: str,
    meeting_id: int | None = None,
) -> None:
    """Record a write for other clients; call inside the writer's transaction."""
    session.add(
        ChangeLog(table_name=table_name, row_id=row_id, operation=operation, meeting_id=meeting_id)
    )
    if session.get_bind().dialect.name == "postgresql":
        # NOTIFY is delivered only on commit: a doorbell, the log is the truth.
        session.execute(
            text("SELECT pg_notify(:channel, :p)"),
            {"channel": CHANNEL, "p": payload(table_name, row_id)},
        )


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


def read(session: Session, cursor: Cursor, limit: int = 1000) -> tuple[list[Change], Cursor]:
    """The changes after ``cursor`` (at most ``limit``), and the cursor to go on from.

    Call in a fresh read-only unit of work: on PostgreSQL it must be the first statement.
    """
    if not _is_postgresql(session) or cursor.horizon is None:
        batch = changes_since(session, cursor.last_id, limit)
        last = batch[-1].id if batch else cursor.last_id
        return batch, Cursor(last, cursor.horizon, cursor.seen)
    _repeatable(session)
    # The snapshot's xmin beside the rows, in one statement (one snapshot): a row alone
    # when the log has nothing new. Every laptop reads this for every change in the room.
    log = cast(Table, ChangeLog.__table__)
    snapshot = select(_XMIN.label("horizon")).subquery()
    read_rows = session.execute(
        select(snapshot.c.horizon, *log.c)
        .select_from(
            snapshot.outerjoin(log, or_(log.c.txid >= cursor.horizon, log.c.id > cursor.last_id))
        )
        .order_by(log.c.id)
    ).all()
    horizon = int(read_rows[0].horizon or 0)
    every = [r for r in read_rows if r.id is not None]
    rows = [r for r in every if r.id not in cursor.seen]
    fresh = rows[:limit]
    delivered = set(cursor.seen) | {r.id for r in fresh}
    last = max([cursor.last_id, *(r.id for r in fresh)])
    if len(rows) > limit:
        # More waiting: keep the old horizon so nothing below it is forgotten.
        return [_change(r) for r in fresh], Cursor(last, cursor.horizon, frozenset(delivered))
    # Rows below the new horizon can never be read again: forget them.
    still = {r.id for r in every if r.id in delivered and r.txid is not None and r.txid >= horizon}
    return [_change(r) for r in fresh], Cursor(last, horizon, frozenset(still))


def sqlite_data_version(connection: Connection) -> int:
    """SQLite's counter that moves when another connection commits: a cheap doorbell."""
    return int(connection.exec_driver_sql("PRAGMA data_version").scalar() or 0)
