"""Saves waiting on this laptop, shown in the case's lists where the saved row will stand.

While the server cannot be reached a Save is kept on the laptop (``ui/core/outbox.py``) and
sent when the connection is back. Until then the person who typed it sees it in the list,
marked "waiting to be sent" on the offline banner's colours: a new entry or action after
the saved ones, an edit of an entry or a new status of an action in that row's place (and
the decision tab says when a decision waits: its form keeps what was typed).
Without it the form emptied and nothing in the list showed what had been typed: a
representative would type it again, and both would reach the meeting.

A waiting row is not a saved one: it cannot be edited or updated again until the server has
it (one change waits per entry or action, so the two never meet as a conflict of one person
with themselves), and it is shown on this laptop only, never on the projector.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from frontdoor_app.meeting.views import ActionView, IntelligenceView
from frontdoor_app.ui.core.i18n import translate
from frontdoor_app.ui.widgets.rows_model import RowsModel

# the offline banner's colours (resources/styles/desk.qss, #offlineBanner)
BACKGROUND, FOREGROUND = QColor("#fde2e1"), QColor("#5c1111")


@dataclasses.dataclass(frozen=True)
class WaitingEntry:
    """An entry, or an edit of one (``edit_of``), kept on this laptop."""

    id: str  # "waiting:<ref>": never a saved entry's id
    kind: str
    agency_id: int | None
    agency_code: str
    agency_name: str
    author_name: str
    text: str
    restricted: bool  # (to the agency) as typed
    may_share: bool  # beyond the meeting, as typed
    created_at: dt.datetime
    edit_of: int | None = None


@dataclasses.dataclass(frozen=True)
class WaitingAction:
    """A new action, or a new status of one (``update_of``), kept on this laptop."""

    id: str
    agency_name: str
    owner_name: str | None
    description: str
    due_date: dt.date
    status: str
    status_note: str | None
    update_of: int | None = None


def waiting(row: object) -> bool:
    return type(row) in (WaitingEntry, WaitingAction)


# The colours of a row, for ``RowsModel``'s roles: a saved row keeps the table's own.
ROLES: Mapping[int, Callable[[Any], Any]] = {
    Qt.ItemDataRole.BackgroundRole: lambda r: BACKGROUND if waiting(r) else None,
    Qt.ItemDataRole.ForegroundRole: lambda r: FOREGROUND if waiting(r) else None,
}


def kept_at(item: Mapping[str, Any]) -> dt.datetime:
    """When an outbox item was kept on the laptop."""
    try:
        return dt.datetime.fromisoformat(str(item["kept_at"]))
    except (KeyError, ValueError):  # kept by an older version: now is near enough
        return dt.datetime.now(dt.UTC)


def waiting_words(text: str) -> str:
    """A Sharing or Status column's ``text`` for a row waiting to be sent."""
    return translate("Waiting", "waiting to be sent · %1").replace("%1", text)


def entries(
    items: Sequence[Mapping[str, Any]],
    saved: Sequence[IntelligenceView],
    agencies: Mapping[int, tuple[str, str]],
    author: str,
) -> list[WaitingEntry]:
    """The waiting entries and edits among ``items`` (one case's outbox items), given the
    entries saved (an edit keeps its entry's author and time) and the agencies by id
    (name, code)."""
    by_id = {e.id: e for e in saved}
    rows = []
    for item in items:
        content, kind = item["content"], item["kind"]
        if kind not in ("intelligence", "entry_edit"):
            continue
        edited = by_id.get(content.get("entry_id")) if kind == "entry_edit" else None
        if kind == "entry_edit" and edited is None:
            continue  # an edit of an entry this screen does not show
        agency_id = content.get("agency_id")
        name, code = agencies.get(agency_id, ("", "")) if agency_id is not None else ("", "")
        rows.append(
            WaitingEntry(
                id=f"waiting:{item['ref']}",
                kind=edited.kind if edited else str(content.get("kind") or "agency"),
                agency_id=agency_id,
                agency_code=edited.agency_code if edited else code,
                agency_name=edited.agency_name if edited else name,
                author_name=edited.author_name if edited else author,
                text=str(content.get("text", "")),
                restricted=bool(content.get("restricted")),
                may_share=bool(content.get("may_share")),
                created_at=edited.created_at if edited else kept_at(item),
                edit_of=edited.id if edited else None,
            )
        )
    return rows


def actions(
    items: Sequence[Mapping[str, Any]],
    saved: Sequence[ActionView],
    agencies: Mapping[int, tuple[str, str]],
    status_words: Mapping[str, str],
    today: dt.date,
) -> list[WaitingAction]:
    """The waiting actions and status updates among ``items`` (one case's outbox items).
    An action whose due date cannot be read shows ``today`` (the authority's day)."""
    by_id = {a.id: a for a in saved}
    rows = []
    for item in items:
        content, kind = item["content"], item["kind"]
        if kind == "action":
            try:
                due = dt.date.fromisoformat(str(content.get("due_date")))
            except ValueError:
                due = today
            rows.append(
                WaitingAction(
                    id=f"waiting:{item['ref']}",
                    agency_name=agencies.get(content.get("agency_id"), ("", ""))[0],
                    owner_name=content.get("owner_name"),
                    description=str(content.get("description", "")),
                    due_date=due,
                    status=waiting_words(status_words["open"]),
                    status_note=None,
                )
            )
        elif kind == "action_status" and content.get("action_id") in by_id:
            action = by_id[content["action_id"]]
            status = str(content.get("status", ""))
            rows.append(
                WaitingAction(
                    id=f"waiting:{item['ref']}",
                    agency_name=action.agency_name,
                    owner_name=action.owner_name,
                    description=action.description,
                    due_date=action.due_date,
                    status=waiting_words(status_words.get(status, status)),
                    status_note=content.get("note") or None,
                    update_of=action.id,
                )
            )
    return rows


Row = TypeVar("Row")


def merged(saved: Sequence[Row], rows: Sequence[Any], replaces: str) -> list[Any]:
    """``saved`` with each waiting row that changes one (its ``replaces`` field: the saved
    row's id) in that row's place, and the new ones after them."""
    instead = {getattr(r, replaces): r for r in rows if getattr(r, replaces) is not None}
    out: list[Any] = [instead.get(getattr(s, "id", None), s) for s in saved]
    out += [r for r in rows if getattr(r, replaces) is None]
    return out


def listed(model: RowsModel[Any], saved: Sequence[Any], rows: Sequence[Any], replaces: str) -> None:
    """``model`` lists ``saved`` with the waiting ``rows`` (``merged``), in their colours:
    served only while a row waits, so a refresh with none asks each cell nothing more."""
    model.serve(ROLES if rows else None)
    model.set_rows(merged(saved, rows, replaces) if rows else saved)
