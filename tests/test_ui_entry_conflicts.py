"""Two people editing one saved intelligence entry: the edit saved meanwhile is shown
beside mine, never lost.

The health visitor wrote an entry; the chair and the health visitor each start editing it
in their own window (their own client on one meeting file). The health visitor saves
first; the chair's form keeps what the chair typed, says who changed it and when, and the
chair's save meets the conflict view instead of overwriting.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from frontdoor_app.context import AppContext
from frontdoor_app.meeting import entries
from frontdoor_app.models import Agency, AuditEvent, IntelligenceEntry
from frontdoor_app.profile import Profile
from frontdoor_app.settings import Settings
from frontdoor_app.ui.case.intelligence_tab import entry_conflict
from frontdoor_app.ui.core.conflict_view import ConflictDialog
from tests.ui_support import (
    LEFT,
    chair_and_visitor_windows,
    idle,
)

FIRST = "Both children seen at the clinic in October"
MINE = "A: both children seen at the clinic; the baby's 8-week check is overdue"
THEIRS = "B: both seen in October; mother says she is moving to her sister's"


def _stored(ctx: AppContext, entry_id: int) -> tuple[str, int, str | None]:
    with ctx.read_session() as s:
        row = s.get(IntelligenceEntry, entry_id)
        assert row is not None
        return row.text, row.version, row.changed_by_name


@pytest.fixture
def chair_and_visitor(
    qtbot, chair_ctx: AppContext, demo_db: str, fresh_settings: Settings, profile: Profile
):  # type: ignore[no-untyped-def]
    with chair_and_visitor_windows(qtbot, chair_ctx, demo_db, fresh_settings, profile) as (
        a,
        b,
        visitor_ctx,
        first,
    ):
        with chair_ctx.read_session() as s:
            hv = s.scalar(select(Agency.id).where(Agency.code == "HV"))
        entry = entries.add_entry(visitor_ctx.sessions, visitor_ctx.actor, first, hv, FIRST)
        b.show_item(first)
        for win in (a, b):
            qtbot.waitUntil(
                lambda w=win: (
                    w.case_view.case.item.item_id == first
                    and any(e.id == entry.id for e in w.case_view.case.intelligence)
                ),
                timeout=5000,
            )
            tab = win.case_view.intelligence
            win.case_view.tabs.setCurrentWidget(tab)
            row = next(n for n, e in enumerate(tab.model.rows) if e.id == entry.id)
            tab.table.selectRow(row)
            qtbot.mouseClick(tab.edit, LEFT)
            assert tab.editing is not None and tab.editing.id == entry.id
            assert tab.text.toPlainText() == FIRST
            idle(qtbot, win)
        yield a, b, entry


def _visitor_saves_while_chair_types(qtbot, a, b, entry) -> None:  # type: ignore[no-untyped-def]
    tab = a.case_view.intelligence
    tab.text.setPlainText(MINE)
    theirs = b.case_view.intelligence
    theirs.text.setPlainText(THEIRS)
    qtbot.mouseClick(theirs.save, LEFT)
    qtbot.waitUntil(lambda: theirs.editing is None, timeout=5000)  # saved, back to adding
    # The chair's window hears of it, keeps what the chair typed, says who and when.
    qtbot.waitUntil(
        lambda: any(e.text == THEIRS for e in a.case_view.case.intelligence), timeout=5000
    )
    assert tab.text.toPlainText() == MINE and tab.editing.version == entry.version
    qtbot.waitUntil(lambda: tab.notice.isVisible(), timeout=2000)
    assert tab.notice.text().startswith("Changed by Hannah Lee at ")


def test_an_edit_saved_meanwhile_is_shown_not_overwritten(
    qtbot, chair_and_visitor, chair_ctx, artefacts
):  # type: ignore[no-untyped-def]
    a, b, entry = chair_and_visitor
    _visitor_saves_while_chair_types(qtbot, a, b, entry)
    tab = a.case_view.intelligence
    tab.grab().save(str(artefacts / "conflict_entry_notice.png"))
    a.messages.answer_next("edit")
    qtbot.mouseClick(tab.save, LEFT)
    qtbot.waitUntil(lambda: any(m.kind == "conflict" for m in a.messages.log), timeout=5000)
    shown = [m for m in a.messages.log if m.kind == "conflict"][-1]
    assert "Hannah Lee" in shown.text and "Entry" in shown.text
    idle(qtbot, a)
    text, version, by = _stored(chair_ctx, entry.id)
    assert (text, by) == (THEIRS, "Hannah Lee")  # theirs stands
    assert tab.text.toPlainText() == MINE and tab.editing.version == version
    assert not tab.notice.isVisible()
    # The conflict view as the chair saw it, from the versions the test holds.
    with chair_ctx.read_session() as s:
        theirs = entries.entry_view(s, s.get(IntelligenceEntry, entry.id))
    dialog = ConflictDialog(entry_conflict({"text": MINE, "may_share": True}, theirs), a)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.table.item(0, 0).text() == "Entry  ≠"
    assert dialog.table.item(1, 0).text() == "Sharing  ≠"
    assert "Hannah Lee" in dialog.table.horizontalHeaderItem(2).text()
    dialog.grab().save(str(artefacts / "conflict_entry.png"))
    dialog.reject()
    # Saving again puts the chair's on top, knowingly; theirs stays in the audit trail.
    qtbot.mouseClick(tab.save, LEFT)
    qtbot.waitUntil(lambda: _stored(chair_ctx, entry.id)[0] == MINE, timeout=5000)
    assert _stored(chair_ctx, entry.id)[2] == "Jo Chair"
    qtbot.waitUntil(lambda: tab.editing is None, timeout=5000)  # saved: back to adding
    assert tab.text.toPlainText() == ""
    with chair_ctx.read_session() as s:
        trail = " ".join(
            str(e.before) + str(e.after)
            for e in s.scalars(
                select(AuditEvent).where(
                    AuditEvent.entity == "intelligence_entry", AuditEvent.entity_id == entry.id
                )
            )
        )
    assert THEIRS in trail and FIRST in trail
    qtbot.waitUntil(
        lambda: any(e.text == MINE for e in b.case_view.case.intelligence), timeout=5000
    )


def test_keep_theirs_drops_mine(qtbot, chair_and_visitor, chair_ctx):  # type: ignore[no-untyped-def]
    a, b, entry = chair_and_visitor
    _visitor_saves_while_chair_types(qtbot, a, b, entry)
    tab = a.case_view.intelligence
    a.messages.answer_next("theirs")
    qtbot.mouseClick(tab.save, LEFT)
    qtbot.waitUntil(lambda: tab.editing is None, timeout=5000)
    idle(qtbot, a)
    assert tab.text.toPlainText() == "" and not tab.notice.isVisible()
    assert _stored(chair_ctx, entry.id)[0] == THEIRS


def test_put_mine_on_top_and_see_the_change(qtbot, chair_and_visitor, chair_ctx, artefacts):  # type: ignore[no-untyped-def]
    a, b, entry = chair_and_visitor
    _visitor_saves_while_chair_types(qtbot, a, b, entry)
    tab = a.case_view.intelligence
    # "See the change" before saving: both versions, nothing sent.
    a.messages.answer_next("mine")
    qtbot.mouseClick(tab.see_change, LEFT)
    qtbot.waitUntil(lambda: _stored(chair_ctx, entry.id)[0] == MINE, timeout=5000)
    shown = [m for m in a.messages.log if m.kind == "conflict"]
    assert len(shown) == 1
    qtbot.waitUntil(
        lambda: any(e.text == MINE for e in b.case_view.case.intelligence), timeout=5000
    )


def test_edit_is_offered_for_the_entries_each_person_may_change(
    qtbot, chair_ctx: AppContext, demo_db: str, fresh_settings: Settings, profile: Profile
) -> None:  # type: ignore[no-untyped-def]
    """The chair may change any agency's entry, a health visitor only their agency's (or
    one they wrote): "Edit" is offered for those, and for another agency's says who may
    (it was offered for every entry, and the Save then refused)."""
    with chair_and_visitor_windows(qtbot, chair_ctx, demo_db, fresh_settings, profile) as (
        a,
        b,
        visitor_ctx,
        first,
    ):
        with chair_ctx.read_session() as s:
            hv = s.scalar(select(Agency.id).where(Agency.code == "HV"))
            pol = s.scalar(select(Agency.id).where(Agency.code == "POL"))
        ours = entries.add_entry(visitor_ctx.sessions, visitor_ctx.actor, first, hv, FIRST)
        police = entries.add_entry(chair_ctx.sessions, chair_ctx.actor, first, pol, THEIRS)
        b.show_item(first)
        offered = {}
        for name, win in (("chair", a), ("visitor", b)):
            qtbot.waitUntil(
                lambda w=win: (
                    w.case_view.case.item.item_id == first
                    and {ours.id, police.id} <= {e.id for e in w.case_view.case.intelligence}
                ),
                timeout=5000,
            )
            tab = win.case_view.intelligence
            win.case_view.tabs.setCurrentWidget(tab)
            for entry in (ours, police):
                tab.table.selectRow(
                    next(n for n, e in enumerate(tab.model.rows) if e.id == entry.id)
                )
                offered[name, entry.id] = (tab.edit.isEnabled(), tab.edit.toolTip())
        assert offered["chair", ours.id] == (True, "")
        assert offered["chair", police.id] == (True, "")
        assert offered["visitor", ours.id] == (True, "")
        allowed, why = offered["visitor", police.id]
        assert not allowed and "Only the chair, the author or a colleague from" in why
        assert "Police" in why  # the entry's agency, by name
        tab = b.case_view.intelligence
        tab.table.clearSelection()
        tab.table.setCurrentIndex(tab.model.index(-1, 0))
        assert not tab.edit.isEnabled() and "Choose an entry" in tab.edit.toolTip()
