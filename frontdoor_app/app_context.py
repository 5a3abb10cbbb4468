"""The application context: built once, handed to whoever needs it. No globals.

Importing this loads no SQLAlchemy (``context.build_context`` builds one and loads it), so
the desktop can build its main window with a context whose database is still opening: a
``DatabaseLater``'s stand-ins take the engine's and the session factories' places, and each
call on them goes to the real ones once ``DatabaseLater.attach`` has been given them. The
desktop's worker runs its jobs one at a time, in order, and opens the database first: every
job a click queues meanwhile runs after it, on the open database (``ui.shell.app``).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from frontdoor_app.access.actor import Actor
from frontdoor_app.profile import Profile
from frontdoor_app.settings import Settings

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker


@dataclass
class AppContext:
    settings: Settings
    profile: Profile
    engine: Engine
    sessions: sessionmaker[Session]
    actor: Actor
    read_sessions: sessionmaker[Session]
    recovery_key: str | None = None  # a new embedded file's key, to show the user once

    def session(self) -> AbstractContextManager[Session]:
        """``with ctx.session() as s:`` — one unit of work."""
        from frontdoor_app.models.database import session_scope

        return session_scope(self.sessions)

    def read_session(self) -> AbstractContextManager[Session]:
        """``with ctx.read_session() as s:`` — a read that never holds up a writer."""
        from frontdoor_app.models.database import session_scope

        return session_scope(self.read_sessions)

    def is_empty(self) -> bool:
        from sqlalchemy import func, select

        from frontdoor_app.models import Notification

        with self.read_session() as s:
            return (s.scalar(select(func.count()).select_from(Notification)) or 0) == 0

    def close(self) -> None:
        from frontdoor_app.models.checkpoint import wait

        wait(self.engine)  # a large write's copy into the database file, if under way
        self.engine.dispose()


class DatabaseNotOpen(RuntimeError):
    """The database a context stands in for was never opened (the start failed)."""


class DatabaseLater:
    """The database of a context whose file is still being opened (see the module)."""

    def __init__(self) -> None:
        self._ctx: AppContext | None = None

    @property
    def attached(self) -> bool:
        return self._ctx is not None

    def attach(self, ctx: AppContext) -> None:
        """The real context, opened (on the worker, before the jobs queued behind it run)."""
        self._ctx = ctx

    def context(self, settings: Settings, profile: Profile, actor: Actor) -> AppContext:
        """A context for ``actor`` whose engine and session factories are this one's."""
        return AppContext(
            settings,
            profile,
            cast("Engine", _Later(self._real, "engine")),
            cast("sessionmaker[Session]", _Later(self._real, "sessions")),
            actor,
            cast("sessionmaker[Session]", _Later(self._real, "read_sessions")),
        )

    def _real(self) -> AppContext:
        if self._ctx is None:
            raise DatabaseNotOpen("the database is not open: the start did not finish")
        return self._ctx


class _Later:
    """Stands in for one of a context's database parts: a call or an attribute goes to the
    real one (``DatabaseNotOpen`` while there is none)."""

    def __init__(self, real: Callable[[], AppContext], name: str) -> None:
        self._real, self._name = real, name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return getattr(self._real(), self._name)(*args, **kwargs)

    def __getattr__(self, attr: str) -> Any:
        return getattr(getattr(self._real(), self._name), attr)
