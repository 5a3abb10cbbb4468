"""Saving what is typed into a case: entries, decisions, actions, sharing, drafts, links.

``CaseSaves`` takes each form's Save from the case view, sends it through the room's
commands, and afterwards clears the form and says so. A Save that cannot reach the server
waits on the laptop (``Outbox``) and is sent again when the connection is back. A
decision saved meanwhile by someone else is shown beside this one (the conflict view),
never overwritten. What the room must do afterwards (read the room or the case again,
the header, the projector) it asks for by signal; it never reaches into the window.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from frontdoor_app.meeting.views import ActionView, DecisionView
from frontdoor_app.ui.case.case_view import CaseViewWidget
from frontdoor_app.ui.core.i18n import translate
from frontdoor_app.ui.core.messages import Messages
from frontdoor_app.ui.core.outbox import Outbox
from frontdoor_app.ui.fgc.waits import FgcWaits
from frontdoor_app.ui.meeting.action_status import ActionStatusSaves
from frontdoor_app.ui.meeting.agenda_moves import AgendaMoves
from frontdoor_app.ui.meeting.attendance_waits import AttendanceWaits
from frontdoor_app.ui.meeting.entry_edits import KIND as ENTRY_EDIT
from frontdoor_app.ui.meeting.entry_edits import EntryEdits
from frontdoor_app.ui.meeting.room_commands import RoomCommands
from frontdoor_app.ui.meeting.room_state import RoomState
from frontdoor_app.ui.meeting.waiting_shown import WaitingShown


class CaseSaves(QObject):
    """See the module."""

    status = Signal(str, int)  # a message for the status bar, and for how many ms
    room_stale = Signal()  # read the room again
    case_stale = Signal(int)  # read this case again, if it is the one shown
    header_stale = Signal()  # the header's counts changed (saves waiting)
    projector_stale = Signal()
    server_away = Signal()  # a save found the server gone: the feed should notice
    # This case's entry, sharing decision or FGC step, or (True: the room's too) its
    # decision, an action, or (no case) the agenda's order or attendance saved: the change
    # feed brings it.
    saved = Signal(object, bool)

    def __init__(
        self,
        case_view: CaseViewWidget,
        commands: RoomCommands,
        state: RoomState,
        outbox: Outbox,
        messages: Messages,
        owner: QWidget,
    ) -> None:
        super().__init__(owner)
        self.case_view, self.commands, self.state = case_view, commands, state
        self.outbox, self.messages, self.owner = outbox, messages, owner
        self.sending: set[str] = set()  # waiting saves on their way to the server
        cv = case_view
        cv.intelligence.save_requested.connect(self.add_intelligence)
        cv.intelligence.draft_changed.connect(self.save_draft)
        cv.decision.save_requested.connect(self.save_decision)
        cv.decision.see_change_requested.connect(self.see_decision_change)
        cv.decision.draft_changed.connect(self.save_draft)
        cv.actions_tab.add_requested.connect(self.add_action)
        cv.actions_tab.status_requested.connect(self.update_action)
        self.action_status = ActionStatusSaves(
            cv.actions_tab.status_form,
            messages,
            owner,
            self._send_status,
            on_saved=self.fed(translate("MainWindow", "Action updated")),
            on_kept=lambda theirs: self.case_stale.emit(theirs.agenda_item_id),
            say=lambda text: self.status.emit(text, 8000),
        )
        cv.sharing.record_requested.connect(self.record_sharing)
        cv.history.undo_requested.connect(self.undo_link)
        self.entry_edits = EntryEdits(self)
        self.waiting_shown = WaitingShown(self)  # what waits on the laptop, in the case's lists
        # How each kind of Save that waited on the laptop is sent again (other parts of the
        # window add theirs: attendance, the agenda order, the FGC forms).
        self.resenders: dict[str, Callable[[dict[str, Any], int], None]] = {
            "intelligence": lambda c, i: self.add_intelligence(c, item_id=i),
            "decision": lambda c, i: self.save_decision(c, item_id=i),
            "action": lambda c, i: self.add_action(c, item_id=i),
            "action_status": lambda c, _i: self.resend_status(c),
            ENTRY_EDIT: lambda c, _i: self.entry_edits.resend(c),
        }
        self.agenda_moves = AgendaMoves(
            commands,
            state,
            messages,
            owner,
            lambda text: self.fed(text, of_case=False),
            self.room_stale.emit,
            self,
        )
        self.attendance_waits = AttendanceWaits(self)
        self.fgc_waits = FgcWaits(self)

    def fed(self, text: str, of_case: bool = True) -> Callable[[Any], None]:
        """The answer to a Save of the room's: ``text`` in the status bar, and the change is
        left to the feed, which brings it to this window's screens as anyone's (the agenda
        and the case, the case's actions and the room's count of open ones), read once.
        ``of_case``: the saved view names its case (a decision, an action); else the room
        itself was saved (its order, a case deferred, the curtain)."""

        def done(view: Any) -> None:
            self.status.emit(text, 5000)
            self.saved.emit(view.agenda_item_id if of_case else None, True)

        return done

    # ------------------------------------------------------------------ entries
    def add_intelligence(self, content: dict[str, Any], item_id: int | None = None) -> None:
        """Save an entry; when the server cannot be reached it waits on the laptop."""
        replay = item_id is not None
        item_id = item_id if item_id is not None else self.state.viewing
        if item_id is None:
            return
        agency_id = content.get("agency_id") or self.commands.ctx.actor.agency_id
        if agency_id is None:
            self.messages.warning(
                self.owner,
                translate("MainWindow", "Adding intelligence"),
                translate("MainWindow", "Choose the agency the entry is for."),
            )
            return
        # One reference per Save, kept if it has to wait: sent again, it is stored once.
        content = {**content, "ref": content.get("ref") or uuid.uuid4().hex}
        shown_item = item_id

        def done(view: Any) -> None:
            self.settle(content["ref"], view)
            if not replay:
                self.case_view.intelligence.clear_form()
            self.status.emit(translate("MainWindow", "Intelligence saved"), 5000)
            # (and to the projector, when the case is the room's current one)
            self.saved.emit(shown_item, False)

        def offline() -> None:
            self.keep_waiting("intelligence", shown_item, content)
            if not replay:
                self.case_view.intelligence.clear_form()

        self.commands.add_entry(item_id, agency_id, content, done, offline)

    # ------------------------------------------------------------------ offline
    def keep_waiting(self, kind: str, item_id: int, content: dict[str, Any]) -> None:
        """The server cannot be reached: keep the Save on the laptop and say so."""
        self.outbox.put(content["ref"], kind, item_id, content)
        self.sending.discard(content["ref"])
        self.status.emit(
            translate(
                "MainWindow",
                "The server cannot be reached: your save is kept on this laptop and will be "
                "sent when the connection is back.",
            ),
            10_000,
        )
        self.header_stale.emit()
        self.server_away.emit()  # the feed notices the server is away and starts retrying

    def may_close(self) -> bool:
        """Asked before the window closes with Saves still waiting on the laptop: they stay
        there and are sent the next time this person opens the application, perhaps after
        the minutes are printed. True: close (nothing waits, or the person said so)."""
        waiting = len(self.outbox)
        if not waiting:
            return True
        if waiting == 1:
            text = translate("MainWindow", "One of your saves has not reached the server yet.")
        else:
            text = translate(
                "MainWindow", "%1 of your saves have not reached the server yet."
            ).replace("%1", str(waiting))
        text += " " + translate(
            "MainWindow",
            "If you close now, they stay on this laptop and are sent the next time you open "
            "Front door, which may be after today's minutes are printed.\n\nClose anyway?",
        )
        return self.messages.ask(
            self.owner, translate("MainWindow", "Saves waiting to be sent"), text
        )

    def send_waiting(self) -> None:
        """Send what waited on the laptop, in order, through the same checks as any Save."""
        for waiting in self.outbox:
            resend = self.resenders.get(waiting["kind"])
            if waiting["ref"] in self.sending or resend is None:
                continue  # already on its way (or its screen is not open to send it)
            self.sending.add(waiting["ref"])
            resend(waiting["content"], int(waiting["item_id"]))

    def settle(self, ref: str, view: Any = None) -> None:
        """A Save that waited (or might have) is done with: stored (as ``view``: its row
        stays listed until the feed brings it), or shown as a conflict."""
        if view is not None:
            self.waiting_shown.landed(ref, view)
        self.outbox.remove(ref)
        self.sending.discard(ref)
        self.header_stale.emit()

    # ------------------------------------------------------------------ decisions
    def save_decision(self, content: dict[str, Any], item_id: int | None = None) -> None:
        """Save against the version the form was started from (``content["version"]``):
        a decision saved meanwhile by someone else is shown beside this one, never lost.
        When the server cannot be reached the Save waits on the laptop."""
        from frontdoor_app.meeting.errors import DecisionConflict

        if item_id is None:
            case = self.case_view.case
            if case is None:
                return
            item_id = case.item.item_id
        content = {**content, "ref": content.get("ref") or uuid.uuid4().hex}
        saved_item = item_id

        def done(view: Any) -> None:
            self.outbox.remove(content["ref"])
            self.sending.discard(content["ref"])
            tab = self.case_view.decision
            if tab._case is not None and tab._case.item.item_id == saved_item:
                tab.reload_saved()  # the form now shows what was saved, at its new version
            self.fed(translate("MainWindow", "Decision saved"))(view)

        def conflict(exc: Any) -> None:
            self.outbox.remove(content["ref"])  # the conflict view now holds both versions
            self.sending.discard(content["ref"])
            self.header_stale.emit()
            if isinstance(exc, DecisionConflict):
                self.decision_conflict(saved_item, content, exc.theirs)
            else:
                self.commands.failed(exc, translate("MainWindow", "Saving the decision"))

        self.commands.save_decision(
            item_id,
            content,
            done,
            conflict,
            lambda: self.keep_waiting("decision", saved_item, content),
        )

    def see_decision_change(self) -> None:
        """The form's "See the change": the same choice as a save that met a conflict."""
        case = self.case_view.case
        tab = self.case_view.decision
        if case is None or case.decision is None:
            return
        content = {**tab._content(), "version": tab.base_version}
        self.decision_conflict(case.item.item_id, content, case.decision)

    def decision_conflict(self, item_id: int, mine: dict[str, Any], theirs: DecisionView) -> None:
        """Both versions, field by field; keep theirs, put mine on top, or go on editing."""
        from frontdoor_app.ui.core.conflict_view import KEEP_THEIRS, MINE_ON_TOP, Conflict, pairs
        from frontdoor_app.ui.widgets.words import hhmm, risk_label

        tab = self.case_view.decision
        case = self.case_view.case
        number = case.case_number if case and case.item.item_id == item_id else None
        what = (
            translate("MainWindow", "The decision for case %1").replace("%1", str(number))
            if number
            else translate("MainWindow", "The decision")
        )
        yes, no = translate("MainWindow", "yes"), translate("MainWindow", "no")
        rows = [
            (
                translate("MainWindow", "Outcomes"),
                ", ".join(
                    tab.outcome_label(c, (mine.get("details") or {}).get(c))
                    for c in mine["outcomes"]
                ),
                ", ".join(tab.outcome_label(o.code, o.detail) for o in theirs.outcomes),
            ),
            (
                translate("MainWindow", "Agreed risk"),
                risk_label(mine["risk"], False) if mine["risk"] else "",
                risk_label(theirs.agreed_risk, False) if theirs.agreed_risk else "",
            ),
            (
                translate("MainWindow", "MARAC on professional judgement"),
                yes if mine["pj_marac"] else no,
                yes if theirs.professional_judgement_marac else no,
            ),
            (translate("MainWindow", "Rationale"), mine["rationale"] or "", theirs.rationale or ""),
        ]
        conflict = Conflict(
            what,
            theirs.decided_by_name or translate("MainWindow", "someone"),
            hhmm(theirs.decided_at),
            pairs(rows),
        )
        choice = self.messages.conflict(self.owner, conflict)
        if choice == MINE_ON_TOP:
            tab.rebase(theirs.version)
            self.save_decision({**mine, "version": theirs.version})
        elif choice == KEEP_THEIRS:
            self.commands.save_draft(item_id, "decision", None)
            tab.reload_saved()
            self.case_stale.emit(item_id)
            self.status.emit(
                translate("MainWindow", "Their decision kept; your changes dropped"), 5000
            )
        else:  # go on editing: what is typed stays, now as an edit of their version
            tab.rebase(theirs.version)
            self.case_stale.emit(item_id)
            self.status.emit(
                translate(
                    "MainWindow",
                    "Your changes are still in the form; saving now puts them on top of theirs",
                ),
                8000,
            )

    # ------------------------------------------------------------------ actions, sharing
    def add_action(self, content: dict[str, Any], item_id: int | None = None) -> None:
        """Add an action; when the server cannot be reached it waits on the laptop."""
        replay = item_id is not None
        item_id = item_id if item_id is not None else self.state.viewing
        if item_id is None:
            return
        if content.get("agency_id") is None:
            self.messages.warning(
                self.owner,
                translate("MainWindow", "Adding an action"),
                translate("MainWindow", "Choose the owning agency."),
            )
            return
        # One reference per Save, kept if it has to wait: sent again, it is stored once.
        due = content.get("due_date")
        content = {
            **content,
            "ref": content.get("ref") or uuid.uuid4().hex,
            "due_date": due.isoformat() if isinstance(due, dt.date) else due,
        }
        shown_item = item_id

        def done(view: Any) -> None:
            self.settle(content["ref"], view)
            if not replay:
                self.case_view.actions_tab.clear_form()
            self.fed(translate("MainWindow", "Action added"))(view)

        def offline() -> None:
            self.keep_waiting("action", shown_item, content)
            if not replay:
                self.case_view.actions_tab.clear_form()

        self.commands.add_action(item_id, content, done, offline)

    def update_action(self, action: ActionView, status: str, note: str) -> None:
        """Against ``action``'s version, the one the status form was started from: an
        update saved meanwhile by someone else is shown beside this one, never lost."""
        self.action_status.update(status, note)

    def _send_status(
        self,
        action: ActionView,
        status: str,
        note: str,
        on_done: Any,
        on_conflict: Any,
    ) -> None:
        meeting = self.state.meeting
        content = {
            "ref": uuid.uuid4().hex,  # one per Save: sent again, it is stored once
            "action_id": action.id,
            "item_id": action.agenda_item_id,
            "version": action.version,
            "status": status,
            "note": note,
            "meeting_id": meeting.id if meeting else None,
        }
        self._status_to_server(content, on_done, on_conflict)

    def _status_waits(self, content: dict[str, Any]) -> None:
        """Kept on the laptop: the form is free again (as an entry's is), and about no
        action: the action's row now shows the status waiting to be sent."""
        form = self.case_view.actions_tab.status_form
        about = form.base
        self.keep_waiting("action_status", content["item_id"], content)
        if about is not None and about.id == content["action_id"]:
            form.reset(None)

    def resend_status(self, content: dict[str, Any]) -> None:
        """A status update that waited on the laptop, through the same conflict check."""
        from frontdoor_app.meeting.errors import ActionConflict

        def conflict(exc: Any) -> None:
            if isinstance(exc, ActionConflict):
                theirs = exc.theirs
                self.action_status.choose(
                    theirs, content["status"], content["note"], theirs, from_form=False
                )
            else:
                self.commands.failed(exc, translate("MainWindow", "Updating the action"))

        self._status_to_server(
            content, self.fed(translate("MainWindow", "Action updated")), conflict
        )

    def _status_to_server(self, content: dict[str, Any], on_done: Any, on_conflict: Any) -> None:
        ref = content["ref"]

        def done(view: Any) -> None:
            self.settle(ref, view)
            on_done(view)

        def conflict(exc: Any) -> None:
            self.settle(ref)  # the conflict view now holds both versions
            on_conflict(exc)

        self.commands.update_action(
            content["action_id"],
            content["version"],
            content["status"],
            content["note"] or None,
            content["meeting_id"],
            done,
            on_conflict=conflict,
            on_offline=lambda: self._status_waits(content),
            client_ref=ref,
        )

    def record_sharing(self, content: dict[str, Any]) -> None:
        item_id = self.state.viewing
        if item_id is None or content.get("agency_id") is None:
            return
        shown_item = item_id

        def done(_view: Any) -> None:
            self.case_view.sharing.clear_form()
            self.status.emit(translate("MainWindow", "Sharing decision recorded"), 5000)
            self.saved.emit(shown_item, False)

        self.commands.record_sharing(item_id, content, done)

    # ------------------------------------------------------------------ links, drafts
    def undo_link(self, row: Any) -> None:
        """A wrong match: undone with a reason, the person stands on their own again."""
        reason = self.messages.text(
            self.owner,
            translate("MainWindow", "Undo a person link"),
            translate("MainWindow", "Why is linking %1 to %2 wrong?")
            .replace("%1", row.incoming.name)
            .replace("%2", row.known.name),
        )
        if not reason or not reason.strip():
            return
        history = self.case_view.history

        def done(_row: Any) -> None:
            self.status.emit(translate("MainWindow", "Link undone"), 5000)
            history.links_for = None
            history.want_links()
            if self.state.viewing is not None:
                self.case_stale.emit(self.state.viewing)

        self.commands.undo_link(row.link_id, reason.strip(), done)

    def save_draft(self, kind: str, content: Any) -> None:
        item_id = self.state.viewing
        if item_id is not None:
            self.commands.save_draft(item_id, kind, content)

    def flush_drafts(self) -> None:
        self.case_view.intelligence.flush_draft()
        self.case_view.decision.flush_draft()
