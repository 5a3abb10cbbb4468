"""The benchmark runner finds every benchmark and refuses unknown names (no timing here)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_bench(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_runner_lists_the_foundation_benchmarks() -> None:
    done = run_bench("--list")
    assert done.returncode == 0, done.stderr
    names = done.stdout.split()
    assert {"demo_city", "start_to_agenda"} <= set(names)
    assert names == sorted(names)


def test_an_unknown_benchmark_is_refused_by_name() -> None:
    done = run_bench("no_such_benchmark")
    assert done.returncode == 2
    assert "unknown benchmark no_such_benchmark" in done.stderr


def load_live() -> Any:
    """``bench/benchmarks/live.py`` as a module, leaving this process as it found it."""
    import importlib.util

    import keyring

    # Importing the benchmarks installs their keyring in the process and its environment
    # (bench/common.py): put both back, or later tests (the bundle's) inherit a backend
    # named PYTHON_KEYRING_BACKEND that a frozen program cannot import.
    environ, backend = dict(os.environ), keyring.get_keyring()
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        spec = importlib.util.spec_from_file_location(
            "bench_live", ROOT / "bench" / "benchmarks" / "live.py"
        )
        assert spec is not None and spec.loader is not None
        live = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(live)
    finally:
        sys.path.remove(str(ROOT / "bench"))
        os.environ.clear()
        os.environ.update(environ)
        keyring.set_keyring(backend)
    return live


def test_the_live_benchmark_takes_in_two_lines_printed_together(tmp_path: Path) -> None:
    """A refresh that shows two new entries prints two lines at once; after the last save
    nothing more is printed, and both must still be counted (a buffered readline took the
    first and left the second unread: "missing": 1)."""
    live = load_live()
    script = tmp_path / "two_lines.py"
    script.write_text(
        "import sys, time\n"
        "sys.stdout.write('{\"ready\": true}\\n'); sys.stdout.flush()\n"
        "time.sleep(0.3)\n"
        'sys.stdout.write(\'{"seen": "LIVE-19", "t": 1.0}\\n{"seen": "LIVE-20", "t": 1.0}\\n\')\n'
        "sys.stdout.flush()\n"
        "time.sleep(30)\n"
    )
    client = live.Client("two", [], script=script)
    try:
        assert live._pump_all([client], lambda: client.ready, 20)
        live._pump_all([client], lambda: len(client.seen()) >= 2, 3)
        assert client.seen() == {"LIVE-19": 1.0, "LIVE-20": 1.0}
    finally:
        client.stop()


def test_a_live_client_that_dies_is_reported_at_once_in_its_own_words(tmp_path: Path) -> None:
    """A client that ends before it is ready stops the wait at once, and the error carries
    what it said (it used to be "clients not ready after 180 s", minutes later)."""
    live = load_live()
    script = tmp_path / "dies.py"
    script.write_text(
        "import sys\n"
        "print('This plugin does not support propagateSizeHints()', file=sys.stderr)\n"
        "sys.exit('live_client.py: error: no such case 999')\n"
    )
    client = live.Client("demo.hv", [], script=script)
    started = time.monotonic()
    try:
        with pytest.raises(live.ClientFailed) as failed:
            live._until_ready([client], 60)
    finally:
        client.stop()
    assert time.monotonic() - started < 30
    said = str(failed.value)
    assert "client demo.hv ended before it was ready (exit code 1)" in said
    assert "no such case 999" in said
    assert "propagateSizeHints" not in said


def test_a_live_client_that_is_ready_is_waited_for(tmp_path: Path) -> None:
    live = load_live()
    script = tmp_path / "ready.py"
    script.write_text("import time\nprint('{\"ready\": true}', flush=True)\ntime.sleep(30)\n")
    client = live.Client("ready", [], script=script)
    try:
        live._until_ready([client], 20)  # raises when it is not
        assert client.ready and client.failure() is None
    finally:
        client.stop()


def test_the_live_client_refuses_a_tab_the_case_view_has_not() -> None:
    """FRONTDOOR_LIVE_TAB names the tab every client shows: a wrong name is refused at once,
    naming the tabs there are (every client used to wait, never ready, for 18 minutes)."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "clients" / "live_client.py")]
        + ["--url", "sqlite:///unused.sqlite", "--tab", "0"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert done.returncode == 2
    assert "--tab '0' is not a tab of the case view" in done.stderr
    assert "intelligence" in done.stderr


def test_the_idle_memory_probe_times_the_same_walk_warm_and_after_each_pause() -> None:
    """Every result's ``machine`` says how much dearer memory left alone is to touch again
    (bench/idle_memory.py): a walk warm, one after each pause, and their ratios."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_idle", ROOT / "bench" / "idle_memory.py")
    assert spec is not None and spec.loader is not None
    probe = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(probe)
    found = probe.memory_idle_penalty(objects=2_000, pauses=(0.01, 0.05))
    assert found["objects"] == 2_000
    assert found["warm_ms"] > 0
    for pause in ("0.01", "0.05"):
        taken = found[f"after_{pause}s_ms"]
        assert taken > 0
        assert found[f"after_{pause}s_ratio"] == round(taken / max(found["warm_ms"], 0.001), 1)


def load_written_rows() -> Any:
    """``bench/written_rows.py`` as a module (it imports nothing of the benchmarks' own)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "bench_written_rows", ROOT / "bench" / "written_rows.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks its module up there
    spec.loader.exec_module(module)
    return module


def test_the_write_floor_replays_exactly_the_rows_an_import_added(
    ctx: Any, fresh_settings: Any, profile: Any, migrated_template: Path, tmp_path: Path
) -> None:
    """intake_monday's second floor: the rows the import added, every table, inserted again
    into a copy of the database as it was, with every foreign key satisfied."""
    from sqlalchemy import func, select

    from frontdoor_app.context import build_context
    from frontdoor_app.intake.importer import import_file
    from frontdoor_app.models import AuditEvent, Notification, Person
    from tests.conftest import copy_migrated
    from tests.intake_feedkit import NOW, SAMPLE_FEED

    written_rows = load_written_rows()
    other_url = f"sqlite:///{tmp_path / 'other' / 'frontdoor.sqlite'}"
    copy_migrated(migrated_template, other_url)
    other = build_context(fresh_settings.with_database(other_url), profile)
    try:
        before = written_rows.highest_rowids(ctx.engine)
        assert written_rows.highest_rowids(other.engine) == before  # the same starting point
        feed = tmp_path / "sample-feed.csv"
        feed.write_text(SAMPLE_FEED, encoding="utf-8")
        done = import_file(ctx.sessions, ctx.profile, ctx.actor, feed, now=NOW)
        assert done.imported == 4
        added = written_rows.rows_after(ctx.engine, before)
        counted = written_rows.counted(added)
        with ctx.session() as s:
            for model in (Notification, Person, AuditEvent):
                assert (
                    counted[model.__tablename__]
                    == s.scalar(select(func.count()).select_from(model))
                    - before[model.__tablename__]
                    > 0
                )

        elapsed = written_rows.replay(other.engine, added)

        assert elapsed > 0
        assert written_rows.rows_after(other.engine, before) == added
        with other.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
    finally:
        other.close()


LIVED_IN_PROBE = """
import json, os, sys
from pathlib import Path
sys.path.insert(0, os.getcwd())
work = Path(sys.argv[1])
os.environ["FRONTDOOR_DATA_DIR"] = str(work / "data")
os.environ["FRONTDOOR_USER"] = "bench.chair"
import common
common.CACHE_DIR = work / "cache"
from benchmarks import intake
from sqlalchemy import func, select
from frontdoor_app.demo import build_demo_url
from frontdoor_app.models import ImportBatch, Person

env = common.BenchEnv("small", lambda scale, p: build_demo_url(f"sqlite:///{p}", scale=scale), work)
def counts(path):
    ctx = intake.open_context(f"sqlite:///{path}")
    try:
        with ctx.session() as s:
            batches = s.scalars(select(ImportBatch.imported).order_by(ImportBatch.id)).all()
            return {"batches": list(batches), "people": s.scalar(select(func.count(Person.id)))}
    finally:
        ctx.close()
built = env.cached_database()
lived = intake.lived_in_database(env)
made = lived.stat().st_mtime_ns
again = intake.lived_in_database(env)
rebuilt = again.stat().st_mtime_ns != made
print(json.dumps({
    "built": counts(built), "lived": counts(lived), "same_path": again == lived,
    "rebuilt": rebuilt,
    "left": sorted(p.name for p in (work / "cache").iterdir() if p.suffix != ".sqlite"),
    "weeks": intake.LIVED_IN_WEEKS, "feed": intake.MONDAY_FEED,
}))
"""


def test_the_lived_in_city_is_the_demo_after_earlier_mondays_imported(tmp_path: Path) -> None:
    """intake_monday's second database: the demo as built, then LIVED_IN_WEEKS Mondays'
    feeds through the importer, every notification imported; cached, built once."""
    import json

    done = subprocess.run(
        [sys.executable, "-c", LIVED_IN_PROBE, str(tmp_path)],
        cwd=ROOT / "bench",
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    weeks, feed = seen["weeks"], seen["feed"]
    assert weeks >= 4
    built, lived = seen["built"], seen["lived"]
    assert lived["batches"][: len(built["batches"])] == built["batches"]
    assert lived["batches"][len(built["batches"]) :] == [feed] * weeks
    assert lived["people"] > built["people"]  # new people were added, page by page
    assert seen["same_path"] and not seen["rebuilt"]
    assert seen["left"] == ["feeds"]  # no WAL, nothing half built beside the cache
