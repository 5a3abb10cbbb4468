"""The city scale: the sizes the benchmarks need, built with indexes and keys intact."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select

from frontdoor_app.demo import build_demo_url
from frontdoor_app.models import AgendaItem, Notification, Person
from frontdoor_app.models.database import make_engine


def _indexes(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'index'")
            return {name for (name,) in rows}
    finally:
        engine.dispose()


@pytest.mark.slow
def test_city_scale_has_the_benchmark_sizes(tmp_path: Path, ctx) -> None:
    url = f"sqlite:///{tmp_path / 'city.sqlite'}"
    summary = build_demo_url(url, "city", today=dt.date(2026, 11, 23), feed_dir=tmp_path)
    assert summary.notifications >= 110_000
    assert summary.people >= 280_000
    assert summary.meetings > 1700 and summary.open_actions > 0
    # The bulk insert drops and rebuilds secondary indexes: every one must be back.
    assert _indexes(url) == _indexes(str(ctx.engine.url))
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
            assert (
                conn.scalar(
                    select(func.count()).select_from(Person).where(Person.surname_key == "")
                )
                == 0
            )
            per_household = conn.execute(
                select(func.count()).select_from(Notification).group_by(Notification.household_id)
            ).all()
            share = sum(c > 1 for (c,) in per_household) / len(per_household)
            assert 0.25 <= share <= 0.45, share
            today = conn.scalar(
                select(func.count())
                .select_from(AgendaItem)
                .where(AgendaItem.meeting_id == summary.agenda_meeting_id)
            )
            assert today == summary.feed_imported > 0
    finally:
        engine.dispose()
