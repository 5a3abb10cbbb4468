"""Python's cycle collector runs on the GUI thread only.

Left to itself the collector runs in whichever thread happens to allocate when a threshold
is crossed — often the worker. A Qt widget caught in a reference cycle (a lambda holding
its own widget) would then be deleted on the worker thread, which crashes the interpreter.
So automatic collection is switched off and the GUI thread collects on a timer: the young
generation often, everything now and then (the same cure pyqtgraph uses).

While the application starts, nothing is collected (``hold_ms``): with automatic collection
off since the first line, the young generation then holds every object made so far (some
150,000), and one young collection takes 50-70 ms of the GUI thread the main window is
waiting for. The start says when it is over (``settle``: the main window is in place, or
the start failed), at the latest ``hold_ms`` on (a first run building its demo, a
passphrase being typed), and the timer collects from then on.

With ``freeze_after_start`` (the desktop application's own collector, not the tests'), the
first collection after the start collects everything once and then freezes what is left
(``gc.freeze``): modules, tables and mappers, the window and its widgets, which live as
long as the process. Each later full collection walks only what was made since, instead
of every object of the start each time (50-65 ms every 30 seconds on every laptop).
Objects made at the start and dropped later are still freed when nothing refers to them;
only a cycle among them would stay (the tests keep collecting everything: ``conftest``).
"""

from __future__ import annotations

import gc
import time

from PySide6.QtCore import QObject, QTimer


class GuiThreadCollector(QObject):
    def __init__(
        self, parent: QObject | None = None, interval_ms: int = 1000, hold_ms: int = 0
    ) -> None:
        super().__init__(parent)
        gc.disable()
        self._ticks = 0
        self.freeze_after_start = False
        self.frozen = False
        self._held_until = time.monotonic() + hold_ms / 1000
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.collect)
        self._timer.start()

    @property
    def holding(self) -> bool:
        return time.monotonic() < self._held_until

    def settle(self) -> None:
        """The start is over: collect from the next tick on."""
        self._held_until = 0.0

    def collect(self) -> None:
        if self.holding:
            return
        if self.freeze_after_start and not self.frozen:
            gc.collect()
            gc.freeze()
            self.frozen = True
            return
        self._ticks += 1
        generation = 2 if self._ticks % 30 == 0 else 0
        if gc.get_count()[0] > 700 or generation:
            gc.collect(generation)
