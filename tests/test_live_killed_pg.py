"""A representative's server connections killed while they type and while they press Save
(issue 12): once the server takes connections again, the entry is on the other client's
screen exactly once, nothing typed is lost and nothing was overwritten."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from sqlalchemy import event, func, select
from sqlalchemy.engine import make_url

from frontdoor_app.access.people import add_user
from frontdoor_app.context import build_context
from frontdoor_app.meeting import lifecycle
from frontdoor_app.models import IntelligenceEntry
from frontdoor_app.ui.core.messages import Messages
from frontdoor_app.ui.core.worker import Worker
from frontdoor_app.ui.meeting.main_window import MainWindow
from tests.meeting_support import DAY, build, people
from tests.ui_support import LEFT, context_for

LOGIN = "pc.killed"


def _admin(pg_url: str) -> str:
    url = make_url(pg_url)
    return url.set(drivername="postgresql", database="postgres").render_as_string(False)


def _kill_logins_connections(pg_url: str, login: str) -> int:
    """Every server connection of one login terminated, as an administrator would."""
    with psycopg.connect(_admin(pg_url), autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s",
            (login,),
        ).fetchall()
    return len(rows)


def _window(ctx: Any, qtbot: Any) -> tuple[MainWindow, Messages]:
    messages = Messages()
    messages.scripted = True
    win = MainWindow(ctx, Worker(), messages, meeting_date=DAY, live_interval_ms=50)
    qtbot.addWidget(win)
    win.resize(1400, 860)
    win.show()
    win.load()
    qtbot.waitUntil(lambda: win.room is not None, timeout=10_000)
    return win, messages


def _shown(win: MainWindow, text: str) -> int:
    case = win.case_view.case
    return 0 if case is None else sum(1 for e in case.intelligence if e.text == text)


def _stored(ctx: Any, text: str) -> int:
    with ctx.read_session() as s:
        return int(
            s.scalar(
                select(func.count())
                .select_from(IntelligenceEntry)
                .where(IntelligenceEntry.text == text)
            )
            or 0
        )


@pytest.mark.postgres
def test_connections_killed_while_typing_and_while_saving_lose_and_repeat_nothing(
    qtbot, pg_app_url, fresh_settings, profile
) -> None:  # type: ignore[no-untyped-def]
    pg_url = pg_app_url
    chair_ctx = build_context(fresh_settings.with_database(pg_url), profile)
    who = people(chair_ctx)
    built = build(chair_ctx, 2)
    with chair_ctx.session() as s:
        m = lifecycle.find_meeting(s, DAY)
        add_user(s, LOGIN, "PC Killed", "representative", "POL", "a proper password 1")
    assert m is not None
    lifecycle.open_meeting(chair_ctx.sessions, who.chair, m.id, m.version)
    url = make_url(pg_url).set(username=LOGIN, password=None)
    rep_ctx = context_for(fresh_settings, url.render_as_string(False), profile, LOGIN)
    item = built.item_ids[0]
    chair, _ = _window(chair_ctx, qtbot)
    rep, rep_messages = _window(rep_ctx, qtbot)
    first = "PC 4711: two call-outs in October; the second typed after the connection died"
    second = "PC 4712: bail conditions end Friday; saved as the connection was killed"
    killed_at_insert: list[int] = []
    try:
        for win in (chair, rep):
            win.show_item(item)
            qtbot.waitUntil(lambda w=win: w.case_view.case is not None, timeout=10_000)
            qtbot.waitUntil(lambda w=win: w.live.last_id is not None, timeout=10_000)
        tab = rep.case_view.intelligence
        rep.case_view.tabs.setCurrentWidget(tab)

        # 1. Killed while typing: half the text is in the box when every connection goes.
        tab.text.setPlainText(first[:30])
        assert _kill_logins_connections(pg_url, LOGIN) >= 1
        tab.text.setPlainText(first)
        qtbot.mouseClick(tab.save, LEFT)
        qtbot.waitUntil(lambda: _shown(chair, first) >= 1, timeout=30_000)
        qtbot.waitUntil(lambda: len(rep.outbox) == 0 and _shown(rep, first) >= 1, timeout=30_000)

        # 2. Killed while saving: the INSERT of the entry is the moment the connection dies.
        def kill_at_insert(_conn: Any, cursor: Any, statement: str, *_rest: Any) -> None:
            if not killed_at_insert and statement.startswith("INSERT INTO intelligence_entry"):
                pid = cursor.connection.info.backend_pid
                with psycopg.connect(_admin(pg_url), autocommit=True) as admin:
                    admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
                killed_at_insert.append(pid)

        event.listen(rep_ctx.engine, "before_cursor_execute", kill_at_insert)
        tab.text.setPlainText(second)
        qtbot.mouseClick(tab.save, LEFT)
        qtbot.waitUntil(lambda: bool(killed_at_insert), timeout=10_000)
        qtbot.waitUntil(lambda: _shown(chair, second) >= 1, timeout=30_000)
        qtbot.waitUntil(lambda: len(rep.outbox) == 0 and _shown(rep, second) >= 1, timeout=30_000)
        event.remove(rep_ctx.engine, "before_cursor_execute", kill_at_insert)

        qtbot.wait(500)  # the change feed's later rounds must not bring either entry again
        for text in (first, second):
            assert _shown(chair, text) == 1, text
            assert _shown(rep, text) == 1, text
            assert _stored(chair_ctx, text) == 1, text
        assert tab.text.toPlainText() == ""  # the form cleared only once the Save was kept
        assert not any(m.kind == "error" for m in rep_messages.log), rep_messages.log
    finally:
        for win in (rep, chair):
            win.shutdown()
            win.worker.stop()
        rep_ctx.close()
        chair_ctx.close()
