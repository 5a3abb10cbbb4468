"""Keeps the reference lists in the database in step with the authority profile."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from frontdoor_app.models import Agency, FgcTeam, Locality, OutcomeCode, PostcodeDistrict
from frontdoor_app.profile import Profile

from . import audit
from .actor import SYSTEM, Actor


def sync_reference(session: Session, profile: Profile, actor: Actor = SYSTEM) -> int:
    """Insert or update agencies, FGC teams, localities, districts and outcome codes.

    Rows the profile no longer names are kept (history refers to them); agencies are
    marked inactive. Returns the number of rows changed.
    """
    changed = 0
    agencies = {a.code: a for a in session.scalars(select(Agency))}
    for a in profile.agencies:
        changed += _upsert(
            session,
            actor,
            agencies.get(a.code),
            Agency,
            code=a.code,
            name=a.name,
            kind=a.kind,
            core=a.core,
            active=True,
            sharing_agreement_date=a.sharing_agreement_date,
        )
    for code, row in agencies.items():
        if row.active and code not in {a.code for a in profile.agencies}:
            before = audit.snapshot(row)
            row.active = False
            audit.written(session, actor, row, "update", before)
            changed += 1
    teams = {t.code: t for t in session.scalars(select(FgcTeam))}
    for t in profile.fgc_teams:
        changed += _upsert(
            session,
            actor,
            teams.get(t.code),
            FgcTeam,
            code=t.code,
            name=t.name,
            contact=t.contact or None,
        )
    session.flush()
    team_ids = {t.code: t.id for t in session.scalars(select(FgcTeam))}
    localities = {loc.code: loc for loc in session.scalars(select(Locality))}
    for loc in profile.localities:
        changed += _upsert(
            session,
            actor,
            localities.get(loc.code),
            Locality,
            code=loc.code,
            name=loc.name,
            fgc_team_id=team_ids[loc.fgc_team],
        )
    session.flush()
    locality_ids = {loc.code: loc.id for loc in session.scalars(select(Locality))}
    districts = {d.district: d for d in session.scalars(select(PostcodeDistrict))}
    for loc in profile.localities:
        for district in loc.districts:
            known = districts.get(district)
            if known is None:
                session.add(PostcodeDistrict(district=district, locality_id=locality_ids[loc.code]))
                changed += 1
            elif known.locality_id != locality_ids[loc.code]:
                known.locality_id = locality_ids[loc.code]
                changed += 1
    outcomes = {o.code: o for o in session.scalars(select(OutcomeCode))}
    for order, o in enumerate(profile.outcomes):
        changed += _upsert(
            session,
            actor,
            outcomes.get(o.code),
            OutcomeCode,
            code=o.code,
            label=o.label,
            sort_order=order,
            is_nfa=o.is_nfa,
            is_fgc_offer=o.is_fgc_offer,
            is_marac_referral=o.is_marac_referral,
            is_strategy_discussion=o.is_strategy_discussion,
            description=o.description or None,
            detail_prompt=o.detail_prompt or None,
            detail_required=o.detail_required,
        )
    session.flush()
    return changed


def _upsert(
    session: Session, actor: Actor, row: object | None, model: type, **values: object
) -> int:
    if row is None:
        row = model(**values)
        session.add(row)
        audit.written(session, actor, row, "create")  # type: ignore[arg-type]
        return 1
    if all(getattr(row, k) == v for k, v in values.items()):
        return 0
    before = audit.snapshot(row)  # type: ignore[arg-type]
    for k, v in values.items():
        setattr(row, k, v)
    audit.written(session, actor, row, "update", before)  # type: ignore[arg-type]
    return 1
