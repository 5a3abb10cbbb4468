"""F1: every keyboard shortcut of the meeting room, over the window, until Esc or F1."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout, QWidget

from frontdoor_app.ui.core.i18n import translate
from frontdoor_app.ui.core.theme import set_scaled_font


def shortcut_table() -> list[tuple[str, str]]:
    """(keys, what they do): the one list the help overlay and the shortcut bar show."""
    return [
        ("PgDn / Alt+Right", translate("Shortcuts", "Next case in the agenda")),
        ("PgUp / Alt+Left", translate("Shortcuts", "Previous case in the agenda")),
        ("Ctrl+Enter", translate("Shortcuts", "Make the selected case the current case (chair)")),
        ("Ctrl+I", translate("Shortcuts", "Add intelligence for my agency")),
        ("Ctrl+Shift+A", translate("Shortcuts", "Add an action (Ctrl+A stays select-all in text)")),
        ("Ctrl+D", translate("Shortcuts", "Record the decision")),
        (
            "Ctrl+Shift+D",
            translate("Shortcuts", "Defer the current case to the next meeting (chair)"),
        ),
        (
            "B / Ctrl+B",
            translate("Shortcuts", "Privacy curtain on the projector (B when not typing)"),
        ),
        ("Ctrl+P", translate("Shortcuts", "Open or close the projector window")),
        ("Ctrl+Shift+F", translate("Shortcuts", "Follow the chair on or off")),
        (
            "Ctrl+1 … Ctrl+8",
            translate(
                "Shortcuts",
                "Case tabs: incident, household, history, intelligence, "
                "decision, actions, FGC, sharing",
            ),
        ),
        (
            "Ctrl+Shift+Up / Down",
            translate("Shortcuts", "Move the selected case up or down the agenda (chair)"),
        ),
        ("Ctrl+Shift+O", translate("Shortcuts", "Open actions from earlier meetings")),
        ("Ctrl+Shift+T", translate("Shortcuts", "Attendance")),
        ("Ctrl+T", translate("Shortcuts", "Action tracker: every open action")),
        ("Ctrl+L", translate("Shortcuts", "Agenda list (move the focus there)")),
        ("F1", translate("Shortcuts", "This list of keys (Esc closes it)")),
    ]


def shortcut_bar_text() -> str:
    return translate(
        "Shortcuts",
        "PgUp/PgDn case · Ctrl+I intelligence · Ctrl+Shift+A action · Ctrl+D decision "
        "· B curtain · F1 keys",
    )


class HelpOverlay(QWidget):
    """A translucent sheet over its parent listing every shortcut."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("helpOverlay")
        self.setAccessibleName(self.tr("Keyboard shortcuts"))
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(60, 40, 60, 40)
        title = QLabel(self.tr("Keyboard shortcuts"), self)
        title.setObjectName("helpTitle")
        title.setAccessibleName(self.tr("Keyboard shortcuts"))
        set_scaled_font(title, 1.8, bold=True)
        outer.addWidget(title)
        grid = QGridLayout()
        grid.setHorizontalSpacing(30)
        self.rows: list[tuple[QLabel, QLabel]] = []
        for row, (keys, what) in enumerate(shortcut_table()):
            key_label = QLabel(keys, self)
            key_label.setAccessibleName(keys)
            set_scaled_font(key_label, 1.25, bold=True)
            what_label = QLabel(what, self)
            what_label.setAccessibleName(what)
            set_scaled_font(what_label, 1.25)
            grid.addWidget(key_label, row, 0)
            grid.addWidget(what_label, row, 1)
            self.rows.append((key_label, what_label))
        outer.addLayout(grid)
        outer.addStretch(1)
        hint = QLabel(self.tr("Press Esc or F1 to close"), self)
        hint.setAccessibleName(self.tr("Press Esc or F1 to close"))
        outer.addWidget(hint)
        parent.installEventFilter(self)
        self.hide()

    def toggle(self) -> None:
        if self.isVisible():
            self.hide()
        else:
            parent = self.parentWidget()
            if parent is not None:
                self.setGeometry(parent.rect())
            self.show()
            self.raise_()
            self.setFocus()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.key() in (Qt.Key.Key_Escape, Qt.Key.Key_F1):
            self.hide()
            event.accept()
            return
        super().keyPressEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        parent = self.parentWidget()
        if parent is not None and watched is parent and event.type() == QEvent.Type.Resize:
            self.setGeometry(parent.rect())
        return False
