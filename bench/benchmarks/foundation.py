"""Foundation benchmarks: building the city-scale demo, and start-up to the agenda painted."""

from __future__ import annotations

import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from common import BenchEnv, summarise

from frontdoor_app import cipher
from frontdoor_app.demo import build_demo_url

DEMO_CITY_GOAL_S = 120.0
START_RATIO_GOAL = 1.5
READY_RATIO_GOAL = 4.0  # the main window in place, against the same bare window (issue 10)
# Launch times on a shared two-core machine vary by a third from one run to the next; 25
# alternating pairs keep the medians steady (15 left the ratio wandering 1.37-1.58).
START_REPEAT = int(os.environ.get("BENCH_START_REPEAT", "25"))
LAUNCH_TIMEOUT_S = 180.0
COUNTED_TABLES = (
    "household",
    "person",
    "household_member",
    "notification",
    "notification_person",
    "meeting",
    "agenda_item",
    "intelligence_entry",
    "decision",
    "action",
    "fgc_referral",
    "audit_event",
)

# The floor: the same interpreter starting PySide6 and painting one plain main window.
BARE_WINDOW = """
import os, sys, time
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

def since_start_ms():
    # Process start from /proc (clock ticks since boot) against the uptime; psutil-free.
    ticks = int(open("/proc/self/stat").read().rsplit(")", 1)[1].split()[19])
    uptime = float(open("/proc/uptime").read().split()[0])
    return (uptime - ticks / os.sysconf("SC_CLK_TCK")) * 1000

class Label(QLabel):
    done = False

    def paintEvent(self, event):
        super().paintEvent(event)
        if not self.done:
            self.done = True
            print(f"PAINTED_CPU {time.process_time() * 1000:.1f}", flush=True)
            print(f"PAINTED {since_start_ms():.1f}", flush=True)
            app.quit()

app = QApplication(sys.argv)
window = QMainWindow()
window.setWindowTitle("Bare window")
window.setCentralWidget(Label("Today's agenda"))
window.resize(1280, 800)
window.show()
sys.exit(app.exec())
"""


def demo_city(env: BenchEnv) -> dict[str, Any]:
    """Seconds to generate the city scale into a fresh SQLite file, and what it holds."""
    path = env.work_dir / "demo-city.sqlite"
    started, cpu_started = time.perf_counter(), time.process_time()
    summary = build_demo_url(f"sqlite:///{path}", scale="city", feed_dir=env.work_dir / "feeds")
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_started
    with cipher.opened(path) as conn:
        rows = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in COUNTED_TABLES}
    result = {
        "seconds": round(seconds, 2),
        "goal_s": DEMO_CITY_GOAL_S,
        "meets_goal": seconds < DEMO_CITY_GOAL_S,
        # CPU time drifts less than wall time when the machine is shared; the load says how
        # shared it was by the end.
        "cpu_s": round(cpu_seconds, 2),
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "rows": rows,
        "file_mb": round(path.stat().st_size / 1e6, 1),
        "feed_notifications": summary.feed_notifications,
        "open_actions": summary.open_actions,
    }
    # Spare a second two-minute build when the run's other benchmarks use the city scale.
    cache = env.cache_path()
    if env.scale == "city" and not cache.exists() and not Path(f"{path}-wal").exists():
        cache.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, cache)
    path.unlink()
    return result


def _children_cpu_ms() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (usage.ru_utime + usage.ru_stime) * 1000


def _launch(
    command: list[str], markers: tuple[str, ...], env: dict[str, str]
) -> tuple[dict[str, float], dict[str, float], int, float]:
    """Start ``command`` and wait for each of ``markers`` on its stdout (the last one ends
    the wait): wall ms from the start to each marker; the ms each line printed; the exit
    status; the CPU ms the whole process used (launches run one at a time)."""
    wall: dict[str, float] = {}
    reported: dict[str, float] = {}
    with tempfile.TemporaryFile(mode="w+") as errors:
        cpu_before = _children_cpu_ms()
        started = time.perf_counter()
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=errors, text=True, env=env
        )
        watchdog = threading.Timer(LAUNCH_TIMEOUT_S, process.kill)  # our own child, by handle
        watchdog.start()
        try:
            assert process.stdout is not None
            for line in process.stdout:
                name, _, value = line.partition(" ")
                if name.endswith("_CPU") and name not in reported:
                    reported[name] = float(value)  # CPU ms at that point, as it reports
                if name in markers and name not in wall:
                    wall[name] = (time.perf_counter() - started) * 1000
                    reported[name] = float(value)
                    if name == markers[-1]:
                        break
            else:
                process.wait()
                errors.seek(0)
                raise RuntimeError(
                    f"{command[1:3]} exited {process.returncode} without "
                    f"{markers[-1]}: {errors.read()[-1500:]}"
                )
            process.stdout.read()
            code = process.wait(timeout=60)
        finally:
            watchdog.cancel()
            if process.poll() is None:
                process.kill()
                process.wait()
    return wall, reported, code, _children_cpu_ms() - cpu_before


APP_MARKERS = ("AGENDA_PAINTED", "ROOM_READY", "DATABASE_READY")


