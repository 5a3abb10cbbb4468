"""The FGC panel's parts: consent, the invite list, safeguards, stage and routing forms.

Each part is a group box with its own fields and a ``fill`` for the plain ReferralView;
the panel wires their buttons to domain calls on the worker.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QDateTime, Signal
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QCheckBox,
    QComboBox,
    QDateEdit,
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


def _tick(value: bool) -> str:
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

    def fill_people(self, people: tuple[HouseholdPerson, ...], victims_only: bool = True) -> None:
        current = self.person.currentData()
        self.person.clear()
        for p in people:
            if p.role == "victim" or not victims_only:
                self.person.addItem(p.label, p.person_id)
        index = self.person.findData(current)
        self.person.setCurrentIndex(max(index, 0))
        self.when.setDateTime(QDateTime.currentDateTime())

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
                    lambda i: _tick(i.approved_by_victim),
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
                    lambda i: _tick(i.victim_requested) if i.is_person_who_harmed else "",
                ),
                (
                    translate("FgcPanel", "Acknowledges abuse"),
                    lambda i: _tick(i.acknowledges_abuse) if i.is_person_who_harmed else "",
                ),
                (
                    translate("FgcPanel", "Willing to address it"),
                    lambda i: _tick(i.willing_to_address) if i.is_person_who_harmed else "",
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


class StageBox(QGroupBox):
    """The next step, the coordinator, the conference date, and ending with a reason."""

    see_change_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Stage"), parent)
        # The referral's version the form was started from: a step is sent against it,
        # never against whatever a refresh brought in since; and whether anything was
        # typed or chosen since (then a refresh keeps it and says the referral changed).
        self.base_version: int | None = None
        self.referral_id: int | None = None
        self.touched = False
        self.base: ReferralView | None = None  # the referral as the form was filled from it
        self._date_touched = False
        self._filling = False
        layout = QVBoxLayout(self)
        self.summary = wrapped("", "fgcStageSummary", self, self.tr("Stage summary"))
        layout.addWidget(self.summary)
        notice_row = QHBoxLayout()
        self.notice = wrapped("", "changedNotice", self, self.tr("Changed by someone else"))
        self.notice.setStyleSheet(
            "QLabel#changedNotice { background: #fff3cd; border: 1px solid #c69500;"
            " padding: 6px; font-weight: 600; }"
        )
        self.see_change = QPushButton(self.tr("See the change"), self)
        self.see_change.clicked.connect(self.see_change_requested.emit)
        notice_row.addWidget(self.notice, 1)
        notice_row.addWidget(self.see_change)
        layout.addLayout(notice_row)
        self.notice.hide()
        self.see_change.hide()
        form = QFormLayout()
        self.coordinator = QLineEdit(self)
        self.match = QLineEdit(self)
        self.match.setPlaceholderText(self.tr("The family's wish: language, culture, gender"))
        self.conference = QDateEdit(self)
        self.conference.setCalendarPopup(True)
        self.conference.setDisplayFormat("ddd dd MMM yyyy")
        self.plan = QComboBox(self)
        self.plan.addItem(self.tr("(say whether the plan was agreed)"), None)
        self.plan.addItem(self.tr("Yes, the family's plan was agreed"), True)
        self.plan.addItem(self.tr("No plan agreed"), False)
        self.review = QDateEdit(self)
        self.review.setCalendarPopup(True)
        self.review.setDisplayFormat("ddd dd MMM yyyy")
        self.next_after = QComboBox(self)
        self.next_after.addItem(self.tr("Review on the date below"), "review")
        self.next_after.addItem(self.tr("Close the referral (reason asked)"), "close")
        form.addRow(self.tr("Coordi&nator"), self.coordinator)
        form.addRow(self.tr("&Match wished for"), self.match)
        form.addRow(self.tr("Conference &date"), self.conference)
        form.addRow(self.tr("&Plan agreed"), self.plan)
        form.addRow(self.tr("If not agreed, &then"), self.next_after)
        form.addRow(self.tr("Re&view date"), self.review)
        layout.addLayout(form)
        row = QHBoxLayout()
        self.next = QPushButton(self.tr("Next step"), self)
        self.set_date = QPushButton(self.tr("Set conference date"), self)
        row.addWidget(self.next)
        row.addWidget(self.set_date)
        row.addStretch(1)
        layout.addLayout(row)
        ends = QHBoxLayout()
        self.suspend = QPushButton(self.tr("Suspend…"), self)
        self.resume = QPushButton(self.tr("Resume…"), self)
        self.stop = QPushButton(self.tr("Stop…"), self)
        self.decline = QPushButton(self.tr("Declined…"), self)
        self.withdraw = QPushButton(self.tr("Withdrawn…"), self)
        for button in (self.suspend, self.resume, self.stop, self.decline, self.withdraw):
            ends.addWidget(button)
        ends.addStretch(1)
        layout.addLayout(ends)
        for edit in (self.coordinator, self.match):
            edit.textEdited.connect(self._touch)
        for combo in (self.plan, self.next_after):
            combo.activated.connect(self._touch)
        self.review.dateChanged.connect(self._touch)
        self.conference.dateChanged.connect(self._touch_date)

    def _touch(self, *_args: object) -> None:
        if not self._filling:
            self.touched = True

    def _touch_date(self, *_args: object) -> None:
        if not self._filling:
            self.touched = self._date_touched = True

    def content(self) -> dict[str, object]:
        """What the form holds, for the conflict view (a date not chosen is the one the
        form was filled with)."""
        filled = self.base.conference_date if self.base is not None else None
        return {
            "coordinator": self.coordinator.text().strip(),
            "conference_date": self.conference_date() if self._date_touched else filled,
            "plan": self.plan.currentData(),
        }

    def rebase(self, version: int) -> None:
        """Keep what is typed, now as a step on the referral at ``version``."""
        self.base_version = version
        self.notice.hide()
        self.see_change.hide()

    def saved(self) -> None:
        """A step of this form was stored: the next fill shows the referral as it stands."""
        self.touched = False

    def fill(self, referral: ReferralView, stage_words: dict[str, str]) -> None:
        keep = self.touched and referral.id == self.referral_id
        self.referral_id = referral.id
        changed = keep and referral.version != self.base_version
        self.notice.setVisible(changed)
        self.see_change.setVisible(changed)
        if changed:
            self.notice.setText(
                self.tr("Changed by someone else meanwhile — see the change before you save.")
            )
        if not keep:
            self.base_version, self.touched = referral.version, False
            self.base, self._date_touched = referral, False
        self._filling = True
        try:
            self._fill(referral, stage_words, keep)
        finally:
            self._filling = False

    def _fill(self, referral: ReferralView, stage_words: dict[str, str], keep: bool) -> None:
        lines = [self.tr("Stage: %1").replace("%1", referral.stage_words)]
        if referral.end_reason:
            lines.append(self.tr("Reason: %1").replace("%1", referral.end_reason))
        if referral.conference_date:
            lines.append(self.tr("Conference: %1").replace("%1", day(referral.conference_date)))
        if referral.plan_agreed is not None:
            lines.append(self.tr("Plan agreed: %1").replace("%1", _tick(referral.plan_agreed)))
        if referral.review_due:
            lines.append(self.tr("Review due: %1").replace("%1", day(referral.review_due)))
        lines.append(
            self.tr("Set-up target: conference by %1").replace("%1", day(referral.setup_due))
        )
        if referral.overdue:
            lines.append("⚠ " + referral.overdue)
        self.summary.setText(" · ".join(lines))
        nxt = referral.next_stage
        self.next.setText(
            self.tr("Next step: %1").replace("%1", stage_words.get(nxt, nxt))
            if nxt
            else self.tr("No next step")
        )
        self.next.setEnabled(nxt is not None)
        if not keep:  # what the coordinator typed stays through a refresh
            self.coordinator.setText(referral.coordinator or "")
            start = referral.conference_date or dt.date.today() + dt.timedelta(days=28)
            self.conference.setDate(QDate(start.year, start.month, start.day))
            review = referral.review_due or start + dt.timedelta(days=91)
            self.review.setDate(QDate(review.year, review.month, review.day))
        suspended = referral.stage == "suspended"
        for button in (self.suspend, self.stop, self.decline, self.withdraw):
            button.setEnabled(referral.is_open)
        self.suspend.setEnabled(referral.is_open and not suspended)
        self.resume.setEnabled(suspended)
        self.set_date.setEnabled(referral.stage in ("coordinator_allocated", "preparation"))

    def conference_date(self) -> dt.date:
        d = self.conference.date()
        return dt.date(d.year(), d.month(), d.day())

    def review_date(self) -> dt.date:
        d = self.review.date()
        return dt.date(d.year(), d.month(), d.day())


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
