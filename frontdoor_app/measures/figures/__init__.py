"""Every figure of the weekly report card: its definition in words, beside its SQL.

Each figure is one function registered with ``@figure(...)``; the words in ``definition``
are what the screen's tooltips and the report card's appendix show, so an analyst can
check the SQL below them against them. The function gets the days table ``d``
(``calendar.days_table``: one row per local day, with its week's bucket) and returns rows:

- count and share figures: ``(bucket, part, numerator, denominator)``; a count's
  denominator is None; ``part`` is the breakdown's label ("" when there is none);
- median figures: ``(bucket, part, value)``, one row per thing measured.
"""

from __future__ import annotations

from frontdoor_app.models.journal import MINUTES_ENTITY

from ..model import GROUPS, Figure
from . import better_off, how_much, how_well
from .base import REGISTERED, Ask, Compute, Rows

# Every module registers its figures on import; listed by group, each group's in its order.
FIGURES: list[tuple[Figure, Compute]] = sorted(
    REGISTERED, key=lambda registered: GROUPS.index(registered[0].group)
)
FIGURE_MODULES = (how_much, how_well, better_off)

__all__ = ["FIGURES", "MINUTES_ENTITY", "Ask", "Compute", "Rows"]
