"""Feeds from the demo city: a normal morning, noisy duplicates with ground truth, the CSV."""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import JSON, Boolean, Date
from sqlalchemy.dialects import sqlite

from frontdoor_app.demo import build_demo
from frontdoor_app.demo.bulk import sqlite_converter
from frontdoor_app.demo.feed import CSV_COLUMNS, make_feed, write_csv
from frontdoor_app.demo.names import nhs_number, nhs_number_valid
from frontdoor_app.demo.noisy import NoisyFeed, make_noisy_feed, one_edit, strip_diacritics
from frontdoor_app.intake.importer import import_file
from frontdoor_app.intake.keys import compact
from frontdoor_app.models import Notification, Person
from frontdoor_app.models.base import UTCDateTime
from frontdoor_app.profile import NOTIFICATION_FIELDS, PERSON_FIELDS

TODAY = dt.date(2026, 6, 15)
NEXT = dt.date(2026, 6, 16)


@pytest.fixture
def demo_ctx(ctx, tmp_path: Path):
    build_demo(ctx, "small", seed=11, today=TODAY, feed_dir=tmp_path / "feeds")
    return ctx


def _noisy(ctx, count: int = 120) -> NoisyFeed:
    with ctx.session() as s:
        return make_noisy_feed(s, 5, count, NEXT, ctx.profile)


def test_noisy_feed_truth_points_at_the_people_it_varies(demo_ctx) -> None:
    feed = _noisy(demo_ctx)
    refs = [n["police_ref"] for n in feed.notifications]
    assert len(refs) == len(set(refs)) == 120
    keys = {(n["police_ref"], i) for n in feed.notifications for i in range(len(n["persons"]))}
    assert keys == set(feed.truth) == set(feed.kinds)
    kinds = set(feed.kinds.values())
    assert {"exact", "typo", "swapped", "no_nhs", "new", "twin"} <= kinds
    assert kinds & {"same_surname_dob", "father_son"}
    with demo_ctx.session() as s:
        assert not s.query(Notification).filter(Notification.police_ref.in_(refs)).count()
        by_ref = {n["police_ref"]: n for n in feed.notifications}
        for (ref, index), person_id in feed.truth.items():
            sent = by_ref[ref]["persons"][index]
            kind = feed.kinds[(ref, index)]
            if sent.get("dob"):  # even a slipped date of birth is before the incident
                assert sent["dob"] <= by_ref[ref]["incident_at"][:10], (kind, sent)
            if person_id is None:
                # Truly new: nobody known has exactly this name and date of birth.
                dob = dt.date.fromisoformat(sent["dob"]) if sent.get("dob") else None
                same = s.query(Person).filter_by(
                    surname=sent["surname"], forenames=sent.get("forenames"), dob=dob
                )
                assert dob is None or same.count() == 0, (kind, sent)
                continue
            known = s.get(Person, person_id)
            assert known is not None
            _check_variant(kind, sent, known)


def _check_variant(kind: str, sent: dict[str, Any], known: Person) -> None:
    dob = known.dob.isoformat() if known.dob else None
    if kind in ("exact", "no_nhs"):
        assert (sent["surname"], sent.get("forenames", "")) == (known.surname, known.forenames)
        assert sent.get("dob") == dob
    if kind == "no_nhs":
        assert "nhs_number" not in sent and known.nhs_number
    if kind == "typo":
        changed = [
            (a, b)
            for a, b in (
                (sent["surname"], known.surname),
                (sent.get("forenames", ""), known.forenames),
            )
            if a != b
        ]
        assert len(changed) == 1 and abs(len(changed[0][0]) - len(changed[0][1])) <= 1
    if kind == "swapped":
        assert (sent["surname"], sent["forenames"]) == (known.forenames, known.surname)
    if kind == "diacritics":
        assert sent["surname"] == strip_diacritics(known.surname)
    if kind == "dob_swap":
        assert (
            known.dob
            and sent["dob"]
            == known.dob.replace(month=known.dob.day, day=known.dob.month).isoformat()
        )
    if kind == "age_only":
        assert "dob" not in sent and sent["age"].isdigit()
    if kind == "hyphen":
        assert compact(sent["surname"]) != compact(known.surname)
        assert "-" in sent["surname"] or "-" in known.surname
    if "nhs_number" in sent:
        assert sent["nhs_number"] == known.nhs_number


