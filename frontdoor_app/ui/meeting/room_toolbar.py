"""The meeting room's toolbar: the meeting's steps (projector and follow among them), then
the other screens.

Each button opens a screen by its key (``open_screen``) or calls the slot it is given;
``show_room`` updates the counts on the buttons and which of them the user may see.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QMenu, QToolBar, QToolButton

from frontdoor_app.access.actor import Actor
from frontdoor_app.meeting.views import MeetingView
from frontdoor_app.ui.core.i18n import translate
from frontdoor_app.ui.meeting.room_state import RoomData


class RoomToolbar(QToolBar):
    """See the module. ``open_meeting`` and ``follow`` (toggled) are the window's."""

    def __init__(
        self,
        window: QMainWindow,
        actor: Actor,
        embedded: bool,
        *,
        open_meeting: Callable[[], object],
        open_screen: Callable[[str], object],
        follow: Callable[[bool], None],
    ) -> None:
        super().__init__(translate("MainWindow", "Meeting"), window)
        self.actor = actor
        self.setObjectName("meetingToolbar")
        self.setAccessibleName(translate("MainWindow", "Meeting toolbar"))
        self.setMovable(False)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        window.addToolBar(Qt.ToolBarArea.TopToolBarArea, self)

        def action(text: str, slot: Callable[[], object], name: str) -> QAction:
            act = QAction(text, window)
            act.triggered.connect(lambda _checked=False: slot())
            self.addAction(act)
            self.widgetForAction(act).setAccessibleName(name)
            return act

        def screen(key: str) -> Callable[[], object]:
            return lambda: open_screen(key)

        role = actor.role
        self.open_meeting_action = action(
            translate("MainWindow", "Open meeting"),
            open_meeting,
            translate("MainWindow", "Open the meeting"),
        )
        self.attendance_action = action(
            translate("MainWindow", "Attendance"),
            screen("attendance"),
            translate("MainWindow", "Attendance"),
        )
        self.confidentiality_action = action(
            translate("MainWindow", "Confidentiality"),
            screen("confidentiality"),
            translate("MainWindow", "Confidentiality statement"),
        )
        self.projector_button = QToolButton(self)
        self.projector_button.setObjectName("projectorButton")  # its text has the arrow
        self.projector_button.setText(translate("MainWindow", "Projector ▸"))
        self.projector_button.setAccessibleName(translate("MainWindow", "Projector screen"))
        self.projector_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.projector_menu = QMenu(self.projector_button)
        self.projector_button.setMenu(self.projector_menu)
        self.addWidget(self.projector_button)
        self.follow_action = QAction(translate("MainWindow", "Follow chair"), window)
        self.follow_action.setCheckable(True)
        self.follow_action.setChecked(True)
        self.follow_action.toggled.connect(follow)
        self.addAction(self.follow_action)
        self.widgetForAction(self.follow_action).setAccessibleName(
            translate("MainWindow", "Follow the chair")
        )
        self.close_action = action(
            translate("MainWindow", "Close meeting"),
            screen("close"),
            translate("MainWindow", "Close the meeting"),
        )
        # The screens, after the meeting's own steps: with large type on a laptop the bar
        # runs out of room from its end, and what goes behind its "»" should be what the
        # room uses least in the meeting (the chair needs Projector and Close meeting).
        self.addSeparator()
        self.open_actions_action = action(
            translate("MainWindow", "Open actions"),
            screen("open_actions"),
            translate("MainWindow", "Open actions from earlier meetings"),
        )
        self.tracker_action = action(
            translate("MainWindow", "Action tracker"),
            screen("tracker"),
            translate("MainWindow", "Action tracker"),
        )
        self.fgc_queue_action = action(
            translate("MainWindow", "FGC queue"),
            screen("fgc_queue"),
            translate("MainWindow", "FGC referrals by team and stage"),
        )
        self.import_action = action(
            translate("MainWindow", "Import"),
            screen("import"),
            translate("MainWindow", "Import the police feed"),
        )
        self.minutes_action = action(
            translate("MainWindow", "Minutes"),
            screen("minutes"),
            translate("MainWindow", "Minutes: preview, save, print"),
        )
        self.import_action.setVisible(role in ("chair", "admin"))
        self.people_action = action(
            translate("MainWindow", "People"),
            screen("people"),
            translate("MainWindow", "People and access"),
        )
        self.people_action.setVisible(role == "admin" or (embedded and role == "chair"))
        self.measures_action = action(
            translate("MainWindow", "Measures"),
            screen("measures"),
            translate("MainWindow", "Measures: the weekly report card"),
        )
        if actor.is_admin:  # the audit trail is for admins only
            self.audit_action = QAction(translate("MainWindow", "Audit trail"), window)
            self.audit_action.triggered.connect(screen("audit"))
            self.insertAction(self.tracker_action, self.audit_action)
            self.widgetForAction(self.audit_action).setAccessibleName(
                translate("MainWindow", "Audit trail")
            )

    def show_room(self, room: RoomData | None, projector_text: str) -> None:
        """The counts on the buttons, and the meeting's steps the user may take now."""
        meeting: MeetingView | None = room.meeting if room else None
        chair = self.actor.is_chair
        if room is not None and room.attendance is not None:
            a = room.attendance
            self.attendance_action.setText(
                translate("MainWindow", "Attendance %1/%2 core")
                .replace("%1", str(a.core_agencies - len(a.core_missing)))
                .replace("%2", str(a.core_agencies))
            )
        if room is not None:
            self.open_actions_action.setText(
                translate("MainWindow", "Open actions %1").replace("%1", str(room.open_actions))
            )
        self.follow_action.setEnabled(not chair)
        if chair:
            self.follow_action.setToolTip(
                translate("MainWindow", "You are the chair: the others follow you.")
            )
        planned = meeting is not None and meeting.status == "planned"
        self.open_meeting_action.setVisible(planned and chair)
        self.close_action.setVisible(bool(meeting and meeting.is_open and chair))
        self.projector_button.setText(projector_text)
