"""What the meeting room writes: one domain call a user action, through the operation helper.

Each command names what it changes by id and, where the record has one, the version the
screen read (a save against an older version is a conflict, never an overwrite). None
touches a widget: the caller says what happens next (``on_done``) and, for saves that
can meet a conflict or a lost server, what to do then. After the meeting is closed a
change is an amendment; the operation helper asks why and runs the command again.

The domain modules are imported inside the jobs, on the worker, when first used: the
window opens without loading them.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject

from frontdoor_app.meeting.views import AgendaView, MeetingView
from frontdoor_app.ui.core.i18n import translate
from frontdoor_app.ui.core.ops import Ops

if TYPE_CHECKING:
    from frontdoor_app.context import AppContext

log = logging.getLogger(__name__)

Done = Callable[[Any], None]
Failed = Callable[[BaseException, str], None]  # the error, and what was being done


class RoomCommands:
    """The room's writes for ``ctx``'s user; ``failed(exc, doing)`` reports what goes wrong
    that a command does not handle itself; ``parent`` is the screen that asks (its answers
    are dropped once it is gone)."""

    def __init__(self, ctx: AppContext, ops: Ops, parent: QObject, failed: Failed) -> None:
        self.ctx, self.ops, self.parent, self.failed = ctx, ops, parent, failed

    def _write(
        self,
        job: Callable[[str | None], Any],
        on_done: Done | None,
        doing: str,
        **handlers: Any,
    ) -> None:
        handlers.setdefault("on_failed", lambda exc: self.failed(exc, doing))
        self.ops.command(self.parent, job, on_done, doing=doing, **handlers)

    def _background(self, job: Callable[[], Any], doing: str) -> None:
        """A write the user did not ask for (an audit row): its failure is reported."""
        self.ops.query(
            self.parent, job, None, doing=doing, on_failed=lambda exc: self.failed(exc, doing)
        )

    # ------------------------------------------------------------------ the meeting
    def open_meeting(self, meeting_id: int, version: int, on_done: Done) -> None:
        from frontdoor_app.meeting import lifecycle

        sessions, actor = self.ctx.sessions, self.ctx.actor
        self._write(
            lambda _r: lifecycle.open_meeting(sessions, actor, meeting_id, version),
            on_done,
            translate("MainWindow", "Opening the meeting"),
        )

    def set_current(
        self, meeting_id: int, item_id: int, on_done: Callable[[AgendaView], None]
    ) -> None:
        from frontdoor_app.meeting import agenda

        sessions, actor = self.ctx.sessions, self.ctx.actor
        self._write(
            lambda _r: agenda.set_current(sessions, actor, meeting_id, item_id),
            on_done,
            translate("MainWindow", "Moving to the case"),
        )

    def defer(self, item_id: int, version: int, on_done: Done) -> None:
        from frontdoor_app.meeting import agenda

        sessions, actor = self.ctx.sessions, self.ctx.actor
        self._write(
            lambda _r: agenda.defer_item(sessions, actor, item_id, version),
            on_done,
            translate("MainWindow", "Deferring the case"),
        )

    def move(
        self,
        item_id: int,
        version: int,
        position: int,
        on_done: Done,
        on_conflict: Callable[[Any], None] | None = None,
        on_offline: Callable[[], None] | None = None,
    ) -> None:
        """Against ``version``, the case's as the agenda showed it."""
        from frontdoor_app.meeting import agenda

        sessions, actor = self.ctx.sessions, self.ctx.actor
        self._write(
            lambda _r: agenda.move_item(sessions, actor, item_id, version, position),
            on_done,
            translate("MainWindow", "Reordering the agenda"),
            on_conflict=on_conflict,
            on_offline=on_offline,
        )

    def update_attendance(
        self,
        row_id: int,
        version: int,
        status: str,
        on_done: Done,
        on_conflict: Callable[[Any], None],
        on_offline: Callable[[], None],
    ) -> None:
        """An attendance row's status, against ``version`` (the row as it was changed on)."""
        from frontdoor_app.meeting import lifecycle

        sessions, actor = self.ctx.sessions, self.ctx.actor
        self._write(
            lambda reason: lifecycle.update_attendance(
                sessions, actor, row_id, version, status=status, reason=reason
            ),
            on_done,
            translate("Attendance", "Attendance"),
            on_conflict=on_conflict,
            on_offline=on_offline,
        )

    def set_curtain(
        self,
        meeting_id: int,
        down: bool,
        on_done: Callable[[MeetingView], None],
        on_failed: Callable[[BaseException], None],
    ) -> None:
        from frontdoor_app.meeting import lifecycle

        sessions, actor = self.ctx.sessions, self.ctx.actor
        self._write(
            lambda _r: lifecycle.set_curtain(sessions, actor, meeting_id, down),
            on_done,
            translate("MainWindow", "Projector curtain"),
            on_failed=on_failed,
        )

    # ------------------------------------------------------------------ a case's content
    def add_entry(
        self,
        item_id: int,
        agency_id: int,
        content: dict[str, Any],
        on_done: Done,
        on_offline: Callable[[], None],
    ) -> None:
        """An intelligence entry; ``content["ref"]`` makes a Save sent twice count once."""
        from frontdoor_app.meeting import entries

        sessions, actor = self.ctx.sessions, self.ctx.actor
        restricted = agency_id if content.get("restricted") else None

        def job(reason: str | None) -> Any:
            return entries.add_entry(  # the draft is cleared in the same transaction
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

        self._write(
            job, on_done, translate("MainWindow", "Adding intelligence"), on_offline=on_offline
        )

    def edit_entry(
        self,
        content: dict[str, Any],
        on_done: Done,
        on_conflict: Callable[[Any], None],
        on_offline: Callable[[], None] | None = None,
    ) -> None:
        """An entry changed after it was saved, against ``content["version"]``: the version
        the form was started from."""
        from frontdoor_app.meeting import entries

        sessions, actor = self.ctx.sessions, self.ctx.actor
        restricted = content["agency_id"] if content.get("restricted") else None

        def job(reason: str | None) -> Any:
            return entries.edit_entry(
                sessions,
                actor,
                content["entry_id"],
                content["version"],
                text=content.get("text", ""),
                may_share_beyond_meeting=bool(content.get("may_share")) and restricted is None,
                restricted_to_agency_id=restricted,
                reason=reason,
            )

        self._write(
            job,
            on_done,
            translate("MainWindow", "Changing an entry"),
            on_conflict=on_conflict,
            on_offline=on_offline,
        )

    def save_decision(
        self,
        item_id: int,
        content: dict[str, Any],
        on_done: Done,
        on_conflict: Callable[[Any], None],
        on_offline: Callable[[], None],
    ) -> None:
        """Saved against ``content["version"]``, the version the form was started from."""
        from frontdoor_app.meeting import decisions

        sessions, actor, profile = self.ctx.sessions, self.ctx.actor, self.ctx.profile

        def job(reason: str | None) -> Any:
            return decisions.save_decision(  # the draft is cleared in the same transaction
                sessions,
                actor,
                profile,
                item_id,
                content["outcomes"],
                content["risk"],
                content["rationale"],
                professional_judgement_marac=content["pj_marac"],
                details=content.get("details") or {},
                version=content.get("version"),
                reason=reason,
                draft="decision",
            )

        self._write(
            job,
            on_done,
            translate("MainWindow", "Saving the decision"),
            on_conflict=on_conflict,
            on_offline=on_offline,
        )

    def add_action(
        self,
        item_id: int,
        content: dict[str, Any],
        on_done: Done,
        on_offline: Callable[[], None] | None = None,
    ) -> None:
        """An action; ``content["ref"]`` (when given) makes a Save sent twice count once.
        ``content["due_date"]`` is a date or its ISO text (as kept on the laptop)."""
        from frontdoor_app.meeting import actions

        sessions, actor, profile = self.ctx.sessions, self.ctx.actor, self.ctx.profile
        due = content.get("due_date")
        due_date = dt.date.fromisoformat(due) if isinstance(due, str) else due
        self._write(
            lambda reason: actions.add_action(
                sessions,
                actor,
                profile,
                item_id,
                content["agency_id"],
                content["description"],
                owner_name=content.get("owner_name"),
                due_date=due_date,
                reason=reason,
                client_ref=content.get("ref"),
            ),
            on_done,
            translate("MainWindow", "Adding an action"),
            on_offline=on_offline,
        )

    def update_action(
        self,
        action_id: int,
        version: int,
        status: str,
        note: str | None,
        meeting_id: int | None,
        on_done: Done,
        on_conflict: Callable[[Any], None] | None = None,
        on_offline: Callable[[], None] | None = None,
        client_ref: str | None = None,
    ) -> None:
        """Against ``version``, the one the status form was started from; ``client_ref``
        makes an update sent twice (after a dropped connection) count once."""
        from frontdoor_app.meeting import actions

        sessions, actor, profile = self.ctx.sessions, self.ctx.actor, self.ctx.profile
        self._write(
            lambda _r: actions.update_action_status(
                sessions,
                actor,
                action_id,
                version,
                status,
                note,
                meeting_id,
                client_ref,
                today=profile.today(),
            ),
            on_done,
            translate("MainWindow", "Updating the action"),
            on_conflict=on_conflict,
            on_offline=on_offline,
        )

    def record_sharing(self, item_id: int, content: dict[str, Any], on_done: Done) -> None:
        from frontdoor_app.meeting import entries

        sessions, actor = self.ctx.sessions, self.ctx.actor
        self._write(
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
            on_done,
            translate("MainWindow", "Recording a sharing decision"),
        )

    def undo_link(self, link_id: int, reason: str, on_done: Done) -> None:
        """A wrong person match undone, with the reason why."""
        from frontdoor_app.intake import links

        sessions, actor = self.ctx.sessions, self.ctx.actor
        self._write(
            lambda _r: links.undo_link(sessions, actor, link_id, reason),
            on_done,
            translate("MainWindow", "Undoing the link"),
        )

    # ------------------------------------------------------------------ drafts and audit
    def save_draft(self, item_id: int, kind: str, content: Any) -> None:
        """What is typed, kept as it is typed; ``content`` None clears it. A failure is
        logged, never shown: the typed text is still on screen."""
        from frontdoor_app.meeting import drafts

        sessions, actor = self.ctx.sessions, self.ctx.actor

        def job() -> None:
            if content is None:
                drafts.clear_draft(sessions, actor, item_id, kind)
            else:
                drafts.save_draft(sessions, actor, item_id, kind, content)

        self.ops.query(
            self.parent,
            job,
            None,
            doing=translate("MainWindow", "Saving a draft"),
            on_failed=lambda exc: log.warning("draft not saved: %s", exc),
        )

    def record(self, action: str, entity: str, entity_id: int | None, detail: str) -> None:
        """What this screen showed or switched, in the audit trail (never blocks)."""
        from frontdoor_app.access import audit

        sessions, actor = self.ctx.sessions, self.ctx.actor
        self._background(
            lambda: audit.record_now(sessions, actor, action, entity, entity_id, detail),
            translate("MainWindow", "Recording in the audit trail"),
        )

    def record_view(self, item_id: int) -> None:
        """The user opened a case shown from a background read: audited as a read would."""
        from frontdoor_app.access import audit

        ctx = self.ctx

        def job() -> None:
            with ctx.session() as s:
                audit.record(s, ctx.actor, "view", "agenda_item", item_id, detail="case opened")

        self._background(job, translate("MainWindow", "Opening the case"))
