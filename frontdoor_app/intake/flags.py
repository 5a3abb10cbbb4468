"""Flags worked out for a notification, never typed (DOMAIN.md, step 2).

The value and its words are ``frontdoor_app.flags.Flags``; this module works it out. The
dictionary stored on ``Notification.flags`` and copied to ``AgendaItem.flags``:

- ``marac``: list of MARAC criteria met, as codes: ``visible_high_risk`` (14 or more DASH
  "yes" answers), ``potential_escalation`` (3 or more notifications for the household in
  12 months, this one included), ``repeat`` (a new incident within 12 months of the
  household's last MARAC referral). The meeting adds ``professional_judgement`` itself.
- ``repeat``: bool, the family was discussed at a meeting in the 12 months before.
- ``repeat_count``: int, earlier notifications for the household in those 12 months.
- ``discussed_on``: list of ISO dates of those earlier meetings (newest first).
- ``no_child``: bool, no person with role child was listed.
- ``unborn``: bool, the pregnancy flag was set.
- ``under5``: bool, a listed child was under five on the incident date.
- ``children``: int, the number of children listed.
- ``child_ages``: list of ints, their ages in whole years (unknown ages left out), sorted.
- ``youngest_age_months``: int or None, the youngest child's age in months.
- ``dash_risk``: the police grading; ``dash_yes``: the DASH "yes" count or None.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from frontdoor_app.flags import Flags
from frontdoor_app.models import AgendaItem, Household, Meeting, Notification
from frontdoor_app.personal import months_between

VISIBLE_HIGH_RISK_YES = 14
ESCALATION_COUNT = 3
YEAR = dt.timedelta(days=365)


def child_age_months(dob: dt.date | None, age: int | None, on: dt.date) -> int | None:
    if dob is not None:
        return months_between(dob, on)
    if age is not None:
        return age * 12 + 6  # an estimated age in years is taken as the middle of that year
    return None


def assemble(
    *,
    dash_risk: str,
    dash_yes: int | None,
    pregnancy: bool | None,
    on: dt.date,
    earlier: int,
    has_household: bool,
    last_marac: dt.date | None,
    discussed: list[dt.date],
    children: list[tuple[dt.date | None, int | None]],
) -> dict[str, Any]:
    """The flags from what is known of the notification and its household's history."""
    marac: list[str] = []
    if (dash_yes or 0) >= VISIBLE_HIGH_RISK_YES:
        marac.append("visible_high_risk")
    if has_household and earlier + 1 >= ESCALATION_COUNT:
        marac.append("potential_escalation")
    if last_marac is not None and last_marac <= on and on - last_marac <= YEAR:
        marac.append("repeat")
    months = [m for m in (child_age_months(d, a, on) for d, a in children) if m is not None]
    return Flags(
        marac=tuple(marac),
        repeat=bool(discussed),
        repeat_count=int(earlier),
        discussed_on=tuple(sorted(set(discussed), reverse=True)),
        no_child=not children,
        unborn=bool(pregnancy),
        under5=any(m < 60 for m in months),
        children=len(children),
        child_ages=tuple(sorted(m // 12 for m in months)),
        youngest_age_months=min(months) if months else None,
        dash_risk=dash_risk,
        dash_yes=dash_yes,
    ).to_json()


def work_out(
    session: Session, notification: Notification, children: list[tuple[dt.date | None, int | None]]
) -> dict[str, Any]:
    """The flags for ``notification`` (already flushed, household set) given its children."""
    since = notification.received_at - YEAR
    earlier = 0
    discussed: list[dt.date] = []
    last_marac = None
    household = (
        session.get(Household, notification.household_id) if notification.household_id else None
    )
    if household is not None:
        earlier = (
            session.scalar(
                select(func.count())
                .select_from(Notification)
                .where(
                    Notification.household_id == household.id,
                    Notification.id != notification.id,
                    Notification.received_at >= since,
                    Notification.received_at <= notification.received_at,
                )
            )
            or 0
        )
        last_marac = household.last_marac_referral_at
        discussed = list(
            session.scalars(
                select(Meeting.meeting_date)
                .join(AgendaItem, AgendaItem.meeting_id == Meeting.id)
                .where(
                    AgendaItem.household_id == household.id,
                    AgendaItem.notification_id != notification.id,
                    AgendaItem.status == "discussed",
                    Meeting.meeting_date >= since.date(),
                    Meeting.meeting_date <= notification.received_at.date(),
                )
                .distinct()
            )
        )
    return assemble(
        dash_risk=notification.dash_risk,
        dash_yes=notification.dash_yes,
        pregnancy=notification.pregnancy,
        on=notification.incident_at.date(),
        earlier=int(earlier),
        has_household=household is not None,
        last_marac=last_marac,
        discussed=discussed,
        children=children,
    )
