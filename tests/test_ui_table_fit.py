"""Tables fit their columns and wrapped rows to what they show (``make_table``), measuring
only what changed: a row added is as tall as a fresh fit would make it, a table on a
hidden tab is measured when shown, and a new width measures the rows again. Rows added
at the end paint only themselves (not the empty table below them), and what is on screen
is then what a whole repaint shows."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QTableView, QTabWidget, QWidget

from frontdoor_app.ui.widgets.rows_model import RowsModel
from frontdoor_app.ui.widgets.tables import AGENCY_CHARS, STRETCH_KEEPS, make_table
from tests.ui_support import on_screen_is_a_fresh_paint as shown_as_painted

LONG = "The school reports the children arrived late and hungry on three days this week. " * 3


@dataclasses.dataclass(frozen=True)
class Entry:
    id: int
    agency: str
    text: str


def entries_model() -> RowsModel[Entry]:
    return RowsModel([("Agency", lambda e: e.agency), ("Entry", lambda e: e.text)])


def table(qtbot, rows: list[Entry]) -> tuple[QTableView, RowsModel[Entry]]:
    model = entries_model()
    view = make_table(model, "Entries", None, stretch_column=1)
    qtbot.addWidget(view)
    view.resize(600, 400)
    view.show()
    qtbot.waitExposed(view)
    model.set_rows(rows)
    return view, model


def heights(view: QTableView) -> list[int]:
    return [view.rowHeight(r) for r in range(view.model().rowCount())]


def fresh_fit(qtbot, rows: list[Entry]) -> tuple[list[int], int]:
    view, _model = table(qtbot, rows)
    qtbot.wait(10)
    return heights(view), view.columnWidth(0)


def test_a_row_added_is_measured_as_a_fresh_table_would_measure_it(qtbot) -> None:
    first = [Entry(1, "HV", "Seen at home."), Entry(2, "Police", "No further calls.")]
    view, model = table(qtbot, first)
    qtbot.wait(10)
    one_line = view.rowHeight(0)
    resets: list[bool] = []
    model.modelReset.connect(lambda: resets.append(True))

    added = [*first, Entry(3, "Children's Social Care (a long agency name)", LONG)]
    model.set_rows(added)
    qtbot.wait(10)
    assert resets == []  # added, not reset: the selection and scroll stay
    assert view.rowHeight(2) > 2 * one_line  # the long entry wraps over several lines
    # the agency column widened for the longer name, as a fresh fit makes it
    assert (heights(view), view.columnWidth(0)) == fresh_fit(qtbot, added)


def test_rows_added_one_by_one_are_as_tall_as_qt_makes_them_in_any_font(qtbot) -> None:
    """Only the wrapped column is measured for a row added (the others are one line, by
    their text): the heights are Qt's own (``resizeRowsToContents``), grid line and all,
    and again once the type is doubled."""
    view, model = table(qtbot, [Entry(1, "HV", "Seen at home.")])
    rows = [Entry(1, "HV", "Seen at home.")]
    for step in range(2):
        if step:
            font = QFont(view.font())
            font.setPointSizeF(font.pointSizeF() * 2)
            view.setFont(font)
            qtbot.wait(10)
        for n in range(12):
            words = LONG[: 20 + 37 * n]
            rows = [*rows, Entry(len(rows) + 1, ("Police", "School nurse")[n % 2], words)]
            model.set_rows(rows)
            # as it is measured, before anything else (a scroll bar coming, say) measures
            # the table again: what ``resizeRowToContents`` would make it
            row = len(rows) - 1
            qts = max(view.sizeHintForRow(row), view.verticalHeader().sectionSizeHint(row))
            assert view.rowHeight(row) == qts, (step, n)
        assert len(set(heights(view))) >= 3  # one line, and several heights of wrapped text


def test_a_changed_row_is_measured_again(qtbot) -> None:
    view, model = table(qtbot, [Entry(1, "HV", "Seen at home."), Entry(2, "HV", "Short.")])
    qtbot.wait(10)
    short = view.rowHeight(1)
    model.set_rows([Entry(1, "HV", "Seen at home."), Entry(2, "HV", LONG)])
    qtbot.wait(10)
    assert view.rowHeight(1) > 2 * short
    model.set_rows([Entry(1, "HV", "Seen at home."), Entry(2, "HV", "Short.")])
    qtbot.wait(10)
    assert view.rowHeight(1) == short


def test_a_text_measured_before_is_measured_again_in_a_new_font(qtbot) -> None:
    """A column's texts are measured once each (rows someone adds repeat their agency), but
    a larger font (the user's text size) measures them afresh."""
    name = "Children's Social Care"
    first = [Entry(1, "HV", "Seen at home."), Entry(2, name, "Seen at school.")]
    view, model = table(qtbot, first[:1])
    model.set_rows(first)  # added: its agency measured
    qtbot.wait(10)
    font = QFont(view.font())
    font.setPointSizeF(font.pointSizeF() * 2)
    view.setFont(font)
    added = [*first, Entry(3, name, "No further calls.")]
    model.set_rows(added)
    qtbot.wait(10)
    fresh = make_table(entries_model(), "Fresh", None, stretch_column=1)
    qtbot.addWidget(fresh)
    fresh.setFont(font)
    fresh.resize(600, 400)
    fresh.show()
    qtbot.waitExposed(fresh)
    fresh.model().set_rows(added)  # type: ignore[attr-defined]
    qtbot.wait(10)
    assert view.columnWidth(0) == fresh.columnWidth(0) > 0


def test_a_table_on_a_hidden_tab_is_measured_when_shown(qtbot) -> None:
    tabs = QTabWidget()
    qtbot.addWidget(tabs)
    tabs.addTab(QWidget(), "First")
    model = entries_model()
    view = make_table(model, "Entries", None, stretch_column=1)
    tabs.addTab(view, "Entries")
    tabs.resize(600, 400)
    tabs.show()
    qtbot.waitExposed(tabs)
    rows = [Entry(1, "HV", "Seen at home."), Entry(2, "Police", LONG)]
    model.set_rows(rows)
    model.set_rows([*rows, Entry(3, "School", LONG)])
    tabs.setCurrentIndex(1)
    qtbot.wait(10)
    assert view.rowHeight(2) == view.rowHeight(1) > 2 * view.rowHeight(0)
    assert heights(view) == fresh_fit(qtbot, [*rows, Entry(3, "School", LONG)])[0]

    # Narrowed while another tab is on screen: measured again when the table is shown.
    wide = view.rowHeight(2)
    tabs.setCurrentIndex(0)
    tabs.resize(320, 400)
    qtbot.wait(10)
    tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: view.rowHeight(2) > wide, timeout=2000)


