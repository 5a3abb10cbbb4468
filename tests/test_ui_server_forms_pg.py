"""On the meeting server (issue 12): two people, each signed in with their own server
login on their own client and window, save the same record. The one who saves second meets
the conflict view with both versions; nothing is lost — the other's version is stored (or
in the audit trail) and what the second person typed stays in their form.

One test per kind of form: an intelligence entry edited, a decision (the silent overwrite
of the issue; two first decisions at the same moment), an attendance row, the agenda order.
The action status is tests/test_ui_server_conflicts.py; the FGC forms tests/test_fgc_server_pg.py.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from frontdoor_app.meeting import agenda, decisions, entries, lifecycle
from frontdoor_app.models import Agency, Attendance, AuditEvent, IntelligenceEntry
from frontdoor_app.ui.core.conflict_view import ConflictDialog
from tests.server_clients import cell, conflicts, server
from tests.ui_support import LEFT, idle

pytestmark = pytest.mark.postgres


def _trail(setup, entity: str) -> str:  # type: ignore[no-untyped-def]
    with setup.read_session() as s:
        return " ".join(
            str(e.before) + str(e.after)
            for e in s.scalars(select(AuditEvent).where(AuditEvent.entity == entity))
        )


def _look(qtbot, win, conflict, artefacts, name: str):  # type: ignore[no-untyped-def]
    """The conflict view as the person saw it, saved under artefacts/."""
    dialog = ConflictDialog(conflict, win)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.grab().save(str(artefacts / name))
    dialog.reject()
    return dialog


# ---------------------------------------------------------------- an entry edited

FIRST = "Both children seen at the clinic in October"
MINE = "HV1: both children seen; the baby's 8-week check is overdue"
THEIRS = "HV2: both seen in October; mother says she is moving to her sister's"


def test_an_entry_edited_on_two_laptops(qtbot, pg_app_url, fresh_settings, profile, artefacts):  # type: ignore[no-untyped-def]
    with server(fresh_settings, pg_app_url, profile) as srv:
        item = srv.item_ids[0]
        # Two health visitors: on the server only the entry's own agency may change it.
        one_ctx = srv.client(fresh_settings, profile, "hv.one")
        two_ctx = srv.client(fresh_settings, profile, "hv.two")
        with two_ctx.read_session() as s:
            hv = s.scalar(select(Agency.id).where(Agency.code == "HV"))
        entry = entries.add_entry(two_ctx.sessions, two_ctx.actor, item, hv, FIRST)
        a, b = srv.window(qtbot, one_ctx), srv.window(qtbot, two_ctx)
        for win in (a, b):
            win.show_item(item)
            qtbot.waitUntil(
                lambda w=win: (
                    w.case_view.case is not None
                    and any(e.id == entry.id for e in w.case_view.case.intelligence)
                ),
                timeout=10_000,
            )
            tab = win.case_view.intelligence
            win.case_view.tabs.setCurrentWidget(tab)
            tab.table.selectRow(next(n for n, e in enumerate(tab.model.rows) if e.id == entry.id))
            qtbot.mouseClick(tab.edit, LEFT)
            assert tab.editing is not None and tab.text.toPlainText() == FIRST
            idle(qtbot, win)
        mine, theirs = a.case_view.intelligence, b.case_view.intelligence
        mine.text.setPlainText(MINE)
        theirs.text.setPlainText(THEIRS)
        qtbot.mouseClick(theirs.save, LEFT)
        qtbot.waitUntil(lambda: theirs.editing is None, timeout=10_000)
        # The first one's client hears of it over the server's feed, keeps what was typed.
        qtbot.waitUntil(lambda: mine.notice.isVisible(), timeout=10_000)
        assert mine.notice.text().startswith("Changed by Health Visitor Two at ")
        assert mine.text.toPlainText() == MINE and mine.editing.version == entry.version
        a.messages.answer_next("edit")
        qtbot.mouseClick(mine.save, LEFT)
        qtbot.waitUntil(lambda: len(conflicts(a)) == 1, timeout=10_000)
        shown = conflicts(a)[0]
        assert shown.saved_by == "Health Visitor Two"
        assert cell(shown, "Entry") == (MINE, THEIRS)
        _look(qtbot, a, shown, artefacts, "conflict_entry_pg.png")
        idle(qtbot, a)
        with srv.setup.read_session() as s:
            row = s.get(IntelligenceEntry, entry.id)
            assert (row.text, row.changed_by_name) == (THEIRS, "Health Visitor Two")
        assert mine.text.toPlainText() == MINE and mine.editing.version == row.version
        # Saved again, knowingly on top: the first one's stands, theirs is in the audit trail.
        qtbot.mouseClick(mine.save, LEFT)
        qtbot.waitUntil(lambda: mine.editing is None, timeout=10_000)
        with srv.setup.read_session() as s:
            assert s.get(IntelligenceEntry, entry.id).text == MINE
        assert THEIRS in _trail(srv.setup, "intelligence_entry")
        qtbot.waitUntil(
            lambda: any(e.text == MINE for e in b.case_view.case.intelligence), timeout=10_000
        )
        assert not [m for w in (a, b) for m in w.messages.log if m.kind == "error"]


# ---------------------------------------------------------------- decisions


def _fill(win, code: str, rationale: str) -> None:  # type: ignore[no-untyped-def]
    tab = win.case_view.decision
    win.case_view.tabs.setCurrentWidget(tab)
    for c, box in tab.boxes.items():
        box.setChecked(c == code)
    tab.risk.setCurrentIndex(tab.risk.findData("high"))
    tab.rationale.setPlainText(rationale)


def _codes(win) -> list[str]:  # type: ignore[no-untyped-def]
    options = win.case_view.decision._options
    return [
        o.code
        for o in options
        if not (o.is_nfa or o.is_fgc_offer or o.is_marac_referral or o.detail_prompt)
    ]


def _two_chairs(qtbot, srv, fresh_settings, profile, item):  # type: ignore[no-untyped-def]
    a = srv.window(qtbot, srv.client(fresh_settings, profile, "chair.one"))
    b = srv.window(qtbot, srv.client(fresh_settings, profile, "chair.two"))
    for win in (a, b):
        win.show_item(item)
        qtbot.waitUntil(
            lambda w=win: w.case_view.case is not None and w.case_view.case.item.item_id == item,
            timeout=10_000,
        )
        idle(qtbot, win)
    return a, b


def test_a_decision_saved_meanwhile_on_the_server(
    qtbot, pg_app_url, fresh_settings, profile, artefacts
):  # type: ignore[no-untyped-def]
    """The issue's silent overwrite, on the server: B saves; A's window refreshes and keeps
    A's edits; A's save meets the conflict view instead of overwriting B's decision."""
    with server(fresh_settings, pg_app_url, profile) as srv:
        item = srv.item_ids[0]
        a, b = _two_chairs(qtbot, srv, fresh_settings, profile, item)
        code_a, code_b = _codes(a)[:2]
        _fill(a, code_a, "A: mother to be seen by the IDVA first")
        _fill(b, code_b, "B: school to hold a safety meeting")
        qtbot.mouseClick(b.case_view.decision.save, LEFT)
        tab = a.case_view.decision
        qtbot.waitUntil(lambda: tab.notice.isVisible(), timeout=10_000)
        assert tab.notice.text().startswith("Changed by Chair Two at ")
        assert tab.rationale.toPlainText() == "A: mother to be seen by the IDVA first"
        assert tab.base_version is None  # still the version A started from: none
        a.messages.answer_next("edit")
        qtbot.mouseClick(tab.save, LEFT)
        qtbot.waitUntil(lambda: len(conflicts(a)) == 1, timeout=10_000)
        shown = conflicts(a)[0]
        assert shown.saved_by == "Chair Two"
        assert cell(shown, "Rationale") == (
            "A: mother to be seen by the IDVA first",
            "B: school to hold a safety meeting",
        )
        _look(qtbot, a, shown, artefacts, "conflict_decision_pg.png")
        idle(qtbot, a)
        with srv.setup.read_session() as s:
            saved = decisions.load_decision(s, item)
        assert saved is not None and saved.rationale.startswith("B:")
        assert [o.code for o in saved.outcomes] == [code_b]
        assert tab.rationale.toPlainText().startswith("A:") and tab.base_version == saved.version
        qtbot.mouseClick(tab.save, LEFT)  # now on top of B's, knowingly
        qtbot.waitUntil(lambda: _decision(srv, item).rationale.startswith("A:"), timeout=10_000)
        assert "B: school to hold a safety meeting" in _trail(srv.setup, "decision")
        qtbot.waitUntil(
            lambda: b.case_view.decision.rationale.toPlainText().startswith("A:"), timeout=10_000
        )
        assert not [m for w in (a, b) for m in w.messages.log if m.kind == "error"]


