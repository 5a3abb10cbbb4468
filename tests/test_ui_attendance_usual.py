"""Attendance at nine o'clock: the people usually here, one key each; a mistake taken off.

On the small demo city, whose earlier meetings recorded one person for each agency: the
admin's list of people usually here is ``lifecycle.usual_attendees`` less today's list;
Enter on a person records them present and moves on to the next; "Apologies" records
apologies; a person entered by mistake is taken off (asked first, audited) and is back
in the usual list; a representative sees their own agency's people only.
"""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from frontdoor_app.access.actor import may_act_for_agency
from frontdoor_app.access.users import ensure_user
from frontdoor_app.meeting import lifecycle
from frontdoor_app.meeting.errors import PermissionDenied
from frontdoor_app.meeting.views import AttendanceRow, UsualAttendee
from frontdoor_app.models import Agency, Attendance, AuditEvent
from frontdoor_app.ui.meeting.attendance_usual import not_here_yet, usual_model
from tests.meeting_support import DAY, agency_id, build, people
from tests.server_clients import server
from tests.ui_support import (
    LEFT,
    calls_of,
    close_window,
    context_for,
    idle,
    open_window,
    start_meeting,
)


def _stored(ctx, meeting_id: int) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    with ctx.read_session() as s:
        rows = s.execute(
            select(Agency.code, Attendance.person_name, Attendance.status)
            .join(Agency, Agency.id == Attendance.agency_id)
            .where(Attendance.meeting_id == meeting_id)
            .order_by(Attendance.id)
        ).all()
    return [tuple(r) for r in rows]  # type: ignore[misc]


