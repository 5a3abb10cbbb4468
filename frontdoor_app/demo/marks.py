"""The demo's marks in the audit trail, read at every desktop start without loading the
generator (``demo.build`` and what it imports take about a tenth of a second).

STARTED is written in the transaction that found the database empty, BUILT once today's
agenda is in. STARTED without BUILT is a build that was interrupted (the process killed, the
window closed): the database holds nothing but part of a demo, and the desktop's start builds
it again (see frontdoor_app.startup).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from frontdoor_app.models import AuditEvent

STARTED = "demo_started"
BUILT = "demo_built"


def demo_state(session: Session) -> str:
    """The demo's state here: "none" (never started), "unfinished" or "built"."""
    actions = set(
        session.scalars(select(AuditEvent.action).where(AuditEvent.action.in_((STARTED, BUILT))))
    )
    if BUILT in actions:
        return "built"
    return "unfinished" if STARTED in actions else "none"
