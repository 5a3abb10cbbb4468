"""The FGC queue: open referrals by team and stage, overdue first, with the gate's status."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from frontdoor_app.context import AppContext
from frontdoor_app.fgc.common import STAGE_WORDS, stage_words
from frontdoor_app.fgc.views import UNROUTED, ReferralView, queue, queue_teams
from frontdoor_app.ui.core.i18n import translate
from frontdoor_app.ui.core.messages import Messages
from frontdoor_app.ui.core.ops import Ops
from frontdoor_app.ui.core.worker import Worker
from frontdoor_app.ui.fgc.panel import FgcPanel
from frontdoor_app.ui.widgets.rows_model import RowsModel
from frontdoor_app.ui.widgets.tables import make_table
from frontdoor_app.ui.widgets.words import day


def _gate_words(v: ReferralView) -> str:
    if not v.is_open:
        return ""
    if not v.gate_missing:
        return translate("FgcQueue", "✓ nothing missing")
    return translate("FgcQueue", "missing: ") + "; ".join(v.gate_missing)


def _late(v: ReferralView) -> str:
    if not v.overdue:
        return ""
    if v.overdue_days == 1:
        return "⚠ " + translate("FgcQueue", "1 day late")
    return "⚠ " + translate("FgcQueue", "%1 days late").replace("%1", str(v.overdue_days))


def queue_model(parent: Any = None) -> RowsModel[ReferralView]:
    """One row per referral (plain ReferralView); overdue rows carry ⚠ and the words."""
    return RowsModel(
        [
            (translate("FgcQueue", "Late"), _late),
            (
                translate("FgcQueue", "Team"),
                lambda v: v.team_name or translate("FgcQueue", "Route by hand"),
            ),
            (translate("FgcQueue", "Stage"), lambda v: stage_words(v.stage)),
            (translate("FgcQueue", "Household"), lambda v: v.household_reference),
            (translate("FgcQueue", "Postcode"), lambda v: v.postcode or ""),
            (translate("FgcQueue", "Offered"), lambda v: day(v.offered_at)),
            (translate("FgcQueue", "Set-up due"), lambda v: day(v.setup_due)),
            (translate("FgcQueue", "Coordinator"), lambda v: v.coordinator or ""),
            (translate("FgcQueue", "Gate status"), _gate_words),
        ],
        describe=lambda v: describe(v),
        parent=parent,
    )


def describe(v: ReferralView) -> str:
    """The whole row in one sentence, for tooltips and screen readers."""
    parts = [
        translate("FgcQueue", "Referral %1, household %2")
        .replace("%1", str(v.id))
        .replace("%2", v.household_reference),
        translate("FgcQueue", "team: %1").replace(
            "%1", v.team_name or translate("FgcQueue", "route by hand")
        ),
        translate("FgcQueue", "stage: %1").replace("%1", stage_words(v.stage)),
    ]
    if v.overdue:
        parts.append(translate("FgcQueue", "late: %1").replace("%1", v.overdue))
    if v.routed_how == "unrouted" and v.routing_reason:
        parts.append(v.routing_reason)
    gate = _gate_words(v)
    if gate:
        parts.append(gate)
    return "; ".join(parts)


class FgcQueueScreen(QWidget):
    """Referrals per team and stage; choose a team (or the route-by-hand list) and a stage."""

    loaded = Signal(int)  # rows shown
    referral_chosen = Signal(int)  # a referral id, on Enter / double-click

    def __init__(
        self,
        ctx: AppContext,
        worker: Worker,
        messages: Messages | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("FgcQueue")
        self.setWindowTitle(self.tr("FGC queue"))
        self.setAccessibleName(self.tr("FGC queue"))
        self.ctx, self.worker = ctx, worker
        self.messages = messages or Messages()
        self.ops = Ops(worker, self.messages, ctx)
        self.today: dt.date | None = None  # None: the real today (tests pin it)
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.team = QComboBox(self)
        self.team.setAccessibleName(self.tr("Team"))
        self.team.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.team.addItem(self.tr("All teams"), None)
        self.team.addItem(self.tr("⚠ Route by hand"), UNROUTED)
        self.stage = QComboBox(self)
        self.stage.setAccessibleName(self.tr("Stage"))
        self.stage.addItem(self.tr("All open stages"), None)
        for code, words in STAGE_WORDS.items():
            if code not in ("closed", "declined", "withdrawn", "stopped"):
                self.stage.addItem(words, code)
        self.refresh_button = QPushButton(self.tr("&Refresh (F5)"), self)
        team_label = QLabel(self.tr("&Team"), self)
        team_label.setBuddy(self.team)
        stage_label = QLabel(self.tr("&Stage"), self)
        stage_label.setBuddy(self.stage)
        for widget in (team_label, self.team, stage_label, self.stage, self.refresh_button):
            bar.addWidget(widget)
        bar.addStretch(1)
        layout.addLayout(bar)
        self.summary = QLabel("", self)
        self.summary.setObjectName("fgcQueueSummary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        split = QSplitter(Qt.Orientation.Vertical, self)
        top = QWidget(split)
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        self.model = queue_model(self)
        self.table = make_table(self.model, self.tr("FGC referrals"), top)
        top_layout.addWidget(self.table, 1)
        self.detail = QLabel("", top)
        self.detail.setObjectName("fgcQueueDetail")
        self.detail.setWordWrap(True)
        top_layout.addWidget(self.detail)
        # The chosen referral, worked on in place: the same panel as the case's FGC tab.
        self.panel = FgcPanel(ctx, worker, self.messages, split)
        split.addWidget(top)
        split.addWidget(self.panel)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 2)
        layout.addWidget(split, 1)
        # The panel shows its own step's answer already: only the list is read again, by
        # the room's change feed when it brings the step (``fed``, as anyone's), else here.
        self.fed: Callable[[], bool] | None = None
        self.panel.changed.connect(self._stepped)
        self.team.currentIndexChanged.connect(self._read_queue)
        self.stage.currentIndexChanged.connect(self._read_queue)
        self.refresh_button.clicked.connect(self.refresh)
        QShortcut(QKeySequence(Qt.Key.Key_F5), self, self.refresh)
        self.table.selectionModel().currentRowChanged.connect(self._current)
        self.table.activated.connect(self._chosen)
        self._teams_loaded = False
        self._pending_team: str | None = None
        self.refresh()

    def refresh(self) -> None:
        """Read the queue again, and the referral being worked on with it (someone else's
        step, or one of this laptop's sent after waiting, shows in the panel too)."""
        if self.panel.item_id is not None:
            self.panel.refresh()
        self._read_queue()

    def _stepped(self) -> None:
        if self.fed is None or not self.fed():
            self._read_queue()

    def _read_queue(self) -> None:
        ctx, team, stage, today = (
            self.ctx,
            self.team.currentData(),
            self.stage.currentData(),
            self.today,
        )
        need_teams = not self._teams_loaded

        def load(s: Any) -> tuple[tuple[ReferralView, ...], tuple[tuple[str, str], ...]]:
            return queue(s, ctx.profile, today, team, stage), queue_teams(s) if need_teams else ()

        self.ops.read(self, load, self._show, doing=self.tr("FGC queue"))

    def select_team(self, code: str | None) -> None:
        """Show one team's queue (None: all teams; UNROUTED: the route-by-hand list)."""
        index = self.team.findData(code)
        if index >= 0:
            self.team.setCurrentIndex(index)
        else:
            self._pending_team = code  # chosen once the team list has loaded

    def _show(self, result: tuple[tuple[ReferralView, ...], tuple[tuple[str, str], ...]]) -> None:
        rows, teams = result
        if teams and not self._teams_loaded:
            self._teams_loaded = True
            self.team.blockSignals(True)
            for code, name in teams:
                self.team.addItem(name, code)
            self.team.blockSignals(False)
            if self._pending_team is not None:
                self.select_team(self._pending_team)  # refreshes for that team
                self._pending_team = None
        chosen = self.panel.item_id
        self.detail.setText("")
        self.model.set_rows(rows)
        # Keep the referral being worked on selected across a refresh.
        for n, v in enumerate(rows):
            if chosen is not None and v.origin_agenda_item_id == chosen:
                self.table.selectRow(n)
                break
        late = sum(1 for v in rows if v.overdue)
        unrouted = sum(1 for v in rows if v.routed_how == "unrouted")
        self.summary.setText(
            (
                self.tr("%1 open referral · %2 overdue · %3 to route by hand")
                if len(rows) == 1
                else self.tr("%1 open referrals · %2 overdue · %3 to route by hand")
            )
            .replace("%1", str(len(rows)))
            .replace("%2", str(late))
            .replace("%3", str(unrouted))
        )
        self.loaded.emit(len(rows))

    def _current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        v = self.model.row_at(current.row())
        self.detail.setText(describe(v) if v else "")
        chosen = v.origin_agenda_item_id if v else None
        if chosen != self.panel.item_id:
            self.panel.show_item(chosen)

    def _chosen(self, index: QModelIndex) -> None:
        v = self.model.row_at(index.row())
        if v is not None:
            self.referral_chosen.emit(v.id)
