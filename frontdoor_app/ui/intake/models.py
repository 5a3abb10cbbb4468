"""Item models of the import screen: the quarantine and the possible matches (plain rows)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication

from frontdoor_app.intake.links import MatchRow, PersonSummary
from frontdoor_app.intake.quarantine import QuarantineRow
from frontdoor_app.ui.widgets.rows_model import RowsModel


def _tr(text: str) -> str:
    return QCoreApplication.translate("ImportModels", text)


def _problems_text(row: QuarantineRow) -> str:
    if not row.problems:
        return ""
    first = row.problems[0]
    more = len(row.problems) - 1
    text = f"{first.field}: {first.message}"
    return text + (_tr(" (+{0} more)").format(more) if more else "")


def _status(row: QuarantineRow) -> str:
    words = {
        "waiting": _tr("Waiting"),
        "corrected": _tr("Corrected and imported"),
        "discarded": _tr("Discarded"),
    }
    text = words.get(row.status, row.status)
    if row.status == "discarded" and row.resolution_reason:
        text += f": {row.resolution_reason}"
    return text


def quarantine_model() -> RowsModel[QuarantineRow]:
    columns: list[tuple[str, Callable[[QuarantineRow], str]]] = [
        (_tr("Police ref"), lambda r: r.police_ref or _tr("(none)")),
        (_tr("File"), lambda r: r.file_name),
        (_tr("Lines"), lambda r: ", ".join(str(n) for n in r.lines)),
        (_tr("Problems"), lambda r: str(len(r.problems))),
        (_tr("Status"), _status),
        (_tr("First problem"), _problems_text),
    ]

    def tooltip(r: QuarantineRow) -> str:
        return "\n".join(f"{p.field} {p.value!r}: {p.message}" for p in r.problems)

    return RowsModel(columns, describe=tooltip)


def person_text(p: PersonSummary) -> str:
    parts = [p.name or _tr("(no name)"), _tr("born {0}").format(p.born)]
    if p.postcode:
        parts.append(p.postcode)
    return " · ".join(parts)


def _decision(row: MatchRow) -> str:
    words = {
        "possible": _tr("Waiting for a person"),
        "linked": _tr("Linked automatically") if row.decided_by == "auto" else _tr("Linked"),
        "rejected": _tr("Not the same person"),
        "undone": _tr("Link undone"),
    }
    return words.get(row.status, row.status)


def match_model() -> RowsModel[MatchRow]:
    columns: list[tuple[str, Callable[[MatchRow], str]]] = [
        (_tr("Police ref"), lambda r: r.police_ref),
        (_tr("Role"), lambda r: r.role.replace("_", " ")),
        (_tr("As sent by the police"), lambda r: person_text(r.incoming)),
        (_tr("⇄"), lambda r: "⇄"),
        (_tr("Known person"), lambda r: person_text(r.known)),
        (_tr("Score"), lambda r: f"{round(r.score * 100)} %"),
        (_tr("Decision"), _decision),
        (_tr("Why"), lambda r: "; ".join(r.reasons)),
    ]

    def tooltip(r: MatchRow) -> str:
        return "\n".join(r.reasons)

    return RowsModel(columns, describe=tooltip)
