"""Entries, sharing decisions, the decision rules and drafts."""

from __future__ import annotations

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm.exc import StaleDataError

from frontdoor_app.meeting import decisions, drafts, entries, feed
from frontdoor_app.meeting.common import unit
from frontdoor_app.meeting.errors import (
    ConflictError,
    DecisionRefused,
    MeetingError,
    PermissionDenied,
)
from frontdoor_app.models import AuditEvent, ChangeLog, Decision, Draft
from frontdoor_app.sync.changes import last_change_id
from tests.meeting_support import agency_id, build, people


def test_intelligence_by_agency_with_author_flags_and_versions(ctx):
    who = people(ctx)
    built = build(ctx, 1)
    item = built.item_ids[0]
    with ctx.session() as s:
        pol, hv = agency_id(s, "POL"), agency_id(s, "HV")
    with pytest.raises(PermissionDenied, match="only for their own agency"):
        entries.add_entry(ctx.sessions, who.police, item, hv, "Not mine to say.")
    with pytest.raises(PermissionDenied, match="viewer"):
        entries.add_entry(ctx.sessions, who.viewer, item, hv, "Looking only.")
    with pytest.raises(MeetingError, match="text of intelligence is required"):
        entries.add_entry(ctx.sessions, who.police, item, pol, "   ")
    with pytest.raises(MeetingError, match="'rumour' is none of these"):
        entries.add_entry(ctx.sessions, who.police, item, pol, "x", kind="rumour")
    entry = entries.add_entry(
        ctx.sessions, who.police, item, pol, "Bail: no contact.", may_share_beyond_meeting=True
    )
    assert (entry.agency_code, entry.author_name, entry.may_share_beyond_meeting) == (
        "POL",
        "PC 4711 Smith",
        True,
    )
    assert not entry.restricted and entry.version == 1
    edited = entries.edit_entry(
        ctx.sessions,
        who.police,
        entry.id,
        entry.version,
        text="Bail: no contact, curfew 7pm.",
        restricted_to_agency_id=pol,
    )
    assert edited.version == 2 and edited.restricted_to_agency_code == "POL"
    with pytest.raises(ConflictError, match="changed by someone else"):
        entries.edit_entry(ctx.sessions, who.chair, entry.id, entry.version, text="Stale edit")
    with pytest.raises(PermissionDenied):
        entries.edit_entry(ctx.sessions, who.health, entry.id, edited.version, text="Not mine")
    lifted = entries.edit_entry(
        ctx.sessions, who.chair, entry.id, edited.version, restricted_to_agency_id=None
    )
    assert lifted.restricted_to_agency_id is None and lifted.text.endswith("curfew 7pm.")
    with ctx.session() as s:
        logged = s.scalars(select(ChangeLog).where(ChangeLog.table_name == "intelligence_entry"))
        assert {c.meeting_id for c in logged} == {built.meeting_id}
        audited = s.scalars(
            select(AuditEvent)
            .where(AuditEvent.entity == "intelligence_entry")
            .order_by(AuditEvent.id)
        ).all()
    assert [a.action for a in audited] == ["create", "update", "update"]
    assert audited[1].before == {
        "text": "Bail: no contact.",
        "restricted_to_agency_id": None,
        "version": 1,
        "updated_at": audited[1].before["updated_at"],
        "changed_by_name": None,  # who edited it last: nobody before this edit
    }
    assert audited[1].after["changed_by_name"] == "PC 4711 Smith"


def test_sharing_decisions_need_a_reason_and_a_recipient(ctx):
    who = people(ctx)
    built = build(ctx, 1)
    item = built.item_ids[0]
    with ctx.session() as s:
        hsg = agency_id(s, "HSG")
    with pytest.raises(MeetingError, match="reason for the sharing decision is required"):
        entries.record_sharing(ctx.sessions, who.housing, item, hsg, False, " ")
    with pytest.raises(MeetingError, match="with whom"):
        entries.record_sharing(ctx.sessions, who.housing, item, hsg, True, "Safety")
    kept = entries.record_sharing(
        ctx.sessions,
        who.housing,
        item,
        hsg,
        False,
        "Tenancy details are not relevant to the children's safety.",
    )
    shared = entries.edit_sharing(
        ctx.sessions,
        who.chair,
        kept.id,
        kept.version,
        shared=True,
        reason="Risk of eviction affects the children.",
        with_whom="School safeguarding lead",
    )
    assert shared.shared and shared.with_whom == "School safeguarding lead"
    assert shared.version == kept.version + 1


