"""The opening review's agencies: each agency with open actions from earlier meetings, its
counts, and whether anyone is here for it today.

At the opening the chair goes through the open actions agency by agency and asks the one
who is here for each what is late and what falls due today. The list says, per agency,
how many are open, overdue and due today, and who is attending for it (present, apologies,
information sent, or nobody recorded yet), so the chair knows whom to ask and which
agencies' actions wait for an answer from outside the room. The first row is every agency.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from frontdoor_app.meeting.views import ActionView, AgencyActions, AttendanceRow
from frontdoor_app.ui.core.i18n import translate
from frontdoor_app.ui.meeting.attendance_dialog import STATUS_WORDS
from frontdoor_app.ui.widgets.rows_model import RowsModel

# One agency may have several people in the list: the one who is here speaks for it.
ATTENDING_FIRST = ("present", "information_sent", "apologies")


@dataclass(frozen=True)
class AgencyRow:
    """One row of the list: an agency (``agency_id`` None: every agency) and its counts."""

    agency_id: int | None
    name: str
    open: int
    overdue: int
    due_today: int
    attending: str  # "present", "apologies", …, "nobody recorded yet"; all: "5 agencies present"
    actions: tuple[ActionView, ...]  # what the table shows when this row is chosen

    @property
    def id(self) -> int:  # the row's key in the model: the same agency across refreshes
        return self.agency_id if self.agency_id is not None else -1


def attending(statuses: Sequence[str]) -> str:
    """The words for an agency's attendance: its most present status, or nobody recorded."""
    for status in ATTENDING_FIRST:
        if status in statuses:
            return translate("Attendance", STATUS_WORDS[status])
    return translate("OpenActions", "nobody recorded yet")


def agency_rows(
    groups: Sequence[AgencyActions], attendance: Sequence[AttendanceRow]
) -> tuple[AgencyRow, ...]:
    """Every agency first (each agency's actions in turn), then each agency as ``groups``
    has them. Counts are the agency's whole, shown or not."""
    statuses: dict[int, list[str]] = {}
    for row in attendance:
        statuses.setdefault(row.agency_id, []).append(row.status)
    each = tuple(
        AgencyRow(
            group.agency_id,
            group.agency_name,
            max(group.total, len(group.actions)),
            group.overdue,
            group.due_today,
            attending(statuses.get(group.agency_id, ())),
            group.actions,  # by due date, so the overdue come first (``open_actions_review``)
        )
        for group in groups
    )
    present = sum(1 for s in statuses.values() if "present" in s)
    every = AgencyRow(
        None,
        translate("OpenActions", "All agencies"),
        sum(r.open for r in each),
        sum(r.overdue for r in each),
        sum(r.due_today for r in each),
        (
            translate("OpenActions", "1 agency present")
            if present == 1
            else translate("OpenActions", "%1 agencies present").replace("%1", str(present))
        ),
        tuple(a for r in each for a in r.actions),
    )
    return (every, *each)


def counts(row: AgencyRow) -> str:
    """The second line of an agency's row: "15 open · 8 overdue · 4 due today"."""
    return (
        translate("OpenActions", "%1 open · %2 overdue · %3 due today")
        .replace("%1", f"{row.open:,}")
        .replace("%2", f"{row.overdue:,}")
        .replace("%3", f"{row.due_today:,}")
    )


def agency_model() -> RowsModel[AgencyRow]:
    """One column, three lines a row (the name, its counts, who is here for it): narrow
    enough to leave the actions beside it the width of their words."""
    return RowsModel(
        [(translate("OpenActions", "Agency"), lambda r: f"{r.name}\n{counts(r)}\n{r.attending}")],
        describe=lambda r: f"{r.name}: {counts(r)}; {r.attending}",
    )
