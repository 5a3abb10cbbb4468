"""The opening review, as the minutes record it: the actions from earlier meetings whose
status was updated at this meeting (``ActionUpdate.meeting_id``), in the order they were
updated. An action of this meeting's own cases is in its case's section, not here."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased, selectinload

from frontdoor_app.export.minutes_model import ReviewedRow
from frontdoor_app.models import Action, ActionUpdate, AgendaItem, Household, Meeting, Notification

Label = Callable[[Notification, Household | None], str]  # the household as the minutes name it
AgencyOf = Callable[[int | None], tuple[str, str]]  # an agency's (code, name)


def reviewed_actions(
    session: Session, meeting_id: int, label: Label, agency: AgencyOf
) -> tuple[ReviewedRow, ...]:
    earlier = aliased(Meeting)
    found = session.execute(
        select(ActionUpdate, Action, earlier.meeting_date, Notification, Household)
        .join(Action, Action.id == ActionUpdate.action_id)
        .join(AgendaItem, AgendaItem.id == Action.agenda_item_id)
        .join(earlier, earlier.id == AgendaItem.meeting_id)
        .join(Notification, Notification.id == AgendaItem.notification_id)
        .outerjoin(Household, Household.id == AgendaItem.household_id)
        .where(ActionUpdate.meeting_id == meeting_id, AgendaItem.meeting_id != meeting_id)
        .order_by(ActionUpdate.at, ActionUpdate.id)
        .options(selectinload(Notification.persons))
    ).all()
    rows = []
    for update, action, agreed_on, notification, household in found:
        code, name = agency(action.owner_agency_id)
        rows.append(
            ReviewedRow(
                agreed_on,
                notification.police_ref,
                label(notification, household),
                code,
                name,
                action.owner_name or "",
                action.description,
                action.due_date,
                update.status_from or "",
                update.status_to or "",
                update.note or "",
                update.by_name,
                update.at,
            )
        )
    return tuple(rows)
