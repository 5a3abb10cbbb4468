"""The synthetic city (small scale): deterministic, realistic in shape, today's feed imported."""

from __future__ import annotations

import csv
import datetime as dt
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, func, select

from frontdoor_app.cli import main
from frontdoor_app.demo import DemoError, build_demo, build_demo_url, bulk
from frontdoor_app.demo.feed import CSV_COLUMNS
from frontdoor_app.demo.names import nhs_number_valid
from frontdoor_app.intake.keys import name_keys
from frontdoor_app.models import (
    Action,
    AgendaItem,
    AuditEvent,
    Base,
    FgcReferral,
    Household,
    Meeting,
    Notification,
    NotificationPerson,
    Person,
)
from frontdoor_app.models.database import make_engine
from tests.conftest import init_server

TODAY = dt.date(2026, 6, 15)  # a Monday: the feed covers the weekend
NOW_COLUMNS_FROM = dt.datetime(2026, 6, 16, tzinfo=dt.UTC)  # later values were the clock's


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> tuple[Engine, Any]:
    """One small demo city shared by the read-only tests of this module."""
    folder = tmp_path_factory.mktemp("city")
    url = f"sqlite:///{folder / 'demo.sqlite'}"
    summary = build_demo_url(url, "small", seed=4242, today=TODAY, feed_dir=folder / "feeds")
    engine = make_engine(url)
    yield engine, summary
    engine.dispose()


def _scalar(engine: Engine, query: Any) -> Any:
    with engine.connect() as conn:
        return conn.scalar(query)


def _rows(engine: Engine, query: Any) -> list[Any]:
    with engine.connect() as conn:
        return list(conn.execute(query))