def test_rationale_is_required_to_lower_the_police_grade_or_nfa_on_a_marac_case(ctx):
    who = people(ctx)
    built = build(ctx, 2)
    marac_item, plain_item = built.item_ids  # police grades: high (MARAC), medium
    with ctx.session() as s:
        problems = decisions.decision_problems(s, marac_item, ["NFA"], "medium", None)
        assert problems == [
            "A rationale is required: the agreed risk (medium) is lower than the police DASH "
            "grading (high); write down why it is being lowered.",
            "A rationale is required: 'No further action' was chosen for a case that meets a "
            "MARAC criterion (visible high risk); write down why no further action is right.",
        ]
        assert decisions.decision_problems(s, plain_item, [], "low", None) == [
            "Choose at least one outcome.",
            "Choose the agreed risk level (standard, medium or high).",
        ]
        assert decisions.decision_problems(s, plain_item, ["NFA", "IDVA"], "high", None) == [
            "'No further action' cannot be combined with other outcomes."
        ]
        assert decisions.decision_problems(s, plain_item, ["NFA"], "medium", None) == []
        assert decisions.decision_problems(s, plain_item, ["MARAC"], "high", None, True) == [
            "A rationale is required: a MARAC referral on professional judgement needs the "
            "meeting's reason in writing."
        ]
        assert decisions.decision_problems(s, plain_item, ["XYZ"], "high", "") == [
            "Unknown outcome code XYZ: it is not in the profile."
        ]
    with pytest.raises(DecisionRefused, match="lower than the police DASH grading") as refused:
        decisions.save_decision(
            ctx.sessions, who.chair, ctx.profile, marac_item, ["NFA"], "medium", "  "
        )
    assert len(refused.value.problems) == 2
    with ctx.session() as s:
        assert s.scalar(select(Decision.id)) is None  # nothing saved
    with pytest.raises(PermissionDenied):
        decisions.save_decision(
            ctx.sessions, who.police, ctx.profile, marac_item, ["IDVA"], "high", None
        )
    saved = decisions.save_decision(
        ctx.sessions,
        who.chair,
        ctx.profile,
        marac_item,
        ["NFA"],
        "medium",
        "Perpetrator in custody; victim moved to refuge.",
    )
    assert [o.code for o in saved.outcomes] == ["NFA"] and saved.agreed_risk == "medium"
    raised = decisions.save_decision(
        ctx.sessions,
        who.chair,
        ctx.profile,
        plain_item,
        ["IDVA", "INFO"],
        "high",
        None,
        details={"INFO": "School"},
    )
    assert [(o.code, o.detail) for o in raised.outcomes] == [("INFO", "School"), ("IDVA", None)]
    with pytest.raises(ConflictError):
        decisions.save_decision(
            ctx.sessions, who.chair, ctx.profile, plain_item, ["EH"], "high", None
        )  # no version: someone else's decision exists
    changed = decisions.save_decision(
        ctx.sessions,
        who.chair,
        ctx.profile,
        plain_item,
        ["EH"],
        "high",
        None,
        version=raised.version,
    )
    assert [o.code for o in changed.outcomes] == ["EH"] and changed.version > raised.version
    with pytest.raises(ConflictError):
        decisions.save_decision(
            ctx.sessions,
            who.chair,
            ctx.profile,
            plain_item,
            ["IDVA"],
            "high",
            None,
            version=raised.version,
        )


def test_a_concurrent_save_becomes_a_conflict_in_words(ctx):
    refused = pytest.raises(
        ConflictError, match="Someone else saved this record at the same moment"
    )
    with refused, unit(ctx.sessions):
        raise StaleDataError("UPDATE statement on table 'decision' expected to update 1 row")


