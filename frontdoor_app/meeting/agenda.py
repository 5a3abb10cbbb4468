"""The meeting's ordered cases: load, reorder, defer, the current case, next and previous.

The agenda is built (and first ordered) by intake's ``build_agenda``; the flags an item
carries were worked out then and are only read here. The meeting's current case is stored
on the meeting, so every client and the projector can follow the chair.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, sessionmaker

from frontdoor_app.access import audit
from frontdoor_app.access.actor import Actor
from frontdoor_app.models import AgendaItem, Decision, Meeting, Notification, NotificationPerson

from .agenda_rows import AgendaRow, AgendaView, PersonFields, build_row
from .common import (
    check_version,
    get,
    meeting_of,
    now,
    require_in_progress,
    require_role,
    unit,
)
from .errors import AgendaConflict, ConflictError, MeetingStateError
from .lifecycle import load_meeting
from .timer import stop_timer

# ---------------------------------------------------------------- reading


def load_agenda(session: Session, meeting_id: int) -> AgendaView:
    """The meeting and its cases in agenda order."""
    meeting = load_meeting(session, meeting_id)
    return AgendaView(meeting, tuple(agenda_rows(session, meeting_id)))


def load_row(session: Session, item_id: int) -> AgendaRow:
    """One agenda row (after a change feed says that case changed)."""
    item = get(session, AgendaItem, item_id, "Case")
    return agenda_rows(session, item.meeting_id, item_id)[0]


# Built once, run as plain rows: the agenda is re-read at every change of the current case.
_ROWS = (
    select(
        AgendaItem.id,
        AgendaItem.meeting_id,
        AgendaItem.notification_id,
        AgendaItem.household_id,
        AgendaItem.position,
        AgendaItem.status,
        AgendaItem.flags,
        AgendaItem.started_at,
        AgendaItem.seconds_spent,
        AgendaItem.version,
        Notification.police_ref,
        Notification.postcode,
        Notification.dash_risk,
        Notification.dash_yes,
        Meeting.meeting_date,
        Decision.agreed_risk,
    )
    .join(Notification, Notification.id == AgendaItem.notification_id)
    .join(Meeting, Meeting.id == AgendaItem.meeting_id)
    .outerjoin(Decision, Decision.agenda_item_id == AgendaItem.id)
    .where(AgendaItem.meeting_id == bindparam("meeting_id"))
    .order_by(AgendaItem.position, AgendaItem.id)
)
_ONE_ROW = _ROWS.where(AgendaItem.id == bindparam("item_id"))
_PEOPLE = (
    select(
        NotificationPerson.notification_id,
        NotificationPerson.role,
        NotificationPerson.surname,
        NotificationPerson.dob,
        NotificationPerson.age,
    )
    .where(NotificationPerson.notification_id.in_(bindparam("ids", expanding=True)))
    .order_by(NotificationPerson.id)
)


def agenda_rows(session: Session, meeting_id: int, item_id: int | None = None) -> list[AgendaRow]:
    """Rows for a whole meeting (or one case) in two queries, whatever the agenda's length."""
    connection = session.connection()
    if item_id is None:
        rows = connection.execute(_ROWS, {"meeting_id": meeting_id}).all()
    else:
        rows = connection.execute(_ONE_ROW, {"meeting_id": meeting_id, "item_id": item_id}).all()
    people: dict[int, list[PersonFields]] = defaultdict(list)
    if rows:
        ids = [r.notification_id for r in rows]
        for p in connection.execute(_PEOPLE, {"ids": ids}):
            people[p.notification_id].append(p)
    return [
        build_row(
            r,
            r.police_ref,
            r.postcode,
            r.dash_risk,
            r.dash_yes,
            r.meeting_date,
            r.agreed_risk,
            people[r.notification_id],
        )
        for r in rows
    ]


def next_item_id(
    session: Session, meeting_id: int, from_item_id: int | None, skip_deferred: bool = True
) -> int | None:
    """The case after ``from_item_id`` in agenda order (the first when None); None at the end."""
    return _neighbour(session, meeting_id, from_item_id, +1, skip_deferred)


def previous_item_id(
    session: Session, meeting_id: int, from_item_id: int | None, skip_deferred: bool = True
) -> int | None:
    """The case before ``from_item_id`` (the last when None); None at the start."""
    return _neighbour(session, meeting_id, from_item_id, -1, skip_deferred)


