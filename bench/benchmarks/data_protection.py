"""Data protection benchmarks: the room on the encrypted file beside the plain file (same
run, ratio; goal 1.2x at most), and walking the audit trail's hash chain (rows per second)."""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib.util
import os
import sqlite3
import statistics
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from common import BENCH_DIR, BenchEnv, summarise
from sqlalchemy import func, select

from frontdoor_app import cipher
from frontdoor_app.access.actor import Actor
from frontdoor_app.access.audit_view import AuditFilter, audit_page
from frontdoor_app.access.chain import verify
from frontdoor_app.clock import Clock
from frontdoor_app.models import AgendaItem, AuditEvent, HouseholdMember
from frontdoor_app.models.database import make_engine, make_session_factory, session_scope

ENCRYPTION_RATIO_GOAL = 1.2
ROOM = {
    "case_open": "meeting",
    "action_tracker": "meeting",
    "case_switch": "meeting_ui",
    "intake_monday": "intake",
    "start_to_agenda": "foundation",  # a started process: plain_release/ swaps it
}
PLAIN_RELEASE = BENCH_DIR / "plain_release"  # sitecustomize for a plain started process


def _benchmark(name: str) -> Any:
    path = BENCH_DIR / "benchmarks" / f"{ROOM[name]}.py"
    spec = importlib.util.spec_from_file_location(f"benchmarks.{path.stem}", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.BENCHMARKS[name]


class PlainEnv(BenchEnv):
    """The same demo, decrypted into a plain SQLite file (as the release before this one)."""

    def cached_database(self) -> Path:
        encrypted = super().cached_database()
        plain = encrypted.with_name(encrypted.stem + "-plain.sqlite")
        if not plain.exists():
            tmp = plain.with_suffix(".building")
            tmp.unlink(missing_ok=True)
            with cipher.opened(encrypted) as conn:
                conn.execute(f"ATTACH DATABASE '{tmp}' AS plain KEY ''")
                conn.execute("SELECT sqlcipher_export('plain')")
                conn.execute("DETACH DATABASE plain")
            tmp.rename(plain)
        return plain


@contextlib.contextmanager
def plain_sqlite() -> Iterator[None]:
    """Engines and connections on plain files, through the stdlib driver (no SQLCipher),
    here and in the processes started meanwhile (``plain_release/sitecustomize.py``)."""
    saved = cipher.dbapi, cipher.prepare, cipher.connect
    started = os.environ.get("PYTHONPATH", "")
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(PLAIN_RELEASE), started) if p)
    cipher.dbapi = lambda: sqlite3  # type: ignore[assignment]
    cipher.prepare = lambda path, data_dir=None: cipher.Prepared(cipher.Key(raw=bytes(32)))  # type: ignore[assignment]
    cipher.connect = lambda path, key=None, **kw: sqlite3.connect(str(path), **kw)  # type: ignore[assignment]
    try:
        yield
    finally:
        cipher.dbapi, cipher.prepare, cipher.connect = saved
        os.environ["PYTHONPATH"] = started


def _figure(result: dict[str, Any]) -> tuple[float, float]:
    """Median and p95 of a room benchmark's result (its main timing)."""
    for key in ("median_ms",):
        if key in result:
            return result["median_ms"], result["p95_ms"]
    for value in result.values():  # nested: {"switch": {"median_ms": ...}, ...}
        if isinstance(value, dict) and "median_ms" in value:
            return value["median_ms"], value["p95_ms"]
    raise KeyError(f"no median_ms in {sorted(result)}")


ROUNDS = int(os.environ.get("BENCH_ENCRYPTION_ROUNDS", "3"))
START_REPEAT_EACH = "9"  # launches per round for start_to_agenda (25 when run alone)


