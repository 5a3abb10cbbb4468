"""One serialised worker for database and other slow work, off the UI thread.

``worker.run(fn, on_done, on_error)``: ``fn`` runs on the worker thread (it opens its own
session; ORM objects never cross threads, it returns plain data) and the callbacks run
back on the UI thread. Jobs run one at a time, in order, except that a job asked for with
``first=True`` (a write: ``Ops.command``) goes ahead of the reads still waiting, behind
the writes asked for before it: someone's Save does not wait while the laptop catches up
with everyone else's saves (a read it passes runs after it, and so sees it). Screens do
not call it directly: they go through ``ui.core.ops`` (``Ops.query`` and
``Ops.command``), which handles what goes wrong in one place.
"""

from __future__ import annotations

import itertools
import logging
import queue
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)

Done = Callable[[Any], None]
Failed = Callable[[BaseException], None]
Job = tuple[Callable[[], Any], Done | None, Failed | None]
# The queue's order: writes, then reads, then the end (each in the order asked for).
FIRST, IN_TURN, LAST = 0, 1, 2


class Worker(QObject):
    """A single background thread fed by a queue; results come back by signal."""

    _finished = Signal(object, object, object)  # callback, result, is_error
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._jobs: queue.PriorityQueue[tuple[int, int, Job | None]] = queue.PriorityQueue()
        self._asked = itertools.count()  # the order asked for, within a priority
        self._pending = 0
        self._lock = threading.Lock()
        self._stopped = False
        self._finished.connect(self._deliver)
        self._thread = threading.Thread(target=self._loop, name="frontdoor-worker", daemon=True)
        self._thread.start()

    def run(
        self,
        fn: Callable[[], Any],
        on_done: Done | None = None,
        on_error: Failed | None = None,
        *,
        first: bool = False,
    ) -> None:
        with self._lock:
            self._pending += 1
            busy = self._pending == 1
            self._jobs.put(
                (FIRST if first else IN_TURN, next(self._asked), (fn, on_done, on_error))
            )
        if busy:
            self.busy_changed.emit(True)

    @property
    def pending(self) -> int:
        return self._pending

    def _loop(self) -> None:
        while True:
            _order, _asked, job = self._jobs.get()
            if job is None:
                return
            fn, on_done, on_error = job
            try:
                result = fn()
            except BaseException as exc:  # noqa: BLE001 - handed to the UI thread
                log.exception("background job failed")
                self._finished.emit(on_error, exc, True)
            else:
                self._finished.emit(on_done, result, False)

    def _deliver(self, callback: Any, result: Any, is_error: bool) -> None:
        with self._lock:
            self._pending -= 1
            idle = self._pending == 0
        if self._stopped:
            return  # the screens that asked may be gone; nothing is waiting for it
        try:
            if callback is not None:
                callback(result)
            elif is_error:
                log.error("unhandled background error: %s", result)
        finally:
            if idle:
                self.busy_changed.emit(False)

    def stop(self, timeout: float = 5.0) -> None:
        """Run the jobs already queued (drafts being saved), then end; results are no longer
        delivered to the screens, which may be gone."""
        self._stopped = True
        with self._lock:
            self._jobs.put((LAST, next(self._asked), None))
        self._thread.join(timeout)