def _neighbour(
    session: Session, meeting_id: int, from_item_id: int | None, step: int, skip_deferred: bool
) -> int | None:
    query = select(AgendaItem.id, AgendaItem.status).where(AgendaItem.meeting_id == meeting_id)
    order: list[tuple[int, str]] = [
        (r.id, r.status)
        for r in session.execute(query.order_by(AgendaItem.position, AgendaItem.id))
    ]
    ids = [
        i
        for i, status in order
        if not (skip_deferred and status == "deferred") or i == from_item_id
    ]
    if not ids:
        return None
    if from_item_id is None or from_item_id not in ids:
        return ids[0] if step > 0 else ids[-1]
    index = ids.index(from_item_id) + step
    return ids[index] if 0 <= index < len(ids) else None


# ---------------------------------------------------------------- chair's changes


def move_item(
    sessions: sessionmaker[Session], actor: Actor, item_id: int, version: int, position: int
) -> AgendaView:
    """Move a case to ``position`` (1 = first); the others close up around it.

    ``version`` is the case's as the chair's agenda showed it: moved meanwhile (by another
    chair's reordering), the move is refused with ``AgendaConflict`` carrying the agenda as
    it now stands and who last moved a case, never applied to an order nobody saw.
    """
    require_role(actor, ("chair",), "reorder the agenda")
    try:
        return _move_item(sessions, actor, item_id, version, position)
    except AgendaConflict:
        raise
    except ConflictError as exc:
        # Moved at the same moment as someone else's reordering: theirs won the rows.
        with sessions() as s:
            raise _agenda_conflict(s, get(s, AgendaItem, item_id, "Case").meeting_id) from exc


_MOVED = (
    "The agenda order was changed by someone else after you read it; both orders are shown "
    "so you can choose."
)


def _agenda_conflict(s: Session, meeting_id: int) -> AgendaConflict:
    last = s.execute(
        select(AgendaItem.moved_by_name, AgendaItem.moved_at)
        .where(AgendaItem.meeting_id == meeting_id, AgendaItem.moved_at.is_not(None))
        .order_by(AgendaItem.moved_at.desc())
        .limit(1)
    ).first()
    by, at = (last[0], last[1]) if last is not None else (None, None)
    return AgendaConflict(_MOVED, load_agenda(s, meeting_id), by, at)


def _move_item(
    sessions: sessionmaker[Session], actor: Actor, item_id: int, version: int, position: int
) -> AgendaView:
    with unit(sessions) as s:
        item = get(s, AgendaItem, item_id, "Case")
        if item.version != version:
            raise _agenda_conflict(s, item.meeting_id)
        meeting = item.meeting
        _not_closed(meeting, "reorder the agenda")
        items = list(
            s.scalars(
                select(AgendaItem)
                .where(AgendaItem.meeting_id == meeting.id)
                .order_by(AgendaItem.position, AgendaItem.id)
            )
        )
        items.remove(item)
        items.insert(max(0, min(position - 1, len(items))), item)
        moved_at = now()
        for number, row in enumerate(items, start=1):
            if row.position != number:
                before = audit.snapshot(row)
                row.position = number
                row.moved_by_name, row.moved_at = actor.display_name, moved_at
                audit.written(s, actor, row, "update", before, meeting.id)
        return load_agenda(s, meeting.id)


def defer_item(
    sessions: sessionmaker[Session], actor: Actor, item_id: int, version: int
) -> AgendaView:
    """Defer a case to the next meeting day (status deferred)."""
    require_role(actor, ("chair",), "defer a case")
    with unit(sessions) as s:
        item = get(s, AgendaItem, item_id, "Case")
        check_version(item, version, "This case")
        meeting = item.meeting
        _not_closed(meeting, "defer a case")
        if item.status == "discussed":
            raise MeetingStateError(
                f"Case {item.position} has been discussed and decided; it cannot be deferred."
            )
        _defer(s, actor, meeting, item)
        return load_agenda(s, meeting.id)


def defer_remaining(sessions: sessionmaker[Session], actor: Actor, meeting_id: int) -> AgendaView:
    """Defer every case still waiting (the meeting ran out of time)."""
    require_role(actor, ("chair",), "defer cases")
    with unit(sessions) as s:
        meeting = meeting_of(s, meeting_id)
        _not_closed(meeting, "defer cases")
        for item in s.scalars(
            select(AgendaItem).where(
                AgendaItem.meeting_id == meeting_id, AgendaItem.status == "waiting"
            )
        ):
            _defer(s, actor, meeting, item)
        return load_agenda(s, meeting_id)


