"""The action tracker: every open action across meetings, overdue first, by agency and owner."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from frontdoor_app.context import AppContext
from frontdoor_app.meeting import actions
from frontdoor_app.meeting.views import ActionPage, AgencyOption
from frontdoor_app.ui.core.messages import Messages
from frontdoor_app.ui.core.ops import Ops
from frontdoor_app.ui.core.theme import set_scaled_font
from frontdoor_app.ui.core.worker import Worker
from frontdoor_app.ui.meeting.action_status import actions_list
from frontdoor_app.ui.widgets.tables import fill_agencies, label

PAGE = 200


class ActionTrackerWindow(QWidget):
    """Filtering, ordering and paging are done in SQL by the meeting domain."""

    loaded = Signal()

    def __init__(
        self,
        ctx: AppContext,
        worker: Worker,
        messages: Messages,
        agencies: Sequence[AgencyOption],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.ctx, self.worker, self.messages = ctx, worker, messages
        self.ops = Ops(worker, messages, ctx)
        self.setObjectName("actionTracker")
        self.setWindowTitle(self.tr("Action tracker"))
        self.setAccessibleName(self.tr("Action tracker"))
        self.resize(1280, 720)
        self.offset = 0
        self._request = 0
        self.page: ActionPage | None = None
        layout = QVBoxLayout(self)
        title = label(self.tr("Action tracker — every open action, overdue first"), self)
        set_scaled_font(title, 1.3, bold=True)
        layout.addWidget(title)
        filters = QHBoxLayout()
        self.agency = QComboBox(self)
        self.agency.setAccessibleName(self.tr("Filter by agency"))
        fill_agencies(self.agency, agencies, first=(self.tr("All agencies"), None))
        self.owner = QLineEdit(self)
        self.owner.setAccessibleName(self.tr("Filter by owner"))
        self.owner.setPlaceholderText(self.tr("Owner's name contains…"))
        self.status = QComboBox(self)
        self.status.setAccessibleName(self.tr("Which actions"))
        self.status.addItem(self.tr("Open"), ("open",))
        self.status.addItem(self.tr("All"), ("open", "done", "not_possible", "not_done"))
        filters.addWidget(label(self.tr("Agency:"), self, wrap=False))
        filters.addWidget(self.agency, 1)
        filters.addWidget(label(self.tr("Owner:"), self, wrap=False))
        filters.addWidget(self.owner, 1)
        filters.addWidget(self.status)
        self.previous = QPushButton(self.tr("◀ Previous"), self)
        self.previous.setAccessibleName(self.tr("Previous page"))
        self.next = QPushButton(self.tr("Next ▶"), self)
        self.next.setAccessibleName(self.tr("Next page"))
        filters.addWidget(self.previous)
        filters.addWidget(self.next)
        layout.addLayout(filters)
        self.summary = label("", self, self.tr("Action tracker summary"))
        layout.addWidget(self.summary)
        self.model, self.table, self.form, self.saves = actions_list(
            self,
            layout,
            self.ops,
            ctx,
            messages,
            self.refresh,
            self.tr("Actions"),
            self.tr("No actions match these choices."),
        )
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(250)
        self._debounce.timeout.connect(self.refresh)
        self.agency.currentIndexChanged.connect(self._filter_changed)
        self.status.currentIndexChanged.connect(self._filter_changed)
        self.owner.textChanged.connect(self._owner_typed)
        self.previous.clicked.connect(lambda: self._page(-1))
        self.next.clicked.connect(lambda: self._page(+1))

    def _owner_typed(self, _text: str) -> None:
        self.offset = 0
        self._debounce.start()  # read once the typing pauses

    def _filter_changed(self) -> None:
        self.offset = 0
        self.refresh()

    def _page(self, step: int) -> None:
        self.offset = max(0, self.offset + step * PAGE)
        self.refresh()

    def refresh(self) -> None:
        agency_id, owner = self.agency.currentData(), self.owner.text()
        statuses, offset = self.status.currentData(), self.offset
        self._request += 1
        request = self._request

        today = self.ctx.profile.today()

        def job(s: Any) -> ActionPage:
            return actions.action_tracker(
                s,
                today=today,
                agency_id=agency_id,
                owner=owner,
                statuses=statuses,
                limit=PAGE,
                offset=offset,
            )

        self.ops.read(self, job, lambda page: self._loaded(page, request), doing=self.windowTitle())

    def _loaded(self, page: ActionPage, request: int) -> None:
        if request != self._request:
            return  # the filter changed while this page was read: a newer one is coming
        self.page = page
        self.model.set_rows(page.rows)
        first = page.offset + 1 if page.rows else 0
        self.summary.setText(
            self.tr("%1–%2 of %3 actions · %4 overdue · %5 due today")
            .replace("%1", f"{first:,}")
            .replace("%2", f"{page.offset + len(page.rows):,}")
            .replace("%3", f"{page.total:,}")
            .replace("%4", f"{page.overdue_total:,}")
            .replace("%5", f"{page.due_today_total:,}")
        )
        self.previous.setEnabled(page.offset > 0)
        self.next.setEnabled(page.offset + len(page.rows) < page.total)
        self.loaded.emit()
