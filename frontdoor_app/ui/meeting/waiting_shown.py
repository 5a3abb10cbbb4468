"""The window's Saves waiting on the laptop, shown in the case's lists (``ui/case/waiting_rows``).

The case view's entries and actions tabs ask, each time they show a case, what of it waits
in the outbox; when the outbox changes (a Save kept, or sent at last) the case shown is
listed again. With nothing waiting (all day, while the server answers) the question costs
one look at an empty list on every refresh.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from frontdoor_app.meeting.views import CaseView
from frontdoor_app.ui.case import waiting_rows
from frontdoor_app.ui.case.actions_tab import STATUS_WORDS
from frontdoor_app.ui.core.i18n import translate

if TYPE_CHECKING:
    from frontdoor_app.ui.meeting.case_saves import CaseSaves


class WaitingShown:
    """See the module."""

    def __init__(self, saves: CaseSaves) -> None:
        self.saves = saves
        cv = saves.case_view
        cv.intelligence.waiting_for = self.entries
        cv.actions_tab.waiting_for = self.actions
        cv.decision.waiting_since = self.decision
        saves.outbox.listeners.append(cv.show_waiting)

    def _items(self, case: CaseView) -> list[dict[str, Any]]:
        outbox = self.saves.outbox
        if not len(outbox):
            return []
        item_id = case.item.item_id
        return [i for i in outbox if i.get("item_id") == item_id]

    def _agencies(self) -> dict[int, tuple[str, str]]:
        return {a.id: (a.name, a.code) for a in self.saves.state.agencies}

    def entries(self, case: CaseView) -> Sequence[waiting_rows.WaitingEntry]:
        items = self._items(case)
        if not items:
            return ()
        saved = case.intelligence + case.victim_views + case.child_voices
        author = self.saves.commands.ctx.actor.display_name
        return waiting_rows.entries(items, saved, self._agencies(), author)

    def actions(self, case: CaseView) -> Sequence[waiting_rows.WaitingAction]:
        items = self._items(case)
        if not items:
            return ()
        words = {code: translate("Actions", text) for code, text in STATUS_WORDS.items()}
        return waiting_rows.actions(items, case.actions, self._agencies(), words)

    def decision(self, case: CaseView) -> dt.datetime | None:
        kept = [i for i in self._items(case) if i["kind"] == "decision"]
        return waiting_rows.kept_at(kept[-1]) if kept else None

    def where(self, room: Any) -> tuple[int, str]:
        """How many Saves wait, and the agenda's numbers of the cases they are of ("case
        3, case 7"; none for the room's own: attendance, the agenda's order)."""
        items = list(self.saves.outbox)
        if not items or room is None or room.agenda is None:
            return len(items), ""
        number = {row.item_id: row.position for row in room.agenda.rows}
        cases = sorted({number[i["item_id"]] for i in items if i.get("item_id") in number})
        words = translate("MainWindow", "case %1")
        return len(items), ", ".join(words.replace("%1", str(n)) for n in cases)
