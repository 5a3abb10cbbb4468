"""Two people on one action: an update saved meanwhile is shown beside mine, never lost.

The chair and the health visitor each have the case open in their own window (their own
client on one meeting file). The health visitor marks the action done while the chair is
writing that it is not possible; the chair's form keeps what was typed, says who changed
it and when, and the chair's update meets the conflict view instead of overwriting.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from frontdoor_app.context import AppContext
from frontdoor_app.meeting import actions
from frontdoor_app.models import Agency
from frontdoor_app.profile import Profile
from frontdoor_app.settings import Settings
from frontdoor_app.ui.case.actions_tab import action_conflict
from frontdoor_app.ui.core.conflict_view import ConflictDialog
from tests.ui_support import (
    LEFT,
    chair_and_visitor_windows,
    idle,
)

MINE = "A: the family moved to Bradford on Friday"
THEIRS = "B: seen at home on Thursday, all well"
OWNER = "Hannah Lee (conflict test)"


def _stored(ctx: AppContext, action_id: int):  # type: ignore[no-untyped-def]
    with ctx.read_session() as s:
        return actions.load_action(s, action_id, ctx.profile.today())


@pytest.fixture
def chair_and_visitor(
    qtbot, chair_ctx: AppContext, demo_db: str, fresh_settings: Settings, profile: Profile
):  # type: ignore[no-untyped-def]
    with chair_and_visitor_windows(qtbot, chair_ctx, demo_db, fresh_settings, profile) as (
        a,
        b,
        _visitor_ctx,
        first,
    ):
        with chair_ctx.read_session() as s:
            hv = s.scalar(select(Agency.id).where(Agency.code == "HV"))
        action = actions.add_action(
            chair_ctx.sessions,
            chair_ctx.actor,
            profile,
            first,
            hv,
            "Home visit this week",
            owner_name=OWNER,
        )
        b.show_item(first)
        for win in (a, b):
            qtbot.waitUntil(
                lambda w=win: (
                    w.case_view.case.item.item_id == first
                    and any(x.id == action.id for x in w.case_view.case.actions)
                ),
                timeout=5000,
            )
            win.case_view.tabs.setCurrentWidget(win.case_view.actions_tab)
            win.case_view.actions_tab.table.selectRow(0)
            idle(qtbot, win)
        yield a, b, action


def _visitor_updates_while_chair_types(qtbot, a, b, action) -> None:  # type: ignore[no-untyped-def]
    form = a.case_view.actions_tab.status_form
    assert form.base is not None and form.base.id == action.id
    form.status.setCurrentIndex(form.status.findData("not_possible"))
    qtbot.keyClicks(form.note, MINE)
    assert form.touched
    theirs_form = b.case_view.actions_tab.status_form
    theirs_form.choose("done", THEIRS)
    qtbot.mouseClick(theirs_form.apply, LEFT)
    qtbot.waitUntil(lambda: b.case_view.case.actions[0].status == "done", timeout=5000)
    # The chair's window hears of it, keeps what the chair typed, says who and when.
    qtbot.waitUntil(lambda: a.case_view.case.actions[0].status == "done", timeout=5000)
    assert form.note.text() == MINE and form.status.currentData() == "not_possible"
    assert form.base.version == action.version  # still the version the form started from
    qtbot.waitUntil(lambda: form.notice.isVisible(), timeout=2000)
    assert form.notice.text().startswith("Changed by Hannah Lee at ")


def test_an_update_saved_meanwhile_is_shown_not_overwritten(
    qtbot, chair_and_visitor, chair_ctx, artefacts
):  # type: ignore[no-untyped-def]
    a, b, action = chair_and_visitor
    _visitor_updates_while_chair_types(qtbot, a, b, action)
    form = a.case_view.actions_tab.status_form
    a.case_view.actions_tab.grab().save(str(artefacts / "conflict_action_notice.png"))
    a.messages.answer_next("edit")
    qtbot.mouseClick(form.apply, LEFT)
    qtbot.waitUntil(lambda: any(m.kind == "conflict" for m in a.messages.log), timeout=5000)
    shown = [m for m in a.messages.log if m.kind == "conflict"][-1]
    assert "Hannah Lee" in shown.text and "Status" in shown.text and "Note" in shown.text
    idle(qtbot, a)
    stored = _stored(chair_ctx, action.id)
    assert (stored.status, stored.status_note) == ("done", THEIRS)  # theirs stands
    assert form.note.text() == MINE and form.base.version == stored.version
    assert not form.notice.isVisible()
    # The conflict view as the chair saw it, from the two versions the test holds.
    dialog = ConflictDialog(action_conflict(action, "not_possible", MINE, stored), a)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.table.item(0, 0).text() == "Status  ≠"
    assert dialog.table.item(1, 1).text() == MINE and dialog.table.item(1, 2).text() == THEIRS
    assert "Hannah Lee" in dialog.table.horizontalHeaderItem(2).text()
    # one line of text a row once laid out: the rows fitted to the columns' widths
    qtbot.waitUntil(lambda: dialog.table.rowHeight(0) == dialog.table.rowHeight(2))
    dialog.grab().save(str(artefacts / "conflict_action.png"))
    dialog.reject()
    # Sending again now puts the chair's on top, knowingly; both updates stay on record.
    qtbot.mouseClick(form.apply, LEFT)
    qtbot.waitUntil(lambda: _stored(chair_ctx, action.id).status == "not_possible", timeout=5000)
    stored = _stored(chair_ctx, action.id)
    assert [u.note for u in stored.updates] == [THEIRS, MINE]
    qtbot.waitUntil(lambda: form.note.text() == "" and not form.touched, timeout=5000)
    qtbot.waitUntil(lambda: b.case_view.case.actions[0].status == "not_possible", timeout=5000)


def test_keep_theirs_drops_mine(qtbot, chair_and_visitor, chair_ctx):  # type: ignore[no-untyped-def]
    a, b, action = chair_and_visitor
    _visitor_updates_while_chair_types(qtbot, a, b, action)
    form = a.case_view.actions_tab.status_form
    a.messages.answer_next("theirs")
    qtbot.mouseClick(form.apply, LEFT)
    qtbot.waitUntil(lambda: form.note.text() == "", timeout=5000)
    idle(qtbot, a)
    stored = _stored(chair_ctx, action.id)
    assert (stored.status, stored.status_note) == ("done", THEIRS)
    assert [u.note for u in stored.updates] == [THEIRS]
    assert form.base.version == stored.version and not form.notice.isVisible()


def test_put_mine_on_top_sends_it_against_their_version(qtbot, chair_and_visitor, chair_ctx):  # type: ignore[no-untyped-def]
    a, b, action = chair_and_visitor
    _visitor_updates_while_chair_types(qtbot, a, b, action)
    form = a.case_view.actions_tab.status_form
    a.messages.answer_next("mine")
    qtbot.mouseClick(form.apply, LEFT)
    qtbot.waitUntil(lambda: _stored(chair_ctx, action.id).status == "not_possible", timeout=5000)
    stored = _stored(chair_ctx, action.id)
    assert stored.status_note == MINE
    assert [(u.status_to, u.note) for u in stored.updates] == [
        ("done", THEIRS),
        ("not_possible", MINE),
    ]
    qtbot.waitUntil(lambda: b.case_view.case.actions[0].status == "not_possible", timeout=5000)


def test_see_the_change_before_sending(qtbot, chair_and_visitor, chair_ctx):  # type: ignore[no-untyped-def]
    """The notice's "See the change" shows both versions before anything is sent."""
    a, b, action = chair_and_visitor
    _visitor_updates_while_chair_types(qtbot, a, b, action)
    form = a.case_view.actions_tab.status_form
    a.messages.answer_next("edit")
    qtbot.mouseClick(form.see_change, LEFT)
    shown = [m for m in a.messages.log if m.kind == "conflict"]
    assert len(shown) == 1 and "Hannah Lee" in shown[0].text
    assert not form.notice.isVisible() and form.note.text() == MINE
    assert _stored(chair_ctx, action.id).status == "done"


