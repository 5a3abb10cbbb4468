"""The decision's outcomes: two columns while they fit, one when the case pane is narrow.

With a large system font two columns of the longest labels ("Referral to children's social
work for assessment" beside "Information shared with a named agency") are wider than a
1366-pixel laptop's case pane, and a grid's minimum would hold the whole window wider than
the screen. The checklist asks only for one column's width, and lays its outcomes out in two
whenever its width allows. An outcome's answer box (its ``detail_prompt``) sits under it.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSize
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QGridLayout, QGroupBox, QLayout, QWidget


class OutcomeChecklist(QGroupBox):
    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.setAccessibleName(title)
        self.grid = QGridLayout(self)
        # The minimum is this widget's own (one column), not the grid's (two).
        self.grid.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        self.cells: list[tuple[QWidget, QWidget | None]] = []
        self.columns = 2

    def set_cells(self, cells: Sequence[tuple[QWidget, QWidget | None]]) -> None:
        """Each outcome's box, and the answer box under it (or None)."""
        self.cells = list(cells)
        self.columns = 2 if self._two_fit(self.width()) or not self.isVisible() else 1
        self._place()

    def _place(self) -> None:
        for box, edit in self.cells:
            for widget in (box, edit):
                if widget is not None:
                    self.grid.removeWidget(widget)
        for n, (box, edit) in enumerate(self.cells):
            # Each outcome's row has a row under it for its answer (empty rows take no room).
            row, column = 2 * (n // self.columns), n % self.columns
            self.grid.addWidget(box, row, column)
            if edit is not None:
                self.grid.addWidget(edit, row + 1, column)
        # Filled while the tab is hidden (it is not the first tab), the new size would
        # otherwise not reach the tab's layout: the checklist was drawn 0 px high.
        self.grid.invalidate()
        self.updateGeometry()

    def _column_widths(self, columns: int) -> list[int]:
        widths = [0] * columns
        for n, (box, edit) in enumerate(self.cells):
            need = box.sizeHint().width()
            if edit is not None:
                need = max(need, edit.minimumSizeHint().width() + edit.contentsMargins().left())
            widths[n % columns] = max(widths[n % columns], need)
        return widths

    def _frame(self) -> int:
        """What the box and its grid take beside the columns."""
        outer, inner = self.contentsMargins(), self.grid.contentsMargins()
        return outer.left() + outer.right() + inner.left() + inner.right()

    def _two_fit(self, width: int) -> bool:
        spacing = max(0, self.grid.horizontalSpacing())
        return sum(self._column_widths(2)) + spacing + self._frame() <= width

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        """One column's width (and the title's), at the height of the columns laid out now."""
        one = max(self._column_widths(1), default=0) + self._frame()
        title = self.fontMetrics().horizontalAdvance(self.title()) + self._frame()
        return QSize(max(one, title), self.grid.totalMinimumSize().height())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        want = 2 if self._two_fit(event.size().width()) else 1
        if want != self.columns:
            self.columns = want
            self._place()
        super().resizeEvent(event)
