"""Routing: the household's postcode → district → locality → the profile's FGC team."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from frontdoor_app.access import audit
from frontdoor_app.access.actor import Actor
from frontdoor_app.models import FgcReferral, FgcTeam, Household, Locality, PostcodeDistrict
from frontdoor_app.wording import meaningful

from . import roles
from .common import load_referral
from .errors import RoutingError

POSTCODE_RE = re.compile(r"^([A-Z]{1,2}[0-9][0-9A-Z]?)\s*([0-9][A-Z]{2})?$")


@dataclass(frozen=True)
class Route:
    """Where a postcode leads; ``team_id`` None means a person must route it by hand."""

    routed_how: str  # locality | unrouted
    team_id: int | None
    team_code: str | None
    team_name: str | None
    locality_name: str | None
    reason: str


def district_of(postcode: str | None) -> str | None:
    """The outward code (``LS9`` of ``LS9 7AB``), or None when it is not a postcode."""
    match = POSTCODE_RE.match(" ".join((postcode or "").upper().split()))
    return match.group(1) if match else None


def route_postcode(session: Session, postcode: str | None) -> Route:
    """The FGC team for ``postcode``, or the reason it goes to the route-by-hand list."""
    if not postcode or not postcode.strip():
        return _by_hand("no postcode is recorded for the household")
    district = district_of(postcode)
    if district is None:
        return _by_hand(f"{postcode.strip()!r} is not a postcode")
    row = session.execute(
        select(Locality.name, FgcTeam.id, FgcTeam.code, FgcTeam.name)
        .join(PostcodeDistrict, PostcodeDistrict.locality_id == Locality.id)
        .join(FgcTeam, FgcTeam.id == Locality.fgc_team_id)
        .where(PostcodeDistrict.district == district)
    ).first()
    if row is not None:
        locality, team_id, team_code, team_name = row
        return Route(
            "locality",
            team_id,
            team_code,
            team_name,
            locality,
            f"{district} is in {locality}, served by {team_name}",
        )
    area = re.match(r"^[A-Z]+", district)
    areas = {
        re.match(r"^[A-Z]+", d).group(0)  # type: ignore[union-attr]
        for d in session.scalars(select(PostcodeDistrict.district))
    }
    if area is None or area.group(0) not in areas:
        return _by_hand(f"{postcode.strip()} is outside the authority")
    return _by_hand(f"postcode district {district} is not in any locality of the authority")


def _by_hand(reason: str) -> Route:
    return Route("unrouted", None, None, None, None, f"route by hand: {reason}")


def route_referral(session: Session, actor: Actor, referral: FgcReferral) -> Route:
    """Route by the household's postcode, unless a person has already routed it by hand."""
    if referral.routed_how == "by_hand":
        return Route("by_hand", referral.team_id, None, None, None, referral.routing_reason or "")
    household = session.get(Household, referral.household_id)
    route = route_postcode(session, household.postcode if household else None)
    before = audit.snapshot(referral)
    referral.team_id = route.team_id
    referral.routed_how = route.routed_how
    referral.routing_reason = route.reason
    audit.written(session, actor, referral, "update", before, detail=f"FGC routing: {route.reason}")
    return route


def route_by_hand(
    session: Session,
    actor: Actor,
    referral_id: int,
    team_code: str,
    reason: str,
    version: int | None = None,
) -> None:
    """Choose the team for a referral by hand, with the reason (audited)."""
    reason = meaningful(reason, "The reason for choosing the FGC team by hand", None, RoutingError)
    referral = load_referral(session, referral_id, version)
    roles.require(session, actor, "route the referral by hand", referral)
    if not referral.is_open:
        raise RoutingError(f"referral {referral_id} is {referral.stage}; it cannot be re-routed")
    team = session.scalar(select(FgcTeam).where(FgcTeam.code == team_code))
    if team is None:
        raise RoutingError(f"there is no FGC team with code {team_code!r}")
    before = audit.snapshot(referral)
    referral.team_id = team.id
    referral.routed_how = "by_hand"
    referral.routing_reason = reason
    audit.written(
        session,
        actor,
        referral,
        "update",
        before,
        detail=f"FGC team chosen by hand: {team.name} — {reason}",
    )
