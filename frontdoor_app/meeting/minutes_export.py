"""Producing the minutes as a user action: load, check, render, and audit the export.

The command and the minutes screen both come through here, so every export, save and
print of the minutes lands in the audit trail (entity ``minutes``, id = the meeting).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from frontdoor_app.access import audit
from frontdoor_app.access.actor import Actor
from frontdoor_app.export.minutes import minutes_reference, render_minutes_built
from frontdoor_app.export.minutes_model import MinutesData
from frontdoor_app.export.secure import encrypt_pdf, new_password
from frontdoor_app.models import Agency, Attendance, AuditEvent, Meeting
from frontdoor_app.models.base import utcnow
from frontdoor_app.models.database import session_scope
from frontdoor_app.models.journal import MINUTES_ENTITY
from frontdoor_app.profile import Profile

from .errors import PermissionDenied
from .minutes_data import MinutesError, load_minutes

AUDIT_ENTITY = MINUTES_ENTITY  # the trail's name for minutes
Clock = Callable[[], dt.datetime]


class MinutesNotClosedError(MinutesError):
    """The meeting is still open: only a draft may be produced."""


class UnknownAgencyError(MinutesError):
    """The agency code asked for is not on the authority's list."""


@dataclass(frozen=True)
class ProducedMinutes:
    meeting_id: int
    meeting_date: dt.date
    status: str
    agency: str | None
    draft: bool
    reference: str
    pages: int
    pdf: bytes
    generated_at: dt.datetime


@dataclass(frozen=True)
class MeetingChoice:
    """A meeting the minutes screen can offer."""

    meeting_id: int
    meeting_date: dt.date
    status: str
    attending_agencies: tuple[str, ...]  # codes of agencies present or sending information


@dataclass(frozen=True)
class ExportLogRow:
    at: dt.datetime
    user: str
    action: str  # export | print
    reference: str
    detail: str


def produce_minutes(
    sessions: sessionmaker[Session],
    profile: Profile,
    meeting: dt.date | int,
    *,
    agency: str | None = None,
    draft: bool = False,
    clock: Clock = utcnow,
    invariant: bool = False,
    actor: Actor | None = None,
) -> ProducedMinutes:
    """The minutes PDF of a meeting (no audit yet: call ``record_minutes`` once it is used).

    Refuses a meeting that is not closed unless ``draft``; a draft is stamped DRAFT. With
    ``actor``, only the copies that person may have (``copies_allowed``).
    """
    if actor is not None:
        agency = copy_for(actor, agency)
    with session_scope(sessions) as session:
        data = load_minutes(session, profile, meeting)
        meeting_id = _meeting_id(session, data.meeting_date)
        if agency is not None:
            agency = agency.upper()
            if session.scalar(select(Agency.id).where(Agency.code == agency)) is None:
                raise UnknownAgencyError(f"there is no agency with code {agency!r}")
    if data.status != "closed" and not draft:
        raise MinutesNotClosedError(
            f"the meeting of {data.meeting_date:%A %d %B %Y} is not closed yet "
            f"(it is {data.status.replace('_', ' ')}); close it first, or produce a draft"
        )
    return render(
        data,
        meeting_id,
        agency=agency,
        draft=draft or data.status != "closed",
        generated_at=clock(),
        invariant=invariant,
    )


def copies_allowed(actor: Actor) -> tuple[str | None, ...] | None:
    """Which copies ``actor`` may produce: None means every one (the full record included);
    a representative only their own agency's; a viewer none."""
    if actor.role in ("chair", "admin"):
        return None
    if actor.role == "representative" and actor.agency_code:
        return (actor.agency_code,)
    return ()


def copy_for(actor: Actor, agency: str | None) -> str | None:
    """The copy ``actor`` asked for (a representative's default: their agency's), or refused."""
    allowed = copies_allowed(actor)
    if allowed is None:
        return agency
    if agency is None and allowed:
        return allowed[0]
    if agency is not None and agency.upper() in allowed:
        return agency.upper()
    if not allowed:
        raise PermissionDenied(
            f"{actor.display_name} is signed in as {actor.role} and cannot produce the minutes."
        )
    raise PermissionDenied(
        f"A representative can produce only their own agency's copy "
        f"({allowed[0]}); the full record is the chair's and admins'."
    )


def render(
    data: MinutesData,
    meeting_id: int,
    *,
    agency: str | None,
    draft: bool,
    generated_at: dt.datetime,
    invariant: bool = False,
) -> ProducedMinutes:
    built = render_minutes_built(
        data, agency=agency, draft=draft, generated_at=generated_at, invariant=invariant
    )
    return ProducedMinutes(
        meeting_id,
        data.meeting_date,
        data.status,
        agency,
        draft,
        minutes_reference(data, agency, draft),
        built.pages,
        built.data,
        generated_at,
    )


