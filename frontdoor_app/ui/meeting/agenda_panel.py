"""The agenda panel: today's cases in order, with risk, flags, children and status."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QMargins, QModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QKeyEvent, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from frontdoor_app.meeting.agenda_rows import AgendaView
from frontdoor_app.ui.core.theme import set_scaled_font
from frontdoor_app.ui.meeting.agenda_model import AgendaModel
from frontdoor_app.ui.widgets.tables import RESIZE_ROWS, label
from frontdoor_app.ui.widgets.words import (
    AGENDA_COLUMNS,
    agenda_heading,
    agenda_summary,
    flag_legend_text,
)

HOUSEHOLD = AGENDA_COLUMNS.index("household")
# Room for a household's name beside the other columns, in average characters of the
# table's type: the panel opens this wide at least, and is never squeezed below the least.
HOUSEHOLD_CHARS = 16
HOUSEHOLD_LEAST_CHARS = 8


class AgendaTable(QTableView):
    """The table; says when it has first been painted with rows (the start-up contract)."""

    painted_with_rows = Signal()
    activated_item = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._reported = False

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        super().paintEvent(event)
        model = self.model()
        if not self._reported and model is not None and model.rowCount() > 0:
            self._reported = True
            self.painted_with_rows.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            item_id = self.model().data(self.currentIndex(), AgendaModel.ItemIdRole)
            if item_id is not None:
                self.activated_item.emit(int(item_id))
                event.accept()
                return
        super().keyPressEvent(event)


class AgendaPanel(QWidget):
    """Emits ``selected(item_id)`` when the user moves to a case, ``activated`` on Enter."""

    selected = Signal(int)
    activated = Signal(int)
    defer_requested = Signal(int)
    move_requested = Signal(int, int)  # item id, new position

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("agendaPanel")
        self.setAccessibleName(self.tr("Agenda"))
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        self.heading = label(self.tr("AGENDA"), self, self.tr("Agenda heading"))
        self.heading.setObjectName("agendaHeading")
        set_scaled_font(self.heading, 1.2, bold=True)
        layout.addWidget(self.heading)
        self.model = AgendaModel(self)
        self.table = AgendaTable(self)
        self.table.setObjectName("agendaTable")
        self.table.setAccessibleName(self.tr("Agenda cases"))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().setVisible(False)
        # Compact rows from the font, so a morning's agenda fits without scrolling far.
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().lineSpacing() + 10)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setResizeContentsPrecision(RESIZE_ROWS)
        header.setSectionResizeMode(HOUSEHOLD, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)
        self.summary = label("", self, self.tr("Agenda summary"))
        self.summary.setObjectName("agendaSummary")
        layout.addWidget(self.summary)
        self.legend = label(
            self.tr("Status: ▶ current · ✓ discussed · → deferred. Flags: ") + flag_legend_text(),
            self,
            self.tr("Status and flag legend"),
        )
        self.legend.setObjectName("flagLegend")
        layout.addWidget(self.legend)
        buttons = QHBoxLayout()
        self.up = QPushButton(self.tr("▲ Up"), self)
        self.up.setAccessibleName(self.tr("Move the selected case up"))
        self.down = QPushButton(self.tr("▼ Down"), self)
        self.down.setAccessibleName(self.tr("Move the selected case down"))
        self.defer = QPushButton(self.tr("Defer"), self)
        self.defer.setAccessibleName(self.tr("Defer the selected case to the next meeting"))
        for button in (self.up, self.down, self.defer):
            buttons.addWidget(button)
        layout.addLayout(buttons)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.table.activated_item.connect(self.activated)
        self.table.doubleClicked.connect(self._double_clicked)
        self.up.clicked.connect(lambda: self.move_selected(-1))
        self.down.clicked.connect(lambda: self.move_selected(+1))
        self.defer.clicked.connect(self._defer)
        self._quiet = False
        self._columns: tuple[object, int] = (None, 0)
        self._least_width = self.width_for(HOUSEHOLD_LEAST_CHARS)
        self._room_made = False

    # ------------------------------------------------------------------ its width
    def width_for(self, household_chars: int) -> int:
        """The panel's width for its other columns, as wide as their headings and contents
        (the type the system gives, however large), and ``household_chars`` of a name."""
        table = self.table
        name = table.fontMetrics().averageCharWidth() * household_chars
        scroll = table.verticalScrollBar().sizeHint().width()
        layout = self.layout()
        margins = layout.contentsMargins() if layout is not None else QMargins()
        return (
            self._columns_width()
            + name
            + scroll
            + 2 * table.frameWidth()
            + margins.left()
            + margins.right()
        )

    def _columns_width(self) -> int:
        """The columns but the household's, fitted (measured again when the number of rows
        or the type changes: measuring every cell takes milliseconds)."""
        table, header = self.table, self.table.horizontalHeader()
        key = (self.model.rowCount(), table.font().key())
        if self._columns[0] != key:
            width = sum(
                max(header.sectionSizeHint(c), table.sizeHintForColumn(c))
                for c in range(self.model.columnCount())
                if c != HOUSEHOLD
            )
            self._columns = (key, width)
        return self._columns[1]

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        """A splitter never squeezes the household names out of the agenda."""
        hint = super().minimumSizeHint()
        return QSize(max(hint.width(), self._least_width), hint.height())

    def _fit_width(self) -> None:
        """After the rows changed: the least width for them; with the first rows, a share of
        the window narrower than the agenda needs (a large system font) grows to it once
        (the chair may drag it narrower, down to the least, or wider). Rows that come
        before the window is on screen (the start builds it hidden) wait for its first
        layout (``resizeEvent``): a hidden splitter's sizes are not the window's yet."""
        least = self.width_for(HOUSEHOLD_LEAST_CHARS)
        if least != self._least_width:
            self._least_width = least
            self.updateGeometry()
        splitter = self.parentWidget()
        if self._room_made or self.model.rowCount() == 0 or not isinstance(splitter, QSplitter):
            return
        if not splitter.isVisible():
            return
        self._room_made = True
        sizes = splitter.sizes()
        wanted = self.width_for(HOUSEHOLD_CHARS)
        whole = sum(sizes) or splitter.width()
        if sizes and sizes[0] < wanted and whole > 0:
            wanted = min(wanted, whole * 45 // 100)  # the case keeps most of the window
            splitter.setSizes([wanted, *([max(whole - wanted, 0)] * (len(sizes) - 1))])

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        if not self._room_made:
            self._fit_width()

    def set_chair_tools(self, visible: bool) -> None:
        for button in (self.up, self.down, self.defer):
            button.setVisible(visible)

    def show_agenda(self, agenda: AgendaView, select_item: int | None) -> None:
        rows = agenda.rows
        self._quiet = True
        try:
            self.model.set_rows(rows)
            self.select(select_item)
        finally:
            self._quiet = False
        self._fit_width()
        self.heading.setText(agenda_heading(rows))
        self.summary.setText(agenda_summary(agenda.meeting.waiting, rows))

    def select(self, item_id: int | None) -> None:
        """Highlight a case without announcing it (the window already knows)."""
        row = self.model.row_of(item_id)
        quiet, self._quiet = self._quiet, True
        try:
            if row < 0:
                self.table.clearSelection()
                return
            index = self.model.index(row, 0)
            self.table.selectionModel().setCurrentIndex(
                index,
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
            self.table.scrollTo(index)
        finally:
            self._quiet = quiet

    def current_item_id(self) -> int | None:
        row = self.model.row_at(self.table.currentIndex().row())
        return row.item_id if row else None

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row = self.model.row_at(current.row())
        if row is not None and not self._quiet:
            self.selected.emit(row.item_id)

    def _double_clicked(self, index: QModelIndex) -> None:
        row = self.model.row_at(index.row())
        if row is not None:
            self.activated.emit(row.item_id)

    def move_selected(self, step: int) -> None:
        row = self.model.row_at(self.table.currentIndex().row())
        if row is not None:
            self.move_requested.emit(row.item_id, max(1, row.position + step))

    def _defer(self) -> None:
        item_id = self.current_item_id()
        if item_id is not None:
            self.defer_requested.emit(item_id)
