"""The projector as the meeting room drives it: its window, its timer, initials and the curtain.

The controller owns the ``ProjectorWindow`` (built the first time it is opened), the
one-second tick of its case timer, whether names show as initials (the default; full
names only when the chair confirms, and both switches are audited), and it reads the
projector's view of the current case on the worker when asked to ``refresh``. It knows
the room only through what it is given: the meeting shown and the curtain the room
should see. It never writes; the curtain is the room's decision (``show_curtain``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import QMenu, QWidget

from frontdoor_app.meeting.views import ProjectorView
from frontdoor_app.ui.core.i18n import translate
from frontdoor_app.ui.core.messages import Messages
from frontdoor_app.ui.core.ops import Ops

if TYPE_CHECKING:
    from frontdoor_app.context import AppContext
    from frontdoor_app.ui.projector.projector import ProjectorWindow

Record = Callable[[str, str, "int | None", str], None]  # audit: action, entity, id, detail


def load_projector(s: Any, meeting_id: int, initials_mode: bool) -> ProjectorView:
    """The current case as the room may see it (a reader, run on the worker)."""
    from frontdoor_app.meeting import projector

    return projector.load_projector_view(s, meeting_id, initials_mode)


class ProjectorController(QObject):
    """See the module. ``meeting_id()`` is the meeting shown (None: none yet);
    ``curtain(saved_down)`` the curtain for a view read with the saved one; ``record``
    audits; ``status(text, ms)`` says something briefly; ``failed(exc, doing)`` reports."""

    updated = Signal()  # a new view is on the projector
    switched = Signal()  # opened or closed

    def __init__(
        self,
        ctx: AppContext,
        ops: Ops,
        messages: Messages,
        owner: QWidget,
        *,
        is_chair: bool,
        meeting_id: Callable[[], int | None],
        curtain: Callable[[bool], bool],
        record: Record,
        status: Callable[[str, int], None],
        failed: Callable[[BaseException, str], None],
    ) -> None:
        super().__init__(owner)
        self.ctx, self.ops, self.messages, self.owner = ctx, ops, messages, owner
        self.is_chair = is_chair
        self.meeting_id, self.curtain, self.record = meeting_id, curtain, record
        self.status, self.failed = status, failed
        self.window: ProjectorWindow | None = None
        self.initials = True  # names as initials unless the chair turns it off
        self.tick = QTimer(self)
        self.tick.setInterval(1000)
        self.tick.timeout.connect(self._tick)

    @property
    def is_on(self) -> bool:
        return self.window is not None and self.window.isVisible()

    # ------------------------------------------------------------------ the window
    def open(self, screen: QScreen | None = None) -> ProjectorWindow:
        """Full screen on ``screen`` (the second screen when there is one)."""
        if self.window is None:
            from frontdoor_app.ui.projector.projector import ProjectorWindow

            self.window = ProjectorWindow(self.ctx.profile.meeting.case_target_minutes)
        if screen is None:
            screens = QGuiApplication.screens()
            screen = screens[1] if len(screens) > 1 else screens[0]
        self.window.place_on(screen)
        self.record(
            "view",
            "projector",
            self.meeting_id(),
            f"projector opened on {screen.name()} "
            f"({'initials' if self.initials else 'full names'})",
        )
        self.tick.start()
        self.refresh()
        self.switched.emit()
        return self.window

    def close(self) -> None:
        if self.window is not None:
            self.window.close()
        self.tick.stop()
        self.switched.emit()

    def toggle(self) -> None:
        if self.is_on:
            self.close()
        else:
            self.open()

    def shutdown(self) -> None:
        self.tick.stop()
        if self.window is not None:
            self.window.close()
            self.window.deleteLater()
            self.window = None

    # ------------------------------------------------------------------ what it shows
    def refresh(self) -> None:
        """Read the current case again and show it (nothing when the projector is off)."""
        meeting_id = self.meeting_id()
        if not self.is_on or meeting_id is None:
            return
        initials = self.initials
        doing = translate("MainWindow", "Updating the projector")
        self.ops.read(
            self.owner,
            lambda s: load_projector(s, meeting_id, initials),
            self._loaded,
            doing=doing,
            on_failed=lambda exc: self.failed(exc, doing),
        )

    def _loaded(self, view: ProjectorView) -> None:
        if self.window is None:
            return
        self.window.show_view(view)
        self.window.set_curtain(self.curtain(view.curtain_down))
        self.updated.emit()

    def show_curtain(self, down: bool) -> None:
        if self.window is not None:
            self.window.set_curtain(down)

    def _tick(self) -> None:
        if self.window is not None:
            self.window.update_timer()

    def set_initials(self, on: bool) -> None:
        """Initials mode is the default; full names only when the chair confirms, recorded."""
        meeting_id = self.meeting_id()
        if not on and self.initials:
            if not self.is_chair:
                self.messages.warning(
                    self.owner,
                    translate("MainWindow", "Projector"),
                    translate("MainWindow", "Only the chair can show full names on the projector."),
                )
                return
            if not self.messages.ask(
                self.owner,
                translate("MainWindow", "Show full names to the room?"),
                translate(
                    "MainWindow",
                    "The projector will show full names to everyone in "
                    "the room. Turn initials off for this meeting?",
                ),
            ):
                return
            self.record(
                "update",
                "projector",
                meeting_id,
                "names as initials turned off on the projector (chair confirmed)",
            )
        elif on and not self.initials:
            self.record(
                "update",
                "projector",
                meeting_id,
                "names as initials turned back on on the projector",
            )
        self.initials = on
        self.status(
            translate("MainWindow", "Projector: names as initials")
            if on
            else translate("MainWindow", "Projector: FULL NAMES shown to the room"),
            8000,
        )
        self.refresh()

    # ------------------------------------------------------------------ its menu
    def fill_menu(self, menu: QMenu) -> None:
        """The toolbar's Projector menu: a screen to open it on, initials, close."""
        menu.clear()
        for n, screen in enumerate(QGuiApplication.screens(), start=1):
            size = screen.geometry()
            act = menu.addAction(
                translate("MainWindow", "Screen %1: %2 (%3×%4)")
                .replace("%1", str(n))
                .replace("%2", screen.name())
                .replace("%3", str(size.width()))
                .replace("%4", str(size.height()))
            )
            act.triggered.connect(lambda _=False, s=screen: self.open(s))
        menu.addSeparator()
        initials = menu.addAction(
            translate(
                "MainWindow", "Names as initials, no addresses or dates of birth (recommended)"
            )
        )
        initials.setCheckable(True)
        initials.setChecked(self.initials)
        initials.toggled.connect(self.set_initials)
        off = menu.addAction(translate("MainWindow", "Close the projector window"))
        off.triggered.connect(self.close)

    def button_text(self) -> str:
        if self.is_on:
            return translate("MainWindow", "Projector ▸ on")
        screens = len(QGuiApplication.screens())
        text = (
            translate("MainWindow", "Projector ▸ %1 screen")
            if screens == 1
            else translate("MainWindow", "Projector ▸ %1 screens")
        )
        return text.replace("%1", str(screens))
