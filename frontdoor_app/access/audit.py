"""The audit trail: who did what to which record, when, before and after.

Every write goes through a domain function that calls ``record`` (and the change log)
in the same transaction; views, exports and prints are recorded too.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Sequence
from typing import Any, NamedTuple, cast

from sqlalchemy import Table, inspect
from sqlalchemy.orm import Session, sessionmaker

from frontdoor_app.models import AuditEvent, Base, bulk, utcnow
from frontdoor_app.models.audit_chain import add_at_commit, add_held_rows, seal_rows
from frontdoor_app.sync import changes

from .actor import Actor


def plain(value: Any) -> Any:
    """A JSON-safe copy of a column value."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def snapshot(row: Base) -> dict[str, Any]:
    """The row's column values as plain JSON-safe data."""
    mapper = inspect(row).mapper
    return {c.key: plain(getattr(row, c.key)) for c in mapper.column_attrs}


def record(
    session: Session,
    actor: Actor,
    action: str,
    entity: str,
    entity_id: int | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    detail: str | None = None,
) -> None:
    add_at_commit(
        session,
        AuditEvent(
            user_id=actor.user_id,
            user_login=actor.login,
            action=action,
            entity=entity,
            entity_id=entity_id,
            before=before,
            after=after,
            detail=detail,
        ),
    )


class Recorded(NamedTuple):
    """One of many audit rows written together (``written_many``): what ``record`` takes."""

    action: str
    entity: str
    entity_id: int | None
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    detail: str | None = None


def record_many(session: Session, actor: Actor, rows: Sequence[Recorded]) -> None:
    """``record`` for many rows at once (an import): one INSERT, each row sealed onto the
    hash chain in the order given, after every row already added to the session."""
    if not rows:
        return
    add_held_rows(session)  # rows ``record`` added go first: the chain follows the order
    session.flush()  # of writing
    values = [
        {
            "at": utcnow(),
            "user_id": actor.user_id,
            "user_login": actor.login,
            "action": r.action,
            "entity": r.entity,
            "entity_id": r.entity_id,
            "before": r.before,
            "after": r.after,
            "detail": r.detail,
        }
        for r in rows
    ]
    seal_rows(session, values)
    bulk.insert_rows(session.connection(), cast(Table, AuditEvent.__table__), values)


def written_many(
    session: Session, actor: Actor, rows: Sequence[Recorded], meeting_id: int | None = None
) -> None:
    """Audit and announce many writes at once (an import): ``written`` for rows written in
    bulk, whose before and after the caller has already reduced to what changed."""
    record_many(session, actor, rows)
    changes.note_many(session, [(r.entity, r.entity_id, r.action, meeting_id) for r in rows])


def record_now(
    sessions: sessionmaker[Session],
    actor: Actor,
    action: str,
    entity: str,
    entity_id: int | None,
    detail: str,
    after: dict[str, Any] | None = None,
) -> None:
    """One audit row in a unit of work of its own: a list shown, the projector opened, a
    switch turned, a file saved (what was read in a read-only unit of work is recorded
    this way)."""
    from frontdoor_app.models.database import session_scope

    with session_scope(sessions) as s:
        record(s, actor, action, entity, entity_id, after=after, detail=detail)


def written(
    session: Session,
    actor: Actor,
    row: Base,
    operation: str,
    before: dict[str, Any] | None = None,
    meeting_id: int | None = None,
    detail: str | None = None,
) -> None:
    """Audit and announce a create/update of ``row`` (flushes to get its id)."""
    session.flush()
    table = row.__table__.name  # type: ignore[attr-defined]
    row_id = getattr(row, "id", None)
    after = snapshot(row) if operation != "delete" else None
    if before is not None and after is not None:
        changed = {k for k in after if before.get(k) != after.get(k)}
        before = {k: before[k] for k in changed if k in before}
        after = {k: after[k] for k in changed}
    record(session, actor, operation, table, row_id, before, after, detail)
    changes.note(session, table, row_id, operation, meeting_id)
