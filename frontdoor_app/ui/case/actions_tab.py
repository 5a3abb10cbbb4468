"""Case tab: the actions agreed for the family; add one, update one's status with a note."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from PySide6.QtCore import QDate, QModelIndex, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from frontdoor_app.meeting.views import ActionView, AgencyOption, CaseView
from frontdoor_app.ui.case.waiting_rows import WaitingAction, listed
from frontdoor_app.ui.core.conflict_view import Conflict, pairs
from frontdoor_app.ui.core.i18n import translate
from frontdoor_app.ui.widgets.changed_notice import changed_notice
from frontdoor_app.ui.widgets.reader_note import ReaderNote, set_shown
from frontdoor_app.ui.widgets.rows_model import RowsModel
from frontdoor_app.ui.widgets.tables import AGENCY_CHARS, fill_agencies, label, make_table, offer
from frontdoor_app.ui.widgets.words import hhmm

STATUS_WORDS = {
    "open": "open",
    "done": "done",
    "not_possible": "not possible — circumstances changed",
    "not_done": "not done by the agency",
}


def status_word(action: ActionView | WaitingAction) -> str:
    if isinstance(action, WaitingAction):
        return action.status  # (its words already: "waiting to be sent · done")
    word = translate("Actions", STATUS_WORDS.get(action.status, action.status))
    if action.overdue:  # (both only ever of an open action: ``ActionView``)
        word = translate("Actions", "OVERDUE") + " · " + word
    elif action.due_today:
        word = translate("Actions", "DUE TODAY") + " · " + word
    return word


# A saved action, or one (or its new status) waiting on this laptop to be sent: the case's
# list shows both; the tracker's, saved ones only.
ActionRow = ActionView | WaitingAction


# The agency's column in ``action_model(with_case=True)`` (after the meeting and the case).
AGENCY_WITH_CASE = 2


def action_model(with_case: bool = False) -> RowsModel[ActionRow]:
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
    """Done / not possible / not done, with a note; for the selected action.

    The form keeps the action as it was when the form was started from it (``base``): an
    update is sent against that version, never against whatever a live refresh brought in
    since. While nothing is chosen or typed the form follows the refreshes; once it is, a
    newer version says "Changed by ... — see the change" and the form keeps what is typed.
    """

    update_requested = Signal(str, str)  # status, note
    see_change_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.base: ActionView | None = None
        self.touched = False  # a status chosen or a note typed since the form was started
        # Who may update which action (``access.actor.may_act_for_agency``, from the
        # screen): for another agency's action the form says who does, instead of being
        # refused on Update.
        self.may_update: Callable[[ActionView], bool] = lambda _action: True
        self._model: RowsModel[ActionRow] | None = None
        self._table: QTableView | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.notice, self.see_change = changed_notice(self, outer)
        self.see_change.clicked.connect(self.see_change_requested.emit)
        row = QHBoxLayout()
        outer.addLayout(row)
        self.status = QComboBox(self)
        self.status.setAccessibleName(self.tr("New status"))
        for code in ("done", "not_possible", "not_done", "open"):
            self.status.addItem(translate("Actions", STATUS_WORDS[code]), code)
        self.note = QLineEdit(self)
        self.note.setAccessibleName(self.tr("Note about the status"))
        self.note.setPlaceholderText(self.tr("Note (what happened, or why not)"))
        self.apply = QPushButton(self.tr("Update status"), self)
        self.apply.setAccessibleName(self.tr("Update the selected action's status"))
        self.chosen = label("", self, self.tr("Selected action"), wrap=False)
        row.addWidget(self.chosen)
        row.addWidget(self.status)
        row.addWidget(self.note, 1)
        row.addWidget(self.apply)
        self.apply.clicked.connect(self._apply)
        self.note.returnPressed.connect(self._apply)
        self.note.textEdited.connect(self._touch)
        self.status.activated.connect(self._touch)
        self._show_chosen()

    def attach(self, table: QTableView, model: RowsModel[ActionRow]) -> None:
        """Follow ``table``'s selection and ``model``'s refreshes."""
        self._table, self._model = table, model
        table.selectionModel().currentRowChanged.connect(self._selected)
        model.modelReset.connect(self.follow)
        model.dataChanged.connect(self.follow)

    def _apply(self) -> None:
        self.update_requested.emit(self.status.currentData(), self.note.text())

    def _touch(self, *_args: object) -> None:
        self.touched = True

    def choose(self, status: str, note: str) -> None:
        self.status.setCurrentIndex(self.status.findData(status))
        self.note.setText(note)
        self.touched = True

    def start(self, action: ActionView | None) -> None:
        """The form is now about ``action``, at the version shown."""
        self.base = action
        self._show_notice()

    def current(self) -> ActionView | None:
        """The form's action as the screen now shows it (a refresh may have brought a newer
        version than ``base``)."""
        if self.base is None or self._model is None:
            return None
        base = self.base.id
        return next(
            (a for a in self._model.rows if a.id == base and isinstance(a, ActionView)), None
        )

    def shows(self, action_id: int) -> bool:
        """The list beside the form shows this action."""
        return self._model is not None and any(a.id == action_id for a in self._model.rows)

    def changed_meanwhile(self) -> bool:
        now = self.current()
        return self.base is not None and now is not None and now.version != self.base.version

    def rebase(self, theirs: ActionView) -> None:
        """Keep what is chosen and typed, now as an update of ``theirs``."""
        self.base = theirs
        self._show_notice()

    def reset(self, action: ActionView | None) -> None:
        """Drop what is chosen and typed (saved, or theirs kept); the form is about ``action``."""
        self.note.clear()
        self.touched = False
        self.start(action)

    def _selected(self, index: QModelIndex, _previous: QModelIndex) -> None:
        if not index.isValid() or self._model is None:
            return  # a refresh clears the selection for a moment: the form stays
        action = self._model.row_at(index.row())
        if isinstance(action, WaitingAction):
            self.start(None)  # not saved yet: nothing to update (what is typed stays)
            self.chosen.setText(self.tr("Waiting to be sent:"))
            offer(
                self.tr(
                    "This is waiting on your laptop to be sent: it can be updated once the "
                    "server has it."
                ),
                self.status,
                self.note,
                self.apply,
            )
        elif action is not None and (self.base is None or action.id != self.base.id):
            self.start(action)

    def follow(self, *_args: object) -> None:
        """After a refresh: untouched, the form follows the newer version; chosen or typed,
        it keeps its version and says who changed the action meanwhile."""
        now = self.current()
        if now is None:
            if self.base is not None:
                # Gone from the list (another case, another filter): the form is about no
                # action until one is selected again; what is typed stays in the form.
                self.start(None)
            return
        if now.version != self.base_version() and not self.touched:
            self.base = now  # nothing typed yet: the form simply follows
        if self._table is not None and self._model is not None:
            row = next(n for n, a in enumerate(self._model.rows) if a.id == now.id)
            if self._table.currentIndex().row() != row:
                self._table.selectRow(row)
        self._show_notice()

    def base_version(self) -> int | None:
        return self.base.version if self.base is not None else None

    def _show_chosen(self) -> None:
        """The form names the action it updates, and acts only once one is chosen (saying
        so until then); what is typed stays while none is."""
        action = self.base
        if action is None:
            self.chosen.setText(self.tr("Choose an action above:"))
        else:
            self.chosen.setText(
                self.tr("%1 action, due %2:")
                .replace("%1", action.agency_code)
                .replace("%2", action.due_date.strftime("%d %b"))
            )
        if action is None:
            why = self.tr("Select an action in the list first.")
        elif not self.may_update(action):
            why = self.tr(
                "Only the chair, an admin or %1's own representative updates this action."
            ).replace("%1", action.agency_name)
        else:
            why = ""
        offer(why, self.status, self.note, self.apply)

    def _show_notice(self) -> None:
        self._show_chosen()
        now = self.current()
        if now is None or not self.changed_meanwhile():
            self.notice.hide()
            self.see_change.hide()
            return
        by, at = last_change(now)
        if by:
            text = (
                self.tr("Changed by %1 at %2 — see the change before you save.")
                .replace("%1", by)
                .replace("%2", at)
            )
        else:  # a list read without the updates: who is in the conflict view
            text = self.tr("Changed by someone else meanwhile — see the change before you save.")
        self.notice.setText(text)
        self.notice.show()
        self.see_change.show()


def last_change(action: ActionView) -> tuple[str, str]:
    """Who last updated ``action`` and at what time (local), from its updates."""
    if not action.updates:
        return "", ""
    last = action.updates[-1]
    return last.by_name, hhmm(last.at)


def action_conflict(mine: ActionView, status: str, note: str, theirs: ActionView) -> Conflict:
    """What the conflict view shows: the update typed against ``mine`` (the version the
    form was started from) beside ``theirs``, as it now stands."""
    by, at = last_change(theirs)
    what = translate("Actions", "The action “%1”").replace("%1", mine.description)
    t = translate
    rows = [
        (
            t("Actions", "Status"),
            t("Actions", STATUS_WORDS.get(status, status)),
            status_word(theirs),
        ),
        (t("Actions", "Note"), note.strip(), theirs.status_note or ""),
        (t("Actions", "Action"), mine.description, theirs.description),
        (t("Actions", "Person"), mine.owner_name or "", theirs.owner_name or ""),
        (
            t("Actions", "Due"),
            mine.due_date.strftime("%a %d %b %Y"),
            theirs.due_date.strftime("%a %d %b %Y"),
        ),
    ]
    return Conflict(what, by or t("Actions", "someone"), at, pairs(rows))


class ActionsTab(QWidget):
    add_requested = Signal(dict)  # agency_id, owner_name, description, due_date
    status_requested = Signal(object, str, str)  # ActionView (the form's base), status, note

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("Actions"))
        self._default_due: dt.date | None = None  # the meeting's (``set_default_due``)
        layout = QVBoxLayout(self)
        self.model = action_model()
        # What of this case waits on the laptop to be sent (``waiting_rows``; the window's).
        self.waiting_for: Callable[[CaseView], Sequence[WaitingAction]] = lambda _case: ()
        self.table = make_table(
            self.model,
            self.tr("Actions for this case"),
            self,
            stretch_column=2,
            narrow={0: AGENCY_CHARS},
            empty=self.tr("No actions agreed for this case yet."),
        )
        layout.addWidget(self.table, 1)
        self.status_form = ActionStatusForm(self)
        self.status_form.attach(self.table, self.model)
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
        self.box = box
        self.reader_note = ReaderNote(self, self.tr("actions"))
        layout.addWidget(self.reader_note)
        self.add.clicked.connect(self._add)
        self.description.returnPressed.connect(self._add)
        self.status_form.update_requested.connect(self._status)

    def set_agencies(
        self, agencies: Sequence[AgencyOption], mine: int | None, can_choose: bool = True
    ) -> None:
        """A representative adds actions for their own agency (the domain refuses others)."""
        fill_agencies(self.agency, agencies, mine)
        self.agency.setEnabled(can_choose or mine is None)

    def set_writes(self, writes: bool, you: str) -> None:
        """The add form and the status form for those who keep actions; for anyone else,
        who does."""
        self.reader_note.show_for(self.box, writes, you)
        set_shown(self.status_form, writes)

    def set_default_due(self, due: dt.date) -> None:
        self._default_due = due
        self.due.setDate(QDate(due.year, due.month, due.day))

    def show_case(self, case: CaseView) -> None:
        listed(self.model, case.actions, self.waiting_for(case), "update_of")

    def selected(self) -> ActionView | None:
        """The saved action chosen in the list (None: none, or one waiting to be sent)."""
        index = self.table.currentIndex()
        row = self.model.row_at(index.row()) if index.isValid() else None
        return row if isinstance(row, ActionView) else None

    def focus_entry(self) -> None:
        self.description.setFocus()

    def clear_form(self) -> None:
        self.owner.clear()
        self.description.clear()
        if self._default_due is not None:
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
        action = self.status_form.base  # the version the form was started from
        if action is not None:
            self.status_requested.emit(action, status, note)
