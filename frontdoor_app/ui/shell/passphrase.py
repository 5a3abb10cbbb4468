"""The desktop's passphrase prompt, for a computer with no keyring (``cipher`` asks it).

``cipher.prepare`` runs on the worker thread (start-up step 2) and asks for the passphrase
only when it finds no keyring, which only the worker knows (the keyring's backend discovery
is slow, so the GUI thread never waits for it). So the prompt is called on the worker: it
posts the question to the GUI thread (a queued signal to an object living there), where a
window-modal dialog is *opened* (not ``exec``: the GUI thread's own event loop keeps running
and nothing nests), and the worker waits on a ``threading.Event`` until the dialog is
answered. An existing file's passphrase is tried on the worker before it is returned; a
wrong one is said in the dialog, which asks again. Cancel ends the start: the worker gets no
passphrase (``cipher`` refuses to go on) and ``on_cancel`` closes the start window.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from frontdoor_app import cipher
from frontdoor_app.ui.core.i18n import translate

MIN_LENGTH = 12  # as the terminal prompt asks


class PassphraseDialog(QDialog):
    """A new file's passphrase (typed twice, with why) or an existing file's (once)."""

    def __init__(
        self, path: Path, new: bool, error: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.new = new
        self.setObjectName("passphraseDialog")
        self.setWindowTitle(
            self.tr("Choose a passphrase for the database")
            if new
            else self.tr("Passphrase for the database")
        )
        if new:
            text = self.tr(
                "This computer has no keyring to keep the database's key safely, so the "
                "database {0} is locked with a passphrase you choose now, and asked for at "
                "every start.\n\n"
                "The passphrase is never stored: not on this computer, not anywhere. If it is "
                "lost, the file cannot be opened by anyone, and its contents are lost.\n\n"
                "Use at least {1} characters; a few unrelated words are easy to type and hard "
                "to guess."
            ).format(path, MIN_LENGTH)
        else:
            text = self.tr(
                "This computer has no keyring: type the passphrase chosen for the database {0}."
            ).format(path)
        self.explanation = QLabel(text)
        self.explanation.setObjectName("passphraseExplanation")
        self.explanation.setWordWrap(True)
        self.first = QLineEdit()
        self.first.setObjectName("passphraseFirst")
        self.again = QLineEdit(self)  # owned by the dialog even when not shown
        self.again.setObjectName("passphraseAgain")
        for edit in (self.first, self.again):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        form.addRow(self.tr("&Passphrase:"), self.first)
        if new:
            form.addRow(self.tr("The same &again:"), self.again)
        else:
            self.again.hide()
        self.error = QLabel(error)
        self.error.setObjectName("passphraseError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020; font-weight: bold;")
        self.error.setVisible(bool(error))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.cancel_button = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setText(self.tr("Cancel (do not start)"))
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.explanation)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.setMinimumWidth(560)
        self.first.setFocus()

    def _say(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(True)

    def _check(self) -> None:
        passphrase = self.first.text()
        if not passphrase:
            self._say(self.tr("Type the passphrase."))
            return
        if self.new and len(passphrase) < MIN_LENGTH:
            self._say(
                self.tr("The passphrase must have at least {0} characters.").format(MIN_LENGTH)
            )
            return
        if self.new and self.again.text() != passphrase:
            self._say(self.tr("The two passphrases differ: type the same one twice."))
            self.again.clear()
            return
        self.accept()

    @property
    def passphrase(self) -> str:
        return self.first.text()


@dataclass
class _Question:
    path: Path
    new: bool
    error: str
    answered: threading.Event = field(default_factory=threading.Event)
    answer: str | None = None


class DesktopPassphrasePrompt(QObject):
    """A ``cipher.PassphrasePrompt`` made on the GUI thread and called on the worker."""

    _asked = Signal(object)  # a _Question, delivered on the GUI thread
    shown = Signal(object)  # the dialog opened (tests answer it)

    def __init__(self, parent: QWidget, on_cancel: Callable[[], None]) -> None:
        super().__init__(parent)
        self.window = parent
        self.on_cancel = on_cancel
        self.dialog: PassphraseDialog | None = None
        self._lock = threading.Lock()
        self._pending: _Question | None = None
        self._released = False
        self._asked.connect(self._ask)  # queued when emitted on the worker

    def __call__(self, path: Path, new: bool) -> str | None:
        if os.environ.get(cipher.PASSPHRASE_FILE_ENV):  # unattended: read from the file
            return cipher.terminal_prompt(path, new)
        error = ""
        while True:
            passphrase = self._question(path, new, error)
            if passphrase is None or new:
                return passphrase
            try:  # an existing file: the worker tries it before the start goes on
                cipher.connect(path, cipher.Key(passphrase=passphrase)).close()
            except cipher.DatabaseKeyError:
                error = translate(
                    "PassphraseDialog",
                    "That passphrase does not open the database. Type it again "
                    "(capital letters count).",
                )
                continue
            return passphrase

    def _question(self, path: Path, new: bool, error: str) -> str | None:
        if QThread.currentThread() == self.thread():
            raise RuntimeError("the passphrase prompt waits for the GUI thread: not on it")
        question = _Question(path, new, error)
        with self._lock:
            if self._released:
                return None
            self._pending = question
        self._asked.emit(question)
        question.answered.wait()
        return question.answer

    def release(self) -> None:
        """The application is stopping: a worker still waiting gets no passphrase."""
        with self._lock:
            self._released = True
            pending, self._pending = self._pending, None
        if pending is not None:
            pending.answered.set()

    def _ask(self, question: _Question) -> None:
        dialog = PassphraseDialog(question.path, question.new, question.error, self.window)
        self.dialog = dialog

        def finished(result: int) -> None:
            accepted = result == QDialog.DialogCode.Accepted
            question.answer = dialog.passphrase if accepted else None
            dialog.first.clear()
            dialog.again.clear()
            dialog.deleteLater()
            if self.dialog is dialog:
                self.dialog = None
            question.answered.set()
            if not accepted:
                self.on_cancel()

        dialog.finished.connect(finished)
        dialog.open()
        self.shown.emit(dialog)
