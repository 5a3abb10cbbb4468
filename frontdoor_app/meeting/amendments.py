"""Amendments: every change made after a meeting was closed, with who, when and why.

The changes themselves are made by the ordinary functions (``entries``, ``decisions``,
``actions``, ``lifecycle``) given a ``reason``: they apply the change and record one
``Amendment`` per changed field. This module lists them for the record and the minutes.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from frontdoor_app.models import Amendment

from .views import AmendmentView


def list_amendments(session: Session, meeting_id: int) -> tuple[AmendmentView, ...]:
    """The meeting's amendments, oldest first."""
    rows = session.scalars(
        select(Amendment)
        .where(Amendment.meeting_id == meeting_id)
        .order_by(Amendment.at, Amendment.id)
    )
    return tuple(
        AmendmentView(
            a.id,
            a.meeting_id,
            a.entity,
            a.entity_id,
            a.field,
            a.before,
            a.after,
            a.by_id,
            a.by_name,
            a.at,
            a.reason,
        )
        for a in rows
    )
