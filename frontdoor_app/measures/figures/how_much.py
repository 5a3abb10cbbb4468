"""How much did we do? Counts of notifications, cases, children, decisions, referrals."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import (
    case,
    exists,
    func,
    literal,
    null,
    or_,
    select,
)

from frontdoor_app.flags import MARAC_CRITERIA, WORKED_OUT_CRITERIA
from frontdoor_app.models import (
    Action,
    Agency,
    AgendaItem,
    Decision,
    DecisionOutcome,
    FgcReferral,
    HouseholdMember,
    Meeting,
    Notification,
    OutcomeCode,
)

from ..model import AGENCY, COUNT, HOW_MUCH, LOCALITY
from .base import (
    Ask,
    Rows,
    count_per_week,
    discussed_cases,
    discussed_in_days,
    fetch_numbers,
    fetch_rows,
    figure,
    for_agency,
    in_locality,
    meeting_week_of,
    received_in_day,
    shared_set,
)


@figure(
    "notifications",
    HOW_MUCH,
    "Notifications received",
    COUNT,
    "notifications",
    """
    Police notifications whose received time falls in the week (Monday 00:00 to Sunday
    24:00, the authority's time zone). Records held in quarantine are not counted until
    they are corrected.""",
    LOCALITY,
)
def _notifications(ask: Ask) -> Rows:
    d = ask.d
    return fetch_rows(
        ask,
        select(d.c.bucket, literal(""), func.count(Notification.id), null())
        .join(d, received_in_day(d))
        .where(in_locality(ask, Notification.household_id))
        .group_by(d.c.bucket),
    )


@figure(
    "discussed",
    HOW_MUCH,
    "Cases discussed",
    COUNT,
    "cases",
    """
    Agenda items marked discussed at a meeting held in the week. A case deferred and
    discussed later counts once, in the week it was discussed.""",
    LOCALITY,
)
def _cases_discussed(ask: Ask) -> Rows:
    return count_per_week(bucket for bucket, *_rest in discussed_cases(ask))


@figure(
    "children",
    HOW_MUCH,
    "Children covered",
    COUNT,
    "children",
    """
    Distinct children (household members with the role child) in the households of the
    cases discussed in the week. Over a range of weeks a child is counted once.""",
    LOCALITY,
)
def _children(ask: Ask) -> Rows:
    # The children of the discussed households (one query, driven by the household index),
    # joined here to the weeks each household was discussed (the shared cases): the
    # distinct (week, child) pairs, counted per week and over the range (bucket -1; not the
    # sum of the weeks': a child seen in two weeks counts once there).
    children_of: dict[int, list[int]] = defaultdict(list)
    households = select(AgendaItem.household_id).where(*discussed_in_days(ask))
    query = select(HouseholdMember.household_id, HouseholdMember.person_id).where(
        HouseholdMember.role == "child", HouseholdMember.household_id.in_(households)
    )
    for household, person in fetch_numbers(ask, query):
        children_of[household].append(person)
    per_week: dict[int, set[int]] = defaultdict(set)
    for bucket, household, *_rest in discussed_cases(ask):
        if household in children_of:
            per_week[bucket].update(children_of[household])
    first, last = ask.range_buckets
    weekly = {b: len(people) for b, people in per_week.items()}
    children = set().union(*(p for b, p in per_week.items() if first <= b <= last))
    return [*((b, "", n, None) for b, n in weekly.items()), (-1, "", len(children), None)]


def _decisions(ask: Ask) -> Rows:
    """Per week: (bucket, decisions, decisions referring to MARAC), for two figures."""
    marac_outcome = exists().where(
        DecisionOutcome.decision_id == Decision.id,
        DecisionOutcome.outcome_code_id.in_(
            select(OutcomeCode.id).where(OutcomeCode.is_marac_referral)
        ),
    )
    referred = or_(Decision.professional_judgement_marac, marac_outcome)
    weeks = meeting_week_of(ask)
    decisions: dict[int, int] = defaultdict(int)
    referrals: dict[int, int] = defaultdict(int)
    query = (
        select(
            AgendaItem.meeting_id, func.count(Decision.id), func.sum(case((referred, 1), else_=0))
        )
        .join(Decision, Decision.agenda_item_id == AgendaItem.id)
        .where(*discussed_in_days(ask))
        .group_by(AgendaItem.meeting_id)
    )
    for meeting, n, r in fetch_numbers(ask, query):
        decisions[weeks[meeting]] += n
        referrals[weeks[meeting]] += int(r or 0)
    return [(b, decisions[b], referrals[b]) for b in decisions]


@figure(
    "decisions",
    HOW_MUCH,
    "Decisions and outcomes",
    COUNT,
    "decisions",
    """
    Decisions recorded on cases discussed in the week; the breakdown counts each outcome
    code chosen (a decision may have several outcomes).""",
    LOCALITY,
    "outcome",
)
def _outcomes(ask: Ask) -> Rows:
    decisions = [(b, "", n, None) for b, n, _referred in shared_set(ask, "decisions", _decisions)]
    weeks = meeting_week_of(ask)
    chosen: dict[tuple[int, str], int] = defaultdict(int)
    query = (
        select(AgendaItem.meeting_id, OutcomeCode.label, func.count(DecisionOutcome.id))
        .join(Decision, Decision.agenda_item_id == AgendaItem.id)
        .join(DecisionOutcome, DecisionOutcome.decision_id == Decision.id)
        .join(OutcomeCode, OutcomeCode.id == DecisionOutcome.outcome_code_id)
        .where(*discussed_in_days(ask))
        .group_by(AgendaItem.meeting_id, OutcomeCode.label)
    )
    for meeting, label, n in fetch_rows(ask, query):
        chosen[weeks[meeting], label] += n
    outcomes = [(b, label, n, -1) for (b, label), n in chosen.items()]
    # Outcome rows are breakdown-only (denominator -1): they do not add to the weekly total.
    return [*decisions, *outcomes]


@figure(
    "marac",
    HOW_MUCH,
    "MARAC referrals",
    COUNT,
    "referrals",
    """
    Decisions in the week that refer the case to MARAC: an outcome marked as a MARAC
    referral, or the chair's professional judgement. The breakdown also shows how many
    discussed cases were flagged on the agenda by each MARAC criterion (visible high risk,
    potential escalation, repeat), whether or not they were referred.""",
    LOCALITY,
    "referral or criterion",
)
def _marac(ask: Ask) -> Rows:
    out: list[tuple[Any, ...]] = [
        (b, "Referrals made", int(referred or 0), None)
        for b, _n, referred in shared_set(ask, "decisions", _decisions)
        if referred
    ]
    for n, code in enumerate(WORKED_OUT_CRITERIA):
        words = MARAC_CRITERIA[code]
        flagged: dict[int, int] = defaultdict(int)
        for bucket, _household, _seconds, flags in discussed_cases(ask):
            flagged[bucket] += flags[n]
        out += [(b, f"Flagged: {words}", k, -1) for b, k in flagged.items() if k]
    return out


@figure(
    "fgc_offers",
    HOW_MUCH,
    "FGC offers",
    COUNT,
    "offers",
    """
    Family Group Conference offers made in the week (the referral's offered time).""",
    LOCALITY,
)
def _fgc_offers(ask: Ask) -> Rows:
    return _fgc_count(ask, FgcReferral.offered_at)


@figure(
    "fgc_referrals",
    HOW_MUCH,
    "FGC referrals",
    COUNT,
    "referrals",
    """
    Family Group Conference referrals sent to an FGC team in the week (the referral's
    referred time).""",
    LOCALITY,
)
def _fgc_referrals(ask: Ask) -> Rows:
    return _fgc_count(ask, FgcReferral.referred_at)


def _fgc_count(ask: Ask, when: Any) -> Rows:
    # A few hundred referrals a year: their weeks are found here (``ask.bucket_of``), which
    # spares the statement the days table.
    query = select(when).where(ask.within(when), in_locality(ask, FgcReferral.household_id))
    return count_per_week(ask.bucket_of(at) for (at,) in fetch_rows(ask, query))


@figure(
    "actions",
    HOW_MUCH,
    "Actions agreed",
    COUNT,
    "actions",
    """
    Actions agreed on cases at a meeting held in the week, by the agency that owns
    them.""",
    AGENCY,
    "agency",
)
def _actions(ask: Ask) -> Rows:
    d = ask.d
    query = (
        select(d.c.bucket, Agency.name, func.count(Action.id), null())
        .select_from(Action)
        .join(AgendaItem, AgendaItem.id == Action.agenda_item_id)
        .join(Meeting, Meeting.id == AgendaItem.meeting_id)
        .join(d, d.c.day == Meeting.meeting_date)
        .join(Agency, Agency.id == Action.owner_agency_id)
        .group_by(d.c.bucket, Agency.name)
    )
    return for_agency(ask, query, Action.owner_agency_id)
