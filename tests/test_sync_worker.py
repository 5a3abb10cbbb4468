"""The synchronous worker for screen tests keeps the real worker's contract: the same story —
results to ``on_done``, errors to ``on_error``, ``pending`` and ``busy_changed`` — told by
both, the synchronous one before ``run`` returns."""

from __future__ import annotations

from typing import Any

import pytest

from frontdoor_app.ui.core.worker import Worker
from tests.sync_worker import SyncWorker


def story(worker: Any, seen: list[object]) -> None:
    """Each job asked for from the callback of the one before, one of them failing."""
    worker.busy_changed.connect(lambda busy: seen.append(("busy", busy)))

    def fails() -> None:
        raise ValueError("no such case")

    def first_done(value: object) -> None:
        seen.append(("done", value, worker.pending))
        worker.run(fails, lambda v: seen.append(("done", v)), failed)
        seen.append("asked for the next")

    def failed(exc: BaseException) -> None:
        seen.append(("error", str(exc)))
        worker.run(lambda: "last", lambda v: seen.append(("done", v, worker.pending)))

    worker.run(lambda: "first", first_done)


# Busy from the first job to the last delivered; a job asked for from a callback makes the
# worker busy again, and the callback's end reports idle (the worker counted before it).
EXPECTED = [
    ("busy", True),
    ("done", "first", 0),
    ("busy", True),
    "asked for the next",
    ("busy", False),
    ("error", "no such case"),
    ("busy", True),
    ("busy", False),
    ("done", "last", 0),
    ("busy", False),
]


def test_the_sync_worker_tells_the_story_at_once(qtbot) -> None:  # type: ignore[no-untyped-def]
    worker = SyncWorker()
    seen: list[object] = []
    story(worker, seen)
    assert seen == EXPECTED and worker.pending == 0 and worker.jobs_run == 3
    worker.stop()
    worker.run(lambda: pytest.fail("a stopped worker runs nothing"))


def test_the_real_worker_tells_the_same_story(qtbot) -> None:  # type: ignore[no-untyped-def]
    worker = Worker()
    try:
        seen: list[object] = []
        story(worker, seen)
        qtbot.waitUntil(lambda: len(seen) == len(EXPECTED), timeout=10_000)
        assert seen == EXPECTED and worker.pending == 0
    finally:
        worker.stop()
