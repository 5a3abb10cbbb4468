"""The jobs the meeting room runs on the worker: each opens its own session, returns plain data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from frontdoor_app.access import audit
from frontdoor_app.context import AppContext
from frontdoor_app.meeting import actions as action_queries
from frontdoor_app.meeting import agenda, case, drafts, feed, lifecycle, projector
from frontdoor_app.meeting.agenda_rows import fallback_note
from frontdoor_app.meeting.views import (
    AgencyOption,
    AgendaView,
    AttendanceSummary,
    CaseView,
    MeetingView,
    OutcomeOption,
    ProjectorView,
)
from frontdoor_app.sync.changes import Change

CONTENT_TABLES = frozenset(
    {
        "intelligence_entry",
        "decision",
        "decision_outcome",
        "action",
        "action_update",
        "sharing_decision",
        "fgc_referral",
        "fgc_consent",
        "fgc_invitee",
        "fgc_safeguard",
        "notification",
        "household",
        "household_member",
        "person",
    }
)
AGENDA_TABLES = frozenset({"meeting", "agenda_item", "decision"})
IGNORED_TABLES = frozenset({"draft", "audit_event"})
DRAFT_KINDS = ("intelligence", "decision")


@dataclass(frozen=True)
class RoomData:
    """What the window shows besides the case: the meeting, agenda and the header counts."""

    meeting: MeetingView | None
    agenda: AgendaView | None
    attendance: AttendanceSummary | None
    open_actions: int
    note: str | None = None  # e.g. "No meeting for today; showing the meeting of ..."


@dataclass(frozen=True)
class StartData:
    room: RoomData
    agencies: tuple[AgencyOption, ...]
    outcomes: tuple[OutcomeOption, ...]


@dataclass(frozen=True)
class CaseBundle:
    case: CaseView
    drafts: dict[str, Any]


def load_start(ctx: AppContext, day: dt.date | None) -> StartData:
    """Today's meeting (or the latest when there is none today) and the pick lists."""
    with ctx.read_session() as s:
        day = day or ctx.profile.today()
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


def load_room(ctx: AppContext, meeting_id: int) -> RoomData:
    with ctx.read_session() as s:
        return _room(s, meeting_id, None)


def _room(s: Any, meeting_id: int, note: str | None) -> RoomData:
    view = agenda.load_agenda(s, meeting_id)
    summary = lifecycle.attendance_summary(s, meeting_id)
    counted = action_queries.open_actions_count(s, meeting_id)  # a count, not the rows
    return RoomData(view.meeting, view, summary, counted.open, note)


def load_case_bundle(ctx: AppContext, item_id: int, audit_view: bool) -> CaseBundle:
    with ctx.session() as s:
        view = case.load_case(s, item_id, ctx.actor, clock=ctx.profile.clock, audit_view=audit_view)
        kept = {}
        for kind in DRAFT_KINDS:
            draft = drafts.load_draft(s, ctx.actor, item_id, kind)
            if draft is not None:
                kept[kind] = draft.content
        return CaseBundle(view, kept)


# Rows that always belong to one case: a change to them reloads only screens showing it.
CASE_SCOPED_TABLES = frozenset({"intelligence_entry", "sharing_decision"})


def cases_touched(ctx: AppContext, rows: Sequence[Change]) -> frozenset[int]:
    """The cases whose entries or sharing decisions ``rows`` changed (one query a table)."""
    with ctx.read_session() as s:
        return feed.affected(s, rows).item_ids


def record_view(ctx: AppContext, item_id: int) -> None:
    """Audit that the user opened a case (when it was shown from a background read)."""
    with ctx.session() as s:
        audit.record(s, ctx.actor, "view", "agenda_item", item_id, detail="case opened")


def load_projector(ctx: AppContext, meeting_id: int, initials_mode: bool) -> ProjectorView:
    with ctx.read_session() as s:
        return projector.load_projector_view(s, meeting_id, initials_mode)


def neighbour(view: AgendaView, from_item: int | None, step: int) -> int | None:
    """The next (or previous) case that is not deferred, from the rows already on screen."""
    ids = [r.item_id for r in view.rows if r.status != "deferred" or r.item_id == from_item]
    if not ids:
        return None
    if from_item not in ids:
        return ids[0] if step > 0 else ids[-1]
    index = ids.index(from_item) + step
    return ids[index] if 0 <= index < len(ids) else None
