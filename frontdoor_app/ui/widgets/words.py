"""How the screens put the meeting into words: risks, statuses, flags, times, the title bar.

Plain text only, no widgets and no Qt namespace, so it is cheap to import: the window's
first paint (``start_window``) writes the agenda with the same words as the agenda table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from frontdoor_app.ui.core.i18n import translate

if TYPE_CHECKING:
    from frontdoor_app.meeting.agenda_rows import AgendaRow, MeetingView

LONDON = "Europe/London"


@cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def local(moment: dt.datetime | None, zone: str = LONDON) -> dt.datetime | None:
    if moment is None:
        return None
    if moment.tzinfo is None:  # SQLite hands back naive values: they are UTC
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(_zone(zone))


def hhmm(moment: dt.datetime | None) -> str:
    """Hours and minutes, 09:42, on London's clock (written without ``strftime``, which
    takes twelve times as long: each laptop writes a new entry's time to measure and paint
    its row)."""
    value = local(moment)
    return f"{value.hour:02d}:{value.minute:02d}" if value else ""


def day_time(moment: dt.datetime | None) -> str:
    value = local(moment)
    return value.strftime("%d %b %Y %H:%M") if value else ""


def day(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        local_value = local(value)
        assert local_value is not None
        value = local_value.date()
    return value.strftime("%a %d %b %Y")


def risk_label(risk: str | None, short: bool = True) -> str:
    """Risk as a shape AND a word, never colour alone: ▲ HIGH, ◆ MED, ● STD."""
    if risk == "high":
        return translate("Agenda", "▲ HIGH")
    if risk == "medium":
        return translate("Agenda", "◆ MED") if short else translate("Agenda", "◆ MEDIUM")
    if risk == "standard":
        return translate("Agenda", "● STD") if short else translate("Agenda", "● STANDARD")
    return translate("Agenda", "? unknown")


def status_mark(status: str) -> str:
    return {"current": "▶", "discussed": "✓", "deferred": "→", "waiting": " "}.get(status, " ")


def status_word(status: str) -> str:
    return {
        "current": translate("Agenda", "current"),
        "discussed": translate("Agenda", "discussed"),
        "deferred": translate("Agenda", "deferred to next meeting"),
        "waiting": translate("Agenda", "waiting"),
    }.get(status, status)


MEETING_STATUS_WORDS = {
    "planned": "meeting not opened yet",
    "in_progress": "meeting in progress",
    "closed": "meeting closed",
}


def meeting_title(meeting: MeetingView | None, now: dt.datetime) -> str:
    """The title bar: "Front door · Monday 23 Nov 2026 · meeting in progress · 09:41   Chair: …"."""
    parts = [translate("Agenda", "Front door")]
    if meeting is not None:
        parts.append(meeting.meeting_date.strftime("%A %d %b %Y"))
        parts.append(translate("Agenda", MEETING_STATUS_WORDS.get(meeting.status, meeting.status)))
    parts.append(hhmm(now))
    text = " · ".join(parts)
    if meeting is not None and meeting.chair_name:
        text += "   " + translate("Agenda", "Chair: %1").replace("%1", meeting.chair_name)
    return text


FLAG_LEGEND = (
    ("M", "MARAC criterion"),
    ("R", "repeat family"),
    ("U5", "child under five"),
    ("UB", "unborn child"),
    ("NC", "no child listed"),
)


def flag_legend_text() -> str:
    return " · ".join(f"{code} {translate('Agenda', words)}" for code, words in FLAG_LEGEND)


def agenda_heading(rows: Sequence[AgendaRow]) -> str:
    """ "AGENDA  32 cases · 4 done" above the agenda (one case: "1 case")."""
    done = sum(1 for r in rows if r.status == "discussed")
    text = (
        translate("Agenda", "AGENDA  %1 case · %2 done")
        if len(rows) == 1
        else translate("Agenda", "AGENDA  %1 cases · %2 done")
    )
    return text.replace("%1", str(len(rows))).replace("%2", str(done))


def agenda_summary(waiting: int, rows: Sequence[AgendaRow]) -> str:
    """ "To discuss: 28 · Deferred: 1" under the agenda."""
    deferred = sum(1 for r in rows if r.status == "deferred")
    return (
        translate("Agenda", "To discuss: %1 · Deferred: %2")
        .replace("%1", str(waiting))
        .replace("%2", str(deferred))
    )


AGENDA_COLUMNS = ("status", "number", "risk", "household", "children", "flags")


def agenda_headers() -> tuple[str, ...]:
    return (
        translate("Agenda", "Status"),
        translate("Agenda", "No."),
        translate("Agenda", "Risk"),
        translate("Agenda", "Household"),
        translate("Agenda", "Children"),
        translate("Agenda", "Flags"),
    )


def agenda_cell(row: AgendaRow, column: str) -> str:
    """One cell of the agenda table, as the table and the first look both show it."""
    if column == "status":
        return status_mark(row.status)
    if column == "number":
        return str(row.position)
    if column == "risk":
        return risk_label(row.agreed_risk or row.dash_risk)
    if column == "household":
        return row.household_name or row.initials or row.police_ref
    if column == "children":
        children = row.children  # a plain name: lupdate reads no attribute as the count
        return (
            translate("Agenda", "%n ch", "", children) if children else translate("Agenda", "none")
        )
    if column == "flags":
        return " ".join(row.flag_codes)
    return ""


def agenda_row_words(row: AgendaRow) -> str:
    """The whole row in words, for tooltips and screen readers."""
    parts = [
        translate("Agenda", "Case %1").replace("%1", str(row.position)),
        status_word(row.status),
        risk_label(row.agreed_risk or row.dash_risk, short=False),
        row.household_name or row.initials,
        translate("Agenda", "%1 children").replace("%1", str(row.children)),
    ]
    parts.extend(row.flag_texts)
    return ", ".join(p for p in parts if p)
