"""The opening review of open actions, agency by agency, through the real dialog on the
small demo city: each agency's counts and who is here for it, the arrow keys moving the
chair to the next agency, and the next agency chosen once one's last action is reviewed."""

from __future__ import annotations

from PySide6.QtCore import Qt

from frontdoor_app.context import AppContext
from frontdoor_app.meeting import actions, lifecycle
from frontdoor_app.meeting.views import AttendanceRow
from frontdoor_app.ui.case.actions_tab import AGENCY_WITH_CASE
from frontdoor_app.ui.meeting.agency_review import agency_rows
from frontdoor_app.ui.meeting.open_actions_dialog import PER_AGENCY
from tests.ui_support import LEFT, close_window, idle, open_window, settled, start_meeting


def test_the_chair_goes_through_the_open_actions_agency_by_agency(
    qtbot, chair_ctx: AppContext
) -> None:  # type: ignore[no-untyped-def]
    win = open_window(qtbot, chair_ctx)
    try:
        start_meeting(qtbot, win)
        meeting_id = win.meeting.id
        agency = {a.code: a.id for a in win.state.agencies}
        for code, name, status in (
            ("HV", "Hannah Lee", "present"),
            ("HSG", "Ravi Rao", "apologies"),
            ("POL", "PC Ann Smith", "information_sent"),
            ("POL", "DS Omar Khan", "present"),  # one of two here: the agency is present
        ):
            lifecycle.add_attendance(
                chair_ctx.sessions, chair_ctx.actor, meeting_id, agency[code], name, status
            )
        with chair_ctx.read_session() as s:
            groups = actions.open_actions_review(s, meeting_id, PER_AGENCY)
        by_id = {g.agency_id: g for g in groups}
        assert {agency["HV"], agency["HSG"], agency["POL"]} <= set(by_id)  # the demo's

        dialog = win.screens.open("open_actions")
        qtbot.waitUntil(lambda: dialog.agency_model.rowCount() == len(groups) + 1)
        rows = dialog.agency_model.rows
        every, each = rows[0], rows[1:]

        # -- every agency first, with the whole meeting's counts; then each agency
        assert every.agency_id is None
        assert every.open == sum(g.total for g in groups) and every.open > every.overdue > 0
        assert every.overdue == sum(g.overdue for g in groups)
        assert every.due_today == sum(g.due_today for g in groups)
        assert every.attending == "2 agencies present"
        assert [r.agency_id for r in each] == [g.agency_id for g in groups]
        for row in each:
            group = by_id[row.agency_id]
            assert (row.name, row.open, row.overdue, row.due_today) == (
                group.agency_name,
                group.total,
                group.overdue,
                group.due_today,
            )
        here = {r.agency_id: r.attending for r in each}
        assert here[agency["HV"]] == "present"
        assert here[agency["POL"]] == "present"
        assert here[agency["HSG"]] == "apologies"
        assert {
            here[a] for a in by_id if a not in (agency["HV"], agency["POL"], agency["HSG"])
        } == {"nobody recorded yet"}
        hv = dialog.agency_model.index(1 + list(by_id).index(agency["HV"]), 0)
        words = hv.data(Qt.ItemDataRole.DisplayRole)
        assert words.startswith(by_id[agency["HV"]].agency_name + "\n")
        assert words.endswith(
            f"\n{by_id[agency['HV']].total} open · {by_id[agency['HV']].overdue} "
            f"overdue · {by_id[agency['HV']].due_today} due today\npresent"
        )

        # -- every agency's actions shown, the agency column naming each
        assert dialog.agencies.currentIndex().row() == 0
        assert dialog.model.rowCount() == sum(len(g.actions) for g in groups)
        assert not dialog.table.isColumnHidden(AGENCY_WITH_CASE)
        assert f"from {len(groups)} agencies" in dialog.summary.text()

        # -- the arrow key moves to the first agency: its actions alone, overdue first
        assert dialog.agencies.hasFocus() or dialog.focusWidget() is dialog.agencies
        qtbot.keyClick(dialog.agencies, Qt.Key.Key_Down)
        first = groups[0]
        assert dialog.chosen == first.agency_id
        shown = list(dialog.model.rows)
        assert {a.owner_agency_id for a in shown} == {first.agency_id}
        assert len(shown) == len(first.actions)
        assert [a.overdue for a in shown] == sorted((a.overdue for a in shown), reverse=True)
        assert dialog.table.isColumnHidden(AGENCY_WITH_CASE)

        # -- housing's one action reviewed: housing leaves the list, the next agency is chosen
        housing = list(by_id).index(agency["HSG"])
        assert by_id[agency["HSG"]].total == 1 and housing + 1 < len(groups)
        after = groups[housing + 1]
        dialog.choose_agency(agency["HSG"])
        assert [a.owner_agency_id for a in dialog.model.rows] == [agency["HSG"]]
        dialog.table.selectRow(0)
        dialog.form.choose("done", "Tenancy reviewed with the victim on Friday")
        qtbot.mouseClick(dialog.form.apply, LEFT)
        qtbot.waitUntil(lambda: dialog.agency_model.rowCount() == len(groups))
        idle(qtbot, win)
        assert agency["HSG"] not in {r.agency_id for r in dialog.agency_model.rows}
        assert dialog.chosen == after.agency_id
        assert dialog.agencies.currentIndex().row() == housing + 1  # where housing stood
        assert {a.owner_agency_id for a in dialog.model.rows} == {after.agency_id}
        assert dialog.agency_model.rows[0].open == every.open - 1
        assert f"{every.open - 1} open actions" in dialog.summary.text()

        # -- attendance kept on another laptop reaches the list through the live feed
        dvs = agency["DVS"]
        assert dvs in by_id
        settled(qtbot, win, chair_ctx)  # the review's own update has come back: news alone
        lifecycle.add_attendance(
            chair_ctx.sessions, chair_ctx.actor, meeting_id, dvs, "Dee Vance", "present"
        )
        qtbot.waitUntil(
            lambda: {r.agency_id: r.attending for r in dialog.agency_model.rows}[dvs] == "present",
            timeout=5000,
        )
        assert dialog.chosen == after.agency_id  # the chair's place is kept
        assert dialog.agency_model.rows[0].attending == "3 agencies present"

        # -- every agency again, from the top
        dialog.choose_agency(None)
        assert dialog.chosen is None
        assert dialog.model.rowCount() == sum(len(g.actions) for g in groups) - 1
        assert not dialog.table.isColumnHidden(AGENCY_WITH_CASE)
        dialog.reject()
    finally:
        close_window(win)


def test_one_agency_present_is_said_in_the_singular(qapp) -> None:  # type: ignore[no-untyped-def]
    here = [
        AttendanceRow(1, 1, 5, "HV", "Health Visiting", "Hannah Lee", "present", 1),
        AttendanceRow(2, 1, 5, "HV", "Health Visiting", "Zoë Brown", "apologies", 1),
        AttendanceRow(3, 1, 6, "HSG", "Housing Leeds", "Ravi Rao", "apologies", 1),
    ]
    assert agency_rows((), here)[0].attending == "1 agency present"
    assert agency_rows((), here[1:])[0].attending == "0 agencies present"