def _decision(srv, item):  # type: ignore[no-untyped-def]
    with srv.setup.read_session() as s:
        return decisions.load_decision(s, item)


def test_two_first_decisions_at_the_same_moment_on_the_server(
    qtbot, pg_app_url, fresh_settings, profile
):  # type: ignore[no-untyped-def]
    """Both chairs press Save on a case with no decision in the same moment: one is
    stored, the other meets the conflict view (never a database error), its form kept."""
    with server(fresh_settings, pg_app_url, profile) as srv:
        item = srv.item_ids[1]
        a, b = _two_chairs(qtbot, srv, fresh_settings, profile, item)
        code_a, code_b = _codes(a)[:2]
        words = {a: "A: refer to the IDVA service", b: "B: the school holds a safety meeting"}
        _fill(a, code_a, words[a])
        _fill(b, code_b, words[b])
        qtbot.mouseClick(a.case_view.decision.save, LEFT)  # both on their way at once:
        qtbot.mouseClick(b.case_view.decision.save, LEFT)  # two workers, two connections
        qtbot.waitUntil(lambda: len(conflicts(a)) + len(conflicts(b)) == 1, timeout=10_000)
        for win in (a, b):
            idle(qtbot, win)
        second = a if conflicts(a) else b
        first = b if second is a else a
        saved = _decision(srv, item)
        assert saved is not None and saved.rationale == words[first]
        shown = conflicts(second)[0]
        assert cell(shown, "Rationale") == (words[second], words[first])
        # The second chair's decision is still in their form, now on top of the first's.
        tab = second.case_view.decision
        assert tab.rationale.toPlainText() == words[second]
        assert tab.base_version == saved.version
        logged = [m for w in (a, b) for m in w.messages.log if m.kind in ("error", "warning")]
        assert not logged, logged
        assert [o.code for o in _decision(srv, item).outcomes] == [code_a if first is a else code_b]


