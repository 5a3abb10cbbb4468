"""Compute every figure for a range of weeks, with the previous 52 weeks for the baseline."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from frontdoor_app.models import Agency, Locality
from frontdoor_app.profile import Profile

from .calendar import days_of, days_table, week_start
from .figures import FIGURES, Ask, Compute, Rows
from .model import AGENCY, COUNT, LOCALITY, MEDIAN, Figure, FigureResult, Measures, Part, Point

BASELINE_WEEKS = 52
MAX_WEEKS = 260  # five years on one screen is already more than anyone reads


class MeasuresError(ValueError):
    """A range or filter the measures cannot be computed for; the message says why."""


def figures() -> tuple[Figure, ...]:
    """Every figure, in report-card order."""
    return tuple(f for f, _fn in FIGURES)


def default_range(today: dt.date, weeks: int = 12) -> tuple[dt.date, dt.date]:
    """The last ``weeks`` complete weeks (the week in progress would always look low)."""
    last = week_start(today) - dt.timedelta(weeks=1)
    return last - dt.timedelta(weeks=weeks - 1), last


def compute(
    session: Session,
    profile: Profile,
    first: dt.date,
    last: dt.date,
    *,
    as_of: dt.date | None = None,
    agency: str | None = None,
    locality: str | None = None,
    keys: Iterable[str] | None = None,
    progress: Callable[[int, int], None] | None = None,
    each_group: Callable[[Measures], None] | None = None,
) -> Measures:
    """Every figure (or the ``keys`` asked for) for the weeks from ``first`` to ``last``.

    ``first`` and ``last`` may be any day: the weeks are the ones containing them.
    ``as_of`` (default: today in the authority's time zone) decides which windows have
    passed. ``agency`` / ``locality`` are codes; a figure that cannot be narrowed by the
    one given is computed for everyone (its result says ``filtered=False``).
    ``progress(done, total)`` is called after each figure; ``each_group(part)`` with the
    figures of each group (How much, How well, Better off) as soon as that group is done,
    so a screen can show them while the rest are counted in the same call.
    """
    first_week, last_week = week_start(first), week_start(last)
    if last_week < first_week:
        raise MeasuresError(f"the range ends ({last:%d %b %Y}) before it starts ({first:%d %b %Y})")
    count = (last_week - first_week).days // 7 + 1
    if count > MAX_WEEKS:
        raise MeasuresError(f"the range is {count} weeks; at most {MAX_WEEKS} can be shown")
    as_of = as_of or profile.today()
    agency_id = _id_of(session, Agency, agency, "agency") if agency else None
    locality_id = _id_of(session, Locality, locality, "locality") if locality else None
    start = min(first_week, last_week - dt.timedelta(weeks=BASELINE_WEEKS))
    weeks = tuple(start + dt.timedelta(weeks=n) for n in range((last_week - start).days // 7 + 1))
    days = days_of(weeks, as_of, profile.timezone, profile.measures.bank_holidays)
    d = days_table(days, session.get_bind().dialect.name)
    in_range = (weeks.index(first_week), len(weeks) - 1)
    span = (days[0].start, days[-1].end)
    shared: dict[str, Any] = {}
    starts, buckets = tuple(x.start for x in days), tuple(x.bucket for x in days)
    wanted = [(f, fn) for f, fn in FIGURES if keys is None or f.key in set(keys)]
    results = []
    for n, (fig, fn) in enumerate(wanted, start=1):
        applies = (fig.filter == AGENCY and agency_id is not None) or (
            fig.filter == LOCALITY and locality_id is not None
        )
        ask = Ask(
            session,
            d,
            as_of,
            agency_id if fig.filter == AGENCY else None,
            locality_id if fig.filter == LOCALITY else None,
            profile.meeting.case_target_minutes,
            in_range,
            span,
            starts,
            buckets,
            shared,
            days,
        )
        results.append(_result(fig, fn, ask, weeks, in_range, applies, profile))
        if progress is not None:
            progress(n, len(wanted))
        if each_group is not None and (n == len(wanted) or wanted[n][0].group != fig.group):
            group = tuple(r for r in results if r.figure.group == fig.group)
            each_group(Measures(first_week, last_week, as_of, agency, locality, group))
    return Measures(first_week, last_week, as_of, agency, locality, tuple(results))


def _id_of(session: Session, table: type[Agency] | type[Locality], code: str, what: str) -> int:
    found = session.scalar(select(table.id).where(table.code == code.upper()))
    if found is None:
        raise MeasuresError(f"there is no {what} with code {code!r}")
    return int(found)


def _result(
    fig: Figure,
    fn: Compute,
    ask: Ask,
    weeks: tuple[dt.date, ...],
    in_range: tuple[int, int],
    applies: bool,
    profile: Profile,
) -> FigureResult:
    rows = fn(ask)
    lo, hi = in_range
    if fig.kind == MEDIAN:
        points, total, parts = _medians(rows, weeks, lo)
    else:
        points, total, parts = _sums(fig, rows, weeks, lo)
    history = [p.value for p in points[max(0, hi - BASELINE_WEEKS) : hi] if p.value is not None]
    baseline = statistics.median(history) if history else None
    if fig.key == "case_minutes":
        fig = Figure(**{**fig.__dict__, "target": float(profile.meeting.case_target_minutes)})
    return FigureResult(fig, tuple(points[lo:]), total, baseline, parts, applies)


def _value(fig: Figure, num: int, den: int | None) -> float | None:
    if fig.kind == COUNT:
        return float(num)
    return 100.0 * num / den if den else None


def _sums(
    fig: Figure, rows: Rows, weeks: tuple[dt.date, ...], lo: int
) -> tuple[list[Point], Point, tuple[Part, ...]]:
    """Count and share rows: (bucket, part, numerator, denominator)."""
    num: dict[int, int] = defaultdict(int)
    den: dict[int, int] = defaultdict(int)
    part_num: dict[str, int] = defaultdict(int)
    part_den: dict[str, int] = defaultdict(int)
    range_distinct: int | None = None
    for bucket, part, n, d in rows:
        n = int(n or 0)
        if bucket == -1:
            range_distinct = n  # the range's own distinct count (children)
            continue
        if d != -1:  # -1: breakdown only, not part of the week's figure
            num[bucket] += n
            den[bucket] += int(d or 0)
        if part and bucket >= lo:
            part_num[part] += n
            part_den[part] += int(d or 0) if d != -1 else 0
    points = [
        Point(
            w,
            _value(fig, num[b], den[b] if fig.kind != COUNT else None),
            num[b],
            den[b] if fig.kind != COUNT else None,
        )
        for b, w in enumerate(weeks)
    ]
    total_num = sum(num[b] for b in range(lo, len(weeks)))
    total_den = sum(den[b] for b in range(lo, len(weeks)))
    if range_distinct is not None:
        total_num = range_distinct
    share = fig.kind != COUNT
    total = Point(
        weeks[lo],
        _value(fig, total_num, total_den if share else None),
        total_num,
        total_den if share else None,
    )
    parts = tuple(
        Part(
            label,
            _value(fig, part_num[label], part_den[label] if share else None),
            part_num[label],
            part_den[label] if share else None,
        )
        for label in sorted(part_num, key=lambda k: (-part_num[k], k))
        if not share or part_den[label]
    )
    return points, total, parts


def _medians(
    rows: Rows, weeks: tuple[dt.date, ...], lo: int
) -> tuple[list[Point], Point, tuple[Part, ...]]:
    """Median rows: (bucket, part, value); the numerator is how many were measured."""
    values: dict[int, list[float]] = defaultdict(list)
    for bucket, _part, value in rows:
        values[bucket].append(float(value))
    points = [
        Point(w, statistics.median(values[b]) if values[b] else None, len(values[b]))
        for b, w in enumerate(weeks)
    ]
    every = [v for b in range(lo, len(weeks)) for v in values[b]]
    total = Point(weeks[lo], statistics.median(every) if every else None, len(every))
    return points, total, ()
