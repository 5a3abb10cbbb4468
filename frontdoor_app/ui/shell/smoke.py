"""``frontdoor --smoke-test``: the installation checked by starting it (``ui.shell.app``)
offscreen on a fresh, temporary data folder and watching today's demo agenda open."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QTimer

from frontdoor_app.ui.shell.app import Started, run

SMOKE_TIMEOUT_MS = 300_000


class SmokeTest:
    """Watches a start for ``--smoke-test``: today's demo agenda must open in the main
    window, with no start-up failure, within SMOKE_TIMEOUT_MS; then the application quits."""

    def __init__(self, started: Started) -> None:
        self.started = started
        self.verdict: str | None = None
        self.passed = False
        started.shell.adopted.connect(self._adopted)
        QTimer.singleShot(SMOKE_TIMEOUT_MS, lambda: self._finish(False, "timed out"))
        self._poll = QTimer()
        self._poll.timeout.connect(self._check_failed)
        self._poll.start(200)

    def _check_failed(self) -> None:
        if self.started.shell.failed and self.started.shell.glance is not None:
            self._finish(False, self.started.shell.glance.message)

    def _adopted(self) -> None:
        window = self.started.window
        assert window is not None
        window.agenda_painted.connect(self._painted)
        window.room_loaded.connect(self._painted)
        self._painted()

    def _painted(self) -> None:
        from frontdoor_app.demo.build import local_today

        window = self.started.window
        if self.verdict is not None or window is None or window.room is None:
            return
        meeting, rows = window.meeting, window.agenda.model.rowCount()
        today = local_today()
        if meeting is None or meeting.meeting_date != today:
            self._finish(False, f"no meeting for today ({today}) opened: {window.room.note}")
        elif rows == 0:
            return  # the agenda's rows are still coming
        else:
            prepared = self.started.prepared
            demo = prepared.demo if prepared is not None else None
            self._finish(
                True,
                f"today's agenda ({today:%A %d %B %Y}) opened with {rows} "
                f"cases; demo: {demo or 'already there'}",
            )

    def _finish(self, passed: bool, verdict: str) -> None:
        if self.verdict is not None:
            return
        self.passed, self.verdict = passed, verdict
        self._poll.stop()
        QTimer.singleShot(0, self.started.app.quit)

    def result(self) -> int:
        word = "passed" if self.passed else "FAILED"
        print(f"frontdoor smoke test {word}: {self.verdict or 'the window was closed'}", flush=True)
        return 0 if self.passed else 1


def smoke_test(database_url: str | None = None, profile: str | None = None) -> int:
    """``frontdoor --smoke-test``: start offscreen on a fresh, temporary data folder (unless
    ``database_url`` names a database), build the demo, open today's agenda, exit 0."""
    import shutil
    import tempfile

    from frontdoor_app.settings import ENV_DATA_DIR

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    folder = None
    if database_url is None:
        folder = tempfile.mkdtemp(prefix="frontdoor-smoke-")
        os.environ[ENV_DATA_DIR] = folder
        os.environ.pop("FRONTDOOR_DATABASE_URL", None)
        # The throwaway database's key lives and dies with this process: the check never
        # touches the computer's keyring (and works on a build machine that has none).
        import keyring

        from frontdoor_app.cipher import ThrowawayKeyring

        keyring.set_keyring(ThrowawayKeyring())
    try:
        return run(database_url, profile, smoke=True)
    finally:
        if folder is not None:
            from frontdoor_app.applog import log_path, stop_log_file

            stop_log_file(log_path(Path(folder)))
            shutil.rmtree(folder, ignore_errors=True)
