"""The one way from a button to the database: ``Ops.query`` reads, ``Ops.command`` writes.

Modelled on Anki's ``QueryOp``/``CollectionOp``. Both run ``fn`` on the one ``Worker``
(off the UI thread; ``fn`` calls a domain function, which opens its own session and
returns plain frozen data) and hand the result to ``on_done`` back on the UI thread.
``Ops.read`` is a query whose ``fn`` is a reader (a domain function taking a Session): it
is given a read-only session opened here, so no screen opens one.

What goes wrong is handled here, in one place, in this order:

- **a conflict** (someone saved the record since it was read): ``on_conflict(exc)`` when
  the command gives one (it shows both versions), else a message like any refusal;
- **the server cannot be reached**: ``on_offline()`` when the command gives one (the Save
  waits on the laptop), else a message;
- **an amendment** (the meeting is closed: the domain refuses without a reason): the
  person is asked why, and the command runs again with the reason (``fn(reason)``); no
  reason, not saved, and the person is told so;
- **anything else**: ``on_failed(exc)`` when given, else ``Messages.failed`` — a refusal
  as a warning in its own words, a fault as an error (and in the log).

When the widget that asked (``parent``) has been destroyed by the time the answer comes
back, the answer is dropped (logged): a closed dialog is never called back. Refreshing
other screens is the change feed's work (``ui/core/live.py``), not the caller's.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import shiboken6
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from frontdoor_app.app_context import DatabaseNotOpen
from frontdoor_app.fgc.errors import ConflictError as FgcConflict
from frontdoor_app.meeting.errors import AmendmentReasonRequired, ConflictError
from frontdoor_app.ui.core.i18n import translate

if TYPE_CHECKING:  # light to import: start-up runs its first job through here
    from sqlalchemy.orm import Session

    from frontdoor_app.context import AppContext
    from frontdoor_app.ui.core.messages import Messages
    from frontdoor_app.ui.core.worker import Worker

log = logging.getLogger(__name__)

T = TypeVar("T")

# A record saved by someone else since it was read, in either domain's words.
CONFLICTS: tuple[type[BaseException], ...] = (ConflictError, FgcConflict)


def alive(parent: QObject | None) -> bool:
    """True while ``parent`` (if any) still exists on the C++ side."""
    return parent is None or shiboken6.isValid(parent)


class Ops:
    """Runs reads and writes on ``worker`` and reports what goes wrong through ``messages``
    (None only before there is a window to show a message in: start-up, which handles its
    failures itself; an unhandled one is then logged)."""

    def __init__(
        self, worker: Worker, messages: Messages | None, ctx: AppContext | None = None
    ) -> None:
        self.worker = worker
        self.messages = messages
        self.ctx = ctx  # for ``read``: the database a reader is given a session of

    # ------------------------------------------------------------------ the two kinds
    def query(
        self,
        parent: QObject | None,
        fn: Callable[[], T],
        on_done: Callable[[T], None] | None = None,
        *,
        doing: str,
        on_failed: Callable[[BaseException], None] | None = None,
    ) -> None:
        """Read: ``on_done(fn())`` on the UI thread; a failure is reported as ``doing``."""

        def failed(exc: BaseException) -> None:
            if on_failed is not None:
                on_failed(exc)
            else:
                self.report(parent, doing, exc)

        self.worker.run(
            fn,
            self._guard(parent, doing, on_done),
            self._guard(parent, doing, failed, failure=True),
        )

    def read(
        self,
        parent: QObject | None,
        fn: Callable[[Session], T],
        on_done: Callable[[T], None] | None = None,
        *,
        doing: str,
        on_failed: Callable[[BaseException], None] | None = None,
    ) -> None:
        """``query`` with a reader (a domain function taking a Session): the session is a
        read-only unit of work of ``ctx``'s, opened here on the worker, never by a screen."""
        ctx = self.ctx
        if ctx is None:
            raise RuntimeError("Ops.read needs the application context: Ops(worker, messages, ctx)")

        def job() -> T:
            with ctx.read_session() as session:
                return fn(session)

        self.query(parent, job, on_done, doing=doing, on_failed=on_failed)

    def command(
        self,
        parent: QObject | None,
        fn: Callable[[str | None], T],
        on_done: Callable[[T], None] | None = None,
        *,
        doing: str,
        on_conflict: Callable[[Any], None] | None = None,  # given the conflict error
        on_offline: Callable[[], None] | None = None,
        on_failed: Callable[[BaseException], None] | None = None,
        reason: str | None = None,
    ) -> None:
        """Write: ``fn(reason)`` (``reason`` None until an amendment needs one), then
        ``on_done(result)``. See the module's docstring for what a failure does."""

        def failed(exc: BaseException) -> None:
            from frontdoor_app.sync.offline import connection_lost  # loaded by then

            if on_conflict is not None and isinstance(exc, CONFLICTS):
                on_conflict(exc)
            elif on_offline is not None and connection_lost(exc):
                on_offline()
            elif isinstance(exc, AmendmentReasonRequired) and reason is None:
                answer = self.ask_reason(parent, doing, exc)
                if answer is not None:
                    self.command(
                        parent,
                        fn,
                        on_done,
                        doing=doing,
                        on_conflict=on_conflict,
                        on_offline=on_offline,
                        on_failed=on_failed,
                        reason=answer,
                    )
            elif on_failed is not None:
                on_failed(exc)
            else:
                self.report(parent, doing, exc)

        self.worker.run(
            lambda: fn(reason),
            self._guard(parent, doing, on_done),
            self._guard(parent, doing, failed, failure=True),
            first=True,  # ahead of the reads waiting (see ui.core.worker)
        )

    # ------------------------------------------------------------------ the one place
    def ask_reason(
        self, parent: QObject | None, doing: str, exc: AmendmentReasonRequired
    ) -> str | None:
        """Why a change is made after the meeting closed; None (and a warning) if no reason."""
        widget = parent if isinstance(parent, QWidget) else None
        if self.messages is None:
            log.error("%s: an amendment needs a reason and there is no one to ask", doing)
            return None
        answer = self.messages.text(
            widget,
            translate("Ops", "Amendment after the meeting closed"),
            str(exc) + "\n\n" + translate("Ops", "Reason for the amendment:"),
        )
        if answer and answer.strip():
            return answer.strip()
        self.messages.warning(
            widget,
            doing,
            translate(
                "Ops", "Not saved: an amendment after the meeting has closed needs a reason."
            ),
        )
        return None

    def report(self, parent: QObject | None, doing: str, exc: BaseException) -> None:
        """A refusal as a warning in its own words; anything else as an error (and logged)."""
        if self.messages is None:
            log.error("%s failed", doing, exc_info=exc)
            return
        self.messages.failed(parent if isinstance(parent, QWidget) else None, doing, exc)

    def _guard(
        self,
        parent: QObject | None,
        doing: str,
        callback: Callable[[Any], None] | None,
        failure: bool = False,
    ) -> Callable[[Any], None] | None:
        """``callback``, unless ``parent`` has gone by the time it would be called. A job
        queued by a window built before its database was open, which then never opened,
        fails silently: the start has said why, in the window's place (``ui.shell.app``)."""
        if callback is None:
            return None

        def guarded(value: Any) -> None:
            if failure and isinstance(value, DatabaseNotOpen):
                log.info("%s: not done, the database was never opened", doing)
                return
            if parent is not None and not alive(parent):
                if failure:
                    log.info("%s: the screen that asked is gone; not shown: %s", doing, value)
                else:
                    log.debug("%s: the screen that asked is gone; answer dropped", doing)
                return
            callback(value)

        return guarded
