"""One laptop in the live benchmarks: a real main window (offscreen) on one case.

Started by ``bench/benchmarks/live.py`` as a separate process. It opens the meeting of
``--date`` signed in as ``--login`` on ``--url``, shows case ``--item`` and prints one JSON
line per event on stdout:

- ``{"ready": true}`` once the case is shown and the live feed has its place in the log;
- ``{"seen": MARKER, "t": EPOCH}`` the moment the case view shows an entry whose text
  starts with ``MARKER`` (wall clock, the same machine as the writer's);
- with ``--save-every S`` it saves an entry itself every S seconds through the window's own
  Save (``{"saved": MARKER, "t": EPOCH, "ms": DURATION}``), with ``--action-every`` an action,
  and with ``--move-every`` (the chair) it moves the current case;
- ``{"stats": {...}}`` at the end: CPU seconds, peak resident memory, conflicts shown.

``--floor`` instead runs the bare floor: a plain psycopg connection that LISTENs, wakes on
the notification and SELECTs the changed row.
"""

from __future__ import annotations

import argparse
import collections
import dataclasses
import datetime as dt
import json
import os
import resource
import sys
import threading
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def say(**fields: object) -> None:
    print(json.dumps(fields), flush=True)


def floor(url: str, seconds: float) -> None:
    import select as io

    import psycopg
    from sqlalchemy.engine import make_url

    conninfo = make_url(url).set(drivername="postgresql").render_as_string(False)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute("LISTEN frontdoor_changes")
        say(ready=True)
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            if not io.select([conn.fileno()], [], [], 0.5)[0]:
                continue
            conn.pgconn.consume_input()
            while (note := conn.pgconn.notifies()) is not None:
                table, _, row = note.extra.decode().partition(":")
                if table != "intelligence_entry" or not row:
                    continue
                text = conn.execute(
                    "SELECT text FROM intelligence_entry WHERE id = %s", (int(row),)
                ).fetchone()
                if text and text[0].startswith("LIVE-"):
                    say(seen=text[0].split(" ", 1)[0], t=time.time())


# FRONTDOOR_LIVE_PHASES=DIR: each receiver's Qt thread CPU by step of taking a save in
# (wrapped functions; they nest: the feed's answer holds the showing), written after each
# entry from the fifth on to DIR/LOGIN.json, summed with the calls, beside "_total": the
# thread's CPU over those saves. The benchmark reports their medians across receivers.
PHASES = (
    ("frontdoor_app.ui.core.live", "LiveFeed", "_socket_ready", "feed: doorbell, log read sent"),
    ("frontdoor_app.ui.core.live", "LiveFeed", "_taken", "feed: answer taken"),
    ("frontdoor_app.ui.core.live", "LiveFeed", "_got_changes", "feed: changes to the screens"),
    ("frontdoor_app.ui.case.case_view", "CaseViewWidget", "show_entries", "case: entries shown"),
    ("frontdoor_app.ui.widgets.tables", "_FitToContents", "_inserted", "case: new row measured"),
    ("frontdoor_app.ui.case.case_view", "CaseViewWidget", "_show_entry_counts", "case: tab counts"),
    ("frontdoor_app.ui.widgets.tables", "Table", "paintEvent", "paint: table"),
)


