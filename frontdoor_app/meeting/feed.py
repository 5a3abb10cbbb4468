"""Turning the change feed into "what to reload" for a meeting's screens.

Clients read ``frontdoor_app.sync.changes.changes_since`` after each doorbell; ``affected``
says which parts of the meeting moved, with the cases whose content changed resolved from
the changed rows (entries, decisions, actions, ...) in one query per table.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Table, case, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from frontdoor_app.models import (
    Action,
    ActionUpdate,
    Decision,
    FgcReferral,
    IntelligenceEntry,
    SharingDecision,
)
from frontdoor_app.sync.changes import Change, changes_since

from .views import Affected

# Tables whose rows belong to one case, and the column that names it.
_ITEM_COLUMN: dict[str, Any] = {
    "intelligence_entry": (IntelligenceEntry.id, IntelligenceEntry.agenda_item_id),
    "sharing_decision": (SharingDecision.id, SharingDecision.agenda_item_id),
    "decision": (Decision.id, Decision.agenda_item_id),
    "action": (Action.id, Action.agenda_item_id),
    "fgc_referral": (FgcReferral.id, FgcReferral.origin_agenda_item_id),
}


def item_of_change(log: Table) -> ColumnElement[Any]:
    """For ``sync.changes.read``: the case each change of the log names, looked up in the
    log's own statement (only the changed table's, by its primary key), so a laptop learns
    which case someone's save touched without a statement of its own."""
    lookups: list[tuple[ColumnElement[bool], ColumnElement[Any]]] = [
        (log.c.table_name == "agenda_item", log.c.row_id)
    ]
    for table, (id_column, item_column) in _ITEM_COLUMN.items():
        found = select(item_column).where(id_column == log.c.row_id).scalar_subquery()
        lookups.append((log.c.table_name == table, found))
    of_update = (
        select(Action.agenda_item_id)
        .join(ActionUpdate, ActionUpdate.action_id == Action.id)
        .where(ActionUpdate.id == log.c.row_id)
        .scalar_subquery()
    )
    lookups.append((log.c.table_name == "action_update", of_update))
    return case(*lookups)


def affected(session: Session, changes: Iterable[Change], last_id: int = 0) -> Affected:
    """Which meetings, agenda, cases and lists a batch of changes touched (the cases of the
    changes read with their case, ``item_of_change``, without asking again)."""
    batch = list(changes)
    by_table: dict[str, set[int]] = {}
    meeting_ids: set[int] = set()
    item_ids: set[int] = set()
    for change in batch:
        if change.meeting_id is not None:
            meeting_ids.add(change.meeting_id)
        if change.item_read:
            if change.item_id is not None:
                item_ids.add(change.item_id)
        elif change.row_id is not None:
            by_table.setdefault(change.table_name, set()).add(change.row_id)
    item_ids.update(by_table.get("agenda_item", set()))
    for table, (id_column, item_column) in _ITEM_COLUMN.items():
        ids = by_table.get(table)
        if ids:
            item_ids.update(
                i
                for i in session.scalars(select(item_column).where(id_column.in_(ids)))
                if i is not None
            )
    if by_table.get("action_update"):
        item_ids.update(
            session.scalars(
                select(Action.agenda_item_id)
                .join(ActionUpdate, ActionUpdate.action_id == Action.id)
                .where(ActionUpdate.id.in_(by_table["action_update"]))
            )
        )
    # Drafts are private to the person typing: nobody else needs to reload for them.
    tables = {c.table_name for c in batch} - {"draft"}
    known = {
        "meeting",
        "agenda_item",
        "attendance",
        "action",
        "action_update",
        "amendment",
        "decision_outcome",
        *(_ITEM_COLUMN),
    }
    return Affected(
        last_id=max([last_id, *(c.id for c in batch)]),
        meeting_ids=frozenset(meeting_ids),
        meeting_changed="meeting" in tables,
        agenda_changed="agenda_item" in tables or "decision" in tables,
        item_ids=frozenset(item_ids),
        attendance_changed="attendance" in tables,
        actions_changed=bool(tables & {"action", "action_update"}),
        amendments_changed="amendment" in tables,
        other_tables=frozenset(tables - known),
    )


def affected_since(
    session: Session, last_id: int, meeting_id: int | None = None, limit: int = 1000
) -> Affected:
    """Read the change log after ``last_id`` and say what it touched.

    With ``meeting_id``, changes that name another meeting are left out (changes naming no
    meeting, e.g. reference lists, are kept). ``last_id`` of the result is where to go on from.
    """
    batch = changes_since(session, last_id, limit)
    end = max([last_id, *(c.id for c in batch)])
    if meeting_id is not None:
        batch = [c for c in batch if c.meeting_id in (None, meeting_id)]
    result = affected(session, batch, last_id)
    return Affected(
        end,
        result.meeting_ids,
        result.meeting_changed,
        result.agenda_changed,
        result.item_ids,
        result.attendance_changed,
        result.actions_changed,
        result.amendments_changed,
        result.other_tables,
    )
