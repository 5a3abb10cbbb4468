"""Painting only what changed, when Qt would paint a whole widget again.

Some of Qt's setters repaint a whole widget for a small change: a tab bar for one tab's new
title, a table for a row added at its end. On every laptop in the room that happens for
each entry anyone saves. The cure is the same each time: hold the widget's painting while
Qt does its work (``painting_held``), then paint the part that changed. And a widget that
does not fill its own background is painted with every widget under it: one that changes
often fills it (``fill_as_window``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTabBar, QWidget

from frontdoor_app.ui.core.theme import window_colour

_HELD = Qt.WidgetAttribute.WA_UpdatesDisabled


@contextlib.contextmanager
def painting_held(widget: QWidget) -> Iterator[None]:
    """``widget`` paints nothing inside the block; afterwards it is held as it was before.

    The attribute ``update()`` looks at, not ``setUpdatesEnabled``: switching that back on
    paints the whole widget again, which is what the caller is avoiding. A widget already
    held (its window's updates switched off) stays held: whoever held it paints it when
    they let go.
    """
    was = widget.testAttribute(_HELD)
    widget.setAttribute(_HELD, True)
    try:
        yield
    finally:
        widget.setAttribute(_HELD, was)


def set_tab_text(bar: QTabBar, index: int, text: str) -> None:
    """``bar``'s tab ``index`` says ``text``; only that tab is painted again when no tab moved.

    Qt's bar repaints all of itself for a new title, wherever the other tabs stand (the
    case's decision tab, "Decision ✓", on every laptop when the chair records one). So the
    bar's painting is held while the title is set, and only the tab is painted when every
    tab is where it was: a seventh of the bar's area, though Qt's paint still lays out
    every tab's text (0.36 ms against 0.45 ms for the whole bar, measured). A title that
    moves the tabs (a longer one, a scroll) paints the whole bar. A count that changes with
    every entry is not a title at all (``tab_counts``): it paints only itself.
    """
    if not bar.isVisible():
        bar.setTabText(index, text)
        return
    before = [bar.tabRect(i) for i in range(bar.count())]
    with painting_held(bar):
        bar.setTabText(index, text)
    if [bar.tabRect(i) for i in range(bar.count())] == before:
        bar.update(bar.tabRect(index))
    else:
        bar.update()


def fill_as_window(widget: QWidget) -> None:
    """``widget`` fills its own background in the window's colour, so Qt paints it alone.

    A widget that does not fill its background (a tab bar, say) is painted with every
    widget under it, up to the window, each drawing its part of what shows through: for a
    tab's new title on every laptop in the room, seven widgets. A widget that fills itself
    with an opaque colour is painted alone. A style sheet background does not do this: Qt
    then still paints what is under it, so the colour is set on the palette, the one the
    style sheet gives the window (``theme.window_colour``).
    """
    palette = widget.palette()
    palette.setColor(widget.backgroundRole(), window_colour())
    widget.setPalette(palette)
    widget.setAutoFillBackground(True)
