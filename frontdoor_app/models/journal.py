"""The change log (what clients re-read) and the append-only audit trail."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, BigInteger, FetchedValue, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from . import audit_chain  # noqa: F401 - seals every audit row as it is flushed
from .base import Base, utcnow

AUDIT_ACTIONS = ("view", "create", "update", "delete", "export", "print", "import", "login")


class ChangeLog(Base):
    """One row per write, in the writer's transaction; opaque ids only, no personal data."""

    __tablename__ = "change_log"

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    table_name: Mapped[str] = mapped_column(String(60))
    row_id: Mapped[int | None] = mapped_column(Integer)
    operation: Mapped[str] = mapped_column(String(12))
    meeting_id: Mapped[int | None] = mapped_column(Integer, index=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # PostgreSQL only: the writing transaction's id, filled by the column's server default
    # (migration 0010). Readers use it to know when no earlier id can still appear.
    txid: Mapped[int | None] = mapped_column(BigInteger, server_default=FetchedValue(), index=True)


# What the trail calls minutes (each generation, save or print is a row of this entity) and
# the detail of a meeting's closing row: written by the meeting, read by the measures, the
# minutes and the server's functions (access/server.py), one name for each.
MINUTES_ENTITY = "minutes"
MEETING_CLOSED = "meeting closed"


class AuditEvent(Base):
    """Append-only: the database refuses UPDATE and DELETE (triggers / grants)."""

    __tablename__ = "audit_event"
    # No INSERT ... RETURNING: on a server only admins may read the trail back, so the id is
    # taken from the sequence first and the row inserted without reading it.
    # The audit viewer's filters: a record's rows, a user's rows (migration 0006).
    __table_args__ = (
        Index("ix_audit_event_entity", "entity", "entity_id"),
        Index("ix_audit_event_user_login", "user_login"),
        {"implicit_returning": False},
    )

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    user_login: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(12), index=True)
    entity: Mapped[str] = mapped_column(String(60))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    before: Mapped[Any] = mapped_column(JSON, nullable=True)
    after: Mapped[Any] = mapped_column(JSON, nullable=True)
    detail: Mapped[str | None] = mapped_column(Text)
    # The hash chain (models/audit_chain.py): set as the row is written, never changed.
    content_hash: Mapped[str | None] = mapped_column(String(64))
    chain_hash: Mapped[str | None] = mapped_column(String(64))
    redacted_at: Mapped[dt.datetime | None] = mapped_column(default=None)  # retention only
