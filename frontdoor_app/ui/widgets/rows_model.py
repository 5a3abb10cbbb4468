"""The one table model over plain rows: the case tabs, the tracker, the import lists, the
FGC queue, the audit viewer and the minutes' export log.

``set_rows`` diffs: when the new rows are the same records in the same order (by ``key``:
a row's ``id`` if it has one, else the row itself), perhaps with more after them, only
the rows that changed are repainted, the new ones are inserted, and the selection stays;
otherwise the model is reset.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from typing import Any, Generic, TypeVar, cast

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QModelRoleData,
    QModelRoleDataSpan,
    QPersistentModelIndex,
    Qt,
)

T = TypeVar("T")
_Index = QModelIndex | QPersistentModelIndex
# (header, text of a row) or (header, text, tooltip of a row for this column only)
Column = tuple[str, Callable[[T], str]] | tuple[str, Callable[[T], str], Callable[[T], str]]


def row_key(row: Any) -> Hashable:
    """Which record a row shows: its ``id`` when it has one, else the row itself."""
    return getattr(row, "id", row)  # type: ignore[no-any-return]


class RowsModel(QAbstractTableModel, Generic[T]):
    """Columns are (header, fn(row) -> text[, fn(row) -> tooltip]); rows are frozen
    dataclasses, never ORM rows. ``describe`` is the tooltip and screen-reader text of a
    whole row (a column's own tooltip comes first)."""

    RowRole = Qt.ItemDataRole.UserRole + 1

    def __init__(
        self,
        columns: Sequence[Column[T]],
        describe: Callable[[T], str] | None = None,
        parent: Any = None,
        key: Callable[[T], Hashable] = row_key,
        roles: Mapping[int, Callable[[T], Any]] | None = None,
    ) -> None:
        super().__init__(parent)
        self._columns = tuple(columns)
        self._describe = describe
        self._key = key
        self._roles: dict[int, Callable[[T], Any]] = {}
        self._served: frozenset[int] = frozenset()
        self._given: object = self  # (no mapping is this model: the first ``serve`` sets)
        self.serve(roles)
        self._rows: tuple[T, ...] = ()

    def serve(self, roles: Mapping[int, Callable[[T], Any]] | None) -> None:
        """More roles of a whole row (its colour, say) from now on, or none. Each role
        served is asked of every cell a view measures or paints: a model sets them only
        while some row needs them (``ui/case/waiting_rows``); the rows are not repainted.
        The same mapping again (or None again) changes nothing."""
        if roles is self._given:
            return
        self._given = roles
        self._roles = dict(roles or {})
        self._served = frozenset(
            int(role)
            for role in (
                Qt.ItemDataRole.DisplayRole,
                Qt.ItemDataRole.ToolTipRole,
                Qt.ItemDataRole.AccessibleTextRole,
                self.RowRole,
                *self._roles,
            )
        )

    def set_rows(self, rows: Sequence[T]) -> None:
        new = tuple(rows)
        old, key = self._rows, self._key
        if not old and not new:
            return  # empty and still empty: nothing to tell the view (a reset costs it a fit)
        kept = len(old)
        if not old or len(new) < kept or [key(r) for r in new[:kept]] != [key(r) for r in old]:
            self.beginResetModel()
            self._rows = new
            self.endResetModel()
            return
        # The same records in the same order, perhaps more after them (a live refresh
        # usually changes or adds one or two rows): repaint only the rows that changed,
        # add the new ones, and keep the selection.
        self._rows = new[:kept]
        last = len(self._columns) - 1
        for row, (before, after) in enumerate(zip(old, self._rows, strict=True)):
            if before is not after and before != after:  # (a refresh keeps the rows it had)
                self.dataChanged.emit(self.index(row, 0), self.index(row, last))
        if len(new) > kept:
            self.beginInsertRows(QModelIndex(), kept, len(new) - 1)
            self._rows = new
            self.endInsertRows()

    @property
    def rows(self) -> tuple[T, ...]:
        return self._rows

    def text(self, row: int, column: int) -> str | None:
        """What cell ``row``, ``column`` shows (its display role), or None: no such cell."""
        cell = self._cell(row, column)
        return None if cell is None else self._value(*cell, Qt.ItemDataRole.DisplayRole)

    def row_at(self, row: int) -> T | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._columns)

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,  # noqa: N802
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(self._columns)
            and role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole)
        ):
            return self._columns[section][0]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        cell = self._cell(index.row(), index.column())
        return None if cell is None else self._value(*cell, role)

    def multiData(  # noqa: N802 - Qt's name
        self,
        index: _Index,
        roleDataSpan: QModelRoleDataSpan | QModelRoleData,  # noqa: N803
    ) -> None:
        """A view asks for a cell's roles together (seven, to paint or measure it): one
        call into Python for the cell, not one per role (about 900 calls to paint or fit
        the table of a case's entries)."""
        asked: Iterable[QModelRoleData] = (
            (roleDataSpan,)
            if isinstance(roleDataSpan, QModelRoleData)
            else cast("Iterable[QModelRoleData]", roleDataSpan)  # iterable; not in the stubs
        )
        cell = self._cell(index.row(), index.column())
        served, value_of = self._served, self._value
        for wanted in asked:
            role = wanted.role()
            if cell is not None and role in served:
                value = value_of(*cell, role)
                if value is not None:
                    wanted.setData(value)
                    continue
            wanted.clearData()

    def _cell(self, row: int, column: int) -> tuple[T, Column[T]] | None:
        """The row and column at ``row``, ``column`` (None: none of this model's cells; an
        invalid index has -1 for both, so Qt is not asked ``isValid`` for each cell)."""
        if 0 <= row < len(self._rows) and 0 <= column < len(self._columns):
            return self._rows[row], self._columns[column]
        return None

    def _value(self, row: T, column: Column[T], role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return column[1](row)
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            if len(column) == 3:
                return column[2](row)
            if self._describe is not None:
                return self._describe(row)
            return column[1](row)
        if role == self.RowRole:
            return row
        if role in self._roles:
            return self._roles[role](row)
        return None
