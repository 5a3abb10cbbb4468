"""Screenshots of the meeting room at projector and laptop sizes (artefacts to look at), the
projector's type size, item models through the model tester, help overlay and drafts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QTableView, QWidget
from sqlalchemy import func, select

from frontdoor_app.context import AppContext
from frontdoor_app.models import Action
from frontdoor_app.profile import Profile, load_profile
from frontdoor_app.ui.case.actions_tab import AGENCY_WITH_CASE, action_model, status_word
from frontdoor_app.ui.case.history_tab import history_model, needed_height
from frontdoor_app.ui.case.household_tab import member_model
from frontdoor_app.ui.case.intelligence_tab import entry_model
from frontdoor_app.ui.meeting import room_reads as ops
from frontdoor_app.ui.meeting.agenda_model import AgendaModel
from frontdoor_app.ui.meeting.attendance_dialog import attendance_model
from frontdoor_app.ui.meeting.help_overlay import shortcut_table
from frontdoor_app.ui.meeting.main_window import MainWindow
from frontdoor_app.ui.widgets.tables import AGENCY_CHARS, STRETCH_KEEPS
from tests.ui_support import (
    LEFT,
    TODAY,
    activate,
    add_entry,
    close_window,
    idle,
    open_window,
    start_meeting,
)

SIZES = ((1920, 1080), (1280, 720))
MORNING = dt.time(9, 30)


@pytest.fixture
def profile() -> Profile:
    """The meeting is held on its day: the window's clock stopped at half past nine that
    Monday where the authority is, so what is overdue, the title bar's time and the
    pictures are those of the meeting's morning, whatever the date the tests run on."""
    live = load_profile()
    return live.at(live.clock.at(TODAY, MORNING))


@pytest.fixture
def meeting_window(qtbot, chair_ctx: AppContext) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    win = open_window(qtbot, chair_ctx)
    try:
        start_meeting(qtbot, win)
        agency = {a.code: a.id for a in win.state.agencies}
        add_entry(
            qtbot,
            win,
            agency["POL"],
            "Bail conditions: no contact with the victim or "
            "the children; next court date 4 December.",
            False,
        )
        add_entry(
            qtbot,
            win,
            agency["HV"],
            "Baby missed the last two health visitor checks; "
            "mother says she was too frightened to leave the house.",
            False,
        )
        add_entry(qtbot, win, agency["HSG"], "Tenancy at risk: rent arrears of six weeks.", True)
        actions = win.case_view.actions_tab
        actions.agency.setCurrentIndex(actions.agency.findData(agency["HV"]))
        actions.owner.setText("Hannah Lee")
        actions.description.setText("Home visit to mother and baby")
        qtbot.mouseClick(actions.add, LEFT)
        qtbot.waitUntil(lambda: len(win.case_view.case.actions) == 1)
        idle(qtbot, win)
        yield win
    finally:
        close_window(win)


def settle(qtbot, widget: QWidget) -> None:  # type: ignore[no-untyped-def]
    QApplication.processEvents()
    qtbot.waitExposed(widget)
    QApplication.processEvents()


def rows_all_shown(view: QTableView) -> bool:
    """Every row of ``view`` inside its viewport, the last one's bottom edge included."""
    last = view.model().rowCount() - 1
    bottom = view.rowViewportPosition(last) + view.rowHeight(last)
    return view.rowViewportPosition(0) >= 0 and bottom <= view.viewport().height()


