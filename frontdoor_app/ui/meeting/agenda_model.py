"""The agenda as a table model over plain ``AgendaRow`` values (no ORM, no proxy)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from frontdoor_app.meeting.agenda_rows import AgendaRow
from frontdoor_app.ui.widgets.rows_model import RowsModel
from frontdoor_app.ui.widgets.words import (
    AGENDA_COLUMNS,
    agenda_cell,
    agenda_headers,
    agenda_row_words,
)

_Index = QModelIndex | QPersistentModelIndex
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class AgendaModel(RowsModel[AgendaRow]):
    """Columns: status, number, risk, household, children, flags. A live refresh of the same
    cases repaints only the rows that changed (``RowsModel.set_rows``, keyed on the case)."""

    COLUMNS = AGENDA_COLUMNS
    ItemIdRole = RowsModel.RowRole + 1

    def __init__(self, parent: Any = None) -> None:
        super().__init__(
            [
                (header, lambda row, column=column: agenda_cell(row, column))
                for header, column in zip(agenda_headers(), AGENDA_COLUMNS, strict=True)
            ],
            describe=agenda_row_words,
            parent=parent,
            key=lambda row: row.item_id,
        )

    def row_of(self, item_id: int | None) -> int:
        for i, r in enumerate(self.rows):
            if r.item_id == item_id:
                return i
        return -1

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == self.ItemIdRole:
            row = self.row_at(index.row()) if index.isValid() else None
            return None if row is None else row.item_id
        if role == Qt.ItemDataRole.TextAlignmentRole:
            valid = index.isValid() and 0 <= index.column() < len(self.COLUMNS)
            if valid and self.COLUMNS[index.column()] in ("number", "children"):
                return _RIGHT
            return None
        return super().data(index, role)
