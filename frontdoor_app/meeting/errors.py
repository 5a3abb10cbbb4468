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


class VersionConflict(ConflictError):
    """Someone else saved this record since the form was started from it.

    ``theirs`` is the record as it now stands (a view, with who saved it and when), so the
    screen can show both versions side by side and nothing typed is lost. Every kind of
    record a form edits has its own subclass; the screens handle them all in one way.
    """

    def __init__(self, message: str, theirs: Any) -> None:
        super().__init__(message)
        self.theirs = theirs


class DecisionConflict(VersionConflict):
    """The case's decision was saved by someone else since the form was started;
    ``theirs`` is the ``DecisionView`` as it now stands."""


class ActionConflict(VersionConflict):
    """The action was updated by someone else since it was read; ``theirs`` is the
    ``ActionView`` as it now stands, with its updates (who changed it and when)."""


class EntryConflict(VersionConflict):
    """The intelligence entry was edited by someone else since the form was started from
    it; ``theirs`` is the ``IntelligenceView`` as it now stands."""


class AttendanceConflict(VersionConflict):
    """The attendance row was changed by someone else since it was read; ``theirs`` is the
    ``AttendanceRow`` as it now stands."""


class AgendaConflict(VersionConflict):
    """The agenda order was changed by someone else since it was read; ``theirs`` is the
    ``AgendaView`` as it now stands, ``by`` and ``at`` who last moved a case and when."""

    def __init__(self, message: str, theirs: Any, by: str | None, at: Any) -> None:
        super().__init__(message, theirs)
        self.by, self.at = by, at


class MeetingStateError(MeetingError):
    """The meeting is not in a state that allows this (not open yet, already closed, ...)."""


class AmendmentReasonRequired(MeetingStateError):
    """The meeting is closed: the change is an amendment and needs a written reason."""


class DecisionRefused(MeetingError):
    """The decision breaks a rule (e.g. a rationale is needed); ``problems`` lists each reason."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("The decision cannot be saved: " + " ".join(problems))
