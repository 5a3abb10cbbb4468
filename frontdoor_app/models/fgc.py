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


class FgcReferral(Versioned, Timestamps, Base):
    __tablename__ = "fgc_referral"
    __table_args__ = (
        CheckConstraint("routed_how IN ('locality','by_hand','unrouted')", name="routed_how"),
        # At most one open referral per household, whoever writes and however.
        Index(
            "uq_fgc_referral_open_household",
            "household_id",
            unique=True,
            sqlite_where=text("is_open"),
            postgresql_where=text("is_open"),
        ),  # fmt: skip
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
    __table_args__ = (CheckConstraint("kind IN ('victim','parental_responsibility')", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("fgc_referral.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    person_name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(24))
    how: Mapped[str] = mapped_column(String(200))
    recorded_by: Mapped[str] = mapped_column(String(200))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    withdrawn_at: Mapped[dt.datetime | None]

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
    approved_by_victim_at: Mapped[dt.datetime | None]
    is_person_who_harmed: Mapped[bool] = mapped_column(Boolean, default=False)
    victim_requested_at: Mapped[dt.datetime | None]
    acknowledges_abuse_at: Mapped[dt.datetime | None]
    willing_to_address_at: Mapped[dt.datetime | None]
    removed_at: Mapped[dt.datetime | None]

    referral: Mapped[FgcReferral] = relationship(back_populates="invitees")


class FgcSafeguard(Base):
    __tablename__ = "fgc_safeguard"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('separate_preparation_victim','separate_preparation_perpetrator','safety_plan')",
            name="kind",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("fgc_referral.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    recorded_by: Mapped[str] = mapped_column(String(200))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    note: Mapped[str | None] = mapped_column(Text)

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
