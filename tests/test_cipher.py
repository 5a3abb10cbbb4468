"""Encryption at rest of the embedded file (frontdoor_app/cipher.py), tried as an attacker would."""

from __future__ import annotations

import hashlib
import sqlite3
import stat
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail as fail_keyring

from frontdoor_app import cipher
from frontdoor_app.cli import main
from frontdoor_app.context import build_context
from frontdoor_app.demo import build_demo_url
from frontdoor_app.profile import Profile
from frontdoor_app.settings import Settings
from tests.ui_support import TODAY


def _counts_plain(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as conn:
        names = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        counts = {n: conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}
    conn.close()
    return counts


def _counts_encrypted(path: Path) -> dict[str, int]:
    with cipher.opened(path) as conn:
        names = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {n: conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}


def _plain_copy(encrypted: Path, plain: Path) -> None:
    """A plain file as the release before this one wrote it (sqlcipher_export, empty key)."""
    with cipher.opened(encrypted) as conn:
        conn.execute(f"ATTACH DATABASE '{plain}' AS plain KEY ''")
        conn.execute("SELECT sqlcipher_export('plain')")
        conn.execute("DETACH DATABASE plain")
    assert plain.read_bytes()[:16] == cipher.SQLITE_HEADER


def test_the_file_is_encrypted_private_and_unreadable_without_the_key(
    fresh_settings: Settings, profile: Profile
) -> None:
    ctx = build_context(fresh_settings, profile)  # the default file in the data folder
    path = Path(ctx.engine.url.database or "")
    ctx.close()
    assert path.parent == fresh_settings.data_dir
    head = path.read_bytes()[:16]
    assert head != cipher.SQLITE_HEADER
    assert b"SQLite" not in path.read_bytes()
    with pytest.raises(sqlite3.DatabaseError, match="not a database"):
        sqlite3.connect(path).execute("SELECT count(*) FROM sqlite_master").fetchone()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(fresh_settings.data_dir.stat().st_mode) == 0o700
    # The agency names the profile put in are not in the bytes on disk.
    assert profile.agencies[0].name.encode() not in path.read_bytes()


def test_a_wrong_key_and_a_file_that_is_no_database_are_refused_by_name(
    fresh_settings: Settings, profile: Profile, db_url: str, tmp_path: Path
) -> None:
    build_context(fresh_settings.with_database(db_url), profile).close()
    cipher.store_key(b"\x07" * 32)  # another database's key
    with pytest.raises(cipher.DatabaseKeyError, match="does not open .*recovery-key"):
        build_context(fresh_settings.with_database(db_url), profile)
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"these are minutes, not a database\n" * 3)
    with pytest.raises(cipher.DatabaseKeyError, match="is not a database file"):
        build_context(fresh_settings.with_database(f"sqlite:///{junk}"), profile)
    # The command line says it in a sentence, not a traceback.
    assert main(["--database", f"sqlite:///{junk}", "db", "upgrade"]) == 1


def test_a_missing_keyring_entry_is_named_and_the_recovery_key_restores_it(
    fresh_settings: Settings, profile: Profile, capsys: pytest.CaptureFixture[str]
) -> None:
    cipher.forget_key()  # a computer that has never had the application
    ctx = build_context(fresh_settings, profile)
    recovery = ctx.recovery_key
    ctx.close()
    assert recovery and len(recovery.replace("-", "")) == 55
    assert recovery == cipher.recovery_key(cipher.stored_key() or b"")
    again = build_context(fresh_settings, profile)  # shown once only
    assert again.recovery_key is None
    again.close()
    cipher.forget_key()
    with pytest.raises(cipher.DatabaseKeyError, match="missing from this computer's keyring"):
        build_context(fresh_settings, profile)
    typo = recovery[:8] + ("A" if recovery[8] != "A" else "B") + recovery[9:]
    assert main(["db", "unlock", "--recovery-key", typo]) == 1
    assert "typing mistake" in capsys.readouterr().err
    assert main(["db", "unlock", "--recovery-key", recovery.lower().replace("-", " ")]) == 0
    build_context(fresh_settings, profile).close()


