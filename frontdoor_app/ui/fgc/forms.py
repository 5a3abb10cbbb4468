"""The FGC panel's parts: consent, the invite list, safeguards, stage and routing forms.

Each part is a group box with its own fields and a ``fill`` for the plain ReferralView;
the panel wires their buttons to domain calls on the worker.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from frontdoor_app.fgc.gate import VictimSays
from frontdoor_app.fgc.people import HouseholdPerson, NewPerson
from frontdoor_app.fgc.views import (
    ConsentView,
    InviteeView,
    ReferralView,
    RemovedInviteeView,
    SafeguardView,
)
from frontdoor_app.models.fgc import VICTIM_HOW
from frontdoor_app.ui.core.i18n import translate
from frontdoor_app.ui.widgets.rows_model import RowsModel
from frontdoor_app.ui.widgets.tables import make_table
from frontdoor_app.ui.widgets.words import day, day_time


def tick(value: bool) -> str:
    return translate("FgcPanel", "✓ yes") if value else translate("FgcPanel", "✗ no")


def fit_rows(table: QTableView) -> QTableView:
    """A table as tall as its rows (the panel scrolls), not a fixed empty block."""
    table.setSizeAdjustPolicy(QAbstractScrollArea.SizeAdjustPolicy.AdjustToContents)
    table.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum)
    return table


def wrapped(text: str, name: str, parent: QWidget, accessible: str) -> QLabel:
    """A word-wrapping label styled by ``name`` and read out as ``accessible``."""
    label = QLabel(text, parent)
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setAccessibleName(accessible)
    return label


class VictimDecisionForm(QGroupBox):
    """How the victim gave a decision: which person, how, when, and who relayed it."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        form = QFormLayout(self)
        self.person = QComboBox(self)
        self.person.setAccessibleName(self.tr("Given by"))
        self.how = QComboBox(self)
        self.how.setAccessibleName(self.tr("How it was given"))
        for key, words in VICTIM_HOW.items():
            self.how.addItem(words, key)
        self.when = QDateTimeEdit(self)
        self.when.setCalendarPopup(True)
        self.when.setDisplayFormat("ddd dd MMM yyyy HH:mm")
        self.when.setAccessibleName(self.tr("When it was given"))
        self.relayed = QLineEdit(self)
        self.relayed.setPlaceholderText(self.tr("Name and role, when someone relayed it (IDVA…)"))
        form.addRow(self.tr("Given &by"), self.person)
        form.addRow(self.tr("Ho&w"), self.how)
        form.addRow(self.tr("W&hen"), self.when)
        form.addRow(self.tr("Relayed b&y"), self.relayed)
        # "When" follows the clock until someone sets it; a refresh (someone else's step
        # reaching this panel) never moves a time that was typed.
        self.when_typed = False
        self.when.dateTimeChanged.connect(self._when_changed)
        self._setting_when = False

    def _when_changed(self) -> None:
        if not self._setting_when:
            self.when_typed = True

    def _now(self) -> None:
        self._setting_when = True
        try:
            self.when.setDateTime(QDateTime.currentDateTime())
        finally:
            self._setting_when = False

    def fill_people(self, people: tuple[HouseholdPerson, ...], victims_only: bool = True) -> None:
        current = self.person.currentData()
        self.person.clear()
        for p in people:
            if p.role == "victim" or not victims_only:
                self.person.addItem(p.label, p.person_id)
        index = self.person.findData(current)
        self.person.setCurrentIndex(max(index, 0))
        if not self.when_typed:
            self._now()

    def clear(self) -> None:
        """Recorded (or kept on the laptop): who relayed it goes, and "when" is now again."""
        self.relayed.clear()
        self.when_typed = False
        self._now()

    def given(self) -> VictimSays:
        when = dt.datetime.fromtimestamp(self.when.dateTime().toSecsSinceEpoch(), dt.UTC)
        return VictimSays(
            self.person.currentData(), self.how.currentData(), when, self.relayed.text() or None
        )


