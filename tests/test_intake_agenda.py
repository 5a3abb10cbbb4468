"""Today's agenda from the feed: the window (weekday, Monday 72 hours), risk order, flags."""

from __future__ import annotations

import dataclasses
import datetime as dt
import zlib

from sqlalchemy import select

from frontdoor_app.intake.agenda import build_agenda, meeting_window
from frontdoor_app.intake.importer import import_records
from frontdoor_app.models import AgendaItem, Household, Meeting, Notification
from tests.intake_feedkit import NOW, notification, person

MONDAY = dt.date(2026, 11, 23)
TUESDAY = dt.date(2026, 11, 24)


def feed(ctx, *notifications, now=NOW):
    return import_records(ctx.sessions, ctx.profile, ctx.actor, list(notifications), now=now)


def agenda(ctx, meeting_id):
    with ctx.session() as s:
        rows = s.execute(
            select(Notification.police_ref, AgendaItem.flags, AgendaItem.position)
            .join(AgendaItem, AgendaItem.notification_id == Notification.id)
            .where(AgendaItem.meeting_id == meeting_id)
            .order_by(AgendaItem.position)
        ).all()
    return [(ref, flags) for ref, flags, _ in rows]


def family(surname: str, child_dob: str | None = "") -> list[dict[str, str]]:
    # Each family's adults have their own birthdays: the same forename, date of birth and
    # house with another surname is one woman under a new name (linked), not another family.
    day = dt.date(1985, 1, 1) + dt.timedelta(days=zlib.crc32(surname.encode()) % 3000)
    people = [
        person("victim", surname, "Anna", day.isoformat()),
        person("perpetrator", surname, "Mark", (day - dt.timedelta(days=400)).isoformat()),
    ]
    if child_dob is not None:
        kid = child_dob or (day + dt.timedelta(days=30 * 365)).isoformat()
        people.append(person("child", surname, "Kid", kid))
    return people


def test_monday_window_covers_the_weekend_and_weekday_24_hours(profile):
    start, end = meeting_window(profile.meeting, MONDAY)
    # 09:00 local on 23 Nov (GMT) back to Friday 09:00
    assert end == dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
    assert end - start == dt.timedelta(hours=72)
    start, end = meeting_window(profile.meeting, TUESDAY)
    assert end - start == dt.timedelta(hours=24)
    summer = meeting_window(profile.meeting, dt.date(2026, 7, 7))[1]
    assert summer == dt.datetime(2026, 7, 7, 8, 0, tzinfo=dt.UTC)  # 09:00 BST
    # a missed meeting (bank holiday Monday): Tuesday starts at the previous cut-off
    previous_end = meeting_window(profile.meeting, dt.date(2026, 11, 20))[1]
    start, _ = meeting_window(profile.meeting, TUESDAY, previous_end)
    assert start == previous_end


def test_window_comes_from_the_profile(profile):
    rules = dataclasses.replace(profile.meeting, window_hours_weekday=30, cutoff_time=dt.time(8, 0))
    start, end = meeting_window(rules, TUESDAY)
    assert end == dt.datetime(2026, 11, 24, 8, 0, tzinfo=dt.UTC) and end - start == dt.timedelta(
        hours=30
    )


