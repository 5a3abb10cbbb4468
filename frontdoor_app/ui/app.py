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


def run(database_url: str | None = None, profile: str | None = None) -> int:
    """Open the main window at today's meeting agenda; returns the process exit code."""
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("Front door")
    apply_desk_theme(app)  # type: ignore[arg-type]
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
        window.agenda_painted.connect(lambda: _report_and_quit(app))  # type: ignore[arg-type]
    window.show()
    window.load()
    try:
        return app.exec()
    finally:
        window.shutdown()
        worker.stop()
        ctx.close()


def _report_and_quit(app: QApplication) -> None:
    print(f"AGENDA_PAINTED {(time.perf_counter() - _START) * 1000:.1f}", flush=True)
    app.quit()