def stable_dump(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows by id; values the clock set (build time) masked."""
    dump: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            if table.name in ("audit_event", "change_log"):
                continue  # snapshots of rows with clock times; checked separately below
            rows = conn.execute(select(table).order_by(*table.primary_key.columns)).all()
            dump[table.name] = [tuple(_mask(v) for v in row) for row in rows]
        events = conn.execute(
            select(AuditEvent.action, AuditEvent.entity, AuditEvent.detail).order_by(AuditEvent.id)
        ).all()
        dump["audit_event"] = [tuple(e) for e in events]
    return dump


def _mask(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
        return "<clock>" if aware >= NOW_COLUMNS_FROM else value
    return value


def test_same_seed_builds_the_same_database(tmp_path: Path, ctx) -> None:
    first = build_demo(ctx, "small", seed=99, today=TODAY, feed_dir=tmp_path / "a")
    url = f"sqlite:///{tmp_path / 'second.sqlite'}"
    second = build_demo_url(url, "small", seed=99, today=TODAY, feed_dir=tmp_path / "b")
    assert (first.households, first.people, first.notifications) == (
        second.households,
        second.people,
        second.notifications,
    )
    one, other = make_engine(str(ctx.engine.url)), make_engine(url)
    try:
        a, b = stable_dump(one), stable_dump(other)
        assert a.keys() == b.keys()
        for name in a:
            assert a[name] == b[name], f"table {name} differs between two builds of one seed"
        assert len(a["person"]) == first.people > 1000
    finally:
        one.dispose()
        other.dispose()
    assert (tmp_path / "a" / "feed-2026-06-15.csv").read_bytes() == (
        tmp_path / "b" / "feed-2026-06-15.csv"
    ).read_bytes()


def test_another_seed_gives_other_families(tmp_path: Path, city) -> None:
    engine, _summary = city
    url = f"sqlite:///{tmp_path / 'other.sqlite'}"
    build_demo_url(url, "small", seed=7, today=TODAY, feed_dir=tmp_path / "feeds")
    other = make_engine(url)
    try:
        query = select(Person.surname, Person.forenames, Person.dob).order_by(Person.id).limit(50)
        assert _rows(engine, query) != _rows(other, query)
    finally:
        other.dispose()


def test_summary_counts_match_the_database(city) -> None:
    engine, summary = city
    with engine.connect() as conn:  # rows were bulk-inserted without per-row key checks
        assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
    assert summary.households == _scalar(engine, select(func.count()).select_from(Household))
    assert summary.people == _scalar(engine, select(func.count()).select_from(Person))
    assert summary.notifications == _scalar(engine, select(func.count()).select_from(Notification))
    assert summary.meetings == _scalar(engine, select(func.count()).select_from(Meeting))
    assert 300 <= summary.households <= 700 and summary.notifications >= 600
    assert summary.duration_s > 0


def test_children_are_0_to_17_on_the_incident_day(city) -> None:
    engine, _ = city
    rows = _rows(
        engine,
        select(NotificationPerson.dob, Notification.incident_at)
        .join(Notification)
        .where(NotificationPerson.role == "child"),
    )
    ages = []
    for dob, incident in rows:
        assert dob is not None
        day = incident.date()
        ages.append(day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day)))
    assert ages and min(ages) >= 0 and max(ages) <= 17
    assert min(ages) == 0 and max(ages) >= 14
    assert sum(a < 5 for a in ages) > len(ages) / 10


def test_about_a_third_of_households_repeat(city) -> None:
    engine, _ = city
    per_household = _rows(
        engine,
        select(func.count())
        .select_from(Notification)
        .where(Notification.household_id.is_not(None))
        .group_by(Notification.household_id),
    )
    counts = [c for (c,) in per_household]
    share = sum(c > 1 for c in counts) / len(counts)
    assert 0.25 <= share <= 0.45, share


def test_dash_grades_agree_with_the_yes_count(city) -> None:
    engine, _ = city
    rows = _rows(engine, select(Notification.dash_risk, Notification.dash_yes))
    grades = Counter(g for g, _ in rows)
    assert 0.07 <= grades["high"] / len(rows) <= 0.2
    assert grades["standard"] > grades["medium"] > grades["high"]
    for grade, yes in rows:
        if yes is None:
            continue
        low, high = {"standard": (0, 5), "medium": (5, 13), "high": (10, 27)}[grade]
        assert low <= yes <= high, (grade, yes)
    assert any(g == "high" and (y or 0) >= 14 for g, y in rows)
    assert any(g == "high" and y is not None and y < 14 for g, y in rows)


def _scripts(text: str) -> set[str]:
    return {unicodedata.name(c).split()[0] for c in text if c.isalpha()}


def test_names_come_from_many_cultures_and_scripts(city) -> None:
    engine, _ = city
    names = _rows(engine, select(Person.surname, Person.forenames))
    text = " ".join(f"{s} {f or ''}" for s, f in names)
    assert {"LATIN", "ARABIC", "CJK"} <= _scripts(text)
    assert "'" in text and "-" in text  # O'Brien, D'Souza; double-barrelled surnames
    assert set(text) & set("ễịạảấầậắằặẹếềểệọốồổộớờởợụủứừửữựơưđĐ"), "no Vietnamese"
    assert set(text) & set("łŁśźżąęćń"), "no Polish"
    assert any(not s.isascii() and "LATIN" in _scripts(s) for s, _ in names)  # Zoë, Wójcik...
    assert len({s for s, _ in names}) > 150


def test_every_person_has_blocking_keys_and_valid_identifiers(city) -> None:
    engine, _ = city
    people = _rows(engine, select(Person))
    with_nhs = 0
    for p in people:
        keys = name_keys(p.surname, p.forenames)
        assert (p.surname_key, p.surname_phonetic, p.forename_key, p.forename_initial) == (
            keys.surname_key,
            keys.surname_phonetic,
            keys.forename_key,
            keys.forename_initial,
        )
        assert p.surname_key
        if p.nhs_number:
            with_nhs += 1
            assert nhs_number_valid(p.nhs_number), p.nhs_number
    assert 0.2 * len(people) < with_nhs < 0.9 * len(people)
    assert (
        _scalar(engine, select(func.count()).select_from(Person).where(Person.pnc_id.is_not(None)))
        > 20
    )


def test_addresses_mostly_in_the_authority_some_routed_by_hand(city) -> None:
    engine, _ = city
    rows = _rows(engine, select(Household.postcode, Household.locality_id))
    outside = [p for p, loc in rows if loc is None]
    assert sum(p.startswith("LS") for p, _ in rows) > 0.8 * len(rows)
    assert 0 < len(outside) < 0.1 * len(rows)
    assert any(p.split()[0] in ("BD1", "HX1", "WF1", "BD3", "HG1") for p in outside)


def test_meetings_every_weekday_with_decisions_and_open_actions(city) -> None:
    engine, summary = city
    dates = [
        d for (d,) in _rows(engine, select(Meeting.meeting_date).order_by(Meeting.meeting_date))
    ]
    assert all(d.weekday() < 5 for d in dates)
    assert dates[-1] == TODAY and summary.agenda_meeting_id is not None
    assert len(dates) == summary.meetings
    on_agenda = _scalar(engine, select(func.count(func.distinct(AgendaItem.notification_id))))
    assert on_agenda == summary.notifications
    overdue = _scalar(
        engine,
        select(func.count())
        .select_from(Action)
        .where(Action.status == "open", Action.due_date < TODAY),
    )
    statuses = {s for (s,) in _rows(engine, select(Action.status).distinct())}
    assert overdue > 0 and statuses == {"open", "done", "not_possible", "not_done"}
    stages = {s for (s,) in _rows(engine, select(FgcReferral.stage).distinct())}
    assert len(stages) >= 4
    open_per_household = _rows(
        engine,
        select(func.count())
        .select_from(FgcReferral)
        .where(FgcReferral.is_open)
        .group_by(FgcReferral.household_id),
    )
    assert all(c == 1 for (c,) in open_per_household)
    marac = _scalar(
        engine,
        select(func.count())
        .select_from(Household)
        .where(Household.last_marac_referral_at.is_not(None)),
    )
    assert marac > 0


def test_todays_feed_is_a_csv_in_the_format_and_on_the_agenda(city) -> None:
    engine, summary = city
    assert summary.feed_path.name == "feed-2026-06-15.csv"
    raw = summary.feed_path.read_bytes()
    assert b"\r\n" in raw
    with summary.feed_path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0].keys()) == list(CSV_COLUMNS)
    refs = {r["police_ref"] for r in rows}
    assert len(refs) == summary.feed_notifications == summary.feed_imported
    assert summary.feed_quarantined == 0
    assert any("\n" in r["narrative"] for r in rows)
    items = _scalar(
        engine,
        select(func.count())
        .select_from(AgendaItem)
        .where(AgendaItem.meeting_id == summary.agenda_meeting_id),
    )
    assert items >= summary.feed_imported
    event = _scalar(
        engine,
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.detail == "demo data generated"),
    )
    assert event == 1


def test_demo_refuses_a_database_that_holds_data(ctx, tmp_path: Path) -> None:
    build_demo(ctx, "small", seed=1, today=TODAY, feed_dir=tmp_path)
    with pytest.raises(DemoError, match="already holds"):
        build_demo(ctx, "small", seed=2, today=TODAY, feed_dir=tmp_path)


def test_demo_command_builds_then_refuses(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--database", db_url, "demo", "--seed", "3", "--today", "2026-06-15"]) == 0
    out = capsys.readouterr().out
    assert "households" in out and "feed-2026-06-15.csv" in out
    assert main(["--database", db_url, "demo", "--today", "2026-06-15"]) == 1
    err = capsys.readouterr().err
    assert "already holds" in err and "dangerous" in err


def _pg_catalog(url: str) -> dict[str, Any]:
    """What the build's load takes apart and puts back: every constraint and index by its
    definition, row-level security on and forced, the policies."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {
                "constraints": sorted(
                    conn.exec_driver_sql(
                        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), "
                        "convalidated FROM pg_constraint "
                        "WHERE connamespace = 'public'::regnamespace"
                    ).all()
                ),
                "indexes": sorted(
                    conn.exec_driver_sql(
                        "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'"
                    ).all()
                ),
                "security": sorted(
                    conn.exec_driver_sql(
                        "SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class "
                        "WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'"
                    ).all()
                ),
                "policies": sorted(
                    conn.exec_driver_sql(
                        "SELECT tablename, policyname, cmd, roles::text, qual, with_check "
                        "FROM pg_policies WHERE schemaname = 'public'"
                    ).all()
                ),
            }
    finally:
        engine.dispose()