def test_screenshots_of_the_meeting_room(
    qtbot, meeting_window: MainWindow, artefacts: Path
) -> None:  # type: ignore[no-untyped-def]
    win = meeting_window
    folder = artefacts / "screens"
    folder.mkdir(exist_ok=True)
    tracker = win.screens.open("tracker")
    qtbot.waitUntil(lambda: tracker.page is not None and tracker.model.rowCount() > 0)
    projector = win.projector.open()
    qtbot.waitUntil(lambda: projector.view is not None and len(projector.view.entries) == 2)
    saved = []
    for width, height in SIZES:
        tag = f"{width}x{height}"
        win.resize(width, height)
        win.case_view.show_tab("intelligence")
        settle(qtbot, win)
        for name, widget in (("main", win), ("agenda", win.agenda), ("case", win.case_view)):
            path = folder / f"{name}-{tag}.png"
            assert widget.grab().save(str(path))
            saved.append(path)
        for tab in ("decision", "history"):
            win.case_view.show_tab(tab)
            idle(qtbot, win)
            settle(qtbot, win)
            path = folder / f"case-{tab}-{tag}.png"
            assert win.case_view.grab().save(str(path))
            saved.append(path)
        # This family's seven earlier events whole; its five people whole where they fit
        # beside them (at 1920x1080), else given all the rest of the tab (at 1280x720 they
        # are a few pixels short, and scroll).
        history = win.case_view.history
        assert history.model.rowCount() == 7 and history.links.rowCount() == 5
        assert rows_all_shown(history.table)
        assert rows_all_shown(history.links_table) or (
            width < 1920 and history.split.sizes()[0] == needed_height(history.table)
        )
        tracker.resize(width, height)
        settle(qtbot, tracker)
        path = folder / f"tracker-{tag}.png"
        assert tracker.grab().save(str(path))
        saved.append(path)
        # The agencies' names: cut short on the laptop, whole where the table has room.
        table = tracker.table
        cap = table.fontMetrics().averageCharWidth() * AGENCY_CHARS
        whole = max(
            table.sizeHintForColumn(AGENCY_WITH_CASE),
            table.horizontalHeader().sectionSizeHint(AGENCY_WITH_CASE),
        )
        agency = table.columnWidth(AGENCY_WITH_CASE)
        if width < 1920:  # cut short, the action keeping a readable line
            assert cap <= agency < whole
            keeps = table.fontMetrics().averageCharWidth() * STRETCH_KEEPS
            assert agency == cap or table.columnWidth(4) >= keeps
        else:
            assert agency == whole
        projector.showNormal()
        projector.resize(width, height)
        projector.scale_to_height(height)
        settle(qtbot, projector)
        path = folder / f"projector-{tag}.png"
        assert projector.grab().save(str(path))
        saved.append(path)
        # Legible at the back of the room: the case heading is at least 36 px high at 720p.
        assert projector.heading_pixel_height() >= 36
        for label in projector.findChildren(QLabel):
            if label.isVisible() and label.text():
                assert label.fontMetrics().height() >= 24, label.text()
    for name, dialog in (
        ("attendance", win.screens.open("attendance")),
        ("open-actions", win.screens.open("open_actions")),
    ):
        qtbot.waitUntil(lambda d=dialog, n=name: d.model.rowCount() > 0 or n == "attendance")
        idle(qtbot, win)
        settle(qtbot, dialog)
        path = folder / f"{name}-dialog.png"
        assert dialog.grab().save(str(path))
        saved.append(path)
        if name == "open-actions":  # the agency with the most, as the chair goes down them
            busiest = max(dialog.groups, key=lambda g: g.total)
            dialog.choose_agency(busiest.agency_id)
            settle(qtbot, dialog)
            path = folder / "open-actions-one-agency-dialog.png"
            assert dialog.grab().save(str(path))
            saved.append(path)
        dialog.reject()
    win.help.toggle()
    settle(qtbot, win)
    path = folder / "help-1280x720.png"
    assert win.grab().save(str(path))
    saved.append(path)
    assert all(p.stat().st_size > 10_000 for p in saved)


