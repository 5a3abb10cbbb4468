"""A throwaway PostgreSQL server for the test run: initdb + pg_ctl in a temporary folder.

Loopback only, a free port, its unix socket inside the folder, trust authentication and no
fsync, so it starts in about a second and leaves nothing behind. As root the server runs as
the ``postgres`` user (PostgreSQL refuses to run as root); otherwise as the current user.
It is stopped by the PID of the postmaster this module started, never by name.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from psycopg import sql

SERVER_USER = "postgres"  # the OS account a root test run starts the server as
SUPERUSER = "postgres"  # the database superuser initdb creates
START_TIMEOUT_S = 30
ENV_BINDIR = "FRONTDOOR_PG_BINDIR"  # a PostgreSQL bin folder to use instead of searching


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server can be started here; the message says why and what to do."""


def find_bindir() -> Path:
    """The newest Debian PostgreSQL bin folder (or the PATH's) that has initdb and pg_ctl."""

    def version(path: Path) -> tuple[int, ...]:
        return tuple(int(n) for n in re.findall(r"\d+", path.parent.name)) or (0,)

    chosen = os.environ.get(ENV_BINDIR)
    if chosen:
        candidates = [Path(chosen)]
    else:
        candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=version, reverse=True)
        on_path = shutil.which("pg_ctl")
        if on_path:
            candidates.append(Path(on_path).resolve().parent)
    for bindir in candidates:
        if (bindir / "initdb").is_file() and (bindir / "pg_ctl").is_file():
            return bindir
    where = chosen or "/usr/lib/postgresql/*/bin or on PATH"
    raise PostgresUnavailable(
        f"no PostgreSQL server binaries (initdb, pg_ctl) in {where}; install the Debian "
        "'postgresql' package (bash scripts/setup.sh --test does)"
    )


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class PgServer:
    """A running throwaway server; ``url(name)`` for a database, ``stop()`` when done."""

    bindir: Path
    folder: Path
    port: int
    pid: int
    run_as: list[str] = field(default_factory=list)

    @property
    def data_dir(self) -> Path:
        return self.folder / "data"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def _admin(self) -> psycopg.Connection[tuple[object, ...]]:
        return psycopg.connect(
            host="127.0.0.1",
            port=self.port,
            user=SUPERUSER,
            dbname="postgres",
            autocommit=True,
            connect_timeout=10,
        )

    def create_database(self, prefix: str = "t") -> str:
        """A new empty database; returns its name."""
        name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        with self._admin() as conn:
            conn.execute(
                sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0").format(
                    sql.Identifier(name)
                )
            )
        return name

    def drop_database(self, name: str) -> None:
        with self._admin() as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )

    def stop(self) -> None:
        """Stop the postmaster we started (fast shutdown, then by PID), remove the folder."""
        with contextlib.suppress(subprocess.TimeoutExpired):
            subprocess.run(
                [
                    *self.run_as,
                    str(self.bindir / "pg_ctl"),
                    "-D",
                    str(self.data_dir),
                    "-m",
                    "fast",
                    "-w",
                    "-t",
                    "20",
                    "stop",
                ],
                capture_output=True,
                timeout=30,
                check=False,
            )
        if _alive(self.pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGQUIT)
            deadline = time.monotonic() + 10
            while _alive(self.pid) and time.monotonic() < deadline:
                time.sleep(0.05)
            if _alive(self.pid):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(self.pid, signal.SIGKILL)
        shutil.rmtree(self.folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie child still answers kill(0); its /proc state says it is gone.
    with contextlib.suppress(OSError):
        if Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1].startswith("Z"):
            return False
    return True


def _run_as() -> tuple[list[str], int | None, int | None]:
    """The command prefix and owner for the server's processes and files."""
    if os.geteuid() != 0:
        return [], None, None
    try:
        account = pwd.getpwnam(SERVER_USER)
    except KeyError as exc:
        raise PostgresUnavailable(
            f"running as root, but there is no '{SERVER_USER}' user to run the server as; "
            "install the Debian 'postgresql' package (bash scripts/setup.sh --test does)"
        ) from exc
    runuser = shutil.which("runuser")
    if not runuser:
        raise PostgresUnavailable("running as root, but 'runuser' (util-linux) is missing")
    prefix = [runuser, "-u", SERVER_USER, "--"]
    return prefix, account.pw_uid, account.pw_gid


def start(attempts: int = 3, extra: str = "") -> PgServer:
    """initdb and start a server; retries on a port taken between choosing and binding it.

    ``extra``: more ``-c name=value`` options for the server (``{folder}`` is replaced by
    its temporary folder)."""
    bindir = find_bindir()
    run_as, uid, gid = _run_as()
    folder = Path(tempfile.mkdtemp(prefix="frontdoor-pg-"))
    try:
        if uid is not None and gid is not None:
            os.chown(folder, uid, gid)
        data = folder / "data"
        init = subprocess.run(
            [
                *run_as,
                str(bindir / "initdb"),
                "-D",
                str(data),
                "-U",
                SUPERUSER,
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
                "--no-instructions",
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if init.returncode != 0:
            raise PostgresUnavailable(
                f"initdb failed: {init.stderr.strip() or init.stdout.strip()}"
            )
        last_error = ""
        for _ in range(attempts):
            port = free_port()
            options = (
                f"-c listen_addresses=127.0.0.1 -p {port} -k {folder} -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off -c max_connections=100 "
                + extra.replace("{folder}", str(folder))
            )
            started = subprocess.run(
                [
                    *run_as,
                    str(bindir / "pg_ctl"),
                    "-D",
                    str(data),
                    "-l",
                    str(folder / "server.log"),
                    "-o",
                    options,
                    "-w",
                    "-t",
                    str(START_TIMEOUT_S),
                    "start",
                ],
                capture_output=True,
                text=True,
                timeout=START_TIMEOUT_S + 10,
                check=False,
            )
            pid_file = data / "postmaster.pid"
            if started.returncode == 0 and pid_file.exists():
                pid = int(pid_file.read_text().splitlines()[0])
                return PgServer(bindir, folder, port, pid, run_as)
            log = folder / "server.log"
            last_error = log.read_text(errors="replace")[-2000:] if log.exists() else started.stderr
        raise PostgresUnavailable(f"pg_ctl start failed: {last_error.strip()}")
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
