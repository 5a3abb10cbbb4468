"""The meeting room's keys: one table, installed on a window by a plain function.

``install_room_keys(window, room)`` binds each key to what ``room`` does or to one of its
parts (any object shaped like ``RoomKeys``: the window passes itself; nothing here
imports it). The help
overlay (``help_overlay.py``) lists the same keys in words.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Protocol

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QWidget

from frontdoor_app.ui.case.case_view import CaseViewWidget
from frontdoor_app.ui.meeting.agenda_panel import AgendaPanel
from frontdoor_app.ui.meeting.case_pane import CasePane
from frontdoor_app.ui.meeting.help_overlay import HelpOverlay
from frontdoor_app.ui.meeting.room_toolbar import RoomToolbar
from frontdoor_app.ui.meeting.screens import ScreenRegistry
from frontdoor_app.ui.projector.controller import ProjectorController

Key = str | QKeySequence


class RoomKeys(Protocol):
    """What the keys act on: the room's moves, and its parts."""

    agenda: AgendaPanel
    case_view: CaseViewWidget
    screens: ScreenRegistry
    projector: ProjectorController
    help: HelpOverlay
    cases: CasePane
    toolbar: RoomToolbar

    @property
    def viewing(self) -> int | None: ...
    def step_case(self, step: int) -> None: ...
    def make_current(self, item_id: int | None) -> None: ...
    def defer_case(self, item_id: int | None) -> None: ...
    def toggle_curtain(self) -> None: ...


def room_keys(room: RoomKeys) -> list[tuple[Key, Callable[[], object]]]:
    """Each key and what it does."""
    agenda, screens = room.agenda, room.screens
    keys: list[tuple[Key, Callable[[], object]]] = [
        (QKeySequence(Qt.Key.Key_PageDown), lambda: room.step_case(+1)),
        (QKeySequence(Qt.Key.Key_PageUp), lambda: room.step_case(-1)),
        ("Alt+Right", lambda: room.step_case(+1)),
        ("Alt+Left", lambda: room.step_case(-1)),
        ("Ctrl+Return", lambda: room.make_current(agenda.current_item_id())),
        ("Ctrl+I", partial(room.cases.focus, "intelligence")),
        ("Ctrl+Shift+A", partial(room.cases.focus, "actions")),
        ("Ctrl+D", partial(room.cases.focus, "decision")),
        ("Ctrl+Shift+D", lambda: room.defer_case(room.viewing)),
        # B only reaches the window when no text field wants the letter (ShortcutOverride).
        ("B", room.toggle_curtain),
        ("Ctrl+B", room.toggle_curtain),
        ("Ctrl+P", room.projector.toggle),
        ("Ctrl+Shift+F", room.toolbar.follow_action.toggle),
        ("Ctrl+Shift+O", lambda: screens.open("open_actions")),
        ("Ctrl+Shift+T", lambda: screens.open("attendance")),
        ("Ctrl+T", lambda: screens.open("tracker")),
        ("Ctrl+L", agenda.table.setFocus),
        ("F1", room.help.toggle),
        ("Ctrl+Shift+Up", lambda: agenda.move_selected(-1)),
        ("Ctrl+Shift+Down", lambda: agenda.move_selected(+1)),
    ]
    case_view = room.case_view
    for number, name in enumerate(CaseViewWidget.TAB_NAMES, start=1):
        keys.append((f"Ctrl+{number}", partial(case_view.show_tab, name)))
    return keys


def install_shortcuts(
    window: QWidget, keys: Sequence[tuple[Key, Callable[[], object]]]
) -> list[QShortcut]:
    """A ``QShortcut`` on ``window`` for each key."""
    made = []
    for key, slot in keys:
        shortcut = QShortcut(QKeySequence(key), window)
        shortcut.activated.connect(slot)
        made.append(shortcut)
    return made


def install_room_keys(window: QWidget, room: RoomKeys) -> list[QShortcut]:
    return install_shortcuts(window, room_keys(room))
