"""Importing the police feed: each rule of shared/formats/notifications.md, and nothing lost."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from frontdoor_app.intake.importer import FeedUnreadable, import_file
from frontdoor_app.models import Notification, NotificationPerson, QuarantinedRecord
from tests.intake_feedkit import (
    NOW,
    SAMPLE_FEED,
    audit_events,
    batch_count,
    notification,
    person,
    rows_of,
    table_counts,
    write_csv,
    write_json,
)


def run(ctx, path):
    return import_file(ctx.sessions, ctx.profile, ctx.actor, path, now=NOW)


def quarantined_rows(ctx) -> int:
    with ctx.session() as s:
        return sum(len(r.raw.get("rows", [1])) for r in s.scalars(select(QuarantinedRecord)))


def stored_rows(ctx) -> int:
    with ctx.session() as s:
        return int(s.scalar(select(func.count()).select_from(NotificationPerson)) or 0)


def test_sample_feed_imports_every_notification(ctx, tmp_path):
    path = tmp_path / "sample-feed.csv"
    path.write_text(SAMPLE_FEED, encoding="utf-8")
    summary = run(ctx, path)
    assert (summary.imported, summary.quarantined, summary.flagged_no_child) == (4, 0, 1)
    assert summary.rows_read == 12 == stored_rows(ctx)
    with ctx.session() as s:
        n = s.scalar(select(Notification).where(Notification.police_ref == "13260450027"))
        assert n.postcode == "LS12 4AB"  # normalised from "ls12 4ab"
        assert n.dash_risk == "medium"  # "M"
        assert {p.role for p in n.persons} == {"victim", "perpetrator", "child"}
        nguyen = s.scalar(select(Notification).where(Notification.police_ref == "13260450040"))
        assert any(p.surname == "Nguyễn" for p in nguyen.persons)
        first = s.scalar(select(Notification).where(Notification.police_ref == "13260450011"))
        assert "\n" in first.narrative  # the quoted narrative spans two lines
        assert (
            first.raw_record["rows"][0]["values"]["force_internal_code"] == "X1"
        )  # unknown column kept


BAD_FIELDS = [
    ("police_ref", "13/26 04!", "police_ref", "letters, digits"),
    ("received_at", "yesterday morning", "received_at", "date and time"),
    ("incident_at", "32/13/2026 10:00", "incident_at", "date and time"),
    ("incident_at", "2026-11-22T09:00:00", "incident_at", "not to be after received_at"),
    ("dash_risk", "extreme", "dash_risk", "standard, medium or high"),
    ("dash_yes", "31", "dash_yes", "0 to 27"),
    ("dash_yes", "many", "dash_yes", "whole number"),
    ("address", "", "address", "required"),
    ("postcode", "LS99", "postcode", "UK postcode"),
    ("children_present", "maybe", "children_present", "Y or N"),
    ("weapon", "knife", "weapon", "Y or N"),
    ("pregnancy", "2", "pregnancy", "Y or N"),
    ("incident_type", "burglary", "incident_type", "domestic incident"),
    ("narrative", "x" * 20_001, "narrative", "20,000"),
]


@pytest.mark.parametrize(
    ("column", "value", "field", "expected"),
    BAD_FIELDS,
    ids=[f"{c}={v[:12]!r}" for c, v, _, _ in BAD_FIELDS],
)
def test_malformed_notification_field_quarantines_only_that_notification(
    ctx, tmp_path, column, value, field, expected
):
    bad = notification("BAD-1", **{column: value})
    feed = [notification("GOOD-1"), bad, notification("GOOD-2")]
    summary = run(ctx, write_csv(tmp_path, "feed.csv", feed))
    assert (summary.imported, summary.quarantined) == (2, 1)
    (problem,) = summary.problems
    assert problem.lines == (5, 6, 7)
    messages = [m for m in problem.messages if m.field == field]
    assert messages, problem.messages
    assert expected in messages[0].message
    assert messages[0].value == value[:20_001]
    assert stored_rows(ctx) + quarantined_rows(ctx) == rows_of(feed)


BAD_PERSON_FIELDS = [
    ("person_role", "witness", "person_role", "victim, perpetrator"),
    ("surname", "", "surname", "required"),
    ("dob", "31/02/2020", "dob", "a date like"),
    ("dob", "2027-01-01", "dob", "not after the incident"),
    ("age", "-3", "age", "whole number"),
    ("relationship_to_victim", "cousin", "relationship_to_victim", "partner"),
    ("person_postcode", "XYZ 123", "person_postcode", "UK postcode"),
    ("nhs_number", "943 476 5918", "nhs_number", "check digit"),
    ("nhs_number", "12345", "nhs_number", "10 digits"),
]


@pytest.mark.parametrize(
    ("column", "value", "field", "expected"),
    BAD_PERSON_FIELDS,
    ids=[f"{c}={v!r}" for c, v, _, _ in BAD_PERSON_FIELDS],
)
def test_malformed_person_field_quarantines_the_notification(
    ctx, tmp_path, column, value, field, expected
):
    people = [
        person("victim", "Shaw", "Kelly", "1991-02-03"),
        {**person("child", "Shaw", "Mia", "2019-05-05"), column: value},
    ]
    feed = [notification("BAD-2", people), notification("GOOD-3")]
    summary = run(ctx, write_csv(tmp_path, "feed.csv", feed))
    assert (summary.imported, summary.quarantined) == (1, 1)
    message = next(m for m in summary.problems[0].messages if m.field == field)
    assert expected in message.message
    assert message.line == 3  # the child's row
    assert stored_rows(ctx) + quarantined_rows(ctx) == rows_of(feed)


def test_valid_nhs_number_and_uk_styles_are_accepted(ctx, tmp_path):
    people = [
        person("Aggrieved", "Shaw", "Kelly", "03/02/1991", nhs_number="943 476 5919"),
        person("SUSPECT", "Shaw", "Lee", "", age="35"),
    ]
    feed = [
        notification(
            "OK-1",
            people,
            received_at="22/11/2026 07:15",
            incident_at="21/11/2026 23:05",
            dash_risk="h",
            children_present="yes",
            postcode="ls9  8ab",
        )
    ]
    summary = run(ctx, write_csv(tmp_path, "feed.csv", feed))
    assert summary.imported == 1, summary.in_words()
    assert summary.flagged_no_child == 1
    with ctx.session() as s:
        n = s.scalar(select(Notification))
        assert (n.dash_risk, n.postcode, n.children_present) == ("high", "LS9 8AB", True)
        assert n.flags["no_child"] is True
        roles = sorted((p.role, p.role_as_sent) for p in n.persons)
        assert roles == [("perpetrator", "SUSPECT"), ("victim", "Aggrieved")]


def test_rows_that_disagree_are_quarantined_with_both_values(ctx, tmp_path):
    feed = [notification("DIS-1")]
    path = write_csv(tmp_path, "feed.csv", feed)
    text = path.read_text().splitlines()
    text[3] = text[3].replace("LS9 8AB", "LS9 8AD")  # the third person's row
    path.write_text("\n".join(text) + "\n")
    summary = run(ctx, path)
    assert summary.quarantined == 1
    message = next(m for m in summary.problems[0].messages if m.field == "postcode")
    assert "disagree" in message.message
    assert "LS9 8AB" in message.value and "LS9 8AD" in message.value and "line 4" in message.value


def test_rows_of_one_notification_need_not_be_adjacent(ctx, tmp_path):
    a, b = notification("ADJ-A"), notification("ADJ-B")
    path = write_csv(tmp_path, "feed.csv", [a, b])
    lines = path.read_text().splitlines()
    path.write_text(
        "\n".join([lines[0], lines[1], lines[4], lines[2], lines[5], lines[3], lines[6]]) + "\n"
    )
    summary = run(ctx, path)
    assert summary.imported == 2
    with ctx.session() as s:
        for n in s.scalars(select(Notification)):
            assert len(n.persons) == 3


def test_notification_without_a_victim_is_quarantined(ctx, tmp_path):
    people = [
        person("perpetrator", "Hall", "Gary", "1980-01-01"),
        person("child", "Hall", "Leo", "2018-01-01"),
    ]
    summary = run(ctx, write_csv(tmp_path, "feed.csv", [notification("NV-1", people)]))
    assert summary.quarantined == 1
    (message,) = summary.problems[0].messages
    assert message.field == "person_role" and "no victim" in message.message


def test_missing_police_ref_quarantines_the_row(ctx, tmp_path):
    feed = [notification("", [person("victim", "Hall", "Amy", "1990-01-01")]), notification("R-1")]
    summary = run(ctx, write_csv(tmp_path, "feed.csv", feed))
    assert (summary.imported, summary.quarantined) == (1, 1)
    assert summary.problems[0].police_ref is None
    assert summary.problems[0].messages[0].field == "police_ref"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "empty"),
        (b"   \n\n", "empty"),
        (b"\x00\x01\x02PK binary", "not text"),
        (b"just some words\nand more words\n", "not a header"),
        (b"police_ref,surname\n1,Smith\n", "no column for received_at"),
        (b"\x81\x8d\x8f\x90\x9d", "neither UTF-8 nor Windows-1252"),
        (b'[{"police_ref": "1", ', "not valid JSON"),
        (b'{\n  "police_ref": "1",\n  "persons": [\n', "JSON Lines"),
    ],
)
def test_unreadable_file_is_refused_and_nothing_changes(ctx, tmp_path, content, expected):
    before, batches = table_counts(ctx.sessions), batch_count(ctx.sessions)
    path = tmp_path / ("feed.json" if content[:1] in (b"[", b"{") else "feed.csv")
    path.write_bytes(content)
    with pytest.raises(FeedUnreadable) as caught:
        run(ctx, path)
    assert expected in caught.value.message
    assert table_counts(ctx.sessions) == before and batch_count(ctx.sessions) == batches


def test_missing_file_is_unreadable(ctx, tmp_path):
    with pytest.raises(FeedUnreadable, match="cannot open"):
        run(ctx, tmp_path / "nowhere.csv")


def test_header_only_file_imports_nothing(ctx, tmp_path):
    summary = run(ctx, write_csv(tmp_path, "feed.csv", []))
    assert (summary.total, summary.exit_status) == (0, 0)
    assert table_counts(ctx.sessions)["notification"] == 0


def test_windows_1252_file(ctx, tmp_path):
    feed = [
        notification(
            "W-1",
            [
                person("victim", "Brontë", "Zoë", "1990-03-03"),
                person("child", "Brontë", "Chloë", "2019-03-03"),
            ],
        )
    ]
    summary = run(ctx, write_csv(tmp_path, "feed.csv", feed, encoding="cp1252"))
    assert summary.imported == 1
    with ctx.session() as s:
        assert {p.forenames for p in s.scalars(select(NotificationPerson))} == {"Zoë", "Chloë"}


def test_utf8_with_bom_and_crlf(ctx, tmp_path):
    feed = [
        notification(
            "B-1",
            [person("victim", "Łukasiewicz", "Małgorzata", "1985-01-02")],
            narrative='First line.\nSecond line, "quoted".',
        )
    ]
    summary = run(ctx, write_csv(tmp_path, "feed.csv", feed, bom=True, newline="\r\n"))
    assert summary.imported == 1, summary.in_words()
    with ctx.session() as s:
        n = s.scalar(select(Notification))
        assert n.narrative == 'First line.\nSecond line, "quoted".'
        assert n.persons[0].surname == "Łukasiewicz"


def test_multi_line_quoted_narrative_keeps_line_numbers(ctx, tmp_path):
    long = "Line one,\nline two,\nline three."
    feed = [notification("ML-1", narrative=long), notification("ML-2", postcode="nope")]
    summary = run(ctx, write_csv(tmp_path, "feed.csv", feed))
    assert summary.imported == 1
    # ML-1 takes 3 rows of 3 physical lines each (2..10); ML-2 starts on line 11
    assert summary.problems[0].lines == (11, 12, 13)


def test_same_file_twice_changes_nothing(ctx, tmp_path):
    feed = [notification("D-1"), notification("D-2", postcode="LS99")]
    path = write_csv(tmp_path, "feed.csv", feed)
    first = run(ctx, path)
    counts = table_counts(ctx.sessions)
    second = run(ctx, path)
    assert (first.imported, first.quarantined) == (1, 1)
    assert (second.imported, second.unchanged, second.quarantined) == (0, 1, 1)
    assert second.already_imported
    assert table_counts(ctx.sessions) == counts


def test_amended_record_updates_and_audits_previous_values(ctx, tmp_path):
    run(ctx, write_csv(tmp_path, "feed-1.csv", [notification("AM-1")]))
    people = [
        person("victim", "Walker", "Chloe", "1990-04-02", gender="F"),
        person("perpetrator", "Walker", "Dean", "1988-01-15", gender="M"),
        person("child", "Walker", "Ruby", "2020-06-01"),
        person("child", "Walker", "Alfie", "2024-02-01"),
    ]
    amended = notification("AM-1", people, dash_risk="high", dash_yes="15")
    summary = run(ctx, write_csv(tmp_path, "feed-2.csv", [amended]))
    assert (summary.updated, summary.imported, summary.unchanged) == (1, 0, 0)
    with ctx.session() as s:
        n = s.scalar(select(Notification))
        assert (n.dash_risk, n.dash_yes, len(n.persons)) == ("high", 15, 4)
        assert n.flags["marac"] == ["visible_high_risk"] and n.flags["children"] == 2
    updates = [e for e in audit_events(ctx.sessions, "notification", "update")]
    assert updates and updates[-1].before["dash_risk"] == "medium"
    assert updates[-1].before["dash_yes"] == 8 and updates[-1].after["dash_yes"] == 15
    again = run(ctx, write_csv(tmp_path, "feed-3.csv", [amended]))
    assert again.unchanged == 1


def test_json_lines_bad_line_is_quarantined_as_text(ctx, tmp_path):
    path = write_json(
        tmp_path, "feed.jsonl", [notification("J-1"), notification("J-2")], lines=True
    )
    lines = path.read_text().splitlines()
    path.write_text("\n".join([lines[0], '{"police_ref": "J-3", broken', lines[1]]) + "\n")
    summary = run(ctx, path)
    assert (summary.imported, summary.quarantined) == (2, 1)
    assert summary.problems[0].lines == (2,)
    assert "not valid JSON" in summary.problems[0].messages[0].message
    with ctx.session() as s:
        record = s.scalar(select(QuarantinedRecord))
        assert record.raw == {"format": "text", "text": '{"police_ref": "J-3", broken'}


def test_json_array_imports_with_line_numbers(ctx, tmp_path):
    feed = [notification("JA-1"), notification("JA-2", dash_risk="urgent")]
    summary = run(ctx, write_json(tmp_path, "feed.json", feed))
    assert (summary.imported, summary.quarantined) == (1, 1)
    assert summary.problems[0].lines[0] > 2


def test_json_array_broken_is_unreadable(ctx, tmp_path):
    path = write_json(tmp_path, "feed.json", [notification("JB-1")])
    path.write_text(path.read_text()[:-5])
    with pytest.raises(FeedUnreadable, match="not valid JSON"):
        run(ctx, path)
    assert table_counts(ctx.sessions)["notification"] == 0


def test_json_object_without_persons_is_quarantined(ctx, tmp_path):
    bad = notification("JP-1")
    del bad["persons"]
    summary = run(ctx, write_json(tmp_path, "feed.json", [bad, notification("JP-2"), 42]))
    assert (summary.imported, summary.quarantined) == (1, 2)
    fields = {m.field for p in summary.problems for m in p.messages}
    assert {"persons", "(record)"} <= fields


def test_column_mapping_from_the_profile(ctx, tmp_path):
    path = write_csv(tmp_path, "feed.csv", [notification("MAP-1")])
    text = path.read_text().replace("police_ref,", " Occurrence_Ref ,", 1)
    path.write_text(text)
    assert run(ctx, path).imported == 1


def test_failure_while_storing_keeps_the_record_whole_in_quarantine(
    ctx, tmp_path, monkeypatch, caplog
):
    from frontdoor_app.intake import batch, importer

    def broken_write(*args, **kwargs):
        raise RuntimeError("constraint failed")  # the set-based write fails as a whole

    real = importer.store

    def flaky(s, actor, rules, data, raw, batch_id):
        result = real(s, actor, rules, data, raw, batch_id)
        if data.police_ref == "F-2":
            raise RuntimeError("disk full")  # after persons and household were written
        return result

    monkeypatch.setattr(batch, "write", broken_write)
    monkeypatch.setattr(importer, "store", flaky)
    summary = run(ctx, write_csv(tmp_path, "feed.csv", [notification("F-1"), notification("F-2")]))
    assert (summary.imported, summary.quarantined) == (1, 1)
    assert "disk full" in summary.problems[0].messages[0].message
    assert "one notification at a time" in caplog.text
    with ctx.session() as s:
        assert [n.police_ref for n in s.scalars(select(Notification))] == ["F-1"]
        assert s.scalar(select(func.count()).select_from(NotificationPerson)) == 3
        assert s.scalar(select(func.count()).select_from(QuarantinedRecord)) == 1


def test_interrupted_import_leaves_no_half_notification(ctx, tmp_path, monkeypatch):
    from frontdoor_app.intake import batch

    def crash(*args, **kwargs):
        raise KeyboardInterrupt  # the power goes off after notifications and people were written

    monkeypatch.setattr(batch, "_update_people", crash)
    feed = [notification("I-1"), notification("I-2"), notification("I-3", postcode="bad")]
    with pytest.raises(KeyboardInterrupt):
        run(ctx, write_csv(tmp_path, "feed.csv", feed))
    counts = table_counts(ctx.sessions)
    assert counts["notification"] == counts["notification_person"] == counts["person"] == 0
    assert counts["household"] == counts["quarantined_record"] == 0


def test_bulk_and_one_at_a_time_agree(ctx, tmp_path, monkeypatch, profile, fresh_settings):
    """The set-based path and the one-notification path make the same decisions."""
    from frontdoor_app.context import build_context
    from frontdoor_app.intake import batch

    feed = [
        notification(
            f"E-{n}",
            [
                person("victim", "Walker", "Chloe", "1990-04-02"),
                person("child", "Walker", f"Kid{n % 2}", "2020-06-01"),
            ],
            received_at=f"2026-11-2{n}T07:15:00",
            incident_at=f"2026-11-1{n}T07:15:00",
        )
        for n in range(3)
    ]
    first = run(ctx, write_csv(tmp_path, "a.csv", feed))
    slow_ctx = build_context(
        fresh_settings.with_database(f"sqlite:///{tmp_path / 'slow.sqlite'}"), profile
    )
    monkeypatch.setattr(batch, "write", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("off")))
    try:
        second = import_file(
            slow_ctx.sessions, profile, slow_ctx.actor, write_csv(tmp_path, "b.csv", feed), now=NOW
        )
        assert (first.imported, first.possible_matches) == (
            second.imported,
            second.possible_matches,
        )
        assert table_counts(ctx.sessions) == table_counts(slow_ctx.sessions)
        for c in (ctx, slow_ctx):
            with c.session() as s:
                flags = [
                    n.flags
                    for n in s.scalars(select(Notification).order_by(Notification.police_ref))
                ]
            assert [f["repeat_count"] for f in flags] == [0, 1, 2]
            assert "potential_escalation" in flags[2]["marac"]
    finally:
        slow_ctx.close()


def test_very_long_narrative_is_quarantined_not_refused(ctx, tmp_path):
    feed = [notification("LONG-1", narrative="x" * 200_000), notification("LONG-2")]
    summary = run(ctx, write_csv(tmp_path, "feed.csv", feed))
    assert (summary.imported, summary.quarantined) == (1, 1)
    assert summary.problems[0].messages[0].field == "narrative"
    with ctx.session() as s:
        record = s.scalar(select(QuarantinedRecord))
        assert len(record.raw["rows"][0]["values"]["narrative"]) == 200_000  # kept whole


def test_a_column_name_used_twice_keeps_both_values(ctx, tmp_path):
    path = write_csv(tmp_path, "feed.csv", [notification("TWICE-1")], extra_columns=("notes",))
    lines = path.read_text().splitlines()
    lines[0] = lines[0].replace(",notes", ",officer")  # a second "officer" column
    lines[1:] = [line + "extra" for line in lines[1:]]
    path.write_text("\n".join(lines) + "\n")
    assert run(ctx, path).imported == 1
    with ctx.session() as s:
        values = s.scalar(select(Notification)).raw_record["rows"][0]["values"]
    assert values["officer"] == "PC 4711" and "extra" in values.values()
