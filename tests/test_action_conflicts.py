"""An action updated meanwhile is a conflict carrying the other version, never an overwrite.

Two clients (each its own engine and connections) update one action: the second, sent
against the version it read, is refused with ``ActionConflict`` carrying the action as it
now stands (its updates say who and when); the same moment on PostgreSQL (the other's
update holds the row) is the same refusal, never a fault. Both updates stay on the record.
"""

from __future__ import annotations

import functools

import pytest
from sqlalchemy import select

from frontdoor_app.context import AppContext
from frontdoor_app.meeting import actions, lifecycle
from frontdoor_app.meeting.errors import ActionConflict, ConflictError
from frontdoor_app.models import Action
from tests.conflict_support import change_while_held, someone_elses_update
from tests.meeting_support import DAY, agency_id, build, people


def _action(ctx: AppContext):  # type: ignore[no-untyped-def]
    who = people(ctx)
    built = build(ctx, 1)
    with ctx.session() as s:
        m = lifecycle.find_meeting(s, DAY)
        hv = agency_id(s, "HV")
    assert m is not None
    lifecycle.open_meeting(ctx.sessions, who.chair, m.id, m.version)
    action = actions.add_action(
        ctx.sessions, who.chair, ctx.profile, built.item_ids[0], hv, "Home visit this week"
    )
    return who, action


def test_an_update_against_an_older_version_carries_theirs(two_clients) -> None:  # type: ignore[no-untyped-def]
    a, b = two_clients
    who, action = _action(a)
    theirs = actions.update_action_status(
        b.sessions,
        who.health,
        action.id,
        action.version,
        "done",
        "B: seen at home",
        today=b.profile.today(),
    )
    with pytest.raises(ActionConflict, match="updated by someone else") as refused:
        actions.update_action_status(
            a.sessions,
            who.chair,
            action.id,
            action.version,
            "not_possible",
            "A: moved away",
            today=a.profile.today(),
        )
    assert isinstance(refused.value, ConflictError)
    now = refused.value.theirs
    assert (now.version, now.status, now.status_note) == (theirs.version, "done", "B: seen at home")
    assert now.updates[-1].by_name == "Hannah Lee" and now.updates[-1].at is not None
    # Put on top, knowingly: against their version. Both updates stay on the record.
    mine = actions.update_action_status(
        a.sessions,
        who.chair,
        action.id,
        now.version,
        "not_possible",
        "A: moved away",
        today=a.profile.today(),
    )
    assert mine.status == "not_possible" and mine.version > now.version
    assert [u.note for u in mine.updates] == ["B: seen at home", "A: moved away"]
    # Correcting the action's wording against an older version is refused the same way.
    with pytest.raises(ActionConflict) as edit:
        actions.edit_action(
            a.sessions,
            who.chair,
            action.id,
            now.version,
            description="Visit",
            today=a.profile.today(),
        )
    assert edit.value.theirs.version == mine.version


@pytest.mark.postgres
def test_two_updates_at_the_same_moment_on_postgresql(pg_ctx) -> None:  # type: ignore[no-untyped-def]
    """The other update holds the row; this one waits, then finds the version moved on:
    that is the conflict view's refusal carrying theirs, not 'Something went wrong'."""
    who, action = _action(pg_ctx)
    outcome = change_while_held(
        pg_ctx,
        someone_elses_update(
            Action, action.id, action.version, status="done", status_note="B first"
        ),
        lambda: actions.update_action_status(
            pg_ctx.sessions,
            who.chair,
            action.id,
            action.version,
            "open",
            "A second",
            today=pg_ctx.profile.today(),
        ),
    )
    assert isinstance(outcome, ActionConflict), outcome
    assert outcome.theirs.status_note == "B first"
    with pg_ctx.read_session() as s:
        assert s.scalar(select(Action.status_note).where(Action.id == action.id)) == "B first"


def test_a_save_sent_twice_is_stored_once(two_clients) -> None:  # type: ignore[no-untyped-def]
    """An action or a status update that waited on the laptop may have reached the server
    before the connection dropped: sent again with its reference, it is stored once."""
    a, _ = two_clients
    who, action = _action(a)
    item = action.agenda_item_id
    first = actions.add_action(
        a.sessions, who.health, a.profile, item, action.owner_agency_id, "Visit", client_ref="r1"
    )
    again = actions.add_action(
        a.sessions, who.health, a.profile, item, action.owner_agency_id, "Visit", client_ref="r1"
    )
    assert again.id == first.id
    today = a.profile.today()
    send = functools.partial(
        actions.update_action_status, a.sessions, who.health, first.id, first.version, "done"
    )
    done = send("Seen", client_ref="u1", today=today)
    resent = send("Seen", client_ref="u1", today=today)
    assert resent.version == done.version and [u.note for u in resent.updates] == ["Seen"]
    with a.read_session() as s:
        assert len(actions.actions_for_item(s, item, DAY)) == 2
