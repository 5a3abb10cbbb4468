"""Edits of saved records lose nothing when the connection drops (issue 12): made while
the server is away (every connection of the laptop terminated, new ones refused), each is
kept on the laptop, counted in the offline banner, and sent once when the server is back,
through the same conflict check as any save."""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from frontdoor_app.meeting import entries
from frontdoor_app.models import Agency, AuditEvent, IntelligenceEntry
from tests.server_clients import cell, conflicts, server
from tests.ui_support import LEFT, idle

FIRST = "Both children seen at the clinic in October"
OFFLINE = "HV1 (typed on the train): the baby's 8-week check is overdue"
THEIRS = "HV2: mother says she is moving to her sister's"


def _allow(pg_url: str, allow: bool) -> None:
    """The laptop's Wi-Fi: off terminates every connection to the database and refuses
    new ones (pg_terminate_backend); on lets them in again."""
    url = make_url(pg_url)
    admin = url.set(drivername="postgresql", database="postgres").render_as_string(False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'ALTER DATABASE "{url.database}" ALLOW_CONNECTIONS {str(allow).lower()}')
        if not allow:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                (url.database,),
            )


def _editing(qtbot, win, entry) -> None:  # type: ignore[no-untyped-def]
    win.show_item(entry.agenda_item_id)
    qtbot.waitUntil(
        lambda: (
            win.case_view.case is not None
            and any(e.id == entry.id for e in win.case_view.case.intelligence)
        ),
        timeout=10_000,
    )
    tab = win.case_view.intelligence
    win.case_view.tabs.setCurrentWidget(tab)
    tab.table.selectRow(next(n for n, e in enumerate(tab.model.rows) if e.id == entry.id))
    qtbot.mouseClick(tab.edit, LEFT)
    assert tab.editing is not None and tab.editing.id == entry.id
    idle(qtbot, win)


def _entry(srv, fresh_settings, profile):  # type: ignore[no-untyped-def]
    one = srv.client(fresh_settings, profile, "hv.one")
    with one.read_session() as s:
        hv = s.scalar(select(Agency.id).where(Agency.code == "HV"))
    return one, entries.add_entry(one.sessions, one.actor, srv.item_ids[0], hv, FIRST)


def _edits_stored(srv, entry_id: int) -> int:  # type: ignore[no-untyped-def]
    with srv.setup.read_session() as s:
        return int(
            s.scalar(
                select(func.count())
                .select_from(AuditEvent)
                .where(
                    AuditEvent.entity == "intelligence_entry",
                    AuditEvent.entity_id == entry_id,
                    AuditEvent.action == "update",
                )
            )
            or 0
        )


@pytest.mark.postgres
def test_an_entry_edit_made_while_the_server_is_away_waits_and_is_sent_once(
    qtbot, pg_app_url, fresh_settings, profile, artefacts
) -> None:  # type: ignore[no-untyped-def]
    with server(fresh_settings, pg_app_url, profile) as srv:
        one, entry = _entry(srv, fresh_settings, profile)
        win = srv.window(qtbot, one)
        try:
            _editing(qtbot, win, entry)
            tab = win.case_view.intelligence
            _allow(pg_app_url, False)
            tab.text.setPlainText(OFFLINE)
            qtbot.mouseClick(tab.save, LEFT)
            qtbot.waitUntil(lambda: len(win.outbox) == 1, timeout=10_000)
            assert tab.editing is None and tab.text.toPlainText() == ""  # the form is free
            assert OFFLINE in win.outbox.path.read_text(encoding="utf-8")
            qtbot.waitUntil(lambda: not win.live.online, timeout=10_000)
            qtbot.waitUntil(lambda: "1 save waiting" in win.header.offline_banner.text())
            assert win.header.offline_banner.isVisible()
            win.grab().save(str(artefacts / "offline_entry_edit_waiting.png"))
            _allow(pg_app_url, True)
            qtbot.waitUntil(lambda: win.live.online and len(win.outbox) == 0, timeout=30_000)
            qtbot.waitUntil(
                lambda: any(e.text == OFFLINE for e in win.case_view.case.intelligence),
                timeout=10_000,
            )
            qtbot.wait(300)  # later rounds of the feed must not send it again
            with srv.setup.read_session() as s:
                row = s.get(IntelligenceEntry, entry.id)
                assert (row.text, row.version) == (OFFLINE, entry.version + 1)
            assert _edits_stored(srv, entry.id) == 1
            assert not win.header.offline_banner.isVisible()
            assert not [m for m in win.messages.log if m.kind in ("error", "conflict")]
        finally:
            _allow(pg_app_url, True)


@pytest.mark.postgres
def test_an_entry_edit_that_waited_meets_an_edit_saved_meanwhile(
    qtbot, pg_app_url, fresh_settings, profile
) -> None:  # type: ignore[no-untyped-def]
    with server(fresh_settings, pg_app_url, profile) as srv:
        one, entry = _entry(srv, fresh_settings, profile)
        two = srv.client(fresh_settings, profile, "hv.two")
        win = srv.window(qtbot, one)
        try:
            _editing(qtbot, win, entry)
            tab = win.case_view.intelligence
            _allow(pg_app_url, False)
            tab.text.setPlainText(OFFLINE)
            qtbot.mouseClick(tab.save, LEFT)
            qtbot.waitUntil(lambda: len(win.outbox) == 1, timeout=10_000)
            _allow(pg_app_url, True)
            # Before this laptop is back, the other health visitor saves the entry.
            theirs = entries.edit_entry(
                two.sessions, two.actor, entry.id, entry.version, text=THEIRS
            )
            win.messages.answer_next("edit")
            qtbot.waitUntil(lambda: len(conflicts(win)) == 1, timeout=30_000)
            shown = conflicts(win)[0]
            assert shown.saved_by == "Health Visitor Two"
            assert cell(shown, "Entry") == (OFFLINE, THEIRS)
            idle(qtbot, win)
            assert len(win.outbox) == 0
            with srv.setup.read_session() as s:
                assert s.get(IntelligenceEntry, entry.id).text == THEIRS  # theirs stands
            # Mine is back in the form, as an edit of theirs: saving puts it on top.
            assert tab.editing is not None and tab.editing.version == theirs.version
            assert tab.text.toPlainText() == OFFLINE
            qtbot.mouseClick(tab.save, LEFT)
            qtbot.waitUntil(lambda: tab.editing is None, timeout=10_000)
            with srv.setup.read_session() as s:
                assert s.get(IntelligenceEntry, entry.id).text == OFFLINE
            assert _edits_stored(srv, entry.id) == 2  # theirs, then mine: both in the trail
            assert not [m for m in win.messages.log if m.kind == "error"]
        finally:
            _allow(pg_app_url, True)
