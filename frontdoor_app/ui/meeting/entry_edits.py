"""Changing a saved intelligence entry, against the version the edit started from.

An edit saved meanwhile by someone else is shown beside this one (the conflict view), never
lost. An edit made while the server cannot be reached waits on the laptop (``Outbox``) and
is sent once when the connection is back, through the same conflict check: when it meets
an edit saved meanwhile, it is put back in the form as an edit of theirs and both versions
are shown. It is sent only while the form is free, so it never takes the place of what
the person is typing. An edit that did reach the server before the connection dropped is
recognised (the entry stands as this person saved it, one version on) and not shown as a
conflict with itself.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from frontdoor_app.meeting.views import IntelligenceView
from frontdoor_app.ui.core.i18n import translate

if TYPE_CHECKING:
    from frontdoor_app.ui.meeting.case_saves import CaseSaves

KIND = "entry_edit"  # in the outbox


class EntryEdits:
    """The intelligence tab's edits, for ``CaseSaves`` (whose signals say what to reload)."""

    def __init__(self, saves: CaseSaves) -> None:
        self.saves = saves
        self.tab = saves.case_view.intelligence
        self.tab.edit_requested.connect(self.edit)
        self.tab.see_change_requested.connect(self.see_change)

    def edit(self, content: dict[str, Any], replay: bool = False) -> None:
        """Send the edit (``content["version"]``: the version editing started from)."""
        from frontdoor_app.meeting.errors import EntryConflict

        saves, tab = self.saves, self.tab
        editing = tab.editing
        item_id = content.get("item_id") or (editing.agenda_item_id if editing else None)
        # One reference per Save, kept if it has to wait on the laptop.
        content = {**content, "ref": content.get("ref") or uuid.uuid4().hex, "item_id": item_id}

        def done(view: Any) -> None:
            saves.settle(content["ref"], view)
            if tab.editing is not None and tab.editing.id == view.id:
                tab.stop_editing()
            saves.status.emit(translate("MainWindow", "Entry changed"), 5000)
            saves.saved.emit(view.agenda_item_id, False)  # the feed brings it, as anyone's

        def conflict(exc: Any) -> None:
            saves.settle(content["ref"])
            if not isinstance(exc, EntryConflict):
                saves.commands.failed(exc, translate("MainWindow", "Changing an entry"))
            elif replay and self._landed(content, exc.theirs):
                done(exc.theirs)  # it reached the server before the connection dropped
            else:
                if replay:  # back in the (free) form, as an edit of theirs
                    self._into_form(content, exc.theirs)
                self.conflict(content, exc.theirs)

        def offline() -> None:
            saves.keep_waiting(KIND, int(item_id or 0), content)
            if not replay and tab.editing is not None and tab.editing.id == content["entry_id"]:
                tab.stop_editing()  # kept on the laptop: the form is free again

        saves.commands.edit_entry(content, done, conflict, on_offline=offline)

    def resend(self, content: dict[str, Any]) -> None:
        """An edit that waited on the laptop; sent only while the form is free (a conflict
        puts it back in the form), else it waits for a later round."""
        tab = self.tab
        if tab.editing is not None or tab.text.toPlainText().strip():
            self.saves.sending.discard(content["ref"])
            return
        self.edit(content, replay=True)

    def _landed(self, mine: dict[str, Any], theirs: IntelligenceView) -> bool:
        """The entry stands as this edit would have left it, saved by this person one
        version on: the edit was stored before the connection dropped."""
        actor = self.saves.commands.ctx.actor
        return (
            theirs.version == mine["version"] + 1
            and theirs.text == mine.get("text", "")
            and theirs.changed_by_name == actor.display_name
        )

    def _into_form(self, mine: dict[str, Any], theirs: IntelligenceView) -> None:
        tab = self.tab
        tab.start_editing(theirs)
        tab.text.setPlainText(str(mine.get("text", "")))
        tab.may_share.setChecked(bool(mine.get("may_share")))
        tab.restricted.setChecked(bool(mine.get("restricted")))

    def see_change(self) -> None:
        """The form's "See the change": the same choice as an edit that met a conflict."""
        now = self.tab.current()
        if self.tab.editing is None or now is None:
            return
        self.conflict(self.tab.edit_content(), now)

    def conflict(self, mine: dict[str, Any], theirs: IntelligenceView) -> None:
        """Both versions of the entry; keep theirs, put mine on top, or go on editing."""
        from frontdoor_app.ui.case.intelligence_tab import entry_conflict
        from frontdoor_app.ui.core.conflict_view import KEEP_THEIRS, MINE_ON_TOP

        saves, tab = self.saves, self.tab
        choice = saves.messages.conflict(saves.owner, entry_conflict(mine, theirs))
        fresh = {k: v for k, v in mine.items() if k != "ref"}  # a new Save: a new reference
        if choice == MINE_ON_TOP:
            tab.rebase(theirs)
            self.edit({**fresh, "version": theirs.version})
        elif choice == KEEP_THEIRS:
            tab.stop_editing()
            saves.case_stale.emit(theirs.agenda_item_id)
            saves.status.emit(
                translate("MainWindow", "Their entry kept; your changes dropped"), 5000
            )
        else:  # go on editing: what is typed stays, now as an edit of their version
            tab.rebase(theirs)
            saves.case_stale.emit(theirs.agenda_item_id)
            saves.status.emit(
                translate(
                    "MainWindow",
                    "Your changes are still in the form; saving now puts them on top of theirs",
                ),
                8000,
            )
