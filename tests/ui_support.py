"""Shared by the meeting-room UI tests: a demo database with today's agenda, windows on it."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QWidget

from frontdoor_app.access.users import ensure_user
from frontdoor_app.context import AppContext, build_context
from frontdoor_app.demo import build_demo
from frontdoor_app.profile import Profile
from frontdoor_app.settings import Settings
from frontdoor_app.ui.core.messages import Messages
from frontdoor_app.ui.core.worker import Worker
from frontdoor_app.ui.meeting.main_window import MainWindow

TODAY = dt.date(2026, 11, 23)  # a Monday: the window covers the weekend
LEFT = Qt.MouseButton.LeftButton


def build_template(folder: Path, settings: Settings, profile: Profile) -> Path:
    """The small demo city with today's feed imported and today's agenda built."""
    path = folder / "template.sqlite"
    ctx = build_context(settings.with_database(f"sqlite:///{path}"), profile)
    try:
        summary = build_demo(ctx, scale="small", today=TODAY, feed_dir=folder / "feeds")
        assert summary.agenda_meeting_id is not None, "the demo builds today's agenda"
        with ctx.session() as s:
            ensure_user(s, "hv.lee", "Hannah Lee", "representative", "HV")
            ensure_user(s, "test.chair", "Jo Chair", "chair", "CSWS")
    finally:
        ctx.close()
    return path


def copy_of(template: Path, folder: Path) -> str:
    target = folder / "meeting.sqlite"
    shutil.copyfile(template, target)
    return f"sqlite:///{target}"


def context_for(settings: Settings, url: str, profile: Profile, login: str) -> AppContext:
    """A client of its own (own engine and connections) signed in as ``login``."""
    return build_context(
        dataclasses.replace(settings.with_database(url), user_login=login), profile
    )


def admin_context(settings: Settings, profile: Profile) -> AppContext:
    """``settings.user_login`` added to the demo copy as an admin (by its chair), signed in.

    Unknown logins are refused, never created: an admin adds the user first."""
    from frontdoor_app.access.users import ensure_user

    chair = build_context(dataclasses.replace(settings, user_login="test.chair"), profile)
    try:
        with chair.session() as s:
            ensure_user(s, settings.user_login, settings.user_login, "admin")
    finally:
        chair.close()
    return build_context(settings, profile)


def open_window(qtbot, ctx: AppContext) -> MainWindow:  # type: ignore[no-untyped-def]
    """A main window on today's meeting, its worker and scripted messages; agenda loaded."""
    messages = Messages()
    messages.scripted = True
    window = MainWindow(ctx, Worker(), messages, meeting_date=TODAY)
    qtbot.addWidget(window)
    window.resize(1600, 900)
    window.show()
    window.load()
    qtbot.waitUntil(lambda: window.case_view.case is not None, timeout=10_000)
    return window


def close_window(window: MainWindow) -> None:
    """Shut the window down, stop its worker, and delete the screens it opened (top-level
    windows of their own, which the application leaves to the end of the process)."""
    window.shutdown()
    window.worker.stop()
    for screen in window.screens.shown.values():
        if screen.parent() is None:
            screen.deleteLater()


def idle(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: window.worker.pending == 0, timeout=10_000)


def settled(qtbot, window: MainWindow, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    """Everything written so far has reached ``window`` through its feed, and its reads
    are done: what a test saves next is the only news."""
    from frontdoor_app.sync.changes import last_change_id

    with ctx.read_session() as s:
        newest = last_change_id(s)
    qtbot.waitUntil(lambda: (window.live.last_id or 0) >= newest, timeout=5000)
    idle(qtbot, window)


def start_meeting(qtbot, win: MainWindow) -> int:  # type: ignore[no-untyped-def]
    """Open the meeting and make its first case current; returns that case's id."""
    win.toolbar.open_meeting_action.trigger()
    qtbot.waitUntil(lambda: win.meeting.is_open and "confidentiality" in win.screens.shown)
    win.screens.shown["confidentiality"].reject()
    first = win.room.agenda.rows[0].item_id
    win.make_current(first)
    qtbot.waitUntil(lambda: win.meeting.current_item_id == first)
    qtbot.waitUntil(lambda: win.case_view.case.item.status == "current")
    idle(qtbot, win)
    return first


@contextlib.contextmanager
def chair_and_visitor_windows(  # type: ignore[no-untyped-def]
    qtbot, chair_ctx: AppContext, url: str, settings: Settings, profile: Profile
) -> Iterator[tuple[MainWindow, MainWindow, AppContext, int]]:
    """The chair's window and health visitor Lee's (their own client on the one meeting
    file), the meeting open at its first case: (chair's, visitor's, visitor's context, the
    case). Both are closed after."""
    visitor_ctx = context_for(settings, url, profile, "hv.lee")
    chair = open_window(qtbot, chair_ctx)
    visitor = open_window(qtbot, visitor_ctx)
    try:
        yield chair, visitor, visitor_ctx, start_meeting(qtbot, chair)
    finally:
        close_window(visitor)
        close_window(chair)
        visitor_ctx.close()


def add_entry(qtbot, win: MainWindow, agency: int, text: str, restricted: bool) -> None:  # type: ignore[no-untyped-def]
    tab = win.case_view.intelligence
    count = len(win.case_view.case.intelligence)
    tab.agency.setCurrentIndex(tab.agency.findData(agency))
    tab.text.setPlainText(text)
    tab.restricted.setChecked(restricted)
    qtbot.mouseClick(tab.save, LEFT)
    qtbot.waitUntil(lambda: len(win.case_view.case.intelligence) == count + 1)


def activate(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    """Make the window active (its shortcuts need it); asked again until it is."""

    def active() -> bool:
        window.activateWindow()
        return window.isActiveWindow()

    qtbot.waitUntil(active)


def on_screen_is_a_fresh_paint(widget: QWidget) -> bool:
    """What the window shows of ``widget`` (its backing store) is what it shows once the
    whole widget is painted again at once: what a partial repaint left is right."""

    def on_screen() -> QImage:
        window = widget.window()
        where = widget.mapTo(window, widget.rect().topLeft())
        shown = window.screen().grabWindow(window.winId()).toImage()
        shown = shown.copy(where.x(), where.y(), widget.width(), widget.height())
        return shown.convertToFormat(QImage.Format.Format_RGB32)

    before = on_screen()
    widget.repaint()
    return before == on_screen()


def snapshot(widget: QWidget, path: Path) -> None:
    """Save what ``widget`` shows once it has laid itself out: a resize, or new text in a
    label, lays the window out on a later turn of the event loop, and a picture taken at
    once shows the old layout (columns not stretched, text cut short)."""
    for _ in range(3):
        QApplication.processEvents()
    assert widget.grab().save(str(path))


def calls_of(monkeypatch, module: Any, name: str, arg: int = 1) -> list[Any]:  # type: ignore[no-untyped-def]
    """The calls of ``module.name`` from now on, each by its positional argument ``arg``
    (the meeting or the case a read is for), the function still doing its work."""
    calls: list[Any] = []
    inner = getattr(module, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(args[arg])
        return inner(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls
