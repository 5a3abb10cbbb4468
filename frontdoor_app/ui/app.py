"""Start the desktop application in two steps, so today's agenda is on screen at once.

1. **First look** (a fraction of a second): Qt, the settings and, on the embedded SQLite
   database, today's agenda read with the standard library (``meeting.first_look``). The
   window shows it as soon as the process has started. "Today" is the computer's date
   here; the authority profile (and its time zone) is not loaded yet.
2. **The rest** (about a second, once the first look is painted): the authority profile,
   SQLAlchemy and the database context (migrations, reference data, the user), the demo
   city on an empty database, then the main window, which takes the first look's place
   in the same window when it has loaded the meeting. A mistake in the profile is shown
   in the window (and the process exits with status 2 when it is closed).

Only step 1 is imported at the top of this module; step 2's modules are imported when it
runs. With FRONTDOOR_EXIT_AFTER_AGENDA=1 the process prints ``AGENDA_PAINTED <ms>`` when
the agenda is first painted and ``ROOM_READY <ms>`` when the main window is in place with
its agenda painted, then quits (the ``start_to_agenda`` benchmark measures both).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

_START = time.perf_counter()

from PySide6.QtCore import QCoreApplication, QTimer  # noqa: E402 - after the clock starts
from PySide6.QtWidgets import QApplication  # noqa: E402

from frontdoor_app.meeting.first_look import read_first_look  # noqa: E402
from frontdoor_app.profile_error import ProfileError  # noqa: E402
from frontdoor_app.settings import Settings, load_settings  # noqa: E402

from .start_window import StartWindow  # noqa: E402
from .theme import apply_desk_theme  # noqa: E402

if TYPE_CHECKING:
    from frontdoor_app.context import AppContext

    from .main_window import MainWindow
    from .worker import Worker

ENV_EXIT_AFTER_AGENDA = "FRONTDOOR_EXIT_AFTER_AGENDA"
# If the first look is never painted (a minimised window), load the rest anyway.
LOAD_ANYWAY_MS = 1000
log = logging.getLogger(__name__)


def _t(text: str) -> str:
    return QCoreApplication.translate("App", text)


def ensure_demo(ctx: AppContext, announce: Callable[[], None] | None = None) -> bool:
    """On an empty database build the small demo city first; True when it did."""
    if not ctx.is_empty():
        return False
    if announce is not None:
        announce()
    from frontdoor_app.demo import build_demo  # only an empty database needs the generator

    build_demo(ctx, scale="small")
    return True


class Started:
    """The running application's parts. ``ctx``, ``worker`` and ``window`` (the main window)
    arrive in step 2; ``shell`` is the top-level window throughout."""

    def __init__(self, app: QApplication, shell: StartWindow, settings: Settings,
                 exit_after_agenda: bool) -> None:  # fmt: skip
        self.app, self.shell, self.settings = app, shell, settings
        self.exit_after_agenda = exit_after_agenda
        self.ctx: AppContext | None = None
        self.worker: Worker | None = None
        self.window: MainWindow | None = None
        self.exit_code = 0
        self._loading = False
        self._agenda_reported = False

    # ------------------------------------------------------------------ step 2
    def load_rest(self) -> None:
        """Open the database and build the main window (once; on the GUI thread)."""
        if self._loading:
            return
        self._loading = True
        try:
            from frontdoor_app.context import build_context

            from .main_window import MainWindow
            from .messages import Messages
            from .worker import Worker

            if not self.settings.is_embedded:  # a shared server: each person signs in
                from .sign_in import sign_in

                signed_in = sign_in(self.settings, self.shell)
                if signed_in is None:
                    self._fail(_t("Not signed in: close this window to leave."), 1)
                    return
                self.settings = signed_in
            self.ctx = build_context(self.settings)  # loads the profile
            created = self.settings.is_embedded and ensure_demo(self.ctx, self._announce_demo)
            self.worker = Worker()
            window = MainWindow(self.ctx, self.worker, Messages())
        except ProfileError as exc:
            self._fail(_t("The authority profile has a mistake: %1\n\nClose this window, correct "
                          "the file and start again.").replace("%1", str(exc)), 2)  # fmt: skip
            return
        except Exception as exc:  # noqa: BLE001 - whatever it is, the user must be told
            log.exception("start-up failed")
            self._fail(_t("The meeting could not be opened: %1\n\nClose this window and start "
                          "again; if it happens again, tell your admin.").replace("%1", str(exc)), 1)  # fmt: skip
            return
        self.window = window
        if created:
            window.show_demo_note(_t("Demo data created for a first look"))
        window.room_loaded.connect(self._room_loaded)
        window.agenda_painted.connect(self._main_agenda_painted)
        window.load()

    def _announce_demo(self) -> None:
        self.shell.say(_t("The database is empty: creating the demo city for a first look…"))
        QCoreApplication.processEvents()  # paint it before the generator takes the thread

    def _room_loaded(self) -> None:
        window = self.window
        if window is None or window is self.shell.main:
            return
        self.shell.adopt(window)
        if window.agenda.model.rowCount() == 0:
            self._report_ready()  # nothing to paint: no meeting yet

    def _fail(self, text: str, code: int) -> None:
        print(f"frontdoor: {text}", file=sys.stderr, flush=True)
        self.exit_code = code
        self.shell.fail(text)
        if self.exit_after_agenda:
            self.app.exit(code)

    # ------------------------------------------------------------------ reporting
    def first_look_painted(self) -> None:
        if self.shell.has_look:
            self._report_agenda()
        QTimer.singleShot(0, self.load_rest)  # after the paint has reached the screen

    def _main_agenda_painted(self) -> None:
        self._report_agenda()
        self._report_ready()

    def _report_agenda(self) -> None:
        if self.exit_after_agenda and not self._agenda_reported:
            self._agenda_reported = True
            print(f"AGENDA_PAINTED {_since_start_ms():.1f}", flush=True)

    def _report_ready(self) -> None:
        if self.exit_after_agenda:
            self._report_agenda()
            print(f"ROOM_READY {_since_start_ms():.1f}", flush=True)
            QTimer.singleShot(0, self.app.quit)  # once the paint in hand has finished

    # ------------------------------------------------------------------ stopping
    def stop(self) -> None:
        if self.window is not None:
            self.window.shutdown()
        if self.worker is not None:
            self.worker.stop()
        if self.ctx is not None:
            self.ctx.close()


def _since_start_ms() -> float:
    return (time.perf_counter() - _START) * 1000


def start(database_url: str | None = None, profile: str | None = None) -> Started:
    """Show the window with the first look; the rest loads once it is on screen."""
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("Front door")
    apply_desk_theme(app)
    settings = load_settings(database_url, profile)
    shell = StartWindow()
    look = read_first_look(settings.database_url, dt.date.today())
    if look is not None:
        shell.show_look(look)
    started = Started(app, shell, settings, os.environ.get(ENV_EXIT_AFTER_AGENDA) == "1")
    shell.painted.connect(started.first_look_painted)
    QTimer.singleShot(LOAD_ANYWAY_MS, started.load_rest)
    shell.show()
    return started


def run(database_url: str | None = None, profile: str | None = None) -> int:
    """Open the main window at today's meeting agenda; returns the process exit code."""
    started = start(database_url, profile)
    try:
        code = started.app.exec()
    finally:
        started.stop()
    return code or started.exit_code
