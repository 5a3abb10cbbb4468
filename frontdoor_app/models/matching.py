"""The matching model (Fellegi–Sunter parameters) trained on the authority's own register."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow


class MatchingModel(Base):
    """One training of the matching model; the newest row is the one in use."""

    __tablename__ = "matching_model"

    id: Mapped[int] = mapped_column(primary_key=True)
    trained_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    trained_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    register_size: Mapped[int] = mapped_column(Integer)
    # m and u per comparison level, the prior, name frequencies, thresholds, estimates
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON)
