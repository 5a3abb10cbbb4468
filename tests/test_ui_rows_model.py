"""The one table model: rows diffed on refresh (the selection stays), per-column tooltips,
and the models that used to re-implement it (export log, FGC queue, audit viewer) on it."""

from __future__ import annotations

import dataclasses
import datetime as dt

from PySide6.QtCore import QModelRoleData, Qt
from PySide6.QtWidgets import QTableView

from frontdoor_app.meeting.minutes_export import ExportLogRow
from frontdoor_app.ui.minutes.support import export_log_model
from frontdoor_app.ui.widgets.rows_model import RowsModel


@dataclasses.dataclass(frozen=True)
class Row:
    id: int
    name: str
    note: str = ""


def model() -> RowsModel[Row]:
    return RowsModel(
        [
            ("Name", lambda r: r.name),
            ("Note", lambda r: r.note[:5], lambda r: r.note),  # cut short; tooltip whole
        ],
        describe=lambda r: f"{r.name}: {r.note}",
    )


def test_a_refresh_of_the_same_rows_repaints_only_what_changed(qtbot, qtmodeltester) -> None:
    m = model()
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(m)
    m.set_rows([Row(1, "Anna"), Row(2, "Ben"), Row(3, "Cleo")])
    qtmodeltester.check(m)
    view.selectRow(1)
    changed: list[tuple[int, int]] = []
    resets: list[bool] = []
    m.dataChanged.connect(lambda a, b, *_: changed.append((a.row(), b.row())))
    m.modelReset.connect(lambda: resets.append(True))

    m.set_rows([Row(1, "Anna"), Row(2, "Ben", "moved to Leeds"), Row(3, "Cleo")])
    assert changed == [(1, 1)] and resets == []
    assert view.currentIndex().row() == 1 and view.selectionModel().isRowSelected(1)
    assert m.data(m.index(1, 1)) == "moved"
    assert m.data(m.index(1, 1), Qt.ItemDataRole.ToolTipRole) == "moved to Leeds"
    assert m.data(m.index(1, 0), Qt.ItemDataRole.ToolTipRole) == "Ben: moved to Leeds"

    m.set_rows([Row(1, "Anna"), Row(3, "Cleo")])  # a row gone: the model is reset
    assert resets == [True] and m.rowCount() == 2
    qtmodeltester.check(m)


def test_an_empty_list_set_empty_again_tells_the_view_nothing(qtbot, qtmodeltester) -> None:
    """Every entry saved in the room sets the case's sharing decisions again; with none
    there is nothing to tell the view (a reset cost the table a fit each time)."""
    m = model()
    told: list[str] = []
    for signal in (m.modelReset, m.rowsInserted, m.rowsRemoved, m.dataChanged):
        signal.connect(lambda *_a, name=signal: told.append(str(name)))
    m.set_rows([])
    assert told == [] and m.rowCount() == 0
    m.set_rows([Row(1, "Anna")])
    assert len(told) == 1 and m.rowCount() == 1  # the first row: a reset, as before
    m.set_rows([])
    assert len(told) == 2 and m.rowCount() == 0
    qtmodeltester.check(m)


def test_rows_added_after_the_same_rows_are_inserted_and_the_selection_stays(
    qtbot, qtmodeltester
) -> None:
    m = model()
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(m)
    m.set_rows([Row(1, "Anna"), Row(2, "Ben")])
    view.selectRow(1)
    inserted: list[tuple[int, int]] = []
    changed: list[tuple[int, int]] = []
    resets: list[bool] = []
    m.rowsInserted.connect(lambda _p, first, last: inserted.append((first, last)))
    m.dataChanged.connect(lambda a, b, *_: changed.append((a.row(), b.row())))
    m.modelReset.connect(lambda: resets.append(True))

    # Someone else's entry (after the others), and Anna's row edited meanwhile.
    m.set_rows([Row(1, "Anna", "edited"), Row(2, "Ben"), Row(3, "Cleo"), Row(4, "Dev")])
    assert inserted == [(2, 3)] and changed == [(0, 0)] and resets == []
    assert m.rowCount() == 4 and m.data(m.index(3, 0)) == "Dev"
    assert m.data(m.index(0, 1)) == "edite"
    assert view.currentIndex().row() == 1 and view.selectionModel().isRowSelected(1)
    qtmodeltester.check(m)

    m.set_rows([Row(5, "Eve"), Row(1, "Anna")])  # another order: the model is reset
    assert resets == [True] and m.rowCount() == 2


def test_a_cells_roles_asked_together_are_the_roles_asked_one_by_one(qtbot) -> None:
    m = RowsModel(
        [("Name", lambda r: r.name), ("Note", lambda r: r.note[:5], lambda r: r.note)],
        describe=lambda r: f"{r.name}: {r.note}",
        roles={Qt.ItemDataRole.ForegroundRole: lambda r: "grey" if r.note else None},
    )
    m.set_rows([Row(1, "Anna", "moved to Leeds"), Row(2, "Ben")])
    roles = [
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.AccessibleTextRole,
        Qt.ItemDataRole.ForegroundRole,
        Qt.ItemDataRole.FontRole,  # none: cleared
        RowsModel.RowRole,
    ]
    asked = 0
    for row in range(2):
        for column in range(2):
            index = m.index(row, column)
            for role in roles:
                wanted = QModelRoleData(role)
                wanted.setData("left over from the last cell")
                m.multiData(index, wanted)
                assert wanted.data() == m.data(index, role)
                asked += wanted.data() is not None
    assert asked == 2 * 2 * 4 + 2  # and Anna's foreground in both columns; nobody's font
    outside = QModelRoleData(Qt.ItemDataRole.DisplayRole)
    m.multiData(m.index(5, 0), outside)
    assert outside.data() is None


def test_rows_without_an_id_are_compared_whole(qtbot, qtmodeltester) -> None:
    at = dt.datetime(2026, 11, 23, 9, 30, tzinfo=dt.UTC)
    rows = (ExportLogRow(at, "test.chair", "print", "MIN-1", "printed on the default printer"),)
    log = export_log_model("Europe/London")
    resets: list[bool] = []
    log.modelReset.connect(lambda: resets.append(True))
    log.set_rows(rows)
    log.set_rows(rows)  # nothing new: nothing repainted
    assert resets == [True]
    qtmodeltester.check(log)
    assert log.data(log.index(0, 0)) == "23 Nov 2026 09:30"
    assert log.data(log.index(0, 2)) == "Printed"
    assert log.row_at(0) == rows[0] and log.row_at(1) is None and log.row_at(-1) is None


def test_a_disabled_user_is_greyed_in_the_people_table(qtbot, qtmodeltester) -> None:
    from frontdoor_app.access.people import Person
    from frontdoor_app.ui.admin.people_screen import people_model

    table = people_model()
    table.set_rows(
        [
            Person("hsg.rao", "Ravi Rao", "representative", "HSG", False, None),
            Person("hv.lee", "Hannah Lee", "representative", "HV", True, None),
        ]
    )
    qtmodeltester.check(table)
    foreground = Qt.ItemDataRole.ForegroundRole
    assert table.data(table.index(0, 4)) == "Disabled"
    assert table.data(table.index(0, 0), foreground).color() == Qt.GlobalColor.darkGray
    assert table.data(table.index(1, 0), foreground) is None
