"""The one operation helper: reads and writes on the real worker, failures handled in one place.

Each test runs a job on the real worker thread for a real (offscreen) widget and waits for
the answer on the UI thread; the exceptions are the domain's own.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator

import psycopg
import pytest
import shiboken6
from PySide6.QtWidgets import QWidget

from frontdoor_app.fgc.errors import ConflictError as FgcConflict
from frontdoor_app.meeting.errors import (
    AmendmentReasonRequired,
    DecisionConflict,
    MeetingStateError,
)
from frontdoor_app.ui.core.messages import Messages
from frontdoor_app.ui.core.ops import Ops
from frontdoor_app.ui.core.worker import Worker


@pytest.fixture
def worker() -> Iterator[Worker]:
    w = Worker()
    yield w
    w.stop()


@pytest.fixture
def messages() -> Messages:
    m = Messages()
    m.scripted = True
    return m


@pytest.fixture
def ops(worker: Worker, messages: Messages) -> Ops:
    return Ops(worker, messages)


@pytest.fixture
def widget(qtbot) -> QWidget:  # type: ignore[no-untyped-def]
    w = QWidget()
    qtbot.addWidget(w)
    return w


def idle(qtbot, worker: Worker) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: worker.pending == 0, timeout=5000)


def test_a_query_runs_off_the_ui_thread_and_answers_on_it(qtbot, ops, worker, widget, messages):
    threads: list[str] = []
    answers: list[int] = []

    def read() -> int:
        threads.append(threading.current_thread().name)
        return 42

    def done(value: int) -> None:
        threads.append(threading.current_thread().name)
        answers.append(value)

    ops.query(widget, read, done, doing="Reading")
    qtbot.waitUntil(lambda: answers == [42], timeout=5000)
    assert threads == ["frontdoor-worker", threading.main_thread().name]
    assert messages.log == []


def test_a_command_that_succeeds_runs_once_without_a_reason(qtbot, ops, worker, widget, messages):
    reasons: list[str | None] = []
    done: list[str] = []

    def save(reason: str | None) -> str:
        reasons.append(reason)
        return "saved"

    ops.command(widget, save, done.append, doing="Saving")
    qtbot.waitUntil(lambda: done == ["saved"], timeout=5000)
    assert reasons == [None] and messages.log == []


def _closed_meeting_save(reasons: list[str | None]):  # type: ignore[no-untyped-def]
    """A write the domain refuses after close unless it is given a reason."""

    def save(reason: str | None) -> str:
        reasons.append(reason)
        if reason is None:
            raise AmendmentReasonRequired("The meeting is closed: this change is an amendment.")
        return f"amended: {reason}"

    return save


def test_an_amendment_asks_why_and_tries_again_with_the_reason(qtbot, ops, widget, messages):
    reasons: list[str | None] = []
    done: list[str] = []
    messages.answer_next("  Court outcome came after the meeting  ")
    ops.command(widget, _closed_meeting_save(reasons), done.append, doing="Saving the decision")
    qtbot.waitUntil(lambda: bool(done), timeout=5000)
    assert reasons == [None, "Court outcome came after the meeting"]
    assert done == ["amended: Court outcome came after the meeting"]
    asked = messages.log[0]
    assert asked.kind == "text" and "The meeting is closed" in asked.text
    assert len(messages.log) == 1


def test_an_amendment_without_a_reason_is_not_saved_and_says_so(
    qtbot, ops, worker, widget, messages
):
    reasons: list[str | None] = []
    done: list[str] = []
    messages.answer_next("   ")  # only spaces: no reason
    ops.command(widget, _closed_meeting_save(reasons), done.append, doing="Saving the decision")
    qtbot.waitUntil(lambda: len(messages.log) == 2, timeout=5000)
    idle(qtbot, worker)
    assert reasons == [None] and done == []
    told = messages.log[1]
    assert told.kind == "warning" and told.title == "Saving the decision"
    assert "needs a reason" in told.text


def test_a_conflict_goes_to_the_conflict_callback_not_a_message(qtbot, ops, widget, messages):
    conflicts: list[BaseException] = []
    theirs = object()

    def save(_reason: str | None) -> None:
        raise DecisionConflict("Saved by someone else meanwhile.", theirs)

    ops.command(widget, save, doing="Saving the decision", on_conflict=conflicts.append)
    qtbot.waitUntil(lambda: bool(conflicts), timeout=5000)
    assert isinstance(conflicts[0], DecisionConflict) and conflicts[0].theirs is theirs
    assert messages.log == []


def test_a_conflict_without_a_callback_is_a_warning(qtbot, ops, widget, messages):
    def save(_reason: str | None) -> None:
        raise FgcConflict("someone else changed the referral; it has been reloaded")

    ops.command(widget, save, doing="Record consent")
    qtbot.waitUntil(lambda: bool(messages.log), timeout=5000)
    assert messages.log[0].kind == "warning"
    assert messages.log[0].text == "someone else changed the referral; it has been reloaded"


def test_a_lost_server_goes_to_the_offline_callback(qtbot, ops, widget, messages):
    offline: list[bool] = []

    def save(_reason: str | None) -> None:
        raise psycopg.OperationalError("connection to server at 10.0.0.5 failed: timed out")

    ops.command(widget, save, doing="Adding intelligence", on_offline=lambda: offline.append(True))
    qtbot.waitUntil(lambda: bool(offline), timeout=5000)
    assert messages.log == []


def test_a_refusal_is_a_warning_and_a_fault_an_error(qtbot, ops, worker, widget, messages, caplog):
    def refused(_reason: str | None) -> None:
        raise MeetingStateError("The meeting is not open yet.")

    def broken() -> None:
        raise RuntimeError("disk full")

    with caplog.at_level(logging.ERROR):
        ops.command(widget, refused, doing="Opening the case")
        ops.query(widget, broken, doing="Reading the agenda")
        qtbot.waitUntil(lambda: len(messages.log) == 2, timeout=5000)
    assert (messages.log[0].kind, messages.log[0].title, messages.log[0].text) == (
        "warning",
        "Opening the case",
        "The meeting is not open yet.",
    )
    assert messages.log[1].kind == "error" and messages.log[1].title == "Reading the agenda"
    assert "disk full" in messages.log[1].text
    assert "Reading the agenda failed" in caplog.text


def test_on_failed_replaces_the_message(qtbot, ops, widget, messages):
    seen: list[BaseException] = []

    def broken() -> None:
        raise RuntimeError("disk full")

    ops.query(widget, broken, doing="Reading", on_failed=seen.append)
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    assert str(seen[0]) == "disk full" and messages.log == []


def test_the_answer_is_dropped_when_the_widget_that_asked_is_gone(qtbot, ops, worker, messages):
    gone = QWidget()
    done: list[object] = []
    release = threading.Event()

    def slow_read() -> str:
        release.wait(5)
        return "rows"

    def slow_fault(_reason: str | None) -> None:
        release.wait(5)
        raise RuntimeError("disk full")

    ops.query(gone, slow_read, done.append, doing="Reading")
    ops.command(gone, slow_fault, done.append, doing="Saving")
    shiboken6.delete(gone)  # the dialog is closed while the worker is busy
    assert not shiboken6.isValid(gone)
    release.set()
    idle(qtbot, worker)
    assert done == [] and messages.log == []

    # The same jobs for a widget that is still there are answered: the test could fail.
    here = QWidget()
    qtbot.addWidget(here)
    ops.query(here, slow_read, done.append, doing="Reading")
    ops.command(here, slow_fault, doing="Saving")
    idle(qtbot, worker)
    assert done == ["rows"] and messages.log[0].kind == "error"


def test_a_reader_is_given_a_read_only_session(qtbot, worker, messages, widget, ctx) -> None:
    from frontdoor_app.access import people
    from frontdoor_app.models import Agency

    ops = Ops(worker, messages, ctx)
    found: list[object] = []
    ops.read(widget, people.list_users, found.append, doing="People")
    qtbot.waitUntil(lambda: bool(found), timeout=5000)
    assert ctx.actor.login in {p.login for p in found[0]}  # type: ignore[attr-defined]

    def writes(session) -> None:  # type: ignore[no-untyped-def]
        session.add(Agency(code="XX", name="Not allowed here"))
        session.flush()

    ops.read(widget, writes, found.append, doing="A reader that writes")
    qtbot.waitUntil(lambda: bool(messages.log), timeout=5000)
    assert messages.log[0].kind == "error" and "read-only" in messages.log[0].text
    assert len(found) == 1


def test_read_without_the_context_is_a_mistake_said_at_once(ops, widget) -> None:
    with pytest.raises(RuntimeError, match="needs the application context"):
        ops.read(widget, lambda s: None, doing="Reading")
