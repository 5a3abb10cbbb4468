"""Case tab: the household — people, roles, ages, schools."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from frontdoor_app.meeting.views import CaseView, PersonView
from frontdoor_app.ui.core.i18n import translate
from frontdoor_app.ui.widgets.rows_model import RowsModel
from frontdoor_app.ui.widgets.tables import label, make_table

ROLE_WORDS = {
    "victim": "Victim",
    "perpetrator": "Person who harmed",
    "child": "Child",
    "other_adult": "Other adult",
}


def role_word(role: str) -> str:
    return translate("Household", ROLE_WORDS.get(role, role))


def member_model() -> RowsModel[PersonView]:
    return RowsModel(
        [
            (translate("Household", "Role"), lambda p: role_word(p.role)),
            (translate("Household", "Name"), lambda p: f"{p.forenames} {p.surname}".strip()),
            (translate("Household", "Age"), lambda p: p.age_text),
            (
                translate("Household", "Date of birth"),
                lambda p: p.dob.strftime("%d %b %Y") if p.dob else "",
            ),
            (translate("Household", "Gender"), lambda p: p.gender or ""),
            (translate("Household", "Relationship"), lambda p: p.relationship_to_victim or ""),
            (translate("Household", "School"), lambda p: p.school or ""),
        ],
        describe=lambda p: f"{role_word(p.role)}: {p.forenames} {p.surname}, {p.age_text}",
    )


class HouseholdTab(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("Household"))
        layout = QVBoxLayout(self)
        self.address = label("", self, self.tr("Household address and locality"))
        layout.addWidget(self.address)
        self.model = member_model()
        self.table = make_table(self.model, self.tr("Household members"), self, stretch_column=1)
        layout.addWidget(self.table, 1)

    def show_case(self, case: CaseView) -> None:
        h = case.household
        parts = [
            h.reference and self.tr("Household %1").replace("%1", h.reference),
            h.address,
            h.postcode,
            h.locality_name and self.tr("locality: %1").replace("%1", h.locality_name),
        ]
        self.address.setText(" · ".join(p for p in parts if p) or self.tr("No household linked"))
        self.model.set_rows(h.members)
