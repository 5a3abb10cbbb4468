"""The meeting room's other screens, built the first time they are opened.

Each screen is declared once (``Screen``): how to build it (its module is imported then,
not when the window opens), whether it is a dialog over the window (forgotten when it
closes, and the room is read again) or a window of its own (kept, shown again), what it
does each time it is shown, and which tables it watches: a change to one of them from the
feed refreshes it while it is on screen. ``room_screens`` declares the room's screens.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QWidget

from frontdoor_app.meeting.views import AgencyOption, MeetingView
from frontdoor_app.ui.core.messages import Messages
from frontdoor_app.ui.core.worker import Worker

if TYPE_CHECKING:
    from frontdoor_app.context import AppContext

ACTION_TABLES = frozenset({"action", "action_update"})


@dataclass(frozen=True)
class Screen:
    """How to build one screen (``make(*args)``, None when there is nothing to show) and
    how it behaves; ``audit`` is (entity, detail) recorded each time it is opened."""

    key: str
    make: Callable[..., QWidget | None]
    dialog: bool = False
    watches: frozenset[str] = frozenset()
    on_show: Callable[[Any], None] | None = None
    audit: tuple[str, str] | None = None


class ScreenRegistry:
    """The declared screens and those built so far (``shown``, by key)."""

    def __init__(
        self,
        dialog_closed: Callable[[], None],
        record: Callable[[str, str, int | None, str], None],
    ) -> None:
        self.declared: dict[str, Screen] = {}
        self.shown: dict[str, Any] = {}
        self._dialog_closed = dialog_closed
        self._record = record

    def declare(self, *screens: Screen) -> None:
        for screen in screens:
            self.declared[screen.key] = screen

    def open(self, key: str, *args: Any) -> Any:
        """Build the screen the first time (with ``args``), then bring it forward."""
        screen = self.declared[key]
        if screen.audit is not None:
            entity, detail = screen.audit
            self._record("view", entity, None, detail)
        widget: Any = self.shown.get(key)
        if widget is None:
            widget = screen.make(*args)
            if widget is None:
                return None
            self.shown[key] = widget
            if screen.dialog:
                widget.finished.connect(lambda _r: self.shown.pop(key, None))
                widget.finished.connect(lambda _r: self._dialog_closed())
        if screen.dialog:
            widget.open()
        else:
            widget.show()
        widget.raise_()
        if screen.on_show is not None:
            screen.on_show(widget)
        return widget

    def get(self, key: str) -> Any:
        return self.shown.get(key)

    def changed(self, tables: Iterable[str]) -> None:
        """Refresh the screens on view that watch any of ``tables``."""
        touched = set(tables)
        for key, widget in list(self.shown.items()):
            watches = self.declared[key].watches
            if watches & touched and widget.isVisible():
                widget.refresh()

    def close_all(self) -> None:
        for widget in list(self.shown.values()):
            widget.close()


def _sized(widget: QWidget, width: int = 1280, height: int = 800) -> QWidget:
    widget.resize(width, height)
    return widget


# The FGC queue is read again when any of these change (someone's step, or one of this
# laptop's sent after waiting).
FGC_TABLES = frozenset({"fgc_referral", "fgc_consent", "fgc_invitee", "fgc_safeguard"})


def room_screens(
    ctx: AppContext,
    worker: Worker,
    messages: Messages,
    owner: QWidget,
    *,
    meeting: Callable[[], MeetingView | None],
    agencies: Callable[[], tuple[AgencyOption, ...]],
    agenda_changed: Callable[[], None],
    fgc_waits: Callable[[], Any] | None = None,
    fed: Callable[[], bool] | None = None,
) -> tuple[Screen, ...]:
    """The meeting room's screens. ``meeting()`` is the meeting shown, ``agencies()`` the
    pick list, ``agenda_changed()`` reads today's meeting again (after an import),
    ``fgc_waits()`` keeps the FGC steps made while the server is away (``ui/fgc/waits``),
    ``fed()`` says whether the change feed brings a screen's own Save (and asks it to read
    now): the screen then reads it with the feed, as anyone's, not for the Save as well."""

    def attendance() -> QWidget | None:
        from frontdoor_app.ui.meeting.attendance_dialog import AttendanceDialog

        shown = meeting()
        if shown is None:
            return None
        # In the meeting room, a change made while offline waits with the room's saves.
        waits = getattr(getattr(owner, "saves", None), "attendance_waits", None)
        return AttendanceDialog(ctx, worker, messages, shown.id, agencies(), owner, waits, fed)

    def open_actions() -> QWidget | None:
        from frontdoor_app.ui.meeting.open_actions_dialog import OpenActionsDialog

        shown = meeting()
        return OpenActionsDialog(ctx, worker, messages, shown.id, owner) if shown else None

    def confidentiality(opened: MeetingView | None = None) -> QWidget | None:
        from frontdoor_app.ui.meeting.agenda_dialogs import ConfidentialityDialog

        shown = opened or meeting()
        return ConfidentialityDialog(ctx, worker, messages, shown, owner) if shown else None

    def close() -> QWidget | None:
        from frontdoor_app.ui.meeting.agenda_dialogs import CloseMeetingDialog

        shown = meeting()
        return CloseMeetingDialog(ctx, worker, messages, shown, owner) if shown else None

    def tracker() -> QWidget:
        from frontdoor_app.ui.meeting.action_tracker import ActionTrackerWindow

        return ActionTrackerWindow(ctx, worker, messages, agencies())

    def import_screen() -> QWidget:
        from frontdoor_app.ui.intake.import_screen import ImportScreen

        screen = ImportScreen(ctx, worker, messages=messages)
        screen.imported.connect(lambda _summary: agenda_changed())
        # A corrected quarantine record can join today's agenda without a new import.
        screen.agenda_changed.connect(lambda _meeting_id: agenda_changed())
        return _sized(screen)

    def minutes() -> QWidget:
        from frontdoor_app.ui.minutes.minutes_screen import MinutesScreen

        return _sized(MinutesScreen(ctx, worker, messages))

    def people() -> QWidget:
        from frontdoor_app.ui.admin.people_screen import PeopleScreen

        return _sized(PeopleScreen(ctx, worker, messages), 1100, 760)

    def measures() -> QWidget:
        from frontdoor_app.ui.measures.measures_screen import MeasuresScreen

        return _sized(MeasuresScreen(ctx, worker, messages))

    def fgc_queue() -> QWidget:
        from frontdoor_app.ui.fgc.queue import FgcQueueScreen

        screen = FgcQueueScreen(ctx, worker, messages)
        # A step made in the queue while the server is away waits on the laptop, as one
        # made in the case's FGC tab does.
        screen.panel.waiting = fgc_waits() if fgc_waits is not None else None
        screen.fed = fed
        return _sized(screen)

    def audit() -> QWidget:
        from frontdoor_app.ui.admin.audit_viewer import AuditViewerScreen

        return _sized(AuditViewerScreen(ctx, worker, messages))

    def refresh(widget: Any) -> None:
        widget.refresh()

    return (
        Screen("attendance", attendance, dialog=True, watches=frozenset({"attendance"})),
        # Who is here for each agency is beside its actions: attendance kept elsewhere shows.
        Screen("open_actions", open_actions, dialog=True, watches=ACTION_TABLES | {"attendance"}),
        Screen("confidentiality", confidentiality, dialog=True),
        Screen("close", close, dialog=True),
        Screen(
            "tracker",
            tracker,
            watches=ACTION_TABLES,
            on_show=refresh,
            audit=("action_tracker", "action tracker shown"),
        ),
        Screen(
            "import", import_screen, audit=("quarantine", "import screen and quarantine list shown")
        ),
        Screen("minutes", minutes),
        # Another admin's change of someone's access shows here too.
        Screen("people", people, on_show=refresh, watches=frozenset({"app_user"})),
        Screen("measures", measures),
        Screen(
            "fgc_queue",
            fgc_queue,
            watches=FGC_TABLES,
            audit=("fgc_queue", "FGC queue shown"),
        ),
        Screen("audit", audit),
    )


def show_recovery_key(
    ctx: AppContext, messages: Messages, owner: QWidget, screens: ScreenRegistry
) -> QWidget | None:
    """A new encrypted database's recovery key, shown this once (then forgotten)."""
    from frontdoor_app.ui.admin.recovery_dialog import RecoveryKeyDialog

    key, ctx.recovery_key = ctx.recovery_key, None
    if not key:
        return None
    dialog = RecoveryKeyDialog(key, ctx.settings.database_url, owner)
    screens.shown["recovery"] = dialog
    if not messages.scripted:
        dialog.open()
    return dialog
