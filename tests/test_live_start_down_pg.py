"""A client started while the server is down catches up when it comes back (issue 12).

The feed alone is tests/test_change_feed.py (a feed started while the server refuses).
Here the whole client: a representative's window is opened while the server refuses their
connections; the banner says the server cannot be reached; meanwhile another client adds
an entry; once the server lets them in again, the window loads the meeting and shows that
entry, and later changes reach it through the feed."""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from frontdoor_app.meeting import entries
from frontdoor_app.models import Agency
from frontdoor_app.ui.core.worker import Worker
from frontdoor_app.ui.meeting.main_window import MainWindow
from tests.meeting_support import DAY
from tests.server_clients import Recording, server


def _login(pg_url: str, login: str, allow: bool) -> None:
    """This one person's server login refused (their connections terminated) or let in."""
    url = make_url(pg_url)
    admin = url.set(drivername="postgresql", database="postgres").render_as_string(False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'ALTER ROLE "{login}" {"LOGIN" if allow else "NOLOGIN"}')
        if not allow:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s",
                (login,),
            )


@pytest.mark.postgres
def test_a_client_started_while_the_server_is_down_catches_up(
    qtbot, pg_app_url, fresh_settings, profile, artefacts
) -> None:  # type: ignore[no-untyped-def]
    with server(fresh_settings, pg_app_url, profile) as srv:
        item = srv.item_ids[0]
        one = srv.client(fresh_settings, profile, "hv.one")  # signed in earlier
        two = srv.client(fresh_settings, profile, "hv.two")
        login = srv.logins["hv.one"]
        _login(pg_app_url, login, False)
        win = MainWindow(one, Worker(), Recording(), meeting_date=DAY, live_interval_ms=50)
        qtbot.addWidget(win)
        win.resize(1400, 860)
        win.show()
        srv.windows.append(win)
        text = "HV2 (written while the first laptop could not reach the server)"
        try:
            win.load()
            qtbot.waitUntil(lambda: win.header.offline_banner.isVisible(), timeout=10_000)
            assert win.room is None
            win.grab().save(str(artefacts / "started_while_down.png"))
            with two.read_session() as s:
                hv = s.scalar(select(Agency.id).where(Agency.code == "HV"))
            entries.add_entry(two.sessions, two.actor, item, hv, text)
            qtbot.wait(300)  # still refused: nothing loaded, nothing lost
            assert win.room is None
            _login(pg_app_url, login, True)
            qtbot.waitUntil(lambda: win.room is not None and win.live.online, timeout=30_000)
            win.show_item(item)
            qtbot.waitUntil(
                lambda: (
                    win.case_view.case is not None
                    and any(e.text == text for e in win.case_view.case.intelligence)
                ),
                timeout=10_000,
            )
            later = "HV2: and a later one, through the feed"
            entries.add_entry(two.sessions, two.actor, item, hv, later)
            qtbot.waitUntil(
                lambda: any(e.text == later for e in win.case_view.case.intelligence),
                timeout=10_000,
            )
            assert not win.header.offline_banner.isVisible()
            assert not [m for m in win.messages.log if m.kind == "error"]
        finally:
            _login(pg_app_url, login, True)
