"""A fault in an FGC step is shown by its first line, never with what was typed (the
safety plan's note can say where a victim is staying): the panel's own words under the
form and the message box alike. Issue 12's plain words for a failure, on the FGC panel."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from frontdoor_app.fgc import gate, referrals
from frontdoor_app.ui.core.messages import Messages
from frontdoor_app.ui.core.worker import Worker
from frontdoor_app.ui.fgc.panel import FgcPanel
from tests.fgc_support import build_case, consent_both, coordinator

PRIVATE = "staying at her sister's, 14 Elm Row, until the 20th"


@pytest.fixture
def worker(qtbot):  # type: ignore[no-untyped-def]
    w = Worker()
    yield w
    w.stop()


def test_a_fault_in_a_step_is_shown_without_what_was_typed(qtbot, ctx, worker, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    with ctx.session() as s:
        case = build_case(s)
        rid = referrals.offer_for_decision(s, ctx.actor, ctx.profile, case.agenda_item_id)
        consent_both(s, ctx.actor, rid)
        ctx.actor = coordinator(s, rid)

    def faulty(session, _actor, referral_id, kind, note=None, client_ref=None):  # type: ignore[no-untyped-def]
        # A statement the database refuses, carrying the note as its parameter.
        session.execute(
            text(
                "INSERT INTO fgc_safeguard (referral_id, kind, recorded_by, at, note) "
                "VALUES (:r, 'not a kind', 'x', CURRENT_TIMESTAMP, :note)"
            ),
            {"r": referral_id, "note": note},
        )

    monkeypatch.setattr(gate, "record_safeguard", faulty)
    messages = Messages()
    messages.scripted = True
    panel = FgcPanel(ctx, worker, messages)
    qtbot.addWidget(panel)
    with qtbot.waitSignal(panel.loaded, timeout=10_000):
        panel.show_item(case.agenda_item_id)
    sg = panel.safeguards
    sg.kind.setCurrentIndex(sg.kind.findData("safety_plan"))
    sg.note.setText(PRIVATE)
    with qtbot.waitSignal(panel.failed, timeout=10_000):
        sg.record.click()
    shown = messages.last()
    assert "CHECK constraint failed" in panel.problem.text(), panel.problem.text()
    assert "CHECK constraint failed" in shown.text, shown.text
    for said in (panel.problem.text(), shown.text):
        assert PRIVATE not in said and "INSERT" not in said, said
    assert sg.note.text() == PRIVATE  # nothing typed is lost
