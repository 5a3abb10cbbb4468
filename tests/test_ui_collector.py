"""The cycle collector runs on the GUI thread only (ui/collector.py)."""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject

from frontdoor_app.ui.core.collector import GuiThreadCollector


def test_automatic_collection_is_off_and_the_gui_thread_collects_cycles(qtbot) -> None:  # type: ignore[no-untyped-def]
    owner = QObject()
    collector = GuiThreadCollector(owner, interval_ms=60_000)
    assert not gc.isenabled()
    gone: list[bool] = []
    widget = QObject()
    widget.destroyed.connect(lambda: gone.append(True))
    widget.me = widget  # type: ignore[attr-defined]  # a cycle only the collector can free
    del widget
    assert gone == []
    collector._ticks = 29  # the thirtieth tick collects every generation
    collector.collect()
    assert gone == [True]


def test_nothing_is_collected_while_the_start_holds_the_collector(qtbot) -> None:  # type: ignore[no-untyped-def]
    owner = QObject()
    collector = GuiThreadCollector(owner, interval_ms=60_000, hold_ms=60_000)
    gone: list[bool] = []
    widget = QObject()
    widget.destroyed.connect(lambda: gone.append(True))
    widget.me = widget  # type: ignore[attr-defined]
    del widget
    collector._ticks = 29
    collector.collect()  # the start is still running: nothing collected
    assert collector.holding and gone == []
    collector.settle()  # the main window is in place
    collector.collect()
    assert not collector.holding and gone == [True]
