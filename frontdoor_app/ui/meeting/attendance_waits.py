"""Attendance changes made while the server cannot be reached: kept on the laptop with the
room's other waiting saves (``Outbox``), counted in the banner, and sent once when the
connection is back — whether or not the attendance screen is still open — against the
version the change was made on. A row changed meanwhile by someone else is shown beside
this change (the conflict view): keep theirs, or put mine on top. A row that already
stands as this change would leave it (it reached the server before the connection
dropped, or someone made the same change) is done, not a conflict.
"""

from __future__ import annotations

import dataclasses
import uuid
from typing import TYPE_CHECKING, Any

from frontdoor_app.meeting.views import AttendanceRow
from frontdoor_app.ui.core.i18n import translate

if TYPE_CHECKING:
    from frontdoor_app.ui.meeting.case_saves import CaseSaves

KIND = "attendance"  # in the outbox


def waiting_change(row: AttendanceRow, status: str) -> dict[str, Any]:
    """What is kept on the laptop: the row as the change was made on it, and the change."""
    return {
        "ref": uuid.uuid4().hex,
        "id": row.id,
        "version": row.version,
        "status": status,
        "person_name": row.person_name,
        "agency_name": row.agency_name,
    }


class AttendanceWaits:
    """Keeps and sends the attendance changes that wait, for ``CaseSaves``."""

    def __init__(self, saves: CaseSaves) -> None:
        self.saves = saves
        saves.resenders[KIND] = lambda content, _item: self.resend(content)

    def keep(self, content: dict[str, Any]) -> None:
        self.saves.keep_waiting(KIND, 0, content)

    def resend(self, content: dict[str, Any]) -> None:
        from frontdoor_app.meeting.errors import AttendanceConflict

        saves, ref = self.saves, content["ref"]

        def done(_row: Any) -> None:
            saves.settle(ref)
            saves.status.emit(translate("MainWindow", "Attendance changed"), 5000)
            saves.saved.emit(None, True)  # the room (and the list, if open) from the feed

        def conflict(exc: Any) -> None:
            saves.settle(ref)
            if not isinstance(exc, AttendanceConflict):
                saves.commands.failed(exc, translate("Attendance", "Attendance"))
            elif exc.theirs.status == content["status"]:
                done(exc.theirs)  # it stands as this change would leave it
            else:
                self._choose(content, exc.theirs)

        saves.commands.update_attendance(
            content["id"],
            content["version"],
            content["status"],
            done,
            on_conflict=conflict,
            on_offline=lambda: self.keep(content),
        )

    def _choose(self, content: dict[str, Any], theirs: AttendanceRow) -> None:
        from frontdoor_app.ui.core.conflict_view import MINE_ON_TOP
        from frontdoor_app.ui.meeting.attendance_dialog import attendance_conflict

        saves = self.saves
        mine = dataclasses.replace(
            theirs,
            person_name=content["person_name"],
            agency_name=content["agency_name"],
            version=content["version"],
        )
        view = attendance_conflict(mine, content["status"], theirs)
        choice = saves.messages.conflict(saves.owner, view)
        if choice == MINE_ON_TOP:
            self.resend({**content, "ref": uuid.uuid4().hex, "version": theirs.version})
        else:
            saves.room_stale.emit()
            saves.status.emit(
                translate("MainWindow", "Their attendance kept; your change was not sent"), 8000
            )
