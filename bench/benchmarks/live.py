"""Live on every laptop: commit to shown on every other laptop, and a meeting under load.

``live_pg``: a throwaway loopback PostgreSQL server with the small demo; one chair and
fifteen representatives, each a separate process with a real main window (offscreen) on
the same case (``bench/clients/live_client.py``). A representative saves entries; for each,
the time from its commit (its COMMIT sent) to the entry being shown in every other client's
case view. The floor, in the same run: a bare psycopg client that LISTENs, wakes on the
notification and SELECTs the changed row. Goal: p95 < 30 ms across all receivers, ≤ 10×
the floor. Beside it, the room's CPU for one save (every receiver, and the server's
processes) and that over the machine's cores: the least time in which all sixteen
processes sharing it can react.
``FRONTDOOR_LIVE_PHASES=DIR``: where each receiver's Qt thread spends a save, by step.
``FRONTDOOR_LIVE_EVENTS=DIR``: the Qt events each receiver's objects get per save; with
``FRONTDOOR_LIVE_CPROFILE=LOGIN``, that receiver's Python profiled by thread CPU.
``FRONTDOOR_LIVE_BARE=1``: every receiver a bare floor client: the room's own floor.
``live_sqlite``: the same clients on one SQLite file (PRAGMA data_version doorbell).
``meeting_load_pg``: the sixteen clients for ``LOAD_SECONDS``: each representative saves an
entry every 2 s and an action every 10 s, the chair moves the case every 30 s; saves made,
saves seen by every client's change feed, duplicates, conflicts, save p95, CPU and memory;
and its floor in the same run, the same Save on the server once the room is quiet: back to
back, and 2 s apart as each representative's are in the load (on this machine a Save after
a pause costs many times one straight after another: ``bench/idle_memory.py``).
"""

from __future__ import annotations

import dataclasses
import json
import os
import random
import select
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from common import BENCH_DIR, BenchEnv, summarise
from sqlalchemy import event

ROOT = BENCH_DIR.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CLIENT = BENCH_DIR / "clients" / "live_client.py"
# The case's tab each receiver shows: the entries, where representatives read and type (the
# case's first tab, "incident", does not lay out or paint the entries when one comes).
TAB = os.environ.get("FRONTDOOR_LIVE_TAB", "intelligence")
# The chair and fourteen representatives; the fifteenth representative saves. Fewer
# (FRONTDOOR_LIVE_RECEIVERS) show what the machine's sharing adds: in the room each laptop
# has its own cores, here all the receivers share two.
RECEIVERS = int(os.environ.get("FRONTDOOR_LIVE_RECEIVERS", "15"))
# Two hundred saves, 3,000 receptions over two minutes. The p95 of 20 saves (300 receptions
# in 12 s, the 15 slowest deciding it) moved by 6 ms between runs of the same code on this
# shared machine (25.8-31.7 ms over 18 runs), whatever else the machine did in those 12 s,
# and the receivers' first saves (warming up) weighed more in it; that of 200 by under 2 ms
# (25.0-26.6 ms over 4 runs). FRONTDOOR_LIVE_SAVES sets it (fewer for a quick look, more to
# keep the room busy while a profiler samples it).
SAVES = int(os.environ.get("FRONTDOOR_LIVE_SAVES", "200"))
# The pause between two saves (s). On this machine memory untouched for a while is slow to
# touch again (``machine.memory_idle_penalty`` in every result), so a shorter pause
# (FRONTDOOR_LIVE_GAP) shows how much of each laptop's work is that.
GAP = float(os.environ.get("FRONTDOOR_LIVE_GAP", "0.6"))
# FRONTDOOR_LIVE_BARE=1: every receiver is the bare floor client (LISTEN, wake, SELECT the
# row), not a window: what the room's sixteen processes cost on this machine before any
# window's work (the server's wake-ups and round trips, the machine's scheduling).
BARE = os.environ.get("FRONTDOOR_LIVE_BARE") == "1"
GOAL_P95_MS = 30.0
GOAL_RATIO = 10.0
LOAD_SECONDS = float(os.environ.get("FRONTDOOR_LOAD_SECONDS", "180"))


class ClientFailed(RuntimeError):
    """A client process ended before it was ready: its name, exit code and its own words."""


