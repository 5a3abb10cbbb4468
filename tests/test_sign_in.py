"""Signing in to the shared server: SCRAM passwords checked by the real server, plain
messages for each way it fails, TLS defaults, and the password only in the keyring."""

from __future__ import annotations

import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail as no_keyring
from PySide6.QtWidgets import QDialog

from frontdoor_app.access import people, signin
from frontdoor_app.access.signin import ServerAddress
from frontdoor_app.models.database import make_engine, make_session_factory, session_scope
from frontdoor_app.settings import load_settings
from frontdoor_app.ui.shell.sign_in import SignInDialog, sign_in
from tests import pgserver
from tests.ui_support import snapshot

PASSWORD = "a long and proper password"


def _reload(server: pgserver.PgServer) -> None:
    with server._admin() as conn:
        conn.execute("SELECT pg_reload_conf()")
    time.sleep(0.3)


@pytest.fixture
def scram_users(
    pg_app_url: str, pg_server: pgserver.PgServer
) -> Iterator[tuple[ServerAddress, str]]:
    """Two users whose logins the server checks by SCRAM password (the rest stay on trust)."""
    tag = uuid.uuid4().hex[:6]
    login, gone = f"pw.{tag}", f"pwgone.{tag}"
    engine = make_engine(pg_app_url)
    try:
        with session_scope(make_session_factory(engine)) as s:
            people.add_user(s, login, "Ravi Rao", "representative", "HSG", PASSWORD)
            people.add_user(s, gone, "Gone Person", "representative", "HSG", PASSWORD)
            people.disable_user(s, gone)
    finally:
        engine.dispose()
    hba = pg_server.data_dir / "pg_hba.conf"
    original = hba.read_text()
    hba.write_text(f"host all {login},{gone} 127.0.0.1/32 scram-sha-256\n" + original)
    _reload(pg_server)
    database = pg_app_url.rsplit("/", 1)[1]
    try:
        yield ServerAddress("127.0.0.1", pg_server.port, database, login), gone
    finally:
        hba.write_text(original)
        _reload(pg_server)


def test_tls_defaults_to_verify_full_beyond_this_computer() -> None:
    assert signin.default_sslmode("db.authority.gov.uk") == "verify-full"
    assert signin.default_sslmode("10.1.2.3") == "verify-full"
    for local in ("localhost", "127.0.0.1", "::1", "/run/postgresql"):
        assert signin.default_sslmode(local) == "prefer"
    url = ServerAddress("db.authority.gov.uk", login="hsg.rao", ca_file="/etc/ca.pem").url()
    assert "sslmode=verify-full" in url and "sslrootcert=" in url and ":@" not in url


def test_the_server_checks_the_scram_password_and_each_failure_has_its_message(
    scram_users: tuple[ServerAddress, str], pg_server: pgserver.PgServer
) -> None:
    address, gone = scram_users
    assert signin.try_sign_in(address, PASSWORD) is None  # our verifier is the server's
    wrong = signin.try_sign_in(address, "not the password")
    assert wrong is not None and "password for" in wrong and "not accepted" in wrong
    disabled = signin.try_sign_in(
        ServerAddress(address.host, address.port, address.database, gone), PASSWORD
    )
    assert disabled is not None and "has been disabled" in disabled
    down = signin.try_sign_in(ServerAddress("127.0.0.1", pgserver.free_port(), "x", "y"), "z")
    assert down is not None and "not answering" in down
    for message in (wrong, disabled, down):
        assert message.count(".") >= 1 and "Traceback" not in message


def _certificate(folder: Path, name: str) -> tuple[Path, Path]:
    key, cert = folder / f"{name}.key", folder / f"{name}.crt"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            f"/CN={name}",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return key, cert


