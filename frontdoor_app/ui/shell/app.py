"""Start the desktop application in steps, so today's agenda is on screen at once.

1. **First look** (a fraction of a second): Qt, the settings and, on the embedded SQLite
   database, today's agenda read with the standard library (``meeting.first_look``), shown
   as soon as the process has started ("today" is the computer's date here). An encrypted
   file's key is read meanwhile by a forked child (``key_prefetch.prefetch_key``, from
   ``cli``); step 2 opens the file with the same key, so this process never loads the
   keyring. Cycles are collected on this thread's timer only (``ui.core.collector``), never
   on the worker, and not before the start is over.
2. **The rest**, once the first look is painted. On the embedded file the main window takes
   its place at once, built from what the first look reads, and the database opens behind
   it (``early_window``). Otherwise (a shared server, after signing in; a first run; a
   first look that cannot say it all) the worker loads SQLAlchemy, opens the database and
   builds a first run's demo city (``frontdoor_app.startup``), its progress shown in the
   window, and the main window then takes the first look's place. A mistake in the profile
   is shown in the window (the process exits with status 2 when it is closed). Closing the
   window while the rest loads cancels it cleanly.

Only step 1 is imported at the top of this module (and PySide's import hook does not read
the later modules' sources again: ``quick_imports``). With FRONTDOOR_EXIT_AFTER_AGENDA=1 the
process prints ``AGENDA_PAINTED <ms>`` when the agenda is first painted, ``ROOM_READY <ms>``
when the main window is in place with it, and ``DATABASE_READY <ms>`` when the database is
open and the meeting read through it, then quits (the ``start_to_agenda`` benchmark).
``--smoke-test`` (``ui.shell.smoke``) starts on a fresh data folder offscreen, checks that
today's demo agenda opens and exits 0 (the bundle's build script runs it).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

_START = time.perf_counter()

from PySide6.QtCore import QObject, QTimer, Signal  # noqa: E402 - after the clock
from PySide6.QtGui import QIcon  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from frontdoor_app.ui.shell.quick_imports import skip_source_scan  # noqa: E402

skip_source_scan()  # before the modules below: see quick_imports

from frontdoor_app.meeting.first_look import FirstLook, read_first_look  # noqa: E402
from frontdoor_app.profile_error import ProfileError  # noqa: E402
from frontdoor_app.settings import Settings, load_settings  # noqa: E402
from frontdoor_app.ui.core.collector import GuiThreadCollector  # noqa: E402
from frontdoor_app.ui.core.i18n import translate  # noqa: E402
from frontdoor_app.ui.core.theme import ICONS, apply_desk_theme  # noqa: E402
from frontdoor_app.ui.shell.start_window import StartWindow  # noqa: E402

if TYPE_CHECKING:
    from frontdoor_app.context import AppContext
    from frontdoor_app.startup import Prepared, Report
    from frontdoor_app.ui.core.crash import ErrorReporter
    from frontdoor_app.ui.core.ops import Ops
    from frontdoor_app.ui.core.worker import Worker
    from frontdoor_app.ui.meeting.main_window import MainWindow
    from frontdoor_app.ui.meeting.room_state import StartData
    from frontdoor_app.ui.shell.early_window import EarlyWindow
    from frontdoor_app.ui.shell.passphrase import DesktopPassphrasePrompt

ENV_EXIT_AFTER_AGENDA = "FRONTDOOR_EXIT_AFTER_AGENDA"
# If the first look is never painted (a minimised window), load the rest anyway.
LOAD_ANYWAY_MS = 1000
# No cycle collection while the start runs, for this long at most (see ui.core.collector).
START_HOLD_MS = 5000
log = logging.getLogger(__name__)


class _Progress(QObject):
    """Start-up progress from the worker thread, delivered on the GUI thread."""

    changed = Signal(str, object)  # text, fraction 0..1 or None


class Started:
    """The running application's parts. ``ctx``, ``worker`` and ``window`` (the main window)
    arrive in step 2; ``shell`` is the top-level window throughout."""

    def __init__(
        self,
        app: QApplication,
        shell: StartWindow,
        settings: Settings,
        exit_after_agenda: bool,
        look: FirstLook | None = None,
    ) -> None:
        self.app, self.shell, self.settings = app, shell, settings
        self.exit_after_agenda = exit_after_agenda
        self.look = look
        self.early: EarlyWindow | None = None  # the main window before the database
        self._ready_reported = False
        self._database_reported = False
        self.ctx: AppContext | None = None
        self.worker: Worker | None = None
        self.window: MainWindow | None = None
        self.exit_code = 0
        self.prepared: Prepared | None = None
        self._loading = False
        self._agenda_reported = False
        self._cancel = threading.Event()
        self._progress: _Progress | None = None
        shell.closing.connect(self.cancel)
        # The cycle collector runs on this thread's timer, never on the worker (which loads
        # the database layer meanwhile), from when the main window is in place (or the start
        # failed; START_HOLD_MS at the latest): see ui.core.collector.
        self.collector = GuiThreadCollector(shell, hold_ms=START_HOLD_MS)
        # run() (the real desktop, not the tests) adds the log file and the error dialog.
        self.with_log_and_error_dialog = False
        self.log_file: Path | None = None
        self.reporter: ErrorReporter | None = None
        self.passphrase_prompt: DesktopPassphrasePrompt | None = None

    # ------------------------------------------------------------------ step 2
    def load_rest(self) -> None:
        """Open the database (and build a first run's demo) on the worker thread, once."""
        if self._loading or self._cancel.is_set():
            return
        self._loading = True
        self._after_first_paint()
        from frontdoor_app.ui.core.ops import Ops
        from frontdoor_app.ui.core.worker import Worker

        if not self.settings.is_embedded:  # a shared server: each person signs in first
            from frontdoor_app.ui.shell.sign_in import sign_in

            signed_in = sign_in(self.settings, self.shell)
            if signed_in is None:
                self._fail(translate("App", "Not signed in: close this window to leave."), 1)
                return
            self.settings = signed_in

        if self.settings.is_embedded:
            self._install_passphrase_prompt()
        self.worker = Worker()
        self._progress = _Progress()
        self._progress.changed.connect(self._show_progress)
        settings, report = self.settings, self._progress.changed.emit
        cancelled = self._cancel.is_set
        ops = Ops(self.worker, None)
        if self.look is not None and self.settings.is_embedded:
            self._window_first(ops, report)
            return

        def open_database() -> Prepared:
            from frontdoor_app.startup import prepare

            return prepare(settings, report, cancelled)

        # The database layer is imported on the worker (this window stays live); then,
        # while the worker opens the database, the main window's modules load here.
        ops.query(
            self.shell,
            _load_database_layer,
            lambda _none: _load_main_window(),
            doing=translate("App", "Starting"),
            on_failed=lambda _exc: None,  # opening the database says what went wrong
        )
        # No window to show a message in yet: a failure is said in the start window. No
        # parent: the answer always comes back, so a cancelled start closes what it opened.
        ops.query(
            None,
            open_database,
            self._prepared,
            doing=translate("App", "Starting"),
            on_failed=self._prepare_failed,
        )

    def _install_passphrase_prompt(self) -> None:
        """With no keyring, ``cipher`` asks for a passphrase (on the worker): in a dialog
        here (``ui.shell.passphrase``), never at a terminal nobody sees."""
        from frontdoor_app import cipher
        from frontdoor_app.ui.shell.passphrase import DesktopPassphrasePrompt

        self.passphrase_prompt = DesktopPassphrasePrompt(self.shell, self._no_passphrase)
        cipher.set_passphrase_prompt(self.passphrase_prompt)

    def _no_passphrase(self) -> None:
        self.cancel()
        self._fail(
            translate(
                "App",
                "Not started: no passphrase was given, and the database stays locked. "
                "Close this window to leave.",
            ),
            1,
        )

    def _after_first_paint(self) -> None:
        """What the first paint need not wait for: the icon (its SVG plugin), the log file
        and the error dialog (Qt's enums)."""
        self.app.setWindowIcon(QIcon(str(ICONS / "frontdoor.svg")))
        if not self.with_log_and_error_dialog:
            return
        from frontdoor_app import __version__
        from frontdoor_app.applog import start_log_file
        from frontdoor_app.ui.core.crash import ErrorReporter

        self.log_file = start_log_file(self.settings.data_dir)
        log.info("frontdoor %s started (Python %s)", __version__, sys.version.split()[0])
        self.reporter = ErrorReporter(
            self.log_file, lambda: self.shell, lambda: self.window is not None
        )
        self.reporter.install()

    def _show_progress(self, text: str, fraction: float | None) -> None:
        if self.window is not None or self.shell.failed:
            return
        if fraction is None and self.shell.has_look:
            return  # routine steps under an agenda already shown: nothing to say
        if fraction is not None and self.shell.has_look:
            # The demo is being built, so the agenda shown was read from a first run that
            # was interrupted (see startup): it is not today's, and goes.
            self.shell.clear_look()
        self.shell.progress(translate("App", text), fraction)

    def _prepared(self, prepared: Prepared) -> None:
        if self._cancel.is_set():
            prepared.ctx.close()
            return
        self.prepared, self.ctx = prepared, prepared.ctx
        if self.early is not None and self.window is not None:  # built before it was open
            if not self.early.database_open(prepared, self._report_database):
                self._fail(
                    translate(
                        "App",
                        "Your access to this database changed while the meeting opened. "
                        "Close this window and start again.",
                    ),
                    1,
                )
            return
        try:
            from frontdoor_app.ui.core.messages import Messages
            from frontdoor_app.ui.core.ops import Ops
            from frontdoor_app.ui.meeting import room_reads
            from frontdoor_app.ui.meeting.main_window import MainWindow

            assert self.worker is not None
            # Today's meeting is read on the worker while the window is built here (the
            # read's SQL runs while this thread lays out the widgets); the window shows it.
            profile = self.ctx.profile
            Ops(self.worker, None, self.ctx).read(
                None,
                lambda s: room_reads.load_start(s, profile, None),
                self._start_read,
                doing=translate("App", "Starting"),
                on_failed=lambda _exc: self._start_read(None),
            )
            window = MainWindow(self.ctx, self.worker, Messages(), parent=self.shell)
        except Exception as exc:  # noqa: BLE001 - whatever it is, the user must be told
            self._prepare_failed(exc)
            return
        self.window = window
        if prepared.demo == "built":
            window.show_demo_note(translate("App", "Demo data created for a first look"))
        elif prepared.demo == "rebuilt":
            window.show_demo_note(
                translate(
                    "App",
                    "Demo data created again: an earlier first run was "
                    "interrupted before the demo was complete (the unfinished "
                    "file was kept as %1)",
                ).replace("%1", str(prepared.set_aside))
            )
        window.room_loaded.connect(self._room_loaded)
        window.agenda_painted.connect(self._main_agenda_painted)

    def _start_read(self, start: StartData | None) -> None:
        """Today's meeting, read while the window was built: shown in it (None: the read
        failed, and the window reads it again itself, saying what goes wrong)."""
        window = self.window
        if window is None or self._cancel.is_set():
            return
        if start is None:
            window.load()
        else:
            window.show_start(start)

    # ------------------------------------------------------------------ the window first
    def _window_first(self, ops: Ops, report: Report) -> None:
        """The main window at once, the database opened behind it (``early_window``)."""
        from frontdoor_app.ui.shell.early_window import EarlyWindow

        assert self.look is not None and self.worker is not None
        early = self.early = EarlyWindow(self.settings, self.look)
        # Queued first: every job the window asks for runs after it.
        ops.query(
            None,
            lambda: early.open_behind(self._cancel.is_set, report),
            self._prepared,
            doing=translate("App", "Starting"),
            on_failed=self._prepare_failed,
        )
        try:
            self.window = early.build(self.worker, self.shell)
            if self.window is not None:
                self.window.room_loaded.connect(self._room_loaded)
                self.window.agenda_painted.connect(self._main_agenda_painted)
                early.show()
        except Exception:  # noqa: BLE001 - the start goes on the usual way, which says
            log.warning("the main window could not be built early", exc_info=True)
            self.window = None
            early.abandon()
        finally:
            early.built()
        if self.window is None:
            self.early = None  # the usual start, behind the worker's job

    def _prepare_failed(self, exc: BaseException) -> None:
        from frontdoor_app.startup import StartCancelled

        if isinstance(exc, StartCancelled) or self._cancel.is_set():
            return
        if isinstance(exc, ProfileError):
            from frontdoor_app.ui.shell.start_window import profile_mistake

            self._fail(profile_mistake(exc), 2)
            return
        from frontdoor_app.ui.core.messages import cause  # a failed start only

        log.error("start-up failed", exc_info=(type(exc), exc, exc.__traceback__))
        self._fail(
            translate(
                "App",
                "The meeting could not be opened: %1\n\nClose this window and start "
                "again; if it happens again, tell your admin.",
            ).replace("%1", cause(exc)),
            1,
        )

    def cancel(self) -> None:
        """The window is closing: stop loading at the next step (nothing is left half done
        that the next start would not finish)."""
        self._cancel.set()
        if self.early is not None:
            self.early.release()

    def _room_loaded(self) -> None:
        window = self.window
        if window is None or window is self.shell.main:
            return
        self.shell.adopt(window)
        if window.agenda.model.rowCount() == 0:
            self._report_ready()  # nothing to paint: no meeting yet

    def _fail(self, text: str, code: int) -> None:
        self.collector.settle()
        print(f"frontdoor: {text}", file=sys.stderr, flush=True)
        self.exit_code = code
        if self.window is not None and self.window is self.shell.main:
            # Built before the database was open, which then failed: it goes, and the
            # reason takes its place (nothing was saved from it: no job ran).
            self.window.shutdown()
            self.window = None
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
            # CPU first (a marker the benchmark only records): this process and the
            # children it has reaped (the key reader), less sensitive to a busy machine.
            print(f"AGENDA_PAINTED_CPU {_cpu_ms():.1f}", flush=True)
            print(f"AGENDA_PAINTED {_since_start_ms():.1f}", flush=True)

    def _report_ready(self) -> None:
        """The main window is in place with today's agenda (built early: its database is
        still opening, and ``_report_database`` ends the start)."""
        if self._ready_reported:
            return
        self._ready_reported = True
        if self.exit_after_agenda:
            self._report_agenda()
            print(f"ROOM_READY {_since_start_ms():.1f}", flush=True)
        if self.early is None:
            self._report_database()
        else:
            self.early.painted()  # its database opens now (also with no case to paint)

    def _report_database(self) -> None:
        """The database is open and today's meeting read through it: the start is over."""
        if self._database_reported:
            return
        self._database_reported = True
        self.collector.settle()
        if self.exit_after_agenda:
            print(f"DATABASE_READY {_since_start_ms():.1f}", flush=True)
            QTimer.singleShot(0, self.app.quit)  # once the paint in hand has finished

    # ------------------------------------------------------------------ stopping
    def stop(self) -> None:
        if self.early is not None:
            self.early.release()
        if self.passphrase_prompt is not None:
            from frontdoor_app import cipher

            self.passphrase_prompt.release()  # a worker still waiting for it goes on
            cipher.set_passphrase_prompt(cipher.terminal_prompt)
        if self.reporter is not None:
            self.reporter.uninstall()
        if self.window is not None:
            self.window.shutdown()
            if self.window.parent() is None:  # made, not yet in the shell: nothing else owns it
                self.window.deleteLater()
        if self.worker is not None:
            self.worker.stop()
        if self.ctx is not None:
            self.ctx.close()


def _load_database_layer() -> None:
    """SQLAlchemy and the models (run on the worker)."""
    import frontdoor_app.startup  # noqa: F401


def _load_main_window() -> None:
    """The main window's modules, imported once the database layer is (the two share
    modules: never imported by both threads at once) while the worker opens the database."""
    import frontdoor_app.ui.meeting.main_window  # noqa: F401


def _since_start_ms() -> float:
    return (time.perf_counter() - _START) * 1000


def _cpu_ms() -> float:
    """CPU time of this process and its reaped children, in ms."""
    import resource

    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (time.process_time() + children.ru_utime + children.ru_stime) * 1000


def start(database_url: str | None = None, profile: str | None = None) -> Started:
    """Show the window with the first look; the rest loads once it is on screen."""
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("Front door")
    app.setDesktopFileName("frontdoor")  # Wayland and task bars match the .desktop entry
    apply_desk_theme(app)
    settings = load_settings(database_url, profile)
    shell = StartWindow()
    # The computer's date: the profile is not read yet. The early window compares it with the
    # authority's day (``profile.today()``) and gives way to the usual start if they differ.
    look = read_first_look(settings.database_url, dt.date.today())  # noqa: DTZ011
    if look is not None:
        shell.show_look(look)
    started = Started(app, shell, settings, os.environ.get(ENV_EXIT_AFTER_AGENDA) == "1", look)
    shell.painted.connect(started.first_look_painted)
    QTimer.singleShot(LOAD_ANYWAY_MS, shell, started.load_rest)  # dropped if the window goes
    shell.show()
    return started


def run(database_url: str | None = None, profile: str | None = None, smoke: bool = False) -> int:
    """Open the main window at today's meeting agenda; returns the process exit code.

    The log goes to the user data folder's rotated file, and an unexpected error is
    logged and shown (``ui.crash``). ``smoke``: see ``ui.shell.smoke``.
    """
    started = start(database_url, profile)
    started.with_log_and_error_dialog = True  # once the first look is painted
    started.collector.freeze_after_start = True  # the process's own: see ui.core.collector
    checker = None
    if smoke:
        from frontdoor_app.ui.shell.smoke import SmokeTest

        checker = SmokeTest(started)
    try:
        code = started.app.exec()
    finally:
        started.stop()
    if checker is not None:
        return checker.result()
    return code or started.exit_code