def test_the_admin_marks_the_usual_people_and_takes_off_a_mistake(
    qtbot, chair_ctx, artefacts, monkeypatch
):  # type: ignore[no-untyped-def]
    win = open_window(qtbot, chair_ctx)
    try:
        start_meeting(qtbot, win)
        meeting, day = win.meeting, win.meeting.meeting_date
        with chair_ctx.read_session() as s:
            usual = lifecycle.usual_attendees(s, meeting.id)
        # The demo's earlier meetings recorded one person per agency, so each is here,
        # recorded at some of those meetings, all within the eight weeks before today.
        assert len(usual) >= 8
        assert len({u.agency_id for u in usual}) == len(usual)
        assert [u.agency_name for u in usual] == sorted(u.agency_name for u in usual)
        for u in usual:
            assert day - dt.timedelta(weeks=8) <= u.last_date < day and u.meetings >= 1
        asked = calls_of(monkeypatch, lifecycle, "usual_attendees")
        dialog = win.screens.open("attendance")
        qtbot.waitUntil(lambda: len(dialog.usual.model.rows) == len(usual), timeout=5000)
        assert dialog.usual.model.rows == usual  # nobody recorded yet: all of them
        assert dialog.model.rows == ()
        panel = dialog.usual
        assert panel.current() == usual[0]  # the first person is chosen, ready for Enter
        assert dialog.focusWidget() is panel.table
        assert panel.chosen.text() == f"{usual[0].person_name} ({usual[0].agency_code}):"
        # Enter on the second person: present; the choice stays on that row, which is now
        # the person after them, so Enter, Enter, … goes down the list.
        first, second, third, fourth = usual[0], usual[1], usual[2], usual[3]
        panel.table.selectRow(1)
        panel.table.setFocus()
        qtbot.keyClick(panel.table, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: len(dialog.model.rows) == 1, timeout=5000)
        qtbot.waitUntil(lambda: panel.model.rows == (first, *usual[2:]), timeout=5000)
        assert _stored(chair_ctx, meeting.id) == [
            (second.agency_code, second.person_name, "present")
        ]
        assert panel.current() == third
        qtbot.keyClick(panel.table, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: panel.model.rows == (first, *usual[3:]), timeout=5000)
        assert panel.current() == fourth
        assert win.messages.log == []  # one Enter, one record: no "already in" refusal
        qtbot.mouseClick(panel.buttons["apologies"], LEFT)
        qtbot.waitUntil(lambda: panel.model.rows == (first, *usual[4:]), timeout=5000)
        assert _stored(chair_ctx, meeting.id) == [
            (second.agency_code, second.person_name, "present"),
            (third.agency_code, third.person_name, "present"),
            (fourth.agency_code, fourth.person_name, "apologies"),
        ]
        with chair_ctx.read_session() as s:
            counted = lifecycle.attendance_summary(s, meeting.id)
        said = f"{counted.present_agencies} of {counted.core_agencies} core agencies present."
        qtbot.waitUntil(lambda: dialog.summary.text().startswith(said), timeout=5000)
        snapshot_path = artefacts / "attendance_usual.png"
        dialog.grab().save(str(snapshot_path))
        # The third person was marked by mistake: said no first, nothing changes.
        at = next(i for i, r in enumerate(dialog.model.rows) if r.person_name == third.person_name)
        dialog.table.selectRow(at)
        assert dialog.remove.isEnabled()
        win.messages.answer_next(False)
        qtbot.mouseClick(dialog.remove, LEFT)
        idle(qtbot, win)
        question = win.messages.last()
        assert question is not None and question.kind == "question"
        assert third.person_name in question.text and "by mistake" in question.text
        assert len(_stored(chair_ctx, meeting.id)) == 3
        # Said yes (by the Delete key this time): taken off, back among the usual people.
        win.messages.answer_next(True)
        dialog.table.setFocus()
        qtbot.keyClick(dialog.table, Qt.Key.Key_Delete)
        qtbot.waitUntil(lambda: len(dialog.model.rows) == 2, timeout=5000)
        assert _stored(chair_ctx, meeting.id) == [
            (second.agency_code, second.person_name, "present"),
            (fourth.agency_code, fourth.person_name, "apologies"),
        ]
        qtbot.waitUntil(lambda: third in panel.model.rows, timeout=5000)
        assert panel.model.rows == (first, third, *usual[4:])
        with chair_ctx.read_session() as s:
            removed = s.scalars(
                select(AuditEvent).where(
                    AuditEvent.entity == "attendance", AuditEvent.action == "delete"
                )
            ).all()
        assert [e.user_login for e in removed] == ["test.chair"]
        # Someone new, typed and Enter: recorded once (Enter no longer also presses a
        # button the dialog took as its default, which tried to record them twice).
        shown = len(win.messages.log)
        dialog.agency.setCurrentIndex(dialog.agency.findData(first.agency_id))
        qtbot.keyClicks(dialog.name, "Sam Newcomer")
        qtbot.keyClick(dialog.name, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: len(dialog.model.rows) == 3, timeout=5000)
        idle(qtbot, win)
        assert (first.agency_code, "Sam Newcomer", "present") in _stored(chair_ctx, meeting.id)
        assert win.messages.log[shown:] == [] and dialog.name.text() == ""
        # Today's list was read again after each change; the earlier meetings' people once.
        assert asked == [meeting.id]
        # The change form is no longer about the person taken off.
        assert dialog.base is None or dialog.base.person_name != third.person_name
        assert third.person_name not in dialog.chosen.text()
    finally:
        close_window(win)


def test_a_representative_sees_their_own_agencys_people(qtbot, demo_db, fresh_settings, profile):  # type: ignore[no-untyped-def]
    visitor = context_for(fresh_settings, demo_db, profile, "hv.lee")
    chair = context_for(fresh_settings, demo_db, profile, "test.chair")
    a = open_window(qtbot, chair)
    b = open_window(qtbot, visitor)
    try:
        start_meeting(qtbot, a)
        meeting = a.meeting
        with chair.read_session() as s:
            usual = lifecycle.usual_attendees(s, meeting.id)
        hv = visitor.actor.agency_id
        own = tuple(u for u in usual if u.agency_id == hv)
        assert own and len(own) < len(usual)
        dialog = b.screens.open("attendance")
        qtbot.waitUntil(lambda: dialog.usual.model.rows == own, timeout=5000)
        # Her form adds for her own agency only; another agency's row is not hers to change.
        assert [dialog.agency.itemData(i) for i in range(dialog.agency.count())] == [hv]
        police = next(u for u in usual if u.agency_code == "POL")
        lifecycle.add_attendance(
            chair.sessions, chair.actor, meeting.id, police.agency_id, "DS Jones", "present"
        )
        lifecycle.add_attendance(
            chair.sessions, chair.actor, meeting.id, hv, "Hannah Lee", "present"
        )
        qtbot.waitUntil(lambda: len(dialog.model.rows) == 2, timeout=5000)
        for at, row in enumerate(dialog.model.rows):
            dialog.table.selectRow(at)
            assert dialog.change.isEnabled() is (row.agency_id == hv), row
            assert dialog.remove.isEnabled() is (row.agency_id == hv), row
            if row.agency_id != hv:
                assert dialog.change.toolTip() == (
                    "Only the chair, an admin or West Yorkshire Police's own representative "
                    "changes this."
                )
                # The Delete key asks nothing either: it is the disabled button's key.
                dialog.table.setFocus()
                qtbot.keyClick(dialog.table, Qt.Key.Key_Delete)
                idle(qtbot, b)
                assert not [m for m in b.messages.log if m.kind == "question"]
    finally:
        close_window(b)
        close_window(a)
        visitor.close()
        chair.close()


