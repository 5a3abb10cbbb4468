"""One serialised worker for database and other slow work, off the UI thread.

``worker.run(fn, on_done, on_error)``: ``fn`` runs on the worker thread (it opens its own
session; ORM objects never cross threads, it returns plain data) and the callbacks run
back on the UI thread. Jobs run one at a time, in order. Screens do not call it directly:
they go through ``ui.core.ops`` (``Ops.query`` and ``Ops.command``), which handles what
goes wrong in one place.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)

Done = Callable[[Any], None]
Failed = Callable[[BaseException], None]


class Worker(QObject):
    """A single background thread fed by a queue; results come back by signal."""

    _finished = Signal(object, object, object)  # callback, result, is_error
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._jobs: queue.Queue[tuple[Callable[[], Any], Done | None, Failed | None] | None] = (
            queue.Queue()
        )
        self._pending = 0
        self._lock = threading.Lock()
        self._stopped = False
        self._finished.connect(self._deliver)
        self._thread = threading.Thread(target=self._loop, name="frontdoor-worker", daemon=True)
        self._thread.start()

    def run(
        self, fn: Callable[[], Any], on_done: Done | None = None, on_error: Failed | None = None
    ) -> None:
        with self._lock:
            self._pending += 1
            first = self._pending == 1
        if first:
            self.busy_changed.emit(True)
        self._jobs.put((fn, on_done, on_error))

    @property
    def pending(self) -> int:
        return self._pending

    def _loop(self) -> None:
        while True:
            job = self._jobs.get()
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
        self._jobs.put(None)
        self._thread.join(timeout)