def test_a_plain_file_converts_with_every_row_and_an_interrupted_conversion_keeps_it(
    fresh_settings: Settings, profile: Profile, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built = tmp_path / "built.sqlite"
    build_demo_url(f"sqlite:///{built}", "small", seed=11, today=TODAY, feed_dir=tmp_path / "f")
    plain = tmp_path / "plain.sqlite"
    _plain_copy(built, plain)
    before = _counts_plain(plain)
    assert before["notification"] > 500 and before["audit_event"] > 300
    digest = hashlib.sha256(plain.read_bytes()).hexdigest()

    def power_cut(*_args: object) -> None:
        raise KeyboardInterrupt("the laptop was closed mid-way")

    monkeypatch.setattr(cipher, "verify_conversion", power_cut)
    with pytest.raises(KeyboardInterrupt):
        build_context(fresh_settings.with_database(f"sqlite:///{plain}"), profile)
    assert hashlib.sha256(plain.read_bytes()).hexdigest() == digest
    assert _counts_plain(plain) == before  # still the plain file, whole and readable
    assert not Path(f"{plain}{cipher.CONVERTING_SUFFIX}").exists()
    monkeypatch.undo()

    # A half-written new file left by a killed process is thrown away, never used.
    Path(f"{plain}{cipher.CONVERTING_SUFFIX}").write_bytes(b"\0" * 4096)
    ctx = build_context(fresh_settings.with_database(f"sqlite:///{plain}"), profile)
    ctx.close()
    assert plain.read_bytes()[:16] != cipher.SQLITE_HEADER
    after = _counts_encrypted(plain)
    # Nothing lost: every table has its rows; start-up adds only its own sign-in records.
    assert after.keys() == before.keys()
    grew = {t for t in before if after[t] != before[t]}
    assert grew <= {"audit_event", "app_user", "change_log"}, grew
    assert not Path(f"{plain}{cipher.CONVERTING_SUFFIX}").exists()


def test_without_a_keyring_a_passphrase_is_asked_and_nothing_is_stored(
    fresh_settings: Settings, profile: Profile, db_url: str
) -> None:
    keyring.set_keyring(fail_keyring.Keyring())
    asked: list[bool] = []
    typed = ["correct horse battery staple"]

    def prompt(_path: Path, new: bool) -> str:
        asked.append(new)
        return typed[0]

    cipher.set_passphrase_prompt(prompt)
    try:
        build_context(fresh_settings.with_database(db_url), profile).close()
        build_context(fresh_settings.with_database(db_url), profile).close()
        assert asked == [True, False]
        typed[0] = "a wrong passphrase entirely"
        with pytest.raises(cipher.DatabaseKeyError, match="does not open"):
            build_context(fresh_settings.with_database(db_url), profile)
    finally:
        cipher.set_passphrase_prompt(cipher.terminal_prompt)
    assert not any(p.suffix in (".key", ".txt") for p in fresh_settings.data_dir.glob("*"))


def test_the_recovery_key_is_shown_once_on_a_printable_sheet(  # type: ignore[no-untyped-def]
    qtbot, fresh_settings: Settings, profile: Profile, artefacts: Path
) -> None:
    from frontdoor_app.ui.admin.recovery_dialog import RecoveryKeyDialog

    cipher.forget_key()
    ctx = build_context(fresh_settings, profile)
    try:
        assert ctx.recovery_key
        dialog = RecoveryKeyDialog(ctx.recovery_key, fresh_settings.database_url)
        qtbot.addWidget(dialog)
        dialog.show()
        assert ctx.recovery_key in dialog.text.toPlainText()
        assert "frontdoor db unlock --recovery-key" in dialog.document().toPlainText()
        dialog.grab().save(str(artefacts / "recovery_key.png"))
    finally:
        ctx.close()
