"""Helpers the case tabs share: local times, table views, labelled fields."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QAbstractItemModel, QCoreApplication, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QLabel,
    QTableView,
    QWidget,
)

if TYPE_CHECKING:  # only named in annotations: the first paint need not load the views
    from frontdoor_app.meeting.views import AgencyOption

RESIZE_ROWS = 40


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


def make_table(
    model: QAbstractItemModel, name: str, parent: QWidget | None = None, stretch_column: int = -1
) -> QTableView:
    """A read-only, row-selecting, word-wrapping table with an accessible name."""
    view = QTableView(parent)
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
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    # Measure a screenful of rows, not a household's whole history, when sizing columns.
    header.setResizeContentsPrecision(RESIZE_ROWS)
    column = stretch_column if stretch_column >= 0 else model.columnCount() - 1
    if column >= 0:
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    return view


def label(
    text: str, parent: QWidget | None = None, name: str | None = None, wrap: bool = True
) -> QLabel:
    widget = QLabel(text, parent)
    widget.setWordWrap(wrap)
    widget.setAccessibleName(name or text)
    widget.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return widget


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