# ---------------------------------------------------------------- attendance


def test_attendance_changed_on_two_laptops(qtbot, pg_app_url, fresh_settings, profile, artefacts):  # type: ignore[no-untyped-def]
    with server(fresh_settings, pg_app_url, profile) as srv:
        chair_ctx = srv.client(fresh_settings, profile, "chair.one")
        hv_ctx = srv.client(fresh_settings, profile, "hv.one")  # the row is her agency's
        with chair_ctx.read_session() as s:
            hv = s.scalar(select(Agency.id).where(Agency.code == "HV"))
        row = lifecycle.add_attendance(
            chair_ctx.sessions, chair_ctx.actor, srv.meeting_id, hv, "Hannah Lee", "present"
        )
        a, b = srv.window(qtbot, chair_ctx), srv.window(qtbot, hv_ctx)
        dialogs = []
        for win in (a, b):
            dialog = win.screens.open("attendance")
            qtbot.waitUntil(lambda d=dialog: any(r.id == row.id for r in d.model.rows))
            dialog.table.selectRow(
                next(i for i, r in enumerate(dialog.model.rows) if r.id == row.id)
            )
            idle(qtbot, win)
            dialogs.append(dialog)
        da, db = dialogs
        da.change_status.setCurrentIndex(da.change_status.findData("information_sent"))
        da.change_status.activated.emit(da.change_status.currentIndex())  # as a person picks it
        db.change_status.setCurrentIndex(db.change_status.findData("apologies"))
        qtbot.mouseClick(db.change, LEFT)
        qtbot.waitUntil(lambda: da.notice.isVisible(), timeout=10_000)
        assert da.notice.text().startswith("Changed by Health Visitor One at ")
        assert da.change_status.currentData() == "information_sent"
        a.messages.answer_next("edit")
        qtbot.mouseClick(da.change, LEFT)
        qtbot.waitUntil(lambda: len(conflicts(a)) == 1, timeout=10_000)
        shown = conflicts(a)[0]
        assert shown.saved_by == "Health Visitor One"
        assert [(f.field, f.differs) for f in shown.fields][0] == ("Status", True)
        _look(qtbot, a, shown, artefacts, "conflict_attendance_pg.png")
        idle(qtbot, a)
        with srv.setup.read_session() as s:
            stored = s.get(Attendance, row.id)
            assert (stored.status, stored.changed_by_name) == ("apologies", "Health Visitor One")
        assert da.change_status.currentData() == "information_sent"  # mine kept in the form
        qtbot.mouseClick(da.change, LEFT)  # on top of theirs, knowingly
        qtbot.waitUntil(
            lambda: db.current() is not None and db.current().status == "information_sent",
            timeout=10_000,
        )
        assert "apologies" in _trail(srv.setup, "attendance")
        assert not [m for w in (a, b) for m in w.messages.log if m.kind == "error"]


