"""A row of widgets that wraps onto more lines when the window is too narrow for it.

A form's row of check boxes and buttons is as wide as all of them side by side; with a large
system font on a laptop that is wider than the case view can be, and the window would run
off the screen. In a ``FlowRow`` the widgets stand side by side while they fit and wrap
onto the next line when they do not (Qt's own "flow layout" example, with the widgets added
by ``add_right`` kept to the right, as a form's buttons are). Its least width is its widest
widget's.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLayout,
    QLayoutItem,
    QSizePolicy,
    QStyle,
    QWidget,
)


class FlowRow(QLayout):
    """Widgets left to right, wrapping; those added with ``add_right`` at the right edge."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._right: set[QWidget] = set()
        self.setContentsMargins(0, 0, 0, 0)

    def add_right(self, widget: QWidget) -> None:
        """A widget kept at the right edge of its line (a form's buttons)."""
        self._right.add(widget)
        self.addWidget(widget)

    # ------------------------------------------------------------------ QLayout
    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802 - Qt override
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 - Qt override
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 - Qt override
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:  # noqa: N802 - Qt override
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt override
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt override
        return self._place(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802 - Qt override
        super().setGeometry(rect)
        self._place(rect, move=True)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        """All on one line."""
        shown = self._shown()
        width = sum(i.sizeHint().width() for i in shown) + self._gap() * max(len(shown) - 1, 0)
        height = max((i.sizeHint().height() for i in shown), default=0)
        margins = self.contentsMargins()
        return QSize(width + margins.left() + margins.right(), height)

    def minimumSize(self) -> QSize:  # noqa: N802 - Qt override
        """One widget a line at most: the widest one."""
        size = QSize()
        for item in self._shown():
            size = size.expandedTo(item.minimumSize())
        margins = self.contentsMargins()
        return size + QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    # ------------------------------------------------------------------ placing
    def _shown(self) -> list[QLayoutItem]:
        return [i for i in self._items if not i.isEmpty()]

    def _gap(self) -> int:
        spacing = self.spacing()
        if spacing >= 0:
            return spacing
        parent = self.parentWidget()
        style = parent.style() if parent is not None else None
        if style is None:
            return 6
        return style.layoutSpacing(
            QSizePolicy.ControlType.CheckBox,
            QSizePolicy.ControlType.PushButton,
            Qt.Orientation.Horizontal,
        ) or style.pixelMetric(QStyle.PixelMetric.PM_LayoutHorizontalSpacing)

    def _place(self, rect: QRect, move: bool) -> int:
        """Lay the widgets out in ``rect`` (or only measure): the height they take."""
        margins = self.contentsMargins()
        area = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        gap, shown = self._gap(), self._shown()
        lines: list[list[QLayoutItem]] = [[]]
        used = 0
        for item in shown:
            width = item.sizeHint().width()
            if lines[-1] and used + gap + width > area.width():
                lines.append([])
                used = 0
            used += (gap if lines[-1] else 0) + width
            lines[-1].append(item)
        right = {id(i) for i in shown if i.widget() in self._right}
        y = area.y()
        for line in lines:
            height = max((i.sizeHint().height() for i in line), default=0)
            if move:
                self._move_line(line, right, area, y, height, gap)
            y += height + gap
        return max(y - gap - area.y(), 0) + margins.top() + margins.bottom()

    @staticmethod
    def _move_line(
        line: list[QLayoutItem], right: set[int], area: QRect, y: int, height: int, gap: int
    ) -> None:
        left_x, right_x = area.x(), area.x() + area.width()
        for item in reversed([i for i in line if id(i) in right]):
            hint = item.sizeHint()
            right_x -= hint.width()
            item.setGeometry(QRect(QPoint(right_x, y), QSize(hint.width(), height)))
            right_x -= gap
        for item in (i for i in line if id(i) not in right):
            hint = item.sizeHint()
            width = min(hint.width(), max(right_x - left_x, item.minimumSize().width()))
            item.setGeometry(QRect(QPoint(left_x, y), QSize(width, height)))
            left_x += width + gap


def labelled(label: QWidget, field: QWidget) -> QWidget:
    """A label and its field as one widget, so a ``FlowRow`` never wraps between them."""
    pair = QWidget(field.parentWidget())
    row = QHBoxLayout(pair)
    row.setContentsMargins(0, 0, 0, 0)
    label.setParent(pair)
    # Qt draws a label with a mnemonic ("&To") one kerned glyph short at its right edge:
    # "To" reads "Tc". Unkerned, the label is as wide as what it draws.
    font = label.font()
    font.setKerning(False)
    label.setFont(font)
    field.setParent(pair)
    row.addWidget(label)
    row.addWidget(field)
    return pair
