"""Reference data loaded from the authority profile and kept by admins."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, Timestamps, Versioned, utcnow

ROLES = ("chair", "representative", "admin", "viewer", "fgc_coordinator")


class Agency(Versioned, Base):
    __tablename__ = "agency"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40), default="other")
    core: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    sharing_agreement_date: Mapped[dt.date | None]


class User(Versioned, Timestamps, Base):
    __tablename__ = "app_user"
    __table_args__ = (
        CheckConstraint(
            "role IN ('chair','representative','admin','viewer','fgc_coordinator')", name="role"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # The FGC team an fgc_coordinator belongs to (the profile's teams); None for other roles.
    fgc_team_id: Mapped[int | None] = mapped_column(ForeignKey("fgc_team.id"), index=True)

    agency: Mapped[Agency | None] = relationship()


class FgcTeam(Versioned, Base):
    __tablename__ = "fgc_team"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    contact: Mapped[str | None] = mapped_column(String(200))


class Locality(Versioned, Base):
    __tablename__ = "locality"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    fgc_team_id: Mapped[int] = mapped_column(ForeignKey("fgc_team.id"), index=True)

    fgc_team: Mapped[FgcTeam] = relationship()
    districts: Mapped[list[PostcodeDistrict]] = relationship(back_populates="locality")


class PostcodeDistrict(Base):
    """A postcode district (``LS9``) belongs to exactly one locality."""

    __tablename__ = "postcode_district"

    district: Mapped[str] = mapped_column(String(8), primary_key=True)
    locality_id: Mapped[int] = mapped_column(ForeignKey("locality.id"), index=True)

    locality: Mapped[Locality] = relationship(back_populates="districts")


class OutcomeCode(Versioned, Base):
    __tablename__ = "outcome_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    label: Mapped[str] = mapped_column(String(200))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    is_nfa: Mapped[bool] = mapped_column(Boolean, default=False)
    is_fgc_offer: Mapped[bool] = mapped_column(Boolean, default=False)
    is_marac_referral: Mapped[bool] = mapped_column(Boolean, default=False)
    is_strategy_discussion: Mapped[bool] = mapped_column(Boolean, default=False)
    description: Mapped[str | None] = mapped_column(Text)
    # The question the decision asks beside this outcome (the profile's ``detail_prompt``),
    # and whether it must be answered before the decision is saved (migration 0018).
    detail_prompt: Mapped[str | None] = mapped_column(String(200))
    detail_required: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class AuthorityProfile(Base):
    """On a shared server, the authority profile in force: the file ``frontdoor server
    init`` or ``upgrade`` was given, as written. The newest row is the one every client
    runs by, whatever its own file says; the older rows say what was in force before."""

    __tablename__ = "authority_profile"

    id: Mapped[int] = mapped_column(primary_key=True)
    set_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    set_by: Mapped[str] = mapped_column(String(64))  # the server administrator's login
    source: Mapped[str] = mapped_column(String(500))  # the file it was read from
    sha256: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