def reinstate_item(
    sessions: sessionmaker[Session], actor: Actor, item_id: int, version: int
) -> AgendaView:
    """Bring a deferred case back to this meeting's agenda (waiting)."""
    require_role(actor, ("chair",), "bring a deferred case back")
    with unit(sessions) as s:
        item = get(s, AgendaItem, item_id, "Case")
        check_version(item, version, "This case")
        _not_closed(item.meeting, "bring a deferred case back")
        if item.status != "deferred":
            raise MeetingStateError(f"Case {item.position} is not deferred.")
        before = audit.snapshot(item)
        item.status, item.deferred_to_meeting_id = "waiting", None
        audit.written(s, actor, item, "update", before, item.meeting_id)
        return load_agenda(s, item.meeting_id)


def set_current(
    sessions: sessionmaker[Session], actor: Actor, meeting_id: int, item_id: int | None
) -> AgendaView:
    """Make ``item_id`` the case being discussed (None: no case); every screen follows.

    No version is asked for: this is the chair moving through the agenda, where the last
    press is the one meant. The previous current case becomes discussed when it has a
    decision, else waiting again; its time so far is kept for the case timer.
    """
    require_role(actor, ("chair",), "choose the case being discussed")
    with unit(sessions) as s:
        meeting = meeting_of(s, meeting_id)
        require_in_progress(meeting, "choose the case being discussed")
        item = None
        if item_id is not None:
            item = get(s, AgendaItem, item_id, "Case")
            if item.meeting_id != meeting_id:
                raise MeetingStateError("That case is on another meeting's agenda.")
            if item.status == "deferred":
                raise MeetingStateError(
                    f"Case {item.position} is deferred; bring it back before discussing it."
                )
        if meeting.current_item_id == item_id:
            return load_agenda(s, meeting_id)
        _leave_current(s, actor, meeting)
        if item is not None:
            before = audit.snapshot(item)
            item.status, item.started_at, item.ended_at = "current", now(), None
            audit.written(s, actor, item, "update", before, meeting_id)
        before = audit.snapshot(meeting)
        meeting.current_item_id = item_id
        audit.written(s, actor, meeting, "update", before, meeting_id)
        return load_agenda(s, meeting_id)


def mark_discussed(
    sessions: sessionmaker[Session], actor: Actor, item_id: int, version: int
) -> AgendaView:
    """The case is done: it needs its decision first."""
    require_role(actor, ("chair",), "mark a case as discussed")
    with unit(sessions) as s:
        item = get(s, AgendaItem, item_id, "Case")
        check_version(item, version, "This case")
        meeting = item.meeting
        _not_closed(meeting, "mark a case as discussed")
        if s.scalar(select(Decision.id).where(Decision.agenda_item_id == item_id)) is None:
            raise MeetingStateError(
                f"Case {item.position} has no decision yet; record the decision (outcomes and "
                "agreed risk) before marking it discussed, or defer it."
            )
        if meeting.current_item_id == item.id:
            _leave_current(s, actor, meeting)
            before = audit.snapshot(meeting)
            meeting.current_item_id = None
            audit.written(s, actor, meeting, "update", before, meeting.id)
        elif item.status != "discussed":
            before = audit.snapshot(item)
            item.status = "discussed"
            audit.written(s, actor, item, "update", before, meeting.id)
        return load_agenda(s, meeting.id)


def _leave_current(s: Session, actor: Actor, meeting: Meeting) -> None:
    if meeting.current_item_id is None:
        return
    previous = s.get(AgendaItem, meeting.current_item_id)
    if previous is None or previous.status != "current":
        return
    before = audit.snapshot(previous)
    decided = s.scalar(select(Decision.id).where(Decision.agenda_item_id == previous.id))
    stamp = now()
    previous.status = "discussed" if decided is not None else "waiting"
    stop_timer(previous, stamp)
    previous.started_at, previous.ended_at = None, stamp
    audit.written(s, actor, previous, "update", before, meeting.id)


def _defer(s: Session, actor: Actor, meeting: Meeting, item: AgendaItem) -> None:
    if meeting.current_item_id == item.id:
        _leave_current(s, actor, meeting)
        before = audit.snapshot(meeting)
        meeting.current_item_id = None
        audit.written(s, actor, meeting, "update", before, meeting.id)
    following = s.scalar(
        select(Meeting.id)
        .where(Meeting.meeting_date > meeting.meeting_date)
        .order_by(Meeting.meeting_date)
        .limit(1)
    )
    before = audit.snapshot(item)
    item.status, item.deferred_to_meeting_id = "deferred", following
    audit.written(s, actor, item, "update", before, meeting.id, "deferred to the next meeting")


def _not_closed(meeting: Meeting, doing: str) -> None:
    if meeting.status == "closed":
        raise MeetingStateError(
            f"The meeting of {meeting.meeting_date:%d %B %Y} is closed; you cannot {doing}."
        )
