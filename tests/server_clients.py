"""Separately signed-in clients of the real PostgreSQL server, for the conflict tests (issue
12): each with its own server login, its own engine and connections, its own worker and its
own main window on the day's meeting, row-level security on."""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import psycopg
from sqlalchemy import event
from sqlalchemy.engine import make_url

from frontdoor_app.access.people import add_user
from frontdoor_app.context import AppContext, build_context
from frontdoor_app.meeting import lifecycle
from frontdoor_app.ui.core.conflict_view import Conflict
from frontdoor_app.ui.core.messages import Messages
from frontdoor_app.ui.core.worker import Worker
from frontdoor_app.ui.meeting.main_window import MainWindow
from tests.meeting_support import DAY, build, people
from tests.ui_support import context_for


@contextlib.contextmanager
def counted(ctx: AppContext) -> Iterator[list[str]]:
    """The statements ``ctx``'s engine sends meanwhile."""
    sent: list[str] = []

    def before(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        sent.append(statement)

    event.listen(ctx.engine, "before_cursor_execute", before)
    try:
        yield sent
    finally:
        event.remove(ctx.engine, "before_cursor_execute", before)


class Recording(Messages):
    """Scripted messages that also keep each conflict as the dialog would have shown it
    (both versions, field by field), not only its one-line summary."""

    def __init__(self) -> None:
        super().__init__()
        self.scripted = True
        self.conflicts: list[Conflict] = []

    def conflict(self, parent: Any, conflict: Conflict) -> str:
        self.conflicts.append(conflict)
        return super().conflict(parent, conflict)


@dataclass
class Server:
    setup: AppContext  # the server's administrator: reads what is stored, the audit trail
    url: str
    item_ids: tuple[int, ...]
    meeting_id: int
    logins: dict[str, str]  # as the tests name them -> the server's (roles outlive a database)
    contexts: list[AppContext] = field(default_factory=list)
    windows: list[MainWindow] = field(default_factory=list)

    def client(self, settings: Any, profile: Any, login: str) -> AppContext:
        """A client of its own, signed in to the server as ``login``."""
        login = self.logins[login]
        url = make_url(self.url).set(username=login, password=None)
        ctx = context_for(settings, url.render_as_string(False), profile, login)
        self.contexts.append(ctx)
        return ctx

    def window(self, qtbot: Any, ctx: AppContext) -> MainWindow:
        """Its main window on the day's meeting, the change feed on."""
        win = MainWindow(ctx, Worker(), Recording(), meeting_date=DAY, live_interval_ms=50)
        qtbot.addWidget(win)
        win.resize(1400, 860)
        win.show()
        win.load()
        qtbot.waitUntil(lambda: win.room is not None, timeout=10_000)
        qtbot.waitUntil(lambda: win.live.last_id is not None, timeout=10_000)
        self.windows.append(win)
        return win


def allow_connections(pg_url: str, allow: bool) -> None:
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


def fgc_tab(qtbot: Any, win: MainWindow, item: int) -> Any:
    """``win`` on case ``item``'s FGC tab, its panel loaded; the panel."""
    win.show_item(item)
    qtbot.waitUntil(lambda: win.case_view.case.item.item_id == item, timeout=10_000)
    win.case_view.tabs.setCurrentWidget(win.case_view.fgc)
    qtbot.waitUntil(
        lambda: (
            win.case_view.fgc.panel is not None
            and win.case_view.fgc.panel.state is not None
            and win.case_view.fgc.panel.state.agenda_item_id == item
        ),
        timeout=10_000,
    )
    qtbot.waitUntil(lambda: win.worker.pending == 0, timeout=10_000)
    return win.case_view.fgc.panel


# login, name, role, agency
USERS = (
    ("chair.one", "Chair One", "chair", "CSWS"),
    ("chair.two", "Chair Two", "chair", "CSWS"),
    ("hv.one", "Health Visitor One", "representative", "HV"),
    ("hv.two", "Health Visitor Two", "representative", "HV"),
)


@contextlib.contextmanager
def server(settings: Any, pg_app_url: str, profile: Any, cases: int = 2) -> Iterator[Server]:
    """The day's meeting open on the server with ``cases`` cases and the ``USERS``."""
    setup = build_context(settings.with_database(pg_app_url), profile)
    who = people(setup)
    built = build(setup, cases)
    tag = secrets.token_hex(3)
    logins = {login: f"{login}.{tag}" for login, *_ in USERS}
    with setup.session() as s:
        m = lifecycle.find_meeting(s, DAY)
        for n, (login, name, role, agency) in enumerate(USERS):
            add_user(s, logins[login], name, role, agency, f"a proper password {n}")
    assert m is not None
    lifecycle.open_meeting(setup.sessions, who.chair, m.id, m.version)
    found = Server(setup, pg_app_url, built.item_ids, m.id, logins)
    try:
        yield found
    finally:
        for win in found.windows:
            win.shutdown()
            win.worker.stop()
        for ctx in found.contexts:
            ctx.close()
        setup.close()


def conflicts(win: MainWindow) -> list[Conflict]:
    messages = win.messages
    assert isinstance(messages, Recording)
    return messages.conflicts


def cell(conflict: Conflict, name: str) -> tuple[str, str]:
    """(mine, theirs) of one field of the conflict view."""
    pair = next(f for f in conflict.fields if f.field == name)
    return pair.mine, pair.theirs
