"""Actions lose nothing when the connection drops: an action added and a status updated
while the server is away wait on the laptop, the window counts them, and each is sent
once when the server is back (through the same conflict check as any update)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from frontdoor_app.access.people import add_user
from frontdoor_app.context import build_context
from frontdoor_app.meeting import actions, lifecycle
from frontdoor_app.meeting.views import ActionView
from frontdoor_app.models import Action, ActionUpdate
from frontdoor_app.ui.case.waiting_rows import BACKGROUND, WaitingAction
from frontdoor_app.ui.core.messages import Messages
from frontdoor_app.ui.core.worker import Worker
from frontdoor_app.ui.meeting.main_window import MainWindow
from tests.meeting_support import DAY, agency_id, build, people
from tests.server_clients import allow_connections as _allow
from tests.ui_support import LEFT, context_for


@pytest.mark.postgres
def test_actions_saved_while_the_server_is_away_wait_and_are_sent_once(
    qtbot, pg_app_url, fresh_settings, profile, artefacts
) -> None:  # type: ignore[no-untyped-def]
    pg_url = pg_app_url
    setup = build_context(fresh_settings.with_database(pg_url), profile)
    who = people(setup)
    built = build(setup, 2)
    item = built.item_ids[0]
    with setup.session() as s:
        m = lifecycle.find_meeting(s, DAY)
        police = agency_id(s, "POL")
    assert m is not None
    lifecycle.open_meeting(setup.sessions, who.chair, m.id, m.version)
    agreed = actions.add_action(
        setup.sessions, who.chair, profile, item, police, "Check the bail conditions"
    )
    with setup.session() as s:
        add_user(s, "pc.away", "PC Away", "representative", "POL", "a proper password 1")
    url = make_url(pg_url).set(username="pc.away", password=None)
    rep_ctx = context_for(fresh_settings, url.render_as_string(False), profile, "pc.away")
    messages = Messages()
    messages.scripted = True
    win = MainWindow(rep_ctx, Worker(), messages, meeting_date=DAY, live_interval_ms=50)
    qtbot.addWidget(win)
    win.resize(1400, 860)
    win.show()
    added = "Visit the address with the neighbourhood team"
    try:
        win.load()
        qtbot.waitUntil(lambda: win.room is not None, timeout=10_000)
        win.show_item(item)
        qtbot.waitUntil(
            lambda: (
                win.case_view.case is not None
                and any(a.id == agreed.id for a in win.case_view.case.actions)
            ),
            timeout=10_000,
        )
        qtbot.waitUntil(lambda: win.live.last_id is not None, timeout=10_000)
        tab = win.case_view.actions_tab
        win.case_view.tabs.setCurrentWidget(tab)
        tab.table.selectRow(0)
        assert tab.status_form.base is not None and tab.status_form.base.id == agreed.id

        _allow(pg_url, False)  # Wi-Fi gone: every connection of this laptop is dropped
        tab.agency.setCurrentIndex(tab.agency.findData(police))
        tab.description.setText(added)
        qtbot.mouseClick(tab.add, LEFT)
        qtbot.waitUntil(lambda: len(win.outbox) == 1, timeout=10_000)
        assert tab.description.text() == ""  # kept on the laptop, the form is free again
        tab.status_form.choose("done", "Bail conditions checked with custody")
        qtbot.mouseClick(tab.status_form.apply, LEFT)
        qtbot.waitUntil(lambda: len(win.outbox) == 2, timeout=10_000)
        assert tab.status_form.note.text() == ""  # kept on the laptop, the form is free
        qtbot.waitUntil(lambda: not win.live.online, timeout=10_000)
        qtbot.waitUntil(lambda: "2 saves waiting" in win.header.offline_banner.text())
        assert win.header.offline_banner.text().endswith("2 saves waiting to be sent (case 1).")
        assert win.header.offline_banner.isVisible()
        kept = win.outbox.path.read_text(encoding="utf-8")
        assert added in kept and "Bail conditions checked with custody" in kept
        assert not any(m.kind in ("error", "conflict") for m in messages.log), messages.log
        # Both are in the list, marked as waiting: the new status in its action's place,
        # the new action after it; neither can be updated again until it is sent.
        rows = tab.model.rows
        assert [type(r) for r in rows] == [WaitingAction, WaitingAction]
        assert rows[0].update_of == agreed.id and rows[1].update_of is None
        assert tab.model.text(0, 4) == "waiting to be sent · done"
        assert tab.model.text(0, 5) == "Bail conditions checked with custody"
        assert (tab.model.text(1, 2), tab.model.text(1, 4)) == (added, "waiting to be sent · open")
        assert tab.model.data(tab.model.index(1, 2), Qt.ItemDataRole.BackgroundRole) == BACKGROUND
        assert win.case_view.counts.words(5) == "Actions (2)"
        tab.table.selectRow(0)
        assert tab.selected() is None and not tab.status_form.apply.isEnabled()
        assert "waiting on your laptop" in tab.status_form.apply.toolTip()
        win.grab().save(str(artefacts / "offline_actions_waiting.png"))

        _allow(pg_url, True)
        qtbot.waitUntil(lambda: win.live.online and len(win.outbox) == 0, timeout=30_000)
        qtbot.waitUntil(
            lambda: (
                any(a.description == added for a in win.case_view.case.actions)
                and any(
                    a.id == agreed.id and a.status == "done" for a in win.case_view.case.actions
                )
            ),
            timeout=10_000,
        )
        assert all(isinstance(r, ActionView) for r in tab.model.rows)
        assert win.case_view.counts.words(5) == "Actions (2)"
        with setup.read_session() as s:
            made = s.scalar(
                select(func.count()).select_from(Action).where(Action.description == added)
            )
            updates = s.scalar(
                select(func.count())
                .select_from(ActionUpdate)
                .where(ActionUpdate.action_id == agreed.id)
            )
        assert (made, updates) == (1, 1)
        assert not win.header.offline_banner.isVisible()
        assert not any(m.kind in ("error", "conflict") for m in messages.log), messages.log
    finally:
        _allow(pg_url, True)
        win.shutdown()
        win.worker.stop()
        rep_ctx.close()
        setup.close()