def test_drafts_are_kept_per_user_case_and_kind(ctx):
    who = people(ctx)
    built = build(ctx, 1)
    item = built.item_ids[0]
    with ctx.session() as s:
        start = last_change_id(s)
    first = drafts.save_draft(ctx.sessions, who.police, item, "intelligence", {"text": "Bail: no"})
    again = drafts.save_draft(
        ctx.sessions, who.police, item, "intelligence", {"text": "Bail: no contact"}
    )
    drafts.save_draft(ctx.sessions, who.health, item, "intelligence", {"text": "Baby missed"})
    drafts.save_draft(ctx.sessions, who.police, item, "action", {"description": "Arrest"})
    assert again.id == first.id and again.version == 2
    with ctx.session() as s:
        mine = drafts.load_draft(s, who.police, item, "intelligence")
        listed = drafts.list_drafts(s, who.police)
        assert drafts.load_draft(s, who.police, item, "decision") is None
    assert mine is not None and mine.content == {"text": "Bail: no contact"}
    with ctx.session() as s:  # the health visitor asks for the same case: their own only
        theirs = drafts.load_draft(s, who.health, item, "intelligence")
    assert theirs is not None and theirs.content == {"text": "Baby missed"}
    with pytest.raises(PermissionDenied, match="viewer cannot write"):
        drafts.save_draft(ctx.sessions, who.viewer, item, "intelligence", {"text": "x"})
    assert {d.kind for d in listed} == {"intelligence", "action"}
    assert drafts.clear_draft(ctx.sessions, who.police, item, "intelligence") is True
    assert drafts.clear_draft(ctx.sessions, who.police, item, "intelligence") is False
    with ctx.session() as s:
        assert [
            d.user_login for d in s.scalars(select(Draft).where(Draft.kind == "intelligence"))
        ] == ["hv.lee"]
        # Drafts are audited but other screens have nothing to reload for them.
        assert feed.affected_since(s, start, built.meeting_id).nothing
        assert s.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.entity == "draft")) == 5
        # That a draft was kept is recorded, never its text (the trail is permanent).
        kept = s.scalars(select(AuditEvent).where(AuditEvent.entity == "draft")).all()
        assert all(e.before is None and e.after is None for e in kept)
        assert not any("Bail" in (e.detail or "") for e in kept)


def test_a_save_clears_its_draft_in_the_same_transaction(ctx):
    """Saving an entry or a decision is one user action, so one commit: the draft it
    replaces goes in that commit, and stays when the save is refused."""
    who = people(ctx)
    built = build(ctx, 2)
    marac_item, plain_item = built.item_ids
    with ctx.session() as s:
        pol = agency_id(s, "POL")
    drafts.save_draft(ctx.sessions, who.police, plain_item, "intelligence", {"text": "Bail"})
    drafts.save_draft(ctx.sessions, who.chair, plain_item, "decision", {"risk": "medium"})
    drafts.save_draft(ctx.sessions, who.chair, marac_item, "decision", {"risk": "medium"})
    commits: list[object] = []

    def committed(connection: object) -> None:
        commits.append(connection)

    event.listen(ctx.engine, "commit", committed)
    try:
        entries.add_entry(
            ctx.sessions, who.police, plain_item, pol, "Bail: no contact.", draft="intelligence"
        )
        assert len(commits) == 1
        decisions.save_decision(
            ctx.sessions,
            who.chair,
            ctx.profile,
            plain_item,
            ["NFA"],
            "medium",
            None,
            draft="decision",
        )
        assert len(commits) == 2
        with pytest.raises(DecisionRefused):
            decisions.save_decision(
                ctx.sessions,
                who.chair,
                ctx.profile,
                marac_item,
                ["NFA"],
                "medium",
                None,
                draft="decision",
            )
        assert len(commits) == 2
    finally:
        event.remove(ctx.engine, "commit", committed)
    with ctx.session() as s:
        assert drafts.load_draft(s, who.police, plain_item, "intelligence") is None
        assert drafts.load_draft(s, who.chair, plain_item, "decision") is None
        kept = drafts.load_draft(s, who.chair, marac_item, "decision")
        assert kept is not None and kept.content == {"risk": "medium"}
        cleared = s.scalars(
            select(AuditEvent).where(AuditEvent.entity == "draft", AuditEvent.action == "delete")
        ).all()
        assert len(cleared) == 2
