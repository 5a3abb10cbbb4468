"""Start the desktop application: settings, context, demo data on first run, main window.

Start-up is kept lean: only what the first window needs is imported before it shows,
and the agenda is loaded by the worker. With FRONTDOOR_EXIT_AFTER_AGENDA=1 the process
prints ``AGENDA_PAINTED <ms>`` once the agenda has been painted with rows, then quits
(the ``start_to_agenda`` benchmark measures this against a bare PySide6 window).
"""

from __future__ import annotations

import os
import sys
import time

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication

from frontdoor_app.context import AppContext, build_context
from frontdoor_app.settings import load_settings

from .main_window import MainWindow
from .messages import Messages
from .theme import apply_desk_theme
from .worker import Worker

ENV_EXIT_AFTER_AGENDA = "FRONTDOOR_EXIT_AFTER_AGENDA"
_START = time.perf_counter()


def ensure_demo(ctx: AppContext) -> bool:
    """On an empty database build the small demo city first; True when it did."""
    if not ctx.is_empty():
        return False
    from frontdoor_app.demo import build_demo  # only an empty database needs the generator

    build_demo(ctx, scale="small")
    return True


class Started:
    """The running application's parts, so ``run`` (and tests) can tear them down in order."""

    def __init__(self, app: QApplication, ctx: AppContext, worker: Worker,
                 window: MainWindow) -> None:  # fmt: skip
        self.app, self.ctx, self.worker, self.window = app, ctx, worker, window

    def stop(self) -> None:
        self.window.shutdown()
        self.worker.stop()
        self.ctx.close()


def start(database_url: str | None = None, profile: str | None = None) -> Started:
    """Build everything and show the main window; the agenda arrives from the worker."""
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("Front door")
    apply_desk_theme(app)
    settings = load_settings(database_url, profile)
    ctx = build_context(settings)
    created = ensure_demo(ctx)
    worker = Worker()
    window = MainWindow(ctx, worker, Messages())
    if created:
        window.show_demo_note(
            QCoreApplication.translate("App", "Demo data created for a first look")
        )
    if os.environ.get(ENV_EXIT_AFTER_AGENDA) == "1":
        window.agenda_painted.connect(lambda: _report_and_quit(app))
    window.show()
    window.load()
    return Started(app, ctx, worker, window)


def run(database_url: str | None = None, profile: str | None = None) -> int:
    """Open the main window at today's meeting agenda; returns the process exit code."""
    started = start(database_url, profile)
    try:
        return started.app.exec()
    finally:
        started.stop()


def _report_and_quit(app: QApplication) -> None:
    print(f"AGENDA_PAINTED {(time.perf_counter() - _START) * 1000:.1f}", flush=True)
    app.quit()
