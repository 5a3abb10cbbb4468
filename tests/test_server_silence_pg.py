"""A server that goes silent, not away (issue 12: Wi-Fi dropped, a lid closed): a statement
sent into the silence fails within seconds, so the one worker is not held for TCP's quarter
of an hour with every Save queued behind it.

The silence is real: the client runs in a network namespace of its own, joined to the
server by a virtual cable whose server end is then taken down: what the client sends is
dropped, and nothing answers or refuses, as on a Wi-Fi link that lost its carrier. It
needs root and ``ip``; without them the test is skipped and says why.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import psycopg
import pytest

from frontdoor_app.models.database import LIBPQ_LIVENESS, make_engine
from frontdoor_app.ui.core.live import LiveFeed
from frontdoor_app.ui.core.worker import Worker
from tests import pgserver

ROOT = Path(__file__).resolve().parent.parent
TAG = f"fd{os.getpid() % 100_000}"
NET = f"10.231.{os.getpid() % 250}"
SERVER_IP, CLIENT_IP = f"{NET}.1", f"{NET}.2"
HOST_END, CLIENT_END = f"{TAG}h", f"{TAG}c"

CLIENT = """
import sys, time
from sqlalchemy import text
from frontdoor_app.models.database import make_engine
engine = make_engine(sys.argv[1])
with engine.connect() as conn:
    conn.execute(text("SELECT 1"))
print("connected", flush=True)
sys.stdin.readline()  # the link is dropped now
started = time.monotonic()
try:
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    print("answered", flush=True)
except Exception as exc:
    print(f"failed {time.monotonic() - started:.1f} {type(exc).__name__}", flush=True)
"""


def _ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True, timeout=10)


def _can_cut_a_link() -> str | None:
    """Why a private link cannot be made here (None: it can)."""
    if os.geteuid() != 0:
        return "needs root for a network namespace"
    if shutil.which("ip") is None:
        return "needs iproute2 (ip)"
    probe = f"{TAG}p"
    made = subprocess.run(["ip", "netns", "add", probe], capture_output=True, check=False)
    if made.returncode != 0:
        return f"cannot make a network namespace: {made.stderr.decode().strip()}"
    subprocess.run(["ip", "netns", "del", probe], capture_output=True, check=False)
    return None


@pytest.fixture
def link() -> Iterator[None]:
    """A namespace for the client, joined to this one by a virtual cable."""
    why = _can_cut_a_link()
    if why is not None:
        pytest.skip(why)
    try:
        _ip("netns", "add", TAG)
        _ip("link", "add", HOST_END, "type", "veth", "peer", "name", CLIENT_END)
        _ip("link", "set", CLIENT_END, "netns", TAG)
        _ip("addr", "add", f"{SERVER_IP}/30", "dev", HOST_END)
        _ip("link", "set", HOST_END, "up")
        _ip("netns", "exec", TAG, "ip", "addr", "add", f"{CLIENT_IP}/30", "dev", CLIENT_END)
        _ip("netns", "exec", TAG, "ip", "link", "set", CLIENT_END, "up")
        _ip("netns", "exec", TAG, "ip", "link", "set", "lo", "up")
        yield
    finally:
        subprocess.run(["ip", "link", "del", HOST_END], capture_output=True, check=False)
        subprocess.run(["ip", "netns", "del", TAG], capture_output=True, check=False)


def _cut() -> None:
    """Take the server's end of the cable down: what the client sends is dropped and nothing
    comes back, neither an answer nor a refusal (a Wi-Fi link that lost its carrier)."""
    _ip("link", "set", HOST_END, "down")


@pytest.fixture
def server_on_the_link(link: None) -> Iterator[str]:
    """A throwaway server listening on the cable too; its URL as the client sees it."""
    try:
        server = pgserver.start(extra=f"-c listen_addresses='127.0.0.1,{SERVER_IP}'")
    except pgserver.PostgresUnavailable as exc:
        pytest.skip(str(exc))
    try:
        hba = server.data_dir / "pg_hba.conf"
        with open(hba, "a", encoding="utf-8") as handle:
            handle.write(f"host all all {CLIENT_IP}/32 trust\n")
        with psycopg.connect(
            host="127.0.0.1", port=server.port, user=pgserver.SUPERUSER, autocommit=True
        ) as conn:
            conn.execute("SELECT pg_reload_conf()")
        yield f"postgresql+psycopg://{pgserver.SUPERUSER}@{SERVER_IP}:{server.port}/postgres"
    finally:
        server.stop()


def _in_effect(pgconn: Any) -> dict[str, bytes | None]:
    return {option.keyword.decode(): option.val for option in pgconn.info}


def test_every_server_connection_carries_the_liveness_settings(pg_url: str, qapp: Any) -> None:
    """The engine's connections (the worker's units of work, the feed's reads) and the
    change feed's listener: libpq's own record of the options it connected with."""
    engine = make_engine(pg_url)
    worker = Worker()
    try:
        with engine.connect() as conn:
            raw = conn.connection.driver_connection
            assert raw is not None
            pooled = _in_effect(raw.pgconn)
        ctx = SimpleNamespace(engine=engine, settings=SimpleNamespace(is_embedded=False))
        feed = LiveFeed(ctx, worker)  # type: ignore[arg-type]
        listener = feed._connect_listener()
        try:
            listening = _in_effect(listener.pgconn)
        finally:
            listener.close()
    finally:
        worker.stop()
        engine.dispose()
    for name, value in LIBPQ_LIVENESS.items():
        assert pooled[name] == str(value).encode(), name
        assert listening[name] == str(value).encode(), name


def test_a_statement_sent_into_a_silent_link_fails_within_seconds(
    server_on_the_link: str,
) -> None:
    client = subprocess.Popen(
        ["ip", "netns", "exec", TAG, sys.executable, "-c", CLIENT, server_on_the_link],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        assert client.stdout is not None and client.stdin is not None
        first = client.stdout.readline().strip()
        assert first == "connected", client.stderr.read() if client.stderr else first
        _cut()
        started = time.monotonic()
        client.stdin.write("go\n")
        client.stdin.flush()
        try:
            out, err = client.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            pytest.fail("a statement sent into the silence was still waiting after 60 s")
    finally:
        if client.poll() is None:
            client.kill()
            client.wait()
    took = time.monotonic() - started
    assert out.startswith("failed"), (out, err)
    assert "OperationalError" in out, out
    assert took < 30, out  # tcp_user_timeout 10 s, then one reconnect of 3 s
