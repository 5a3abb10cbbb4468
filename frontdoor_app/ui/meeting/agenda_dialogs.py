"""Opening and closing dialogs: the confidentiality statement, and closing the meeting."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from frontdoor_app.context import AppContext
from frontdoor_app.meeting import agenda, lifecycle
from frontdoor_app.meeting.views import MeetingView
from frontdoor_app.ui.core.messages import Messages
from frontdoor_app.ui.core.ops import Ops
from frontdoor_app.ui.core.theme import set_scaled_font
from frontdoor_app.ui.core.worker import Worker
from frontdoor_app.ui.widgets.tables import label
from frontdoor_app.ui.widgets.words import day_time


class ConfidentialityDialog(QDialog):
    """The authority's confidentiality statement, read aloud by the chair, then marked read."""

    def __init__(
        self,
        ctx: AppContext,
        worker: Worker,
        messages: Messages,
        meeting: MeetingView,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx, self.worker, self.messages, self.meeting = ctx, worker, messages, meeting
        self.ops = Ops(worker, messages, ctx)
        self.setWindowTitle(self.tr("Confidentiality statement"))
        self.setAccessibleName(self.tr("Confidentiality statement"))
        self.resize(760, 480)
        layout = QVBoxLayout(self)
        self.text = QPlainTextEdit(lifecycle.confidentiality_statement(ctx.profile), self)
        self.text.setReadOnly(True)
        self.text.setAccessibleName(self.tr("Confidentiality statement text"))
        set_scaled_font(self.text, 1.3)
        layout.addWidget(self.text, 1)
        self.state = label("", self, self.tr("Whether the statement has been read"))
        layout.addWidget(self.state)
        buttons = QDialogButtonBox(self)
        self.mark = QPushButton(self.tr("Mark as read to the room"), self)
        self.mark.setAccessibleName(self.tr("Mark the statement as read"))
        buttons.addButton(self.mark, QDialogButtonBox.ButtonRole.AcceptRole)
        close = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.setAccessibleName(self.tr("Close"))
        buttons.rejected.connect(self.reject)
        self.mark.clicked.connect(self._mark)
        layout.addWidget(buttons)
        self._show_state(meeting)

    def _show_state(self, meeting: MeetingView) -> None:
        self.meeting = meeting
        if meeting.confidentiality_read_at is not None:
            self.state.setText(
                self.tr("Read to the room at %1.").replace(
                    "%1", day_time(meeting.confidentiality_read_at)
                )
            )
            self.mark.setEnabled(False)
        else:
            self.state.setText(self.tr("Not yet marked as read."))
            self.mark.setEnabled(ctx_is_chair(self.ctx) and meeting.is_open)

    def _mark(self) -> None:
        sessions, actor, meeting_id = self.ctx.sessions, self.ctx.actor, self.meeting.id
        self.ops.command(
            self,
            lambda _reason: lifecycle.mark_confidentiality_read(sessions, actor, meeting_id),
            self._marked,
            doing=self.tr("Confidentiality statement"),
        )

    def _marked(self, meeting: MeetingView) -> None:
        self._show_state(meeting)
        self.accept()


def ctx_is_chair(ctx: AppContext) -> bool:
    return ctx.actor.is_chair


class CloseMeetingDialog(QDialog):
    """Says what still stands in the way; closes the meeting when nothing does."""

    def __init__(
        self,
        ctx: AppContext,
        worker: Worker,
        messages: Messages,
        meeting: MeetingView,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx, self.worker, self.messages, self.meeting = ctx, worker, messages, meeting
        self.ops = Ops(worker, messages, ctx)
        self.setWindowTitle(self.tr("Close the meeting"))
        self.setAccessibleName(self.tr("Close the meeting"))
        self.resize(640, 320)
        layout = QVBoxLayout(self)
        self.intro = label(
            self.tr(
                "Closing the meeting of %1. After closing, every change is an "
                "amendment: who, when and why are recorded and shown in the "
                "minutes."
            ).replace("%1", meeting.meeting_date.strftime("%A %d %B %Y")),
            self,
        )
        layout.addWidget(self.intro)
        self.problems = label(self.tr("Checking…"), self, self.tr("What stops the meeting closing"))
        self.problems.setObjectName("saveReason")
        layout.addWidget(self.problems, 1)
        buttons = QDialogButtonBox(self)
        self.defer_rest = QPushButton(self.tr("Defer the remaining cases"), self)
        self.defer_rest.setAccessibleName(
            self.tr("Defer every case still waiting to the next meeting")
        )
        self.defer_rest.setEnabled(False)
        buttons.addButton(self.defer_rest, QDialogButtonBox.ButtonRole.ActionRole)
        self.close_button = QPushButton(self.tr("Close the meeting"), self)
        self.close_button.setAccessibleName(self.tr("Close the meeting now"))
        self.close_button.setEnabled(False)
        buttons.addButton(self.close_button, QDialogButtonBox.ButtonRole.AcceptRole)
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setAccessibleName(self.tr("Cancel"))
        buttons.rejected.connect(self.reject)
        self.close_button.clicked.connect(self._close)
        self.defer_rest.clicked.connect(self._defer_rest)
        layout.addWidget(buttons)
        self.check()

    def check(self) -> None:
        meeting_id = self.meeting.id

        self.ops.read(
            self,
            lambda s: lifecycle.close_problems(s, meeting_id),
            self._checked,
            doing=self.tr("Close the meeting"),
        )

    def _checked(self, problems: list[str]) -> None:
        self.close_button.setEnabled(not problems)
        self.defer_rest.setEnabled(any("neither discussed nor deferred" in p for p in problems))
        if problems:
            self.problems.setText(self.tr("Not yet:") + "\n• " + "\n• ".join(problems))
        else:
            self.problems.setText(self.tr("Everything is recorded; the meeting can be closed."))

    def _defer_rest(self) -> None:
        """The meeting ran out of time: every waiting case goes to the next meeting."""
        sessions, actor, meeting_id = self.ctx.sessions, self.ctx.actor, self.meeting.id
        self.ops.command(
            self,
            lambda _reason: agenda.defer_remaining(sessions, actor, meeting_id),
            lambda _view: self.check(),
            doing=self.tr("Close the meeting"),
            on_failed=self._failed,
        )

    def _close(self) -> None:
        ctx, meeting_id = self.ctx, self.meeting.id

        doing = self.tr("Close the meeting")

        def close(version: int) -> None:
            # The chair closes what is on screen now: the close rules are checked inside.
            self.ops.command(
                self,
                lambda _reason: lifecycle.close_meeting(
                    ctx.sessions, ctx.actor, meeting_id, version
                ),
                self._closed,
                doing=doing,
                on_failed=self._failed,
            )

        self.ops.read(
            self,
            lambda s: lifecycle.load_meeting(s, meeting_id).version,
            close,
            doing=doing,
            on_failed=self._failed,
        )

    def _closed(self, _meeting: Any) -> None:
        self.messages.info(
            self,
            self.tr("Meeting closed"),
            self.tr("The meeting is closed. Changes from now on are amendments and need a reason."),
        )
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.ops.report(self, self.tr("Close the meeting"), exc)
        self.check()
