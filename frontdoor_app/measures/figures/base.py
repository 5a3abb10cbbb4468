"""What every figure shares: the question asked (``Ask``), the registry, and the queries
several figures read (the meetings' weeks, the discussed cases), made once per computation."""

from __future__ import annotations

import bisect
import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    CTE,
    Executable,
    Select,
    String,
    and_,
    cast,
    literal,
    select,
)
from sqlalchemy.orm import Session

from frontdoor_app.flags import WORKED_OUT_CRITERIA
from frontdoor_app.models import (
    AgendaItem,
    Household,
    Meeting,
    Notification,
)

from ..calendar import Day
from ..model import Figure


@dataclass(frozen=True)
class Ask:
    """What one computation is asked: the days table and the filters (ids)."""

    session: Session
    d: CTE
    as_of: dt.date
    agency_id: int | None
    locality_id: int | None
    target_minutes: int
    range_buckets: tuple[int, int]  # first and last bucket of the weeks asked for
    span: tuple[dt.datetime, dt.datetime]  # the first day's start, the last day's end (UTC)
    starts: tuple[dt.datetime, ...] = ()  # each day's start (UTC), in order
    buckets: tuple[int, ...] = ()  # each day's bucket
    shared: dict[str, Any] = field(default_factory=dict)  # sets several figures share
    days: tuple[Day, ...] = ()  # the days of ``d``, in order

    def bucket_of(self, instant: dt.datetime) -> int:
        """The bucket of an instant inside ``span``."""
        return self.buckets[bisect.bisect_right(self.starts, instant) - 1]

    def within(self, instant: Any) -> Any:
        """The instant falls in the days asked for: lets SQL skip rows before joining ``d``."""
        return and_(instant >= self.span[0], instant < self.span[1])


Rows = Sequence[tuple[Any, ...]]
Compute = Callable[[Ask], Rows]
REGISTERED: list[tuple[Figure, Compute]] = []


def figure(
    key: str,
    group: str,
    title: str,
    kind: str,
    unit: str,
    definition: str,
    filter: str | None = None,
    parts_title: str = "",
) -> Callable[[Compute], Compute]:
    def register(fn: Compute) -> Compute:
        REGISTERED.append(
            (
                Figure(
                    key, group, title, kind, unit, " ".join(definition.split()), filter, parts_title
                ),
                fn,
            )
        )
        return fn

    return register


def fetch_rows(ask: Ask, query: Executable) -> Rows:
    # Core, not the ORM's result machinery: some figures read thousands of rows.
    return [tuple(r) for r in ask.session.connection().execute(query).all()]


def fetch_numbers(ask: Ask, query: Executable) -> Rows:
    """Rows of whole numbers only, straight from the driver's cursor: no column needs a
    conversion, and for tens of thousands of rows the result rows cost more than the query."""
    result = ask.session.connection().execute(query)
    try:
        return result.cursor.fetchall()
    finally:
        result.close()


def count_per_week(buckets: Iterable[int]) -> Rows:
    """A count figure's rows from the week (bucket) of each thing counted."""
    return [(b, "", n, None) for b, n in Counter(buckets).items()]


def share_per_week(outcomes: Iterable[tuple[int, int]]) -> Rows:
    """A share figure's rows from (bucket, 1 when it counts for, else 0) per thing measured."""
    num: dict[int, int] = defaultdict(int)
    den: dict[int, int] = defaultdict(int)
    for bucket, counts in outcomes:
        num[bucket] += counts
        den[bucket] += 1
    return [(b, "", num[b], den[b]) for b in den]


def for_agency(ask: Ask, query: Select[Any], agency_id: Any) -> Rows:
    """Run a by-agency query, narrowed to the agency asked for when there is one."""
    if ask.agency_id is not None:
        query = query.where(agency_id == ask.agency_id)
    return fetch_rows(ask, query)


def in_locality(ask: Ask, household_id: Any) -> Any:
    """A condition: the household is in the locality asked for (true when none is)."""
    if ask.locality_id is None:
        return literal(True)
    return household_id.in_(select(Household.id).where(Household.locality_id == ask.locality_id))


def received_in_day(d: CTE) -> Any:
    return and_(Notification.received_at >= d.c.start_at, Notification.received_at < d.c.end_at)


def shared_set(ask: Ask, name: str, make: Callable[[Ask], Any]) -> Any:
    """A set several figures read, made once per computation (per locality asked for)."""
    key = f"{name}:{ask.locality_id}"
    if key not in ask.shared:
        ask.shared[key] = make(ask)
    return ask.shared[key]


def _meeting_weeks(ask: Ask) -> dict[int, int]:
    """The week (bucket) of each meeting held in the days asked for, by meeting id."""
    week_of = {x.day: x.bucket for x in ask.days}
    held = select(Meeting.id, Meeting.meeting_date).where(_in_days(ask))
    return {meeting: week_of[day] for meeting, day in fetch_rows(ask, held)}


def _in_days(ask: Ask) -> Any:
    return and_(Meeting.meeting_date >= ask.days[0].day, Meeting.meeting_date <= ask.days[-1].day)


def discussed_in_days(ask: Ask) -> tuple[Any, ...]:
    """Conditions on ``AgendaItem``: discussed at a meeting in the days asked for (and in
    the locality asked for).

    The figures over discussed cases select from the agenda items under these conditions,
    group by meeting and find each meeting's week here (``_meeting_weeks``). Joined to
    the days table instead, SQLite chose its own plan: a temporary index over every agenda
    item on each run without statistics, and with them (ANALYZE) it began from the
    household members or the decisions, taking seconds per figure on the city database.
    """
    return (
        AgendaItem.meeting_id.in_(select(Meeting.id).where(_in_days(ask))),
        AgendaItem.status == "discussed",
        in_locality(ask, AgendaItem.household_id),
    )


def meeting_week_of(ask: Ask) -> dict[int, int]:
    return shared_set(ask, "meetings", _meeting_weeks)  # type: ignore[no-any-return]


def _read_discussed_cases(ask: Ask) -> Rows:
    """Every case discussed in the days asked for, read once and shared by the figures
    over discussed cases: (bucket, household, seconds spent, and 1 or 0 for each MARAC
    criterion the agenda flagged, in ``WORKED_OUT_CRITERIA`` order); whole numbers only,
    which cost nothing to convert."""
    weeks = meeting_week_of(ask)
    # The agenda's flags are JSON text listing each criterion in quotes, e.g. ["repeat"]; a
    # list's element is followed by a comma or the bracket, never by the colon of the key
    # "repeat". The text is read as it is stored and searched here: the same test as six
    # LIKEs per row in SQL, in about half the time on the city database.
    patterns = [(f'"{code}"]', f'"{code}",') for code in WORKED_OUT_CRITERIA]
    query = select(
        AgendaItem.meeting_id,
        AgendaItem.household_id,
        AgendaItem.seconds_spent,
        cast(AgendaItem.flags, String),
    ).where(*discussed_in_days(ask))
    return [
        (
            weeks[meeting],
            household,
            seconds,
            [1 if text and (end in text or more in text) else 0 for end, more in patterns],
        )
        for meeting, household, seconds, text in fetch_numbers(ask, query)
    ]


def discussed_cases(ask: Ask) -> Rows:
    return shared_set(ask, "discussed", _read_discussed_cases)  # type: ignore[no-any-return]