def test_a_viewer_is_not_offered_people_to_mark(qtbot, demo_db, fresh_settings, profile):  # type: ignore[no-untyped-def]
    chair = context_for(fresh_settings, demo_db, profile, "test.chair")
    with chair.session() as s:
        ensure_user(s, "v.iewer", "Vi Ewer", "viewer", None)
    viewer = context_for(fresh_settings, demo_db, profile, "v.iewer")
    a = open_window(qtbot, chair)
    b = open_window(qtbot, viewer)
    try:
        start_meeting(qtbot, a)
        for win, offered in ((a, True), (b, False)):
            dialog = win.screens.open("attendance")
            idle(qtbot, win)
            assert dialog.usual.isVisibleTo(dialog) is offered, win.ctx.actor.role
            assert dialog.add_box.isVisibleTo(dialog) is offered, win.ctx.actor.role
    finally:
        close_window(b)
        close_window(a)
        viewer.close()
        chair.close()


def _usual(agency_id: int, name: str) -> UsualAttendee:
    return UsualAttendee(
        agency_id, f"A{agency_id}", f"Agency {agency_id}", name, dt.date(2026, 11, 20), 3
    )


def _today(agency_id: int, name: str) -> AttendanceRow:
    return AttendanceRow(
        1, 1, agency_id, f"A{agency_id}", f"Agency {agency_id}", name, "present", 1
    )


def test_not_here_yet_matches_names_in_any_case_for_the_same_agency_only() -> None:
    usual = (_usual(1, "Hannah Lee"), _usual(2, "Hannah Lee"), _usual(3, "Ravi Rao"))
    today = (_today(1, "hannah lee"),)
    assert not_here_yet(usual, today, lambda a: True) == usual[1:]
    assert not_here_yet(usual, today, lambda a: a == 3) == usual[2:]
    assert not_here_yet(usual, (), lambda a: False) == ()


