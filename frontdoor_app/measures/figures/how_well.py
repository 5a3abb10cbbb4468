"""How well did we do it? Shares of things done in time, and the time per case."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    DateTime,
    Integer,
    and_,
    case,
    column,
    exists,
    false,
    func,
    literal,
    or_,
    select,
)

from frontdoor_app.models import (
    Action,
    Agency,
    AgendaItem,
    Attendance,
    AuditEvent,
    FgcConsent,
    FgcReferral,
    FgcSafeguard,
    Meeting,
    Notification,
)
from frontdoor_app.models.audit_chain import server_has
from frontdoor_app.models.journal import MINUTES_ENTITY

from ..model import AGENCY, HOW_WELL, LOCALITY, MEDIAN, SHARE
from .base import (
    Ask,
    Rows,
    discussed_cases,
    fetch_rows,
    figure,
    for_agency,
    in_locality,
    received_in_day,
    share_per_week,
)


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
    return fetch_rows(
        ask,
        select(
            d.c.bucket,
            literal(""),
            func.sum(case((on_time, 1), else_=0)),
            func.count(Notification.id),
        )
        .join(d, received_in_day(d))
        .where(d.c.next_wd.is_not(None), in_locality(ask, Notification.household_id))
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
    return for_agency(ask, query, Action.owner_agency_id)


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
    return for_agency(ask, query, Agency.id)


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
    query = select(held, case((and_(consent, plan), 1), else_=0)).where(
        ask.within(held), in_locality(ask, FgcReferral.household_id)
    )
    return share_per_week((ask.bucket_of(at), safe) for at, safe in fetch_rows(ask, query))


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
    first = _minutes_issued(ask)
    issued = exists().where(first.c.meeting_id == Meeting.id, first.c.issued_at < d.c.end_at)
    return fetch_rows(
        ask,
        select(
            d.c.bucket, literal(""), func.sum(case((issued, 1), else_=0)), func.count(Meeting.id)
        )
        .join(d, d.c.day == Meeting.meeting_date)
        .where(Meeting.status == "closed")
        .group_by(d.c.bucket),
    )


def _minutes_issued(ask: Ask) -> Any:
    """Each meeting's first final (not draft) minutes exported or printed: (meeting_id,
    issued_at). The trail is the admins' to read on a server set up by ``server init``:
    there everyone who sees the measures gets these two columns from ``fd_minutes_issued``
    (access/server.py), the same query run as the owner."""
    conn = ask.session.connection()
    if conn.dialect.name == "postgresql" and server_has(conn, "fd_minutes_issued()"):
        return (
            func.fd_minutes_issued()
            .table_valued(column("meeting_id", Integer), column("issued_at", DateTime))
            .alias("issued")
        )
    return (
        select(AuditEvent.entity_id.label("meeting_id"), func.min(AuditEvent.at).label("issued_at"))
        .where(
            AuditEvent.entity == MINUTES_ENTITY,
            AuditEvent.action.in_(("export", "print")),
            AuditEvent.after["draft"].as_boolean() == false(),
        )
        .group_by(AuditEvent.entity_id)
        .subquery("issued")
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
        for b, _household, seconds, _flags in discussed_cases(ask)
        if seconds is not None and seconds > 0
    ]
