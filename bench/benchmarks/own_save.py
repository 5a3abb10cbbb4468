"""A window's own Save, through its form, until it is on the window's screen (issue 12).

The chair's window (offscreen Qt, its change feed on, as in the room) on an opened meeting:
an intelligence entry, an action and a decision are each saved through the case view's own
form and button, and timed from the click until the case view shows them. A window's own
Save reaches its screens through the change feed, as anyone's does, read once: so every
statement the window's engine runs from the click until it is idle again (and a further
``QUIET_MS``, when a late read would show) is counted, with the process's CPU over that
time.

The floor, measured in the same run on the same database and connection pool: the same
Save made by the domain function the window's command calls (``entries.add_entry``,
``actions.add_action``, ``decisions.save_decision``), with no window. The window's extra
statements are what it reads to show its Save (the change log, and what it names); its
time over the floor's is the worker, the feed and the painting.

``own_save`` runs on the embedded SQLite file (the small demo); ``own_save_pg`` on a
loopback PostgreSQL server with row-level security on (``server init``, the small demo,
the chair signed in as themselves). No goal of the issue's is set on this figure; it is
reported as the measure of point 3 ("one refresh path").
"""

from __future__ import annotations

import dataclasses
import statistics
import time
from collections.abc import Callable
from typing import Any

from common import BenchEnv, summarise

ENTRIES, ACTIONS, DECISIONS = 20, 20, 10
WARM_UP = 3  # of each kind, left out (the first Save of a kind loads its code and plans)
QUIET_MS = 300  # after the window is idle: a read that comes later still counts


class _Counter:
    """The statements the window's engine runs (a SQLAlchemy ``before_cursor_execute``)."""

    def __init__(self) -> None:
        self.statements = self.selects = 0

    def __call__(self, _conn: Any, _cursor: Any, sql: str, *_rest: Any) -> None:
        self.statements += 1
        if sql.lstrip()[:6].upper().startswith(("SELECT", "WITH", "PRAGMA")):
            self.selects += 1


def _idle(window: Any) -> None:
    """The worker idle, then ``QUIET_MS`` of events (the feed's ticks), then idle again."""
    from benchmarks import meeting_ui as ui
    from PySide6.QtCore import QEventLoop, QTimer

    ui._settle(window)
    loop = QEventLoop()  # (waiting in Qt's loop costs no CPU; processEvents would spin)
    QTimer.singleShot(QUIET_MS, loop.quit)
    loop.exec()
    ui._settle(window)


def _until(condition: Callable[[], bool]) -> None:
    """Qt's loop runs until ``condition()`` holds (looked at every millisecond; waiting in
    the loop costs no CPU, where ``processEvents`` in a loop would spin) or a timeout."""
    from benchmarks import meeting_ui as ui
    from PySide6.QtCore import QEventLoop, QTimer

    if condition():
        return
    loop, timer = QEventLoop(), QTimer()
    timer.setInterval(1)
    timer.timeout.connect(lambda: condition() and loop.quit())
    timer.start()
    QTimer.singleShot(ui.TIMEOUT_MS, loop.quit)
    loop.exec()
    timer.stop()


def _timed(
    window: Any, counter: _Counter, save: Callable[[], None], shown: Callable[[], bool]
) -> dict[str, float]:

    before, selects = counter.statements, counter.selects
    started, begun = time.perf_counter(), time.process_time()
    save()
    _until(shown)
    if not shown():
        raise RuntimeError("the Save did not reach the window's screen within the timeout")
    taken = (time.perf_counter() - started) * 1000
    _idle(window)
    return {
        "ms": taken,
        "cpu_ms": (time.process_time() - begun) * 1000,
        "statements": counter.statements - before,
        "selects": counter.selects - selects,
    }


def _floor(counter: _Counter, save: Callable[[], None]) -> dict[str, float]:
    before, selects = counter.statements, counter.selects
    started, begun = time.perf_counter(), time.process_time()
    save()
    return {
        "ms": (time.perf_counter() - started) * 1000,
        "cpu_ms": (time.process_time() - begun) * 1000,
        "statements": counter.statements - before,
        "selects": counter.selects - selects,
    }


def _report(
    window_runs: list[dict[str, float]], floor_runs: list[dict[str, float]]
) -> dict[str, Any]:
    shown = window_runs[WARM_UP:]
    floor = floor_runs[WARM_UP:]
    med = lambda runs, key: round(statistics.median(r[key] for r in runs), 2)  # noqa: E731
    result: dict[str, Any] = {
        **summarise([r["ms"] for r in shown]),
        "cpu_median_ms": med(shown, "cpu_ms"),
        "statements_median": med(shown, "statements"),
        "selects_median": med(shown, "selects"),
        "floor": {
            **summarise([r["ms"] for r in floor]),
            "cpu_median_ms": med(floor, "cpu_ms"),
            "statements_median": med(floor, "statements"),
            "selects_median": med(floor, "selects"),
        },
    }
    result["ratio"] = round(result["median_ms"] / max(result["floor"]["median_ms"], 1e-6), 2)
    result["statements_beyond_the_save"] = round(
        result["statements_median"] - result["floor"]["statements_median"], 1
    )
    return result


