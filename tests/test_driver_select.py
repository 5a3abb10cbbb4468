"""A SELECT run on the driver (``models.driver``) gives what SQLAlchemy's execution gives:
the same rows under the same names, instants in UTC, its failures as SQLAlchemy's (a lost
connection invalidated), and the engine's cursor events around it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from sqlalchemy import bindparam, event, select
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from frontdoor_app.models import ChangeLog
from frontdoor_app.models.database import make_engine, upgrade
from frontdoor_app.models.driver import select_rows
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
