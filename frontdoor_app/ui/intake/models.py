"""Item models of the import screen: the quarantine and the possible matches (plain rows)."""

from __future__ import annotations

from collections.abc import Callable

from frontdoor_app.intake.links import MatchRow, PersonSummary
from frontdoor_app.intake.quarantine import QuarantineRow
from frontdoor_app.ui.core.i18n import translate
from frontdoor_app.ui.widgets.rows_model import RowsModel


def _problems_text(row: QuarantineRow) -> str:
    if not row.problems:
        return ""
    first = row.problems[0]
    more = len(row.problems) - 1
    text = f"{first.field}: {first.message}"
    return text + (translate("ImportModels", " (+{0} more)").format(more) if more else "")


def _status(row: QuarantineRow) -> str:
    words = {
        "waiting": translate("ImportModels", "Waiting"),
        "corrected": translate("ImportModels", "Corrected and imported"),
        "discarded": translate("ImportModels", "Discarded"),
    }
    text = words.get(row.status, row.status)
    if row.status == "discarded" and row.resolution_reason:
        text += f": {row.resolution_reason}"
    return text


def quarantine_model() -> RowsModel[QuarantineRow]:
    columns: list[tuple[str, Callable[[QuarantineRow], str]]] = [
        (
            translate("ImportModels", "Police ref"),
            lambda r: r.police_ref or translate("ImportModels", "(none)"),
        ),
        (translate("ImportModels", "File"), lambda r: r.file_name),
        (translate("ImportModels", "Lines"), lambda r: ", ".join(str(n) for n in r.lines)),
        (translate("ImportModels", "Problems"), lambda r: str(len(r.problems))),
        (translate("ImportModels", "Status"), _status),
        (translate("ImportModels", "First problem"), _problems_text),
    ]

    def tooltip(r: QuarantineRow) -> str:
        return "\n".join(f"{p.field} {p.value!r}: {p.message}" for p in r.problems)

    return RowsModel(columns, describe=tooltip)


def person_text(p: PersonSummary) -> str:
    parts = [
        p.name or translate("ImportModels", "(no name)"),
        translate("ImportModels", "born {0}").format(p.born),
    ]
    if p.postcode:
        parts.append(p.postcode)
    return " · ".join(parts)


def _decision(row: MatchRow) -> str:
    words = {
        "possible": translate("ImportModels", "Waiting for a person"),
        "linked": translate("ImportModels", "Linked automatically")
        if row.decided_by == "auto"
        else translate("ImportModels", "Linked"),
        "rejected": translate("ImportModels", "Not the same person"),
        "undone": translate("ImportModels", "Link undone"),
    }
    return words.get(row.status, row.status)


def match_model() -> RowsModel[MatchRow]:
    columns: list[tuple[str, Callable[[MatchRow], str]]] = [
        (translate("ImportModels", "Police ref"), lambda r: r.police_ref),
        (translate("ImportModels", "Role"), lambda r: r.role.replace("_", " ")),
        (translate("ImportModels", "As sent by the police"), lambda r: person_text(r.incoming)),
        (translate("ImportModels", "⇄"), lambda r: "⇄"),
        (translate("ImportModels", "Known person"), lambda r: person_text(r.known)),
        (translate("ImportModels", "Score"), lambda r: f"{round(r.score * 100)} %"),
        (translate("ImportModels", "Decision"), _decision),
        (translate("ImportModels", "Why"), lambda r: "; ".join(r.reasons)),
    ]

    def tooltip(r: MatchRow) -> str:
        return "\n".join(r.reasons)

    return RowsModel(columns, describe=tooltip)
