"""The desktop start: demo data on an empty database (and saying so), the agenda painted."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication
from sqlalchemy import func, select

from frontdoor_app.models import Notification
from frontdoor_app.profile import Profile
from frontdoor_app.settings import Settings
from frontdoor_app.ui.shell import app as desktop
from tests.conftest import keyring_env
from tests.ui_support import build_template


def test_first_start_on_an_empty_database_creates_the_demo_and_says_so(
    qtbot, db_url: str, artefacts: Path
) -> None:  # type: ignore[no-untyped-def]
    started = desktop.start(db_url)
    shell = started.shell
    qtbot.addWidget(shell)
    try:
        # Nothing to read yet: the window says what it is doing, then builds the demo.
        assert not shell.has_look
        with qtbot.waitSignal(shell.adopted, timeout=60_000):
            pass
        window = started.window
        assert window is not None and shell.main is window and shell.glance is None
        assert shell.centralWidget() is window
        qtbot.waitUntil(lambda: window.agenda.model.rowCount() > 0, timeout=20_000)
        assert "Demo data created for a first look" in window.header.demo_banner.text()
        assert window.header.demo_banner.isVisible()
        assert started.ctx is not None
        with started.ctx.session() as s:
            assert s.scalar(select(func.count()).select_from(Notification)) > 0
        assert shell.windowTitle() == window.windowTitle()
        assert "Front door" in shell.windowTitle()
        shell.resize(1920, 1080)
        qtbot.waitExposed(shell)
        timer = window.case_view.timer_label
        qtbot.waitUntil(lambda: bool(timer.text()) and timer.geometry().right() < window.width())
        QApplication.processEvents()
        shell.grab().save(str(artefacts / "first-start-1920x1080.png"))
    finally:
        started.stop()


def test_a_second_start_shows_the_agenda_first_then_the_main_window(
    qtbot, demo_db: str, artefacts: Path
) -> None:  # type: ignore[no-untyped-def]
    started = desktop.start(demo_db)
    shell = started.shell
    qtbot.addWidget(shell)
    try:
        # Before the database layer is opened, the agenda is already there.
        glance = shell.glance
        assert glance is not None and shell.has_look
        assert started.ctx is None and started.window is None
        look_rows = glance.rows
        with qtbot.waitSignal(shell.painted, timeout=10_000):
            pass
        shell.grab().save(str(artefacts / "first-look-1280x800.png"))
        with qtbot.waitSignal(shell.adopted, timeout=60_000):
            pass
        window = started.window
        assert window is not None and shell.main is window
        assert shell.centralWidget() is window and shell.glance is None
        # The main window's agenda is the one the first look showed, the same case chosen.
        qtbot.waitUntil(lambda: window.agenda.model.rows == look_rows, timeout=10_000)
        selected = look_rows[0].item_id if look_rows[0].status != "discussed" else None
        assert window.agenda.current_item_id() == (selected or window.agenda.current_item_id())
        shell.grab().save(str(artefacts / "first-look-then-main-1280x800.png"))
    finally:
        started.stop()


def test_exit_after_agenda_prints_the_paint_time(
    tmp_path: Path, fresh_settings: Settings, profile: Profile
) -> None:
    template = build_template(tmp_path, fresh_settings, profile)
    env = dict(
        os.environ, QT_QPA_PLATFORM="offscreen", FRONTDOOR_EXIT_AFTER_AGENDA="1", **keyring_env()
    )  # the encrypted file's key, as the OS keyring would give it
    done = subprocess.run(
        [sys.executable, "-m", "frontdoor_app", "--database", f"sqlite:///{template}"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    marks = dict(
        line.split()
        for line in done.stdout.splitlines()
        if line.startswith(("AGENDA_PAINTED ", "ROOM_READY "))
    )
    assert set(marks) == {"AGENDA_PAINTED", "ROOM_READY"}
    assert 0 < float(marks["AGENDA_PAINTED"]) <= float(marks["ROOM_READY"])
