"""Today's agenda: the notifications since the previous meeting's cut-off, ordered by risk.

``AgendaItem.flags`` holds the flags as they stood when the item was put on the agenda
(worked out again then, since the history may have grown since the import); the keys are
documented in ``frontdoor_app.intake.flags``: ``marac`` (codes ``visible_high_risk``,
``potential_escalation``, ``repeat``), ``repeat``, ``repeat_count``, ``discussed_on``,
``no_child``, ``unborn``, ``under5``, ``children``, ``child_ages``,
``youngest_age_months``, ``dash_risk``, ``dash_yes``; carried-forward items also have
``carried_from`` (the ISO date of the meeting that deferred them).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from frontdoor_app.access import audit
from frontdoor_app.access.actor import Actor
from frontdoor_app.flags import Flags
from frontdoor_app.models import AgendaItem, Meeting, Notification
from frontdoor_app.models.database import session_scope
from frontdoor_app.profile import MeetingRules, Profile

from . import flags as flag_rules
from .fields import UK

DASH_RANK = {"high": 0, "medium": 1, "standard": 2}
# A notification imported late (received before the window but on no agenda) is still
# brought to a meeting, as long as it is no older than this.
LATE_ARRIVAL_DAYS = 7


def meeting_window(
    rules: MeetingRules, meeting_date: dt.date, previous_end: dt.datetime | None = None
) -> tuple[dt.datetime, dt.datetime]:
    """(start, end) in UTC: from the previous cut-off (Monday: 72 hours) to today's cut-off."""
    end = dt.datetime.combine(meeting_date, rules.cutoff_time, tzinfo=UK).astimezone(dt.UTC)
    hours = rules.window_hours_monday if meeting_date.weekday() == 0 else rules.window_hours_weekday
    start = end - dt.timedelta(hours=hours)
    if previous_end is not None and end - dt.timedelta(days=7) <= previous_end < start:
        start = previous_end  # a meeting was missed (bank holiday): nothing falls between
    return start, end


def sort_key(
    order: Sequence[str], stored: Any, received_at: dt.datetime, police_ref: str
) -> tuple[Any, ...]:
    """Most urgent first, by the profile's ``agenda_order``; ties by arrival."""
    flags = Flags.read(stored)
    parts: list[Any] = []
    for key in order:
        if key == "dash":
            parts.append(DASH_RANK.get(str(flags.dash_risk), 3))
            parts.append(-(flags.dash_yes or 0))
        elif key == "marac":
            parts.append(-len(flags.marac))
        elif key == "repeat_count":
            parts.append(-(flags.repeat_count + int(flags.repeat)))
        elif key == "youngest_child":
            months = flags.youngest_age_months
            parts.append(months if months is not None else 10**6)
        elif key == "pregnancy":
            parts.append(0 if flags.unborn else 1)
        elif key == "received":
            parts.append(received_at.timestamp())
    return (*parts, received_at.timestamp(), police_ref)


def _children(notification: Notification) -> list[tuple[dt.date | None, int | None]]:
    return [(p.dob, p.age) for p in notification.persons if p.role == "child"]


def build_agenda(
    sessions: sessionmaker[Session], profile: Profile, actor: Actor, meeting_date: dt.date
) -> int:
    """Create (or top up) the meeting on ``meeting_date``; returns the meeting id.

    Idempotent: building twice adds only notifications that arrived in between. While the
    meeting is still planned, the waiting items are re-ordered by risk; in progress, new
    items join at the end; once closed, nothing changes.
    """
    with session_scope(sessions) as s:
        return build_agenda_in(s, profile, actor, meeting_date)


