"""Weeks and working days in the authority's time zone, as a table the figures' SQL joins.

A week runs Monday 00:00 to Sunday 24:00 local time. Every day of the weeks asked for is
one row: its date, the week it belongs to (a bucket number), the UTC instants where it
starts and ends (so a timestamp is placed in its local day by a range join on an index),
the next working day (Monday to Friday, not a bank holiday from the profile) when that
day has ended before the figures' "as of" day, and where 3, 6 and 12 months after the day
end when that has happened before "as of" (otherwise NULL: the window has not passed).
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import CTE, Date, Integer, column, text

from frontdoor_app.models.base import UTCDateTime

ONE_DAY = dt.timedelta(days=1)
MONTHS = (3, 6, 12)


def week_start(day: dt.date) -> dt.date:
    """The Monday of ``day``'s week."""
    return day - dt.timedelta(days=day.weekday())


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (the month's last day when it is shorter)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(day.day, _calendar.monthrange(year, month)[1]))


def is_working_day(day: dt.date, bank_holidays: frozenset[dt.date]) -> bool:
    return day.weekday() < 5 and day not in bank_holidays


def next_working_day(day: dt.date, bank_holidays: frozenset[dt.date]) -> dt.date:
    """The first working day after ``day``."""
    out = day + ONE_DAY
    while not is_working_day(out, bank_holidays):
        out += ONE_DAY
    return out


@dataclass(frozen=True)
class Day:
    day: dt.date
    bucket: int
    start: dt.datetime
    end: dt.datetime
    next_working_day: dt.date | None
    after_3: dt.datetime | None
    after_6: dt.datetime | None
    after_12: dt.datetime | None


def local_midnight(day: dt.date, zone: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), zone).astimezone(dt.UTC)


def days_of(
    weeks: tuple[dt.date, ...], as_of: dt.date, timezone: str, bank_holidays: frozenset[dt.date]
) -> tuple[Day, ...]:
    """One Day per date of the given weeks (Mondays); bucket n is ``weeks[n]``."""
    zone = ZoneInfo(timezone)
    out = []
    for bucket, monday in enumerate(weeks):
        for offset in range(7):
            day = monday + dt.timedelta(days=offset)
            nwd = next_working_day(day, bank_holidays)
            after = {}
            for months in MONTHS:
                until = add_months(day, months)
                after[months] = local_midnight(until + ONE_DAY, zone) if until < as_of else None
            out.append(
                Day(
                    day,
                    bucket,
                    local_midnight(day, zone),
                    local_midnight(day + ONE_DAY, zone),
                    nwd if nwd < as_of else None,
                    after[3],
                    after[6],
                    after[12],
                )
            )
    return tuple(out)


def _literal(value: dt.date | dt.datetime | int | None, postgres: bool) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.datetime):
        utc = value.astimezone(dt.UTC)
        if postgres:
            return f"TIMESTAMPTZ '{utc.isoformat()}'"
        return f"'{utc.replace(tzinfo=None):%Y-%m-%d %H:%M:%S.%f}'"  # as UTCDateTime stores it
    return f"DATE '{value.isoformat()}'" if postgres else f"'{value.isoformat()}'"


def days_table(days: tuple[Day, ...], dialect: str) -> CTE:
    """The days as a table named ``d`` (a VALUES list written out as SQL literals).

    The values are dates, whole numbers and instants made here, never user text, and are
    written as literals: a statement with thousands of bound parameters takes SQLAlchemy
    seconds to compile, and its cache cannot hold it.
    """
    postgres = dialect == "postgresql"
    body = ",\n".join(
        "("
        + ", ".join(
            _literal(v, postgres)
            for v in (
                d.day,
                d.bucket,
                d.start,
                d.end,
                d.next_working_day,
                d.after_3,
                d.after_6,
                d.after_12,
            )
        )
        + ")"
        for d in days
    )
    names = ("day", "bucket", "start_at", "end_at", "next_wd", "after_3", "after_6", "after_12")
    # PostgreSQL types a VALUES column that is NULL in every row as text: cast each column.
    types = (
        "DATE",
        "INTEGER",
        "TIMESTAMPTZ",
        "TIMESTAMPTZ",
        "DATE",
        "TIMESTAMPTZ",
        "TIMESTAMPTZ",
        "TIMESTAMPTZ",
    )
    select_list = ", ".join(
        (f"CAST(column{n} AS {kind}) AS {name}" if postgres else f"column{n} AS {name}")
        for n, (name, kind) in enumerate(zip(names, types, strict=True), start=1)
    )
    sql = f"SELECT {select_list} FROM (VALUES {body}) AS v"
    return (
        text(sql)
        .columns(
            column("day", Date),
            column("bucket", Integer),
            column("start_at", UTCDateTime()),
            column("end_at", UTCDateTime()),
            column("next_wd", Date),
            column("after_3", UTCDateTime()),
            column("after_6", UTCDateTime()),
            column("after_12", UTCDateTime()),
        )
        .cte("d")
        .prefix_with("MATERIALIZED")
    )