def test_a_certificate_that_does_not_verify_is_named(
    pg_app_url: str, pg_server: pgserver.PgServer, tmp_path: Path
) -> None:
    key, cert = _certificate(pg_server.folder, f"server-{uuid.uuid4().hex[:4]}")
    _, stranger = _certificate(tmp_path, "stranger")
    if pg_server.run_as:
        subprocess.run(["chown", "postgres", str(key), str(cert)], check=True)
    key.chmod(0o600)
    with pg_server._admin() as conn:
        conn.execute(f"ALTER SYSTEM SET ssl_cert_file = '{cert}'")
        conn.execute(f"ALTER SYSTEM SET ssl_key_file = '{key}'")
        conn.execute("ALTER SYSTEM SET ssl = on")
    _reload(pg_server)
    database = pg_app_url.rsplit("/", 1)[1]
    try:
        trusted = ServerAddress(
            "127.0.0.1",
            pg_server.port,
            database,
            "postgres",
            sslmode="verify-full",
            ca_file=str(cert),
        )
        assert signin.try_sign_in(trusted, None) is None
        forged = ServerAddress(
            "127.0.0.1",
            pg_server.port,
            database,
            "postgres",
            sslmode="verify-full",
            ca_file=str(stranger),
        )
        message = signin.try_sign_in(forged, None)
        assert message is not None and "certificate did not verify" in message
    finally:
        with pg_server._admin() as conn:
            conn.execute("ALTER SYSTEM RESET ssl")
            conn.execute("ALTER SYSTEM RESET ssl_cert_file")
            conn.execute("ALTER SYSTEM RESET ssl_key_file")
        _reload(pg_server)


def test_the_dialog_signs_in_and_keeps_the_password_only_in_the_keyring(
    qtbot, scram_users: tuple[ServerAddress, str], fresh_settings, artefacts, monkeypatch
) -> None:
    address, _ = scram_users
    dialog = SignInDialog(address)
    qtbot.addWidget(dialog)
    dialog.password_edit.setText("wrong password")
    dialog.sign_in_button.click()
    assert "not accepted" in dialog.problem.text() and dialog.result() == 0
    dialog.resize(640, 420)
    snapshot(dialog, artefacts / "sign_in_wrong_password.png")
    dialog.password_edit.setText(PASSWORD)
    dialog.remember.setChecked(True)
    dialog.sign_in_button.click()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert signin.saved_password(address) == PASSWORD
    # Next start: the kept password signs in without the dialog.
    signin.remember(fresh_settings.data_dir, address)
    settings = load_settings(database_url=address.url())
    monkeypatch.setattr(SignInDialog, "exec", lambda self: pytest.fail("the dialog opened"))
    signed = sign_in(settings)
    assert signed is not None
    engine = make_engine(signed.database_url)
    try:
        with engine.connect() as c:
            assert c.exec_driver_sql("SELECT session_user").scalar() == address.login
    finally:
        engine.dispose()
    on_disk = b"".join(p.read_bytes() for p in fresh_settings.data_dir.rglob("*") if p.is_file())
    assert PASSWORD.encode() not in on_disk and b"server.json" not in on_disk


def test_no_keyring_means_asking_each_time_never_a_file(fresh_settings) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(no_keyring.Keyring())
    try:
        address = ServerAddress("db.authority.gov.uk", login="hsg.rao")
        note = signin.keep_password(address, PASSWORD)
        assert note is not None and "asked for each time" in note
        assert signin.saved_password(address) is None
    finally:
        keyring.set_keyring(previous)
    files = (
        [p for p in fresh_settings.data_dir.rglob("*") if p.is_file()]
        if (fresh_settings.data_dir.exists())
        else []
    )
    assert all(PASSWORD.encode() not in p.read_bytes() for p in files)


def test_the_desktop_signs_in_with_the_kept_password_and_never_builds_a_demo(
    qtbot, scram_users: tuple[ServerAddress, str]
) -> None:
    """The real start-up on a server: the kept password signs in (no dialog), the user is
    the server's session_user, and an empty server gets no demo from a client."""
    from frontdoor_app.ui.shell import app as desktop

    address, _ = scram_users
    assert signin.keep_password(address, PASSWORD) is None
    started = desktop.start(address.url())
    qtbot.addWidget(started.shell)
    try:
        qtbot.waitUntil(lambda: started.ctx is not None or started.exit_code != 0, timeout=30_000)
        assert started.exit_code == 0 and started.ctx is not None
        assert started.ctx.actor.login == address.login
        assert started.ctx.actor.agency_code == "HSG"
        assert started.ctx.is_empty()  # a client never fills a server with the demo
    finally:
        started.stop()
