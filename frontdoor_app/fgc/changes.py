"""What the FGC screens call: each change one unit of work, then the case's FGC as it stands.

The screens never open a session. A writer here takes the session factory and the actor
and runs one step (a function of ``gate``, ``referrals`` or ``routing``, given the session
and the referral's id) in one transaction; two people saving the same referral at the same
moment is the package's own ``ConflictError``, never SQLAlchemy's ``StaleDataError``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from frontdoor_app.access.actor import Actor
from frontdoor_app.models import FgcReferral, FgcStageEvent
from frontdoor_app.models.database import session_scope
from frontdoor_app.profile import Profile

from .document import export_referral
from .errors import ConflictError, ReferralConflict
from .referrals import offer_for_decision
from .views import CaseFgc, case_fgc

# One change to a referral: ``step(session, referral_id)`` (its result is not used).
Step = Callable[[Session, int], object]

SAME_MOMENT = (
    "someone else changed this referral at the same moment; it has been reloaded: check it "
    "and try again"
)


@contextlib.contextmanager
def unit(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work; a concurrent change to the same rows is a ``ConflictError``."""
    try:
        with session_scope(sessions) as session:
            yield session
    except StaleDataError as exc:
        raise ConflictError(SAME_MOMENT) from exc


def read_case(sessions: sessionmaker[Session], profile: Profile, agenda_item_id: int) -> CaseFgc:
    """The FGC tab of a case, read in a unit of its own."""
    with session_scope(sessions) as session:
        return case_fgc(session, profile, agenda_item_id)


def change_referral(
    sessions: sessionmaker[Session],
    profile: Profile,
    agenda_item_id: int,
    referral_id: int,
    step: Step,
) -> CaseFgc:
    """Run ``step(session, referral_id)`` in one transaction; then the case's FGC."""
    try:
        with unit(sessions) as session:
            step(session, referral_id)
    except ReferralConflict:
        raise
    except ConflictError as exc:
        # Changed since the form was started (or at the same moment): both versions.
        theirs = read_case(sessions, profile, agenda_item_id)
        by, at = last_change(sessions, referral_id)
        raise ReferralConflict(str(exc), theirs, by, at) from exc
    return read_case(sessions, profile, agenda_item_id)


def last_change(
    sessions: sessionmaker[Session], referral_id: int
) -> tuple[str | None, dt.datetime | None]:
    """Who last changed the referral (from its last stage change, when that was the last
    change) and when."""
    with session_scope(sessions) as s:
        referral = s.get(FgcReferral, referral_id)
        if referral is None:
            return None, None
        event = s.execute(
            select(FgcStageEvent.by_name, FgcStageEvent.at)
            .where(FgcStageEvent.referral_id == referral_id)
            .order_by(FgcStageEvent.at.desc(), FgcStageEvent.id.desc())
            .limit(1)
        ).first()
        at = referral.updated_at
        by = event[0] if event is not None and abs(event[1] - at) < _SAME_CHANGE else None
        return by, at


_SAME_CHANGE = dt.timedelta(seconds=5)


def start_offer(
    sessions: sessionmaker[Session], actor: Actor, profile: Profile, agenda_item_id: int
) -> CaseFgc:
    """Start the offer the case's decision calls for (see ``referrals.offer_for_decision``);
    then the case's FGC, whose eligibility says why when no referral was started."""
    with unit(sessions) as session:
        offer_for_decision(session, actor, profile, agenda_item_id)
    return read_case(sessions, profile, agenda_item_id)


def referral_pdf(
    sessions: sessionmaker[Session],
    actor: Actor,
    profile: Profile,
    referral_id: int,
    generated_at: dt.datetime,
) -> bytes:
    """The referral PDF, its export recorded in the audit trail, in one unit of work."""
    with unit(sessions) as session:
        return export_referral(session, actor, profile, referral_id, generated_at=generated_at)