def _pg_counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {
                name: conn.exec_driver_sql(f'SELECT count(*) FROM "{name}"').scalar_one()
                for name in bulk.TABLE_ORDER
            }
    finally:
        engine.dispose()


def test_demo_builds_on_postgresql(pg_url: str, tmp_path: Path) -> None:
    """Core bulk insert with the generator's ids; sequences moved on, so the import works.
    The load drops the tables' foreign keys and secondary indexes and makes them again: the
    schema afterwards is the schema before, row-level security forced as ``server init`` left
    it."""
    init_server(pg_url)
    before = _pg_catalog(pg_url)
    assert before["constraints"] and before["indexes"] and before["policies"]
    summary = build_demo_url(pg_url, "small", seed=5, today=TODAY, feed_dir=tmp_path)
    assert _pg_catalog(pg_url) == before
    assert summary.notifications >= 700 and summary.people > 1000
    assert summary.feed_imported == summary.feed_notifications and summary.feed_quarantined == 0
    engine = create_engine(pg_url)
    try:
        assert (
            _scalar(
                engine,
                select(func.count())
                .select_from(AgendaItem)
                .where(AgendaItem.meeting_id == summary.agenda_meeting_id),
            )
            > 0
        )
    finally:
        engine.dispose()


def test_an_interrupted_build_leaves_the_database_empty(ctx, tmp_path: Path, monkeypatch) -> None:
    def indexes() -> set[str]:
        with ctx.engine.connect() as conn:
            rows = conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'index'")
            return {name for (name,) in rows}

    before = indexes()
    real = bulk._insert_table

    def failing(conn: Any, table: Any, data: Any) -> None:
        if table.name == "decision":
            raise OSError("disk full")
        real(conn, table, data)

    monkeypatch.setattr(bulk, "CHUNK", 500)  # several chunks per table
    monkeypatch.setattr(bulk, "INDEX_REBUILD_MIN", 100)  # indexes dropped, then rolled back
    monkeypatch.setattr(bulk, "_insert_table", failing)
    with pytest.raises(OSError, match="disk full"):
        build_demo(ctx, "small", seed=1, today=TODAY, feed_dir=tmp_path)
    with ctx.session() as s:
        for model in (Household, Person, Notification, Meeting, AgendaItem):
            assert s.scalar(select(func.count()).select_from(model)) == 0, model
    assert indexes() == before
    monkeypatch.setattr(bulk, "_insert_table", real)
    assert build_demo(ctx, "small", seed=1, today=TODAY, feed_dir=tmp_path).notifications > 0


