"""The benchmark runner finds every benchmark and refuses unknown names (no timing here)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

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
