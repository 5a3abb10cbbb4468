"""The room on the shared PostgreSQL server, signed in, with row-level security on.

``python bench/run.py --database postgresql pg_demo_city pg_case_open ... --scale city``
starts a throwaway PostgreSQL server (tests/pgserver.py), runs ``server init``, builds the
demo city into it with COPY (timed: ``pg_demo_city``), adds a housing representative and an
admin, and measures each query as that signed-in person (RLS on) beside the very same
work as the server's superuser (RLS bypassed: the floor), as a ratio (goal <= 1.3x).
Without ``--database postgresql`` these report ``skipped``.
"""

from __future__ import annotations

import atexit
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from benchmarks.intake import MONDAY_FEED, last_monday
from common import BenchEnv, case_sample, summarise
from sqlalchemy import event, func, select

from frontdoor_app.access import people
from frontdoor_app.access.server import set_up
from frontdoor_app.clock import Clock
from frontdoor_app.context import AppContext, build_context
from frontdoor_app.demo import DEFAULT_SEED, build_demo_url
from frontdoor_app.demo.feed import make_feed, write_csv
from frontdoor_app.intake.importer import import_file
from frontdoor_app.meeting.actions import action_tracker as tracker_query
from frontdoor_app.meeting.case import load_case
from frontdoor_app.models import Agency, AgendaItem, User
from frontdoor_app.models.database import make_engine, make_session_factory, session_scope
from frontdoor_app.profile import load_profile
from frontdoor_app.settings import load_settings

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests import pgserver  # noqa: E402 - the same throwaway server the tests start

DEMO_GOAL_S = 180.0
ROOM_GOAL_P95_MS = 50.0
INTAKE_GOAL_MS = 1000.0
RATIO_GOAL = 1.3
ROUNDS = 5
TODAY = Clock("Europe/London").today()  # the demo authority's day (the sample profile's zone)
PASSWORD = "bench password 1"
FLOOR_REP = "bench_floor_rep"


class PgCity:
    """The built city on the throwaway server (a plain class: run.py loads this module
    without registering it, which dataclasses need)."""

    def __init__(
        self, server: pgserver.PgServer, database: str, build_s: float, rep: str, admin: str
    ) -> None:
        self.server, self.database, self.build_s = server, database, build_s
        self.rep, self.admin = rep, admin
        self.settled = False  # vacuumed (``settle``)

    def url(self, login: str | None = None, database: str | None = None) -> str:
        url = self.server.url(database or self.database)
        return url if login is None else url.replace("postgres@", f"{login}@", 1)

    def context(self, login: str | None, database: str | None = None) -> AppContext:
        return build_context(load_settings(database_url=self.url(login, database)))

    def clone(self) -> str:
        """A copy of the built city (CREATE DATABASE ... TEMPLATE) for a benchmark that writes."""
        name = f"clone_{uuid.uuid4().hex[:8]}"
        with self.server._admin() as conn:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.database}"')
        return name


_CITY: dict[str, PgCity] = {}


def city(env: BenchEnv) -> PgCity:
    """Built once per run and scale: server init, the demo by COPY, two signed-in users."""
    if env.scale in _CITY:
        return _CITY[env.scale]
    server = pgserver.start()
    atexit.register(server.stop)
    database = server.create_database("bench")
    url = server.url(database)
    engine = make_engine(url)
    try:
        started = time.perf_counter()
        set_up(engine, load_profile())
        build_demo_url(url, env.scale, feed_dir=env.work_dir / "pg-feed")
        build_s = time.perf_counter() - started
        tag = uuid.uuid4().hex[:5]
        rep, admin = f"bench.hsg.{tag}", f"bench.admin.{tag}"
        with session_scope(make_session_factory(engine)) as s:
            people.add_user(s, rep, "Bench Housing", "representative", "HSG", PASSWORD)
            people.add_user(s, admin, "Bench Admin", "admin", None, PASSWORD)
            # The floors' identities: the superuser (RLS bypassed) as a chair of the app, and a
            # second superuser as a housing representative (the same screens as ``rep``).
            s.add(User(login="postgres", display_name="Floor (superuser)", role="chair"))
            hsg = s.scalar(select(Agency.id).where(Agency.code == "HSG"))
            s.add(
                User(
                    login=FLOOR_REP,
                    display_name="Floor rep (superuser)",
                    role="representative",
                    agency_id=hsg,
                )
            )
            s.flush()
            s.connection().exec_driver_sql(
                f"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = "
                f"'{FLOOR_REP}') THEN CREATE ROLE {FLOOR_REP} LOGIN SUPERUSER; END IF; END $$"
            )
        with engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
    finally:
        engine.dispose()
    _CITY[env.scale] = PgCity(server, database, build_s, rep, admin)
    return _CITY[env.scale]


