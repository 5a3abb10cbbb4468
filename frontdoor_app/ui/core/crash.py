"""The "unexpected error" dialog: a fault nobody foresaw is written to the log with its
traceback, and the user is told what happened, where the log is and what to do.

Installed as ``sys.excepthook`` (and ``threading.excepthook``) by ``ui.app.run``. An
exception escaping a Qt slot or event handler does not end the event loop, so once the
main window is in place the user may carry on (every write is its own transaction, so
nothing half-saved is left by the fault); before then there is nothing to carry on with,
and the dialog offers only to close. Errors from other threads are shown on the GUI
thread. While a dialog is open, further errors are only logged; after several in quick
succession the dialog advises closing.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QObject, Qt, QThread, Signal
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from frontdoor_app.ui.core.i18n import translate

log = logging.getLogger("frontdoor_app.unexpected")
STORM = 3  # this many errors within STORM_SECONDS: advise closing
STORM_SECONDS = 30.0


class ErrorReporter(QObject):
    """Logs unexpected errors and shows them; ``dialog`` is the one on screen, if any."""

    shown = Signal(object)  # the QMessageBox, once it is open
    _from_thread = Signal(str, str)  # summary, traceback text

    def __init__(
        self,
        log_file: Path | None,
        window: Callable[[], QWidget | None],
        can_carry_on: Callable[[], bool],
    ) -> None:
        super().__init__()
        self.log_file = log_file
        self._window = window
        self._can_carry_on = can_carry_on
        self.dialog: QMessageBox | None = None
        self._times: list[float] = []
        self._previous: tuple[object, object] | None = None
        self._from_thread.connect(self._show)

    def install(self) -> None:
        self._previous = (sys.excepthook, threading.excepthook)
        sys.excepthook = self.excepthook
        threading.excepthook = self.thread_excepthook

    def uninstall(self) -> None:
        if self._previous is not None:
            sys.excepthook, threading.excepthook = self._previous  # type: ignore[assignment]
            self._previous = None

    def excepthook(
        self, kind: type[BaseException], value: BaseException, tb: TracebackType | None
    ) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, value, tb)
            return
        log.critical("unexpected error", exc_info=(kind, value, tb))
        text = "".join(traceback.format_exception(kind, value, tb))
        summary = f"{kind.__name__}: {value}"
        app = QApplication.instance()
        if app is None:
            sys.__excepthook__(kind, value, tb)
        elif QThread.currentThread() is app.thread():
            self._show(summary, text)
        else:
            self._from_thread.emit(summary, text)  # queued to the GUI thread

    def thread_excepthook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None:
            return
        self.excepthook(args.exc_type, args.exc_value, args.exc_traceback)

    def _show(self, summary: str, details: str) -> None:
        now = time.monotonic()
        self._times = [t for t in self._times if now - t < STORM_SECONDS] + [now]
        if self.dialog is not None:
            return  # one at a time; this one is in the log
        carry_on = self._can_carry_on()
        where = (
            str(self.log_file)
            if self.log_file
            else translate("ErrorDialog", "(no log file could be written)")
        )
        lines = [
            translate("ErrorDialog", "Something went wrong that the application did not expect:"),
            summary,
            "",
        ]
        lines.append(
            translate("ErrorDialog", "The details were written to the log file:\n%1").replace(
                "%1", where
            )
        )
        lines.append("")
        if not carry_on:
            lines.append(
                translate(
                    "ErrorDialog",
                    "The application was still starting, so it has to close. Start it "
                    "again; if this happens again, send the log file to your admin.",
                )
            )
        elif len(self._times) >= STORM:
            lines.append(
                translate(
                    "ErrorDialog",
                    "This has happened %1 times in the last minute: close the "
                    "application and start it again, and send the log file to your "
                    "admin.",
                ).replace("%1", str(len(self._times)))
            )
        else:
            lines.append(
                translate(
                    "ErrorDialog",
                    "What you had saved is safe. You can carry on; if something "
                    "looks wrong, close the application, start it again and send the "
                    "log file to your admin.",
                )
            )
        box = QMessageBox(self._window())
        box.setObjectName("unexpectedError")
        box.setIcon(QMessageBox.Icon.Critical)
        box.setWindowTitle(translate("ErrorDialog", "Front door: unexpected error"))
        box.setText("\n".join(lines))
        box.setDetailedText(details)
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        close = box.addButton(
            translate("ErrorDialog", "Close the application"),
            QMessageBox.ButtonRole.DestructiveRole,
        )
        if carry_on:
            box.setDefaultButton(
                box.addButton(
                    translate("ErrorDialog", "Carry on"), QMessageBox.ButtonRole.AcceptRole
                )
            )
        box.setWindowModality(Qt.WindowModality.ApplicationModal)

        def finished() -> None:
            self.dialog = None
            box.deleteLater()
            if box.clickedButton() is close or not carry_on:
                app = QApplication.instance()
                if app is not None:
                    app.exit(1)

        box.finished.connect(finished)
        self.dialog = box
        box.open()  # not exec(): the event loop that raised carries on
        self.shown.emit(box)
