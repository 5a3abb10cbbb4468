"""A large write's copy from SQLite's WAL into the database file, after the user has it.

In WAL mode SQLite appends each commit's pages to the ``-wal`` file; when a commit leaves
more than 1,000 pages there, that commit also copies them into the database file and syncs
it (a checkpoint) before it returns. A Monday's feed writes about six thousand pages into
the city's register (each new person goes into five indexes), and that copy took 110–160
ms of the second the admin waited for the import (``bench/profile_intake.py``).

``checkpoint_after_commit`` takes the copy off such a unit of work: its connection does not
checkpoint as it commits, and a thread of its own copies the pages as soon as the commit is
done, on a connection of its own (PASSIVE: it never waits for a reader nor holds up a
writer; what a reader still needs is copied by the next checkpoint). The commit is as
durable as every other commit here: with ``synchronous=NORMAL`` the WAL is synced when it
is copied, which is now a few milliseconds after the commit instead of inside it, and a
crash before that loses at most that transaction, never the file's consistency. Whoever
closes the engine lets the copy finish first (``wait``). PostgreSQL and in-memory
databases have nothing to copy.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

SQLITE_AUTOCHECKPOINT_PAGES = 1000  # SQLite's default, put back on the connection after
_OFF = "frontdoor_autocheckpoint_off"  # connection record info: turned off for a unit of work

log = logging.getLogger(__name__)


class _Copy:
    def __init__(self) -> None:
        self.thread: threading.Thread | None = None
        self.seconds: float | None = None


_COPIES: weakref.WeakKeyDictionary[Engine, _Copy] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def install(engine: Engine) -> None:
    """A connection whose unit of work turned the automatic checkpoint off gets it back as
    it returns to the pool, whatever way the unit of work ended (``_configure_sqlite``)."""

    @event.listens_for(engine, "checkin")
    def _restore(dbapi_connection: Any, record: Any) -> None:
        if record is not None and record.info.pop(_OFF, False) and dbapi_connection is not None:
            dbapi_connection.execute(f"PRAGMA wal_autocheckpoint={SQLITE_AUTOCHECKPOINT_PAGES}")


def checkpoint_after_commit(session: Session) -> None:
    """This unit of work's commit writes the WAL only; a thread copies it just after."""
    conn = session.connection()
    engine = conn.engine
    if conn.dialect.name != "sqlite" or engine.url.database in (None, "", ":memory:"):
        return
    conn.exec_driver_sql("PRAGMA wal_autocheckpoint=0")
    conn.connection.info[_OFF] = True

    started: list[bool] = []

    def committed(s: Session) -> None:
        # Also called as each savepoint is released (the import writes inside one), while
        # the transaction goes on: only its own commit has pages to copy. (A listener cannot
        # be removed while it is being called; the session ends with the unit of work.)
        if not started and not s.in_nested_transaction():
            started.append(True)
            _start(engine)

    event.listen(session, "after_commit", committed)


def _start(engine: Engine) -> None:
    with _LOCK:
        copy = _COPIES.setdefault(engine, _Copy())
        if copy.thread is not None and copy.thread.is_alive():
            return  # the running copy takes these pages too, or the next commit's will
        copy.seconds = None
        copy.thread = threading.Thread(
            target=_copy, args=(engine, copy), name="sqlite-checkpoint", daemon=True
        )
        copy.thread.start()


def _copy(engine: Engine, copy: _Copy) -> None:
    start = time.perf_counter()
    try:
        raw = engine.raw_connection()
        try:
            driver = raw.driver_connection
            assert driver is not None
            driver.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        finally:
            raw.close()
    except Exception:  # the next commit's automatic checkpoint copies them instead
        log.warning("copying the WAL into the database file failed", exc_info=True)
    copy.seconds = time.perf_counter() - start


def wait(engine: Engine, timeout: float | None = 60.0) -> float | None:
    """Let a copy under way finish; how long the last one took (seconds), None if none."""
    with _LOCK:
        copy = _COPIES.get(engine)
    if copy is None:
        return None
    if copy.thread is not None:
        copy.thread.join(timeout)
    return copy.seconds
