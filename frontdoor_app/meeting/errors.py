"""Refusals the meeting domain raises, each with a message a person can act on."""

from __future__ import annotations


class MeetingError(ValueError):
    """A meeting rule refused the change; ``str(error)`` says why in words."""


class NotFoundError(MeetingError):
    """The meeting, case, entry or action asked for does not exist (any more)."""


class PermissionDenied(MeetingError):
    """The signed-in user's role or agency may not do this."""


class ConflictError(MeetingError):
    """Someone else saved this record after you opened it; reload and try again."""


class MeetingStateError(MeetingError):
    """The meeting is not in a state that allows this (not open yet, already closed, ...)."""


class AmendmentReasonRequired(MeetingStateError):
    """The meeting is closed: the change is an amendment and needs a written reason."""


class DecisionRefused(MeetingError):
    """The decision breaks a rule (e.g. a rationale is needed); ``problems`` lists each reason."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("The decision cannot be saved: " + " ".join(problems))
