"""The change log is read so that no change is skipped or delivered twice, and the live feed
wakes on PostgreSQL's doorbell, survives a server that goes away and catches up."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session

from frontdoor_app.models import ChangeLog
from frontdoor_app.models.database import make_engine, upgrade
from frontdoor_app.profile import Profile
from frontdoor_app.settings import Settings
from frontdoor_app.sync.changes import Cursor, changes_since, note, read, start
from tests.ui_support import context_for


@pytest.fixture
def engine(any_db_url: str) -> Iterator[Engine]:
    e = make_engine(any_db_url)
    upgrade(e)
    yield e
    e.dispose()


def _read(engine: Engine, cursor: Cursor) -> tuple[list[int], Cursor]:
    with Session(engine) as s:
        rows, cursor = read(s, cursor)
        s.rollback()
    return [r.id for r in rows], cursor


def _start(engine: Engine) -> Cursor:
    with Session(engine) as s:
        cursor = start(s)
        s.rollback()
    return cursor


def _write(engine: Engine, table: str = "decision", row_id: int = 1) -> int:
    with Session(engine) as s:
        note(s, table, row_id, "update")
        s.flush()
        new = s.scalar(select(ChangeLog.id).order_by(ChangeLog.id.desc()).limit(1))
        s.commit()
    assert new is not None
    return int(new)


def test_a_new_reader_starts_at_the_end_and_sees_each_later_change_once(engine: Engine) -> None:
    _write(engine)
    cursor = _start(engine)
    assert _read(engine, cursor)[0] == []
    first = _write(engine, row_id=2)
    second = _write(engine, row_id=3)
    ids, cursor = _read(engine, cursor)
    assert ids == [first, second]
    assert _read(engine, cursor)[0] == []


def test_two_writers_committing_out_of_order_lose_nothing(pg_url: str) -> None:
    """Writer 1 holds id N uncommitted while writer 2 commits N+1: the reader sees N+1 first
    and N when it commits, each exactly once (the old ``id > last_id`` read skipped N)."""
    engine = make_engine(pg_url)
    try:
        upgrade(engine)
        cursor = _start(engine)
        slow = Session(engine)
        note(slow, "decision", 10, "update")
        slow.flush()
        held = slow.scalar(select(ChangeLog.id).order_by(ChangeLog.id.desc()).limit(1))
        quick = _write(engine, row_id=11)
        assert held is not None and quick > held

        ids, cursor = _read(engine, cursor)
        assert ids == [quick]
        with Session(engine) as s:  # the old way moves past the held id for good
            old_way_after = changes_since(s, quick)
        slow.commit()
        slow.close()

        ids, cursor = _read(engine, cursor)
        assert ids == [held]
        assert _read(engine, cursor)[0] == []
        assert old_way_after == []  # ... and would never have read it
        assert cursor.seen == frozenset()  # everything below the horizon is forgotten
    finally:
        engine.dispose()


def test_a_rolled_back_writer_leaves_a_gap_that_does_not_hold_the_reader(pg_url: str) -> None:
    engine = make_engine(pg_url)
    try:
        upgrade(engine)
        cursor = _start(engine)
        with Session(engine) as gone:
            note(gone, "decision", 1, "update")
            gone.flush()
            gone.rollback()
        kept = _write(engine, row_id=2)
        ids, cursor = _read(engine, cursor)
        assert ids == [kept]
        ids, cursor = _read(engine, cursor)
        assert ids == []
        assert cursor.seen == frozenset()
    finally:
        engine.dispose()


def test_many_writers_at_random_every_change_is_delivered_exactly_once(pg_url: str) -> None:
    engine = make_engine(pg_url, pool_size=10)
    try:
        upgrade(engine)
        cursor = _start(engine)
        committed: list[int] = []
        lock = threading.Lock()
        rng = random.Random(12)
        delays = [[rng.random() * 0.02 for _ in range(25)] for _ in range(6)]

        def writer(pauses: list[float]) -> None:
            for pause in pauses:
                with Session(engine) as s:
                    note(s, "intelligence_entry", 1, "insert")
                    # Reading the log in the writer's unit of work writes its held row.
                    new = s.scalar(
                        select(ChangeLog.id).where(
                            ChangeLog.txid == text("pg_current_xact_id()::text::bigint")
                        )
                    )
                    time.sleep(pause)  # hold the id while others commit theirs
                    if new is not None and pause < 0.018:
                        s.commit()
                        with lock:
                            committed.append(int(new))
                    else:
                        s.rollback()

        threads = [threading.Thread(target=writer, args=(d,)) for d in delays]
        for t in threads:
            t.start()
        delivered: list[int] = []
        while any(t.is_alive() for t in threads):
            ids, cursor = _read(engine, cursor)
            delivered += ids
            time.sleep(0.003)
        for t in threads:
            t.join()
        ids, cursor = _read(engine, cursor)
        delivered += ids
        assert len(committed) > 100
        assert len(delivered) == len(set(delivered)), "a change was delivered twice"
        assert sorted(delivered) == sorted(committed), "a change was skipped"
    finally:
        engine.dispose()


def test_the_doorbell_payload_is_opaque(pg_url: str) -> None:
    engine = make_engine(pg_url)
    try:
        upgrade(engine)
        conninfo = make_url(pg_url).set(drivername="postgresql").render_as_string(False)
        with psycopg.connect(conninfo, autocommit=True) as listener:
            listener.execute("LISTEN frontdoor_changes")
            _write(engine, "intelligence_entry", 42)
            got = list(listener.notifies(timeout=5, stop_after=1))
        assert [n.payload for n in got] == ["intelligence_entry:42"]
    finally:
        engine.dispose()


# ---------------------------------------------------------------- the feed on the Qt side
def _feed(qtbot, ctx, **kwargs):  # type: ignore[no-untyped-def]
    from frontdoor_app.ui.core.live import LiveFeed
    from frontdoor_app.ui.core.worker import Worker

    worker = Worker()
    feed = LiveFeed(ctx, worker, **kwargs)
    received: list[int] = []
    feed.changed.connect(lambda rows: received.extend(r.id for r in rows))
    return feed, worker, received


def _deny(admin: str, database: str, allow: bool) -> None:
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS {str(allow).lower()}')
        if not allow:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                (database,),
            )


def _admin_of(pg_url: str) -> tuple[str, str]:
    url = make_url(pg_url)
    admin = url.set(drivername="postgresql", database="postgres").render_as_string(False)
    return admin, str(url.database)


def test_the_feed_wakes_on_the_doorbell_not_the_timer(
    qtbot, pg_app_url: str, fresh_settings: Settings, profile: Profile
) -> None:  # type: ignore[no-untyped-def]
    ctx = context_for(fresh_settings, pg_app_url, profile, "test.chair")
    feed, worker, received = _feed(qtbot, ctx, interval_ms=60_000, safety_net_ms=60_000)
    try:
        feed.start()
        qtbot.waitUntil(lambda: feed.listening and feed.last_id is not None, timeout=10_000)
        for row in (1, 2, 3):
            new = _write(ctx.engine, "decision", row)
            # The timer ticks once a minute: only the doorbell can bring it in time.
            qtbot.waitUntil(lambda new=new: new in received, timeout=3_000)
        assert len(received) == len(set(received)) == 3
    finally:
        feed.stop()
        worker.stop()
        ctx.close()


def test_the_safety_net_reads_only_when_the_bell_has_been_quiet(
    qtbot, pg_app_url: str, fresh_settings: Settings, profile: Profile
) -> None:  # type: ignore[no-untyped-def]
    """While saves keep the bell ringing the net reads nothing beside the bell's reads (it
    read every 2 s regardless: a third more reads for every laptop in a busy room); once
    the room is quiet it reads again, as often as set."""
    ctx = context_for(fresh_settings, pg_app_url, profile, "test.chair")
    feed, worker, received = _feed(qtbot, ctx, interval_ms=60_000, safety_net_ms=500)
    reads: list[float] = []
    feed.answered.connect(lambda: reads.append(time.monotonic()))
    try:
        feed.start()
        qtbot.waitUntil(lambda: feed.listening and feed.last_id is not None, timeout=10_000)
        qtbot.wait(100)
        busy_from = time.monotonic()
        written = []
        for row in range(8):  # 1.6 s of saves, one every 200 ms: three nets' worth
            written.append(_write(ctx.engine, "decision", 30 + row))
            qtbot.waitUntil(lambda: written[-1] in received, timeout=3_000)
            qtbot.wait(200)
        quiet_from = time.monotonic()
        qtbot.wait(1_300)
        busy = [t for t in reads if busy_from <= t < quiet_from]
        quiet = [t for t in reads if t >= quiet_from]
        assert received == written
        assert len(busy) <= len(written), busy  # the bell's reads, and no net among them
        assert 1 <= len(quiet) <= 3, quiet  # the net, once the bell is quiet
    finally:
        feed.stop()
        worker.stop()
        ctx.close()


def test_a_feed_started_while_the_server_refuses_catches_up_when_it_is_back(
    qtbot, pg_app_url: str, fresh_settings: Settings, profile: Profile
) -> None:  # type: ignore[no-untyped-def]
    ctx = context_for(fresh_settings, pg_app_url, profile, "test.chair")
    admin, database = _admin_of(pg_app_url)
    feed, worker, received = _feed(qtbot, ctx, interval_ms=50)
    try:
        _deny(admin, database, allow=False)
        feed.start()
        qtbot.waitUntil(lambda: not feed.online, timeout=10_000)
        assert feed.last_id is None
        _deny(admin, database, allow=True)
        qtbot.waitUntil(lambda: feed.online and feed.last_id is not None, timeout=20_000)
        new = _write(ctx.engine, "decision", 7)
        qtbot.waitUntil(lambda: new in received, timeout=10_000)
        qtbot.waitUntil(lambda: feed.listening, timeout=10_000)
    finally:
        _deny(admin, database, allow=True)
        feed.stop()
        worker.stop()
        ctx.close()


def test_killed_connections_are_noticed_and_nothing_written_meanwhile_is_missed(
    qtbot, pg_app_url: str, fresh_settings: Settings, profile: Profile
) -> None:  # type: ignore[no-untyped-def]
    ctx = context_for(fresh_settings, pg_app_url, profile, "test.chair")
    admin, database = _admin_of(pg_app_url)
    feed, worker, received = _feed(qtbot, ctx, interval_ms=50, safety_net_ms=60_000)
    writer = make_engine(pg_app_url)
    try:
        feed.start()
        qtbot.waitUntil(lambda: feed.listening and feed.last_id is not None, timeout=10_000)
        _deny(admin, database, allow=False)  # every connection of the client is killed
        qtbot.waitUntil(lambda: not feed.online, timeout=10_000)
        _deny(admin, database, allow=True)
        while_down = _write(writer, "decision", 8)  # written before the client is back
        qtbot.waitUntil(lambda: while_down in received, timeout=20_000)
        qtbot.waitUntil(lambda: feed.online and feed.listening, timeout=10_000)
        after = _write(writer, "decision", 9)
        qtbot.waitUntil(lambda: after in received, timeout=3_000)  # the doorbell again
        assert received.count(while_down) == 1 and received.count(after) == 1
    finally:
        _deny(admin, database, allow=True)
        feed.stop()
        worker.stop()
        writer.dispose()
        ctx.close()


def test_a_change_noted_in_a_savepoint_goes_with_it(engine: Engine) -> None:
    """A change noted inside a savepoint is written there and then (the import stores each
    record in one): rolling the savepoint back takes the change away, keeping it keeps it."""
    cursor = _start(engine)
    with Session(engine) as s:
        with s.begin_nested() as gone:
            note(s, "decision", 21, "update")
            gone.rollback()
        with s.begin_nested():
            note(s, "decision", 22, "update")
        note(s, "decision", 23, "update")  # the unit of work's own, held to its commit
        s.commit()
    with Session(engine) as s:
        rows, _cursor = read(s, cursor)
        s.rollback()
    assert [r.row_id for r in rows] == [22, 23]
