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


def _ask(worker: Any, ran: list[str]) -> None:
    """Reads and writes asked for while a job is in hand."""
    for name, first in (("read 1", False), ("read 2", False), ("save 1", True)):
        worker.run(lambda name=name: ran.append(name), first=first)
    worker.run(lambda: ran.append("read 3"))
    worker.run(lambda: ran.append("save 2"), first=True)


# A Save waits for the job in hand only, not for the reads queued before it; writes keep
# their own order, and so do the reads.
ORDER = ["save 1", "save 2", "read 1", "read 2", "read 3"]


def test_a_save_goes_ahead_of_the_reads_waiting_on_the_real_worker(qtbot) -> None:  # type: ignore[no-untyped-def]
    import threading

    worker = Worker()
    release, ran = threading.Event(), []  # type: ignore[var-annotated]
    try:
        worker.run(lambda: release.wait(10))
        _ask(worker, ran)
        assert ran == [] and worker.pending == 6
        release.set()
        qtbot.waitUntil(lambda: worker.pending == 0, timeout=10_000)
        assert ran == ORDER
    finally:
        release.set()
        worker.stop()


def test_a_save_goes_ahead_of_the_reads_waiting_on_the_sync_worker(qtbot) -> None:  # type: ignore[no-untyped-def]
    worker = SyncWorker()
    ran: list[str] = []
    worker.run(lambda: _ask(worker, ran))  # asked for by the job in hand: run after it
    assert ran == ORDER
    worker.stop()


def test_stopping_runs_every_job_asked_for_then_ends(qtbot) -> None:  # type: ignore[no-untyped-def]
    import threading

    worker = Worker()
    release, ran = threading.Event(), []  # type: ignore[var-annotated]
    worker.run(lambda: release.wait(10))
    _ask(worker, ran)
    threading.Timer(0.2, release.set).start()
    worker.stop()  # the drafts being saved, and the reads asked for, still run
    assert ran == ORDER