def test_the_history_tab_shares_its_height_by_what_each_table_needs(
    qtbot, meeting_window: MainWindow
) -> None:  # type: ignore[no-untyped-def]
    win = meeting_window
    win.resize(1280, 720)
    win.case_view.show_tab("history")
    idle(qtbot, win)
    settle(qtbot, win)
    tab = win.case_view.history
    events, people = list(win.case_view.case.history), list(tab.links.rows)
    assert len(events) == 7 and len(people) == 5
    # One earlier event: its row, and all five people below it, whole (half each cut the
    # people to four and a half).
    tab.model.set_rows(events[:1])
    qtbot.waitUntil(lambda: rows_all_shown(tab.table) and rows_all_shown(tab.links_table))
    # A long history and two people: the two whole, the history the rest (it scrolls).
    tab.model.set_rows(events * 6)
    tab.links.set_rows(people[:2])
    qtbot.waitUntil(lambda: tab.split.sizes()[0] > tab.split.sizes()[1])
    qtbot.wait(50)  # the rows measured at their widths, and the height shared by them
    assert rows_all_shown(tab.links_table) and not rows_all_shown(tab.table)
    top = tab.split.sizes()[0]
    # The chair drags the divider (QSplitter's own move, as its handle makes): kept while
    # the case is on screen, whatever arrives.
    tab.split.moveSplitter(top // 2, 1)
    assert tab.dragged
    dragged = tab.split.sizes()
    tab.links.set_rows(people)
    qtbot.wait(50)  # what would re-share the height has had its turn
    assert tab.split.sizes() == dragged
    # The same case again (a colleague's save refreshes it): the chair's divider stays.
    tab.show_case(win.case_view.case)
    assert tab.dragged
    # Another case: its tables share the height again.
    case = win.case_view.case
    other = next(r for r in win.room.agenda.rows if r.item_id != case.item.item_id)
    tab.show_case(ops.load_case_bundle(win.ctx, other.item_id, False).case)
    assert not tab.dragged
    qtbot.waitUntil(lambda: tab.split.sizes() != dragged)


def test_every_widget_has_an_accessible_name(qtbot, meeting_window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    win = meeting_window
    unnamed = []
    for widget in win.findChildren(QWidget):
        interactive = widget.focusPolicy() != Qt.FocusPolicy.NoFocus
        if interactive and widget.isVisibleTo(win) and not widget.accessibleName():
            if type(widget).__name__ in ("QWidget", "QScrollBar", "QSplitterHandle"):
                continue
            if widget.parent() is not None and type(widget.parent()).__name__ in (
                "QComboBox",
                "QAbstractSpinBox",
                "QDateEdit",
                "QTabBar",
            ):
                continue
            unnamed.append(f"{type(widget).__name__} {widget.objectName()!r}")
    assert unnamed == []


def test_item_models_pass_the_model_tester(qtmodeltester, meeting_window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    win = meeting_window
    case = win.case_view.case
    repeat = next(r for r in win.room.agenda.rows if r.repeat and r.item_id != case.item.item_id)
    history = ops.load_case_bundle(win.ctx, repeat.item_id, False).case.history
    agenda = AgendaModel()
    agenda.set_rows(win.room.agenda.rows)
    qtmodeltester.check(agenda)
    for model, rows in (
        (history_model(), history),
        (member_model(), case.household.members),
        (entry_model(), case.intelligence),
        (action_model(with_case=True), case.actions),
    ):
        assert rows, "each model should be checked with rows in it"
        model.set_rows(rows)
        qtmodeltester.check(model)
    # The history's "Who or reference" cell puts an action's owner under its agency; what a
    # screen reader says of the row (and its tooltip) joins them on one line.
    timeline = history_model()
    timeline.set_rows(history)
    actions = [r for r, e in enumerate(history) if e.kind == "action" and "\n" in e.title]
    assert actions, "the repeat family's history should hold an action with an owner"
    for row in actions:
        spoken = timeline.data(timeline.index(row, 2), Qt.ItemDataRole.AccessibleTextRole)
        owner = history[row].title.split("\n")[1]
        assert "\n" not in spoken and f", {owner}" in spoken
    qtmodeltester.check(attendance_model())
    # Risk is a word and a shape, never a colour alone.
    risk = agenda.data(agenda.index(0, 2))
    assert risk.split()[0] in "▲◆●" and risk.split()[1] in ("HIGH", "MED", "STD")


def test_help_overlay_lists_every_shortcut(qtbot, meeting_window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    win = meeting_window
    activate(qtbot, win)  # window shortcuts need the active window
    win.agenda.table.setFocus()
    qtbot.keyClick(win.agenda.table, Qt.Key.Key_F1)
    assert win.help.isVisible()
    shown = {keys.text() for keys, _what in win.help.rows}
    assert {"PgDn / Alt+Right", "Ctrl+I", "Ctrl+Shift+A", "Ctrl+D", "B / Ctrl+B", "F1"} <= shown
    assert len(shown) == len(shortcut_table())
    qtbot.keyClick(win.help, Qt.Key.Key_Escape)
    assert not win.help.isVisible()
    qtbot.keyClick(win.agenda.table, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    assert win.case_view.tabs.currentWidget() is win.case_view.intelligence
    assert win.case_view.intelligence.text.hasFocus()
    qtbot.keyClick(win.agenda.table, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert win.case_view.tabs.currentWidget() is win.case_view.decision


def test_a_draft_survives_closing_the_window(qtbot, chair_ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    win = open_window(qtbot, chair_ctx)
    item = win.case_view.case.item.item_id
    win.case_view.intelligence.text.setPlainText("Half-typed note about the school")
    close_window(win)  # flushes the draft before the worker stops
    again = open_window(qtbot, chair_ctx)
    try:
        assert again.case_view.case.item.item_id == item
        qtbot.waitUntil(
            lambda: (
                again.case_view.intelligence.text.toPlainText()
                == "Half-typed note about the school"
            )
        )
    finally:
        close_window(again)


def test_other_screens_open_from_the_toolbar(
    qtbot, meeting_window: MainWindow, artefacts: Path
) -> None:  # type: ignore[no-untyped-def]
    win = meeting_window
    for action, key in (
        (win.toolbar.import_action, "import"),
        (win.toolbar.minutes_action, "minutes"),
        (win.toolbar.fgc_queue_action, "fgc_queue"),
    ):
        action.trigger()
        assert win.screens.shown[key].isVisible()
        assert win.toolbar.widgetForAction(action).accessibleName()
    win.case_view.show_tab("fgc")
    panel = win.case_view.fgc.panel
    assert panel is not None and panel.item_id == win.viewing
    qtbot.waitUntil(lambda: panel.state is not None, timeout=10_000)
    idle(qtbot, win)
    win.resize(1280, 720)
    settle(qtbot, win)
    assert win.case_view.grab().save(str(artefacts / "screens" / "case-fgc-1280x720.png"))


def test_the_chair_reorders_and_defers_by_keyboard(qtbot, meeting_window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    win = meeting_window
    activate(qtbot, win)  # window shortcuts need the active window
    rows = win.room.agenda.rows
    second, third = rows[1].item_id, rows[2].item_id
    win.agenda.table.setFocus()
    win.agenda.select(third)
    qtbot.keyClick(
        win.agenda.table,
        Qt.Key.Key_Up,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    qtbot.waitUntil(lambda: win.room.agenda.row(third).position == 2)
    assert win.room.agenda.row(second).position == 3
    # Ctrl+Enter on a selected case makes it the current one; Ctrl+Shift+D defers it.
    win.agenda.select(third)
    qtbot.keyClick(win.agenda.table, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: win.meeting.current_item_id == third)
    idle(qtbot, win)
    qtbot.keyClick(
        win.agenda.table,
        Qt.Key.Key_D,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    qtbot.waitUntil(lambda: win.room.agenda.row(third).status == "deferred")
    assert win.meeting.current_item_id is None


def test_the_window_tells_the_time_and_what_is_overdue_by_the_authoritys_clock(
    qtbot, meeting_window: MainWindow
) -> None:  # type: ignore[no-untyped-def]
    win = meeting_window
    assert f"{TODAY:%A %d %b %Y} · meeting in progress · 09:30" in win.windowTitle()
    tracker = win.screens.open("tracker")
    qtbot.waitUntil(lambda: tracker.page is not None and tracker.model.rowCount() > 0)
    with win.ctx.read_session() as s:
        due_before = select(func.count(Action.id)).where(Action.status == "open")
        overdue = s.scalar(due_before.where(Action.due_date < TODAY))
        still_due = s.scalar(due_before.where(Action.due_date >= TODAY))
    page = tracker.page
    assert overdue and still_due, "the demo has open actions on both sides of its Monday"
    assert (page.total, page.overdue_total) == (overdue + still_due, overdue)
    assert [r.overdue for r in tracker.model.rows] == [
        r.due_date < TODAY for r in tracker.model.rows
    ]
    # What falls due on the meeting's own morning is said so, in the rows and the count.
    due_today = [r for r in tracker.model.rows if r.due_date == TODAY]
    assert due_today, "the demo has open actions due on its Monday"
    assert page.due_today_total == len(due_today)
    assert f"· {len(due_today)} due today" in tracker.summary.text()
    statuses = {status_word(r) for r in tracker.model.rows if r.due_date >= TODAY}
    assert statuses == {"DUE TODAY · open", "open"}
    assert {status_word(r) for r in due_today} == {"DUE TODAY · open"}
    # The case's own action (due a week after the meeting) is not overdue on its morning.
    assert [a.overdue for a in win.case_view.case.actions] == [False]


def test_action_tracker_filters_and_updates(qtbot, meeting_window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    win = meeting_window
    tracker = win.screens.open("tracker")
    qtbot.waitUntil(lambda: tracker.page is not None and tracker.model.rowCount() > 0)
    everyone = tracker.page.total
    rows = tracker.model.rows
    assert [r.overdue for r in rows] == sorted((r.overdue for r in rows), reverse=True)
    target = rows[0]
    tracker.page = None
    tracker.agency.setCurrentIndex(tracker.agency.findData(target.owner_agency_id))
    qtbot.waitUntil(lambda: tracker.page is not None)
    assert 0 < tracker.page.total < everyone
    assert {r.owner_agency_id for r in tracker.model.rows} == {target.owner_agency_id}
    if target.owner_name:
        tracker.page = None
        tracker.owner.setText(target.owner_name.split()[0])
        qtbot.waitUntil(lambda: tracker.page is not None)
        assert all(target.owner_name.split()[0] in (r.owner_name or "") for r in tracker.model.rows)
    before = tracker.page.total
    tracker.table.selectRow(0)
    chosen = tracker.model.row_at(0)
    tracker.form.choose("done", "Seen at home on Friday")
    tracker.page = None
    qtbot.mouseClick(tracker.form.apply, LEFT)
    qtbot.waitUntil(lambda: tracker.page is not None and tracker.page.total == before - 1)
    assert chosen.id not in {r.id for r in tracker.model.rows}


def test_type_follows_the_system_font(qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QFont

    from frontdoor_app.ui.case.case_view import CaseViewWidget

    app = QApplication.instance()
    before = QFont(app.font())
    try:
        sizes = []
        for points in (10.0, 16.0):
            font = QFont(before)
            font.setPointSizeF(points)
            app.setFont(font)
            view = CaseViewWidget(13)
            qtbot.addWidget(view)
            sizes.append(view.heading.font().pointSizeF())
        assert sizes[1] / sizes[0] == pytest.approx(1.6, rel=0.02)
    finally:
        app.setFont(before)


def test_a_wrong_person_link_is_undone_from_the_history_tab(
    qtbot, meeting_window: MainWindow
) -> None:  # type: ignore[no-untyped-def]
    win = meeting_window
    history = win.case_view.history
    found = None
    for row in win.room.agenda.rows:
        if not row.repeat:
            continue
        win.browse_to(row.item_id)
        qtbot.waitUntil(lambda r=row: win.case_view.case.item.item_id == r.item_id)
        win.case_view.show_tab("history")
        qtbot.waitUntil(lambda: history.links_for == history.notification_id)
        idle(qtbot, win)
        linked = [m for m in history.links.rows if m.status == "linked"]
        if linked:
            found = linked[0]
            break
    assert found is not None, "a repeat family should have a person linked to history"
    history.links_table.selectRow(history.links.rows.index(found))
    win.messages.answer_next("Different date of birth: not the same woman")
    qtbot.mouseClick(history.undo, LEFT)
    qtbot.waitUntil(
        lambda: any(m.link_id == found.link_id and m.status == "undone" for m in history.links.rows)
    )


def test_the_case_timer_is_as_wide_as_its_text_after_the_case_starts(qtbot, meeting_window) -> None:  # type: ignore[no-untyped-def]
    """Before the meeting starts the timer says "Not started · 10 min target"; once the case
    runs it says "Timer 00:00", and gives the case heading back the room the longer text
    took (it kept it: 272 pixels for 11 characters, beside a heading squeezed to wrap)."""
    win = meeting_window
    win.resize(1280, 720)
    settle(qtbot, win)
    timer, heading = win.case_view.timer_label, win.case_view.heading
    assert timer.text().startswith("Timer")
    widest = timer.fontMetrics().horizontalAdvance("Timer 88:88")
    frame = timer.contentsMargins().left() + timer.contentsMargins().right()
    assert timer.width() <= widest + frame + 16, (timer.width(), widest)
    # The heading takes the rest of the row (it had 560 of its 856 pixels).
    assert heading.width() >= win.case_view.width() - timer.width() - 60
    width = timer.width()
    qtbot.wait(1100)  # a second ticks by: the timer keeps its size (nothing lays out)
    assert timer.width() == width


def test_a_person_link_can_be_read_whole_on_a_laptop_screen(qtbot, meeting_window) -> None:  # type: ignore[no-untyped-def]
    """At 1280x720 the history tab's person links show each link's row whole, and more than
    one of them: the names sit above their dates of birth, so "Why" (the evidence, the
    longest text) has the room to wrap in a few lines, not a dozen."""
    win = meeting_window
    win.resize(1280, 720)
    history = win.case_view.history
    win.case_view.show_tab("history")
    qtbot.waitUntil(lambda: history.links_for == history.notification_id)
    qtbot.waitUntil(lambda: history.links.rowCount() >= 2)
    idle(qtbot, win)
    settle(qtbot, win)
    table = history.links_table
    visible = table.viewport().height()
    assert all(table.rowHeight(r) <= visible for r in range(table.model().rowCount()))
    assert table.rowViewportPosition(1) + table.rowHeight(1) <= visible  # two at once


def test_the_projector_button_shows_its_words_and_no_arrow_over_them(qtbot, meeting_window) -> None:  # type: ignore[no-untyped-def]
    """ "Projector ▸ on" carries its own arrow: Qt's menu arrow is not drawn over its last
    letters too (the button looks as it would with no menu at all)."""
    win = meeting_window
    win.resize(1280, 720)
    settle(qtbot, win)
    button = win.toolbar.projector_button
    assert button.text().startswith("Projector ▸")
    with_menu = button.grab().toImage()
    menu = button.menu()
    button.setMenu(None)  # type: ignore[arg-type]
    try:
        plain = button.grab().toImage()
    finally:
        button.setMenu(menu)
    assert with_menu == plain


def test_the_action_status_form_waits_for_an_action_and_names_it(
    qtbot, meeting_window: MainWindow
) -> None:  # type: ignore[no-untyped-def]
    """Nothing chosen: the status, the note and "Update status" wait, and say why (they
    were enabled and answered "Select an action first"). Chosen: the form names it."""
    win = meeting_window
    tab = win.case_view.actions_tab
    win.case_view.show_tab("actions")
    form = tab.status_form
    first, second = (r.item_id for r in win.room.agenda.rows[:2])
    win.browse_to(second)  # a case with no actions: nothing to choose
    qtbot.waitUntil(lambda: win.case_view.case.item.item_id == second)
    qtbot.waitUntil(lambda: form.base is None)
    for widget in (form.status, form.note, form.apply):
        assert not widget.isEnabled()
        assert widget.toolTip() == "Select an action in the list first."
    assert form.chosen.text() == "Choose an action above:"
    win.browse_to(first)
    qtbot.waitUntil(lambda: win.case_view.case.item.item_id == first and tab.model.rowCount())
    tab.table.selectRow(0)
    action = tab.model.rows[0]
    assert form.apply.isEnabled() and form.note.isEnabled() and form.apply.toolTip() == ""
    assert form.chosen.text() == f"HV action, due {action.due_date.strftime('%d %b')}:"
