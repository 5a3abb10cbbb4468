"""Moving a case in the agenda, against the order the chair saw.

The move carries the case's version as the chair's agenda showed it. When another chair
reordered the agenda meanwhile the domain refuses with both orders (``AgendaConflict``)
and the conflict view shows them place by place: keep theirs, put mine on top (the same
move made on their order), or go back to the agenda (theirs shown, move again).
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QWidget

from frontdoor_app.meeting.errors import AgendaConflict
from frontdoor_app.meeting.views import AgendaRow, AgendaView
from frontdoor_app.ui.core.conflict_view import MINE_ON_TOP, Conflict, pairs
from frontdoor_app.ui.core.i18n import translate
from frontdoor_app.ui.core.messages import Messages
from frontdoor_app.ui.meeting.room_commands import RoomCommands
from frontdoor_app.ui.meeting.room_state import RoomState
from frontdoor_app.ui.widgets.words import hhmm

if TYPE_CHECKING:
    from frontdoor_app.ui.meeting.case_saves import CaseSaves

KIND = "agenda_move"  # in the outbox


def _case(row: AgendaRow | None) -> str:
    if row is None:
        return ""
    return f"{row.household_name or row.initials} · {row.police_ref}"


def agenda_conflict(
    seen: AgendaView, item_id: int, position: int, conflict: AgendaConflict
) -> Conflict:
    """The order the chair saw with the move made, beside the order as it now stands."""
    theirs: AgendaView = conflict.theirs
    mine = [r for r in seen.rows if r.item_id != item_id]
    moved = seen.row(item_id)
    if moved is not None:
        mine.insert(max(0, min(position - 1, len(mine))), moved)
    count = max(len(mine), len(theirs.rows))
    rows = [
        (
            translate("Agenda", "Case %1").replace("%1", str(n + 1)),
            _case(mine[n] if n < len(mine) else None),
            _case(theirs.rows[n] if n < len(theirs.rows) else None),
        )
        for n in range(count)
    ]
    return Conflict(
        translate("Agenda", "The agenda order"),
        conflict.by or translate("Agenda", "another chair"),
        hhmm(conflict.at),
        pairs(rows),
    )


class AgendaMoves:
    """``move(item_id, position)`` for the room; ``saved(text)`` is the room's "done" (it
    says so and reads the room again), ``reload()`` reads the room again. With ``waiting``
    (the room's saves), a move made while the server cannot be reached waits on the laptop
    and is sent when the connection is back (``resend``), through the same conflict check;
    one that turns out to be in effect already (it reached the server before the
    connection dropped) is done, not a conflict with itself."""

    def __init__(
        self,
        commands: RoomCommands,
        state: RoomState,
        messages: Messages,
        owner: QWidget,
        saved: Callable[[str], Callable[[Any], None]],
        reload: Callable[[], None],
        waiting: CaseSaves | None = None,
    ) -> None:
        self.commands, self.state, self.messages, self.owner = commands, state, messages, owner
        self.saved, self.reload, self.waiting = saved, reload, waiting
        if waiting is not None:
            waiting.resenders[KIND] = lambda content, _item: self.resend(content)

    def move(self, item_id: int, position: int) -> None:
        seen, row = self.state.agenda, self.state.row(item_id)
        if seen is None or row is None:
            return
        self._send(seen, item_id, row.version, position)

    def resend(self, content: dict[str, Any]) -> None:
        """A move that waited on the laptop: the order it was made on is known by its ids."""
        self._send(None, content["item_id"], content["version"], content["position"], content)

    def _send(
        self,
        seen: AgendaView | None,
        item_id: int,
        version: int,
        position: int,
        content: dict[str, Any] | None = None,
    ) -> None:
        content = content or {
            "ref": uuid.uuid4().hex,
            "item_id": item_id,
            "version": version,
            "position": position,
            "seen": [r.item_id for r in seen.rows] if seen is not None else [],
        }
        replay, ref = seen is None, content["ref"]

        def settle() -> None:
            if self.waiting is not None:
                self.waiting.settle(ref)

        def done(view: Any) -> None:
            settle()
            self.saved(translate("MainWindow", "Agenda order changed"))(view)

        def conflict(exc: Any) -> None:
            settle()
            if not isinstance(exc, AgendaConflict):
                self.commands.failed(exc, translate("MainWindow", "Reordering the agenda"))
                return
            rows = exc.theirs.rows
            if replay and 0 < position <= len(rows) and rows[position - 1].item_id == item_id:
                done(exc.theirs)  # in effect already: nothing to choose between
                return
            self.choose(seen or _seen(content["seen"], exc.theirs), item_id, position, exc)

        offline = None
        if self.waiting is not None:
            waiting = self.waiting
            offline = lambda: waiting.keep_waiting(KIND, item_id, content)  # noqa: E731

        self.commands.move(
            item_id,
            version,
            position,
            done,
            on_conflict=conflict,
            on_offline=offline,
        )

    def choose(self, seen: AgendaView, item_id: int, position: int, exc: AgendaConflict) -> None:
        """Both orders, place by place; mine on top makes the same move on theirs."""
        choice = self.messages.conflict(self.owner, agenda_conflict(seen, item_id, position, exc))
        now = exc.theirs.row(item_id)
        if choice == MINE_ON_TOP and now is not None:
            self._send(exc.theirs, item_id, now.version, position)
        else:  # keep theirs, or back to the agenda: it shows theirs
            self.reload()


def _seen(ids: list[int], theirs: AgendaView) -> AgendaView:
    """The order a waiting move was made on, from its cases' ids and their rows now."""
    rows = [theirs.row(i) for i in ids]
    return dataclasses.replace(theirs, rows=tuple(r for r in rows if r is not None))
