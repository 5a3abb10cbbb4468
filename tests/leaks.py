"""What a test leaves behind: top-level widgets, threads, timers (napari's conftest is the model).

A test that leaves a window open, a worker thread running or a timer ticking makes the next
tests flaky or crashes the run far from the cause (a timer firing into a closed database, a
widget collected on the worker thread). ``conftest`` takes a ``Snapshot`` before every test
and ``check``s it after the test's own clean-up (pytest-qt closing the widgets it was given,
the fixtures' teardown, the garbage collected); what is left fails the test at teardown with
its name and where it was started, and is then cleaned away so the next test starts clean.

Python threads are seen through ``threading``; a QThread, a ``QTimer.start`` and a
``QTimer.singleShot`` through wrappers installed once Qt is imported (calls Qt makes inside
itself are not seen). A pending single shot whose receiver is gone no longer counts: Qt
drops it.
"""

from __future__ import annotations

import gc
import sys
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = str(Path(__file__).resolve().parent.parent)
HERE = str(Path(__file__).resolve())
THREAD_GRACE_S = 2.0  # a thread told to stop may still be finishing its last job


def calling_place() -> str:
    """``file:line`` of the project's code that called, and of the test it ran under."""
    places: list[str] = []
    frame = sys._getframe(1)
    while frame is not None:
        name = frame.f_code.co_filename
        if name.startswith(ROOT) and name != HERE and "/.venv/" not in name:
            where = f"{name[len(ROOT) + 1 :]}:{frame.f_lineno}"
            if not places or (where.startswith("tests/") and not places[-1].startswith("tests/")):
                places.append(where)
            if where.startswith("tests/test_"):
                break
        frame = frame.f_back  # type: ignore[assignment]
    if places:
        return " called from ".join(places)
    frame = sys._getframe(1)
    while frame is not None and (frame.f_code.co_filename == HERE or _library(frame)):
        frame = frame.f_back  # type: ignore[assignment]
    return f"{frame.f_code.co_filename}:{frame.f_lineno}" if frame else "(unknown)"


def _library(frame: Any) -> bool:
    name = frame.f_code.co_filename
    return name.startswith("<") or "-packages/" in name or name.startswith(sys.base_prefix)


# ----------------------------------------------------------------------------- threads

_thread_start = threading.Thread.start


def _recording_start(self: threading.Thread) -> None:
    self._leaks_started_at = calling_place()  # type: ignore[attr-defined]
    _thread_start(self)


threading.Thread.start = _recording_start  # type: ignore[method-assign]


def _thread_name(thread: threading.Thread) -> str:
    where = getattr(thread, "_leaks_started_at", "(where unknown)")
    return f"thread {thread.name!r} started at {where}"


# ----------------------------------------------------------------------------- Qt


@dataclass
class _QtRecords:
    """Timers and QThreads started since the last snapshot (weakly: a deleted one is gone)."""

    timers: weakref.WeakKeyDictionary[Any, str] = field(default_factory=weakref.WeakKeyDictionary)
    qthreads: weakref.WeakKeyDictionary[Any, str] = field(default_factory=weakref.WeakKeyDictionary)
    single_shots: list[tuple[Callable[[], Any], str, list[bool]]] = field(default_factory=list)


_qt: list[_QtRecords] = []  # one, once Qt's wrappers are installed


def _install_qt() -> _QtRecords | None:
    """Wrap ``QTimer.start``, ``QTimer.singleShot`` and ``QThread.start`` (once), if Qt is in
    use; the records are what they saw."""
    if _qt:
        return _qt[0]
    if "PySide6.QtCore" not in sys.modules:
        return None
    from PySide6.QtCore import QObject, QThread, QTimer

    records = _QtRecords()
    _qt.append(records)
    timer_start = QTimer.start
    single_shot = QTimer.singleShot
    qthread_start = QThread.start

    def start(self: QTimer, *args: Any, **kwargs: Any) -> None:
        records.timers[self] = calling_place()
        timer_start(self, *args, **kwargs)

    def single(*args: Any, **kwargs: Any) -> None:
        fn = args[-1] if args else None
        if kwargs or not callable(fn):  # a receiver and a slot's name: passed on, unseen
            single_shot(*args, **kwargs)
            return
        middle = list(args[1:-1])
        context = next((a for a in middle if isinstance(a, QObject)), None)
        owner = getattr(fn, "__self__", None)
        if context is None and isinstance(owner, QObject):
            context = owner  # Qt drops a bound slot's shot when its object goes: so do we
            middle.append(owner)
        fired = [False]
        alive: Callable[[], Any]
        if context is None:
            alive = lambda: True  # noqa: E731 - the shot always fires
        else:
            ref = weakref.ref(context)
            alive = lambda: _valid(ref())  # noqa: E731

        def run(*call: Any) -> Any:
            fired[0] = True
            return fn(*call)

        records.single_shots.append((alive, calling_place(), fired))
        single_shot(args[0], *middle, run)

    def start_thread(self: QThread, *args: Any, **kwargs: Any) -> None:
        records.qthreads[self] = calling_place()
        qthread_start(self, *args, **kwargs)

    QTimer.start = start  # type: ignore[method-assign]
    QTimer.singleShot = staticmethod(single)  # type: ignore[assignment, method-assign]
    QThread.start = start_thread  # type: ignore[method-assign]
    return records