def room_encrypted_vs_plain(env: BenchEnv) -> dict[str, Any]:
    """Each room benchmark on the encrypted file and on the plain one, interleaved: in
    ``ROUNDS`` rounds, encrypted then plain, then plain then encrypted, and so on (ABBA),
    so the machine's drift over minutes lands on both files alike. The ratio is the median
    of each round's ratio (encrypted median over plain median, measured minutes apart)."""
    plain_env = PlainEnv(env.scale, env.build_database, env.work_dir)
    plain_env.cached_database()  # exported before the plain driver is swapped in
    out: dict[str, Any] = {"goal_ratio": ENCRYPTION_RATIO_GOAL, "rounds": ROUNDS}
    worst = 0.0
    saved_repeat = os.environ.get("BENCH_START_REPEAT")
    os.environ.setdefault("BENCH_START_REPEAT", START_REPEAT_EACH)
    try:
        for name in ROOM:
            fn = _benchmark(name)
            enc: list[tuple[float, float]] = []
            plain: list[tuple[float, float]] = []
            for round_ in range(ROUNDS):
                for encrypted in (True, False) if round_ % 2 == 0 else (False, True):
                    if encrypted:
                        enc.append(_figure(fn(env)))
                    else:
                        with plain_sqlite():
                            plain.append(_figure(fn(plain_env)))
            ratios = [e[0] / p[0] for e, p in zip(enc, plain, strict=True)]
            ratio = statistics.median(ratios)
            worst = max(worst, ratio)
            out[name] = {
                "encrypted_median_ms": [e[0] for e in enc],
                "plain_median_ms": [p[0] for p in plain],
                "encrypted_p95_ms": [e[1] for e in enc],
                "plain_p95_ms": [p[1] for p in plain],
                "ratio_by_round": [round(r, 2) for r in ratios],
                "ratio_median": round(ratio, 2),
                "ratio_p95": round(
                    statistics.median(e[1] / p[1] for e, p in zip(enc, plain, strict=True)), 2
                ),
            }
    finally:
        if saved_repeat is None:
            os.environ.pop("BENCH_START_REPEAT", None)
    out["worst_ratio_median"] = round(worst, 2)
    out["meets_goal"] = worst <= ENCRYPTION_RATIO_GOAL
    return out


TRAIL_ROWS = 250_000  # about three years of a city's views, edits and exports


def trail_database(env: BenchEnv) -> Path:
    """The demo with a city's audit trail added (the generator audits little): views of
    cases, edits with before/after, exports, by 80 users over three years; sealed into the
    chain as the application seals rows. Built once, cached beside the demo."""
    source = env.cached_database()
    path = source.with_name(f"{source.stem}-trail{TRAIL_ROWS // 1000}k.sqlite")
    if path.exists():
        return path
    import random
    import shutil

    from sqlalchemy import insert

    from frontdoor_app.models.audit_chain import seal_rows

    tmp = path.with_suffix(".building")
    shutil.copyfile(source, tmp)
    engine = make_engine(f"sqlite:///{tmp}")
    sessions = make_session_factory(engine)
    rng = random.Random(14)
    try:
        with session_scope(sessions) as s:
            items = list(s.scalars(select(AgendaItem.id)))
            households = list(s.scalars(select(AgendaItem.household_id).distinct()))
            people = list(s.scalars(select(HouseholdMember.person_id).limit(50_000)))
            users = [f"user.{n:02d}" for n in range(80)]
            start = dt.datetime.now(dt.UTC) - dt.timedelta(days=3 * 365)
            step = dt.timedelta(days=3 * 365) / TRAIL_ROWS
            batch: list[dict[str, Any]] = []
            for n in range(TRAIL_ROWS):
                kind = rng.random()
                row: dict[str, Any] = {
                    "at": start + step * n,
                    "user_id": None,
                    "user_login": rng.choice(users),
                    "before": None,
                    "after": None,
                    "detail": None,
                }
                if kind < 0.6:
                    row.update(
                        action="view",
                        entity="agenda_item",
                        entity_id=rng.choice(items),
                        detail="case opened",
                    )
                elif kind < 0.8:
                    row.update(
                        action="update",
                        entity="household",
                        entity_id=rng.choice(households),
                        before={"address": f"{rng.randint(1, 200)} Old Road"},
                        after={"address": f"{rng.randint(1, 200)} New Road"},
                    )
                elif kind < 0.95:
                    row.update(
                        action="update",
                        entity="person",
                        entity_id=rng.choice(people),
                        before={"school": "Park Primary"},
                        after={"school": "Moor High"},
                    )
                else:
                    row.update(
                        action="export", entity="minutes", entity_id=None, detail="minutes saved"
                    )
                batch.append(row)
                if len(batch) == 10_000:
                    seal_rows(s, batch)
                    s.execute(insert(AuditEvent.__table__), batch)
                    batch = []
            if batch:
                seal_rows(s, batch)
                s.execute(insert(AuditEvent.__table__), batch)
    finally:
        engine.dispose()
    tmp.rename(path)
    return path


