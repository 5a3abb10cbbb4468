"""The meeting's ordered cases: load, reorder, defer, the current case, next and previous.

The agenda is built (and first ordered) by intake's ``build_agenda``; the flags an item
carries were worked out then and are only read here. The meeting's current case is stored
on the meeting, so every client and the projector can follow the chair.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, sessionmaker

from frontdoor_app.access import audit
from frontdoor_app.access.actor import Actor
from frontdoor_app.models import AgendaItem, Decision, Meeting, Notification, NotificationPerson
from frontdoor_app.personal import age_on

from .common import (
    check_version,
    district,
    get,
    meeting_of,
    now,
    require_in_progress,
    require_role,
    unit,
)
from .errors import MeetingStateError
from .lifecycle import load_meeting
from .views import AgendaRow, AgendaView

MARAC_WORDS = {
    "visible_high_risk": "MARAC: visible high risk",
    "potential_escalation": "MARAC: potential escalation",
    "repeat": "MARAC: repeat within 12 months of last MARAC",
    "professional_judgement": "MARAC: professional judgement",
}
ADULT_ORDER = {"victim": 0, "other_adult": 1, "perpetrator": 2, "child": 3}


# ---------------------------------------------------------------- reading


def load_agenda(session: Session, meeting_id: int) -> AgendaView:
    """The meeting and its cases in agenda order."""
    meeting = load_meeting(session, meeting_id)
    return AgendaView(meeting, tuple(agenda_rows(session, meeting_id)))


def load_row(session: Session, item_id: int) -> AgendaRow:
    """One agenda row (after a change feed says that case changed)."""
    item = get(session, AgendaItem, item_id, "Case")
    return agenda_rows(session, item.meeting_id, item_id)[0]


class ItemFields(Protocol):
    """What ``build_row`` reads of an agenda item: an ``AgendaItem`` or a plain row."""

    @property
    def id(self) -> int: ...
    @property
    def meeting_id(self) -> int: ...
    @property
    def notification_id(self) -> int: ...
    @property
    def household_id(self) -> int | None: ...
    @property
    def position(self) -> int: ...
    @property
    def status(self) -> str: ...
    @property
    def flags(self) -> Any: ...
    @property
    def started_at(self) -> dt.datetime | None: ...
    @property
    def seconds_spent(self) -> int: ...
    @property
    def version(self) -> int: ...


class PersonFields(Protocol):
    """What ``build_row`` reads of a person as sent by the police."""

    @property
    def role(self) -> str: ...
    @property
    def surname(self) -> str: ...
    @property
    def dob(self) -> dt.date | None: ...
    @property
    def age(self) -> int | None: ...


# Built once, run as plain rows: the agenda is re-read at every change of the current case.
_ROWS = (
    select(AgendaItem.id, AgendaItem.meeting_id, AgendaItem.notification_id,
           AgendaItem.household_id, AgendaItem.position, AgendaItem.status, AgendaItem.flags,
           AgendaItem.started_at, AgendaItem.seconds_spent, AgendaItem.version,
           Notification.police_ref, Notification.postcode, Notification.dash_risk,
           Notification.dash_yes, Meeting.meeting_date, Decision.agreed_risk)
    .join(Notification, Notification.id == AgendaItem.notification_id)
    .join(Meeting, Meeting.id == AgendaItem.meeting_id)
    .outerjoin(Decision, Decision.agenda_item_id == AgendaItem.id)
    .where(AgendaItem.meeting_id == bindparam("meeting_id"))
    .order_by(AgendaItem.position, AgendaItem.id)
)  # fmt: skip
_ONE_ROW = _ROWS.where(AgendaItem.id == bindparam("item_id"))
_PEOPLE = select(NotificationPerson.notification_id, NotificationPerson.role,
                 NotificationPerson.surname, NotificationPerson.dob, NotificationPerson.age).where(
    NotificationPerson.notification_id.in_(bindparam("ids", expanding=True)))  # fmt: skip


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
        build_row(r, r.police_ref, r.postcode, r.dash_risk, r.dash_yes, r.meeting_date,
                  r.agreed_risk, people[r.notification_id])
        for r in rows
    ]  # fmt: skip


def build_row(item: ItemFields, police_ref: str, postcode: str | None, dash_risk: str,
              dash_yes: int | None, on: dt.date, agreed_risk: str | None,
              people: Sequence[PersonFields]) -> AgendaRow:  # fmt: skip
    flags: Mapping[str, Any] = item.flags if isinstance(item.flags, dict) else {}
    adults = sorted((p for p in people if p.role != "child"), key=lambda p: ADULT_ORDER[p.role])
    surname = adults[0].surname if adults else (people[0].surname if people else "")
    children = [p for p in people if p.role == "child"]
    ages = _child_ages(flags, children, on)
    n_children = int(flags.get("children", len(children)) or 0)
    marac = tuple(str(m) for m in (flags.get("marac") or ()))
    repeat_count = int(flags.get("repeat_count", 0) or 0)
    repeat = bool(flags.get("repeat", False))
    no_child = bool(flags.get("no_child", n_children == 0))
    unborn = bool(flags.get("unborn", False))
    under5 = bool(flags.get("under5", any(a < 5 for a in ages)))
    carried = flags.get("carried_from")
    codes, texts = _flag_words(marac, repeat, repeat_count, under5, unborn, no_child,
                               _day_words(carried) if isinstance(carried, str) else None)  # fmt: skip
    return AgendaRow(
        item_id=item.id, meeting_id=item.meeting_id, position=item.position, police_ref=police_ref,
        household_id=item.household_id, household_name=surname,
        initials=f"{surname.strip()[0].upper()}." if surname.strip() else "",
        postcode_district=district(postcode), dash_risk=dash_risk, dash_yes=dash_yes,
        agreed_risk=agreed_risk, marac=marac, repeat=repeat, repeat_count=repeat_count,
        no_child=no_child, unborn=unborn, under5=under5, children=n_children,
        child_ages=ages, flag_codes=codes, flag_texts=texts, status=item.status,
        has_decision=agreed_risk is not None, started_at=item.started_at,
        seconds_spent=item.seconds_spent, version=item.version,
    )  # fmt: skip


def _child_ages(flags: Mapping[str, Any], children: list[PersonFields],
                on: dt.date) -> tuple[int, ...]:  # fmt: skip
    given = flags.get("child_ages")
    if isinstance(given, list | tuple):
        return tuple(sorted(int(a) for a in given if isinstance(a, int | float)))
    ages = []
    for child in children:
        if child.dob is not None and child.dob <= on:
            ages.append(age_on(child.dob, on))
        elif child.age is not None:
            ages.append(child.age)
    return tuple(sorted(ages))


def _flag_words(marac: tuple[str, ...], repeat: bool, repeat_count: int, under5: bool,
                unborn: bool, no_child: bool,
                carried_from: str | None = None) -> tuple[tuple[str, ...], tuple[str, ...]]:  # fmt: skip
    codes: list[str] = []
    texts: list[str] = []
    if marac:
        codes.append("M")
        texts.extend(MARAC_WORDS.get(m, f"MARAC: {m.replace('_', ' ')}") for m in marac)
    if repeat:
        codes.append("R")
        texts.append("Repeat: discussed in the last 12 months")
    if repeat_count:
        texts.append(f"{repeat_count} earlier notification{'s' if repeat_count != 1 else ''} "
                     "in 12 months")  # fmt: skip
    if under5:
        codes.append("U5")
        texts.append("Child under five")
    if unborn:
        codes.append("UB")
        texts.append("Unborn child (pregnancy)")
    if no_child:
        codes.append("NC")
        texts.append("No child listed")
    if carried_from:
        texts.append(f"Deferred from the meeting of {carried_from}")
    return tuple(codes), tuple(texts)


def _day_words(iso: str) -> str:
    try:
        return f"{dt.date.fromisoformat(iso):%d %B %Y}"
    except ValueError:
        return iso


def next_item_id(session: Session, meeting_id: int, from_item_id: int | None,
                 skip_deferred: bool = True) -> int | None:  # fmt: skip
    """The case after ``from_item_id`` in agenda order (the first when None); None at the end."""
    return _neighbour(session, meeting_id, from_item_id, +1, skip_deferred)


def previous_item_id(session: Session, meeting_id: int, from_item_id: int | None,
                     skip_deferred: bool = True) -> int | None:  # fmt: skip
    """The case before ``from_item_id`` (the last when None); None at the start."""
    return _neighbour(session, meeting_id, from_item_id, -1, skip_deferred)


def _neighbour(session: Session, meeting_id: int, from_item_id: int | None, step: int,
               skip_deferred: bool) -> int | None:  # fmt: skip
    query = select(AgendaItem.id, AgendaItem.status).where(AgendaItem.meeting_id == meeting_id)
    order: list[tuple[int, str]] = [(r.id, r.status) for r in session.execute(
        query.order_by(AgendaItem.position, AgendaItem.id))]  # fmt: skip
    ids = [i for i, status in order if not (skip_deferred and status == "deferred")
           or i == from_item_id]  # fmt: skip
    if not ids:
        return None
    if from_item_id is None or from_item_id not in ids:
        return ids[0] if step > 0 else ids[-1]
    index = ids.index(from_item_id) + step
    return ids[index] if 0 <= index < len(ids) else None


# ---------------------------------------------------------------- chair's changes


def move_item(sessions: sessionmaker[Session], actor: Actor, item_id: int, version: int,
              position: int) -> AgendaView:  # fmt: skip
    """Move a case to ``position`` (1 = first); the others close up around it."""
    require_role(actor, ("chair",), "reorder the agenda")
    with unit(sessions) as s:
        item = get(s, AgendaItem, item_id, "Case")
        check_version(item, version, "This case")
        meeting = item.meeting
        _not_closed(meeting, "reorder the agenda")
        items = list(s.scalars(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id)
                               .order_by(AgendaItem.position, AgendaItem.id)))  # fmt: skip
        items.remove(item)
        items.insert(max(0, min(position - 1, len(items))), item)
        for number, row in enumerate(items, start=1):
            if row.position != number:
                before = audit.snapshot(row)
                row.position = number
                audit.written(s, actor, row, "update", before, meeting.id)
        return load_agenda(s, meeting.id)


def defer_item(sessions: sessionmaker[Session], actor: Actor, item_id: int,
               version: int) -> AgendaView:  # fmt: skip
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
        for item in s.scalars(select(AgendaItem).where(
                AgendaItem.meeting_id == meeting_id, AgendaItem.status == "waiting")):  # fmt: skip
            _defer(s, actor, meeting, item)
        return load_agenda(s, meeting_id)


def reinstate_item(sessions: sessionmaker[Session], actor: Actor, item_id: int,
                   version: int) -> AgendaView:  # fmt: skip
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


def set_current(sessions: sessionmaker[Session], actor: Actor, meeting_id: int,
                item_id: int | None) -> AgendaView:  # fmt: skip
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


def mark_discussed(sessions: sessionmaker[Session], actor: Actor, item_id: int,
                   version: int) -> AgendaView:  # fmt: skip
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
    if previous.started_at is not None:
        previous.seconds_spent += max(0, int((stamp - previous.started_at).total_seconds()))
    previous.started_at, previous.ended_at = None, stamp
    audit.written(s, actor, previous, "update", before, meeting.id)


def _defer(s: Session, actor: Actor, meeting: Meeting, item: AgendaItem) -> None:
    if meeting.current_item_id == item.id:
        _leave_current(s, actor, meeting)
        before = audit.snapshot(meeting)
        meeting.current_item_id = None
        audit.written(s, actor, meeting, "update", before, meeting.id)
    following = s.scalar(select(Meeting.id).where(Meeting.meeting_date > meeting.meeting_date)
                         .order_by(Meeting.meeting_date).limit(1))  # fmt: skip
    before = audit.snapshot(item)
    item.status, item.deferred_to_meeting_id = "deferred", following
    audit.written(s, actor, item, "update", before, meeting.id, "deferred to the next meeting")


def _not_closed(meeting: Meeting, doing: str) -> None:
    if meeting.status == "closed":
        raise MeetingStateError(
            f"The meeting of {meeting.meeting_date:%d %B %Y} is closed; you cannot {doing}."
        )
