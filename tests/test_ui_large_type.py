"""A large system font on a laptop: the meeting still fits the screen and reads.

SCREENS.md: every screen scales with the system font. With the type half as large again
on a 1366x768 laptop, the agenda had squeezed the household names to "K…" (the splitter's
share was fixed in pixels while every other column grew with the type), and the case
view's entry form was too wide to share the screen with it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QCheckBox, QPushButton, QWidget

from frontdoor_app.ui.core.theme import apply_desk_theme
from frontdoor_app.ui.meeting.agenda_panel import HOUSEHOLD
from frontdoor_app.ui.widgets.flow import FlowRow
from tests.ui_support import close_window, open_window, snapshot, start_meeting


@pytest.fixture
def large_type() -> Iterator[QFont]:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    before, sheet = app.font(), app.styleSheet()
    apply_desk_theme(app)  # as the application looks: its style sheet's padding counts
    font = QFont(before)
    font.setPointSizeF(before.pointSizeF() * 1.5)
    app.setFont(font)
    try:
        yield font
    finally:
        app.setFont(before)
        app.setStyleSheet(sheet)


def test_the_meeting_fits_a_laptop_and_the_households_read(
    qtbot, chair_ctx, large_type, artefacts
) -> None:  # type: ignore[no-untyped-def]
    win = open_window(qtbot, chair_ctx)
    try:
        start_meeting(qtbot, win)
        win.resize(1366, 768)
        win.case_view.show_tab("intelligence")
        snapshot(win, artefacts / "large-type-1366x768.png")
        assert win.minimumSizeHint().width() <= 1366 and win.width() == 1366
        # The chair's own controls in the meeting are on the bar, not behind its "»" (the
        # screens come after them, and go there first).
        bar = win.toolbar
        for action in (bar.follow_action, bar.close_action):
            assert action.isVisible(), action.text()
        for widget in (
            bar.projector_button,
            bar.widgetForAction(bar.follow_action),
            bar.widgetForAction(bar.close_action),
        ):
            assert widget.isVisible(), widget.accessibleName()
            assert widget.geometry().right() < bar.width(), widget.accessibleName()
        table = win.agenda.table
        names = [table.model().index(r, HOUSEHOLD).data() for r in range(table.model().rowCount())]
        longest_common = max((n for n in names if len(n) <= 10), key=len)
        assert table.horizontalHeader().sectionSize(
            HOUSEHOLD
        ) >= table.fontMetrics().horizontalAdvance(longest_common), (longest_common, names)
        # The entry form's Save is on screen, inside the window.
        save = win.case_view.intelligence.save
        corner = save.mapTo(win, QPoint(save.width(), save.height()))
        assert QRect(0, 0, win.width(), win.height()).contains(corner - QPoint(1, 1))
        # The decision's outcomes: in one column when two do not fit, each label whole,
        # none over another, the answer box under its outcome. The form scrolls (it is
        # taller than the pane) and the window stays the laptop's size, its Save on screen.
        decision = win.case_view.decision
        win.case_view.show_tab("decision")
        decision.boxes["INFO"].setChecked(True)
        qtbot.waitUntil(lambda: decision.details["INFO"].isVisible())
        qtbot.wait(50)
        snapshot(win, artefacts / "large-type-decision-1366x768.png")
        assert win.minimumSizeHint().width() <= 1366 and win.size() == QSize(1366, 768)
        body = decision.outcome_box.parentWidget()
        shown = [*decision.boxes.values(), decision.details["INFO"]]
        rects = [QRect(w.mapTo(body, QPoint(0, 0)), w.size()) for w in shown]
        for box in decision.boxes.values():
            assert box.width() >= box.sizeHint().width(), box.text()
        for n, rect in enumerate(rects):
            assert QRect(0, 0, body.width(), body.height()).contains(rect), shown[n].text()
            assert not any(rect.intersects(other) for other in rects[n + 1 :]), shown[n]
        info, edit = rects[list(decision.boxes).index("INFO")], rects[-1]
        assert edit.top() >= info.bottom() and edit.left() >= info.left()
        assert edit.height() >= decision.details["INFO"].minimumSizeHint().height()
        save = decision.save
        corner = save.mapTo(win, QPoint(save.width(), save.height()))
        assert QRect(0, 0, win.width(), win.height()).contains(corner - QPoint(1, 1))
        # Dragged narrower, the agenda stops where a household's name still has room.
        win.splitter.setSizes([100, 1266])
        qtbot.waitUntil(lambda: win.agenda.width() >= win.agenda.minimumSizeHint().width())
        assert table.horizontalHeader().sectionSize(HOUSEHOLD) >= (
            table.fontMetrics().averageCharWidth() * 7
        )
    finally:
        close_window(win)


def test_a_flow_row_wraps_when_narrow_and_keeps_its_button_right(qtbot) -> None:  # type: ignore[no-untyped-def]
    host = QWidget()
    qtbot.addWidget(host)
    row = FlowRow(host)
    first, second = QCheckBox("May be shared beyond the meeting"), QCheckBox("Restricted")
    save = QPushButton("Save entry")
    row.addWidget(first)
    row.addWidget(second)
    row.add_right(save)
    wide = row.sizeHint().width() + 40
    one_line = row.heightForWidth(wide)
    host.resize(wide, one_line)
    host.show()
    qtbot.waitExposed(host)
    row.setGeometry(QRect(0, 0, wide, one_line))
    middles = {w.geometry().center().y() for w in (first, second, save)}
    assert max(middles) - min(middles) <= 1  # one line
    assert save.geometry().right() == wide - 1  # at the right edge, the stretch before it
    narrow = first.sizeHint().width() + 10  # the rest fit on a second line together
    assert row.heightForWidth(narrow) < 3 * save.sizeHint().height()
    assert row.minimumSize().width() == max(
        w.minimumSizeHint().width() for w in (first, second, save)
    )
    row.setGeometry(QRect(0, 0, narrow, row.heightForWidth(narrow)))
    assert first.geometry().bottom() < second.y()
    assert abs(second.geometry().center().y() - save.geometry().center().y()) <= 1
    assert save.geometry().right() == narrow - 1
    whole = row.sizeHint().width()
    save.hide()  # a hidden widget takes no room
    assert row.sizeHint().width() < whole - save.sizeHint().width()


def test_the_minutes_and_measures_screens_fit_a_laptop(qtbot, chair_ctx, large_type) -> None:  # type: ignore[no-untyped-def]
    """Their rows of choices and buttons were as wide as all of them side by side: at this
    type the measures screen could not be narrower than 1,984 pixels, the minutes 1,316.
    They wrap now, each label with its field."""
    from PySide6.QtWidgets import QLabel

    win = open_window(qtbot, chair_ctx)
    try:
        for name in ("measures", "minutes"):
            screen = win.screens.open(name)
            screen.resize(1280, 800)
            qtbot.waitExposed(screen)
            assert screen.minimumSizeHint().width() <= 1024, name
            for label in screen.findChildren(QLabel):
                buddy = label.buddy()
                if buddy is not None and label.isVisible():
                    middle = label.geometry().center().y()
                    assert label.parentWidget() is buddy.parentWidget(), label.text()
                    assert buddy.geometry().top() <= middle <= buddy.geometry().bottom()
                    assert label.geometry().right() < buddy.geometry().left()
            screen.close()
    finally:
        close_window(win)


def test_a_label_beside_its_field_is_drawn_whole(qtbot) -> None:  # type: ignore[no-untyped-def]
    """The measures screen's "&To" read "Tc": Qt drew the kerned o past the label's edge.
    Whatever the type, nothing of a label's text reaches its right edge."""
    from PySide6.QtGui import QColor
    from PySide6.QtWidgets import QDateEdit, QLabel

    from frontdoor_app.ui.widgets.flow import labelled

    host = QWidget()
    qtbot.addWidget(host)
    row = FlowRow(host)
    labels = []
    for text in ("&To", "&From", "&Weeks", "&Agency"):
        label, field = QLabel(text), QDateEdit()
        label.setBuddy(field)
        row.addWidget(labelled(label, field))
        labels.append(label)
    host.show()
    qtbot.waitExposed(host)
    for label in labels:
        picture = label.grab().toImage()
        edge = picture.width() - 1
        inked = [
            y for y in range(picture.height()) if QColor(picture.pixel(edge, y)).lightness() < 160
        ]
        assert not inked, (label.text(), picture.width())
