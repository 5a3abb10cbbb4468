"""A first run that is interrupted leaves no broken demo: the next start builds it again.

The real desktop application is started on a fresh data folder and killed (SIGKILL) at
several points of its first run's demo build; the next start, a separate process, must
open today's full demo agenda and say that it built the demo again.
"""

from __future__ import annotations

import contextlib
import csv
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from frontdoor_app import cipher
from frontdoor_app.demo.build import BUILT, STARTED, build_demo_url, local_today
from tests.conftest import keyring_env  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CHILD = ROOT / "tests" / "first_run_child.py"


def _env(data: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FRONTDOOR_")}
    # The run's database key, in an environment keyring the child reads (never the OS's).
    return dict(
        env,
        QT_QPA_PLATFORM="offscreen",
        FRONTDOOR_DATA_DIR=str(data),
        FRONTDOOR_USER="first.user",
        **keyring_env(),
    )


def _counts(path: Path) -> dict[str, object]:
    today = local_today().isoformat()
    db = cipher.connect(path)  # the file is encrypted; the run's key opens it
    with contextlib.closing(db):
        one = lambda sql, *a: db.execute(sql, a).fetchone()[0]  # noqa: E731
        return {
            "started": one("SELECT count(*) FROM audit_event WHERE action = ?", STARTED),
            "built": one("SELECT count(*) FROM audit_event WHERE action = ?", BUILT),
            "history": one(
                "SELECT count(*) FROM notification n WHERE NOT EXISTS (SELECT 1 "
                "FROM agenda_item a JOIN meeting m ON m.id = a.meeting_id WHERE "
                "a.notification_id = n.id AND m.meeting_date = ?)",
                today,
            ),
            "today_items": one(
                "SELECT count(*) FROM agenda_item a JOIN meeting m ON "
                "m.id = a.meeting_id WHERE m.meeting_date = ?",
                today,
            ),
            "meetings": one("SELECT count(*) FROM meeting"),
        }


@pytest.fixture(scope="module")
def whole_demo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """What an uninterrupted first run leaves: the numbers every rebuilt demo must match."""
    path = tmp_path_factory.mktemp("whole") / "frontdoor.sqlite"
    build_demo_url(f"sqlite:///{path}")
    return _counts(path)


@pytest.mark.parametrize(
    ("step", "rebuilt"),
    [
        ("insert:person", True),  # during the history's one transaction
        ("feed", True),  # the history committed, today's feed not yet drawn
        ("import", True),  # during the feed: written, not yet imported
        ("agenda", True),  # during the feed: imported, today's agenda not yet built
        ("done", False),  # after the demo was marked complete: nothing to do again
    ],
)
def test_a_killed_first_run_is_finished_by_the_next_start(
    tmp_path: Path, whole_demo: dict[str, object], step: str, rebuilt: bool
) -> None:
    data = tmp_path / "data"
    database = data / "frontdoor.sqlite"
    first = subprocess.run(
        [sys.executable, str(CHILD), step],
        env=_env(data),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert first.returncode == -signal.SIGKILL, (first.returncode, first.stdout, first.stderr)
    assert f"KILLED_AT {step}" in first.stdout
    half = _counts(database)
    assert half["started"] == 1 and half["built"] == (0 if rebuilt else 1)

    # The next start: the real application, unmodified, on the same data folder.
    second = subprocess.run(
        [
            sys.executable,
            "-m",
            "frontdoor_app",
            "--smoke-test",
            "--database",
            f"sqlite:///{database}",
        ],
        env=_env(data),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert second.returncode == 0, (second.stdout, second.stderr)
    assert "smoke test passed: today's agenda" in second.stdout
    assert ("demo: rebuilt" if rebuilt else "demo: already there") in second.stdout
    whole = _counts(database)
    # Today's feed stops at the clock, so its size is this run's: one case per notification.
    with (data / "feeds" / f"feed-{local_today().isoformat()}.csv").open(encoding="utf-8") as f:
        feed = {row["police_ref"] for row in csv.DictReader(f)}
    assert whole["today_items"] == len(feed) > 0
    assert {**whole, "today_items": 0} == {**whole_demo, "today_items": 0}, (
        "the next start's demo is the whole demo, once"
    )
    aside = sorted(data.glob("frontdoor.sqlite.unfinished-demo-*"))
    assert [p.name.endswith(("-wal", "-shm", "-journal")) for p in aside].count(False) == (
        1 if rebuilt else 0
    )
    log_text = (data / "logs" / "frontdoor.log").read_text(encoding="utf-8")
    if rebuilt:
        assert "set aside" in log_text and "building it again" in log_text
