"""Python's cycle collector runs on the GUI thread only.

Left to itself the collector runs in whichever thread happens to allocate when a threshold
is crossed — often the worker. A Qt widget caught in a reference cycle (a lambda holding
its own widget) would then be deleted on the worker thread, which crashes the interpreter.
So automatic collection is switched off and the GUI thread collects on a timer: the young
generation often, everything now and then (the same cure pyqtgraph uses).
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer


class GuiThreadCollector(QObject):
    def __init__(self, parent: QObject | None = None, interval_ms: int = 1000) -> None:
        super().__init__(parent)
        gc.disable()
        self._ticks = 0
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.collect)
        self._timer.start()

    def collect(self) -> None:
        self._ticks += 1
        generation = 2 if self._ticks % 30 == 0 else 0
        if gc.get_count()[0] > 700 or generation:
            gc.collect(generation)
