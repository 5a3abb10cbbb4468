"""The main window before the database, on the embedded file (``ui.shell.app``'s step 2).

Loading SQLAlchemy and the models and opening the file take about half of the start. The
main window needs none of it to be built and shown: what it starts with (the agenda, the
header's counts, the pick lists and the signed-in user) is read the first look's way
(``meeting.first_look``), and its context's database is a ``DatabaseLater``. So the window
takes the first look's place at once, every control live, and the worker opens the
database behind it: a job any click queues meanwhile runs after that, on the open database
(the worker takes its jobs one at a time, in order). The opening waits until the window is
painted (the two would only share one interpreter's time), a second at most.

The window is given the database only when it was opened for the same user, holding the
same meeting; otherwise (or when it fails to open) the start says why in its place, and the
jobs queued behind fail silently (``ui.core.ops``). When the first look cannot say it all
(an unknown user, another day where the authority is, an interrupted first run's demo, a
profile with a mistake) nothing is built here and the start goes on the usual way.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from frontdoor_app.meeting.first_look import FirstLook, FirstRest
from frontdoor_app.settings import Settings

if TYPE_CHECKING:
    from collections.abc import Callable

    from PySide6.QtWidgets import QWidget

    from frontdoor_app.app_context import DatabaseLater
    from frontdoor_app.profile import Profile
    from frontdoor_app.startup import Prepared, Report
    from frontdoor_app.ui.core.worker import Worker
    from frontdoor_app.ui.meeting.main_window import MainWindow

# If the window is never painted (a minimised window), open the database anyway.
PAINT_WAIT_S = 1.0


class EarlyWindow:
    """One start's window before its database: ``build`` on the GUI thread, then
    ``open_behind`` on the worker (queued before anything the window can ask for)."""

    def __init__(self, settings: Settings, look: FirstLook) -> None:
        self.settings, self.look = settings, look
        self.window: MainWindow | None = None
        self.later: DatabaseLater | None = None
        self._rest: FirstRest | None = None
        self._profile: Profile | None = None
        self._built = threading.Event()
        self._painted = threading.Event()

    @property
    def attached(self) -> bool:
        """The window has its database."""
        return self.later is not None and self.later.attached

    def build(self, worker: Worker, parent: QWidget) -> MainWindow | None:
        """The main window with what the first look read, or None (see the module)."""
        from frontdoor_app.meeting.first_look import read_first_rest
        from frontdoor_app.profile import ProfileError, load_profile

        meeting = self.look.agenda.meeting
        rest = read_first_rest(self.settings.database_url, meeting.id, self.settings.user_login)
        if rest is None:
            return None
        try:
            profile = load_profile(self.settings.profile_path)
        except ProfileError:
            return None  # the usual start says what is wrong with it
        if profile.today() != self.look.day:
            return None  # the computer's date is not the authority's: read "today" properly
        from frontdoor_app.app_context import DatabaseLater
        from frontdoor_app.ui.core.messages import Messages
        from frontdoor_app.ui.meeting.main_window import MainWindow

        later = DatabaseLater()
        ctx = later.context(self.settings, profile, rest.actor)
        window = MainWindow(ctx, worker, Messages(), parent=parent)
        self.window, self.later, self._rest, self._profile = window, later, rest, profile
        return window

    def show(self) -> None:
        """The window shows what was read (once the start listens to it)."""
        from frontdoor_app.ui.core.i18n import translate
        from frontdoor_app.ui.meeting.room_state import RoomData, StartData

        window, look, rest = self.window, self.look, self._rest
        assert window is not None and rest is not None
        room = RoomData(
            look.agenda.meeting, look.agenda, rest.attendance, rest.open_actions, look.note
        )
        window.show_start(StartData(room, rest.agencies, rest.outcomes), early=True)
        window.say(translate("App", "Opening the database…"), 0)

    def database_open(self, prepared: Prepared, loaded: Callable[[], None]) -> bool:
        """The database is open: the window reads today's meeting through it (its feed
        starts then), and says ``loaded`` when it has. False: the window was not given it."""
        window = self.window
        if window is None or not self.attached:
            return False
        window.ctx.recovery_key = prepared.ctx.recovery_key
        window.room_loaded.connect(loaded)
        window.load()
        return True

    def built(self) -> None:
        """Built and shown, or not built: the opening goes on (without a window, at once)."""
        self._built.set()
        if self.window is None:
            self._painted.set()

    def abandon(self) -> None:
        """Something went wrong building or showing it: the window goes, unused."""
        window, self.window, self.later = self.window, None, None
        if window is not None:
            window.shutdown()
            window.deleteLater()
        self.release()

    def painted(self) -> None:
        """The window is on screen: the database may open now."""
        self._painted.set()

    def release(self) -> None:
        """The start is over or cancelled: nothing waits any longer."""
        self._built.set()
        self._painted.set()

    def open_behind(self, cancelled: Callable[[], bool], report: Report | None) -> Prepared:
        """On the worker: once the window is painted (``PAINT_WAIT_S`` at most; at once
        when none was built), import the database layer and open the database; the window
        is given it only when it was opened for the same user, holding the same meeting
        (no demo built). ``report``: the progress, when no window was built."""
        self._built.wait()
        self._painted.wait(PAINT_WAIT_S)
        import frontdoor_app.startup as startup  # the database layer

        built = self.window is not None
        prepared = startup.prepare(
            self.settings, None if built else report, cancelled, self._profile
        )
        rest = self._rest
        if self.later and rest and prepared.demo is None and prepared.ctx.actor == rest.actor:
            self.later.attach(prepared.ctx)
        return prepared
