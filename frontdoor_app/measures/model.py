"""What the measures give back: plain frozen dataclasses, no database objects."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

HOW_MUCH = "How much did we do?"
HOW_WELL = "How well did we do it?"
BETTER_OFF = "Is anyone better off?"
GROUPS = (HOW_MUCH, HOW_WELL, BETTER_OFF)

COUNT, SHARE, MEDIAN = "count", "share", "median"
AGENCY, LOCALITY = "agency", "locality"


@dataclass(frozen=True)
class Figure:
    """One measure: what it is called, how it is read, and its definition in words."""

    key: str
    group: str
    title: str
    kind: str  # count | share (a percentage, numerator / denominator) | median
    unit: str  # e.g. "notifications", "%", "minutes", "days", "weeks"
    definition: str
    filter: str | None = None  # AGENCY or LOCALITY: what the figure may be narrowed by
    parts_title: str = ""  # what the breakdown is by, when there is one
    target: float | None = None  # a reference value drawn on the chart (e.g. the case target)


@dataclass(frozen=True)
class Point:
    """One week's value (or the range's total): ``value`` is None when nothing to count."""

    week: dt.date  # the Monday
    value: float | None
    numerator: int | None = None
    denominator: int | None = None


@dataclass(frozen=True)
class Part:
    """One line of a breakdown over the whole range (an agency, an outcome code...)."""

    label: str
    value: float | None
    numerator: int | None = None
    denominator: int | None = None


@dataclass(frozen=True)
class FigureResult:
    figure: Figure
    points: tuple[Point, ...]  # the weeks asked for, oldest first
    total: Point  # over the weeks asked for (week: the first Monday)
    baseline: float | None  # median of the 52 weekly values before the latest week
    parts: tuple[Part, ...]
    filtered: bool  # the agency/locality filter was applied to this figure

    @property
    def latest(self) -> Point:
        return self.points[-1]


@dataclass(frozen=True)
class Measures:
    first_week: dt.date
    last_week: dt.date
    as_of: dt.date
    agency: str | None
    locality: str | None
    figures: tuple[FigureResult, ...]

    def figure(self, key: str) -> FigureResult:
        for result in self.figures:
            if result.figure.key == key:
                return result
        raise KeyError(key)

    @property
    def weeks(self) -> tuple[dt.date, ...]:
        return tuple(p.week for p in self.figures[0].points) if self.figures else ()