# ---------------------------------------------------------------- the agenda order


def _order(srv) -> list[int]:  # type: ignore[no-untyped-def]
    with srv.setup.read_session() as s:
        return [r.item_id for r in agenda.load_agenda(s, srv.meeting_id).rows]


def test_the_agenda_reordered_on_two_laptops(qtbot, pg_app_url, fresh_settings, profile, artefacts):  # type: ignore[no-untyped-def]
    with server(fresh_settings, pg_app_url, profile, cases=3) as srv:
        a = srv.window(qtbot, srv.client(fresh_settings, profile, "chair.one"))
        b = srv.window(qtbot, srv.client(fresh_settings, profile, "chair.two"))
        seen = a.state.agenda
        a.live.stop()  # A has not heard of B's move yet when A makes its own
        last = b.state.agenda.rows[-1].item_id
        b.move_case(last, 1)
        qtbot.waitUntil(lambda: _order(srv)[0] == last, timeout=10_000)
        theirs = _order(srv)
        second = seen.rows[1].item_id
        a.messages.answer_next("edit")
        a.move_case(second, 1)  # on the order A saw
        qtbot.waitUntil(lambda: len(conflicts(a)) == 1, timeout=10_000)
        shown = conflicts(a)[0]
        assert shown.saved_by == "Chair Two"
        assert cell(shown, "Case 1")[0] != cell(shown, "Case 1")[1]
        _look(qtbot, a, shown, artefacts, "conflict_agenda_pg.png")
        idle(qtbot, a)
        assert _order(srv) == theirs  # theirs stands; A's move was not applied blind
        qtbot.waitUntil(lambda: [r.item_id for r in a.state.agenda.rows] == theirs, timeout=10_000)
        a.move_case(second, 1)  # made again, now on their order, knowingly
        qtbot.waitUntil(lambda: _order(srv)[0] == second, timeout=10_000)
        assert _order(srv) == [second] + [i for i in theirs if i != second]
        qtbot.waitUntil(
            lambda: [r.item_id for r in b.state.agenda.rows] == _order(srv), timeout=10_000
        )
        assert not [m for w in (a, b) for m in w.messages.log if m.kind == "error"]


def test_the_chair_corrects_another_agencys_entry_on_the_server(
    pg_app_url, fresh_settings, profile
) -> None:  # type: ignore[no-untyped-def]
    """``entries._may_edit`` lets the chair correct what an agency said (what they recorded
    for an absent agency above all); the server refused it, as only the entry's own agency
    could change a row, and said so in words. Now it goes through, once, as a plain edit."""
    with server(fresh_settings, pg_app_url, profile) as srv:
        hv_ctx = srv.client(fresh_settings, profile, "hv.one")
        chair_ctx = srv.client(fresh_settings, profile, "chair.one")
        with hv_ctx.read_session() as s:
            hv = s.scalar(select(Agency.id).where(Agency.code == "HV"))
        entry = entries.add_entry(hv_ctx.sessions, hv_ctx.actor, srv.item_ids[0], hv, FIRST)
        edited = entries.edit_entry(
            chair_ctx.sessions, chair_ctx.actor, entry.id, entry.version, text=MINE
        )
        assert (edited.text, edited.version) == (MINE, entry.version + 1)
        with srv.setup.read_session() as s:
            row = s.get(IntelligenceEntry, entry.id)
            assert (row.text, row.version, row.agency_id) == (MINE, entry.version + 1, hv)