def build_agenda_in(s: Session, profile: Profile, actor: Actor, meeting_date: dt.date) -> int:
    """``build_agenda`` inside the caller's unit of work (an import that builds it too)."""
    rules = profile.meeting
    meeting = s.scalar(select(Meeting).where(Meeting.meeting_date == meeting_date))
    previous = s.scalar(
        select(Meeting)
        .where(Meeting.meeting_date < meeting_date)
        .order_by(Meeting.meeting_date.desc())
        .limit(1)
    )
    if meeting is None:
        start, end = meeting_window(rules, meeting_date, previous.window_end if previous else None)
        meeting = Meeting(
            meeting_date=meeting_date, status="planned", window_start=start, window_end=end
        )
        s.add(meeting)
        audit.written(s, actor, meeting, "create", detail="agenda built from the police feed")
    if meeting.status == "closed":
        # After close nothing is added: a late notification goes to the next meeting
        # (as a late arrival), never silently into minutes already written.
        return meeting.id
    present = {
        i.notification_id: i
        for i in s.scalars(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id))
    }
    wanted: list[tuple[Notification, dict[str, Any]]] = []
    in_window = s.scalars(
        select(Notification).where(
            Notification.received_at >= meeting.window_start,
            Notification.received_at < meeting.window_end,
        )
    )
    for n in in_window:
        if n.id not in present:
            wanted.append((n, {}))
    late_from = meeting.window_start - dt.timedelta(days=LATE_ARRIVAL_DAYS)
    on_any = select(AgendaItem.notification_id)
    for n in s.scalars(
        select(Notification).where(
            Notification.received_at >= late_from,
            Notification.received_at < meeting.window_start,
            Notification.id.not_in(on_any),
        )
    ):
        wanted.append((n, {"late_arrival": True}))
    for item, from_date in _deferred(s, meeting):
        if item.notification_id in present or any(n.id == item.notification_id for n, _ in wanted):
            continue
        notification = s.get_one(Notification, item.notification_id)
        wanted.append((notification, {"carried_from": from_date.isoformat()}))
        if item.deferred_to_meeting_id is None:
            before = audit.snapshot(item)
            item.deferred_to_meeting_id = meeting.id
            audit.written(
                s,
                actor,
                item,
                "update",
                before,
                item.meeting_id,
                detail="carried forward to the next meeting",
            )
    next_position = max((i.position for i in present.values()), default=0) + 1
    for notification, extra in wanted:
        flags = {**flag_rules.work_out(s, notification, _children(notification)), **extra}
        item = AgendaItem(
            meeting_id=meeting.id,
            notification_id=notification.id,
            household_id=notification.household_id,
            position=next_position,
            status="waiting",
            flags=flags,
        )
        next_position += 1
        s.add(item)
        audit.written(s, actor, item, "create", meeting_id=meeting.id)
    if meeting.status == "planned":
        _reorder(s, actor, meeting.id, rules.agenda_order)
    return meeting.id


def _deferred(s: Session, meeting: Meeting) -> list[tuple[AgendaItem, dt.date]]:
    """Items deferred to this meeting, or deferred earlier and not yet carried anywhere."""
    rows = s.execute(
        select(AgendaItem, Meeting.meeting_date)
        .join(Meeting, Meeting.id == AgendaItem.meeting_id)
        .where(
            AgendaItem.status == "deferred",
            AgendaItem.meeting_id != meeting.id,
            (
                (AgendaItem.deferred_to_meeting_id == meeting.id)
                | (
                    AgendaItem.deferred_to_meeting_id.is_(None)
                    & (Meeting.meeting_date < meeting.meeting_date)
                )
            ),
        )
        .order_by(Meeting.meeting_date)
    ).all()
    return [(item, day) for item, day in rows]


def _reorder(s: Session, actor: Actor, meeting_id: int, order: Sequence[str]) -> None:
    s.flush()
    rows = s.execute(
        select(AgendaItem, Notification.received_at, Notification.police_ref)
        .join(Notification, Notification.id == AgendaItem.notification_id)
        .where(AgendaItem.meeting_id == meeting_id)
    ).all()
    fixed = [r for r in rows if r[0].status != "waiting"]
    waiting = sorted(
        (r for r in rows if r[0].status == "waiting"),
        key=lambda r: sort_key(order, r[0].flags, r[1], r[2]),
    )
    fixed.sort(key=lambda r: r[0].position)
    for position, (item, _, _) in enumerate([*fixed, *waiting], start=1):
        if item.position != position:
            before = audit.snapshot(item)
            item.position = position
            audit.written(
                s, actor, item, "update", before, meeting_id, detail="agenda ordered by risk"
            )
