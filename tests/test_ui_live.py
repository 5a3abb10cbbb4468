"""Two clients on one SQLite file, and the projector: live, following the chair, nothing private."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt

from frontdoor_app.context import AppContext
from frontdoor_app.profile import Profile
from frontdoor_app.settings import Settings
from tests.ui_support import (
    LEFT,
    activate,
    add_entry,
    close_window,
    context_for,
    idle,
    open_window,
    start_meeting,
)


def test_second_client_sees_an_action_within_a_second(
    qtbot, chair_ctx: AppContext, demo_db: str, fresh_settings: Settings, profile: Profile
) -> None:  # type: ignore[no-untyped-def]
    rep_ctx = context_for(fresh_settings, demo_db, profile, "hv.lee")
    assert rep_ctx.engine is not chair_ctx.engine and rep_ctx.actor.role == "representative"
    chair = open_window(qtbot, chair_ctx)
    rep = open_window(qtbot, rep_ctx)
    try:
        first = start_meeting(qtbot, chair)
        # The representative follows the chair to the current case without doing anything.
        qtbot.waitUntil(lambda: rep.case_view.case.item.item_id == first, timeout=2000)
        assert rep.toolbar.follow_action.isChecked()
        assert len(rep.case_view.case.actions) == 0
        idle(qtbot, rep)
        tab = chair.case_view.actions_tab
        tab.agency.setCurrentIndex(tab.agency.findData(rep_ctx.actor.agency_id))
        tab.description.setText("Health visitor to see mother and baby by Friday")
        qtbot.mouseClick(tab.add, LEFT)
        qtbot.waitUntil(lambda: len(chair.case_view.case.actions) == 1)
        qtbot.waitUntil(lambda: len(rep.case_view.case.actions) == 1, timeout=1000)
        assert rep.case_view.actions_tab.model.rows[0].description.startswith("Health visitor")
        # The representative types for their own agency (the agency is theirs, not a choice)
        # and the chair's screen shows it without a refresh.
        tab = rep.case_view.intelligence
        assert not tab.agency.isEnabled()
        assert tab.agency.currentData() == rep_ctx.actor.agency_id
        tab.text.setPlainText("Health visitor saw the baby on Thursday; weight on track.")
        qtbot.mouseClick(tab.save, LEFT)
        qtbot.waitUntil(lambda: len(rep.case_view.case.intelligence) == 1)
        qtbot.waitUntil(lambda: len(chair.case_view.case.intelligence) == 1, timeout=1000)
        assert chair.case_view.case.intelligence[0].author_name == rep_ctx.actor.display_name
        # The chair moves on while the representative is mid-sentence: they are not pulled
        # away (and are told); once their entry is saved they follow.
        tab.text.setPlainText("School says attendance dropped since")
        second = chair.room.agenda.rows[1].item_id
        chair.step_case(+1)
        qtbot.waitUntil(lambda: "moved to case" in rep.statusBar().currentMessage(), timeout=2000)
        assert rep.case_view.case.item.item_id == first
        qtbot.mouseClick(tab.save, LEFT)
        qtbot.waitUntil(lambda: rep.case_view.case.item.item_id == second, timeout=2000)
    finally:
        close_window(rep)
        close_window(chair)
        rep_ctx.close()


def test_projector_shows_no_restricted_entry_and_no_full_name(qtbot, chair_ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    win = open_window(qtbot, chair_ctx)
    try:
        start_meeting(qtbot, win)
        case = win.case_view.case
        agency = {a.code: a.id for a in win.state.agencies}
        members = case.household.members
        assert members, "the first case should have people"
        victim = members[0]
        full = f"{victim.forenames} {victim.surname}"
        add_entry(qtbot, win, agency["HSG"], "RESTRICTED-HOUSING-NOTE tenancy enforcement", True)
        add_entry(
            qtbot,
            win,
            agency["POL"],
            f"{full} was seen at {case.incident.address} by officers; bail conditions set",
            False,
        )
        projector = win.projector.open()
        qtbot.waitUntil(lambda: projector.view is not None and len(projector.view.entries) == 1)
        texts = projector.visible_texts()
        joined = "\n".join(texts)
        assert "bail conditions set" in joined  # the shared entry is there (redacted) ...
        assert "RESTRICTED-HOUSING-NOTE" not in joined  # ... the restricted one never
        for person in members:
            for word in re.split(r"[\s\-]+", f"{person.forenames} {person.surname}"):
                if len(word.strip(".,")) >= 3:
                    assert word not in joined, f"name {word!r} on the projector"
            if person.dob:
                for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d %b %Y", "%d %B %Y"):
                    assert person.dob.strftime(fmt) not in joined
        street = case.incident.address.split(",")[0]
        assert street not in joined and case.incident.postcode not in joined
        assert projector.view.initials_mode and victim.initials in joined
        # The chair's curtain: one key blanks the projector and the chair's window says so.
        activate(qtbot, win)  # window shortcuts need the active window
        win.agenda.table.setFocus()
        qtbot.keyClick(win.agenda.table, Qt.Key.Key_B)
        qtbot.waitUntil(lambda: projector.curtain_down)
        assert projector.visible_texts() == ["Paused"]
        assert (
            win.header.curtain_banner.isVisible()
            and "Curtain down" in win.header.curtain_banner.text()
        )
        qtbot.waitUntil(lambda: win.meeting.curtain_down)
        # Typing a "b" in a text field is a letter, not the curtain.
        win.cases.focus("intelligence")
        qtbot.keyClick(win.case_view.intelligence.text, Qt.Key.Key_B)
        assert win.case_view.intelligence.text.toPlainText().endswith("b")
        assert projector.curtain_down
        qtbot.keyClick(win.agenda.table, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: not projector.curtain_down and not win.meeting.curtain_down)
        # Full names only when the chair turns initials off; then back to the default.
        win.messages.answer_next(False)  # the chair is asked first; "no" changes nothing
        win.projector.set_initials(False)
        assert win.projector.initials and win.messages.last().kind == "question"
        win.messages.answer_next(True)
        win.projector.set_initials(False)
        qtbot.waitUntil(lambda: not projector.view.initials_mode)
        qtbot.waitUntil(lambda: _audited(win, "names as initials turned off"), timeout=5000)
        assert _audited(win, "projector opened on")
        assert victim.surname in "\n".join(projector.visible_texts())
        win.projector.set_initials(True)
        qtbot.waitUntil(lambda: projector.view.initials_mode)
        assert victim.surname not in "\n".join(projector.visible_texts())
    finally:
        close_window(win)


def _audited(win, words: str) -> bool:  # type: ignore[no-untyped-def]
    """Whether the audit trail has a row whose detail starts with ``words``."""
    from sqlalchemy import select

    from frontdoor_app.models import AuditEvent

    with win.ctx.read_session() as s:
        return (
            s.scalar(select(AuditEvent.id).where(AuditEvent.detail.startswith(words)).limit(1))
            is not None
        )


def test_only_the_chair_turns_projector_initials_off(  # type: ignore[no-untyped-def]
    qtbot, demo_db: str, fresh_settings, profile
) -> None:
    from tests.ui_support import close_window, context_for, open_window

    rep = context_for(fresh_settings, demo_db, profile, "hv.lee")
    win = open_window(qtbot, rep)
    try:
        assert rep.actor.role == "representative"
        win.projector.set_initials(False)
        assert win.projector.initials
        shown = win.messages.last()
        assert shown is not None and shown.kind == "warning" and "Only the chair" in shown.text
        assert not _audited(win, "names as initials turned off")
    finally:
        close_window(win)
        rep.close()
