"""Case tab: the actions agreed for the family; add one, update one's status with a note."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from frontdoor_app.meeting.views import ActionView, AgencyOption, CaseView
from frontdoor_app.ui.core.i18n import translate
from frontdoor_app.ui.widgets.rows_model import RowsModel
from frontdoor_app.ui.widgets.tables import fill_agencies, label, make_table

STATUS_WORDS = {
    "open": "open",
    "done": "done",
    "not_possible": "not possible — circumstances changed",
    "not_done": "not done by the agency",
}


def status_word(action: ActionView) -> str:
    word = translate("Actions", STATUS_WORDS.get(action.status, action.status))
    if action.status == "open" and action.overdue:
        word = translate("Actions", "OVERDUE") + " · " + word
    return word


def action_model(with_case: bool = False) -> RowsModel[ActionView]:
    columns = []
    if with_case:
        columns += [
            (translate("Actions", "Meeting"), lambda a: a.meeting_date.strftime("%d %b %Y")),
            (translate("Actions", "Case"), lambda a: f"{a.police_ref} {a.household_name}".strip()),
        ]
    columns += [
        (translate("Actions", "Agency"), lambda a: a.agency_name),
        (translate("Actions", "Person"), lambda a: a.owner_name or ""),
        (translate("Actions", "Action"), lambda a: a.description),
        (
            translate("Actions", "Due"),
            lambda a: a.due_date.strftime("%a %d %b %Y" if with_case else "%a %d %b"),
        ),
        (translate("Actions", "Status"), status_word),
        (translate("Actions", "Note"), lambda a: a.status_note or ""),
    ]
    return RowsModel(
        columns,
        describe=lambda a: (
            f"{a.agency_name}: {a.description}, due {a.due_date:%d %B}, {status_word(a)}"
        ),
    )


class ActionStatusForm(QWidget):
    """Done / not possible / not done, with a note; for the selected action."""

    update_requested = Signal(str, str)  # status, note

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.status = QComboBox(self)
        self.status.setAccessibleName(self.tr("New status"))
        for code in ("done", "not_possible", "not_done", "open"):
            self.status.addItem(translate("Actions", STATUS_WORDS[code]), code)
        self.note = QLineEdit(self)
        self.note.setAccessibleName(self.tr("Note about the status"))
        self.note.setPlaceholderText(self.tr("Note (what happened, or why not)"))
        self.apply = QPushButton(self.tr("Update status"), self)
        self.apply.setAccessibleName(self.tr("Update the selected action's status"))
        row.addWidget(label(self.tr("Selected action:"), self, wrap=False))
        row.addWidget(self.status)
        row.addWidget(self.note, 1)
        row.addWidget(self.apply)
        self.apply.clicked.connect(self._apply)
        self.note.returnPressed.connect(self._apply)

    def _apply(self) -> None:
        self.update_requested.emit(self.status.currentData(), self.note.text())

    def choose(self, status: str, note: str) -> None:
        self.status.setCurrentIndex(self.status.findData(status))
        self.note.setText(note)


class ActionsTab(QWidget):
    add_requested = Signal(dict)  # agency_id, owner_name, description, due_date
    status_requested = Signal(object, str, str)  # ActionView, status, note

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("Actions"))
        self._default_due = dt.date.today()
        layout = QVBoxLayout(self)
        self.model = action_model()
        self.table = make_table(
            self.model, self.tr("Actions for this case"), self, stretch_column=2
        )
        layout.addWidget(self.table, 1)
        self.status_form = ActionStatusForm(self)
        layout.addWidget(self.status_form)
        box = QGroupBox(self.tr("+ Add action (Ctrl+Shift+A)"), self)
        box.setAccessibleName(self.tr("Add action"))
        form = QFormLayout(box)
        self.agency = QComboBox(box)
        self.agency.setAccessibleName(self.tr("Owning agency"))
        form.addRow(self.tr("Agency:"), self.agency)
        self.owner = QLineEdit(box)
        self.owner.setAccessibleName(self.tr("Named person"))
        self.owner.setPlaceholderText(self.tr("Named person, where known"))
        form.addRow(self.tr("Person:"), self.owner)
        self.description = QLineEdit(box)
        self.description.setAccessibleName(self.tr("Action description"))
        self.description.setPlaceholderText(self.tr("What will be done"))
        form.addRow(self.tr("Action:"), self.description)
        due_row = QHBoxLayout()
        self.due = QDateEdit(box)
        self.due.setCalendarPopup(True)
        self.due.setDisplayFormat("ddd dd MMM yyyy")
        self.due.setAccessibleName(self.tr("Due date"))
        self.add = QPushButton(self.tr("Add action"), box)
        self.add.setAccessibleName(self.tr("Add action"))
        due_row.addWidget(self.due)
        due_row.addStretch(1)
        due_row.addWidget(self.add)
        form.addRow(self.tr("Due:"), due_row)
        layout.addWidget(box)
        self.add.clicked.connect(self._add)
        self.description.returnPressed.connect(self._add)
        self.status_form.update_requested.connect(self._status)

    def set_agencies(self, agencies: Sequence[AgencyOption], mine: int | None) -> None:
        fill_agencies(self.agency, agencies, mine)

    def set_default_due(self, due: dt.date) -> None:
        self._default_due = due
        self.due.setDate(QDate(due.year, due.month, due.day))

    def show_case(self, case: CaseView) -> None:
        self.model.set_rows(case.actions)

    def selected(self) -> ActionView | None:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def focus_entry(self) -> None:
        self.description.setFocus()

    def clear_form(self) -> None:
        self.owner.clear()
        self.description.clear()
        self.set_default_due(self._default_due)

    def _add(self) -> None:
        qd = self.due.date()
        self.add_requested.emit(
            {
                "agency_id": self.agency.currentData(),
                "owner_name": self.owner.text().strip() or None,
                "description": self.description.text(),
                "due_date": dt.date(qd.year(), qd.month(), qd.day()),
            }
        )

    def _status(self, status: str, note: str) -> None:
        action = self.selected()
        if action is not None:
            self.status_requested.emit(action, status, note)
