"""The police feed: import batches, notifications, the people in them, quarantine."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, Timestamps, Versioned, utcnow


class ImportBatch(Base):
    __tablename__ = "import_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    file_name: Mapped[str] = mapped_column(String(400))
    file_hash: Mapped[str] = mapped_column(String(64), index=True)
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[dt.datetime | None]
    imported: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    quarantined: Mapped[int] = mapped_column(Integer, default=0)
    rows_read: Mapped[int] = mapped_column(Integer, default=0)


class Notification(Versioned, Timestamps, Base):
    __tablename__ = "notification"
    __table_args__ = (
        CheckConstraint("dash_risk IN ('standard','medium','high')", name="dash_risk"),
        CheckConstraint("dash_yes IS NULL OR (dash_yes >= 0 AND dash_yes <= 27)", name="dash_yes"),
        # Measures: a family's first and next notification, read from the index (0009).
        Index("ix_notification_household_received", "household_id", "received_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    police_ref: Mapped[str] = mapped_column(String(32), unique=True)
    force: Mapped[str | None] = mapped_column(String(200))
    received_at: Mapped[dt.datetime] = mapped_column(index=True)
    incident_at: Mapped[dt.datetime]
    incident_type: Mapped[str | None] = mapped_column(String(40))
    offence: Mapped[str | None] = mapped_column(String(400))
    dash_risk: Mapped[str] = mapped_column(String(10))
    dash_yes: Mapped[int | None] = mapped_column(Integer)
    address: Mapped[str] = mapped_column(String(400))
    postcode: Mapped[str] = mapped_column(String(10))  # shown, never looked up (0016)
    children_present: Mapped[bool | None] = mapped_column(Boolean)
    weapon: Mapped[bool | None] = mapped_column(Boolean)
    alcohol: Mapped[bool | None] = mapped_column(Boolean)
    drugs: Mapped[bool | None] = mapped_column(Boolean)
    pregnancy: Mapped[bool | None] = mapped_column(Boolean)
    narrative: Mapped[str | None] = mapped_column(Text)
    officer: Mapped[str | None] = mapped_column(String(200))
    # (indexed by ix_notification_household_received, which leads with it: migration 0016)
    household_id: Mapped[int | None] = mapped_column(ForeignKey("household.id"))
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id"), index=True)
    raw_record: Mapped[Any] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64))
    # Flags worked out on import (intake.flags); stored so the agenda can order by them.
    flags: Mapped[Any] = mapped_column(JSON, default=dict)

    persons: Mapped[list[NotificationPerson]] = relationship(
        back_populates="notification", cascade="all, delete-orphan"
    )


class NotificationPerson(Base):
    __tablename__ = "notification_person"
    __table_args__ = (
        CheckConstraint("role IN ('victim','perpetrator','child','other_adult')", name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int] = mapped_column(ForeignKey("notification.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    role_as_sent: Mapped[str] = mapped_column(String(40))
    relationship_to_victim: Mapped[str | None] = mapped_column(String(40))
    school: Mapped[str | None] = mapped_column(String(200))
    surname: Mapped[str] = mapped_column(String(200))
    forenames: Mapped[str | None] = mapped_column(String(200))
    dob: Mapped[dt.date | None]
    age: Mapped[int | None] = mapped_column(Integer)
    gender: Mapped[str | None] = mapped_column(String(40))
    raw_fields: Mapped[Any] = mapped_column(JSON)

    notification: Mapped[Notification] = relationship(back_populates="persons")


class QuarantinedRecord(Versioned, Timestamps, Base):
    """A notification that could not be imported as sent, kept whole with its problems."""

    __tablename__ = "quarantined_record"
    __table_args__ = (
        CheckConstraint("status IN ('waiting','corrected','discarded')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    import_batch_id: Mapped[int] = mapped_column(ForeignKey("import_batch.id"), index=True)
    police_ref: Mapped[str | None] = mapped_column(String(200), index=True)
    file_name: Mapped[str] = mapped_column(String(400))
    line_numbers: Mapped[Any] = mapped_column(JSON)
    raw: Mapped[Any] = mapped_column(JSON)
    problems: Mapped[Any] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(12), default="waiting")
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    resolved_at: Mapped[dt.datetime | None]
    resolution_reason: Mapped[str | None] = mapped_column(Text)
    notification_id: Mapped[int | None] = mapped_column(ForeignKey("notification.id"))