def _measure(url: str, login: str, meeting_date: Any) -> dict[str, Any]:
    from benchmarks import meeting_ui as ui
    from sqlalchemy import event

    from frontdoor_app.context import build_context
    from frontdoor_app.meeting import actions, decisions, entries
    from frontdoor_app.settings import load_settings
    from frontdoor_app.ui.core.messages import Messages
    from frontdoor_app.ui.core.worker import Worker
    from frontdoor_app.ui.meeting.main_window import MainWindow

    ui._app()  # (the application, before any widget)
    ctx = build_context(dataclasses.replace(load_settings(url), user_login=login))
    counter = _Counter()
    event.listen(ctx.engine, "before_cursor_execute", counter)
    worker = Worker()
    window = MainWindow(ctx, worker, Messages(), meeting_date=meeting_date)
    window.messages.scripted = True
    window.resize(1920, 1080)
    window.show()
    try:
        window.load()
        ui._wait(window.case_shown)
        _idle(window)
        if window.meeting is None or window.room is None or window.room.agenda is None:
            return {"error": "no meeting with an agenda in the database"}
        if len(window.room.agenda.rows) < DECISIONS + 2:
            return {"error": "the meeting's agenda is shorter than the decisions to make"}
        _step(window)
        cv, actor, profile = window.case_view, ctx.actor, ctx.profile
        agency = cv.intelligence.agency.currentData() or actor.agency_id
        results: dict[str, Any] = {}

        # -- entries
        runs: list[dict[str, float]] = []
        cv.tabs.setCurrentWidget(cv.intelligence)  # where a representative types
        for n in range(ENTRIES):
            marker = f"OWN-ENTRY-{n} what the agency knows of the family"
            cv.intelligence.text.setPlainText(marker)

            def entry_shown(m: str = marker) -> bool:
                case = cv.case
                return case is not None and any(e.text == m for e in case.intelligence)

            runs.append(_timed(window, counter, cv.intelligence.save.click, entry_shown))
        item = window.viewing
        floors = [
            _floor(
                counter,
                lambda n=n: entries.add_entry(
                    ctx.sessions, actor, item, agency, f"OWN-FLOOR-{n} what the agency knows"
                ),
            )
            for n in range(ENTRIES)
        ]
        results["entry"] = _report(runs, floors)
        _idle(window)

        # -- actions
        tab = cv.actions_tab
        cv.tabs.setCurrentWidget(tab)
        runs = []
        for n in range(ACTIONS):
            marker = f"OWN-ACTION-{n} health visitor to call the mother"
            tab.description.setText(marker)

            def action_shown(m: str = marker) -> bool:
                return any(a.description == m for a in tab.model.rows)

            runs.append(_timed(window, counter, tab.add.click, action_shown))
        floors = [
            _floor(
                counter,
                lambda n=n: actions.add_action(
                    ctx.sessions, actor, profile, item, agency, f"OWN-FLOOR-{n} a call"
                ),
            )
            for n in range(ACTIONS)
        ]
        results["action"] = _report(runs, floors)
        _idle(window)

        # -- decisions: one a case, the chair moving on (not timed) before each
        runs = []
        form = cv.decision
        code = next(
            o.code for o in form._options if not (o.is_nfa or o.is_fgc_offer or o.is_marac_referral)
        )
        for n in range(DECISIONS):
            _step(window)
            marker = f"OWN-DECISION-{n} mother to be seen by the IDVA first"
            cv.tabs.setCurrentWidget(form)
            for c, box in form.boxes.items():
                box.setChecked(c == code)
            form.risk.setCurrentIndex(form.risk.findData("high"))
            form.rationale.setPlainText(marker)

            def decided(m: str = marker) -> bool:
                case = cv.case
                return (
                    case is not None
                    and case.decision is not None
                    and (case.decision.rationale == m)
                )

            runs.append(_timed(window, counter, form.save.click, decided))
        undecided = [r.item_id for r in window.room.agenda.rows if not r.has_decision]
        floors = [
            _floor(
                counter,
                lambda i=i, n=n: decisions.save_decision(
                    ctx.sessions, actor, profile, i, [code], "high", f"OWN-FLOOR-{n}"
                ),
            )
            for n, i in enumerate(undecided[:DECISIONS])
        ]
        if len(floors) <= WARM_UP:
            results["decision"] = {"error": "too few undecided cases left for the floor"}
        else:
            results["decision"] = _report(runs, floors)
        results["errors_shown"] = len(window.messages.log)
        return results
    finally:
        ui.close(window, worker, ctx)


def _step(window: Any) -> None:
    """The chair moves the meeting on (PgDn), and everything it starts is done."""
    from benchmarks import meeting_ui as ui

    before = window.viewing
    window.step_case(+1)
    ui._wait(
        window.case_shown,
        lambda: window.case_view.case is not None and window.case_view.case.item.item_id != before,
    )
    _idle(window)


def own_save(env: BenchEnv) -> dict[str, Any]:
    """On the embedded SQLite file: the chair's window on the latest full meeting, opened."""
    from benchmarks import meeting_ui as ui

    from frontdoor_app.context import build_context
    from frontdoor_app.settings import load_settings

    url = env.fresh_copy("own_save")
    ui._ensure_user(url, "bench.chair", "chair")
    ctx = build_context(load_settings(url))
    try:
        meeting = ui._busiest_meeting(ctx, open_it=True)
    finally:
        ctx.close()
    return {"database": "sqlite", **_measure(url, "bench.chair", meeting.meeting_date)}


def own_save_pg(env: BenchEnv) -> dict[str, Any]:
    """On a loopback server (row-level security on): today's meeting, opened by its chair,
    whose window it is (signed in as themselves)."""
    import datetime as dt

    from benchmarks import live

    server, url = live._pg(env)
    try:
        day, _item, users, ctx = live._room(url)
        ctx.close()
        chair = next(
            login for login, role in users if role == "chair" and login.startswith("demo.")
        )
        result = _measure(live._as(url, chair), chair, dt.date.fromisoformat(day))
        return {"database": "postgresql", **result}
    finally:
        server.stop()


BENCHMARKS = {"own_save": own_save, "own_save_pg": own_save_pg}