def test_noisy_feed_is_deterministic_and_imports_without_quarantine(demo_ctx, tmp_path) -> None:
    first, second = _noisy(demo_ctx, 40), _noisy(demo_ctx, 40)
    assert first == second
    path = write_csv(first.notifications, tmp_path / "noisy.csv")
    summary = import_file(demo_ctx.sessions, demo_ctx.profile, demo_ctx.actor, path)
    assert summary.quarantined == 0, summary.in_words()
    assert summary.imported == 40


def test_morning_feed_mixes_known_and_new_households(demo_ctx) -> None:
    with demo_ctx.session() as s:
        feed = make_feed(s, 3, 30, NEXT, demo_ctx.profile)
        again = make_feed(s, 3, 30, NEXT, demo_ctx.profile)
        assert feed == again
        known_addresses = {a for (a,) in s.query(Notification.address)}
    assert len(feed) == 30
    repeat = [n for n in feed if n["address"] in known_addresses]
    assert 3 <= len(repeat) <= 25
    for n in feed:
        assert set(n) == set(NOTIFICATION_FIELDS) | {"persons"}
        assert sum(p["person_role"] in ("victim", "aggrieved") for p in n["persons"]) == 1
        for p in n["persons"]:
            assert set(p) <= set(PERSON_FIELDS)
        received = dt.datetime.fromisoformat(n["received_at"])
        assert dt.datetime.fromisoformat(n["incident_at"]) <= received
        assert dt.datetime(2026, 6, 15, 9) <= received <= dt.datetime(2026, 6, 16, 9)


def test_csv_has_the_format_header_one_row_per_person_and_quotes_safely(tmp_path) -> None:
    notifications = [
        {
            "police_ref": "13269990001",
            "force": "West Yorkshire Police",
            "received_at": "2026-06-16T07:00:00",
            "incident_at": "2026-06-15T22:10:00",
            "dash_risk": "high",
            "dash_yes": "15",
            "address": "Flat 2, 9 Example Court, Leeds",
            "postcode": "LS9 8AB",
            "narrative": 'Line one, with a comma.\r\nShe said "stop".',
            "persons": [
                {"person_role": "victim", "surname": "Łukasiewicz", "forenames": "Zoë"},
                {"person_role": "perpetrator", "surname": "O'Brien", "forenames": "Seán"},
                {"person_role": "child", "surname": "محمد", "dob": "2020-01-02"},
            ],
        }
    ]
    path = write_csv(notifications, tmp_path / "feed.csv")
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        rows = list(reader)
    assert header == list(CSV_COLUMNS)
    assert len(rows) == 3 and all(len(r) == len(header) for r in rows)
    by_name = [dict(zip(header, r, strict=True)) for r in rows]
    assert by_name[0]["narrative"] == 'Line one, with a comma.\r\nShe said "stop".'
    assert [r["surname"] for r in by_name] == ["Łukasiewicz", "O'Brien", "محمد"]
    assert by_name[2]["dob"] == "2020-01-02" and by_name[0]["dob"] == ""


def test_nhs_numbers_pass_the_check_digit_and_slips_are_one_edit() -> None:
    rng = random.Random(1)
    numbers = [nhs_number(rng) for _ in range(500)]
    assert all(nhs_number_valid(n) for n in numbers)
    assert not nhs_number_valid("9434765918")  # check digit off by one
    assert nhs_number_valid("943 476 5919")
    for _ in range(200):
        slipped = one_edit(rng, "Hussain")
        assert slipped != "Hussain" and abs(len(slipped) - 7) <= 1 and slipped[0] == "H"
    assert strip_diacritics("Nguyễn Zoë Łukasiewicz") == "Nguyen Zoe Lukasiewicz"


