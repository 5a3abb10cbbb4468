"""A worker that runs each job at once on the calling thread (Picard's fake thread pool is the
model): for unit tests of a screen, which then need not wait for a real worker thread.

It keeps ``ui.core.worker.Worker``'s contract — ``run(fn, on_done, on_error, first=)``,
``pending``, ``busy_changed``, ``stop`` — and its order: jobs run one at a time in the
order they were asked for (a ``first`` job ahead of the others waiting), so a job asked
for from inside a callback runs after the job in hand has been delivered, as on the real
worker. What it cannot show: a screen's state *while* a job is
out (a disabled button, a progress bar, a screen closed mid-job). Tests of that, and one
path through each screen, stay on the real worker.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from frontdoor_app.ui.core.worker import Done, Failed

log = logging.getLogger(__name__)


class SyncWorker(QObject):
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._jobs: deque[tuple[Callable[[], Any], Done | None, Failed | None]] = deque()
        self._first: deque[tuple[Callable[[], Any], Done | None, Failed | None]] = deque()
        self._pending = 0
        self._running = False
        self._stopped = False
        self.jobs_run = 0  # how many jobs ran (a test may ask)

    def run(
        self,
        fn: Callable[[], Any],
        on_done: Done | None = None,
        on_error: Failed | None = None,
        *,
        first: bool = False,
    ) -> None:
        if self._stopped:
            return  # the real worker's thread has ended: nothing runs, nothing is delivered
        self._pending += 1
        if self._pending == 1:
            self.busy_changed.emit(True)
        (self._first if first else self._jobs).append((fn, on_done, on_error))
        if self._running:
            return  # asked for by a job or a callback: runs when the one in hand is done
        self._running = True
        try:
            while (self._first or self._jobs) and not self._stopped:
                self._run_one(*(self._first or self._jobs).popleft())
        finally:
            self._running = False

    def _run_one(
        self, fn: Callable[[], Any], on_done: Done | None, on_error: Failed | None
    ) -> None:
        try:
            result = fn()
        except Exception as exc:  # handed to the caller's on_error, as the worker does
            log.exception("background job failed")
            callback, value, is_error = on_error, exc, True
        else:
            callback, value, is_error = on_done, result, False
        self.jobs_run += 1
        self._pending -= 1
        idle = self._pending == 0
        try:
            if callback is not None:
                callback(value)
            elif is_error:
                log.error("unhandled background error: %s", value)
        finally:
            if idle:
                self.busy_changed.emit(False)

    @property
    def pending(self) -> int:
        return self._pending

    def stop(self, timeout: float = 5.0) -> None:
        """As the real worker: the jobs already asked for run (drafts being saved), their
        results are no longer delivered."""
        self._stopped = True
        while self._first or self._jobs:
            fn, _done, _failed = (self._first or self._jobs).popleft()
            try:
                fn()
            except Exception:
                log.exception("background job failed")
