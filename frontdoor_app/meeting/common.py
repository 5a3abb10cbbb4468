"""What every meeting module shares: units of work, rule checks, amendments, small helpers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NamedTuple

from sqlalchemy import null, select
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from frontdoor_app.access import audit
from frontdoor_app.access.actor import ROLE_WORDS, Actor
from frontdoor_app.models import Agency, AgendaItem, Amendment, Meeting
from frontdoor_app.models.base import Base, utcnow
from frontdoor_app.models.database import session_scope
from frontdoor_app.sync import changes
from frontdoor_app.wording import meaningful, says_something, tidy

from .errors import (
    AmendmentReasonRequired,
    ConflictError,
    MeetingError,
    MeetingStateError,
    NotFoundError,
    PermissionDenied,
)

# Columns that change on every save and say nothing to a person reading an amendment.
_NOISE = {"version", "updated_at", "created_at", "decided_at", "changed_by_name", "changed_at"}


@contextmanager
def unit(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """One user action: commit on success; a concurrent save becomes a ``ConflictError``."""
    try:
        with session_scope(sessions) as session:
            yield session
    except StaleDataError as exc:
        raise ConflictError(
            "Someone else saved this record at the same moment. Reload it to see their "
            "change, then make yours again."
        ) from exc


def check_version(row: Any, version: int, what: str) -> None:
    """Refuse when the row moved on since the user read it (optimistic locking)."""
    if row.version != version:
        raise ConflictError(
            f"{what} was changed by someone else after you opened it. Reload to see "
            "their change, then make yours again."
        )


def require_role(actor: Actor, roles: tuple[str, ...], doing: str) -> None:
    if actor.role not in roles:
        allowed = " or ".join(ROLE_WORDS.get(r, r) for r in roles)
        you = ROLE_WORDS.get(actor.role, actor.role)
        raise PermissionDenied(f"Only {allowed} can {doing}; you are signed in as {you}.")


def require_text(value: str | None, what: str, max_length: int | None = None) -> str:
    """Text that says something (``wording.meaningful``), within its column's length."""
    return meaningful(value, what, max_length, MeetingError)


def get(session: Session, model: type[Any], row_id: int, what: str) -> Any:
    row = session.get(model, row_id)
    if row is None:
        raise NotFoundError(f"{what} {row_id} does not exist (it may have been removed).")
    return row


def item_and_meeting(session: Session, item_id: int) -> tuple[AgendaItem, Meeting]:
    """The case and its meeting in one round trip (a save's first read, on every laptop)."""
    found = session.execute(
        select(AgendaItem, Meeting)
        .join(Meeting, AgendaItem.meeting_id == Meeting.id)
        .where(AgendaItem.id == item_id)
    ).one_or_none()
    if found is None:
        raise NotFoundError(f"Case {item_id} does not exist (it may have been removed).")
    return found[0], found[1]


class SaveTarget(NamedTuple):
    item: AgendaItem
    meeting: Meeting
    agency: Agency
    earlier_id: int | None  # the row this Save already made (sent again), if any


def save_target(session: Session, item_id: int, agency_id: int, earlier: Any = None) -> SaveTarget:
    """A Save's first read, in one round trip: the case, its meeting, the agency writing
    to it and, when ``earlier`` (a scalar subquery: the id of the row made by the laptop's
    reference for this Save) is given, that row's id: a Save sent again after a dropped
    connection finds the row it already made."""
    found = session.execute(
        select(AgendaItem, Meeting, Agency, earlier if earlier is not None else null())
        .join(Meeting, AgendaItem.meeting_id == Meeting.id)
        .outerjoin(Agency, Agency.id == agency_id)
        .where(AgendaItem.id == item_id)
    ).one_or_none()
    if found is None:
        raise NotFoundError(f"Case {item_id} does not exist (it may have been removed).")
    if found[2] is None:
        raise NotFoundError(f"Agency {agency_id} does not exist (it may have been removed).")
    return SaveTarget(found[0], found[1], found[2], found[3])


