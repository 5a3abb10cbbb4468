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
from frontdoor_app.ui import app as desktop
from tests.ui_support import build_template


def test_first_start_on_an_empty_database_creates_the_demo_and_says_so(
    qtbot, db_url: str, artefacts: Path
) -> None:  # type: ignore[no-untyped-def]
    started = desktop.start(db_url)
    try:
        window = started.window
        qtbot.addWidget(window)
        with qtbot.waitSignal(window.agenda_painted, timeout=20_000):
            pass
        assert "Demo data created for a first look" in window.demo_banner.text()
        assert window.demo_banner.isVisible()
        assert window.agenda.model.rowCount() > 0
        with started.ctx.session() as s:
            assert s.scalar(select(func.count()).select_from(Notification)) > 0
        window.resize(1920, 1080)
        qtbot.waitExposed(window)
        timer = window.case_view.timer_label
        qtbot.waitUntil(lambda: bool(timer.text()) and timer.geometry().right() < window.width())
        QApplication.processEvents()
        window.grab().save(str(artefacts / "first-start-1920x1080.png"))
    finally:
        started.stop()


def test_exit_after_agenda_prints_the_paint_time(
    tmp_path: Path, fresh_settings: Settings, profile: Profile
) -> None:
    template = build_template(tmp_path, fresh_settings, profile)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", FRONTDOOR_EXIT_AFTER_AGENDA="1")
    done = subprocess.run(
        [sys.executable, "-m", "frontdoor_app", "--database", f"sqlite:///{template}"],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stdout.splitlines() if line.startswith("AGENDA_PAINTED ")]
    assert len(lines) == 1
    assert float(lines[0].split()[1]) > 0
