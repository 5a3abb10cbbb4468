"""Plain, frozen views of FGC referrals for the screens: the case's panel and the queue."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, and_, select, type_coerce
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from frontdoor_app.models import (
    FgcConsent,
    FgcInvitee,
    FgcReferral,
    FgcSafeguard,
    FgcTeam,
    Household,
)
from frontdoor_app.profile import Profile

from .common import STAGE_WORDS, stage_words
from .eligibility import Eligibility, for_agenda_item
from .gate import CONSENT_KINDS, SAFEGUARD_WORDS, check_invitee
from .people import HouseholdPerson, harm_warnings, household_people, known_harmers
from .referrals import NEXT_STAGE
from .rules import rules_from_profile

ROUTE_BY_HAND = "Route by hand"
# Where the invite list still decides anything: the steps ahead re-check it (after the
# conference, a warning would change nothing).
BEFORE_CONFERENCE = (
    "offered",
    "consent",
    "referred",
    "coordinator_allocated",
    "preparation",
    "suspended",
)


@dataclass(frozen=True)
class ConsentView:
    id: int
    kind: str
    kind_words: str
    person_name: str
    how: str
    at: dt.datetime
    recorded_by: str
    withdrawn_at: dt.datetime | None


@dataclass(frozen=True)
class InviteeView:
    id: int
    name: str
    relationship: str | None
    approved_by_victim: bool
    is_person_who_harmed: bool
    victim_requested: bool
    acknowledges_abuse: bool
    willing_to_address: bool
    person_id: int | None = None
    warning: str | None = None  # "may be Darren Kowalski, recorded as the person who harmed…"


@dataclass(frozen=True)
class RemovedInviteeView:
    """Someone taken off the list: kept, with when and why."""

    id: int
    name: str
    removed_at: dt.datetime
    reason: str | None


@dataclass(frozen=True)
class SafeguardView:
    kind: str
    words: str
    recorded_by: str
    at: dt.datetime
    note: str | None


@dataclass(frozen=True)
class ReferralView:
    id: int
    version: int
    origin_agenda_item_id: int | None  # the case the meeting offered it from
    household_reference: str
    postcode: str | None
    stage: str
    stage_words: str
    is_open: bool
    next_stage: str | None
    team_code: str | None
    team_name: str | None
    routed_how: str
    routing_reason: str | None
    coordinator: str | None
    conference_date: dt.date | None
    plan_agreed: bool | None
    review_due: dt.date | None
    end_reason: str | None
    offered_at: dt.datetime | None
    referred_at: dt.datetime | None
    setup_due: dt.date  # the profile's target: conference within N days of the referral
    consents: tuple[ConsentView, ...]  # these three are empty in the queue's rows
    invitees: tuple[InviteeView, ...]
    safeguards: tuple[SafeguardView, ...]
    gate_missing: tuple[str, ...]  # what the gate still needs, in words
    overdue: str | None  # what is late, in words, or None
    overdue_days: int


@dataclass(frozen=True)
class CaseFgc:
    """Everything the case's FGC tab shows."""

    agenda_item_id: int
    eligibility: Eligibility
    referral: ReferralView | None
    teams: tuple[tuple[str, str], ...]  # (code, name) for routing by hand
    people_who_harmed: tuple[str, ...]  # names the gate recognises as the person who harmed
    people: tuple[HouseholdPerson, ...] = ()  # whom the coordinator may pick as invitees
    removed: tuple[RemovedInviteeView, ...] = ()  # taken off the list, with the reason


