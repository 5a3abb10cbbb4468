"""Two people on one attendance row: a change saved meanwhile is shown, never overwritten.

Domain: a change against an older version is refused with ``AttendanceConflict`` carrying
the row as it now stands and who changed it when (SQLite and the PostgreSQL server, the
same moment included). Screens: the chair and the health visitor each have the attendance
open in their own window; the health visitor changes a row while the chair is choosing
another status for it, and the chair's change meets the conflict view.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from frontdoor_app.context import AppContext
from frontdoor_app.meeting import lifecycle
from frontdoor_app.meeting.errors import AttendanceConflict, ConflictError
from frontdoor_app.models import Agency, Attendance
from frontdoor_app.profile import Profile
from frontdoor_app.settings import Settings
from frontdoor_app.ui.core.conflict_view import ConflictDialog
from frontdoor_app.ui.meeting.attendance_dialog import attendance_conflict
from tests.conflict_support import change_while_held, someone_elses_update
from tests.meeting_support import DAY, agency_id, build, people
from tests.ui_support import LEFT, close_window, context_for, idle, open_window, start_meeting


def _row(ctx: AppContext):  # type: ignore[no-untyped-def]
    who = people(ctx)
    build(ctx, 1)
    with ctx.session() as s:
        m = lifecycle.find_meeting(s, DAY)
        hv = agency_id(s, "HV")
    assert m is not None
    row = lifecycle.add_attendance(ctx.sessions, who.chair, m.id, hv, "Hannah Lee", "present")
    return who, row


def test_a_change_against_an_older_version_carries_theirs(two_clients) -> None:  # type: ignore[no-untyped-def]
    a, b = two_clients
    who, row = _row(a)
    assert row.changed_by_name is None
    theirs = lifecycle.update_attendance(
        b.sessions, who.health, row.id, row.version, status="apologies"
    )
    assert theirs.changed_by_name == "Hannah Lee" and theirs.changed_at is not None
    with pytest.raises(AttendanceConflict, match="changed by someone else") as refused:
        lifecycle.update_attendance(
            a.sessions, who.chair, row.id, row.version, status="information_sent"
        )
    assert isinstance(refused.value, ConflictError)
    now = refused.value.theirs
    assert (now.status, now.version, now.changed_by_name) == (
        "apologies",
        theirs.version,
        "Hannah Lee",
    )
    mine = lifecycle.update_attendance(
        a.sessions, who.chair, row.id, now.version, status="information_sent"
    )
    assert mine.status == "information_sent" and mine.changed_by_name == "Jane Ahmed"
    with pytest.raises(AttendanceConflict):
        lifecycle.remove_attendance(a.sessions, who.chair, row.id, now.version)


@pytest.mark.postgres
def test_two_changes_at_the_same_moment_on_postgresql(pg_ctx) -> None:  # type: ignore[no-untyped-def]
    who, row = _row(pg_ctx)
    outcome = change_while_held(
        pg_ctx,
        someone_elses_update(
            Attendance, row.id, row.version, status="apologies", changed_by_name="Ravi Rao"
        ),
        lambda: lifecycle.update_attendance(
            pg_ctx.sessions, who.chair, row.id, row.version, status="information_sent"
        ),
    )
    assert isinstance(outcome, AttendanceConflict), outcome
    assert outcome.theirs.changed_by_name == "Ravi Rao"


# ---------------------------------------------------------------- two windows


def _stored(ctx: AppContext, row_id: int) -> tuple[str, str | None]:
    with ctx.read_session() as s:
        row = s.get(Attendance, row_id)
        assert row is not None
        return row.status, row.changed_by_name


@pytest.fixture
def two_dialogs(
    qtbot, chair_ctx: AppContext, demo_db: str, fresh_settings: Settings, profile: Profile
):  # type: ignore[no-untyped-def]
    visitor_ctx = context_for(fresh_settings, demo_db, profile, "hv.lee")
    a = open_window(qtbot, chair_ctx)
    b = open_window(qtbot, visitor_ctx)
    try:
        start_meeting(qtbot, a)
        with chair_ctx.read_session() as s:
            hv = s.scalar(select(Agency.id).where(Agency.code == "HV"))
        row = lifecycle.add_attendance(
            chair_ctx.sessions, chair_ctx.actor, a.meeting.id, hv, "Hannah Lee", "present"
        )
        dialogs = []
        for win in (a, b):
            dialog = win.screens.open("attendance")
            qtbot.waitUntil(lambda d=dialog: any(r.id == row.id for r in d.model.rows))
            n = next(i for i, r in enumerate(dialog.model.rows) if r.id == row.id)
            dialog.table.selectRow(n)
            assert dialog.base is not None and dialog.base.id == row.id
            idle(qtbot, win)
            dialogs.append(dialog)
        yield a, b, dialogs[0], dialogs[1], row
    finally:
        close_window(b)
        close_window(a)
        visitor_ctx.close()


def _visitor_changes_while_chair_chooses(qtbot, da, db, row) -> None:  # type: ignore[no-untyped-def]
    da.change_status.setCurrentIndex(da.change_status.findData("information_sent"))
    da.change_status.activated.emit(da.change_status.currentIndex())  # as a person picks it
    assert da.touched
    db.change_status.setCurrentIndex(db.change_status.findData("apologies"))
    qtbot.mouseClick(db.change, LEFT)
    # The chair's dialog hears of it (the change feed), keeps the chair's choice.
    qtbot.waitUntil(lambda: da.current() is not None and da.current().status == "apologies")
    assert da.base.version == row.version
    assert da.change_status.currentData() == "information_sent"
    qtbot.waitUntil(lambda: da.notice.isVisible(), timeout=2000)
    assert da.notice.text().startswith("Changed by Hannah Lee at ")


def test_a_change_saved_meanwhile_is_shown_not_overwritten(
    qtbot, two_dialogs, chair_ctx, artefacts
):  # type: ignore[no-untyped-def]
    a, b, da, db, row = two_dialogs
    _visitor_changes_while_chair_chooses(qtbot, da, db, row)
    da.grab().save(str(artefacts / "conflict_attendance_notice.png"))
    a.messages.answer_next("edit")
    qtbot.mouseClick(da.change, LEFT)
    qtbot.waitUntil(lambda: any(m.kind == "conflict" for m in a.messages.log), timeout=5000)
    assert "Hannah Lee" in [m for m in a.messages.log if m.kind == "conflict"][-1].text
    idle(qtbot, a)
    assert _stored(chair_ctx, row.id) == ("apologies", "Hannah Lee")  # theirs stands
    theirs = da.current()
    assert da.base == theirs and not da.notice.isVisible()
    assert da.change_status.currentData() == "information_sent"
    dialog = ConflictDialog(attendance_conflict(row, "information_sent", theirs), da)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.table.item(0, 0).text() == "Status  ≠"
    assert "Hannah Lee" in dialog.table.horizontalHeaderItem(2).text()
    dialog.grab().save(str(artefacts / "conflict_attendance.png"))
    dialog.reject()
    qtbot.mouseClick(da.change, LEFT)  # now on top of theirs, knowingly
    qtbot.waitUntil(lambda: _stored(chair_ctx, row.id) == ("information_sent", "Jo Chair"))
    qtbot.waitUntil(lambda: db.current().status == "information_sent", timeout=5000)


def test_keep_theirs_and_mine_on_top(qtbot, two_dialogs, chair_ctx):  # type: ignore[no-untyped-def]
    a, b, da, db, row = two_dialogs
    _visitor_changes_while_chair_chooses(qtbot, da, db, row)
    a.messages.answer_next("theirs")
    qtbot.mouseClick(da.change, LEFT)
    qtbot.waitUntil(lambda: da.change_status.currentData() == "apologies", timeout=5000)
    idle(qtbot, a)
    assert _stored(chair_ctx, row.id) == ("apologies", "Hannah Lee")
    assert not da.touched and not da.notice.isVisible()
    # The visitor changes it again while the chair chooses; this time the chair's goes on top.
    row = da.base
    _visitor_changes_again = db.change_status.findData("present")
    da.change_status.setCurrentIndex(da.change_status.findData("information_sent"))
    da.change_status.activated.emit(da.change_status.currentIndex())
    db.change_status.setCurrentIndex(_visitor_changes_again)
    qtbot.mouseClick(db.change, LEFT)
    qtbot.waitUntil(lambda: da.current().status == "present", timeout=5000)
    a.messages.answer_next("mine")
    qtbot.mouseClick(da.change, LEFT)
    qtbot.waitUntil(lambda: _stored(chair_ctx, row.id) == ("information_sent", "Jo Chair"))
    assert len([m for m in a.messages.log if m.kind == "conflict"]) == 2


def test_the_change_form_names_the_person_and_waits_for_one(qtbot, chair_ctx, artefacts):  # type: ignore[no-untyped-def]
    """Nobody chosen: the status list and "Change selected" wait, and say why. Chosen: the
    form names them and starts from their own status."""
    win = open_window(qtbot, chair_ctx)
    try:
        start_meeting(qtbot, win)
        dialog = win.screens.open("attendance")
        assert not dialog.change.isEnabled() and not dialog.change_status.isEnabled()
        assert dialog.change.toolTip() == "Select a person in the list first."
        assert dialog.chosen.text() == "Select a person in the list to change their status:"
        with chair_ctx.read_session() as s:
            hv = s.scalar(select(Agency.id).where(Agency.code == "HV"))
        for name, status in (("Hannah Lee", "present"), ("Ravi Rao", "apologies")):
            dialog.add_person(hv, name, status)
        qtbot.waitUntil(lambda: len(dialog.model.rows) == 2)
        rao = next(i for i, r in enumerate(dialog.model.rows) if r.person_name == "Ravi Rao")
        dialog.table.selectRow(rao)
        assert dialog.change.isEnabled() and dialog.change.toolTip() == ""
        assert dialog.chosen.text() == "Ravi Rao (HV):"
        assert dialog.change_status.currentData() == "apologies"
        dialog.change_status.setCurrentIndex(dialog.change_status.findData("present"))
        qtbot.mouseClick(dialog.change, LEFT)
        qtbot.waitUntil(
            lambda: (
                [r.status for r in dialog.model.rows if r.person_name == "Ravi Rao"] == ["present"]
            )
        )
        dialog.grab().save(str(artefacts / "attendance_change_form.png"))
    finally:
        close_window(win)
