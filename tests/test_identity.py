"""Who is signed in: never an unknown login created on the spot, never a disabled one."""

from __future__ import annotations

import dataclasses
import uuid

import psycopg
import pytest
from sqlalchemy import select

from frontdoor_app.access import people
from frontdoor_app.access.actor import SignInError
from frontdoor_app.access.users import UserError
from frontdoor_app.cli import main
from frontdoor_app.context import build_context
from frontdoor_app.models import AuditEvent
from frontdoor_app.settings import ENV_USER, load_settings


def test_the_first_run_on_an_empty_file_makes_its_user_the_chair(ctx) -> None:
    assert ctx.actor.login == "test.chair" and ctx.actor.role == "chair"


def test_an_unknown_login_is_refused_never_created(
    ctx, fresh_settings, monkeypatch, capsys, tmp_path
) -> None:
    settings = dataclasses.replace(
        fresh_settings.with_database(ctx.settings.database_url), user_login="eve.nobody"
    )
    with pytest.raises(SignInError, match="eve.nobody is not a user of this database"):
        build_context(settings)
    # The same from a command: no minutes, a clear message, exit status 5.
    monkeypatch.setenv(ENV_USER, "eve.nobody")
    code = main(
        [
            "--database",
            ctx.settings.database_url,
            "minutes",
            "--date",
            "2026-11-23",
            "--out",
            str(tmp_path / "m.pdf"),
        ]
    )
    assert code == 5 and "eve.nobody is not a user" in capsys.readouterr().err
    assert not (tmp_path / "m.pdf").exists()
    with ctx.session() as s:
        assert "eve.nobody" not in {p.login for p in people.list_users(s)}


def test_a_disabled_user_is_refused(ctx, fresh_settings) -> None:
    with ctx.session() as s:
        people.add_user(s, "hsg.rao", "Ravi Rao", "representative", "HSG", by=ctx.actor)
    settings = dataclasses.replace(
        fresh_settings.with_database(ctx.settings.database_url), user_login="hsg.rao"
    )
    build_context(settings).close()  # signs in while active
    with ctx.session() as s:
        people.disable_user(s, "hsg.rao", by=ctx.actor)
    with pytest.raises(SignInError, match="hsg.rao has been disabled"):
        build_context(settings)


def test_a_disabled_user_is_given_their_access_back(ctx, fresh_settings) -> None:
    """Disabled by mistake, or back from leave: an admin (here the file's chair) gives the
    access back, with the same role and agency, and the audit trail says who did."""
    with ctx.session() as s:
        people.add_user(s, "hsg.rao", "Ravi Rao", "representative", "HSG", by=ctx.actor)
        people.disable_user(s, "hsg.rao", by=ctx.actor)
    settings = dataclasses.replace(
        fresh_settings.with_database(ctx.settings.database_url), user_login="hsg.rao"
    )
    with pytest.raises(SignInError, match="hsg.rao has been disabled"):
        build_context(settings)
    assert people.enable_person(ctx.sessions, ctx.actor, "hsg.rao") == people.Enabled()
    rao = build_context(settings)
    try:
        assert (rao.actor.role, rao.actor.agency_code) == ("representative", "HSG")
        # Nobody else gives access back: the representative is refused, with the reason.
        with pytest.raises(UserError, match="only an admin can give users their access back"):
            people.enable_person(rao.sessions, rao.actor, "hsg.rao")
    finally:
        rao.close()
    # Asked again, nothing changes, and it says so.
    assert people.enable_person(ctx.sessions, ctx.actor, "hsg.rao").already
    with ctx.read_session() as s:
        changes = s.execute(
            select(AuditEvent.user_login, AuditEvent.before, AuditEvent.after)
            .where(AuditEvent.entity == "app_user", AuditEvent.action == "update")
            .order_by(AuditEvent.id)
        ).all()
    # the disable and the enable, each once (asking again wrote nothing)
    assert [login for login, _b, _a in changes] == ["test.chair", "test.chair"]
    assert changes[-1].before["active"] is False and changes[-1].after["active"] is True
    with pytest.raises(UserError, match="there is no user 'nobody.here'"):
        people.enable_person(ctx.sessions, ctx.actor, "nobody.here")


def test_nobody_takes_away_their_own_access(ctx) -> None:
    """The file's last chair disabling themselves would lock everyone out of it."""
    with pytest.raises(UserError, match="you cannot take away your own access"):
        people.disable_person(ctx.sessions, ctx.actor, ctx.actor.login)
    with ctx.read_session() as s:
        assert {p.login: p.active for p in people.list_users(s)}[ctx.actor.login] is True


