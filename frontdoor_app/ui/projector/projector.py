"""The projector window: the current case only, large and high-contrast, what the room may see.

It is fed ``ProjectorView`` values (built by the meeting domain with restricted entries
left out and names reduced to initials by default); it never reads the database itself.
Type scales with the height of the screen it is on.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics, QGuiApplication, QScreen
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLayout,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from frontdoor_app.meeting.timer import case_seconds
from frontdoor_app.meeting.views import ProjectorView
from frontdoor_app.ui.core.i18n import translate
from frontdoor_app.ui.core.theme import repolish, style_sheet
from frontdoor_app.ui.widgets.tables import minutes_seconds
from frontdoor_app.ui.widgets.words import risk_label

MAX_ENTRIES = 6
MAX_ACTIONS = 5
MAX_CHARS = 160
# The smallest heading (px) a narrow screen may bring it down to: still read across a room.
MIN_HEADING_PX = 36


def _short(text: str, limit: int = MAX_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class ProjectorWindow(QWidget):
    """Full screen on a chosen screen; ``show_view`` repaints it, ``set_curtain`` blanks it."""

    def __init__(self, target_minutes: int, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("projectorWindow")
        self.setAccessibleName(self.tr("Projector"))
        self.setWindowTitle(self.tr("Front door — projector"))
        self.setStyleSheet(style_sheet("projector"))  # the projector's own theme, from its .qss
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.target_minutes = target_minutes
        self.view: ProjectorView | None = None
        self.curtain_down = False
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        # The screen sets the size, never the type: a window whose large screen's type set
        # its minimum could not then take a smaller projector's size.
        outer.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        self.stack = QStackedWidget(self)
        outer.addWidget(self.stack)

        self.page = QWidget(self)
        self.page_layout = QVBoxLayout(self.page)
        top = self._top = QHBoxLayout()
        self.heading = self._label("projectorHeading", self.tr("Case number"))
        self.risk = self._label("projectorRisk", self.tr("Risk"))
        self.timer = self._label("projectorTimer", self.tr("Case timer"))
        top.setSpacing(48)
        top.addWidget(self.heading, 1)
        top.addWidget(self.risk, 0, Qt.AlignmentFlag.AlignCenter)
        top.addWidget(self.timer, 0, Qt.AlignmentFlag.AlignRight)
        self.page_layout.addLayout(top)
        self.household = self._label("projectorLine", self.tr("Household"))
        self.flags = self._label("projectorFlags", self.tr("Flags"))
        self.page_layout.addWidget(self.household)
        self.page_layout.addWidget(self.flags)
        self.body = QVBoxLayout()
        self.page_layout.addLayout(self.body)
        self.page_layout.addStretch(1)
        self.stack.addWidget(self.page)

        self.curtain = QLabel(self.tr("Paused"), self)
        self.curtain.setObjectName("projectorCurtain")
        self.curtain.setAccessibleName(self.tr("Projector paused"))
        self.curtain.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack.addWidget(self.curtain)
        self._body_labels: list[QLabel] = []
        self.scale_to_height(720)

    # -- placement and type size
    def place_on(self, screen: QScreen | None) -> None:
        """Full screen on ``screen`` (the primary one when None)."""
        screen = screen or QGuiApplication.primaryScreen()
        if screen is not None:
            area = screen.geometry()
            self.scale_to_height(area.height(), area.width())  # the type first, then the size
            self.setScreen(screen)
            self.setGeometry(area)
        self.showFullScreen()

    def scale_to_height(self, height: int, width: int | None = None) -> None:
        """Type read from the back of a room: the heading is about 1/16 of the screen's
        height, less when the top line would not fit its ``width`` (a 4:3 projector)."""
        self._body_px = max(20, height // 30)
        self._heading_px = max(40, height // 16)
        margin = max(16, height // 40)
        if width is not None:
            self._heading_px = self._heading_to_fit(self._heading_px, width - 2 * margin)
        for widget, px in (
            (self.heading, self._heading_px),
            (self.risk, self._heading_px),
            (self.timer, self._heading_px),
            (self.curtain, self._heading_px * 2),
            (self.household, int(self._body_px * 1.2)),
            (self.flags, self._body_px),
        ):
            widget.setFont(self._font(px, bold=widget is not self.household))
        for lab in self._body_labels:
            bold = lab.objectName() == "projectorSection"
            lab.setFont(self._font(int(self._body_px * (1.1 if bold else 1.0)), bold))
            if not bold:
                lab.setIndent(self._line_indent())
        self.page_layout.setContentsMargins(margin, margin, margin, margin)

    def _heading_to_fit(self, px: int, width: int) -> int:
        """The largest heading size up to ``px`` at which the top line's longest texts (a
        two-digit case number, a medium risk, a timer past ten minutes) fit ``width`` (the
        page's, inside its margins)."""
        spacing = self._top.spacing()
        texts = (
            translate("Projector", "CASE %1 of %2").replace("%1", "88").replace("%2", "88"),
            max((risk_label(r, short=False) for r in ("high", "medium", "standard")), key=len)
            + " "
            + translate("Projector", "RISK"),
            translate("Projector", "Timer") + " 88:88",
        )
        while px > MIN_HEADING_PX:
            metrics = QFontMetrics(self._font(px, bold=True))
            # (each label's own margins: a few pixels a side, for the rounding of the font)
            needed = sum(metrics.horizontalAdvance(t) + 8 for t in texts)
            if needed + 2 * spacing <= width:
                break
            px -= 1
        return px

    def heading_pixel_height(self) -> int:
        return QFontMetrics(self.heading.font()).height()

    def resizeEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        super().resizeEvent(event)
        self.scale_to_height(self.height(), self.width())

    # -- content
    def set_curtain(self, down: bool) -> None:
        self.curtain_down = down
        self.stack.setCurrentWidget(self.curtain if down else self.page)

    def show_view(self, view: ProjectorView) -> None:
        self.view = view  # the curtain is the owner's call (set_curtain), not the view's
        for lab in self._body_labels:
            lab.setParent(None)
            lab.deleteLater()
        self._body_labels = []
        if view.item_id is None:
            self.heading.setText(
                translate("Projector", "Front door meeting · %1").replace(
                    "%1", view.meeting_date.strftime("%a %d %b %Y")
                )
            )
            self.risk.setText("")
            self.timer.setText("")
            self.household.setText(translate("Projector", "No case is being discussed yet."))
            self.flags.setText("")
            return
        self.heading.setText(
            translate("Projector", "CASE %1 of %2")
            .replace("%1", str(view.case_number))
            .replace("%2", str(view.case_total))
        )
        risk = view.agreed_risk or view.dash_risk
        self.risk.setText(risk_label(risk, short=False) + " " + translate("Projector", "RISK"))
        line = " · ".join(p for p in (view.heading, view.district, view.children_text) if p)
        self.household.setText(line)
        self.flags.setText(" · ".join(view.flag_texts))
        self.update_timer()
        if view.people:
            self._line(
                " · ".join(
                    " ".join(p for p in (person.role, person.label, person.age_text) if p)
                    for person in view.people
                )
            )
        entries = [e for e in view.entries]
        if entries:
            self._section(translate("Projector", "Shared so far"))
            for entry in entries[-MAX_ENTRIES:]:
                who = entry.agency_name
                if entry.kind == "victim_view":
                    who = translate("Projector", "Victim's view")
                elif entry.kind == "child_voice":
                    who = translate("Projector", "Child's voice")
                self._line(f"{who} — {_short(entry.text)}")
            if len(entries) > MAX_ENTRIES:
                self._line(
                    translate("Projector", "… and %1 earlier entries").replace(
                        "%1", str(len(entries) - MAX_ENTRIES)
                    )
                )
        if view.outcomes:
            self._section(translate("Projector", "Decision"))
            self._line(" · ".join(view.outcomes))
        if view.actions:
            self._section(translate("Projector", "Actions agreed"))
            for action in view.actions[:MAX_ACTIONS]:
                who = action.agency_name + (
                    f" ({action.owner_name})"
                    if action.owner_name and not view.initials_mode
                    else ""
                )
                self._line(
                    f"{who} — {_short(action.description, 100)} · "
                    + translate("Projector", "by %1").replace(
                        "%1", action.due_date.strftime("%a %d %b")
                    )
                )
            if len(view.actions) > MAX_ACTIONS:
                self._line(
                    translate("Projector", "… and %1 more").replace(
                        "%1", str(len(view.actions) - MAX_ACTIONS)
                    )
                )

    def update_timer(self) -> None:
        view = self.view
        if view is None or view.item_id is None:
            return
        seconds = case_seconds(view.started_at, view.seconds_spent)
        over = seconds > self.target_minutes * 60
        self.timer.setText(translate("Projector", "Timer") + " " + minutes_seconds(seconds))
        if self.timer.property("over") != over:
            self.timer.setProperty("over", over)
            repolish(self.timer)

    def visible_texts(self) -> list[str]:
        """Every text the room can see now (tests scan these for names and restricted words)."""
        if self.curtain_down:
            return [self.curtain.text()]
        return [lab.text() for lab in self.page.findChildren(QLabel) if lab.text()]

    # -- helpers
    def _font(self, px: int, bold: bool = False) -> QFont:
        font = QFont(self.font())
        font.setPixelSize(px)
        font.setBold(bold)
        return font

    def _label(self, name: str, accessible: str) -> QLabel:
        lab = QLabel("", self)
        lab.setObjectName(name)
        lab.setAccessibleName(accessible)
        lab.setWordWrap(name not in ("projectorHeading", "projectorTimer", "projectorRisk"))
        return lab

    def _line_indent(self) -> int:
        """How far a line sits in under its section's heading, in pixels."""
        return max(8, self._body_px * 3 // 4)

    def _section(self, text: str) -> None:
        lab = self._label("projectorSection", text)
        lab.setText(text)
        lab.setFont(self._font(int(self._body_px * 1.1), bold=True))
        self.body.addWidget(lab)
        self._body_labels.append(lab)

    def _line(self, text: str) -> None:
        lab = self._label("projectorLine", text)
        lab.setText(text)
        lab.setFont(self._font(self._body_px))
        lab.setIndent(self._line_indent())  # every line of a long entry, not just its first
        self.body.addWidget(lab)
        self._body_labels.append(lab)
