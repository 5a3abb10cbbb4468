"""Case tab: the incident as the police sent it."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from frontdoor_app.meeting.views import CaseView
from frontdoor_app.ui.widgets.tables import label, yes_no
from frontdoor_app.ui.widgets.words import day_time, risk_label


class IncidentTab(QWidget):
    """Police summary, risk flags and the narrative."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("Incident"))
        layout = QVBoxLayout(self)
        self.summary = label("", self, self.tr("Incident summary"))
        self.summary.setObjectName("incidentSummary")
        layout.addWidget(self.summary)
        form = QFormLayout()
        self.fields: dict[str, QLabel] = {}
        for key, caption in (
            ("police_ref", self.tr("Police reference")),
            ("incident_at", self.tr("Incident")),
            ("received_at", self.tr("Received")),
            ("offence", self.tr("Offence")),
            ("dash", self.tr("DASH")),
            ("flags", self.tr("Risk flags")),
            ("children_present", self.tr("Children present")),
            ("address", self.tr("Address")),
            ("officer", self.tr("Officer")),
        ):
            value = label("", self, caption)
            self.fields[key] = value
            form.addRow(caption + ":", value)
        layout.addLayout(form)
        heading = QLabel(self.tr("Police narrative"), self)
        heading.setAccessibleName(self.tr("Police narrative"))
        layout.addWidget(heading)
        self.narrative = QPlainTextEdit(self)
        self.narrative.setReadOnly(True)
        self.narrative.setAccessibleName(self.tr("Police narrative"))
        heading.setBuddy(self.narrative)
        layout.addWidget(self.narrative, 1)

    def show_case(self, case: CaseView) -> None:
        inc = case.incident
        self.summary.setText(inc.summary)
        dash = risk_label(inc.dash_risk, short=False)
        if inc.dash_yes is not None:
            dash += " · " + (
                self.tr("1 yes answer")
                if inc.dash_yes == 1
                else self.tr("%1 yes answers").replace("%1", str(inc.dash_yes))
            )
        values = {
            "police_ref": inc.police_ref + (f" · {inc.force}" if inc.force else ""),
            "incident_at": day_time(inc.incident_at)
            + (f" · {inc.incident_type}" if inc.incident_type else ""),
            "received_at": day_time(inc.received_at),
            "offence": inc.offence or self.tr("not stated"),
            "dash": dash,
            "flags": ", ".join(inc.risk_flags) or self.tr("none"),
            "children_present": yes_no(inc.children_present),
            "address": f"{inc.address}, {inc.postcode}",
            "officer": inc.officer or self.tr("not stated"),
        }
        for key, text in values.items():
            self.fields[key].setText(text)
            self.fields[key].setAccessibleDescription(text)
        self.narrative.setPlainText(inc.narrative or self.tr("No narrative was sent."))
