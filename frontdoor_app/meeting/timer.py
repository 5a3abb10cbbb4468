"""The case timer: the time the meeting has spent on a case, kept as the seconds of the
stretches that ended (``seconds_spent``) plus the one running since ``started_at``.

One rule for the agenda, the case screen, the projector and the writes that stop it.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol


class Timed(Protocol):
    started_at: dt.datetime | None
    seconds_spent: int


def case_seconds(started_at: dt.datetime | None, spent: int, now: dt.datetime | None = None) -> int:
    """Earlier stretches plus the running one (a naive instant is UTC, as SQLite's are)."""
    if started_at is None:
        return spent
    now = now or dt.datetime.now(dt.UTC)
    if started_at.tzinfo is None:
        started_at = started_at.replace(tzinfo=dt.UTC)
    if now.tzinfo is None:
        now = now.replace(tzinfo=dt.UTC)
    return spent + max(0, int((now - started_at).total_seconds()))


def stop_timer(item: Timed, at: dt.datetime) -> None:
    """Add the running stretch to the time spent (the case stops being current)."""
    item.seconds_spent = case_seconds(item.started_at, item.seconds_spent, at)
