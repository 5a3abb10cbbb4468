"""The weekly report card: how much did we do, how well, is anyone better off.

Plain functions computing every figure in SQL from the meeting's own data, returning
frozen dataclasses (``model``); each figure's definition is written once, in words,
beside its SQL (``figures``). No Qt here: the screen (ui.measures_screen), the PDF
(export.report_card) and the command (commands.measures) read what ``compute`` returns.
"""

from __future__ import annotations

from .calendar import add_months, next_working_day, week_start
from .compute import MeasuresError, compute, default_range, figures
from .model import (
    BETTER_OFF,
    COUNT,
    GROUPS,
    HOW_MUCH,
    HOW_WELL,
    MEDIAN,
    SHARE,
    Figure,
    FigureResult,
    Measures,
    Part,
    Point,
)
from .output import as_csv, as_json, shown, suppressed

__all__ = [
    "BETTER_OFF",
    "COUNT",
    "GROUPS",
    "HOW_MUCH",
    "HOW_WELL",
    "MEDIAN",
    "SHARE",
    "Figure",
    "FigureResult",
    "Measures",
    "MeasuresError",
    "Part",
    "Point",
    "add_months",
    "as_csv",
    "as_json",
    "compute",
    "default_range",
    "figures",
    "next_working_day",
    "shown",
    "suppressed",
    "week_start",
]
