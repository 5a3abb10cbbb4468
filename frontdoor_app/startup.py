"""What the desktop does before its main window can open, without Qt: open (and migrate) the
database, load the profile and the reference data, and make sure the demo city of a first
run is all there. ``ui.app`` runs ``prepare`` on its worker thread and shows the progress.

A first run builds the demo into the empty embedded database. If that run was interrupted
(the process killed, the window closed, the machine switched off) the database holds part
of a demo, marked as such (``demo.marks.STARTED`` without ``BUILT``). The next start sets
that file aside (renamed, never deleted) and builds the demo again, and says so. On
PostgreSQL the audit trail is append-only, so a half-built demo cannot be cleared there:
the start stops with a message saying what to do.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from frontdoor_app.context import AppContext, build_context
from frontdoor_app.profile import Profile
from frontdoor_app.settings import Settings

log = logging.getLogger(__name__)

# progress(text, fraction): what is being done, and how far (0..1; None: no measure yet).
Report = Callable[[str, float | None], None]


class StartCancelled(Exception):
    """The window was closed while the application was starting."""


class UnfinishedDemoError(RuntimeError):
    """A half-built demo in a database that cannot be set aside (PostgreSQL)."""


@dataclass(frozen=True)
class Prepared:
    ctx: AppContext
    demo: str | None  # None, "built" (first run) or "rebuilt" (an interrupted one, redone)
    set_aside: Path | None = None  # where the interrupted first run's file now is


_DEMO_STEPS = {
    "users": "Creating the demo city: its people and agencies…",
    "history": "Creating the demo city: three years of notifications…",
    "meetings": "Creating the demo city: the meetings, decisions and actions…",
    "people": "Creating the demo city: households and people…",
    "insert": "Creating the demo city: saving it…",
    "feed": "Creating the demo city: this morning's police feed…",
    "import": "Creating the demo city: importing this morning's feed…",
    "agenda": "Creating the demo city: today's agenda…",
    "done": "Demo city created; opening the meeting…",
}


def prepare(
    settings: Settings,
    report: Report | None = None,
    cancelled: Callable[[], bool] = lambda: False,
    profile: Profile | None = None,
) -> Prepared:
    """Open the database and make sure a first run's demo is all there (see the module).

    ``report`` hears what is being done; ``cancelled`` is asked between steps, and when it
    says so the start stops (raising ``StartCancelled``) with nothing half done that the
    next start would not finish.
    """

    def say(text: str, fraction: float | None) -> None:
        if cancelled():
            raise StartCancelled
        if report is not None:
            report(text, fraction)

    say("Opening the database and bringing it up to date…", None)
    ctx = build_context(settings, profile)
    try:
        say("Opening the database and bringing it up to date…", 0.0)
        # On a shared server the demo is its administrator's (meeting-server.sh), never a
        # client's, and the audit trail's marks are for admins' eyes only.
        state = _demo_state(ctx) if settings.is_embedded else "finished"
        set_aside = None
        if state == "unfinished":
            ctx, set_aside = _set_aside(ctx, settings)
            state = "none"
        demo = None
        if state == "none" and settings.is_embedded and ctx.is_empty():
            _build_demo(ctx, say, rebuilding=set_aside is not None)
            demo = "rebuilt" if set_aside is not None else "built"
        say("Opening the meeting…", 1.0)
    except BaseException:
        ctx.close()
        raise
    return Prepared(ctx, demo, set_aside)


def _demo_state(ctx: AppContext) -> str:
    from frontdoor_app.demo.marks import demo_state  # not the generator: see marks

    with ctx.read_session() as s:
        return demo_state(s)


def _set_aside(ctx: AppContext, settings: Settings) -> tuple[AppContext, Path]:
    """Rename the embedded file holding a half-built demo; open a new, empty one."""
    url = make_url(ctx.settings.database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        raise UnfinishedDemoError(
            "an earlier first run was interrupted while it built the demo city, and this "
            "database holds part of it. A PostgreSQL database's audit trail cannot be "
            "cleared: ask your admin for a new, empty database (or build the demo with "
            "'frontdoor demo --database URL' into one)."
        )
    ctx.close()
    path = Path(url.database)
    stamp = dt.datetime.now().astimezone().strftime("%Y%m%d-%H%M%S")  # the computer's time
    aside = path.with_name(f"{path.name}.unfinished-demo-{stamp}")
    path.rename(aside)
    for suffix in ("-wal", "-shm", "-journal"):
        extra = path.with_name(path.name + suffix)
        if extra.exists():
            extra.rename(aside.with_name(aside.name + suffix))
    log.warning("an interrupted first run's demo was set aside as %s; building it again", aside)
    return build_context(settings), aside


def _build_demo(
    ctx: AppContext, say: Callable[[str, float | None], None], rebuilding: bool
) -> None:
    say("The database is empty: creating the demo city for a first look…", 0.0)
    from frontdoor_app.demo.build import build_demo  # only an empty database needs it

    prefix = "An earlier first run was interrupted; building the demo again. " if rebuilding else ""

    def progress(step: str, fraction: float) -> None:
        text = _DEMO_STEPS[step.partition(":")[0]]
        say(prefix + text, fraction)

    build_demo(ctx, scale="small", progress=progress)
