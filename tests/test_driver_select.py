"""A SELECT run on the driver (``models.driver``) gives what SQLAlchemy's execution gives:
the same rows under the same names, instants in UTC, its failures as SQLAlchemy's (a lost
connection invalidated), and the engine's cursor events around it. The same when it is sent
and its answer taken when the socket has it (``SentSelect``)."""

from __future__ import annotations

import datetime as dt
import select as select_module
import time
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from sqlalchemy import Integer, String, bindparam, cast, event, select
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from frontdoor_app.models import ChangeLog
from frontdoor_app.models.database import make_engine, upgrade
from frontdoor_app.models.driver import SentSelect, driver_select, select_rows
from frontdoor_app.sync.changes import note
from frontdoor_app.sync.offline import connection_lost

AFTER = (
    select(ChangeLog.id, ChangeLog.at, ChangeLog.table_name, ChangeLog.row_id.label("row"))
    .where(ChangeLog.id > bindparam("after"))
    .order_by(ChangeLog.id)
)


@pytest.fixture
def engine(any_db_url: str) -> Iterator[Engine]:
    e = make_engine(any_db_url)
    upgrade(e)
    with Session(e) as s:
        for row in (1, None, 3):
            note(s, "decision", row, "update")
        s.commit()
    yield e
    e.dispose()


def test_the_rows_are_sqlalchemys_rows(engine: Engine) -> None:
    with engine.connect() as conn:
        expected = conn.execute(AFTER, {"after": 0}).all()
        got = select_rows(conn, AFTER, {"after": 0})
        later = select_rows(conn, AFTER, {"after": expected[0].id})
    assert len(expected) == 3
    assert [tuple(r) for r in got] == [tuple(r) for r in expected]
    assert [r._fields for r in got[:1]] == [("id", "at", "table_name", "row")]
    assert [r.row for r in got] == [1, None, 3]
    assert all(r.at.tzinfo is dt.UTC for r in got)  # as the column's type gives them
    assert [r.id for r in later] == [r.id for r in expected[1:]]


def test_the_engines_cursor_events_hear_it(engine: Engine) -> None:
    heard: list[str] = []

    def before(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        heard.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        with engine.connect() as conn:
            select_rows(conn, AFTER, {"after": 0})
    finally:
        event.remove(engine, "before_cursor_execute", before)
    assert [h for h in heard if "change_log" in h] == [heard[-1]]  # (SQLite: a BEGIN first)


def test_a_lost_connection_fails_as_sqlalchemy_says_and_is_not_used_again(pg_url: str) -> None:
    engine = make_engine(pg_url)
    try:
        upgrade(engine)
        with engine.connect() as conn:
            pid = conn.connection.driver_connection.info.backend_pid
            admin = make_url(pg_url).set(drivername="postgresql").render_as_string(False)
            with psycopg.connect(admin, autocommit=True) as other:
                other.execute("SELECT pg_terminate_backend(%s)", (pid,))
            with pytest.raises(DBAPIError) as failed:
                select_rows(conn, AFTER, {"after": 0})
            assert failed.value.connection_invalidated and connection_lost(failed.value)
            assert conn.invalidated
        with engine.connect() as conn:  # the pool opens a fresh one
            assert select_rows(conn, AFTER, {"after": 0}) == []
    finally:
        engine.dispose()


def _answer(sent: SentSelect, seconds: float = 10.0) -> list[Any]:
    """What an event loop does with a statement sent: wait for its socket, then advance."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        wanted = ([sent.socket], [sent.socket] if sent.wants_write else [])
        select_module.select(*wanted, [], 0.5)
        rows = sent.advance()
        if rows is not None:
            return rows
    raise AssertionError("no answer")


@pytest.mark.postgres
def test_a_statement_sent_gives_the_rows_and_names_a_wait_gives(pg_url: str) -> None:
    engine = make_engine(pg_url)
    heard: list[tuple[str, str]] = []

    def before(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        heard.append(("before", statement))

    def after(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        heard.append(("after", statement))

    try:
        upgrade(engine)
        with Session(engine) as s:
            for row in (1, None, 3):
                note(s, "decision", row, "update")
            s.commit()
        event.listen(engine, "before_cursor_execute", before)
        event.listen(engine, "after_cursor_execute", after)
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            expected = select_rows(conn, AFTER, {"after": 0})
            heard.clear()
            statement = driver_select(AFTER, conn.dialect)
            first = _answer(statement.send(conn, {"after": 0}))  # prepared, then run
            again = _answer(statement.send(conn, {"after": expected[0].id}))  # run as prepared
        assert len(expected) == 3
        assert first == expected and [r._fields for r in first[:1]] == [expected[0]._fields]
        assert all(r.at.tzinfo is dt.UTC for r in first)
        assert [r.id for r in again] == [r.id for r in expected[1:]]
        # each run heard by the engine's listeners (the PREPARE is not a statement run)
        assert [w for w, _s in heard] == ["before", "after", "before", "after"]
        assert all(s == statement.sql for _w, s in heard)
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)
        engine.dispose()


@pytest.mark.postgres
def test_a_statement_sent_fails_as_sqlalchemy_says(pg_url: str) -> None:
    """The server's error (the connection goes on), and a lost connection (invalidated)."""
    failing = select(ChangeLog.id, cast(bindparam("word", type_=String), Integer).label("x"))
    engine = make_engine(pg_url)
    try:
        upgrade(engine)
        with Session(engine) as s:
            note(s, "decision", 1, "update")
            s.commit()
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            statement = driver_select(failing, conn.dialect)
            with pytest.raises(DBAPIError) as refused:
                _answer(statement.send(conn, {"word": "one"}))
            assert 'invalid input syntax for type integer: "one"' in str(refused.value)
            assert not refused.value.connection_invalidated and not conn.invalidated
            assert [r.x for r in _answer(statement.send(conn, {"word": "1"}))] == [1]
            pid = conn.connection.driver_connection.info.backend_pid
            admin = make_url(pg_url).set(drivername="postgresql").render_as_string(False)
            with psycopg.connect(admin, autocommit=True) as other:
                other.execute("SELECT pg_terminate_backend(%s)", (pid,))
            with pytest.raises(DBAPIError) as lost:
                _answer(statement.send(conn, {"word": "1"}))
            assert lost.value.connection_invalidated and connection_lost(lost.value)
            assert conn.invalidated
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_nothing_is_sent_on_a_connection_in_a_transaction(pg_url: str) -> None:
    engine = make_engine(pg_url)
    try:
        upgrade(engine)
        with engine.connect() as conn:
            conn.execute(select(1))  # a transaction begun, and open
            with pytest.raises(RuntimeError, match="not idle"):
                driver_select(AFTER, conn.dialect).send(conn, {"after": 0})
    finally:
        engine.dispose()
