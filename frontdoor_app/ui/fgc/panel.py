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
from frontdoor_app.fgc.changes import Step, change_referral, read_case, referral_pdf, start_offer
from frontdoor_app.fgc.common import STAGE_WORDS
from frontdoor_app.fgc.errors import ConflictError, FgcError
from frontdoor_app.fgc.views import CaseFgc
from frontdoor_app.models import utcnow
from frontdoor_app.ui.core.messages import Messages, cause
from frontdoor_app.ui.core.ops import Ops
from frontdoor_app.ui.core.theme import repolish
from frontdoor_app.ui.core.worker import Worker
from frontdoor_app.ui.fgc.forms import (
    ConsentBox,
    InviteBox,
    RoutingBox,
    SafeguardBox,
    wrapped,
)
from frontdoor_app.ui.fgc.panel_steps import PanelSteps
from frontdoor_app.ui.fgc.stage_form import StageBox
from frontdoor_app.ui.fgc.waits import FgcWaits


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
        self.ops = Ops(worker, self.messages, ctx)
        self.waiting: FgcWaits | None = None  # in the meeting room: keeps steps while offline
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
        self.start.clicked.connect(self._start)
        self.pdf.clicked.connect(self._save_pdf)
        self.steps = PanelSteps(self)
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
            on_failed=lambda exc: self.refuse(exc, doing),
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
        self.stage.fill(referral, STAGE_WORDS, self.ctx.profile.today())
        self.loaded.emit(state)

    # ------------------------------------------------------------------ writes
    def write(
        self,
        job: Step,
        doing: str,
        after: Callable[[], None] | None = None,
        on_conflict: Callable[[Any], None] | None = None,
        on_offline: Callable[[], None] | None = None,
    ) -> None:
        """Run ``job(session, referral_id)`` in one unit of work (``fgc.changes``) on the
        worker, then show the case's FGC as it now stands. ``on_conflict`` is given the
        refusal (``ReferralConflict``, both versions) of a step sent against a version
        someone else has changed since; without it that is a refusal like any other."""
        if self.state is None or self.state.referral is None:
            return
        referral_id, ctx, item_id = self.state.referral.id, self.ctx, self.item_id
        assert item_id is not None

        def done(state: CaseFgc) -> None:
            self.problem.setText("")
            if after is not None:
                after()
            if state.referral is not None and self.stage.touched:
                # This panel's own change (another part's step): the stage form's typing
                # stays, now on the referral as this change left it.
                self.stage.rebase(state.referral.version)
            self._show(state)
            self.changed.emit()

        self.ops.command(
            self,
            lambda _reason: change_referral(ctx.sessions, ctx.profile, item_id, referral_id, job),
            done,
            doing=doing,
            on_conflict=on_conflict,
            on_offline=on_offline,
            on_failed=lambda exc: self.refuse(exc, doing),
        )

    def show_theirs(self, state: CaseFgc) -> None:
        """Show the case's FGC as someone else left it (what is typed in the stage form
        stays while it is touched)."""
        self._show(state)

    def refuse(self, exc: BaseException, doing: str) -> None:
        # The message box is the one every screen shows (a refusal in its own words, a
        # fault as an error); the panel also keeps the words beside the form.
        self.ops.report(self, doing, exc)
        if isinstance(exc, FgcError):
            text = str(exc)
            if isinstance(exc, ConflictError):
                self.refresh()  # someone else's change: show it
        else:
            text = self.tr("Something went wrong: %1. Nothing was saved.").replace("%1", cause(exc))
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
                self.refuse(FgcError(state.eligibility.text), self.tr("Start the FGC offer"))
            else:
                self.changed.emit()

        doing = self.tr("Start the FGC offer")
        self.ops.command(
            self,
            lambda _reason: start_offer(ctx.sessions, ctx.actor, ctx.profile, item_id),
            done,
            doing=doing,
            on_failed=lambda exc: self.refuse(exc, doing),
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
            self, run, done, doing=doing, on_failed=lambda exc: self.refuse(exc, doing)
        )