def test_the_tracker_keeps_its_version_too(qtbot, chair_and_visitor, chair_ctx, artefacts):  # type: ignore[no-untyped-def]
    """The action tracker's form: the visitor's update arrives while the chair types."""
    from frontdoor_app.ui.meeting.action_tracker import ActionTrackerWindow

    a, b, action = chair_and_visitor
    tracker = ActionTrackerWindow(chair_ctx, a.worker, a.messages, ())
    qtbot.addWidget(tracker)
    tracker.status.setCurrentIndex(1)  # every status: the row stays when it is done
    tracker.owner.setText(OWNER)  # this action alone among the demo's
    tracker.show()
    qtbot.waitUntil(lambda: [r.id for r in tracker.model.rows] == [action.id], timeout=5000)
    row = next(n for n, r in enumerate(tracker.model.rows) if r.id == action.id)
    tracker.table.selectRow(row)
    tracker.form.status.setCurrentIndex(tracker.form.status.findData("not_possible"))
    qtbot.keyClicks(tracker.form.note, MINE)
    theirs_form = b.case_view.actions_tab.status_form
    theirs_form.choose("done", THEIRS)
    qtbot.mouseClick(theirs_form.apply, LEFT)
    qtbot.waitUntil(lambda: _stored(chair_ctx, action.id).status == "done", timeout=5000)
    tracker.refresh()  # as the change feed does for a screen watching the actions
    qtbot.waitUntil(lambda: tracker.form.notice.isVisible(), timeout=5000)
    assert tracker.form.note.text() == MINE
    tracker.grab().save(str(artefacts / "conflict_action_tracker.png"))
    a.messages.answer_next("mine")
    qtbot.mouseClick(tracker.form.apply, LEFT)
    qtbot.waitUntil(lambda: _stored(chair_ctx, action.id).status == "not_possible", timeout=5000)
    assert [u.note for u in _stored(chair_ctx, action.id).updates] == [THEIRS, MINE]
    assert any(m.kind == "conflict" for m in a.messages.log)
    tracker.close()


