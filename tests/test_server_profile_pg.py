"""One authority profile for every laptop on a shared server (``access.server_profile``).

A laptop whose own profile file differs (an older confidentiality statement, say) runs by
the server's; ``server upgrade --profile FILE`` changes the one in force for every laptop,
and ``server check`` names it. The profile kept on the server is read by every role and
changed by none of them: the server refuses each role's insert, update and delete.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Executable, bindparam, func, select
from sqlalchemy import text as sql

from frontdoor_app.access import signin
from frontdoor_app.cli import main
from frontdoor_app.context import build_context
from frontdoor_app.meeting import lifecycle
from frontdoor_app.models import AuthorityProfile
from frontdoor_app.models.database import make_engine
from frontdoor_app.profile import (
    SAMPLE_PROFILE,
    Profile,
    load_profile,
    parse_profile,
)
from frontdoor_app.profile_error import ServerProfileError
from frontdoor_app.settings import Settings
from frontdoor_app.ui.shell import app as desktop
from tests import pgserver
from tests.attack_server import Server, refused, rolled_back, serve

pytestmark = pytest.mark.postgres

SAMPLE = SAMPLE_PROFILE.read_text(encoding="utf-8")
STATEMENT = 'confidentiality_statement = """'


def _with_statement(words: str) -> str:
    """The sample profile with its confidentiality statement starting with ``words``."""
    assert SAMPLE.count(STATEMENT) == 1
    return SAMPLE.replace(STATEMENT, STATEMENT + words + " ")


def _runs_by(settings: Settings, local: Profile) -> Profile:
    """The profile a laptop whose own file is ``local`` runs by, signed in to the server."""
    ctx = build_context(settings, local)
    try:
        return ctx.profile
    finally:
        ctx.close()


def _as_the_administrator(url: str, statement: Executable) -> None:
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(statement)
    finally:
        engine.dispose()


def _kept(url: str) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return conn.scalar(select(func.count()).select_from(AuthorityProfile)) or 0
    finally:
        engine.dispose()


def test_every_laptop_runs_by_the_servers_profile(
    pg_app_url: str, fresh_settings: Settings, tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    settings = fresh_settings.with_database(pg_app_url)
    sample = load_profile()
    assert _kept(pg_app_url) == 1  # ``server init`` kept the sample it was given
    # A laptop with an older file of its own, its clock stopped (a test's, a benchmark's).
    stopped = dt.datetime(2026, 11, 23, 9, 30, tzinfo=dt.UTC)
    laptop = parse_profile(_with_statement("LAPTOP'S OLD WORDS."), "laptop.toml").at(stopped)
    runs_by = _runs_by(settings, laptop)
    assert runs_by.confidentiality_statement == sample.confidentiality_statement
    assert runs_by.sha256 == sample.sha256 != laptop.sha256
    assert runs_by.path.startswith("the server's profile (")
    assert runs_by.fixed_now == stopped  # the laptop's clock is kept
    assert "LAPTOP'S" not in lifecycle.confidentiality_statement(runs_by)
    # The same file as the server's: the laptop's own profile, unchanged.
    assert _runs_by(settings, sample) is sample
    # The administrator gives the server a new statement: every laptop runs by it.
    new = tmp_path / "authority-2027.toml"
    new.write_text(_with_statement("NEW FOR 2027."), encoding="utf-8")
    upgrade = ["--database", pg_app_url, "--profile", str(new), "server", "upgrade"]
    assert main(upgrade) == 0
    out = capsys.readouterr().out
    assert f"authority profile in force: {new} (sha256 " in out and "server check passed" in out
    assert _kept(pg_app_url) == 2
    for local in (sample, laptop):
        statement = lifecycle.confidentiality_statement(_runs_by(settings, local))
        assert statement.startswith("NEW FOR 2027."), local.path
    assert main(upgrade) == 0  # the same file again: nothing new kept
    assert _kept(pg_app_url) == 2
    capsys.readouterr()
    # A server that keeps none (set up before this): the laptop's own, and the check says so.
    _as_the_administrator(pg_app_url, sql("DELETE FROM authority_profile"))
    assert _runs_by(settings, laptop) is laptop
    assert main(["--database", pg_app_url, "server", "check"]) == 1
    assert "PROBLEM: the server keeps no authority profile" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("[authority]\nname = 1", "the profile needs at least one [[agencies]] entry"),
        (
            SAMPLE.replace("setup_target_days = 56", 'setup_target_days = "soon"'),
            "[fgc] 'setup_target_days' must be a whole number from 1 to 365, not 'soon'",
        ),
    ],
)
def test_a_broken_profile_on_the_server_is_named_at_sign_in(
    pg_app_url: str, fresh_settings: Settings, text: str, says: str
) -> None:
    """The server's text is checked as a file is, its [fgc] rules too: the message names
    the server's profile and what is wrong, and nobody signs in by a broken one."""
    _as_the_administrator(
        pg_app_url,
        sql(
            "INSERT INTO authority_profile (set_at, set_by, source, sha256, text) "
            "VALUES (now(), 'someone', 'broken.toml', 'x', :text)"
        ).bindparams(bindparam("text", text)),
    )
    with pytest.raises(ServerProfileError) as refused_at_sign_in:
        build_context(fresh_settings.with_database(pg_app_url), load_profile())
    message = str(refused_at_sign_in.value)
    assert message.startswith("the server's profile (broken.toml, set "), message
    assert says in message, message


