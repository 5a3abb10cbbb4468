"""PySide6 6.12.0 on Python 3.11 loses a reference to True on every Python-side emit().

After a few thousand emits the interpreter aborts (``Fatal Python error: bool_dealloc``).
The emitting runs in a child process so a bad PySide6 fails this test, not the whole run.
"""

from __future__ import annotations

import os
import subprocess
import sys
from importlib.metadata import version

EMITS = 20_000

SCRIPT = f"""
import sys
from PySide6.QtCore import QCoreApplication, QObject, Signal

class Emitter(QObject):
    flag = Signal(bool)
    bare = Signal()

app = QCoreApplication([])
emitter = Emitter()
received = {{"count": 0, "all_true": True}}

def on_flag(value):
    # Count without keeping the value: a kept reference would hide a lost one.
    received["count"] += 1
    received["all_true"] = received["all_true"] and value is True

emitter.flag.connect(on_flag)
emitter.bare.connect(lambda: None)
before = sys.getrefcount(True)
for _ in range({EMITS}):
    emitter.flag.emit(True)
    emitter.bare.emit()
after = sys.getrefcount(True)
print(before, after, received["count"], received["all_true"])
"""


def test_emitting_does_not_leak_references_to_true() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, f"the emitting process died:\n{done.stderr[-2000:]}"
    before, after, count, all_true = done.stdout.split()
    assert (int(count), all_true) == (EMITS, "True")
    # A handful of references may come and go; the bug takes one away per emit.
    assert int(after) >= int(before) - 100, f"sys.getrefcount(True) fell from {before} to {after}"


def test_the_pyside6_pin_holds_on_python_before_3_12() -> None:
    major, minor = (int(n) for n in version("PySide6").split(".")[:2])
    if sys.version_info < (3, 12):
        assert (major, minor) < (6, 12), "pyproject.toml pins PySide6 below 6.12 on Python 3.11"
    else:
        assert major == 6
