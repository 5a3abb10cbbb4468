"""The reads the meeting room runs on the worker, through ``Ops.read`` (which opens the
read-only session each is given); they return plain data.

The domain modules are imported by the reads, on the worker, the first time each runs:
the window is built while they load (the case's module alone pulls in the FGC rules and
the name parser).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from frontdoor_app.ui.meeting.room_state import (
    ActionsTouched,
    CaseBundle,
    CasesTouched,
    DecisionRead,
    RoomData,
    StartData,
)

if TYPE_CHECKING:
    from frontdoor_app.access.actor import Actor
    from frontdoor_app.context import AppContext
    from frontdoor_app.profile import Profile
    from frontdoor_app.sync.changes import Change

DRAFT_KINDS = ("intelligence", "decision")


def load_start(s: Any, profile: Profile, day: dt.date | None) -> StartData:
    """Today's meeting (or the latest when there is none today) and the pick lists;
    ``day`` None: today in the profile's time zone."""
    from frontdoor_app.meeting import lifecycle
    from frontdoor_app.meeting.agenda_rows import fallback_note

    day = day or profile.today()
    meeting = lifecycle.find_meeting(s, day)
    note = None
    if meeting is None:
        latest = lifecycle.latest_meetings(s, 1)
        meeting = latest[0] if latest else None
        if meeting is not None:
            note = fallback_note(day, meeting.meeting_date)
        else:
            note = "No meeting yet: import this morning's police feed to build the agenda."
    room = _room(s, meeting.id, note) if meeting else RoomData(None, None, None, 0, note)
    return StartData(room, lifecycle.agencies(s), lifecycle.outcome_options(s))


def load_room(s: Any, meeting_id: int) -> RoomData:
    return _room(s, meeting_id, None)


def load_room_and_decision(
    s: Any, meeting_id: int, item_id: int | None
) -> tuple[RoomData, DecisionRead | None]:
    """The room, and when only decisions changed (``item_id``: the case on screen) that
    case's decision: a decision changes nothing else of a case, so the rest of it (its
    history, household, entries, actions) is not read again."""
    from frontdoor_app.meeting import decisions

    room = load_room(s, meeting_id)
    if item_id is None:
        return room, None
    return room, DecisionRead(item_id, decisions.load_decision(s, item_id))


def _room(s: Any, meeting_id: int, note: str | None) -> RoomData:
    from frontdoor_app.meeting import actions as action_queries
    from frontdoor_app.meeting import agenda, lifecycle

    view = agenda.load_agenda(s, meeting_id)
    summary = lifecycle.attendance_summary(s, meeting_id)
    counted = action_queries.open_actions_count(s, meeting_id)  # a count, not the rows
    return RoomData(view.meeting, view, summary, counted.open, note)


def load_case_bundle(
    ctx: AppContext, item_id: int, audit_view: bool, *, with_drafts: bool = True
) -> CaseBundle:
    """The case and the user's drafts for it; ``audit_view`` records the view, so this read
    is a unit of work of its own (a session that may write). A refresh of the case on
    screen keeps what is typed, so it reads no drafts (``with_drafts=False``)."""
    from frontdoor_app.meeting import case, drafts

    with ctx.session() as s:
        view = case.load_case(s, item_id, ctx.actor, clock=ctx.profile.clock, audit_view=audit_view)
        kept = {}
        for kind in DRAFT_KINDS if with_drafts else ():
            draft = drafts.load_draft(s, ctx.actor, item_id, kind)
            if draft is not None:
                kept[kind] = draft.content
        return CaseBundle(view, kept)


# Up to this many entries added at once go in one by one (each as the log's read brought
# it, else a statement each); more, and the case's list is read whole in one.
ADDED_ALONE = 3


def cases_touched(s: Any, rows: Sequence[Change], shown: int | None, viewer: Actor) -> CasesTouched:
    """The cases whose entries or sharing decisions ``rows`` changed (read with the log, or
    one query a table), and, when the case ``shown`` is one of them, its entries as
    ``viewer`` may see them: nothing else of a case changes with an entry, so nothing else
    is read again (nor its sharing decisions, when none of them changed), and when the
    batch only added entries, only those (``case.added_entries``)."""
    from frontdoor_app.meeting import case, feed

    item_ids = feed.affected(s, rows).item_ids
    entries = None
    if shown and shown in item_ids:
        added = [
            r.row_id
            for r in rows
            if r.table_name == "intelligence_entry" and r.operation == "create"
            if r.row_id is not None
        ]
        if len(added) == len(rows) <= ADDED_ALONE:
            # Only new entries of this case: those alone, not its whole list again.
            brought = {r.row_id: r.row for r in rows if r.row is not None and r.row_id}
            entries = case.added_entries(s, shown, added, viewer, brought)
        if entries is None:
            sharing = any(r.table_name == "sharing_decision" for r in rows)
            entries = case.case_entries(s, shown, viewer, sharing=sharing)
    return CasesTouched(item_ids, shown, entries)


def actions_touched(
    s: Any, rows: Sequence[Change], meeting_id: int, shown: int | None, today: dt.date
) -> ActionsTouched:
    """The cases whose actions ``rows`` changed, the meeting's open actions, and the
    actions of the case ``shown`` when it is one of them (read as ``load_case`` does): when
    the rows only added or changed actions, those actions alone (``only_changed``)."""
    from frontdoor_app.meeting import actions as action_queries
    from frontdoor_app.meeting import feed

    item_ids = feed.affected(s, rows).item_ids
    counted = action_queries.open_actions_count(s, meeting_id)
    if shown is None or shown not in item_ids:
        return ActionsTouched(item_ids, counted.open, shown, None)
    if all(r.table_name == "action" and r.operation != "delete" for r in rows):
        # Actions added or changed (not a status update, nor a deletion): those alone, not
        # the case's whole list on every laptop at every action saved in the room.
        changed = {r.row_id for r in rows if r.row_id is not None}
        return ActionsTouched(
            item_ids,
            counted.open,
            shown,
            tuple(action_queries.views_of_actions(s, changed, today, updates_for_items=(shown,))),
            only_changed=True,
        )
    actions = action_queries.views_for_items(s, [shown], today, updates_for_items=(shown,))
    return ActionsTouched(item_ids, counted.open, shown, tuple(actions))