def start_to_agenda(env: BenchEnv) -> dict[str, Any]:
    """Process start to today's agenda painted, against a bare PySide6 window, same run;
    to the main window in place (every tab and button usable: a click's job waits for the
    database if it is still opening); and to the database open, the agenda read through it."""
    url = env.fresh_copy("start_to_agenda")
    child_env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "FRONTDOOR_EXIT_AFTER_AGENDA": "1"}
    # An installed application starts from compiled bytecode: the warm-up run writes it, so
    # the timed runs are not compiling source (some shells set this for development).
    child_env.pop("PYTHONDONTWRITEBYTECODE", None)
    app = [sys.executable, "-m", "frontdoor_app", "--database", url]
    bare = [sys.executable, "-c", BARE_WINDOW]
    # Where the app's time goes: only importing the command line (all sub-commands).
    imports = [sys.executable, "-c", "import frontdoor_app.cli; print('IMPORTED 0', flush=True)"]
    # One warm-up of each (the first run migrates the copy if it needs it, and warms the
    # file cache), then alternate so drift on a shared machine hits both alike.
    _launch(app, APP_MARKERS, child_env)
    _launch(bare, ("PAINTED",), child_env)
    app_ms: list[float] = []
    ready_ms: list[float] = []
    database_ms: list[float] = []
    bare_ms: list[float] = []
    app_reported: list[float] = []
    bare_reported: list[float] = []
    app_cpu: list[float] = []
    bare_cpu: list[float] = []
    import_ms: list[float] = []
    app_paint_cpu: list[float] = []
    bare_paint_cpu: list[float] = []
    exit_codes: set[int] = set()
    for _ in range(START_REPEAT):
        wall, reported, code, cpu = _launch(app, APP_MARKERS, child_env)
        app_paint_cpu.append(reported["AGENDA_PAINTED_CPU"])
        app_ms.append(wall["AGENDA_PAINTED"])
        ready_ms.append(wall["ROOM_READY"])
        database_ms.append(wall["DATABASE_READY"])
        app_reported.append(reported["AGENDA_PAINTED"])
        app_cpu.append(cpu)
        exit_codes.add(code)
        wall, reported, _code, cpu = _launch(bare, ("PAINTED",), child_env)
        bare_paint_cpu.append(reported["PAINTED_CPU"])
        bare_ms.append(wall["PAINTED"])
        bare_reported.append(reported["PAINTED"])
        bare_cpu.append(cpu)
        import_ms.append(_launch(imports, ("IMPORTED",), child_env)[0]["IMPORTED"])
    app_stats, bare_stats = summarise(app_ms), summarise(bare_ms)
    ratio = app_stats["median_ms"] / bare_stats["median_ms"]
    return {
        "app": app_stats,
        "bare_window": bare_stats,
        "ratio_median": round(ratio, 2),
        "ratio_p95": round(app_stats["p95_ms"] / bare_stats["p95_ms"], 2),
        # Each app launch against the bare launch right after it (drift hits both alike).
        "ratio_paired_median": round(
            statistics.median(a / b for a, b in zip(app_ms, bare_ms, strict=True)), 2
        ),
        "goal_ratio": START_RATIO_GOAL,
        "meets_goal": ratio <= START_RATIO_GOAL,
        # The agenda is painted from a first look (stdlib sqlite3). On the embedded file the
        # main window takes its place next, built from the first look and the rest read the
        # same way, before SQLAlchemy is loaded: every control is live, and a job a click
        # queues runs once the database is open (``database_ready``, below). Its goal is
        # READY_RATIO_GOAL bare windows.
        "main_window_ready": summarise(ready_ms),
        "main_window_ready_ratio_median": round(
            summarise(ready_ms)["median_ms"] / bare_stats["median_ms"], 2
        ),
        "main_window_ready_goal_ratio": READY_RATIO_GOAL,
        "main_window_ready_meets_goal": summarise(ready_ms)["median_ms"]
        <= READY_RATIO_GOAL * bare_stats["median_ms"],
        # The database layer loaded, the file opened, and today's meeting read again
        # through it into the window: the start is over (no goal of its own).
        "database_ready": summarise(database_ms),
        "database_ready_ratio_median": round(
            summarise(database_ms)["median_ms"] / bare_stats["median_ms"], 2
        ),
        # What the processes printed themselves (app: since its module import; bare: since
        # process start from /proc); the wall figures above are the comparable ones.
        "app_self_reported_median_ms": summarise(app_reported)["median_ms"],
        "bare_self_reported_median_ms": summarise(bare_reported)["median_ms"],
        # CPU per process (to its exit), less sensitive to a busy machine than wall time.
        "app_cpu_median_ms": summarise(app_cpu)["median_ms"],
        # CPU spent until the first paint (the app's includes its key-reading child): the
        # work the first look costs, whatever else the machine is doing.
        "first_paint_cpu": {
            "app_median_ms": summarise(app_paint_cpu)["median_ms"],
            "bare_median_ms": summarise(bare_paint_cpu)["median_ms"],
            "ratio_median": round(
                statistics.median(app_paint_cpu) / statistics.median(bare_paint_cpu), 2
            ),
        },
        "bare_cpu_median_ms": summarise(bare_cpu)["median_ms"],
        "import_cli_only": summarise(import_ms),
        "app_exit_codes": sorted(exit_codes),
        "database_scale": env.scale,
    }


BENCHMARKS = {"demo_city": demo_city, "start_to_agenda": start_to_agenda}
