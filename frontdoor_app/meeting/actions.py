"""Actions agreed at the meeting: owner, due date, status updates, the tracker.

An action is never deleted. It is closed as done, not possible (circumstances changed) or
not done by the agency, with a note for the last two; every status change is an
``ActionUpdate`` row, kept for ever. The tracker pages and sorts in SQL: a city holds tens
of thousands of actions.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import Select, and_, bindparam, case, func, select
from sqlalchemy.orm import Session, sessionmaker

from frontdoor_app.access import audit
from frontdoor_app.access.actor import Actor, require_agency
from frontdoor_app.models import (
    Action,
    ActionUpdate,
    Agency,
    AgendaItem,
    Meeting,
    Notification,
    NotificationPerson,
)
from frontdoor_app.profile import Profile
from frontdoor_app.wording import optional

from .common import (
    Writer,
    add_working_days,
    get,
    item_and_meeting,
    meeting_of,
    now,
    require_text,
    unit,
)
from .errors import ActionConflict, ConflictError, MeetingError, PermissionDenied
from .views import (
    ACTION_STATUSES,
    ActionPage,
    ActionUpdateView,
    ActionView,
    AgencyActions,
    OpenActionsCount,
)

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
MAX_PAGE = 500
# Rows of the base query: the action's own columns (plain columns, not ORM objects: the
# case view reads dozens at a time), then meeting id and date, notification id, police ref,
# agency code and name.
ActionSelect = Select[
    int,
    int,
    int,
    str | None,
    str,
    dt.date,
    str,
    str | None,
    dt.datetime | None,
    int,
    int,
    dt.date,
    int,
    str,
    str,
    str,
]


def default_due_date(profile: Profile, meeting_date: dt.date) -> dt.date:
    """The profile's number of working days after the meeting."""
    return add_working_days(meeting_date, profile.meeting.action_due_days)


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
        if client_ref is not None:
            earlier = s.scalar(select(Action.id).where(Action.client_ref == client_ref))
            if earlier is not None:
                return _views(s, _base().where(Action.id == earlier), dt.date.today())[0]
        item, meeting = item_and_meeting(s, item_id)
        get(s, Agency, agency_id, "Agency")
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
) -> ActionView:
    """Correct an action's wording, owner or due date (an amendment after its meeting closed)."""
    with unit(sessions) as s:
        action = get(s, Action, action_id, "Action")
        require_agency(actor, action.owner_agency_id, "change this action", PermissionDenied)
        _check_version(s, action, version)
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
        return _views(s, _base().where(Action.id == action.id), dt.date.today())[0]


def update_action_status(
    sessions: sessionmaker[Session],
    actor: Actor,
    action_id: int,
    version: int,
    status: str,
    note: str | None = None,
    meeting_id: int | None = None,
    client_ref: str | None = None,
) -> ActionView:
    """Mark an action done / not possible / not done (a note is required for the last two),
    or add a note without changing the status (pass the current status).

    ``meeting_id`` is the meeting at which it was reviewed, if any. Reviewing an earlier
    meeting's action is ordinary follow-up, not an amendment of that meeting.
    ``client_ref`` is the laptop's reference for this Save: sent again (after a dropped
    connection), an update it already made is not made twice (the action is returned).
    Against an older ``version`` it is refused with ``ActionConflict``.
    """
    if status not in ACTION_STATUSES:
        raise MeetingError(
            f"An action's status is one of {', '.join(STATUS_WORDS.values())}; {status!r} is not."
        )
    text = optional(note, "The note", None, MeetingError)
    try:
        return _update_status(
            sessions, actor, action_id, version, status, text, meeting_id, client_ref
        )
    except ActionConflict:
        raise
    except ConflictError as exc:
        # Saved at the same moment as someone else's update: theirs won the row.
        with sessions() as s:
            theirs = load_action(s, action_id, dt.date.today())
        raise ActionConflict(_CHANGED, theirs) from exc


def _check_version(s: Session, action: Action, version: int) -> None:
    """Refuse a save against an older version, carrying the action as it now stands."""
    if action.version != version:
        theirs = _views(s, _base().where(Action.id == action.id), dt.date.today(), True)[0]
        raise ActionConflict(_CHANGED, theirs)


def _update_status(
    sessions: sessionmaker[Session],
    actor: Actor,
    action_id: int,
    version: int,
    status: str,
    text: str | None,
    meeting_id: int | None,
    client_ref: str | None = None,
) -> ActionView:
    with unit(sessions) as s:
        if client_ref is not None and s.scalar(
            select(ActionUpdate.id).where(ActionUpdate.client_ref == client_ref)
        ):
            return _views(s, _base().where(Action.id == action_id), dt.date.today(), True)[0]
        action = get(s, Action, action_id, "Action")
        require_agency(actor, action.owner_agency_id, "update this action", PermissionDenied)
        _check_version(s, action, version)
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
        return _views(s, _base().where(Action.id == action.id), dt.date.today(), True)[0]