def test_agenda_takes_the_window_only(ctx):
    feed(
        ctx,
        notification(
            "FRI-EARLY",
            family("Early"),
            received_at="2026-11-20T08:30:00",
            incident_at="2026-11-19T20:00:00",
        ),
        notification(
            "SAT",
            family("Sat"),
            received_at="2026-11-21T10:00:00",
            incident_at="2026-11-21T01:00:00",
        ),
        notification(
            "MON-EARLY",
            family("Mon"),
            received_at="2026-11-23T08:10:00",
            incident_at="2026-11-23T01:00:00",
        ),
        now=dt.datetime(2026, 11, 23, 8, 20, tzinfo=dt.UTC),
    )
    meeting_id = build_agenda(ctx.sessions, ctx.profile, ctx.actor, MONDAY)
    refs = [ref for ref, _ in agenda(ctx, meeting_id)]
    # FRI-EARLY arrived before Friday's cut-off: it belonged to Friday's meeting, which the
    # database does not have, so it is brought as a late arrival rather than lost.
    assert set(refs) == {"SAT", "MON-EARLY", "FRI-EARLY"}
    flags = dict(agenda(ctx, meeting_id))
    assert flags["FRI-EARLY"].get("late_arrival") is True and "late_arrival" not in flags["SAT"]
    with ctx.session() as s:
        meeting = s.get(Meeting, meeting_id)
        assert meeting.status == "planned"
        assert meeting.window_end - meeting.window_start == dt.timedelta(hours=72)
    # on the Tuesday, only what arrived after Monday's cut-off
    feed(
        ctx,
        notification(
            "TUE",
            family("Tue"),
            received_at="2026-11-23T15:00:00",
            incident_at="2026-11-23T12:00:00",
        ),
        now=dt.datetime(2026, 11, 24, 8, 0, tzinfo=dt.UTC),
    )
    tuesday = build_agenda(ctx.sessions, ctx.profile, ctx.actor, TUESDAY)
    assert [ref for ref, _ in agenda(ctx, tuesday)] == ["TUE"]


def test_agenda_is_ordered_by_risk_and_idempotent(ctx):
    feed(
        ctx,
        notification("STD", family("Std"), dash_risk="standard", dash_yes="2"),
        notification("MED-BABY", family("Baby", "2026-05-01"), dash_risk="medium", dash_yes="9"),
        notification("MED-TEEN", family("Teen", "2010-05-01"), dash_risk="medium", dash_yes="9"),
        notification("HIGH", family("High"), dash_risk="high", dash_yes="16"),
        notification("HIGH-LOW-YES", family("Highlow"), dash_risk="high", dash_yes="10"),
    )
    meeting_id = build_agenda(ctx.sessions, ctx.profile, ctx.actor, MONDAY)
    order = [ref for ref, _ in agenda(ctx, meeting_id)]
    assert order == ["HIGH", "HIGH-LOW-YES", "MED-BABY", "MED-TEEN", "STD"]
    flags = dict(agenda(ctx, meeting_id))
    assert flags["HIGH"]["marac"] == ["visible_high_risk"]
    assert flags["MED-BABY"]["under5"] is True and flags["MED-BABY"]["youngest_age_months"] == 6
    assert flags["MED-TEEN"]["under5"] is False and flags["MED-TEEN"]["child_ages"] == [16]
    assert build_agenda(ctx.sessions, ctx.profile, ctx.actor, MONDAY) == meeting_id
    assert len(agenda(ctx, meeting_id)) == 5
    # a late import tops the planned agenda up, in risk order
    feed(
        ctx,
        notification(
            "LATE-HIGH",
            family("Late"),
            dash_risk="high",
            dash_yes="20",
            received_at="2026-11-23T08:05:00",
        ),
    )
    build_agenda(ctx.sessions, ctx.profile, ctx.actor, MONDAY)
    assert [ref for ref, _ in agenda(ctx, meeting_id)][:2] == ["LATE-HIGH", "HIGH"]


def test_marac_and_repeat_flags(ctx):
    for n, day in enumerate(("2026-02-10", "2026-06-10")):
        feed(
            ctx,
            notification(
                f"PREV-{n}",
                family("Repeat"),
                received_at=f"{day}T08:00:00",
                incident_at=f"{day}T01:00:00",
            ),
        )
    with ctx.session() as s:
        household = s.scalar(select(Household))
        household.last_marac_referral_at = dt.date(2026, 3, 1)
    previous = build_agenda(ctx.sessions, ctx.profile, ctx.actor, dt.date(2026, 6, 10))
    with ctx.session() as s:
        for item in s.scalars(select(AgendaItem).where(AgendaItem.meeting_id == previous)):
            item.status = "discussed"
    feed(ctx, notification("NOW", family("Repeat", None), pregnancy="Y"))
    meeting_id = build_agenda(ctx.sessions, ctx.profile, ctx.actor, MONDAY)
    flags = dict(agenda(ctx, meeting_id))["NOW"]
    assert set(flags["marac"]) == {"potential_escalation", "repeat"}
    assert flags["repeat"] is True and flags["repeat_count"] == 2
    assert flags["discussed_on"] == ["2026-06-10"]
    assert flags["no_child"] is True and flags["unborn"] is True and flags["children"] == 0


