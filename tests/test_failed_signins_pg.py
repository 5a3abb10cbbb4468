"""Failed sign-ins on the shared server (issue 14): the server's csvlog records each refusal;
``frontdoor server failed-sign-ins`` adds them to the audit trail, once, chained; only the
server's administrator can (a representative's login is refused by the server)."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from frontdoor_app.access import signin
from frontdoor_app.access.chain import verify
from frontdoor_app.access.failed_signins import FailedSignIn, LogError, read_csvlog
from frontdoor_app.access.people import add_user
from frontdoor_app.access.server import set_up
from frontdoor_app.cli import main
from frontdoor_app.models import AuditEvent
from frontdoor_app.models.database import make_engine, make_session_factory, session_scope
from frontdoor_app.profile import load_profile
from tests import pgserver

LOGIN = "pc.failing"
PASSWORD = "a proper password 1"
LOGGING = (
    "-c logging_collector=on -c log_destination=csvlog -c log_directory={folder}/log "
    "-c log_timezone=UTC"
)


@pytest.fixture(scope="module")
def logged_server() -> Iterator[pgserver.PgServer]:
    """A throwaway server of its own that keeps a csvlog (the suite's shared one does not)."""
    try:
        server = pgserver.start(extra=LOGGING)
    except pgserver.PostgresUnavailable as exc:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"the PostgreSQL tests must run under CI: {exc}", pytrace=False)
        pytest.skip(f"PostgreSQL tests need a server: {exc}")
    yield server
    server.stop()


def _log_folder(server: pgserver.PgServer) -> Path:
    return server.folder / "log"


def _refused(server: pgserver.PgServer, login: str) -> list[FailedSignIn]:
    return [e for e in read_csvlog(_log_folder(server).glob("*.csv")) if e.login == login]


def _failed_rows(url: str) -> list[AuditEvent]:
    engine = make_engine(url)
    try:
        with session_scope(make_session_factory(engine)) as s:
            return list(
                s.scalars(
                    select(AuditEvent)
                    .where(AuditEvent.action == "login", AuditEvent.detail.like("failed%"))
                    .order_by(AuditEvent.id)
                )
            )
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_a_refused_password_is_added_to_the_trail_once_and_only_by_the_administrator(
    logged_server: pgserver.PgServer, capsys: pytest.CaptureFixture[str]
) -> None:
    server = logged_server
    url = server.url(server.create_database())
    engine = make_engine(url)
    try:
        set_up(engine, load_profile())
        with session_scope(make_session_factory(engine)) as s:
            add_user(s, LOGIN, "PC Failing", "representative", "POL", PASSWORD)
    finally:
        engine.dispose()
    # This login must give its password over TCP (the throwaway server trusts the rest).
    hba = server.data_dir / "pg_hba.conf"
    hba.write_text(f"host all {LOGIN} 127.0.0.1/32 scram-sha-256\n" + hba.read_text())
    admin_url = make_url(server.url()).set(drivername="postgresql").render_as_string(False)
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute("SELECT pg_reload_conf()")
    address = signin.address_from_url(make_url(url).set(username=LOGIN).render_as_string(False))
    deadline = time.monotonic() + 10
    while signin.try_sign_in(address, "not the password") is None:  # until the reload is in
        assert time.monotonic() < deadline, "the server never asked for the password"
        time.sleep(0.1)
    assert signin.try_sign_in(address, PASSWORD) is None  # the right one still signs in
    expected = f'password authentication failed for user "{LOGIN}"'
    deadline = time.monotonic() + 10
    while not _refused(server, LOGIN):
        assert time.monotonic() < deadline, "the refusal never reached the csvlog"
        time.sleep(0.1)
    refused = _refused(server, LOGIN)
    assert all(e.reason == expected for e in refused), refused

    # The representative cannot write the trail's failed sign-ins: the server refuses.
    rep_url = make_url(url).set(username=LOGIN, password=PASSWORD).render_as_string(False)
    assert main(["--database", rep_url, "server", "failed-sign-ins", str(_log_folder(server))])
    assert "permission denied for table audit_event" in capsys.readouterr().err
    assert _failed_rows(url) == []

    # The administrator can, once: run again, nothing is added twice.
    assert main(["--database", url, "server", "failed-sign-ins", str(_log_folder(server))]) == 0
    assert f"{len(refused)} added to the audit trail" in capsys.readouterr().out
    rows = _failed_rows(url)
    mine = [r for r in rows if r.user_login == LOGIN]
    assert len(mine) == len(refused)
    assert all(r.detail and r.detail.startswith("failed sign-in from 127.0.0.1") for r in mine)
    assert all(r.user_id is not None and r.entity == "app_user" for r in mine)
    assert {r.at for r in mine} == {e.at for e in refused}  # the time of the attempt
    assert main(["--database", url, "server", "failed-sign-ins", str(_log_folder(server))]) == 0
    assert "0 added to the audit trail" in capsys.readouterr().out
    assert len(_failed_rows(url)) == len(rows)
    engine = make_engine(url)
    try:
        with session_scope(make_session_factory(engine)) as s:
            assert verify(s).ok  # the rows are chained like every other
    finally:
        engine.dispose()


def test_a_file_that_is_not_a_csvlog_is_named(tmp_path: Path) -> None:
    log = tmp_path / "postgresql.csv"
    log.write_text("2026-12-03 10:00:00 UTC [123] LOG:  database system is ready\n")
    with pytest.raises(LogError, match=r"postgresql\.csv, line 1: not a PostgreSQL csvlog"):
        read_csvlog([log])
    assert main(["server", "failed-sign-ins", str(tmp_path)]) == 2  # needs the server's URL
