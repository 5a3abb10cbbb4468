"""No keyring on the computer: the desktop asks for the database passphrase in a dialog (on
the GUI thread, while the worker waits), checks it, and a Cancel ends the start cleanly."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail as fail_keyring
from pytestqt.qtbot import QtBot

from frontdoor_app import cipher
from frontdoor_app.ui.shell import app as desktop
from frontdoor_app.ui.shell.passphrase import PassphraseDialog

PASSPHRASE = "correct horse battery staple"
TIMEOUT = 60_000


@pytest.fixture
def no_keyring() -> Iterator[None]:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail_keyring.Keyring())
    yield
    keyring.set_keyring(previous)
    cipher.set_passphrase_prompt(cipher.terminal_prompt)


def _file(db_url: str) -> Path:
    return Path(db_url.removeprefix("sqlite:///"))


def _dialog(qtbot: QtBot, started: desktop.Started) -> PassphraseDialog:
    qtbot.waitUntil(
        lambda: (
            started.passphrase_prompt is not None
            and started.passphrase_prompt.dialog is not None
            and started.passphrase_prompt.dialog.isVisible()
        ),
        timeout=TIMEOUT,
    )
    assert started.passphrase_prompt is not None
    dialog = started.passphrase_prompt.dialog
    assert dialog is not None
    return dialog


def _opened(qtbot: QtBot, started: desktop.Started) -> None:
    """The worker got past the key: the first run builds its demo (the progress bar moves)."""
    glance = started.shell.glance
    qtbot.waitUntil(
        lambda: glance is not None and glance.bar is not None and glance.bar.value() > 0,
        timeout=TIMEOUT,
    )


def test_a_new_file_asks_twice_explains_and_never_stores_it(
    qtbot: QtBot, db_url: str, no_keyring: None, artefacts: Path
) -> None:
    started = desktop.start(db_url)
    qtbot.addWidget(started.shell)
    try:
        started.shell.resize(1280, 800)
        dialog = _dialog(qtbot, started)
        words = dialog.explanation.text()
        assert "no keyring" in words and "never stored" in words and "lost" in words
        assert dialog.again.isVisible()
        # Two different passphrases: said in the dialog, which stays.
        qtbot.keyClicks(dialog.first, PASSPHRASE)
        qtbot.keyClicks(dialog.again, PASSPHRASE + "!")
        dialog.ok_button.click()
        assert dialog.isVisible() and "differ" in dialog.error.text()
        # Too short: the same.
        dialog.first.clear()
        qtbot.keyClicks(dialog.first, "short")
        qtbot.keyClicks(dialog.again, "short")
        dialog.ok_button.click()
        assert dialog.isVisible() and "at least 12" in dialog.error.text()
        dialog.first.clear()
        dialog.again.clear()
        qtbot.keyClicks(dialog.first, PASSPHRASE)
        qtbot.keyClicks(dialog.again, PASSPHRASE)
        dialog.error.hide()
        dialog.grab().save(str(artefacts / "passphrase-new.png"))
        dialog.ok_button.click()
        _opened(qtbot, started)
    finally:
        started.shell.close()
        started.stop()
    path = _file(db_url)
    assert path.read_bytes()[:16] != b"SQLite format 3\x00"
    cipher.connect(path, cipher.Key(passphrase=PASSPHRASE)).close()
    with pytest.raises(cipher.DatabaseKeyError):
        cipher.connect(path, cipher.Key(passphrase="not the passphrase")).close()
    # Nothing of it on disk: only the database (and its journal) in its folder.
    kept = [p.name for p in path.parent.iterdir() if not p.name.startswith(path.name)]
    assert not any(
        PASSPHRASE.encode() in p.read_bytes() for p in path.parent.rglob("*") if p.is_file()
    )
    assert not any(name.endswith((".key", ".txt", ".pass")) for name in kept)


def test_an_existing_file_asks_once_and_a_wrong_passphrase_asks_again(
    qtbot: QtBot, db_url: str, no_keyring: None, artefacts: Path
) -> None:
    path = _file(db_url)
    cipher.set_passphrase_prompt(lambda _path, _new: PASSPHRASE)
    cipher.prepare(path)  # the file a first start with this passphrase made
    cipher.set_passphrase_prompt(cipher.terminal_prompt)
    started = desktop.start(db_url)
    qtbot.addWidget(started.shell)
    try:
        dialog = _dialog(qtbot, started)
        assert not dialog.again.isVisible() and not dialog.error.isVisible()
        assert "Choose" not in dialog.windowTitle()
        qtbot.keyClicks(dialog.first, "a wrong passphrase entirely")
        dialog.ok_button.click()
        # The worker tried it: the dialog comes back saying so.
        qtbot.waitUntil(
            lambda: (
                started.passphrase_prompt is not None
                and started.passphrase_prompt.dialog is not None
                and started.passphrase_prompt.dialog is not dialog
                and started.passphrase_prompt.dialog.isVisible()
            ),
            timeout=TIMEOUT,
        )
        again = _dialog(qtbot, started)
        assert again.error.isVisible() and "does not open" in again.error.text()
        again.grab().save(str(artefacts / "passphrase-wrong.png"))
        qtbot.keyClicks(again.first, PASSPHRASE)
        again.ok_button.click()
        _opened(qtbot, started)
        assert started.passphrase_prompt.dialog is None  # asked no more
    finally:
        started.shell.close()
        started.stop()


def test_cancel_ends_the_start_cleanly(qtbot: QtBot, db_url: str, no_keyring: None) -> None:
    started = desktop.start(db_url)
    qtbot.addWidget(started.shell)
    try:
        dialog = _dialog(qtbot, started)
        dialog.cancel_button.click()
        qtbot.waitUntil(lambda: started.shell.failed, timeout=TIMEOUT)
        assert started.shell.glance is not None
        assert "no passphrase" in started.shell.glance.message
        assert started.exit_code == 1
        qtbot.waitUntil(lambda: started.worker is not None and started.worker.pending == 0)
        assert started.ctx is None and started.window is None
    finally:
        begun = time.monotonic()
        started.stop()
        assert time.monotonic() - begun < 5
    assert started.worker is not None and not started.worker._thread.is_alive()
    assert not _file(db_url).exists()  # nothing made without a key
