"""Case tab: the decision — outcomes from the profile, agreed risk, rationale.

Save is disabled while a rule is not met, and the reason is shown next to it in words.
The domain refuses the same decisions (``DecisionRefused``); this only says so earlier.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from frontdoor_app.meeting.views import RISK_ORDER, CaseView, OutcomeOption
from frontdoor_app.profile_model import DETAIL_MAX
from frontdoor_app.ui.case.outcome_checklist import OutcomeChecklist
from frontdoor_app.ui.core.i18n import translate
from frontdoor_app.ui.widgets.changed_notice import changed_notice
from frontdoor_app.ui.widgets.reader_note import set_shown
from frontdoor_app.ui.widgets.tables import label
from frontdoor_app.ui.widgets.words import hhmm, risk_label
from frontdoor_app.wording import says_something

DRAFT_KIND = "decision"


def decision_problems(
    outcome_codes: Sequence[OutcomeOption],
    agreed_risk: str | None,
    rationale: str,
    police_risk: str | None,
    marac: bool,
    pj_marac: bool = False,
    details: Mapping[str, str] | None = None,
) -> list[str]:
    """Why the decision cannot be saved yet, in words (empty when it can).

    Mirrors ``frontdoor_app.meeting.decisions.decision_problems`` without a database round
    trip per keystroke; the domain function still has the last word when saving.
    """
    problems = []
    if not outcome_codes:
        problems.append(translate("Decision", "Choose at least one outcome."))
    if agreed_risk is None:
        problems.append(translate("Decision", "Choose the agreed risk."))
    nfa = [o for o in outcome_codes if o.is_nfa]
    if nfa and len(outcome_codes) > 1:
        problems.append(
            translate("Decision", "'%1' cannot be combined with other outcomes.").replace(
                "%1", nfa[0].label
            )
        )
    for o in outcome_codes:
        if o.detail_required and not says_something((details or {}).get(o.code)):
            problems.append(
                translate("Decision", "'%1' needs an answer to '%2'.")
                .replace("%1", o.label)
                .replace("%2", o.detail_prompt or "")
            )
    needs = []
    if (
        agreed_risk
        and police_risk
        and RISK_ORDER.get(agreed_risk, 0) < RISK_ORDER.get(police_risk, 0)
    ):
        needs.append(translate("Decision", "the agreed risk is lower than the police grade"))
    if (marac or pj_marac) and nfa:
        needs.append(
            translate("Decision", "no further action on a case that meets a MARAC criterion")
        )
    elif pj_marac:
        needs.append(
            translate("Decision", "a MARAC referral on professional judgement needs the reason")
        )
    if needs and not rationale.strip():
        problems.append(
            translate("Decision", "A written rationale is required because %1.").replace(
                "%1", translate("Decision", " and ").join(needs)
            )
        )
    return problems


def _readable_only(widget: QWidget, on: bool) -> None:
    """Shown as it is, in full colour, but not to be changed: no click, no focus, and so no
    key reaches it (a disabled box would grey out the very outcomes there are to read)."""
    if widget.property("focusWas") is None:  # its own policy (a combo box's takes the wheel)
        widget.setProperty("focusWas", widget.focusPolicy().value)
    widget.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, on)
    own = Qt.FocusPolicy(int(widget.property("focusWas")))
    widget.setFocusPolicy(Qt.FocusPolicy.NoFocus if on else own)


class _Rationale(QPlainTextEdit):
    """Its height is what the tab has left (its row's stretch), from four lines up. Its
    preferred height is that minimum: the scrolled form's preferred height must not count an
    editor's usual 192 pixels, or the form would scroll on a pane with room for all of it."""

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(super().sizeHint().width(), self.minimumHeight())


class DecisionTab(QWidget):
    save_requested = Signal(dict)  # outcome_codes, agreed_risk, rationale, pj_marac, version
    see_change_requested = Signal()
    draft_changed = Signal(str, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("Decision"))
        self._case: CaseView | None = None
        # The version of the decision the form was started from (None: a first decision).
        # Saves go against it, never against whatever a live refresh brought in since.
        self.base_version: int | None = None
        self._reload_next = False
        # When this case's decision was kept on the laptop to be sent (the window's: its
        # outbox), or None: nothing of it waits.
        self.waiting_since: Callable[[CaseView], dt.datetime | None] = lambda _case: None
        self._base_content: dict[str, Any] = {}
        self._options: tuple[OutcomeOption, ...] = ()
        # Only the chair records the decision (``access.actor.DECIDES``); anyone else reads it.
        self.may_decide = True
        self.boxes: dict[str, QCheckBox] = {}
        # Beside each outcome that asks a question (the profile's detail_prompt), its answer.
        self.details: dict[str, QLineEdit] = {}
        self._detail_words: tuple[str, ...] = ()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        # The form scrolls, its Save row stays: with a large system font on a 768-pixel
        # laptop, the outcomes in one column and the rationale are taller than the pane.
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget(scroll)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)
        layout = QVBoxLayout(body)
        self.decided = label("", self, self.tr("Decision status"))
        layout.addWidget(self.decided)
        self.notice, self.see_change = changed_notice(self, layout)
        self.see_change.clicked.connect(self.see_change_requested.emit)
        self.outcome_box = OutcomeChecklist(self.tr("Outcomes"), self)
        layout.addWidget(self.outcome_box)
        form = QFormLayout()
        self.risk = QComboBox(self)
        self.risk.setAccessibleName(self.tr("Agreed risk"))
        self.risk.addItem(self.tr("— choose —"), None)
        for level in ("high", "medium", "standard"):
            self.risk.addItem(risk_label(level, short=False), level)
        form.addRow(self.tr("Agreed risk:"), self.risk)
        self.pj_marac = QCheckBox(self.tr("MARAC referral on professional judgement"), self)
        self.pj_marac.setAccessibleName(self.tr("MARAC on professional judgement"))
        form.addRow("", self.pj_marac)
        self.rationale = _Rationale(self)
        self.rationale.setAccessibleName(self.tr("Rationale"))
        self.rationale.setPlaceholderText(self.tr("Why the meeting decided this"))
        self.rationale.setTabChangesFocus(True)
        self.rationale.setMinimumHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        form.addRow(self.tr("Rationale:"), self.rationale)
        layout.addLayout(form, 1)
        row = QHBoxLayout()
        self.reason = label("", self, self.tr("Why the decision cannot be saved yet"))
        self.reason.setObjectName("saveReason")
        self.save = QPushButton(self.tr("Save decision"), self)
        self.save.setAccessibleName(self.tr("Save decision"))
        row.addWidget(self.reason, 1)
        # For everyone but the chair, in place of the reasons: who records the decision.
        self.reader_note = label(
            self.tr("The chair records the decision; it shows here as soon as it is saved."),
            self,
            self.tr("Who records the decision"),
        )
        self.reader_note.hide()
        row.addWidget(self.reader_note, 1)
        row.addWidget(self.save)
        margins = layout.contentsMargins()
        row.setContentsMargins(margins.left(), 0, margins.right(), margins.bottom())
        outer.addLayout(row)
        self._draft_timer = QTimer(self)
        self._draft_timer.setSingleShot(True)
        self._draft_timer.setInterval(800)
        self._draft_timer.timeout.connect(self._emit_draft)
        self._loading = False
        self.risk.currentIndexChanged.connect(self._changed)
        self.rationale.textChanged.connect(self._changed)
        self.pj_marac.toggled.connect(self._changed)
        self.save.clicked.connect(self._save)
        self._refresh_rules()

    def set_outcomes(
        self, options: Sequence[OutcomeOption], detail_words: Sequence[str] = ()
    ) -> None:
        """The checklist, two outcomes to a row; an outcome that asks a question has a box
        for the answer under it, shown while the outcome is ticked. ``detail_words`` (the
        agencies' names) are offered as the answer is typed."""
        self._options = tuple(options)
        self._detail_words = tuple(detail_words)
        for widget in [*self.boxes.values(), *self.details.values()]:
            widget.setParent(None)
            widget.deleteLater()
        self.boxes.clear()
        self.details.clear()
        cells: list[tuple[QWidget, QWidget | None]] = []
        for option in self._options:
            box = QCheckBox(option.label, self.outcome_box)
            box.setAccessibleName(option.label)
            _readable_only(box, not self.may_decide)
            box.toggled.connect(self._changed)
            self.boxes[option.code] = box
            edit = None
            if option.detail_prompt:
                edit = self._detail_edit(option)
                box.toggled.connect(lambda on, e=edit: self._open_detail(e, on))
                self.details[option.code] = edit
            cells.append((box, edit))
        self.outcome_box.set_cells(cells)

    def _detail_edit(self, option: OutcomeOption) -> QLineEdit:
        prompt = option.detail_prompt or ""
        edit = QLineEdit(self.outcome_box)
        edit.setAccessibleName(self.tr("%1: %2").replace("%1", option.label).replace("%2", prompt))
        edit.setPlaceholderText(
            prompt + (self.tr(" (needed)") if option.detail_required else self.tr(" (optional)"))
        )
        edit.setToolTip(prompt)
        edit.setMaxLength(DETAIL_MAX)
        edit.setReadOnly(not self.may_decide)
        # Under its outcome's label, past the box, so it reads as the outcome's own.
        indent = self.style().pixelMetric(QStyle.PixelMetric.PM_IndicatorWidth) + 6
        edit.setContentsMargins(indent, 0, 0, 4)
        edit.hide()
        if self._detail_words:
            completer = QCompleter(list(self._detail_words), edit)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            edit.setCompleter(completer)
        edit.textChanged.connect(self._changed)
        return edit

    def _open_detail(self, edit: QLineEdit, on: bool) -> None:
        """Ticked: the answer's box shows and, when the user ticked it, takes the focus."""
        edit.setVisible(on)
        if on and not self._loading and self.may_decide and self.isVisible():
            edit.setFocus()

    def show_case(self, case: CaseView, keep_edits: bool = False) -> None:
        same = self._case is not None and self._case.item.item_id == case.item.item_id
        self._case = case
        if self._reload_next:
            keep_edits, self._reload_next = False, False
        if keep_edits and same and self._content() == self._base_content:
            keep_edits = False  # nothing typed since it was filled: show the saved one
        self._show_decided(case)
        if keep_edits and same:
            self._show_notice()
            self._refresh_rules()
            return
        self.base_version = case.decision.version if case.decision else None
        self._show_notice()
        self._loading = True
        try:
            decision = case.decision
            chosen = {o.code for o in decision.outcomes} if decision else set()
            for code, box in self.boxes.items():
                box.setChecked(code in chosen)
            answers = {o.code: o.detail or "" for o in decision.outcomes} if decision else {}
            for code, edit in self.details.items():
                edit.setText(answers.get(code, ""))
            level = decision.agreed_risk if decision else None
            self.risk.setCurrentIndex(max(0, self.risk.findData(level)))
            self.rationale.setPlainText(decision.rationale or "" if decision else "")
            self.pj_marac.setChecked(bool(decision and decision.professional_judgement_marac))
        finally:
            self._loading = False
        self._base_content = self._content()
        self._refresh_rules()

    def show_waiting(self) -> None:
        """What waits on the laptop changed: the line that says whether a decision does."""
        if self._case is not None:
            self._show_decided(self._case)

    def _show_decided(self, case: CaseView) -> None:
        decision = case.decision
        if decision:
            text = (
                self.tr("Decided by %1 at %2 · police grade %3")
                .replace("%1", decision.decided_by_name or "?")
                .replace("%2", hhmm(decision.decided_at))
                .replace("%3", risk_label(case.incident.dash_risk, False))
            )
        else:
            text = self.tr("No decision yet · police grade %1").replace(
                "%1", risk_label(case.incident.dash_risk, False)
            )
        kept = self.waiting_since(case)
        if kept is not None:
            text += " · " + self.tr(
                "your decision, saved at %1, is waiting on this laptop to be sent"
            ).replace("%1", hhmm(kept))
        self.decided.setText(text)

    def changed_meanwhile(self) -> bool:
        """The saved decision moved on since this form was started."""
        case = self._case
        current = case.decision.version if case and case.decision else None
        return current != self.base_version

    def _show_notice(self) -> None:
        case = self._case
        decision = case.decision if case else None
        if decision is None or not self.changed_meanwhile():
            self.notice.hide()
            self.see_change.hide()
            return
        self.notice.setText(
            self.tr("Changed by %1 at %2 — see the change before you save.")
            .replace("%1", decision.decided_by_name or "?")
            .replace("%2", hhmm(decision.decided_at))
        )
        self.notice.show()
        self.see_change.show()

    def rebase(self, version: int | None) -> None:
        """Keep what is typed, now as an edit of the saved version ``version``."""
        self.base_version = version
        self._show_notice()

    def reload_saved(self) -> None:
        """Drop what is typed: the next case shown fills the form from the saved decision."""
        self._reload_next = True

    def restore_draft(self, content: Any) -> None:
        if not isinstance(content, dict):
            return
        self._loading = True
        try:
            for code in content.get("outcomes", ()):
                if code in self.boxes:
                    self.boxes[code].setChecked(True)
            for code, text in (content.get("details") or {}).items():
                if code in self.details:
                    self.details[code].setText(str(text))
            if content.get("risk"):
                self.risk.setCurrentIndex(max(0, self.risk.findData(content["risk"])))
            if content.get("rationale"):
                self.rationale.setPlainText(str(content["rationale"]))
        finally:
            self._loading = False
        self._refresh_rules()

    def chosen(self) -> list[OutcomeOption]:
        return [o for o in self._options if self.boxes[o.code].isChecked()]

    def answers(self) -> dict[str, str]:
        """The answers beside the ticked outcomes (an unticked outcome's answer is not kept)."""
        return {
            o.code: text
            for o in self.chosen()
            if o.code in self.details and (text := self.details[o.code].text().strip())
        }

    def problems(self) -> list[str]:
        case = self._case
        if case is None:
            return [self.tr("No case is open.")]
        return decision_problems(
            self.chosen(),
            self.risk.currentData(),
            self.rationale.toPlainText(),
            case.incident.dash_risk,
            bool(case.item.marac),
            self.pj_marac.isChecked(),
            self.answers(),
        )

    def _changed(self) -> None:
        self._refresh_rules()
        if not self._loading:
            self._draft_timer.start()

    def set_may_decide(self, may: bool) -> None:
        """The chair's form, or (anyone else) the decision to read as it is saved: nothing to
        tick or type, no Save, and a line that says who records it."""
        self.may_decide = may
        set_shown(self.save, may)
        set_shown(self.reason, may)
        set_shown(self.reader_note, not may)
        _readable_only(self.risk, not may)
        _readable_only(self.pj_marac, not may)
        self.rationale.setReadOnly(not may)
        self.rationale.setPlaceholderText(
            self.tr("Why the meeting decided this") if may else self.tr("No rationale recorded")
        )
        for box in self.boxes.values():
            _readable_only(box, not may)
        for edit in self.details.values():
            edit.setReadOnly(not may)
        self._refresh_rules()

    def _refresh_rules(self) -> None:
        if not self.may_decide:
            self.save.setEnabled(False)
            self.reason.setText("")
            return
        problems = self.problems()
        self.save.setEnabled(not problems)
        text = " ".join(problems)
        self.reason.setText(text)
        self.save.setToolTip(text or self.tr("Save the decision (Ctrl+D)"))
        self.save.setAccessibleDescription(text)

    def flush_draft(self) -> None:
        if self._draft_timer.isActive():
            self._draft_timer.stop()
            self._emit_draft()

    def _content(self) -> dict[str, Any]:
        return {
            "outcomes": [o.code for o in self.chosen()],
            "details": self.answers(),
            "risk": self.risk.currentData(),
            "rationale": self.rationale.toPlainText(),
            "pj_marac": self.pj_marac.isChecked(),
        }

    def outcome_label(self, code: str, detail: str | None = None) -> str:
        label = next((o.label for o in self._options if o.code == code), code)
        return f"{label} ({detail})" if detail else label

    def _emit_draft(self) -> None:
        if not self.may_decide:
            return
        content = self._content()
        empty = not content["outcomes"] and not content["rationale"].strip()
        self.draft_changed.emit(DRAFT_KIND, None if empty else content)

    def _save(self) -> None:
        if not self.may_decide or self.problems():
            return
        self._draft_timer.stop()
        self.save_requested.emit({**self._content(), "version": self.base_version})

    def focus_first(self) -> None:
        first = next(iter(self.boxes.values()), None)
        (first or self.risk).setFocus()
