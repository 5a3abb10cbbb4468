"""Attendance: who is present for which agency, apologies, information sent."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from frontdoor_app.context import AppContext
from frontdoor_app.meeting import lifecycle
from frontdoor_app.meeting.views import AgencyOption, AttendanceRow, AttendanceSummary
from frontdoor_app.ui.core.i18n import translate
from frontdoor_app.ui.core.messages import Messages
from frontdoor_app.ui.core.ops import Ops
from frontdoor_app.ui.core.worker import Worker
from frontdoor_app.ui.widgets.rows_model import RowsModel
from frontdoor_app.ui.widgets.tables import fill_agencies, label, make_table

STATUS_WORDS = {
    "present": "present",
    "apologies": "apologies",
    "information_sent": "information sent",
}


def attendance_model() -> RowsModel[AttendanceRow]:
    return RowsModel(
        [
            (translate("Attendance", "Agency"), lambda a: a.agency_name),
            (translate("Attendance", "Person"), lambda a: a.person_name),
            (
                translate("Attendance", "Status"),
                lambda a: translate("Attendance", STATUS_WORDS.get(a.status, a.status)),
            ),
        ],
        describe=lambda a: f"{a.agency_name}: {a.person_name}, {STATUS_WORDS.get(a.status)}",
    )


class AttendanceDialog(QDialog):
    changed = Signal()

    def __init__(
        self,
        ctx: AppContext,
        worker: Worker,
        messages: Messages,
        meeting_id: int,
        agencies: Sequence[AgencyOption],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx, self.worker, self.messages, self.meeting_id = ctx, worker, messages, meeting_id
        self.ops = Ops(worker, messages, ctx)
        self.setWindowTitle(self.tr("Attendance"))
        self.setAccessibleName(self.tr("Attendance"))
        self.resize(820, 600)
        layout = QVBoxLayout(self)
        self.summary = label("", self, self.tr("Attendance summary"))
        layout.addWidget(self.summary)
        self.model = attendance_model()
        self.table = make_table(self.model, self.tr("Attendance list"), self, stretch_column=1)
        layout.addWidget(self.table, 1)
        change = QHBoxLayout()
        self.change_status = QComboBox(self)
        self.change_status.setAccessibleName(self.tr("New attendance status"))
        for code, words in STATUS_WORDS.items():
            self.change_status.addItem(translate("Attendance", words), code)
        self.change = QPushButton(self.tr("Change selected"), self)
        self.change.setAccessibleName(self.tr("Change the selected person's status"))
        change.addWidget(label(self.tr("Selected person:"), self, wrap=False))
        change.addWidget(self.change_status)
        change.addWidget(self.change)
        change.addStretch(1)
        layout.addLayout(change)
        box = QGroupBox(self.tr("Add a person"), self)
        box.setAccessibleName(self.tr("Add a person to the attendance"))
        form = QFormLayout(box)
        self.agency = QComboBox(box)
        self.agency.setAccessibleName(self.tr("Agency"))
        fill_agencies(self.agency, agencies, ctx.actor.agency_id)
        form.addRow(self.tr("Agency:"), self.agency)
        self.name = QLineEdit(box)
        self.name.setAccessibleName(self.tr("Person's name"))
        form.addRow(self.tr("Name:"), self.name)
        row = QHBoxLayout()
        self.status = QComboBox(box)
        self.status.setAccessibleName(self.tr("Attendance status"))
        for code, words in STATUS_WORDS.items():
            self.status.addItem(translate("Attendance", words), code)
        self.add = QPushButton(self.tr("Add"), box)
        self.add.setAccessibleName(self.tr("Add to the attendance"))
        row.addWidget(self.status)
        row.addStretch(1)
        row.addWidget(self.add)
        form.addRow(self.tr("Status:"), row)
        layout.addWidget(box)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.add.clicked.connect(self._add)
        self.name.returnPressed.connect(self._add)
        self.change.clicked.connect(self._change)
        self.refresh()

    def refresh(self) -> None:
        meeting_id = self.meeting_id

        self.ops.read(
            self,
            lambda s: (
                lifecycle.list_attendance(s, meeting_id),
                lifecycle.attendance_summary(s, meeting_id),
            ),
            self._loaded,
            doing=self.tr("Attendance"),
        )

    def _loaded(self, result: tuple[Sequence[AttendanceRow], AttendanceSummary]) -> None:
        rows, summary = result
        self.model.set_rows(rows)
        text = (
            self.tr("%1 of %2 core agencies present.")
            .replace("%1", str(summary.present_agencies))
            .replace("%2", str(summary.core_agencies))
        )
        if summary.core_missing:
            text += " " + self.tr("Nobody yet for: %1.").replace(
                "%1", ", ".join(summary.core_missing)
            )
        self.summary.setText(text)

    def add_person(self, agency_id: int, name: str, status: str) -> None:
        """Fill the form and add (what the Add button does)."""
        self.agency.setCurrentIndex(self.agency.findData(agency_id))
        self.name.setText(name)
        self.status.setCurrentIndex(self.status.findData(status))
        self._add()

    def _add(self) -> None:
        sessions, actor, meeting_id = self.ctx.sessions, self.ctx.actor, self.meeting_id
        agency_id, name = self.agency.currentData(), self.name.text()
        status = self.status.currentData()
        self._write(
            lambda reason: lifecycle.add_attendance(
                sessions, actor, meeting_id, agency_id, name, status, reason
            ),
            clear=True,
        )

    def _change(self) -> None:
        row = self.model.row_at(self.table.currentIndex().row())
        if row is None:
            self.messages.info(self, self.tr("Attendance"), self.tr("Select a person first."))
            return
        sessions, actor, status = (
            self.ctx.sessions,
            self.ctx.actor,
            self.change_status.currentData(),
        )
        self._write(
            lambda reason: lifecycle.update_attendance(
                sessions, actor, row.id, row.version, status=status, reason=reason
            )
        )

    def _write(self, job: Callable[[str | None], Any], clear: bool = False) -> None:
        def done(_row: Any) -> None:
            if clear:
                self.name.clear()
            self.changed.emit()
            self.refresh()

        self.ops.command(self, job, done, doing=self.tr("Attendance"))
