"""Every table round-trips through SQLite and PostgreSQL, schema made by the migrations."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from frontdoor_app.models import Base
from frontdoor_app.models.database import make_engine, upgrade
from tests.dbsamples import INSTANT, JSON_VALUE, build_sample_rows, mappers_by_table, primary_key


def test_every_table_has_a_mapped_class() -> None:
    assert set(mappers_by_table()) >= set(Base.metadata.tables)
    assert len(Base.metadata.tables) >= 30


def test_every_model_round_trips(any_db_url: str) -> None:
    engine = make_engine(any_db_url)
    try:
        assert upgrade(engine) is True
        with Session(engine) as session:
            expected = build_sample_rows(session)
            session.commit()
        assert set(expected) == set(Base.metadata.tables)

        mappers = mappers_by_table()
        with Session(engine) as session:
            for table_name, values in expected.items():
                mapper = mappers[table_name]
                table = Base.metadata.tables[table_name]
                assert session.scalar(select(func.count()).select_from(table)) == 1, table_name
                row = session.get(mapper.class_, primary_key(values, table))
                assert row is not None, table_name
                for key, value in values.items():
                    got = getattr(row, key)
                    assert got == value, f"{table_name}.{key}: wrote {value!r}, read {got!r}"
                    if isinstance(value, dt.datetime):
                        assert got.utcoffset() == dt.timedelta(0), f"{table_name}.{key} not UTC"
                    assert type(got) is type(value) or value is None, f"{table_name}.{key}"
    finally:
        engine.dispose()


def test_sample_values_exercise_what_matters(any_db_url: str) -> None:
    """The samples carry non-Latin text, a summer-time instant and nested JSON."""
    engine = make_engine(any_db_url)
    try:
        upgrade(engine)
        with Session(engine) as session:
            rows = build_sample_rows(session)
            session.commit()
        person = rows["person"]
        assert "美玲" in person["forenames"] and person["surname"].startswith("Ó")
        assert INSTANT.utcoffset() == dt.timedelta(hours=1)
        assert rows["notification"]["incident_at"] == INSTANT
        assert rows["notification"]["raw_record"] == JSON_VALUE
    finally:
        engine.dispose()
