"""A large write's copy into the database file happens after its commit, on a thread of its
own (models/checkpoint.py): the commit leaves the pages in the WAL, the thread copies all of
them, the connection checkpoints as usual afterwards, and nothing written is lost.

What has been copied is read from the WAL index (the ``-shm`` file, which SQLite maps and
never encrypts): the last frame written (``mxFrame``, bytes 16–19 of the header) and the
last frame copied into the database file (``nBackfill``, bytes 96–99), in the machine's
byte order.
"""

from __future__ import annotations

import struct
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import sessionmaker

from frontdoor_app import cipher
from frontdoor_app.intake.importer import import_file
from frontdoor_app.models import ImportBatch, Notification, checkpoint
from frontdoor_app.models.database import make_engine, session_scope
from tests.intake_feedkit import SAMPLE_FEED

ROWS = 6000  # about 1,500 pages of 4 KiB: past SQLite's automatic checkpoint at 1,000


def frames(database: Path) -> tuple[int, int]:
    """(frames written to the WAL, frames copied into the database file)."""
    shm = database.with_name(database.name + "-shm").read_bytes()
    (written,) = struct.unpack_from("=I", shm, 16)
    (copied,) = struct.unpack_from("=I", shm, 96)
    return written, copied


@pytest.fixture
def engine(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'big.db'}", key=cipher.Key(raw=bytes(32)))
    with session_scope(sessionmaker(engine)) as s:
        s.execute(text("CREATE TABLE t (a INTEGER PRIMARY KEY, b TEXT)"))
    yield engine
    checkpoint.wait(engine)
    engine.dispose()


def write_many(s) -> None:
    s.execute(
        text(
            "INSERT INTO t (b) SELECT hex(randomblob(500)) FROM (WITH RECURSIVE c(x) AS "
            f"(SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < {ROWS}) SELECT x FROM c)"
        )
    )


def test_a_large_commit_checkpoints_as_it_commits_unless_told_to_leave_it(engine, tmp_path):
    database, sessions = tmp_path / "big.db", sessionmaker(engine)
    with session_scope(sessions) as s:
        write_many(s)
    written, copied = frames(database)
    assert written > 1000 and copied == written  # SQLite's own: copied before commit returned

    started: list[tuple[int, int]] = []  # the WAL as the copy would have started
    real_start = checkpoint._start
    checkpoint._start = lambda _engine: started.append(frames(database))  # type: ignore[assignment]
    try:
        with session_scope(sessions) as s:
            checkpoint.checkpoint_after_commit(s)
            with s.begin_nested():  # as the import writes: inside a savepoint
                write_many(s)
            assert started == []  # a savepoint released is no commit
    finally:
        checkpoint._start = real_start  # type: ignore[assignment]
    written, copied = frames(database)
    assert started == [(written, copied)]  # once, after the commit: its pages in the WAL
    assert written > 1000 and copied < written  # the commit wrote the WAL only
    with engine.connect() as c:  # the connection is back to SQLite's default
        assert c.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 1000

    checkpoint._start(engine)
    assert checkpoint.wait(engine) is not None
    written_after, copied_after = frames(database)
    assert copied_after == written_after == written  # the thread copied every page
    with session_scope(sessions) as s:
        assert s.execute(text("SELECT count(*) FROM t")).scalar() == 2 * ROWS


def test_a_unit_of_work_that_fails_starts_no_copy_and_gets_its_checkpoint_back(engine):
    sessions = sessionmaker(engine)
    with pytest.raises(RuntimeError), session_scope(sessions) as s:
        checkpoint.checkpoint_after_commit(s)
        write_many(s)
        raise RuntimeError("the import failed")
    assert checkpoint.wait(engine) is None  # no thread was started
    assert not [t for t in threading.enumerate() if t.name == "sqlite-checkpoint"]
    with engine.connect() as c:
        assert c.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 1000
        assert c.exec_driver_sql("SELECT count(*) FROM t").scalar() == 0


def test_an_import_leaves_its_copy_to_the_thread_and_keeps_every_row(ctx, tmp_path):
    path = tmp_path / "feed.csv"
    path.write_text(SAMPLE_FEED, encoding="utf-8")
    summary = import_file(ctx.sessions, ctx.profile, ctx.actor, path)
    assert summary.imported == 4
    assert checkpoint.wait(ctx.engine) is not None  # the import's copy ran on its thread
    written, copied = frames(Path(ctx.engine.url.database))
    assert written > 0 and copied == written  # after the commit: every page of it copied
    ctx.engine.dispose()  # every connection closed: what is read next comes from the file
    with ctx.session() as s:
        assert s.get_one(ImportBatch, summary.batch_id).imported == 4
        assert s.scalar(select(func.count()).select_from(Notification)) == 4
