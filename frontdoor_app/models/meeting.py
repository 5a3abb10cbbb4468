"""The daily meeting: attendance, agenda, intelligence, decisions, actions, amendments."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, Timestamps, Versioned, utcnow


class Meeting(Versioned, Timestamps, Base):
    __tablename__ = "meeting"
    __table_args__ = (
        CheckConstraint("status IN ('planned','in_progress','closed')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_date: Mapped[dt.date] = mapped_column(unique=True)
    chair_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    status: Mapped[str] = mapped_column(String(12), default="planned")
    opened_at: Mapped[dt.datetime | None]
    closed_at: Mapped[dt.datetime | None]
    confidentiality_read_at: Mapped[dt.datetime | None]
    current_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_item.id", use_alter=True, name="fk_meeting_current_item_id_agenda_item")
    )
    window_start: Mapped[dt.datetime]
    window_end: Mapped[dt.datetime]
    curtain_down: Mapped[bool] = mapped_column(Boolean, default=False)

    attendance: Mapped[list[Attendance]] = relationship(back_populates="meeting")
    items: Mapped[list[AgendaItem]] = relationship(
        back_populates="meeting",
        foreign_keys="AgendaItem.meeting_id",
        order_by="AgendaItem.position",
    )


class Attendance(Versioned, Base):
    __tablename__ = "attendance"
    __table_args__ = (
        UniqueConstraint("meeting_id", "agency_id", "person_name"),
        CheckConstraint("status IN ('present','apologies','information_sent')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    person_name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20))
    # Who last changed the row and when: the conflict view names them (None: as added).
    changed_by_name: Mapped[str | None] = mapped_column(String(200))
    changed_at: Mapped[dt.datetime | None]

    meeting: Mapped[Meeting] = relationship(back_populates="attendance")


class AgendaItem(Versioned, Base):
    __tablename__ = "agenda_item"
    __table_args__ = (
        UniqueConstraint("meeting_id", "notification_id"),
        CheckConstraint("status IN ('waiting','current','discussed','deferred')", name="status"),
        # Measures: a meeting's discussed cases and their households from the index (0009).
        Index("ix_agenda_item_meeting_status_household", "meeting_id", "status", "household_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    notification_id: Mapped[int] = mapped_column(ForeignKey("notification.id"), index=True)
    household_id: Mapped[int | None] = mapped_column(ForeignKey("household.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(12), default="waiting")
    deferred_to_meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id"))
    # Flags as they stood when the agenda was built: {"marac": [...], "repeat": bool, ...}
    flags: Mapped[Any] = mapped_column(JSON, default=dict)
    started_at: Mapped[dt.datetime | None]
    ended_at: Mapped[dt.datetime | None]
    seconds_spent: Mapped[int] = mapped_column(Integer, default=0)
    # Who last moved the case in the agenda order and when: the conflict view names them.
    moved_by_name: Mapped[str | None] = mapped_column(String(200))
    moved_at: Mapped[dt.datetime | None]

    meeting: Mapped[Meeting] = relationship(back_populates="items", foreign_keys=[meeting_id])


class IntelligenceEntry(Versioned, Timestamps, Base):
    __tablename__ = "intelligence_entry"
    __table_args__ = (
        CheckConstraint("kind IN ('agency','victim_view','child_voice')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agenda_item_id: Mapped[int] = mapped_column(ForeignKey("agenda_item.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    author_name: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16), default="agency")
    may_share_beyond_meeting: Mapped[bool] = mapped_column(Boolean, default=False)
    restricted_to_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    # Made by the laptop for each Save: a save sent again after a dropped connection (which
    # may or may not have reached the server) is recognised, never stored twice.
    client_ref: Mapped[str | None] = mapped_column(String(36), unique=True)
    # Who last edited the entry (None: never edited; the author wrote it as it stands).
    changed_by_name: Mapped[str | None] = mapped_column(String(200))


class SharingDecision(Versioned, Timestamps, Base):
    """Golden rule 7: a decision to share, or not to share, is recorded with its reason."""

    __tablename__ = "sharing_decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    agenda_item_id: Mapped[int] = mapped_column(ForeignKey("agenda_item.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    shared: Mapped[bool] = mapped_column(Boolean)
    with_whom: Mapped[str | None] = mapped_column(String(400))
    reason: Mapped[str] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))


class Decision(Versioned, Timestamps, Base):
    __tablename__ = "decision"
    __table_args__ = (
        CheckConstraint("agreed_risk IN ('standard','medium','high')", name="agreed_risk"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agenda_item_id: Mapped[int] = mapped_column(ForeignKey("agenda_item.id"), unique=True)
    agreed_risk: Mapped[str] = mapped_column(String(10))
    rationale: Mapped[str | None] = mapped_column(Text)
    professional_judgement_marac: Mapped[bool] = mapped_column(Boolean, default=False)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    decided_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    outcomes: Mapped[list[DecisionOutcome]] = relationship(
        back_populates="decision", cascade="all, delete-orphan"
    )


class DecisionOutcome(Base):
    __tablename__ = "decision_outcome"
    __table_args__ = (UniqueConstraint("decision_id", "outcome_code_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decision.id"), index=True)
    outcome_code_id: Mapped[int] = mapped_column(ForeignKey("outcome_code.id"))
    detail: Mapped[str | None] = mapped_column(String(400))

    decision: Mapped[Decision] = relationship(back_populates="outcomes")


class Action(Versioned, Timestamps, Base):
    __tablename__ = "action"
    __table_args__ = (
        CheckConstraint("status IN ('open','done','not_possible','not_done')", name="status"),
        # The action tracker: open actions in due-date order, one page at a time (migration 0003).
        Index("ix_action_status_due_date", "status", "due_date"),
        # Measures: actions closed in a range of weeks, and a case's actions' status and
        # closing time, each read from an index (migration 0009).
        Index("ix_action_closed_at", "closed_at", "agenda_item_id"),
        Index("ix_action_item_status_closed", "agenda_item_id", "status", "closed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agenda_item_id: Mapped[int] = mapped_column(ForeignKey("agenda_item.id"), index=True)
    owner_agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    owner_name: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    due_date: Mapped[dt.date] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(String(14), default="open", index=True)
    status_note: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[dt.datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    # The laptop's reference for the Save that made it: sent again after a dropped
    # connection, it is recognised, never stored twice.
    client_ref: Mapped[str | None] = mapped_column(String(36), unique=True)

    updates: Mapped[list[ActionUpdate]] = relationship(
        back_populates="action", order_by="ActionUpdate.at"
    )


class ActionUpdate(Base):
    __tablename__ = "action_update"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("action.id"), index=True)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    by_name: Mapped[str] = mapped_column(String(200))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    note: Mapped[str | None] = mapped_column(Text)
    status_from: Mapped[str | None] = mapped_column(String(14))
    status_to: Mapped[str | None] = mapped_column(String(14))
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id"))
    client_ref: Mapped[str | None] = mapped_column(String(36), unique=True)  # as Action's

    action: Mapped[Action] = relationship(back_populates="updates")


class Amendment(Base):
    """A change made after the meeting was closed: who, when, why, before and after."""

    __tablename__ = "amendment"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int] = mapped_column(Integer)
    field: Mapped[str] = mapped_column(String(60))
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    by_name: Mapped[str] = mapped_column(String(200))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    reason: Mapped[str] = mapped_column(Text)


class Draft(Versioned, Base):
    """Text as it is typed, kept so a crash or a closed laptop loses nothing."""

    __tablename__ = "draft"
    __table_args__ = (UniqueConstraint("user_login", "agenda_item_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_login: Mapped[str] = mapped_column(String(64))
    agenda_item_id: Mapped[int] = mapped_column(ForeignKey("agenda_item.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    content: Mapped[Any] = mapped_column(JSON)
    saved_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
