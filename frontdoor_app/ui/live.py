"""The change feed on the Qt side: notice other people's saves and say what changed.

On SQLite a dedicated connection asks ``PRAGMA data_version`` on a short timer: the
number moves only when another connection has committed, so an idle poll costs
microseconds. When it moves (or, on PostgreSQL, on every tick) the change log is read
from the last id seen on the worker, and ``changed`` carries the new rows so screens
refresh only what concerns them. A missed tick loses nothing: the log is the truth.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from frontdoor_app.context import AppContext
from frontdoor_app.sync.changes import Change, changes_since, last_change_id

from .worker import Worker

log = logging.getLogger(__name__)


class LiveFeed(QObject):
    """Polls for other clients' commits and emits the change-log rows that follow."""

    changed = Signal(object)  # tuple[Change, ...]
    online_changed = Signal(bool)

    def __init__(self, ctx: AppContext, worker: Worker, interval_ms: int = 200,
                 parent: QObject | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self._ctx = ctx
        self._worker = worker
        self._last_id: int | None = None
        self._fetching = False
        self._online = True
        self._raw: Any = None
        self._data_version: int | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.poll)

    @property
    def online(self) -> bool:
        return self._online

    @property
    def last_id(self) -> int | None:
        return self._last_id

    def start(self) -> None:
        if self._ctx.engine.dialect.name == "sqlite":
            # A connection of its own, never in a transaction: data_version then reflects
            # every commit made by any other connection, ours included.
            self._raw = self._ctx.engine.raw_connection()
        self._worker.run(self._read_last_id, self._got_last_id, self._failed)
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        if self._raw is not None:
            self._raw.close()
            self._raw = None

    def _read_last_id(self) -> int:
        with self._ctx.read_session() as s:
            return last_change_id(s)

    def _got_last_id(self, last_id: int) -> None:
        if self._last_id is None:
            self._last_id = last_id
        self._set_online(True)

    def _moved(self) -> bool:
        if self._raw is None:
            return True  # PostgreSQL: read the (indexed) log tail on every tick
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
        if self._fetching or self._last_id is None:
            return
        if not self._moved():
            return
        self._fetching = True
        since = self._last_id
        self._worker.run(lambda: self._read_since(since), self._got_changes, self._failed)

    def _read_since(self, since: int) -> list[Change]:
        with self._ctx.read_session() as s:
            return changes_since(s, since)

    def _got_changes(self, rows: Sequence[Change]) -> None:
        self._fetching = False
        self._set_online(True)
        if not rows:
            return
        self._last_id = rows[-1].id
        self.changed.emit(tuple(rows))
        if len(rows) >= 1000:  # more waiting: read on at once
            self._data_version = None

    def _failed(self, exc: BaseException) -> None:
        self._fetching = False
        log.warning("change feed: %s", exc)
        self._set_online(False)

    def _set_online(self, online: bool) -> None:
        if online != self._online:
            self._online = online
            self.online_changed.emit(online)


def tables(rows: Sequence[Change]) -> set[str]:
    return {r.table_name for r in rows}