def gate_status(
    stage: str,
    team_id: int | None,
    consent_kinds: set[str],
    invitees: Iterable[Any],
    safeguard_kinds: set[str],
    conference_date: dt.date | None,
) -> tuple[str, ...]:
    """What the gate still needs at this stage, in words (empty: nothing missing)."""
    if stage in ("closed", "declined", "withdrawn", "stopped"):
        return ()
    missing = [
        f"{words} is not recorded"
        for kind, words in CONSENT_KINDS.items()
        if kind not in consent_kinds
    ]
    if team_id is None:
        missing.append("no FGC team: route by hand")
    if stage in ("offered", "consent", "referred"):
        return tuple(missing)
    on_list = [i for i in invitees if i.removed_at is None]
    if not on_list:
        missing.append("no one is on the invite list")
    waiting = [i.name for i in on_list if i.approved_by_victim_at is None]
    if waiting:
        missing.append(f"not yet approved by the victim: {', '.join(waiting)}")
    for kind in ("separate_preparation_victim", "separate_preparation_perpetrator", "safety_plan"):
        needed = kind != "separate_preparation_perpetrator" or any(
            i.is_person_who_harmed for i in on_list
        )
        if needed and kind not in safeguard_kinds:
            missing.append(f"{SAFEGUARD_WORDS[kind]} is not recorded")
    if conference_date is None and stage in ("coordinator_allocated", "preparation"):
        missing.append("no conference date yet")
    return tuple(missing)


def referral_views(
    session: Session,
    profile: Profile,
    referrals: Sequence[Any],
    today: dt.date,
    detail: bool = True,
    chosen: Select[Any] | None = None,
) -> list[ReferralView]:
    """Views of many referrals with a fixed number of queries (the queue loads them all).

    ``referrals`` are FgcReferral rows or plain rows of the fgc_referral table. Related rows
    are read as plain rows (the views only read; ORM objects cost several times more).
    ``detail=False`` (the queue) reads only what the gate status needs and leaves the
    consents, invitees and safeguards of each view empty, and reads the timestamps it only
    tests for None as the database's raw value. ``chosen`` is the query that picked the
    referrals (the queue's): related rows are then read by a subquery instead of a list of
    several hundred ids bound one by one.
    """
    ids = [r.id for r in referrals]
    raw = _raw if not detail else (lambda column: column)
    picked: Any = ids if chosen is None else chosen.with_only_columns(FgcReferral.id)
    consents: dict[int, list[Any]] = defaultdict(list)
    invitees: dict[int, list[Any]] = defaultdict(list)
    safeguards: dict[int, list[Any]] = defaultdict(list)
    c, i, g = FgcConsent.__table__.c, FgcInvitee.__table__.c, FgcSafeguard.__table__.c
    # Whether an invitee has all three answers, worked out by the database (cheaper than
    # reading three timestamps per invitee in the queue).
    three = and_(
        i.is_person_who_harmed,
        i.victim_requested_at.is_not(None),
        i.acknowledges_abuse_at.is_not(None),
        i.willing_to_address_at.is_not(None),
    ).label("has_three")
    wanted = (
        ((c.referral_id, c.kind, raw(c.withdrawn_at)), FgcConsent.__table__, consents, ()),
        (
            (
                i.referral_id,
                i.id,
                i.name,
                i.person_id,
                raw(i.approved_by_victim_at),
                i.is_person_who_harmed,
                raw(i.removed_at),
            ),
            FgcInvitee.__table__,
            invitees,
            (three,),
        ),
        ((g.referral_id, g.kind), FgcSafeguard.__table__, safeguards, ()),
    )
    # Plain Core statements on the session's connection: no ORM loading for plain rows.
    connection = session.connection()
    if ids:
        for columns, table, into, extra in wanted:
            query = select(table, *extra) if detail else select(*columns, *extra)
            rows = connection.execute(
                query.where(table.c.referral_id.in_(picked)).order_by(table.c.id)
            ).all()  # one fetchall: iterating the cursor fetches row by row
            for row in rows:
                into[row.referral_id].append(row)
    teams = {t.id: t for t in connection.execute(select(FgcTeam.__table__))}
    households = {
        h.id: h
        for h in connection.execute(
            select(Household.id, Household.reference, Household.postcode).where(
                Household.id.in_(
                    {r.household_id for r in referrals}
                    if chosen is None
                    else chosen.with_only_columns(FgcReferral.household_id)
                )
            )
        )
    }
    target = rules_from_profile(profile).setup_target_days
    # The invite list checked again against the person who harmed, for every open referral
    # at once: who is, or may be, him without all three answers (issue 13).
    unchecked = {
        r.id: [
            (i.id, i.name, i.person_id)
            for i in invitees[r.id]
            if i.removed_at is None and not _has_three(i)
        ]
        for r in referrals
        if r.stage in BEFORE_CONFERENCE
    }
    harm = harm_warnings(
        session,
        unchecked,
        {r.id: r.household_id for r in referrals},
        profile.intake.review_threshold,
    )
    out = []
    for r in referrals:
        team = teams.get(r.team_id) if r.team_id else None
        household = households[r.household_id]
        in_force = {c.kind for c in consents[r.id] if c.withdrawn_at is None}
        kinds = {g.kind for g in safeguards[r.id]}
        started = (r.referred_at or r.offered_at or r.created_at).date()
        setup_due = started + dt.timedelta(days=target)
        late = _overdue(r, setup_due, today)
        out.append(
            ReferralView(
                id=r.id,
                version=r.version,
                origin_agenda_item_id=r.origin_agenda_item_id,
                household_reference=household.reference,
                postcode=household.postcode,
                stage=r.stage,
                stage_words=stage_words(r.stage),
                is_open=r.is_open,
                next_stage=NEXT_STAGE.get(r.stage) if r.is_open else None,
                team_code=team.code if team else None,
                team_name=team.name if team else None,
                routed_how=r.routed_how,
                routing_reason=r.routing_reason,
                coordinator=r.coordinator,
                conference_date=r.conference_date,
                plan_agreed=r.plan_agreed,
                review_due=r.review_due,
                end_reason=r.end_reason,
                offered_at=r.offered_at,
                referred_at=r.referred_at,
                setup_due=setup_due,
                consents=()
                if not detail
                else tuple(
                    ConsentView(
                        c.id,
                        c.kind,
                        CONSENT_KINDS.get(c.kind, c.kind),
                        c.person_name,
                        c.how,
                        c.at,
                        c.recorded_by,
                        c.withdrawn_at,
                    )
                    for c in consents[r.id]
                ),
                invitees=()
                if not detail
                else tuple(
                    InviteeView(
                        i.id,
                        i.name,
                        i.relationship_to_family,
                        i.approved_by_victim_at is not None,
                        i.is_person_who_harmed,
                        i.victim_requested_at is not None,
                        i.acknowledges_abuse_at is not None,
                        i.willing_to_address_at is not None,
                    )
                    for i in invitees[r.id]
                    if i.removed_at is None
                ),
                safeguards=()
                if not detail
                else tuple(
                    SafeguardView(
                        g.kind, SAFEGUARD_WORDS.get(g.kind, g.kind), g.recorded_by, g.at, g.note
                    )
                    for g in safeguards[r.id]
                ),
                gate_missing=gate_status(
                    r.stage, r.team_id, in_force, invitees[r.id], kinds, r.conference_date
                )
                + tuple(harm.get(r.id, ())),
                overdue=late[0],
                overdue_days=late[1],
            )
        )
    return out