def test_deferred_items_are_carried_forward(ctx):
    feed(
        ctx,
        notification(
            "DEF",
            family("Deferred"),
            received_at="2026-11-20T07:00:00",
            incident_at="2026-11-19T23:00:00",
        ),
        notification(
            "FRI",
            family("Friday"),
            received_at="2026-11-20T07:30:00",
            incident_at="2026-11-19T23:30:00",
        ),
    )
    friday = build_agenda(ctx.sessions, ctx.profile, ctx.actor, dt.date(2026, 11, 20))
    with ctx.session() as s:
        item = s.scalar(
            select(AgendaItem).join(Notification).where(Notification.police_ref == "DEF")
        )
        item.status = "deferred"
    feed(ctx, notification("MON", family("Monday")))
    monday = build_agenda(ctx.sessions, ctx.profile, ctx.actor, MONDAY)
    rows = dict(agenda(ctx, monday))
    assert set(rows) == {"DEF", "MON"}
    assert rows["DEF"]["carried_from"] == "2026-11-20"
    with ctx.session() as s:
        old = s.scalar(
            select(AgendaItem).where(
                AgendaItem.meeting_id == friday, AgendaItem.status == "deferred"
            )
        )
        assert old.deferred_to_meeting_id == monday
    assert build_agenda(ctx.sessions, ctx.profile, ctx.actor, MONDAY) == monday
    assert len(agenda(ctx, monday)) == 2


def test_agenda_order_from_the_profile(ctx):
    rules = dataclasses.replace(ctx.profile.meeting, agenda_order=("youngest_child", "dash"))
    profile = dataclasses.replace(ctx.profile, meeting=rules)
    feed(
        ctx,
        notification("HIGH-TEEN", family("A", "2010-01-01"), dash_risk="high"),
        notification("STD-BABY", family("B", "2026-01-01"), dash_risk="standard"),
    )
    meeting_id = build_agenda(ctx.sessions, profile, ctx.actor, MONDAY)
    assert [ref for ref, _ in agenda(ctx, meeting_id)] == ["STD-BABY", "HIGH-TEEN"]


def test_closed_meeting_is_not_changed_and_late_notification_goes_to_the_next(ctx):
    feed(ctx, notification("ON-TIME", family("Prompt"), received_at="2026-11-23T07:00:00"))
    monday = build_agenda(ctx.sessions, ctx.profile, ctx.actor, MONDAY)
    with ctx.session() as s:
        s.get(Meeting, monday).status = "closed"
    # sent before Monday's cut-off but imported after the meeting closed
    feed(ctx, notification("LATE", family("Late"), received_at="2026-11-23T08:50:00"))
    assert build_agenda(ctx.sessions, ctx.profile, ctx.actor, MONDAY) == monday
    assert [ref for ref, _ in agenda(ctx, monday)] == ["ON-TIME"]
    tuesday = build_agenda(ctx.sessions, ctx.profile, ctx.actor, TUESDAY)
    rows = dict(agenda(ctx, tuesday))
    assert set(rows) == {"LATE"} and rows["LATE"]["late_arrival"] is True


def test_importing_with_the_agenda_is_one_transaction(ctx, tmp_path):
    """The import screen's "put on today's agenda": the import and the agenda it builds
    commit together, once."""
    import json

    from sqlalchemy import event

    from frontdoor_app.intake.importer import import_file

    path = tmp_path / "feed.json"
    path.write_text(json.dumps([notification("ONE-TX")]), encoding="utf-8")
    commits: list[object] = []

    def committed(connection: object) -> None:
        commits.append(connection)

    event.listen(ctx.engine, "commit", committed)
    try:
        summary = import_file(
            ctx.sessions, ctx.profile, ctx.actor, path, now=NOW, agenda_on=NOW.date()
        )
    finally:
        event.remove(ctx.engine, "commit", committed)
    assert summary.imported == 1 and summary.meeting_id is not None
    assert len(commits) == 1
    with ctx.session() as s:
        meeting = s.get(Meeting, summary.meeting_id)
        assert meeting is not None and meeting.meeting_date == NOW.date()
        assert [i.notification_id for i in meeting.items] == list(summary.notification_ids)
