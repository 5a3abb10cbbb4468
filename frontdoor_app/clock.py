"""Now and today, in the authority's time zone: one clock, built from the profile and
handed to whatever asks what day it is.

"Today" is the authority's day (a notification at 00:30 in Leeds belongs to that Leeds
day, whatever zone the laptop or server is set to). Tests and benchmarks fix the clock at
an instant instead of patching the date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from zoneinfo import ZoneInfo


@cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


@dataclass(frozen=True)
class Clock:
    timezone: str  # an IANA zone, the profile's [authority] timezone
    fixed: dt.datetime | None = None  # a stopped clock (tests, benchmarks): aware or UTC

    @property
    def zone(self) -> ZoneInfo:
        return _zone(self.timezone)

    def now(self) -> dt.datetime:
        """The instant, aware, in UTC."""
        if self.fixed is None:
            return dt.datetime.now(dt.UTC)
        fixed = self.fixed if self.fixed.tzinfo else self.fixed.replace(tzinfo=dt.UTC)
        return fixed.astimezone(dt.UTC)

    def today(self) -> dt.date:
        """The authority's date now."""
        return self.now().astimezone(self.zone).date()

    def at(self, day: dt.date, time: dt.time) -> dt.datetime:
        """The instant (UTC) of a local wall-clock time on a day."""
        return dt.datetime.combine(day, time, self.zone).astimezone(dt.UTC)

    def local(self, moment: dt.datetime) -> dt.datetime:
        """An instant on the authority's wall clock (a naive value is UTC, as SQLite's are)."""
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.UTC)
        return moment.astimezone(self.zone)
