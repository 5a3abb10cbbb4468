"""Unattended runs on a computer with no keyring: the passphrase from an owner-only file."""

from __future__ import annotations

from pathlib import Path

import pytest

from frontdoor_app import cipher


def test_the_passphrase_comes_from_an_owner_only_file(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    secret = tmp_path / "passphrase"
    secret.write_text("a long enough passphrase\n", encoding="utf-8")
    secret.chmod(0o600)
    monkeypatch.setenv(cipher.PASSPHRASE_FILE_ENV, str(secret))
    assert cipher.terminal_prompt(tmp_path / "db.sqlite", True) == "a long enough passphrase"


def test_a_file_others_can_read_or_a_short_one_is_refused(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    secret = tmp_path / "passphrase"
    secret.write_text("a long enough passphrase", encoding="utf-8")
    secret.chmod(0o644)
    monkeypatch.setenv(cipher.PASSPHRASE_FILE_ENV, str(secret))
    with pytest.raises(cipher.DatabaseKeyError, match="chmod 600"):
        cipher.terminal_prompt(tmp_path / "db.sqlite", True)
    secret.write_text("short", encoding="utf-8")
    secret.chmod(0o600)
    with pytest.raises(cipher.DatabaseKeyError, match="at least 12"):
        cipher.terminal_prompt(tmp_path / "db.sqlite", True)
    monkeypatch.setenv(cipher.PASSPHRASE_FILE_ENV, str(tmp_path / "missing"))
    with pytest.raises(cipher.DatabaseKeyError, match="cannot read"):
        cipher.terminal_prompt(tmp_path / "db.sqlite", False)
