"""Meeting-room screen benchmarks (offscreen Qt): moving to the next case, widgets updated.

``case_switch``: the chair presses PgDn during the meeting; timed from the key press until
every tab of the case view shows the next case (the ``case_shown`` signal): the worker's
``load_case`` plus filling the widgets. The shared write (``set_current``) and the agenda
refresh that follow run afterwards and are reported as ``settled_*``. The window reads the
next case in the background while the current one is discussed; ``case_switch_cold`` turns
that off (the worst case: a jump). ``case_browse`` is a representative looking ahead on
their own screen (no write). Goal: p95 under 50 ms.
"""

from __future__ import annotations

import dataclasses
import os
import time
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before Qt is imported

from common import BenchEnv, summarise  # noqa: E402
from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from sqlalchemy import func, select, update  # noqa: E402

from frontdoor_app.access.users import ensure_user  # noqa: E402
from frontdoor_app.context import AppContext, build_context  # noqa: E402
from frontdoor_app.models import AgendaItem, Meeting  # noqa: E402
from frontdoor_app.models.database import make_engine, make_session_factory, session_scope  # noqa: E402
from frontdoor_app.settings import load_settings  # noqa: E402
from frontdoor_app.ui.core.messages import Messages  # noqa: E402
from frontdoor_app.ui.core.worker import Worker  # noqa: E402
from frontdoor_app.ui.meeting.main_window import MainWindow  # noqa: E402

GOAL_MS = 50.0
SWITCHES = 30
TIMEOUT_MS = 30_000


def _app() -> QApplication:
    app = QApplication.instance()
    return app if isinstance(app, QApplication) else QApplication([])


def _wait(signal: Any, condition: Any = None) -> None:
    """Run the event loop until ``signal`` fires (and ``condition`` holds) or a timeout."""
    if condition is not None and condition():
        return
    loop = QEventLoop()

    def fired(*_args: Any) -> None:
        if condition is None or condition():
            loop.quit()

    signal.connect(fired)
    QTimer.singleShot(TIMEOUT_MS, loop.quit)
    loop.exec()
    signal.disconnect(fired)


class _PaintSpy(QObject):
    """Notes that the case heading has been painted (the switch is then on screen)."""

    def __init__(self, painted: list[float]) -> None:
        super().__init__()
        self.painted = painted

    def eventFilter(self, _watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt
        if event.type() == QEvent.Type.Paint:
            self.painted.append(time.perf_counter())
        return False


def _wait_for(condition: Any) -> None:
    """Process events until ``condition()`` holds (or a timeout)."""
    deadline = time.perf_counter() + TIMEOUT_MS / 1000
    while not condition() and time.perf_counter() < deadline:
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 5)


def _settle(window: MainWindow) -> None:
    """Until the worker has nothing left (the write and refreshes after a switch)."""
    loop = QEventLoop()
    timer = QTimer()
    timer.setInterval(2)
    timer.timeout.connect(
        lambda: window.worker.pending == 0 and not window.cases.prefetch_pending and loop.quit()
    )
    timer.start()
    QTimer.singleShot(TIMEOUT_MS, loop.quit)
    loop.exec()
    timer.stop()


def _busiest_meeting(ctx: AppContext, open_it: bool) -> Any:
    """The latest meeting with a full agenda; opened (in the copy) so the chair can move on."""
    with ctx.session() as s:
        counts = (
            select(AgendaItem.meeting_id, func.count(AgendaItem.id).label("n"))
            .group_by(AgendaItem.meeting_id)
            .subquery()
        )
        meeting = s.execute(
            select(Meeting.id, Meeting.meeting_date)
            .join(counts, counts.c.meeting_id == Meeting.id)
            .where(counts.c.n >= 8)
            .order_by(Meeting.meeting_date.desc())
            .limit(1)
        ).one()
        if not open_it:
            return meeting
        s.execute(
            update(Meeting)
            .where(Meeting.id == meeting.id)
            .values(status="in_progress", closed_at=None, current_item_id=None)
        )
        s.execute(
            update(AgendaItem)
            .where(AgendaItem.meeting_id == meeting.id, AgendaItem.status != "deferred")
            .values(status="waiting")
        )
        return meeting