class Writer:
    """Writes in one unit of work: audit + change log always, an amendment after close.

    Content (attendance, entries, decisions, actions) may be written while the meeting is
    planned or in progress; once it is closed every change needs a reason, may be made
    only by the chair or an admin, and is recorded field by field as an ``Amendment``.
    """

    def __init__(
        self, session: Session, actor: Actor, meeting: Meeting, reason: str | None, doing: str
    ) -> None:
        self.session, self.actor, self.meeting = session, actor, meeting
        self.amending = meeting.status == "closed"
        self.reason = tidy(reason)
        if self.reason and not says_something(self.reason):
            raise AmendmentReasonRequired(
                f"The reason {self.reason!r} says nothing (no letter or digit); write why."
            )
        if self.amending:
            if actor.role not in ("chair", "admin"):
                raise PermissionDenied(
                    f"The meeting of {meeting.meeting_date:%d %B %Y} is closed; only the chair "
                    f"or an admin can amend it, so you cannot {doing}."
                )
            if not self.reason:
                raise AmendmentReasonRequired(
                    f"The meeting of {meeting.meeting_date:%d %B %Y} is closed, so to {doing} is "
                    "an amendment: write why it is being changed."
                )

    def written(
        self,
        row: Base,
        operation: str,
        before: dict[str, Any] | None = None,
        detail: str | None = None,
    ) -> None:
        audit.written(
            self.session,
            self.actor,
            row,
            operation,
            before,
            self.meeting.id,
            detail or (f"amendment: {self.reason}" if self.amending else None),
        )
        if self.amending:
            self._amend(row, operation, before)

    def removed(self, table: str, row_id: int, before: dict[str, Any]) -> None:
        """Audit and announce a row taken away (rare: attendance typed in error)."""
        audit.record(
            self.session,
            self.actor,
            "delete",
            table,
            row_id,
            before,
            None,
            f"amendment: {self.reason}" if self.amending else None,
        )
        changes.note(self.session, table, row_id, "delete", self.meeting.id)
        if self.amending:
            self.field_amended(table, row_id, "(removed)", _summary(before), None)

    def field_amended(
        self, entity: str, row_id: int, field: str, old: str | None, new: str | None
    ) -> None:
        """Record one amended field by hand (for values kept outside the row, e.g. outcomes)."""
        amendment = Amendment(
            meeting_id=self.meeting.id,
            entity=entity,
            entity_id=row_id,
            field=field,
            before=old,
            after=new,
            by_id=self.actor.user_id,
            by_name=self.actor.display_name,
            reason=self.reason,
        )
        self.session.add(amendment)
        audit.written(self.session, self.actor, amendment, "create", None, self.meeting.id)

    def _amend(self, row: Base, operation: str, before: dict[str, Any] | None) -> None:
        after = audit.snapshot(row)
        entity = row.__table__.name  # type: ignore[attr-defined]
        row_id = int(getattr(row, "id", 0) or 0)
        fields: list[tuple[str, str | None, str | None]]
        if operation == "create" or before is None:
            fields = [("(new)", None, _summary(after))]
        else:
            fields = [
                (k, _text(before.get(k)), _text(v))
                for k, v in after.items()
                if k not in _NOISE and before.get(k) != v
            ]
        for field, old, new in fields:
            self.field_amended(entity, row_id, field, old, new)


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _summary(values: dict[str, Any]) -> str:
    return "; ".join(f"{k}={v}" for k, v in values.items() if k not in _NOISE and v is not None)


def meeting_of(session: Session, meeting_id: int) -> Meeting:
    return get(session, Meeting, meeting_id, "Meeting")  # type: ignore[no-any-return]


def require_in_progress(meeting: Meeting, doing: str) -> None:
    if meeting.status == "planned":
        raise MeetingStateError(f"The meeting has not been opened yet, so you cannot {doing}.")
    if meeting.status == "closed":
        raise MeetingStateError(
            f"The meeting of {meeting.meeting_date:%d %B %Y} is closed, so you cannot {doing}."
        )


def now() -> dt.datetime:
    return utcnow()


def item_ids_of_meeting(session: Session, meeting_id: int) -> list[int]:
    return list(session.scalars(select(AgendaItem.id).where(AgendaItem.meeting_id == meeting_id)))
