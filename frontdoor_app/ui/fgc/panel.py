"""The case view's FGC tab: eligibility in words, the domestic abuse gate, stage, routing.

Every change is one domain call on the worker; the gate refuses in words and the panel
shows those words (and never offers a way round them).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from frontdoor_app.context import AppContext
from frontdoor_app.fgc import gate, referrals, routing
from frontdoor_app.fgc.changes import Step, change_referral, read_case, referral_pdf, start_offer
from frontdoor_app.fgc.common import STAGE_WORDS
from frontdoor_app.fgc.errors import ConflictError, FgcError
from frontdoor_app.fgc.views import CaseFgc
from frontdoor_app.models import utcnow
from frontdoor_app.ui.core.messages import Messages
from frontdoor_app.ui.core.ops import Ops
from frontdoor_app.ui.core.theme import repolish
from frontdoor_app.ui.core.worker import Worker
from frontdoor_app.ui.fgc.forms import (
    ConsentBox,
    InviteBox,
    RoutingBox,
    SafeguardBox,
    StageBox,
    wrapped,
)


class FgcPanel(QWidget):
    """FGC for one agenda item; ``show_item(agenda_item_id)`` follows the case view."""

    loaded = Signal(object)  # the CaseFgc shown
    failed = Signal(str)  # a refusal or error, in words
    changed = Signal()  # a write succeeded
    pdf_saved = Signal(str)  # the path of a referral PDF just written

    def __init__(
        self,
        ctx: AppContext,
        worker: Worker,
        messages: Messages | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("FgcPanel")
        self.setAccessibleName(self.tr("Family Group Conference"))
        self.ctx, self.worker = ctx, worker
        self.messages = messages or Messages()
        self.ops = Ops(worker, self.messages)
        self.item_id: int | None = None
        self.state: CaseFgc | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        outer.addWidget(scroll)
        body = QWidget(scroll)
        scroll.setWidget(body)
        layout = QVBoxLayout(body)
        self.eligibility = wrapped(
            self.tr("Choose a case."), "fgcEligibility", body, self.tr("Eligibility")
        )
        self.notices = wrapped("", "fgcNotice", body, self.tr("What the meeting is told"))
        self.gate = wrapped("", "fgcGateMissing", body, self.tr("Safeguards still missing"))
        self.problem = wrapped("", "fgcProblem", body, self.tr("Last refusal"))
        for label in (self.eligibility, self.notices, self.gate, self.problem):
            layout.addWidget(label)
        start_row = QHBoxLayout()
        self.start = QPushButton(self.tr("Start the FGC offer"), body)
        self.start.setToolTip(
            self.tr(
                "Starts the offer the decision calls for (FGC offer, strategy discussion or ICPC)"
            )
        )
        start_row.addWidget(self.start)
        self.pdf = QPushButton(self.tr("Save referral &PDF…"), body)
        self.pdf.setToolTip(
            self.tr("The referral for the FGC team, marked %1").replace(
                "%1", ctx.profile.protective_marking
            )
        )
        start_row.addWidget(self.pdf)
        start_row.addStretch(1)
        layout.addLayout(start_row)
        self.routing = RoutingBox(body)
        self.consent = ConsentBox(body)
        self.invites = InviteBox(body)
        self.safeguards = SafeguardBox(body)
        self.stage = StageBox(body)
        self.parts: tuple[QWidget, ...] = (
            self.stage,
            self.routing,
            self.consent,
            self.invites,
            self.safeguards,
        )
        for part in self.parts:
            layout.addWidget(part)
        layout.addStretch(1)
        self._wire()
        self._show_nothing()

    # ------------------------------------------------------------------ loading
    def show_item(self, agenda_item_id: int | None) -> None:
        """Show the FGC state of this case (None: nothing)."""
        self.item_id = agenda_item_id
        if agenda_item_id is None:
            self._show_nothing()
            return
        self.refresh()

    def refresh(self) -> None:
        item_id, ctx = self.item_id, self.ctx
        if item_id is None:
            return

        doing = self.tr("Loading FGC")
        self.ops.query(
            self,
            lambda: read_case(ctx.sessions, ctx.profile, item_id),
            self._show,
            doing=doing,
            on_failed=lambda exc: self._failed(exc, doing),
        )

    def _show_nothing(self) -> None:
        self.state = None
        for part in self.parts:
            part.setVisible(False)
        self.start.setVisible(False)
        self.pdf.setVisible(False)

    def _show(self, state: CaseFgc) -> None:
        if state.agenda_item_id != self.item_id:
            return  # an answer for a case the user has already left
        self.state = state
        self.eligibility.setText(self.tr("Eligibility — %1").replace("%1", state.eligibility.text))
        self.notices.setText("\n".join("ⓘ " + n for n in state.eligibility.notices))
        self.notices.setVisible(bool(state.eligibility.notices))
        referral = state.referral
        self.start.setVisible(referral is None)
        self.pdf.setVisible(referral is not None)
        for part in self.parts:
            part.setVisible(referral is not None)
        if referral is None:
            self.gate.setText("")
            self.loaded.emit(state)
            return
        if referral.gate_missing:
            self.gate.setText(
                self.tr("⚠ Safeguards still missing: %1").replace(
                    "%1", "; ".join(referral.gate_missing)
                )
            )
        else:
            self.gate.setText(self.tr("✓ Nothing missing at this stage."))
        self.gate.setProperty("complete", not referral.gate_missing)
        repolish(self.gate)
        self.routing.fill(referral, state.teams)
        self.consent.fill(referral, state.people)
        self.invites.fill(referral, state.people_who_harmed, state.people, state.removed)
        self.safeguards.fill(referral)
        self.stage.fill(referral, STAGE_WORDS)
        self.loaded.emit(state)

    # ------------------------------------------------------------------ writes
    def _write(self, job: Step, doing: str, after: Callable[[], None] | None = None) -> None:
        """Run ``job(session, referral_id)`` in one unit of work (``fgc.changes``) on the
        worker, then show the case's FGC as it now stands."""
        if self.state is None or self.state.referral is None:
            return
        referral_id, ctx, item_id = self.state.referral.id, self.ctx, self.item_id
        assert item_id is not None

        def done(state: CaseFgc) -> None:
            self.problem.setText("")
            if after is not None:
                after()
            self._show(state)
            self.changed.emit()

        self.ops.command(
            self,
            lambda _reason: change_referral(ctx.sessions, ctx.profile, item_id, referral_id, job),
            done,
            doing=doing,
            on_failed=lambda exc: self._failed(exc, doing),
        )

    def _failed(self, exc: BaseException, doing: str) -> None:
        # The message box is the one every screen shows (a refusal in its own words, a
        # fault as an error); the panel also keeps the words beside the form.
        self.ops.report(self, doing, exc)
        if isinstance(exc, FgcError):
            text = str(exc)
            if isinstance(exc, ConflictError):
                self.refresh()  # someone else's change: show it
        else:
            text = self.tr("Something went wrong: %1. Nothing was saved.").replace("%1", str(exc))
        self.problem.setText("⚠ " + text[:1].upper() + text[1:])
        if "recorded as the person who harmed" in text:
            # Said where the coordinator is working too: who this may be, and why.
            self.invites.warning.setText("⚠ " + text)
            self.invites.warning.setVisible(True)
        self.failed.emit(text)

    def _start(self) -> None:
        item_id, ctx = self.item_id, self.ctx
        if item_id is None:
            return

        def done(state: CaseFgc) -> None:
            self._show(state)
            if state.referral is None:
                self._failed(FgcError(state.eligibility.text), self.tr("Start the FGC offer"))
            else:
                self.changed.emit()

        doing = self.tr("Start the FGC offer")
        self.ops.command(
            self,
            lambda _reason: start_offer(ctx.sessions, ctx.actor, ctx.profile, item_id),
            done,
            doing=doing,
            on_failed=lambda exc: self._failed(exc, doing),
        )

    def ask_pdf_path(self, suggested: str) -> str | None:
        """Where to save the PDF (tests replace this; the real one asks with a file dialog)."""
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Save referral PDF"), suggested, self.tr("PDF files (*.pdf)")
        )
        return path or None

    def _save_pdf(self) -> None:
        if self.state is None or self.state.referral is None:
            return
        view, ctx = self.state.referral, self.ctx
        path = self.ask_pdf_path(f"FGC-referral-{view.household_reference}.pdf")
        if not path:
            return

        def run(_reason: str | None) -> str:
            pdf = referral_pdf(ctx.sessions, ctx.actor, ctx.profile, view.id, utcnow())
            Path(path).write_bytes(pdf)
            return path

        def done(saved: str) -> None:
            self.messages.info(
                self,
                self.tr("Referral PDF"),
                self.tr("Saved to %1. It is marked %2: send it securely.")
                .replace("%1", saved)
                .replace("%2", ctx.profile.protective_marking),
            )
            self.pdf_saved.emit(saved)

        doing = self.tr("Referral PDF")
        self.ops.command(
            self, run, done, doing=doing, on_failed=lambda exc: self._failed(exc, doing)
        )

    def _ask_reason(self, title: str, label: str) -> str | None:
        answer = self.messages.text(self, title, label)
        return answer.strip() if answer and answer.strip() else None

    def _wire(self) -> None:
        """Connect the buttons; each handler reads its fields here, on the UI thread."""
        c, inv, sg, st, ro = self.consent, self.invites, self.safeguards, self.stage, self.routing
        self.start.clicked.connect(self._start)
        self.pdf.clicked.connect(self._save_pdf)
        c.record.clicked.connect(self._record_consent)
        c.withdraw.clicked.connect(self._withdraw_consent)
        inv.add_household.clicked.connect(lambda: self._add_invitee(from_household=True))
        inv.add_new.clicked.connect(lambda: self._add_invitee(from_household=False))
        inv.approve.clicked.connect(self._approve)
        inv.three.clicked.connect(self._three_answers)
        inv.withdraw_request.clicked.connect(self._withdraw_request)
        inv.remove.clicked.connect(self._remove)
        sg.record.clicked.connect(self._record_safeguard)
        st.next.clicked.connect(self._next)
        st.set_date.clicked.connect(self._set_date)
        for button, stage in (
            (st.suspend, "suspended"),
            (st.stop, "stopped"),
            (st.decline, "declined"),
            (st.withdraw, "withdrawn"),
        ):
            button.clicked.connect(lambda _=False, stage=stage: self._end(stage))
        st.resume.clicked.connect(self._resume)
        ro.choose.clicked.connect(self._route_by_hand)

    def _record_consent(self) -> None:
        c, actor = self.consent, self.ctx.actor
        kind, given = c.kind.currentData(), c.given.given()
        self._write(
            lambda s, rid: gate.record_consent(
                s, actor, rid, kind, given.victim_person_id, given.how, given.at, given.relayed_by
            ),
            self.tr("Record consent"),
            c.given.relayed.clear,
        )

    def _add_invitee(self, from_household: bool) -> None:
        inv, actor, rules = self.invites, self.ctx.actor, self.ctx.profile.intake
        given = inv.given.given()
        who: dict[str, Any] = (
            {"person_id": inv.household.currentData()}
            if from_household
            else {"new_person": inv.new_person()}
        )
        answers = {
            "approval": given if inv.approved.isChecked() else None,
            "request": given if inv.victim_requested.isChecked() else None,
            "acknowledges_abuse": inv.acknowledges.isChecked(),
            "willing_to_address": inv.willing.isChecked(),
        }
        relationship = inv.relationship.text()
        self._write(
            lambda s, rid: gate.add_invitee(
                s, actor, rid, relationship=relationship, rules=rules, **who, **answers
            ),
            self.tr("Add to the invite list"),
            inv.clear_form,
        )

    def _record_safeguard(self) -> None:
        sg, actor = self.safeguards, self.ctx.actor
        kind, note = sg.kind.currentData(), sg.note.text()
        self._write(
            lambda s, rid: gate.record_safeguard(s, actor, rid, kind, note),
            self.tr("Record safeguard"),
            sg.note.clear,
        )

    def _set_date(self) -> None:
        actor, date = self.ctx.actor, self.stage.conference_date()
        version = self.state.referral.version if self.state and self.state.referral else None
        rules = self.ctx.profile.intake
        self._write(
            lambda s, rid: gate.set_conference_date(s, actor, rid, date, version, rules=rules),
            self.tr("Set conference date"),
        )

    def _route_by_hand(self) -> None:
        ro, actor = self.routing, self.ctx.actor
        team, reason = ro.team.currentData(), ro.reason.text()
        self._write(
            lambda s, rid: routing.route_by_hand(s, actor, rid, team, reason),
            self.tr("Choose team by hand"),
            ro.reason.clear,
        )

    def _next(self) -> None:
        if self.state is None or self.state.referral is None:
            return
        view, st, actor, profile = self.state.referral, self.stage, self.ctx.actor, self.ctx.profile
        to_stage = view.next_stage
        if to_stage is None:
            return
        coordinator, match, plan = st.coordinator.text(), st.match.text(), st.plan.currentData()
        review, close = None, None
        if to_stage == "conference_held" and plan is False:
            if st.next_after.currentData() == "close":
                close = self._ask_reason(
                    self.tr("No plan agreed"), self.tr("Why is the referral closed?")
                )
                if close is None:
                    return
            else:
                review = st.review_date()
        self._write(
            lambda s, rid: referrals.advance(
                s,
                actor,
                profile,
                rid,
                to_stage,
                version=view.version,
                coordinator=coordinator,
                match_request=match,
                plan_agreed=plan,
                review_date=review,
                close_reason=close,
            ),
            st.next.text(),
        )

    def _end(self, stage: str) -> None:
        if self.state is None or self.state.referral is None:
            return
        words = STAGE_WORDS[stage]
        reason = self._ask_reason(
            self.tr("Referral %1").replace("%1", words),
            self.tr("Why is the referral %1?").replace("%1", words),
        )
        if reason is None:
            self._failed(FgcError(f"not {words}: a reason is needed"), words)
            return
        actor, version = self.ctx.actor, self.state.referral.version
        self._write(
            lambda s, rid: referrals.end_referral(s, actor, rid, stage, reason, version), words
        )

    def _resume(self) -> None:
        reason = self._ask_reason(self.tr("Resume the referral"), self.tr("Why can it resume?"))
        if reason is None:
            return
        actor = self.ctx.actor
        self._write(lambda s, rid: referrals.resume(s, actor, rid, reason), self.tr("Resume"))

    def _selected(self, doing: str) -> Any:
        invitee = self.invites.selected()
        if invitee is None:
            self._failed(FgcError("choose someone on the invite list first"), doing)
        return invitee

    def _approve(self) -> None:
        invitee, actor = self._selected(self.tr("Approve")), self.ctx.actor
        if invitee is None:
            return
        given = self.invites.given.given()
        self._write(
            lambda s, _rid: gate.approve_invitee(s, actor, invitee.id, given),
            self.tr("Victim approves"),
        )

    def _three_answers(self) -> None:
        inv, actor = self.invites, self.ctx.actor
        invitee = self._selected(self.tr("The three answers"))
        if invitee is None:
            return
        request = inv.given.given() if inv.victim_requested.isChecked() else None
        ack, willing = inv.acknowledges.isChecked(), inv.willing.isChecked()
        self._write(
            lambda s, _rid: gate.record_three_answers(
                s,
                actor,
                invitee.id,
                request=request,
                acknowledges_abuse=ack,
                willing_to_address=willing,
            ),
            self.tr("The three answers"),
            inv.clear_form,
        )

    def _withdraw_request(self) -> None:
        doing = self.tr("The victim withdraws the request")
        invitee, actor = self._selected(doing), self.ctx.actor
        if invitee is None:
            return
        reason = self._ask_reason(
            doing,
            self.tr("Why does the victim no longer ask for %1 to attend? (her words)").replace(
                "%1", invitee.name
            ),
        )
        if reason is None:
            return
        given = self.invites.given.given()
        self._write(
            lambda s, _rid: gate.withdraw_request(s, actor, invitee.id, given, reason), doing
        )

    def _remove(self) -> None:
        invitee, actor = self.invites.selected(), self.ctx.actor
        if invitee is None:
            self._failed(FgcError("choose someone on the invite list first"), self.tr("Remove"))
            return
        reason = self._ask_reason(
            self.tr("Remove from the invite list"),
            self.tr("Why is %1 no longer invited?").replace("%1", invitee.name),
        )
        if reason is None:
            return
        self._write(
            lambda s, _rid: gate.remove_invitee(s, actor, invitee.id, reason),
            self.tr("Remove from the invite list"),
        )

    def _withdraw_consent(self) -> None:
        rows = self.consent.table.selectionModel().selectedRows()
        consent = self.consent.model.row_at(rows[0].row()) if rows else None
        if consent is None:
            self._failed(FgcError("choose a consent first"), self.tr("Withdraw consent"))
            return
        reason = self._ask_reason(
            self.tr("Withdraw consent"), self.tr("Why is consent withdrawn? (the family's words)")
        )
        if reason is None:
            return
        actor = self.ctx.actor
        self._write(
            lambda s, _rid: referrals.withdraw_consent(s, actor, consent.id, reason),
            self.tr("Withdraw consent"),
        )
