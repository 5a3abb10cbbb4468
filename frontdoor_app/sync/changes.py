"""Writing to and reading the change log.

Every domain write adds a row in its own transaction. Clients remember the last id they
have seen and read what came after it, so a missed doorbell loses nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from frontdoor_app.models import ChangeLog


@dataclass(frozen=True)
class Change:
    id: int
    table_name: str
    row_id: int | None
    operation: str
    meeting_id: int | None


def note(session: Session, table_name: str, row_id: int | None, operation: str,
         meeting_id: int | None = None) -> None:  # fmt: skip
    """Record a write for other clients; call inside the writer's transaction."""
    session.add(ChangeLog(table_name=table_name, row_id=row_id, operation=operation,
                          meeting_id=meeting_id))  # fmt: skip
    if session.get_bind().dialect.name == "postgresql":
        # NOTIFY is delivered only on commit: a doorbell, the log is the truth.
        session.execute(text("SELECT pg_notify('frontdoor_changes', :t)"), {"t": table_name})


def last_change_id(session: Session) -> int:
    return session.scalar(select(func.coalesce(func.max(ChangeLog.id), 0))) or 0


def changes_since(session: Session, last_id: int, limit: int = 1000) -> list[Change]:
    rows = session.scalars(
        select(ChangeLog).where(ChangeLog.id > last_id).order_by(ChangeLog.id).limit(limit)
    )
    return [Change(r.id, r.table_name, r.row_id, r.operation, r.meeting_id) for r in rows]


def sqlite_data_version(connection: Connection) -> int:
    """SQLite's counter that moves when another connection commits: a cheap doorbell."""
    return int(connection.exec_driver_sql("PRAGMA data_version").scalar() or 0)
