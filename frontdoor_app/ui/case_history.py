"""Case tab: the household's timeline, newest first."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QVBoxLayout, QWidget

from frontdoor_app.meeting.views import CaseView, HistoryEvent

from .case_common import day, label, make_table
from .case_models import RowsModel

KIND_WORDS = {"notification": "Notification", "meeting": "Meeting", "action": "Action",
              "fgc": "FGC"}  # fmt: skip


def _t(text: str) -> str:
    return QCoreApplication.translate("History", text)


def history_model() -> RowsModel[HistoryEvent]:
    return RowsModel(
        [
            (_t("Date"), lambda e: day(e.at)),
            (_t("What"), lambda e: _t(KIND_WORDS.get(e.kind, e.kind))),
            (_t("Summary"), lambda e: e.title),
            (_t("Detail"), lambda e: e.detail),
            (_t("Status"), lambda e: (e.status or "").replace("_", " ")),
        ],
        describe=lambda e: f"{day(e.at)}: {e.title}. {e.detail} {e.status or ''}",
    )


class HistoryTab(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("History"))
        layout = QVBoxLayout(self)
        self.caption = label("", self, self.tr("History summary"))
        layout.addWidget(self.caption)
        self.model = history_model()
        self.table = make_table(self.model, self.tr("Household history"), self, stretch_column=3)
        layout.addWidget(self.table, 1)

    def show_case(self, case: CaseView) -> None:
        self.model.set_rows(case.history)
        if case.history:
            self.caption.setText(self.tr("%1 earlier events for this household, newest first")
                                 .replace("%1", str(len(case.history))))  # fmt: skip
        else:
            self.caption.setText(self.tr("No earlier history: this household is new to the "
                                         "front door."))  # fmt: skip
