"""The FGC stage form: a step sent against a referral someone else changed meanwhile is a
conflict carrying both versions; what the coordinator typed stays.

Domain (SQLite and the PostgreSQL server): ``change_referral`` refuses with
``ReferralConflict`` carrying the case's FGC as it stands, who moved its stage and when.
Screen: the panel's stage form keeps the typed coordinator through a refresh, says the
referral changed, and the step meets the conflict view (edit keeps the typing, keep
theirs drops it).
"""

from __future__ import annotations

import pytest

from frontdoor_app.fgc import referrals
from frontdoor_app.fgc.changes import change_referral, last_change, read_case
from frontdoor_app.fgc.errors import ConflictError, ReferralConflict
from frontdoor_app.ui.core.conflict_view import ConflictDialog
from frontdoor_app.ui.core.messages import Messages
from frontdoor_app.ui.core.worker import Worker
from frontdoor_app.ui.fgc.panel import FgcPanel
from frontdoor_app.ui.fgc.panel_steps import stage_conflict
from tests.fgc_support import build_case, coordinator


def _offered(ctx):  # type: ignore[no-untyped-def]
    with ctx.session() as s:
        case = build_case(s)
        rid = referrals.offer_for_decision(s, ctx.actor, ctx.profile, case.agenda_item_id)
    return case.agenda_item_id, rid


def _conflict_on(ctx) -> None:  # type: ignore[no-untyped-def]
    item, rid = _offered(ctx)
    seen = read_case(ctx.sessions, ctx.profile, item).referral
    assert seen is not None
    with ctx.session() as s:
        who = coordinator(s, rid)
        referrals.end_referral(s, who, rid, "suspended", "new incident")
    with pytest.raises(ReferralConflict) as refused:
        change_referral(
            ctx.sessions,
            ctx.profile,
            item,
            rid,
            lambda s, r: referrals.end_referral(s, who, r, "stopped", "x", seen.version),
        )
    assert isinstance(refused.value, ConflictError)
    theirs = refused.value.theirs.referral
    assert theirs.stage == "suspended" and theirs.version > seen.version
    assert refused.value.by == who.display_name and refused.value.at is not None
    # The panel's Next meeting the same refusal is in test_fgc_ui (conflict explained).


def test_referral_conflict_on_sqlite(ctx) -> None:  # type: ignore[no-untyped-def]
    _conflict_on(ctx)


@pytest.mark.postgres
def test_referral_conflict_on_postgresql(pg_ctx) -> None:  # type: ignore[no-untyped-def]
    _conflict_on(pg_ctx)


@pytest.mark.parametrize("answer", ["edit", "theirs"])
def test_the_stage_form_keeps_what_was_typed(qtbot, ctx, artefacts, answer) -> None:  # type: ignore[no-untyped-def]
    item, rid = _offered(ctx)
    worker = Worker()
    messages = Messages()
    messages.scripted = True
    panel = FgcPanel(ctx, worker, messages)
    qtbot.addWidget(panel)
    panel.resize(1000, 1400)
    panel.show()
    try:
        with qtbot.waitSignal(panel.loaded, timeout=10_000):
            panel.show_item(item)
        st = panel.stage
        started = st.base_version
        qtbot.keyClicks(st.coordinator, "Sam Coordinator")
        assert st.touched
        with ctx.session() as s:  # the coordinator, on another laptop, suspends it meanwhile
            who = coordinator(s, rid)
            referrals.end_referral(s, who, rid, "suspended", "new incident")
        with qtbot.waitSignal(panel.loaded, timeout=10_000):
            panel.refresh()  # as the change feed does
        assert st.coordinator.text() == "Sam Coordinator" and st.base_version == started
        assert st.notice.isVisible() and st.notice.text().startswith("Changed by someone else")
        if answer == "edit":
            panel.grab().save(str(artefacts / "conflict_fgc_notice.png"))
        assert not st.next.isEnabled()  # suspended: no next step until it is resumed
        messages.answer_next(answer)
        with qtbot.waitSignal(panel.loaded, timeout=10_000):
            st.see_change.click()
        shown = messages.last()
        assert shown.kind == "conflict" and who.display_name in shown.text
        assert "Fields that differ: Stage, Coordinator" in shown.text
        theirs = panel.state.referral
        assert theirs.stage == "suspended" and not st.notice.isVisible()
        if answer == "edit":
            assert st.coordinator.text() == "Sam Coordinator" and st.touched
            assert st.base_version == theirs.version
            by, at = last_change(ctx.sessions, rid)
            assert by == who.display_name
            dialog = ConflictDialog(stage_conflict(st.content(), "consent", theirs, by, at), panel)
            qtbot.addWidget(dialog)
            dialog.show()
            assert dialog.table.item(0, 0).text() == "Stage  ≠"
            assert dialog.table.item(1, 1).text() == "Sam Coordinator"
            dialog.grab().save(str(artefacts / "conflict_fgc.png"))
            dialog.reject()
        else:
            assert st.coordinator.text() == (theirs.coordinator or "") and not st.touched
    finally:
        worker.stop()