class Client:
    def __init__(self, name: str, args: list[str], script: Path = CLIENT) -> None:
        self.name = name
        # The project first, then what the runner set (bench/ holds the benchmark keyring
        # that PYTHON_KEYRING_BACKEND names: without it every client dies at its first read).
        path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=path)
        # What it says on stderr is kept (a file: Qt's warnings never fill a pipe), so a
        # client that dies is reported in its own words, not as one that never got ready.
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 - closed by stop()
        self.proc = subprocess.Popen(
            [sys.executable, str(script), *args],
            stdout=subprocess.PIPE,
            stdin=subprocess.PIPE,
            stderr=self._stderr,
            env=env,
            bufsize=0,
        )
        self.events: list[dict[str, Any]] = []
        self.ready = False
        self._partial = b""

    def said(self, lines: int = 6) -> str:
        """The last ``lines`` lines the client wrote on stderr (Qt's platform chatter left out)."""
        self._stderr.seek(0)
        text = self._stderr.read().decode(errors="replace")
        kept = [line for line in text.splitlines() if "propagateSizeHints" not in line]
        return "\n".join(kept[-lines:])

    def failure(self) -> str | None:
        """Why the client ended before it was ready; None while it runs or once ready."""
        if self.ready or self.proc.poll() is None:
            return None
        self.pump(0)  # a "ready" printed just before it ended still counts
        if self.ready:
            return None
        said = self.said() or "(nothing on stderr)"
        return f"client {self.name} ended before it was ready (exit code {self.proc.returncode}):\n{said}"

    def pump(self, timeout: float) -> None:
        """Take in what the client has printed, waiting at most ``timeout`` for the first.

        The pipe is read with ``os.read`` and split into lines here: a buffered
        ``readline`` would read two lines printed together (two entries shown by one
        refresh) and return one, and ``select`` on the pipe would then not wake for the
        other until the client printed again: after the last save, never.
        """
        out = self.proc.stdout
        assert out is not None
        fd = out.fileno()
        while select.select([fd], [], [], timeout)[0]:
            chunk = os.read(fd, 65536)
            if not chunk:
                return
            *lines, self._partial = (self._partial + chunk).split(b"\n")
            for line in lines:
                try:
                    event = json.loads(line)
                except ValueError:
                    continue
                self.events.append(event)
                self.ready = self.ready or bool(event.get("ready"))
            timeout = 0

    def send(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write((line + "\n").encode())
        self.proc.stdin.flush()

    def seen(self) -> dict[str, float]:
        return {e["seen"]: e["t"] for e in self.events if "seen" in e}

    def stats(self) -> dict[str, Any]:
        return next((e["stats"] for e in self.events if "stats" in e), {})

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for pipe in (self.proc.stdin, self.proc.stdout):
            if pipe is not None:
                pipe.close()
        self._stderr.close()


def _pump_all(clients: list[Client], until: Any, timeout_s: float) -> bool:
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        for c in clients:
            c.pump(0.01)
        if until():
            return True
    return False


def _until_ready(clients: list[Client], timeout_s: float) -> None:
    """Wait for every client to say it is ready; raise ``ClientFailed`` at once when one has
    ended first (in its own words), or naming those not ready when ``timeout_s`` is up."""

    def settled() -> bool:
        for c in clients:
            if (why := c.failure()) is not None:
                raise ClientFailed(why)
        return all(c.ready for c in clients)

    if not _pump_all(clients, settled, timeout_s):
        late = [c.name for c in clients if not c.ready]
        raise ClientFailed(f"clients not ready after {timeout_s:.0f} s: {late}")


def _start_in_turn(specs: list[tuple[str, list[str]]]) -> list[Client]:
    """Start the clients one after the other (each start syncs reference data, a write:
    fifteen at once on one SQLite file would queue on its lock), each once the last is up."""
    clients: list[Client] = []
    try:
        for name, args in specs:
            client = Client(name, args)
            clients.append(client)
            _until_ready([client], 60)
    except ClientFailed:
        for c in clients:
            c.stop()
        raise
    return clients


def _room(url: str) -> tuple[str, int, list[tuple[str, str]], Any]:
    """Today's meeting opened by the chair; its first case; the logins to sign in with."""
    from sqlalchemy import select as sql

    from frontdoor_app.context import build_context
    from frontdoor_app.meeting import lifecycle
    from frontdoor_app.models import AgendaItem, Meeting, User
    from frontdoor_app.settings import load_settings

    if url.startswith("postgresql"):  # on a server everyone signs in as themselves
        url = _as(url, "demo.chair1")
    ctx = build_context(load_settings(database_url=url))
    with ctx.read_session() as s:
        meeting = s.scalar(sql(Meeting).order_by(Meeting.meeting_date.desc()).limit(1))
        assert meeting is not None
        item = s.scalar(
            sql(AgendaItem.id)
            .where(AgendaItem.meeting_id == meeting.id)
            .order_by(AgendaItem.position)
            .limit(1)
        )
        users = [(u.login, u.role) for u in s.scalars(sql(User).order_by(User.id))]
        day = meeting.meeting_date
        meeting_id, version, status = meeting.id, meeting.version, meeting.status
    chair = next(login for login, role in users if role == "chair" and login.startswith("demo."))
    if status == "planned":
        lifecycle.open_meeting(ctx.sessions, _actor(ctx, chair), meeting_id, version)
    assert item is not None
    return day.isoformat(), int(item), users, ctx


def _actor(ctx: Any, login: str) -> Any:
    from frontdoor_app.access.users import find_actor

    with ctx.read_session() as s:
        actor = find_actor(s, login)
    assert actor is not None, login
    return actor


def _measure(url: str, floor_url: str | None, server_pid: int | None = None) -> dict[str, Any]:
    from frontdoor_app.meeting import entries

    day, item, users, ctx = _room(url)
    chairs = [login for login, role in users if role == "chair" and login.startswith("demo.")]
    reps = [login for login, role in users if role == "representative"]
    saver = reps[-1]
    logins = [chairs[0], *reps[: RECEIVERS - 1]]
    own = (lambda login: _as(url, login)) if url.startswith("postgresql") else (lambda _l: url)
    specs = [
        (
            login,
            [
                *("--url", own(login), "--login", login, "--item", str(item), "--date", day),
                *("--seconds", "300", "--tab", TAB),
            ]
            if not BARE
            else ["--floor", "--url", own(login), "--seconds", "300"],
        )
        for login in logins
    ]
    try:
        clients = _start_in_turn(specs)
    except ClientFailed:  # the chair's context is closed below only once they are up
        ctx.close()
        raise
    floor = (
        Client("floor", ["--floor", "--url", own(reps[0]), "--seconds", "240"])
        if floor_url
        else None
    )
    everyone = clients + ([floor] if floor else [])
    try:
        _until_ready(everyone, 180)
        time.sleep(2)  # let every window settle after its first load
        cpu_before = _thread_cpu(clients)
        server_before = _server_cpu(server_pid)
        # The representative saves as themselves: on a server over their own connection,
        # on the file as the signed-in user (the chair's context has no agency to save for).
        from frontdoor_app.context import build_context
        from frontdoor_app.settings import load_settings

        if url.startswith("postgresql"):
            writer = build_context(load_settings(database_url=_as(url, saver)))
        else:
            settings = load_settings(database_url=url)
            writer = build_context(dataclasses.replace(settings, user_login=saver))
        actor = writer.actor
        # Each save's commit: the moment its COMMIT is sent, so the commit's own round trip
        # counts in commit-to-shown. On the server that is the audit chain's statement with
        # COMMIT in the same message (``audit_chain._with_commit``), some way before the Save
        # returns; elsewhere SQLAlchemy's commit event, just before the driver's commit.
        # Stamped when the Save returned, as it was, a busy room read entries "shown" up to
        # 43 ms before "committed": the saver waits its turn for the CPU among the receivers
        # woken by its own commit before it reads the answer.
        sent: list[float] = []

        def sending(_connection: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
            if statement.rstrip().upper().endswith("COMMIT"):
                sent.append(time.time())

        event.listen(writer.engine, "before_cursor_execute", sending)
        event.listen(writer.engine, "commit", lambda _connection: sent.append(time.time()))
        committed: dict[str, float] = {}
        back_after: list[float] = []  # from the COMMIT sent to the Save back in the saver
        saver_ms: list[float] = []  # the saver's Save, and its CPU (the saver's thread)
        saver_cpu: list[float] = []
        for n in range(1, SAVES + 1):
            marker = f"LIVE-{n}"
            first = len(sent)
            started, begun = time.perf_counter(), time.thread_time()
            entries.add_entry(
                writer.sessions,
                actor,
                item,
                actor.agency_id or 0,
                f"{marker} what the agency knows",
            )
            back = time.time()
            saver_ms.append((time.perf_counter() - started) * 1000)
            saver_cpu.append((time.thread_time() - begun) * 1000)
            committed[marker] = sent[first]  # the first: a later COMMIT finds nothing to do
            back_after.append((back - sent[first]) * 1000)
            _pump_all(everyone, lambda: False, GAP)
        _pump_all(clients, lambda: all(len(c.seen()) >= SAVES for c in clients), 30)
        cpu_after = _thread_cpu(clients)
        # each client's CPU seconds over the saves, by part (its Qt thread, the others)
        spent = {
            name: {part: cpu_after[name][part] - cpu_before[name][part] for part in PARTS}
            for name in cpu_after
        }
        role = {c.name: "chair" if c.name == chairs[0] else "representatives" for c in clients}
        server_after = _server_cpu(server_pid)
        latencies, missing, worst = [], 0, []
        by_role: dict[str, list[float]] = {"chair": [], "representatives": []}
        gui_by_role: dict[str, list[float]] = {"chair": [], "representatives": []}
        missing_by: dict[str, list[str]] = {}
        together = 0  # refreshes that brought more than one new entry at once
        by_save: dict[str, list[float]] = {m: [] for m in committed}
        for c in clients:
            seen = c.seen()
            together += len(seen) - len(set(seen.values()))
            mine = []
            for m, t in committed.items():
                if m in seen:
                    mine.append((seen[m] - t) * 1000)
                    by_save[m].append(mine[-1])
            missing += SAVES - len(mine)
            if len(mine) < SAVES:
                missing_by[c.name] = sorted(m for m in committed if m not in seen)
            latencies += mine
            by_role[role[c.name]] += mine
            gui_by_role[role[c.name]].append(spent[c.name]["gui_thread"])
            if mine:
                worst.append(summarise(mine)["p95_ms"])
        receivers_cpu = sum(sum(parts.values()) for parts in spent.values())
        server_cpu = server_after - server_before
        room_cpu = round((receivers_cpu + server_cpu) * 1000 / SAVES, 1)
        result: dict[str, Any] = {
            "receivers": len(clients),
            "receivers_are": "bare psycopg clients (the floor's)" if BARE else "main windows",
            "saves": SAVES,
            "missing": missing,
            "missing_by_receiver": missing_by,
            "entries_shown_with_another": together,
            # Each save's fastest, median and slowest receiver (ms): a cost that lands on
            # every laptop at once (the first entry each receives) shows as one slow save,
            # which alone is the 15 slowest of the 300 samples the p95 is taken from.
            "per_save_ms": [
                [round(x, 1) for x in (min(ms), statistics.median(ms), max(ms))]
                for ms in by_save.values()
                if ms
            ],
            "commit_to_shown": summarise(latencies) if latencies else None,
            "commit_to_save_back": summarise(back_after),
            # The saver's own Save, GAP s after its last: on this machine memory left alone
            # that long is dearer to touch (bench/idle_memory.py); the same Save back to back
            # and 2 s apart on a quiet server is in meeting_load_pg's floors.
            "saver_save": summarise(saver_ms),
            "saver_save_cpu_median_ms": round(statistics.median(saver_cpu), 2),
            "max_ms": round(max(latencies), 1) if latencies else None,
            "worst_receiver_p95_ms": max(worst) if worst else None,
            "goal_p95_ms": GOAL_P95_MS,
            "receivers_tab": TAB,
            # each receiver's CPU for one entry someone saved: its Qt thread (the feed, the
            # case view, painting) and the others (the worker's reads, Qt's own)
            "receiver_cpu_ms_per_save": {
                part: _per_save([spent[name][part] for name in spent]) for part in PARTS
            },
            # The room's CPU for one save: every receiver (both parts) and, on a server, its
            # processes (the receivers' reads, the save, the floor's SELECT). Over the cores,
            # it is the least time before the last receiver has done its part, when they all
            # share this machine (as here; in the room each laptop has its own).
            "server_cpu_ms_per_save": (
                round(server_cpu * 1000 / SAVES, 2) if server_pid is not None else None
            ),
            "room_cpu_ms_per_save": room_cpu,
            "cpu_bound_ms": round(room_cpu / (os.cpu_count() or 1), 1),
            # The chair's window beside the representatives': commit-to-shown, and its Qt
            # thread's CPU for one save (a receiver that costs more is shown later, and with
            # twenty saves it alone can be the 15 slowest samples of 300)
            "by_role": {
                name: {
                    **(summarise(ms) if ms else {}),
                    "gui_cpu_ms_per_save": _per_save(gui_by_role[name]),
                }
                for name, ms in by_role.items()
            },
        }
        phases_dir = os.environ.get("FRONTDOOR_LIVE_PHASES")
        if phases_dir:
            result["receiver_phases_ms_per_save"] = _phases(Path(phases_dir))
        if floor is not None:
            seen = floor.seen()
            floor_ms = [(seen[m] - t) * 1000 for m, t in committed.items() if m in seen]
            result["floor_listen_select"] = summarise(floor_ms) if floor_ms else None
            if floor_ms and latencies:
                result["ratio_p95"] = round(
                    summarise(latencies)["p95_ms"] / max(summarise(floor_ms)["p95_ms"], 0.001), 2
                )
                result["goal_ratio"] = GOAL_RATIO
        return result
    finally:
        for c in everyone:
            c.stop()
        if "writer" in locals() and writer is not ctx:
            writer.close()
        ctx.close()


def _phases(folder: Path) -> dict[str, float]:
    """The receivers' Qt thread CPU per save by step (``FRONTDOOR_LIVE_PHASES``: written by
    each client, ``live_client.PHASES``), the median across receivers; "_total" is all of it."""
    by_step: dict[str, list[float]] = {}
    for path in folder.glob("*.json"):
        spent = json.loads(path.read_text())
        saves = spent.pop("_total", [0.0, 0])
        spent.pop("_start", None)
        if not saves[1]:
            continue
        by_step.setdefault("_total", []).append(saves[0] * 1000 / saves[1])
        for step, (seconds, _calls) in spent.items():
            by_step.setdefault(step, []).append(seconds * 1000 / saves[1])
    return {step: round(statistics.median(ms), 3) for step, ms in sorted(by_step.items())}


def _quiet_saves(
    url: str, login: str, item: int, n: int = 40, pause: float = 0.0
) -> tuple[list[float], list[float]]:
    """``n`` entries saved one after the other by ``login`` on its own connection, with no
    client running, ``pause`` seconds apart: each Save's milliseconds and its CPU in this
    thread (after three unmeasured, which connect)."""
    from frontdoor_app.context import build_context
    from frontdoor_app.meeting import entries
    from frontdoor_app.settings import load_settings

    ctx = build_context(load_settings(database_url=_as(url, login)))
    try:
        actor, taken, cpu = ctx.actor, [], []
        for k in range(n + 3):
            if pause and k >= 3:
                time.sleep(pause)
            started, begun = time.perf_counter(), time.thread_time()
            text = f"FLOOR-{pause:g}-{k} what the agency knows"
            entries.add_entry(ctx.sessions, actor, item, actor.agency_id or 0, text)
            if k >= 3:
                taken.append((time.perf_counter() - started) * 1000)
                cpu.append((time.thread_time() - begun) * 1000)
        return taken, cpu
    finally:
        ctx.close()


def _p95_over(taken: dict[str, float] | None, floor: dict[str, float]) -> float | None:
    """The p95 of ``taken`` over the p95 of ``floor`` (both ``summarise``'s), if any."""
    return round(taken["p95_ms"] / floor["p95_ms"], 2) if taken else None


PARTS = ("gui_thread", "other_threads")


def _thread_cpu(clients: list[Client]) -> dict[str, dict[str, float]]:
    """CPU seconds each client (by name) has used so far: its main (Qt) thread, the rest."""
    used = {}
    for c in clients:
        parts = used[c.name] = dict.fromkeys(PARTS, 0.0)
        tasks = Path(f"/proc/{c.proc.pid}/task")
        for task in tasks.iterdir() if tasks.exists() else ():
            if (stat := _stat(task)) is not None:
                parts[PARTS[0] if task.name == str(c.proc.pid) else PARTS[1]] += stat[1]
    return used


def _per_save(seconds: list[float]) -> float:
    """The mean CPU (ms) one receiver spent on one save, from each one's seconds."""
    return round(sum(seconds) * 1000 / (SAVES * len(seconds)), 2) if seconds else 0.0


def _stat(task: Path) -> tuple[str, float] | None:
    """A process's (or thread's) parent pid and CPU seconds so far, from ``/proc``; None
    when it has ended meanwhile."""
    try:
        fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return fields[1], (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _server_cpu(pid: int | None) -> float:
    """CPU seconds the PostgreSQL server ``pid`` and its processes (each client's backend
    among them) have used so far; 0 without a server."""
    if pid is None:
        return 0.0
    used = 0.0
    for proc in Path("/proc").iterdir():
        stat = _stat(proc) if proc.name.isdigit() else None
        if stat is not None and str(pid) in (proc.name, stat[0]):  # the server, or its child
            used += stat[1]
    return used


def _pg(env: BenchEnv) -> tuple[Any, str]:
    """A server set up by `server init`, the small demo in it, every demo user a login of
    their own (row-level security applies to each client as it does in the room)."""
    from sqlalchemy import select as sql

    from frontdoor_app.access import people
    from frontdoor_app.access.server import set_up
    from frontdoor_app.demo import build_demo_url
    from frontdoor_app.models import User
    from frontdoor_app.models.database import make_engine, make_session_factory, session_scope
    from frontdoor_app.profile import load_profile
    from tests import pgserver

    server = pgserver.start()
    try:
        url = server.url(server.create_database("live"))
        engine = make_engine(url)
        try:
            set_up(engine, load_profile())
        finally:
            engine.dispose()
        build_demo_url(url, "small", feed_dir=env.work_dir / "feeds")
        engine = make_engine(url)
        try:
            with session_scope(make_session_factory(engine)) as s:
                for login in s.scalars(sql(User.login).where(User.login.like("demo.%"))).all():
                    people.set_password(s, login, "a bench password 1")
        finally:
            engine.dispose()
    except BaseException:
        server.stop()
        raise
    return server, url


def _as(url: str, login: str) -> str:
    """The client's own connection (the test server trusts loopback: no password)."""
    from sqlalchemy.engine import make_url

    return make_url(url).set(username=login, password=None).render_as_string(False)


def live_pg(env: BenchEnv) -> dict[str, Any]:
    server, url = _pg(env)
    try:
        return _measure(url, url, server.pid)
    finally:
        server.stop()


def live_sqlite(env: BenchEnv) -> dict[str, Any]:
    return _measure(env.fresh_copy("live"), None)


def meeting_load_pg(env: BenchEnv) -> dict[str, Any]:
    server, url = _pg(env)
    try:
        day, item, users, ctx = _room(url)
        ctx.close()
        chairs = [login for login, role in users if role == "chair" and login.startswith("demo.")]
        reps = [login for login, role in users if role == "representative"][:RECEIVERS]
        seconds = LOAD_SECONDS
        common = ["--item", str(item), "--date", day, "--tab", TAB]
        specs = [
            (
                chairs[0],
                [
                    *common,
                    "--url",
                    _as(url, chairs[0]),
                    "--login",
                    chairs[0],
                    "--move-every",
                    "30",
                    "--seconds",
                    str(seconds + 300),
                ],
            )
        ]
        specs += [
            (
                r,
                [
                    *common,
                    "--url",
                    _as(url, r),
                    "--login",
                    r,
                    "--save-every",
                    "2",
                    "--action-every",
                    "10",
                    "--seconds",
                    str(seconds + 300),
                ],
            )
            for r in reps
        ]
        clients = _start_in_turn(specs)
        try:
            _until_ready(clients, 240)
            started = time.monotonic()
            # Each person's saves fall at their own point in the 2-second period (seeded, so
            # runs compare). FRONTDOOR_LOAD_PHASES=together starts every timer at the same
            # instant instead: fifteen saves at once every 2 s, a burst no room makes.
            together = os.environ.get("FRONTDOOR_LOAD_PHASES", "random") == "together"
            phases = random.Random(2026)
            for c in clients:
                c.send(f"go {seconds} {0.0 if together else phases.random():.3f}")
            _pump_all(clients, lambda: all(c.stats() for c in clients), seconds + 150)
            elapsed = time.monotonic() - started
        finally:
            for c in clients:
                c.stop()
        saves = [e for c in clients for e in c.events if "saved" in e]
        save_ms = [e["ms"] for e in saves]
        # The floor, in the same run: the same Save (the same domain function, the same
        # statements, a representative's own connection) on the server once the room is
        # quiet: what the load adds is the ratio of the two. Beside it the same Saves as far
        # apart as each representative's in the load (2 s): on this machine memory left
        # alone that long is dearer to touch (bench/idle_memory.py), and each Save pays it.
        floor_ms, floor_cpu = _quiet_saves(url, reps[-1], item)
        paced_ms, paced_cpu = _quiet_saves(url, reps[-1], item, n=10, pause=2.0)
        action_ms = [e["ms"] for c in clients for e in c.events if e.get("action")]
        stats = [c.stats() for c in clients]
        from sqlalchemy import create_engine, text

        engine = create_engine(url)
        with engine.connect() as conn:
            stored = conn.execute(
                text(
                    "SELECT count(*), count(DISTINCT text) FROM intelligence_entry "
                    "WHERE text LIKE 'LIVE-%'"
                )
            ).one()
            ids = {
                r[0]
                for r in conn.execute(
                    text("SELECT id FROM intelligence_entry WHERE text LIKE 'LIVE-%'")
                )
            }
        engine.dispose()
        seen_all = sum(1 for s in stats if ids <= set(s.get("feed_entries", ())))
        save = summarise(save_ms) if save_ms else None
        quiet, paced = summarise(floor_ms), summarise(paced_ms)
        return {
            "clients": len(clients),
            "seconds": round(elapsed, 1),
            "saves_made": len(saves),
            "entries_stored": stored[0],
            "distinct_entries": stored[1],
            "clients_that_saw_every_save": seen_all,
            "feed_duplicates": sum(s.get("feed_duplicates", 0) for s in stats),
            "conflicts_reported": sum(s.get("conflicts", 0) for s in stats),
            "errors": [e for s in stats for e in s.get("errors", [])][:5],
            "save": save,
            "save_floor_quiet_server": quiet,
            "save_floor_quiet_server_cpu_median_ms": round(statistics.median(floor_cpu), 2),
            "save_quiet_server_2s_apart": paced,
            "save_quiet_server_2s_apart_cpu_median_ms": round(statistics.median(paced_cpu), 2),
            "save_ratio_p95_to_2s_apart": _p95_over(save, paced),
            "save_ratio_p95": _p95_over(save, quiet),
            # the same saves: waiting for the client's worker, then the save's own time
            "save_queued": summarise([e["queued_ms"] for e in saves]) if saves else None,
            "save_job": summarise([e["job_ms"] for e in saves]) if saves else None,
            # of the save itself: its statements' round trips, and waiting for the chain's lock
            "save_sql": summarise([e.get("sql_ms", 0) for e in saves]) if saves else None,
            "save_lock_wait": summarise([e.get("lock_ms", 0) for e in saves]) if saves else None,
            "save_lock_held": summarise([e.get("held_ms", 0) for e in saves]) if saves else None,
            "save_statements": max((e.get("statements", 0) for e in saves), default=0),
            "action_save": summarise(action_ms) if action_ms else None,
            "cpu_share_max": round(max(s.get("cpu_s", 0) for s in stats) / max(elapsed, 1), 3),
            "rss_mb_max": round(max(s.get("max_rss_mb", 0) for s in stats), 1),
            "phases": "together" if together else "random (seeded)",
            "receivers_tab": TAB,
            "goals": {"save_p95_ms": 50, "rss_mb": 300, "conflicts": 0},
        }
    finally:
        server.stop()


BENCHMARKS = {"live_pg": live_pg, "live_sqlite": live_sqlite, "meeting_load_pg": meeting_load_pg}