def test_only_an_admin_or_the_files_chair_manages_users(ctx) -> None:
    with ctx.session() as s:
        rep = people.add_user(s, "pc.4711", "PC Smith", "representative", "POL", by=ctx.actor)
        assert rep.agency_code == "POL" and rep.can_log_in is None
        with pytest.raises(UserError, match="needs an agency"):
            people.add_user(s, "x.rep", "X", "representative", by=ctx.actor)
        with pytest.raises(UserError, match="already a user"):
            people.add_user(s, "pc.4711", "PC Smith", "representative", "POL", by=ctx.actor)
        with pytest.raises(UserError, match="role must be one of"):
            people.add_user(s, "x.y", "X", "superuser", by=ctx.actor)
    smith = build_context(dataclasses.replace(ctx.settings, user_login="pc.4711"))
    try:
        with smith.session() as s, pytest.raises(UserError, match="only an admin"):
            people.add_user(s, "eve.x", "Eve", "chair", by=smith.actor)
    finally:
        smith.close()


def test_users_commands_on_the_embedded_file(ctx, capsys) -> None:
    url = ctx.settings.database_url
    assert (
        main(
            [
                "--database",
                url,
                "users",
                "add",
                "hv.lee",
                "--name",
                "Hannah Lee",
                "--role",
                "representative",
                "--agency",
                "HV",
            ]
        )
        == 0
    )
    assert main(["--database", url, "users", "list"]) == 0
    out = capsys.readouterr().out
    assert "hv.lee" in out and "HV" in out and "test.chair" in out
    assert main(["--database", url, "users", "disable", "hv.lee"]) == 0
    assert main(["--database", url, "users", "password", "hv.lee", "--password-stdin"]) == 1
    assert "no passwords" in capsys.readouterr().err
    assert main(["--database", url, "users", "enable", "hv.lee"]) == 0
    assert "enabled hv.lee: they can sign in again" in capsys.readouterr().out
    assert main(["--database", url, "users", "enable", "hv.lee"]) == 0
    assert "hv.lee can already sign in: nothing changed" in capsys.readouterr().out
    assert main(["--database", url, "users", "enable", "no.body"]) != 0
    assert "there is no user 'no.body'" in capsys.readouterr().err


def test_users_commands_on_the_server(pg_app_url, monkeypatch, capsys, pg_server) -> None:
    login = f"hsg.{uuid.uuid4().hex[:6]}"
    monkeypatch.setattr("sys.stdin", _Lines("a long enough password\n"))
    assert (
        main(
            [
                "--database",
                pg_app_url,
                "users",
                "add",
                login,
                "--name",
                "Ravi Rao",
                "--role",
                "representative",
                "--agency",
                "HSG",
                "--password-stdin",
            ]
        )
        == 0
    )
    assert f"added {login} (representative, HSG)" in capsys.readouterr().out
    dbname = pg_app_url.rsplit("/", 1)[1]
    session = psycopg.connect(host="127.0.0.1", port=pg_server.port, user=login, dbname=dbname)
    settings = load_settings(database_url=pg_app_url.replace("postgres@", f"{login}@"))
    signed_in = build_context(dataclasses.replace(settings, user_login="ignored.on.server"))
    assert signed_in.actor.login == login and signed_in.actor.agency_code == "HSG"
    signed_in.close()
    assert main(["--database", pg_app_url, "users", "disable", login]) == 0
    assert "; 1 session ended" in capsys.readouterr().out
    with pytest.raises(psycopg.OperationalError):
        session.execute("SELECT 1")
    with pytest.raises(psycopg.OperationalError, match="not permitted to log in"):
        psycopg.connect(host="127.0.0.1", port=pg_server.port, user=login, dbname=dbname)
    assert main(["--database", pg_app_url, "users", "list"]) == 0
    assert "disabled" in capsys.readouterr().out
    # Given back by the server's administrator: the login opens again, the password kept.
    assert main(["--database", pg_app_url, "users", "enable", login]) == 0
    assert f"enabled {login}: they can sign in again" in capsys.readouterr().out
    with psycopg.connect(host="127.0.0.1", port=pg_server.port, user=login, dbname=dbname) as again:
        assert again.execute("SELECT session_user").fetchone() == (login,)


class _Lines:
    def __init__(self, text: str) -> None:
        self.lines = text.splitlines(keepends=True)

    def readline(self) -> str:
        return self.lines.pop(0) if self.lines else ""
