"""The first change anyone saves reaches a laptop as fast as the rest (issue 12).

The change feed reads the log for each change on a connection of its own, the read
prepared on it and sent from the window's thread. That connection used to be opened, and
the read prepared, by the first change: every laptop in the room connected and prepared at
the same moment, on the worker, for the first entry of the meeting (in ``live_pg`` that
save reached the screens in twice the time of the others). Now the feed opens it and
prepares the read when it starts.
"""

from __future__ import annotations

import pytest

from frontdoor_app.meeting import entries
from frontdoor_app.meeting.case import new_entry_of_change
from frontdoor_app.meeting.feed import item_of_change
from frontdoor_app.models.driver import driver_select
from frontdoor_app.sync import changes
from frontdoor_app.ui.core.live import LiveFeed
from tests.server_clients import server
from tests.ui_support import calls_of


@pytest.mark.postgres
def test_the_first_change_is_read_on_a_connection_ready_since_the_feed_started(
    qtbot, monkeypatch, pg_app_url, fresh_settings, profile
) -> None:  # type: ignore[no-untyped-def]
    with server(fresh_settings, pg_app_url, profile, cases=1) as srv:
        item = srv.item_ids[0]
        rep = srv.window(qtbot, srv.client(fresh_settings, profile, "hv.one"))
        rep.set_follow_chair(False)
        rep.show_item(item)
        view = rep.case_view
        qtbot.waitUntil(lambda: view.case is not None and view.case.item.item_id == item)
        qtbot.waitUntil(lambda: rep.worker.pending == 0)
        # Before any change: the feed's connection is open, the log's read prepared on it.
        kept = rep.live._reads_on
        assert kept is not None and kept.connected is not None
        read = driver_select(
            changes._read_statement(item_of_change, new_entry_of_change),
            kept.connected.dialect,
        )
        assert read.name in kept.connected.info["frontdoor_prepared"]
        connects = calls_of(monkeypatch, changes.FeedConnection, "_connect", arg=0)
        on_the_worker = calls_of(monkeypatch, LiveFeed, "_read", arg=1)
        sent = calls_of(monkeypatch, LiveFeed, "_send_read", arg=1)

        colleague = srv.client(fresh_settings, profile, "hv.two")
        agency = colleague.actor.agency_id
        assert agency is not None
        entries.add_entry(colleague.sessions, colleague.actor, item, agency, "Seen at home")
        qtbot.waitUntil(
            lambda: [e.text for e in view.case.intelligence] == ["Seen at home"], timeout=10_000
        )
        # It came as every later change comes: sent from the window's thread on the kept
        # connection, no connection opened for it, nothing read on the worker.
        assert len(sent) >= 1
        assert connects == []
        assert on_the_worker == []
        assert rep.live._reads_on.connected is kept.connected
