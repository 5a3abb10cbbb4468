"""The window's Saves waiting on the laptop, shown in the case's lists (``ui/case/waiting_rows``).

The case view's entries and actions tabs ask, each time they show a case, what of it waits
in the outbox; when the outbox changes (a Save kept, or sent at last) the case shown is
listed again. With nothing waiting (all day, while the server answers) the question costs
one look at an empty list on every refresh.

A Save that waited and has now reached the server (``landed``) stays listed until the
change feed brings the saved row (a moment later: the next read of the log), so the list
is never a row short in between, nor shows the old text of an edited entry again; and no
longer than ``LANDING_S``, should the feed not bring it.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from PySide6.QtCore import QTimer

from frontdoor_app.meeting.views import CaseView
from frontdoor_app.ui.case import waiting_rows
from frontdoor_app.ui.case.actions_tab import STATUS_WORDS
from frontdoor_app.ui.core.i18n import translate

if TYPE_CHECKING:
    from frontdoor_app.ui.meeting.case_saves import CaseSaves

LANDING_S = 5.0
LISTED_KINDS = ("intelligence", "entry_edit", "action", "action_status")


class Landing(NamedTuple):
    """A listed Save sent at last: its outbox item, the saved row's id and version, when."""

    item: dict[str, Any]
    row_id: int
    version: int
    at: float


class WaitingShown:
    """See the module."""

    def __init__(self, saves: CaseSaves) -> None:
        self.saves = saves
        cv = saves.case_view
        cv.intelligence.waiting_for = self.entries
        cv.actions_tab.waiting_for = self.actions
        cv.decision.waiting_since = self.decision
        saves.outbox.listeners.append(cv.show_waiting)
        self.landing: dict[str, Landing] = {}  # by reference

    def landed(self, ref: str, view: Any) -> None:
        """The Save ``ref`` reached the server as ``view``: called before it leaves the
        outbox, it is listed until the feed brings ``view``'s row (``_landing``)."""
        item = next((i for i in self.saves.outbox if i["ref"] == ref), None)
        if item is None or item["kind"] not in LISTED_KINDS:
            return
        version = int(getattr(view, "version", 0) or 0)
        self.landing[ref] = Landing(item, view.id, version, time.monotonic())
        cv = self.saves.case_view
        QTimer.singleShot(int(LANDING_S * 1000) + 100, cv, cv.show_waiting)  # then gone

    def _items(self, case: CaseView) -> list[dict[str, Any]]:
        outbox = self.saves.outbox
        if not len(outbox) and not self.landing:
            return []
        item_id = case.item.item_id
        items = [i for i in outbox if i.get("item_id") == item_id]
        return items + self._landing(case) if self.landing else items

    def _landing(self, case: CaseView) -> list[dict[str, Any]]:
        """The outbox items sent at last whose saved rows this case does not list yet (as
        saved, at the version sent or later); those it lists, and any older than
        ``LANDING_S``, are forgotten."""
        saved = (*case.intelligence, *case.victim_views, *case.child_voices)
        entries = {e.id: e.version for e in saved}
        actions = {a.id: a.version for a in case.actions}
        now, items = time.monotonic(), []
        for ref, landing in list(self.landing.items()):
            if now - landing.at > LANDING_S:
                del self.landing[ref]
            elif landing.item.get("item_id") == case.item.item_id:
                rows = actions if landing.item["kind"].startswith("action") else entries
                if rows.get(landing.row_id, -1) >= landing.version:
                    del self.landing[ref]  # the feed has brought it
                else:
                    items.append(landing.item)
        return items

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
        today = self.saves.commands.ctx.profile.today()
        return waiting_rows.actions(items, case.actions, self._agencies(), words, today)

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