@pytest.mark.parametrize("answer", ["mine", "edit"])
def test_an_update_that_waited_on_the_laptop_meets_the_conflict_view(
    qtbot, chair_and_visitor, chair_ctx, answer
):  # type: ignore[no-untyped-def]
    """An update kept on the laptop while the server was away is sent when it is back,
    against the version it was made from: the visitor's update meanwhile is shown, never
    overwritten, and the chair's goes on top only when the chair says so."""
    a, b, action = chair_and_visitor
    meeting_id = a.meeting.id
    theirs_form = b.case_view.actions_tab.status_form
    theirs_form.choose("done", THEIRS)
    qtbot.mouseClick(theirs_form.apply, LEFT)
    qtbot.waitUntil(lambda: _stored(chair_ctx, action.id).status == "done", timeout=5000)
    qtbot.waitUntil(lambda: a.case_view.case.actions[0].status == "done", timeout=5000)
    a.messages.answer_next(answer)
    # Kept on the laptop only now: the window sends what waits whenever the server
    # answers, so put earlier it would have gone before the visitor's update.
    a.outbox.put(
        "waiting-1",
        "action_status",
        action.agenda_item_id,
        {
            "ref": "waiting-1",
            "action_id": action.id,
            "item_id": action.agenda_item_id,
            "version": action.version,
            "status": "not_possible",
            "note": MINE,
            "meeting_id": meeting_id,
        },
    )
    a.saves.send_waiting()  # what the window does when the connection is back
    qtbot.waitUntil(lambda: any(m.kind == "conflict" for m in a.messages.log), timeout=5000)
    shown = [m for m in a.messages.log if m.kind == "conflict"]
    assert len(shown) == 1 and "Hannah Lee" in shown[0].text
    qtbot.waitUntil(lambda: len(a.outbox) == 0, timeout=5000)
    if answer == "mine":
        qtbot.waitUntil(
            lambda: _stored(chair_ctx, action.id).status == "not_possible", timeout=5000
        )
        assert [u.note for u in _stored(chair_ctx, action.id).updates] == [THEIRS, MINE]
    else:  # the waiting update is put in the (free) form, against their version
        form = a.case_view.actions_tab.status_form
        stored = _stored(chair_ctx, action.id)
        assert (stored.status, [u.note for u in stored.updates]) == ("done", [THEIRS])
        assert form.note.text() == MINE and form.status.currentData() == "not_possible"
        assert form.base.version == stored.version and form.touched
