"""An intelligence entry edited meanwhile is a conflict carrying the other version.

Two clients (each its own engine) edit one entry after it was saved: the second edit, sent
against the version it started from, is refused with ``EntryConflict`` carrying the entry
as it now stands and who edited it; put on top against that version it is saved, and the
first edit stays in the audit trail. The same moment on PostgreSQL is the same refusal.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from frontdoor_app.context import AppContext
from frontdoor_app.meeting import entries, lifecycle
from frontdoor_app.meeting.errors import ConflictError, EntryConflict
from frontdoor_app.models import AuditEvent, IntelligenceEntry
from tests.conflict_support import change_while_held, someone_elses_update
from tests.meeting_support import DAY, agency_id, build, people


def _entry(ctx: AppContext):  # type: ignore[no-untyped-def]
    who = people(ctx)
    built = build(ctx, 1)
    with ctx.session() as s:
        m = lifecycle.find_meeting(s, DAY)
        hv = agency_id(s, "HV")
    assert m is not None
    lifecycle.open_meeting(ctx.sessions, who.chair, m.id, m.version)
    entry = entries.add_entry(
        ctx.sessions, who.health, built.item_ids[0], hv, "Two children, both seen at clinic"
    )
    return who, entry


def test_an_edit_against_an_older_version_carries_theirs(two_clients) -> None:  # type: ignore[no-untyped-def]
    a, b = two_clients
    who, entry = _entry(a)
    assert entry.changed_by_name is None and entry.saved_by == "Hannah Lee"
    theirs = entries.edit_entry(
        b.sessions, who.health, entry.id, entry.version, text="B: the baby missed a check"
    )
    assert theirs.changed_by_name == "Hannah Lee" and theirs.version > entry.version
    with pytest.raises(EntryConflict, match="changed by someone else") as refused:
        entries.edit_entry(
            a.sessions, who.chair, entry.id, entry.version, text="A: both seen, all well"
        )
    assert isinstance(refused.value, ConflictError)
    now = refused.value.theirs
    assert (now.text, now.version, now.saved_by) == (theirs.text, theirs.version, "Hannah Lee")
    mine = entries.edit_entry(
        a.sessions, who.chair, entry.id, now.version, text="A: both seen, all well"
    )
    assert mine.text.startswith("A:") and mine.saved_by == "Jane Ahmed"
    with a.read_session() as s:
        trail = " ".join(
            str(e.before) + str(e.after)
            for e in s.scalars(select(AuditEvent).where(AuditEvent.entity == "intelligence_entry"))
        )
    assert "B: the baby missed a check" in trail


@pytest.mark.postgres
def test_two_edits_at_the_same_moment_on_postgresql(pg_ctx) -> None:  # type: ignore[no-untyped-def]
    who, entry = _entry(pg_ctx)
    outcome = change_while_held(
        pg_ctx,
        someone_elses_update(
            IntelligenceEntry, entry.id, entry.version, text="B first", changed_by_name="Ravi Rao"
        ),
        lambda: entries.edit_entry(
            pg_ctx.sessions, who.chair, entry.id, entry.version, text="A second"
        ),
    )
    assert isinstance(outcome, EntryConflict), outcome
    assert outcome.theirs.text == "B first" and outcome.theirs.saved_by == "Ravi Rao"
