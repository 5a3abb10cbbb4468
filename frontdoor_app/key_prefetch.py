"""The database key read from the keyring in the background while the desktop starts.

``cli`` starts the read (``prefetch_key``) before Qt loads; the first look waits for it
(``first_look_key``) and the full start opens the file with the same key
(``prefetched_key``), so the desktop process never imports ``keyring`` itself.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading

from frontdoor_app import cipher


class _KeyRead:
    """The keyring's key, read in the background while Qt loads.

    On Linux a forked child reads it: importing ``keyring`` (its backends, their
    dependencies) costs about 90 ms of CPU, which then runs on another core instead of
    competing with Qt's start for this interpreter; the answer comes back through a pipe.
    The fork happens before any thread or Qt exists. Elsewhere a thread reads it (as on
    Linux, the first look waits for it at most ``timeout`` seconds).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._done = False
        self._raw: bytes | None = None
        self._pid = 0
        self._fd = -1
        self._thread: threading.Thread | None = None
        if _forking_is_safe():
            self._fork()
        else:
            self._thread = threading.Thread(target=self._read_here, daemon=True, name="keyring")
            self._thread.start()

    def _fork(self) -> None:
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: read the key, say it, leave (no atexit, no buffers)
            try:
                os.close(read_end)
                raw = cipher.stored_key()
                os.write(write_end, b"K" + raw if raw is not None else b"N")
            finally:
                os._exit(0)
        os.close(write_end)
        self._pid, self._fd = pid, read_end

    def _read_here(self) -> None:
        raw = cipher.stored_key()
        with self._lock:
            self._raw, self._done = raw, True

    def result(self, timeout: float) -> bytes | None:
        """The key (None: no key, no keyring, or no answer within ``timeout`` seconds)."""
        if self._thread is not None:
            self._thread.join(timeout)
            with self._lock:
                return self._raw
        with self._lock:
            if not self._done and self._answered(timeout):
                self._collect()
            return self._raw

    def _answered(self, timeout: float) -> bool:
        import select

        return bool(select.select([self._fd], [], [], timeout)[0])

    def _collect(self) -> None:
        """Read the child's answer to its end and reap it (it exits once it has answered)."""
        data = b""
        while chunk := os.read(self._fd, 64):
            data += chunk
        os.close(self._fd)
        with contextlib.suppress(ChildProcessError):  # reaped already by someone else
            os.waitpid(self._pid, 0)
        self._done = True
        if data[:1] == b"K" and len(data) == 33:
            self._raw = data[1:]


def _forking_is_safe() -> bool:
    """Linux, and nothing that runs threads of its own yet (Python's, or Qt's)."""
    return (
        sys.platform == "linux"
        and hasattr(os, "fork")
        and threading.active_count() == 1
        and "PySide6.QtCore" not in sys.modules
    )


_prefetched: list[_KeyRead] = []  # the read once prefetch_key has started it


def prefetch_key() -> None:
    """Start reading the key in the background (the desktop's first look waits for it)."""
    _prefetched[:] = [_KeyRead()]


def first_look_key(timeout: float = 5.0) -> bytes | None:
    """The prefetched key when there is one, else read now."""
    if not _prefetched:
        return cipher.stored_key()
    return _prefetched[0].result(timeout)


def prefetched_key(timeout: float = 5.0) -> bytes | None:
    """The key the prefetch found (None when nothing was prefetched, or it found none):
    the start then needs no keyring of its own for a file the key opens."""
    return _prefetched[0].result(timeout) if _prefetched else None
