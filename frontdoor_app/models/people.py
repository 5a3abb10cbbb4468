"""People, households, membership and the match decisions that link them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, Timestamps, Versioned

MEMBER_ROLES = ("victim", "perpetrator", "child", "other_adult")


class Person(Versioned, Timestamps, Base):
    __tablename__ = "person"
    __table_args__ = (
        Index("ix_person_block_surname_dob", "surname_key", "dob"),
        Index("ix_person_block_forename_dob", "forename_key", "dob"),
        # Covering for the blocks that test an initial (migration 0013): the import reads
        # no person row only to reject it.
        Index("ix_person_block_dob", "dob", "forename_initial", "surname_key", "merged_into_id"),
        Index(
            "ix_person_block_phonetic_year_initial",
            "surname_phonetic",
            "birth_year",
            "forename_initial",
            "merged_into_id",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    surname: Mapped[str] = mapped_column(String(200))
    forenames: Mapped[str | None] = mapped_column(String(200))
    dob: Mapped[dt.date | None]
    birth_year: Mapped[int | None] = mapped_column(Integer)
    birth_year_estimated: Mapped[bool] = mapped_column(default=False)
    gender: Mapped[str | None] = mapped_column(String(40))
    nhs_number: Mapped[str | None] = mapped_column(String(10), unique=True)
    pnc_id: Mapped[str | None] = mapped_column(String(32), unique=True)
    # Blocking keys (frontdoor_app.intake.keys): matching never scans every person.
    surname_key: Mapped[str] = mapped_column(String(200), default="")
    surname_phonetic: Mapped[str] = mapped_column(String(16), default="")
    forename_key: Mapped[str] = mapped_column(String(200), default="")
    forename_initial: Mapped[str] = mapped_column(String(4), default="")
    address: Mapped[str | None] = mapped_column(String(400))
    postcode: Mapped[str | None] = mapped_column(String(10), index=True)
    school: Mapped[str | None] = mapped_column(String(200))
    created_from_notification_id: Mapped[int | None] = mapped_column(
        ForeignKey("notification.id", use_alter=True), index=True
    )
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)

    memberships: Mapped[list[HouseholdMember]] = relationship(back_populates="person")


class Household(Versioned, Timestamps, Base):
    __tablename__ = "household"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(32), unique=True)
    address: Mapped[str | None] = mapped_column(String(400))
    postcode: Mapped[str | None] = mapped_column(String(10), index=True)
    locality_id: Mapped[int | None] = mapped_column(ForeignKey("locality.id"), index=True)
    last_marac_referral_at: Mapped[dt.date | None]

    members: Mapped[list[HouseholdMember]] = relationship(back_populates="household")


class HouseholdMember(Versioned, Base):
    __tablename__ = "household_member"
    __table_args__ = (
        CheckConstraint("role IN ('victim','perpetrator','child','other_adult')", name="role"),
        Index("ix_household_member_household_person", "household_id", "person_id"),
        # Measures: a household's children from the index (migration 0009).
        Index("ix_household_member_household_role", "household_id", "role", "person_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    from_date: Mapped[dt.date | None]
    to_date: Mapped[dt.date | None]

    household: Mapped[Household] = relationship(back_populates="members")
    person: Mapped[Person] = relationship(back_populates="memberships")


class PersonLink(Base):
    """One match decision: a person as sent by the police linked to a known person.

    Kept for ever, so a wrong link can be undone and every link explained.
    """

    __tablename__ = "person_link"
    __table_args__ = (
        CheckConstraint("decided_by IN ('auto','user','pending')", name="decided_by"),
        CheckConstraint("status IN ('linked','possible','rejected','undone')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("notification_person.id"), index=True
    )
    # The person created for the incoming record, when one was (grey zone or after undo).
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    matched_person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    score: Mapped[float] = mapped_column(Float)
    reasons: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12))
    decided_by: Mapped[str] = mapped_column(String(12))
    decided_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    decided_at: Mapped[dt.datetime | None]
    undone_at: Mapped[dt.datetime | None]
    undone_reason: Mapped[str | None] = mapped_column(Text)
