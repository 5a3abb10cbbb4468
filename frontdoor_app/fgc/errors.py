"""The refusals of the FGC package; every message names what is missing or wrong."""

from __future__ import annotations

from frontdoor_app.refusal import Refusal


class FgcError(Refusal):
    """Something about an FGC referral cannot be done; the message says why."""


class SafeguardError(FgcError):
    """A domestic abuse safeguard is missing. No role can go past it."""


class TransitionError(FgcError):
    """A referral cannot move from its stage to the one asked for."""


class RoutingError(FgcError):
    """A referral cannot be routed as asked."""


class ConflictError(FgcError):
    """Someone else changed the referral since it was read."""


class ReferralConflict(ConflictError):
    """The referral was changed by someone else since the form was started from it.

    ``theirs`` is the case's FGC (``CaseFgc``) as it now stands, ``by`` who last moved its
    stage (None when the last change was not a stage change) and ``at`` when it was last
    changed, so the screen shows both versions and nothing typed is lost.
    """

    def __init__(self, message: str, theirs: object, by: str | None, at: object) -> None:
        super().__init__(message)
        self.theirs, self.by, self.at = theirs, by, at


class FgcRulesError(FgcError):
    """The profile's [fgc] table is wrong; the message names the key."""


class PermissionError_(FgcError):  # noqa: N801 (not the built-in PermissionError)
    """The signed-in user's role (or team) may not do this step; the message names who may."""