def _valid(obj: Any) -> bool:
    if obj is None:
        return False
    import shiboken6

    return bool(shiboken6.isValid(obj))


def _top_level_widgets() -> list[Any]:
    if "PySide6.QtWidgets" not in sys.modules:
        return []
    from PySide6.QtWidgets import QApplication

    if QApplication.instance() is None:
        return []
    # A window with a parent (a dialog on its screen) goes with the parent.
    return [w for w in QApplication.topLevelWidgets() if w.parent() is None]


def _delete_deferred() -> None:
    """Run the ``deleteLater``s pending (pytest-qt closes a test's widgets that way)."""
    if "PySide6.QtWidgets" not in sys.modules:
        return
    from PySide6.QtCore import QCoreApplication, QEvent

    if QCoreApplication.instance() is None:
        return
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def _describe(widget: Any) -> str:
    title = widget.windowTitle() if _valid(widget) else ""
    name = widget.objectName() if _valid(widget) else ""
    state = "shown" if _valid(widget) and widget.isVisible() else "hidden"
    parts = [type(widget).__module__ + "." + type(widget).__qualname__, state]
    if title:
        parts.append(f"title {title!r}")
    if name:
        parts.append(f"name {name!r}")
    return "top-level widget " + ", ".join(parts)


# ----------------------------------------------------------------------------- the check


@dataclass
class Snapshot:
    threads: set[threading.Thread]
    widgets: list[Any]  # held, so no new widget can take an id of theirs

    def had(self, widget: Any) -> bool:
        return any(widget is w for w in self.widgets)


def snapshot() -> Snapshot:
    records = _install_qt()
    if records is not None:
        records.timers.clear()
        records.qthreads.clear()
        records.single_shots.clear()
    return Snapshot(set(threading.enumerate()), _top_level_widgets())


def check(before: Snapshot) -> list[str]:
    """What the test left behind (and has now been stopped, closed or deleted), in words.

    The test's garbage is collected here, on the GUI thread (conftest disables automatic
    collection); a second collection only when something looks left behind."""
    if "PySide6.QtWidgets" in sys.modules:
        gc.collect()
        _delete_deferred()
    if not _suspect(before):
        return []
    gc.collect()
    _delete_deferred()
    left: list[str] = []

    threads = [t for t in threading.enumerate() if t not in before.threads and t.is_alive()]
    for thread in threads:
        thread.join(THREAD_GRACE_S / max(1, len(threads)))
    left += [_thread_name(t) for t in threads if t.is_alive()]

    records = _qt[0] if _qt else None
    if records is not None:
        for qthread, where in list(records.qthreads.items()):
            if _valid(qthread) and qthread.isRunning():
                left.append(f"QThread {type(qthread).__qualname__} started at {where}")
                qthread.quit()
                qthread.wait(2000)
        for timer, where in list(records.timers.items()):
            if _valid(timer) and timer.isActive():
                owner = timer.parent()
                held = f" (its parent a {type(owner).__qualname__})" if owner is not None else ""
                left.append(f"QTimer{held} still running, started at {where}")
                timer.stop()
        for alive, where, fired in records.single_shots:
            if not fired[0] and alive():
                left.append(f"QTimer.singleShot not yet fired, set at {where}")
                fired[0] = True  # reported once; Qt may still fire it (nothing to cancel)
        records.timers.clear()
        records.qthreads.clear()
        records.single_shots.clear()

    widgets = [w for w in _top_level_widgets() if not before.had(w)]
    left += [_describe(w) for w in widgets]
    for widget in widgets:
        widget.close()
        widget.deleteLater()
    if widgets:
        _delete_deferred()
    return left


def _suspect(before: Snapshot) -> bool:
    """Anything new running or open (cheap: no waiting, nothing stopped)."""
    if any(t not in before.threads and t.is_alive() for t in threading.enumerate()):
        return True
    records = _qt[0] if _qt else None
    if records is not None and (
        any(_valid(t) and t.isRunning() for t in list(records.qthreads))
        or any(_valid(t) and t.isActive() for t in list(records.timers))
        or any(not fired[0] and alive() for alive, _where, fired in records.single_shots)
    ):
        return True
    return any(not before.had(w) for w in _top_level_widgets())


def message(left: list[str]) -> str:
    return (
        "the test left behind what the next tests would trip over (stop the worker, close and "
        "delete the windows — qtbot.addWidget — stop the timers, before the test ends):\n  "
        + "\n  ".join(left)
    )
