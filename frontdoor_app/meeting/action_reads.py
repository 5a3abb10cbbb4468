"""Reading actions: a case's, the open ones from earlier meetings, the tracker's pages.

Plain columns, not ORM objects (the case view reads dozens at a time); the tracker pages and
sorts in SQL, since a city holds tens of thousands of actions. ``actions`` re-exports these.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import Select, and_, bindparam, case, func, select
from sqlalchemy.orm import Session, aliased

from frontdoor_app.models import (
    Action,
    ActionUpdate,
    Agency,
    AgendaItem,
    Meeting,
    Notification,
    NotificationPerson,
)

from .common import (
    get,
    meeting_of,
)
from .views import (
    ActionPage,
    ActionUpdateView,
    ActionView,
    AgencyActions,
    OpenActionsCount,
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


# The meeting's day, and the open actions of earlier meetings with those overdue by it, in
# one statement (every laptop counts them again when someone saves an action).
_THE_MEETING = aliased(Meeting)
_ITS_DAY = (
    select(_THE_MEETING.meeting_date)
    .where(_THE_MEETING.id == bindparam("meeting_id"))
    .scalar_subquery()
)
_OPEN_COUNT = (
    select(
        func.count(Action.id),
        func.coalesce(func.sum(case((Action.due_date < _ITS_DAY, 1), else_=0)), 0),
    )
    .join(AgendaItem, AgendaItem.id == Action.agenda_item_id)
    .join(Meeting, Meeting.id == AgendaItem.meeting_id)
    .where(Action.status == "open", Meeting.meeting_date < _ITS_DAY)
)


def open_actions_count(session: Session, meeting_id: int) -> OpenActionsCount:
    """How many actions from earlier meetings are still open, and how many are overdue."""
    counted = session.connection().execute(_OPEN_COUNT, {"meeting_id": meeting_id}).one()
    if not counted[0]:
        meeting_of(session, meeting_id)  # none: say so if the meeting itself is missing
    return OpenActionsCount(int(counted[0] or 0), int(counted[1] or 0))


def open_actions_review(
    session: Session, meeting_id: int, limit_per_agency: int | None = None
) -> tuple[AgencyActions, ...]:
    """Open actions from earlier meetings, by agency, overdue first: reviewed at the opening.

    Overdue means due before this meeting's date; due today, on it. With
    ``limit_per_agency`` only each agency's first actions are read (a city has thousands
    open); ``total``, ``overdue`` and ``due_today`` still count them all.
    """
    meeting = meeting_of(session, meeting_id)
    earlier = (Action.status == "open", Meeting.meeting_date < meeting.meeting_date)
    overdue = case((Action.due_date < meeting.meeting_date, 1), else_=0)
    due_today = case((Action.due_date == meeting.meeting_date, 1), else_=0)
    counts = {
        r[0]: (int(r[1]), int(r[2] or 0), int(r[3] or 0))
        for r in session.execute(
            select(
                Action.owner_agency_id,
                func.count(Action.id),
                func.sum(overdue),
                func.sum(due_today),
            )
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
    made = []
    for rows in grouped.values():
        total, late, on_the_day = counts.get(rows[0].owner_agency_id, (len(rows), 0, 0))
        made.append(
            AgencyActions(
                rows[0].owner_agency_id,
                rows[0].agency_code,
                rows[0].agency_name,
                tuple(rows),
                late,
                total,
                on_the_day,
            )
        )
    return tuple(made)


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
    # The counts in one pass over the matching rows.
    overdue_case = case((and_(Action.status == "open", Action.due_date < today), 1), else_=0)
    today_case = case((and_(Action.status == "open", Action.due_date == today), 1), else_=0)
    counted = session.execute(
        select(
            func.count(Action.id),
            func.coalesce(func.sum(overdue_case), 0),
            func.coalesce(func.sum(today_case), 0),
        ).where(*conditions)
    ).one()
    total, overdue, due_today = (int(n or 0) for n in counted)
    # Open actions overdue are exactly those due earliest, so due date order puts them first;
    # closed ones (when asked for) follow.
    order: list[Any] = [Action.due_date, Action.id]
    if set(statuses) != {"open"}:
        order.insert(0, Action.status != "open")
    query = _base().where(*conditions).order_by(*order).limit(limit).offset(max(0, offset))
    rows = tuple(_views(session, query, today))
    return ActionPage(rows, total, overdue, due_today, max(0, offset), limit)


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
_FOR_IDS = _base().where(Action.id.in_(bindparam("action_ids", expanding=True))).order_by(Action.id)
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
    return _views_of(s, _FOR_ITEMS, "item_ids", item_ids, today, updates_for_items)


def views_of_actions(
    s: Session, action_ids: Collection[int], today: dt.date, updates_for_items: Collection[int] = ()
) -> list[ActionView]:
    """Some actions by id (those someone just added or changed), as ``views_for_items``
    has them, in id order; updates are read only for the actions of ``updates_for_items``."""
    return _views_of(s, _FOR_IDS, "action_ids", action_ids, today, updates_for_items)


def _views_of(
    s: Session,
    query: ActionSelect,
    name: str,
    ids: Collection[int],
    today: dt.date,
    updates_for_items: Collection[int],
) -> list[ActionView]:
    """``query``'s actions for the ids bound as ``name`` (none: no query)."""
    if not ids:
        return []
    params = {name: list(ids)}
    return _views(s, query, today, updates_for_items=set(updates_for_items), params=params)


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
            due_today=r.status == "open" and r.due_date == today,
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
