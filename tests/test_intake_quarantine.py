"""The quarantine: correct a record and import it, or discard it with a reason; audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from frontdoor_app.intake import quarantine as q
from frontdoor_app.intake.importer import import_file
from frontdoor_app.models import Notification, QuarantinedRecord
from tests.intake_feedkit import NOW, audit_events, notification, person, write_csv, write_json


def load(ctx, tmp_path, feed, name="feed.csv"):
    path = (
        write_csv(tmp_path, name, feed)
        if name.endswith(".csv")
        else write_json(tmp_path, name, feed, lines=True)
    )
    return import_file(ctx.sessions, ctx.profile, ctx.actor, path, now=NOW)


def test_correct_a_record_and_import_it(ctx, tmp_path):
    people = [
        person("victim", "Shaw", "Kelly", "1991-02-03"),
        person("child", "Shaw", "Mia", "2019-05-05", nhs_number="123"),
    ]
    load(ctx, tmp_path, [notification("Q-1", people, postcode="LS99")])
    (row,) = q.list_quarantine(ctx.sessions)
    assert {p.field for p in row.problems} == {"postcode", "nhs_number"}
    draft = q.load_draft(ctx.sessions, ctx.profile, row.id)
    assert draft.notification["postcode"] == "LS99" and len(draft.persons) == 2
    assert draft.persons[1]["nhs_number"] == "123"
    note = dict(draft.notification)
    persons = [dict(p) for p in draft.persons]
    note["postcode"] = "LS9 9ZZ"
    # still wrong: the problems come back, nothing is imported
    result = q.correct_and_import(
        ctx.sessions, ctx.profile, ctx.actor, row.id, row.version, note, persons, now=NOW
    )
    assert not result.imported and [p.field for p in result.problems] == ["nhs_number"]
    assert result.problems[0].person == 1
    persons[1]["nhs_number"] = ""
    assert q.check_correction(note, persons, NOW) == []
    result = q.correct_and_import(
        ctx.sessions, ctx.profile, ctx.actor, row.id, row.version, note, persons, now=NOW
    )
    assert result.imported and result.outcome == "imported"
    with ctx.session() as s:
        n = s.get(Notification, result.notification_id)
        assert n.postcode == "LS9 9ZZ" and len(n.persons) == 2
        assert n.raw_record["original"]["rows"][0]["values"]["postcode"] == "LS99"  # kept as sent
        record = s.get(QuarantinedRecord, row.id)
        assert record.status == "corrected" and record.notification_id == n.id
    assert q.list_quarantine(ctx.sessions) == []
    events = audit_events(ctx.sessions, "quarantined_record", "update")
    assert any(e.after and e.after.get("status") == "corrected" for e in events)
    with pytest.raises(q.QuarantineError):
        q.correct_and_import(
            ctx.sessions, ctx.profile, ctx.actor, row.id, row.version, note, persons, now=NOW
        )


def test_discard_needs_a_reason_and_is_audited(ctx, tmp_path):
    load(ctx, tmp_path, [notification("Q-2", dash_risk="?")])
    (row,) = q.list_quarantine(ctx.sessions)
    with pytest.raises(q.QuarantineError, match="Say why"):
        q.discard(ctx.sessions, ctx.actor, row.id, row.version, "  ")
    done = q.discard(ctx.sessions, ctx.actor, row.id, row.version, "sent twice by mistake")
    assert done.status == "discarded" and done.resolution_reason == "sent twice by mistake"
    assert q.list_quarantine(ctx.sessions) == []
    assert len(q.list_quarantine(ctx.sessions, status=None)) == 1  # kept, never deleted
    with pytest.raises(q.QuarantineError, match="changed this record"):
        q.discard(ctx.sessions, ctx.actor, row.id, row.version, "again")
    (event,) = [e for e in audit_events(ctx.sessions, "quarantined_record", "update")]
    assert event.before["status"] == "waiting" and event.after["status"] == "discarded"


def test_bad_json_line_can_be_typed_in_and_imported(ctx, tmp_path):
    path = write_json(tmp_path, "feed.jsonl", [notification("J-OK")], lines=True)
    path.write_text(path.read_text() + '{"police_ref": "J-BAD", oops\n')
    import_file(ctx.sessions, ctx.profile, ctx.actor, path, now=NOW)
    (row,) = q.list_quarantine(ctx.sessions)
    draft = q.load_draft(ctx.sessions, ctx.profile, row.id)
    assert "J-BAD" in draft.raw_text and draft.notification == {}
    typed = {k: v for k, v in notification("J-BAD").items() if k != "persons"}
    result = q.correct_and_import(
        ctx.sessions,
        ctx.profile,
        ctx.actor,
        row.id,
        row.version,
        typed,
        notification("J-BAD")["persons"],
        now=NOW,
    )
    assert result.imported


def test_a_clean_resend_resolves_the_quarantined_copy(ctx, tmp_path):
    load(ctx, tmp_path, [notification("Q-3", postcode="nope")], "feed-1.csv")
    load(ctx, tmp_path, [notification("Q-3")], "feed-2.csv")
    with ctx.session() as s:
        record = s.scalar(select(QuarantinedRecord))
        assert record.status == "corrected" and "valid version" in record.resolution_reason
