"""A tab's count beside its title, painted alone when it changes.

On every laptop in the room the case's intelligence count changes for each entry anyone
saves. Qt's tab bar, given a tab's new title, lays out and paints all its tabs again, and
even a repaint held to the one tab (``painting.set_tab_text``) has the style work out every
tab's title (each shaped and elided to fit): measured on the case view, a quarter to a
third of what a laptop spent showing the entry and painting it (0.5-0.8 ms of 1.7-2.6 ms;
0.1-0.25 ms with the count here).

So the title stays as it is, and the count is a small label the bar holds beside it (Qt's
tab button): a new count as wide as the last paints that label alone. The label fills its
own background in its tab's colour for the tab's state (the style sheet's ``#tabCount``
rules by its ``tab`` property: ``selected``, ``hovered`` or neither), so nothing under it
is painted; it lets the mouse through to its tab. A count that needs more room lays the
bar out again, as a longer title does. The tab's accessible name says both, so a screen
reader reads "Intelligence (12)" as before.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRect, QSize, Qt
from PySide6.QtGui import QMoveEvent
from PySide6.QtWidgets import QLabel, QStyle, QStyleOptionTab, QTabBar, QWidget

from frontdoor_app.ui.core.i18n import translate
from frontdoor_app.ui.core.theme import repolish

_RIGHT = QTabBar.ButtonPosition.RightSide
_HOVER = (QEvent.Type.HoverEnter, QEvent.Type.HoverMove)
_LEAVE = (QEvent.Type.HoverLeave, QEvent.Type.Leave)
_GAP = 4  # Qt's room between a tab's title and its button


class _Count(QLabel):
    """A count: where its owner places it, beside its tab's title, whenever Qt moves it
    (Qt puts a tab's button at the tab's far edge, away from the title)."""

    def __init__(self, owner: TabCounts, index: int, parent: QWidget) -> None:
        super().__init__(parent)
        self._owner = owner
        self._index = index

    def moveEvent(self, event: QMoveEvent) -> None:  # noqa: N802 - Qt's name
        super().moveEvent(event)
        self._owner.place(self._index)


class TabCounts(QObject):
    """The counts of ``bar``'s tabs, each a ``#tabCount`` label beside its tab's title."""

    def __init__(self, bar: QTabBar) -> None:
        super().__init__(bar)
        self._bar = bar
        self._labels: dict[int, QLabel] = {}
        self._hovered = -1
        bar.currentChanged.connect(self._restyle)
        # Only the mouse over the bar (a tab's hover colour): hover events are few.
        bar.installEventFilter(self)

    def show(self, index: int, title: str, count: int) -> None:
        """Tab ``index`` says ``title`` and, beside it, ``count``."""
        bar = self._bar
        text = translate("Tabs", "(%1)").replace("%1", str(count))
        retitled = bar.tabText(index) != title
        shown = self._labels.get(index)
        if shown is None:
            shown = self._made(index)
        elif shown.text() == text and not retitled:
            return
        if retitled:
            bar.setTabText(index, title)
        shown.setText(text)
        bar.setAccessibleTabName(index, f"{title} {text}")
        self._fit(index, shown)

    def words(self, index: int) -> str:
        """What tab ``index`` says: its title, then its count if it has one."""
        title = self._bar.tabText(index)
        shown = self._labels.get(index)
        return f"{title} {shown.text()}" if shown is not None else title

    def label(self, index: int) -> QLabel | None:
        return self._labels.get(index)

    def _made(self, index: int) -> QLabel:
        shown = _Count(self, index, self._bar)  # made inside the bar: styled once, there
        shown.setObjectName("tabCount")
        shown.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
        shown.setProperty("tab", self._state(index))
        self._labels[index] = shown
        self._opaque(shown)
        return shown

    @staticmethod
    def _opaque(shown: QLabel) -> None:
        """The label fills its background itself (the palette's, which the style sheet sets
        to its rule's): Qt then paints nothing under it. The style sheet switches that off
        each time it styles the label, so it is switched on again after."""
        shown.ensurePolished()
        shown.setAutoFillBackground(True)

    def _fit(self, index: int, shown: QLabel) -> None:
        """The label as big as its text; the bar laid out again only when that changed."""
        bar = self._bar
        metrics = shown.fontMetrics()
        size = QSize(metrics.horizontalAdvance(shown.text()), metrics.height())
        # A fixed size: a label's new text then asks nobody to lay out again (a label
        # free to grow asks the bar, which paints all its tabs for it).
        if bar.tabButton(index, _RIGHT) is not shown:
            shown.setFixedSize(size)
            bar.setTabButton(index, _RIGHT, shown)
        elif shown.size() != size:
            shown.setFixedSize(size)
            bar.setTabText(index, bar.tabText(index))  # Qt's way to lay the tabs out again
        else:
            return  # where it was: Qt moves it when the tabs move (``_Count.moveEvent``)
        self.place(index)

    def place(self, index: int) -> None:
        """The count just after its tab's title, where the bar kept it room (Qt's tab
        layout leaves 4 pixels between a title and its button), on the title's line."""
        shown = self._labels.get(index)
        bar = self._bar
        if shown is None or bar.tabButton(index, _RIGHT) is not shown:
            return
        option = QStyleOptionTab()
        option.initFrom(bar)
        option.rect = bar.tabRect(index)
        option.text = bar.tabText(index)
        option.shape = bar.shape()
        option.rightButtonSize = shown.size()
        if index == bar.currentIndex():
            option.state |= QStyle.StateFlag.State_Selected
        text = bar.style().subElementRect(QStyle.SubElement.SE_TabBarTabText, option, bar)
        title = shown.fontMetrics().horizontalAdvance(option.text)  # the tab's font
        left = text.x() + (text.width() - title) // 2 + title + _GAP
        top = text.y() + (text.height() - shown.height()) // 2
        where = QRect(left, top, shown.width(), shown.height())
        if shown.geometry() != where:
            shown.setGeometry(where)

    def _state(self, index: int) -> str:
        if index == self._bar.currentIndex():
            return "selected"
        return "hovered" if index == self._hovered else ""

    def _restyle(self, *_args: object) -> None:
        for index, shown in self._labels.items():
            state = self._state(index)
            if shown.property("tab") != state:
                shown.setProperty("tab", state)
                repolish(shown)  # the tab's colours (and the selected tab's bold)
                self._opaque(shown)
                self._fit(index, shown)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        kind = event.type()
        if kind in _HOVER:
            hovered = self._bar.tabAt(event.position().toPoint())  # type: ignore[attr-defined]
        elif kind in _LEAVE:
            hovered = -1
        else:
            return False
        if hovered != self._hovered:
            self._hovered = hovered
            self._restyle()
        return False