class ConsentBox(QGroupBox):
    """Who consented (a person of the household), when and how, and who relayed it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Consent (who, when, how)"), parent)
        layout = QVBoxLayout(self)
        self.model: RowsModel[ConsentView] = RowsModel(
            [
                (translate("FgcPanel", "Consent"), lambda c: c.kind_words),
                (translate("FgcPanel", "Who"), lambda c: c.person_name),
                (translate("FgcPanel", "How"), lambda c: c.how),
                (translate("FgcPanel", "When"), lambda c: day_time(c.at)),
                (translate("FgcPanel", "Recorded by"), lambda c: c.recorded_by),
                (
                    translate("FgcPanel", "Status"),
                    lambda c: (
                        translate("FgcPanel", "withdrawn ") + day(c.withdrawn_at)
                        if c.withdrawn_at
                        else translate("FgcPanel", "in force")
                    ),
                ),
            ]
        )
        self.table = fit_rows(make_table(self.model, self.tr("Consents"), self))
        layout.addWidget(self.table)
        form = QFormLayout()
        self.kind = QComboBox(self)
        self.kind.addItem(self.tr("The victim"), "victim")
        self.kind.addItem(
            self.tr("A person with parental responsibility"), "parental_responsibility"
        )
        form.addRow(self.tr("&Consent of"), self.kind)
        layout.addLayout(form)
        self.given = VictimDecisionForm(self.tr("Given by"), self)
        layout.addWidget(self.given)
        self.record = QPushButton(self.tr("Record consent"), self)
        self.withdraw = QPushButton(self.tr("Withdraw selected consent…"), self)
        row = QHBoxLayout()
        row.addWidget(self.record)
        row.addWidget(self.withdraw)
        row.addStretch(1)
        layout.addLayout(row)
        self.people: tuple[HouseholdPerson, ...] = ()
        self.kind.currentIndexChanged.connect(self._kind_changed)

    def _kind_changed(self) -> None:
        adults = tuple(p for p in self.people if p.role != "child")
        self.given.fill_people(adults, victims_only=self.kind.currentData() == "victim")

    def fill(self, referral: ReferralView, people: tuple[HouseholdPerson, ...] = ()) -> None:
        self.model.set_rows(referral.consents)
        self.people = people
        self._kind_changed()


class InviteBox(QGroupBox):
    """The invite list: people of the household or new people; the victim decides; the
    person who harmed (however spelled) only with all three answers."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Invite list (the victim decides who is invited)"), parent)
        layout = QVBoxLayout(self)
        self.model: RowsModel[InviteeView] = RowsModel(
            [
                (translate("FgcPanel", "Name"), lambda i: i.name),
                (translate("FgcPanel", "Relationship"), lambda i: i.relationship or ""),
                (
                    translate("FgcPanel", "Approved by the victim"),
                    lambda i: tick(i.approved_by_victim),
                ),
                (
                    translate("FgcPanel", "Person who harmed"),
                    lambda i: (
                        translate("FgcPanel", "⚠ yes")
                        if i.is_person_who_harmed or i.warning
                        else ""
                    ),
                ),
                (
                    translate("FgcPanel", "Victim asked"),
                    lambda i: tick(i.victim_requested) if i.is_person_who_harmed else "",
                ),
                (
                    translate("FgcPanel", "Acknowledges abuse"),
                    lambda i: tick(i.acknowledges_abuse) if i.is_person_who_harmed else "",
                ),
                (
                    translate("FgcPanel", "Willing to address it"),
                    lambda i: tick(i.willing_to_address) if i.is_person_who_harmed else "",
                ),
            ]
        )
        self.table = fit_rows(
            make_table(self.model, self.tr("Invite list"), self, stretch_column=0)
        )
        layout.addWidget(self.table)
        self.warning = wrapped(
            "", "fgcHarmedWarning", self, self.tr("The person who harmed: warning")
        )
        layout.addWidget(self.warning)
        self.removed = wrapped("", "fgcRemoved", self, self.tr("Taken off the list"))
        layout.addWidget(self.removed)
        pick = QGroupBox(self.tr("Invite someone"), self)
        form = QFormLayout(pick)
        self.household = QComboBox(pick)
        self.household.setAccessibleName(self.tr("From the household"))
        self.add_household = QPushButton(self.tr("Add from the household"), pick)
        row = QHBoxLayout()
        row.addWidget(self.household, 1)
        row.addWidget(self.add_household)
        form.addRow(self.tr("From the household"), row)
        self.forenames = QLineEdit(pick)
        self.surname = QLineEdit(pick)
        self.contact = QLineEdit(pick)
        self.contact.setPlaceholderText(self.tr("Phone or address"))
        self.add_new = QPushButton(self.tr("Add new person"), pick)
        form.addRow(self.tr("Or a new person: &forenames"), self.forenames)
        form.addRow(self.tr("&Surname"), self.surname)
        form.addRow(self.tr("C&ontact"), self.contact)
        self.relationship = QLineEdit(pick)
        self.relationship.setPlaceholderText(self.tr("grandmother, aunt, family friend…"))
        form.addRow(self.tr("&Relationship to the child"), self.relationship)
        self.approved = QCheckBox(
            self.tr("The victim &approves this person (as given below)"), pick
        )
        form.addRow("", self.approved)
        form.addRow("", self.add_new)
        layout.addWidget(pick)
        harmed = QGroupBox(self.tr("The person who harmed: all three must be yes"), self)
        harmed_layout = QVBoxLayout(harmed)
        self.victim_requested = QCheckBox(
            self.tr("The &victim asked for them to attend (as given below)"), harmed
        )
        self.acknowledges = QCheckBox(self.tr("They ac&knowledge the abuse"), harmed)
        self.willing = QCheckBox(self.tr("They are &willing to address it"), harmed)
        for box in (self.victim_requested, self.acknowledges, self.willing):
            harmed_layout.addWidget(box)
        self.harmed_hint = wrapped(
            "", "fgcHarmedHint", harmed, self.tr("Recorded as the person who harmed")
        )
        harmed_layout.addWidget(self.harmed_hint)
        layout.addWidget(harmed)
        self.given = VictimDecisionForm(self.tr("The victim's decision, as she gave it"), self)
        layout.addWidget(self.given)
        row = QHBoxLayout()
        self.approve = QPushButton(self.tr("Victim approves selected"), self)
        self.three = QPushButton(self.tr("Record the three answers for selected"), self)
        self.withdraw_request = QPushButton(self.tr("Victim withdraws the request…"), self)
        self.remove = QPushButton(self.tr("Remove selected…"), self)
        for button in (self.approve, self.three, self.withdraw_request, self.remove):
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)

    def fill(
        self,
        referral: ReferralView,
        people_who_harmed: tuple[str, ...],
        people: tuple[HouseholdPerson, ...] = (),
        removed: tuple[RemovedInviteeView, ...] = (),
    ) -> None:
        self.model.set_rows(referral.invitees)
        current = self.household.currentData()
        self.household.clear()
        for p in people:
            self.household.addItem(p.label, p.person_id)
        self.household.setCurrentIndex(max(self.household.findData(current), 0))
        self.given.fill_people(people)
        warnings = [f"⚠ {i.warning}" for i in referral.invitees if i.warning]
        self.warning.setText("\n".join(warnings))
        self.warning.setVisible(bool(warnings))
        self.removed.setText(
            "\n".join(
                self.tr("Taken off the list: %1, %2 — %3")
                .replace("%1", r.name)
                .replace("%2", day_time(r.removed_at))
                .replace("%3", r.reason or "")
                for r in removed
            )
        )
        self.removed.setVisible(bool(removed))
        if people_who_harmed:
            self.harmed_hint.setText(
                self.tr(
                    "Recorded as the person who harmed in this household: %1. Whoever is, "
                    "or may be, this person (by record, match or a name however spelled) "
                    "is invited only with all three answers."
                ).replace("%1", ", ".join(people_who_harmed))
            )
        else:
            self.harmed_hint.setText("")

    def new_person(self) -> NewPerson:
        return NewPerson(
            self.forenames.text() or None, self.surname.text(), None, self.contact.text() or None
        )

    def clear_form(self) -> None:
        for edit in (self.forenames, self.surname, self.contact, self.relationship):
            edit.clear()
        self.given.clear()
        for box in (self.approved, self.victim_requested, self.acknowledges, self.willing):
            box.setChecked(False)

    def selected(self) -> InviteeView | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None


