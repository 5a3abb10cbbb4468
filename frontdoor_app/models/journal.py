"""The change log (what clients re-read) and the append-only audit trail."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, BigInteger, FetchedValue, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

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


class AuditEvent(Base):
    """Append-only: the database refuses UPDATE and DELETE (triggers / grants)."""

    __tablename__ = "audit_event"
    # No INSERT ... RETURNING: on a server only admins may read the trail back, so the id is
    # taken from the sequence first and the row inserted without reading it.
    __table_args__ = {"implicit_returning": False}

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
