"""The line a form shows when what it edits was saved by someone else meanwhile: a notice in
words and a "See the change" button (the conflict view), both hidden until needed."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QBoxLayout, QHBoxLayout, QLabel, QPushButton, QWidget

from frontdoor_app.ui.core.i18n import translate

STYLE = (
    "QLabel#changedNotice { background: #fff3cd; border: 1px solid #c69500;"
    " padding: 6px; font-weight: 600; }"
)


def changed_notice(parent: QWidget, into: QBoxLayout) -> tuple[QLabel, QPushButton]:
    """The notice and its button, added as one row to ``into``; both start hidden."""
    row = QHBoxLayout()
    notice = QLabel("", parent)
    notice.setObjectName("changedNotice")
    notice.setWordWrap(True)
    notice.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    notice.setAccessibleName(translate("ChangedNotice", "Changed by someone else"))
    notice.setStyleSheet(STYLE)
    words = translate("ChangedNotice", "See the change")
    button = QPushButton(words, parent)
    button.setAccessibleName(words)
    row.addWidget(notice, 1)
    row.addWidget(button)
    into.addLayout(row)
    notice.hide()
    button.hide()
    return notice, button
