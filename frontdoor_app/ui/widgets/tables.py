"""Helpers the case tabs share: local times, table views, labelled fields."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QAbstractItemModel,
    QCoreApplication,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QLabel,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from frontdoor_app.ui.widgets.painting import painting_held
from frontdoor_app.ui.widgets.rows_model import RowsModel

if TYPE_CHECKING:  # only named in annotations: the first paint need not load the views
    from frontdoor_app.meeting.views import AgencyOption

RESIZE_ROWS = 40
# An agency's name in a case's lists, at its widest (average characters) where the table
# has no room for it: "Health Visiting (0-19…" (whole in the tooltip), not the whole name
# taking a third of a laptop's case view.
AGENCY_CHARS = 24
# What the stretching column (the entry) keeps, in average characters, before a narrowed
# column is given more than its cap: on a 1280 px laptop the name is cut short; on a wider
# screen, with room to spare beside a readable line of the entry, it is whole.
STRETCH_KEEPS = 80


def minutes_seconds(seconds: int) -> str:
    seconds = max(0, int(seconds))
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


def yes_no(value: bool | None) -> str:
    if value is None:
        return QCoreApplication.translate("Case", "not stated")
    return (
        QCoreApplication.translate("Case", "yes")
        if value
        else QCoreApplication.translate("Case", "no")
    )


class Table(QTableView):
    """A table that says, in words, what it is when it has no rows (``empty``): an empty
    grid on its own looks as if something failed to load."""

    empty = ""
    # Its rows measured again (new rows, a new width): for a layout sized by its rows.
    rows_fitted = Signal()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        super().paintEvent(event)
        model = self.model()
        if self.empty and model is not None and model.rowCount() == 0:
            painter = QPainter(self.viewport())
            painter.setPen(self.palette().placeholderText().color())
            metrics, rect = self.fontMetrics(), self.viewport().rect()
            side = metrics.averageCharWidth() * 2
            top = max(0, min(side, (rect.height() - metrics.lineSpacing()) // 2))
            area = rect.adjusted(side, top, -side, 0)
            flags = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop
            painter.drawText(area, int(flags) | int(Qt.TextFlag.TextWordWrap), self.empty)
            painter.end()


def make_table(
    model: QAbstractItemModel,
    name: str,
    parent: QWidget | None = None,
    stretch_column: int = -1,
    empty: str = "",
    narrow: Mapping[int, int] | None = None,
) -> Table:
    """A read-only, row-selecting, word-wrapping table with an accessible name; ``empty``
    is what it says while it has no rows. ``narrow``: columns (an agency's name, say) never
    wider than so many average characters, on one line, a longer text cut short with "…"
    (whole in the row's tooltip), so that one long name cannot squeeze the stretching
    column on a laptop's screen. One line, not wrapped: a row someone adds is painted as
    tall as the rest (two lines of an agency's name on every row doubled what each laptop
    spent painting a colleague's new entry)."""
    view = Table(parent)
    view.empty = empty
    view.setObjectName(name.replace(" ", "") + "Table")
    view.setAccessibleName(name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setWordWrap(True)
    view.setAlternatingRowColors(True)
    view.verticalHeader().setVisible(False)
    view.setTabKeyNavigation(False)  # Tab leaves the table, as keyboard users expect
    header = view.horizontalHeader()
    # Measure a screenful of rows, not a household's whole history, when sizing columns.
    header.setResizeContentsPrecision(RESIZE_ROWS)
    column = stretch_column if stretch_column >= 0 else model.columnCount() - 1
    if column >= 0:
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
    if narrow:
        one_line = _OneLine(view)
        for kept in narrow:
            view.setItemDelegateForColumn(kept, one_line)
    _FitToContents(view, column, narrow)
    return view


class _OneLine(QStyledItemDelegate):
    """A column's cells on one line, cut short with "…" where the column is narrower."""

    def initStyleOption(  # noqa: N802 - Qt's name
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        super().initStyleOption(option, index)
        option.features &= ~QStyleOptionViewItem.ViewItemFeature.WrapText


class _FitToContents(QObject):
    """Sizes a table's columns and wrapped rows to what they show, and only what changed.

    Qt's ``ResizeToContents`` measures every row and column again on any change: with
    word wrap, one entry someone saved in a case of 40 asked the model about 5,000 times
    (22 ms on every laptop showing the tab), and a row added reset the selection. Here new
    rows (a reset: another case) are all measured once; a row added or changed measures
    that row, and widens a column only when it no longer fits (it narrows again with the
    next case); a new width (the window resized, a column widened) measures the rows once
    more, after the event that changed it. A table not on screen (another tab) is measured
    when it is shown.
    """

    def __init__(self, view: Table, stretch: int, narrow: Mapping[int, int] | None = None) -> None:
        super().__init__(view)
        self._view = view
        self._stretch = stretch
        self._narrow = dict(narrow or {})  # column: its widest, in average characters
        self._sizing = False
        self._stale = False  # changed while hidden: measured when shown
        # The table's viewport, once it has been fitted on screen: PySide's first wrapping
        # of one builds some 70 enum types (about 9 ms), better spent opening the case
        # than on the first entry someone else saves.
        self._viewport: QWidget | None = None
        # The size each column's text needs on one line, by column and text (a row's
        # agency, author, time and sharing repeat those above it), and the hidden row
        # header's hint: measured once while the table shows the same rows in the same
        # font, not again for every row someone adds.
        self._sizes: dict[tuple[int, object], tuple[int, int]] = {}
        self._row_header: int | None = None
        # A narrowed column's width for its text on one line (the widest cell measured),
        # and the viewport's width its cap was worked out for.
        self._natural: dict[int, int] = {}
        self._capped_for = -1
        view.installEventFilter(self)
        self._rows_again = QTimer(self)
        self._rows_again.setSingleShot(True)
        self._rows_again.setInterval(0)
        self._rows_again.timeout.connect(self._all_rows)
        model = view.model()
        model.modelReset.connect(self._everything)
        model.layoutChanged.connect(self._everything)
        model.rowsInserted.connect(self._inserted)
        model.dataChanged.connect(self._changed)
        view.horizontalHeader().sectionResized.connect(self._resized)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Show and self._stale:
            self._everything()
        elif event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._forget_sizes()
        return False

    def _everything(self) -> None:
        view = self._view
        if not view.isVisible():
            self._stale = True
            return
        self._stale, self._sizing = False, True
        self._forget_sizes()
        if self._viewport is None:
            self._viewport = view.viewport()
        try:
            for column in range(view.model().columnCount()):
                if column != self._stretch:
                    view.resizeColumnToContents(column)
            # capped once the other columns have their widths: the cap is what they leave
            self._natural = {c: view.columnWidth(c) for c in self._narrow}
            self._cap()
        finally:
            self._sizing = False
        self._rows_again.stop()
        view.resizeRowsToContents()
        view.rows_fitted.emit()

    def _inserted(self, _parent: QModelIndex, first: int, last: int) -> None:
        view = self._view
        if not self._one_by_one(first, last) or last + 1 != view.model().rowCount():
            self._rows(first, last)  # a whole fit, or rows added above others
            return
        # Rows added at the end (someone's new entry): nothing above them moves, so only
        # they need painting. Qt would repaint the whole table for it (its row-count
        # layout; and a row measured, when not scrolled, on its timer), which was most of
        # what a laptop spent on each entry saved in the room: measure and lay out now,
        # with the table's painting held and the row heights' signal to it too, then
        # paint from the first new row down.
        viewport, rows = self._viewport or view.viewport(), view.verticalHeader()
        before = self._placing()
        blocked = rows.blockSignals(True)
        try:
            with painting_held(viewport):
                # Measured first: laid out at Qt's default height, a row that fits can
                # seem not to, and bring a scroll bar with nothing to scroll (gone again
                # on the next layout: two fits of every row, and a flicker).
                self._rows(first, last)
                view.doItemsLayout()  # the pending row-count layout, now (it paints nothing)
                view.updateGeometries()  # the scroll range with the new rows' heights
        finally:
            rows.blockSignals(blocked)
        if self._placing() != before:
            viewport.update()  # the rows above moved (a scroll bar came, or scrolled down)
            return
        # The new rows and their grid line: below them the table is empty, as it was.
        top = max(0, view.rowViewportPosition(first))
        bottom = min(view.rowViewportPosition(last) + view.rowHeight(last) + 1, viewport.height())
        if top < bottom:
            viewport.update(0, top, viewport.width(), bottom - top)

    def _placing(self) -> tuple[bool, bool, int, int]:
        """Where the rows are drawn: whether the scroll bars take room, the scroll."""
        view = self._view
        return (
            view.verticalScrollBar().isVisible(),
            view.horizontalScrollBar().isVisible(),
            view.verticalHeader().offset(),
            view.horizontalHeader().offset(),
        )

    def _changed(
        self,
        top: QModelIndex | QPersistentModelIndex,
        bottom: QModelIndex | QPersistentModelIndex,
        _roles: object = None,
    ) -> None:
        self._rows(top.row(), bottom.row())

    def _one_by_one(self, first: int, last: int) -> bool:
        """Whether rows ``first``..``last`` can be measured on their own (the table is on
        screen, measured, and they are not a screenful), not by a whole fit."""
        return not self._stale and self._view.isVisible() and last - first < RESIZE_ROWS

    def _rows(self, first: int, last: int) -> None:
        if not self._one_by_one(first, last):
            self._everything()
            return
        view = self._view
        header, grid = view.horizontalHeader(), int(view.showGrid())
        columns = view.model().columnCount()  # (in Python: a RowsModel's own method)
        shown = [c for c in range(columns) if not header.isSectionHidden(c)]
        lines = [c for c in shown if c != self._stretch]
        # Each one-line cell measured once, for its column's width and its row's height.
        sizes = {row: [self._size(row, c) for c in lines] for row in range(first, last + 1)}
        self._sizing = True
        try:
            for k, column in enumerate(lines):
                wanted = grid + max(cells[k][0] for cells in sizes.values())
                if column in self._narrow:
                    wanted = max(wanted, self._natural.get(column, 0))
                    self._natural[column] = wanted
                    wanted = min(wanted, self._widest(column))
                if wanted > header.sectionSize(column):
                    header.resizeSection(column, wanted)
        finally:
            self._sizing = False
        wrapped = self._stretch in shown
        for row, cells in sizes.items():
            self._fit_row(row, max((h for _w, h in cells), default=0), wrapped)
        view.rows_fitted.emit()

    def _widest(self, column: int) -> int:
        """How wide narrowed ``column`` may be, in pixels: its cap in average characters,
        or more where the table has room for it beside ``STRETCH_KEEPS`` of the entry."""
        view = self._view
        header, average = view.horizontalHeader(), view.fontMetrics().averageCharWidth()
        others = sum(
            header.sectionSize(c)
            for c in range(header.count())
            if c not in (column, self._stretch) and not header.isSectionHidden(c)
        )
        room = view.viewport().width() - others - average * STRETCH_KEEPS
        return max(average * self._narrow[column], room)

    def _cap(self) -> None:
        """Each narrowed column as wide as its text, or its ``_widest`` if less."""
        view = self._view
        self._capped_for = view.viewport().width()
        for column, natural in self._natural.items():
            wanted = min(natural, self._widest(column))
            if view.columnWidth(column) != wanted:
                view.setColumnWidth(column, wanted)

    def _fit_row(self, row: int, lines: int, wrapped: bool) -> None:
        """Row ``row`` as tall as Qt's ``resizeRowToContents`` makes it (its tallest cell,
        and its hidden header's hint), asking Qt to measure only the wrapped column at its
        width: every other column is as wide as its text (``_rows``) or never wraps (a
        narrowed one), so each of its cells is one line, ``lines`` tall at most (``_size``),
        not measured again."""
        view = self._view
        height = max(lines, self._wrapped_height(row, self._stretch)) if wrapped else lines
        # (Qt's hint has the grid line below the cells; the header's does not)
        height = max(height + int(view.showGrid()), self._header_hint(row))
        view.verticalHeader().resizeSection(row, height)

    def _wrapped_height(self, row: int, column: int) -> int:
        """The height of cell ``row``, ``column`` wrapped at its column's width, as Qt's
        table measures it."""
        view = self._view
        index = view.model().index(row, column)
        option = QStyleOptionViewItem()
        view.initViewItemOption(option)
        option.rect = QRect(
            view.columnViewportPosition(column),
            view.rowViewportPosition(row),
            view.columnWidth(column) - int(view.showGrid()),
            max(1, view.rowHeight(row)),
        )
        return view.itemDelegateForIndex(index).sizeHint(option, index).height()

    def _header_hint(self, row: int) -> int:
        """The row header's hint (hidden, it still counts): the same for every row of a
        table whose rows have no header of their own, so asked once for the font."""
        if self._row_header is None:
            self._row_header = self._view.verticalHeader().sectionSizeHint(row)
        return self._row_header

    def _size(self, row: int, column: int) -> tuple[int, int]:
        """The size cell ``row``, ``column`` needs on one line (as Qt measures it), by its
        text."""
        model = self._view.model()
        if isinstance(model, RowsModel):  # read in Python, not asked of the model through Qt
            text = model.text(row, column)
        else:
            text = model.index(row, column).data()
        key = (column, text)
        size = self._sizes.get(key)
        if size is None:
            if len(self._sizes) > 2000:  # a long list of distinct texts: start again
                self._sizes.clear()
            hint = self._view.sizeHintForIndex(model.index(row, column))
            size = self._sizes[key] = (hint.width(), hint.height())
        return size

    def _forget_sizes(self) -> None:
        """Another font, style or set of rows: measure afresh."""
        self._sizes.clear()
        self._row_header = None

    def _all_rows(self) -> None:
        if self._view.isVisible():
            self._view.resizeRowsToContents()
            self._view.rows_fitted.emit()
        else:
            self._stale = True

    def _resized(self, _column: int, _old: int, _new: int) -> None:
        # While a column is being fitted here, the rows are measured after it anyway.
        if self._sizing:
            return
        if self._natural and self._view.viewport().width() != self._capped_for:
            # The table's width changed (not a column dragged): the narrowed columns' caps.
            self._sizing = True
            try:
                self._cap()
            finally:
                self._sizing = False
        self._rows_again.start()


def label(
    text: str, parent: QWidget | None = None, name: str | None = None, wrap: bool = True
) -> QLabel:
    widget = QLabel(text, parent)
    widget.setWordWrap(wrap)
    widget.setAccessibleName(name or text)
    widget.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return widget


def offer(why_not: str, *widgets: QWidget) -> None:
    """``widgets`` usable when there is no reason not (``why_not`` empty); otherwise
    disabled, their tooltip saying why (a control greyed out without a word is a puzzle)."""
    for widget in widgets:
        widget.setEnabled(not why_not)
        widget.setToolTip(why_not)


def fill_agencies(
    combo: QComboBox,
    agencies: Sequence[AgencyOption],
    mine: int | None = None,
    first: tuple[str, None] | None = None,
) -> None:
    """The agency pick list ("Name (CODE)"), on the user's own agency when they have one."""
    combo.clear()
    if first is not None:
        combo.addItem(*first)
    for option in agencies:
        combo.addItem(f"{option.name} ({option.code})", option.id)
    if mine is not None:
        combo.setCurrentIndex(max(0, combo.findData(mine)))
