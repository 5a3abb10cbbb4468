"""Users and roles."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from frontdoor_app.models import Agency, FgcTeam, User
from frontdoor_app.models.reference import ROLES
from frontdoor_app.refusal import Refusal

from . import audit
from .actor import SYSTEM, Actor


class UserError(Refusal):
    pass


def actor_for(user: User) -> Actor:
    return Actor(
        user_id=user.id,
        login=user.login,
        display_name=user.display_name,
        role=user.role,
        agency_id=user.agency_id,
        agency_code=user.agency.code if user.agency else None,
        fgc_team_id=user.fgc_team_id,
    )


def ensure_user(
    session: Session,
    login: str,
    display_name: str,
    role: str,
    agency_code: str | None = None,
    by: Actor = SYSTEM,
    fgc_team_code: str | None = None,
) -> Actor:
    """The user with this login, created when missing (audited).

    An ``fgc_coordinator`` belongs to one FGC team (``fgc_team_code``); no other role has one.
    """
    if role not in ROLES:
        raise UserError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    if (role == "fgc_coordinator") != bool(fgc_team_code):
        raise UserError("an FGC coordinator belongs to one FGC team (and only a coordinator does)")
    user = session.scalar(select(User).where(User.login == login))
    if user is None:
        team_id = None
        if fgc_team_code:
            team_id = session.scalar(select(FgcTeam.id).where(FgcTeam.code == fgc_team_code))
            if team_id is None:
                raise UserError(f"no FGC team with code {fgc_team_code!r}")
        agency_id = None
        if agency_code:
            agency_id = session.scalar(select(Agency.id).where(Agency.code == agency_code))
            if agency_id is None:
                raise UserError(f"no agency with code {agency_code!r}")
        user = User(
            login=login,
            display_name=display_name,
            role=role,
            agency_id=agency_id,
            fgc_team_id=team_id,
        )
        session.add(user)
        audit.written(session, by, user, "create")
    return actor_for(user)


def find_actor(session: Session, login: str) -> Actor | None:
    user = session.scalar(select(User).where(User.login == login, User.active.is_(True)))
    return actor_for(user) if user else None
