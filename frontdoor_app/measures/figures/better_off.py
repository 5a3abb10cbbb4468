"""Is anyone better off? Families with no further notification, days to a conference,
weeks in the system."""

from __future__ import annotations

from functools import partial
from typing import Any

from sqlalchemy import (
    and_,
    case,
    exists,
    func,
    or_,
    select,
)

from frontdoor_app.models import (
    Action,
    AgendaItem,
    FgcReferral,
    Meeting,
    Notification,
)

from ..model import BETTER_OFF, LOCALITY, MEDIAN, SHARE
from .base import (
    Ask,
    Rows,
    fetch_rows,
    figure,
    in_locality,
    shared_set,
)


def _no_repeat(ask: Ask, months: int) -> Rows:
    n = {3: 0, 6: 1, 12: 2}[months]
    return [(b, "", nums[n], dens[n]) for b, nums, dens in shared_set(ask, "repeat", _repeats)]


def _repeats(ask: Ask) -> Rows:
    """Per week: (bucket, numerators, denominators) for 3, 6 and 12 months, in one pass.

    Each step is a MATERIALIZED CTE, so that the planner cannot flatten it: flattened, the
    next-notification subquery ran once for each of the six sums, and the discussed items
    were joined to the days table through a temporary index over every agenda item.
    """
    d = ask.d
    cases = (
        select(Meeting.meeting_date.label("day"), AgendaItem.household_id.label("household"))
        .select_from(AgendaItem)
        .join(Meeting, Meeting.id == AgendaItem.meeting_id)
        .where(
            Meeting.meeting_date >= ask.days[0].day,
            Meeting.meeting_date <= ask.days[-1].day,
            AgendaItem.status == "discussed",
            AgendaItem.household_id.is_not(None),
            in_locality(ask, AgendaItem.household_id),
        )
        .cte("cases")
        .prefix_with("MATERIALIZED")
    )
    # The day each family was first discussed in each week.
    first = (
        select(
            d.c.bucket.label("bucket"),
            cases.c.household.label("household"),
            func.min(cases.c.day).label("day"),
        )
        .join(d, d.c.day == cases.c.day)
        .group_by(d.c.bucket, cases.c.household)
        .cte("first_day")
        .prefix_with("MATERIALIZED")
    )
    d2 = d.alias("d2")
    # The family's next notification after the end of that day.
    following = (
        select(func.min(Notification.received_at))
        .where(
            Notification.household_id == first.c.household, Notification.received_at >= d2.c.end_at
        )
        .scalar_subquery()
    )
    families = (
        select(
            first.c.bucket.label("bucket"),
            following.label("next"),
            d2.c.after_3,
            d2.c.after_6,
            d2.c.after_12,
        )
        .join(d2, d2.c.day == first.c.day)
        .where(d2.c.after_3.is_not(None))
        .cte("families")
        .prefix_with("MATERIALIZED")
    )
    columns: list[Any] = []
    for months in (3, 6, 12):
        until = families.c[f"after_{months}"]
        clear = and_(until.is_not(None), or_(families.c.next.is_(None), families.c.next >= until))
        columns.append(func.sum(case((clear, 1), else_=0)))
    for months in (3, 6, 12):
        columns.append(func.count(families.c[f"after_{months}"]))
    rows = fetch_rows(ask, select(families.c.bucket, *columns).group_by(families.c.bucket))
    return [
        (b, tuple(int(x or 0) for x in rest[:3]), tuple(int(x or 0) for x in rest[3:]))
        for b, *rest in rows
    ]


_REPEAT_WORDS = """
    Of the families (households) discussed in the week, the share with no further police
    notification received from the end of the day they were first discussed that week
    until {n} months later. Only families whose {n}-month window has ended before today
    are counted; a week whose families are all still inside it has no value yet."""


for _months in (3, 6, 12):
    figure(
        f"no_repeat_{_months}",
        BETTER_OFF,
        f"No further notification in {_months} months",
        SHARE,
        "%",
        _REPEAT_WORDS.format(n=_months),
        LOCALITY,
    )(partial(_no_repeat, months=_months))


