"""A dropped connection loses nothing: a Save made while the server is away waits on the
laptop, the window says so, and it is sent once when the server is back."""

from __future__ import annotations

import os
import stat

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from frontdoor_app.access.people import add_user
from frontdoor_app.context import build_context
from frontdoor_app.meeting import entries, lifecycle
from frontdoor_app.meeting.views import IntelligenceView
from frontdoor_app.models import IntelligenceEntry
from frontdoor_app.ui.case.waiting_rows import BACKGROUND, WaitingEntry
from frontdoor_app.ui.core.messages import Messages
from frontdoor_app.ui.core.worker import Worker
from frontdoor_app.ui.meeting.main_window import MainWindow
from tests.meeting_support import DAY, agency_id, build, people
from tests.server_clients import allow_connections as _allow
from tests.ui_support import LEFT, context_for

BACKGROUND_ROLE = Qt.ItemDataRole.BackgroundRole


def test_a_save_sent_twice_is_stored_once(ctx) -> None:  # type: ignore[no-untyped-def]
    who = people(ctx)
    built = build(ctx, 1)
    with ctx.session() as s:
        m = lifecycle.find_meeting(s, DAY)
        police = agency_id(s, "POL")
    assert m is not None
    lifecycle.open_meeting(ctx.sessions, who.chair, m.id, m.version)
    item = built.item_ids[0]
    first = entries.add_entry(
        ctx.sessions, who.police, item, police, "Known to police", client_ref="ref-1"
    )
    again = entries.add_entry(
        ctx.sessions, who.police, item, police, "Known to police", client_ref="ref-1"
    )
    other = entries.add_entry(
        ctx.sessions, who.police, item, police, "Known to police", client_ref="ref-2"
    )
    assert again.id == first.id and other.id != first.id
    with ctx.read_session() as s:
        assert s.scalar(select(func.count()).select_from(IntelligenceEntry)) == 2


@pytest.mark.postgres
def test_save_while_the_server_is_away_waits_and_is_sent_once(
    qtbot, pg_app_url, fresh_settings, profile, artefacts
) -> None:  # type: ignore[no-untyped-def]
    pg_url = pg_app_url
    setup = build_context(fresh_settings.with_database(pg_url), profile)
    who = people(setup)
    built = build(setup, 2)
    with setup.session() as s:
        m = lifecycle.find_meeting(s, DAY)
    assert m is not None
    lifecycle.open_meeting(setup.sessions, who.chair, m.id, m.version)
    # The police representative signs in as themselves (their own server login).
    with setup.session() as s:
        add_user(s, "pc.offline", "PC Offline", "representative", "POL", "a proper password 1")
    url = make_url(pg_url).set(username="pc.offline", password=None)
    rep_ctx = context_for(fresh_settings, url.render_as_string(False), profile, "pc.offline")
    assert rep_ctx.actor.login == "pc.offline" and rep_ctx.actor.role == "representative"
    messages = Messages()
    messages.scripted = True
    win = MainWindow(rep_ctx, Worker(), messages, meeting_date=DAY, live_interval_ms=50)
    qtbot.addWidget(win)
    win.resize(1400, 860)
    win.show()
    text = "PC 4711: two call-outs to this address in October, no arrests"
    try:
        win.load()
        qtbot.waitUntil(lambda: win.room is not None, timeout=10_000)
        item = built.item_ids[0]
        win.show_item(item)
        qtbot.waitUntil(lambda: win.case_view.case is not None, timeout=10_000)
        qtbot.waitUntil(lambda: win.live.last_id is not None, timeout=10_000)
        tab = win.case_view.intelligence
        win.case_view.tabs.setCurrentWidget(tab)
        tab.text.setPlainText(text)

        _allow(pg_url, False)  # Wi-Fi gone: every connection of this laptop is dropped
        qtbot.mouseClick(tab.save, LEFT)
        qtbot.waitUntil(lambda: len(win.outbox) == 1, timeout=10_000)
        qtbot.waitUntil(lambda: not win.live.online, timeout=10_000)
        assert "1 save waiting" in win.header.live_label.text()
        assert win.header.offline_banner.isVisible()
        # which case it is of, so it can be found (the list shows it: below)
        assert win.header.offline_banner.text().endswith("1 save waiting to be sent (case 1).")
        assert "offline" in win.header.live_label.text()
        mode = stat.S_IMODE(os.stat(win.outbox.path).st_mode)
        assert mode == 0o600, oct(mode)
        assert text in win.outbox.path.read_text(encoding="utf-8")
        assert not any(m.kind == "error" for m in messages.log), messages.log
        # What was typed is in the list, marked as waiting, not gone with the form.
        assert tab.text.toPlainText() == ""
        assert [(type(r), r.text) for r in tab.model.rows] == [(WaitingEntry, text)]
        assert tab.model.text(0, 2) == "PC Offline"
        assert tab.model.text(0, 5) == "waiting to be sent · meeting only"
        assert tab.model.data(tab.model.index(0, 4), BACKGROUND_ROLE) == BACKGROUND
        assert win.case_view.counts.words(3) == "Intelligence (1)"
        tab.table.selectRow(0)
        assert tab.selected() is None and not tab.edit.isEnabled()
        assert "waiting on your laptop" in tab.edit.toolTip()
        live = win.header.live_label  # laid out with its new words before the picture
        qtbot.waitUntil(lambda: live.width() >= live.sizeHint().width())
        win.grab().save(str(artefacts / "offline_waiting.png"))
        # Closing now would leave it on the laptop until the next start: asked first.
        messages.answer_next(False)  # "Close anyway?" No: the window stays
        assert not win.close() and win.isVisible() and len(win.outbox) == 1
        asked = messages.log[-1]
        assert asked.kind == "question" and asked.title == "Saves waiting to be sent"
        assert asked.text.startswith("One of your saves has not reached the server yet.")

        _allow(pg_url, True)
        qtbot.waitUntil(lambda: win.live.online and len(win.outbox) == 0, timeout=30_000)
        qtbot.waitUntil(
            lambda: any(e.text == text for e in win.case_view.case.intelligence), timeout=10_000
        )
        # sent: listed once, as saved, no longer as waiting
        assert [(type(r), r.text) for r in tab.model.rows] == [(IntelligenceView, text)]
        assert tab.model.data(tab.model.index(0, 4), BACKGROUND_ROLE) is None
        assert win.case_view.counts.words(3) == "Intelligence (1)"
        with setup.read_session() as s:
            stored = s.scalar(
                select(func.count())
                .select_from(IntelligenceEntry)
                .where(IntelligenceEntry.text == text)
            )
        assert stored == 1
        assert "waiting" not in win.header.live_label.text()
        assert not win.header.offline_banner.isVisible()
        asked_before = len(messages.log)
        assert win.close()  # nothing waits: closed without a question
        assert len(messages.log) == asked_before
    finally:
        _allow(pg_url, True)
        win.shutdown()
        win.worker.stop()
        rep_ctx.close()
        setup.close()