# ---------------------------------------------------------------- reading


def actions_for_item(
    session: Session, item_id: int, today: dt.date, with_updates: bool = False
) -> tuple[ActionView, ...]:
    """A case's actions in the order they were agreed."""
    query = _base().where(Action.agenda_item_id == item_id).order_by(Action.id)
    return tuple(_views(session, query, today, with_updates))


def load_action(session: Session, action_id: int, today: dt.date) -> ActionView:
    """One action with its updates."""
    get(session, Action, action_id, "Action")
    return _views(session, _base().where(Action.id == action_id), today, True)[0]


def open_actions_count(session: Session, meeting_id: int) -> OpenActionsCount:
    """How many actions from earlier meetings are still open, and how many are overdue."""
    meeting = meeting_of(session, meeting_id)
    overdue = case((Action.due_date < meeting.meeting_date, 1), else_=0)
    counted = session.execute(
        select(func.count(Action.id), func.coalesce(func.sum(overdue), 0))
        .join(AgendaItem, AgendaItem.id == Action.agenda_item_id)
        .join(Meeting, Meeting.id == AgendaItem.meeting_id)
        .where(Action.status == "open", Meeting.meeting_date < meeting.meeting_date)
    ).one()
    return OpenActionsCount(int(counted[0] or 0), int(counted[1] or 0))


def open_actions_review(
    session: Session, meeting_id: int, limit_per_agency: int | None = None
) -> tuple[AgencyActions, ...]:
    """Open actions from earlier meetings, by agency, overdue first: reviewed at the opening.

    Overdue means due before this meeting's date. With ``limit_per_agency`` only each
    agency's first actions are read (a city has thousands open); ``total`` and ``overdue``
    still count them all.
    """
    meeting = meeting_of(session, meeting_id)
    earlier = (Action.status == "open", Meeting.meeting_date < meeting.meeting_date)
    overdue = case((Action.due_date < meeting.meeting_date, 1), else_=0)
    counts = {
        r[0]: (int(r[1]), int(r[2] or 0))
        for r in session.execute(
            select(Action.owner_agency_id, func.count(Action.id), func.sum(overdue))
            .join(AgendaItem, AgendaItem.id == Action.agenda_item_id)
            .join(Meeting, Meeting.id == AgendaItem.meeting_id)
            .where(*earlier)
            .group_by(Action.owner_agency_id)
        )
    }
    query = _base().where(*earlier)
    if limit_per_agency is not None:
        ranked = (
            select(
                Action.id.label("id"),
                func.row_number()
                .over(partition_by=Action.owner_agency_id, order_by=(Action.due_date, Action.id))
                .label("rank"),
            )
            .join(AgendaItem, AgendaItem.id == Action.agenda_item_id)
            .join(Meeting, Meeting.id == AgendaItem.meeting_id)
            .where(*earlier)
        ).subquery()
        query = query.where(
            Action.id.in_(select(ranked.c.id).where(ranked.c.rank <= max(1, limit_per_agency)))
        )
    grouped: dict[int, list[ActionView]] = defaultdict(list)
    for view in _views(
        session, query.order_by(Agency.name, Action.due_date, Action.id), meeting.meeting_date
    ):
        grouped[view.owner_agency_id].append(view)
    return tuple(
        AgencyActions(
            rows[0].owner_agency_id,
            rows[0].agency_code,
            rows[0].agency_name,
            tuple(rows),
            counts.get(rows[0].owner_agency_id, (0, 0))[1],
            counts.get(rows[0].owner_agency_id, (len(rows), 0))[0],
        )
        for rows in grouped.values()
    )


def action_tracker(
    session: Session,
    *,
    agency_id: int | None = None,
    owner: str | None = None,
    today: dt.date,
    statuses: Sequence[str] = ("open",),
    limit: int = 50,
    offset: int = 0,
) -> ActionPage:
    """Actions across every meeting, overdue first then by due date, one page at a time.

    Filtering, ordering and paging happen in SQL. ``owner`` matches part of the owner's name;
    ``today`` is the authority's (``profile.today()``): what is overdue.
    """
    limit = max(1, min(limit, MAX_PAGE))
    conditions: list[Any] = [Action.status.in_(list(statuses))]
    if agency_id is not None:
        conditions.append(Action.owner_agency_id == agency_id)
    if owner and owner.strip():
        pattern = "%" + owner.strip().replace("%", r"\%").replace("_", r"\_") + "%"
        conditions.append(Action.owner_name.ilike(pattern, escape="\\"))
    # Both counts in one pass over the matching rows.
    overdue_case = case((and_(Action.status == "open", Action.due_date < today), 1), else_=0)
    counted = session.execute(
        select(func.count(Action.id), func.coalesce(func.sum(overdue_case), 0)).where(*conditions)
    ).one()
    total, overdue = int(counted[0] or 0), int(counted[1] or 0)
    # Open actions overdue are exactly those due earliest, so due date order puts them first;
    # closed ones (when asked for) follow.
    order: list[Any] = [Action.due_date, Action.id]
    if set(statuses) != {"open"}:
        order.insert(0, Action.status != "open")
    query = _base().where(*conditions).order_by(*order).limit(limit).offset(max(0, offset))
    return ActionPage(tuple(_views(session, query, today)), total, overdue, max(0, offset), limit)