def _ensure_user(url: str, login: str, role: str) -> None:
    """The benchmark's user in its copy of the demo (a client never creates users itself)."""
    engine = make_engine(url)
    try:
        with session_scope(make_session_factory(engine)) as s:
            ensure_user(s, login, login, role)
    finally:
        engine.dispose()


def _measure(url: str, login: str, role: str, chair: bool, prefetch: bool = True) -> dict[str, Any]:
    app = _app()
    settings = dataclasses.replace(load_settings(url), user_login=login)
    _ensure_user(url, login, role)
    ctx = build_context(settings)
    worker = Worker()
    meeting = _busiest_meeting(ctx, open_it=chair)
    window = MainWindow(
        ctx, worker, Messages(), meeting_date=meeting.meeting_date, live_interval_ms=60_000
    )
    window.messages.scripted = True
    painted: list[float] = []
    spy = _PaintSpy(painted)
    window.case_view.heading.installEventFilter(spy)
    window.cases.prefetch_enabled = prefetch
    window.resize(1920, 1080)
    window.show()
    try:
        window.load()
        _wait(window.case_shown)
        _settle(window)
        if not chair:
            window.set_follow_chair(False)
        shown, settled = [], []
        rows = window.room.agenda.rows if window.room and window.room.agenda else ()
        for _ in range(min(SWITCHES, max(0, len(rows) - 1))):
            before = window.viewing
            start = time.perf_counter()
            window.step_case(+1)
            _wait(
                window.case_shown,
                lambda b=before: (
                    window.case_view.case is not None and window.case_view.case.item.item_id != b
                ),
            )
            # Widgets updated means laid out and painted on screen, not just given their text.
            painted.clear()
            _wait_for(lambda: bool(painted))
            shown.append((painted[0] - start) * 1000)  # when the paint happened
            app.processEvents()
            _settle(window)
            settled.append((time.perf_counter() - start) * 1000)
        if not shown:
            return {"error": "no agenda with two or more cases in the database"}
        result = summarise(shown)
        later = summarise(settled)
        result.update(
            {
                "settled_median_ms": later["median_ms"],
                "settled_p95_ms": later["p95_ms"],
                "goal_p95_ms": GOAL_MS,
                "met": result["p95_ms"] < GOAL_MS,
                "agenda_cases": len(rows),
                "errors_shown": len(window.messages.log),
                "load_average": round(os.getloadavg()[0], 2),
            }
        )
        return result
    finally:
        close(window, worker, ctx)


def close(window: MainWindow, worker: Worker, ctx: AppContext) -> None:
    """The window shut down and gone, its worker stopped, its connections closed."""
    window.shutdown()
    worker.stop()
    window.deleteLater()
    _app().processEvents()
    ctx.close()


def case_switch(env: BenchEnv) -> dict[str, Any]:
    """The chair moves the meeting to the next case (PgDn); the case view shows it."""
    return _measure(env.fresh_copy("case_switch"), "bench.chair", "chair", chair=True)


def case_switch_cold(env: BenchEnv) -> dict[str, Any]:
    """As ``case_switch`` with the background read of the next case turned off."""
    return _measure(
        env.fresh_copy("case_switch_cold"), "bench.chair", "chair", chair=True, prefetch=False
    )


def case_browse(env: BenchEnv) -> dict[str, Any]:
    """A representative looks at the next case on their own screen (no shared write)."""
    return _measure(env.fresh_copy("case_browse"), "bench.rep", "representative", chair=False)


BENCHMARKS = {
    "case_switch": case_switch,
    "case_switch_cold": case_switch_cold,
    "case_browse": case_browse,
}
