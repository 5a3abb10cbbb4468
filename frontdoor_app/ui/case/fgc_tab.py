"""Case tab: Family Group Conference — helper F's panel when present, else the referrals."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QVBoxLayout, QWidget

from frontdoor_app.meeting.views import CaseView, FgcSummary
from frontdoor_app.ui.core.i18n import translate
from frontdoor_app.ui.widgets.rows_model import RowsModel
from frontdoor_app.ui.widgets.tables import label, make_table
from frontdoor_app.ui.widgets.words import day


def fgc_model() -> RowsModel[FgcSummary]:
    return RowsModel(
        [
            (translate("Fgc", "Stage"), lambda f: f.stage.replace("_", " ")),
            (
                translate("Fgc", "Open"),
                lambda f: translate("Fgc", "open") if f.is_open else translate("Fgc", "closed"),
            ),
            (translate("Fgc", "Team"), lambda f: f.team_name or translate("Fgc", "not routed yet")),
            (translate("Fgc", "Offered"), lambda f: day(f.offered_at)),
        ]
    )


class FgcTab(QWidget):
    """The FGC referrals of this household; an embedded FgcPanel replaces the list when set."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("FGC"))
        self.layout_ = QVBoxLayout(self)
        self.caption = label("", self, self.tr("FGC summary"))
        self.layout_.addWidget(self.caption)
        self.model = fgc_model()
        self.table = make_table(self.model, self.tr("FGC referrals"), self)
        self.layout_.addWidget(self.table, 1)
        self.panel: Any = None  # helper F's FgcPanel, embedded on first use
        self.shown_item: int | None = None

    def embed(self, panel: QWidget) -> None:
        """Show another screen's FGC panel (it follows the case through its own API)."""
        self.panel = panel
        self.table.hide()
        self.caption.hide()  # the panel says where the family stands, in its own words
        self.layout_.addWidget(panel, 1)

    def show_case(self, case: CaseView) -> None:
        self.model.set_rows(case.fgc)
        if case.fgc:
            self.caption.setText(
                (
                    translate("Fgc", "%1 FGC referral for this household.")
                    if len(case.fgc) == 1
                    else translate("Fgc", "%1 FGC referrals for this household.")
                ).replace("%1", str(len(case.fgc)))
            )
        else:
            self.caption.setText(
                translate(
                    "Fgc",
                    "No FGC referral for this household. Choosing the outcome "
                    "“FGC offer” in the decision starts one.",
                )
            )
