"""How figures are written out: words for a value, small counts suppressed, CSV and JSON."""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

from .model import COUNT, MEDIAN, Figure, Measures, Part, Point

DASH = "—"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def suppressed(count: int | None, threshold: int) -> str:
    """A count for a breakdown: 1 to threshold-1 is shown as "<threshold", never the number."""
    if count is None:
        return DASH
    if 0 < count < threshold:
        return f"<{threshold}"
    return str(count)


def number(value: float | None, unit: str = "") -> str:
    if value is None:
        return DASH
    text = f"{value:.0f}" if unit == "%" or value == int(value) else f"{value:.1f}"
    return f"{text}%" if unit == "%" else text


def shown(fig: Figure, point: Point | Part, threshold: int | None = None) -> str:
    """A value in words for a table: "12", "75% (3 of 4)", "13.5 (9 cases)" or "—".

    With ``threshold``, counts under it are suppressed (breakdowns on the report card).
    """

    def count(n: int | None) -> str:
        return suppressed(n, threshold) if threshold else str(n if n is not None else DASH)

    if fig.kind == COUNT:
        return count(point.numerator)
    if fig.kind == MEDIAN:
        return f"{number(point.value)} ({point.numerator or 0} measured)"
    if point.value is None:
        return DASH
    if threshold and point.denominator is not None and 0 < point.denominator < threshold:
        return f"{DASH} (fewer than {threshold})"
    return f"{number(point.value, '%')} ({count(point.numerator)} of {count(point.denominator)})"


def safe_cell(value: Any) -> Any:
    """A CSV cell a spreadsheet will not run as a formula: text starting =, +, -, @ gets '."""
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _NUMBER.match(value):
        return "'" + value
    return value


def rows(measures: Measures, threshold: int) -> list[list[Any]]:
    """One row per figure and week, then per figure and breakdown line (suppressed)."""
    out: list[list[Any]] = [
        [
            "figure",
            "title",
            "group",
            "kind",
            "week",
            "breakdown",
            "value",
            "numerator",
            "denominator",
            "baseline",
        ]
    ]
    for result in measures.figures:
        fig = result.figure
        base = "" if result.baseline is None else round(result.baseline, 2)
        for point in result.points:
            out.append(
                [
                    fig.key,
                    fig.title,
                    fig.group,
                    fig.kind,
                    point.week.isoformat(),
                    "",
                    _num(point.value),
                    _int(point.numerator),
                    _int(point.denominator),
                    base,
                ]
            )
        for part in result.parts:
            n = suppressed(part.numerator, threshold)
            d = "" if part.denominator is None else suppressed(part.denominator, threshold)
            hidden = n.startswith("<") or d.startswith("<")
            value = "" if hidden or part.value is None else round(part.value, 2)
            out.append(
                [fig.key, fig.title, fig.group, fig.kind, "range", part.label, value, n, d, ""]
            )
    return out


def _num(value: float | None) -> Any:
    if value is None:
        return ""
    return int(value) if value == int(value) else round(value, 2)


def _int(value: int | None) -> Any:
    return "" if value is None else value


def as_csv(measures: Measures, threshold: int) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows(measures, threshold):
        writer.writerow([safe_cell(c) for c in row])
    return buffer.getvalue()


def as_json(measures: Measures, threshold: int) -> str:
    data = {
        "first_week": measures.first_week.isoformat(),
        "last_week": measures.last_week.isoformat(),
        "as_of": measures.as_of.isoformat(),
        "agency": measures.agency,
        "locality": measures.locality,
        "small_count_threshold": threshold,
        "figures": [
            {
                "key": r.figure.key,
                "title": r.figure.title,
                "group": r.figure.group,
                "kind": r.figure.kind,
                "unit": r.figure.unit,
                "definition": r.figure.definition,
                "filtered": r.filtered,
                "baseline": r.baseline,
                "weeks": [
                    {
                        "week": p.week.isoformat(),
                        "value": p.value,
                        "numerator": p.numerator,
                        "denominator": p.denominator,
                    }
                    for p in r.points
                ],
                "total": {
                    "value": r.total.value,
                    "numerator": r.total.numerator,
                    "denominator": r.total.denominator,
                },
                "breakdown": [
                    {
                        "label": p.label,
                        "count": suppressed(p.numerator, threshold),
                        "of": None
                        if p.denominator is None
                        else suppressed(p.denominator, threshold),
                    }
                    for p in r.parts
                ],
            }
            for r in measures.figures
        ],
    }
    return json.dumps(data, indent=2, ensure_ascii=False)
