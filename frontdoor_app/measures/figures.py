"""Every figure of the weekly report card: its definition in words, beside its SQL.

Each figure is one function registered with ``@figure(...)``; the words in ``definition``
are what the screen's tooltips and the report card's appendix show, so an analyst can
check the SQL below them against them. The function gets the days table ``d``
(``calendar.days_table``: one row per local day, with its week's bucket) and returns rows:

- count and share figures: ``(bucket, part, numerator, denominator)``; a count's
  denominator is None; ``part`` is the breakdown's label ("" when there is none);
- median figures: ``(bucket, part, value)``, one row per thing measured.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    CTE,
    Executable,
    String,
    and_,
    case,
    cast,
    exists,
    false,
    func,
    literal,
    null,
    or_,
    select,
)
from sqlalchemy.orm import Session

from frontdoor_app.flags import MARAC_CRITERIA, WORKED_OUT_CRITERIA
from frontdoor_app.models import (
    Action,
    Agency,
    AgendaItem,
    Attendance,
    AuditEvent,
    Decision,
    DecisionOutcome,
    FgcConsent,
    FgcReferral,
    FgcSafeguard,
    Household,
    HouseholdMember,
    Meeting,
    Notification,
    OutcomeCode,
)

from .calendar import Day
from .model import AGENCY, BETTER_OFF, COUNT, HOW_MUCH, HOW_WELL, LOCALITY, MEDIAN, SHARE, Figure

MINUTES_ENTITY = "minutes"  # the audit trail's name for minutes (meeting.minutes_export)


@dataclass(frozen=True)
class Ask:
    """What one computation is asked: the days table and the filters (ids)."""

    session: Session
    d: CTE
    as_of: dt.date
    agency_id: int | None
    locality_id: int | None
    target_minutes: int
    range_buckets: tuple[int, int]  # first and last bucket of the weeks asked for
    span: tuple[dt.datetime, dt.datetime]  # the first day's start, the last day's end (UTC)
    starts: tuple[dt.datetime, ...] = ()  # each day's start (UTC), in order
    buckets: tuple[int, ...] = ()  # each day's bucket
    shared: dict[str, Any] = field(default_factory=dict)  # sets several figures share
    days: tuple[Day, ...] = ()  # the days of ``d``, in order

    def bucket_of(self, instant: dt.datetime) -> int:
        """The bucket of an instant inside ``span``."""
        return self.buckets[bisect.bisect_right(self.starts, instant) - 1]

    def within(self, instant: Any) -> Any:
        """The instant falls in the days asked for: lets SQL skip rows before joining ``d``."""
        return and_(instant >= self.span[0], instant < self.span[1])


Rows = Sequence[tuple[Any, ...]]
Compute = Callable[[Ask], Rows]
FIGURES: list[tuple[Figure, Compute]] = []


def figure(
    key: str,
    group: str,
    title: str,
    kind: str,
    unit: str,
    definition: str,
    filter: str | None = None,
    parts_title: str = "",
) -> Callable[[Compute], Compute]:
    def register(fn: Compute) -> Compute:
        FIGURES.append(
            (
                Figure(
                    key, group, title, kind, unit, " ".join(definition.split()), filter, parts_title
                ),
                fn,
            )
        )
        return fn

    return register


def _rows(ask: Ask, query: Executable) -> Rows:
    # Core, not the ORM's result machinery: some figures read thousands of rows.
    return [tuple(r) for r in ask.session.connection().execute(query).all()]


def _numbers(ask: Ask, query: Executable) -> Rows:
    """Rows of whole numbers only, straight from the driver's cursor: no column needs a
    conversion, and for tens of thousands of rows the result rows cost more than the query."""
    result = ask.session.connection().execute(query)
    try:
        return result.cursor.fetchall()
    finally:
        result.close()


def _in_locality(ask: Ask, household_id: Any) -> Any:
    """A condition: the household is in the locality asked for (true when none is)."""
    if ask.locality_id is None:
        return literal(True)
    return household_id.in_(select(Household.id).where(Household.locality_id == ask.locality_id))


def _received_in_day(d: CTE) -> Any:
    return and_(Notification.received_at >= d.c.start_at, Notification.received_at < d.c.end_at)


def _shared(ask: Ask, name: str, make: Callable[[Ask], Any]) -> Any:
    """A set several figures read, made once per computation (per locality asked for)."""
    key = f"{name}:{ask.locality_id}"
    if key not in ask.shared:
        ask.shared[key] = make(ask)
    return ask.shared[key]


def _meeting_weeks(ask: Ask) -> dict[int, int]:
    """The week (bucket) of each meeting held in the days asked for, by meeting id."""
    week_of = {x.day: x.bucket for x in ask.days}
    held = select(Meeting.id, Meeting.meeting_date).where(_in_days(ask))
    return {meeting: week_of[day] for meeting, day in _rows(ask, held)}


def _in_days(ask: Ask) -> Any:
    return and_(Meeting.meeting_date >= ask.days[0].day, Meeting.meeting_date <= ask.days[-1].day)


def _discussed_in_days(ask: Ask) -> tuple[Any, ...]:
    """Conditions on ``AgendaItem``: discussed at a meeting in the days asked for (and in
    the locality asked for).

    The figures over discussed cases select from the agenda items under these conditions,
    group by meeting and find each meeting's week here (``_meeting_weeks``). Joined to
    the days table instead, SQLite chose its own plan: a temporary index over every agenda
    item on each run without statistics, and with them (ANALYZE) it began from the
    household members or the decisions, taking seconds per figure on the city database.
    """
    return (
        AgendaItem.meeting_id.in_(select(Meeting.id).where(_in_days(ask))),
        AgendaItem.status == "discussed",
        _in_locality(ask, AgendaItem.household_id),
    )


def _weeks(ask: Ask) -> dict[int, int]:
    return _shared(ask, "meetings", _meeting_weeks)  # type: ignore[no-any-return]


def _discussed_cases(ask: Ask) -> Rows:
    """Every case discussed in the days asked for, read once and shared by the figures
    over discussed cases: (bucket, household, seconds spent, and 1 or 0 for each MARAC
    criterion the agenda flagged, in ``WORKED_OUT_CRITERIA`` order); whole numbers only,
    which cost nothing to convert."""
    weeks = _weeks(ask)
    # The agenda's flags (JSON text) list each criterion in quotes, e.g. ["repeat"]; a list's
    # element is followed by a comma or the bracket, never by the colon of the key "repeat".
    flags = cast(AgendaItem.flags, String)
    flagged = [
        case((flags.like(f'%"{code}"]%') | flags.like(f'%"{code}",%'), 1), else_=0)
        for code in WORKED_OUT_CRITERIA
    ]
    query = select(
        AgendaItem.meeting_id, AgendaItem.household_id, AgendaItem.seconds_spent, *flagged
    ).where(*_discussed_in_days(ask))
    return [
        (weeks[meeting], household, seconds, flags)
        for meeting, household, seconds, *flags in _numbers(ask, query)
    ]


def _cases(ask: Ask) -> Rows:
    return _shared(ask, "discussed", _discussed_cases)  # type: ignore[no-any-return]


# ---------------------------------------------------------------- how much did we do?


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
    return _rows(
        ask,
        select(d.c.bucket, literal(""), func.count(Notification.id), null())
        .join(d, _received_in_day(d))
        .where(_in_locality(ask, Notification.household_id))
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
    weekly: dict[int, int] = defaultdict(int)
    for bucket, *_rest in _cases(ask):
        weekly[bucket] += 1
    return [(b, "", n, None) for b, n in weekly.items()]


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
    households = select(AgendaItem.household_id).where(*_discussed_in_days(ask))
    query = select(HouseholdMember.household_id, HouseholdMember.person_id).where(
        HouseholdMember.role == "child", HouseholdMember.household_id.in_(households)
    )
    for household, person in _numbers(ask, query):
        children_of[household].append(person)
    per_week: dict[int, set[int]] = defaultdict(set)
    for bucket, household, *_rest in _cases(ask):
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
    weeks = _weeks(ask)
    decisions: dict[int, int] = defaultdict(int)
    referrals: dict[int, int] = defaultdict(int)
    query = (
        select(
            AgendaItem.meeting_id, func.count(Decision.id), func.sum(case((referred, 1), else_=0))
        )
        .join(Decision, Decision.agenda_item_id == AgendaItem.id)
        .where(*_discussed_in_days(ask))
        .group_by(AgendaItem.meeting_id)
    )
    for meeting, n, r in _numbers(ask, query):
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
    decisions = [(b, "", n, None) for b, n, _referred in _shared(ask, "decisions", _decisions)]
    weeks = _weeks(ask)
    chosen: dict[tuple[int, str], int] = defaultdict(int)
    query = (
        select(AgendaItem.meeting_id, OutcomeCode.label, func.count(DecisionOutcome.id))
        .join(Decision, Decision.agenda_item_id == AgendaItem.id)
        .join(DecisionOutcome, DecisionOutcome.decision_id == Decision.id)
        .join(OutcomeCode, OutcomeCode.id == DecisionOutcome.outcome_code_id)
        .where(*_discussed_in_days(ask))
        .group_by(AgendaItem.meeting_id, OutcomeCode.label)
    )
    for meeting, label, n in _rows(ask, query):
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
        for b, _n, referred in _shared(ask, "decisions", _decisions)
        if referred
    ]
    for n, code in enumerate(WORKED_OUT_CRITERIA):
        words = MARAC_CRITERIA[code]
        flagged: dict[int, int] = defaultdict(int)
        for bucket, _household, _seconds, flags in _cases(ask):
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
    weekly: dict[int, int] = defaultdict(int)
    for (at,) in _rows(
        ask, select(when).where(ask.within(when), _in_locality(ask, FgcReferral.household_id))
    ):
        weekly[ask.bucket_of(at)] += 1
    return [(b, "", n, None) for b, n in weekly.items()]


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
    if ask.agency_id is not None:
        query = query.where(Action.owner_agency_id == ask.agency_id)
    return _rows(ask, query)


# ---------------------------------------------------------------- how well did we do it?


@figure(
    "discussed_in_time",
    HOW_WELL,
    "Discussed by the next working day",
    SHARE,
    "%",
    """
    Of the notifications received in the week, the share discussed at a meeting held no
    later than the next working day after the day they were received (working days are
    Monday to Friday, less the profile's bank holidays). A notification counts once its
    next working day has passed.""",
    LOCALITY,
)
def _discussed_in_time(ask: Ask) -> Rows:
    d = ask.d
    on_time = exists().where(
        AgendaItem.notification_id == Notification.id,
        AgendaItem.status == "discussed",
        Meeting.id == AgendaItem.meeting_id,
        Meeting.meeting_date <= d.c.next_wd,
    )
    return _rows(
        ask,
        select(
            d.c.bucket,
            literal(""),
            func.sum(case((on_time, 1), else_=0)),
            func.count(Notification.id),
        )
        .join(d, _received_in_day(d))
        .where(d.c.next_wd.is_not(None), _in_locality(ask, Notification.household_id))
        .group_by(d.c.bucket),
    )


@figure(
    "actions_on_time",
    HOW_WELL,
    "Actions done by their due date",
    SHARE,
    "%",
    """
    Of the actions due in the week whose due date has passed, the share marked done by the
    end of the due date (local time). Actions closed as not possible or not done, and
    actions still open, count against. By the agency that owns them.""",
    AGENCY,
    "agency",
)
def _actions_on_time(ask: Ask) -> Rows:
    d = ask.d
    done = and_(Action.status == "done", Action.closed_at < d.c.end_at)
    query = (
        select(d.c.bucket, Agency.name, func.sum(case((done, 1), else_=0)), func.count(Action.id))
        .select_from(Action)
        .join(d, d.c.day == Action.due_date)
        .join(Agency, Agency.id == Action.owner_agency_id)
        .where(d.c.day < ask.as_of)
        .group_by(d.c.bucket, Agency.name)
    )
    if ask.agency_id is not None:
        query = query.where(Action.owner_agency_id == ask.agency_id)
    return _rows(ask, query)


@figure(
    "core_present",
    HOW_WELL,
    "Core agencies present",
    SHARE,
    "%",
    """
    For the meetings held in the week, the share of core agencies (the profile's core
    agencies that are active) recorded as present, counting each meeting and core agency
    once; information sent or apologies count as not present. By agency: the share of the
    meetings that agency attended.""",
    AGENCY,
    "agency",
)
def _core_present(ask: Ask) -> Rows:
    d = ask.d
    present = exists().where(
        Attendance.meeting_id == Meeting.id,
        Attendance.agency_id == Agency.id,
        Attendance.status == "present",
    )
    query = (
        select(d.c.bucket, Agency.name, func.sum(case((present, 1), else_=0)), func.count())
        .select_from(Meeting)
        .join(d, d.c.day == Meeting.meeting_date)
        .join(Agency, and_(Agency.core, Agency.active))
        .where(Meeting.status != "planned")
        .group_by(d.c.bucket, Agency.name)
    )
    if ask.agency_id is not None:
        query = query.where(Agency.id == ask.agency_id)
    return _rows(ask, query)


@figure(
    "fgc_safe",
    HOW_WELL,
    "FGC conferences with consent and safety plan",
    SHARE,
    "%",
    """
    Of the FGC referrals whose conference was held in the week, the share with the
    victim's consent (not withdrawn) and a safety plan both recorded before the
    conference was held.""",
    LOCALITY,
)
def _fgc_safe(ask: Ask) -> Rows:
    held = FgcReferral.conference_held_at
    consent = exists().where(
        FgcConsent.referral_id == FgcReferral.id,
        FgcConsent.kind == "victim",
        FgcConsent.at <= held,
        or_(FgcConsent.withdrawn_at.is_(None), FgcConsent.withdrawn_at > held),
    )
    plan = exists().where(
        FgcSafeguard.referral_id == FgcReferral.id,
        FgcSafeguard.kind == "safety_plan",
        FgcSafeguard.at <= held,
    )
    num: dict[int, int] = defaultdict(int)
    den: dict[int, int] = defaultdict(int)
    for at, safe in _rows(
        ask,
        select(held, case((and_(consent, plan), 1), else_=0)).where(
            ask.within(held), _in_locality(ask, FgcReferral.household_id)
        ),
    ):
        bucket = ask.bucket_of(at)
        num[bucket] += safe
        den[bucket] += 1
    return [(b, "", num[b], den[b]) for b in den]


@figure(
    "minutes_same_day",
    HOW_WELL,
    "Minutes issued the same day",
    SHARE,
    "%",
    """
    Of the meetings held and closed in the week, the share whose final (not draft) minutes
    were generated, saved or printed before the end of the meeting day, as the minutes'
    export log records it.""",
)
def _minutes_same_day(ask: Ask) -> Rows:
    d = ask.d
    issued = exists().where(
        AuditEvent.entity == MINUTES_ENTITY,
        AuditEvent.entity_id == Meeting.id,
        AuditEvent.action.in_(("export", "print")),
        AuditEvent.at < d.c.end_at,
        AuditEvent.after["draft"].as_boolean() == false(),
    )
    return _rows(
        ask,
        select(
            d.c.bucket, literal(""), func.sum(case((issued, 1), else_=0)), func.count(Meeting.id)
        )
        .join(d, d.c.day == Meeting.meeting_date)
        .where(Meeting.status == "closed")
        .group_by(d.c.bucket),
    )


@figure(
    "case_minutes",
    HOW_WELL,
    "Median time per case",
    MEDIAN,
    "minutes",
    """
    The median time the meeting spent on a case discussed in the week (minutes, from the
    chair's case timer; cases with no time recorded are left out), against the profile's
    target per case.""",
    LOCALITY,
)
def _case_minutes(ask: Ask) -> Rows:
    return [
        (b, "", seconds / 60)
        for b, _household, seconds, _flags in _cases(ask)
        if seconds is not None and seconds > 0
    ]


# ---------------------------------------------------------------- is anyone better off?


def _no_repeat(ask: Ask, months: int) -> Rows:
    n = {3: 0, 6: 1, 12: 2}[months]
    return [(b, "", nums[n], dens[n]) for b, nums, dens in _shared(ask, "repeat", _repeats)]


def _repeats(ask: Ask) -> Rows:
    """Per week: (bucket, numerators, denominators) for 3, 6 and 12 months, in one pass.

    Each step is a MATERIALIZED CTE, so that the planner cannot flatten it: flattened, the
    next-notification subquery ran once for each of the six sums, and the discussed items
    were joined to the days table through a temporary index over every agenda item.
    """
    d = ask.d
    cases = (
        select(Meeting.meeting_date.label("day"), AgendaItem.household_id.label("household"))
        .select_from(AgendaItem)
        .join(Meeting, Meeting.id == AgendaItem.meeting_id)
        .where(
            Meeting.meeting_date >= ask.days[0].day,
            Meeting.meeting_date <= ask.days[-1].day,
            AgendaItem.status == "discussed",
            AgendaItem.household_id.is_not(None),
            _in_locality(ask, AgendaItem.household_id),
        )
        .cte("cases")
        .prefix_with("MATERIALIZED")
    )
    # The day each family was first discussed in each week.
    first = (
        select(
            d.c.bucket.label("bucket"),
            cases.c.household.label("household"),
            func.min(cases.c.day).label("day"),
        )
        .join(d, d.c.day == cases.c.day)
        .group_by(d.c.bucket, cases.c.household)
        .cte("first_day")
        .prefix_with("MATERIALIZED")
    )
    d2 = d.alias("d2")
    # The family's next notification after the end of that day.
    following = (
        select(func.min(Notification.received_at))
        .where(
            Notification.household_id == first.c.household, Notification.received_at >= d2.c.end_at
        )
        .scalar_subquery()
    )
    families = (
        select(
            first.c.bucket.label("bucket"),
            following.label("next"),
            d2.c.after_3,
            d2.c.after_6,
            d2.c.after_12,
        )
        .join(d2, d2.c.day == first.c.day)
        .where(d2.c.after_3.is_not(None))
        .cte("families")
        .prefix_with("MATERIALIZED")
    )
    columns: list[Any] = []
    for months in (3, 6, 12):
        until = families.c[f"after_{months}"]
        clear = and_(until.is_not(None), or_(families.c.next.is_(None), families.c.next >= until))
        columns.append(func.sum(case((clear, 1), else_=0)))
    for months in (3, 6, 12):
        columns.append(func.count(families.c[f"after_{months}"]))
    rows = _rows(ask, select(families.c.bucket, *columns).group_by(families.c.bucket))
    return [
        (b, tuple(int(x or 0) for x in rest[:3]), tuple(int(x or 0) for x in rest[3:]))
        for b, *rest in rows
    ]


_REPEAT_WORDS = """
    Of the families (households) discussed in the week, the share with no further police
    notification received from the end of the day they were first discussed that week
    until {n} months later. Only families whose {n}-month window has ended before today
    are counted; a week whose families are all still inside it has no value yet."""


@figure(
    "no_repeat_3",
    BETTER_OFF,
    "No further notification in 3 months",
    SHARE,
    "%",
    _REPEAT_WORDS.format(n=3),
    LOCALITY,
)
def _no_repeat_3(ask: Ask) -> Rows:
    return _no_repeat(ask, 3)


@figure(
    "no_repeat_6",
    BETTER_OFF,
    "No further notification in 6 months",
    SHARE,
    "%",
    _REPEAT_WORDS.format(n=6),
    LOCALITY,
)
def _no_repeat_6(ask: Ask) -> Rows:
    return _no_repeat(ask, 6)


@figure(
    "no_repeat_12",
    BETTER_OFF,
    "No further notification in 12 months",
    SHARE,
    "%",
    _REPEAT_WORDS.format(n=12),
    LOCALITY,
)
def _no_repeat_12(ask: Ask) -> Rows:
    return _no_repeat(ask, 12)


@figure(
    "to_conference",
    BETTER_OFF,
    "Notification to FGC conference",
    MEDIAN,
    "days",
    """
    For FGC conferences held in the week, the median number of days from the police
    notification that brought the family to the meeting (the referral's originating
    case) to the conference being held.""",
    LOCALITY,
)
def _to_conference(ask: Ask) -> Rows:
    held = FgcReferral.conference_held_at
    rows = _rows(
        ask,
        select(Notification.received_at, held)
        .select_from(FgcReferral)
        .join(AgendaItem, AgendaItem.id == FgcReferral.origin_agenda_item_id)
        .join(Notification, Notification.id == AgendaItem.notification_id)
        .where(ask.within(held), _in_locality(ask, FgcReferral.household_id)),
    )
    return [(ask.bucket_of(h), "", (h - r).total_seconds() / 86400) for r, h in rows]


def _weeks_in_system(ask: Ask, fgc: bool) -> Rows:
    if "weeks" not in ask.shared:
        ask.shared["weeks"] = _families_closed(ask)
    return [(b, "", weeks) for b, referred, weeks in ask.shared["weeks"] if bool(referred) == fgc]


def _families_closed(ask: Ask) -> Rows:
    """(bucket, referred to FGC, weeks) for each family whose last open action closed."""
    closing = (
        select(AgendaItem.household_id)
        .select_from(Action)
        .join(AgendaItem, AgendaItem.id == Action.agenda_item_id)
        .where(ask.within(Action.closed_at))
    )
    last = (
        select(
            AgendaItem.household_id.label("household"), func.max(Action.closed_at).label("closed")
        )
        .select_from(Action)
        .join(AgendaItem, AgendaItem.id == Action.agenda_item_id)
        .where(AgendaItem.household_id.in_(closing), _in_locality(ask, AgendaItem.household_id))
        .group_by(AgendaItem.household_id)
        .having(func.sum(case((Action.status == "open", 1), else_=0)) == 0)
        .subquery()
    )
    first = (
        select(func.min(Notification.received_at))
        .where(Notification.household_id == last.c.household)
        .scalar_subquery()
    )
    referred = exists().where(
        FgcReferral.household_id == last.c.household, FgcReferral.referred_at.is_not(None)
    )
    rows = _rows(
        ask,
        select(first.label("first"), last.c.closed, case((referred, 1), else_=0)).where(
            ask.within(last.c.closed)
        ),
    )
    # The week of each closing is looked up here rather than in SQL: tens of thousands of
    # families, each scanning the days table, took seconds on the city database.
    return [
        (ask.bucket_of(c), r, (c - f).total_seconds() / (7 * 86400))
        for f, c, r in rows
        if f is not None
    ]


_WEEKS_WORDS = """
    For the families whose last open action was closed in the week, the median number of
    weeks from the family's first police notification to that last action being closed
    (families with any action still open are not counted). {who}"""


@figure(
    "weeks_fgc",
    BETTER_OFF,
    "Weeks in the system: FGC families",
    MEDIAN,
    "weeks",
    _WEEKS_WORDS.format(who="FGC families: the family was referred to an FGC team."),
    LOCALITY,
)
def _weeks_fgc(ask: Ask) -> Rows:
    return _weeks_in_system(ask, fgc=True)


@figure(
    "weeks_other",
    BETTER_OFF,
    "Weeks in the system: other families",
    MEDIAN,
    "weeks",
    _WEEKS_WORDS.format(who="Other families: never referred to an FGC team."),
    LOCALITY,
)
def _weeks_other(ask: Ask) -> Rows:
    return _weeks_in_system(ask, fgc=False)
