"""Actions agreed at the meeting: owner, due date, status updates, the tracker.

An action is never deleted. It is closed as done, not possible (circumstances changed) or
not done by the agency, with a note for the last two; every status change is an
``ActionUpdate`` row, kept for ever. The tracker pages and sorts in SQL: a city holds tens
of thousands of actions.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from frontdoor_app.access import audit
from frontdoor_app.access.actor import Actor, require_agency
from frontdoor_app.models import (
    Action,
    ActionUpdate,
    Agency,
    AgendaItem,
)
from frontdoor_app.profile import Profile
from frontdoor_app.wording import optional

from .action_reads import (  # the reading side, re-exported (__all__)
    MAX_PAGE,
    _base,
    _views,
    action_tracker,
    actions_for_item,
    load_action,
    open_actions_count,
    open_actions_review,
    views_for_items,
    views_of_actions,
)
from .common import (
    Writer,
    get,
    item_and_meeting,
    meeting_of,
    now,
    require_text,
    save_target,
    unit,
)
from .due import default_due_date
from .errors import ActionConflict, ConflictError, MeetingError, PermissionDenied
from .views import (
    ACTION_STATUSES,
    ActionView,
)

__all__ = [
    "MAX_PAGE",
    "NOTE_REQUIRED",
    "STATUS_WORDS",
    "action_tracker",
    "actions_for_item",
    "add_action",
    "default_due_date",
    "edit_action",
    "load_action",
    "open_actions_count",
    "open_actions_review",
    "update_action_status",
    "views_for_items",
    "views_of_actions",
]
STATUS_WORDS = {
    "open": "open",
    "done": "done",
    "not_possible": "not possible (circumstances changed)",
    "not_done": "not done by the agency",
}
NOTE_REQUIRED = ("not_possible", "not_done")
_CHANGED = (
    "The action was updated by someone else after you opened it; both versions are shown "
    "so you can choose."
)


# ---------------------------------------------------------------- writing


def add_action(
    sessions: sessionmaker[Session],
    actor: Actor,
    profile: Profile,
    item_id: int,
    agency_id: int,
    description: str,
    *,
    owner_name: str | None = None,
    due_date: dt.date | None = None,
    reason: str | None = None,
    client_ref: str | None = None,
) -> ActionView:
    """Agree an action for a case; the due date defaults from the profile.

    ``client_ref`` is the laptop's reference for this Save: sent again (after a dropped
    connection), the action it already made is returned instead of a second one.
    """
    text = require_text(description, "The action's description")
    require_agency(actor, agency_id, "add an action", PermissionDenied)
    with unit(sessions) as s:
        made = None
        if client_ref is not None:
            made = select(Action.id).where(Action.client_ref == client_ref).scalar_subquery()
        item, meeting, _agency, earlier = save_target(s, item_id, agency_id, made)
        if earlier is not None:  # sent again: this Save's action is already there
            return _views(s, _base().where(Action.id == earlier), meeting.meeting_date)[0]
        due = due_date or default_due_date(profile, meeting.meeting_date)
        if due < meeting.meeting_date:
            raise MeetingError(
                f"The due date {due:%d %B %Y} is before the meeting "
                f"({meeting.meeting_date:%d %B %Y})."
            )
        writer = Writer(s, actor, meeting, reason, "add an action")
        action = Action(
            agenda_item_id=item.id,
            owner_agency_id=agency_id,
            owner_name=optional(owner_name, "The owner's name", 200, MeetingError),
            description=text,
            due_date=due,
            status="open",
            created_by_id=actor.user_id,
            client_ref=client_ref,
        )
        s.add(action)
        writer.written(action, "create")
        return _views(s, _base().where(Action.id == action.id), meeting.meeting_date)[0]


def edit_action(
    sessions: sessionmaker[Session],
    actor: Actor,
    action_id: int,
    version: int,
    *,
    description: str | None = None,
    owner_name: str | None = None,
    owner_agency_id: int | None = None,
    due_date: dt.date | None = None,
    reason: str | None = None,
    today: dt.date,
) -> ActionView:
    """Correct an action's wording, owner or due date (an amendment after its meeting closed).

    ``today`` is the authority's day (``profile.today()``): what the returned view calls
    overdue."""
    with unit(sessions) as s:
        action = get(s, Action, action_id, "Action")
        require_agency(actor, action.owner_agency_id, "change this action", PermissionDenied)
        _check_version(s, action, version, today)
        _, meeting = item_and_meeting(s, action.agenda_item_id)
        writer = Writer(s, actor, meeting, reason, "change an action")
        if owner_agency_id is not None:
            require_agency(
                actor, owner_agency_id, "give this action to that agency", PermissionDenied
            )
            get(s, Agency, owner_agency_id, "Agency")  # look up before changing the row
        before = audit.snapshot(action)
        if description is not None:
            action.description = require_text(description, "The action's description")
        if owner_name is not None:
            action.owner_name = optional(owner_name, "The owner's name", 200, MeetingError)
        if owner_agency_id is not None:
            action.owner_agency_id = owner_agency_id
        if due_date is not None:
            action.due_date = due_date
        writer.written(action, "update", before)
        return _views(s, _base().where(Action.id == action.id), today)[0]


def update_action_status(
    sessions: sessionmaker[Session],
    actor: Actor,
    action_id: int,
    version: int,
    status: str,
    note: str | None = None,
    meeting_id: int | None = None,
    client_ref: str | None = None,
    *,
    today: dt.date,
) -> ActionView:
    """Mark an action done / not possible / not done (a note is required for the last two),
    or add a note without changing the status (pass the current status).

    ``meeting_id`` is the meeting at which it was reviewed, if any. Reviewing an earlier
    meeting's action is ordinary follow-up, not an amendment of that meeting.
    ``client_ref`` is the laptop's reference for this Save: sent again (after a dropped
    connection), an update it already made is not made twice (the action is returned).
    Against an older ``version`` it is refused with ``ActionConflict``. ``today`` is the
    authority's day (``profile.today()``): what the returned view calls overdue.
    """
    if status not in ACTION_STATUSES:
        raise MeetingError(
            f"An action's status is one of {', '.join(STATUS_WORDS.values())}; {status!r} is not."
        )
    text = optional(note, "The note", None, MeetingError)
    try:
        return _update_status(
            sessions, actor, action_id, version, status, text, meeting_id, client_ref, today
        )
    except ActionConflict:
        raise
    except ConflictError as exc:
        # Saved at the same moment as someone else's update: theirs won the row.
        with sessions() as s:
            theirs = load_action(s, action_id, today)
        raise ActionConflict(_CHANGED, theirs) from exc


def _check_version(s: Session, action: Action, version: int, today: dt.date) -> None:
    """Refuse a save against an older version, carrying the action as it now stands."""
    if action.version != version:
        theirs = _views(s, _base().where(Action.id == action.id), today, True)[0]
        raise ActionConflict(_CHANGED, theirs)


def _update_status(
    sessions: sessionmaker[Session],
    actor: Actor,
    action_id: int,
    version: int,
    status: str,
    text: str | None,
    meeting_id: int | None,
    client_ref: str | None,
    today: dt.date,
) -> ActionView:
    with unit(sessions) as s:
        if client_ref is not None and s.scalar(
            select(ActionUpdate.id).where(ActionUpdate.client_ref == client_ref)
        ):
            return _views(s, _base().where(Action.id == action_id), today, True)[0]
        action = get(s, Action, action_id, "Action")
        require_agency(actor, action.owner_agency_id, "update this action", PermissionDenied)
        _check_version(s, action, version, today)
        if status in NOTE_REQUIRED and text is None:
            raise MeetingError(f"Write a note saying why the action is {STATUS_WORDS[status]}.")
        if status == action.status and text is None:
            raise MeetingError(
                f"The action is already {STATUS_WORDS[status]}; add a note to record an update."
            )
        if meeting_id is not None:
            meeting_of(s, meeting_id)
        origin_meeting = s.scalar(
            select(AgendaItem.meeting_id).where(AgendaItem.id == action.agenda_item_id)
        )
        before = audit.snapshot(action)
        changed = status != action.status
        if changed:
            action.status = status
            action.closed_at = None if status == "open" else now()
            action.status_note = text
        elif text is not None:
            action.status_note = text
        update = ActionUpdate(
            action_id=action.id,
            by_id=actor.user_id,
            by_name=actor.display_name,
            note=text,
            status_from=before["status"] if changed else None,
            status_to=status if changed else None,
            meeting_id=meeting_id,
            client_ref=client_ref,
        )
        s.add(update)
        audit.written(s, actor, action, "update", before, meeting_id or origin_meeting)
        audit.written(s, actor, update, "create", None, meeting_id or origin_meeting)
        return _views(s, _base().where(Action.id == action.id), today, True)[0]
