"""The agenda as a table model over plain ``AgendaRow`` values (no ORM, no proxy)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

from frontdoor_app.meeting.agenda_rows import AgendaRow
from frontdoor_app.ui.widgets.words import (
    AGENDA_COLUMNS,
    agenda_cell,
    agenda_headers,
    agenda_row_words,
)

_Index = QModelIndex | QPersistentModelIndex


class AgendaModel(QAbstractTableModel):
    """Columns: status, number, risk, household, children, flags."""

    COLUMNS = AGENDA_COLUMNS
    ItemIdRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: tuple[AgendaRow, ...] = ()
        self._headers = agenda_headers()

    # -- data in
    def set_rows(self, rows: Sequence[AgendaRow]) -> None:
        new = tuple(rows)
        if [r.item_id for r in new] == [r.item_id for r in self._rows]:
            # Same cases in the same order: repaint only the rows that changed, keep the
            # selection (a live refresh usually changes one or two rows).
            old, self._rows = self._rows, new
            last = len(self.COLUMNS) - 1
            for row, (before, after) in enumerate(zip(old, new, strict=True)):
                if before != after:
                    self.dataChanged.emit(self.index(row, 0), self.index(row, last))
            return
        self.beginResetModel()
        self._rows = new
        self.endResetModel()

    @property
    def rows(self) -> tuple[AgendaRow, ...]:
        return self._rows

    def row_at(self, row: int) -> AgendaRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, item_id: int | None) -> int:
        for i, r in enumerate(self._rows):
            if r.item_id == item_id:
                return i
        return -1

    # -- Qt model
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,  # noqa: N802
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(self._headers)
            and role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole)
        ):
            return self._headers[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return agenda_cell(row, column)
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            return agenda_row_words(row)
        if role == self.ItemIdRole:
            return row.item_id
        if role == Qt.ItemDataRole.TextAlignmentRole and column in ("number", "children"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