@figure(
    "to_conference",
    BETTER_OFF,
    "Notification to FGC conference",
    MEDIAN,
    "days",
    """
    For FGC conferences held in the week, the median number of days from the police
    notification that brought the family to the meeting (the referral's originating
    case) to the conference being held.""",
    LOCALITY,
)
def _to_conference(ask: Ask) -> Rows:
    held = FgcReferral.conference_held_at
    rows = fetch_rows(
        ask,
        select(Notification.received_at, held)
        .select_from(FgcReferral)
        .join(AgendaItem, AgendaItem.id == FgcReferral.origin_agenda_item_id)
        .join(Notification, Notification.id == AgendaItem.notification_id)
        .where(ask.within(held), in_locality(ask, FgcReferral.household_id)),
    )
    return [(ask.bucket_of(h), "", (h - r).total_seconds() / 86400) for r, h in rows]


def _weeks_in_system(ask: Ask, fgc: bool) -> Rows:
    if "weeks" not in ask.shared:
        ask.shared["weeks"] = _families_closed(ask)
    return [(b, "", weeks) for b, referred, weeks in ask.shared["weeks"] if bool(referred) == fgc]


def _families_closed(ask: Ask) -> Rows:
    """(bucket, referred to FGC, weeks) for each family whose last open action closed.

    A family's last action closed in the days asked for when one of its actions closed
    then, none closed after them and none is still open; its last closing is then the
    latest in the days. All three are read from the actions closed in the days, the few
    closed since and the open ones, never from every action of every family (which cost
    about half again as much on the city database).
    """

    def households_of(*where: Any) -> Any:
        return (
            select(AgendaItem.household_id)
            .select_from(Action)
            .join(AgendaItem, AgendaItem.id == Action.agenda_item_id)
            .where(AgendaItem.household_id.is_not(None), *where)
        )

    last = (
        households_of(ask.within(Action.closed_at), in_locality(ask, AgendaItem.household_id))
        .with_only_columns(
            AgendaItem.household_id.label("household"), func.max(Action.closed_at).label("closed")
        )
        .group_by(AgendaItem.household_id)
        .subquery()
    )
    first = (
        select(func.min(Notification.received_at))
        .where(Notification.household_id == last.c.household)
        .scalar_subquery()
    )
    referred = exists().where(
        FgcReferral.household_id == last.c.household, FgcReferral.referred_at.is_not(None)
    )
    rows = fetch_rows(
        ask,
        select(first.label("first"), last.c.closed, case((referred, 1), else_=0)).where(
            last.c.household.not_in(households_of(Action.closed_at >= ask.span[1])),
            last.c.household.not_in(households_of(Action.status == "open")),
        ),
    )
    # The week of each closing is looked up here rather than in SQL: tens of thousands of
    # families, each scanning the days table, took seconds on the city database.
    return [
        (ask.bucket_of(c), r, (c - f).total_seconds() / (7 * 86400))
        for f, c, r in rows
        if f is not None
    ]


_WEEKS_WORDS = """
    For the families whose last open action was closed in the week, the median number of
    weeks from the family's first police notification to that last action being closed
    (families with any action still open are not counted). {who}"""


@figure(
    "weeks_fgc",
    BETTER_OFF,
    "Weeks in the system: FGC families",
    MEDIAN,
    "weeks",
    _WEEKS_WORDS.format(who="FGC families: the family was referred to an FGC team."),
    LOCALITY,
)
def _weeks_fgc(ask: Ask) -> Rows:
    return _weeks_in_system(ask, fgc=True)


@figure(
    "weeks_other",
    BETTER_OFF,
    "Weeks in the system: other families",
    MEDIAN,
    "weeks",
    _WEEKS_WORDS.format(who="Other families: never referred to an FGC team."),
    LOCALITY,
)
def _weeks_other(ask: Ask) -> Rows:
    return _weeks_in_system(ask, fgc=False)