def record_minutes(
    sessions: sessionmaker[Session],
    actor: Actor,
    produced: ProducedMinutes,
    action: str,
    detail: str,
) -> None:
    """Audit an export (``export``: generated or saved) or a print (``print``) of the minutes."""
    if action not in ("export", "print"):
        raise ValueError(f"minutes are exported or printed, not {action!r}")
    after: dict[str, Any] = {
        "reference": produced.reference,
        "meeting_date": produced.meeting_date.isoformat(),
        "agency": produced.agency,
        "draft": produced.draft,
        "pages": produced.pages,
        "generated_at": produced.generated_at.isoformat(),
    }
    with session_scope(sessions) as session:
        audit.record(
            session, actor, action, AUDIT_ENTITY, produced.meeting_id, after=after, detail=detail
        )


def export_log(
    session: Session, meeting_id: int | None = None, limit: int = 200
) -> tuple[ExportLogRow, ...]:
    """Who generated, saved or printed which minutes, newest first."""
    query = select(AuditEvent).where(AuditEvent.entity == AUDIT_ENTITY)
    if meeting_id is not None:
        query = query.where(AuditEvent.entity_id == meeting_id)
    rows = session.scalars(query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit))
    return tuple(
        ExportLogRow(
            e.at, e.user_login, e.action, str((e.after or {}).get("reference", "")), e.detail or ""
        )
        for e in rows
    )


def meeting_choices(session: Session, today: dt.date, limit: int = 60) -> tuple[MeetingChoice, ...]:
    """Closed meetings, newest first, with today's meeting (for a draft) whatever its state."""
    meetings = session.scalars(
        select(Meeting)
        .where((Meeting.status == "closed") | (Meeting.meeting_date == today))
        .order_by(Meeting.meeting_date.desc())
        .limit(limit)
    ).all()
    codes = {a.id: a.code for a in session.scalars(select(Agency))}
    attending: dict[int, set[str]] = {m.id: set() for m in meetings}
    if meetings:
        for meeting_id, agency_id, status in session.execute(
            select(Attendance.meeting_id, Attendance.agency_id, Attendance.status).where(
                Attendance.meeting_id.in_(attending)
            )
        ):
            if status in ("present", "information_sent"):
                attending[meeting_id].add(codes[agency_id])
    return tuple(
        MeetingChoice(m.id, m.meeting_date, m.status, tuple(sorted(attending[m.id])))
        for m in meetings
    )


def _meeting_id(session: Session, day: dt.date) -> int:
    meeting_id = session.scalar(select(Meeting.id).where(Meeting.meeting_date == day))
    assert meeting_id is not None
    return meeting_id


def save_minutes(
    sessions: sessionmaker[Session], actor: Actor, produced: ProducedMinutes, path: Path
) -> str:
    """The minutes written to ``path`` and recorded as an export; returns where."""
    path.write_bytes(produced.pdf)
    record_minutes(sessions, actor, produced, "export", f"saved to {path}")
    return str(path)


def suggested_name(meeting_date: dt.date, agency: str | None, draft: bool) -> str:
    """The minutes' file name: the date, the agency of a copy, DRAFT until closed."""
    parts = ["minutes", meeting_date.isoformat()]
    if agency:
        parts.append(agency)
    if draft:
        parts.append("DRAFT")
    return "-".join(parts) + ".pdf"


@dataclass(frozen=True)
class EncryptedCopy:
    """One agency's copy written encrypted; its password exists only here, to show once."""

    agency: str
    path: Path
    password: str = field(repr=False)


def write_encrypted_copy(
    sessions: sessionmaker[Session],
    profile: Profile,
    actor: Actor,
    meeting_id: int,
    agency: str,
    folder: Path,
    draft: bool,
) -> EncryptedCopy:
    """``agency``'s copy of the minutes into ``folder``, encrypted (AES-256) with a new
    password as ``frontdoor minutes --encrypt`` does, and recorded as an export (never its
    password)."""
    produced = produce_minutes(
        sessions, profile, meeting_id, agency=agency, draft=draft, actor=actor
    )
    password = new_password()
    target = folder / suggested_name(produced.meeting_date, agency, produced.draft)
    target.write_bytes(encrypt_pdf(produced.pdf, password))
    record_minutes(
        sessions,
        actor,
        produced,
        "export",
        f"per-agency copy saved encrypted (AES-256) to {target}",
    )
    return EncryptedCopy(agency, target, password)