@pytest.mark.parametrize("column_type", [UTCDateTime(), Date(), JSON(), Boolean()])
def test_fast_sqlite_values_equal_sqlalchemys_own(column_type) -> None:
    dialect = sqlite.dialect()
    process = column_type.dialect_impl(dialect).bind_processor(dialect)
    fast = sqlite_converter(column_type)
    assert fast is not None and process is not None
    london = dt.timezone(dt.timedelta(hours=1))
    samples = {
        UTCDateTime: [
            dt.datetime(2026, 3, 29, 1, 30, 5, tzinfo=dt.UTC),
            dt.datetime(2026, 7, 1, 9, 0, 0, 123456, tzinfo=dt.UTC),
            dt.datetime(2026, 7, 1, 9, 0, 0, tzinfo=london),
        ],
        Date: [dt.date(2026, 1, 2)],
        JSON: [{"a": "Zoë", "b": [1, None, True]}, ["x"]],
        Boolean: [True, False],
    }[type(column_type)]
    for value in samples:
        assert fast(value) == process(value)


def test_feed_stops_at_until_and_a_saturday_build_works(ctx, tmp_path) -> None:
    saturday = dt.date(2026, 6, 13)
    summary = build_demo(ctx, "small", seed=8, today=saturday, feed_dir=tmp_path)
    assert summary.feed_imported == summary.feed_notifications > 0
    until = dt.datetime(2026, 6, 13, 6, 0, tzinfo=dt.UTC)
    with ctx.session() as s:
        feed = make_feed(s, 8, 20, saturday, ctx.profile, until=until)
    received = [dt.datetime.fromisoformat(n["received_at"]) for n in feed]
    assert max(received) <= dt.datetime(2026, 6, 13, 7, 0)  # 06:00 UTC is 07:00 in London
    assert min(received) >= dt.datetime(2026, 6, 12, 9, 0)  # Friday's cut-off


def test_hard_noise_corrupts_several_fields_at_once_and_still_imports(demo_ctx, tmp_path) -> None:
    with demo_ctx.session() as s:
        feed = make_noisy_feed(s, 5, 120, NEXT, demo_ctx.profile, noise="hard")
        again = make_noisy_feed(s, 5, 120, NEXT, demo_ctx.profile, noise="hard")
        assert feed == again
        kinds = [k for (key, k) in feed.kinds.items() if feed.truth[key] is not None]
        parts = {p for k in kinds for p in k.split("+")}
        # typos, phonetic and OCR errors in both names, swapped names, missing values, slips
        assert {"surn_typo", "fore_typo", "swapped", "age_only"} <= parts
        assert parts & {"surn_phonetic", "fore_phonetic"} and parts & {"surn_ocr", "fore_ocr"}
        assert any(p.startswith("date_") for p in parts)
        assert any("surn_" in k and "fore_" in k for k in kinds)  # both names at once
        assert {"twin", "new"} <= set(feed.kinds.values())
        by_ref = {n["police_ref"]: n for n in feed.notifications}
        for (ref, index), person_id in feed.truth.items():
            sent = by_ref[ref]["persons"][index]
            if person_id is None or feed.kinds[(ref, index)] != "exact":
                continue
            known = s.get(Person, person_id)
            assert (sent["surname"], sent.get("forenames", "")) == (known.surname, known.forenames)
    path = write_csv(feed.notifications, tmp_path / "hard.csv")
    summary = import_file(demo_ctx.sessions, demo_ctx.profile, demo_ctx.actor, path)
    assert summary.quarantined == 0, summary.in_words()