def _base() -> ActionSelect:
    return (
        select(
            Action.id,
            Action.agenda_item_id,
            Action.owner_agency_id,
            Action.owner_name,
            Action.description,
            Action.due_date,
            Action.status,
            Action.status_note,
            Action.closed_at,
            Action.version,
            AgendaItem.meeting_id,
            Meeting.meeting_date,
            Notification.id.label("notification_id"),
            Notification.police_ref,
            Agency.code,
            Agency.name,
        )
        .join(AgendaItem, AgendaItem.id == Action.agenda_item_id)
        .join(Meeting, Meeting.id == AgendaItem.meeting_id)
        .join(Notification, Notification.id == AgendaItem.notification_id)
        .join(Agency, Agency.id == Action.owner_agency_id)
    )


_FOR_ITEMS = (
    _base()
    .where(Action.agenda_item_id.in_(bindparam("item_ids", expanding=True)))
    .order_by(Action.id)
)
_UPDATES = (
    select(
        ActionUpdate.id,
        ActionUpdate.action_id,
        ActionUpdate.at,
        ActionUpdate.by_name,
        ActionUpdate.note,
        ActionUpdate.status_from,
        ActionUpdate.status_to,
        ActionUpdate.meeting_id,
    )
    .where(ActionUpdate.action_id.in_(bindparam("action_ids", expanding=True)))
    .order_by(ActionUpdate.at, ActionUpdate.id)
)
_NAMES = select(
    NotificationPerson.notification_id, NotificationPerson.role, NotificationPerson.surname
).where(NotificationPerson.notification_id.in_(bindparam("ids", expanding=True)))


def views_for_items(
    s: Session, item_ids: Collection[int], today: dt.date, updates_for_items: Collection[int] = ()
) -> list[ActionView]:
    """The actions of several cases in one go (the case view's history); updates are read
    only for the actions of ``updates_for_items``."""
    if not item_ids:
        return []
    return _views(
        s,
        _FOR_ITEMS,
        today,
        updates_for_items=set(updates_for_items),
        params={"item_ids": list(item_ids)},
    )


def _views(
    s: Session,
    query: ActionSelect,
    today: dt.date,
    with_updates: bool = False,
    updates_for_items: Collection[int] = (),
    params: dict[str, Any] | None = None,
) -> list[ActionView]:
    connection = s.connection()
    rows = connection.execute(query, params or {}).all()
    names = _household_names(s, {r.notification_id for r in rows})
    updates: dict[int, list[ActionUpdateView]] = defaultdict(list)
    wanted = [r.id for r in rows if with_updates or r.agenda_item_id in updates_for_items]
    if wanted:
        for u in connection.execute(_UPDATES, {"action_ids": wanted}):
            updates[u.action_id].append(
                ActionUpdateView(
                    u.id, u.at, u.by_name, u.note, u.status_from, u.status_to, u.meeting_id
                )
            )
    return [
        ActionView(
            id=r.id,
            agenda_item_id=r.agenda_item_id,
            meeting_id=r.meeting_id,
            meeting_date=r.meeting_date,
            police_ref=r.police_ref,
            household_name=names.get(r.notification_id, ""),
            owner_agency_id=r.owner_agency_id,
            agency_code=r.code,
            agency_name=r.name,
            owner_name=r.owner_name,
            description=r.description,
            due_date=r.due_date,
            status=r.status,
            status_note=r.status_note,
            closed_at=r.closed_at,
            overdue=r.status == "open" and r.due_date < today,
            version=r.version,
            updates=tuple(updates.get(r.id, ())),
        )
        for r in rows
    ]


def _household_names(s: Session, notification_ids: set[int]) -> dict[int, str]:
    """The victim's surname per notification (the first adult's when no victim is named)."""
    if not notification_ids:
        return {}
    rank = {"victim": 0, "other_adult": 1, "perpetrator": 2, "child": 3}
    best: dict[int, tuple[int, str]] = {}
    for nid, role, surname in s.connection().execute(_NAMES, {"ids": list(notification_ids)}):
        if nid not in best or rank[role] < best[nid][0]:
            best[nid] = (rank[role], surname)
    return {nid: surname for nid, (_, surname) in best.items()}
