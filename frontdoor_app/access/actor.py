"""Who is doing something: the signed-in user, as plain data."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    login: str
    display_name: str
    role: str  # chair | representative | admin | viewer | fgc_coordinator
    agency_id: int | None = None
    agency_code: str | None = None
    fgc_team_id: int | None = None  # the FGC team of an fgc_coordinator

    @property
    def is_chair(self) -> bool:
        return self.role == "chair"

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


SYSTEM = Actor(user_id=None, login="system", display_name="System", role="admin")


class SignInError(RuntimeError):
    """The person cannot be signed in (unknown, disabled, or the server's schema differs)."""


class AccessDenied(PermissionError):
    """The signed-in user's role may not do this (the message says who may)."""


ROLE_WORDS = {
    "chair": "the chair",
    "admin": "an admin",
    "representative": "a representative",
    "viewer": "a viewer",
    "fgc_coordinator": "an FGC coordinator",
}


def may_act_for_agency(actor: Actor, agency_id: int | None) -> bool:
    """The chair and admins act for any agency; a representative for their own only."""
    if actor.role in ("chair", "admin"):
        return True
    return actor.role == "representative" and agency_id is not None and actor.agency_id == agency_id


def may_change_entry(actor: Actor, author_id: int | None, agency_id: int) -> bool:
    """The chair, the entry's author, or a representative of the entry's agency: who may
    change what an agency said (``meeting.entries`` refuses anyone else on Save; the case
    view offers "Edit" to these only)."""
    if actor.is_chair or (author_id is not None and author_id == actor.user_id):
        return True
    return actor.role == "representative" and actor.agency_id == agency_id


def require_agency(
    actor: Actor,
    agency_id: int | None,
    doing: str,
    refuse: Callable[[str], Exception] = AccessDenied,
) -> None:
    """Refuse, in one wording everywhere, what ``actor`` may not do for that agency."""
    if may_act_for_agency(actor, agency_id):
        return
    if actor.role == "representative":
        raise refuse(f"A representative can {doing} only for their own agency.")
    you = ROLE_WORDS.get(actor.role, actor.role)
    raise refuse(
        f"Only the chair, an admin or a representative for their own agency can {doing}; "
        f"you are signed in as {you}."
    )


INTAKE_ROLES = ("chair", "admin")
# Who records the meeting's decision on a case: the chair. Everyone else reads it as saved.
DECIDES = ("chair",)


def require(actor: Actor, roles: tuple[str, ...], doing: str) -> None:
    """Refuse ``actor`` unless their role is one of ``roles``: the friendly first line (on a
    server the row-level security policies refuse it again)."""
    if actor.role not in roles:
        allowed = " or ".join(
            f"the {r}" if r == "chair" else f"an {r}" if r[0] in "aeiou" else f"a {r}"
            for r in roles
        )
        raise AccessDenied(
            f"Only {allowed} can {doing}; {actor.display_name} is signed in as {actor.role}."
        )
