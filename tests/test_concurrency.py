"""Two people, one row: optimistic locking; two writers, one SQLite file: BEGIN IMMEDIATE."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, event, func, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from frontdoor_app import cipher
from frontdoor_app.models import Household
from frontdoor_app.models.database import make_engine, upgrade


def test_second_save_of_the_same_row_is_a_conflict(any_db_url: str) -> None:
    engine = make_engine(any_db_url)
    try:
        upgrade(engine)
        with Session(engine) as s:
            s.add(Household(reference="HH-000042", address="3 Florence Street", postcode="LS9 7AB"))
            s.commit()
        # Each person loads the row in their own short unit of work, as the screens do.
        with Session(engine, expire_on_commit=False) as first:
            mine = first.scalars(select(Household)).one()
        with Session(engine, expire_on_commit=False) as second:
            theirs = second.scalars(select(Household)).one()
        assert mine.version == theirs.version == 1
        with Session(engine) as first:
            first.add(mine)
            mine.address = "Flat 1, 3 Florence Street"
            first.commit()
        with Session(engine) as second:
            second.add(theirs)
            theirs.address = "3 Florence St (rear)"
            with pytest.raises(StaleDataError):
                second.commit()
        with Session(engine) as s:
            row = s.scalars(select(Household)).one()
            assert (row.address, row.version) == ("Flat 1, 3 Florence Street", 2)
    finally:
        engine.dispose()


def _deferred_engine(url: str) -> Engine:
    """The hazard: pysqlite's own handling with a plain (deferred) BEGIN, as without our recipe."""
    path = url.removeprefix("sqlite:///")
    cipher.prepare(Path(path))  # the embedded file is encrypted (frontdoor_app.cipher)
    engine = create_engine(
        url, module=cipher.dbapi(), creator=lambda: cipher.connect(path, check_same_thread=False)
    )

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        dbapi_connection.execute("PRAGMA busy_timeout=10000")
        dbapi_connection.execute("PRAGMA journal_mode=WAL")

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN")

    return engine


def _read_then_write_while_another_writes(engine: Engine) -> tuple[bool, BaseException | None]:
    """A holds a write; B reads then writes; A commits. Returns (B waited, B's error)."""
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE IF NOT EXISTS note (id INTEGER PRIMARY KEY, body TEXT)"))
    b_read = threading.Event()
    b_error: list[BaseException] = []

    def second_writer() -> None:
        try:
            with engine.begin() as b:
                count = b.execute(text("SELECT count(*) FROM note")).scalar_one()
                b_read.set()
                b.execute(text("INSERT INTO note (body) VALUES (:b)"), {"b": f"after {count}"})
        except BaseException as exc:  # reported to the test thread
            b_error.append(exc)
            b_read.set()

    with engine.connect() as a:
        a.begin()
        a.execute(text("SELECT count(*) FROM note")).scalar_one()
        a.execute(text("INSERT INTO note (body) VALUES ('first')"))
        thread = threading.Thread(target=second_writer)
        thread.start()
        # With BEGIN IMMEDIATE, B cannot even begin (let alone read) while A holds the write lock.
        waited = not b_read.wait(timeout=0.5)
        a.commit()
    thread.join(timeout=30)
    assert not thread.is_alive()
    return waited, (b_error[0] if b_error else None)


def test_begin_immediate_makes_a_second_writer_wait(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'shared.sqlite'}")
    try:
        waited, error = _read_then_write_while_another_writes(engine)
        assert error is None, f"second writer failed: {error}"
        assert waited, "second writer began while the first held the write lock"
        with engine.connect() as conn:
            bodies = conn.execute(text("SELECT body FROM note ORDER BY id")).scalars().all()
        assert bodies == ["first", "after 1"]  # B read A's committed row, then wrote
    finally:
        engine.dispose()


def test_deferred_transactions_fail_at_once_which_is_why_we_begin_immediate(
    tmp_path: Path,
) -> None:
    """The control: the same two writers without BEGIN IMMEDIATE; B fails, whatever the timeout."""
    engine = _deferred_engine(f"sqlite:///{tmp_path / 'shared.sqlite'}")
    try:
        with engine.begin() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        _waited, error = _read_then_write_while_another_writes(engine)
        assert isinstance(error, OperationalError) and "database is locked" in str(error)
        with engine.connect() as conn:
            assert conn.execute(select(func.count()).select_from(text("note"))).scalar() == 1
    finally:
        engine.dispose()
