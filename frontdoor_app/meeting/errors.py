"""Refusals the meeting domain raises, each with a message a person can act on."""

from __future__ import annotations

from typing import Any

from frontdoor_app.refusal import Refusal


class MeetingError(Refusal):
    """A meeting rule refused the change; ``str(error)`` says why in words."""


class NotFoundError(MeetingError):
    """The meeting, case, entry or action asked for does not exist (any more)."""


class PermissionDenied(MeetingError):
    """The signed-in user's role or agency may not do this."""


class ConflictError(MeetingError):
    """Someone else saved this record after you opened it; reload and try again."""


class DecisionConflict(ConflictError):
    """The case's decision was saved by someone else since the form was started.

    ``theirs`` is the decision as it now stands (who saved it and when included), so the
    screen can show both versions side by side and nothing typed is lost.
    """

    def __init__(self, message: str, theirs: Any) -> None:
        super().__init__(message)
        self.theirs = theirs


class MeetingStateError(MeetingError):
    """The meeting is not in a state that allows this (not open yet, already closed, ...)."""


class AmendmentReasonRequired(MeetingStateError):
    """The meeting is closed: the change is an amendment and needs a written reason."""


class DecisionRefused(MeetingError):
    """The decision breaks a rule (e.g. a rationale is needed); ``problems`` lists each reason."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("The decision cannot be saved: " + " ".join(problems))
