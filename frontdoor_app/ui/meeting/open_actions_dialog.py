"""Open actions from earlier meetings, by agency, reviewed at the opening of the meeting."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QVBoxLayout, QWidget

from frontdoor_app.context import AppContext
from frontdoor_app.meeting import actions
from frontdoor_app.meeting.views import ActionView, AgencyActions
from frontdoor_app.ui.core.messages import Messages
from frontdoor_app.ui.core.ops import Ops
from frontdoor_app.ui.core.worker import Worker
from frontdoor_app.ui.meeting.action_status import actions_list
from frontdoor_app.ui.widgets.tables import label

PER_AGENCY = 100  # a city has thousands open: each agency's most pressing first


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
        self.resize(1100, 640)
        layout = QVBoxLayout(self)
        self.summary = label(self.tr("Loading…"), self, self.tr("Open actions summary"))
        layout.addWidget(self.summary)
        self.model, self.table, self.form, self.saves = actions_list(
            self,
            layout,
            self.ops,
            ctx,
            messages,
            self.refresh,
            self.tr("Open actions"),
            self.tr("No open actions: every action agreed is done or closed."),
            meeting_id,
        )
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.groups: tuple[AgencyActions, ...] = ()
        self.refresh()

    def refresh(self) -> None:
        meeting_id = self.meeting_id

        self.ops.read(
            self,
            lambda s: actions.open_actions_review(s, meeting_id, PER_AGENCY),
            self._loaded,
            doing=self.windowTitle(),
        )

    def _loaded(self, groups: Sequence[AgencyActions]) -> None:
        self.groups = tuple(groups)
        rows: list[ActionView] = []
        for group in self.groups:
            rows.extend(sorted(group.actions, key=lambda a: (not a.overdue, a.due_date)))
        self.model.set_rows(rows)
        overdue = sum(g.overdue for g in self.groups)
        total = sum(max(g.total, len(g.actions)) for g in self.groups)
        text = (
            self.tr(
                "%1 open actions from earlier meetings, %2 overdue, %4 due today, from %3 "
                "agencies. Select one, choose its status, add a note."
            )
            .replace("%1", f"{total:,}")
            .replace("%2", f"{overdue:,}")
            .replace("%3", str(len(self.groups)))
            .replace("%4", f"{sum(g.due_today for g in self.groups):,}")
        )
        if total > len(rows):
            text += " " + self.tr(
                "Showing each agency's %1 most pressing; the action tracker has them all."
            ).replace("%1", str(PER_AGENCY))
        self.summary.setText(text)

    def select_row(self, row: int) -> None:
        self.table.selectRow(row)
