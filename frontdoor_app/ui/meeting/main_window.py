"""The main window: title bar facts, toolbar, agenda on the left, the case on the right.

It holds plain data only (``RoomData``, ``CaseView``); every read and write runs on the
worker through the meeting domain. The change feed refreshes only what changed, and the
window (and its projector) follow the chair's current case when "Follow chair" is on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QSplitter,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from frontdoor_app.context import AppContext
from frontdoor_app.meeting.actions import default_due_date
from frontdoor_app.sync.changes import Change
from frontdoor_app.ui.case.case_view import CaseViewWidget
from frontdoor_app.ui.core.live import LiveFeed
from frontdoor_app.ui.core.messages import Messages
from frontdoor_app.ui.core.outbox import Outbox
from frontdoor_app.ui.core.theme import apply_desk_theme
from frontdoor_app.ui.core.worker import Worker
from frontdoor_app.ui.meeting import agenda_ops as ops
from frontdoor_app.ui.meeting.agenda_panel import AgendaPanel
from frontdoor_app.ui.meeting.help_overlay import HelpOverlay, shortcut_bar_text
from frontdoor_app.ui.meeting.main_screens import RoomScreens
from frontdoor_app.ui.meeting.main_writes import RoomWrites
from frontdoor_app.ui.projector.projector import ProjectorWindow

PREFETCH_DELAY_MS = 150


class MainWindow(QMainWindow, RoomWrites, RoomScreens):
    """The chair's and representatives' window onto today's meeting."""

    agenda_painted = Signal()
    room_loaded = Signal()
    case_shown = Signal(int)  # the item id, once every tab shows it
    projector_updated = Signal()

    def __init__(
        self,
        ctx: AppContext,
        worker: Worker,
        messages: Messages,
        *,
        meeting_date: dt.date | None = None,
        live_interval_ms: int = 200,
    ) -> None:
        super().__init__()
        self.ctx, self.worker, self.messages = ctx, worker, messages
        self.meeting_date = meeting_date
        self.room: ops.RoomData | None = None
        self.agencies: tuple[Any, ...] = ()
        self.viewing: int | None = None
        self.follow_chair = True
        self.local_curtain = False
        self.moving_to: int | None = None  # the case the chair just made current (unsaved)
        self.projector_initials = True  # names as initials unless the chair turns it off
        self.curtain_pending: bool | None = None  # the chair's press, until it is saved
        self.projector: ProjectorWindow | None = None
        self.dialogs: dict[str, QWidget] = {}
        self._loading_case: int | None = None
        self.prefetch_enabled = True
        self._prefetched: dict[int, ops.CaseBundle] = {}
        self.prefetch_pending = False  # a background read of the next case is scheduled
        self._generation = 0  # moves on every change seen: older prefetches are stale
        app = QApplication.instance()
        if isinstance(app, QApplication) and not app.styleSheet():
            apply_desk_theme(app)  # the desk theme also when a test or tool opens the window
        self.setObjectName("mainWindow")
        self.setAccessibleName(self.tr("Front door meeting"))
        self.resize(1280, 800)
        self._build_header()
        self._build_toolbar()
        self._build_body()
        self._build_shortcuts()
        self.live = LiveFeed(ctx, worker, live_interval_ms, self)
        self.live.changed.connect(self._changes)
        self.live.online_changed.connect(self._online_changed)
        self.outbox = Outbox(ctx.settings.data_dir, ctx.actor.login)
        self.sending: set[str] = set()  # waiting saves on their way to the server
        self.clock = QTimer(self)
        self.clock.setInterval(15_000)
        self.clock.timeout.connect(self._update_header)
        self.clock.start()
        self.projector_tick = QTimer(self)
        self.projector_tick.setInterval(1000)
        self.projector_tick.timeout.connect(self._tick_projector)
        self.help = HelpOverlay(self)
        self._update_header()

    # ------------------------------------------------------------------ building
    def _build_header(self) -> None:
        header = QWidget(self)
        row = QHBoxLayout(header)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        self.title_info = QLabel("", header)
        self.title_info.setObjectName("titleInfo")
        self.title_info.setAccessibleName(self.tr("Meeting date, status, time and chair"))
        self.curtain_banner = QLabel(
            self.tr("Curtain down: the projector shows “Paused” (B)"), header
        )
        self.curtain_banner.setObjectName("curtainBanner")
        self.curtain_banner.setAccessibleName(self.tr("Curtain down"))
        self.curtain_banner.hide()
        self.live_label = QLabel("", header)
        self.live_label.setObjectName("liveIndicator")
        self.live_label.setAccessibleName(self.tr("Live updates"))
        row.addWidget(self.title_info, 1)
        row.addWidget(self.curtain_banner)
        row.addWidget(self.live_label)
        self.demo_banner = QLabel("", self)
        self.demo_banner.setObjectName("demoBanner")
        self.demo_banner.setAccessibleName(self.tr("Notice"))
        self.demo_banner.setWordWrap(True)
        self.demo_banner.hide()
        self.offline_banner = QLabel("", self)
        self.offline_banner.setObjectName("offlineBanner")
        self.offline_banner.setAccessibleName(self.tr("Connection"))
        self.offline_banner.setWordWrap(True)
        self.offline_banner.hide()
        # Above the toolbar, like a title bar: date, status, clock, chair, live.
        top = QWidget(self)
        column = QVBoxLayout(top)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(header)
        column.addWidget(self.demo_banner)
        column.addWidget(self.offline_banner)
        self.setMenuWidget(top)

    def _build_toolbar(self) -> None:
        bar = QToolBar(self.tr("Meeting"), self)
        bar.setObjectName("meetingToolbar")
        bar.setAccessibleName(self.tr("Meeting toolbar"))
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
        self.toolbar = bar

        def action(text: str, slot: Any, name: str) -> QAction:
            act = QAction(text, self)
            act.triggered.connect(slot)
            bar.addAction(act)
            bar.widgetForAction(act).setAccessibleName(name)
            return act

        self.open_meeting_action = action(
            self.tr("Open meeting"), self.open_meeting, self.tr("Open the meeting")
        )
        self.open_actions_action = action(
            self.tr("Open actions"),
            self.show_open_actions,
            self.tr("Open actions from earlier meetings"),
        )
        self.attendance_action = action(
            self.tr("Attendance"), self.show_attendance, self.tr("Attendance")
        )
        self.confidentiality_action = action(
            self.tr("Confidentiality"),
            self.show_confidentiality,
            self.tr("Confidentiality statement"),
        )
        self.tracker_action = action(
            self.tr("Action tracker"), self.show_tracker, self.tr("Action tracker")
        )
        self.fgc_queue_action = action(
            self.tr("FGC queue"), self.show_fgc_queue, self.tr("FGC referrals by team and stage")
        )
        self.import_action = action(
            self.tr("Import"), self.show_import, self.tr("Import the police feed")
        )
        self.minutes_action = action(
            self.tr("Minutes"), self.show_minutes, self.tr("Minutes: preview, save, print")
        )
        self.import_action.setVisible(self.ctx.actor.role in ("chair", "admin"))
        self.people_action = action(
            self.tr("People"), self.show_people, self.tr("People and access")
        )
        self.people_action.setVisible(
            self.ctx.actor.role == "admin"
            or (self.ctx.settings.is_embedded and self.ctx.actor.role == "chair")
        )
        self.measures_action = action(
            self.tr("Measures"), self.show_measures, self.tr("Measures: the weekly report card")
        )
        self.extra_actions: dict[str, QAction] = {}
        if self.ctx.actor.is_admin:  # the audit trail is for admins only
            self.add_screen_action("audit", self.tr("Audit trail"), self.show_audit)
        self.projector_button = QToolButton(bar)
        self.projector_button.setText(self.tr("Projector ▸"))
        self.projector_button.setAccessibleName(self.tr("Projector screen"))
        self.projector_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.projector_menu = QMenu(self.projector_button)
        self.projector_menu.aboutToShow.connect(self._fill_projector_menu)
        self.projector_button.setMenu(self.projector_menu)
        bar.addWidget(self.projector_button)
        self.follow_action = QAction(self.tr("Follow chair"), self)
        self.follow_action.setCheckable(True)
        self.follow_action.setChecked(True)
        self.follow_action.toggled.connect(self.set_follow_chair)
        bar.addAction(self.follow_action)
        bar.widgetForAction(self.follow_action).setAccessibleName(self.tr("Follow the chair"))
        self.close_action = action(
            self.tr("Close meeting"), self.close_meeting_dialog, self.tr("Close the meeting")
        )

    def add_screen_action(self, key: str, text: str, slot: Any) -> QAction:
        """Hook for other screens (import, minutes, FGC queue) to add a toolbar button."""
        act = QAction(text, self)
        act.triggered.connect(slot)
        self.toolbar.insertAction(self.tracker_action, act)
        self.toolbar.widgetForAction(act).setAccessibleName(text)
        self.extra_actions[key] = act
        return act

    def _build_body(self) -> None:
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, central)
        self.agenda = AgendaPanel(self.splitter)
        self.case_view = CaseViewWidget(self.ctx.profile.meeting.case_target_minutes, self.splitter)
        self.splitter.addWidget(self.agenda)
        self.splitter.addWidget(self.case_view)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([420, 860])
        layout.addWidget(self.splitter, 1)
        self.shortcut_bar = QLabel(shortcut_bar_text(), central)
        self.shortcut_bar.setObjectName("shortcutBar")
        self.shortcut_bar.setAccessibleName(self.tr("Keyboard shortcuts"))
        layout.addWidget(self.shortcut_bar)
        self.setCentralWidget(central)
        self.statusBar().setAccessibleName(self.tr("Status"))
        self.agenda.table.painted_with_rows.connect(self.agenda_painted)
        self.agenda.selected.connect(self.browse_to)
        self.agenda.activated.connect(self.make_current)
        self.agenda.defer_requested.connect(self.defer_case)
        self.agenda.move_requested.connect(self.move_case)
        cv = self.case_view
        cv.intelligence.save_requested.connect(self.add_intelligence)
        cv.intelligence.draft_changed.connect(self.save_draft)
        cv.decision.save_requested.connect(self.save_decision)
        cv.decision.see_change_requested.connect(self.see_decision_change)
        cv.decision.draft_changed.connect(self.save_draft)
        cv.actions.add_requested.connect(self.add_action)
        cv.actions.status_requested.connect(self.update_action)
        cv.sharing.record_requested.connect(self.record_sharing)
        cv.history.links_wanted.connect(self.load_links)
        cv.history.undo_requested.connect(self.undo_link)
        cv.tabs.currentChanged.connect(self._tab_changed)

    # ------------------------------------------------------------------ loading
    def load(self) -> None:
        """Load today's meeting on the worker; the window fills in when it arrives."""
        self.statusBar().showMessage(self.tr("Loading today's agenda…"))
        self.worker.run(
            lambda: ops.load_start(self.ctx, self.meeting_date),
            self._started,
            lambda exc: self.show_error(exc, self.tr("Loading the agenda")),
        )

    def _started(self, data: ops.StartData) -> None:
        self.agencies = data.agencies
        mine = self.ctx.actor.agency_id
        chooses = self.ctx.actor.role in ("chair", "admin")
        self.case_view.intelligence.set_agencies(data.agencies, mine, chooses)
        self.case_view.actions.set_agencies(data.agencies, mine)
        self.case_view.sharing.set_agencies(data.agencies, mine)
        self.case_view.decision.set_outcomes(data.outcomes)
        if data.room.note:
            self.show_demo_note(data.room.note)
        self.statusBar().clearMessage()
        if self.ctx.recovery_key:  # a new encrypted database: its recovery key, this once
            self.show_recovery_key()
        shown = data.room.meeting
        self.audit_shown("view", "meeting", shown.id if shown else None, "agenda shown")
        self._room_loaded(data.room)
        self.live.start()
        if len(self.outbox):
            self.send_waiting()  # kept on the laptop last time: send them now

    def reload_meeting(self) -> None:
        """Find today's meeting again (an import may just have built it)."""
        self.worker.run(
            lambda: ops.load_start(self.ctx, self.meeting_date),
            lambda data: self._room_loaded(data.room),
            lambda exc: self.show_error(exc, self.tr("Loading the agenda")),
        )

    def reload_room(self) -> None:
        meeting = self.meeting
        if meeting is None:
            return
        self.worker.run(
            lambda: ops.load_room(self.ctx, meeting.id),
            self._room_loaded,
            lambda exc: self.show_error(exc, self.tr("Refreshing the agenda")),
        )

    def _room_loaded(self, room: ops.RoomData) -> None:
        first = self.room is None
        self.room = room
        meeting = room.meeting
        if room.agenda is None or meeting is None:
            self.case_view.clear(room.note)
            self._update_header()
            self.room_loaded.emit()
            return
        self.case_view.actions.set_default_due(
            default_due_date(self.ctx.profile, meeting.meeting_date)
        )
        target = self.viewing
        if self.following and meeting.current_item_id is not None:
            target = meeting.current_item_id
            typing = self.case_view.intelligence.text.toPlainText().strip()
            if typing and self.viewing is not None and target != self.viewing:
                # Never pull someone away mid-sentence: they stay, and are told.
                row = room.agenda.row(target)
                self.statusBar().showMessage(
                    self.tr(
                        "The chair has moved to case %1; you will follow once your "
                        "entry here is saved or cleared."
                    ).replace("%1", str(row.position if row else "?")),
                    15_000,
                )
                target = self.viewing
        if target is None or room.agenda.row(target) is None:
            target = meeting.current_item_id or (
                room.agenda.rows[0].item_id if room.agenda.rows else None
            )
        self.agenda.show_agenda(room.agenda, target)
        self.agenda.set_chair_tools(self.is_chair and not meeting.is_closed)
        self._update_header()
        self._refresh_projector()
        if target is not None and (target != self.viewing or first):
            self.show_item(target)
        elif target is not None and self.case_view.case is not None:
            self.show_item(target, refresh=True)
        self.room_loaded.emit()

    def show_item(self, item_id: int, refresh: bool = False) -> None:
        """Load one case into the case view (a refresh keeps what the user is typing)."""
        if not refresh:
            self.flush_drafts()
        self.viewing = item_id
        self._loading_case = item_id
        self.agenda.select(item_id)
        cached = None if refresh else self._prefetched.pop(item_id, None)
        if cached is not None:
            # Read moments ago in the background: show it now, and record the view as
            # load_case would have.
            self._case_loaded(cached, refresh=False)
            ctx = self.ctx
            self.worker.run(
                lambda: ops.record_view(ctx, item_id),
                None,
                lambda exc: self.show_error(exc, self.tr("Opening the case")),
            )
            return
        self.worker.run(
            lambda: ops.load_case_bundle(self.ctx, item_id, not refresh),
            lambda bundle: self._case_loaded(bundle, refresh),
            lambda exc: self.show_error(exc, self.tr("Opening the case")),
        )

    def _tab_changed(self, _index: int) -> None:
        if self.case_view.tabs.currentWidget() is self.case_view.fgc:
            self.ensure_fgc_panel()
        elif self.case_view.tabs.currentWidget() is self.case_view.history:
            self.case_view.history.want_links()

    def _case_loaded(self, bundle: ops.CaseBundle, refresh: bool) -> None:
        if bundle.case.item.item_id != self.viewing:
            return  # the user has moved on; a newer load is coming
        self.case_view.show_case(bundle.case, keep_edits=refresh)
        if not refresh:
            self.case_view.intelligence.clear_form()
            if "intelligence" in bundle.drafts:
                self.case_view.intelligence.restore_draft(bundle.drafts["intelligence"])
            if "decision" in bundle.drafts and bundle.case.decision is None:
                self.case_view.decision.restore_draft(bundle.drafts["decision"])
        if self.case_view.tabs.currentWidget() is self.case_view.history:
            self.case_view.history.want_links()
        if self.case_view.tabs.currentWidget() is self.case_view.fgc:
            self.ensure_fgc_panel()
        elif self.case_view.fgc.panel is not None and refresh:
            self.case_view.fgc.shown_item = None  # read again when next shown
        self.case_shown.emit(bundle.case.item.item_id)
        # Read the next case once this one is on screen, not while it is being painted.
        self.prefetch_pending = self.prefetch_enabled
        QTimer.singleShot(PREFETCH_DELAY_MS, self._prefetch_next)

    def _prefetch_next(self) -> None:
        """Read the next case in the background, so PgDn shows it without waiting."""
        room = self.room
        self.prefetch_pending = False
        if not self.prefetch_enabled or room is None or room.agenda is None:
            return
        following = ops.neighbour(room.agenda, self.viewing, +1)
        if following is None or following in self._prefetched:
            return
        self._prefetched.clear()
        ctx, generation = self.ctx, self._generation

        def keep(bundle: ops.CaseBundle) -> None:
            if generation == self._generation and self.prefetch_enabled:
                self._prefetched[following] = bundle

        self.worker.run(
            lambda: ops.load_case_bundle(ctx, following, False), keep, lambda exc: None
        )  # a failed prefetch just loads later

    # ------------------------------------------------------------------ state
    @property
    def meeting(self) -> Any:
        return self.room.meeting if self.room else None

    @property
    def is_chair(self) -> bool:
        return self.ctx.actor.is_chair

    @property
    def following(self) -> bool:
        """Representatives follow the chair's current case; the chair leads it."""
        return self.follow_chair and not self.is_chair

    def set_follow_chair(self, on: bool) -> None:
        self.follow_chair = on
        if self.follow_action.isChecked() != on:
            self.follow_action.setChecked(on)
        meeting = self.meeting
        if on and meeting is not None and meeting.current_item_id and not self.is_chair:
            self.show_item(meeting.current_item_id)

    def show_demo_note(self, text: str) -> None:
        """A notice under the title bar (demo data created, no meeting today, ...)."""
        if self.demo_banner.isVisibleTo(self) and text not in self.demo_banner.text():
            text = self.demo_banner.text() + " · " + text
        self.demo_banner.setText(text)
        self.demo_banner.show()
        self.statusBar().showMessage(text, 15_000)

    # ------------------------------------------------------------------ navigation
    def browse_to(self, item_id: int) -> None:
        """The user picked a case in the agenda: show it here only."""
        if item_id == self.viewing:
            return
        if self.following:
            self.set_follow_chair(False)
            self.statusBar().showMessage(
                self.tr("Follow chair is off while you look at another case (Ctrl+Shift+F)."), 8000
            )
        self.show_item(item_id)

    def step_case(self, step: int) -> None:
        """PgDn/PgUp: the chair moves the meeting on; others look ahead on their own screen."""
        room = self.room
        if room is None or room.agenda is None:
            return
        meeting = room.meeting
        if self.is_chair and meeting is not None and meeting.is_open:
            anchor = self.moving_to or meeting.current_item_id or self.viewing
            target = ops.neighbour(room.agenda, anchor, step)
            if target is not None:
                self.make_current(target)
            return
        target = ops.neighbour(room.agenda, self.viewing, step)
        if target is not None:
            self.browse_to(target)

    def focus_intelligence(self) -> None:
        self.case_view.show_tab("intelligence")
        self.case_view.intelligence.focus_entry()

    def focus_action(self) -> None:
        self.case_view.show_tab("actions")
        self.case_view.actions.focus_entry()

    def focus_decision(self) -> None:
        self.case_view.show_tab("decision")
        self.case_view.decision.focus_first()

    # ------------------------------------------------------------------ change feed
    def _changes(self, rows: Sequence[Change]) -> None:
        touched = {r.table_name for r in rows} - ops.IGNORED_TABLES
        if not touched:
            return
        self._generation += 1
        self._prefetched.clear()
        # Other people's saves reach the open lists too.
        watched = {
            "tracker": {"action", "action_update"},
            "open_actions": {"action", "action_update"},
            "attendance": {"attendance"},
        }
        for key, tables in watched.items():
            screen = self.dialogs.get(key)
            if screen is not None and screen.isVisible() and touched & tables:
                screen.refresh()
        if touched & (ops.AGENDA_TABLES | {"attendance", "action", "action_update"}):
            self.reload_room()  # also refreshes the open case and the projector
            return
        meeting = self.meeting
        if self.following and meeting and meeting.current_item_id != self.viewing:
            self.reload_room()  # held back while typing: follow the chair now if free
            return
        if touched <= ops.CASE_SCOPED_TABLES:
            # Entries for one case: ask which case, and reload only a screen showing it
            # (fifteen laptops saving must not make every laptop reload its case each time).
            ctx = self.ctx
            self.worker.run(
                lambda: ops.cases_touched(ctx, rows),
                self._cases_changed,
                lambda exc: self.show_error(exc, self.tr("Refreshing")),
            )
            return
        if touched & ops.CONTENT_TABLES:
            meeting = self.meeting
            if self.following and meeting and meeting.current_item_id != self.viewing:
                self.reload_room()  # held back while typing: follow the chair now if free
                return
            if self.viewing is not None:
                self.show_item(self.viewing, refresh=True)
            self._refresh_projector()

    def _cases_changed(self, item_ids: frozenset[int]) -> None:
        meeting = self.meeting
        if self.viewing is not None and self.viewing in item_ids:
            self.show_item(self.viewing, refresh=True)
        if meeting is not None and meeting.current_item_id in item_ids:
            self._refresh_projector()

    # ------------------------------------------------------------------ closing
    def shutdown(self) -> None:
        """Save pending drafts and stop timers (the app calls this before the worker stops)."""
        self.flush_drafts()
        self.live.stop()
        self.clock.stop()
        self.projector_tick.stop()
        if self.projector is not None:
            self.projector.close()
            self.projector.deleteLater()
            self.projector = None
        for dialog in list(self.dialogs.values()):
            dialog.close()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        self.shutdown()
        super().closeEvent(event)
