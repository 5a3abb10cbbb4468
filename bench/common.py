"""What every benchmark shares: timing, the cached demo databases, fresh copies of them.

A benchmark module in bench/benchmarks/ defines ``BENCHMARKS = {"name": fn}``, where
``fn(env: BenchEnv) -> dict`` returns its metrics (use ``timed`` for median_ms and p95_ms).
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import shutil
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from envkeyring import install as _install_keyring
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from frontdoor_app.models import AgendaItem, Meeting
from frontdoor_app.schema_head import head_revision

# The embedded file is encrypted; the key lives in the benchmarks' own keyring (envkeyring.py).
_install_keyring()

BENCH_DIR = Path(__file__).resolve().parent
CACHE_DIR = BENCH_DIR / "cache"
RESULTS_DIR = BENCH_DIR / "results"


def timed(fn: Callable[[], Any], repeat: int = 20, warmup: int = 1) -> dict[str, float]:
    """Run ``fn`` ``repeat`` times; median and p95 in milliseconds.

    Under the application's collector regime (ui/core/collector.py): automatic cycle
    collection is off while a read or write runs (the worker never collects), and the young
    generation is collected between runs, untimed, as the GUI thread's timer does between
    them. Left on, a full collection of the benchmark's own heap lands in some runs' p95.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        for _ in range(warmup):
            fn()
        samples = []
        for _ in range(repeat):
            gc.collect(0)
            start = time.perf_counter()
            fn()
            samples.append((time.perf_counter() - start) * 1000)
    finally:
        if was_enabled:
            gc.enable()
    return summarise(samples)


BUSIEST = 15  # the cases whose households have the longest history
LATEST = 25  # plus the cases of the latest meeting with an agenda


def case_sample(s: Session) -> tuple[list[int], list[int]]:
    """The cases a case-opening benchmark opens: the newest case of each of the households
    with the longest history, and the first cases of the latest meeting with an agenda."""
    busiest = list(
        s.scalars(
            select(func.max(AgendaItem.id))
            .where(AgendaItem.household_id.is_not(None))
            .group_by(AgendaItem.household_id)
            .order_by(func.count(AgendaItem.id).desc())
            .limit(BUSIEST)
        )
    )
    latest_meeting = s.scalar(
        select(AgendaItem.meeting_id)
        .join(Meeting, Meeting.id == AgendaItem.meeting_id)
        .order_by(Meeting.meeting_date.desc())
        .limit(1)
    )
    latest = list(
        s.scalars(
            select(AgendaItem.id).where(AgendaItem.meeting_id == latest_meeting).limit(LATEST)
        )
    )
    return busiest, latest


def bench_admin(s: Session) -> Any:
    """The benchmarks' admin, for what only an admin does (``frontdoor matching train``)."""
    from frontdoor_app.access.users import ensure_user

    return ensure_user(s, "bench.admin", "Bench Admin", "admin")


def summarise(samples_ms: list[float]) -> dict[str, float]:
    """Median and p95 (nearest rank) of timings in milliseconds, and how many there were."""
    samples = sorted(samples_ms)
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
    return {
        "median_ms": round(statistics.median(samples), 3),
        "p95_ms": round(p95, 3),
        "runs": len(samples),
    }


@dataclass
class BenchEnv:
    scale: str
    build_database: Callable[[str, Path], None]  # (scale, sqlite path) -> builds the demo there
    work_dir: Path
    database: str = "sqlite"  # or "postgresql": bench/benchmarks/server.py

    def cache_path(self) -> Path:
        """Where the cached demo of this scale lives; per local day, as the demo is built
        around today's meeting (a stale one would show an empty agenda), and per schema
        (one built before a migration was added is built again)."""
        today = dt.datetime.now(ZoneInfo("Europe/London")).date().isoformat()
        return CACHE_DIR / f"demo-{self.scale}-{today}-{head_revision()}.sqlite"

    def cached_database(self) -> Path:
        """The demo database of this scale, built once and cached (git-ignored)."""
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        path = self.cache_path()
        if not path.exists():
            tmp = path.with_suffix(".building")
            tmp.unlink(missing_ok=True)
            self.build_database(self.scale, tmp)
            tmp.rename(path)
        return path

    def fresh_copy(self, name: str, source: Path | None = None) -> str:
        """A SQLite URL of a private copy of the cached database (or of ``source``, another
        cached file), for benchmarks that write."""
        source = source or self.cached_database()
        target = self.work_dir / f"{name}.sqlite"
        shutil.copyfile(source, target)
        # Written out before anything is timed: otherwise the kernel's writeback of a copy
        # of several hundred MB runs during the first timed runs and lands in their p95.
        with open(target, "rb+") as copy:
            os.fsync(copy.fileno())
        return f"sqlite:///{target}"
