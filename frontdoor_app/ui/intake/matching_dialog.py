"""The matching model, read-only, for the admin: thresholds, estimates, workload, weights.

Opened from the import screen ("Matching model…"). Retraining is the command
``frontdoor matching train``; this dialog only shows what the importer uses.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from frontdoor_app.intake.training import ModelView

_NAMES = {
    "surname": "Surname",
    "forename": "Forename",
    "dob": "Date of birth",
    "address": "Address",
    "gender": "Gender",
}


def _percent(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value * 100:.{digits}f} %"


class MatchingModelDialog(QDialog):
    def __init__(self, view: ModelView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Matching model"))
        self.setAccessibleName(self.tr("Matching model"))
        self.resize(780, 640)
        layout = QVBoxLayout(self)
        if view.trained_at is None:
            trained = self.tr(
                "Not yet trained on this register: the starting values are in "
                "use. Run “frontdoor matching train” to estimate the model from "
                "the register."
            )
        else:
            trained = self.tr("Trained {0} on {1} known people.").format(
                f"{view.trained_at:%d/%m/%Y %H:%M}", f"{view.register_size:,}"
            )
        self.trained_label = QLabel(trained, self)
        self.trained_label.setWordWrap(True)
        layout.addWidget(self.trained_label)
        daily = view.expected_daily_reviews
        lines = [
            self.tr(
                "<b>Linked automatically</b> when the model puts the chance that it is the "
                "same person at {0} or more (estimated false links below 1 in {1:,})."
            ).format(_percent(view.auto_probability), round(1 / (1 - view.auto_probability))),
            self.tr("<b>Offered to a person</b> from {0}; below that, a new person.").format(
                _percent(view.review_probability)
            ),
            self.tr(
                "Twins (same date of birth and surname, another forename), namesakes (another "
                "date of birth) and people with both another date of birth and forename are "
                "never linked automatically."
            ),
            self.tr(
                "Replaying earlier notifications: {0} would be linked automatically "
                "(estimated precision {1}), {2} offered to a person."
            ).format(
                _percent(view.auto_share),
                _percent(view.estimated_precision, 2),
                _percent(view.grey_share),
            ),
            self.tr(
                "Expected workload: about <b>{0}</b> possible matches a day to decide "
                "({1} people named a day over the last four weeks)."
            ).format(
                "—" if daily is None else f"{daily:.1f}",
                "—" if view.persons_per_day is None else f"{view.persons_per_day:.0f}",
            ),
        ]
        self.summary_label = QLabel("<br><br>".join(lines), self)
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.summary_label)
        self.levels = QStandardItemModel(0, 5, self)
        self.levels.setHorizontalHeaderLabels(
            [
                self.tr("Compared"),
                self.tr("Level"),
                self.tr("m (same person)"),
                self.tr("u (two people)"),
                self.tr("Weight"),
            ]
        )
        for row in view.levels:
            cells = [
                QStandardItem(_NAMES.get(row.comparison, row.comparison)),
                QStandardItem(row.words),
                QStandardItem(f"{row.m:.4f}"),
                QStandardItem(f"{row.u:.6f}"),
                QStandardItem(f"{row.weight:+.1f}"),
            ]
            for cell in cells[2:]:
                cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.levels.appendRow(cells)
        table = QTableView(self)
        table.setModel(self.levels)
        table.setAccessibleName(self.tr("Evidence weight of each comparison level"))
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.verticalHeader().setVisible(False)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table = table
        layout.addWidget(table, 1)
        if view.common_surnames:
            common = ", ".join(
                f"{name} ({share * 100:.2f} %)" for name, share in view.common_surnames
            )
            note = QLabel(
                self.tr(
                    "An exact surname weighs by its frequency in the register: commonest {0}."
                ).format(common),
                self,
            )
            note.setWordWrap(True)
            layout.addWidget(note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
