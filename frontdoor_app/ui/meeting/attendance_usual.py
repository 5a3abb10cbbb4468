"""Attendance: the people usually here, one key each as they arrive.

The same people come for most agencies day after day. The admin keeping the attendance
sees who was recorded at the meetings of the last weeks and is not in today's list yet,
and marks each present (Enter), or sends their apologies, without typing a name again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from frontdoor_app.meeting.lifecycle import USUAL_WEEKS
from frontdoor_app.meeting.views import AttendanceRow, UsualAttendee
from frontdoor_app.ui.core.i18n import translate
from frontdoor_app.ui.widgets.rows_model import RowsModel
from frontdoor_app.ui.widgets.tables import label, make_table, offer
from frontdoor_app.ui.widgets.words import day

# (status, button words): the order of the buttons, present first (Enter does that)
MARKS = (
    ("present", "Present"),
    ("apologies", "Apologies"),
    ("information_sent", "Information sent"),
)


def usual_model() -> RowsModel[UsualAttendee]:
    t = translate

    def times(u: UsualAttendee) -> str:
        if u.meetings == 1:
            return t("Attendance", "1 meeting")
        return t("Attendance", "%1 meetings").replace("%1", str(u.meetings))

    return RowsModel(
        [
            (t("Attendance", "Agency"), lambda u: u.agency_name),
            (t("Attendance", "Person"), lambda u: u.person_name),
            (t("Attendance", "Last recorded"), lambda u: day(u.last_date)),
            (t("Attendance", "How often"), times),
        ],
        describe=lambda u: f"{u.agency_name}: {u.person_name}, last recorded {day(u.last_date)}",
        key=lambda u: (u.agency_id, u.person_name),
    )


def not_here_yet(
    usual: Sequence[UsualAttendee],
    today: Sequence[AttendanceRow],
    may_act_for: Callable[[int], bool],
) -> tuple[UsualAttendee, ...]:
    """The usual people not in today's attendance (the same name for the same agency, in
    any case), for the agencies this user may keep the attendance of."""
    recorded = {(r.agency_id, r.person_name.casefold()) for r in today}
    return tuple(
        u
        for u in usual
        if (u.agency_id, u.person_name.casefold()) not in recorded and may_act_for(u.agency_id)
    )


class UsualPanel(QGroupBox):
    """The list, and a button per status for the person chosen in it."""

    marked = Signal(object, str)  # the UsualAttendee, the status to record

    def __init__(self, parent: QWidget | None = None) -> None:
        weeks = str(USUAL_WEEKS)
        title = translate(
            "Attendance", "Usually here (the last %1 weeks), not recorded yet · Enter: present"
        )
        super().__init__(title.replace("%1", weeks), parent)
        self.setAccessibleName(self.tr("People usually here, not recorded yet"))
        layout = QVBoxLayout(self)
        self.model = usual_model()
        self.table = make_table(
            self.model,
            self.tr("People usually here"),
            self,
            stretch_column=0,  # the agency's name: a person's is short
            empty=self.tr("Everyone from the last %1 weeks is recorded.").replace("%1", weeks),
        )
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.chosen = label("", self, self.tr("Person chosen"), wrap=False)
        row.addWidget(self.chosen, 1)
        self.buttons: dict[str, QPushButton] = {}
        for status, words in MARKS:
            button = QPushButton(translate("Attendance", words), self)
            button.setAccessibleName(
                self.tr("Record the chosen person as: %1").replace(
                    "%1", translate("Attendance", words)
                )
            )
            button.clicked.connect(lambda _=False, s=status: self._mark(s))
            row.addWidget(button)
            self.buttons[status] = button
        layout.addLayout(row)
        # Enter (or a double click) on a person: present, the usual answer as they arrive.
        self.table.activated.connect(lambda _index: self._mark("present"))
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_chosen())
        self._show_chosen()

    def show_rows(self, rows: Sequence[UsualAttendee]) -> None:
        """New rows; the choice stays on the same row number (the person after the one
        just marked, who has left the list), so Enter, Enter, … goes down the list."""
        at = self.table.currentIndex().row()
        self.model.set_rows(rows)
        if rows and self.current() is None:
            self.table.selectRow(min(max(at, 0), len(rows) - 1))
        self._show_chosen()

    def current(self) -> UsualAttendee | None:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def _show_chosen(self) -> None:
        person = self.current()
        if person is None:
            self.chosen.setText(self.tr("Choose a person above."))
        else:
            self.chosen.setText(
                self.tr("%1 (%2):")
                .replace("%1", person.person_name)
                .replace("%2", person.agency_code)
            )
        why = "" if person is not None else self.tr("Choose a person in the list first.")
        offer(why, *self.buttons.values())

    def _mark(self, status: str) -> None:
        person = self.current()
        if person is not None:
            self.marked.emit(person, status)
