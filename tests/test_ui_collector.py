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


def test_the_application_freezes_what_the_start_made_and_still_collects_what_came_after(
    qtbot,
) -> None:  # type: ignore[no-untyped-def]
    owner = QObject()
    collector = GuiThreadCollector(owner, interval_ms=60_000)
    collector.freeze_after_start = True
    try:
        gone: list[str] = []
        started = QObject()
        started.destroyed.connect(lambda: gone.append("started"))
        started.me = started  # type: ignore[attr-defined]  # garbage of the start
        del started
        frozen_before = gc.get_freeze_count()
        collector.collect()  # the first collection after the start: everything, then frozen
        assert collector.frozen and gone == ["started"]
        assert gc.get_freeze_count() > frozen_before
        later = QObject()
        later.destroyed.connect(lambda: gone.append("later"))
        later.me = later  # type: ignore[attr-defined]  # made after the freeze
        del later
        collector._ticks = 29  # the thirtieth tick: a full collection, of what came after
        collector.collect()
        assert gone == ["started", "later"]
    finally:
        gc.unfreeze()  # as the conftest leaves it: what is alive now, frozen
        gc.collect()
        gc.freeze()
