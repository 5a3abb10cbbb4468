"""A pooled server connection is pinged only when in doubt (models.database): one used a
moment ago goes straight to work, one the server ended while it sat in the pool is replaced
before any statement is sent on it, and one left idle past the keepalives' first probe (or
across a laptop's sleep) is asked first, as every connection was before."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from sqlalchemy import Engine, text

from frontdoor_app.models import database

pytestmark = pytest.mark.postgres


@pytest.fixture
def engine(pg_url: str) -> Iterator[Engine]:
    made = database.make_engine(pg_url)
    yield made
    made.dispose()


@pytest.fixture
def pings(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Each ping the engine sends (the backend it asked)."""
    asked: list[int] = []
    ping = engine.dialect.do_ping

    def counted(dbapi_connection: Any) -> bool:
        asked.append(dbapi_connection.info.backend_pid)
        return ping(dbapi_connection)

    monkeypatch.setattr(engine.dialect, "do_ping", counted)
    return asked


def _backend(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())


def _terminate(pg_url: str, pid: int) -> None:
    with psycopg.connect(pg_url.replace("+psycopg", ""), autocommit=True) as admin:
        assert admin.execute("SELECT pg_terminate_backend(%s)", (pid,)).fetchone() == (True,)


def _pooled(engine: Engine) -> Any:
    """The one connection record idle in the engine's pool."""
    records = list(engine.pool._pool.queue)  # type: ignore[attr-defined]
    assert len(records) == 1
    return records[0]


def test_a_connection_used_a_moment_ago_is_not_pinged(engine: Engine, pings: list[int]) -> None:
    first = _backend(engine)
    for _ in range(5):
        assert _backend(engine) == first  # the same connection, back from the pool
    assert pings == []


def test_one_the_server_ended_in_the_pool_is_replaced_before_any_statement(
    engine: Engine, pings: list[int], pg_url: str
) -> None:
    first = _backend(engine)
    _terminate(pg_url, first)
    deadline = time.monotonic() + 5
    while not database._server_spoke(_pooled(engine).driver_connection):
        assert time.monotonic() < deadline, "the server's last word never reached the socket"
        time.sleep(0.01)
    second = _backend(engine)  # no error: the unit of work never saw the dead connection
    assert second != first
    assert pings == [first]  # it was asked, because the server had spoken, and failed


def test_one_left_idle_past_the_first_keepalive_probe_is_pinged_first(
    engine: Engine, pings: list[int]
) -> None:
    first = _backend(engine)
    record = _pooled(engine)
    # As if returned QUIET_S ago by the wall clock (a laptop asleep meanwhile counts too).
    record.info[database._RETURNED] -= database.QUIET_S
    assert _backend(engine) == first
    assert pings == [first]
    assert _backend(engine) == first and pings == [first]  # used again: trusted again