def test_a_narrower_table_wraps_its_rows_over_more_lines(qtbot) -> None:
    view, _model = table(qtbot, [Entry(1, "HV", LONG)])
    qtbot.wait(10)
    wide = view.rowHeight(0)
    view.resize(300, 400)
    qtbot.waitUntil(lambda: view.rowHeight(0) > wide, timeout=2000)


class _Painted(QObject):
    """The area of a widget's paint events, in pixels."""

    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget)
        self.pixels = 0
        widget.installEventFilter(self)

    def eventFilter(self, _watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Paint:
            self.pixels += event.rect().width() * event.rect().height()
        return False


def on_screen_is_a_fresh_paint(view: QTableView) -> bool:
    """The table's rows on screen are as a fresh paint: the rows only, since with both
    scroll bars shown the corner between them differs by a pixel in any case."""
    return shown_as_painted(view.viewport())


def test_rows_added_at_the_end_paint_only_themselves_and_the_screen_stays_right(qtbot) -> None:
    rows = [Entry(i, "HV", f"Seen at home, visit {i}.") for i in range(3)]
    view, model = table(qtbot, rows)
    view.resize(500, 300)
    qtbot.wait(20)
    assert on_screen_is_a_fresh_paint(view)
    painted = _Painted(view.viewport())

    def area() -> int:
        return view.viewport().width() * view.viewport().height()

    # Added while there is room: the new row is painted, not the rows above it nor the
    # empty table below it.
    rows = [*rows, Entry(10, "HV", LONG)]
    model.set_rows(rows)
    qtbot.wait(20)
    new_row = view.viewport().width() * (view.rowHeight(3) + 1)
    assert 0 < painted.pixels <= new_row
    assert view.rowViewportPosition(3) + view.rowHeight(3) + 1 < view.viewport().height()
    assert on_screen_is_a_fresh_paint(view)

    # Until the table is full: the scroll bar takes width, and everything is painted.
    for n in range(11, 30):
        rows = [*rows, Entry(n, "School", "Attending. " * (n % 5 + 1))]
        model.set_rows(rows)
        qtbot.wait(20)
        assert on_screen_is_a_fresh_paint(view)
    assert view.verticalScrollBar().isVisible()

    # Added below what is on screen: nothing in the table is painted again.
    view.selectRow(1)
    qtbot.wait(20)
    painted.pixels = 0
    rows = [*rows, Entry(30, "CSC", LONG)]
    model.set_rows(rows)
    qtbot.wait(20)
    assert painted.pixels == 0
    assert on_screen_is_a_fresh_paint(view)
    assert view.currentIndex().row() == 1  # the selection stays

    # A name too long for the narrow table brings a horizontal scroll bar: all painted.
    view.resize(220, 300)
    qtbot.wait(20)
    painted.pixels = 0
    rows = [*rows, Entry(32, "An agency with a name longer than the table is wide", "x")]
    model.set_rows(rows)
    qtbot.wait(20)
    assert view.horizontalScrollBar().isVisible()
    assert painted.pixels >= area()
    assert on_screen_is_a_fresh_paint(view)
    view.resize(500, 300)
    qtbot.wait(20)

    # Scrolled to the end, the rows above move up for the new one: all painted again.
    view.scrollToBottom()
    qtbot.wait(20)
    painted.pixels = 0
    model.set_rows([*rows, Entry(31, "CSC", "At the end.")])
    qtbot.wait(20)
    assert painted.pixels >= area()
    assert on_screen_is_a_fresh_paint(view)


def test_a_row_added_while_the_window_holds_its_painting_leaves_it_held(qtbot) -> None:
    """Rows added at the end hold the table's painting for a moment; a table whose window
    had switched its painting off stays so (whoever switched it off paints it later)."""
    rows = [Entry(i, "HV", f"Seen at home, visit {i}.") for i in range(3)]
    view, model = table(qtbot, rows)
    qtbot.wait(20)
    held = Qt.WidgetAttribute.WA_UpdatesDisabled
    assert not view.viewport().testAttribute(held)
    view.setUpdatesEnabled(False)
    assert view.viewport().testAttribute(held)
    model.set_rows([*rows, Entry(10, "HV", LONG)])
    assert view.viewport().testAttribute(held)
    view.setUpdatesEnabled(True)
    assert not view.viewport().testAttribute(held)
    model.set_rows([*rows, Entry(10, "HV", LONG), Entry(11, "CSC", "At school.")])
    assert not view.viewport().testAttribute(held)
    qtbot.wait(20)
    assert on_screen_is_a_fresh_paint(view)


def test_an_empty_table_says_what_it_is_and_a_filled_one_does_not(qtbot) -> None:
    """An empty grid looks as if something failed to load: the table says in words what
    goes in it (``empty``), only while it has no rows."""
    said = "Nothing shared yet: each agency's entry appears here once saved."

    def pictures(rows: list[Entry]):  # type: ignore[no-untyped-def]
        """The same table painted with the words, then without."""
        view, _model = table(qtbot, rows)
        shots = []
        for words in (said, ""):
            view.empty = words
            view.viewport().repaint()
            shots.append(view.viewport().grab().toImage())
        return shots

    with_words, without = pictures([])
    assert with_words != without  # the words are painted
    with_words, without = pictures([Entry(1, "Police", "Bail conditions")])
    assert with_words == without  # and not once there are rows


def test_the_scroll_bar_comes_once_when_the_rows_no_longer_fit_and_stays(qtbot) -> None:
    """A row that fits is measured before the table lays out its rows: laid out first, at
    Qt's default height, it brought a scroll bar with nothing to scroll, which went again
    and came back with the next row (two repaints and two fits of every row, and a flicker
    on every laptop at the moment a case's entries fill the table)."""
    view, model = table(qtbot, [Entry(0, "HV", "Seen at home.")])
    qtbot.wait(20)
    one_line = view.rowHeight(0)
    fitting = 8  # rows that fit: the last of them leaves one pixel more than a row
    target = fitting * one_line + 1
    view.resize(600, view.height() + target - view.viewport().height())
    qtbot.waitUntil(lambda: view.viewport().height() == target)
    # Laid out at Qt's default height, the last row that fits would not fit.
    assert view.verticalHeader().defaultSectionSize() > target - (fitting - 1) * one_line
    bar = view.verticalScrollBar()
    rows, seen = [Entry(0, "HV", "Seen at home.")], []
    for n in range(1, fitting + 3):
        rows = [*rows, Entry(n, "HV", f"Visit {n}.")]
        model.set_rows(rows)
        assert view.rowHeight(n) == one_line
        seen.append((n + 1, bar.isVisible(), bar.maximum()))
        qtbot.wait(20)
        seen.append((n + 1, bar.isVisible(), bar.maximum()))
    # With 8 rows, none to scroll and no bar; from 9 on, a bar with rows to scroll, for good.
    assert [(rows_, visible) for rows_, visible, _ in seen] == [
        (count, count > fitting) for count in range(2, fitting + 4) for _ in range(2)
    ], seen
    assert all(most > 0 for _, visible, most in seen if visible), seen


def test_a_row_added_asks_qt_to_measure_only_its_wrapped_cell(qtbot) -> None:
    """A row someone adds: each one-line cell's text is read from the model in Python
    (``RowsModel.text``) and measured once, by its text, for both its column's width and
    its row's height; only the wrapped cell goes through Qt's view to the model. Before,
    every one-line cell was asked of the model through Qt twice (about a tenth of what a
    laptop spent showing an entry someone saved)."""

    @dataclasses.dataclass(frozen=True)
    class Said:
        id: int
        at: str
        agency: str
        author: str
        text: str

    asked: list[str] = []

    class Counted(RowsModel[Said]):
        def data(self, index, role=Qt.ItemDataRole.DisplayRole):  # type: ignore[no-untyped-def]
            asked.append("data")
            return super().data(index, role)

        def multiData(self, index, roleDataSpan) -> None:  # type: ignore[no-untyped-def]  # noqa: N802, N803
            asked.append(f"multiData({index.column()})")
            super().multiData(index, roleDataSpan)

    model = Counted(
        [
            ("At", lambda s: s.at),
            ("Agency", lambda s: s.agency),
            ("Author", lambda s: s.author),
            ("Entry", lambda s: s.text),
        ]
    )
    view = make_table(model, "Counted", None, stretch_column=3)
    qtbot.addWidget(view)
    view.resize(700, 400)
    view.show()
    qtbot.waitExposed(view)
    rows = [Said(1, "09:01", "Police", "Pat Officer", "Seen at home.")]
    model.set_rows(rows)
    qtbot.wait(10)
    for n in range(2, 5):
        rows = [*rows, Said(n, f"09:0{n}", "Police", "Pat Officer", f"Visit {n}. {LONG[: 30 * n]}")]
        asked.clear()
        model.set_rows(rows)
        # Qt measures the wrapped cell, and the one-line cells whose text it has not
        # measured yet (each new time), nothing more: a measure asks the size-hint role
        # (``data``) and then the cell's roles (``multiData``).
        measured = [a for a in asked if a != "data"]
        assert asked.count("data") == len(measured), asked
        if n > 2:  # (the first row added after the first fit measures every cell)
            assert sorted(measured) == ["multiData(0)", "multiData(3)"], asked
        row = n - 1
        qts = max(view.sizeHintForRow(row), view.verticalHeader().sectionSizeHint(row))
        assert view.rowHeight(row) == qts, n
        assert view.columnWidth(0) >= view.sizeHintForColumn(0)


def test_a_long_agency_name_is_cut_short_in_its_narrowed_column_on_one_line(qtbot) -> None:
    """``narrow``: a column never wider than so many average characters. A long agency's
    name is cut short there with "…" on one line (its row as tall as a one-line row, the
    whole name in the row's tooltip), whether fitted whole or added by someone's save, and
    the entry's column keeps the rest; a short name's column is as wide as its text."""
    long_name = "Health Visiting (0-19 Public Health Nursing)"

    def narrowed(rows: list[Entry]) -> tuple[QTableView, RowsModel[Entry]]:
        model = RowsModel(
            [("Agency", lambda e: e.agency), ("Entry", lambda e: e.text)],
            describe=lambda e: f"{e.agency}: {e.text}",
        )
        view = make_table(model, "Entries", None, stretch_column=1, narrow={0: AGENCY_CHARS})
        qtbot.addWidget(view)
        view.resize(600, 400)
        view.show()
        qtbot.waitExposed(view)
        model.set_rows(rows)
        qtbot.wait(10)
        return view, model

    short = [Entry(1, "Police", "Seen at home.")]
    view, model = narrowed(short)
    one_line, police = view.rowHeight(0), view.columnWidth(0)
    widest = view.fontMetrics().averageCharWidth() * AGENCY_CHARS
    assert police < widest  # a short name: its column as wide as its text, not the cap

    rows = [*short, Entry(2, long_name, "Baby missed two checks.")]
    model.set_rows(rows)  # added at the end, as someone's save is: measured on its own
    qtbot.wait(10)
    assert view.sizeHintForColumn(0) > widest  # on one line the whole name would not fit
    assert view.columnWidth(0) == widest
    assert view.rowHeight(1) == one_line  # one line, cut short: not wrapped
    qts = max(view.sizeHintForRow(1), view.verticalHeader().sectionSizeHint(1))
    assert view.rowHeight(1) == qts
    assert view.columnWidth(1) >= view.viewport().width() - widest - 2  # the entry's room
    assert long_name in model.index(1, 0).data(Qt.ItemDataRole.ToolTipRole)

    # the same rows fitted whole (another case opened): the same widths and heights
    fresh, _model = narrowed(rows)
    assert (heights(fresh), fresh.columnWidth(0)) == (heights(view), view.columnWidth(0))

    # without the cap (as before): the name whole on one line, the column as wide as it
    plain, _model = table(qtbot, rows)
    qtbot.wait(10)
    assert plain.columnWidth(0) > widest
    assert plain.rowHeight(1) == one_line


def test_a_narrowed_column_is_whole_where_the_table_has_room_and_cut_where_it_has_not(
    qtbot,
) -> None:
    """The cap is for a laptop's screen: on a wide one, beside ``STRETCH_KEEPS`` average
    characters of the entry, the agency's name is whole. The window made narrower cuts it
    short again, wider makes it whole; a column the user drags keeps its width."""
    long_name = "Health Visiting (0-19 Public Health Nursing)"
    model = entries_model()
    view = make_table(model, "Entries", None, stretch_column=1, narrow={0: AGENCY_CHARS})
    qtbot.addWidget(view)
    average = view.fontMetrics().averageCharWidth()
    wide = average * (STRETCH_KEEPS + 60)
    view.resize(wide, 400)
    view.show()
    qtbot.waitExposed(view)
    model.set_rows([Entry(1, long_name, "Baby missed two checks.")])
    qtbot.wait(10)
    whole = view.sizeHintForColumn(0)
    cap = average * AGENCY_CHARS
    assert whole > cap  # the name is longer than the cap
    assert view.columnWidth(0) == whole  # room enough: the whole name
    assert view.columnWidth(1) >= average * STRETCH_KEEPS

    view.resize(average * (STRETCH_KEEPS + 10), 400)  # a laptop's width: cut short
    qtbot.waitUntil(lambda: view.columnWidth(0) == cap)
    assert view.columnWidth(1) >= view.viewport().width() - cap - 2

    view.resize(wide, 400)  # wide again: whole again
    qtbot.waitUntil(lambda: view.columnWidth(0) == whole)

    # someone's entry added at the end, with a longer name still: measured on its own, whole
    longer = long_name + " (HV)"
    model.set_rows([*model.rows, Entry(2, longer, "Seen at school.")])
    qtbot.wait(10)
    assert view.columnWidth(0) == view.sizeHintForColumn(0) > whole

    view.setColumnWidth(0, cap + 10)  # the user drags the column: it stays where put
    qtbot.wait(10)
    assert view.columnWidth(0) == cap + 10
