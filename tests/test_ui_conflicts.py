"""Two chairs on one meeting: a decision saved meanwhile is shown beside mine, never lost.

The silent overwrite this replaces: B saved a decision; A's window refreshed while A's
form kept A's edits; A saved against the refreshed version and B's decision was gone.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from frontdoor_app.context import AppContext
from frontdoor_app.meeting import decisions
from frontdoor_app.models import AuditEvent
from frontdoor_app.profile import Profile
from frontdoor_app.settings import Settings
from frontdoor_app.ui.core.conflict_view import Conflict, ConflictDialog, pairs
from tests.ui_support import (
    LEFT,
    calls_of,
    close_window,
    context_for,
    idle,
    open_window,
    settled,
    start_meeting,
)


def _fill(win, code: str, risk: str, rationale: str) -> None:  # type: ignore[no-untyped-def]
    tab = win.case_view.decision
    win.case_view.tabs.setCurrentWidget(tab)
    for c, box in tab.boxes.items():
        box.setChecked(c == code)
    tab.risk.setCurrentIndex(tab.risk.findData(risk))
    tab.rationale.setPlainText(rationale)


def _plain_codes(win) -> list[str]:  # type: ignore[no-untyped-def]
    options = win.case_view.decision._options
    return [
        o.code
        for o in options
        if not (o.is_nfa or o.is_fgc_offer or o.is_marac_referral or o.detail_prompt)
    ]


def _saved(ctx: AppContext, item_id: int):  # type: ignore[no-untyped-def]
    with ctx.read_session() as s:
        return decisions.load_decision(s, item_id)


@pytest.fixture
def two_chairs(
    qtbot, chair_ctx: AppContext, demo_db: str, fresh_settings: Settings, profile: Profile
):  # type: ignore[no-untyped-def]
    other_ctx = context_for(fresh_settings, demo_db, profile, chair_ctx.actor.login)
    a = open_window(qtbot, chair_ctx)
    b = open_window(qtbot, other_ctx)
    try:
        first = start_meeting(qtbot, a)
        qtbot.waitUntil(lambda: b.case_view.case.item.item_id == first, timeout=3000)
        idle(qtbot, b)
        yield a, b, first
    finally:
        close_window(b)
        close_window(a)
        other_ctx.close()


def _b_saves_while_a_types(qtbot, a, b, first: int) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    code_a, code_b = _plain_codes(a)[:2]
    _fill(a, code_a, "high", "A: mother to be seen by the IDVA first")
    assert a.case_view.decision.base_version is None
    _fill(b, code_b, "high", "B: school to hold a safety meeting")
    qtbot.mouseClick(b.case_view.decision.save, LEFT)
    qtbot.waitUntil(lambda: b.case_view.case.decision is not None, timeout=3000)
    # A's window hears of it and keeps what A typed, saying who changed it and when.
    qtbot.waitUntil(lambda: a.case_view.case.decision is not None, timeout=3000)
    tab = a.case_view.decision
    assert tab.rationale.toPlainText() == "A: mother to be seen by the IDVA first"
    qtbot.waitUntil(lambda: tab.notice.isVisible(), timeout=2000)
    assert tab.notice.text().startswith("Changed by ")
    return code_a, code_b


def test_a_decision_saved_meanwhile_is_shown_not_overwritten(
    qtbot, two_chairs, chair_ctx, artefacts
):  # type: ignore[no-untyped-def]
    a, b, first = two_chairs
    code_a, code_b = _b_saves_while_a_types(qtbot, a, b, first)
    a.case_view.decision.grab().save(str(artefacts / "conflict_notice.png"))
    a.messages.answer_next("edit")
    qtbot.mouseClick(a.case_view.decision.save, LEFT)
    qtbot.waitUntil(lambda: any(m.kind == "conflict" for m in a.messages.log), timeout=3000)
    shown = [m for m in a.messages.log if m.kind == "conflict"][-1]
    assert "Rationale" in shown.text and "Outcomes" in shown.text
    idle(qtbot, a)
    saved = _saved(chair_ctx, first)
    assert saved is not None and saved.rationale == "B: school to hold a safety meeting"
    assert [o.code for o in saved.outcomes] == [code_b]
    tab = a.case_view.decision
    assert tab.rationale.toPlainText() == "A: mother to be seen by the IDVA first"
    assert tab.base_version == saved.version  # the next save goes on top, knowingly
    assert not tab.notice.isVisible()
    # Saving again now puts A's on top; B's stays in the audit trail.
    qtbot.mouseClick(tab.save, LEFT)
    qtbot.waitUntil(
        lambda: (_saved(chair_ctx, first) or saved).rationale.startswith("A:"), timeout=3000
    )
    with chair_ctx.read_session() as s:
        trail = " ".join(
            str(e.before) + str(e.after)
            for e in s.scalars(select(AuditEvent).where(AuditEvent.entity == "decision"))
        )
    assert "B: school to hold a safety meeting" in trail


def test_keep_theirs_drops_mine_and_shows_theirs(qtbot, two_chairs, chair_ctx):  # type: ignore[no-untyped-def]
    a, b, first = two_chairs
    _, code_b = _b_saves_while_a_types(qtbot, a, b, first)
    a.messages.answer_next("theirs")
    qtbot.mouseClick(a.case_view.decision.save, LEFT)
    tab = a.case_view.decision
    qtbot.waitUntil(
        lambda: tab.rationale.toPlainText() == "B: school to hold a safety meeting", timeout=3000
    )
    assert tab.boxes[code_b].isChecked() and not tab.notice.isVisible()
    saved = _saved(chair_ctx, first)
    assert saved is not None and saved.rationale.startswith("B:")


def test_put_mine_on_top_saves_against_the_new_version(qtbot, two_chairs, chair_ctx):  # type: ignore[no-untyped-def]
    a, b, first = two_chairs
    code_a, _ = _b_saves_while_a_types(qtbot, a, b, first)
    theirs = _saved(chair_ctx, first)
    a.messages.answer_next("mine")
    qtbot.mouseClick(a.case_view.decision.save, LEFT)
    qtbot.waitUntil(
        lambda: (_saved(chair_ctx, first) or theirs).rationale.startswith("A:"), timeout=3000
    )
    mine = _saved(chair_ctx, first)
    assert mine is not None and theirs is not None and mine.version > theirs.version
    assert [o.code for o in mine.outcomes] == [code_a]
    # B hears of it and, with nothing typed, simply shows A's decision.
    qtbot.waitUntil(
        lambda: b.case_view.decision.rationale.toPlainText().startswith("A:"), timeout=3000
    )


def test_the_conflict_view_shows_both_versions_field_by_field(qtbot, artefacts):  # type: ignore[no-untyped-def]
    conflict = Conflict(
        "The decision for case 3",
        "Sam Holt",
        "09:42",
        pairs(
            [
                ("Outcomes", "IDVA referral", "Early help"),
                ("Agreed risk", "▲ HIGH", "▲ HIGH"),
                (
                    "Rationale",
                    "Mother to be seen by the IDVA first",
                    "School to hold a safety meeting",
                ),
            ]
        ),
    )
    dialog = ConflictDialog(conflict)
    qtbot.addWidget(dialog)
    dialog.show()
    table = dialog.table
    assert table.item(0, 0).text() == "Outcomes  ≠" and table.item(1, 0).text() == "Agreed risk"
    assert table.item(2, 2).text() == "School to hold a safety meeting"
    assert "Sam Holt" in table.horizontalHeaderItem(2).text()
    # Each row as tall as its text at the dialog's widths (one line here), not as measured
    # before the dialog was laid out.
    qtbot.waitUntil(lambda: table.rowHeight(2) == table.rowHeight(1))
    dialog.grab().save(str(artefacts / "conflict_view.png"))
    qtbot.mouseClick(dialog.mine_on_top, LEFT)
    assert dialog.choice == "mine" and dialog.result()


def test_a_decision_saved_elsewhere_reaches_a_form_being_typed_with_the_decision_alone(
    qtbot, two_chairs, chair_ctx, monkeypatch, artefacts
):  # type: ignore[no-untyped-def]
    """B decides the case A is typing a decision for: A's window reads the room and that
    case's decision (with the room), not the whole case again; A's form keeps what A typed
    and says B changed it. A decision on a case neither shows reads no case at all, and
    changes nothing of the case shown (its decision, read with the room, is as it was)."""
    from frontdoor_app.ui.meeting import room_reads

    a, b, first = two_chairs
    for win in (a, b):  # the meeting's start has reached both: B's decision is the news
        settled(qtbot, win, chair_ctx)
    loads = calls_of(monkeypatch, room_reads, "load_case_bundle")
    _b_saves_while_a_types(qtbot, a, b, first)
    qtbot.wait(400)  # the feed's ticks: nothing more comes of it
    idle(qtbot, a)
    idle(qtbot, b)
    assert first not in loads  # neither window read the case again
    saved = _saved(chair_ctx, first)
    for win in (a, b):
        assert win.case_view.case.decision == saved
        assert win.room.agenda.row(first).has_decision
        assert win.case_view.case.item == win.room.agenda.row(first)
        tabs = win.case_view.tabs
        assert tabs.tabText(tabs.indexOf(win.case_view.decision)) == "Decision ✓"
    tab = a.case_view.decision
    assert tab.rationale.toPlainText() == "A: mother to be seen by the IDVA first"
    assert tab.base_version is None  # A's Save still meets B's decision: the conflict view
    assert b.case_view.decision.rationale.toPlainText() == "B: school to hold a safety meeting"
    a.case_view.grab().save(str(artefacts / "decision_elsewhere_a.png"))
    b.case_view.grab().save(str(artefacts / "decision_elsewhere_b.png"))

    # Someone decides another case: the agenda says so; the case on screen stays as it is.
    other = next(r.item_id for r in a.room.agenda.rows if r.item_id != first)
    shown = a.case_view.case
    decisions.save_decision(
        chair_ctx.sessions,
        chair_ctx.actor,
        chair_ctx.profile,
        other,
        _plain_codes(a)[:1],
        "medium",
        "Decided elsewhere",
    )
    qtbot.waitUntil(lambda: a.room.agenda.row(other).has_decision, timeout=5000)
    qtbot.waitUntil(lambda: b.room.agenda.row(other).has_decision, timeout=5000)
    qtbot.wait(400)
    idle(qtbot, a)
    assert first not in loads
    assert a.case_view.case is shown
    assert tab.rationale.toPlainText() == "A: mother to be seen by the IDVA first"
    assert tab.notice.isVisible()  # still: B's decision of this case is not A's yet


def test_the_conflict_views_rows_fit_their_text_at_the_width_the_dialog_has(qtbot):  # type: ignore[no-untyped-def]
    """A short value takes one line and a long one wraps to the lines it needs, at the
    columns' widths once the dialog is shown, and again when it is made wider."""
    long_note = "The family moved to Bradford on Friday; the school has been told. " * 4
    conflict = Conflict(
        "The action \u201cHome visit\u201d",
        "Hannah Lee",
        "08:22",
        pairs([("Status", "not possible", "done"), ("Note", long_note, "seen at home")]),
    )
    dialog = ConflictDialog(conflict)
    qtbot.addWidget(dialog)
    dialog.show()
    table = dialog.table

    def fitted() -> bool:  # as Qt fits a row: its cells, and its (hidden) header's hint
        rows = table.verticalHeader()
        return all(
            table.rowHeight(r) == max(table.sizeHintForRow(r), rows.sectionSizeHint(r))
            for r in range(2)
        )

    qtbot.waitUntil(fitted)
    one_line = table.rowHeight(0)
    assert one_line < 2 * table.fontMetrics().lineSpacing() + 8
    assert table.rowHeight(1) > one_line  # the long note wraps
    narrow = table.rowHeight(1)
    dialog.resize(dialog.width() + 500, dialog.height())
    qtbot.waitUntil(lambda: fitted() and table.rowHeight(1) < narrow)