class SafeguardBox(QGroupBox):
    """Separate preparation (victim; person who harmed when invited) and the safety plan."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Safeguards"), parent)
        layout = QVBoxLayout(self)
        self.model: RowsModel[SafeguardView] = RowsModel(
            [
                (translate("FgcPanel", "Safeguard"), lambda g: g.words),
                (translate("FgcPanel", "Recorded by"), lambda g: g.recorded_by),
                (translate("FgcPanel", "When"), lambda g: day_time(g.at)),
                (translate("FgcPanel", "Note"), lambda g: g.note or ""),
            ]
        )
        self.table = fit_rows(make_table(self.model, self.tr("Safeguards recorded"), self))
        layout.addWidget(self.table)
        form = QFormLayout()
        self.kind = QComboBox(self)
        self.kind.addItem(
            self.tr("Separate preparation with the victim"), "separate_preparation_victim"
        )
        self.kind.addItem(
            self.tr("Separate preparation with the person who harmed"),
            "separate_preparation_perpetrator",
        )
        self.kind.addItem(self.tr("Safety plan"), "safety_plan")
        self.note = QLineEdit(self)
        self.note.setPlaceholderText(self.tr("What was done; where the safety plan is kept"))
        form.addRow(self.tr("Sa&feguard"), self.kind)
        form.addRow(self.tr("N&ote"), self.note)
        layout.addLayout(form)
        self.record = QPushButton(self.tr("Record safeguard"), self)
        layout.addWidget(self.record)

    def fill(self, referral: ReferralView) -> None:
        self.model.set_rows(referral.safeguards)


class RoutingBox(QGroupBox):
    """Where the referral is routed, and choosing the team by hand with a reason."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Routing"), parent)
        layout = QVBoxLayout(self)
        self.summary = wrapped("", "fgcRouting", self, self.tr("Routing"))
        layout.addWidget(self.summary)
        row = QHBoxLayout()
        self.team = QComboBox(self)
        self.team.setAccessibleName(self.tr("FGC team"))
        self.team.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.reason = QLineEdit(self)
        self.reason.setPlaceholderText(self.tr("Why this team (required)"))
        self.choose = QPushButton(self.tr("Choose team by hand"), self)
        row.addWidget(self.team)
        row.addWidget(self.reason, 1)
        row.addWidget(self.choose)
        layout.addLayout(row)

    def fill(self, referral: ReferralView, teams: tuple[tuple[str, str], ...]) -> None:
        how = {
            "locality": self.tr("by locality"),
            "by_hand": self.tr("chosen by hand"),
            "unrouted": self.tr("⚠ on the route-by-hand list"),
        }[referral.routed_how]
        team = referral.team_name or self.tr("no team yet")
        self.summary.setText(
            self.tr("Team: %1 (%2) — %3")
            .replace("%1", team)
            .replace("%2", how)
            .replace("%3", referral.routing_reason or "")
        )
        if self.team.count() != len(teams):
            self.team.clear()
            for code, name in teams:
                self.team.addItem(name, code)
        self.choose.setEnabled(referral.is_open)
