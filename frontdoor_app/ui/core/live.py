"""The change feed on the Qt side: notice other people's saves and say what changed.

The doorbell says "read the log"; the log (``frontdoor_app.sync.changes``) is the truth.

- SQLite: a dedicated connection asks ``PRAGMA data_version`` on a short timer; the number
  moves only when another connection has committed, so an idle poll costs microseconds.
- PostgreSQL: a dedicated connection LISTENs, and a ``QSocketNotifier`` on its socket wakes
  the feed the moment a notification arrives (no thread, no blocking). The payload carries
  a table and an opaque row id only, since LISTEN ignores row-level security. The timer
  stays as a slow safety net (a read when the log has not been read for two seconds), and
  takes over at full speed while the listener is down.

The log is read with a ``Cursor`` that never skips a change committed out of order: on
SQLite on the worker; on PostgreSQL on one kept connection in autocommit (``FeedConnection``),
opened by a first read on the worker, then sent from this thread and answered when its
socket rings (``sent_read``: no thread woken, none handing back, the window never waiting),
and each change comes with the case it touched (``meeting.feed.item_of_change``), a new
entry with the entry itself (``meeting.case.new_entry_of_change``): after the doorbell a
laptop learns what changed, and where, in one round trip, and needs no other for an entry.
A client's own saves reach its screens by the same path as everyone else's: the log brings
them, and what changed is read with it (a Save reads nothing back itself; ``read_now``
asks the log at once when no doorbell rings for it). When the server cannot be reached the
feed says so (``online_changed``) and keeps trying with a growing pause; when it answers
again it listens again and catches up from where it stood, as does a feed started while it
is down.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from PySide6.QtCore import QObject, QSocketNotifier, QTimer, Signal

from frontdoor_app.app_context import AppContext
from frontdoor_app.ui.core.ops import Ops, alive
from frontdoor_app.ui.core.sent_read import AnswerBell
from frontdoor_app.ui.core.worker import Worker

if TYPE_CHECKING:
    from frontdoor_app.sync.changes import Change, Cursor

log = logging.getLogger(__name__)

BACKOFF_FIRST_S = 0.5
BACKOFF_MAX_S = 8.0
# PostgreSQL with a live listener: read the log when it has not been read for this long
SAFETY_NET_MS = 2000


class LiveFeed(QObject):
    """Wakes on other clients' commits and emits the change-log rows that follow."""

    changed = Signal(object)  # tuple[Change, ...]
    # The same, with what ``look_ahead`` read in the same unit of work (None when nothing).
    changed_ahead = Signal(object, object)
    online_changed = Signal(bool)
    started = Signal()  # its place in the log is known: from now on it follows the room
    # Each read the server answered. A save kept on the laptop because its own connection
    # died is sent again on this, even when the feed never saw the server away.
    answered = Signal()

    def __init__(
        self,
        ctx: AppContext,
        worker: Worker,
        interval_ms: int = 200,
        parent: QObject | None = None,
        safety_net_ms: int = SAFETY_NET_MS,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._worker = worker
        # Its failures are its own (the server away is a state, not a message).
        self._ops = Ops(worker, None)
        self._cursor: Cursor | None = None
        self._fetching = False
        self._stopped = False  # (set by stop: nothing more is read)
        self._online = True
        self._raw: Any = None
        self._data_version: int | None = None
        # The settings say, not the engine: a window built while the database is still
        # opening has no engine yet (``app_context.DatabaseLater``; SQLite only).
        self._postgresql = not ctx.settings.is_embedded
        self._reads_on: Any = None
        if self._postgresql:
            from frontdoor_app.sync.changes import FeedConnection

            # The log's reads: one kept connection, one read at a time (the first on the
            # worker, which connects; then sent from this thread, ``_send_read``).
            self._reads_on = FeedConnection(ctx.engine)
        # The log's read sent from this thread (PostgreSQL), while it is under way.
        self._sent: _Sent | None = None
        self._answer = AnswerBell(self._read_answered, self._read_failed, self)
        self._listener: Any = None  # psycopg connection that LISTENs
        self._notifier: QSocketNotifier | None = None
        self._listening_soon = False
        self._listen_retry_at = 0.0
        self._again = False
        self._backoff = 0.0
        self._next_try = 0.0
        self._interval_ms = interval_ms
        self._safety_net_ms = safety_net_ms
        self._last_read = 0.0
        # The window's read to run with each read of the log, in its unit of work, so a
        # screen can refresh one read after the doorbell: called on the GUI thread when a
        # read is queued, it returns ``fn(session, changes) -> answer`` (or None) for the
        # worker, with the changes read.
        self.look_ahead: Callable[[], Callable[[Any, Sequence[Change]], Any] | None] | None
        self.look_ahead = None
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.poll)

    @property
    def online(self) -> bool:
        return self._online

    @property
    def following(self) -> bool:
        """Whether it has its place in the log (before that, the room's saves reach this
        window only when it reads the room itself)."""
        return self._cursor is not None

    @property
    def last_id(self) -> int | None:
        return None if self._cursor is None else self._cursor.last_id

    @property
    def listening(self) -> bool:
        """PostgreSQL: a listener is connected and the socket is watched."""
        return self._notifier is not None

    def start(self) -> None:
        self._stopped = False
        if not self._postgresql:
            # A connection of its own, never in a transaction: data_version then reflects
            # every commit made by any other connection, ours included.
            self._raw = self._ctx.engine.raw_connection()
        else:
            self._listen()
        self._fetching = True
        self._ops.query(
            self, self._read_start, self._started, doing="change feed", on_failed=self._failed
        )
        self._timer.start()

    def stop(self) -> None:
        # Nothing more is read: a Save answered, or a dialog closed, as the window closes
        # would otherwise ask for a read on the connections closed here.
        self._stopped = True
        self._timer.stop()
        self._unlisten()
        if self._answer.waiting and self._reads_on is not None:
            self._reads_on.close()  # an answer half read is not left on the connection
        self._answer.cancel()
        self._sent = None
        if self._reads_on is not None:
            # On the worker, after any read queued (closing never fails: nothing to report).
            self._ops.query(None, self._reads_on.close, doing="change feed")
        if self._raw is not None:
            self._raw.close()
            self._raw = None

    # ------------------------------------------------------------------ the doorbell
    def _listen(self) -> None:
        """Open the listening connection on the worker (PostgreSQL); until it is there, or
        when it cannot be opened, the timer polls at full speed."""
        if self._listening_soon or time.monotonic() < self._listen_retry_at:
            return
        self._listening_soon = True
        # No parent to drop the answer for: a connection opened for a feed that has gone
        # meanwhile is closed, not left open.
        self._ops.query(
            None,
            self._connect_listener,
            lambda conn: self._got_listener(conn) if alive(self) else conn.close(),
            doing="change feed listener",
            on_failed=lambda exc: self._no_listener(exc) if alive(self) else None,
        )

    def _connect_listener(self) -> Any:
        import psycopg
        from psycopg.conninfo import make_conninfo

        from frontdoor_app.models.database import LIBPQ_LIVENESS
        from frontdoor_app.sync.changes import CHANNEL

        url = self._ctx.engine.url.set(drivername="postgresql")
        conninfo = make_conninfo(url.render_as_string(hide_password=False), **LIBPQ_LIVENESS)
        conn = psycopg.connect(conninfo, autocommit=True)
        conn.execute(f"LISTEN {CHANNEL}")
        return conn

    def _got_listener(self, conn: Any) -> None:
        self._listening_soon = False
        self._unlisten()
        if not self._timer.isActive():  # stopped meanwhile
            conn.close()
            return
        self._listener = conn
        self._notifier = QSocketNotifier(conn.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._socket_ready)
        self._timer.setInterval(self._safety_net_ms)
        self.poll()  # a commit may have come between the last read and the LISTEN

    def _no_listener(self, exc: BaseException) -> None:
        self._listening_soon = False
        self._listen_retry_at = time.monotonic() + BACKOFF_MAX_S
        log.info("change feed: cannot listen (%s); polling", exc)

    def _unlisten(self) -> None:
        if self._notifier is not None:
            self._notifier.setEnabled(False)
            self._notifier.deleteLater()
            self._notifier = None
        if self._listener is not None:
            try:
                self._listener.close()
            except Exception:  # noqa: BLE001 - closing a dead connection
                log.debug("change feed: closing the listener failed", exc_info=True)
            self._listener = None
        self._timer.setInterval(self._interval_ms)

    def _socket_ready(self, *_args: object) -> None:
        conn = self._listener
        if conn is None:
            return
        from psycopg.pq import ConnStatus

        pgconn = conn.pgconn
        try:
            pgconn.consume_input()
            if pgconn.status != ConnStatus.OK:
                raise ConnectionError("the server closed the connection")
        except Exception as exc:  # noqa: BLE001 - the server went away
            log.warning("change feed: the listener lost its connection: %s", exc)
            self._unlisten()
            self._set_online(False)
            self.poll()
            return
        rung = False
        while pgconn.notifies() is not None:
            rung = True
        if rung:
            if self._fetching:
                self._again = True  # a read is under way: read once more when it is back
            else:
                self.poll()

    # ------------------------------------------------------------------ reading
    def _read_start(self) -> Cursor:
        from frontdoor_app.sync.changes import start

        with self._ctx.read_session() as s:
            cursor = start(s)
        kept = self._reads_on
        if kept is not None and cursor.horizon is not None:
            # The log's read ready on its own connection before the first change: then
            # that one is sent from the GUI thread like the rest, not read on the worker
            # after a connection and a PREPARE (on every laptop at once).
            try:
                kept.prepare(cursor, **_brought())
            except Exception:  # noqa: BLE001 - the first change's read connects instead
                log.info("change feed: the log's read could not be prepared", exc_info=True)
        return cursor

    def _started(self, cursor: Cursor) -> None:
        self._fetching = False
        first = self._cursor is None
        if first:
            self._cursor = cursor
        self._succeeded()
        if first:
            self.started.emit()

    def _moved(self) -> bool:
        if self._postgresql:
            return True  # called by the bell, the safety net, or every tick without a bell
        try:
            cursor = self._raw.driver_connection.execute("PRAGMA data_version")
            version = int(cursor.fetchone()[0])
        except Exception:  # noqa: BLE001 - a locked or vanished file: try next tick
            log.warning("change feed: data_version failed", exc_info=True)
            return False
        moved = version != self._data_version
        self._data_version = version
        return moved

    def poll(self) -> None:
        """Check once; safe to call at any time (tests call it to avoid waiting a tick)."""
        if self._fetching or self._stopped:
            return
        if not self._online and time.monotonic() < self._next_try:
            return
        if self._cursor is None:  # started while the server was away: try again
            self._fetching = True
            self._ops.query(
                self, self._read_start, self._started, doing="change feed", on_failed=self._failed
            )
            return
        if self._online and not self._moved():
            return
        self._fetching = True
        cursor = self._cursor
        # With a job of this window's in flight (a Save whose answer is not back), nothing
        # is read ahead, and the log is read on the worker behind the job: the window takes
        # its own change after the Save's answer, never before it.
        idle = self._worker.pending == 0
        ahead = self.look_ahead() if self.look_ahead is not None and idle else None
        if idle and self._send_read(cursor, ahead):
            return
        self._ops.query(
            self,
            lambda: self._read(cursor, ahead),
            self._got_changes,
            doing="change feed",
            on_failed=self._failed,
        )

    def _read(
        self,
        cursor: Cursor,
        ahead: Callable[[Any, Sequence[Change]], Any] | None = None,
    ) -> tuple[list[Change], Cursor, Any]:
        from frontdoor_app.sync.changes import read

        kept = self._reads_on  # PostgreSQL: the kept connection, in autocommit
        with self._ctx.read_session() if kept is None else kept.session() as s:
            rows, cursor = read(s, cursor, snapshot=kept is None, **_brought())
            return rows, cursor, ahead(s, rows) if ahead is not None and rows else None

    # ------------------------------------------------------------------ a read sent
    def _send_read(
        self, cursor: Cursor, ahead: Callable[[Any, Sequence[Change]], Any] | None
    ) -> bool:
        """PostgreSQL, the kept connection open: the log's read sent from this thread and
        not waited for (``changes.send_read``): the connection's socket says when the answer
        is there: no thread is woken for it (a third of what a laptop spent on someone's
        save besides showing it). False when it cannot be sent (no connection kept yet, or
        it has just failed): the worker reads, and connects."""
        kept = self._reads_on
        connection = kept.connected if kept is not None and self._online else None
        if connection is None or cursor.horizon is None:
            return False
        from frontdoor_app.sync.changes import send_read

        try:
            sent = send_read(connection, cursor, **_brought())
        except Exception:  # noqa: BLE001 - the worker reads instead, and says what failed
            log.info("change feed: the kept connection cannot send; read on the worker")
            kept.close()
            return False
        self._sent = _Sent(cursor, ahead)
        self._answer.wait_for(sent)
        return True

    def _read_answered(self, read_rows: list[Any]) -> None:
        if self._worker.pending:
            # A job of this window's went in after the read was sent (a Save, say). A busy
            # server can run the read after the job's COMMIT: the answer is taken behind
            # the job's, so the window shows its own change after its Save, not before.
            self._ops.query(self, lambda: read_rows, self._taken, doing="change feed")
            return
        self._taken(read_rows)

    def _taken(self, read_rows: list[Any]) -> None:
        from frontdoor_app.meeting.feed import item_of_change
        from frontdoor_app.sync.changes import after_read, answer_at_once

        sent, self._sent = self._sent, None
        if sent is None:
            return
        try:
            rows, cursor = after_read(sent.cursor, read_rows, item=item_of_change)
            known, answer = True, None
            if sent.ahead is not None and rows:
                known, answer = answer_at_once(sent.ahead, rows)
        except Exception as exc:  # noqa: BLE001 - as a read on the worker that failed
            self._read_failed(exc)
            return
        kept, ahead = self._reads_on, sent.ahead
        if known or ahead is None or kept is None:
            self._got_changes((rows, cursor, answer))
            return

        def read_ahead() -> tuple[list[Change], Cursor, Any]:
            with kept.session() as s:  # on the worker: the kept connection is idle now
                return rows, cursor, ahead(s, rows)

        self._ops.query(
            self,
            read_ahead,
            self._got_changes,
            doing="change feed",
            on_failed=self._failed,
        )

    def _read_failed(self, exc: BaseException) -> None:
        self._sent = None
        if self._reads_on is not None:
            self._reads_on.close()  # as a read on the worker that failed: connect afresh
        self._failed(exc)

    def _got_changes(self, result: tuple[Sequence[Change], Cursor, Any]) -> None:
        rows, cursor, answer = result
        self._fetching = False
        self._cursor = cursor
        if self._notifier is not None:
            # The safety net counts from this read: in a busy room the bell's reads are
            # the net's, and it reads nothing more beside them.
            self._timer.start()
        self._succeeded()
        if self._again:
            self._again = False
            QTimer.singleShot(0, self.poll)
        if rows:
            self.changed.emit(tuple(rows))
            self.changed_ahead.emit(tuple(rows), answer)
        if len(rows) >= 1000:  # more waiting: read on at once
            self._data_version = None
            QTimer.singleShot(0, self.poll)

    # ------------------------------------------------------------------ own writes
    def read_now(self) -> None:
        """This window's Save is back: the log is read at once (or once more after the read
        under way, sent perhaps before the COMMIT), and the Save reaches this window's
        screens as anyone's does. On PostgreSQL the doorbell rings for it already."""
        if self.listening:
            return
        if self._fetching:
            self._again = True
        else:
            self.poll()

    def _succeeded(self) -> None:
        self._backoff = 0.0
        if self._postgresql and self._listener is None:
            self._listen()
        self._set_online(True)
        self.answered.emit()

    def _failed(self, exc: BaseException) -> None:
        self._fetching = False
        log.warning("change feed: %s", exc)
        self._backoff = min(BACKOFF_MAX_S, max(BACKOFF_FIRST_S, self._backoff * 2))
        self._next_try = time.monotonic() + self._backoff
        if self._postgresql:
            self._unlisten()
        self._set_online(False)

    def _set_online(self, online: bool) -> None:
        if online != self._online:
            self._online = online
            self.online_changed.emit(online)


def _brought() -> dict[str, Any]:
    """What the log's read brings with each change: its case (``item``) and, for a new
    entry, the entry (``row``): the ``item`` and ``row`` of ``changes.read``."""
    from frontdoor_app.meeting.case import new_entry_of_change
    from frontdoor_app.meeting.feed import item_of_change

    return {"item": item_of_change, "row": new_entry_of_change}


class _Sent(NamedTuple):
    """What to do with the answer of the log's read sent from the GUI thread."""

    cursor: Cursor
    ahead: Callable[[Any, Sequence[Change]], Any] | None


def tables(rows: Sequence[Change]) -> set[str]:
    return {r.table_name for r in rows}