def _raw(column: Any) -> Any:
    """A timestamp column read as the database's raw value, under its own name: for the
    queue, which only asks whether it is None (converting thousands to UTC datetimes cost
    more than the rest of the row)."""
    return type_coerce(column, String).label(column.name)


def _has_three(i: Any) -> bool:
    return bool(i.has_three)


def _overdue(r: FgcReferral, setup_due: dt.date, today: dt.date) -> tuple[str | None, int]:
    """(what is late in words, days late), or (None, 0)."""
    if not r.is_open:
        return None, 0
    if r.stage == "conference_held" and r.review_due and r.review_due < today:
        days = (today - r.review_due).days
        return f"review {days} days overdue (due {r.review_due:%d %b %Y})", days
    if r.conference_held_at is None and setup_due < today:
        days = (today - setup_due).days
        return f"conference {days} days past the set-up target (due {setup_due:%d %b %Y})", days
    return None, 0


def referral_view(
    session: Session, profile: Profile, referral_id: int, today: dt.date | None = None
) -> ReferralView:
    referral = session.get(FgcReferral, referral_id)
    if referral is None:
        raise LookupError(f"there is no FGC referral {referral_id}")
    return referral_views(session, profile, [referral], today or profile.today())[0]


def case_fgc(
    session: Session, profile: Profile, agenda_item_id: int, today: dt.date | None = None
) -> CaseFgc:
    """The FGC tab of a case: eligibility in words, the referral, teams to route to."""
    today = today or profile.today()
    eligibility = for_agenda_item(session, profile, agenda_item_id, today)
    referral = None
    harmed: tuple[str, ...] = ()
    people: tuple[HouseholdPerson, ...] = ()
    removed: tuple[RemovedInviteeView, ...] = ()
    if eligibility.referral_id is not None:
        referral = referral_view(session, profile, eligibility.referral_id, today)
        row = session.get(FgcReferral, eligibility.referral_id)
        if row is not None:
            harmed = tuple(sorted({k.full_name for k in known_harmers(session, row.household_id)}))
            people = tuple(household_people(session, row.household_id))
            referral, removed = _with_person_checks(session, profile, row, referral)
    teams = tuple((t.code, t.name) for t in session.scalars(select(FgcTeam).order_by(FgcTeam.name)))
    return CaseFgc(agenda_item_id, eligibility, referral, teams, harmed, people, removed)


