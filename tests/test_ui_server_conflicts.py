"""On the meeting server: two police officers' laptops (their own server logins, their own
clients, row-level security on) update one action. The second officer's update, made on
the version their window showed, meets the conflict view; both updates are kept."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import make_url

from frontdoor_app.access.people import add_user
from frontdoor_app.context import build_context
from frontdoor_app.meeting import actions, lifecycle
from frontdoor_app.ui.core.messages import Messages
from frontdoor_app.ui.core.worker import Worker
from frontdoor_app.ui.meeting.main_window import MainWindow
from tests.meeting_support import DAY, agency_id, build, people
from tests.ui_support import LEFT, context_for


@pytest.mark.postgres
def test_two_laptops_on_the_server_update_one_action(
    qtbot, pg_app_url, fresh_settings, profile
) -> None:  # type: ignore[no-untyped-def]
    setup = build_context(fresh_settings.with_database(pg_app_url), profile)
    who = people(setup)
    built = build(setup, 1)
    item = built.item_ids[0]
    with setup.session() as s:
        m = lifecycle.find_meeting(s, DAY)
        police = agency_id(s, "POL")
        add_user(s, "pc.one", "PC One", "representative", "POL", "a proper password 1")
        add_user(s, "pc.two", "PC Two", "representative", "POL", "a proper password 2")
    assert m is not None
    lifecycle.open_meeting(setup.sessions, who.chair, m.id, m.version)
    agreed = actions.add_action(setup.sessions, who.chair, profile, item, police, "Check bail")
    windows, contexts = [], []
    try:
        for login in ("pc.one", "pc.two"):
            url = make_url(pg_app_url).set(username=login, password=None)
            ctx = context_for(fresh_settings, url.render_as_string(False), profile, login)
            contexts.append(ctx)
            messages = Messages()
            messages.scripted = True
            win = MainWindow(ctx, Worker(), messages, meeting_date=DAY, live_interval_ms=50)
            qtbot.addWidget(win)
            win.show()
            win.load()
            qtbot.waitUntil(lambda w=win: w.room is not None, timeout=10_000)
            win.show_item(item)
            qtbot.waitUntil(
                lambda w=win: w.case_view.case is not None and len(w.case_view.case.actions) == 1,
                timeout=10_000,
            )
            win.case_view.tabs.setCurrentWidget(win.case_view.actions_tab)
            win.case_view.actions_tab.table.selectRow(0)
            windows.append(win)
        one, two = windows
        mine = two.case_view.actions_tab.status_form
        mine.choose("not_possible", "Two: the suspect has left the area")
        theirs = one.case_view.actions_tab.status_form
        theirs.choose("done", "One: bail conditions checked with custody")
        qtbot.mouseClick(theirs.apply, LEFT)
        qtbot.waitUntil(lambda: mine.notice.isVisible(), timeout=10_000)  # the feed told two
        assert mine.notice.text().startswith("Changed by PC One at ")
        assert mine.base is not None and mine.base.version == agreed.version
        two.messages.answer_next("mine")
        qtbot.mouseClick(mine.apply, LEFT)

        def stored():  # type: ignore[no-untyped-def]
            with setup.read_session() as s:
                return actions.load_action(s, agreed.id, DAY)

        qtbot.waitUntil(lambda: stored().status == "not_possible", timeout=10_000)
        assert [(u.by_name, u.status_to) for u in stored().updates] == [
            ("PC One", "done"),
            ("PC Two", "not_possible"),
        ]
        assert [m.kind for m in two.messages.log if m.kind == "conflict"] == ["conflict"]
        qtbot.waitUntil(
            lambda: one.case_view.case.actions[0].status == "not_possible", timeout=10_000
        )
    finally:
        for win in windows:
            win.shutdown()
            win.worker.stop()
        for ctx in contexts:
            ctx.close()
        setup.close()
