"""The main window's other screens: the projector, dialogs, tracker, import, minutes, FGC.

Screens other helpers own (import, minutes, FGC) are imported when first opened: they
pull in the PDF machinery, which the agenda does not need at start-up.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import QWidget

from frontdoor_app.access import audit
from frontdoor_app.ui.case.case_view import CaseViewWidget
from frontdoor_app.ui.core.theme import repolish
from frontdoor_app.ui.meeting.action_tracker import ActionTrackerWindow
from frontdoor_app.ui.meeting.agenda_dialogs import CloseMeetingDialog, ConfidentialityDialog
from frontdoor_app.ui.meeting.agenda_ops import load_projector
from frontdoor_app.ui.meeting.attendance_dialog import AttendanceDialog
from frontdoor_app.ui.meeting.open_actions_dialog import OpenActionsDialog
from frontdoor_app.ui.projector.projector import ProjectorWindow
from frontdoor_app.ui.widgets.words import meeting_title

if TYPE_CHECKING:
    from frontdoor_app.ui.meeting.main_window import MainWindow

log = logging.getLogger(__name__)


class RoomScreens:
    """Mixed into ``MainWindow``: keys, the projector window and every other screen."""

    def _build_shortcuts(self: MainWindow) -> None:
        def key(seq: str | QKeySequence, slot: Any) -> QShortcut:
            shortcut = QShortcut(QKeySequence(seq), self)
            shortcut.activated.connect(slot)
            return shortcut

        key(QKeySequence(Qt.Key.Key_PageDown), lambda: self.step_case(+1))
        key(QKeySequence(Qt.Key.Key_PageUp), lambda: self.step_case(-1))
        key("Alt+Right", lambda: self.step_case(+1))
        key("Alt+Left", lambda: self.step_case(-1))
        key("Ctrl+Return", lambda: self.make_current(self.agenda.current_item_id()))
        key("Ctrl+I", self.focus_intelligence)
        key("Ctrl+Shift+A", self.focus_action)
        key("Ctrl+D", self.focus_decision)
        key("Ctrl+Shift+D", lambda: self.defer_case(self.viewing))
        # B only reaches us when no text field wants the letter (Qt's ShortcutOverride).
        key("B", self.toggle_curtain)
        key("Ctrl+B", self.toggle_curtain)
        key("Ctrl+P", self.toggle_projector)
        key("Ctrl+Shift+F", lambda: self.follow_action.toggle())
        key("Ctrl+Shift+O", self.show_open_actions)
        key("Ctrl+Shift+T", self.show_attendance)
        key("Ctrl+T", self.show_tracker)
        key("Ctrl+L", lambda: self.agenda.table.setFocus())
        key("F1", lambda: self.help.toggle())
        key("Ctrl+Shift+Up", lambda: self.agenda.move_selected(-1))
        key("Ctrl+Shift+Down", lambda: self.agenda.move_selected(+1))
        for number, name in enumerate(CaseViewWidget.TAB_NAMES, start=1):
            key(f"Ctrl+{number}", lambda n=name: self.case_view.show_tab(n))

    # ------------------------------------------------------------------ projector
    def _update_header(self: MainWindow) -> None:
        """The title bar facts, toolbar counts and the curtain banner, from the room data."""
        meeting = self.meeting
        text = meeting_title(meeting, dt.datetime.now(dt.UTC))
        self.title_info.setText(text)
        self.setWindowTitle(text)
        online = self.live.online if hasattr(self, "live") else True
        waiting = len(self.outbox) if hasattr(self, "outbox") else 0
        words = self.tr("● live") if online else self.tr("○ offline — retrying")
        count = (
            self.tr("1 save waiting to be sent")
            if waiting == 1
            else self.tr("%1 saves waiting to be sent").replace("%1", str(waiting))
        )
        if waiting:
            words += " · " + count
        self.live_label.setText(words)
        if not online or waiting:
            banner = self.tr(
                "The server cannot be reached. Keep working: what you type stays "
                "on this laptop and is sent when the connection is back."
            )
            if online:
                banner = self.tr("Connection back: sending what waited on this laptop.")
            self.offline_banner.setText(banner + (" " + count + "." if waiting else ""))
        self.offline_banner.setVisible(not online or bool(waiting))
        self.live_label.setProperty("state", "live" if online else "offline")
        repolish(self.live_label)
        self.curtain_banner.setVisible(self.curtain_is_down())
        room = self.room
        if room is not None and room.attendance is not None:
            a = room.attendance
            core_present = a.core_agencies - len(a.core_missing)
            self.attendance_action.setText(
                self.tr("Attendance %1/%2 core")
                .replace("%1", str(core_present))
                .replace("%2", str(a.core_agencies))
            )
        if room is not None:
            self.open_actions_action.setText(
                self.tr("Open actions %1").replace("%1", str(room.open_actions))
            )
        self.follow_action.setEnabled(not self.is_chair)
        if self.is_chair:
            self.follow_action.setToolTip(self.tr("You are the chair: the others follow you."))
        planned = meeting is not None and meeting.status == "planned"
        self.open_meeting_action.setVisible(planned and self.is_chair)
        self.close_action.setVisible(bool(meeting and meeting.is_open and self.is_chair))
        screens = QGuiApplication.screens()
        if self.projector is not None and self.projector.isVisible():
            self.projector_button.setText(self.tr("Projector ▸ on"))
        else:
            self.projector_button.setText(
                self.tr("Projector ▸ %1 screen(s)").replace("%1", str(len(screens)))
            )

    def _fill_projector_menu(self: MainWindow) -> None:
        self.projector_menu.clear()
        for n, screen in enumerate(QGuiApplication.screens(), start=1):
            size = screen.geometry()
            act = self.projector_menu.addAction(
                self.tr("Screen %1: %2 (%3×%4)")
                .replace("%1", str(n))
                .replace("%2", screen.name())
                .replace("%3", str(size.width()))
                .replace("%4", str(size.height()))
            )
            act.triggered.connect(lambda _=False, s=screen: self.open_projector(s))
        self.projector_menu.addSeparator()
        initials = self.projector_menu.addAction(
            self.tr("Names as initials, no addresses or dates of birth (recommended)")
        )
        initials.setCheckable(True)
        initials.setChecked(self.projector_initials)
        initials.toggled.connect(self.set_projector_initials)
        off = self.projector_menu.addAction(self.tr("Close the projector window"))
        off.triggered.connect(self.close_projector)

    def show_recovery_key(self: MainWindow) -> Any:
        from frontdoor_app.ui.shell.recovery_dialog import RecoveryKeyDialog

        key, self.ctx.recovery_key = self.ctx.recovery_key, None
        if not key:
            return None
        dialog = RecoveryKeyDialog(key, self.ctx.settings.database_url, self)
        self.dialogs["recovery"] = dialog
        if not self.messages.scripted:
            dialog.open()
        return dialog

    def audit_shown(
        self: MainWindow, action: str, entity: str, entity_id: int | None, detail: str
    ) -> None:
        """Record what this window showed or switched, in the background (never blocks)."""
        sessions, actor = self.ctx.sessions, self.ctx.actor
        self.worker.run(
            lambda: audit.record_now(sessions, actor, action, entity, entity_id, detail),
            None,
            lambda exc: self.show_error(exc, self.tr("Recording in the audit trail")),
        )

    def set_projector_initials(self: MainWindow, on: bool) -> None:
        """Initials mode is the default; full names only when the chair confirms, recorded."""
        meeting_id = self.meeting.id if self.meeting is not None else None
        if not on and self.projector_initials:
            if not self.is_chair:
                self.messages.warning(
                    self,
                    self.tr("Projector"),
                    self.tr("Only the chair can show full names on the projector."),
                )
                return
            if not self.messages.ask(
                self,
                self.tr("Show full names to the room?"),
                self.tr(
                    "The projector will show full names to everyone in "
                    "the room. Turn initials off for this meeting?"
                ),
            ):
                return
            self.audit_shown(
                "update",
                "projector",
                meeting_id,
                "names as initials turned off on the projector (chair confirmed)",
            )
        elif on and not self.projector_initials:
            self.audit_shown(
                "update",
                "projector",
                meeting_id,
                "names as initials turned back on on the projector",
            )
        self.projector_initials = on
        self.statusBar().showMessage(
            self.tr("Projector: names as initials")
            if on
            else self.tr("Projector: FULL NAMES shown to the room"),
            8000,
        )
        self._refresh_projector()

    def open_projector(self: MainWindow, screen: Any = None) -> ProjectorWindow:
        if self.projector is None:
            self.projector = ProjectorWindow(self.ctx.profile.meeting.case_target_minutes)
        screens = QGuiApplication.screens()
        if screen is None:
            screen = screens[1] if len(screens) > 1 else screens[0]
        self.projector.place_on(screen)
        self.audit_shown(
            "view",
            "projector",
            self.meeting.id if self.meeting else None,
            f"projector opened on {screen.name()} "
            f"({'initials' if self.projector_initials else 'full names'})",
        )
        self.projector_tick.start()
        self._refresh_projector()
        self._update_header()
        return self.projector

    def close_projector(self: MainWindow) -> None:
        if self.projector is not None:
            self.projector.close()
        self.projector_tick.stop()
        self._update_header()

    def toggle_projector(self: MainWindow) -> None:
        if self.projector is not None and self.projector.isVisible():
            self.close_projector()
        else:
            self.open_projector()

    def _refresh_projector(self: MainWindow) -> None:
        meeting = self.meeting
        if self.projector is None or not self.projector.isVisible() or meeting is None:
            return
        initials = self.projector_initials
        self.worker.run(
            lambda: load_projector(self.ctx, meeting.id, initials),
            self._projector_loaded,
            lambda exc: self.show_error(exc, self.tr("Updating the projector")),
        )

    def _projector_loaded(self: MainWindow, view: Any) -> None:
        if self.projector is None:
            return
        self.projector.show_view(view)
        self.projector.set_curtain(
            self.curtain_is_down()
            if self.curtain_pending is not None
            else view.curtain_down or self.local_curtain
        )
        self.projector_updated.emit()

    def _tick_projector(self: MainWindow) -> None:
        if self.projector is not None:
            self.projector.update_timer()

    # ------------------------------------------------------------------ dialogs
    def _dialog(self: MainWindow, key: str, make: Callable[[], Any]) -> Any:
        dialog = self.dialogs.get(key)
        if dialog is None:
            dialog = make()
            self.dialogs[key] = dialog
            dialog.finished.connect(lambda _r: self.dialogs.pop(key, None))
            dialog.finished.connect(lambda _r: self.reload_room())
        dialog.open()
        dialog.raise_()
        return dialog

    def show_attendance(self: MainWindow) -> Any:
        meeting = self.meeting
        if meeting is None:
            return None
        return self._dialog(
            "attendance",
            lambda: AttendanceDialog(
                self.ctx, self.worker, self.messages, meeting.id, self.agencies, self
            ),
        )

    def show_open_actions(self: MainWindow) -> Any:
        meeting = self.meeting
        if meeting is None:
            return None
        return self._dialog(
            "open_actions",
            lambda: OpenActionsDialog(self.ctx, self.worker, self.messages, meeting.id, self),
        )

    def show_confidentiality(self: MainWindow, opened: Any = None) -> Any:
        meeting = opened or self.meeting
        if meeting is None:
            return None
        return self._dialog(
            "confidentiality",
            lambda: ConfidentialityDialog(self.ctx, self.worker, self.messages, meeting, self),
        )

    def close_meeting_dialog(self: MainWindow) -> Any:
        meeting = self.meeting
        if meeting is None:
            return None
        return self._dialog(
            "close", lambda: CloseMeetingDialog(self.ctx, self.worker, self.messages, meeting, self)
        )

    def show_tracker(self: MainWindow) -> Any:
        window = self.dialogs.get("tracker")
        if window is None:
            window = ActionTrackerWindow(self.ctx, self.worker, self.messages, self.agencies)
            self.dialogs["tracker"] = window
        self.audit_shown("view", "action_tracker", None, "action tracker shown")
        window.show()
        window.raise_()
        window.refresh()
        return window

    def _screen(self: MainWindow, key: str, make: Callable[[], QWidget]) -> Any:
        window = self.dialogs.get(key)
        if window is None:
            window = make()
            self.dialogs[key] = window
        window.show()
        window.raise_()
        return window

    def show_import(self: MainWindow) -> Any:
        """Helper C's import screen; after an import today's agenda is read again."""
        self.audit_shown("view", "quarantine", None, "import screen and quarantine list shown")
        from frontdoor_app.ui.intake.import_screen import (
            ImportScreen,  # heavy: imported when first opened
        )

        def make() -> QWidget:
            screen = ImportScreen(self.ctx, self.worker, messages=self.messages)
            screen.imported.connect(lambda _summary: self.reload_meeting())
            # A corrected quarantine record can join today's agenda without a new import.
            screen.agenda_changed.connect(lambda _meeting_id: self.reload_meeting())
            screen.resize(1280, 800)
            return screen

        return self._screen("import", make)

    def show_minutes(self: MainWindow) -> Any:
        from frontdoor_app.ui.minutes.minutes_screen import (
            MinutesScreen,  # heavy: imported when first opened
        )

        def make() -> QWidget:
            screen = MinutesScreen(self.ctx, self.worker, self.messages)
            screen.resize(1280, 800)
            return screen

        return self._screen("minutes", make)

    def show_people(self: MainWindow) -> Any:
        from frontdoor_app.ui.admin.people_screen import PeopleScreen

        def make() -> QWidget:
            screen = PeopleScreen(self.ctx, self.worker, self.messages)
            screen.resize(1100, 760)
            return screen

        window = self._screen("people", make)
        window.refresh()
        return window

    def show_measures(self: MainWindow) -> Any:
        from frontdoor_app.ui.measures.measures_screen import (
            MeasuresScreen,  # heavy: imported when first opened
        )

        def make() -> QWidget:
            screen = MeasuresScreen(self.ctx, self.worker, self.messages)
            screen.resize(1280, 800)
            return screen

        return self._screen("measures", make)

    def show_fgc_queue(self: MainWindow) -> Any:
        self.audit_shown("view", "fgc_queue", None, "FGC queue shown")
        from frontdoor_app.ui.fgc.queue import FgcQueueScreen  # heavy: imported when first opened

        def make() -> QWidget:
            screen = FgcQueueScreen(self.ctx, self.worker, self.messages)
            screen.resize(1280, 800)
            return screen

        return self._screen("fgc_queue", make)

    def show_audit(self: MainWindow) -> Any:
        from frontdoor_app.ui.admin.audit_viewer import (
            AuditViewerScreen,  # heavy: imported when first opened
        )

        def make() -> QWidget:
            screen = AuditViewerScreen(self.ctx, self.worker, self.messages)
            screen.resize(1280, 800)
            return screen

        return self._screen("audit", make)

    def ensure_fgc_panel(self: MainWindow) -> None:
        """Put helper F's FGC panel in the case view's FGC tab the first time it is shown."""
        tab = self.case_view.fgc
        if tab.panel is None:
            from frontdoor_app.ui.fgc.panel import FgcPanel  # heavy: imported when first opened

            panel = FgcPanel(self.ctx, self.worker, self.messages, tab)
            panel.changed.connect(lambda: self.reload_room())
            tab.embed(panel)
        case = self.case_view.case
        item_id = case.item.item_id if case is not None else None
        if tab.shown_item != item_id:
            tab.shown_item = item_id
            tab.panel.show_item(item_id)
