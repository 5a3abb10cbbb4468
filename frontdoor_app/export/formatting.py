"""Dates, times and words as the exports print them (UK style, local time)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

RISK_WORDS = {"high": "\u25b2 HIGH", "medium": "\u25c6 MEDIUM", "standard": "\u25cf STANDARD"}
ACTION_STATUS_WORDS = {
    "open": "Open",
    "done": "Done",
    "not_possible": "Not possible \u2014 circumstances changed",
    "not_done": "Not done by agency",
}
ATTENDANCE_WORDS = {
    "present": "Present",
    "apologies": "Apologies",
    "information_sent": "Information sent",
}
ROLE_WORDS = {
    "victim": "Victim",
    "perpetrator": "Person who harmed",
    "child": "Child",
    "other_adult": "Other adult",
}


def risk(level: str | None) -> str:
    """Risk as a word and a shape (never colour alone)."""
    if not level:
        return "\u2014"
    return RISK_WORDS.get(level, level.upper())


def long_date(day: dt.date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def short_date(day: dt.date | None) -> str:
    return f"{day.day} {day:%b %Y}" if day else "\u2014"


def local(instant: dt.datetime | None, tz: str) -> dt.datetime | None:
    if instant is None:
        return None
    if instant.tzinfo is None:  # plain data from a test; the models never give naive times
        instant = instant.replace(tzinfo=dt.UTC)
    return instant.astimezone(ZoneInfo(tz))


def clock(instant: dt.datetime | None, tz: str) -> str:
    value = local(instant, tz)
    return f"{value:%H:%M}" if value else "\u2014"


def date_time(instant: dt.datetime | None, tz: str) -> str:
    value = local(instant, tz)
    return f"{short_date(value.date())} {value:%H:%M}" if value else "\u2014"
