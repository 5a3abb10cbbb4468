"""The conftest's leak check (tests/leaks.py) fails a test that leaves a window, a worker
thread or a timer behind, and names it; a test that cleans up passes. Run in a pytest of its
own, on tests written to leak."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CONFTEST = """
from tests.conftest import *  # noqa: F403 - the suite's fixtures
from tests.conftest import pytest_runtest_setup, pytest_runtest_teardown  # noqa: F401
"""

LEAKY = """
from PySide6.QtCore import QThread, QTimer
from PySide6.QtWidgets import QWidget

from frontdoor_app.ui.core.worker import Worker

KEEP = []


def test_leaves_a_worker(qtbot):
    KEEP.append(Worker())


def test_leaves_a_window(qtbot):
    window = QWidget()
    window.setWindowTitle("Left open")
    window.show()
    KEEP.append(window)


def test_leaves_a_timer(qtbot):
    timer = QTimer()
    timer.start(60_000)
    KEEP.append(timer)


def test_leaves_a_single_shot(qtbot):
    QTimer.singleShot(60_000, lambda: None)


def test_leaves_a_qthread(qtbot):
    thread = QThread()
    thread.start()
    KEEP.append(thread)


def test_cleans_up(qtbot):
    window = QWidget()
    qtbot.addWidget(window)
    window.show()
    worker = Worker()
    done = []
    worker.run(lambda: 42, done.append)
    qtbot.waitUntil(lambda: done == [42])
    worker.stop()
    timer = QTimer(window)
    timer.start(60_000)  # goes with its window
    shots = []
    QTimer.singleShot(0, lambda: shots.append(1))
    QTimer.singleShot(60_000, window, lambda: shots.append(2))  # dropped with its window
    qtbot.waitUntil(lambda: shots == [1])
"""


def test_a_test_that_leaves_things_behind_fails_and_says_what(tmp_path: Path) -> None:
    (tmp_path / "conftest.py").write_text(CONFTEST, encoding="utf-8")
    (tmp_path / "test_leaky.py").write_text(LEAKY, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rE", str(tmp_path)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    out = done.stdout
    assert done.returncode == 1, out + done.stderr
    assert "6 passed, 5 errors" in out, out
    errors = {
        line.split("::", 1)[1].split(" ", 1)[0]: line
        for line in out.splitlines()
        if line.startswith("ERROR test_leaky.py::")
    }
    assert set(errors) == {
        "test_leaves_a_worker",
        "test_leaves_a_window",
        "test_leaves_a_timer",
        "test_leaves_a_single_shot",
        "test_leaves_a_qthread",
    }, out
    assert "thread 'frontdoor-worker' started at frontdoor_app/ui/core/worker.py:" in out
    assert "top-level widget PySide6.QtWidgets.QWidget, shown, title 'Left open'" in out
    assert "QTimer still running, started at" in out
    assert "QTimer.singleShot not yet fired" in out
    assert "QThread QThread started at" in out
