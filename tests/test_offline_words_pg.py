"""A server that cannot be reached is told apart from a server that answered (issue 12), on a
real server, and said in plain words: never the driver's text, which names the statement
and its parameters (what someone typed about a family)."""

from __future__ import annotations

import socket
from typing import Any

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from frontdoor_app.models.database import make_engine
from frontdoor_app.sync.offline import connection_lost
from frontdoor_app.ui.core.messages import Messages

PRIVATE = "Jane Doe told the midwife"


def _failure(url: str, statement: str, **params: Any) -> BaseException:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            conn.execute(text(statement), params)
    except Exception as exc:  # noqa: BLE001 - the failure is what the test looks at
        return exc
    finally:
        engine.dispose()
    pytest.fail(f"{statement!r} did not fail")


def _shown(exc: BaseException, qapp: Any) -> Any:
    messages = Messages()
    messages.scripted = True
    messages.failed(None, "Record consent", exc)
    return messages.log[-1]


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_server_that_refuses_the_connection_is_away_in_plain_words(qapp: Any) -> None:
    exc = _failure(f"postgresql+psycopg://nobody@127.0.0.1:{_closed_port()}/x", "SELECT 1")
    assert connection_lost(exc)
    shown = _shown(exc, qapp)
    assert shown.kind == "warning"
    assert shown.text.startswith("The server cannot be reached, so this was not done.")
    assert "psycopg" not in shown.text and "sqlalche.me" not in shown.text


def test_a_connection_ended_by_the_server_is_away_and_its_statement_is_not_shown(
    pg_url: str, qapp: Any
) -> None:
    """The server ends the connection while the statement carries what was typed."""
    admin = make_url(pg_url).set(drivername="postgresql", database="postgres")
    engine = make_engine(pg_url)
    try:
        with engine.connect() as conn:
            pid = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
            with psycopg.connect(admin.render_as_string(False), autocommit=True) as other:
                other.execute("SELECT pg_terminate_backend(%s)", (pid,))
            with pytest.raises(Exception) as failed:
                conn.execute(text("SELECT :note AS note"), {"note": PRIVATE})
    finally:
        engine.dispose()
    assert PRIVATE in str(failed.value)  # the driver's text carries it...
    assert connection_lost(failed.value)
    shown = _shown(failed.value, qapp)
    assert shown.kind == "warning"
    assert PRIVATE not in shown.text  # ...what is shown does not
    assert "SELECT" not in shown.text


def test_a_server_that_answered_with_an_error_is_not_away(pg_url: str, qapp: Any) -> None:
    """psycopg files a cancelled statement under OperationalError; the server was there,
    so the Save is not kept to be sent again, and the message is not "cannot be reached"."""
    exc = _failure(pg_url, "SET statement_timeout = 10; SELECT pg_sleep(1)")
    assert isinstance(getattr(exc, "orig", None), psycopg.errors.QueryCanceled)
    assert not connection_lost(exc)
    shown = _shown(exc, qapp)
    assert shown.kind == "error"
    assert "cannot be reached" not in shown.text


def test_a_fault_is_shown_by_its_first_line_without_what_was_typed(pg_url: str, qapp: Any) -> None:
    """A fault (here a unique key the server refuses) is shown by the server's own first
    line: not the statement, its parameters, nor the server's detail naming the value."""
    engine = make_engine(pg_url)
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE note (body text UNIQUE)"))
            conn.execute(text("INSERT INTO note VALUES (:body)"), {"body": PRIVATE})
        with pytest.raises(Exception) as failed, engine.begin() as conn:
            conn.execute(text("INSERT INTO note VALUES (:body)"), {"body": PRIVATE})
    finally:
        engine.dispose()
    assert PRIVATE in str(failed.value)  # in the statement's parameters and the detail
    assert not connection_lost(failed.value)
    shown = _shown(failed.value, qapp)
    assert shown.kind == "error"
    assert 'duplicate key value violates unique constraint "note_body_key"' in shown.text
    assert PRIVATE not in shown.text
    assert "INSERT" not in shown.text and "DETAIL" not in shown.text
