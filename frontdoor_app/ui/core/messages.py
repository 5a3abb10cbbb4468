"""The one message-box service: every question and warning goes through here.

Tests install answers (``messages.answer_next(...)``) so no dialog ever blocks them;
every message shown is kept in ``messages.log`` for assertions.
"""

from __future__ import annotations

import logging
from collections import deque
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QInputDialog, QMessageBox, QWidget

from frontdoor_app.refusal import Refusal, first_line
from frontdoor_app.ui.core.conflict_view import CHOICES, EDIT, Conflict, ConflictDialog

log = logging.getLogger(__name__)

# The domain's refusals (meeting, FGC, links, quarantine, users): a rule said no, in words
# meant for the person.
REFUSALS = (Refusal,)


@dataclass(frozen=True)
class Shown:
    kind: str  # info | warning | error | question | text | conflict
    title: str
    text: str


class Messages:
    """Shows messages, or answers them from a queue when a test has loaded one."""

    def __init__(self) -> None:
        self.log: list[Shown] = []
        self._answers: deque[object] = deque()
        self.scripted = False  # True: never open a real box; unanswered questions say no

    def answer_next(self, *answers: object) -> None:
        """Queue answers for the next questions (bool for yes/no, str or None for text)."""
        self.scripted = True
        self._answers.extend(answers)

    def _scripted(self, default: object) -> object:
        return self._answers.popleft() if self._answers else default

    def info(self, parent: QWidget | None, title: str, text: str) -> None:
        self.log.append(Shown("info", title, text))
        if not self.scripted:
            QMessageBox.information(parent, title, text)

    def warning(self, parent: QWidget | None, title: str, text: str) -> None:
        self.log.append(Shown("warning", title, text))
        if not self.scripted:
            QMessageBox.warning(parent, title, text)

    def error(self, parent: QWidget | None, title: str, text: str) -> None:
        self.log.append(Shown("error", title, text))
        if not self.scripted:
            QMessageBox.critical(parent, title, text)

    def failed(self, parent: QWidget | None, title: str, exc: BaseException) -> None:
        """A background job failed: a refusal is a warning in its own words, else an error."""
        if isinstance(exc, REFUSALS):
            self.warning(parent, title, str(exc))
            return
        from frontdoor_app.sync.offline import connection_lost  # SQLAlchemy: loaded by now

        if connection_lost(exc):
            # Not a fault, and never the driver's text: it names the statement, and its
            # parameters can be what someone typed about a family. The log keeps the cause.
            log.warning("%s: the server cannot be reached: %s", title, getattr(exc, "orig", exc))
            self.warning(
                parent,
                title,
                QCoreApplication.translate(
                    "Messages",
                    "The server cannot be reached, so this was not done. Nothing you typed "
                    "is lost: try again once the server is back.",
                ),
            )
            return
        log.error("%s failed", title, exc_info=exc)
        text = QCoreApplication.translate(
            "Messages", "Something went wrong: %1. Nothing was lost; try again."
        )
        self.error(parent, title, text.replace("%1", cause(exc)))

    def ask(self, parent: QWidget | None, title: str, text: str) -> bool:
        self.log.append(Shown("question", title, text))
        if self.scripted:
            return bool(self._scripted(False))
        reply = QMessageBox.question(parent, title, text)
        return reply == QMessageBox.StandardButton.Yes

    def text(self, parent: QWidget | None, title: str, label: str) -> str | None:
        """A line of text from the user, or None when cancelled."""
        self.log.append(Shown("text", title, label))
        if self.scripted:
            answer = self._scripted(None)
            return None if answer is None else str(answer)
        value, ok = QInputDialog.getText(parent, title, label)
        return value if ok else None

    def conflict(self, parent: QWidget | None, conflict: Conflict) -> str:
        """Both versions of a record; returns keep "theirs", put "mine" on top, or "edit"."""
        self.log.append(Shown("conflict", conflict.what, conflict.summary()))
        if self.scripted:
            answer = str(self._scripted(EDIT))
            return answer if answer in CHOICES else EDIT
        dialog = ConflictDialog(conflict, parent)
        dialog.exec()
        choice = dialog.choice if dialog.result() else EDIT
        dialog.deleteLater()
        return choice

    def last(self) -> Shown | None:
        return self.log[-1] if self.log else None


def cause(exc: BaseException) -> str:
    """What a fault says on a screen (``refusal.first_line``)."""
    return first_line(exc)
