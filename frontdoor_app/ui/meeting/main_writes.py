"""What the main window writes: each user action is one domain call on the worker.

After the meeting is closed a change is an amendment: the domain refuses it without a
reason (``AmendmentReasonRequired``), so the window asks for one and tries again.
"""

from __future__ import annotations

import dataclasses
import logging
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer

from frontdoor_app.intake import links
from frontdoor_app.meeting import actions, agenda, decisions, drafts, entries, lifecycle
from frontdoor_app.meeting.errors import AmendmentReasonRequired, ConflictError, DecisionConflict
from frontdoor_app.meeting.views import ActionView, AgendaView, DecisionView
from frontdoor_app.sync.offline import connection_lost
from frontdoor_app.ui.core.i18n import translate
from frontdoor_app.ui.widgets.conflict_view import KEEP_THEIRS, MINE_ON_TOP, Conflict, pairs
from frontdoor_app.ui.widgets.words import hhmm, risk_label

if TYPE_CHECKING:
    from frontdoor_app.ui.meeting.main_window import MainWindow

log = logging.getLogger(__name__)


class RoomWrites:
    """Mixed into ``MainWindow``: writes, dialogs and error reporting."""

    # ------------------------------------------------------------------ plumbing
    def show_error(self: MainWindow, exc: BaseException, doing: str) -> None:
        if connection_lost(exc):
            # Not a fault to report in a box: the banner says the server is away, the
            # window keeps what it has, and the feed reconnects and refreshes.
            self.statusBar().showMessage(
                translate(
                    "MainWindow", "%1: the server cannot be reached; showing what this laptop has."
                ).replace("%1", doing),
                10_000,
            )
            self.live.poll()
            return
        self.messages.failed(self, doing, exc)
        self.statusBar().showMessage(f"{doing}: {exc}", 10_000)

    def write(
        self: MainWindow,
        job: Callable[[str | None], Any],
        on_done: Callable[[Any], None],
        doing: str,
        reason: str | None = None,
        on_conflict: Callable[[ConflictError], None] | None = None,
        on_offline: Callable[[], None] | None = None,
    ) -> None:
        """Run ``job(reason)``; after close, ask why and try again as an amendment.

        ``on_conflict`` shows a conflict (the record changed since the form was started)
        with both versions, instead of a message. ``on_offline`` keeps the Save on the
        laptop when the server cannot be reached.
        """

        def failed(exc: BaseException) -> None:
            if on_conflict is not None and isinstance(exc, ConflictError):
                on_conflict(exc)
                return
            if on_offline is not None and connection_lost(exc):
                on_offline()
                return
            if isinstance(exc, AmendmentReasonRequired) and reason is None:
                answer = self.messages.text(
                    self,
                    translate("MainWindow", "Amendment after the meeting closed"),
                    str(exc) + "\n\n" + translate("MainWindow", "Reason for the amendment:"),
                )
                if answer and answer.strip():
                    self.write(job, on_done, doing, answer.strip(), on_conflict, on_offline)
                else:
                    self.messages.warning(
                        self,
                        doing,
                        translate(
                            "MainWindow",
                            "Not saved: an amendment after the meeting has closed needs a reason.",
                        ),
                    )
                return
            self.show_error(exc, doing)

        self.worker.run(lambda: job(reason), on_done, failed)

    def _saved(self: MainWindow, text: str) -> Callable[[Any], None]:
        def done(_result: Any) -> None:
            self.statusBar().showMessage(text, 5000)
            self.reload_room()

        return done

    # ------------------------------------------------------------------ agenda
    def open_meeting(self: MainWindow) -> None:
        meeting = self.meeting
        if meeting is None:
            return
        sessions, actor = self.ctx.sessions, self.ctx.actor
        self.write(
            lambda _r: lifecycle.open_meeting(sessions, actor, meeting.id, meeting.version),
            lambda opened: (self.reload_room(), self.show_confidentiality(opened)),
            translate("MainWindow", "Opening the meeting"),
        )

    def make_current(self: MainWindow, item_id: int | None) -> None:
        """The chair makes a case the one being discussed; everyone following moves too."""
        meeting = self.meeting
        if item_id is None or meeting is None:
            return
        if not (self.is_chair and meeting.is_open):
            self.browse_to(item_id)
            return
        self.viewing = item_id  # show it at once; the shared write follows
        self.moving_to = item_id
        self.show_item(item_id)
        sessions, actor = self.ctx.sessions, self.ctx.actor
        # Queued once the case is painted: the write's Python work would otherwise compete
        # with the paint for the interpreter; the room follows a few milliseconds later.
        QTimer.singleShot(
            0,
            lambda: self.write(
                lambda _r: agenda.set_current(sessions, actor, meeting.id, item_id),
                self._agenda_written,
                translate("MainWindow", "Moving to the case"),
            ),
        )

    def _agenda_written(self: MainWindow, view: AgendaView) -> None:
        """The agenda as the write left it: show it without another round trip."""
        room = self.room
        if view.meeting.current_item_id == self.moving_to:
            self.moving_to = None
        if room is None:
            return
        self.room = dataclasses.replace(room, meeting=view.meeting, agenda=view)
        self.agenda.show_agenda(view, self.viewing)
        self._update_header()
        case = self.case_view.case
        row = view.row(case.item.item_id) if case is not None else None
        if case is not None and row is not None:
            fresh = dataclasses.replace(case, item=row, meeting_status=view.meeting.status)
            self.case_view.update_item(fresh)
        self._refresh_projector()

    def defer_case(self: MainWindow, item_id: int | None) -> None:
        room = self.room
        if item_id is None or room is None or room.agenda is None:
            return
        row = room.agenda.row(item_id)
        if row is None:
            return
        sessions, actor = self.ctx.sessions, self.ctx.actor
        self.write(
            lambda _r: agenda.defer_item(sessions, actor, item_id, row.version),
            self._saved(
                translate("MainWindow", "Case %1 deferred to the next meeting").replace(
                    "%1", str(row.position)
                )
            ),
            translate("MainWindow", "Deferring the case"),
        )

    def move_case(self: MainWindow, item_id: int, position: int) -> None:
        room = self.room
        row = room.agenda.row(item_id) if room and room.agenda else None
        if row is None:
            return
        sessions, actor = self.ctx.sessions, self.ctx.actor
        self.write(
            lambda _r: agenda.move_item(sessions, actor, item_id, row.version, position),
            self._saved(translate("MainWindow", "Agenda order changed")),
            translate("MainWindow", "Reordering the agenda"),
        )

    def toggle_curtain(self: MainWindow) -> None:
        """B: blank the projector. The chair's curtain is shared; others' is their own."""
        meeting = self.meeting
        down = not self.curtain_is_down()
        if self.is_chair and meeting is not None and not meeting.is_closed:
            # Until the write is back, what the chair pressed is what the room sees: a
            # projector refresh read before the write must not lift the curtain.
            self.curtain_pending = down
            sessions, actor = self.ctx.sessions, self.ctx.actor

            def done(view: Any) -> None:
                self.curtain_pending = None
                self._saved(
                    translate("MainWindow", "Curtain down")
                    if view.curtain_down
                    else translate("MainWindow", "Curtain up")
                )(view)

            def failed(exc: BaseException) -> None:
                self.curtain_pending = None
                self.show_error(exc, translate("MainWindow", "Projector curtain"))
                self._update_header()

            self.worker.run(
                lambda: lifecycle.set_curtain(sessions, actor, meeting.id, down), done, failed
            )
            self.local_curtain = False
        else:
            self.local_curtain = down
        if self.projector is not None:
            self.projector.set_curtain(down)
        self._update_header()

    def curtain_is_down(self: MainWindow) -> bool:
        """The curtain as the room should see it now."""
        if self.curtain_pending is not None:
            return self.curtain_pending
        meeting = self.meeting
        return bool(meeting and meeting.curtain_down) or self.local_curtain

    # ------------------------------------------------------------------ case content
    def add_intelligence(
        self: MainWindow, content: dict[str, Any], item_id: int | None = None
    ) -> None:
        """Save an entry; when the server cannot be reached it waits on the laptop."""
        replay = item_id is not None
        item_id = item_id if item_id is not None else self.viewing
        if item_id is None:
            return
        sessions, actor = self.ctx.sessions, self.ctx.actor
        agency_id = content.get("agency_id") or actor.agency_id
        if agency_id is None:
            self.messages.warning(
                self,
                translate("MainWindow", "Adding intelligence"),
                translate("MainWindow", "Choose the agency the entry is for."),
            )
            return
        restricted = agency_id if content.get("restricted") else None
        # One reference per Save, kept if it has to wait: sent again, it is stored once.
        content = {**content, "ref": content.get("ref") or uuid.uuid4().hex}

        def job(reason: str | None) -> Any:
            return entries.add_entry(
                sessions,
                actor,
                item_id,
                agency_id,
                content.get("text", ""),
                kind=content.get("kind") or "agency",
                may_share_beyond_meeting=bool(content.get("may_share")) and restricted is None,
                restricted_to_agency_id=restricted,
                reason=reason,
                client_ref=content["ref"],
                draft="intelligence",
            )

        def done(_view: Any) -> None:
            self.outbox.remove(content["ref"])
            self.sending.discard(content["ref"])
            if not replay:
                self.case_view.intelligence.clear_form()
            self.statusBar().showMessage(translate("MainWindow", "Intelligence saved"), 5000)
            self._update_header()
            if self.viewing == item_id:
                self.show_item(item_id, refresh=True)
            self._refresh_projector()

        def offline() -> None:
            self.keep_waiting("intelligence", item_id, content)
            if not replay:
                self.case_view.intelligence.clear_form()

        self.write(job, done, translate("MainWindow", "Adding intelligence"), on_offline=offline)

    # ------------------------------------------------------------------ offline
    def keep_waiting(self: MainWindow, kind: str, item_id: int, content: dict[str, Any]) -> None:
        """The server cannot be reached: keep the Save on the laptop and say so."""
        self.outbox.put(content["ref"], kind, item_id, content)
        self.sending.discard(content["ref"])
        self.statusBar().showMessage(
            translate(
                "MainWindow",
                "The server cannot be reached: your save is kept on this laptop and will be "
                "sent when the connection is back.",
            ),
            10_000,
        )
        self._update_header()
        self.live.poll()  # the feed notices the server is away and starts retrying

    def _online_changed(self: MainWindow, online: bool) -> None:
        self._update_header()
        if online:
            self.send_waiting()

    def send_waiting(self: MainWindow) -> None:
        """Send what waited on the laptop, in order, through the same checks as any Save."""
        for waiting in self.outbox:
            if waiting["ref"] in self.sending:
                continue  # already on its way
            self.sending.add(waiting["ref"])
            content, item_id = waiting["content"], int(waiting["item_id"])
            if waiting["kind"] == "intelligence":
                self.add_intelligence(content, item_id=item_id)
            elif waiting["kind"] == "decision":
                self.save_decision(content, item_id=item_id)

    def save_decision(
        self: MainWindow, content: dict[str, Any], item_id: int | None = None
    ) -> None:
        """Save against the version the form was started from (``content["version"]``):
        a decision saved meanwhile by someone else is shown beside this one, never lost.
        When the server cannot be reached the Save waits on the laptop."""
        case = self.case_view.case
        if item_id is None:
            if case is None:
                return
            item_id = case.item.item_id
        version = content.get("version")
        content = {**content, "ref": content.get("ref") or uuid.uuid4().hex}
        sessions, actor, profile = self.ctx.sessions, self.ctx.actor, self.ctx.profile

        def job(reason: str | None) -> Any:
            return decisions.save_decision(
                sessions,
                actor,
                profile,
                item_id,
                content["outcomes"],
                content["risk"],
                content["rationale"],
                professional_judgement_marac=content["pj_marac"],
                version=version,
                reason=reason,
                draft="decision",
            )

        def conflict(exc: ConflictError) -> None:
            if isinstance(exc, DecisionConflict):
                self.decision_conflict(item_id, content, exc.theirs)
            else:
                self.show_error(exc, translate("MainWindow", "Saving the decision"))

        def done(view: Any) -> None:
            self.outbox.remove(content["ref"])
            self.sending.discard(content["ref"])
            tab = self.case_view.decision
            if tab._case is not None and tab._case.item.item_id == item_id:
                tab.reload_saved()  # the form now shows what was saved, at its new version
            self._saved(translate("MainWindow", "Decision saved"))(view)

        def conflict_and_forget(exc: ConflictError) -> None:
            self.outbox.remove(content["ref"])  # the conflict view now holds both versions
            self.sending.discard(content["ref"])
            self._update_header()
            conflict(exc)

        self.write(
            job,
            done,
            translate("MainWindow", "Saving the decision"),
            on_conflict=conflict_and_forget,
            on_offline=lambda: self.keep_waiting("decision", item_id, content),
        )

    def see_decision_change(self: MainWindow) -> None:
        """The form's "See the change": the same choice as a save that met a conflict."""
        case = self.case_view.case
        tab = self.case_view.decision
        if case is None or case.decision is None:
            return
        content = {**tab._content(), "version": tab.base_version}
        self.decision_conflict(case.item.item_id, content, case.decision)

    def decision_conflict(
        self: MainWindow, item_id: int, mine: dict[str, Any], theirs: DecisionView
    ) -> None:
        """Both versions, field by field; keep theirs, put mine on top, or go on editing."""
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
                ", ".join(tab.outcome_label(c) for c in mine["outcomes"]),
                ", ".join(o.label for o in theirs.outcomes),
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
        choice = self.messages.conflict(self, conflict)
        if choice == MINE_ON_TOP:
            tab.rebase(theirs.version)
            self.save_decision({**mine, "version": theirs.version})
        elif choice == KEEP_THEIRS:
            sessions, actor = self.ctx.sessions, self.ctx.actor
            self.worker.run(lambda: drafts.clear_draft(sessions, actor, item_id, "decision"))
            tab.reload_saved()
            self.show_item(item_id, refresh=True)
            self.statusBar().showMessage(
                translate("MainWindow", "Their decision kept; your changes dropped"), 5000
            )
        else:  # go on editing: what is typed stays, now as an edit of their version
            tab.rebase(theirs.version)
            self.show_item(item_id, refresh=True)
            self.statusBar().showMessage(
                translate(
                    "MainWindow",
                    "Your changes are still in the form; saving now puts them on top of theirs",
                ),
                8000,
            )

    def add_action(self: MainWindow, content: dict[str, Any]) -> None:
        item_id = self.viewing
        if item_id is None:
            return
        sessions, actor, profile = self.ctx.sessions, self.ctx.actor, self.ctx.profile
        if content.get("agency_id") is None:
            self.messages.warning(
                self,
                translate("MainWindow", "Adding an action"),
                translate("MainWindow", "Choose the owning agency."),
            )
            return

        def done(_view: Any) -> None:
            self.case_view.actions.clear_form()
            self._saved(translate("MainWindow", "Action added"))(_view)

        self.write(
            lambda reason: actions.add_action(
                sessions,
                actor,
                profile,
                item_id,
                content["agency_id"],
                content["description"],
                owner_name=content.get("owner_name"),
                due_date=content.get("due_date"),
                reason=reason,
            ),
            done,
            translate("MainWindow", "Adding an action"),
        )

    def update_action(self: MainWindow, action: ActionView, status: str, note: str) -> None:
        sessions, actor = self.ctx.sessions, self.ctx.actor
        meeting_id = self.meeting.id if self.meeting else None
        self.write(
            lambda _r: actions.update_action_status(
                sessions, actor, action.id, action.version, status, note or None, meeting_id
            ),
            self._saved(translate("MainWindow", "Action updated")),
            translate("MainWindow", "Updating the action"),
        )

    def record_sharing(self: MainWindow, content: dict[str, Any]) -> None:
        item_id = self.viewing
        if item_id is None or content.get("agency_id") is None:
            return
        sessions, actor = self.ctx.sessions, self.ctx.actor

        def done(_view: Any) -> None:
            self.case_view.sharing.clear_form()
            self.statusBar().showMessage(translate("MainWindow", "Sharing decision recorded"), 5000)
            self.show_item(item_id, refresh=True)

        self.write(
            lambda reason: entries.record_sharing(
                sessions,
                actor,
                item_id,
                content["agency_id"],
                content["shared"],
                content["reason"],
                content.get("with_whom"),
                amendment_reason=reason,
            ),
            done,
            translate("MainWindow", "Recording a sharing decision"),
        )

    def load_links(self: MainWindow, notification_id: int) -> None:
        self.audit_shown("view", "notification", notification_id, "person links shown")
        sessions = self.ctx.sessions
        self.worker.run(
            lambda: links.links_of_notification(sessions, notification_id),
            lambda rows: self.case_view.history.show_links(notification_id, rows),
            lambda exc: self.show_error(exc, translate("MainWindow", "Reading the person links")),
        )

    def undo_link(self: MainWindow, row: Any) -> None:
        """A wrong match: undone with a reason, the person stands on their own again."""
        reason = self.messages.text(
            self,
            translate("MainWindow", "Undo a person link"),
            translate("MainWindow", "Why is linking %1 to %2 wrong?")
            .replace("%1", row.incoming.name)
            .replace("%2", row.known.name),
        )
        if not reason or not reason.strip():
            return
        sessions, actor, history = self.ctx.sessions, self.ctx.actor, self.case_view.history

        def done(_row: Any) -> None:
            self.statusBar().showMessage(translate("MainWindow", "Link undone"), 5000)
            history.links_for = None
            history.want_links()
            if self.viewing is not None:
                self.show_item(self.viewing, refresh=True)

        self.worker.run(
            lambda: links.undo_link(sessions, actor, row.link_id, reason.strip()),
            done,
            lambda exc: self.show_error(exc, translate("MainWindow", "Undoing the link")),
        )

    def save_draft(self: MainWindow, kind: str, content: Any) -> None:
        item_id = self.viewing
        if item_id is None:
            return
        sessions, actor = self.ctx.sessions, self.ctx.actor
        if content is None:
            job = lambda: drafts.clear_draft(sessions, actor, item_id, kind)  # noqa: E731
        else:
            job = lambda: drafts.save_draft(sessions, actor, item_id, kind, content)  # noqa: E731
        # A failed draft save is logged, never shown: the typed text is still on screen.
        self.worker.run(job, None, lambda exc: log.warning("draft not saved: %s", exc))

    def flush_drafts(self: MainWindow) -> None:
        self.case_view.intelligence.flush_draft()
        self.case_view.decision.flush_draft()
