"""A decision saved meanwhile is a conflict carrying the other version, never a fault."""

from __future__ import annotations

from typing import Any

import pytest

from frontdoor_app.context import build_context
from frontdoor_app.meeting import decisions, lifecycle
from frontdoor_app.meeting.errors import DecisionConflict
from frontdoor_app.models import Decision
from tests.conflict_support import change_while_held
from tests.meeting_support import DAY, build, people


@pytest.fixture
def any_ctx(fresh_settings, any_app_url, profile):  # type: ignore[no-untyped-def]
    context = build_context(fresh_settings.with_database(any_app_url), profile)
    yield context
    context.close()


def _open(ctx):  # type: ignore[no-untyped-def]
    who = people(ctx)
    built = build(ctx, 2)
    with ctx.session() as s:
        m = lifecycle.find_meeting(s, DAY)
    assert m is not None
    lifecycle.open_meeting(ctx.sessions, who.chair, m.id, m.version)
    return who, built.item_ids[1]


def test_a_stale_version_and_a_second_first_decision_carry_the_other_version(any_ctx) -> None:  # type: ignore[no-untyped-def]
    ctx = any_ctx
    who, item = _open(ctx)
    first = decisions.save_decision(
        ctx.sessions,
        who.chair,
        ctx.profile,
        item,
        ["INFO"],
        "medium",
        "B: information to the school",
        details={"INFO": "Education Safeguarding"},
    )
    with pytest.raises(DecisionConflict, match="Someone else recorded a decision") as second:
        decisions.save_decision(
            ctx.sessions,
            who.chair,
            ctx.profile,
            item,
            ["LETTER"],
            "medium",
            "A: a letter to the victim",
        )
    assert second.value.theirs.rationale == "B: information to the school"
    changed = decisions.save_decision(
        ctx.sessions, who.chair, ctx.profile, item, ["LETTER"], "medium", "C", version=first.version
    )
    with pytest.raises(DecisionConflict, match="changed by someone else") as stale:
        decisions.save_decision(
            ctx.sessions,
            who.chair,
            ctx.profile,
            item,
            ["INFO"],
            "medium",
            "D",
            details={"INFO": "Education Safeguarding"},
            version=first.version,
        )
    assert stale.value.theirs.version == changed.version and stale.value.theirs.rationale == "C"


def test_two_first_decisions_at_the_same_moment_on_postgresql(pg_ctx) -> None:  # type: ignore[no-untyped-def]
    """The second insert waits on the case's unique key and fails when the first commits:
    that is shown as a conflict with the first one's decision, not 'Something went wrong'."""
    who, item = _open(pg_ctx)

    def hold(holder: Any) -> None:
        holder.add(
            Decision(
                agenda_item_id=item,
                agreed_risk="high",
                rationale="B first",
                decided_by_id=who.chair.user_id,
            )
        )
        holder.flush()  # inserted, not committed: the other save cannot see it yet

    outcome = change_while_held(
        pg_ctx,
        hold,
        lambda: decisions.save_decision(
            pg_ctx.sessions,
            who.chair,
            pg_ctx.profile,
            item,
            ["INFO"],
            "high",
            "A second",
            details={"INFO": "Midwifery"},
        ),
    )
    assert isinstance(outcome, DecisionConflict), outcome
    assert outcome.theirs.rationale == "B first"
