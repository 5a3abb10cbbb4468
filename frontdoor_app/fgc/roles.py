"""Who may do each FGC step (DOMAIN.md): the chair at the meeting, the team's coordinator.

The chair may offer, record consent and route at the meeting; the FGC coordinator of the
referral's team (and an admin, for corrections) may do every later gate step, suspend,
resume and stop; representatives and viewers only read. Each refusal names who may act.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from frontdoor_app.access.actor import ROLE_WORDS, Actor
from frontdoor_app.models import FgcReferral, FgcTeam

from .errors import PermissionError_

CHAIR, COORDINATOR, ADMIN = "chair", "fgc_coordinator", "admin"
MEETING = (CHAIR, COORDINATOR, ADMIN)  # offer, consent, route: at the meeting or after
LATER = (COORDINATOR, ADMIN)  # every later gate step, suspend, resume, stop
STEPS: dict[str, tuple[str, ...]] = {
    "offer": (CHAIR, ADMIN),
    "offer again": (CHAIR, ADMIN),
    "route the referral by hand": (CHAIR, ADMIN),
    "record consent": MEETING,
    "withdraw consent": MEETING,
    "decline the referral": MEETING,
    "withdraw the referral": MEETING,
    "move the referral to consent given": MEETING,
    "move the referral to referred": MEETING,
}


def allowed_roles(step: str) -> tuple[str, ...]:
    return STEPS.get(step, LATER)


def may(actor: Actor, step: str, team_id: int | None) -> bool:
    roles = allowed_roles(step)
    if actor.role not in roles:
        return False
    if actor.role == COORDINATOR:
        return team_id is not None and actor.fgc_team_id == team_id
    return True


def require(session: Session, actor: Actor, step: str, referral: FgcReferral | None) -> None:
    """Refuse unless ``actor`` may do ``step`` on ``referral``, naming who may."""
    team_id = referral.team_id if referral is not None else None
    if may(actor, step, team_id):
        return
    team = session.scalar(select(FgcTeam.name).where(FgcTeam.id == team_id)) if team_id else None
    names = []
    for role in allowed_roles(step):
        if role == COORDINATOR:
            names.append(
                f"the FGC coordinator of {team}"
                if team
                else "the FGC coordinator of the referral's team (once it is routed)"
            )
        else:
            names.append(ROLE_WORDS[role])
    who = ", ".join(names[:-1]) + f" or {names[-1]}" if len(names) > 1 else names[0]
    you = ROLE_WORDS.get(actor.role, actor.role)
    if actor.role == COORDINATOR and COORDINATOR in allowed_roles(step):
        you = (
            "an FGC coordinator of another team"
            if actor.fgc_team_id
            else ("an FGC coordinator with no team")
        )
    raise PermissionError_(f"only {who} can {step}; {actor.display_name} is {you}")
