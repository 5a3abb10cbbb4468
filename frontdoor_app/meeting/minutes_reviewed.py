"""The opening review, as the minutes record it: the actions from earlier meetings whose
status was updated at this meeting (``ActionUpdate.meeting_id``), in the order they were
updated. An action of this meeting's own cases is in its case's section, not here."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased, selectinload

from frontdoor_app.export.minutes_model import ActionRow, ReviewedRow
from frontdoor_app.models import Action, ActionUpdate, AgendaItem, Household, Meeting, Notification

# The minutes' row of an action (its agency's names, its household as the profile names it)
RowOf = Callable[[Action, AgendaItem, Notification, Household | None], ActionRow]


def reviewed_actions(session: Session, meeting_id: int, row_of: RowOf) -> tuple[ReviewedRow, ...]:
    earlier = aliased(Meeting)
    found = session.execute(
        select(ActionUpdate, Action, AgendaItem, earlier.meeting_date, Notification, Household)
        .join(Action, Action.id == ActionUpdate.action_id)
        .join(AgendaItem, AgendaItem.id == Action.agenda_item_id)
        .join(earlier, earlier.id == AgendaItem.meeting_id)
        .join(Notification, Notification.id == AgendaItem.notification_id)
        .outerjoin(Household, Household.id == AgendaItem.household_id)
        .where(ActionUpdate.meeting_id == meeting_id, AgendaItem.meeting_id != meeting_id)
        .order_by(ActionUpdate.at, ActionUpdate.id)
        .options(selectinload(Notification.persons))
    ).all()
    return tuple(
        ReviewedRow(
            agreed_on,
            row_of(action, item, notification, household),
            update.status_from or "",
            update.status_to or "",
            update.note or "",
            update.by_name,
            update.at,
        )
        for update, action, item, agreed_on, notification, household in found
    )
