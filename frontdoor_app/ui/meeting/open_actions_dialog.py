"""Open actions from earlier meetings, by agency, reviewed at the opening of the meeting.

The agencies on the left (every agency first, then each with its counts and who is here for
it today), the chosen agency's actions on the right: the chair goes down the agencies with
the arrow keys, and each action can be marked done, not possible or not done, with a note.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QItemSelection, Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QSplitter, QVBoxLayout, QWidget

from frontdoor_app.context import AppContext
from frontdoor_app.meeting import actions, lifecycle
from frontdoor_app.meeting.views import AgencyActions, AttendanceRow
from frontdoor_app.ui.case.actions_tab import AGENCY_WITH_CASE
from frontdoor_app.ui.core.messages import Messages
from frontdoor_app.ui.core.ops import Ops
from frontdoor_app.ui.core.worker import Worker
from frontdoor_app.ui.meeting.action_status import actions_list
from frontdoor_app.ui.meeting.agency_review import AgencyRow, agency_model, agency_rows
from frontdoor_app.ui.widgets.tables import label, make_table

PER_AGENCY = 100  # a city has thousands open: each agency's most pressing first
Review = tuple[tuple[AgencyActions, ...], tuple[AttendanceRow, ...]]  # what one read brings


class OpenActionsDialog(QDialog):
    """Each action can be marked done, not possible or not done, with a note; never deleted."""

    def __init__(
        self,
        ctx: AppContext,
        worker: Worker,
        messages: Messages,
        meeting_id: int,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx, self.worker, self.messages, self.meeting_id = ctx, worker, messages, meeting_id
        self.ops = Ops(worker, messages, ctx)
        self.setWindowTitle(self.tr("Open actions from earlier meetings"))
        self.setAccessibleName(self.tr("Open actions from earlier meetings"))
        self.resize(1260, 680)
        layout = QVBoxLayout(self)
        self.summary = label(self.tr("Loading…"), self, self.tr("Open actions summary"))
        layout.addWidget(self.summary)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.setChildrenCollapsible(False)
        left = QWidget(split)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(label(self.tr("By agency (↑ ↓ to move on):"), left))
        self.agency_model = agency_model()
        self.agencies = make_table(self.agency_model, self.tr("Agencies"), left, stretch_column=0)
        left_layout.addWidget(self.agencies, 1)
        right = QWidget(split)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        self.model, self.table, self.form, self.saves = actions_list(
            right,
            right_layout,
            self.ops,
            ctx,
            messages,
            self.refresh,
            self.tr("Open actions"),
            self.tr("No open actions: every action agreed is done or closed."),
            meeting_id,
        )
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(1, 1)
        split.setSizes([300, 920])
        layout.addWidget(split, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setTabOrder(self.agencies, self.table)
        self.groups: tuple[AgencyActions, ...] = ()
        self.chosen: int | None = None  # the agency chosen (None: every agency)
        self.agencies.selectionModel().selectionChanged.connect(self._agency_chosen)
        self.agencies.setFocus()  # the arrow keys move through the agencies at once
        self.refresh()

    def refresh(self) -> None:
        meeting_id = self.meeting_id

        def load(s: Any) -> Review:  # the read's session, on the worker
            return (
                actions.open_actions_review(s, meeting_id, PER_AGENCY),
                lifecycle.list_attendance(s, meeting_id),
            )

        self.ops.read(self, load, self._loaded, doing=self.windowTitle())

    def _loaded(self, read: Review) -> None:
        groups, attendance = read
        self.groups = tuple(groups)
        rows = agency_rows(self.groups, attendance)
        was = self._row_of(self.chosen)  # where the chosen agency stood
        self.agency_model.set_rows(rows)
        # The agency chosen stays chosen. When its last open action was just reviewed it is
        # gone from the list, and the agency after it is chosen: the chair moves on.
        at = self._row_of(self.chosen)
        if at is None:
            at = min(was, len(rows) - 1) if was is not None else 0
        self.agencies.selectRow(at)
        self._show(rows[at])
        every = rows[0]
        text = (
            self.tr(
                "%1 open actions from earlier meetings, %2 overdue, %4 due today, from %3 "
                "agencies. Select one, choose its status, add a note."
            )
            .replace("%1", f"{every.open:,}")
            .replace("%2", f"{every.overdue:,}")
            .replace("%3", str(len(self.groups)))
            .replace("%4", f"{every.due_today:,}")
        )
        if every.open > len(every.actions):
            text += " " + self.tr(
                "Showing each agency's %1 most pressing; the action tracker has them all."
            ).replace("%1", str(PER_AGENCY))
        self.summary.setText(text)

    def _row_of(self, agency_id: int | None) -> int | None:
        rows = self.agency_model.rows
        return next((n for n, r in enumerate(rows) if r.agency_id == agency_id), None)

    def _agency_chosen(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        if not selected.indexes():
            return
        row = self.agency_model.rows[selected.indexes()[0].row()]
        self.chosen = row.agency_id
        self._show(row)

    def _show(self, row: AgencyRow) -> None:
        # One agency's actions need no column naming it: the Action column has its room.
        self.table.setColumnHidden(AGENCY_WITH_CASE, row.agency_id is not None)
        self.model.set_rows(row.actions)

    def choose_agency(self, agency_id: int | None) -> None:
        """Show one agency's actions (None: every agency's)."""
        at = self._row_of(agency_id)
        if at is None:
            raise KeyError(f"no open actions from earlier meetings for agency {agency_id}")
        self.agencies.selectRow(at)

    def select_row(self, row: int) -> None:
        self.table.selectRow(row)
