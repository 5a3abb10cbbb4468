"""The times the screens write: London's clock, whatever the season or the database."""

from __future__ import annotations

import datetime as dt

from frontdoor_app.ui.widgets.words import day_time, hhmm


def test_a_time_is_hours_and_minutes_on_londons_clock() -> None:
    winter = dt.datetime(2026, 12, 3, 9, 2, tzinfo=dt.UTC)
    summer = dt.datetime(2026, 7, 3, 23, 59, tzinfo=dt.UTC)  # 00:59 the next day, BST
    assert hhmm(winter) == "09:02"
    assert hhmm(summer) == "00:59"
    # SQLite hands back naive values, which are UTC
    assert hhmm(dt.datetime(2026, 3, 29, 0, 5)) == "00:05"
    assert hhmm(dt.datetime(2026, 3, 29, 1, 5)) == "02:05"  # the clocks have gone forward
    assert hhmm(None) == ""
    # the same clock as the screens' day and time
    assert day_time(summer).endswith(hhmm(summer))
