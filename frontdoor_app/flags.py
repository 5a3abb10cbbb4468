"""The agenda flags: the JSON stored on a notification and its agenda item, read once as a
typed value, and put into words the same way on every screen and paper.

Intake works the flags out (``frontdoor_app.intake.flags``, DOMAIN.md step 2) and stores
``Flags.to_json()``; everything that reads them calls ``Flags.read(row.flags)`` and never
looks a key up itself. ``words()`` is what the agenda, the case view, the projector and the
minutes show; ``marac_words()`` what the FGC referral lists.

"Repeat" follows DOMAIN.md: the family was *discussed* at a meeting in the 12 months before
(``discussed_on``); the number of earlier *notifications* (``repeat_count``) is a separate
fact, shown as such (three or more make the MARAC criterion "potential escalation").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

# The MARAC criteria (SafeLives), in the order they are listed everywhere.
MARAC_CRITERIA: dict[str, str] = {
    "visible_high_risk": "visible high risk",
    "potential_escalation": "potential escalation",
    "repeat": "repeat within 12 months of the last MARAC",
    "professional_judgement": "professional judgement",
}
# Worked out from the notification; the meeting adds professional judgement itself.
WORKED_OUT_CRITERIA = ("visible_high_risk", "potential_escalation", "repeat")


def marac_word(code: str) -> str:
    """One MARAC criterion in words, e.g. "MARAC: visible high risk"."""
    return f"MARAC: {MARAC_CRITERIA.get(code, code.replace('_', ' '))}"


@dataclass(frozen=True)
class Flags:
    """What the stored JSON says; every field has the value an empty dictionary means."""

    marac: tuple[str, ...] = ()  # criteria codes met (keys of MARAC_CRITERIA)
    repeat: bool = False  # discussed at a meeting in the 12 months before
    repeat_count: int = 0  # earlier notifications for the household in those 12 months
    discussed_on: tuple[dt.date, ...] = ()  # those meetings' dates, newest first
    no_child: bool = False
    unborn: bool = False
    under5: bool = False
    children: int = 0
    child_ages: tuple[int, ...] = ()  # whole years, sorted (unknown ages left out)
    youngest_age_months: int | None = None
    dash_risk: str | None = None
    dash_yes: int | None = None
    carried_from: dt.date | None = None  # deferred from the meeting of that day

    @classmethod
    def read(cls, value: Any, *, children: int = 0, ages: Sequence[int] = ()) -> Flags:
        """The flags from a stored value (a dict, or anything else for none).

        ``children`` and ``ages`` are what the caller counted itself from the people
        listed: they stand in where the dictionary does not say (flags stored before the
        key existed), for the count, the ages, ``no_child`` and ``under5``.
        """
        raw: Mapping[str, Any] = value if isinstance(value, Mapping) else {}
        n_children = _int(raw.get("children", children))
        stored_ages = raw.get("child_ages")
        given = (
            tuple(sorted(int(a) for a in stored_ages if isinstance(a, int | float)))
            if isinstance(stored_ages, list | tuple)
            else tuple(sorted(ages))
        )
        return cls(
            marac=tuple(str(m) for m in raw.get("marac") or ()),
            repeat=bool(raw.get("repeat", False)),
            repeat_count=_int(raw.get("repeat_count", 0)),
            discussed_on=tuple(d for d in map(_date, raw.get("discussed_on") or ()) if d),
            no_child=bool(raw.get("no_child", n_children == 0)),
            unborn=bool(raw.get("unborn", False)),
            under5=bool(raw.get("under5", any(a < 5 for a in given))),
            children=n_children,
            child_ages=given,
            youngest_age_months=_optional_int(raw.get("youngest_age_months")),
            dash_risk=str(raw["dash_risk"]) if raw.get("dash_risk") is not None else None,
            dash_yes=_optional_int(raw.get("dash_yes")),
            carried_from=_date(raw.get("carried_from")),
        )

    def to_json(self) -> dict[str, Any]:
        """The dictionary stored on ``Notification.flags`` and ``AgendaItem.flags``."""
        out: dict[str, Any] = {
            "marac": list(self.marac),
            "repeat": self.repeat,
            "repeat_count": self.repeat_count,
            "discussed_on": [d.isoformat() for d in self.discussed_on],
            "no_child": self.no_child,
            "unborn": self.unborn,
            "under5": self.under5,
            "children": self.children,
            "child_ages": list(self.child_ages),
            "youngest_age_months": self.youngest_age_months,
            "dash_risk": self.dash_risk,
            "dash_yes": self.dash_yes,
        }
        if self.carried_from is not None:
            out["carried_from"] = self.carried_from.isoformat()
        return out

    def codes(self) -> tuple[str, ...]:
        """The agenda's short codes: M, R, U5, UB, NC (the legend explains them)."""
        marks = (
            ("M", bool(self.marac)),
            ("R", self.repeat),
            ("U5", self.under5),
            ("UB", self.unborn),
            ("NC", self.no_child),
        )
        return tuple(code for code, on in marks if on)

    def marac_words(self, professional_judgement: bool = False) -> tuple[str, ...]:
        """Each MARAC criterion met in words; the decision's own call added when made."""
        codes = list(self.marac)
        if professional_judgement and "professional_judgement" not in codes:
            codes.append("professional_judgement")
        return tuple(marac_word(c) for c in codes)

    def words(self, professional_judgement: bool = False) -> tuple[str, ...]:
        """Every flag in words, in the agenda's order (the carried note apart)."""
        words = list(self.marac_words(professional_judgement))
        if self.repeat:
            words.append("Repeat: discussed in the last 12 months")
        if self.repeat_count:
            s = "s" if self.repeat_count != 1 else ""
            words.append(f"{self.repeat_count} earlier notification{s} in 12 months")
        if self.under5:
            words.append("Child under five")
        if self.unborn:
            words.append("Unborn child (pregnancy)")
        if self.no_child:
            words.append("No child listed")
        return tuple(words)

    def carried_words(self) -> str:
        """ "Deferred from the meeting of 23 November 2026" ("" when not carried)."""
        if self.carried_from is None:
            return ""
        return f"Deferred from the meeting of {self.carried_from:%d %B %Y}"

    def children_words(self) -> str:
        """The children listed, with their ages: "2 children: 3, 7 y" ("" when none)."""
        if self.no_child or not self.children:
            return ""
        ages = self.child_ages
        listed = f": {', '.join(str(a) for a in ages)} y" if ages else ""
        return f"{self.children} child{'ren' if self.children != 1 else ''}{listed}"


def _int(value: Any) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def _optional_int(value: Any) -> int | None:
    return None if value is None else _int(value)


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None
