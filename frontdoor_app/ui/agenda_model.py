"""The agenda as a table model over plain ``AgendaRow`` values (no ORM, no proxy)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

from frontdoor_app.meeting.views import AgendaRow

_Index = QModelIndex | QPersistentModelIndex


def _t(text: str) -> str:
    return QCoreApplication.translate("Agenda", text)


def _tn(text: str, n: int) -> str:
    return QCoreApplication.translate("Agenda", text, "", n).replace("%n", str(n))


def risk_label(risk: str | None, short: bool = True) -> str:
    """Risk as a shape AND a word, never colour alone: ▲ HIGH, ◆ MED, ● STD."""
    if risk == "high":
        return _t("▲ HIGH")
    if risk == "medium":
        return _t("◆ MED") if short else _t("◆ MEDIUM")
    if risk == "standard":
        return _t("● STD") if short else _t("● STANDARD")
    return _t("? unknown")


def status_mark(status: str) -> str:
    return {"current": "▶", "discussed": "✓", "deferred": "→", "waiting": " "}.get(status, " ")


def status_word(status: str) -> str:
    return {
        "current": _t("current"),
        "discussed": _t("discussed"),
        "deferred": _t("deferred to next meeting"),
        "waiting": _t("waiting"),
    }.get(status, status)


FLAG_LEGEND = (
    ("M", "MARAC criterion"),
    ("R", "repeat family"),
    ("U5", "child under five"),
    ("UB", "unborn child"),
    ("NC", "no child listed"),
)


def flag_legend_text() -> str:
    return " · ".join(f"{code} {_t(words)}" for code, words in FLAG_LEGEND)


class AgendaModel(QAbstractTableModel):
    """Columns: status, number, risk, household, children, flags."""

    COLUMNS = ("status", "number", "risk", "household", "children", "flags")
    ItemIdRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: tuple[AgendaRow, ...] = ()
        self._headers = (_t("Status"), _t("No."), _t("Risk"), _t("Household"),
                         _t("Children"), _t("Flags"))  # fmt: skip

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

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # fmt: skip
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
            return self._display(row, column)
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._describe(row)
        if role == self.ItemIdRole:
            return row.item_id
        if role == Qt.ItemDataRole.TextAlignmentRole and column in ("number", "children"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _display(self, row: AgendaRow, column: str) -> str:
        if column == "status":
            return status_mark(row.status)
        if column == "number":
            return str(row.position)
        if column == "risk":
            return risk_label(row.agreed_risk or row.dash_risk)
        if column == "household":
            return row.household_name or row.initials or row.police_ref
        if column == "children":
            return _tn("%n ch", row.children) if row.children else _t("none")
        if column == "flags":
            return " ".join(row.flag_codes)
        return ""

    def _describe(self, row: AgendaRow) -> str:
        """The whole row in words, for tooltips and screen readers."""
        parts = [
            _t("Case %1").replace("%1", str(row.position)),
            status_word(row.status),
            risk_label(row.agreed_risk or row.dash_risk, short=False),
            row.household_name or row.initials,
            _t("%1 children").replace("%1", str(row.children)),
        ]
        parts.extend(row.flag_texts)
        return ", ".join(p for p in parts if p)
