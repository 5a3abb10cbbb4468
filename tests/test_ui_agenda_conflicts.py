"""Two chairs reordering one agenda: a move made on an order changed meanwhile is shown
beside theirs, never applied to an order nobody saw.

Domain (SQLite and the PostgreSQL server): a move against a case's older version is
refused with ``AgendaConflict`` carrying the agenda as it stands and who moved a case
when. Screens: the second chair's window has not heard of the first chair's move yet;
its move meets the conflict view, place by place.
"""

from __future__ import annotations

import pytest

from frontdoor_app.context import AppContext, build_context
from frontdoor_app.meeting import agenda, lifecycle
from frontdoor_app.meeting.errors import AgendaConflict, ConflictError
from frontdoor_app.profile import Profile
from frontdoor_app.settings import Settings
from frontdoor_app.ui.core.conflict_view import ConflictDialog
from frontdoor_app.ui.meeting.agenda_moves import agenda_conflict
from tests.meeting_support import DAY, build, people
from tests.ui_support import close_window, context_for, idle, open_window, start_meeting


def test_a_move_against_an_older_version_carries_theirs(
    fresh_settings, any_app_url, profile
) -> None:  # type: ignore[no-untyped-def]
    ctx = build_context(fresh_settings.with_database(any_app_url), profile)
    try:
        who = people(ctx)
        build(ctx, 3)
        with ctx.session() as s:
            m = lifecycle.find_meeting(s, DAY)
            assert m is not None
            seen = agenda.load_agenda(s, m.id)
        first, _, last = seen.rows
        theirs = agenda.move_item(ctx.sessions, who.chair, last.item_id, last.version, 1)
        assert [r.item_id for r in theirs.rows][0] == last.item_id
        with pytest.raises(AgendaConflict, match="changed by someone else") as refused:
            agenda.move_item(ctx.sessions, who.chair, first.item_id, first.version, 3)
        assert isinstance(refused.value, ConflictError)
        assert refused.value.theirs.rows == theirs.rows
        assert refused.value.by == "Jane Ahmed" and refused.value.at is not None
        now = refused.value.theirs.row(first.item_id)
        assert now is not None
        mine = agenda.move_item(ctx.sessions, who.chair, first.item_id, now.version, 3)
        assert [r.item_id for r in mine.rows] == [last.item_id, seen.rows[1].item_id, first.item_id]
    finally:
        ctx.close()


@pytest.fixture
def two_chairs(
    qtbot, chair_ctx: AppContext, demo_db: str, fresh_settings: Settings, profile: Profile
):  # type: ignore[no-untyped-def]
    other_ctx = context_for(fresh_settings, demo_db, profile, chair_ctx.actor.login)
    a = open_window(qtbot, chair_ctx)
    b = open_window(qtbot, other_ctx)
    try:
        start_meeting(qtbot, a)
        qtbot.waitUntil(lambda: b.meeting.is_open, timeout=5000)
        idle(qtbot, b)
        yield a, b
    finally:
        close_window(b)
        close_window(a)
        other_ctx.close()


def _order(ctx: AppContext, meeting_id: int) -> list[int]:
    with ctx.read_session() as s:
        return [r.item_id for r in agenda.load_agenda(s, meeting_id).rows]


def _b_moves_while_a_has_not_heard(qtbot, a, b, chair_ctx):  # type: ignore[no-untyped-def]
    """B moves the last case first; A's window has not heard (its feed is paused)."""
    meeting_id = a.meeting.id
    seen = a.state.agenda
    a.live.stop()
    last = b.state.agenda.rows[-1].item_id
    b.move_case(last, 1)
    qtbot.waitUntil(lambda: _order(chair_ctx, meeting_id)[0] == last, timeout=5000)
    theirs = _order(chair_ctx, meeting_id)
    assert [r.item_id for r in a.state.agenda.rows] == [r.item_id for r in seen.rows]
    return seen, theirs


def test_a_move_on_an_order_changed_meanwhile_is_shown(qtbot, two_chairs, chair_ctx, artefacts):  # type: ignore[no-untyped-def]
    a, b = two_chairs
    seen, theirs = _b_moves_while_a_has_not_heard(qtbot, a, b, chair_ctx)
    second = seen.rows[1].item_id
    a.messages.answer_next("theirs")
    a.move_case(second, 1)  # A moves the second case first, on the order A saw
    qtbot.waitUntil(lambda: any(m.kind == "conflict" for m in a.messages.log), timeout=5000)
    shown = [m for m in a.messages.log if m.kind == "conflict"][-1]
    assert "Case 1" in shown.text
    idle(qtbot, a)
    assert _order(chair_ctx, a.meeting.id) == theirs  # theirs stands
    qtbot.waitUntil(lambda: [r.item_id for r in a.state.agenda.rows] == theirs, timeout=5000)
    # The conflict view as the chair saw it: the real refusal, from the domain.
    with pytest.raises(AgendaConflict) as refused:
        agenda.move_item(chair_ctx.sessions, chair_ctx.actor, second, seen.rows[1].version, 1)
    dialog = ConflictDialog(agenda_conflict(seen, second, 1, refused.value), a)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.table.item(0, 0).text() == "Case 1  ≠"
    dialog.grab().save(str(artefacts / "conflict_agenda.png"))
    dialog.reject()


def test_put_mine_on_top_makes_the_move_on_their_order(qtbot, two_chairs, chair_ctx):  # type: ignore[no-untyped-def]
    a, b = two_chairs
    seen, theirs = _b_moves_while_a_has_not_heard(qtbot, a, b, chair_ctx)
    second = seen.rows[1].item_id
    a.messages.answer_next("mine")
    a.move_case(second, 1)
    expected = [second] + [i for i in theirs if i != second]
    qtbot.waitUntil(lambda: _order(chair_ctx, a.meeting.id) == expected, timeout=5000)
    assert len([m for m in a.messages.log if m.kind == "conflict"]) == 1