def time_phases(spent: dict[str, list[float]]) -> None:
    """Wrap each of ``PHASES`` to add its thread CPU (s) and calls to ``spent[label]``."""
    import importlib

    for module, owner_name, name, label in PHASES:
        owner = getattr(importlib.import_module(module), owner_name)
        inner = getattr(owner, name)

        def timed(*args, _inner=inner, _label=label, **kwargs):  # type: ignore[no-untyped-def]
            begun = time.thread_time()
            try:
                return _inner(*args, **kwargs)
            finally:
                total = spent.setdefault(_label, [0.0, 0])
                total[0] += time.thread_time() - begun
                total[1] += 1

        setattr(owner, name, timed)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--login", default="")
    parser.add_argument("--item", type=int, default=0)
    parser.add_argument("--date", default="")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--floor", action="store_true")
    parser.add_argument("--save-every", type=float, default=0)
    parser.add_argument("--action-every", type=float, default=0)
    parser.add_argument("--move-every", type=float, default=0)
    parser.add_argument("--interval-ms", type=int, default=200)
    # The case's tab on screen: the entries, where a representative types and reads.
    parser.add_argument("--tab", default="intelligence")
    args = parser.parse_args()
    if args.floor:
        floor(args.url, args.seconds)
        return 0

    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtWidgets import QApplication

    from frontdoor_app.ui.case.case_view import CaseViewWidget

    if args.tab not in CaseViewWidget.TAB_NAMES:  # never "not ready": say so, and stop
        parser.error(
            f"--tab {args.tab!r} is not a tab of the case view; "
            f"one of: {', '.join(CaseViewWidget.TAB_NAMES)}"
        )

    from frontdoor_app.context import build_context
    from frontdoor_app.settings import load_settings
    from frontdoor_app.ui.core.collector import GuiThreadCollector
    from frontdoor_app.ui.core.messages import Messages
    from frontdoor_app.ui.core.worker import Worker
    from frontdoor_app.ui.meeting.main_window import MainWindow

    app = QApplication([])
    phases_dir = os.environ.get("FRONTDOOR_LIVE_PHASES", "")
    spent: dict[str, list[float]] = {}
    if phases_dir:
        time_phases(spent)  # before the window is made: its signals connect to the wrappers
    # FRONTDOOR_LIVE_EVENTS=DIR: the Qt events each receiver's objects get per save (by
    # class and type, from the fifth entry on, to DIR/LOGIN.json), and with
    # FRONTDOOR_LIVE_CPROFILE=LOGIN that one receiver's Python, by thread CPU (LOGIN.pstats).
    events_dir = os.environ.get("FRONTDOOR_LIVE_EVENTS", "")
    counted: collections.Counter[str] = collections.Counter()
    profiled = None
    if events_dir:
        from PySide6.QtCore import QObject

        class _Counter(QObject):
            def eventFilter(self, watched, event):  # type: ignore[no-untyped-def]  # noqa: N802
                if counted.get("_on"):
                    counted[f"{type(watched).__name__}/{event.type().name}"] += 1
                return False

        counter = _Counter()
        app.installEventFilter(counter)
        if os.environ.get("FRONTDOOR_LIVE_CPROFILE") == args.login:
            import cProfile

            profiled = cProfile.Profile(time.thread_time)
    # Cycles collected as the desktop application collects them (ui.core.collector): on
    # this thread's timer, held while the window loads, what the start made then frozen.
    collector = GuiThreadCollector(app, hold_ms=60_000)
    collector.freeze_after_start = True
    settings = dataclasses.replace(load_settings(database_url=args.url), user_login=args.login)
    ctx = build_context(settings)
    messages = Messages()
    messages.scripted = True
    window = MainWindow(
        ctx,
        Worker(),
        messages,
        meeting_date=dt.date.fromisoformat(args.date),
        live_interval_ms=args.interval_ms,
    )
    window.resize(1400, 860)
    seen: set[str] = set()
    original = window.case_view.show_case

    def show_case(case, keep_edits=False):  # type: ignore[no-untyped-def]
        original(case, keep_edits)
        shown(case)

    checked: set[int] = set()  # entries looked at already: each new one once, not all again

    def shown(case):  # type: ignore[no-untyped-def]
        now = time.time()
        for entry in case.intelligence:
            if entry.id in checked:
                continue
            checked.add(entry.id)
            marker = entry.text.split(" ", 1)[0]
            if marker.startswith("LIVE-") and marker not in seen:
                seen.add(marker)
                say(seen=marker, t=now)
                if phases_dir or events_dir:
                    phases_after(len(seen))

    def phases_after(entries: int) -> None:
        """From the fifth entry on (the first ones load what the rest find loaded): each
        measure started at the fourth, and written after each one since."""
        if entries < 4:
            return
        first = entries == 4

        def write(folder: str, what: object) -> None:
            with open(os.path.join(folder, f"{args.login}.json"), "w") as out:
                json.dump(what, out)

        if profiled is not None:
            if not first:
                profiled.disable()
                profiled.dump_stats(os.path.join(events_dir, f"{args.login}.pstats"))
            profiled.enable()
        if events_dir:
            if first:
                counted.clear()
                counted["_on"] = 1
            else:
                counted["_entries"] = entries - 4
                write(events_dir, counted)
        if phases_dir:
            if first:
                spent.clear()
                spent["_start"] = [time.thread_time(), 0]
            else:
                spent["_total"] = [time.thread_time() - spent["_start"][0], entries - 4]
                write(phases_dir, spent)

    window.case_view.show_case = show_case  # type: ignore[method-assign]
    entries_only = window.case_view.show_entries

    def show_entries(case):  # type: ignore[no-untyped-def]
        entries_only(case)
        shown(case)

    window.case_view.show_entries = show_entries  # type: ignore[method-assign]
    feed_seen: set[int] = set()  # entry rows the change feed delivered (all cases)
    feed_dupes = [0]

    def changed(rows) -> None:  # type: ignore[no-untyped-def]
        for row in rows:
            if row.table_name == "intelligence_entry" and row.row_id is not None:
                if row.row_id in feed_seen:
                    feed_dupes[0] += 1
                feed_seen.add(row.row_id)

    window.live.changed.connect(changed)
    # the save job's statements: seconds in them, how many, the chain's lock among them
    timing: dict[str, float] = {}
    engine = ctx.sessions.kw["bind"]

    def before_sql(conn, _cursor, _statement, *_rest) -> None:  # type: ignore[no-untyped-def]
        if timing.get("on") == threading.get_ident():
            conn.info["bench_t0"] = time.perf_counter()

    def after_sql(conn, _cursor, statement, *_rest) -> None:  # type: ignore[no-untyped-def]
        t0 = conn.info.pop("bench_t0", None)
        if timing.get("on") == threading.get_ident() and t0 is not None:
            spent = time.perf_counter() - t0
            timing["sql"] = timing.get("sql", 0.0) + spent
            timing["n"] = timing.get("n", 0) + 1
            # the statement that takes the chain's lock (and, in fd_audit_append, appends)
            if "advisory" in statement or "fd_audit_append" in statement:
                timing["lock"] = timing.get("lock", 0.0) + spent
                timing["locked_at"] = time.perf_counter()

    if args.save_every or args.action_every:
        # Only on a client that saves: a listener makes every statement's events fire,
        # the change feed's reads too (a receiver's cost, not the application's).
        from sqlalchemy import event

        event.listen(engine, "before_cursor_execute", before_sql)
        event.listen(engine, "after_cursor_execute", after_sql)
    window.set_follow_chair(False)  # stay on the measured case whatever the chair does
    window.show()
    window.load()
    state = {"ready": False, "n": 0}

    def check_ready() -> None:
        if state["ready"]:
            return
        case = window.case_view.case
        if window.room is None:
            return
        if case is None or case.item.item_id != args.item:
            if window.viewing != args.item:
                window.show_item(args.item)
            return
        if window.live.last_id is None:
            return
        view = window.case_view
        view.tabs.setCurrentIndex(view.TAB_NAMES.index(args.tab))
        state["ready"] = True
        # Ready once: no more waking every 50 ms (each wake of an idle Qt process costs
        # about 0.15 ms of CPU; in 16 clients, a fifth of a core the laptops never spend).
        ticker.stop()
        collector.settle()
        say(ready=True)

    ticker = QTimer()
    ticker.timeout.connect(check_ready)
    ticker.start(50)

    def save_entry() -> None:
        if not state["ready"]:
            return
        state["n"] += 1
        marker = f"LIVE-{args.login}-{state['n']}"
        items = [r.item_id for r in window.room.agenda.rows] if window.room else [args.item]
        item = items[state["n"] % len(items)]
        started = time.perf_counter()
        ran: dict[str, float] = {}

        def done(_view: object) -> None:
            say(
                saved=marker,
                t=time.time(),
                ms=(time.perf_counter() - started) * 1000,
                # where that time went: waiting for the worker, the save itself, and of
                # that the statements' round trips (the chain's lock among them)
                queued_ms=(ran["start"] - started) * 1000,
                job_ms=(ran["end"] - ran["start"]) * 1000,
                sql_ms=ran.get("sql", 0.0) * 1000,
                lock_ms=ran.get("lock", 0.0) * 1000,
                # from taking the chain's lock to the save's end (its commit): what every
                # other save in the room waits behind
                held_ms=(ran["end"] - ran["locked_at"]) * 1000 if "locked_at" in ran else 0.0,
                statements=ran.get("n", 0),
            )

        from frontdoor_app.meeting import entries

        ctx_ = window.ctx
        agency = ctx_.actor.agency_id

        def job() -> object:
            ran["start"] = time.perf_counter()
            timing.clear()
            timing["on"] = threading.get_ident()
            try:
                return entries.add_entry(
                    ctx_.sessions, ctx_.actor, item, agency, f"{marker} what the agency knows"
                )
            finally:
                ran["end"] = time.perf_counter()
                timing.pop("on", None)
                ran.update(timing)

        # As the window's Save: a command (ahead of the reads waiting on the worker).
        window.ops.command(
            None, lambda _reason: job(), done, doing="Save", on_failed=lambda e: say(error=str(e))
        )

    def add_action() -> None:
        if not state["ready"]:
            return
        from frontdoor_app.meeting import actions

        ctx_ = window.ctx
        started = time.perf_counter()
        window.ops.command(
            None,
            lambda _reason: actions.add_action(
                ctx_.sessions,
                ctx_.actor,
                ctx_.profile,
                args.item,
                ctx_.actor.agency_id,
                "Follow up with the family",
            ),
            lambda _v: say(action=True, ms=(time.perf_counter() - started) * 1000),
            doing="Save the action",
            on_failed=lambda exc: say(error=str(exc)),
        )

    def move_case() -> None:
        if not state["ready"] or window.room is None:
            return
        rows = window.room.agenda.rows
        current = window.meeting.current_item_id if window.meeting else None
        ids = [r.item_id for r in rows]
        nxt = ids[(ids.index(current) + 1) % len(ids)] if current in ids else ids[0]
        window.make_current(nxt)
        say(moved=nxt, t=time.time())

    timers = []

    def go(seconds: float, phase: float = 0.0) -> None:
        """Start saving now, for ``seconds``, then report and quit. ``phase`` (0 to 1): how
        far into each period this person's first save falls (people in a room do not
        press Save in step)."""
        # Precise timers: Qt's default (coarse) timers move a timeout by up to 5% to wake
        # with others, which put every laptop's Save on the same half-second boundaries
        # (seven representatives pressing Save at the same instant every 2 s), whatever
        # each one's phase.
        precise = Qt.TimerType.PreciseTimer
        for every, fn in (
            (args.save_every, save_entry),
            (args.action_every, add_action),
            (args.move_every, move_case),
        ):
            if every:
                timer, first = QTimer(), QTimer()
                timer.setTimerType(precise)
                timer.timeout.connect(fn)
                first.setTimerType(precise)
                first.setSingleShot(True)
                first.timeout.connect(lambda t=timer, e=every: t.start(int(e * 1000)))
                first.start(int(phase * every * 1000))
                timers.extend((first, timer))
        QTimer.singleShot(int(seconds * 1000), lambda: [t.stop() for t in timers])
        QTimer.singleShot(int(seconds * 1000) + 8000, finish)  # let the last saves arrive

    def command() -> None:
        line = sys.stdin.readline()
        if line.startswith("go "):
            words = line.split()
            go(float(words[1]), float(words[2]) if len(words) > 2 else 0.0)
        elif not line or line.startswith("quit"):
            finish()

    if args.save_every or args.action_every or args.move_every:
        from PySide6.QtCore import QSocketNotifier

        stdin_notifier = QSocketNotifier(sys.stdin.fileno(), QSocketNotifier.Type.Read)
        stdin_notifier.activated.connect(command)

    def finish() -> None:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        conflicts = sum(1 for m in messages.log if m.kind == "conflict")
        errors = [m.text for m in messages.log if m.kind in ("error", "warning")]
        say(
            stats={
                "cpu_s": usage.ru_utime + usage.ru_stime,
                "max_rss_mb": usage.ru_maxrss / 1024,
                "conflicts": conflicts,
                "errors": errors[:5],
                "seen": len(seen),
                "feed_entries": sorted(feed_seen),
                "feed_duplicates": feed_dupes[0],
            }
        )
        window.shutdown()
        window.worker.stop()
        app.quit()

    done = [False]
    original_finish = finish

    def finish_once() -> None:
        if not done[0]:
            done[0] = True
            original_finish()

    finish = finish_once  # noqa: F811 - once only, whichever comes first
    QTimer.singleShot(int(args.seconds * 1000), finish)
    app.exec()
    ctx.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
