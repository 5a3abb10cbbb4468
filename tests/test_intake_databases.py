"""The import (set-based look-ups, multi-row inserts) on SQLite and on PostgreSQL alike."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from frontdoor_app.context import build_context
from frontdoor_app.intake import links
from frontdoor_app.intake.agenda import build_agenda
from frontdoor_app.intake.importer import import_file, import_records
from frontdoor_app.models import AuditEvent, ChangeLog, Notification, PersonLink
from tests.intake_feedkit import NOW, SAMPLE_FEED, notification, person


def test_import_match_and_agenda_on_each_database(any_app_url, fresh_settings, profile, tmp_path):
    ctx = build_context(fresh_settings.with_database(any_app_url), profile)
    try:
        path = tmp_path / "sample.csv"
        path.write_text(SAMPLE_FEED, encoding="utf-8")
        first = import_file(ctx.sessions, profile, ctx.actor, path, now=NOW)
        assert (first.imported, first.quarantined) == (4, 0)
        again = import_file(ctx.sessions, profile, ctx.actor, path, now=NOW)
        assert again.unchanged == 4
        later = [
            notification(
                "PG-1",
                [
                    person("victim", "Hussian", "Amina", "02/05/1994"),
                    person("child", "Hussain", "Zara", "2016-01-09"),
                ],
                received_at="2026-11-22T09:00:00",
                address="41 Sample Avenue, Leeds",
                postcode="LS8 3QT",
            ),
            notification(
                "PG-2",
                [person("victim", "Nowak", "Kasia", "", age="38")],
                received_at="2026-11-22T09:30:00",
                postcode="LS6 1AA",
            ),
        ]
        summary = import_records(ctx.sessions, profile, ctx.actor, later, now=NOW)
        assert summary.imported == 2
        with ctx.session() as s:
            auto = s.scalar(
                select(func.count()).select_from(PersonLink).where(PersonLink.decided_by == "auto")
            )
            households = {n.police_ref: n.household_id for n in s.scalars(select(Notification))}
            assert s.scalar(select(func.count()).select_from(AuditEvent)) > 20
            assert s.scalar(select(func.count()).select_from(ChangeLog)) > 20
        assert auto == 2  # Amina (surname typo, UK date) and Zara
        assert households["PG-1"] == households["13260450011"]
        for row in links.possible_matches(ctx.sessions):
            links.reject_match(ctx.sessions, ctx.actor, row.link_id)
        meeting_id = build_agenda(ctx.sessions, profile, ctx.actor, dt.date(2026, 11, 23))
        assert build_agenda(ctx.sessions, profile, ctx.actor, dt.date(2026, 11, 23)) == meeting_id
        with ctx.session() as s:
            flags = s.scalar(select(Notification.flags).where(Notification.police_ref == "PG-1"))
        assert flags["repeat_count"] == 1 and flags["under5"] is False
    finally:
        ctx.close()