def _skip(env: BenchEnv) -> dict[str, Any] | None:
    if getattr(env, "database", "sqlite") != "postgresql":
        return {"skipped": "runs with --database postgresql"}
    return None


def _paired(signed: list[float], floor: list[float], goal_key: str, goal: float) -> dict[str, Any]:
    result = summarise(signed)
    base = summarise(floor)
    ratio = round(result["median_ms"] / max(base["median_ms"], 1e-6), 2)
    result.update(
        {
            "floor_median_ms": base["median_ms"],
            "floor_p95_ms": base["p95_ms"],
            "ratio": ratio,
            "ratio_goal": RATIO_GOAL,
            goal_key: goal,
            "met": result["p95_ms"] < goal and ratio <= RATIO_GOAL,
        }
    )
    return result


def pg_demo_city(env: BenchEnv) -> dict[str, Any]:
    """``server init`` plus the demo city built into PostgreSQL by COPY (goal: < 3 min)."""
    skipped = _skip(env)
    if skipped:
        return skipped
    c = city(env)
    ctx = c.context(None)
    try:
        with ctx.read_session() as s:
            notifications = s.scalar(select(func.count()).select_from(AgendaItem)) or 0
    finally:
        ctx.close()
    return {
        "duration_s": round(c.build_s, 1),
        "goal_s": DEMO_GOAL_S,
        "met": c.build_s < DEMO_GOAL_S,
        "agenda_items": notifications,
        "scale": env.scale,
    }


def _case_items(ctx: AppContext) -> list[int]:
    with ctx.read_session() as s:
        busiest, latest = case_sample(s)
    return list(dict.fromkeys(busiest + latest))


def _time_case_open(ctx: AppContext, actor: Any, items: list[int]) -> list[float]:
    samples = []
    for _ in range(ROUNDS):
        for item in items:
            with ctx.session() as s:
                start = time.perf_counter()
                load_case(s, item, actor, clock=ctx.profile.clock)
                s.commit()  # the audited view is written, as in the application
                samples.append((time.perf_counter() - start) * 1000)
    return samples


Measure = Callable[[AppContext], list[float]]


def _signed_against_floor(
    env: BenchEnv,
    measures_for: Callable[[AppContext, AppContext], list[Measure]],
    warm: int,
    count_as: str | None = None,
) -> dict[str, Any]:
    """Each measure run as the signed-in housing representative (RLS on) and as the
    superuser, alternately so drift hits both alike, after ``warm`` of them warm both
    connections and caches; ``measures_for(rep, owner)`` makes the measures (counted in
    the result as ``count_as``)."""
    skipped = _skip(env)
    if skipped:
        return skipped
    c = city(env)
    rep, owner = c.context(c.rep), c.context(None)
    try:
        measures = measures_for(rep, owner)
        for measure in measures[:warm]:
            measure(rep), measure(owner)
        signed, floor = [], []
        for measure in measures:
            signed += measure(rep)
            floor += measure(owner)
        result = _paired(signed, floor, "goal_p95_ms", ROOM_GOAL_P95_MS)
        if count_as:
            result[count_as] = len(measures)
        return result
    finally:
        rep.close()
        owner.close()


def pg_case_open(env: BenchEnv) -> dict[str, Any]:
    """``load_case`` as the signed-in housing representative (RLS on) vs the superuser."""

    def measures_for(rep: AppContext, owner: AppContext) -> list[Measure]:
        return [
            partial(_time_case_open, actor=rep.actor, items=[item]) for item in _case_items(owner)
        ]

    return _signed_against_floor(env, measures_for, warm=5, count_as="cases")


