"""Internals shared by the FGC modules: loading a referral, stage words, stage events."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from frontdoor_app.access import audit
from frontdoor_app.access.actor import Actor
from frontdoor_app.models import FgcReferral, FgcStageEvent, utcnow
from frontdoor_app.models.fgc import FGC_ENDED_STAGES

from .errors import ConflictError, FgcError

STAGE_WORDS = {
    "offered": "offered",
    "consent": "consent given",
    "referred": "referred",
    "coordinator_allocated": "coordinator allocated",
    "preparation": "preparation",
    "conference_held": "conference held",
    "review": "review",
    "closed": "closed",
    "declined": "declined",
    "withdrawn": "withdrawn",
    "stopped": "stopped",
    "suspended": "suspended",
}


def stage_words(stage: str) -> str:
    """The stage in words; a value the software does not know is shown, never a crash."""
    return STAGE_WORDS.get(stage, f"unknown stage ({stage})")


def load_referral(
    session: Session, referral_id: int, version: int | None = None, lock: bool = False
) -> FgcReferral:
    """The referral, refusing a missing one or one changed since ``version`` was read.

    ``lock``: its row held until the unit of work ends (``FOR UPDATE`` on PostgreSQL; a
    SQLite write already holds the whole file), for a check-then-add on its lists."""
    referral = session.get(FgcReferral, referral_id, with_for_update=True if lock else None)
    if referral is None:
        raise FgcError(f"there is no FGC referral {referral_id}")
    if version is not None and referral.version != version:
        raise ConflictError(
            f"FGC referral {referral_id} was changed by someone else since you opened it; "
            "reload it and try again"
        )
    return referral


def require_open(referral: FgcReferral, doing: str) -> None:
    if not referral.is_open:
        raise FgcError(f"cannot {doing}: the referral is {stage_words(referral.stage)}")
    if referral.stage == "suspended":
        raise FgcError(f"cannot {doing}: the referral is suspended; the coordinator must resume it")


def move_stage(
    session: Session,
    actor: Actor,
    referral: FgcReferral,
    to_stage: str,
    reason: str | None = None,
    at: dt.datetime | None = None,
) -> None:
    """Set the stage, its date, an FgcStageEvent and the audit row, in this transaction."""
    before = audit.snapshot(referral)
    at = at or utcnow()
    from_stage = referral.stage
    referral.stage = to_stage
    date_column = f"{to_stage}_at"
    # The first time a stage is reached is its date; resuming after a suspension keeps it.
    if hasattr(referral, date_column) and getattr(referral, date_column) is None:
        setattr(referral, date_column, at)
    if to_stage in FGC_ENDED_STAGES:
        # Whatever way it ended, closed_at is when; the stage and end_reason say how.
        referral.closed_at = at
        referral.is_open = False
        if to_stage != "closed":
            referral.end_reason = reason
    session.add(
        FgcStageEvent(
            referral_id=referral.id,
            from_stage=from_stage,
            to_stage=to_stage,
            at=at,
            by_name=actor.display_name,
            reason=reason,
        )
    )
    audit.written(
        session,
        actor,
        referral,
        "update",
        before,
        detail=f"FGC stage {from_stage} → {to_stage}" + (f": {reason}" if reason else ""),
    )