def _with_person_checks(
    session: Session, profile: Profile, row: FgcReferral, view: ReferralView
) -> tuple[ReferralView, tuple[RemovedInviteeView, ...]]:
    """The invite list checked again against the person who harmed, and those removed."""
    invitees = []
    for inv in view.invitees:
        found = session.get(FgcInvitee, inv.id)
        check = check_invitee(session, row, found, profile.intake) if found else None
        warning = f"{inv.name} {check.why}" if check and check.is_person_who_harmed else None
        invitees.append(
            dataclasses.replace(inv, person_id=found.person_id if found else None, warning=warning)
        )
    removed = tuple(
        RemovedInviteeView(i.id, i.name, i.removed_at, i.removed_reason)
        for i in session.scalars(
            select(FgcInvitee)
            .where(FgcInvitee.referral_id == row.id, FgcInvitee.removed_at.is_not(None))
            .order_by(FgcInvitee.removed_at)
        )
        if i.removed_at is not None
    )
    return dataclasses.replace(view, invitees=tuple(invitees)), removed


STAGE_ORDER = {stage: n for n, stage in enumerate(STAGE_WORDS)}
UNROUTED = ""  # the team filter for the route-by-hand list


def queue(
    session: Session,
    profile: Profile,
    today: dt.date | None = None,
    team_code: str | None = None,
    stage: str | None = None,
) -> tuple[ReferralView, ...]:
    """Open referrals, overdue first, then by team and stage.

    ``team_code`` None: every team; ``UNROUTED`` (""): the route-by-hand list.
    """
    today = today or profile.today()
    query = select(FgcReferral).where(FgcReferral.is_open.is_(True))
    if team_code == UNROUTED:
        query = query.where(FgcReferral.team_id.is_(None))
    elif team_code is not None:
        query = query.join(FgcTeam, FgcTeam.id == FgcReferral.team_id).where(
            FgcTeam.code == team_code
        )
    if stage is not None:
        query = query.where(FgcReferral.stage == stage)
    rows = session.connection().execute(query.with_only_columns(*_queue_columns())).all()
    views = referral_views(session, profile, rows, today, detail=False, chosen=query)
    return tuple(
        sorted(
            views,
            key=lambda v: (
                v.overdue is None,
                -v.overdue_days,
                v.team_name or "",
                STAGE_ORDER.get(v.stage, len(STAGE_ORDER)),
                v.id,
            ),
        )
    )


def _queue_columns() -> tuple[Any, ...]:
    """The referral's columns a queue row reads (not the timestamps of every stage)."""
    r = FgcReferral.__table__.c
    return (
        *(
            r[name]
            for name in (
                "id",
                "version",
                "origin_agenda_item_id",
                "household_id",
                "team_id",
                "stage",
                "is_open",
                "routed_how",
                "routing_reason",
                "coordinator",
                "conference_date",
                "plan_agreed",
                "review_due",
                "end_reason",
                "offered_at",
                "referred_at",
                "created_at",
            )
        ),
        _raw(r.conference_held_at),
    )


def queue_teams(session: Session) -> tuple[tuple[str, str], ...]:
    """(code, name) of every FGC team, for the queue's team filter."""
    return tuple((t.code, t.name) for t in session.scalars(select(FgcTeam).order_by(FgcTeam.name)))
