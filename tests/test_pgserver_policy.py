"""Without a PostgreSQL server the postgres tests skip locally and fail under CI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PG_TEST = """
def test_needs_postgres(pg_url):
    assert pg_url
"""


def run_inner(tmp_path: Path, ci: str | None) -> subprocess.CompletedProcess[str]:
    (tmp_path / "conftest.py").write_text("from tests.conftest import *  # noqa: F403\n")
    (tmp_path / "test_inner.py").write_text(PG_TEST)
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env.update({"PYTHONPATH": str(ROOT), "FRONTDOOR_PG_BINDIR": str(tmp_path / "no-postgres")})
    if ci is not None:
        env["CI"] = ci
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-rs",
            "-p",
            "no:cacheprovider",
            "--rootdir",
            str(tmp_path),
            str(tmp_path / "test_inner.py"),
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_skipped_with_the_reason_on_a_developer_machine(tmp_path: Path) -> None:
    done = run_inner(tmp_path, ci=None)
    assert done.returncode == 0, done.stdout
    assert "1 skipped" in done.stdout and "no PostgreSQL server binaries" in done.stdout


def test_failed_with_the_reason_under_ci(tmp_path: Path) -> None:
    done = run_inner(tmp_path, ci="true")
    assert done.returncode == 1, done.stdout
    assert "must run under CI" in done.stdout and "no PostgreSQL server binaries" in done.stdout
