"""A desktop first run that is killed part-way (run by tests/test_first_run.py).

    python tests/first_run_child.py STEP

starts the real desktop application (``frontdoor`` without a sub-command) on the data folder
in FRONTDOOR_DATA_DIR, and when the first run's demo build reports STEP (a name from
``demo.build.STEPS`` or "insert:<table>", inside the history's transaction) the process
sends itself SIGKILL: no clean-up, no ``finally``, as when a laptop's power goes.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from frontdoor_app.demo import build  # noqa: E402

STEP = sys.argv[1]
_real_build = build.build_demo


def _killed_at_step(*args, progress=None, **kwargs):  # type: ignore[no-untyped-def]
    def report(step: str, fraction: float) -> None:
        if progress is not None:
            progress(step, fraction)
        if step == STEP:
            print(f"KILLED_AT {step}", flush=True)
            os.kill(os.getpid(), signal.SIGKILL)

    return _real_build(*args, progress=report, **kwargs)


build.build_demo = _killed_at_step  # the start-up imports it when it needs it

from frontdoor_app.cli import main  # noqa: E402

sys.exit(main([]))
