"""The conflict view: your version and the one saved meanwhile, field by field.

Shown when a save finds that someone else changed the record since the form was started.
Nothing is lost: the person chooses to keep theirs, put theirs aside and save mine on top
(against the new version), or go back to editing with both in view.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

KEEP_THEIRS = "theirs"
MINE_ON_TOP = "mine"
EDIT = "edit"
CHOICES = (KEEP_THEIRS, MINE_ON_TOP, EDIT)


@dataclass(frozen=True)
class FieldPair:
    field: str
    mine: str
    theirs: str

    @property
    def differs(self) -> bool:
        return self.mine.strip() != self.theirs.strip()


@dataclass(frozen=True)
class Conflict:
    """What to show: the record, the fields, and who saved the other version when."""

    what: str  # e.g. "The decision for case 3"
    saved_by: str
    saved_at: str  # local time, e.g. "09:42"
    fields: tuple[FieldPair, ...]

    def summary(self) -> str:
        changed = [f.field for f in self.fields if f.differs]
        return (
            f"{self.what} was saved by {self.saved_by} at {self.saved_at} while you were "
            f"editing it. Fields that differ: {', '.join(changed) or 'none'}."
        )


class ConflictDialog(QDialog):
    """Both versions side by side; ``choice`` is one of ``CHOICES`` once closed."""

    def __init__(self, conflict: Conflict, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Saved by someone else meanwhile"))
        self.setAccessibleName(self.tr("Conflict: two versions"))
        self.setModal(True)
        self.resize(860, 420)
        self.choice = EDIT
        layout = QVBoxLayout(self)
        heading = QLabel(
            self.tr(
                "%1 was saved by <b>%2</b> at <b>%3</b> while you were editing it. "
                "Nothing has been lost: choose which version stands."
            )
            .replace("%1", conflict.what.replace("<", "&lt;"))
            .replace("%2", conflict.saved_by.replace("<", "&lt;"))
            .replace("%3", conflict.saved_at),
            self,
        )
        heading.setWordWrap(True)
        heading.setObjectName("conflictHeading")
        layout.addWidget(heading)
        table = QTableWidget(len(conflict.fields), 3, self)
        table.setObjectName("conflictTable")
        table.setAccessibleName(self.tr("Your version and theirs, field by field"))
        table.setHorizontalHeaderLabels(
            [
                self.tr("Field"),
                self.tr("Your version"),
                self.tr("Saved by %1").replace("%1", conflict.saved_by),
            ]
        )
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setWordWrap(True)
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        marked = QBrush(QColor("#fff3cd"))
        for row, pair in enumerate(conflict.fields):
            name = pair.field + ("  ≠" if pair.differs else "")
            cells = (name, pair.mine or "—", pair.theirs or "—")
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setToolTip(text)
                if pair.differs:
                    cell.setBackground(marked)  # the "≠" says it too: never colour alone
                table.setItem(row, column, cell)
        # Each row as tall as its text wrapped at its column's width, kept so by Qt as the
        # widths change (a few rows): measured once, before the dialog was laid out, the
        # stretching columns were narrow and a line of text had three lines' height.
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(table, 1)
        buttons = QHBoxLayout()
        self.keep_theirs = QPushButton(self.tr("Keep theirs"), self)
        self.keep_theirs.setToolTip(self.tr("Drop your changes and show their version"))
        self.mine_on_top = QPushButton(self.tr("Put mine on top"), self)
        self.mine_on_top.setToolTip(
            self.tr("Save your version over theirs (theirs stays in the audit trail)")
        )
        self.edit = QPushButton(self.tr("Edit"), self)
        self.edit.setToolTip(self.tr("Go back to your form, with their version in view"))
        self.edit.setDefault(True)
        for button, choice in (
            (self.keep_theirs, KEEP_THEIRS),
            (self.mine_on_top, MINE_ON_TOP),
            (self.edit, EDIT),
        ):
            button.setAccessibleName(button.text())
            button.clicked.connect(lambda _=False, c=choice: self._choose(c))
            buttons.addWidget(button)
        buttons.insertStretch(0, 1)
        layout.addLayout(buttons)
        self.table = table
        table.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def _choose(self, choice: str) -> None:
        self.choice = choice
        self.accept()


def pairs(rows: Sequence[tuple[str, str, str]]) -> tuple[FieldPair, ...]:
    return tuple(FieldPair(f, m, t) for f, m, t in rows)
