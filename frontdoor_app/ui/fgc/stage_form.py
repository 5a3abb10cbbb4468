"""The FGC panel's stage form: the next step, the conference date, the end of a referral,
kept at the version it was started from (a change saved meanwhile is shown, never lost)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from frontdoor_app.fgc.views import (
    ReferralView,
)
from frontdoor_app.ui.fgc.forms import tick, wrapped
from frontdoor_app.ui.widgets.changed_notice import changed_notice
from frontdoor_app.ui.widgets.words import day


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
        self.notice, self.see_change = changed_notice(self, layout)
        self.see_change.clicked.connect(self.see_change_requested.emit)
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

    def fill(self, referral: ReferralView, stage_words: dict[str, str], today: dt.date) -> None:
        """Show ``referral``; a date not yet set is proposed four weeks from ``today`` (the
        authority's day)."""
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
            self._fill(referral, stage_words, keep, today)
        finally:
            self._filling = False

    def _fill(
        self, referral: ReferralView, stage_words: dict[str, str], keep: bool, today: dt.date
    ) -> None:
        lines = [self.tr("Stage: %1").replace("%1", referral.stage_words)]
        if referral.end_reason:
            lines.append(self.tr("Reason: %1").replace("%1", referral.end_reason))
        if referral.conference_date:
            lines.append(self.tr("Conference: %1").replace("%1", day(referral.conference_date)))
        if referral.plan_agreed is not None:
            lines.append(self.tr("Plan agreed: %1").replace("%1", tick(referral.plan_agreed)))
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
            start = referral.conference_date or today + dt.timedelta(days=28)
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
