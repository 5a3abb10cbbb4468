"""One clock for "now" and "today": the authority's time zone, whatever the machine's."""

from __future__ import annotations

import dataclasses
import datetime as dt

from frontdoor_app.clock import Clock
from frontdoor_app.profile import load_profile


def test_today_is_the_authoritys_day_not_the_machines():
    # 23:30 UTC on 31 May is already 1 June in London (BST) and still 31 May in New York.
    late = dt.datetime(2026, 5, 31, 23, 30, tzinfo=dt.UTC)
    assert Clock("Europe/London", late).today() == dt.date(2026, 6, 1)
    assert Clock("America/New_York", late).today() == dt.date(2026, 5, 31)
    # A naive fixed instant is UTC, as SQLite hands instants back.
    assert Clock("Europe/London", late.replace(tzinfo=None)).now() == late


def test_local_times_and_instants_follow_the_zone_and_its_summer_time():
    clock = Clock("Europe/London")
    assert clock.at(dt.date(2026, 1, 12), dt.time(9, 30)) == dt.datetime(
        2026, 1, 12, 9, 30, tzinfo=dt.UTC
    )
    assert clock.at(dt.date(2026, 7, 13), dt.time(9, 30)) == dt.datetime(
        2026, 7, 13, 8, 30, tzinfo=dt.UTC
    )
    assert clock.local(dt.datetime(2026, 7, 13, 8, 30)).hour == 9


def test_the_profile_hands_out_its_own_clock():
    profile = load_profile()
    assert profile.clock == Clock(profile.timezone)
    elsewhere = dataclasses.replace(profile, timezone="Pacific/Kiritimati")  # UTC+14
    assert elsewhere.clock.zone.key == "Pacific/Kiritimati"
    assert elsewhere.today() == elsewhere.clock.today()
