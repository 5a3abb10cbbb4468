"""Edits of saved records lose nothing when the connection drops (issue 12): made while
the server is away (every connection of the laptop terminated, new ones refused), each is
kept on the laptop, counted in the offline banner, and sent once when the server is back,
through the same conflict check as any save."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from frontdoor_app.fgc import referrals
from frontdoor_app.meeting import agenda, decisions, entries, lifecycle
from frontdoor_app.models import Agency, Attendance, AuditEvent, FgcReferral, IntelligenceEntry
from frontdoor_app.ui.case.waiting_rows import WaitingEntry
from tests.fgc_support import build_case, coordinator
from tests.server_clients import allow_connections as _allow
from tests.server_clients import cell, conflicts, fgc_tab, server
from tests.ui_support import LEFT, idle

FIRST = "Both children seen at the clinic in October"
OFFLINE = "HV1 (typed on the train): the baby's 8-week check is overdue"
THEIRS = "HV2: mother says she is moving to her sister's"


def _editing(qtbot, win, entry) -> None:  # type: ignore[no-untyped-def]
    win.show_item(entry.agenda_item_id)
    qtbot.waitUntil(
        lambda: (
            win.case_view.case is not None
            and any(e.id == entry.id for e in win.case_view.case.intelligence)
        ),
        timeout=10_000,
    )
    tab = win.case_view.intelligence
    win.case_view.tabs.setCurrentWidget(tab)
    tab.table.selectRow(next(n for n, e in enumerate(tab.model.rows) if e.id == entry.id))
    qtbot.mouseClick(tab.edit, LEFT)
    assert tab.editing is not None and tab.editing.id == entry.id
    idle(qtbot, win)


def _entry(srv, fresh_settings, profile):  # type: ignore[no-untyped-def]
    one = srv.client(fresh_settings, profile, "hv.one")
    with one.read_session() as s:
        hv = s.scalar(select(Agency.id).where(Agency.code == "HV"))
    return one, entries.add_entry(one.sessions, one.actor, srv.item_ids[0], hv, FIRST)


def _edits_stored(srv, entry_id: int) -> int:  # type: ignore[no-untyped-def]
    with srv.setup.read_session() as s:
        return int(
            s.scalar(
                select(func.count())
                .select_from(AuditEvent)
                .where(
                    AuditEvent.entity == "intelligence_entry",
                    AuditEvent.entity_id == entry_id,
                    AuditEvent.action == "update",
                )
            )
            or 0
        )


@pytest.mark.postgres
def test_an_entry_edit_made_while_the_server_is_away_waits_and_is_sent_once(
    qtbot, pg_app_url, fresh_settings, profile, artefacts
) -> None:  # type: ignore[no-untyped-def]
    with server(fresh_settings, pg_app_url, profile) as srv:
        one, entry = _entry(srv, fresh_settings, profile)
        win = srv.window(qtbot, one)
        try:
            _editing(qtbot, win, entry)
            tab = win.case_view.intelligence
            _allow(pg_app_url, False)
            tab.text.setPlainText(OFFLINE)
            qtbot.mouseClick(tab.save, LEFT)
            qtbot.waitUntil(lambda: len(win.outbox) == 1, timeout=10_000)
            assert tab.editing is None and tab.text.toPlainText() == ""  # the form is free
            assert OFFLINE in win.outbox.path.read_text(encoding="utf-8")
            qtbot.waitUntil(lambda: not win.live.online, timeout=10_000)
            qtbot.waitUntil(lambda: "1 save waiting" in win.header.offline_banner.text())
            assert win.header.offline_banner.isVisible()
            # The edit stands in the entry's place, marked as waiting, and cannot be
            # edited again until it is sent (one change waits per entry).
            (row,) = tab.model.rows
            assert isinstance(row, WaitingEntry) and row.edit_of == entry.id
            assert (row.text, row.created_at) == (OFFLINE, entry.created_at)
            assert tab.model.text(0, 5) == "waiting to be sent · meeting only"
            tab.table.selectRow(0)
            assert tab.selected() is None and not tab.edit.isEnabled()
            win.grab().save(str(artefacts / "offline_entry_edit_waiting.png"))
            _allow(pg_app_url, True)
            qtbot.waitUntil(lambda: win.live.online and len(win.outbox) == 0, timeout=30_000)
            qtbot.waitUntil(
                lambda: any(e.text == OFFLINE for e in win.case_view.case.intelligence),
                timeout=10_000,
            )
            qtbot.wait(300)  # later rounds of the feed must not send it again
            with srv.setup.read_session() as s:
                row = s.get(IntelligenceEntry, entry.id)
                assert (row.text, row.version) == (OFFLINE, entry.version + 1)
            assert _edits_stored(srv, entry.id) == 1
            assert [(r.id, r.text) for r in tab.model.rows] == [(entry.id, OFFLINE)]
            assert not win.header.offline_banner.isVisible()
            assert not [m for m in win.messages.log if m.kind in ("error", "conflict")]
        finally:
            _allow(pg_app_url, True)


@pytest.mark.postgres
def test_an_entry_edit_that_waited_meets_an_edit_saved_meanwhile(
    qtbot, pg_app_url, fresh_settings, profile
) -> None:  # type: ignore[no-untyped-def]
    with server(fresh_settings, pg_app_url, profile) as srv:
        one, entry = _entry(srv, fresh_settings, profile)
        two = srv.client(fresh_settings, profile, "hv.two")
        win = srv.window(qtbot, one)
        try:
            _editing(qtbot, win, entry)
            tab = win.case_view.intelligence
            _allow(pg_app_url, False)
            tab.text.setPlainText(OFFLINE)
            qtbot.mouseClick(tab.save, LEFT)
            qtbot.waitUntil(lambda: len(win.outbox) == 1, timeout=10_000)
            _allow(pg_app_url, True)
            # Before this laptop is back, the other health visitor saves the entry.
            theirs = entries.edit_entry(
                two.sessions, two.actor, entry.id, entry.version, text=THEIRS
            )
            win.messages.answer_next("edit")
            qtbot.waitUntil(lambda: len(conflicts(win)) == 1, timeout=30_000)
            shown = conflicts(win)[0]
            assert shown.saved_by == "Health Visitor Two"
            assert cell(shown, "Entry") == (OFFLINE, THEIRS)
            idle(qtbot, win)
            assert len(win.outbox) == 0
            with srv.setup.read_session() as s:
                assert s.get(IntelligenceEntry, entry.id).text == THEIRS  # theirs stands
            # Mine is back in the form, as an edit of theirs: saving puts it on top.
            assert tab.editing is not None and tab.editing.version == theirs.version
            assert tab.text.toPlainText() == OFFLINE
            qtbot.mouseClick(tab.save, LEFT)
            qtbot.waitUntil(lambda: tab.editing is None, timeout=10_000)
            with srv.setup.read_session() as s:
                assert s.get(IntelligenceEntry, entry.id).text == OFFLINE
            assert _edits_stored(srv, entry.id) == 2  # theirs, then mine: both in the trail
            assert not [m for m in win.messages.log if m.kind == "error"]
        finally:
            _allow(pg_app_url, True)


def _order(srv) -> list[int]:  # type: ignore[no-untyped-def]
    with srv.setup.read_session() as s:
        return [r.item_id for r in agenda.load_agenda(s, srv.meeting_id).rows]


@pytest.mark.postgres
def test_agenda_moves_made_while_the_server_is_away_wait_and_meet_a_move_made_meanwhile(
    qtbot, pg_app_url, fresh_settings, profile
) -> None:  # type: ignore[no-untyped-def]
    with server(fresh_settings, pg_app_url, profile, cases=3) as srv:
        chair = srv.client(fresh_settings, profile, "chair.one")
        other = srv.client(fresh_settings, profile, "chair.two")
        win = srv.window(qtbot, chair)
        try:
            first, second, last = _order(srv)
            # 1. Alone: the move waits, is counted, and is made once the server is back.
            _allow(pg_app_url, False)
            win.move_case(last, 1)
            qtbot.waitUntil(lambda: len(win.outbox) == 1, timeout=10_000)
            qtbot.waitUntil(lambda: "1 save waiting" in win.header.offline_banner.text())
            _allow(pg_app_url, True)
            qtbot.waitUntil(lambda: win.live.online and len(win.outbox) == 0, timeout=30_000)
            assert _order(srv) == [last, first, second]
            qtbot.waitUntil(
                lambda: [r.item_id for r in win.state.agenda.rows] == [last, first, second],
                timeout=10_000,
            )
            assert not [m for m in win.messages.log if m.kind in ("error", "conflict")]
            # 2. Another chair reorders before this laptop is back: both orders are shown,
            #    and mine goes on top of theirs (the same move, made on their order).
            _allow(pg_app_url, False)
            win.move_case(second, 1)
            qtbot.waitUntil(lambda: len(win.outbox) == 1, timeout=10_000)
            _allow(pg_app_url, True)
            with other.read_session() as s:
                row = agenda.load_agenda(s, srv.meeting_id).row(first)
            assert row is not None
            agenda.move_item(other.sessions, other.actor, first, row.version, 3)
            theirs = _order(srv)
            assert theirs == [last, second, first]
            win.messages.answer_next("mine")
            qtbot.waitUntil(lambda: len(conflicts(win)) == 1, timeout=30_000)
            shown = conflicts(win)[0]
            assert shown.saved_by == "Chair Two" and cell(shown, "Case 1")[0] != ""
            qtbot.waitUntil(lambda: _order(srv) == [second, last, first], timeout=10_000)
            idle(qtbot, win)
            assert len(win.outbox) == 0
            assert not [m for m in win.messages.log if m.kind == "error"]
        finally:
            _allow(pg_app_url, True)


def _attendance(srv, row_id: int) -> tuple[str, str | None]:  # type: ignore[no-untyped-def]
    with srv.setup.read_session() as s:
        row = s.get(Attendance, row_id)
        assert row is not None
        return row.status, row.changed_by_name


@pytest.mark.postgres
def test_attendance_changed_while_the_server_is_away_waits_and_is_sent_once(
    qtbot, pg_app_url, fresh_settings, profile
) -> None:  # type: ignore[no-untyped-def]
    with server(fresh_settings, pg_app_url, profile) as srv:
        one = srv.client(fresh_settings, profile, "hv.one")
        two = srv.client(fresh_settings, profile, "hv.two")
        with one.read_session() as s:
            hv = s.scalar(select(Agency.id).where(Agency.code == "HV"))
        row = lifecycle.add_attendance(
            one.sessions, one.actor, srv.meeting_id, hv, "Hannah Lee", "present"
        )
        win = srv.window(qtbot, one)

        def change(status: str) -> None:
            dialog = win.screens.open("attendance")
            qtbot.waitUntil(lambda: any(r.id == row.id for r in dialog.model.rows))
            n = next(i for i, r in enumerate(dialog.model.rows) if r.id == row.id)
            dialog.table.selectRow(n)
            idle(qtbot, win)
            _allow(pg_app_url, False)
            dialog.change_status.setCurrentIndex(dialog.change_status.findData(status))
            qtbot.mouseClick(dialog.change, LEFT)
            qtbot.waitUntil(lambda: len(win.outbox) == 1, timeout=10_000)
            qtbot.waitUntil(lambda: "1 save waiting" in win.header.offline_banner.text())
            dialog.reject()  # sent when the server is back, the screen open or not

        try:
            # 1. Alone: the change waits and is made once.
            change("apologies")
            _allow(pg_app_url, True)
            qtbot.waitUntil(lambda: win.live.online and len(win.outbox) == 0, timeout=30_000)
            assert _attendance(srv, row.id) == ("apologies", "Health Visitor One")
            assert not [m for m in win.messages.log if m.kind in ("error", "conflict")]
            # 2. The other health visitor changes it before this laptop is back: both
            #    versions are shown, and mine goes on top.
            change("information_sent")
            _allow(pg_app_url, True)
            with two.read_session() as s:
                now = s.get(Attendance, row.id)
                assert now is not None
                version = now.version
            lifecycle.update_attendance(two.sessions, two.actor, row.id, version, status="present")
            win.messages.answer_next("mine")
            qtbot.waitUntil(lambda: len(conflicts(win)) == 1, timeout=30_000)
            shown = conflicts(win)[0]
            assert shown.saved_by == "Health Visitor Two"
            assert cell(shown, "Status") == ("information sent", "present")
            qtbot.waitUntil(
                lambda: _attendance(srv, row.id) == ("information_sent", "Health Visitor One"),
                timeout=10_000,
            )
            idle(qtbot, win)
            assert len(win.outbox) == 0
            assert not [m for m in win.messages.log if m.kind == "error"]
        finally:
            _allow(pg_app_url, True)


@pytest.mark.postgres
def test_fgc_steps_made_while_the_server_is_away_wait_and_meet_a_change_made_meanwhile(
    qtbot, pg_app_url, fresh_settings, profile
) -> None:  # type: ignore[no-untyped-def]
    # The FGC cases are built here (their household references would clash with build's).
    with server(fresh_settings, pg_app_url, profile, cases=0) as srv:
        offered = []
        with srv.setup.session() as s:
            for surname in ("Kowalski", "Nowak"):
                case = build_case(s, surname=surname)
                rid = referrals.offer_for_decision(s, srv.setup.actor, profile, case.agenda_item_id)
                offered.append((case.agenda_item_id, rid))
        win = srv.window(qtbot, srv.client(fresh_settings, profile, "chair.one"))

        def stage(rid: int) -> str:
            with srv.setup.read_session() as s:
                row = s.get(FgcReferral, rid)
                assert row is not None
                return row.stage

        try:
            # 1. Alone: the chair declines the offer while away; sent once when back.
            item, rid = offered[0]
            panel = fgc_tab(qtbot, win, item)
            assert panel.waiting is not None
            _allow(pg_app_url, False)
            win.messages.answer_next("the family say they do not want a conference")
            panel.stage.decline.click()
            qtbot.waitUntil(lambda: len(win.outbox) == 1, timeout=10_000)
            qtbot.waitUntil(lambda: "1 save waiting" in win.header.offline_banner.text())
            _allow(pg_app_url, True)
            qtbot.waitUntil(lambda: win.live.online and len(win.outbox) == 0, timeout=30_000)
            assert stage(rid) == "declined"
            assert not [m for m in win.messages.log if m.kind in ("error", "conflict")]
            # 2. The coordinator suspends the other referral before this laptop is back:
            #    both versions are shown, and the chair's withdrawal goes on top.
            item, rid = offered[1]
            panel = fgc_tab(qtbot, win, item)
            _allow(pg_app_url, False)
            win.messages.answer_next("the victim has withdrawn her agreement")
            panel.stage.withdraw.click()
            qtbot.waitUntil(lambda: len(win.outbox) == 1, timeout=10_000)
            _allow(pg_app_url, True)
            with srv.setup.session() as s:
                referrals.end_referral(s, coordinator(s, rid), rid, "suspended", "new incident")
            win.messages.answer_next("mine")
            qtbot.waitUntil(lambda: len(conflicts(win)) == 1, timeout=30_000)
            shown = conflicts(win)[0]
            assert cell(shown, "Stage")[1] == "suspended"
            qtbot.waitUntil(lambda: stage(rid) == "withdrawn", timeout=10_000)
            idle(qtbot, win)
            assert len(win.outbox) == 0
            assert not [m for m in win.messages.log if m.kind == "error"]
        finally:
            _allow(pg_app_url, True)


@pytest.mark.postgres
def test_a_decision_saved_while_the_server_is_away_waits_and_meets_one_saved_meanwhile(
    qtbot, pg_app_url, fresh_settings, profile, artefacts
) -> None:  # type: ignore[no-untyped-def]
    with server(fresh_settings, pg_app_url, profile) as srv:
        chair = srv.client(fresh_settings, profile, "chair.one")
        other = srv.client(fresh_settings, profile, "chair.two")
        win = srv.window(qtbot, chair)

        def decision(item: int):  # type: ignore[no-untyped-def]
            with srv.setup.read_session() as s:
                return decisions.load_decision(s, item)

        def fill(item: int, rationale: str) -> str:
            win.show_item(item)
            qtbot.waitUntil(lambda: win.case_view.case.item.item_id == item, timeout=10_000)
            idle(qtbot, win)
            tab = win.case_view.decision
            win.case_view.tabs.setCurrentWidget(tab)
            code = next(
                o.code
                for o in tab._options
                if not (o.is_nfa or o.is_fgc_offer or o.is_marac_referral or o.detail_prompt)
            )
            for c, box in tab.boxes.items():
                box.setChecked(c == code)
            tab.risk.setCurrentIndex(tab.risk.findData("high"))
            tab.rationale.setPlainText(rationale)
            return code

        try:
            # 1. Alone: the decision waits and is saved once.
            first, second = srv.item_ids
            fill(first, "Typed while the Wi-Fi was down: refer to the IDVA service")
            _allow(pg_app_url, False)
            qtbot.mouseClick(win.case_view.decision.save, LEFT)
            qtbot.waitUntil(lambda: len(win.outbox) == 1, timeout=10_000)
            qtbot.waitUntil(lambda: "1 save waiting" in win.header.offline_banner.text())
            decided = win.case_view.decision.decided
            assert decided.text().startswith("No decision yet")  # (not saved: waiting)
            assert "is waiting on this laptop to be sent" in decided.text()
            win.grab().save(str(artefacts / "offline_decision_waiting.png"))
            _allow(pg_app_url, True)
            qtbot.waitUntil(lambda: win.live.online and len(win.outbox) == 0, timeout=30_000)
            qtbot.waitUntil(lambda: decided.text().startswith("Decided by"), timeout=10_000)
            assert "waiting" not in decided.text()
            saved = decision(first)
            assert saved is not None and saved.rationale.startswith("Typed while")
            assert not [m for m in win.messages.log if m.kind in ("error", "conflict")]
            # 2. The other chair saves the second case's first decision before this laptop
            #    is back: both versions are shown, theirs stands, mine stays in the form.
            mine = "Mine, typed offline: the school holds a safety meeting"
            code = fill(second, mine)
            _allow(pg_app_url, False)
            qtbot.mouseClick(win.case_view.decision.save, LEFT)
            qtbot.waitUntil(lambda: len(win.outbox) == 1, timeout=10_000)
            _allow(pg_app_url, True)
            decisions.save_decision(
                other.sessions, other.actor, profile, second, [code], "high", "Theirs, online"
            )
            win.messages.answer_next("edit")
            qtbot.waitUntil(lambda: len(conflicts(win)) == 1, timeout=30_000)
            assert cell(conflicts(win)[0], "Rationale") == (mine, "Theirs, online")
            idle(qtbot, win)
            assert len(win.outbox) == 0
            assert decision(second).rationale == "Theirs, online"
            assert win.case_view.decision.rationale.toPlainText() == mine
            assert not [m for m in win.messages.log if m.kind == "error"]
        finally:
            _allow(pg_app_url, True)
