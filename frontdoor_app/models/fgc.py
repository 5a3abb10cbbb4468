"""Family Group Conference referrals and the domestic abuse safeguards around them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, Timestamps, Versioned, utcnow

FGC_STAGES = (
    "offered",
    "consent",
    "referred",
    "coordinator_allocated",
    "preparation",
    "conference_held",
    "review",
    "closed",
    "declined",
    "withdrawn",
    "stopped",
    "suspended",
)
FGC_OPEN_STAGES = FGC_STAGES[:7] + ("suspended",)
FGC_ENDED_STAGES = ("closed", "declined", "withdrawn", "stopped")
_HELD_OR_LATER = ("conference_held", "review", "closed")


def _sql_list(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values)


def _filled(column: str) -> str:
    """SQL: the column holds more than spaces (the same words on SQLite and PostgreSQL)."""
    return f"length(trim({column})) > 0"


# How the victim gave a decision (and who relayed it, when someone did).
VICTIM_HOW = {
    "in_person": "in person",
    "phone": "by phone",
    "video": "by video call",
    "idva": "through the IDVA",
    "interpreter": "through an interpreter",
    "in_writing": "in writing",
    "relayed": "relayed by another professional",
}
VICTIM_DECISIONS = ("approve_invitee", "request_attendance", "withdraw_request")


class FgcReferral(Versioned, Timestamps, Base):
    __tablename__ = "fgc_referral"
    __table_args__ = (
        CheckConstraint("routed_how IN ('locality','by_hand','unrouted')", name="routed_how"),
        CheckConstraint(f"stage IN ({_sql_list(FGC_STAGES)})", name="stage"),
        CheckConstraint(
            f"(is_open = true AND stage IN ({_sql_list(FGC_OPEN_STAGES)})) OR "
            f"(is_open = false AND stage IN ({_sql_list(FGC_ENDED_STAGES)}))",
            name="open_agrees_with_stage",
        ),
        CheckConstraint(
            f"stage NOT IN ({_sql_list(_HELD_OR_LATER)}) OR conference_date IS NOT NULL",
            name="held_has_date",
        ),
        # At most one open referral per household, whoever writes and however. Migration
        # 0004 makes it partial on PostgreSQL too (postgresql_where): naming that dialect's
        # option here would load all of SQLAlchemy's PostgreSQL dialect into every start on
        # the embedded file (about 140 ms of CPU), and the migrations, not this model, build
        # the schema (tests/test_migrations.py checks they agree).
        Index(
            "uq_fgc_referral_open_household",
            "household_id",
            unique=True,
            sqlite_where=text("is_open"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    origin_agenda_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_item.id"), index=True
    )
    team_id: Mapped[int | None] = mapped_column(ForeignKey("fgc_team.id"), index=True)
    routed_how: Mapped[str] = mapped_column(String(12), default="unrouted")
    routing_reason: Mapped[str | None] = mapped_column(Text)
    stage: Mapped[str] = mapped_column(String(24), default="offered", index=True)
    is_open: Mapped[bool] = mapped_column(Boolean, default=True)
    end_reason: Mapped[str | None] = mapped_column(Text)
    coordinator: Mapped[str | None] = mapped_column(String(200))
    coordinator_match_request: Mapped[str | None] = mapped_column(String(400))
    conference_date: Mapped[dt.date | None]
    plan_agreed: Mapped[bool | None] = mapped_column(Boolean)
    review_due: Mapped[dt.date | None]
    offered_at: Mapped[dt.datetime | None]
    consent_at: Mapped[dt.datetime | None]
    referred_at: Mapped[dt.datetime | None]
    coordinator_allocated_at: Mapped[dt.datetime | None]
    preparation_at: Mapped[dt.datetime | None]
    conference_held_at: Mapped[dt.datetime | None]
    review_at: Mapped[dt.datetime | None]
    closed_at: Mapped[dt.datetime | None]
    reason_for_referral: Mapped[str | None] = mapped_column(Text)
    referrer_name: Mapped[str | None] = mapped_column(String(200))

    consents: Mapped[list[FgcConsent]] = relationship(back_populates="referral")
    invitees: Mapped[list[FgcInvitee]] = relationship(back_populates="referral")
    safeguards: Mapped[list[FgcSafeguard]] = relationship(back_populates="referral")


class FgcConsent(Base):
    __tablename__ = "fgc_consent"
    __table_args__ = (
        CheckConstraint("kind IN ('victim','parental_responsibility')", name="kind"),
        CheckConstraint(
            f"{_filled('person_name')} AND {_filled('how')} AND {_filled('recorded_by')}",
            name="filled",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("fgc_referral.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    person_name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(24))
    how: Mapped[str] = mapped_column(String(200))
    recorded_by: Mapped[str] = mapped_column(String(200))
    relayed_by: Mapped[str | None] = mapped_column(String(200))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    withdrawn_at: Mapped[dt.datetime | None]
    # The laptop's reference for the step: sent again, it is stored once (0014).
    client_ref: Mapped[str | None] = mapped_column(String(36), unique=True)

    referral: Mapped[FgcReferral] = relationship(back_populates="consents")


class FgcInvitee(Versioned, Base):
    __tablename__ = "fgc_invitee"
    __table_args__ = (
        # The person who harmed is on the list only with all three answers recorded.
        CheckConstraint(
            "is_person_who_harmed = false OR (victim_requested_at IS NOT NULL "
            "AND acknowledges_abuse_at IS NOT NULL AND willing_to_address_at IS NOT NULL)",
            name="perpetrator_all_three",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("fgc_referral.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    name: Mapped[str] = mapped_column(String(200))
    relationship_to_family: Mapped[str | None] = mapped_column(String(100))
    contact: Mapped[str | None] = mapped_column(String(200))
    approved_by_victim_at: Mapped[dt.datetime | None]
    is_person_who_harmed: Mapped[bool] = mapped_column(Boolean, default=False)
    victim_requested_at: Mapped[dt.datetime | None]
    acknowledges_abuse_at: Mapped[dt.datetime | None]
    willing_to_address_at: Mapped[dt.datetime | None]
    removed_at: Mapped[dt.datetime | None]
    removed_reason: Mapped[str | None] = mapped_column(Text)
    client_ref: Mapped[str | None] = mapped_column(String(36), unique=True)  # as a consent's

    referral: Mapped[FgcReferral] = relationship(back_populates="invitees")


class FgcVictimDecision(Base):
    """A decision the victim gave: approving an invitee, asking for the person who harmed to
    attend, or withdrawing that request; how, when, and who relayed and recorded it."""

    __tablename__ = "fgc_victim_decision"
    __table_args__ = (
        CheckConstraint(f"kind IN ({_sql_list(VICTIM_DECISIONS)})", name="kind"),
        CheckConstraint(f"how IN ({_sql_list(tuple(VICTIM_HOW))})", name="how"),
        CheckConstraint(f"{_filled('recorded_by')}", name="filled"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("fgc_referral.id"), index=True)
    invitee_id: Mapped[int] = mapped_column(ForeignKey("fgc_invitee.id"), index=True)
    victim_person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    kind: Mapped[str] = mapped_column(String(24))
    how: Mapped[str] = mapped_column(String(16))
    given_at: Mapped[dt.datetime]
    relayed_by: Mapped[str | None] = mapped_column(String(200))
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    reason: Mapped[str | None] = mapped_column(Text)
    client_ref: Mapped[str | None] = mapped_column(String(36), unique=True)  # 0015


class FgcSafeguard(Base):
    __tablename__ = "fgc_safeguard"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('separate_preparation_victim','separate_preparation_perpetrator','safety_plan')",
            name="kind",
        ),
        CheckConstraint(
            f"kind <> 'safety_plan' OR (note IS NOT NULL AND {_filled('note')})",
            name="safety_plan_note",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("fgc_referral.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    recorded_by: Mapped[str] = mapped_column(String(200))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    note: Mapped[str | None] = mapped_column(Text)
    client_ref: Mapped[str | None] = mapped_column(String(36), unique=True)  # as a consent's

    referral: Mapped[FgcReferral] = relationship(back_populates="safeguards")


class FgcStageEvent(Base):
    """Every stage change with who, when and why: the measures read it."""

    __tablename__ = "fgc_stage_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("fgc_referral.id"), index=True)
    from_stage: Mapped[str | None] = mapped_column(String(24))
    to_stage: Mapped[str] = mapped_column(String(24))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    by_name: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str | None] = mapped_column(Text)
