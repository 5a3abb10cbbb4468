"""Minutes layout: a synthetic 60-case meeting and a 180-case Monday, as plain data.

Goals (issue 5): under 1.5 s for 60 cases, under 4 s for 180. The data is built once,
outside the timing; what is timed is ``render_minutes`` (story, layout, PDF bytes).
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from common import BenchEnv, timed
from sqlalchemy import func, select

from frontdoor_app.export.minutes import render_minutes_built
from frontdoor_app.meeting.minutes_data import load_minutes
from frontdoor_app.models import AgendaItem, Meeting
from frontdoor_app.models.database import make_engine, make_session_factory, session_scope
from frontdoor_app.profile import load_profile

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.minutes_sample import synthetic_minutes  # noqa: E402 - the tests' sample minutes

GENERATED = dt.datetime(2026, 11, 23, 15, 0, tzinfo=dt.UTC)


def _bench(cases: int, goal_ms: float, repeat: int) -> Callable[[BenchEnv], dict[str, Any]]:
    def run(env: BenchEnv) -> dict[str, Any]:
        data = synthetic_minutes(cases)
        built = render_minutes_built(data, generated_at=GENERATED)
        cpu_start = time.process_time()
        result = timed(lambda: render_minutes_built(data, generated_at=GENERATED), repeat=repeat)
        cpu_ms = (time.process_time() - cpu_start) * 1000 / (repeat + 1)
        return {
            **result,
            "cases": cases,
            "actions": len(data.actions),
            "pages": built.pages,
            "pdf_kb": round(len(built.data) / 1024),
            "cpu_ms_per_run": round(cpu_ms, 1),  # this process's CPU: less noisy on a shared box
            "goal_ms": goal_ms,
            "meets_goal": result["median_ms"] < goal_ms,
        }

    return run


def minutes_load(env: BenchEnv) -> dict[str, Any]:
    """``load_minutes`` on the demo database's largest closed meeting (the set-based loader)."""
    engine = make_engine(f"sqlite:///{env.cached_database()}")
    sessions = make_session_factory(engine)
    profile = load_profile()
    try:
        with session_scope(sessions) as s:
            meeting_id, cases = s.execute(
                select(AgendaItem.meeting_id, func.count())
                .join(Meeting, Meeting.id == AgendaItem.meeting_id)
                .where(Meeting.status == "closed")
                .group_by(AgendaItem.meeting_id)
                .order_by(func.count().desc())
                .limit(1)
            ).one()

        def load() -> None:
            with session_scope(sessions) as s:
                load_minutes(s, profile, meeting_id)

        return {**timed(load, repeat=10), "cases": cases}
    finally:
        engine.dispose()


BENCHMARKS = {
    "minutes_load": minutes_load,
    "minutes_60": _bench(60, 1500.0, repeat=10),
    "minutes_180": _bench(180, 4000.0, repeat=5),
}
