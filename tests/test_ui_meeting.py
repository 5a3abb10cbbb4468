"""A whole meeting run through the real widgets on the small demo city, then the database checked."""

from __future__ import annotations

from PySide6.QtCore import Qt
from sqlalchemy import func, select

from frontdoor_app.context import AppContext
from frontdoor_app.models import (
    Action,
    ActionUpdate,
    Agency,
    AgendaItem,
    Amendment,
    Attendance,
    Decision,
    DecisionOutcome,
    IntelligenceEntry,
    Meeting,
    OutcomeCode,
    SharingDecision,
)
from frontdoor_app.ui.meeting.main_window import MainWindow
from tests.ui_support import (
    LEFT,
    TODAY,
    activate,
    close_window,
    idle,
    open_window,
)


def test_whole_meeting_through_the_widgets(qtbot, chair_ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    win = open_window(qtbot, chair_ctx)
    try:
        _run_meeting(qtbot, win)
    finally:
        close_window(win)


def _run_meeting(qtbot, win: MainWindow) -> None:  # type: ignore[no-untyped-def]
    ctx, messages = win.ctx, win.messages
    agency = {a.code: a.id for a in win.state.agencies}
    assert win.meeting.meeting_date == TODAY and win.meeting.status == "planned"
    assert len(win.room.agenda.rows) >= 6

    # -- opening: open, confidentiality statement read
    win.toolbar.open_meeting_action.trigger()
    qtbot.waitUntil(lambda: win.meeting.is_open and "confidentiality" in win.screens.shown)
    qtbot.mouseClick(win.screens.shown["confidentiality"].mark, LEFT)
    qtbot.waitUntil(lambda: win.meeting.confidentiality_read_at is not None)
    assert (
        "Chair:" in win.header.title_info.text() and "in progress" in win.header.title_info.text()
    )

    # -- attendance through the dialog's form
    attendance = [
        ("POL", "PC Ann Smith", "present"),
        ("HV", "Hannah Lee", "present"),
        ("DVS", "Dee Vance", "present"),
        ("HSG", "Ravi Rao", "apologies"),
        ("EDU", "Ed Jones", "information_sent"),
    ]
    dialog = win.screens.open("attendance")
    for n, (code, name, status) in enumerate(attendance, start=1):
        dialog.agency.setCurrentIndex(dialog.agency.findData(agency[code]))
        dialog.name.setText(name)
        dialog.status.setCurrentIndex(dialog.status.findData(status))
        qtbot.mouseClick(dialog.add, LEFT)
        qtbot.waitUntil(lambda n=n: dialog.model.rowCount() == n)
    dialog.reject()
    qtbot.waitUntil(lambda: "3/" in win.toolbar.attendance_action.text())

    # -- open actions from earlier meetings reviewed first
    review = win.screens.open("open_actions")
    qtbot.waitUntil(lambda: review.model.rowCount() > 3)
    before_open = review.model.rowCount()
    reviewed: list[tuple[int, str, str]] = []
    for status, note in (
        ("done", "Home visit made on Friday"),
        ("not_possible", "Family moved out of the area"),
        ("not_done", "No capacity this week; raised with the manager"),
    ):
        review.table.selectRow(0)
        reviewed.append((review.model.row_at(0).id, status, note))
        review.form.choose(status, note)
        qtbot.mouseClick(review.form.apply, LEFT)
        qtbot.waitUntil(lambda: review.model.rowCount() == before_open - len(reviewed))
    review.reject()

    # -- three cases discussed: PgDn moves the meeting on, as the chair would
    activate(qtbot, win)  # window shortcuts need the active window
    discussed: list[int] = []
    rationale_item = None
    for number in range(3):
        qtbot.keyClick(win.agenda.table, Qt.Key.Key_PageDown)  # the shortcut, not a method
        qtbot.waitUntil(
            lambda: (
                win.meeting.current_item_id is not None
                and win.meeting.current_item_id not in discussed
                and win.case_view.case is not None
                and win.case_view.case.item.item_id == win.meeting.current_item_id
            )
        )
        idle(qtbot, win)
        item_id = win.meeting.current_item_id
        discussed.append(item_id)
        case = win.case_view.case
        tab = win.case_view.intelligence
        win.cases.focus("intelligence")
        for k, code in enumerate(("POL", "HV", "DVS"), start=1):
            tab.agency.setCurrentIndex(tab.agency.findData(agency[code]))
            tab.text.setPlainText(f"Case {case.case_number}: what {code} knows ({k})")
            tab.may_share.setChecked(code != "DVS")
            qtbot.mouseClick(tab.save, LEFT)
            qtbot.waitUntil(
                lambda k=k: (
                    win.case_view.case is not None and len(win.case_view.case.intelligence) == k
                )
            )

        decision = win.case_view.decision
        win.cases.focus("decision")
        police = case.incident.dash_risk
        if rationale_item is None and police in ("high", "medium"):
            # Lowering the police grade: refused until a rationale is written.
            rationale_item = item_id
            decision.boxes["IDVA"].setChecked(True)
            lower = "medium" if police == "high" else "standard"
            decision.risk.setCurrentIndex(decision.risk.findData(lower))
            assert not decision.save.isEnabled()
            assert "rationale" in decision.reason.text().lower()
            qtbot.mouseClick(decision.save, LEFT)  # disabled: nothing happens
            idle(qtbot, win)
            with ctx.session() as s:
                assert s.scalar(select(Decision).where(Decision.agenda_item_id == item_id)) is None
            decision.rationale.setPlainText("Perpetrator in custody and bail conditions in place.")
            assert decision.save.isEnabled() and decision.reason.text() == ""
        else:
            decision.boxes["LETTER"].setChecked(True)
            decision.risk.setCurrentIndex(decision.risk.findData(police))
        qtbot.mouseClick(decision.save, LEFT)
        qtbot.waitUntil(lambda: win.case_view.case.decision is not None)

        actions = win.case_view.actions_tab
        win.cases.focus("actions")
        actions.agency.setCurrentIndex(actions.agency.findData(agency["HV"]))
        actions.owner.setText("Hannah Lee")
        actions.description.setText(f"Home visit for case {case.case_number}")
        qtbot.mouseClick(actions.add, LEFT)
        qtbot.waitUntil(lambda: len(win.case_view.case.actions) == 1)
        assert actions.model.rowCount() == 1

        sharing = win.case_view.sharing
        win.case_view.show_tab("sharing")
        sharing.agency.setCurrentIndex(sharing.agency.findData(agency["DVS"]))
        sharing.shared.setCurrentIndex(sharing.shared.findData(number != 1))
        sharing.with_whom.setText("School safeguarding lead" if number != 1 else "")
        sharing.reason.setText(f"Sharing reason {number}")
        qtbot.mouseClick(sharing.record, LEFT)
        qtbot.waitUntil(lambda: len(win.case_view.case.sharing) == 1)
    assert rationale_item is not None, "the demo agenda should start with a high or medium case"

    # -- one case deferred from the agenda panel
    waiting = [r for r in win.room.agenda.rows if r.status == "waiting"]
    deferred_id = waiting[0].item_id
    win.agenda.select(deferred_id)
    qtbot.mouseClick(win.agenda.defer, LEFT)
    qtbot.waitUntil(lambda: win.room.agenda.row(deferred_id).status == "deferred")

    # -- closing: the rest wait for tomorrow, then close
    closing = win.screens.open("close")
    qtbot.waitUntil(lambda: closing.defer_rest.isEnabled())
    assert not closing.close_button.isEnabled()
    qtbot.mouseClick(closing.defer_rest, LEFT)
    qtbot.waitUntil(lambda: closing.close_button.isEnabled())
    qtbot.mouseClick(closing.close_button, LEFT)
    qtbot.waitUntil(lambda: win.meeting.is_closed)
    assert "closed" in win.header.title_info.text()

    # -- an amendment after close: refused without a reason, saved with one
    win.browse_to(rationale_item)
    qtbot.waitUntil(lambda: win.case_view.case.item.item_id == rationale_item)
    idle(qtbot, win)
    win.case_view.decision.rationale.setPlainText("Perpetrator remanded; bail refused by court.")
    messages.answer_next(None)
    qtbot.mouseClick(win.case_view.decision.save, LEFT)
    qtbot.waitUntil(lambda: any("needs a reason" in m.text for m in messages.log))
    reason = "Court outcome received after the meeting"
    messages.answer_next(reason)
    qtbot.mouseClick(win.case_view.decision.save, LEFT)
    qtbot.waitUntil(
        lambda: win.case_view.case.decision.rationale.startswith("Perpetrator remanded")
    )
    idle(qtbot, win)

    _check_database(
        ctx, win.meeting.id, attendance, reviewed, discussed, rationale_item, deferred_id, reason
    )


def _check_database(
    ctx: AppContext,
    meeting_id: int,
    attendance: list[tuple[str, str, str]],
    reviewed: list[tuple[int, str, str]],
    discussed: list[int],
    rationale_item: int,
    deferred_id: int,
    reason: str,
) -> None:
    with ctx.session() as s:
        meeting = s.get(Meeting, meeting_id)
        assert meeting.status == "closed" and meeting.closed_at and meeting.confidentiality_read_at
        assert meeting.chair_id == ctx.actor.user_id
        rows = s.execute(
            select(Agency.code, Attendance.person_name, Attendance.status)
            .join(Agency, Agency.id == Attendance.agency_id)
            .where(Attendance.meeting_id == meeting_id)
        ).all()
        assert sorted(map(tuple, rows)) == sorted(attendance)
        for action_id, status, note in reviewed:
            action = s.get(Action, action_id)
            assert (action.status, action.status_note) == (status, note)
            update = s.scalars(
                select(ActionUpdate)
                .where(ActionUpdate.action_id == action_id)
                .order_by(ActionUpdate.id.desc())
            ).first()
            assert (update.status_to, update.note, update.meeting_id) == (status, note, meeting_id)
        items = {
            i.id: i
            for i in s.scalars(select(AgendaItem).where(AgendaItem.meeting_id == meeting_id))
        }
        assert sorted(i for i, item in items.items() if item.status == "discussed") == sorted(
            discussed
        )
        assert items[deferred_id].status == "deferred"
        assert all(item.status == "deferred" for i, item in items.items() if i not in discussed)
        for item_id in discussed:
            agencies = s.scalars(
                select(Agency.code)
                .join(IntelligenceEntry, IntelligenceEntry.agency_id == Agency.id)
                .where(IntelligenceEntry.agenda_item_id == item_id)
            ).all()
            assert sorted(agencies) == ["DVS", "HV", "POL"]
        decisions = s.scalars(select(Decision).where(Decision.agenda_item_id.in_(list(items))))
        by_item = {d.agenda_item_id: d for d in decisions}
        assert sorted(by_item) == sorted(discussed)
        amended = by_item[rationale_item]
        assert amended.rationale == "Perpetrator remanded; bail refused by court."
        codes = s.scalars(
            select(OutcomeCode.code)
            .join(DecisionOutcome, DecisionOutcome.outcome_code_id == OutcomeCode.id)
            .where(DecisionOutcome.decision_id == amended.id)
        ).all()
        assert codes == ["IDVA"]
        new_actions = s.scalars(select(Action).where(Action.agenda_item_id.in_(list(items)))).all()
        assert sorted(a.agenda_item_id for a in new_actions) == sorted(discussed)
        assert all(a.owner_name == "Hannah Lee" and a.status == "open" for a in new_actions)
        amendments = s.scalars(select(Amendment).where(Amendment.meeting_id == meeting_id)).all()
        assert amendments and all(a.reason == reason for a in amendments)
        assert {a.entity for a in amendments} == {"decision"}
        assert any(a.field == "rationale" and a.after and "remanded" in a.after for a in amendments)
        shared = s.execute(
            select(
                SharingDecision.agenda_item_id,
                SharingDecision.shared,
                SharingDecision.with_whom,
                SharingDecision.reason,
            )
            .where(SharingDecision.agenda_item_id.in_(list(items)))
            .order_by(SharingDecision.id)
        ).all()
        assert [tuple(r) for r in shared] == [
            (discussed[0], True, "School safeguarding lead", "Sharing reason 0"),
            (discussed[1], False, None, "Sharing reason 1"),
            (discussed[2], True, "School safeguarding lead", "Sharing reason 2"),
        ]
        entries = s.scalar(
            select(func.count(IntelligenceEntry.id)).where(
                IntelligenceEntry.agenda_item_id.in_(list(items))
            )
        )
        assert entries == 9
