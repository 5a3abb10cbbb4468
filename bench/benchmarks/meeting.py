"""Meeting domain benchmarks: opening a case with its whole history (goal: p95 under 50 ms)."""

from __future__ import annotations

import time
from typing import Any

from common import BenchEnv, case_sample, summarise
from sqlalchemy import event, func, select

from frontdoor_app import cipher
from frontdoor_app.access.actor import Actor
from frontdoor_app.clock import Clock
from frontdoor_app.meeting.actions import action_tracker as action_tracker_query
from frontdoor_app.meeting.case import load_case
from frontdoor_app.models import Action, Agency
from frontdoor_app.models.database import (
    make_engine,
    make_session_factory,
    session_scope,
    upgrade,
)

CASE_OPEN_GOAL_MS = 50.0
TRACKER_GOAL_MS = 100.0  # our own goal: a page of the tracker while the meeting waits
ROUNDS = 5

CLOCK = Clock("Europe/London")  # the demo authority's zone (the sample profile's)
TODAY = CLOCK.today()
CHAIR = Actor(user_id=None, login="bench.chair", display_name="Bench Chair", role="chair")


def case_open(env: BenchEnv) -> dict[str, Any]:
    """``load_case`` (one unit of work, view audited) on the busiest and the latest cases.

    The floor is the same SELECT statements with the same parameters run straight on the
    sqlite3 driver (no ORM, no Python assembly): ``ratio`` = median / floor median tells
    drift on a shared machine from a change in our code.
    """
    url = env.fresh_copy("case_open")
    engine = make_engine(url)
    upgrade(engine)  # the cache may predate the newest migration
    sessions = make_session_factory(engine)
    try:
        with session_scope(sessions) as s:
            busiest, latest = case_sample(s)
            history_rows = {
                i: len(load_case(s, i, CHAIR, clock=CLOCK, audit_view=False).history)
                for i in busiest
            }
        items = list(dict.fromkeys(busiest + latest))
        captured: dict[int, list[tuple[str, Any]]] = {}
        current: list[tuple[str, Any]] = []

        def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_rest: Any) -> None:
            current.append((statement, parameters))

        event.listen(engine, "before_cursor_execute", capture)
        samples = []
        for round_ in range(ROUNDS):
            for item_id in items:
                current.clear()
                with session_scope(sessions) as s:
                    start = time_ms()
                    load_case(s, item_id, CHAIR, clock=CLOCK)
                    s.commit()  # the audited view is written, as in the application
                    samples.append(time_ms() - start)
                if round_ == 0:
                    captured[item_id] = list(current)
        event.remove(engine, "before_cursor_execute", capture)
        floor = _raw_floor(url.removeprefix("sqlite:///"), captured)
        result = summarise(samples)
        result.update(
            {
                "goal_p95_ms": CASE_OPEN_GOAL_MS,
                "met": result["p95_ms"] < CASE_OPEN_GOAL_MS,
                "floor_median_ms": floor["median_ms"],
                "floor_p95_ms": floor["p95_ms"],
                "ratio": round(result["median_ms"] / max(floor["median_ms"], 1e-6), 2),
                "cases": len(items),
                "max_history_events": max(history_rows.values(), default=0),
                "statements_per_open": max((len(v) for v in captured.values()), default=0),
            }
        )
        return result
    finally:
        engine.dispose()


def _raw_floor(path: str, captured: dict[int, list[tuple[str, Any]]]) -> dict[str, float]:
    """The captured SELECTs of each case open, run on a bare sqlite3 connection."""
    raw = cipher.connect(path)  # the file is encrypted (frontdoor_app/cipher.py)
    try:
        samples = []
        for _ in range(ROUNDS):
            for statements in captured.values():
                start = time_ms()
                for sql, params in statements:
                    if sql.lstrip().upper().startswith("SELECT"):
                        raw.execute(sql, params).fetchall()
                samples.append(time_ms() - start)
        return summarise(samples)
    finally:
        raw.close()


def time_ms() -> float:
    return time.perf_counter() * 1000


def action_tracker(env: BenchEnv) -> dict[str, Any]:
    """The tracker's first page, by agency, by owner and a deep page."""
    engine = make_engine(env.fresh_copy("action_tracker"))
    upgrade(engine)  # the tracker's index (migration 0003) may be newer than the cache
    sessions = make_session_factory(engine)
    try:
        with session_scope(sessions) as s:
            total = s.scalar(select(func.count(Action.id))) or 0
            agency = s.scalar(select(Agency.id).where(Agency.code == "HV"))
            owner = (
                s.scalar(select(Action.owner_name).where(Action.owner_name.is_not(None)).limit(1))
                or "a"
            )
            first = action_tracker_query(s, today=TODAY)
            deep_offset = max(0, (first.total // 2) - 50)
        queries = [
            lambda s: action_tracker_query(s, today=TODAY),
            lambda s: action_tracker_query(s, today=TODAY, agency_id=agency),
            lambda s: action_tracker_query(s, today=TODAY, owner=owner.split()[0]),
            lambda s: action_tracker_query(s, today=TODAY, offset=deep_offset),
        ]
        samples = []
        for _ in range(ROUNDS * 2):
            for query in queries:
                with session_scope(sessions) as s:
                    start = time_ms()
                    query(s)
                    samples.append(time_ms() - start)
        result = summarise(samples)
        result.update(
            {
                "goal_p95_ms": TRACKER_GOAL_MS,
                "met": result["p95_ms"] < TRACKER_GOAL_MS,
                "actions": total,
                "open_actions": first.total,
                "overdue": first.overdue_total,
            }
        )
        return result
    finally:
        engine.dispose()


BENCHMARKS = {"case_open": case_open, "action_tracker": action_tracker}
