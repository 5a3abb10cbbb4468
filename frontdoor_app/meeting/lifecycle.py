"""A meeting's life: opened by the chair, attendance, the confidentiality statement, closed.

The Meeting row itself (with its agenda) is made by intake's ``build_agenda``; this module
finds it, opens it, keeps the attendance and closes it. After close, content changes are
amendments (see ``common.Writer`` and ``amendments``).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, sessionmaker

from frontdoor_app.access import audit
from frontdoor_app.access.actor import Actor, require_agency
from frontdoor_app.models import (
    Agency,
    AgendaItem,
    Attendance,
    Decision,
    Meeting,
    OutcomeCode,
    User,
)
from frontdoor_app.models.journal import MEETING_CLOSED
from frontdoor_app.profile import Profile

from .common import (
    Writer,
    check_version,
    get,
    meeting_of,
    now,
    require_in_progress,
    require_role,
    require_text,
    unit,
)
from .errors import (
    AttendanceConflict,
    ConflictError,
    MeetingError,
    MeetingStateError,
    PermissionDenied,
)
from .timer import stop_timer
from .views import (
    ATTENDANCE_STATUSES,
    AgencyOption,
    AttendanceRow,
    AttendanceSummary,
    MeetingView,
    OutcomeOption,
    UsualAttendee,
)

USUAL_WEEKS = 8  # how far back "usually here" looks
ATTENDANCE_WORDS = {
    "present": "present",
    "apologies": "apologies",
    "information_sent": "information sent",
}


# ---------------------------------------------------------------- reading


def confidentiality_statement(profile: Profile) -> str:
    """The statement the chair reads at the opening (the authority's own words)."""
    return " ".join(profile.confidentiality_statement.split())


def find_meeting(session: Session, meeting_date: dt.date) -> MeetingView | None:
    """The meeting held on this local date, if intake has built it."""
    meeting_id = session.scalar(select(Meeting.id).where(Meeting.meeting_date == meeting_date))
    return load_meeting(session, meeting_id) if meeting_id is not None else None


def latest_meetings(session: Session, limit: int = 30) -> tuple[MeetingView, ...]:
    """The most recent meetings, newest first (for a meeting picker)."""
    ids = session.scalars(select(Meeting.id).order_by(Meeting.meeting_date.desc()).limit(limit))
    return tuple(load_meeting(session, i) for i in ids)


def load_meeting(session: Session, meeting_id: int) -> MeetingView:
    """The meeting with its chair's name and counts of cases by status."""
    meeting = meeting_of(session, meeting_id)
    counts = session.execute(
        select(
            func.count(AgendaItem.id),
            func.sum(case((AgendaItem.status.in_(("waiting", "current")), 1), else_=0)),
            func.sum(case((AgendaItem.status == "discussed", 1), else_=0)),
            func.sum(case((AgendaItem.status == "deferred", 1), else_=0)),
        ).where(AgendaItem.meeting_id == meeting_id)
    ).one()
    chair_name = (
        session.scalar(select(User.display_name).where(User.id == meeting.chair_id))
        if meeting.chair_id is not None
        else None
    )
    return MeetingView(
        id=meeting.id,
        meeting_date=meeting.meeting_date,
        status=meeting.status,
        chair_id=meeting.chair_id,
        chair_name=chair_name,
        opened_at=meeting.opened_at,
        closed_at=meeting.closed_at,
        confidentiality_read_at=meeting.confidentiality_read_at,
        current_item_id=meeting.current_item_id,
        curtain_down=meeting.curtain_down,
        window_start=meeting.window_start,
        window_end=meeting.window_end,
        version=meeting.version,
        total_items=int(counts[0] or 0),
        waiting=int(counts[1] or 0),
        discussed=int(counts[2] or 0),
        deferred=int(counts[3] or 0),
    )


def agencies(session: Session, active_only: bool = True) -> tuple[AgencyOption, ...]:
    """The agencies, in name order, for pickers."""
    query = select(Agency).order_by(Agency.name)
    if active_only:
        query = query.where(Agency.active.is_(True))
    return tuple(AgencyOption(a.id, a.code, a.name, a.core) for a in session.scalars(query))


def outcome_options(session: Session) -> tuple[OutcomeOption, ...]:
    """The outcome codes in the profile's order, for the decision checklist."""
    rows = session.scalars(select(OutcomeCode).order_by(OutcomeCode.sort_order, OutcomeCode.id))
    return tuple(
        OutcomeOption(
            o.id,
            o.code,
            o.label,
            o.is_nfa,
            o.is_fgc_offer,
            o.is_marac_referral,
            o.detail_prompt,
            o.detail_required,
        )
        for o in rows
    )


# ---------------------------------------------------------------- opening and closing


def open_meeting(
    sessions: sessionmaker[Session], actor: Actor, meeting_id: int, version: int
) -> MeetingView:
    """The chair opens the meeting: it is in progress and they are its chair."""
    require_role(actor, ("chair",), "open the meeting")
    with unit(sessions) as s:
        meeting = meeting_of(s, meeting_id)
        check_version(meeting, version, "The meeting")
        if meeting.status == "closed":
            raise MeetingStateError(
                f"The meeting of {meeting.meeting_date:%d %B %Y} is already closed; it cannot "
                "be opened again (changes now are amendments)."
            )
        if meeting.status == "in_progress":
            raise MeetingStateError("The meeting is already open.")
        before = audit.snapshot(meeting)
        meeting.status, meeting.opened_at, meeting.chair_id = "in_progress", now(), actor.user_id
        audit.written(s, actor, meeting, "update", before, meeting.id, "meeting opened")
        return load_meeting(s, meeting.id)


def mark_confidentiality_read(
    sessions: sessionmaker[Session], actor: Actor, meeting_id: int
) -> MeetingView:
    """The chair has read the confidentiality statement to the room."""
    require_role(actor, ("chair",), "mark the confidentiality statement as read")
    with unit(sessions) as s:
        meeting = meeting_of(s, meeting_id)
        require_in_progress(meeting, "mark the confidentiality statement as read")
        if meeting.confidentiality_read_at is None:
            before = audit.snapshot(meeting)
            meeting.confidentiality_read_at = now()
            audit.written(
                s, actor, meeting, "update", before, meeting.id, "confidentiality statement read"
            )
        return load_meeting(s, meeting.id)


def set_curtain(
    sessions: sessionmaker[Session], actor: Actor, meeting_id: int, down: bool
) -> MeetingView:
    """Blank (or show again) the projector for every client following the meeting."""
    require_role(actor, ("chair",), "lower or raise the projector curtain")
    with unit(sessions) as s:
        meeting = meeting_of(s, meeting_id)
        if meeting.curtain_down != down:
            before = audit.snapshot(meeting)
            meeting.curtain_down = down
            audit.written(s, actor, meeting, "update", before, meeting.id)
        return load_meeting(s, meeting.id)


def close_problems(session: Session, meeting_id: int) -> list[str]:
    """Why the meeting cannot be closed yet, in words; empty when it can."""
    meeting = meeting_of(session, meeting_id)
    if meeting.status == "closed":
        return ["The meeting is already closed."]
    if meeting.status == "planned":
        return ["The meeting has not been opened yet."]
    problems = []
    if meeting.confidentiality_read_at is None:
        problems.append("The confidentiality statement has not been marked as read.")
    present = session.scalar(
        select(func.count(Attendance.id)).where(
            Attendance.meeting_id == meeting_id, Attendance.status == "present"
        )
    )
    if not present:
        problems.append("Nobody is recorded as present in the attendance.")
    rows = session.execute(
        select(AgendaItem.position, AgendaItem.status, Decision.id)
        .outerjoin(Decision, Decision.agenda_item_id == AgendaItem.id)
        .where(AgendaItem.meeting_id == meeting_id, AgendaItem.status.in_(("waiting", "current")))
        .order_by(AgendaItem.position)
    ).all()
    waiting = [str(r.position) for r in rows if r.status == "waiting"]
    current = [r for r in rows if r.status == "current" and r.id is None]
    if current:
        problems.append(f"Case {current[0].position} is being discussed and has no decision yet.")
    if waiting:
        shown = ", ".join(waiting[:10]) + (
            f" and {len(waiting) - 10} more" if len(waiting) > 10 else ""
        )
        word = "case is" if len(waiting) == 1 else "cases are"
        problems.append(f"{len(waiting)} {word} neither discussed nor deferred (case {shown}).")
    return problems


def close_meeting(
    sessions: sessionmaker[Session], actor: Actor, meeting_id: int, version: int
) -> MeetingView:
    """The chair closes the meeting; from now on changes are amendments."""
    require_role(actor, ("chair",), "close the meeting")
    with unit(sessions) as s:
        meeting = meeting_of(s, meeting_id)
        check_version(meeting, version, "The meeting")
        problems = close_problems(s, meeting_id)
        if problems:
            raise MeetingStateError("The meeting cannot be closed yet: " + " ".join(problems))
        stamp = now()
        if meeting.current_item_id is not None:
            item = get(s, AgendaItem, meeting.current_item_id, "Case")
            before = audit.snapshot(item)
            item.status, item.ended_at = "discussed", stamp
            stop_timer(item, stamp)
            audit.written(s, actor, item, "update", before, meeting.id)
        before = audit.snapshot(meeting)
        meeting.status, meeting.closed_at, meeting.current_item_id = "closed", stamp, None
        audit.written(s, actor, meeting, "update", before, meeting.id, MEETING_CLOSED)
        return load_meeting(s, meeting.id)


# ---------------------------------------------------------------- attendance


def list_attendance(session: Session, meeting_id: int) -> tuple[AttendanceRow, ...]:
    """Attendance in agency name order, then person."""
    rows = session.execute(
        select(Attendance, Agency.code, Agency.name)
        .join(Agency, Agency.id == Attendance.agency_id)
        .where(Attendance.meeting_id == meeting_id)
        .order_by(Agency.name, Attendance.person_name)
    ).all()
    return tuple(_attendance_row(a, code, name) for a, code, name in rows)


def attendance_summary(session: Session, meeting_id: int) -> AttendanceSummary:
    """How many agencies are present, and which core agencies nobody attends for."""
    present = set(
        session.scalars(
            select(Attendance.agency_id).where(
                Attendance.meeting_id == meeting_id, Attendance.status == "present"
            )
        )
    )
    core = session.execute(
        select(Agency.id, Agency.name)
        .where(Agency.core.is_(True), Agency.active.is_(True))
        .order_by(Agency.name)
    ).all()
    missing = tuple(name for agency_id, name in core if agency_id not in present)
    return AttendanceSummary(len(present), len(core), missing)


def usual_attendees(
    session: Session, meeting_id: int, weeks: int = USUAL_WEEKS
) -> tuple[UsualAttendee, ...]:
    """Everyone recorded for an active agency (present, apologies or information sent) at
    the meetings of the ``weeks`` before this meeting's date: by agency name, then the
    most recently recorded first, then the most often."""
    day = session.scalar(select(Meeting.meeting_date).where(Meeting.id == meeting_id))
    if day is None:
        raise MeetingError(f"There is no meeting {meeting_id}.")
    last, times = func.max(Meeting.meeting_date), func.count(Attendance.id)
    rows = session.execute(
        select(Agency.id, Agency.code, Agency.name, Attendance.person_name, last, times)
        .join(Meeting, Meeting.id == Attendance.meeting_id)
        .join(Agency, Agency.id == Attendance.agency_id)
        .where(
            Meeting.meeting_date < day,
            Meeting.meeting_date >= day - dt.timedelta(weeks=weeks),
            Agency.active.is_(True),
        )
        .group_by(Agency.id, Agency.code, Agency.name, Attendance.person_name)
        .order_by(Agency.name, last.desc(), times.desc(), Attendance.person_name)
    ).all()
    return tuple(UsualAttendee(*row) for row in rows)


def add_attendance(
    sessions: sessionmaker[Session],
    actor: Actor,
    meeting_id: int,
    agency_id: int,
    person_name: str,
    status: str,
    reason: str | None = None,
) -> AttendanceRow:
    """Record who attends (or sent apologies / information) for an agency."""
    require_agency(actor, agency_id, "change the attendance", PermissionDenied)
    name = require_text(person_name, "The person's name", 200)
    _check_status(status)
    with unit(sessions) as s:
        meeting = meeting_of(s, meeting_id)
        agency = get(s, Agency, agency_id, "Agency")
        writer = Writer(s, actor, meeting, reason, "change the attendance")
        duplicate = s.scalar(
            select(Attendance.id).where(
                Attendance.meeting_id == meeting.id,
                Attendance.agency_id == agency.id,
                Attendance.person_name == name,
            )
        )
        if duplicate is not None:
            raise MeetingError(f"{name} is already in the attendance for {agency.name}.")
        row = Attendance(
            meeting_id=meeting.id, agency_id=agency.id, person_name=name, status=status
        )
        s.add(row)
        writer.written(row, "create")
        return _attendance_row(row, agency.code, agency.name)


def update_attendance(
    sessions: sessionmaker[Session],
    actor: Actor,
    attendance_id: int,
    version: int,
    *,
    person_name: str | None = None,
    status: str | None = None,
    reason: str | None = None,
) -> AttendanceRow:
    """Change a person's name or attendance status, against ``version`` (the one the screen
    read): changed by someone else meanwhile, it is refused with ``AttendanceConflict``
    carrying the row as it now stands (who changed it and when), never overwritten."""
    try:
        return _update_attendance(
            sessions, actor, attendance_id, version, person_name, status, reason
        )
    except AttendanceConflict:
        raise
    except ConflictError as exc:
        # Saved at the same moment as someone else's change: theirs won the row.
        with sessions() as s:
            theirs = _attendance_view(s, get(s, Attendance, attendance_id, "Attendance entry"))
        raise AttendanceConflict(_CHANGED, theirs) from exc


_CHANGED = (
    "This attendance entry was changed by someone else after you opened it; both versions "
    "are shown so you can choose."
)


def _check_attendance_version(s: Session, row: Attendance, version: int) -> None:
    if row.version != version:
        raise AttendanceConflict(_CHANGED, _attendance_view(s, row))


def _attendance_view(s: Session, row: Attendance) -> AttendanceRow:
    agency = get(s, Agency, row.agency_id, "Agency")
    return _attendance_row(row, agency.code, agency.name)


def _update_attendance(
    sessions: sessionmaker[Session],
    actor: Actor,
    attendance_id: int,
    version: int,
    person_name: str | None,
    status: str | None,
    reason: str | None,
) -> AttendanceRow:
    with unit(sessions) as s:
        row = get(s, Attendance, attendance_id, "Attendance entry")
        require_agency(actor, row.agency_id, "change the attendance", PermissionDenied)
        _check_attendance_version(s, row, version)
        writer = Writer(s, actor, row.meeting, reason, "change the attendance")
        agency = get(s, Agency, row.agency_id, "Agency")
        before = audit.snapshot(row)
        if person_name is not None:
            name = require_text(person_name, "The person's name", 200)
            taken = s.scalar(
                select(Attendance.id).where(
                    Attendance.meeting_id == row.meeting_id,
                    Attendance.agency_id == row.agency_id,
                    Attendance.person_name == name,
                    Attendance.id != row.id,
                )
            )
            if taken is not None:
                raise MeetingError(f"{name} is already in the attendance for that agency.")
            row.person_name = name
        if status is not None:
            _check_status(status)
            row.status = status
        row.changed_by_name, row.changed_at = actor.display_name, now()
        writer.written(row, "update", before)
        return _attendance_row(row, agency.code, agency.name)


def remove_attendance(
    sessions: sessionmaker[Session],
    actor: Actor,
    attendance_id: int,
    version: int,
    reason: str | None = None,
) -> None:
    """Take a wrongly entered person off the attendance (audited; an amendment after close)."""
    with unit(sessions) as s:
        row = get(s, Attendance, attendance_id, "Attendance entry")
        require_agency(actor, row.agency_id, "change the attendance", PermissionDenied)
        _check_attendance_version(s, row, version)
        writer = Writer(s, actor, row.meeting, reason, "change the attendance")
        before = audit.snapshot(row)
        s.delete(row)
        s.flush()
        writer.removed("attendance", attendance_id, before)


def _attendance_row(a: Attendance, code: str, name: str) -> AttendanceRow:
    return AttendanceRow(
        a.id,
        a.meeting_id,
        a.agency_id,
        code,
        name,
        a.person_name,
        a.status,
        a.version,
        a.changed_by_name,
        a.changed_at,
    )


def _check_status(status: str) -> None:
    if status not in ATTENDANCE_STATUSES:
        words = ", ".join(ATTENDANCE_WORDS.values())
        raise MeetingError(f"Attendance must be one of {words}; {status!r} is not.")
