"""An admin's screens on the shared server, signed in as the admin (row-level security on):
the morning's import with today's agenda built, and a person disabled from the People
screen. Both were refused by the server: the import rolled back whole ("permission denied
for table agenda_item", shown with the SQL statement and its values), and disabling said
"only its database administrator can create logins" and disabled nobody."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import func, select

from frontdoor_app.access.people import add_user
from frontdoor_app.models import AgendaItem, Meeting, Notification, User
from frontdoor_app.ui.admin.people_screen import PeopleScreen
from frontdoor_app.ui.core.messages import Messages
from frontdoor_app.ui.core.worker import Worker
from frontdoor_app.ui.intake.import_screen import ImportScreen
from tests.intake_feedkit import feed_so_far
from tests.server_clients import Server, server
from tests.ui_support import LEFT

pytestmark = pytest.mark.postgres


def _admin(srv: Server) -> str:
    login = "adm.one." + srv.logins["chair.one"].rsplit(".", 1)[1]
    with srv.setup.session() as s:
        add_user(s, login, "Admin One", "admin", None, "a proper password adm")
    srv.logins["adm.one"] = login
    return "adm.one"


def _scripted() -> Messages:
    messages = Messages()
    messages.scripted = True
    return messages


def test_the_admin_imports_the_morning_feed_onto_todays_agenda(
    qtbot: Any, pg_app_url: str, fresh_settings: Any, profile: Any, tmp_path: Path
) -> None:
    with server(fresh_settings, pg_app_url, profile) as srv:
        admin = srv.client(fresh_settings, profile, _admin(srv))
        today = profile.today()
        with srv.setup.session() as s:
            feed = feed_so_far(s, seed=5, count=6, today=today, profile=profile)
        refs = [record["police_ref"] for record in feed]
        path = tmp_path / "feed.json"
        path.write_text(json.dumps(feed), encoding="utf-8")
        messages, worker = _scripted(), Worker()
        screen = ImportScreen(admin, worker, messages=messages)
        qtbot.addWidget(screen)
        try:
            screen.show()
            assert screen.agenda_box.isChecked()  # the screen's default
            screen.set_file(path)
            screen.start_import()
            qtbot.waitUntil(lambda: not screen.running, timeout=30_000)
            qtbot.waitUntil(lambda: worker.pending == 0, timeout=30_000)
            assert not [m for m in messages.log if m.kind in ("error", "warning")], messages.log
            assert "stopped" not in screen.summary_label.text()
        finally:
            screen.close()
            worker.stop()
        with srv.setup.read_session() as s:
            stored = s.scalar(
                select(func.count())
                .select_from(Notification)
                .where(Notification.police_ref.in_(refs))
            )
            assert stored == len(refs)
            on_agenda = s.scalar(
                select(func.count())
                .select_from(AgendaItem)
                .join(Meeting, Meeting.id == AgendaItem.meeting_id)
                .where(Meeting.meeting_date == today)
            )
            assert on_agenda and on_agenda >= len(refs)


def test_the_admin_disables_a_person_who_then_reads_nothing(
    qtbot: Any, pg_app_url: str, fresh_settings: Any, profile: Any
) -> None:
    with server(fresh_settings, pg_app_url, profile) as srv:
        admin = srv.client(fresh_settings, profile, _admin(srv))
        target = srv.logins["hv.two"]
        messages, worker = _scripted(), Worker()
        screen = PeopleScreen(admin, worker, messages)
        qtbot.addWidget(screen)
        try:
            screen.show()
            screen.refresh()
            qtbot.waitUntil(lambda: bool(screen.people), timeout=10_000)
            screen.table.selectRow(
                next(n for n, p in enumerate(screen.people) if p.login == target)
            )
            messages.answer_next(True)
            qtbot.mouseClick(screen.disable_button, LEFT)
            qtbot.waitUntil(lambda: "can no longer" in screen.status.text(), timeout=10_000)
            assert "read or change anything" in screen.status.text()
            assert "administrator" in screen.status.text()
        finally:
            screen.close()
            worker.stop()
        with srv.setup.read_session() as s:
            assert s.scalar(select(User.active).where(User.login == target)) is False
        url = srv.setup.engine.url
        with psycopg.connect(
            host=url.host,
            port=url.port,
            dbname=url.database,
            user=target,
            password="a proper password 3",
            autocommit=True,
        ) as c:  # their login stays (the administrator's to take), and opens nothing
            assert c.execute("SELECT count(*) FROM meeting").fetchone() == (0,)
            assert c.execute("SELECT count(*) FROM intelligence_entry").fetchone() == (0,)
