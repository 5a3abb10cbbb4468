"""When an action falls due: plain dates, no database (the window uses it before it has one)."""

from __future__ import annotations

import datetime as dt

from frontdoor_app.profile import Profile


def add_working_days(day: dt.date, days: int) -> dt.date:
    """``days`` working days (Monday to Friday) after ``day``."""
    out = day
    while days > 0:
        out += dt.timedelta(days=1)
        if out.weekday() < 5:
            days -= 1
    return out


def default_due_date(profile: Profile, meeting_date: dt.date) -> dt.date:
    """The profile's number of working days after the meeting."""
    return add_working_days(meeting_date, profile.meeting.action_due_days)
