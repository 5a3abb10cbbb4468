"""Run the benchmarks: ``python bench/run.py [NAME ...] [--scale small|city] [--list]``.

Each module in bench/benchmarks/ exposes ``BENCHMARKS = {name: fn(env)}`` (see common.py).
Prints one JSON object ``{"machine": {...}, "results": {NAME: {...}}}`` to stdout and writes
it to bench/results/latest.json; progress goes to stderr. A benchmark that raises reports
``{"error": "..."}`` and the others still run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from common import BENCH_DIR, RESULTS_DIR, BenchEnv
from idle_memory import memory_idle_penalty

# This checkout's application, whichever one the virtualenv has installed (editable installs
# resolve to theirs only when the path has none): a run from another worktree measures its
# own code, as its clients (bench/clients) already do.
sys.path.insert(0, str(BENCH_DIR.parent))

from frontdoor_app.demo import build_demo_url  # noqa: E402 - after the path above

BENCHMARK_DIR = BENCH_DIR / "benchmarks"
SCALES = ("small", "city")
Benchmark = Callable[[BenchEnv], dict[str, Any]]


def build_database(scale: str, path: Path) -> None:
    """The demo generator, into a new SQLite file at ``path``."""
    build_demo_url(f"sqlite:///{path}", scale=scale)


def discover() -> tuple[dict[str, Benchmark], dict[str, str]]:
    """Every module's BENCHMARKS; modules that fail to import are reported, not fatal."""
    found: dict[str, Benchmark] = {}
    broken: dict[str, str] = {}
    for path in sorted(BENCHMARK_DIR.glob("*.py")):
        if path.name.startswith("_"):
            continue
        try:
            spec = importlib.util.spec_from_file_location(f"benchmarks.{path.stem}", path)
            assert spec and spec.loader
            module = importlib.util.module_from_spec(spec)
            sys.modules[spec.name] = module  # (as ``import`` would: dataclasses look it up)
            spec.loader.exec_module(module)
            table = module.BENCHMARKS
        except Exception as exc:  # a broken module must not stop the others
            broken[f"{path.stem} (module)"] = f"{type(exc).__name__}: {exc}"
            continue
        for name, fn in table.items():
            if name in found:
                broken[name] = f"defined twice (again in {path.name})"
            found[name] = fn
    return found, broken


def package_version(name: str) -> str | None:
    try:
        return version(name)
    except PackageNotFoundError:
        return None


def machine() -> dict[str, Any]:
    """What the figures depend on; these machines are shared, so the load is recorded too."""
    try:
        commit = (
            subprocess.run(
                ["git", "rev-parse", "--short", "HEAD"],
                cwd=BENCH_DIR,
                capture_output=True,
                text=True,
                timeout=10,
                check=False,
            ).stdout.strip()
            or None
        )
    except OSError:
        commit = None
    return {
        "cpu_count": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "load_average": [round(x, 2) for x in os.getloadavg()]
        if hasattr(os, "getloadavg")
        else None,
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "pyside6": package_version("PySide6"),
        "sqlalchemy": package_version("SQLAlchemy"),
        "alembic": package_version("alembic"),
        "sqlite": sqlite3.sqlite_version,
        "git_commit": commit,
        # memory left untouched for a while, dearer to touch again (bench/idle_memory.py)
        "memory_idle_penalty": memory_idle_penalty(),
        "started_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


def run_one(name: str, fn: Benchmark, env: BenchEnv) -> dict[str, Any]:
    print(f"bench: {name} ...", file=sys.stderr, flush=True)
    started = time.perf_counter()
    try:
        result = dict(fn(env))
    except Exception as exc:  # reported in the JSON; the runner goes on
        result = {
            "error": f"{type(exc).__name__}: {exc}",
            "traceback": traceback.format_exc(limit=6).splitlines()[-12:],
        }
    result["wall_s"] = round(time.perf_counter() - started, 3)
    status = "ERROR " + result["error"] if "error" in result else "done"
    print(f"bench: {name} {status} ({result['wall_s']} s)", file=sys.stderr, flush=True)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the front door benchmarks.")
    parser.add_argument("names", nargs="*", metavar="NAME", help="benchmarks to run (default: all)")
    parser.add_argument(
        "--scale",
        choices=SCALES,
        default="small",
        help="demo database the benchmarks use (default: small)",
    )
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    parser.add_argument(
        "--database",
        choices=("sqlite", "postgresql"),
        default="sqlite",
        help="postgresql: the pg_* benchmarks on a throwaway server, signed in "
        "with RLS on, beside the superuser (RLS off)",
    )
    args = parser.parse_args(argv)

    benchmarks, broken = discover()
    if args.list:
        print("\n".join(sorted(benchmarks)))
        return 0
    unknown = [n for n in args.names if n not in benchmarks]
    if unknown:
        parser.error(
            f"unknown benchmark {', '.join(unknown)}; known: {', '.join(sorted(benchmarks))}"
        )
    chosen = args.names or sorted(benchmarks)

    results: dict[str, Any] = {name: {"error": message} for name, message in broken.items()}
    with tempfile.TemporaryDirectory(prefix="frontdoor-bench-") as work:
        work_dir = Path(work)
        # Benchmarks and the processes they start keep out of the developer's own data.
        os.environ["FRONTDOOR_DATA_DIR"] = str(work_dir / "data")
        os.environ.setdefault("FRONTDOOR_USER", "bench.chair")
        os.environ.pop("FRONTDOOR_DATABASE_URL", None)
        info = machine()
        info["scale"] = args.scale
        info["database"] = args.database
        for name in chosen:
            # Each benchmark's private copies (city scale: ~800 MB each) go when it is done.
            own_dir = work_dir / name
            own_dir.mkdir()
            env = BenchEnv(
                scale=args.scale,
                build_database=build_database,
                work_dir=own_dir,
                database=args.database,
            )
            results[name] = run_one(name, benchmarks[name], env)
            shutil.rmtree(own_dir, ignore_errors=True)

    report = {"machine": info, "results": results}
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    text = json.dumps(report, indent=2, ensure_ascii=False, default=str)
    (RESULTS_DIR / "latest.json").write_text(text + "\n", encoding="utf-8")
    print(text)
    return 1 if any("error" in r for r in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
