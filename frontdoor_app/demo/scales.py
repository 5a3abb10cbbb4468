"""How big a synthetic city is."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    name: str
    years: float
    # Households are drawn until the history holds at least this many notifications.
    notifications: int
    # Notifications in today's feed (yesterday's cut-off to this morning).
    feed: int
    # Intelligence entries are written for meetings this many days back (all when None):
    # older meetings keep their decisions and actions, which is what history shows.
    intelligence_days: int | None = None
    # Households drawn to come back; a short history cuts repeats off, so it draws more.
    repeat_share: float = 0.36


SCALES: dict[str, Scale] = {
    "small": Scale("small", years=1.5, notifications=700, feed=32, repeat_share=0.55),
    "city": Scale("city", years=7.0, notifications=120_500, feed=55, intelligence_days=2 * 365),
}


def scale_named(name: str) -> Scale:
    try:
        return SCALES[name]
    except KeyError:
        raise ValueError(f"scale must be one of {', '.join(SCALES)}, not {name!r}") from None
