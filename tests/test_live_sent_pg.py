"""The change feed's reads sent from the GUI thread (PostgreSQL): once its kept connection is
open, each read of the log is sent and its answer taken when the socket has it, with no job
for the worker; a look-ahead that needs to read more reads on the worker; a read whose
connection is killed fails as a worker's read did (offline, then caught up, nothing twice);
a feed stopped with a read under way leaves no half-read answer on a kept connection."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from sqlalchemy import event, func, select

from frontdoor_app.models import ChangeLog
from frontdoor_app.profile import Profile
from frontdoor_app.settings import Settings
from tests.test_change_feed import _admin_of, _feed, _write
from tests.ui_support import context_for

pytestmark = pytest.mark.postgres


@pytest.fixture
def chair(pg_app_url: str, fresh_settings: Settings, profile: Profile) -> Iterator[Any]:
    ctx = context_for(fresh_settings, pg_app_url, profile, "test.chair")
    yield ctx
    ctx.close()


def _started(
    qtbot: Any, ctx: Any, interval_ms: int = 60_000
) -> tuple[Any, Any, list[int], list[str]]:
    """A feed listening, its first read made (on the worker: it opens the kept connection),
    and the worker's jobs counted from then on. Only the doorbell brings a change in time
    (``interval_ms``: how often it polls while the doorbell is down)."""
    feed, worker, received = _feed(qtbot, ctx, interval_ms=interval_ms, safety_net_ms=60_000)
    feed.start()
    qtbot.waitUntil(lambda: feed.listening and feed.last_id is not None, timeout=10_000)
    first = _write(ctx.engine, "decision", 1)
    qtbot.waitUntil(lambda: first in received, timeout=5_000)
    qtbot.waitUntil(lambda: worker.pending == 0, timeout=5_000)
    jobs: list[str] = []
    run = worker.run

    def counting(fn: Any, *args: Any, **kw: Any) -> Any:
        jobs.append(getattr(fn, "__qualname__", repr(fn)))
        return run(fn, *args, **kw)

    worker.run = counting  # type: ignore[method-assign]
    return feed, worker, received, jobs


def _log_reads(ctx: Any) -> tuple[list[int], Any]:
    """The threads the log's reads run on (by the engine's cursor events)."""
    threads: list[int] = []

    def before(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        if "horizon" in statement and "change_log" in statement:
            threads.append(threading.get_ident())

    event.listen(ctx.engine, "before_cursor_execute", before)
    return threads, lambda: event.remove(ctx.engine, "before_cursor_execute", before)


def test_the_log_is_read_from_this_thread_with_no_job_for_the_worker(qtbot, chair) -> None:  # type: ignore[no-untyped-def]
    feed, worker, received, jobs = _started(qtbot, chair)
    threads, stop_hearing = _log_reads(chair)
    try:
        written = []
        for row in (2, 3, 4):
            written.append(_write(chair.engine, "decision", row))
            qtbot.waitUntil(lambda: written[-1] in received, timeout=3_000)
        assert received[-3:] == written and len(received) == len(set(received))
        assert threads and set(threads) == {threading.main_thread().ident}
        assert jobs == []  # the worker was given nothing for them
    finally:
        stop_hearing()
        feed.stop()
        worker.stop()


def test_a_look_ahead_answers_at_once_or_reads_on_the_worker(qtbot, chair) -> None:  # type: ignore[no-untyped-def]
    """A look-ahead that has all it needs in what the log brought answers on this thread; one
    that reads more runs on the worker, on the kept connection, after the log's read."""
    feed, worker, received, jobs = _started(qtbot, chair)
    answers: list[Any] = []
    feed.changed_ahead.connect(lambda _rows, answer: answers.append(answer))
    read_on: list[int] = []

    def from_the_changes(_s: Any, rows: Any) -> Any:
        return ("brought", tuple(r.row_id for r in rows))

    def counting_the_log(s: Any, rows: Any) -> Any:
        read_on.append(threading.get_ident())
        return ("read", s.scalar(select(func.count(ChangeLog.id))), len(rows))

    try:
        feed.look_ahead = lambda: from_the_changes
        new = _write(chair.engine, "decision", 5)
        qtbot.waitUntil(lambda: new in received, timeout=3_000)
        assert answers == [("brought", (5,))] and jobs == []
        feed.look_ahead = lambda: counting_the_log
        new = _write(chair.engine, "decision", 6)
        qtbot.waitUntil(lambda: new in received, timeout=3_000)
        with chair.read_session() as s:
            logged = s.scalar(select(func.count(ChangeLog.id)))
        assert answers[1:] == [("read", logged, 1)]  # it saw at least what the log saw
        # tried here first (refused at its first statement), then read on the worker
        main, on_worker = threading.main_thread().ident, worker._thread.ident
        assert len(jobs) == 1 and read_on == [main, on_worker]
    finally:
        feed.stop()
        worker.stop()


def test_a_read_on_a_killed_connection_goes_offline_and_catches_up(qtbot, chair) -> None:  # type: ignore[no-untyped-def]
    feed, worker, received, _jobs = _started(qtbot, chair, interval_ms=50)
    went: list[bool] = []
    feed.online_changed.connect(went.append)
    admin, _database = _admin_of(str(chair.engine.url.render_as_string(False)))
    try:
        kept = feed._reads_on.connected
        assert kept is not None
        pid = kept.connection.driver_connection.info.backend_pid
        with psycopg.connect(admin, autocommit=True) as other:
            other.execute("SELECT pg_terminate_backend(%s)", (pid,))
        new = _write(chair.engine, "decision", 7)  # the bell rings; its read fails
        qtbot.waitUntil(lambda: new in received, timeout=20_000)
        qtbot.waitUntil(lambda: feed.online and feed.listening, timeout=10_000)
        assert received.count(new) == 1 and went[:1] == [False]  # it said it was away
        fresh = feed._reads_on.connected
        assert fresh is not None
        assert fresh.connection.driver_connection.info.backend_pid != pid
        later = _write(chair.engine, "decision", 8)  # and sent from this thread again
        qtbot.waitUntil(lambda: later in received, timeout=3_000)
        assert received.count(later) == 1
    finally:
        feed.stop()
        worker.stop()


def test_a_feed_stopped_with_a_read_under_way_drops_its_connection(qtbot, chair) -> None:  # type: ignore[no-untyped-def]
    feed, worker, received, _jobs = _started(qtbot, chair)
    try:
        new = _write(chair.engine, "decision", 9)
        feed.poll()  # sent now, from here: its answer not yet taken
        assert feed._answer.waiting
        feed.stop()
        assert not feed._answer.waiting and feed._reads_on.connected is None
        qtbot.wait(300)
        assert new not in received  # nothing delivered by a stopped feed
    finally:
        worker.stop()