def test_the_window_sends_a_broken_server_profile_to_the_administrator(
    qtbot, pg_app_url: str, fresh_settings: Settings, artefacts: Path
) -> None:  # type: ignore[no-untyped-def]
    """The laptop's user cannot correct the server's profile: the start says whose it is
    to correct, and how, not "correct the file" (which would send them to their own)."""
    _as_the_administrator(
        pg_app_url,
        sql(
            "INSERT INTO authority_profile (set_at, set_by, source, sha256, text) "
            "VALUES (now(), 'someone', 'broken.toml', 'x', :text)"
        ).bindparams(
            bindparam("text", SAMPLE.replace("setup_target_days = 56", "setup_target_days = 0"))
        ),
    )
    # Signed in before (the loopback server trusts it): no sign-in dialog in the way.
    assert signin.keep_password(signin.address_from_url(pg_app_url), "kept") is None
    started = desktop.start(pg_app_url, None)
    qtbot.addWidget(started.shell)
    try:
        qtbot.waitUntil(lambda: started.shell.failed, timeout=30_000)
        glance = started.shell.glance
        assert glance is not None
        assert glance.message.startswith(
            "The shared server's authority profile has a mistake: the server's profile "
            "(broken.toml, set "
        ), glance.message
        assert "setup_target_days" in glance.message
        assert "ask the server's administrator to run `frontdoor server upgrade`" in glance.message
        assert "correct the file" not in glance.message
        assert started.exit_code == 2 and started.window is None
        started.shell.grab().save(str(artefacts / "start-failed-server-profile.png"))
    finally:
        started.stop()


@pytest.fixture(scope="module")
def server(
    pg_server: pgserver.PgServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    yield from serve(pg_server, tmp_path_factory)


ROLES = ("admin", "chair", "police", "housing", "viewer", "coordinator")


def test_the_profile_in_force_is_read_by_everyone_and_changed_by_no_role(
    server: Server,
) -> None:
    """Only ``server init``/``upgrade`` (the owner) keeps a profile; each role signed in
    reads it, and the server refuses each role's insert, update and delete. The owner's
    own change shows the statements are not refused for some other reason."""
    read = "SELECT count(*), min(sha256) FROM authority_profile"
    insert = (
        "INSERT INTO authority_profile (set_at, set_by, source, sha256, text) "
        "VALUES (now(), current_user, 'mine.toml', 'x', 'planted')"
    )
    update = "UPDATE authority_profile SET text = 'planted'"
    delete = "DELETE FROM authority_profile"
    sha = load_profile().sha256
    for who in ROLES:
        with server.connect(who) as c:
            assert c.execute(read).fetchone() == (1, sha), who
    with server.connect("postgres") as c, rolled_back(c):
        c.execute("SET LOCAL ROLE frontdoor_owner")
        for sql in (insert, update, delete):
            assert c.execute(sql).rowcount >= 1, sql
    for who in ROLES:
        with server.connect(who) as c:
            for sql in (insert, update, delete):
                refused(c, sql)