def pg_action_tracker(env: BenchEnv) -> dict[str, Any]:
    """The tracker's pages as the signed-in representative (RLS on) vs the superuser."""

    def measures_for(_rep: AppContext, owner: AppContext) -> list[Measure]:
        with owner.read_session() as s:
            agency = s.scalar(select(Agency.id).where(Agency.code == "HSG"))
            deep = max(0, tracker_query(s, today=TODAY).total // 2 - 50)
        queries = [
            lambda s: tracker_query(s, today=TODAY),
            lambda s: tracker_query(s, today=TODAY, agency_id=agency),
            lambda s: tracker_query(s, today=TODAY, offset=deep),
        ]

        def run(ctx: AppContext) -> list[float]:
            samples = []
            for query in queries:
                with ctx.read_session() as s:
                    start = time.perf_counter()
                    query(s)
                    samples.append((time.perf_counter() - start) * 1000)
            return samples

        return [run] * (ROUNDS * 2)

    return _signed_against_floor(env, measures_for, warm=1)


def pg_intake_monday(env: BenchEnv) -> dict[str, Any]:
    """Monday's feed imported by a signed-in admin (RLS on) vs the superuser, each into a
    fresh copy of the city (goal: under 1 s)."""
    skipped = _skip(env)
    if skipped:
        return skipped
    c = city(env)
    settle(c)
    owner = c.context(None)
    try:
        monday = last_monday()
        with owner.session() as s:
            notifications = make_feed(s, DEFAULT_SEED, MONDAY_FEED, monday, owner.profile)
    finally:
        owner.close()
    path = write_csv(notifications, env.work_dir / f"feed-{monday.isoformat()}.csv")
    signed: list[float] = []
    floor: list[float] = []
    cpu: dict[str | None, list[float]] = {c.admin: [], None: []}  # this process's CPU
    statements: list[int] = []
    for _ in range(3):
        for login, samples in ((c.admin, signed), (None, floor)):
            database = c.clone()
            ctx = c.context(login, database)
            count = [0]

            def counted(*_args: Any, count: list[int] = count) -> None:
                count[0] += 1

            event.listen(ctx.engine, "before_cursor_execute", counted)
            try:
                start, begun = time.perf_counter(), time.process_time()
                summary = import_file(ctx.sessions, ctx.profile, ctx.actor, path)
                samples.append((time.perf_counter() - start) * 1000)
                cpu[login].append((time.process_time() - begun) * 1000)
                statements.append(count[0])
            finally:
                ctx.close()
                c.server.drop_database(database)
    result = _paired(signed, floor, "goal_ms", INTAKE_GOAL_MS)
    result["cpu_median_ms"] = round(statistics.median(cpu[c.admin]), 1)
    result["floor_cpu_median_ms"] = round(statistics.median(cpu[None]), 1)
    result["statements"] = max(statements)  # round trips to the server, one import
    result["met"] = result["median_ms"] < INTAKE_GOAL_MS and result["ratio"] <= RATIO_GOAL
    result["notifications"] = summary.total
    return result


def settle(c: PgCity) -> None:
    """VACUUM the built city once, as the server's autovacuum does within minutes of a bulk
    load: the city was just written by COPY, and the first statements to read each page
    (here the import's look-ups, in every fresh clone) would otherwise set its rows' hint
    bits and write it back, which a register that has been in use for a day never does."""
    if c.settled:
        return
    import psycopg

    url = c.url().replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")
    c.settled = True


def _ui() -> Any:
    """bench/benchmarks/meeting_ui.py (Qt), loaded when a window benchmark runs."""
    import importlib.util

    path = Path(__file__).resolve().parent / "meeting_ui.py"
    spec = importlib.util.spec_from_file_location("benchmarks.meeting_ui_pg", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _switch(env: BenchEnv, prefetch: bool) -> dict[str, Any]:
    skipped = _skip(env)
    if skipped:
        return skipped
    c = city(env)
    ui = _ui()
    floor = ui._measure(
        c.url(FLOOR_REP), FLOOR_REP, "representative", chair=False, prefetch=prefetch
    )
    signed = ui._measure(c.url(c.rep), c.rep, "representative", chair=False, prefetch=prefetch)
    if "error" in signed or "error" in floor:
        return {"error": signed.get("error") or floor.get("error")}
    ratio = round(signed["median_ms"] / max(floor["median_ms"], 1e-6), 2)
    signed.update(
        {
            "floor_median_ms": floor["median_ms"],
            "floor_p95_ms": floor["p95_ms"],
            "ratio": ratio,
            "ratio_goal": RATIO_GOAL,
            "met": signed["p95_ms"] < ROOM_GOAL_P95_MS and ratio <= RATIO_GOAL,
        }
    )
    return signed


def pg_case_switch(env: BenchEnv) -> dict[str, Any]:
    """The signed-in representative steps to the next case in their window (RLS on), beside
    a superuser representative (RLS bypassed): shown = the new case painted."""
    return _switch(env, prefetch=True)


def pg_case_switch_cold(env: BenchEnv) -> dict[str, Any]:
    """As ``pg_case_switch`` with the background read of the next case turned off."""
    return _switch(env, prefetch=False)


BENCHMARKS = {
    "pg_case_switch": pg_case_switch,
    "pg_case_switch_cold": pg_case_switch_cold,
    "pg_demo_city": pg_demo_city,
    "pg_case_open": pg_case_open,
    "pg_action_tracker": pg_action_tracker,
    "pg_intake_monday": pg_intake_monday,
}