def audit_verify(env: BenchEnv) -> dict[str, Any]:
    """``frontdoor audit verify``'s walk over the whole trail of the city database."""
    engine = make_engine(f"sqlite:///{trail_database(env)}")
    sessions = make_session_factory(engine, read_only=True)
    try:
        runs = []
        for _ in range(3):
            with session_scope(sessions) as s:
                start = time.perf_counter()
                verdict = verify(s)
                runs.append(time.perf_counter() - start)
        seconds = sorted(runs)[1]
        return {
            "ok": verdict.ok,
            "rows": verdict.rows,
            "median_s": round(seconds, 3),
            "rows_per_second": round(verdict.rows / seconds),
        }
    finally:
        engine.dispose()


AUDIT_PAGE_GOAL_MS = 100.0
LONDON = Clock("Europe/London")  # the demo authority's clock (the sample profile's zone)


def audit_viewer_page(env: BenchEnv) -> dict[str, Any]:
    """One page of the audit viewer (count + 100 rows, newest first) under each filter."""
    engine = make_engine(f"sqlite:///{trail_database(env)}")
    sessions = make_session_factory(engine, read_only=True)
    admin = Actor(user_id=None, login="bench.admin", display_name="Bench Admin", role="admin")
    try:
        with session_scope(sessions) as s:
            total = s.scalar(select(func.count(AuditEvent.id))) or 0
            login = (
                s.scalar(select(AuditEvent.user_login).order_by(AuditEvent.id.desc()).limit(1))
                or "system"
            )
            household = s.scalar(
                select(AgendaItem.household_id).order_by(AgendaItem.id.desc()).limit(1)
            )
            item = s.scalar(select(AgendaItem.id).order_by(AgendaItem.id.desc()).limit(1))
            person = s.scalar(
                select(HouseholdMember.person_id)
                .where(HouseholdMember.household_id == household)
                .limit(1)
            )
            # The page half-way down the trail, reached by paging (keyset: older than a row).
            deep = s.scalar(
                select(AuditEvent.id).order_by(AuditEvent.id.desc()).offset(total // 2).limit(1)
            )
        today = LONDON.today()
        month = (today - dt.timedelta(days=30), today)
        filters: dict[str, tuple[AuditFilter, int, int | None]] = {
            "newest": (AuditFilter(), 0, None),
            "deep_page": (AuditFilter(), total // 2, deep),
            "user": (AuditFilter(user_login=login), 0, None),
            "action": (AuditFilter(action="view"), 0, None),
            "household": (AuditFilter(household_id=household), 0, None),
            "person": (AuditFilter(person_id=person), 0, None),
            "case": (AuditFilter(case_id=item), 0, None),
            "dates": (AuditFilter(date_from=month[0], date_to=month[1]), 0, None),
        }
        samples: list[float] = []
        per: dict[str, float] = {}
        for name, (f, offset, before) in filters.items():
            runs = []
            for _ in range(5):
                with session_scope(sessions) as s:
                    start = time.perf_counter()
                    audit_page(s, admin, f, offset, before_id=before)
                    runs.append((time.perf_counter() - start) * 1000)
            samples += runs
            per[name] = round(sorted(runs)[len(runs) // 2], 2)
        result = summarise(samples)
        result.update(
            {
                "goal_p95_ms": AUDIT_PAGE_GOAL_MS,
                "meets_goal": result["p95_ms"] < AUDIT_PAGE_GOAL_MS,
                "audit_rows": total,
                "median_ms_by_filter": per,
            }
        )
        return result
    finally:
        engine.dispose()


BENCHMARKS = {
    "room_encrypted_vs_plain": room_encrypted_vs_plain,
    "audit_verify": audit_verify,
    "audit_viewer_page": audit_viewer_page,
}