def test_the_usual_model_passes_the_model_tester(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    model = usual_model()
    model.set_rows((_usual(1, "Hannah Lee"), _usual(2, "Ravi Rao")))
    qtmodeltester.check(model)
    assert model.index(0, 3).data() == "3 meetings"
    assert model.index(0, 2).data() == "Fri 20 Nov 2026"


def test_a_row_changed_meanwhile_is_not_taken_off_unseen(
    qtbot, chair_ctx, demo_db, fresh_settings, profile
):  # type: ignore[no-untyped-def]
    """The visitor changes her row; the chair, whose list has not caught up yet, asks to
    take it off: refused with who changed it, the row kept, the list read again."""
    visitor = context_for(fresh_settings, demo_db, profile, "hv.lee")
    win = open_window(qtbot, chair_ctx)
    try:
        start_meeting(qtbot, win)
        hv = visitor.actor.agency_id
        row = lifecycle.add_attendance(
            chair_ctx.sessions, chair_ctx.actor, win.meeting.id, hv, "Hannah Lee", "present"
        )
        dialog = win.screens.open("attendance")
        qtbot.waitUntil(lambda: bool(dialog.model.rows) and dialog.model.rows[0].id == row.id)
        dialog.table.selectRow(0)
        idle(qtbot, win)
        lifecycle.update_attendance(
            visitor.sessions, visitor.actor, row.id, row.version, status="apologies"
        )
        assert dialog.current() is not None and dialog.current().version == row.version
        win.messages.answer_next(True)
        qtbot.mouseClick(dialog.remove, LEFT)
        qtbot.waitUntil(lambda: win.messages.last().kind == "warning", timeout=5000)
        assert win.messages.last().text == (
            "Not taken off: Hannah Lee changed this row meanwhile. Look at it again first."
        )
        assert _stored(chair_ctx, win.meeting.id) == [("HV", "Hannah Lee", "apologies")]
        qtbot.waitUntil(lambda: dialog.current().status == "apologies", timeout=5000)
    finally:
        close_window(win)
        visitor.close()


def test_the_usual_people_are_those_of_the_eight_weeks_before(two_clients) -> None:  # type: ignore[no-untyped-def]
    """Recorded at meetings before this one and within eight weeks, any status, by agency
    name then most recent; not a later meeting's, an older one's, or this one's own (SQLite
    and, as a chair under row-level security, the PostgreSQL server)."""
    ctx, _ = two_clients
    who = people(ctx)
    week = dt.timedelta(weeks=1)
    meetings = {
        name: build(ctx, 1, day).meeting_id
        for name, day in (
            ("today", DAY),
            ("last week", DAY - week),
            ("three weeks ago", DAY - 3 * week),
            ("ten weeks ago", DAY - 10 * week),
            ("tomorrow", DAY + dt.timedelta(days=1)),
        )
    }
    with ctx.session() as s:
        hv, pol, hsg = (agency_id(s, code) for code in ("HV", "POL", "HSG"))
    for meeting, agency, name, status in (
        ("last week", hv, "Hannah Lee", "present"),
        ("three weeks ago", hv, "Hannah Lee", "apologies"),
        ("three weeks ago", hv, "Gemma Walsh", "present"),
        ("three weeks ago", pol, "PC 4711 Smith", "information_sent"),
        ("ten weeks ago", hsg, "Ravi Rao", "present"),
        ("tomorrow", hsg, "Imran Shah", "present"),
        ("today", pol, "DS Jones", "present"),
    ):
        lifecycle.add_attendance(ctx.sessions, who.chair, meetings[meeting], agency, name, status)
    with ctx.read_session() as s:
        usual = lifecycle.usual_attendees(s, meetings["today"])
    assert [(u.agency_code, u.person_name, u.last_date, u.meetings) for u in usual] == [
        ("HV", "Hannah Lee", DAY - week, 2),
        ("HV", "Gemma Walsh", DAY - 3 * week, 1),
        ("POL", "PC 4711 Smith", DAY - 3 * week, 1),
    ]


@pytest.mark.postgres
def test_on_the_server_a_representative_reads_the_usual_people_and_marks_their_own(
    pg_app_url: str, fresh_settings, profile
) -> None:  # type: ignore[no-untyped-def]
    """Row-level security on: the earlier meeting's attendance is read by a representative
    (everyone signed in reads the attendance); she records her own agency's usual person
    today, and is refused another agency's (by the application here; the server's own
    refusal of that insert is ``test_server_attacks_rules``'s)."""
    with server(fresh_settings, pg_app_url, profile) as srv:
        setup = srv.setup
        who = people(setup)
        earlier = build(setup, 1, DAY - dt.timedelta(days=3)).meeting_id
        with setup.session() as s:
            hv, pol = agency_id(s, "HV"), agency_id(s, "POL")
        for agency, name in ((hv, "Hannah Lee"), (pol, "PC 4711 Smith")):
            lifecycle.add_attendance(setup.sessions, who.chair, earlier, agency, name, "present")
        visitor = srv.client(fresh_settings, profile, "hv.one")
        with visitor.read_session() as s:
            usual = lifecycle.usual_attendees(s, srv.meeting_id)
        assert [(u.agency_code, u.person_name, u.meetings) for u in usual] == [
            ("HV", "Hannah Lee", 1),
            ("POL", "PC 4711 Smith", 1),
        ]
        mine = not_here_yet(usual, (), lambda a: may_act_for_agency(visitor.actor, a))
        assert [u.person_name for u in mine] == ["Hannah Lee"]
        lifecycle.add_attendance(
            visitor.sessions, visitor.actor, srv.meeting_id, hv, "Hannah Lee", "present"
        )
        with pytest.raises(PermissionDenied):
            lifecycle.add_attendance(
                visitor.sessions, visitor.actor, srv.meeting_id, pol, "PC 4711 Smith", "present"
            )
        with setup.read_session() as s:
            today = lifecycle.list_attendance(s, srv.meeting_id)
        assert [(r.agency_code, r.person_name) for r in today] == [("HV", "Hannah Lee")]
