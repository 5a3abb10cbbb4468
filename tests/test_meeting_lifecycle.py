"""Meeting lifecycle: open, attendance, confidentiality statement, close, amendments after."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from frontdoor_app.meeting import agenda, amendments, decisions, entries, lifecycle
from frontdoor_app.meeting.errors import (
    AmendmentReasonRequired,
    ConflictError,
    MeetingError,
    MeetingStateError,
    PermissionDenied,
)
from frontdoor_app.models import Amendment, AuditEvent, ChangeLog, IntelligenceEntry
from tests.meeting_support import agency_id, build, people


def test_only_the_chair_opens_and_the_version_must_match(ctx):
    who = people(ctx)
    built = build(ctx, 1)
    with ctx.session() as s:
        seen = lifecycle.load_meeting(s, built.meeting_id)
    assert seen.status == "planned"
    with pytest.raises(PermissionDenied, match="Only the chair can open the meeting"):
        lifecycle.open_meeting(ctx.sessions, who.police, built.meeting_id, seen.version)
    with pytest.raises(ConflictError, match="changed by someone else"):
        lifecycle.open_meeting(ctx.sessions, who.chair, built.meeting_id, seen.version + 1)
    opened = lifecycle.open_meeting(ctx.sessions, who.chair, built.meeting_id, seen.version)
    assert opened.status == "in_progress" and opened.chair_name == "Jane Ahmed"
    assert opened.opened_at is not None and opened.version == seen.version + 1
    with pytest.raises(MeetingStateError, match="already open"):
        lifecycle.open_meeting(ctx.sessions, who.chair, built.meeting_id, opened.version)
    with ctx.session() as s:
        logged = s.scalars(select(ChangeLog).where(ChangeLog.table_name == "meeting")).all()
        audited = s.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.entity == "meeting"))
    assert [c.meeting_id for c in logged] == [built.meeting_id] and audited == 1


def test_attendance_is_kept_per_agency_with_names_and_statuses(ctx):
    who = people(ctx)
    built = build(ctx, 1)
    with ctx.session() as s:
        pol, hv, hsg = (agency_id(s, c) for c in ("POL", "HV", "HSG"))
    add = lifecycle.add_attendance
    a = add(ctx.sessions, who.admin, built.meeting_id, pol, "PC 4711 Smith", "present")
    add(ctx.sessions, who.health, built.meeting_id, hv, "Hannah Lee", "apologies")
    b = add(ctx.sessions, who.chair, built.meeting_id, hsg, "Ravi Rao", "information_sent")
    with pytest.raises(PermissionDenied, match="own agency"):
        add(ctx.sessions, who.health, built.meeting_id, pol, "Someone", "present")
    with pytest.raises(MeetingError, match="information sent"):
        add(ctx.sessions, who.chair, built.meeting_id, pol, "X", "late")
    with pytest.raises(MeetingError, match="already in the attendance"):
        add(ctx.sessions, who.chair, built.meeting_id, pol, "PC 4711 Smith", "present")
    with pytest.raises(MeetingError, match="name is required"):
        add(ctx.sessions, who.chair, built.meeting_id, pol, "  ", "present")
    changed = lifecycle.update_attendance(
        ctx.sessions, who.chair, b.id, b.version, status="present"
    )
    assert changed.status == "present" and changed.version == b.version + 1
    with pytest.raises(ConflictError):
        lifecycle.update_attendance(ctx.sessions, who.chair, b.id, b.version, status="apologies")
    c = add(ctx.sessions, who.police, built.meeting_id, pol, "DS Jones", "present")
    with pytest.raises(MeetingError, match="PC 4711 Smith is already in the attendance"):
        lifecycle.update_attendance(
            ctx.sessions, who.police, c.id, c.version, person_name="PC 4711 Smith"
        )
    with pytest.raises(MeetingError, match="PC 4711 Smith is already"):
        lifecycle.add_attendance(
            ctx.sessions, who.chair, built.meeting_id, pol, "PC 4711 Smith", "apologies"
        )
    lifecycle.remove_attendance(ctx.sessions, who.chair, a.id, a.version)
    with ctx.session() as s:
        rows = lifecycle.list_attendance(s, built.meeting_id)
        summary = lifecycle.attendance_summary(s, built.meeting_id)
    assert [(r.agency_code, r.person_name, r.status) for r in rows] == [
        ("HV", "Hannah Lee", "apologies"),
        ("HSG", "Ravi Rao", "present"),
        ("POL", "DS Jones", "present"),
    ]
    assert summary.present_agencies == 2 and "West Yorkshire Police" not in summary.core_missing
    assert "Health Visiting (0-19 Public Health Nursing)" in summary.core_missing


def test_close_says_what_is_missing_then_closes(ctx):
    who = people(ctx)
    built = build(ctx, 3)
    with ctx.session() as s:
        m = lifecycle.load_meeting(s, built.meeting_id)
        pol = agency_id(s, "POL")
    m = lifecycle.open_meeting(ctx.sessions, who.chair, m.id, m.version)
    with ctx.session() as s:
        problems = lifecycle.close_problems(s, m.id)
    assert problems == [
        "The confidentiality statement has not been marked as read.",
        "Nobody is recorded as present in the attendance.",
        "3 cases are neither discussed nor deferred (case 1, 2, 3).",
    ]
    with pytest.raises(MeetingStateError, match="cannot be closed yet: The confidentiality"):
        lifecycle.close_meeting(ctx.sessions, who.chair, m.id, m.version)
    m = lifecycle.mark_confidentiality_read(ctx.sessions, who.chair, m.id)
    assert m.confidentiality_read_at is not None
    assert "property of the agency" in lifecycle.confidentiality_statement(ctx.profile)
    lifecycle.add_attendance(ctx.sessions, who.chair, m.id, pol, "PC 4711 Smith", "present")
    agenda.set_current(ctx.sessions, who.chair, m.id, built.item_ids[0])
    with ctx.session() as s:
        assert lifecycle.close_problems(s, m.id) == [
            "Case 1 is being discussed and has no decision yet.",
            "2 cases are neither discussed nor deferred (case 2, 3).",
        ]
    decisions.save_decision(
        ctx.sessions, who.chair, ctx.profile, built.item_ids[0], ["IDVA"], "high", None
    )
    agenda.defer_remaining(ctx.sessions, who.chair, m.id)
    with ctx.session() as s:
        m = lifecycle.load_meeting(s, m.id)
        assert lifecycle.close_problems(s, m.id) == []
    with pytest.raises(PermissionDenied):
        lifecycle.close_meeting(ctx.sessions, who.police, m.id, m.version)
    closed = lifecycle.close_meeting(ctx.sessions, who.chair, m.id, m.version)
    assert closed.is_closed and closed.current_item_id is None and closed.discussed == 1
    assert closed.deferred == 2
    with pytest.raises(MeetingStateError, match="already closed"):
        lifecycle.open_meeting(ctx.sessions, who.chair, m.id, closed.version)


def test_after_close_every_change_is_an_amendment_with_a_reason(ctx):
    who = people(ctx)
    built = build(ctx, 1)
    item = built.item_ids[0]
    with ctx.session() as s:
        pol = agency_id(s, "POL")
    entry = entries.add_entry(ctx.sessions, who.police, item, pol, "Bail: no contact.")
    with ctx.session() as s:
        m = lifecycle.load_meeting(s, built.meeting_id)
    m = lifecycle.open_meeting(ctx.sessions, who.chair, m.id, m.version)
    lifecycle.mark_confidentiality_read(ctx.sessions, who.chair, m.id)
    lifecycle.add_attendance(ctx.sessions, who.chair, m.id, pol, "PC 4711 Smith", "present")
    agenda.set_current(ctx.sessions, who.chair, m.id, item)
    decisions.save_decision(ctx.sessions, who.chair, ctx.profile, item, ["IDVA"], "high", None)
    with ctx.session() as s:
        m = lifecycle.load_meeting(s, m.id)
    lifecycle.close_meeting(ctx.sessions, who.chair, m.id, m.version)

    with pytest.raises(AmendmentReasonRequired, match="write why"):
        entries.edit_entry(ctx.sessions, who.chair, entry.id, entry.version, text="Bail: none.")
    with pytest.raises(PermissionDenied, match="only the chair or an admin can amend"):
        entries.edit_entry(
            ctx.sessions, who.police, entry.id, entry.version, text="x", reason="typo"
        )
    edited = entries.edit_entry(
        ctx.sessions,
        who.chair,
        entry.id,
        entry.version,
        text="Bail conditions: no contact with the victim.",
        reason="Police corrected the bail conditions",
    )
    assert edited.text.startswith("Bail conditions")
    added = entries.add_entry(
        ctx.sessions,
        who.chair,
        item,
        pol,
        "Arrest made on 24 Nov.",
        reason="Late information from police",
    )
    with pytest.raises(MeetingStateError, match="closed"):
        agenda.set_current(ctx.sessions, who.chair, m.id, item)
    with ctx.session() as s:
        listed = amendments.list_amendments(s, m.id)
        stored = s.scalar(select(IntelligenceEntry.text).where(IntelligenceEntry.id == entry.id))
    assert stored == "Bail conditions: no contact with the victim."
    assert [(a.entity, a.entity_id, a.field, a.by_name) for a in listed] == [
        ("intelligence_entry", entry.id, "text", "Jane Ahmed"),
        ("intelligence_entry", added.id, "(new)", "Jane Ahmed"),
    ]
    assert listed[0].before == "Bail: no contact." and listed[0].reason.startswith("Police")
    assert "Arrest made" in (listed[1].after or "")
    with ctx.session() as s:
        assert s.scalar(select(func.count(Amendment.id))) == 2