def test_an_interrupted_build_on_postgresql_leaves_it_empty(
    pg_url: str, tmp_path: Path, monkeypatch
) -> None:
    """A load that fails after its foreign keys and indexes were dropped rolls back to the
    empty database with its schema whole; building again then works."""
    init_server(pg_url)
    before = _pg_catalog(pg_url)
    real = bulk._postgres_copy_table

    def failing(conn: Any, table: Any, data: Any) -> None:
        if table.name == "decision":
            raise OSError("disk full")
        real(conn, table, data)

    monkeypatch.setattr(bulk, "_postgres_copy_table", failing)
    with pytest.raises(OSError, match="disk full"):
        build_demo_url(pg_url, "small", seed=1, today=TODAY, feed_dir=tmp_path)
    assert set(_pg_counts(pg_url).values()) == {0}
    assert _pg_catalog(pg_url) == before
    monkeypatch.setattr(bulk, "_postgres_copy_table", real)
    summary = build_demo_url(pg_url, "small", seed=1, today=TODAY, feed_dir=tmp_path)
    assert summary.notifications > 0 and _pg_catalog(pg_url) == before


def test_the_demo_has_an_fgc_coordinator_for_each_team(city) -> None:
    from frontdoor_app.models import FgcTeam, User

    engine, _ = city
    teams = set(_rows(engine, select(FgcTeam.id)))
    coordinators = _rows(engine, select(User.fgc_team_id).where(User.role == "fgc_coordinator"))
    assert teams and set(coordinators) == teams and len(coordinators) == len(teams)
    assert (
        _scalar(
            engine,
            select(User.id).where(User.role != "fgc_coordinator", User.fgc_team_id.is_not(None)),
        )
        is None
    )
