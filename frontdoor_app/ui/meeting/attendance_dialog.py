"""Attendance: who is present for which agency, apologies, information sent."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from frontdoor_app.access.actor import may_act_for_agency
from frontdoor_app.context import AppContext
from frontdoor_app.meeting import lifecycle
from frontdoor_app.meeting.errors import AttendanceConflict
from frontdoor_app.meeting.views import (
    AgencyOption,
    AttendanceRow,
    AttendanceSummary,
    UsualAttendee,
)
from frontdoor_app.ui.core.conflict_view import KEEP_THEIRS, MINE_ON_TOP, Conflict, pairs
from frontdoor_app.ui.core.i18n import translate
from frontdoor_app.ui.core.messages import Messages
from frontdoor_app.ui.core.ops import Ops
from frontdoor_app.ui.core.worker import Worker
from frontdoor_app.ui.meeting.attendance_usual import UsualPanel, not_here_yet
from frontdoor_app.ui.meeting.attendance_waits import AttendanceWaits, waiting_change
from frontdoor_app.ui.widgets.changed_notice import changed_notice
from frontdoor_app.ui.widgets.rows_model import RowsModel
from frontdoor_app.ui.widgets.tables import fill_agencies, label, make_table, offer
from frontdoor_app.ui.widgets.words import hhmm

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


def attendance_conflict(mine: AttendanceRow, status: str, theirs: AttendanceRow) -> Conflict:
    """What the conflict view shows: the status chosen for ``mine`` (the version the form
    was started from) beside the row as it now stands."""
    t = translate

    def word(code: str) -> str:
        return t("Attendance", STATUS_WORDS.get(code, code))

    rows = [
        (t("Attendance", "Status"), word(status), word(theirs.status)),
        (t("Attendance", "Person"), mine.person_name, theirs.person_name),
        (t("Attendance", "Agency"), mine.agency_name, theirs.agency_name),
    ]
    what = t("Attendance", "The attendance of %1").replace("%1", mine.person_name)
    by = theirs.changed_by_name or t("Attendance", "someone else")
    return Conflict(what, by, hhmm(theirs.changed_at), pairs(rows))


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
        waiting: AttendanceWaits | None = None,  # keeps a change made while offline
        fed: Callable[[], bool] | None = None,  # the room's change feed brings our own Save
    ) -> None:
        super().__init__(parent)
        self.ctx, self.worker, self.messages, self.meeting_id = ctx, worker, messages, meeting_id
        self.waiting, self.fed = waiting, fed
        self.ops = Ops(worker, messages, ctx)
        self.setWindowTitle(self.tr("Attendance"))
        self.setAccessibleName(self.tr("Attendance"))
        self.resize(1180, 640)
        layout = QVBoxLayout(self)
        self.summary = label("", self, self.tr("Attendance summary"))
        layout.addWidget(self.summary)
        # Today's list (and its change form) on the left; the people usually here who are
        # not in it yet on the right, one key each as they arrive.
        split = QSplitter(Qt.Orientation.Horizontal, self)
        today = QGroupBox(self.tr("Today · Delete: take off someone entered by mistake"), split)
        today.setAccessibleName(self.tr("Today's attendance"))
        left = QVBoxLayout(today)
        self.model = attendance_model()
        self.table = make_table(
            self.model,
            self.tr("Attendance list"),
            today,
            stretch_column=1,
            empty=self.tr("Nobody recorded yet: mark each person as they arrive."),
            narrow={0: 26},
        )
        left.addWidget(self.table, 1)
        self.usual = UsualPanel(split)
        # Only those who keep the attendance (the chair, an admin, a representative for
        # their own agency) are offered the people to mark; a viewer reads the list.
        self.usual.setVisible(may_act_for_agency(ctx.actor, ctx.actor.agency_id))
        split.addWidget(today)
        split.addWidget(self.usual)
        split.setSizes([540, 620])
        split.setChildrenCollapsible(False)
        layout.addWidget(split, 1)
        change = QHBoxLayout()
        self.change_status = QComboBox(self)
        self.change_status.setAccessibleName(self.tr("New attendance status"))
        for code, words in STATUS_WORDS.items():
            self.change_status.addItem(translate("Attendance", words), code)
        self.change = QPushButton(self.tr("Change selected"), self)
        self.change.setAccessibleName(self.tr("Change the selected person's status"))
        self.chosen = label("", self, self.tr("Selected person"))
        change.addWidget(self.chosen)
        change.addWidget(self.change_status)
        change.addWidget(self.change)
        change.addStretch(1)
        self.remove = QPushButton(self.tr("Take off…"), self)
        self.remove.setAccessibleName(self.tr("Take the selected person off the attendance"))
        change.addWidget(self.remove)
        self.notice, self.see_change = changed_notice(self, left)
        left.addLayout(change)
        # The row the change form was started from (its version is the one a change is
        # sent against), and whether a status was chosen for it since.
        self.base: AttendanceRow | None = None
        self.touched = False
        self.table.selectionModel().currentRowChanged.connect(self._selected)
        self.change_status.activated.connect(self._touch)
        self.see_change.clicked.connect(self._see_change)
        self._show_chosen()
        box = QGroupBox(self.tr("Add someone not in the list"), self)
        box.setAccessibleName(self.tr("Add a person to the attendance"))
        form = QFormLayout(box)
        self.agency = QComboBox(box)
        self.agency.setAccessibleName(self.tr("Agency"))
        # The agencies this user keeps the attendance of: all for the chair or an admin,
        # their own for a representative, none for a viewer (who is not shown the form).
        mine = [a for a in agencies if may_act_for_agency(ctx.actor, a.id)]
        fill_agencies(self.agency, mine, ctx.actor.agency_id)
        box.setVisible(bool(mine))
        self.add_box = box
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
        self.remove.clicked.connect(self._remove)
        take_off = QShortcut(QKeySequence.StandardKey.Delete, self.table)
        take_off.setContext(Qt.ShortcutContext.WidgetShortcut)
        take_off.activated.connect(self.remove.click)  # (nothing when the button says why not)
        self.usual.marked.connect(self._mark)
        # The earlier meetings' people, read with the first list: they do not change while
        # the dialog is open (only today's list does, which each refresh reads again).
        self.usual_all: tuple[UsualAttendee, ...] | None = None
        # Enter acts where it is pressed (on a person in a list, in the name typed), never
        # also on a button the dialog took as its default: one Enter, one record.
        for button in self.findChildren(QPushButton):
            button.setAutoDefault(False)
        self.usual.table.setFocus()  # at nine: Enter, Enter, … as people arrive
        self.refresh()

    def refresh(self) -> None:
        meeting_id, usual = self.meeting_id, self.usual_all

        self.ops.read(
            self,
            lambda s: (
                lifecycle.list_attendance(s, meeting_id),
                lifecycle.attendance_summary(s, meeting_id),
                usual if usual is not None else lifecycle.usual_attendees(s, meeting_id),
            ),
            self._loaded,
            doing=self.tr("Attendance"),
        )

    def _loaded(
        self,
        result: tuple[Sequence[AttendanceRow], AttendanceSummary, Sequence[UsualAttendee]],
    ) -> None:
        rows, summary, usual = result
        self.model.set_rows(rows)
        self._follow()
        self.usual_all = tuple(usual)
        actor = self.ctx.actor
        self.usual.show_rows(not_here_yet(usual, rows, lambda a: may_act_for_agency(actor, a)))
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

    # ------------------------------------------------------------------ the change form
    def _selected(self, index: QModelIndex, _previous: QModelIndex) -> None:
        row = self.model.row_at(index.row()) if index.isValid() else None
        if row is not None and (self.base is None or row.id != self.base.id):
            self.base, self.touched = row, False
            self._show_notice()

    def _show_chosen(self) -> None:
        """The change form names the person it is about, starts from their status, and
        acts only once someone is chosen (saying so until then)."""
        row = self.base
        if row is None:
            self.chosen.setText(self.tr("Select a person in the list to change their status:"))
        else:
            self.chosen.setText(
                self.tr("%1 (%2):").replace("%1", row.person_name).replace("%2", row.agency_code)
            )
            if not self.touched:
                self.change_status.setCurrentIndex(self.change_status.findData(row.status))
        why = "" if row is not None else self.tr("Select a person in the list first.")
        if row is not None and not may_act_for_agency(self.ctx.actor, row.agency_id):
            why = self.tr("Only the chair, an admin or %1's own representative changes this.")
            why = why.replace("%1", row.agency_name)
        offer(why, self.change_status, self.change, self.remove)

    def _touch(self, *_args: object) -> None:
        self.touched = True

    def current(self) -> AttendanceRow | None:
        """The form's row as the list now shows it (maybe newer than ``base``)."""
        if self.base is None:
            return None
        return next((r for r in self.model.rows if r.id == self.base.id), None)

    def _follow(self) -> None:
        """After a refresh: untouched, the form follows the newer version; chosen, it keeps
        its version and says who changed the row meanwhile."""
        now = self.current()
        if now is None:
            if not self.touched:
                self.base = None
        else:
            if not self.touched:
                self.base = now
            row = self.model.rows.index(now)
            if self.table.currentIndex().row() != row:
                self.table.selectRow(row)
        self._show_notice()

    def _show_notice(self) -> None:
        self._show_chosen()
        now = self.current()
        if self.base is None or now is None or now.version == self.base.version:
            self.notice.hide()
            self.see_change.hide()
            return
        self.notice.setText(
            self.tr("Changed by %1 at %2 — see the change before you save.")
            .replace("%1", now.changed_by_name or self.tr("someone else"))
            .replace("%2", hhmm(now.changed_at))
        )
        self.notice.show()
        self.see_change.show()

    def _see_change(self) -> None:
        now = self.current()
        if self.base is not None and now is not None:
            self._conflict(self.base, self.change_status.currentData(), now)

    def _conflict(self, mine: AttendanceRow, status: str, theirs: AttendanceRow) -> None:
        """Both versions; keep theirs, put mine on top, or go on choosing."""
        choice = self.messages.conflict(self, attendance_conflict(mine, status, theirs))
        self.base = theirs
        if choice == MINE_ON_TOP:
            self._send_change(theirs, status)
        elif choice == KEEP_THEIRS:
            self.touched = False
            self.change_status.setCurrentIndex(self.change_status.findData(theirs.status))
            self.refresh()
        self._show_notice()

    def add_person(self, agency_id: int, name: str, status: str) -> None:
        """Fill the form and add (what the Add button does)."""
        self.agency.setCurrentIndex(self.agency.findData(agency_id))
        self.name.setText(name)
        self.status.setCurrentIndex(self.status.findData(status))
        self._add()

    def _add(self) -> None:
        self._record(
            self.agency.currentData(), self.name.text(), self.status.currentData(), clear=True
        )

    def _mark(self, person: UsualAttendee, status: str) -> None:
        """One of the people usually here, recorded as they were recorded before."""
        self._record(person.agency_id, person.person_name, status)

    def _record(self, agency_id: int, name: str, status: str, clear: bool = False) -> None:
        sessions, actor, meeting_id = self.ctx.sessions, self.ctx.actor, self.meeting_id
        self._write(
            lambda reason: lifecycle.add_attendance(
                sessions, actor, meeting_id, agency_id, name, status, reason
            ),
            clear=clear,
        )

    def _remove(self) -> None:
        """Take a wrongly entered person off (asked first; kept in the audit trail). A row
        someone changed meanwhile is not taken off unseen: the list is read again."""
        row = self.current()
        if row is None:
            self.messages.info(self, self.tr("Attendance"), self.tr("Select a person first."))
            return
        question = (
            self.tr(
                "Take %1 (%2) off today's attendance? Do this only for someone entered by "
                "mistake; someone who left early stays in the attendance. It is kept in "
                "the audit trail."
            )
            .replace("%1", row.person_name)
            .replace("%2", row.agency_name)
        )
        if not self.messages.ask(self, self.tr("Take off the attendance"), question):
            return
        sessions, actor = self.ctx.sessions, self.ctx.actor

        def conflict(exc: Any) -> None:
            theirs = exc.theirs if isinstance(exc, AttendanceConflict) else None
            by = (theirs.changed_by_name if theirs else None) or self.tr("someone else")
            self.messages.warning(
                self,
                self.tr("Attendance"),
                self.tr(
                    "Not taken off: %1 changed this row meanwhile. Look at it again first."
                ).replace("%1", by),
            )
            self.touched = False
            self.refresh()

        self._write(
            lambda reason: lifecycle.remove_attendance(
                sessions, actor, row.id, row.version, reason
            ),
            on_conflict=conflict,
        )

    def _change(self) -> None:
        row = self.base  # the version the form was started from
        if row is None:
            self.messages.info(self, self.tr("Attendance"), self.tr("Select a person first."))
            return
        self._send_change(row, self.change_status.currentData())

    def _send_change(self, row: AttendanceRow, status: str) -> None:
        sessions, actor = self.ctx.sessions, self.ctx.actor

        def conflict(exc: Any) -> None:
            if isinstance(exc, AttendanceConflict):
                self._conflict(row, status, exc.theirs)
            else:
                self.ops.report(self, self.tr("Attendance"), exc)

        def saved(view: AttendanceRow) -> None:
            if self.base is not None and self.base.id == view.id:
                self.base, self.touched = view, False

        waiting = self.waiting
        offline = None
        if waiting is not None:
            content = waiting_change(row, status)

            def offline() -> None:
                waiting.keep(content)  # sent when the connection is back
                self.touched = False

        self._write(
            lambda reason: lifecycle.update_attendance(
                sessions, actor, row.id, row.version, status=status, reason=reason
            ),
            on_conflict=conflict,
            then=saved,
            on_offline=offline,
        )

    def _write(
        self,
        job: Callable[[str | None], Any],
        clear: bool = False,
        on_conflict: Callable[[Any], None] | None = None,
        then: Callable[[Any], None] | None = None,
        on_offline: Callable[[], None] | None = None,
    ) -> None:
        def done(row: Any) -> None:
            if clear:
                self.name.clear()
            if then is not None:
                then(row)
            self.changed.emit()
            if self.fed is None or not self.fed():
                self.refresh()  # (else the list is read with the change log, as anyone's)

        self.ops.command(
            self,
            job,
            done,
            doing=self.tr("Attendance"),
            on_conflict=on_conflict,
            on_offline=on_offline,
        )
